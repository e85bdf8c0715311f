"""Conversations with every kind of field set, for the store tests and benchmark."""

from __future__ import annotations

from decimal import Decimal

from playground.chat.conversation import Conversation, Reply, Timings
from playground.chat.events import Usage
from playground.facts.catalog import get_model
from playground.money.pricing import cost

MODEL = get_model("x-ai-grok-3-mini-beta")


def reply(*, prompt: int = 120, completion: int = 40, reasoning: int = 25, error: str | None = None) -> Reply:
    """A reply record as the generation code builds it (real catalogue price, Decimal cost)."""
    usage = Usage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        reasoning_tokens=reasoning,
        cached_tokens=16,
        reasoning_included=False,
        raw={"prompt_tokens": prompt, "completion_tokens": completion},
    )
    return Reply(
        model_id=MODEL.id,
        provider_id="modelslab",
        params={"temperature": 0.7, "max_tokens": 1000, "top_p": 0.9, "stop": ["END"], "system": "Be brief."},
        reasoning="Let me think about 12 × 7…",
        usage=usage,
        cost=cost(usage, MODEL.price),
        timings=Timings(0.21, 0.5, 1.75, 0.29, 31.4),
        finish_reason="error" if error else "stop",
        status="error" if error else "complete",
        error=error,
    )


def conversation(turns: int = 2, *, text: str = "What is 12 times 7?") -> Conversation:
    """``turns`` user/assistant pairs, the last reply with an error record."""
    conv = Conversation()
    for i in range(turns):
        conv.add_user(f"{text} (turn {i})")
        last = i == turns - 1
        conv.add_assistant(f"It is 84. ✓ turn {i}", reply(error="Stream broke. Retry." if last else None))
    return conv


def total(conv: Conversation) -> Decimal:
    return sum((r.cost.total for r in conv.replies if r.cost is not None), Decimal(0))
