"""The offline engine's pacing: over HTTP a steady rate (a late wake-up is made up, not added to later pieces),
as a provider generating at a fixed speed; in the app's process a wait of ``pace`` after each ask, so a slow
reader never gets a burst."""

from __future__ import annotations

import threading
import time

import httpx

from playground.offline.engine import plan_reply, sse_events
from playground.offline.messages import message_events
from playground.offline.pacing import Pacer

BODY = {"model": "m", "stream": True, "messages": [{"role": "user", "content": "Say hello in five words"}]}


class FakeTime:
    """A clock that moves only when slept on, or when the test says the process was busy."""

    def __init__(self) -> None:
        self.now, self.slept = 100.0, []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_steady_pieces_are_each_due_one_pace_after_the_last_one_was_due() -> None:
    t = FakeTime()
    pacer = Pacer(0.002, t.sleep, t.clock, steady=True)
    for _ in range(5):
        pacer.wait()
    assert t.slept == [0.002] * 5 and round(t.now - 100.0, 6) == 0.01


def test_steady_a_late_wake_up_is_made_up_on_the_next_pieces() -> None:
    t = FakeTime()
    pacer = Pacer(0.002, t.sleep, t.clock, steady=True)
    pacer.wait()
    t.now += 0.003  # the process was busy elsewhere: the next piece is already late by 1 ms
    for _ in range(3):
        pacer.wait()
    # no sleep for the late piece, a shorter one after it, then the steady rate: 4 pieces took 4 paces in all
    assert t.slept == [0.002, 0.001, 0.002] and round(t.now - 100.0, 6) == 0.008


def test_in_process_each_piece_waits_a_whole_pace_after_the_reader_asks() -> None:
    t = FakeTime()
    pacer = Pacer(0.002, t.sleep, t.clock)
    pacer.wait()
    t.now += 0.003  # a slow reader: the next piece still waits its pace, no burst
    pacer.wait()
    pacer.wait()
    assert t.slept == [0.002] * 3


def test_no_pace_never_sleeps() -> None:
    t = FakeTime()
    for steady in (False, True):
        pacer = Pacer(0.0, t.sleep, t.clock, steady=steady)
        for _ in range(3):
            pacer.wait()
    assert t.slept == [] and t.now == 100.0


def _timed(events, pace: float) -> tuple[float, list[float]]:  # noqa: ANN001 - the events function
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    start = time.monotonic()
    list(events(plan_reply(BODY), pace, sleep, steady=True))
    return time.monotonic() - start, slept


def test_a_streamed_reply_served_steady_lasts_its_pieces_times_the_pace() -> None:
    reply = plan_reply(BODY)
    pieces = len(reply.reasoning) + len(reply.answer)
    for events in (sse_events, message_events):
        took, slept = _timed(events, 0.0002)
        assert took >= pieces * 0.0002  # the last piece was due after every pace
        assert 0 < len(slept) <= pieces and all(0 < s <= 0.0002 + 1e-9 for s in slept)  # a pace at most


def test_the_http_server_paces_as_a_provider_steadily(monkeypatch) -> None:  # noqa: ANN001 - pytest's fixture
    from playground.offline import server as offline_server

    seen: list[bool] = []

    def recorded(reply, pace=0.0, sleep=None, *, steady=False):  # noqa: ANN001, ANN202 - sse_events' own
        seen.append(steady)
        return sse_events(reply, pace, sleep, steady=steady)

    monkeypatch.setattr(offline_server, "sse_events", recorded)
    srv = offline_server.serve("127.0.0.1", 0, pace=0.0001)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        with httpx.stream("POST", f"{offline_server.base_url(srv)}/chat/completions", json=BODY) as resp:
            lines = [line for line in resp.iter_lines() if line]
    finally:
        srv.shutdown()
        srv.server_close()
    assert seen == [True] and lines[-1] == "data: [DONE]"
