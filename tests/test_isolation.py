"""Sessions are isolated: two sessions with different keys and histories see nothing of each other, and no
module-level state of playground/ or components/ keeps anything a user typed, sent or received."""

from __future__ import annotations

import collections
import functools
import importlib
import json
import types
from pathlib import Path

import pytest
from apptest_util import chat, run, send, start_app
from faults import delta, finish
from loopback import LoopbackServer, json_reply, sse, sse_reply
from test_key_hygiene import page_text

from playground.wire import http

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("playground", "components")
# Module-level containers that may change while the app runs, and why that is not user data.
PROCESS_CACHES = {
    ("playground.wire.http", "_offline"): "one offline-engine client per pace setting",
    ("playground.wire.http", "_network"): "one pooled client per trust level (trusted, typed, public)",
    ("playground.wire.http", "_sessions"): "each session's view of a pooled client, by an opaque session id",
    (
        "playground.experiments.rows",
        "_PARSED",
    ): "parsed uploads by content hash: only the same bytes get them back",
}
# Bounded compile caches keyed by a schema or pattern text: they speed up checks, and nothing reads them back out.
COMPILE_CACHES = {
    ("playground.tools.schema", "_compiled"): "compiled JSON schemas (64 at most)",
    ("playground.tools.schema", "_checked"): "a schema's check against the metaschema (256 at most)",
    ("playground.experiments.checks", "_pattern"): "compiled regular expressions of regex checks (256 at most)",
}


def echo(req):
    """A reply naming the session's last prompt, so each session's replies are its own (and a model list)."""
    if req.method == "GET":
        return json_reply(200, {"object": "list", "data": [{"id": "x-ai-grok-3-mini-beta", "object": "model"}]})
    prompt = req.json()["messages"][-1]["content"]
    return sse_reply(sse(delta(role="assistant", content=f"Echo of {prompt}"), finish()))


@pytest.fixture
def server(monkeypatch):
    with LoopbackServer(echo) as srv:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", srv.url + "/v1")
        http.close_all()
        yield srv
    http.close_all()


def session(key: str):
    at = start_app()
    at.text_input(key="api_key_custom").set_value(key)
    at.slider(key="temperature").set_value(0.2 if key.endswith("A") else 1.4)
    return run(at)


def everything(at) -> str:
    """What a session shows and holds: its page, its URL and its whole session state."""
    state = {k: repr(at.session_state[k]) for k in at.session_state}
    return "\n".join([page_text(at), json.dumps(dict(at.query_params)), json.dumps(state)])


def test_two_sessions_with_different_keys_and_histories_see_nothing_of_each_other(server):
    a, b = session("sk-session-key-AAAA"), session("sk-session-key-BBBB")
    send(a, "alpha question one")
    send(b, "bravo question one")
    send(a, "alpha question two")
    send(b, "bravo question two")
    at_model = {}
    for name, at in (("a", a), ("b", b)):
        at.switch_page("pages/model.py")
        run(at)
        at_model[name] = page_text(at)
        at.switch_page("pages/chat.py")
        run(at)
    assert chat(a) == [
        ("user", "alpha question one"),
        ("assistant", "Echo of alpha question one"),
        ("user", "alpha question two"),
        ("assistant", "Echo of alpha question two"),
    ]
    assert [m for _r, m in chat(b)] == [
        "bravo question one",
        "Echo of bravo question one",
        "bravo question two",
        "Echo of bravo question two",
    ]
    seen_a, seen_b = everything(a) + at_model["a"], everything(b) + at_model["b"]
    for word in ("bravo", "BBBB"):
        assert word not in seen_a
    for word in ("alpha", "AAAA"):
        assert word not in seen_b
    assert a.query_params["temperature"] == "0.2" and b.query_params["temperature"] == "1.4"
    # each request carried its own session's key, history and settings, and nothing of the other's
    chats = [r for r in server.requests if r.method == "POST"]
    listed = [r for r in server.requests if r.method == "GET"]  # the model list, read with each session's key
    assert sorted(r.headers["Authorization"][-4:] for r in listed) == ["AAAA", "BBBB"]
    for req in chats:
        body, auth = req.json(), req.headers["Authorization"]
        mine, theirs = ("alpha", "bravo") if auth.endswith("AAAA") else ("bravo", "alpha")
        texts = " ".join(m["content"] for m in body["messages"])
        assert mine in texts and theirs not in texts
        assert body["temperature"] == (0.2 if mine == "alpha" else 1.4)
    assert sorted(r.headers["Authorization"][-4:] for r in chats) == ["AAAA"] * 2 + ["BBBB"] * 2


