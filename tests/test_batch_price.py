"""Batch support as provider data, the batch price, and the prediction showing both prices before a run."""

from __future__ import annotations

import io
import json
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from playground.chat.events import Usage
from playground.eval import costs
from playground.eval import graders as g
from playground.eval import runner as r
from playground.eval.cli import main
from playground.experiments.variant import Variant
from playground.facts.batch import BATCH_DISCOUNT_ENV, BatchSupport, batch_discount, batch_support
from playground.facts.catalog import GROK_3_MINI, Price
from playground.facts.params import GenerationParams
from playground.facts.providers import CUSTOM, PROVIDERS, ProviderConfig, resolve
from playground.money.batch_price import at_batch, batch_cost, batch_price, discounted
from playground.money.pricing import cost
from playground.offline import server as offline_server

HALF = BatchSupport(Decimal("0.5"), "test")


def test_only_documented_openai_compatible_batch_apis_are_marked() -> None:
    assert {p.id for p in PROVIDERS.values() if p.batch is not None} == {"offline"}
    offline = PROVIDERS["offline"].batch
    assert offline is not None and offline.simulated and offline.discount == Decimal("0.5")
    assert "offline engine" in offline.source and "nothing is billed" in offline.source


def test_the_custom_provider_is_off_unless_the_operator_declares_a_discount() -> None:
    mine = resolve("custom", env={})
    assert batch_support(mine, {}) is None
    declared = batch_support(mine, {BATCH_DISCOUNT_ENV: "0.5"})
    assert declared is not None and declared.discount == Decimal("0.5") and not declared.simulated
    assert BATCH_DISCOUNT_ENV in declared.source
    operator = resolve("custom", env={"PLAYGROUND_BASE_URL": "http://10.0.0.5:8000/v1"})
    assert batch_support(operator, {BATCH_DISCOUNT_ENV: "0.25"}).discount == Decimal("0.25")
    typed = resolve("custom", env={}, base_url="https://someone-elses.example/v1")
    assert typed.url_source == "user" and batch_support(typed, {BATCH_DISCOUNT_ENV: "0.5"}) is None
    xai = ProviderConfig(PROVIDERS["xai"], PROVIDERS["xai"].base_url, api_key="k")
    assert batch_support(xai, {BATCH_DISCOUNT_ENV: "0.5"}) is None  # the declaration is for custom URLs only


@pytest.mark.parametrize("raw", ["", "1", "1.5", "-0.1", "half", "nan", "inf"])
def test_a_discount_that_is_not_a_fraction_below_one_is_ignored(raw: str) -> None:
    assert batch_discount({BATCH_DISCOUNT_ENV: raw}) is None


def test_the_batch_price_is_the_catalogue_price_less_the_discount() -> None:
    price = Price(Decimal("0.30"), Decimal("0.50"), Decimal("0.075"))
    half = batch_price(price, Decimal("0.5"))
    assert (half.input, half.output, half.cached_input) == (Decimal("0.15"), Decimal("0.25"), Decimal("0.0375"))
    usage = Usage(prompt_tokens=1000, completion_tokens=600, reasoning_tokens=400, reasoning_included=True)
    live = cost(usage, price)
    batch = batch_cost(usage, price, HALF)
    # by hand: 1,000 × 0.15 + 600 × 0.25 (reasoning included in completion) per million
    assert batch.total == Decimal("0.0003") == live.total / 2
    assert discounted(live, HALF) == batch
    assert at_batch(Decimal("0.01"), Decimal("0.2")) == Decimal("0.008")
    with pytest.raises(ValueError, match="fraction"):
        at_batch(Decimal(1), Decimal(1))


def suite(config: ProviderConfig, *, second: ProviderConfig | None = None) -> r.Suite:
    variants = [Variant("A", config, GROK_3_MINI, GenerationParams(max_tokens=200))]
    if second is not None:
        variants.append(Variant("B", second, GROK_3_MINI, GenerationParams(max_tokens=200)))
    rows = ({"q": "What is 2 + 2?", "a": "4"}, {"q": "Name a colour.", "a": "red"})
    return r.Suite(tuple(variants), rows, "{{q}}", (g.Grader("contains", 1.0, "a"),))


def test_the_prediction_shows_the_live_and_the_batch_price() -> None:
    s = suite(resolve("offline", env={}))
    jobs = r.plan(s, [(0, 0), (1, 0)], 3)
    f = costs.forecast(s, jobs, env={})
    assert f.answers.requests == 6 and f.low > 0
    assert f.batch_answers is not None and f.batch_answers.requests == 6
    assert (f.batch_low, f.batch_high) == (f.low / 2, f.high / 2)
    assert f.batch_sources == (PROVIDERS["offline"].batch.source,)


def test_no_batch_price_where_a_variant_has_no_batch_api() -> None:
    custom = ProviderConfig(CUSTOM, "http://127.0.0.1:9/v1", api_key="k")
    s = suite(resolve("offline", env={}), second=custom)
    jobs = r.plan(s, [(0, 0), (0, 1)], 1)
    assert costs.forecast(s, jobs, env={}).batch_low is None
    declared = costs.forecast(s, jobs, env={BATCH_DISCOUNT_ENV: "0.2"})
    assert declared.batch_answers is not None
    a, b = (
        costs.forecast(suite(c), r.plan(suite(c), [(0, 0)], 1), env={})
        for c in (resolve("offline", env={}), custom)
    )
    assert b.batch_low is None and a.batch_low == a.low / 2
    assert declared.batch_low == a.low / 2 + b.low * Decimal("0.8")


def test_the_command_line_prediction_and_result_show_both_prices(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    srv = offline_server.serve("127.0.0.1", 0, pace=0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    doc = json.loads((Path(__file__).resolve().parent.parent / "examples" / "capitals.json").read_text())
    doc.update(rows=doc["rows"][:2], repeats=1, graders=[g for g in doc["graders"] if g["kind"] != "rubric"])
    path, result = tmp_path / "experiment.json", tmp_path / "result.json"
    path.write_text(json.dumps(doc))
    monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
    monkeypatch.setenv("PLAYGROUND_BASE_URL", offline_server.base_url(srv))
    runs = {}
    try:
        for declared in ("", "0.5"):
            monkeypatch.setenv(BATCH_DISCOUNT_ENV, declared)
            out, err = io.StringIO(), io.StringIO()
            main(["run", str(path), "--json", str(result)], out=out, err=err)
            runs[declared] = (err.getvalue(), json.loads(result.read_text())["forecast"])
    finally:
        srv.shutdown()
        srv.server_close()
    said, forecast = runs[""]
    assert "4 answers: predicted cost $" in said and "As one batch" not in said
    assert forecast["batch_low_usd"] is None and forecast["batch_high_usd"] is None
    said, forecast = runs["0.5"]
    low, high = Decimal(forecast["low_usd"]), Decimal(forecast["high_usd"])
    assert Decimal(forecast["batch_low_usd"]) == low / 2 and Decimal(forecast["batch_high_usd"]) == high / 2
    assert f"As one batch (declared by the operator ({BATCH_DISCOUNT_ENV}=0.5)): $" in said
