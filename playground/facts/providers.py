"""Providers as data: where each one lives, how it authenticates, and how the app is configured to use it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from playground.facts.batch import BatchSupport
from playground.urls import UnsafeURL, allowed_by, parse_base_url, same_url

AuthStyle = Literal["bearer", "body", "x-api-key", "none"]
Protocol = Literal["openai", "anthropic"]
PROTOCOLS: dict[Protocol, str] = {"openai": "OpenAI compatible", "anthropic": "Anthropic compatible"}


@dataclass(frozen=True, slots=True)
class Provider:
    """A provider profile.

    Args:
        id: short name used in settings, env vars and URLs.
        label: what the UI shows.
        base_url: the OpenAI-compatible base URL (``/chat/completions`` is appended).
        key_env: the environment variable (or secret) holding its key.
        auth: how the key is sent by default.
        key_required: whether a key is needed at all (local servers often need none).
        effort_style: how reasoning effort is sent: ``reasoning_effort`` (xAI) or ``reasoning`` (OpenRouter).
        completion_includes_reasoning: usage convention; xAI counts reasoning apart from completion tokens.
        stream_usage: whether to ask for usage in the stream (``stream_options.include_usage``).
        offline: the embedded offline engine (no network).
        protocols: the wire protocols it serves (Chat Completions always; some also Anthropic Messages).
        body_key_auth: whether it also takes the key in the JSON body (ModelsLab's product-page style).
        user_url: whether the user (or operator) chooses its base URL.
        lists_models: whether its ``/v1/models`` list is read to fill the model picker.
        tokenize_text: whether it counts a text exactly with ``POST {base}/tokenize-text`` (xAI).
        conversation_header: the header that routes one conversation's requests to the server holding its
            cached prompt (xAI's ``x-grok-conv-id``); "" when it has none.
        reports_cost: whether its usage carries a ``cost`` field documented as what it billed (OpenRouter); any
            other server's ``cost`` is kept and shown but never used as the price.
        batch: its OpenAI-compatible Batch API and discount, or None. xAI's Batch API (50% off, docs.x.ai
            "Batch API") is not OpenAI-compatible past the upload: a batch is created with ``name``, its state is
            counters without a ``status``, results are paged from ``/batches/{id}/results`` (no output file);
            OpenRouter's has its own shape too (requests inline, results paged). Neither is marked batch-capable.
    """

    id: str
    label: str
    base_url: str
    key_env: str | None
    auth: AuthStyle = "bearer"
    key_required: bool = True
    effort_style: Literal["reasoning_effort", "reasoning"] = "reasoning_effort"
    completion_includes_reasoning: bool = True
    stream_usage: bool = True
    offline: bool = False
    protocols: tuple[Protocol, ...] = ("openai",)
    body_key_auth: bool = False
    user_url: bool = False
    lists_models: bool = False
    tokenize_text: bool = False
    conversation_header: str = ""
    reports_cost: bool = False
    batch: BatchSupport | None = None


MODELSLAB = Provider(
    "modelslab",
    "ModelsLab",
    "https://modelslab.com/api/v7/llm",
    "MODELSLAB_API_KEY",
    protocols=("openai", "anthropic"),
    body_key_auth=True,
    lists_models=True,
)
XAI = Provider(
    "xai",
    "xAI",
    "https://api.x.ai/v1",
    "XAI_API_KEY",
    completion_includes_reasoning=False,
    tokenize_text=True,
    conversation_header="x-grok-conv-id",
)
OPENROUTER = Provider(
    "openrouter",
    "OpenRouter",
    "https://openrouter.ai/api/v1",
    "OPENROUTER_API_KEY",
    effort_style="reasoning",
    reports_cost=True,
)
CUSTOM = Provider(
    "custom",
    "Custom (OpenAI-compatible URL)",
    "http://127.0.0.1:11434/v1",
    "PLAYGROUND_API_KEY",
    key_required=False,
    user_url=True,
)
OFFLINE = Provider(
    "offline",
    "Offline engine (no network)",
    "http://offline.invalid/v1",
    None,
    auth="none",
    key_required=False,
    offline=True,
    conversation_header="x-grok-conv-id",  # the engine models xAI's prompt cache (playground/offline/cache.py)
    batch=BatchSupport(
        Decimal("0.5"),
        "the offline engine's stand-in batch (half price, like OpenAI's Batch API; nothing is billed)",
        simulated=True,
    ),
)

PROVIDERS: dict[str, Provider] = {p.id: p for p in (MODELSLAB, XAI, OPENROUTER, CUSTOM, OFFLINE)}
DEFAULT_PROVIDER = "modelslab"


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """A resolved provider choice: the profile, the base URL in use, the key and how it is sent."""

    provider: Provider
    base_url: str
    api_key: str = ""
    auth: AuthStyle = "bearer"
    key_source: str = ""  # "environment", "secrets", "session" or ""
    url_source: str = "provider"  # "provider" (built in), "operator" (PLAYGROUND_BASE_URL) or "user" (typed)
    public_only: bool = False  # public mode and a typed URL not allowlisted: connect to public addresses only
    problem: str = ""  # why nothing may be sent with this config (a bad key or URL), naming no secret
    stands_in_for: str = ""  # the offline engine answering for this chosen provider, whose key is missing

    @property
    def shaped_for(self) -> Provider:
        """The provider whose request is built: the chosen one, even while the offline engine answers for it."""
        return PROVIDERS.get(self.stands_in_for, self.provider)

    session: str = ""  # the browser session sending (its requests share one bounded slice of a pool)

    def __repr__(self) -> str:  # never show the key
        return f"ProviderConfig(provider={self.provider.id!r}, base_url={self.base_url!r}, auth={self.auth!r})"

    @property
    def usable(self) -> bool:
        """Whether a request can be made (a key is present where one is needed)."""
        return self.provider.offline or bool(self.api_key) or not self.provider.key_required

    def with_key(self, api_key: str, source: str = "session") -> ProviderConfig:
        """The same config with another key."""
        return replace(self, api_key=api_key, key_source=source if api_key else "")


class KeyProblem(ValueError):
    """A key that cannot be sent as an HTTP header; the message names where it came from, never its value."""


def check_key(key: str, where: str) -> str:
    """``key`` without surrounding whitespace; raise ``KeyProblem`` unless it is printable ASCII with no spaces."""
    key = key.strip()
    if key and not all("!" <= c <= "~" for c in key):
        raise KeyProblem(
            f"The API key in {where} cannot be used: it contains spaces, control characters or non-ASCII "
            "characters (API keys are printable ASCII). Copy the key again, without extra characters."
        )
    return key


def _lookup(name: str | None, env: Mapping[str, str], secrets: Mapping[str, object]) -> tuple[str, str]:
    """A setting's value and where it came from: the environment first, then secrets."""
    if not name:
        return "", ""
    if env.get(name):
        return str(env[name]), "environment"
    value = secrets.get(name) if secrets else None
    return (str(value), "secrets") if value else ("", "")


def key_for(provider: Provider, env: Mapping[str, str], secrets: Mapping[str, object]) -> tuple[str, str]:
    """The configured key for ``provider`` (stripped) and its source, or empty strings (also for a bad key)."""
    try:
        return _server_key(provider, env, secrets)
    except KeyProblem:
        return "", ""


def key_problem(provider: Provider, env: Mapping[str, str], secrets: Mapping[str, object] | None = None) -> str:
    """Why the configured key for ``provider`` cannot be used (naming the variable, never the value), or ``""``."""
    try:
        _server_key(provider, env, secrets or {})
    except KeyProblem as exc:
        return str(exc)
    return ""


def _server_key(provider: Provider, env: Mapping[str, str], secrets: Mapping[str, object]) -> tuple[str, str]:
    key, source = _lookup(provider.key_env, env, secrets)
    return check_key(key, f"{provider.key_env} ({source})"), source


def resolve(
    provider_id: str | None = None,
    *,
    env: Mapping[str, str],
    secrets: Mapping[str, object] | None = None,
    session_key: str = "",
    base_url: str | None = None,
    auth: AuthStyle | None = None,
) -> ProviderConfig:
    """Resolve a provider choice from settings (``PLAYGROUND_*`` variables, then arguments).

    A key held by the server (environment or secrets) is used only with the URL it belongs to: the provider's
    built-in URL or the operator's ``PLAYGROUND_BASE_URL``. A URL typed by the user gets only ``session_key``.
    With no key for the chosen provider (and no key typed in this session) the result is the offline engine,
    unless the provider needs no key. A key or URL that cannot be used gives a config whose ``problem`` says why.
    """
    secrets = secrets or {}
    chosen = provider_id or _lookup("PLAYGROUND_PROVIDER", env, secrets)[0] or DEFAULT_PROVIDER
    provider = PROVIDERS.get(chosen.strip().lower(), PROVIDERS[DEFAULT_PROVIDER])
    operator = operator_base_url(env, secrets)
    url = (base_url or operator or provider.base_url).strip().rstrip("/")
    source = _url_source(url, provider, operator)
    problem = _url_problem(url, source, env, secrets)
    try:
        if session_key:
            key, key_source = check_key(session_key, "the sidebar"), "session"
        else:
            key, key_source = _server_key(provider, env, secrets) if source != "user" else ("", "")
    except KeyProblem as exc:
        key, key_source, problem = "", "", problem or str(exc)
    # a typed URL, or the local default of a provider whose URL users choose (localhost means the shared server)
    unvetted = source == "user" or (source == "provider" and provider.user_url)
    public_only = unvetted and public_mode(env, secrets) and not _listed(url, env, secrets)
    config = ProviderConfig(provider, url, key, auth or provider.auth, key_source, source, public_only, problem)
    if not config.usable and not problem:
        return ProviderConfig(OFFLINE, OFFLINE.base_url, auth="none", stands_in_for=provider.id)
    return config


def _url_source(url: str, provider: Provider, operator: str) -> str:
    if same_url(url, provider.base_url):
        return "provider"
    return "operator" if operator and same_url(url, operator) else "user"


def _url_problem(url: str, source: str, env: Mapping[str, str], secrets: Mapping[str, object]) -> str:
    """Why ``url`` may not be called, or an empty string."""
    try:
        parse_base_url(url)
    except UnsafeURL as exc:
        return f"The base URL cannot be used: {exc}."
    if source == "user" and not base_url_allowed(url, env, secrets):
        return f"This deployment does not allow requests to {url}."
    return ""


def configured_model(env: Mapping[str, str], secrets: Mapping[str, object] | None = None) -> str:
    """The ``PLAYGROUND_MODEL`` setting, or an empty string."""
    return _lookup("PLAYGROUND_MODEL", env, secrets or {})[0]


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def allowed_provider_ids(env: Mapping[str, str], secrets: Mapping[str, object] | None = None) -> list[str]:
    """Providers users may choose (``PLAYGROUND_ALLOWED_PROVIDERS``, comma-separated; all when unset)."""
    listed = _csv(_lookup("PLAYGROUND_ALLOWED_PROVIDERS", env, secrets or {})[0].lower())
    allowed = [p for p in PROVIDERS if not listed or p in listed]
    return allowed or ["offline"]


def custom_url_hidden(env: Mapping[str, str], secrets: Mapping[str, object] | None = None) -> bool:
    """Whether the custom base URL field is hidden (``PLAYGROUND_HIDE_CUSTOM_URL`` set to 1/true/yes)."""
    return _lookup("PLAYGROUND_HIDE_CUSTOM_URL", env, secrets or {})[0].strip().lower() in ("1", "true", "yes")


def operator_base_url(env: Mapping[str, str], secrets: Mapping[str, object] | None = None) -> str:
    """The operator's ``PLAYGROUND_BASE_URL`` (environment first, then secrets), without a trailing ``/``."""
    return _lookup("PLAYGROUND_BASE_URL", env, secrets or {})[0].rstrip("/")


def public_mode(env: Mapping[str, str], secrets: Mapping[str, object] | None = None) -> bool:
    """Whether ``PLAYGROUND_PUBLIC`` is set (1/true/yes): typed URLs may then reach public addresses only."""
    return _lookup("PLAYGROUND_PUBLIC", env, secrets or {})[0].strip().lower() in ("1", "true", "yes")


def _listed(url: str, env: Mapping[str, str], secrets: Mapping[str, object] | None) -> bool:
    """Whether ``url`` is under an entry of ``PLAYGROUND_ALLOWED_BASE_URLS`` itself."""
    return allowed_by(url, _csv(_lookup("PLAYGROUND_ALLOWED_BASE_URLS", env, secrets or {})[0]))


def base_url_allowed(url: str, env: Mapping[str, str], secrets: Mapping[str, object] | None = None) -> bool:
    """Whether ``url`` may be used: it is under one of ``PLAYGROUND_ALLOWED_BASE_URLS`` (all when unset).

    Scheme, host, port and whole path segments are compared on the normalised URL; a URL with user info, ``?``,
    ``#`` or dot segments is never allowed. The built-in providers' own base URLs and the operator's
    ``PLAYGROUND_BASE_URL`` (set in the environment or in secrets) are always allowed.
    """
    try:
        parse_base_url(url)
    except UnsafeURL:
        return False
    listed = _csv(_lookup("PLAYGROUND_ALLOWED_BASE_URLS", env, secrets or {})[0])
    if not listed:
        return True
    known = [p.base_url for p in PROVIDERS.values() if not p.offline and not p.user_url]
    operator = operator_base_url(env, secrets)
    return allowed_by(url, listed + known + ([operator] if operator else []))
