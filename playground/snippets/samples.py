"""Code samples of the exact request the app would send now, in five languages, with the key never inside."""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from playground.chat.state import ChatState
from playground.facts.catalog import Model
from playground.facts.page import PAGE
from playground.facts.providers import MODELSLAB, Protocol, ProviderConfig
from playground.snippets.render import RENDERERS
from playground.snippets.spec import CONVERSATION_PLACEHOLDER, KeyRef, Spec
from playground.wire.protocols import build_plan
from playground.wire.request import KEY_PLACEHOLDER, RequestPlan

LANGUAGES: tuple[str, ...] = ("python_requests", "python_sdk", "javascript", "curl", "php")
LANGUAGE_OF = {
    "python_requests": "python",
    "python_sdk": "python",
    "javascript": "javascript",
    "curl": "bash",
    "php": "php",
}
OFFLINE_NOTE = (
    "The offline engine has no HTTP API, so these samples call ModelsLab (the default provider). "
    "Set MODELSLAB_API_KEY to run them."
)


@dataclass(frozen=True, slots=True)
class Samples:
    """Code per language (keys of ``LANGUAGES``), tab labels, and what the request leaves out and why."""

    code: dict[str, str]
    labels: dict[str, str]
    omitted: dict[str, str]
    adjusted: dict[str, str]
    provider_label: str
    url: str
    note: str = ""


def sample_history(history: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The conversation so far (tool calls and results included), or the page's first starter prompt."""
    fields = ("role", "content", "tool_calls", "tool_call_id")
    messages = [{k: m[k] for k in fields if k in m} for m in history]
    return messages or [{"role": "user", "content": PAGE.starters[0]}]


def sample_config(config: ProviderConfig) -> tuple[ProviderConfig, str]:
    """The config the samples are written for (key: the placeholder), and a note when it is not ``config``."""
    if config.provider.offline:
        return ProviderConfig(MODELSLAB, MODELSLAB.base_url, KEY_PLACEHOLDER, MODELSLAB.auth), OFFLINE_NOTE
    if config.api_key or config.provider.key_required:
        return config.with_key(KEY_PLACEHOLDER), ""
    return config, ""


def _mark(value: Any, prefix: str = "") -> Any:
    if isinstance(value, str) and value == prefix + KEY_PLACEHOLDER:
        return KeyRef(prefix)
    return value


def spec_from_plan(
    plan: RequestPlan, *, stream: bool, protocol: Protocol, key_env: str, conversation_header: str = ""
) -> Spec:
    """A redacted plan with its key slots turned into ``KeyRef`` markers (and the conversation header named when
    the plan carries it)."""
    plan = plan.redacted()
    headers = {
        k: _mark(_mark(v), "Bearer ") if k.lower() == "authorization" else _mark(v)
        for k, v in plan.headers.items()
    }
    body = {k: _mark(v) if k == "key" else v for k, v in plan.body.items()}
    carried = conversation_header if conversation_header in headers else ""
    return Spec(plan.url, headers, body, stream, protocol, key_env, carried)


def build_samples(state: ChatState) -> Samples:
    """Every sample for this state; none ever contains the configured key."""
    cfg, note = sample_config(state.config)
    # the conversation header as the app sends it (xAI's x-grok-conv-id), its value a placeholder
    conversation = CONVERSATION_PLACEHOLDER if cfg.provider.conversation_header else ""
    sample = state.evolve(config=cfg, history=sample_history(state.history), conversation_id=conversation)
    stream, protocol = state.stream, state.protocol
    key_env = cfg.provider.key_env or "API_KEY"
    header = cfg.provider.conversation_header
    plan = build_plan(sample)
    spec = spec_from_plan(plan, stream=stream, protocol=protocol, key_env=key_env, conversation_header=header)
    sdk_cfg = replace(cfg, auth="bearer") if cfg.auth == "body" else cfg  # the SDKs send the key in a header
    sdk_plan = build_plan(sample.evolve(config=sdk_cfg))
    specs = {name: spec for name in LANGUAGES}
    specs["python_sdk"] = spec_from_plan(
        sdk_plan, stream=stream, protocol=protocol, key_env=key_env, conversation_header=header
    )
    code = {name: _scrub(RENDERERS[name](specs[name]), state.config.api_key) for name in LANGUAGES}
    sdk = "anthropic" if protocol == "anthropic" else "openai"
    labels = {
        "python_requests": "Python (requests)",
        "python_sdk": f"Python ({sdk})",
        "javascript": "JavaScript (fetch)",
        "curl": "cURL",
        "php": "PHP",
    }
    return Samples(
        code, labels, dict(plan.omitted), dict(getattr(plan, "adjusted", {})), cfg.provider.label, plan.url, note
    )


def _scrub(code: str, key: str) -> str:
    """Last line of defence: the configured key never leaves in a sample, wherever it came from."""
    return code.replace(key, KEY_PLACEHOLDER) if key and len(key) >= 4 else code


def claude_code(model: Model, *, base_url: str = MODELSLAB.base_url, key_env: str = "MODELSLAB_API_KEY") -> str:
    """The shell lines that point Claude Code at ModelsLab's Anthropic-compatible API with ``model``."""
    return (
        f'export ANTHROPIC_BASE_URL="{base_url}"\n'
        f'export ANTHROPIC_AUTH_TOKEN="${{{key_env}:-{KEY_PLACEHOLDER}}}"\n'
        f"claude --model {shlex.quote(model.name_for(MODELSLAB.id))}\n"
    )