def _modules() -> list[types.ModuleType]:
    names = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for pkg in PACKAGES
        for path in sorted((ROOT / pkg).rglob("*.py"))
        if path.stem != "__init__" and "migrations" not in path.parts
    ]
    return [importlib.import_module(name) for name in names]


_LRU = type(functools.lru_cache(lambda: None))


def _ours(obj: object) -> bool:
    return type(obj).__module__.split(".")[0] in (*PACKAGES, "httpx", "httpcore")


def _find(value: object, needles: tuple[str, ...], path: str, seen: set[int], depth: int = 0) -> list[str]:
    """Paths under ``value`` where a string or bytes contains one of ``needles``."""
    if depth > 8 or id(value) in seen or isinstance(value, types.ModuleType | types.FunctionType | type(len)):
        return []
    seen.add(id(value))
    if isinstance(value, str | bytes | bytearray):
        text = value if isinstance(value, str) else bytes(value).decode("utf-8", "replace")
        return [path] if any(n in text for n in needles) else []
    children: list[tuple[str, object]] = []
    if isinstance(value, dict | types.MappingProxyType):
        children = [(f"{path}[{k!r}]", v) for k, v in value.items()] + [(f"{path}.keys", list(value))]
    elif isinstance(value, list | tuple | set | frozenset | collections.deque):
        children = [(f"{path}[{i}]", v) for i, v in enumerate(value)]
    elif isinstance(value, type) and value.__module__.split(".")[0] in PACKAGES:
        children = [(f"{path}.{k}", v) for k, v in vars(value).items() if not k.startswith("__")]
    elif _ours(value):
        attrs = getattr(value, "__dict__", {}) or {}
        slots = [s for cls in type(value).__mro__ for s in getattr(cls, "__slots__", ())]
        children = [(f"{path}.{k}", v) for k, v in attrs.items()]
        children += [(f"{path}.{s}", getattr(value, s)) for s in slots if hasattr(value, s)]
    found = []
    for child_path, child in children:
        found += _find(child, needles, child_path, seen, depth + 1)
    return found


def _mutable_globals() -> dict[tuple[str, str], str]:
    """Every module-level list, dict, set or deque of our packages, as a comparable snapshot."""
    out = {}
    for module in _modules():
        for name, value in vars(module).items():
            if isinstance(value, list | dict | set | bytearray | collections.deque) and not name.startswith("__"):
                out[(module.__name__, name)] = repr(sorted(map(repr, value)) if isinstance(value, set) else value)
    return out


def test_no_module_level_state_keeps_user_data(server, monkeypatch):
    key, prompt = "sk-global-scan-K7w2", "global-scan-prompt-Q4r8"
    before = _mutable_globals()
    at = session(key + "A")
    send(at, prompt)
    at.button(key="view_code").click()
    run(at)
    for page in ("pages/model.py", "pages/pricing.py", "pages/chat.py"):
        at.switch_page(page)
        run(at)
    assert chat(at)[-1] == ("assistant", f"Echo of {prompt}")
    monkeypatch.setenv("PLAYGROUND_PROVIDER", "offline")  # the offline engine's path too
    send(start_app(), prompt + " offline")

    needles = (key, prompt, "Echo of")
    leaks = []
    for module in _modules():
        for name, value in vars(module).items():
            if not name.startswith("__"):
                leaks += _find(value, needles, f"{module.__name__}.{name}", set())
            cache_info = (
                getattr(value, "cache_info", None) if isinstance(value, types.FunctionType | _LRU) else None
            )
            if callable(cache_info) and cache_info().currsize and (module.__name__, name) not in COMPILE_CACHES:
                leaks.append(f"{module.__name__}.{name} (an lru_cache holding {cache_info().currsize} entries)")
    assert leaks == []
    changed = {k for k, v in _mutable_globals().items() if before.get(k) != v}
    assert changed <= set(PROCESS_CACHES), changed - set(PROCESS_CACHES)


def test_streamlit_caches_of_user_input_are_per_session():
    """``st.cache_data`` / ``st.cache_resource`` are process-wide unless scoped to the session."""
    cached = [
        (m.__name__, name, value)
        for m in _modules()
        for name, value in vars(m).items()
        if type(value).__module__.startswith("streamlit") and hasattr(value, "_info")
    ]
    assert cached, "no cached functions found: the scan looks in the wrong place"
    assert [f"{m}.{n}" for m, n, v in cached if v._info.scope != "session"] == []
