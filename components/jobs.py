"""Jobs seen from the app: this server process's job threads (one ``LocalJobs``, resuming the unfinished jobs once
when the process starts), this visitor's jobs, and a job's progress, state, spend and time in words (shared by
the compare page and History).

Jobs live in the store, so without one (``PLAYGROUND_DATABASE_URL=none``) there are none and runs stay in the tab.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine

from components import persist
from components import settings as cfg
from playground.eval import runner as r
from playground.eval.experiment import Environment
from playground.experiments.variant import Variant
from playground.facts.catalog import get_model
from playground.jobs import launch, reading, store
from playground.jobs.local import LocalJobs
from playground.jobs.reading import JobStatus
from playground.money.budget import Ledger, limits
from playground.money.pricing import format_usd
from playground.offline.spend import answered_offline, would_cost

_LOCALS: dict[str, LocalJobs] = {}  # one per database URL in this process (its job threads)
_LOCK = threading.Lock()
JOB_PARAM = "job"  # ?job=<id>: the job the compare page shows, reopened on reload (owner-checked)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>:~$])")
JOB_ID = re.compile(r"[0-9a-f]{32}")  # uuid4().hex: unguessable
STATES = {
    "queued": "Waiting to start",
    "running": "Running",
    "stopping": "Stopping",
    "stopped": "Stopped",
    "finished": "Finished",
    "capped": "Stopped at the cap",
    "failed": "Ended with a problem",
}


def environment() -> Environment:
    """Where a job's experiment finds its providers: this server's environment and secrets (never a typed key)."""
    return Environment(dict(os.environ), cfg.secrets())


def _ledger_for(store: Any) -> Any:
    def ledger_for(owner: str) -> Ledger | None:
        try:
            caps = limits(secrets=cfg.secrets(), signed_in=owner.startswith("user:"))
        except ValueError:
            return None
        return Ledger(store=store, owner=owner, limits=caps)

    return ledger_for


def _local(url: str) -> LocalJobs:
    """The one ``LocalJobs`` of this process for the store at ``url`` (server configuration, never user input),
    made once, when it resumes what was left. Kept like persist's link, not in ``st.cache_resource``: the team's
    rule keeps Streamlit's caches per session (tests/test_isolation.py)."""
    with _LOCK:
        jobs = _LOCALS.get(url)
        if jobs is None:
            store = persist.link().store
            assert store is not None and store.url == url
            jobs = LocalJobs(store.engine, env=environment(), ledger_for=_ledger_for(store))
            _LOCALS[url] = jobs
            jobs.resume()
        return jobs


def local() -> LocalJobs | None:
    """This process's job threads (None without a store)."""
    store = persist.link().store
    return None if store is None else _local(store.url)


def resume_once() -> None:
    """At the process's first run: resume the unfinished jobs (a database that is down only delays it)."""
    try:
        local()
    except Exception:  # noqa: BLE001 - the router must draw the app whatever the database does
        return


def backend_for(variants: list[Variant]) -> str:
    """Where a run of these variants goes: the workers' queue on PostgreSQL, this server's threads on SQLite or
    when a column uses a key or an address typed in the sidebar (kept in this process's memory; no worker has
    it)."""
    typed = any(v.config.key_source == "session" or v.config.url_source == "user" for v in variants)
    return launch.backend_for(engine(), browser_key=typed)


def start(job_id: str, suite: r.Suite) -> str | None:
    """Start an enqueued job where it was recorded to run; a problem to show when it cannot start (the job is
    then ended with that note, so nobody waits on it)."""
    found = engine()
    try:
        launch.launch(found, job_id, suite=suite, local=local())
    except Exception as exc:  # noqa: BLE001 - a queue or database failure is said on the page, never a traceback
        note = f"The job could not be started ({exc.__class__.__name__}): try again in a moment."
        persist.reachable(lambda _s: store.fail(found, job_id, note=note), default=None)
        return note
    return None


def stop(job_id: str) -> None:
    """Ask the visitor's job to stop (a button's callback: every tab and replica sees it within a second)."""
    found = engine()
    if found is not None:
        store.request_stop(found, job_id, owner=owner())


