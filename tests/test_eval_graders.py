"""Graders: weighted mean and threshold, limits read from the reply, the judge's verdict, the experiment file."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from playground.eval import experiment as ex
from playground.eval import graders as g
from playground.eval import judge as j
from playground.eval import simulate
from playground.facts.params import GenerationParams

ROW = {"country": "France", "capital": "Paris"}
OFFLINE_ENV = ex.Environment({"PLAYGROUND_PROVIDER": "offline"}, {})


def grade_all(graders: list[g.Grader], output: str, measured: g.Measured) -> list[g.Grade]:
    return [g.grade_rule(x, output, ROW) if x.kind in g.RULES else g.grade_limit(x, measured) for x in graders]


def test_weighted_mean_passes_at_the_threshold() -> None:
    graders = [g.Grader("contains", 2.0, "capital"), g.Grader("equals", 1.0, "capital")]
    grades = grade_all(graders, "It is Paris.", g.Measured(None, None, None))
    assert [x.passed for x in grades] == [True, False]
    value = g.score(grades, graders)
    assert value == pytest.approx(2 / 3)
    assert g.passes(value, 0.66) and not g.passes(value, 0.7)


def test_limit_graders_read_cost_latency_and_tokens() -> None:
    graders = [
        g.Grader("cost", limit=Decimal("0.0001")),
        g.Grader("latency", limit=Decimal("2")),
        g.Grader("output_tokens", limit=Decimal("50")),
    ]
    fine = grade_all(graders, "Paris", g.Measured(Decimal("0.00009"), 1.5, 50))
    assert all(x.passed for x in fine)
    over = grade_all(graders, "Paris", g.Measured(Decimal("0.00011"), 2.5, 51))
    assert not any(x.passed for x in over)
    assert over[0].detail == "$0.00011 is over the limit" and over[1].detail == "2.50 s is over the limit"
    missing = grade_all(graders, "Paris", g.Measured(None, None, None))
    assert [x.detail for x in missing][0] == "no cost was reported"


def test_a_catastrophic_regex_fails_its_row_in_time() -> None:
    grader = g.Grader("regex", 1.0, "pattern")
    grade = g.grade_rule(grader, "a" * 40 + "b", {"pattern": "(a|aa)+$"})
    assert not grade.passed and "longer than" in grade.detail


def test_judge_verdicts_are_read_strictly() -> None:
    assert j.parse_verdict('{"pass": true, "score": 0.8, "reason": "ok"}') == (True, 0.8, "ok")
    for bad, why in (
        ("yes", "not JSON"),
        ('{"pass": "yes"}', "true/false"),
        ('{"pass": true, "score": 3}', "0 to 1"),
    ):
        with pytest.raises(ValueError, match=why):
            j.parse_verdict(bad)
    assert j.offline_verdict("The capital is paris.", "Paris") == (True, "the expected text appears in the answer")
    assert j.offline_verdict("", "") == (False, "the answer is empty")


def test_the_judge_prompt_holds_rubric_output_expected_and_columns() -> None:
    text = j.judge_prompt(
        "{{rubric}} | {{output}} | {{expected}} | {{country}}", rubric="R", output="O", expected="E", row=ROW
    )
    assert text == "R | O | E | France"
    default = j.default_judge(ex.load(Path("examples/capitals.json"), env=OFFLINE_ENV).suite.variants[0])
    assert default.params.reasoning_effort == "low" and default.params.temperature == 0
    assert default.tools.response_format.kind == "json_schema" and default.tools.response_format.name == "verdict"


def test_simulation_rule_depends_on_the_settings() -> None:
    high, low = GenerationParams(reasoning_effort="high", temperature=0), GenerationParams(reasoning_effort="low")
    assert simulate.probability(high) == pytest.approx(0.93 - 0.05 * 0.1)  # top_p defaults to 0.9
    assert simulate.probability(low) == pytest.approx(0.92 - 0.08 * 0.49 - 0.05 * 0.1)
    assert simulate.probability(
        GenerationParams(reasoning_effort="high", temperature=0, max_tokens=10)
    ) == pytest.approx(0.925 / 2)
    rows = [{"c": "Paris"}, {"c": "Rome"}]
    sim = simulate.Simulation(3, "c")
    draws = [simulate.answer(sim, high, row=0, repeat=k, rows=rows) for k in range(400)]
    assert set(draws) == {"Paris", "Rome"} and 0.88 < draws.count("Paris") / 400 < 0.98


def write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "exp.json"
    path.write_text(json.dumps(doc))
    return path


def test_the_examples_fit_the_schema_and_load() -> None:
    loaded = ex.load(Path("examples/capitals.json"), env=OFFLINE_ENV)
    assert len(loaded.suite.rows) == 20 and [x.kind for x in loaded.suite.graders] == ["contains", "rubric"]
    assert loaded.suite.simulation == simulate.Simulation(7, "capital") and loaded.repeats == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"graders": [{"kind": "contains", "expected": "capital", "weight": -1}]}, "$.graders[0].weight"),
        ({"graders": [{"kind": "contains"}]}, "'expected' is a required property"),
        ({"graders": [{"kind": "contains", "expected": "city"}]}, "No expected column named 'city'"),
        ({"prompt": "Capital of {{nation}}?"}, "No column for {{nation}}"),
        ({"repeats": 11}, "$.repeats"),
        ({"kind": "compare"}, "$.kind"),
        ({"graders": [{"kind": "rubric", "rubric": "x"}], "judge": {"prompt": "{{missing}}"}}, "{{missing}}"),
    ],
)
def test_bad_experiments_say_where(tmp_path: Path, change: dict, message: str) -> None:
    doc = {**json.loads(Path("examples/capitals.json").read_text()), **change}
    with pytest.raises(ex.ExperimentError) as caught:
        ex.load(write(tmp_path, doc), env=OFFLINE_ENV)
    assert message in str(caught.value) and str(tmp_path) in str(caught.value)


def test_a_saved_page_experiment_with_one_check_runs_as_one_grader(tmp_path: Path) -> None:
    doc = json.loads(Path("examples/capitals.json").read_text())
    for key in ("graders", "threshold", "repeats", "target", "simulate"):
        doc.pop(key)
    doc["check"] = {"kind": "contains", "expected": "capital", "schema": None}
    loaded = ex.load(write(tmp_path, doc), env=OFFLINE_ENV)
    assert loaded.suite.graders == (g.Grader("contains", 1.0, "capital"),) and loaded.repeats == 1
