"""The prompt cache in money: per-reply figures, the edit prediction and payback, and the forecast's rates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from playground.chat.events import Usage
from playground.facts.catalog import GROK_3_MINI
from playground.money.cache import BLOCK, hit_percent, prompt_prefix, reply_cache, total_cache
from playground.money.cache_forecast import predict, with_system
from playground.money.cache_projection import ASSUMED_HIT_RATE, forecast, hit_rates
from playground.money.pricing import Volume, Workload, cost, per_million

PRICE = GROK_3_MINI.price  # $0.30 input, $0.075 cached input per 1M


def test_a_reply_splits_its_input_and_says_what_the_cache_saved() -> None:
    f = reply_cache(Usage(prompt_tokens=1480, cached_tokens=1216, completion_tokens=10), PRICE)
    assert (f.cached_tokens, f.uncached_tokens, f.hit_percent) == (1216, 264, 82)
    paid = cost(Usage(prompt_tokens=1480, cached_tokens=1216), PRICE)
    full = cost(Usage(prompt_tokens=1480, cached_tokens=0), PRICE)
    assert f.saved == (full.input + full.cached_input) - (paid.input + paid.cached_input) == Decimal("0.0002736")
    assert reply_cache(None, PRICE) is None and reply_cache(Usage(prompt_tokens=5, invalid="bad"), PRICE) is None
    assert reply_cache(Usage(prompt_tokens=900, estimated=True), PRICE) is None  # no usage sent: nothing known
    assert reply_cache(Usage(prompt_tokens=100, cached_tokens=50), None).saved is None
    total = total_cache([f, None, reply_cache(Usage(prompt_tokens=520, cached_tokens=0), PRICE)])
    assert (total.input_tokens, total.cached_tokens, total.replies, total.hit_percent) == (2000, 1216, 2, 61)
    assert hit_percent(1, 200) == 1 and hit_percent(0, 0) == 0


def conversation(system: str, turns: int) -> list[dict]:
    out: list[dict] = []
    for i in range(turns):
        out += [
            {"role": "user", "content": f"Question {i}"},
            {"role": "assistant", "content": f"Answer {i}. " * 20},
        ]
    return with_system(system, out)


def test_the_prediction_reads_the_last_prompt_from_the_cache() -> None:
    system = "Be precise and brief. " * 60
    history = conversation(system, 3)[1:]
    last = prompt_prefix(with_system(system, history[:-1]))  # the request that got the last answer
    turn = predict(last, system=system, history=history, price=PRICE)
    assert turn.cached_tokens == sum(n for _, n in last) // BLOCK * BLOCK and turn.reread_tokens == 0
    assert turn.input_tokens == sum(n for _, n in prompt_prefix(history)) + prompt_prefix([{}])[0][1] + (
        sum(n for _, n in prompt_prefix(with_system(system, []))) or 0
    )


def test_an_edit_of_the_system_message_says_what_it_costs_and_when_it_pays_back() -> None:
    system = "Be precise and brief. " * 300
    history = conversation(system, 3)[1:]
    last = prompt_prefix(with_system(system, history[:-1]))
    shorter = predict(last, system="Be brief.", history=history, price=PRICE)
    assert shorter.cached_tokens == 0 and shorter.reread_tokens == sum(n for _, n in last) // BLOCK * BLOCK
    assert shorter.extra_cost == per_million(shorter.reread_tokens, PRICE.input - PRICE.cached_input)
    saved_per_turn = per_million(-shorter.growth, PRICE.cached_input)
    assert shorter.growth < 0 and (shorter.payback_turns - 1) * saved_per_turn < shorter.extra_cost
    assert shorter.payback_turns * saved_per_turn >= shorter.extra_cost
    longer = predict(last, system=system + " And kind.", history=history, price=PRICE)
    assert longer.reread_tokens > 0 and longer.payback_turns is None


def test_the_forecast_uses_the_history_or_says_it_assumes() -> None:
    assert hit_rates([]).replies == 0 and hit_rates([None]).weighted == ASSUMED_HIT_RATE
    usages = [Usage(prompt_tokens=1000, cached_tokens=0)] + [Usage(prompt_tokens=1000, cached_tokens=900)] * 9
    rates = hit_rates(usages)
    # token-weighted 8,100 of 10,000; per-reply rates 0 once and 0.9 nine times (10th percentile interpolated)
    assert rates.replies == 10 and rates.weighted == 0.81 and rates.high == 0.9
    assert rates.low == pytest.approx(0.81)
    got = forecast(Workload(1000, 0, 100, 0), PRICE, Volume(10, 30), rates)
    assert got.all.per_month.total < got.expected.per_month.total < got.none.per_month.total
    assert got.expected.per_request.cached_input == per_million(810, PRICE.cached_input)


def test_an_edit_of_an_earlier_message_keeps_the_cache_up_to_it() -> None:
    system = "Be precise and brief. " * 120
    history = conversation(system, 4)[1:]
    last = prompt_prefix(with_system(system, history[:-1]))
    edited = [history[0], history[1], {"role": "user", "content": "Question 1, rewritten at length. " * 30}]
    edited += history[3:]
    turn = predict(last, system=system, history=edited, price=PRICE)
    kept = sum(n for _, n in prompt_prefix(with_system(system, history[:2])))  # system and the first exchange
    assert turn.cached_tokens == kept // BLOCK * BLOCK
    assert turn.reread_tokens == sum(n for _, n in last) // BLOCK * BLOCK - turn.cached_tokens > 0
    assert turn.growth > 0 and turn.payback_turns is None  # longer: it never pays back
