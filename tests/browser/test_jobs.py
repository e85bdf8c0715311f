"""Jobs in real Chromium (issue 23): a run started in the Evaluate view outlives its tab (a new browser context
finds it in History with its progress, opens it, and sees it finish); on the SQLite default it survives the
Streamlit server being killed mid-run: the restarted server resumes it, and its done count never goes back; on
PostgreSQL a ``python -m playground.worker`` runs it while two replicas show it, and Stop from the second stops it.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_servers import Server, _signal_group, start_offline_server
from browser_util import new_page, no_raw, rerun_and_wait, wait_for_app
from jobs_util import engine_for
from playwright.sync_api import expect
from queue_workers import start_worker

from playground.jobs import reading

RUN = 240_000  # ms: 160 paced answers (about 2 s each) and their judge calls on 2 shared cores
LIVE = re.compile(r"^(Waiting to start|Running) · (\d+) of 160 requests")
DONE = re.compile(r"^Finished · 160 of 160 requests · \$[\d.]+ spent of the \$0\.50 cap$")
STOPPED = re.compile(r"^Stopped · \d+ of 160 requests · \$[\d.]+ spent of the \$0\.50 cap$")


@pytest.fixture
def paced(browser_logs: Path) -> Iterator[Server]:
    """The offline engine over HTTP, paced so a 160-request job runs long enough to be watched."""
    server = start_offline_server(pace=0.01, log_dir=browser_logs)
    yield server
    server.stop()


def start_job(page: Any, app: Server) -> str:
    """Evaluate the example with 3 repeats (160 requests) and return the job id the address names."""
    page.goto(f"{app.url}/compare")
    wait_for_app(page)
    rerun_and_wait(page, lambda: page.get_by_text("Evaluate", exact=True).click())
    repeats = page.get_by_label("Repeats")
    repeats.fill("4")
    rerun_and_wait(page, lambda: repeats.press("Enter"))
    page.get_by_role("button", name="Evaluate", exact=True).click()
    expect(page.get_by_text(LIVE)).to_be_visible()
    expect(page.get_by_role("button", name="Evaluate", exact=True)).to_be_disabled()
    page.wait_for_url(re.compile(r"\?job=[0-9a-f]{32}$"))
    return page.url.rsplit("=", 1)[1]


def done_count(page: Any) -> int | None:
    """The done count the page shows now (None once it shows no running job)."""
    found = page.get_by_text(LIVE)
    try:
        text = found.first.inner_text(timeout=2_000)
    except Exception:  # noqa: BLE001 - the progress was just redrawn or the job has ended
        return None
    match = LIVE.match(text)
    return int(match.group(2)) if match else None


def watch_until_finished(page: Any, seen: list[int]) -> None:
    """Note every done count shown until the final summary appears (it must appear by itself)."""
    deadline = time.monotonic() + RUN / 1000
    final = page.get_by_text(DONE)
    while not final.is_visible():
        assert time.monotonic() < deadline, f"the job did not finish; counts seen {seen}"
        count = done_count(page)
        if count is not None:
            seen.append(count)
        page.wait_for_timeout(400)


def test_a_job_outlives_its_tab_and_a_new_context_finds_it_in_history_with_progress(
    streamlit_factory: Any, browser: Any, paced: Server, tmp_path: Path
) -> None:
    app = streamlit_factory(
        {"PLAYGROUND_DATABASE_URL": f"sqlite:///{tmp_path / 'jobs.db'}", "PLAYGROUND_BASE_URL": paced.url}
    )
    first = new_page(browser)
    start_job(first, app)
    first.context.close()  # the tab is gone; the job is not

    later = new_page(browser)
    try:
        later.goto(f"{app.url}/history")
        wait_for_app(later)
        later.get_by_role("tab", name="Jobs").click()
        expect(later.get_by_text("Evaluation: the example", exact=True)).to_be_visible()
        expect(later.get_by_text(LIVE)).to_be_visible()
        no_raw(later)
        later.get_by_role("button", name="Open").click()
        later.wait_for_url(re.compile(r"/compare\?job=[0-9a-f]{32}$"))
        expect(later.get_by_text(LIVE)).to_be_visible()  # the live progress, polled on its own
        expect(later.get_by_role("button", name="Stop")).to_be_visible()
        seen: list[int] = []
        watch_until_finished(later, seen)
        assert seen == sorted(seen), seen
        expect(later.get_by_role("button", name="Evaluate", exact=True)).to_be_enabled()
        expect(later.get_by_text(re.compile(r"^The judge cost \$"))).to_be_visible()
        no_raw(later)
    finally:
        later.context.close()


def test_a_job_on_sqlite_resumes_after_the_server_is_killed_and_never_counts_back(
    streamlit_factory: Any, browser: Any, paced: Server, tmp_path: Path
) -> None:
    env = {"PLAYGROUND_DATABASE_URL": f"sqlite:///{tmp_path / 'jobs.db'}", "PLAYGROUND_BASE_URL": paced.url}
    app = streamlit_factory(env)
    page = new_page(browser)
    job_id = start_job(page, app)
    seen: list[int] = []
    deadline = time.monotonic() + 120
    while not seen or seen[-1] < 10:
        assert time.monotonic() < deadline, seen
        count = done_count(page)
        if count is not None:
            seen.append(count)
        page.wait_for_timeout(300)
    _signal_group(app.proc.pid, signal.SIGKILL)  # mid-run, no goodbye: its units are still held
    app.proc.wait(10)
    page.context.close()

    again = streamlit_factory(env)  # the same database, a new server process
    later = new_page(browser)
    try:
        later.goto(f"{again.url}/compare?job={job_id}")
        wait_for_app(later)
        expect(later.get_by_text(LIVE)).to_be_visible()
        after: list[int] = []
        watch_until_finished(later, after)
        assert after and after[0] >= seen[-1], (seen, after)  # nothing committed was lost
        assert after == sorted(after), after
        no_raw(later)
    finally:
        later.context.close()


def test_two_replicas_show_the_same_job_run_by_a_worker_and_stop_it_from_the_second(
    postgres: Any, streamlit_factory: Any, browser: Any, paced: Server, tmp_path: Path
) -> None:
    url = postgres.new_database()
    env = {"PLAYGROUND_DATABASE_URL": url, "PLAYGROUND_BASE_URL": paced.url}
    first, second = streamlit_factory(env), streamlit_factory(env)
    worker = start_worker(url, paced.url, log_dir=tmp_path, name="jobs-worker")
    one, two = new_page(browser), new_page(browser)
    try:
        job_id = start_job(one, first)
        expect(one.get_by_text("The job runs on the team's workers", exact=False)).to_be_visible()
        two.goto(f"{second.url}/compare?job={job_id}")
        wait_for_app(two)
        expect(two.get_by_text(re.compile(r"^Running · [1-9]\d* of 160 requests"))).to_be_visible(timeout=60_000)
        two.get_by_role("button", name="Stop").click()
        final = [page.get_by_text(STOPPED) for page in (one, two)]
        for shown in final:
            expect(shown).to_be_visible(timeout=60_000)  # each replica settles by itself
        texts = [shown.inner_text() for shown in final]
        assert texts[0] == texts[1], texts  # the same numbers on both replicas
        job = reading.status(engine_for(url), job_id)
        assert job is not None and job.state == "stopped" and job.backend == "queue" and 0 < job.done < 160
        assert texts[0].startswith(f"Stopped · {job.done} of 160 requests")
        for page in (one, two):
            expect(page.get_by_role("button", name="Evaluate", exact=True)).to_be_enabled()
            no_raw(page)
    finally:
        for page in (one, two):
            page.context.close()
        _signal_group(worker.proc.pid, signal.SIGTERM)
        worker.proc.wait(30)
