"""Exact prompt counts before sending: xAI's ``POST /v1/tokenize-text``, cached by text, falling back silently.

xAI documents ``POST {base}/tokenize-text`` with ``{"text": ..., "model": ...}``, answering
``{"token_ids": [{"token_id", "string_token", "token_bytes"}, ...]}`` (the xAI SDK's ``tokenize_text``).  A
prompt's count is the sum over its messages of each text's count plus ``MESSAGE_OVERHEAD`` per message (role and
separator tokens, which the endpoint does not see).  Each distinct text is asked for once per key and model
(``ExactCounter`` keeps the answers by a digest of the text, not the text itself), so re-rendering the page, moving
a slider or typing asks nothing new; only a new message's text is sent.  Any failure (no key, a refused URL, a
network error, an error status or a body without ``token_ids``) is remembered as "unknown" for that text and the
caller keeps its estimate: nothing reaches the screen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import httpx

from playground.chat.errors import PlaygroundError
from playground.facts.providers import ProviderConfig
from playground.money.tokens import MESSAGE_OVERHEAD
from playground.wire.classify import error_from_exception, error_from_response, is_error_payload
from playground.wire.http import client_for

SOURCE = "xAI tokenize-text"
TIMEOUT = httpx.Timeout(5.0)  # a count is worth little late: the page keeps its estimate instead of waiting


@dataclass(frozen=True)
class Counted:
    """A prompt count and what counted it (``SOURCE`` for the provider's tokenizer)."""

    tokens: int
    source: str


def available(config: ProviderConfig) -> bool:
    """Whether ``config`` can count exactly with tokenize-text: the provider offers it, and there is a key."""
    return config.provider.tokenize_text and bool(config.api_key) and not config.problem


def tokenize_text(config: ProviderConfig, *, text: str, model: str, client: httpx.Client | None = None) -> int:
    """The number of tokens xAI's tokenizer makes of ``text`` for ``model``; failures raise the typed error."""
    secrets = [config.api_key] if config.api_key else []
    headers = {"Authorization": f"Bearer {config.api_key}", "Content-Type": "application/json"}
    try:
        response = (client or client_for(config)).post(
            f"{config.base_url}/tokenize-text",
            headers=headers,
            json={"text": text, "model": model},
            timeout=TIMEOUT,
        )
    except httpx.HTTPError as exc:
        raise error_from_exception(exc, secrets=secrets) from None
    if response.status_code >= 300:
        raise error_from_response(response.status_code, response.content, response.headers, secrets=secrets)
    try:
        data: Any = response.json()
    except ValueError:
        raise error_from_response(502, response.content, response.headers, secrets=secrets) from None
    ids = data.get("token_ids") if isinstance(data, dict) and not is_error_payload(data) else None
    if not isinstance(ids, list):
        raise error_from_response(502, response.content, response.headers, secrets=secrets)
    return len(ids)


def _key(config: ProviderConfig, model: str, text: str) -> tuple[str, str, str]:
    key = hashlib.sha256(config.api_key.encode()).hexdigest()[:12]  # per key, without keeping it
    return f"{config.base_url}|{key}", model, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class ExactCounter:
    """Exact counts of texts by the provider, kept in ``cache`` (any mutable mapping, e.g. session state).

    ``requests`` counts the requests this counter sent (what a test of "no request per keystroke" reads).
    """

    def __init__(self, cache: MutableMapping[tuple[str, str, str], int | None] | None = None) -> None:
        self.cache: MutableMapping[tuple[str, str, str], int | None] = {} if cache is None else cache
        self.requests = 0

    def count_text(
        self, config: ProviderConfig, *, model: str, text: str, client: httpx.Client | None = None
    ) -> int | None:
        """The provider's count of ``text``, or None (no key, not offered, or it failed: once per text)."""
        if not available(config):
            return None
        if not text:
            return 0
        key = _key(config, model, text)
        if key not in self.cache:
            self.requests += 1
            try:
                self.cache[key] = tokenize_text(config, text=text, model=model, client=client)
            except PlaygroundError:
                self.cache[key] = None
        return self.cache[key]

    def count_messages(
        self,
        config: ProviderConfig,
        *,
        model: str,
        messages: Iterable[Mapping[str, Any]],
        client: httpx.Client | None = None,
    ) -> Counted | None:
        """The prompt's count (every text counted exactly, plus ``MESSAGE_OVERHEAD`` per message), or None
        when any text could not be counted (the caller keeps its estimate)."""
        total = 0
        for message in messages:
            content = message.get("content")
            n = self.count_text(
                config, model=model, text=content if isinstance(content, str) else "", client=client
            )
            if n is None:
                return None
            total += n + MESSAGE_OVERHEAD
        return Counted(total, SOURCE)
