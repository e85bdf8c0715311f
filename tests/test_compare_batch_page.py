"""AppTest of batch pricing in the Evaluate view (issue 23 point 7): the prediction before the run shows the live
range and the batch's where every column offers a Batch API (the offline engine's labelled as a simulation, a
custom provider's when the operator declares ``PLAYGROUND_BATCH_DISCOUNT``), neither choice nor batch price where a
column has none; choosing the batch makes a batch job whose every answer costs half its live price."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from apptest_util import new_app, run
from batch_loopback import ANSWER_TOKENS, PROMPT_TOKENS, REASONING_TOKENS, BatchServer
from eval_loopback import CapitalsServer, always
from jobs_util import engine_for
from loopback import Recorded, Reply, sse, sse_reply
from streamlit.testing.v1 import AppTest
from test_compare_jobs_page import PAGE, RAW, has_stop, job_in_url, open_compare, point_at, texts, until

from playground.facts.batch import BATCH_DISCOUNT_ENV
from playground.jobs import reading
from playground.money.pricing import format_usd

BATCH_LINE = re.compile(
    r"As one batch: \$[\d.]+ to \$[\d.]+ \((\d+) % off; results within 24 h; judge requests stay at the live "
    r"price\)\. Source: (.+)\."
)
LIVE_LINE = re.compile(
    r"\d+ answers and \d+ judge requests: predicted cost \$[\d.]+ to \$[\d.]+ at the live price "
    r"\(judge \$[\d.]+ to \$[\d.]+\)\."
)


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", url)
    monkeypatch.delenv(BATCH_DISCOUNT_ENV, raising=False)
    monkeypatch.setenv("PLAYGROUND_OFFLINE_BATCH_DELAY", "1")
    return url


def evaluate_view(repeats: int = 1, **secrets: str) -> AppTest:
    if secrets:  # the operator's secrets.toml, read from the first run
        at = new_app()
        for name, value in secrets.items():
            at.secrets[name] = value
        run(at)
        at.switch_page(PAGE)
        run(at)
    else:
        at = open_compare()
    at.radio(key="cmp_view").set_value("Evaluate")
    run(at)
    at.number_input(key="eval_repeats").set_value(repeats)
    return run(at)


def prediction(at: AppTest) -> str:
    return next(i.value for i in at.info if "predicted cost" in i.value)


def has_choice(at: AppTest) -> bool:
    return any(t.key == "eval_batch" for t in at.toggle)


def test_the_offline_engine_predicts_both_prices_its_batch_labelled_a_simulation(database: str) -> None:
    at = evaluate_view()
    said = prediction(at)
    assert LIVE_LINE.search(said), said
    found = BATCH_LINE.search(said)
    assert found is not None, said
    assert found[1] == "50" and found[2] == "simulated by the offline engine, nothing is billed"
    assert has_choice(at) and at.toggle(key="eval_batch").label == "Send as one batch (cheaper, slower)"
    assert not RAW.search(texts(at)), texts(at)


def test_a_custom_provider_has_a_batch_only_when_the_operator_declares_its_discount(
    monkeypatch: pytest.MonkeyPatch, database: str
) -> None:
    with CapitalsServer(rule=always) as server:
        point_at(monkeypatch, server.url + "/v1")
        at = evaluate_view()
        said = prediction(at)
        assert LIVE_LINE.search(said) and "As one batch" not in said, said
        assert not has_choice(at)

        monkeypatch.setenv(BATCH_DISCOUNT_ENV, "0.4")
        at = evaluate_view()
    said = prediction(at)
    found = BATCH_LINE.search(said)
    assert found is not None, said
    assert found[1] == "40" and found[2] == f"declared by the operator ({BATCH_DISCOUNT_ENV}=0.4)"
    assert has_choice(at)
    assert not RAW.search(texts(at)), texts(at)


def test_a_discount_declared_only_in_secrets_prices_the_batch_and_the_job_runs_as_one(
    monkeypatch: pytest.MonkeyPatch, database: str
) -> None:
    with BatchServer(polls=0) as server:
        point_at(monkeypatch, server.url + "/v1")
        at = evaluate_view(**{BATCH_DISCOUNT_ENV: "0.5"})
        found = BATCH_LINE.search(prediction(at))
        assert found is not None and found[1] == "50", prediction(at)
        at.toggle(key="eval_batch").set_value(True)
        run(at)
        batch_id = finished_job(at)
        assert len(server.batches) == 1
    job = reading.status(engine_for(database), batch_id)
    assert job is not None and job.mode == "batch" and job.state == "finished" and job.failed == 0, job
    assert not RAW.search(texts(at)), texts(at)


def finished_job(at: AppTest) -> str:
    at.button(key="eval_go").click()
    run(at)
    job_id = job_in_url(at)
    until(at, lambda a: not has_stop(a))
    return job_id


def answer_costs(url: str, job_id: str) -> dict[tuple[int, str, int], Decimal]:
    results = reading.results(engine_for(url), job_id)
    return {(x["row"], x["variant"], x["repeat"]): Decimal(x["cost_usd"]) for x in results}


class LiveAndBatchServer(BatchServer):
    """The documented Batch API and live streamed Chat Completions on one address, every answer of the same
    known usage (batch_loopback's), so a unit's batch price and its live price can be compared; the judge's
    requests answer the verdict schema (a pass)."""

    def _handle(self, req: Recorded) -> Reply:
        if req.method == "POST" and req.path.split("?")[0].rstrip("/") == "/v1/chat/completions":
            body = req.json()
            fmt = body.get("response_format") or {}
            judged = fmt.get("type") == "json_schema"
            text = json.dumps({"pass": True, "score": 1.0, "reason": "fine"}) if judged else "Paris"
            usage = {
                "prompt_tokens": PROMPT_TOKENS,
                "completion_tokens": ANSWER_TOKENS + REASONING_TOKENS,
                "total_tokens": PROMPT_TOKENS + ANSWER_TOKENS + REASONING_TOKENS,
                "completion_tokens_details": {"reasoning_tokens": REASONING_TOKENS},
            }
            return sse_reply(
                sse(
                    {"choices": [{"index": 0, "delta": {"content": text}}]},
                    {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
                    {"choices": [], "usage": usage},
                )
            )
        return super()._handle(req)


def test_choosing_the_batch_makes_a_batch_job_priced_at_the_batch_price(
    monkeypatch: pytest.MonkeyPatch, database: str
) -> None:
    monkeypatch.setenv(BATCH_DISCOUNT_ENV, "0.5")
    with LiveAndBatchServer(polls=0) as server:
        point_at(monkeypatch, server.url + "/v1")
        at = evaluate_view()
        live_id = finished_job(at)  # the same plan sent live first: each answer's live price
        at.toggle(key="eval_batch").set_value(True)
        run(at)
        batch_id = finished_job(at)
        assert len(server.batches) == 1  # one batch: 40 lines
    assert batch_id != live_id
    job = reading.status(engine_for(database), batch_id)
    assert job is not None and job.mode == "batch" and job.state == "finished" and job.failed == 0
    assert reading.status(engine_for(database), live_id).mode == "live"
    (final,) = [s.value for s in at.success]
    assert re.fullmatch(r"Finished · 40 of 40 requests · \$[\d.]+ spent of the \$0\.50 cap", final), final
    live, batch = answer_costs(database, live_id), answer_costs(database, batch_id)
    said = f"Sent as one batch: the answers cost {format_usd(sum(batch.values()))} at the batch price; judge "
    assert any(c.value.startswith(said) for c in at.caption), [c.value for c in at.caption]
    assert len(batch) == 40 and batch.keys() == live.keys()
    assert all(live[k] > 0 and batch[k] == live[k] / 2 for k in live), [(live[k], batch[k]) for k in live]
    assert not RAW.search(texts(at)), texts(at)


def test_on_the_offline_engine_the_batch_job_shows_its_phase_and_ends_priced_at_the_batch_price(
    database: str,
) -> None:
    at = evaluate_view()
    at.toggle(key="eval_batch").set_value(True)
    run(at)
    at.button(key="eval_go").click()
    run(at)
    batch_id = job_in_url(at)
    shown = "\n".join(i.value for i in at.info)
    assert re.search(r"Sent as one batch: (waiting to be submitted|submitting it|submitted, in progress)", shown)
    assert at.toggle(key="eval_batch").disabled and at.toggle(key="eval_batch").value  # the choice stays shown
    until(at, lambda a: not has_stop(a))
    assert at.toggle(key="eval_batch").value and not at.toggle(key="eval_batch").disabled
    job = reading.status(engine_for(database), batch_id)
    assert job is not None and job.mode == "batch" and job.state == "finished" and job.done == 40
    (final,) = [s.value for s in at.success]
    assert re.fullmatch(r"Finished · 40 of 40 requests · offline, nothing spent: would cost \$[\d.]+ .*", final)
    cost = format_usd(sum(answer_costs(database, batch_id).values()))
    said = f"Sent as one batch (simulated by the offline engine): the answers would cost {cost} at the batch price"
    assert any(c.value.startswith(said) for c in at.caption), [c.value for c in at.caption]
    assert not RAW.search(texts(at)), texts(at)
