"""AppTest of History's Jobs part (issue 23): the visitor's running and finished jobs with their title, state,
progress, spend and dates in words, nobody else's, and Open showing the job on the compare page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from apptest_util import new_app, run
from browser_servers import start_offline_server
from eval_loopback import CapitalsServer, always
from jobs_util import engine_for, enqueue, env_for, example
from streamlit.testing.v1 import AppTest

from playground.jobs import reading, store
from playground.jobs.local import LocalJobs

PAGE = "pages/history.py"
RAW = re.compile(r"\bNone\b|\+00:00|\d{4}-\d\d-\d\dT|Traceback|_usd\b|\b[0-9a-f]{32}\b")
WHEN = r"\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC"


def shown(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption") for e in at.get(kind)]
    parts += [p.proto.text for p in at.get("progress")]
    return "\n".join(str(p) for p in parts)


def open_history() -> AppTest:
    at = new_app()
    run(at)
    at.switch_page(PAGE)
    return run(at)


def test_history_lists_my_running_and_finished_jobs_and_opens_one_on_the_compare_page(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", url)
    engine = engine_for(url)
    with CapitalsServer(rule=always) as server:
        env = env_for(server.url + "/v1")
        done_id, experiment = enqueue(engine, example(name="Capitals, both efforts"), env, owner="local")
        theirs, _ = enqueue(engine, example(name="Their secret set"), env, owner="user:someone|else")
        jobs = LocalJobs(engine, env=env)
        for job_id in (done_id, theirs):
            jobs.start(job_id, experiment.suite, concurrency=4, owner="local")
            assert jobs.wait(job_id, 120)
    slow = start_offline_server(pace=0.05)
    try:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", slow.url)
        slow_env = env_for(slow.url)
        running_id, slow_experiment = enqueue(
            engine, example(name="A long run"), slow_env, repeats=3, owner="local"
        )
        jobs.start(running_id, slow_experiment.suite, concurrency=1, owner="local")
        at = open_history()
        text = shown(at)
        assert "Capitals, both efforts" in text and "A long run" in text
        assert "Their secret set" not in text
        finished = [c.value for c in at.caption if c.value.startswith("Finished")]
        assert len(finished) == 1 and re.fullmatch(
            rf"Finished · 40 of 40 requests · \$[\d.]+ spent · started {WHEN} · ended {WHEN}", finished[0]
        ), finished
        bars = [p.proto.text for p in at.get("progress")]
        assert len(bars) == 1 and re.match(
            rf"^(Waiting to start|Running) · \d+ of 120 requests · \d+ running · \$[\d.]+ spent · "
            rf".* · started {WHEN}$",
            bars[0],
        ), bars
        assert not RAW.search(text), text
        at.button(key=f"hist_job_open_{done_id}").click()
        run(at)
        assert at.radio(key="cmp_view").value == "Evaluate"
        assert [s.value for s in at.success][0].startswith("Finished · 40 of 40 requests")
    finally:
        store.request_stop(engine, running_id, owner="local")
        jobs.wait(running_id, 30)
        slow.stop()
    assert reading.status(engine, running_id).state in ("stopped", "stopping")


def test_no_jobs_yet_says_where_they_come_from(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    at = open_history()
    assert any(c.value.startswith("No jobs yet: a run started in Compare's Evaluate view") for c in at.caption)
