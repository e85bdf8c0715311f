"""Whom the offline engine answers for: the provider chosen in the sidebar while it has no key (its request is
described, its key variable named), or the engine itself, chosen as the provider (no key field on screen)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from playground.facts.providers import PROVIDERS, Provider, allowed_provider_ids
from playground.wire.request import OMITTED_HEADER, STAND_IN_HEADER

MAX_OMITTED = 40  # parameters listed at most (the header is the app's own; a loopback client may send anything)
REASON_LIMIT = 160
_NAME = re.compile(r"[A-Za-z0-9_]{1,64}")


@dataclass(frozen=True, slots=True)
class StandIn:
    """The provider the engine stands in for (None: the engine itself was chosen) and what its request leaves
    out, each parameter with its reason."""

    provider: Provider | None
    omitted: dict[str, str] = field(default_factory=dict)


def _omitted(raw: str) -> dict[str, str]:
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    pairs = [(k, v) for k, v in data.items() if isinstance(k, str) and _NAME.fullmatch(k) and isinstance(v, str)]
    return dict(pairs[:MAX_OMITTED])


def stand_in_from(headers: Mapping[str, str]) -> StandIn | None:
    """The stand-in the request's headers name, or None when they name none (a client other than the app)."""
    chosen = headers.get(STAND_IN_HEADER)
    if chosen is None:
        return None
    provider = PROVIDERS.get(chosen.strip().lower())
    target = provider if provider is not None and not provider.offline else None
    return StandIn(target, _omitted(headers.get(OMITTED_HEADER, "")))


def _reason(text: str) -> str:
    kept = "".join(c if c.isalnum() or c in " .,()'-:;" else " " for c in text)
    phrase = " ".join(kept.split())
    return phrase if len(phrase) <= REASON_LIMIT else phrase[: REASON_LIMIT - 3].rstrip() + "..."


def _left_out(omitted: Mapping[str, str], label: str) -> str:
    """ "Left out for xAI: `frequency_penalty`, `presence_penalty`: reason." grouped by reason."""
    if not omitted:
        return f"Nothing is left out for {label}."
    by_reason: dict[str, list[str]] = {}
    for name, reason in sorted(omitted.items()):
        by_reason.setdefault(_reason(reason), []).append(f"`{name}`")
    parts = [", ".join(names) + (f": {reason}" if reason else "") for reason, names in by_reason.items()]
    return f"Left out for {label}: " + "; ".join(parts) + "."


def describe_request(request_json: str, stand_in: StandIn | None) -> str:
    """The request section: the provider's URL and the fields it would get, and what it leaves out."""
    from playground.offline.text import fence  # text imports this module

    target = stand_in.provider if stand_in is not None else None
    if target is None:
        head = "#### The request\n\nEvery field except the messages (any API key is removed):"
        left = f"\n\n{_left_out(stand_in.omitted, 'this model')}" if stand_in and stand_in.omitted else ""
        return f"{head}\n\n{fence(request_json, 'json')}{left}"
    return (
        f"#### The request {target.label} would get\n\n`POST {target.base_url}/chat/completions` with your key "
        "(never shown here) and every field except the messages:\n\n"
        + fence(request_json, "json")
        + "\n\n"
        + _left_out(stand_in.omitted if stand_in else {}, target.label)
    )


def connect_hint(target: Provider | None) -> str:
    """How to reach a real provider, in the words of what is on screen: the sidebar shows an API key field for a
    chosen provider, none while the offline engine itself is chosen."""
    if target is not None and target.key_env:
        label = target.label
        return (
            f"#### Connect {label}\n\n{label} is chosen in the sidebar but has no key, so the offline engine "
            f"answered instead. Type your {label} key in the **API key** field of the Playground's sidebar (kept "
            f"for this browser session only), or set `{target.key_env}` where the app runs, then send again."
        )
    offered = allowed_provider_ids(os.environ)  # the app's own process: the operator's setting
    keyed = [PROVIDERS[p] for p in offered if PROVIDERS[p].key_required and PROVIDERS[p].key_env]
    if not keyed:
        return (
            "#### Connect a real provider\n\nThis deployment offers only the offline engine: whoever runs it can "
            "allow a provider and set its key."
        )
    names = " or ".join(
        [", ".join(p.label for p in keyed[:-1]), keyed[-1].label] if len(keyed) > 1 else [keyed[0].label]
    )
    variables = ", ".join(f"`{p.key_env}`" for p in keyed)
    return (
        "#### Connect a real provider\n\nThe offline engine is the provider chosen in the sidebar. Choose "
        f"{names} in the sidebar's **Provider** list: an **API key** field appears under it for your key. Or set "
        f"the provider's key variable where the app runs ({variables}), then send the message again."
    )
