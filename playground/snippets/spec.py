"""One request as the code samples see it (``Spec``, with ``KeyRef`` key slots), and values as code literals."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from playground.facts.providers import Protocol


@dataclass(frozen=True, slots=True)
class KeyRef:
    """Where the key goes: rendered as ``prefix`` plus a variable read from the environment."""

    prefix: str = ""


CONVERSATION_PLACEHOLDER = "<your-conversation-id>"  # what a sample sends in the conversation header


@dataclass(frozen=True, slots=True)
class Spec:
    """One request as the samples render it: the key slots are ``KeyRef`` markers; ``conversation_header`` names
    the header that carries the conversation id (xAI's ``x-grok-conv-id``), "" when the request has none."""

    url: str
    headers: dict[str, Any]
    body: dict[str, Any]
    stream: bool
    protocol: Protocol
    key_env: str
    conversation_header: str = ""

    def header_note(self) -> str:
        """The one-line comment on the conversation header (without the comment marker), or ""."""
        if not self.conversation_header:
            return ""
        return (
            f"{self.conversation_header}: one stable id per conversation, so xAI routes its turns to the server "
            "caching its prompt"
        )


def literal(value: Any, lang: str, level: int = 0) -> str:
    """``value`` as a Python, JavaScript or PHP literal, indented from ``level``."""
    if isinstance(value, KeyRef):
        var = "$apiKey" if lang == "php" else "API_KEY"
        return f"{literal(value.prefix, lang)} {'.' if lang == 'php' else '+'} {var}" if value.prefix else var
    if isinstance(value, bool):
        return ("True" if value else "False") if lang == "python" else ("true" if value else "false")
    if value is None:
        return "None" if lang == "python" else "null"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        if lang == "php":
            return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return json.dumps(value, ensure_ascii=False)
    unit = "  " if lang == "js" else "    "
    inner, outer = unit * (level + 1), unit * level
    if isinstance(value, Mapping):
        if not value:
            return "new stdClass()" if lang == "php" else "{}"
        sep = " => " if lang == "php" else ": "
        items = [f"{inner}{literal(str(k), lang)}{sep}{literal(v, lang, level + 1)}" for k, v in value.items()]
        opening, closing = ("[", "]") if lang == "php" else ("{", "}")
    else:
        if not value:
            return "[]"
        items = [f"{inner}{literal(v, lang, level + 1)}" for v in value]
        opening, closing = "[", "]"
    return opening + "\n" + ",\n".join(items) + ",\n" + outer + closing


def uses_key(spec: Spec) -> bool:
    """Whether the request carries the key (a ``KeyRef``) in a header or the body."""
    return any(isinstance(v, KeyRef) for v in (*spec.headers.values(), *spec.body.values()))


def comment(spec: Spec, marker: str, indent: str = "") -> str:
    """The conversation header's one-line comment (``marker`` starts it), or "" when the request has none."""
    note = spec.header_note()
    return f"{indent}{marker} {note}\n" if note else ""
