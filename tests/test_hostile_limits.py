"""A hostile server cannot stall or flood the app (issue 12, findings 4 and 5), on loopback servers."""

from __future__ import annotations

import threading
import time
import tracemalloc

import httpx
import pytest
from hostile import HostileServer
from loopback import LoopbackServer, sse, sse_reply

from playground.chat.errors import Busy, PlaygroundError, ReplyTooLarge, ServerError, Timeout
from playground.chat.events import TextDelta
from playground.chat.state import ChatState
from playground.facts import catalog, providers
from playground.facts.params import DEFAULTS
from playground.facts.providers import ProviderConfig
from playground.wire import http
from playground.wire.openai_chat import stream_chat
from playground.wire.protocols import build_plan

MODEL = catalog.get_model(catalog.DEFAULT_MODEL_ID)
GOOD = sse({"choices": [{"delta": {"content": "Fine"}, "finish_reason": "stop"}]})
MiB = 1024 * 1024

pytestmark = pytest.mark.timeout(60)  # the old code never ended a dripping stream


@pytest.fixture(autouse=True)
def fresh_clients():
    http.close_all()
    yield
    http.close_all()


def events(url: str, source: str = "user"):
    config = ProviderConfig(providers.CUSTOM, url + "/v1", "", url_source=source)
    plan = build_plan(ChatState(config, MODEL, DEFAULTS, [{"role": "user", "content": "hi"}]))
    return stream_chat(plan, config=config)


def peak_bytes(call) -> tuple[int, object]:
    """Python's peak allocation while ``call`` runs, and what it raised or returned."""
    tracemalloc.start()
    try:
        outcome = call()
    except PlaygroundError as exc:
        outcome = exc
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, outcome


def test_a_64_mib_error_body_is_read_only_up_to_the_limit():
    """Finding 5: the whole 64 MiB error body was read (about 235 MiB peak in the app)."""
    with HostileServer("huge_error") as bad:
        peak, error = peak_bytes(lambda: list(events(bad.url)))
    assert isinstance(error, ServerError) and "Internal error: xxx" in error.message
    assert len(error.message) < 400 and peak < 4 * MiB


def test_one_64_mib_sse_line_stops_at_the_event_limit():
    """Finding 5: one 64 MiB line was buffered whole."""
    with HostileServer("huge_line") as bad:
        peak, error = peak_bytes(lambda: list(events(bad.url)))
    assert isinstance(error, ReplyTooLarge) and "1,048,576 bytes" in error.message
    assert peak < 8 * MiB


def test_a_reply_past_the_character_limit_stops_and_keeps_what_arrived(monkeypatch):
    """Finding 5: the reply text had no limit."""
    monkeypatch.setenv("PLAYGROUND_MAX_REPLY_CHARS", "50000")
    with HostileServer("huge_reply", size=10 * MiB) as bad:
        with pytest.raises(ReplyTooLarge) as info:
            list(events(bad.url))
    assert "50,000 characters" in info.value.message and 49_000 <= len(info.value.partial_text) <= 50_000


def test_a_dripping_stream_ends_at_the_total_deadline_with_its_partial_text(monkeypatch):
    """Finding 4: a stream sending a byte every few seconds never ended (only a per-read timeout)."""
    monkeypatch.setenv("PLAYGROUND_REPLY_DEADLINE", "1.5")
    with HostileServer("drip", interval=0.2) as bad:
        started = time.monotonic()
        with pytest.raises(Timeout) as info:
            list(events(bad.url))
    assert time.monotonic() - started < 10
    assert "limit of 1.5 s" in info.value.message and info.value.partial_text == "Drip "


