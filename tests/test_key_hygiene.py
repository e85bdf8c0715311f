"""A sentinel key used through every feature appears nowhere but in the requests the provider received.

Artefacts checked: every element of every page after a chat, after each error (including error bodies that quote
the key back), the exports (the bytes of the download files), the code samples (dialog and model page), the
URL's query parameters, the debug logs of the app, httpx, httpcore and Streamlit, and all stdout/stderr output.
"""

from __future__ import annotations

import json
import logging

import pytest
import streamlit as st
import streamlit.logger
from apptest_util import chat, run, send, start_app
from faults import FaultServer, delta
from loopback import Reply, json_reply, sse, sse_reply
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from playground.wire import http

SENTINEL = "sk-sentinel-Zq8v3KxP0wLm"
LOGGERS = ("", "httpx", "httpcore", "streamlit", "playground", "components", "urllib3")


def echoing(key: str) -> dict[str, Reply]:
    """Error replies that quote the key back, as careless providers and proxies do."""
    event = json.dumps({"error": {"message": f"Upstream refused key {key}", "code": 502}})
    return {
        "echo_401": json_reply(
            401,
            {
                "error": {
                    "message": f"Incorrect API key provided: {key}.",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                }
            },
        ),
        "echo_400": json_reply(
            400,
            {
                "code": "Client specified an invalid argument",
                "error": f"Argument not supported on this model: {key}",
            },
        ),
        "echo_429": json_reply(
            429, {"status": "error", "message": f"Rate limit exceeded for key {key}"}, {"Retry-After": "30"}
        ),
        "echo_502": Reply(502, {"Content-Type": "text/html"}, f"<title>502 for {key}</title>".encode()),
        "echo_event": sse_reply(
            [*sse(delta(content="Partial"), done=False), f"event: error\ndata: {event}\n\n".encode()]
        ),
        "echo_param": json_reply(
            400, {"error": {"message": "bad value", "param": key, "type": "invalid_request_error"}}
        ),
    }


ERROR_MODES = (
    "echo_401",
    "echo_400",
    "echo_429",
    "echo_502",
    "echo_event",
    "echo_param",
    "401",
    "404",
    "413",
    "500",
    "cut",
    "malformed",
    "read_timeout",
    "drop",
)


def page_text(at) -> str:
    """Every field of every element on the page (the protobufs the browser would receive), as text."""
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


@pytest.fixture
def debug_logs(capfd):
    """Every log record at DEBUG from the app, httpx, httpcore and Streamlit, plus all stdout/stderr output."""
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(f"{record.name}: {record.getMessage()} {record.args!r} {record.exc_text or ''}")

    handler = Keep(logging.DEBUG)
    saved_level = streamlit.logger._global_log_level
    streamlit.logger.set_log_level(logging.DEBUG)
    touched = {name: logging.getLogger(name) for name in (*LOGGERS, *streamlit.logger._loggers)}
    levels = {name: lg.level for name, lg in touched.items()}
    for lg in touched.values():
        lg.setLevel(logging.DEBUG)
        lg.addHandler(handler)
    yield lambda: "\n".join(records) + "\n" + "\n".join(capfd.readouterr())
    for name, lg in touched.items():
        lg.removeHandler(handler)
        lg.setLevel(levels[name])
    streamlit.logger.set_log_level(saved_level)


@pytest.fixture
def downloads(monkeypatch) -> list[bytes]:
    """The bytes of every file the app offered for download (the export buttons' data)."""
    files: list[bytes] = []
    real = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        files.append(path_or_data if isinstance(path_or_data, bytes) else str(path_or_data).encode())
        return real(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    real_button = st.download_button

    def button(label, data, *args, **kwargs):  # exports are built when clicked: build them as a click would
        if callable(data):
            built = data()
            files.append(built if isinstance(built, bytes) else str(built).encode())
        return real_button(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", button)
    return files


@pytest.fixture
def server(monkeypatch):
    with FaultServer(extra=echoing(SENTINEL)) as srv:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", srv.url + "/v1")
        monkeypatch.setenv("PLAYGROUND_CONNECT_TIMEOUT", "0.5")
        monkeypatch.setenv("PLAYGROUND_READ_TIMEOUT", "1")
        monkeypatch.setattr("playground.wire.openai_chat._sleep", lambda s: None)
        http.close_all()
        yield srv
    http.close_all()


@pytest.mark.parametrize("source", ["environment", "typed"])
def test_the_key_reaches_only_the_provider(server, debug_logs, downloads, monkeypatch, source):
    if source == "environment":
        monkeypatch.setenv("PLAYGROUND_API_KEY", SENTINEL)
        at = start_app()
    else:
        at = start_app()
        at.text_input(key="api_key_custom").set_value(SENTINEL)
        run(at)
    seen: list[str] = []  # every artefact, collected as the session goes on

    def look() -> None:
        seen.append(page_text(at))
        seen.append(json.dumps(dict(at.query_params)))  # the URL's query string

    send(at, "Hello")
    assert chat(at)[-1][1].endswith("All good here")
    look()
    for mode in ERROR_MODES:
        server.script(*[mode] * 3)  # retried faults fail on every attempt
        send(at, f"Trigger {mode}")
        assert at.error, mode
        look()
    server.block()
    send(at, "Trigger a connect timeout")
    assert "Could not connect" in at.error[0].value
    look()
    server.unblock()
    send(at, "And now it works")
    look()
    at.button(key="view_code").click()
    run(at)
    assert at.code, "the code dialog shows samples"
    look()
    at.switch_page("pages/model.py")
    run(at)
    look()
    at.switch_page("pages/pricing.py")
    run(at)
    look()

    assert len(downloads) >= 2 and any(b'"messages"' in d for d in downloads)  # the JSON and Markdown exports
    artefacts = {
        "pages and URL": "\n".join(seen),
        "downloads": b"\n".join(downloads).decode("utf-8", "replace"),
        "logs and output": debug_logs(),
    }
    for name, text in artefacts.items():
        assert SENTINEL not in text, f"the key leaked into {name}"
        assert SENTINEL[3:] not in text, f"part of the key leaked into {name}"
    assert "[redacted]" in artefacts["pages and URL"]  # the echoed keys were there, and were masked
    # the positive control: the key did go where it belongs, in every request the provider received
    assert len(server.chat_requests) >= len(ERROR_MODES) + 2
    assert all(r.headers.get("Authorization") == f"Bearer {SENTINEL}" for r in server.chat_requests)
    assert all(SENTINEL not in r.body.decode() for r in server.chat_requests)  # bearer auth: not in the body
