"""A test set with weighted graders (contains + a rubric judge), a threshold and repeats, end to end over HTTP."""

from __future__ import annotations

import re
from decimal import Decimal

from eval_loopback import CAPITALS, CapitalsServer
from experiments_util import variant

from playground.eval import costs, stats, summary
from playground.eval import graders as g
from playground.eval import judge as j
from playground.eval import runner as r
from playground.experiments.budget import Budget
from playground.money.pricing import ZERO

ROWS = tuple({"country": c, "capital": k} for c, k in CAPITALS.items())
GRADERS = (
    g.Grader("contains", 2.0, "capital"),
    g.Grader("rubric", 1.0, "capital", rubric="The answer names the capital city."),
)


def suite(server: CapitalsServer, *efforts: str) -> r.Suite:
    variants = tuple(variant(server, f"Effort {e}", reasoning_effort=e) for e in efforts)
    return r.Suite(variants, ROWS, "What is the capital of {{country}}?", GRADERS, threshold=0.9)


def run(s: r.Suite, repeats: int, cap: Decimal | None) -> tuple[r.Batch, costs.Forecast]:
    cells = [(row, v) for row in range(len(s.rows)) for v in range(len(s.variants))]
    jobs = r.plan(s, cells, repeats)
    batch = r.Batch(s, jobs, Budget(cap), concurrency=1)
    batch.run()
    return batch, costs.forecast(s, jobs)


def test_weighted_graders_repeats_judge_cost_and_the_difference_in_words() -> None:
    with CapitalsServer(seed=3) as server:
        s = suite(server, "low", "high")
        batch, forecast = run(s, 3, Decimal("1.00"))
        assert server.answers == 120 and server.judged == 120  # every answer judged once, no more
    attempts = batch.attempts
    assert len(attempts) == 120 and forecast.judges.requests == 120
    for a in attempts:
        right = ROWS[a.row]["capital"] in a.output
        # contains (weight 2) and the judge (weight 1) agree here, so the weighted score is all or nothing
        assert a.score == (1.0 if right else 0.0) and a.passed is right
        assert [x.grader for x in a.grades] == ["contains capital", "rubric"]
        assert a.verdicts[0].by == "xAI: Grok 3 Mini Beta"
        assert a.verdicts[0].reason in ("names the capital", "wrong city")
    judged = sum((a.judge_cost for a in attempts), ZERO)
    assert forecast.judges.low <= judged <= forecast.judges.high
    assert batch.budget.spent == sum(((a.cost or ZERO) + a.judge_cost for a in attempts), ZERO) <= Decimal("1.00")
    low, high = summary.summarize(attempts, ["Effort low", "Effort high"], seed=1)
    for s_ in (low, high):
        rows = s_.by_row
        assert all(len(v) == 3 for v in rows.values()) and len(rows) == 20
        assert s_.pass_rate.low <= s_.pass_rate.estimate <= s_.pass_rate.high
        assert s_.flip_rate == sum(1 for v in rows.values() if len(set(v)) > 1) / 20
    diff = summary.compare(low, high, repeats=3, forecast=forecast, seed=1)
    points = round(abs(float(stats.differences(low.by_row, high.by_row).mean())) * 100)
    if diff.comparison.separable:
        assert re.fullmatch(
            rf"Effort high passes {points} ± \d+ points (more|fewer) than Effort low \(20 rows\)\.", diff.sentence
        )
    else:
        assert f"about {diff.more_rows:,} more rows" in diff.sentence


def test_an_aa_comparison_is_priced_in_rows_and_dollars() -> None:
    with CapitalsServer(seed=5) as server:
        s = suite(server, "low", "low")
        batch, forecast = run(s, 2, None)
    a, b = summary.summarize(batch.attempts, ["A", "B"], seed=2)
    diff = summary.compare(a, b, repeats=2, forecast=forecast, seed=2)
    if diff.comparison.diff.low == diff.comparison.diff.high == 0:
        assert "gave the same verdicts" in diff.sentence
        return
    assert not diff.comparison.separable
    per_row = (a.cost + b.cost) / (a.attempts + b.attempts) * 2 * 2
    assert diff.more_cost == per_row * diff.more_rows
    assert f"about {diff.more_rows:,} more rows (≈ $" in diff.sentence and "at today's prices" in diff.sentence


def test_the_cap_counts_the_judge_and_is_never_passed() -> None:
    with CapitalsServer(seed=1) as server:
        s = suite(server, "high")
        jobs = r.plan(s, [(row, 0) for row in range(20)], 1)
        cap = sum((job.high for job in jobs[:3]), ZERO)  # room for three answers with their judges, at most
        batch = r.Batch(s, jobs, Budget(cap), concurrency=2)
        batch.run()
        assert batch.blocked is not None and batch.budget.spent <= cap
        assert 3 <= len(batch.attempts) < 20 and server.judged == len(batch.attempts)
    assert all(job.judges[0] is not None and job.high > job.answer.high for job in jobs)


def test_the_offline_engine_judges_by_its_stated_rule(monkeypatch) -> None:  # noqa: ANN001
    from playground.experiments.variant import Variant
    from playground.facts.catalog import GROK_3_MINI
    from playground.facts.params import GenerationParams
    from playground.facts.providers import OFFLINE, ProviderConfig

    monkeypatch.setenv("PLAYGROUND_OFFLINE_PACE", "0")
    offline = Variant(
        "Offline",
        ProviderConfig(OFFLINE, OFFLINE.base_url, auth="none"),
        GROK_3_MINI,
        GenerationParams(max_tokens=200),
    )
    s = r.Suite((offline,), ROWS[:3], "What is the capital of {{country}}?", GRADERS, threshold=0.5)
    batch, _ = run(s, 1, None)
    for a in batch.attempts:
        verdict = a.verdicts[0]
        assert verdict.by == j.OFFLINE_LABEL and verdict.cost is not None and verdict.cost > 0
        appears = ROWS[a.row]["capital"].lower() in a.output.lower()
        assert verdict.passed is appears and verdict.reason.startswith("Rule: the expected text")
        assert not a.simulated  # no opt-in: the engine's own description is graded


def test_a_broken_attempt_is_recorded_and_its_hold_counted_not_leaked(monkeypatch) -> None:  # noqa: ANN001
    real = g.grade_rule

    def flaky(grader: g.Grader, output: str, row: dict) -> g.Grade:
        if row["country"] == "Italy":
            raise RuntimeError("boom")
        return real(grader, output, row)

    monkeypatch.setattr(g, "grade_rule", flaky)
    with CapitalsServer(rule=lambda *_: 1.0) as server:
        s = suite(server, "low")
        batch, _ = run(s, 1, Decimal("1.00"))
    assert len(batch.attempts) == 20 and batch.budget.reserved == 0
    broken = [a for a in batch.attempts if a.error]
    assert [ROWS[a.row]["country"] for a in broken] == ["Italy"]
    assert broken[0].error == "Internal error (RuntimeError); nothing was graded." and not broken[0].passed
    italy = next(job for job in r.plan(s, [(2, 0)], 1))
    assert batch.budget.spent >= italy.high  # the unknown cost counts in full
