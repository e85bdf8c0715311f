"""AppTest of the Evaluate view's stored runs: every finished run is kept with its saved experiment, one is marked
as the baseline, a changed run lists the rows whose verdict flipped, and a new session finds it all again."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from apptest_util import new_app, run
from eval_loopback import CapitalsServer, always, never
from streamlit.testing.v1 import AppTest

from playground.store import Store

PAGE = "pages/compare.py"


def open_evaluate() -> AppTest:
    at = new_app()
    run(at)
    at.switch_page(PAGE)
    run(at)
    at.radio(key="cmp_view").set_value("Evaluate")
    return run(at)


def evaluate(at: AppTest) -> AppTest:
    """Start the run (a job, with the store on) and rerun as the page's poll would until the job has ended."""
    at.button(key="eval_go").click()
    run(at)
    deadline = time.monotonic() + 240
    while any(b.key == "eval_job_stop" for b in at.button):
        assert time.monotonic() < deadline, "the job did not end"
        time.sleep(0.3)
        run(at)
    return at


def flipped(at: AppTest) -> list[tuple[str, str]]:
    before = [m.value for m in at.markdown if m.value.startswith("Baseline: ")]
    after = [m.value for m in at.markdown if m.value.startswith("This run: ")]
    return list(zip(before, after, strict=True))


def runs_table(at: AppTest):  # noqa: ANN201
    return next(d.value for d in at.dataframe if "Baseline" in d.value.columns)


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", url)
    return url


def test_a_baseline_run_and_a_changed_run_with_the_flipped_rows_kept_for_a_new_session(
    monkeypatch: pytest.MonkeyPatch, database: str
) -> None:
    with CapitalsServer(rule=always) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        at = open_evaluate()
        at.number_input(key="eval_repeats").set_value(1)
        evaluate(at)
        table = runs_table(at)
        assert list(table["Run"]) == [1, 1] and all(
            re.fullmatch(r"100 % \(\d+–100 %\)", v) for v in table["Pass rate"]
        )
        assert not table["Baseline"].any()
        assert any(c.value.startswith("No baseline yet") for c in at.caption)
        at.button(key="eval_keep").click()
        run(at)
        assert list(runs_table(at)["Baseline"]) == [True, True]
        server.rule = never  # the next run gets every answer wrong
        evaluate(at)
    table = runs_table(at)
    assert list(table["Run"]) == [1, 1, 2, 2] and list(table["Baseline"]) == [True, True, False, False]
    assert all(re.fullmatch(r"0 % \(0–\d+ %\)", v) for v in list(table["Pass rate"])[2:])
    assert any(s.value == "Run 2 against the baseline (run 1)" for s in at.subheader)
    assert len([m for m in at.markdown if "regressed against the baseline" in m.value]) == 2
    rows = flipped(at)
    assert len(rows) == 40  # 20 rows × 2 variants, every verdict flipped
    assert all(":red-background[" in b and ":green-background[" in a for b, a in rows)
    captions = [c.value for c in at.caption]
    assert sum(bool(re.match(r"^.+, row \d+: passed 1 of 1 → 0 of 1$", c)) for c in captions) == 40
    shown = rows
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    titles = json.dumps(charts)
    for axis in ("Run (oldest first)", "Pass rate (%) with its 95 % interval", "Cost (USD)"):
        assert f'"title": "{axis}"' in titles  # the runs over time, axes titled

    again = open_evaluate()  # a new session: nothing run yet, everything read back from the database
    table = runs_table(again)
    assert list(table["Run"]) == [1, 1, 2, 2] and list(table["Baseline"]) == [True, True, False, False]
    assert any(s.value == "Run 2 against the baseline (run 1)" for s in again.subheader)
    assert flipped(again) == shown
    store = Store.open(url=database)
    try:
        (entry,) = store.experiment_index(owner="local")
        assert entry.name == "Evaluation: the example" and entry.kind == "eval"
        assert len(store.list_runs(owner="local", experiment_id=entry.id)) == 2
    finally:
        store.close()
    again.selectbox(key="eval_run_pick").set_value(store_first_run(database))
    run(again)
    assert any(c.value.startswith("Run 1 is the baseline") for c in again.caption)
    assert not flipped(again)


def test_the_saved_experiment_opens_the_evaluate_view_with_its_runs(monkeypatch, database: str) -> None:
    with CapitalsServer(rule=always) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        at = open_evaluate()
        at.number_input(key="eval_repeats").set_value(1)
        evaluate(at)
    fresh = new_app()
    run(fresh)
    fresh.switch_page(PAGE)
    run(fresh)
    assert "Evaluation runs of the example" in "\n".join(c.value for c in fresh.caption)
    fresh.button(key="exp_load").click()
    run(fresh)
    assert fresh.radio(key="cmp_view").value == "Evaluate"
    assert list(runs_table(fresh)["Run"]) == [1, 1]


def store_first_run(url: str) -> str:
    store = Store.open(url=url)
    try:
        (entry,) = store.experiment_index(owner="local")
        return store.list_runs(owner="local", experiment_id=entry.id)[0].id
    finally:
        store.close()
