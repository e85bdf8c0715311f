"""Evaluation runs kept with their saved experiment (SQLite and PostgreSQL): listed oldest first, one marked as
the baseline, any run compared with it by the same code as ``run --baseline``, no key or address stored, and the
runs deleted with their experiment."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from eval_loopback import CapitalsServer, always, never

from playground.eval.cli import main
from playground.eval.history import attempts_from_result, chart_points, compare_runs, run_summary
from playground.store import Store
from playground.store.engine import current_revision, head

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "capitals.json"
SECRET = "sk-run-secret-0123456789abcdef"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Result JSONs of the example: every answer right, then every answer wrong (1 repeat each)."""
    folder = tmp_path_factory.mktemp("runs")
    path = folder / "experiment.json"
    path.write_text(json.dumps({**json.loads(EXAMPLE.read_text()), "target": 0.0}))
    out: dict[str, dict] = {}
    with pytest.MonkeyPatch.context() as mp:
        for name, rule in (("good", always), ("bad", never)):
            with CapitalsServer(rule=rule) as server:
                mp.setenv("PLAYGROUND_PROVIDER", "custom")
                mp.setenv("PLAYGROUND_BASE_URL", f"{server.url}/v1")
                argv = ["run", str(path), "--repeats", "1", "--json", str(folder / f"{name}.json")]
                if name == "bad":
                    argv += ["--baseline", str(folder / "good.json")]
                assert main(argv, out=io.StringIO(), err=io.StringIO()) in (0, 1)
            out[name] = json.loads((folder / f"{name}.json").read_text())
    return out


def test_runs_are_kept_listed_marked_and_compared_with_the_baseline(db_url: str, results: dict) -> None:
    good, bad = results["good"], results["bad"]
    store = Store.open(url=db_url)
    try:
        assert current_revision(store.engine) == head() == "0009"
        exp = store.save_experiment(owner="ada", name="Capitals", definition={"kind": "eval"})
        first = store.save_run(owner="ada", experiment_id=exp, summary=run_summary(good), result=good)
        second = store.save_run(owner="ada", experiment_id=exp, summary=run_summary(bad), result=bad)
        assert store.baseline_run(owner="ada", experiment_id=exp) is None
        assert store.mark_baseline(owner="ada", run_id=first)
        listed = store.list_runs(owner="ada", experiment_id=exp)
        assert [(r.id, r.baseline) for r in listed] == [(first, True), (second, False)]
        assert listed[0].summary["variants"][0]["pass_rate"] == 1.0
        assert store.list_runs(owner="bob", experiment_id=exp) == []
        assert store.load_run(owner="bob", run_id=second) is None
        assert not store.mark_baseline(owner="bob", run_id=second)
        with pytest.raises(PermissionError):
            store.save_run(owner="bob", experiment_id=exp, summary={}, result={})
        baseline = store.baseline_run(owner="ada", experiment_id=exp)
        now = store.load_run(owner="ada", run_id=second)
        assert baseline is not None and baseline.id == first and now is not None and now.result == bad
        assert store.mark_baseline(owner="ada", run_id=second)  # only one baseline per experiment
        assert [r.baseline for r in store.list_runs(owner="ada", experiment_id=exp)] == [False, True]
        assert store.delete_experiment(owner="ada", experiment_id=exp)
        assert store.load_run(owner="ada", run_id=first) is None  # the runs went with their experiment
    finally:
        store.close()
    regressions = compare_runs(now.result, baseline.result)
    assert [r.label for r in regressions] == [v["label"] for v in bad["variants"]]
    for reg, cli_said in zip(regressions, bad["baseline"], strict=True):  # the same as ``run --baseline``
        assert reg.regressed and reg.sentence() == cli_said["sentence"]
        assert [c.as_json() for c in reg.changed] == cli_said["changed"] and len(reg.changed) == 20
        assert reg.cost is not None and reg.cost.sentence() == cli_said["cost"]


def test_a_run_rebuilt_from_its_json_compares_the_same_as_against_itself(results: dict) -> None:
    labels, attempts = attempts_from_result(results["good"])
    assert labels == [v["label"] for v in results["good"]["variants"]] and len(attempts) == 40
    assert all(a.passed for a in attempts) and all(a.judge_cost > 0 for a in attempts)
    same = compare_runs(results["good"], results["good"])
    assert all(not r.regressed and not r.changed for r in same)


def test_no_key_or_address_is_stored(db_url: str, results: dict) -> None:
    bad = json.loads(json.dumps(results["bad"]))
    bad["results"][0]["error"] = f"Refused by https://api.example.test/v1/chat with key {SECRET}"
    store = Store.open(url=db_url)
    try:
        exp = store.save_experiment(owner="ada", name="Capitals", definition={"kind": "eval"})
        run = store.save_run(
            owner="ada", experiment_id=exp, summary=run_summary(bad), result=bad, secrets=[SECRET]
        )
        text = json.dumps(store.load_run(owner="ada", run_id=run).result)
    finally:
        store.close()
    assert SECRET not in text and "api.example.test" not in text and "(address removed)" in text


def test_chart_points_hold_the_interval_and_cost(results: dict) -> None:
    from datetime import UTC, datetime

    runs = [(datetime(2026, 12, 1, tzinfo=UTC), run_summary(results["good"]))]
    runs.append((datetime(2026, 12, 2, tzinfo=UTC), run_summary(results["bad"])))
    points = chart_points(runs)
    assert [p["Run"] for p in points] == [1, 1, 2, 2]
    assert [p["Pass rate (%)"] for p in points] == [100.0, 100.0, 0.0, 0.0]
    assert all(p["Low (%)"] <= p["Pass rate (%)"] <= p["High (%)"] and p["Cost (USD)"] > 0 for p in points)


def test_a_database_at_0006_with_an_experiment_upgrades_to_keep_runs(db_url: str, results: dict) -> None:
    from sqlalchemy import inspect

    from playground.store.engine import make_engine, upgrade

    engine = make_engine(db_url)
    try:
        upgrade(engine, revision="0006")
        assert "eval_runs" not in inspect(engine).get_table_names()
        old = Store(engine=engine, url=db_url)
        exp = old.save_experiment(owner="ada", name="Before 0007", definition={"kind": "eval"})
        upgrade(engine)
        assert current_revision(engine) == "0009" and "eval_runs" in inspect(engine).get_table_names()
        store = Store(engine=engine, url=db_url)
        run = store.save_run(owner="ada", experiment_id=exp, summary=run_summary(results["good"]), result={})
        assert [r.id for r in store.list_runs(owner="ada", experiment_id=exp)] == [run]
    finally:
        engine.dispose()
