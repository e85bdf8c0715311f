"""The SSE decoder against the WHATWG event-stream rules, fed whole and split at every possible byte boundary."""

from __future__ import annotations

import random

import pytest

from playground.wire.sse import ServerSentEvent, SSEDecoder, iter_sse, parse_sse


def feed_all(chunks: list[bytes]) -> list[ServerSentEvent]:
    return list(iter_sse(chunks))


def reference(raw: bytes) -> list[ServerSentEvent]:
    """A slow, literal reading of the spec: decode all, walk line by line."""
    text = raw.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ended = text.endswith(("\n", "\r"))
    if ended:
        lines.pop()
    out, data, event, retry, last_id = [], [], None, None, None
    for line in lines + [""]:  # the final pseudo-blank line dispatches a last unterminated event
        if line == "":
            if data:
                out.append(ServerSentEvent(event or "message", "\n".join(data), last_id, retry))
            data, event, retry = [], None, None
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data.append(value)
        elif name == "event":
            event = value
        elif name == "id" and "\0" not in value:
            last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            retry = int(value)
    return out


def ev(data: str, event: str = "message", id: str | None = None, retry: int | None = None) -> ServerSentEvent:
    return ServerSentEvent(event, data, id, retry)


def test_plain_data_events() -> None:
    assert parse_sse(b"data: one\n\ndata: two\n\n") == [ev("one"), ev("two")]


def test_comments_are_ignored() -> None:
    raw = b": OPENROUTER PROCESSING\n\n: another\ndata: x\n\n:\n\n"
    assert parse_sse(raw) == [ev("x")]


def test_multiline_data_joined_with_newline() -> None:
    assert parse_sse(b"data: a\ndata:b\ndata:  c\n\n") == [ev("a\nb\n c")]


def test_empty_data_line_still_dispatches() -> None:
    assert parse_sse(b"data:\n\n") == [ev("")]
    assert parse_sse(b"data\n\n") == [ev("")]
    assert parse_sse(b"data:\ndata:\n\n") == [ev("\n")]


def test_blank_line_without_data_dispatches_nothing_and_resets_type() -> None:
    assert parse_sse(b"event: ping\n\ndata: x\n\n") == [ev("x")]


@pytest.mark.parametrize("eol", [b"\n", b"\r", b"\r\n"])
def test_every_line_ending(eol: bytes) -> None:
    raw = eol.join([b"event: error", b"data: a", b"data: b", b"", b"data: c", b"", b""])
    assert parse_sse(raw) == [ev("a\nb", "error"), ev("c")]


def test_mixed_line_endings() -> None:
    assert parse_sse(b"data: a\r\ndata: b\rdata: c\n\r\n") == [ev("a\nb\nc")]


def test_cr_then_lf_in_next_chunk_is_one_line_ending() -> None:
    assert feed_all([b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]) == [ev("a\nb")]


def test_lone_cr_at_chunk_end_followed_by_other_text() -> None:
    assert feed_all([b"data: a\r", b"data: b\r", b"\r"]) == [ev("a\nb")]


def test_event_name_id_and_retry() -> None:
    raw = b"event: update\nid: 7\nretry: 1500\ndata: x\n\ndata: y\n\n"
    assert parse_sse(raw) == [ev("x", "update", "7", 1500), ev("y", id="7")]


def test_id_with_nul_is_ignored_and_bad_retry_is_ignored() -> None:
    assert parse_sse(b"id: a\0b\nretry: 12x\ndata: x\n\n") == [ev("x")]
    assert parse_sse(b"id: 1\n\nid\ndata: x\n\n") == [ev("x", id="")]


def test_only_one_leading_space_is_stripped() -> None:
    assert parse_sse(b"data:   x  \n\n") == [ev("  x  ")]
    assert parse_sse(b"event:  spaced\ndata: x\n\n") == [ev("x", " spaced")]


def test_unknown_fields_and_near_misses_are_ignored() -> None:
    assert parse_sse(b"foo: bar\nDATA: no\ndata x: no\ndatum: no\ndata: yes\n\n") == [ev("yes")]


def test_final_event_without_blank_line_is_dispatched_at_eof() -> None:
    assert parse_sse(b"data: a\n\ndata: last") == [ev("a"), ev("last")]
    assert parse_sse(b"data: last\n") == [ev("last")]


def test_bom_at_start_is_stripped_even_when_split() -> None:
    raw = b"\xef\xbb\xbfdata: x\n\n"
    assert parse_sse(raw) == [ev("x")]
    assert feed_all([raw[:1], raw[1:2], raw[2:3], raw[3:]]) == [ev("x")]
    assert parse_sse(b"data: \xef\xbb\xbfx\n\n") == [ev("\ufeffx")]  # only at the very start


def test_utf8_split_inside_a_character() -> None:
    raw = "data: héllo 日本 🎉\n\n".encode()
    for cut in range(len(raw)):
        assert feed_all([raw[:cut], raw[cut:]]) == [ev("héllo 日本 🎉")]


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    assert parse_sse(b"data: a\xffb\n\n") == [ev("a\ufffdb")]


def test_empty_chunks_are_harmless() -> None:
    assert feed_all([b"", b"data: a", b"", b"\n", b"", b"\n", b""]) == [ev("a")]


def test_decoder_is_incremental() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n") == []
    assert decoder.feed(b"\ndata: b") == [ev("a")]
    assert decoder.feed(b"\n\n") == [ev("b")]
    assert decoder.close() == []


def test_long_line_fed_one_byte_at_a_time() -> None:
    payload = "x" * 20_000
    raw = f"data: {payload}\n\n".encode()
    assert feed_all([raw[i : i + 1] for i in range(len(raw))]) == [ev(payload)]


