"""Keys stay with their URLs and out of every message (issue 12, findings 1, 3 and 10), on loopback servers."""

from __future__ import annotations

import pytest
from hostile import HostileServer
from loopback import LoopbackServer, sse, sse_reply

from playground.chat.errors import AuthError, PlaygroundError
from playground.chat.events import TextDelta
from playground.chat.state import ChatState
from playground.facts import catalog, providers
from playground.facts.params import DEFAULTS
from playground.facts.providers import ProviderConfig
from playground.wire import http
from playground.wire.openai_chat import collect, stream_chat
from playground.wire.protocols import build_plan

SECRET = "sk-operator-SECRET-0123456789abcdef"
MODEL = catalog.get_model(catalog.DEFAULT_MODEL_ID)
GOOD = sse({"choices": [{"delta": {"content": "Fine"}, "finish_reason": "stop"}]})


@pytest.fixture(autouse=True)
def fresh_clients():
    http.close_all()
    yield
    http.close_all()


def send(config: ProviderConfig) -> list:
    """Send one chat turn with ``config`` the way the app does; the reply's events."""
    plan = build_plan(ChatState(config, MODEL, DEFAULTS, [{"role": "user", "content": "hi"}]))
    return list(stream_chat(plan, config=config))


def authorization(server: LoopbackServer) -> str:
    return server.requests[-1].headers.get("Authorization", "")


def operator_env(good: LoopbackServer) -> dict[str, str]:
    return {
        "PLAYGROUND_PROVIDER": "custom",
        "PLAYGROUND_BASE_URL": good.url + "/v1",
        "PLAYGROUND_API_KEY": SECRET,
    }


def test_the_operators_key_never_goes_to_a_url_the_user_typed():
    """Finding 1: with the operator's custom URL and key set, a typed base URL used to get the operator's key."""
    with LoopbackServer(sse_reply(GOOD)) as good, LoopbackServer(sse_reply(GOOD)) as other:
        env = operator_env(good)
        typed = providers.resolve("custom", env=env, base_url=other.url + "/v1")
        assert typed.url_source == "user" and typed.api_key == ""
        send(typed)
        assert SECRET not in authorization(other)
        own = providers.resolve("custom", env=env)  # the operator's own URL still gets the operator's key
        send(own)
        assert authorization(good) == f"Bearer {SECRET}"
        same = providers.resolve("custom", env=env, base_url=good.url.upper().replace("HTTP", "http") + "/v1/")
        assert same.url_source == "operator" and same.api_key == SECRET  # the same URL, spelt differently


def test_a_key_typed_in_the_session_goes_to_the_typed_url():
    with LoopbackServer(sse_reply(GOOD)) as good, LoopbackServer(sse_reply(GOOD)) as other:
        typed = providers.resolve(
            "custom", env=operator_env(good), base_url=other.url + "/v1", session_key="mine1234"
        )
        send(typed)
        assert authorization(other) == "Bearer mine1234"


def test_a_provider_key_is_not_sent_to_another_url_through_the_custom_field():
    """Finding 1: a built-in provider's key belongs to its own URL only."""
    env = {"XAI_API_KEY": SECRET}
    assert providers.resolve("xai", env=env).api_key == SECRET
    moved = providers.resolve("xai", env=env, base_url="http://127.0.0.1:9/v1")
    assert moved.api_key == "" and SECRET not in repr(moved)


@pytest.mark.parametrize("tail", ["\n", "\r\n", "\r", " ", "\t"])
def test_a_key_with_a_line_ending_from_an_env_file_is_stripped_and_works(tail):
    """Finding 3: a trailing CR/LF made the HTTP library refuse the header and the error showed the key."""
    with LoopbackServer(sse_reply(GOOD)) as good:
        env = {**operator_env(good), "PLAYGROUND_API_KEY": SECRET + tail}
        send(providers.resolve("custom", env=env))
        assert authorization(good) == f"Bearer {SECRET}"


@pytest.mark.parametrize("bad", [SECRET + "\0", SECRET[:10] + " " + SECRET[10:], SECRET + "é", SECRET + "\x7f"])
def test_a_bad_key_gets_a_message_naming_the_variable_never_the_value(bad):
    """Finding 3: control, inner-space and non-ASCII characters give a clear message, not a crash or a leak."""
    with LoopbackServer(sse_reply(GOOD)) as good:
        config = providers.resolve("custom", env={**operator_env(good), "PLAYGROUND_API_KEY": bad})
        with pytest.raises(AuthError) as info:
            send(config)
        assert "PLAYGROUND_API_KEY" in info.value.message and SECRET[:12] not in str(info.value)
        assert good.requests == []


def test_a_typed_non_ascii_key_is_a_typed_error_not_a_crash():
    """Finding 3: a key typed with a non-ASCII character crashed the page (UnicodeEncodeError)."""
    with LoopbackServer(sse_reply(GOOD)) as good:
        config = providers.resolve("custom", env={}, base_url=good.url + "/v1", session_key="sk-clé-1234")
        with pytest.raises(AuthError) as info:
            send(config)
        assert "sidebar" in info.value.message and "clé" not in info.value.message
        assert good.requests == []


def test_a_key_echoed_in_an_error_body_is_masked_before_the_quote_is_cut():
    """Finding 10 (and 3): the echo straddles the 300-character cut and repeats the key escaped and in repr."""
    with HostileServer("key_echo") as bad:
        config = ProviderConfig(providers.CUSTOM, bad.url + "/v1", SECRET + "\n")
        plan = build_plan(ChatState(config, MODEL, DEFAULTS, [{"role": "user", "content": "hi"}]))
        plan.headers["Authorization"] = f"Bearer {SECRET}"  # what a stripped key sends; the echo adds the rest
        with pytest.raises(PlaygroundError) as info:
            list(stream_chat(plan, config=config))
        shown = f"{info.value} {info.value.param}"
        assert "[redacted]" in shown
        for start in range(0, len(SECRET) - 7):  # no 8-character piece of the key survives
            assert SECRET[start : start + 8] not in shown


def test_a_key_echoed_in_the_streamed_text_is_masked_even_split_across_chunks():
    """Finding 10: redaction covered error messages only, not the reply text a server streams back."""
    with HostileServer("key_echo_stream") as bad:
        config = ProviderConfig(providers.CUSTOM, bad.url + "/v1", SECRET)
        events = send(config)
        text = "".join(e.text for e in events if isinstance(e, TextDelta))
        assert text == "Your key is [redacted] and again [redacted]."
        assert collect(iter(events)).text == text


def test_the_sidebar_lookup_of_a_bad_key_does_not_raise_and_says_what_is_wrong():
    env = {"XAI_API_KEY": SECRET + "\0"}
    assert providers.key_for(providers.XAI, env, {}) == ("", "")
    problem = providers.key_problem(providers.XAI, env)
    assert "XAI_API_KEY (environment)" in problem and SECRET[:10] not in problem
    assert providers.key_problem(providers.XAI, {"XAI_API_KEY": SECRET}) == ""


def test_the_stream_masker_keeps_every_character_around_held_tails():
    """Text held back because it could start a key is given back in order once it proves not to be one."""
    from playground.chat.events import Finish
    from playground.wire.scrub import scrub_events

    pieces = ["Ask", " s", "k-", "op", "en sesame ", SECRET[:5], SECRET[5:], "!", " s"]
    out = list(scrub_events([TextDelta(p) for p in pieces] + [Finish("stop")], [SECRET]))
    assert "".join(e.text for e in out if isinstance(e, TextDelta)) == "Ask sk-open sesame [redacted]! s"
    assert out[-1] == Finish("stop")
