"""AppTest of the Tune view as a job (issue 23): with the store on, Tune starts a tuning job on the server's
threads, its progress is polled, the recommendation is read back from the job, Apply sets the playground; another
session opens the same tuning from ``?job=`` in the Tune view; a stop from that session ends it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from apptest_util import run
from eval_loopback import CapitalsServer
from streamlit.testing.v1 import AppTest
from test_compare_jobs_page import (
    RAW,
    job_in_url,
    open_compare,
    point_at,
    progress,
    read_once_as_running,
    texts,
    until,
)
from test_eval_tuner import rule

from playground.jobs import reading
from playground.jobs.tuning import outcome
from playground.store.engine import make_engine


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", url)
    return url


def tune(at: AppTest, *, temperatures: str, cap: float = 0.3) -> AppTest:
    at.radio(key="cmp_view").set_value("Tune")
    run(at)
    at.text_input(key="tune_temperature").set_value(temperatures)
    at.number_input(key="tune_cap").set_value(cap)
    at.button(key="tune_go").click()
    return run(at)


def recommended(at: AppTest) -> bool:
    return any(s.value.startswith("Recommended: ") for s in at.success)


def test_tune_runs_as_a_job_and_its_result_is_read_back_and_applied(monkeypatch, database) -> None:
    with CapitalsServer(rule=rule) as server:
        point_at(monkeypatch, server.url + "/v1")
        at = tune(open_compare(), temperatures="0.5, 1.5")
        job_id = job_in_url(at)
        engine = make_engine(database)
        assert reading.status(engine, job_id).kind == "tune"
        until(at, recommended, timeout=180)
    assert not RAW.search(texts(at)), texts(at)
    success = [s.value for s in at.success][0]
    assert success.startswith("Recommended: **effort high, temperature 0.5, top_p 0.9, max tokens 1000**")
    result = outcome(engine, job_id)
    assert result is not None and result.points[result.recommended].label in success
    status = reading.status(engine, job_id)
    assert status.state == "finished" and status.spent <= Decimal("0.30") and status.done == status.total > 0
    table = next(d.value for d in at.dataframe if "Setting" in d.value.columns)
    assert list(table["Status"]).count("Recommended") == 1
    at.button(key="tune_apply").click()
    run(at)
    assert at.session_state["temperature"] == 0.5 and at.session_state["reasoning_effort"] == "high"


def test_another_session_opens_the_tuning_from_its_address_and_stops_it(monkeypatch, database) -> None:
    with CapitalsServer(rule=rule) as server:
        point_at(monkeypatch, server.url + "/v1")
        first = tune(open_compare(), temperatures="0, 0.5, 1, 1.5, 2", cap=5.0)
        job_id = job_in_url(first)
        second = open_compare(job=job_id)
        assert second.radio(key="cmp_view").value == "Tune"
        until(second, lambda at: progress(at).startswith("Tuning… Running"))
        second.button(key="tune_job_stop").click()
        run(second)
        until(second, lambda at: not progress(at), timeout=120)
    status = reading.status(make_engine(database), job_id)
    assert status.state == "stopped"
    assert not RAW.search(texts(second)), texts(second)
    assert status.done < 5 * 2 * 20  # stopped before every setting ran every row


def test_a_tuning_ending_while_the_page_is_drawn_leaves_tune_clickable(monkeypatch, database) -> None:
    """As in Evaluate: the Tune button and the job under it come from one reading of the job, so a tuning that
    ends between two readings cannot leave the button disabled beside its result."""
    with CapitalsServer(rule=rule) as server:
        point_at(monkeypatch, server.url + "/v1")
        at = tune(open_compare(), temperatures="0.5, 1.5")
        job_id = job_in_url(at)
        until(at, recommended, timeout=180)
        assert not at.button(key="tune_go").disabled
        still_running = read_once_as_running(monkeypatch, reading.status(make_engine(database), job_id))
        run(at)
    assert not still_running  # the page did read the tuning while it was still running
    assert recommended(at) and not at.button(key="tune_go").disabled
