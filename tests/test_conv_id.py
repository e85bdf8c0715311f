"""x-grok-conv-id: one stable, unguessable id per conversation on every request to xAI, and only to xAI."""

from __future__ import annotations

import re

from apptest_util import answer_stream, run, send, start_app
from loopback import LoopbackServer

from playground.chat.conversation import Conversation
from playground.chat.state import ChatState
from playground.facts.catalog import GROK_3_MINI
from playground.facts.params import GenerationParams
from playground.facts.providers import CUSTOM, MODELSLAB, OPENROUTER, XAI, ProviderConfig
from playground.wire.protocols import build_plan

HEADER = "x-grok-conv-id"


def plan_for(provider, conv: Conversation, protocol: str = "openai"):
    config = ProviderConfig(provider, provider.base_url, "sk-test-key-000000")
    state = ChatState(config, GROK_3_MINI, GenerationParams(), history=conv.history(), protocol=protocol)
    return build_plan(state.evolve(conversation_id=conv.cache_id))


def test_requests_to_xai_carry_the_conversations_id() -> None:
    conv = Conversation()
    conv.add_user("Hello")
    first = plan_for(XAI, conv)
    conv.add_user("Again")
    assert first.headers[HEADER] == plan_for(XAI, conv).headers[HEADER] == conv.cache_id


def test_other_providers_never_get_it() -> None:
    conv = Conversation()
    conv.add_user("Hello")
    for provider in (MODELSLAB, OPENROUTER, CUSTOM):
        assert HEADER not in {k.lower() for k in plan_for(provider, conv).headers}, provider.id
    assert HEADER not in {k.lower() for k in plan_for(MODELSLAB, conv, protocol="anthropic").headers}


def test_ids_are_unguessable_and_never_shared() -> None:
    ids = {Conversation().cache_id for _ in range(2000)}
    assert len(ids) == 2000
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22,}", i) for i in ids)  # 128 random bits, URL-safe


def chat_requests(server) -> list:
    return [r for r in server.requests if r.path == "/v1/chat/completions"]


def test_the_page_sends_one_id_per_conversation_and_another_for_another_owner(monkeypatch) -> None:
    with LoopbackServer(lambda req: answer_stream()) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "xai")
        monkeypatch.setenv("XAI_API_KEY", "xai-test-key-0000")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        at = start_app()
        send(at, "One")
        send(at, "Two")
        first, second = (r.headers[HEADER] for r in chat_requests(server))
        assert first == second
        at.button(key="clear").click()  # More → Clear conversation asks in a dialog
        run(at)
        at.button(key="confirm_clear").click()
        run(at)
        send(at, "Three")
        third = chat_requests(server)[-1].headers[HEADER]
        assert third != first
        other = start_app()  # another browser session: another owner
        send(other, "One")
        assert chat_requests(server)[-1].headers[HEADER] not in {first, third}


def test_the_page_sends_no_id_to_a_custom_server(monkeypatch) -> None:
    with LoopbackServer(lambda req: answer_stream()) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        at = start_app()
        send(at, "One")
        assert HEADER not in {k.lower() for k in chat_requests(server)[-1].headers}
