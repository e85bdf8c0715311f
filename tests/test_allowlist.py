"""Shared deployments: the operator restricts the providers and base URLs users may choose, and can hide the custom
URL field, so a public deployment cannot be used to reach internal addresses."""

from __future__ import annotations

import pytest
from apptest_util import answer_stream, chat, new_app, run, send, start_app
from faults import FaultServer
from loopback import LoopbackServer, Reply

from playground.wire import http


@pytest.fixture
def internal():
    """An "internal" service the user must not reach through the app; it records any request that arrives."""
    with FaultServer() as srv:
        http.close_all()
        yield srv
    http.close_all()


def choose_custom_url(at, url: str):
    at.selectbox(key="provider").set_value("custom")
    run(at)
    at.text_input(key="base_url").set_value(url)
    return run(at)


def test_a_disallowed_base_url_is_refused_before_any_request(internal, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ALLOWED_BASE_URLS", "https://llm.example.com/v1, http://10.0.0.7:8000/v1")
    at = choose_custom_url(start_app(), internal.url + "/v1")
    send(at, "Fetch the internal page")
    errors = "\n".join(e.value for e in at.error)
    assert f"does not allow requests to {internal.url}/v1" in errors
    assert "Choose a provider and base URL this deployment allows" in errors
    assert chat(at) == [("user", "Fetch the internal page")]
    at.button(key="retry").click()  # retrying does not get through either
    run(at)
    assert internal.requests == []


@pytest.mark.parametrize(
    "trick",
    [
        "{allowed}.evil.test/v1",  # the allowed host as a prefix of another host
        "{allowed}@{internal}/v1",  # the allowed address as user info in front of another host
        "{internal}/v1?{allowed}",
        "{internal}/v1#{allowed}",
    ],
)
def test_urls_that_only_look_allowed_are_refused(internal, monkeypatch, trick):
    allowed = "http://127.0.0.1:9"
    monkeypatch.setenv("PLAYGROUND_ALLOWED_BASE_URLS", allowed)
    url = trick.format(allowed=allowed, internal=internal.url.removeprefix("http://"))
    url = url if url.startswith("http") else "http://" + url
    at = choose_custom_url(start_app(), url)
    send(at, "Hello")
    said = "\n".join(e.value for e in at.error)
    assert "does not allow requests" in said or "The base URL cannot be used" in said  # refused, and said why
    assert internal.requests == []


def test_an_allowed_base_url_works(internal, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ALLOWED_BASE_URLS", f"https://llm.example.com/v1,{internal.url}/v1")
    at = choose_custom_url(start_app(), internal.url + "/v1")
    send(at, "Hello")
    assert not at.error and chat(at)[-1][1].endswith("All good here")
    assert len(internal.requests) == 1


def test_an_allowed_server_cannot_redirect_the_app_to_an_internal_address(internal, monkeypatch):
    target = internal.url + "/v1/chat/completions"
    with LoopbackServer(Reply(307, {"Location": target}, b"")) as allowed:
        monkeypatch.setenv("PLAYGROUND_ALLOWED_BASE_URLS", allowed.url + "/v1")
        at = choose_custom_url(start_app(), allowed.url + "/v1")
        send(at, "Hello")
        assert "redirected" in "\n".join(e.value for e in at.error)
        assert len(allowed.requests) == 1 and internal.requests == []


def test_the_operators_own_base_url_is_always_allowed(internal, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
    monkeypatch.setenv("PLAYGROUND_BASE_URL", internal.url + "/v1")
    monkeypatch.setenv("PLAYGROUND_ALLOWED_BASE_URLS", "https://llm.example.com/v1")
    at = start_app()
    send(at, "Hello")
    assert not at.error and len(internal.requests) == 1


def test_allowed_providers_limit_the_provider_select(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ALLOWED_PROVIDERS", "modelslab, offline")
    at = start_app()
    assert at.selectbox(key="provider").options == ["ModelsLab", "Offline engine (no network)"]


def test_a_provider_outside_the_allowlist_cannot_be_chosen_through_the_url(internal, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ALLOWED_PROVIDERS", "offline")
    monkeypatch.setenv("PLAYGROUND_API_KEY", "sk-not-to-be-used")
    at = new_app()
    at.query_params["provider"] = "custom"
    at.query_params["base_url"] = internal.url + "/v1"
    run(at)
    assert at.selectbox(key="provider").options == ["Offline engine (no network)"]
    assert at.selectbox(key="provider").value == "offline"
    send(at, "Hello")
    assert "offline engine" in chat(at)[-1][1].lower() and internal.requests == []


def test_hide_custom_url_removes_the_field(internal, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_HIDE_CUSTOM_URL", "1")
    monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
    monkeypatch.setenv("PLAYGROUND_BASE_URL", internal.url + "/v1")
    at = new_app()
    at.query_params["base_url"] = "http://127.0.0.1:9/v1"  # the URL cannot set it either
    run(at)
    assert at.selectbox(key="provider").value == "custom"
    assert [t.key for t in at.text_input if t.key == "base_url"] == []
    assert at.text_input(key="api_key_custom")  # the key field stays
    send(at, "Hello")
    assert not at.error and len(internal.requests) == 1  # requests go to the operator's URL


def test_without_the_setting_the_custom_url_field_is_shown():
    at = start_app()
    at.selectbox(key="provider").set_value("custom")
    run(at)
    assert at.text_input(key="base_url").placeholder == "http://127.0.0.1:11434/v1"


def test_an_operator_url_set_in_secrets_works_with_an_allowlist_active(monkeypatch):
    """The operator's PLAYGROUND_BASE_URL may come from secrets.toml, not only the environment."""
    monkeypatch.setenv("PLAYGROUND_ALLOWED_BASE_URLS", "https://llm.example.com/v1")
    with LoopbackServer(answer_stream("Served by the operator")) as server:
        at = new_app()
        at.secrets["PLAYGROUND_PROVIDER"] = "custom"
        at.secrets["PLAYGROUND_BASE_URL"] = server.url
        run(at)
        send(at, "Hello")
        assert not at.error, [e.value for e in at.error]
        role, text = chat(at)[-1]
        assert role == "assistant" and text.endswith("Served by the operator")
        assert server.requests and server.requests[-1].path == "/chat/completions"
