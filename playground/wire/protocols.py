"""One entry point over the two wire protocols: build the request and stream its typed events."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx

from playground.chat.events import Event
from playground.chat.state import ChatState
from playground.wire import anthropic_messages, openai_chat
from playground.wire.request import RequestPlan, build_chat_request
from playground.wire.retry import RetryNotice


def build_plan(state: ChatState) -> RequestPlan:
    """The request for this state in its protocol (Chat Completions or Messages)."""
    if state.protocol == "anthropic":
        return anthropic_messages.build_messages_request(state)
    return build_chat_request(state)


def stream_events(
    state: ChatState,
    plan: RequestPlan | None = None,
    *,
    client: httpx.Client | None = None,
    on_retry: Callable[[RetryNotice], None] | None = None,
) -> Iterator[Event]:
    """Send ``plan`` (by default the one built from ``state``) and yield its typed events, in either protocol."""
    plan = plan if plan is not None else build_plan(state)
    if state.protocol == "anthropic":
        return anthropic_messages.stream_messages(plan, config=state.config, client=client)
    return openai_chat.stream_chat(plan, config=state.config, client=client, on_retry=on_retry)
