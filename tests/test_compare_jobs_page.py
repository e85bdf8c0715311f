"""AppTest of the Evaluate view's jobs (issue 23): Evaluate starts a job on the server's threads, its progress
is read on its own, another session opens it from the address and stops it, the page settles on what finished;
a finished job opened from ``?job=`` shows its results; someone else's job id shows nothing of theirs."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from apptest_util import new_app, run
from browser_servers import Server, start_offline_server
from eval_loopback import CapitalsServer, always
from jobs_util import engine_for, enqueue, env_for, example
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from components import jobs as page_jobs
from playground.jobs import reading
from playground.jobs.local import LocalJobs
from playground.jobs.reading import JobStatus

PAGE = "pages/compare.py"
RAW = re.compile(r"\bNone\b|\+00:00|\d{4}-\d\d-\d\dT|Traceback|_usd\b|seconds_left")


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", url)
    return url


@pytest.fixture
def slow_offline() -> Iterator[Server]:
    server = start_offline_server(pace=0.03)
    yield server
    server.stop()


def point_at(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
    monkeypatch.setenv("PLAYGROUND_BASE_URL", url)


def open_compare(**query: str) -> AppTest:
    at = new_app()
    run(at)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(PAGE)
    return run(at)


def texts(at: AppTest) -> str:
    parts = [
        e.value for kind in ("markdown", "caption", "success", "warning", "info", "error") for e in at.get(kind)
    ]
    parts += [p.proto.text for p in at.get("progress")]
    return "\n".join(str(p) for p in parts)


def until(at: AppTest, done: Callable[[AppTest], bool], *, timeout: float = 120) -> AppTest:
    """Rerun as the page's poll does until ``done``; every run without an exception."""
    deadline = time.monotonic() + timeout
    while not done(at):
        assert time.monotonic() < deadline, texts(at)
        time.sleep(0.3)
        run(at)
    return at


def finished_job(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, url: str, *, doc: dict | None = None, owner: str = "local"
) -> str:
    """A job run to its end on this process's threads against ``url``, the page's columns pointed there too."""
    env = env_for(url)
    point_at(monkeypatch, url)
    job_id, experiment = enqueue(engine, doc or example(), env, owner=owner)
    jobs = LocalJobs(engine, env=env)
    jobs.start(job_id, experiment.suite, concurrency=4, owner=owner)
    assert jobs.wait(job_id, 120)
    return job_id


def read_once_as_running(monkeypatch: pytest.MonkeyPatch, ended: JobStatus) -> list[JobStatus]:
    """The page's next reading of the job says it is still running (as read just before it ended); the readings
    after it are real. Returns the pending reading: empty once the page has taken it."""
    still_running = [replace(ended, state="running")]
    real = page_jobs.status_of
    monkeypatch.setattr(page_jobs, "status_of", lambda wanted: (still_running or [None]).pop() or real(wanted))
    return still_running


def job_in_url(at: AppTest) -> str:
    found = at.query_params["job"]
    return found[0] if isinstance(found, list) else found


def progress(at: AppTest) -> str:
    return next((p.proto.text for p in at.get("progress")), "")


def has_stop(at: AppTest) -> bool:
    return any(b.key == "eval_job_stop" for b in at.button)


def test_evaluate_starts_a_job_another_session_opens_and_stops_and_the_page_settles(
    monkeypatch: pytest.MonkeyPatch, database: str, slow_offline: Server
) -> None:
    point_at(monkeypatch, slow_offline.url)
    at = open_compare()
    at.radio(key="cmp_view").set_value("Evaluate")
    run(at)
    at.number_input(key="eval_repeats").set_value(2)
    run(at)
    at.button(key="eval_go").click()
    run(at)
    job_id = job_in_url(at)
    assert re.fullmatch(r"[0-9a-f]{32}", job_id)
    assert has_stop(at) and at.button(key="eval_go").disabled
    assert re.match(
        r"^(Waiting to start|Running) · \d+ of 80 requests · \d+ running · \$[\d.]+ spent of the \$0\.50 cap",
        progress(at),
    )
    until(at, lambda a: re.search(r" · ([1-9]\d*) of 80 requests", progress(a)) is not None)
    assert "Results so far" in texts(at)  # the finished answers summarised while the rest run

    other = open_compare(job=job_id)  # a new session (another tab) from the address: the same job
    assert other.radio(key="cmp_view").value == "Evaluate" and has_stop(other)
    assert re.search(r" of 80 requests", progress(other))
    other.button(key="eval_job_stop").click()
    run(other)
    until(other, lambda a: not has_stop(a))  # settles by itself once the lanes have ended
    final = [w.value for w in other.warning]
    assert any(
        re.match(r"^Stopped · \d+ of 80 requests · \$[\d.]+ spent of the \$0\.50 cap$", w) for w in final
    ), final
    assert not other.button(key="eval_go").disabled
    until(at, lambda a: not has_stop(a))  # the first tab settles too, without a click
    assert any(w.value.startswith("Stopped · ") for w in at.warning)
    engine = engine_for(database)
    job = reading.status(engine, job_id)
    assert job is not None and job.state == "stopped" and 0 < job.done < 80
    assert not RAW.search(texts(at)), texts(at)


