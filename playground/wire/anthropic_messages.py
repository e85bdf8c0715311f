"""The Anthropic Messages protocol: the request, sending it, token counting and the model list."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from playground.chat.errors import PlaygroundError
from playground.chat.events import Event
from playground.chat.state import ChatState
from playground.facts.providers import ProviderConfig
from playground.text import without_lone_surrogates
from playground.tools.wire import anthropic_messages
from playground.wire.anthropic_stream import (
    StreamState,
    events_from_message,
    events_from_sse,
)
from playground.wire.classify import error_from_exception, error_from_response, is_error_payload
from playground.wire.http import check_config, client_for
from playground.wire.request import KEY_PLACEHOLDER, RequestPlan, capped_max_tokens, omitted_params, tool_fields

ANTHROPIC_VERSION = "2023-06-01"
TEMPERATURE_MAX = 1.0
NOT_IN_MESSAGES_API = "not part of the Anthropic Messages API"
EFFORT_NOT_MAPPED = "the Anthropic Messages API has no reasoning effort setting (thinking budgets are not mapped)"
CLAMPED = "lowered to 1 (the Anthropic Messages API takes 0 to 1)"


@dataclass(frozen=True, slots=True, repr=False)
class MessagesPlan(RequestPlan):
    """A Messages request; ``adjusted`` names parameters sent with a changed value, each with the reason."""

    adjusted: dict[str, str] = field(default_factory=dict)

    def redacted(self, placeholder: str = KEY_PLACEHOLDER) -> MessagesPlan:
        """The same request with the key replaced by ``placeholder``."""
        plain = RequestPlan.redacted(self, placeholder)
        return MessagesPlan(plain.url, plain.headers, plain.body, plain.omitted, dict(self.adjusted))


def messages_base(config: ProviderConfig) -> str:
    """The base the Anthropic paths hang from: the configured base URL without a trailing ``/v1``."""
    base = config.base_url.rstrip("/")
    return base[:-3] if base.endswith("/v1") else base


def auth_headers(config: ProviderConfig) -> dict[str, str]:
    """The key as Bearer, or as ``x-api-key`` (also for the body style: the Messages API has no body key)."""
    if not config.api_key or config.auth == "none":
        return {}
    if config.auth == "bearer":
        return {"Authorization": f"Bearer {config.api_key}"}
    return {"x-api-key": config.api_key}


def _headers(config: ProviderConfig, accept: str = "application/json") -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "Accept": accept,
        "anthropic-version": ANTHROPIC_VERSION,
        **auth_headers(config),
    }


def split_system(system: str, history: Iterable[Mapping[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The top-level system text and the user/assistant messages (system turns fold into the text; tool calls
    and results become ``tool_use`` / ``tool_result`` blocks; consecutive same-role messages merge)."""
    return anthropic_messages(system, history)


def build_messages_request(state: ChatState) -> MessagesPlan:
    """The ``/v1/messages`` request the app sends for this state, with what was left out or changed and why."""
    config, model, params, stream = state.config, state.model, state.params, state.stream
    omitted = omitted_params(state)
    for name in ("frequency_penalty", "presence_penalty"):
        omitted.setdefault(name, NOT_IN_MESSAGES_API)
    if params.reasoning_effort is not None:
        omitted.setdefault("reasoning_effort", EFFORT_NOT_MAPPED)
    system, messages = split_system(params.system, state.history)
    max_tokens = capped_max_tokens(model, params)
    body: dict[str, Any] = {
        "model": model.name_for(config.provider.id),
        "max_tokens": max_tokens,
        "messages": messages,
    }
    if system:
        body["system"] = system
    adjusted: dict[str, str] = {}
    if "temperature" not in omitted:
        body["temperature"] = min(params.temperature, TEMPERATURE_MAX)
        if params.temperature > TEMPERATURE_MAX:
            adjusted["temperature"] = CLAMPED
    if "top_p" not in omitted:
        body["top_p"] = params.top_p
    if params.stop and "stop" not in omitted:
        body["stop_sequences"] = list(params.stop)
    fields, left_out = state.tools.anthropic()
    for name, reason in left_out.items():
        omitted.setdefault(name, reason)
    body.update(tool_fields(fields, omitted))
    body["stream"] = stream
    headers = _headers(config, "text/event-stream" if stream else "application/json")
    return MessagesPlan(f"{messages_base(config)}/v1/messages", headers, body, omitted, adjusted)


