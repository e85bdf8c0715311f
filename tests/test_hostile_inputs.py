"""Issue 21, findings 7, 12, 13, 15 and 17: input that used to brick a page, multiply memory or slip past a check.

Each test is named after its finding; the servers are real HTTP servers on 127.0.0.1 (``tests/hostile.py``).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import tracemalloc

import pytest
from apptest_util import chat, new_app, run, send
from hostile import SURROGATE_TEXT, HostileServer
from markdown_it import MarkdownIt

from playground.chat.errors import PlaygroundError
from playground.chat.events import TextDelta
from playground.chat.state import ChatState
from playground.experiments import rows
from playground.facts import catalog, providers
from playground.facts.params import DEFAULTS
from playground.facts.providers import ProviderConfig
from playground.money import batch
from playground.offline import server as offline_server
from playground.text import block_remote_images
from playground.tools.mocks import MAX_TEMPLATE_CHARS, render_mock, template_problem
from playground.tools.paths import parse_json
from playground.urls import UnsafeURL, allowed_by, parse_base_url
from playground.wire import http
from playground.wire.anthropic_stream import events_from_sse
from playground.wire.openai_chat import stream_chat
from playground.wire.protocols import build_plan

MODEL = catalog.get_model(catalog.DEFAULT_MODEL_ID)
MiB = 1024 * 1024
CLEAN = "bad \ufffd text"


@pytest.fixture(autouse=True)
def fresh_clients():
    http.close_all()
    yield
    http.close_all()


def stream(url: str) -> list:
    config = ProviderConfig(providers.CUSTOM, url + "/v1", "")
    plan = build_plan(ChatState(config, MODEL, DEFAULTS, [{"role": "user", "content": "hi"}]))
    return list(stream_chat(plan, config=config))


def encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# Finding 7: a lone surrogate ("\ud800" in valid JSON) reached st.markdown; protobuf cannot encode it.


def test_finding_7_a_lone_surrogate_in_a_stream_becomes_a_replacement_character():
    with HostileServer("surrogate") as bad:
        text = "".join(e.text for e in stream(bad.url) if isinstance(e, TextDelta))
    assert text == CLEAN and encodable(text)


def test_finding_7_a_lone_surrogate_in_a_whole_json_reply_or_an_error_becomes_a_replacement_character():
    with HostileServer("surrogate_whole") as bad:
        text = "".join(e.text for e in stream(bad.url) if isinstance(e, TextDelta))
        assert text == CLEAN
        bad.mode = "surrogate_error"
        with pytest.raises(PlaygroundError) as info:
            stream(bad.url)
    assert "bad" in info.value.message and encodable(info.value.message)


def test_finding_7_a_lone_surrogate_in_an_anthropic_stream_becomes_a_replacement_character():
    def event(name: str, **data: object) -> bytes:
        return f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n".encode()

    stream = [
        event("message_start", message={"usage": {"input_tokens": 3, "output_tokens": 1}}),
        event("content_block_start", index=0, content_block={"type": "text", "text": ""}),
        event("content_block_delta", index=0, delta={"type": "text_delta", "text": SURROGATE_TEXT}),
        event("content_block_stop", index=0),
        event("message_delta", delta={"stop_reason": "end_turn"}, usage={"output_tokens": 3}),
        event("message_stop"),
    ]
    assert b"\\ud800" in stream[2]
    text = "".join(e.text for e in events_from_sse(stream) if isinstance(e, TextDelta))
    assert text == CLEAN


def test_finding_7_lone_surrogates_in_uploads_and_tool_arguments_are_replaced():
    frame = rows.read_rows(b'{"question": "bad \\ud800 text", "\\udc00": "key"}\n', "rows.jsonl")
    assert list(frame.iloc[0]) == [CLEAN, "key"] and list(frame.columns) == ["question", "\ufffd"]
    priced = batch.read_table(b'{"prompt": "bad \\ud800 text"}\n', "prompts.jsonl")  # the pricing page's upload
    assert list(priced["prompt"]) == [CLEAN]
    value, problem = parse_json('{"city": "bad \\ud800 text"}')
    assert problem is None and value == {"city": CLEAN}
    assert SURROGATE_TEXT != CLEAN  # the server really sends the lone surrogate


def test_finding_7_a_lone_surrogate_in_a_reply_does_not_brick_the_chat_page(monkeypatch: pytest.MonkeyPatch):
    with HostileServer("surrogate") as bad:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", bad.url + "/v1")
        monkeypatch.setenv("PLAYGROUND_DATABASE_URL", "none")
        at = run(new_app())
        send(at, "Say something odd")
        run(at)  # every later run draws the reply again
        send(at, "And again")
    assert [role for role, _ in chat(at)] == ["user", "assistant", "user", "assistant"]
    assert CLEAN in chat(at)[1][1]


# Finding 8: balanced brackets in alt text, and a backtick run CommonMark does not close, kept an image live.

_CM = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _images(markdown: str) -> list[str]:
    """The image sources a CommonMark renderer would fetch in ``markdown``."""
    out = []
    for token in _CM.parse(markdown):
        for child in token.children or ():
            if child.type == "image":
                out.append(child.attrs["src"])
    return out


@pytest.mark.parametrize(
    "markdown",
    [
        "![a [b] c](https://host.example/p.png)",
        "`` ![x](https://host.example/p.png) ```",  # two backticks open; three do not close them
        "`a`` ![x](https://host.example/p.png)",
        "> quoted ![a [b]](https://host.example/p.png 'title')\n> on two lines",
        "| col |\n| --- |\n| ![cell](https://host.example/p.png) |",
        "[![in a link](https://host.example/p.png)](https://example.com)",
        "![alt [b] text][ref]\n\n[ref]: https://host.example/p.png",
        "![a ![b](https://inner.example/i.png)](https://host.example/p.png)",
    ],
)
def test_finding_8_no_image_survives_the_filter_as_commonmark_reads_it(markdown: str):
    assert _images(markdown)  # a CommonMark renderer would fetch it
    shown = block_remote_images(markdown)
    assert _images(shown) == [] and "image from host.example, not loaded" in shown


def test_finding_8_real_code_is_left_as_it_is():
    text = "Inline ``a ` ![x](https://code.example/a.png)`` and\n\n~~~~\n![y](https://fence.example/b.png)\n~~~~\n"
    assert block_remote_images(text) == text


# Finding 12: a 5 KB template repeating a placeholder over a 50 KB argument built a 50 MB tool message.


def test_finding_12_a_mock_is_cut_at_the_reply_limit_without_building_the_whole_result(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_REPLY_CHARS", "200000")
    template = "{{a}}" * 1000  # 5 KB
    tracemalloc.start()
    try:
        result = render_mock(template, {"a": "x" * 50_000})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.startswith("x" * 1000) and "cut at 200,000 characters" in result
    assert len(result) < 200_200 and peak < 8 * MiB  # 50 MB before
    assert render_mock('{"city": "{{city}}"}', {"city": 'Pa"ris'}) == '{"city": "Pa\\"ris"}'  # unchanged below it


def test_finding_12_a_template_past_its_cap_is_refused_and_only_its_cap_is_used():
    long = "y" * (MAX_TEMPLATE_CHARS + 5000)
    assert "at most 20,000 characters" in (template_problem(long) or "")
    assert template_problem("{{city}}") is None
    assert len(render_mock(long, {})) == MAX_TEMPLATE_CHARS


# Finding 13: a 9 MB CSV with 1.2 M columns was parsed whole (39 s, 2.4 GB) before the column limit, every rerun.


def test_finding_13_a_csv_with_too_many_columns_is_refused_before_parsing():
    wide = (",".join(f"c{i}" for i in range(300_000)) + "\n" + "," * 299_999 + "\n").encode()
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(rows.RowsError) as info:
            rows.read_rows(wide, "wide.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * len(wide) and time.monotonic() - started < 5  # 300 MB and seconds before
    assert str(info.value) == "More than 200 columns."
    quoted = b'"a,b",c\n"1,2",3\n'  # commas inside quotes are not columns
    assert list(rows.read_rows(quoted, "q.csv").columns) == ["a,b", "c"]


def test_finding_13_rows_past_the_limit_are_not_all_parsed(monkeypatch):
    monkeypatch.setattr(rows, "MAX_ROWS", 100)
    many = b"q\n" + b"row\n" * 200_000
    parsed: list[int] = []
    real = rows.pd.read_csv
    monkeypatch.setattr(rows.pd, "read_csv", lambda *a, **k: parsed.append(k.get("nrows")) or real(*a, **k))
    with pytest.raises(rows.RowsError, match="More than 100 rows"):
        rows.read_rows(many, "many.csv")
    assert parsed == [101]


def test_finding_13_a_jsonl_file_with_too_many_fields_is_refused_before_the_table_is_built(monkeypatch):
    normalised: list[int] = []
    real = rows.pd.json_normalize
    monkeypatch.setattr(rows.pd, "json_normalize", lambda records: normalised.append(1) or real(records))
    wide = ("{" + ",".join(f'"k{i}": {{"x": 1}}' for i in range(300)) + "}\n").encode()
    with pytest.raises(rows.RowsError, match="More than 200 columns"):
        rows.read_rows(wide, "wide.jsonl")
    assert not normalised


def test_finding_13_an_upload_is_parsed_once_per_content(monkeypatch):
    calls: list[str] = []
    real = rows.read_rows
    monkeypatch.setattr(rows, "read_rows", lambda data, name: calls.append(name) or real(data, name))
    data = b"question,expected\nWhy?,Because\n"
    first = rows.read_upload(data, "once.csv")
    first.iloc[0, 0] = "changed by a caller"
    again = rows.read_upload(data, "once.csv")
    assert calls == ["once.csv"] and again.iloc[0, 0] == "Why?"  # parsed once; each caller gets its own copy
    wide = (",".join(["c"] * 500) + "\n").encode()
    for _ in range(3):
        with pytest.raises(rows.RowsError):
            rows.read_upload(wide, "wide.csv")
    assert calls == ["once.csv", "wide.csv"]  # a refusal is kept too


# Finding 15: "..;" segments passed the parser and the allowlist; Tomcat, Jetty and Spring read them as "..".


@pytest.mark.parametrize(
    "url",
    [
        "https://gw.example/v1/..;/admin",
        "https://gw.example/v1/..;jsessionid=x/admin",
        "https://gw.example/v1/.;/v1",
        "https://gw.example/v1/%2e%2e;/admin",
        "https://gw.example/v1/%2E%2E%3B/admin",
    ],
)
def test_finding_15_semicolon_dot_segments_are_refused(url: str):
    with pytest.raises(UnsafeURL, match=r"\. or \.\. segments"):
        parse_base_url(url)
    assert not allowed_by(url, ["https://gw.example/v1"])
    assert allowed_by("https://gw.example/v1/models;v=2", ["https://gw.example/v1"])  # other parameters stay


# Finding 17: the standalone offline server collected a chunked body of any size (512 MiB body, 541 MB RSS).


def _post_chunked(url_port: int, chunks: int, size: int) -> bytes:
    """POST ``chunks`` chunks of ``size`` bytes with chunked encoding on a raw socket; the server's answer."""
    with socket.create_connection(("127.0.0.1", url_port), timeout=10) as sock:
        sock.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        piece = b"%x\r\n%s\r\n" % (size, b" " * size)
        try:
            for _ in range(chunks):
                sock.sendall(piece)
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server stopped reading: its answer is already on the way
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer) < 200:
            more = sock.recv(65536)
            if not more:
                break
            answer += more
        return answer


def test_finding_17_a_chunked_body_past_the_limit_is_refused_with_413(monkeypatch):
    monkeypatch.setattr(offline_server, "MAX_BODY", MiB)
    server = offline_server.serve(port=0, pace=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        answer = _post_chunked(server.server_address[1], chunks=64, size=64 * 1024)  # 4 MiB
    finally:
        server.shutdown()
        server.server_close()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"larger than this server's limit of 1 MiB" in answer
