"""The offline engine's words: the reasoning and the Markdown answer that describe a request, as stream pieces."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from playground.offline.stand_in import StandIn, connect_hint, describe_request

ANSWER_TOKENS_HOOK = "offline_answer_tokens"  # testing hook: answer with exactly N filler words
QUOTE_LIMIT = 200
TOPIC_LIMIT = 60
FILLER = ("the", "offline", "engine", "streams", "this", "word", "for", "a", "quick", "benchmark")
_PIECE = re.compile(r"\s*\S+|\s+")


def message_text(content: Any) -> str:
    """A message's text: the string itself, or the text parts of a content list joined."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text", "") for p in content if isinstance(p, dict)]
        return "".join(p for p in parts if isinstance(p, str))
    return ""


def plain_messages(body: Mapping[str, Any]) -> list[dict[str, str]]:
    """The body's messages as role/content text pairs."""
    return [{"role": m["role"], "content": message_text(m.get("content"))} for m in body["messages"]]


def pieces(text: str) -> list[str]:
    """``text`` cut into word-sized stream pieces (each word with the whitespace before it)."""
    return _PIECE.findall(text)


def fence(text: str, info: str = "") -> str:
    """``text`` in a fenced code block whose fence is longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    mark = "`" * max(3, longest + 1)
    return f"{mark}{info}\n{text}\n{mark}"


_KEPT = " .,?!'-:;"  # plain punctuation a phrase keeps, beside letters and digits
# ASCII text maps through this table (str.translate, at C speed): each character itself or a space
_ASCII_INERT = "".join(c if c.isalnum() or c in _KEPT else " " for c in map(chr, range(128)))


def _safe_phrase(text: str, limit: int) -> str:
    """A short, Markdown-inert rendering of user text for running prose (letters, digits, plain punctuation)."""
    if text.isascii():
        kept = text.translate(_ASCII_INERT)
    else:
        kept = "".join(c if c.isalnum() or c in _KEPT else " " for c in text)
    phrase = " ".join(kept.split())
    return phrase if len(phrase) <= limit else phrase[: limit - 3].rstrip() + "..."


def _last_user(messages: list[dict[str, str]]) -> str | None:
    users = [m["content"] for m in messages if m["role"] == "user"]
    return users[-1] if users else None


def _parameters(body: Mapping[str, Any]) -> dict[str, Any]:
    """Every field the request carries except the messages and the testing hook (keys are already gone)."""
    return {k: v for k, v in body.items() if k not in ("messages", ANSWER_TOKENS_HOOK)}


def build_reasoning(body: Mapping[str, Any]) -> str:
    """The short reasoning phase: what was asked and what the engine will do instead."""
    messages = plain_messages(body)
    last = _last_user(messages)
    topic = f'the user asked about "{_safe_phrase(last, TOPIC_LIMIT)}"' if last else "there is no user message"
    model = _safe_phrase(str(body.get("model") or body.get("model_id") or "no model"), TOPIC_LIMIT)
    text = (
        f"In this request {topic}. I am the offline engine, so I will describe the request instead of "
        f"answering. It names the model {model} and carries {len(messages)} messages and "
        f"{len(_parameters(body))} other fields. I will list them, quote the last user message, and explain "
        "how to connect a real provider."
    )
    effort = body.get("reasoning")
    if body.get("reasoning_effort") == "high" or (isinstance(effort, dict) and effort.get("effort") == "high"):
        text += " Reasoning effort is high, so I also check that no API key is repeated in the reply."
    return text


def build_answer(body: Mapping[str, Any], stand_in: StandIn | None = None) -> str:
    """The Markdown answer: who is replying, the request it would have sent (to the provider it stands in for,
    when it knows which), and how to connect a provider."""
    hook = body.get(ANSWER_TOKENS_HOOK)
    if hook is not None:
        return " ".join(FILLER[i % len(FILLER)] for i in range(hook))
    messages = plain_messages(body)
    roles: dict[str, int] = {}
    for m in messages:
        roles[m["role"]] = roles.get(m["role"], 0) + 1
    role_list = ", ".join(f"{n} {_safe_phrase(role, 20) or 'unnamed'}" for role, n in roles.items())
    last = _last_user(messages)
    if last is None:
        quoted = "There is no user message."
    else:
        cut = last if len(last) <= QUOTE_LIMIT else last[:QUOTE_LIMIT] + "…"
        quoted = "The last user message" + (f" (first {QUOTE_LIMIT} characters)" if cut != last else "")
        quoted += ":\n\n" + fence(cut, "text")
    request = json.dumps(_parameters(body), indent=2, ensure_ascii=False, sort_keys=True)
    target = stand_in.provider if stand_in is not None else None
    return "\n\n".join(
        [
            "**This is the offline engine, not Grok.** No request left this machine: there is no network call "
            "and no API key. This reply does not come from any model; it describes the request the playground "
            + (f"would have sent to {target.label}." if target else "would have sent."),
            describe_request(request, stand_in),
            f"#### The messages\n\n{len(messages)} in all: {role_list}. {quoted}",
            connect_hint(target),
        ]
    )