def test_a_finished_job_opened_from_the_address_shows_its_results(
    monkeypatch: pytest.MonkeyPatch, database: str
) -> None:
    engine = engine_for(database)
    with CapitalsServer(rule=always) as server:
        job_id = finished_job(monkeypatch, engine, server.url + "/v1")
        at = open_compare(job=job_id)
    assert at.radio(key="cmp_view").value == "Evaluate"
    assert not has_stop(at)
    (done,) = [s.value for s in at.success]
    assert re.fullmatch(r"Finished · 40 of 40 requests · \$[\d.]+ spent", done), done
    table = next(d.value for d in at.dataframe if "Answers" in d.value.columns)
    assert list(table["Answers"]) == [20, 20] and list(table["Pass rate"].str[:3]) == ["100", "100"]
    assert any(c.value.startswith("The judge cost $") for c in at.caption)
    assert not RAW.search(texts(at)), texts(at)
    run(at)  # a rerun keeps the view on the job
    assert at.query_params["job"] in (job_id, [job_id])
    assert [s.value for s in at.success] == [done]


def test_a_job_ending_while_the_page_is_drawn_leaves_evaluate_clickable(
    monkeypatch: pytest.MonkeyPatch, database: str
) -> None:
    """The Evaluate button and the job under it are drawn from one reading of the job: read twice, a job that
    ended in between showed its final summary beside a button still disabled, and nothing reran the page (CI saw
    it once after a Stop)."""
    engine = engine_for(database)
    with CapitalsServer(rule=always) as server:
        job_id = finished_job(monkeypatch, engine, server.url + "/v1")
        at = open_compare(job=job_id)
        assert not at.button(key="eval_go").disabled
        still_running = read_once_as_running(monkeypatch, reading.status(engine, job_id))
        run(at)
    assert not still_running  # the page did read the job while it was still running
    assert not has_stop(at) and not at.button(key="eval_go").disabled
    assert [s.value for s in at.success] and [s.value for s in at.success][0].startswith("Finished · 40 of 40")


def test_someone_elses_job_id_in_the_address_shows_nothing_of_theirs(
    monkeypatch: pytest.MonkeyPatch, database: str
) -> None:
    engine = engine_for(database)
    with CapitalsServer(rule=always) as server:
        doc = example(name="Their secret set")
        job_id = finished_job(monkeypatch, engine, server.url + "/v1", doc=doc, owner="user:someone|else")
        at = open_compare(job=job_id)
    assert "job" not in at.query_params
    assert any("cannot be opened: it is not one of your jobs" in i.value for i in at.info)
    assert at.radio(key="cmp_view").value != "Evaluate"
    at.radio(key="cmp_view").set_value("Evaluate")
    run(at)
    shown = texts(at)
    assert "Their secret set" not in shown and "40 of 40" not in shown and not at.get("progress")


def test_a_job_on_the_offline_engine_says_what_it_would_cost_never_spent(database: str) -> None:
    at = open_compare()  # no key anywhere: the columns answer on the offline engine
    at.radio(key="cmp_view").set_value("Evaluate")
    run(at)
    at.number_input(key="eval_repeats").set_value(1)
    run(at)
    at.button(key="eval_go").click()
    run(at)
    until(at, lambda a: not has_stop(a))
    (done,) = [s.value for s in at.success] or [w.value for w in at.warning]
    assert re.fullmatch(
        r"Finished · 40 of 40 requests · offline, nothing spent: would cost \$[\d.]+ at the model's list prices "
        r"\(cap \$0\.50\)",
        done,
    ), done
    captions = "\n".join(c.value for c in at.caption)
    assert "the job ran on the offline engine: nothing spent, it would cost $" in captions
    assert " spent of the " not in texts(at)


def test_on_postgresql_a_job_waits_for_a_worker_and_a_typed_key_stays_on_this_server(
    monkeypatch: pytest.MonkeyPatch,
    postgres,
    tmp_path: Path,  # noqa: ANN001 - the cluster fixture
) -> None:
    url = postgres.new_database()
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", url)
    typed = "sk-typed-in-the-sidebar-0123456789"
    with CapitalsServer(rule=always) as server:
        point_at(monkeypatch, server.url + "/v1")
        at = open_compare()
        at.radio(key="cmp_view").set_value("Evaluate")
        run(at)
        at.number_input(key="eval_repeats").set_value(1)
        run(at)
        at.button(key="eval_go").click()
        run(at)
        queued = reading.status(engine_for(url), job_in_url(at))
        assert queued is not None and queued.backend == "queue" and queued.state == "queued"
        assert any(c.value.startswith("Waiting for a worker: start one with") for c in at.caption)
        assert progress(at).startswith("Waiting to start · 0 of 40 requests")
        at.button(key="eval_job_stop").click()  # nobody took it: Stop ends it at once
        run(at)
        until(at, lambda a: not has_stop(a))

        at = new_app()  # a session holding a key typed in the browser (the sidebar widget's state key)
        at.session_state["api_key_custom"] = typed
        at.switch_page(PAGE)
        run(at)
        at.radio(key="cmp_view").set_value("Evaluate")
        run(at)
        at.number_input(key="eval_repeats").set_value(1)
        run(at)
        at.button(key="eval_go").click()
        run(at)
        job_id = job_in_url(at)
        until(at, lambda a: not has_stop(a))
        sent = {r.headers.get("Authorization") or r.headers.get("authorization") for r in server.requests}
    job = reading.status(engine_for(url), job_id)
    assert job is not None and job.backend == "thread" and job.state == "finished" and job.done == 40
    assert sent == {f"Bearer {typed}"}  # the typed key went to the provider from this server's memory
    assert typed not in postgres.dump(url)  # and never into the database
    assert not RAW.search(texts(at)), texts(at)