def test_drips_to_one_host_cannot_take_every_connection(monkeypatch):
    """Finding 4: 32 slow-drip streams made every other session's request wait and fail with a pool timeout.

    Connections per host are bounded and waiting for one fails fast with "the server is busy" instead of hanging;
    requests to other hosts still go through.
    """
    monkeypatch.setenv("PLAYGROUND_MAX_CONNECTIONS_PER_HOST", "2")
    monkeypatch.setenv("PLAYGROUND_POOL_WAIT", "0.3")
    with HostileServer("drip", interval=0.2) as bad, LoopbackServer(sse_reply(GOOD)) as good:
        held = [events(bad.url) for _ in range(2)]
        assert [next(s) for s in held] == [TextDelta("Drip "), TextDelta("Drip ")]
        started = time.monotonic()
        with pytest.raises(Busy) as info:
            list(events(bad.url))
        assert time.monotonic() - started < 3 and "busy, try again" in str(info.value)
        assert any(isinstance(e, TextDelta) for e in events(good.url))  # another host is not blocked
        held[0].close()  # a closed stream gives its slot back
        third = events(bad.url)
        assert next(third) == TextDelta("Drip ")
        for stream in (held[1], third):
            stream.close()


def test_many_sessions_streaming_from_one_host_at_once_all_finish(monkeypatch):
    """The per-host bound is a bound, not a queue of failures: sessions within it all complete."""
    monkeypatch.setenv("PLAYGROUND_MAX_CONNECTIONS_PER_HOST", "8")
    with LoopbackServer(sse_reply(GOOD)) as good:
        texts: list[str] = []
        threads = [
            threading.Thread(
                target=lambda: texts.extend(e.text for e in events(good.url) if isinstance(e, TextDelta))
            )
            for _ in range(8)
        ]  # noqa: E501
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
    assert texts == ["Fine"] * 8


def test_one_stream_per_session():
    """Finding 4: a session holds at most one streaming reply; a second one is refused at once, not queued."""
    from playground.wire.limits import OneStream

    guard, other = OneStream(), OneStream()
    with guard.hold():
        assert guard.busy
        with pytest.raises(Busy, match="already streaming"):
            with guard.hold():
                pass
        with other.hold():  # another session is not affected
            assert other.busy
    assert not guard.busy
    with guard.hold():  # released after the reply, even one that failed
        pass


def test_a_whole_json_reply_past_the_body_limit_stops_without_reading_it_all(monkeypatch):
    """Finding 5: a reply that is not an event stream was read whole, whatever its size."""
    from loopback import Reply

    monkeypatch.setenv("PLAYGROUND_MAX_BODY_BYTES", "100000")
    body = b'{"choices": [{"message": {"content": "' + b"z" * 4 * MiB + b'"}}]}'
    with LoopbackServer(Reply(200, {"Content-Type": "application/json"}, body)) as bad:
        with pytest.raises(ReplyTooLarge) as info:
            list(events(bad.url))
    assert "limit of 100,000 bytes" in info.value.message


def test_the_providers_and_operators_hosts_are_bounded_by_the_pool_only(monkeypatch):
    """Every session of a team shares the provider's host: the per-host bound is for typed URLs only."""
    monkeypatch.setenv("PLAYGROUND_MAX_CONNECTIONS_PER_HOST", "1")
    monkeypatch.setenv("PLAYGROUND_POOL_WAIT", "0.3")
    with HostileServer("drip", interval=0.2) as slow:
        held = [events(slow.url, source="operator") for _ in range(3)]
        assert [next(s) for s in held] == [TextDelta("Drip ")] * 3  # three at once, over a bound of 1
        for stream in held:
            stream.close()


def test_a_hosts_slots_go_when_its_last_request_ends():
    """Every typed host used to keep its slots for the life of the process; now only hosts in use have any."""
    from playground.wire.limits import BoundedTransport, Limits

    transport = BoundedTransport(httpx.HTTPTransport(), Limits(per_host=1, pool_wait=0.2))
    with httpx.Client(transport=transport, timeout=5) as client, LoopbackServer(sse_reply(GOOD)) as one:
        with LoopbackServer(sse_reply(GOOD)) as two, HostileServer("drip", interval=0.2) as slow:
            for server in (one, two):
                assert client.post(server.url + "/v1/chat/completions", json={}).status_code == 200
            assert transport.hosts == 0  # read and closed: nothing kept for either host
            with client.stream("POST", slow.url + "/v1/chat/completions", json={}) as held:
                next(held.iter_bytes())
                assert transport.hosts == 1
                with pytest.raises(Busy):  # the one slot is taken: a refusal leaves nothing behind either
                    client.post(slow.url + "/v1/chat/completions", json={})
                assert transport.hosts == 1
            assert transport.hosts == 0
