"""The provider's own model list (``/v1/models``): whether the chosen model is served there, and the served
models closest to one the provider does not (or no longer) serve."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from playground.chat.errors import PlaygroundError, UnknownModel
from playground.facts.catalog import Model
from playground.facts.model_names import base_name
from playground.facts.providers import Provider, ProviderConfig
from playground.text import without_lone_surrogates
from playground.wire import anthropic_messages
from playground.wire.classify import error_from_exception, error_from_response, is_error_payload
from playground.wire.http import client_for

ListStyle = Literal["openai", "anthropic"]
Served = Literal["served", "not served", "unknown"]
SUGGESTIONS = 3
CUTOFF = 0.5  # the lowest similarity (difflib ratio, 0-1) a suggestion may have


def list_style(provider: Provider) -> ListStyle:
    """How ``provider`` lists models: Anthropic style (``/v1/models``) where it serves Messages, else OpenAI's."""
    return "anthropic" if "anthropic" in provider.protocols else "openai"


def _openai_headers(config: ProviderConfig) -> dict[str, str]:
    headers = {"Accept": "application/json"}
    if config.api_key and config.auth != "none":  # a GET has no body: the body-key style sends Bearer here
        headers["Authorization"] = f"Bearer {config.api_key}"
    return headers


def _ids(data: Any) -> list[str]:
    rows = data.get("data") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        return []
    return [str(m["id"]) for m in rows if isinstance(m, dict) and isinstance(m.get("id"), str) and m["id"]]


def openai_model_ids(config: ProviderConfig, *, client: httpx.Client | None = None) -> list[str]:
    """Model IDs from ``GET {base}/models`` (OpenAI style); any failure raises the typed error."""
    secrets = [config.api_key] if config.api_key else []
    try:
        response = (client or client_for(config)).get(f"{config.base_url}/models", headers=_openai_headers(config))
    except httpx.HTTPError as exc:
        raise error_from_exception(exc, secrets=secrets) from None
    if response.status_code >= 300:
        raise error_from_response(response.status_code, response.content, response.headers, secrets=secrets)
    try:
        data = without_lone_surrogates(response.json())
    except ValueError:
        raise error_from_response(502, response.content, response.headers, secrets=secrets) from None
    if is_error_payload(data):
        raise error_from_response(200, data, response.headers, secrets=secrets)
    return _ids(data)


def model_ids(config: ProviderConfig, *, style: ListStyle, client: httpx.Client | None = None) -> list[str]:
    """The provider's model IDs, OpenAI style (``{base}/models``) or Anthropic style (``/v1/models``)."""
    if style == "anthropic":
        return anthropic_messages.list_models(config, client=client)
    return openai_model_ids(config, client=client)


def served_status(*, model: Model, provider_id: str, ids: Sequence[str] | None) -> Served:
    """Whether ``model`` (under any of its names, snapshot tags aside) is in ``ids``; unknown with no list."""
    if not ids:
        return "unknown"
    names = {base_name(n) for n in (model.id, model.name_for(provider_id))}
    return "served" if any(base_name(i) in names for i in ids) else "not served"


def _similarity(asked: str, candidate: str) -> float:
    """How alike two model names are: the better of the whole names and the names after any ``vendor/``."""
    a, b = base_name(asked), base_name(candidate)
    pairs = {(a, b), (a.rsplit("/", 1)[-1], b.rsplit("/", 1)[-1])}
    return max(difflib.SequenceMatcher(None, x, y).ratio() for x, y in pairs)


def closest_served(asked: str, ids: Iterable[str], *, n: int = SUGGESTIONS, cutoff: float = CUTOFF) -> list[str]:
    """The ``n`` served IDs most like ``asked``, best first (ties in the list's order); none below ``cutoff``."""
    scored = [(_similarity(asked, i), -k, i) for k, i in enumerate(dict.fromkeys(ids)) if i != asked]
    ranked = sorted((s for s in scored if s[0] >= cutoff), reverse=True)
    return [i for _, _, i in ranked[:n]]


@dataclass(frozen=True, slots=True)
class ModelCheck:
    """The chosen model against the provider's list: its status, the list, and why it is unknown if it is."""

    status: Served
    ids: list[str] = field(default_factory=list)
    reason: str = ""


def check_model(
    config: ProviderConfig, model: Model, *, style: ListStyle, client: httpx.Client | None = None
) -> ModelCheck:
    """Fetch the list (with a key) and say whether ``model`` is served there; never raises."""
    if config.provider.offline or not config.api_key:
        return ModelCheck("unknown", reason="the model list needs an API key")
    try:
        ids = model_ids(config, style=style, client=client)
    except PlaygroundError as err:
        return ModelCheck("unknown", reason=err.message)
    status = served_status(model=model, provider_id=config.provider.id, ids=ids)
    return ModelCheck(status, ids, "" if ids else "the provider listed no models")


def suggest(
    error: UnknownModel,
    config: ProviderConfig,
    model: Model,
    *,
    style: ListStyle,
    client: httpx.Client | None = None,
) -> UnknownModel:
    """``error`` with the served models closest to the asked one as its suggestions (none when the list fails)."""
    check = check_model(config, model, style=style, client=client)
    error.suggestions = tuple(closest_served(model.name_for(config.provider.id), check.ids))
    return error