TRICKY = (
    "\ufeff: OPENROUTER PROCESSING\r\n\r\n"
    'data: {"a": "é"}\r\n\r\n'
    "event: error\rdata: line1\rdata:line2\r\r"
    "id: 42\nretry: 300\ndata: 日本🎉\n\n"
    ": keep-alive\n"
    "data\n\n"
    "foo: bar\ndata:  two spaces\n\n"
    "data: [DONE]"
).encode()
TRICKY_EVENTS = [
    ev('{"a": "é"}'),
    ev("line1\nline2", "error"),
    ev("日本🎉", id="42", retry=300),
    ev("", id="42"),
    ev(" two spaces", id="42"),
    ev("[DONE]", id="42"),
]


def test_tricky_stream_whole() -> None:
    assert parse_sse(TRICKY) == TRICKY_EVENTS
    assert reference(TRICKY) == TRICKY_EVENTS


def test_tricky_stream_split_at_every_single_position() -> None:
    for cut in range(len(TRICKY) + 1):
        assert feed_all([TRICKY[:cut], TRICKY[cut:]]) == TRICKY_EVENTS, cut


def test_tricky_stream_split_at_every_pair_of_positions() -> None:
    n = len(TRICKY)
    for a in range(n + 1):
        for b in range(a, n + 1):
            assert feed_all([TRICKY[:a], TRICKY[a:b], TRICKY[b:]]) == TRICKY_EVENTS, (a, b)


def test_tricky_stream_one_byte_at_a_time() -> None:
    assert feed_all([TRICKY[i : i + 1] for i in range(len(TRICKY))]) == TRICKY_EVENTS


PIECES = [
    b"data: ",
    b"data:",
    b"data",
    b"event: e",
    b"event:",
    b"id: 1",
    b"id",
    b"retry: 5",
    b"retry: x",
    b": c",
    b":",
    b"x: y",
    b"\xc3\xa9",
    b"\xf0\x9f\x8e\x89",
    b"\xff",
    b"\xef\xbb\xbf",
    b" ",
    b"text",
    b"\r",
    b"\n",
    b"\r\n",
    b"\n\n",
    b"\r\r",
    b"\0",
]


@pytest.mark.parametrize("seed", range(60))
def test_random_streams_match_the_reference_under_random_splits(seed: int) -> None:
    rng = random.Random(seed)
    raw = b"".join(rng.choice(PIECES) for _ in range(rng.randint(1, 80)))
    expected = reference(raw)
    assert parse_sse(raw) == expected
    for _ in range(20):
        cuts = sorted(rng.sample(range(len(raw) + 1), k=min(len(raw) + 1, rng.randint(1, 8))))
        chunks = [raw[a:b] for a, b in zip([0, *cuts], [*cuts, len(raw)], strict=True)]
        assert feed_all(chunks) == expected, (raw, cuts)
    assert feed_all([raw[i : i + 1] for i in range(len(raw))]) == expected


def test_whole_event_chunks_keep_the_fields_set_by_earlier_chunks() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"event: update\nid: 3\nretry: 10\n") == []
    assert decoder.feed(b"data: one\n\n") == [ev("one", "update", "3", 10)]
    assert decoder.feed(b"data: two\n\n") == [ev("two", id="3")]
    assert decoder.feed(b"data: a\n") == []
    assert decoder.feed(b"data: b\n\n") == [ev("a\nb", id="3")]
    assert decoder.feed(b"data:  spaced\n\n") == [ev(" spaced", id="3")]


def test_many_whole_events_in_one_chunk() -> None:
    raw = b"".join(b"data: %d data: not a field\n\n" % i for i in range(50))
    assert parse_sse(raw) == [ev(f"{i} data: not a field") for i in range(50)]
    decoder = SSEDecoder()
    assert decoder.feed(b"event: first\nretry: 5\n") == []
    assert decoder.feed(b"data: a\n\ndata: b\n\ndata: c") == [ev("a", "first", retry=5), ev("b")]
    assert decoder.feed(b"d\n\ndata: e\n\n: note\n\ndata: f\n\n\ndata: g\n\n") == [
        ev("cd"),
        ev("e"),
        ev("f"),
        ev("g"),
    ]
    assert decoder.feed(b"data: h\n\nevent: x\ndata: i\n\n") == [ev("h"), ev("i", "x")]
    assert decoder.close() == []


EVENTS = [
    b'data: {"n": 1}\n\n',
    b"data: [DONE]\n\n",
    b"data: \xc3\xa9\n\n",
    b"data:\n\n",
    b"data:x\n\n",
    b": keep-alive\n\n",
    b"event: error\n",
    b"data: a\ndata: b\n\n",
    b"id: 9\n",
    b"\n",
    b"data: data: \n\n",
    b"retry: 7\n",
    b"data: \r\n\r\n",
    b"data: cr\r\r",
]


@pytest.mark.parametrize("seed", range(40))
def test_random_event_runs_match_the_reference_under_random_splits(seed: int) -> None:
    rng = random.Random(1000 + seed)
    raw = b"".join(rng.choice(EVENTS[:3]) if rng.random() < 0.7 else rng.choice(EVENTS) for _ in range(40))
    expected = reference(raw)
    assert parse_sse(raw) == expected
    for _ in range(20):
        cuts = sorted(rng.sample(range(len(raw) + 1), k=rng.randint(1, 12)))
        chunks = [raw[a:b] for a, b in zip([0, *cuts], [*cuts, len(raw)], strict=True)]
        assert feed_all(chunks) == expected, (raw, cuts)
