"""One entry point over the two wire protocols: build the request and stream its typed events."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Literal

import httpx

from playground.catalog import Model
from playground.events import Event
from playground.params import GenerationParams
from playground.providers import ProviderConfig
from playground.wire import anthropic_messages, openai_chat
from playground.wire.request import RequestPlan, build_chat_request
from playground.wire.retry import RetryNotice

Protocol = Literal["openai", "anthropic"]
PROTOCOLS: dict[Protocol, str] = {"openai": "OpenAI compatible", "anthropic": "Anthropic compatible"}


def build_plan(
    protocol: Protocol,
    config: ProviderConfig,
    model: Model,
    params: GenerationParams,
    history: Iterable[Mapping[str, str]],
    *,
    stream: bool = True,
    disabled: Iterable[str] = (),
) -> RequestPlan:
    """The request for this state in ``protocol`` (Chat Completions or Messages)."""
    build = anthropic_messages.build_messages_request if protocol == "anthropic" else build_chat_request
    return build(config, model, params, history, stream=stream, disabled=disabled)


def stream_events(
    protocol: Protocol,
    plan: RequestPlan,
    *,
    config: ProviderConfig,
    client: httpx.Client | None = None,
    on_retry: Callable[[RetryNotice], None] | None = None,
) -> Iterator[Event]:
    """Send ``plan`` and yield its typed events, whichever protocol it speaks."""
    if protocol == "anthropic":
        return anthropic_messages.stream_messages(plan, config=config, client=client)
    return openai_chat.stream_chat(plan, config=config, client=client, on_retry=on_retry)