def engine() -> Engine | None:
    store = persist.link().store
    return None if store is None else store.engine


def owner() -> str | None:
    """Whose jobs this visitor sees (None: jobs are off here, or the workspace lives only in this session)."""
    return persist.current_workspace().owner


def status_of(job_id: str) -> JobStatus | None:
    """The job when it is this visitor's (None: no such job, another's, or no store)."""
    found = engine()
    if found is None or not JOB_ID.fullmatch(job_id or ""):
        return None
    mine = owner()
    return persist.reachable(lambda _s: reading.status(found, job_id, owner=mine), default=None)


def jobs_here() -> list[JobStatus]:
    found, mine = engine(), owner()
    if found is None or mine is None:
        return []
    return persist.reachable(lambda _s: reading.jobs_of(found, owner=mine), default=[])


def document(job_id: str) -> dict[str, Any] | None:
    """The job's experiment document (read from anywhere; no key and no address are in it)."""
    found = engine()
    got = None if found is None else persist.reachable(lambda _s: reading.document(found, job_id), default=None)
    return None if got is None else got[0]


def escaped(text: str) -> str:
    """Text as literal Markdown on one line (a title or a note shown as written)."""
    return _MARKDOWN.sub(r"\\\1", " ".join(str(text).split()))


def offline(doc: Mapping[str, Any]) -> bool:
    """Every variant of the job's document answered by the offline engine (nothing paid, only "would cost")."""
    variants = doc.get("variants") or []
    return bool(variants) and all(answered_offline(str(v.get("provider") or "")) for v in variants)


def labels(doc: Mapping[str, Any]) -> list[str]:
    """The variants' labels, as the runner names them."""
    out = []
    for v in doc.get("variants") or []:
        label = v.get("label")
        if not label:
            try:
                label = get_model(str(v.get("model"))).name
            except (KeyError, ValueError):
                label = str(v.get("model") or "Variant")
        out.append(str(label))
    return out


def state_words(job: JobStatus) -> str:
    return STATES.get(job.state, job.state.capitalize())


def spend_words(job: JobStatus, *, is_offline: bool) -> str:
    """Spend against the cap: "$0.0012 spent of the $0.50 cap", or for the offline engine what it would cost."""
    cap = f" (cap {format_usd(job.cap)})" if job.cap is not None else ""
    if is_offline:
        return f"offline, nothing spent: {would_cost(job.spent)}{cap}"
    if job.cap is None:
        return f"{format_usd(job.spent)} spent"
    return f"{format_usd(job.spent)} spent of the {format_usd(job.cap)} cap"


def spend_sentence(job: JobStatus, *, is_offline: bool) -> str:
    """ "the job spent $0.0012 of the $0.50 cap", or, offline, that nothing was spent and what it would cost."""
    if is_offline:
        return f"the job ran on the offline engine: nothing spent, it {would_cost(job.spent)}"
    if job.cap is None:
        return f"the job spent {format_usd(job.spent)}"
    return f"the job spent {format_usd(job.spent)} of the {format_usd(job.cap)} cap"


def time_left(job: JobStatus) -> str:
    seconds = job.seconds_left()
    if job.state == "stopping":
        return "stopping"
    if seconds is None:
        return "starting" if job.live else ""
    if seconds < 90:
        return f"about {max(1, round(seconds))} s left"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60)} min left"
    return f"about {seconds / 3600:.1f} h left"


def progress_words(job: JobStatus) -> str:
    """ "12 of 80 requests · 2 running · 1 failed"."""
    parts = [f"{job.done:,} of {job.total:,} requests"]
    if job.live:
        parts.append(f"{job.running:,} running")
    if job.failed:
        parts.append(f"{job.failed:,} failed")
    return " · ".join(parts)


def when(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment:%-d %b %Y, %H:%M} UTC"


def share(job: JobStatus) -> float:
    return min(1.0, job.done / job.total) if job.total else 0.0


def money(value: Decimal | None) -> str:
    return "–" if value is None else format_usd(value)
