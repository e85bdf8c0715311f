"""``python -m playground.eval run --queue | status | stop`` against PostgreSQL, with a real worker process."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from browser_servers import ROOT, server_env
from jobs_util import engine_for
from queue_workers import Paced, experiment, start_worker, until

from playground.eval.cli import main
from playground.eval.jobs_cli import NEEDS_POSTGRES
from playground.jobs import reading
from playground.jobs.queue import close_apps


@pytest.fixture(autouse=True, scope="module")
def _close_deferring_pools():
    """The pools ``launch`` opened in this process to defer tasks: closed after the module's tests."""
    yield
    close_apps()


LONG = 2000  # max_tokens above what the loopback server answers (60 tokens + 1,340 reasoning)


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def setup(postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A database, a slow loopback provider, the experiment file, and this process's settings pointing at them."""
    url = postgres.new_database()
    with Paced(delay=0.02) as server:
        path = tmp_path / "experiment.json"
        path.write_text(json.dumps(experiment(max_tokens=LONG, concurrency=4)))
        monkeypatch.setenv("PLAYGROUND_DATABASE_URL", url)
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url)
        yield url, server, path


def test_run_queue_prints_a_job_id_a_worker_runs_it_and_status_prints_its_progress(setup, tmp_path) -> None:
    url, server, path = setup
    code, out, err = _cli("run", str(path), "--queue", "--repeats", "2")
    assert code == 0, err
    job_id = out.strip()
    assert re.fullmatch(r"[0-9a-f]{32}", job_id)
    assert f"python -m playground.eval status {job_id}" in err and "predicted cost" in err
    engine = engine_for(url)
    assert reading.status(engine, job_id).state == "queued" and not server.requests  # nothing sent from here
    worker = start_worker(url, server.url, log_dir=tmp_path, name="worker")
    try:
        until(
            lambda: reading.status(engine, job_id).state == "finished", workers=[worker], timeout=120, what="end"
        )
    finally:
        worker.stop()
    env = server_env({"PLAYGROUND_DATABASE_URL": url})
    done = subprocess.run(
        [sys.executable, "-m", "playground.eval", "status", job_id],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert {"state", "done", "total", "failed", "spent_usd", "running", "seconds_left", "note"} <= set(shown)
    assert shown["state"] == "finished" and shown["done"] == shown["total"] == 80 and shown["failed"] == 0
    assert shown["spent_usd"] == str(reading.status(engine, job_id).spent) and float(shown["spent_usd"]) > 0


def test_stop_stops_a_running_job_and_an_unknown_job_is_exit_2(setup, tmp_path) -> None:
    url, server, path = setup
    code, out, _err = _cli("run", str(path), "--queue", "--repeats", "10")
    assert code == 0
    job_id = out.strip()
    engine = engine_for(url)
    worker = start_worker(url, server.url, log_dir=tmp_path, name="worker", concurrency=2)
    try:
        until(lambda: reading.status(engine, job_id).done >= 5, workers=[worker], timeout=60, what="progress")
        code, out, _err = _cli("stop", job_id)
        assert code == 0 and out.startswith(f"Stopping job {job_id}")
        until(lambda: reading.status(engine, job_id).state == "stopped", workers=[worker], timeout=60, what="stop")
    finally:
        worker.stop()
    code, out, _err = _cli("status", job_id)
    shown = json.loads(out)
    assert code == 0 and shown["state"] == "stopped" and 5 <= shown["done"] < shown["total"] == 400
    assert _cli("stop", job_id)[:2] == (0, f"Job {job_id} is already over (stopped).\n")
    for command in ("stop", "status"):
        code, out, err = _cli(command, "f" * 32)
        assert code == 2 and not out and err == f"Error: No job {'f' * 32!r} in this database.\n"


def test_run_queue_needs_postgresql_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "experiment.json"
    path.write_text(json.dumps(experiment()))
    database = tmp_path / "p.db"
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", f"sqlite:///{database}")
    code, out, err = _cli("run", str(path), "--queue")
    assert (code, out, err) == (2, "", f"Error: {NEEDS_POSTGRES}\n")
    assert not database.exists()  # nothing was written


def test_run_queue_refuses_what_needs_the_run_here(setup) -> None:
    _url, _server, path = setup
    code, out, err = _cli("run", str(path), "--queue", "--json", "result.json")
    assert code == 2 and not out and "leave out --queue" in err
