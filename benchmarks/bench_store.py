"""What persistence adds to a turn, and how fast the history list and search are at 10,000 conversations.

1. One turn: build a reply from its events (ReplyBuilder, as the chat does) and append it, without persistence,
   then the same turn plus handing the save to the background writer (what the chat waits for), plus saving it
   synchronously (the writer's own work), on SQLite and on PostgreSQL over loopback.
2. History: 10,000 conversations / 100,000 messages for one owner; list, search (titles and text), filters, sort.

Run from the repository root (PostgreSQL: Debian's binaries, started in a temporary directory like the tests):
    /work/venv/bin/python -m benchmarks.bench_store [--conversations N] [--turns T] [--repeat K]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import insert

from playground.chat.conversation import Conversation
from playground.chat.events import Finish, ReasoningDelta, TextDelta, Usage
from playground.chat.turn import ReplyBuilder
from playground.facts.catalog import get_model
from playground.store import BackgroundWriter, Store, new_id
from playground.store.convert import message_row
from playground.store.engine import write_session
from playground.store.models import ConversationRow, MessageRow

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import pg  # noqa: E402
from store_util import reply  # noqa: E402

MODEL = get_model("x-ai-grok-3-mini-beta")
WORDS = "the model answers quickly with reasoning tokens cost budget history search preset share owner".split()
RARE = "zanzibar"


def _events(rng: random.Random) -> list:
    reasoning = [ReasoningDelta(rng.choice(WORDS) + " ") for _ in range(120)]
    text = [TextDelta(rng.choice(WORDS) + " ") for _ in range(300)]
    return [
        *reasoning,
        *text,
        Finish("stop"),
        Usage(prompt_tokens=900, completion_tokens=420, reasoning_tokens=120),
    ]


def _turn(conv: Conversation, events: list) -> None:
    conv.add_user("Explain the budget please")
    builder = ReplyBuilder(
        model=MODEL, provider_id="modelslab", params={"temperature": 0.7}, messages=conv.history()
    )
    for event in events:
        builder.feed(event)
    conv.add_assistant(builder.text, builder.finish())


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench_turns(store: Store, *, turns: int, repeat: int) -> dict[str, float]:
    """Median ms per turn: bare, + submit to the background writer, + synchronous save (history of ``turns``)."""
    rng = random.Random(7)
    events = _events(rng)
    writer = BackgroundWriter(store=store)
    out: dict[str, list[float]] = {"bare": [], "writer": [], "sync": [], "writer_done": []}
    for _ in range(repeat):
        convs = {k: Conversation() for k in ("bare", "writer", "sync")}
        ids = {k: new_id() for k in convs}
        for _t in range(turns):
            t0 = time.perf_counter()
            _turn(convs["bare"], events)
            out["bare"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            _turn(convs["writer"], events)
            conv, cid = convs["writer"], ids["writer"]
            writer.submit(
                lambda s, c=conv, i=cid: s.save_turn(
                    owner="b", conversation_id=i, conversation=c, reply=c.replies[-1]
                )
            )
            out["writer"].append(time.perf_counter() - t0)
            writer.flush()
            out["writer_done"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            _turn(convs["sync"], events)
            c = convs["sync"]
            store.save_turn(owner="b", conversation_id=ids["sync"], conversation=c, reply=c.replies[-1])
            out["sync"].append(time.perf_counter() - t0)
    writer.stop()
    return {k: _median_ms(v) for k, v in out.items()}


def seed(store: Store, *, conversations: int, per: int) -> None:
    """``conversations`` conversations of ``per`` messages for "local" (bulk insert of converter rows)."""
    rng = random.Random(11)
    r = reply()
    batch_c, batch_m = [], []
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(conversations):
        cid = f"{n:032x}"
        words = [rng.choice(WORDS) for _ in range(6)]
        if n % 1000 == 0:
            words.insert(0, RARE)
        when = start + timedelta(minutes=n)
        batch_c.append(
            dict(
                id=cid,
                owner="local",
                title=" ".join(words[:5]),
                created_at=when,
                updated_at=when,
                provider="modelslab",
                model=f"m{n % 3}",
                settings={},
                shareable=True,
                message_count=per,
                total_cost=r.cost.total * (n % 17),
            )
        )
        conv = Conversation()
        for _t in range(per // 2):
            conv.add_user(" ".join(rng.choice(WORDS) for _ in range(25)) + (f" {RARE}" if n % 1000 == 7 else ""))
            conv.add_assistant(" ".join(rng.choice(WORDS) for _ in range(60)), r)
        batch_m += [
            {**message_row(m, position=i, secrets=()), "conversation_id": cid} for i, m in enumerate(conv.messages)
        ]
        if len(batch_c) == 1000:
            _flush(store, batch_c, batch_m)
            batch_c, batch_m = [], []
    _flush(store, batch_c, batch_m)
    with store.engine.begin() as conn:  # statistics, as autovacuum (PostgreSQL) or ANALYZE (SQLite) keep them
        conn.exec_driver_sql("ANALYZE")


def _flush(store: Store, convs: list, messages: list) -> None:
    if convs:
        with write_session(store.engine) as s:
            s.execute(insert(ConversationRow), convs)
            s.execute(insert(MessageRow), messages)


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, int]:
    samples, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - t0)
    return _median_ms(samples), len(result)  # type: ignore[arg-type]


def bench_history(store: Store, *, repeat: int) -> dict[str, tuple[float, int]]:
    from decimal import Decimal

    q = store.list_conversations
    return {
        "list, newest 50": _time(lambda: q(owner="local", limit=50), repeat),
        "list, by cost 50": _time(lambda: q(owner="local", sort="cost", limit=50), repeat),
        "filter model + cost range": _time(
            lambda: q(owner="local", model="m1", min_cost=Decimal("0.0005"), limit=50), repeat
        ),
        f"search rare word ({RARE})": _time(lambda: q(owner="local", search=RARE, limit=50), repeat),
        "search common word (budget)": _time(lambda: q(owner="local", search="budget", limit=50), repeat),
        "search absent word": _time(lambda: q(owner="local", search="qwertyuiop", limit=50), repeat),
        "search absent word with non-ASCII letters (Übersicht)": _time(
            lambda: q(owner="local", search="Übersicht", limit=50), repeat
        ),
        "search absent word with no ASCII run (Σύνοψη: SQLite folds every row)": _time(
            lambda: q(owner="local", search="Σύνοψη", limit=50), repeat
        ),
        "models used (filter menu)": _time(lambda: store.models_used(owner="local"), repeat),
    }


def bench_page(url: str, *, repeat: int) -> dict[str, float]:
    """The history page's script time in AppTest over the seeded database: open, then search (median ms)."""
    import os

    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    os.environ["PLAYGROUND_DATABASE_URL"] = url
    real_init = PagesManager.__init__

    def init(self, *args, **kwargs):  # route through app.py as a live server does (see tests/conftest.py)
        real_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    out: dict[str, list[float]] = {"open": [], f"search {RARE}": [], "search budget": []}
    app = str(Path(__file__).resolve().parent.parent / "app.py")
    warm = AppTest.from_file(app, default_timeout=120)  # imports and the store's first open, once per process
    warm.switch_page("pages/history.py")
    warm.run()
    for _ in range(repeat):
        at = AppTest.from_file(app, default_timeout=120)
        at.switch_page("pages/history.py")
        t0 = time.perf_counter()
        at.run()
        out["open"].append(time.perf_counter() - t0)
        for word in (RARE, "budget"):
            at.text_input(key="history_search").set_value(word)
            t0 = time.perf_counter()
            at.run()
            out[f"search {word}"].append(time.perf_counter() - t0)
        assert not at.exception, [e.value for e in at.exception]
    PagesManager.__init__ = real_init
    return {k: _median_ms(v) for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--conversations", type=int, default=10_000)
    ap.add_argument("--turns", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", choices=("sqlite", "postgresql"), default=None)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
    cluster = pg.start_cluster()
    try:
        targets = (("SQLite", f"sqlite:///{tmp / 'bench.db'}"), ("PostgreSQL", cluster.new_database()))
        for label, url in targets:
            if args.only and label.lower() != args.only:
                continue
            store = Store.open(url=url)
            t = bench_turns(store, turns=args.turns, repeat=args.repeat)
            print(f"\n{label}: one turn ({args.turns}-turn conversations, median of {args.turns * args.repeat})")
            print("| turn | ms | added |\n|---|---:|---:|")
            print(f"| without persistence | {t['bare']:.2f} | |")
            print(f"| + hand to background writer | {t['writer']:.2f} | +{t['writer'] - t['bare']:.2f} |")
            print(f"| + synchronous save (writer's work) | {t['sync']:.2f} | +{t['sync'] - t['bare']:.2f} |")
            print(f"| background save finished (submit to flush) | {t['writer_done']:.2f} | |")
            t0 = time.perf_counter()
            seed(store, conversations=args.conversations, per=10)
            print(f"\n{label}: seeded {args.conversations:,} conversations in {time.perf_counter() - t0:.1f} s")
            print("| history query | ms (median) | rows |\n|---|---:|---:|")
            for name, (ms, rows) in bench_history(store, repeat=args.repeat).items():
                print(f"| {name} | {ms:.1f} | {rows} |")
            print("| history page in AppTest (script time) | ms (median) | |")
            for name, ms in bench_page(url, repeat=args.repeat).items():
                print(f"| page: {name} | {ms:.1f} | |")
            store.close()
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
