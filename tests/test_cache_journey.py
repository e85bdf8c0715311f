"""Issue 24's must-show: a 20-turn conversation on the offline engine with its prompt cache, seen in the strip,
predicted in the footer (an edit of the system message at turn 10) and forecast on the pricing page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from apptest_util import run, send, start_app

from playground.money.cache import hit_percent
from playground.money.cache_projection import hit_rates
from playground.offline.cache import CACHE

SYSTEM = (
    "You are the booking assistant of a small travel agency in Lisbon. Answer in two sentences, name prices in "
    "euros, mention the opening hours (Monday to Saturday, nine to six) when asked, and never promise a refund. "
) * 6
SYSTEM_EDITED = SYSTEM + "From now on, answer in French."
PAGE = "pages/pricing.py"


@pytest.fixture
def served(monkeypatch):
    """The engine's own cached_tokens per request, recorded as it serves them."""
    CACHE.clear()
    got: list[tuple[int, int]] = []
    real = CACHE.serve

    def spy(conversation_id, messages, prompt_tokens):
        cached = real(conversation_id, messages, prompt_tokens)
        got.append((cached, prompt_tokens))
        return cached

    monkeypatch.setattr(CACHE, "serve", spy)
    monkeypatch.setenv("PLAYGROUND_PROVIDER", "offline")
    yield got
    CACHE.clear()


def last_reply_captions(at) -> str:
    return "\n".join(c.value for c in at.chat_message[-1].caption)


def footer_captions(at) -> str:
    return "\n".join(c.value for c in at.get("caption") if "Next message" in c.value or "Prompt cache" in c.value)


def usd(text: str) -> Decimal:
    return Decimal(text.replace("$", "").replace(",", ""))


def test_twenty_turns_cache_in_the_strip_the_footer_and_the_forecast(served) -> None:
    at = start_app()
    at.text_area(key="system").set_value(SYSTEM)
    run(at)
    prediction = ""
    for turn in range(1, 21):
        if turn == 11:  # after turn 10: edit the system message, read what the footer predicts
            at.text_area(key="system").set_value(SYSTEM_EDITED)
            run(at)
            prediction = footer_captions(at)
        send(at, f"Turn {turn}: is the Sintra day trip available on Saturday {turn}?")
        cached, prompt = served[-1]
        expected = f"{cached:,} of {prompt:,} input tokens from the cache ({hit_percent(cached, prompt)} % hit)"
        assert expected in last_reply_captions(at), turn
    rates = [c for c, _ in served]
    assert rates[0] == 0 and all(c > 0 for c in rates[1:10]) and rates[10] == 0 and rates[11] > 0

    conv = at.session_state["conversation"]
    replies = conv.replies
    assert len(replies) == 20
    # the footer before turn 11 said what the edit does, and what turn 11's input would cost
    found = re.search(
        r"≈ ([\d,]+) of ([\d,]+) input tokens from the cache \(\d+ %\) ≈ (\$[\d.]+) of input", prediction
    )
    assert found, prediction
    assert "Your edit: the next turn re-reads" in prediction and "at full price: +$" in prediction
    turn11 = replies[10].cost
    actual = turn11.input + turn11.cached_input
    assert abs(usd(found.group(3)) / actual - 1) <= Decimal("0.10"), (found.group(3), actual)
    # the conversation totals
    total_in = sum(r.usage.prompt_tokens for r in replies)
    total_cached = sum(r.usage.cached_tokens for r in replies)
    assert f"Prompt cache over 20 replies: {total_cached:,} of {total_in:,} input tokens" in footer_captions(at)

    # forecast: the hit rate of turns 1-10 against what turns 11-20 measured, and their cost
    first, second = [r.usage for r in replies[:10]], [r.usage for r in replies[10:]]
    forecast = hit_rates(first).weighted
    measured = sum(u.cached_tokens for u in second) / sum(u.prompt_tokens for u in second)
    assert abs(forecast - measured) <= 0.10, (forecast, measured)
    # (the cost of turns 11-20 at that forecast rate comes out about 11 % high: the edit at turn 10 emptied the
    # cache once, which no history predicts; the pricing page below is checked against the whole measured total)

    # the pricing page: the session's average reply, 20 requests, priced at the session's measured hit rate
    at.switch_page(PAGE).run()
    assert not at.exception
    at.button(key="pricing_measured").click()
    run(at)
    at.number_input(key="pricing_requests_per_day").set_value(20)
    at.number_input(key="pricing_days_per_month").set_value(1)
    run(at)
    table = next(d.value for d in at.dataframe if "Hit rate" in d.value.columns)
    row = table[table["Case"] == "Your hit rate"].iloc[0]
    whole = total_cached / total_in
    assert abs(int(row["Hit rate"].rstrip(" %")) / 100 - whole) <= 0.10
    assert abs(usd(row["Per day"]) / sum(r.cost.total for r in replies) - 1) <= Decimal("0.10")
    assert list(table["Case"])[0] == "No cache" and list(table["Case"])[-1] == "All input cached"
    assert "measured on your 20 replies in this session" in "\n".join(m.value for m in at.markdown)