def _secrets(config: ProviderConfig) -> list[str]:
    return [config.api_key] if config.api_key else []


def _send(client: httpx.Client, method: str, url: str, secrets: list[str], **kwargs: Any) -> httpx.Response:
    """One whole request, transport failures as typed errors."""
    try:
        return client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise error_from_exception(exc, secrets=secrets) from None


def _json(response: httpx.Response, secrets: list[str]) -> Any:
    """The JSON body of a successful response; any error status or error body raises the typed error."""
    if response.status_code >= 400:
        raise error_from_response(response.status_code, response.content, response.headers, secrets=secrets)
    try:
        data = without_lone_surrogates(response.json())
    except (ValueError, RecursionError):
        raise error_from_response(502, response.content, response.headers, secrets=secrets) from None
    if is_error_payload(data) or not isinstance(data, dict):
        raise error_from_response(
            200, data if isinstance(data, dict) else response.content, response.headers, secrets=secrets
        )
    return data


def stream_messages(
    plan: RequestPlan, *, config: ProviderConfig, client: httpx.Client | None = None
) -> Iterator[Event]:
    """Send a Messages request and yield its typed events (streamed or not, as the plan says)."""
    check_config(config)
    client = client or client_for(config)
    secrets = _secrets(config)
    state = StreamState(secrets=tuple(secrets))
    try:
        with client.stream("POST", plan.url, headers=plan.headers, json=plan.body) as response:
            if response.status_code >= 400:
                raise error_from_response(response.status_code, response.read(), response.headers, secrets=secrets)
            if "text/event-stream" in response.headers.get("content-type", ""):
                yield from events_from_sse(response.iter_bytes(), secrets=secrets, state=state)
            else:
                response.read()
                yield from events_from_message(_json(response, secrets))
    except PlaygroundError as err:
        raise state.fail(err) from None
    except Exception as exc:  # noqa: BLE001 - any failure (nested JSON included) reaches the page as a typed error
        started = bool(state.text or state.reasoning or state.usage)
        raise state.fail(error_from_exception(exc, secrets=secrets, started=started)) from None


def count_tokens(state: ChatState, *, client: httpx.Client | None = None) -> int:
    """The exact input tokens of this state, from ``/v1/messages/count_tokens``."""
    config = state.config
    system, messages = split_system(state.params.system, state.history)
    body: dict[str, Any] = {"model": state.model.name_for(config.provider.id), "messages": messages}
    if system:
        body["system"] = system
    fields, _ = state.tools.anthropic()
    body.update(tool_fields(fields, omitted_params(state)))
    url = f"{messages_base(config)}/v1/messages/count_tokens"
    secrets = _secrets(config)
    response = _send(client or client_for(config), "POST", url, secrets, headers=_headers(config), json=body)
    data = _json(response, secrets)
    if not isinstance(data.get("input_tokens"), int):
        raise error_from_response(502, response.content, response.headers, secrets=secrets)
    return data["input_tokens"]


def list_models(config: ProviderConfig, client: httpx.Client | None = None) -> list[str]:
    """Model IDs from ``/v1/models`` (callers fall back to the catalogue when this fails)."""
    url = f"{messages_base(config)}/v1/models"
    headers = {k: v for k, v in _headers(config).items() if k != "Content-Type"}
    secrets = _secrets(config)
    data = _json(_send(client or client_for(config), "GET", url, secrets, headers=headers), secrets)
    return [str(m["id"]) for m in data.get("data") or [] if isinstance(m, dict) and m.get("id")]
