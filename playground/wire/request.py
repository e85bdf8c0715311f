"""Turn (provider, model, parameters, messages) into the exact HTTP request, and say what was left out and why."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from playground.chat.state import ChatState
from playground.facts.catalog import Model
from playground.facts.params import GenerationParams
from playground.facts.providers import ProviderConfig
from playground.tools.wire import openai_messages

USER_DISABLED = "turned off for this model after the provider rejected it"
NOT_REASONING = "only reasoning models take a reasoning effort"
KEY_PLACEHOLDER = "YOUR_API_KEY"
STAND_IN_HEADER = "X-Playground-Stand-In"  # to the offline engine only: the provider whose request it describes
OMITTED_HEADER = "X-Playground-Omitted"  # to the offline engine only: what that provider's request leaves out


@dataclass(frozen=True, slots=True)
class RequestPlan:
    """One request, ready to send: URL, headers, JSON body, and the parameters left out with their reasons."""

    url: str
    headers: dict[str, str]
    body: dict[str, Any]
    omitted: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # the headers and body may hold the key
        return f"RequestPlan(url={self.url!r}, omitted={sorted(self.omitted)!r})"

    def redacted(self, placeholder: str = KEY_PLACEHOLDER) -> RequestPlan:
        """The same request with the key replaced by ``placeholder`` wherever it appears."""
        headers = {k: _mask_header(k, v, placeholder) for k, v in self.headers.items()}
        body = {**self.body, "key": placeholder} if "key" in self.body else dict(self.body)
        return RequestPlan(self.url, headers, body, dict(self.omitted))


def _mask_header(name: str, value: str, placeholder: str) -> str:
    low = name.lower()
    if low == "authorization":
        return f"Bearer {placeholder}"
    if low == "x-api-key":
        return placeholder
    return value


def omitted_params(state: ChatState) -> dict[str, str]:
    """Parameters that will not be sent, each with the one-line reason the UI shows."""
    model, params = state.model, state.params
    omitted = dict(model.rejected(state.config.shaped_for.id))
    for name in state.disabled:
        omitted.setdefault(name, USER_DISABLED)
    if not model.reasoning:
        omitted.setdefault("reasoning_effort", NOT_REASONING)
    if not params.stop:
        omitted.pop("stop", None)  # nothing to leave out
    return omitted


def capped_max_tokens(model: Model, params: GenerationParams) -> int:
    """Max tokens as sent: the user's value, never above the model's context."""
    return min(params.max_tokens, model.context) if model.context else params.max_tokens


def chat_messages(system: str, history: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI-style messages: the system message (if any) then the history (tool calls and results included)."""
    return openai_messages(system, history)


def tool_fields(body: Mapping[str, Any], omitted: Mapping[str, str]) -> dict[str, Any]:
    """The tool and output-format fields that are not left out (no ``tools`` means no choice either)."""
    dropped = set(omitted)
    if "tools" in dropped:
        dropped |= {"tool_choice", "parallel_tool_calls"}
    return {k: v for k, v in body.items() if k not in dropped}


def _sampling(params: GenerationParams, omitted: Mapping[str, str], max_tokens: int) -> dict[str, Any]:
    values: dict[str, Any] = {
        "temperature": params.temperature,
        "max_tokens": max_tokens,
        "top_p": params.top_p,
        "frequency_penalty": params.frequency_penalty,
        "presence_penalty": params.presence_penalty,
    }
    if params.stop:
        values["stop"] = list(params.stop)
    return {k: v for k, v in values.items() if k not in omitted}


def _effort(config: ProviderConfig, params: GenerationParams, omitted: Mapping[str, str]) -> dict[str, Any]:
    if params.reasoning_effort is None or "reasoning_effort" in omitted:
        return {}
    if config.shaped_for.effort_style == "reasoning":
        return {"reasoning": {"effort": params.reasoning_effort}}
    return {"reasoning_effort": params.reasoning_effort}


def _auth(config: ProviderConfig) -> tuple[dict[str, str], dict[str, str]]:
    """Headers and body fields that carry the key, by auth style."""
    if not config.api_key or config.auth == "none":
        return {}, {}
    if config.auth == "body":
        return {}, {"key": config.api_key}
    if config.auth == "x-api-key":
        return {"x-api-key": config.api_key}, {}
    return {"Authorization": f"Bearer {config.api_key}"}, {}


def offline_headers(config: ProviderConfig, omitted: Mapping[str, str]) -> dict[str, str]:
    """What the offline engine needs to describe the request: the provider it stands in for (``offline`` when
    the engine itself was chosen) and the parameters left out with their reasons (JSON, ASCII)."""
    return {
        STAND_IN_HEADER: config.shaped_for.id,
        OMITTED_HEADER: json.dumps(dict(omitted), ensure_ascii=True, sort_keys=True),
    }


def build_chat_request(state: ChatState) -> RequestPlan:
    """The OpenAI Chat Completions request the app sends for this state.

    With the body-key auth style (ModelsLab's product page) the model goes in ``model_id`` and the key in
    ``key``, exactly as on the page; otherwise the model goes in ``model``. When the offline engine answers for a
    chosen provider without a key, the body is the one that provider would get, and two headers tell the engine
    which provider that is and what was left out (``offline_headers``).
    """
    config, model, params, stream = state.config, state.model, state.params, state.stream
    omitted = omitted_params(state)
    max_tokens = capped_max_tokens(model, params)
    auth_headers, auth_body = _auth(config)
    model_field = "model_id" if config.auth == "body" else "model"
    body: dict[str, Any] = {
        model_field: model.name_for(config.shaped_for.id),
        "messages": chat_messages(params.system, state.history),
        **_sampling(params, omitted, max_tokens),
        **_effort(config, params, omitted),
        **tool_fields(state.tools.openai(), omitted),
        "stream": stream,
    }
    if stream and config.shaped_for.stream_usage:
        body["stream_options"] = {"include_usage": True}
    body.update(auth_body)
    headers = {"Content-Type": "application/json", "Accept": "text/event-stream" if stream else "application/json"}
    headers.update(auth_headers)
    if config.provider.conversation_header and state.conversation_id:  # xAI: one conversation, one cache server
        headers[config.provider.conversation_header] = state.conversation_id
    if config.provider.offline:
        headers.update(offline_headers(config, omitted))
    return RequestPlan(f"{config.base_url}/chat/completions", headers, body, omitted)
