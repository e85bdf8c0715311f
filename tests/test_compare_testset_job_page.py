"""AppTest: a plain test set started with "Run as a job" (issue 23) runs as a job that the Evaluate view follows
to its final summary, with the check graded per answer; the job is listed for its owner."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_util import run
from eval_loopback import CapitalsServer, always
from test_compare_jobs_page import RAW, job_in_url, open_compare, point_at, texts, until

from playground.jobs import reading
from playground.store.engine import make_engine


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", url)
    return url


def test_a_test_set_runs_as_a_job_followed_in_the_evaluate_view(monkeypatch, database) -> None:
    with CapitalsServer(rule=always) as server:
        point_at(monkeypatch, server.url + "/v1")
        at = open_compare()
        at.radio(key="cmp_view").set_value("Test set")
        run(at)
        at.button(key="ts_job").click()  # no check yet: said on the click, nothing started
        run(at)
        assert (
            any("choose a check first" in e.value for e in at.error)
            and at.radio(key="cmp_view").value == "Test set"
        )
        at.selectbox(key="ts_check").set_value("contains")
        run(at)
        at.button(key="ts_job").click()
        run(at)
        assert at.radio(key="cmp_view").value == "Evaluate"
        job_id = job_in_url(at)
        until(at, lambda a: any(s.value.startswith("Finished · ") for s in a.success), timeout=120)
        answers = server.answers
    status = reading.status(make_engine(database), job_id)
    assert status.state == "finished" and status.done == status.total == answers > 0
    results = reading.results(make_engine(database), job_id)
    assert all(r["grades"] for r in results)  # the set's check, graded per answer
    assert not RAW.search(texts(at)), texts(at)
