"""A loopback Chat Completions server with known usage, and variants pointed at it, for the experiments tests."""

from __future__ import annotations

from decimal import Decimal

from loopback import LoopbackServer, Recorded, Reply, json_reply, sse, sse_reply

from playground.experiments.variant import Variant
from playground.facts.catalog import GROK_3_MINI
from playground.facts.params import GenerationParams
from playground.facts.providers import CUSTOM, ProviderConfig

PROMPT_TOKENS = 20
ANSWER_TOKENS = 60
REASONING = {"low": 100, "high": 1340, None: 0}
PRICE_IN, PRICE_OUT = Decimal("0.30"), Decimal("0.50")


def known_cost(reasoning: int, prompt: int = PROMPT_TOKENS, answer: int = ANSWER_TOKENS) -> Decimal:
    """What the grok-3-mini price makes of the server's usage, computed by hand."""
    return (prompt * PRICE_IN + (answer + reasoning) * PRICE_OUT) / Decimal(1_000_000)


def last_user(req: Recorded) -> str:
    return [m for m in req.json()["messages"] if m["role"] == "user"][-1]["content"]


def known_usage_handler(*, delay: float = 0.0, pieces: int = 3, fail_at: float | None = None):
    """Answers "echo: <last user message>" in ``pieces`` chunks, reasoning by effort, usage as declared.

    A request with temperature ``fail_at`` gets a 400 naming that parameter.
    """

    def handle(req: Recorded) -> Reply:
        body = req.json()
        if fail_at is not None and body.get("temperature") == fail_at:
            return json_reply(400, {"error": {"message": "temperature refused", "param": "temperature"}})
        effort = body.get("reasoning_effort")
        reasoning = REASONING[effort]
        text = f"echo: {last_user(req)}"
        step = max(1, len(text) // pieces)
        parts = [text[i : i + step] for i in range(0, len(text), step)]
        events: list[object] = [{"choices": [{"index": 0, "delta": {"reasoning_content": "hmm "}}]}] * (
            1 if reasoning else 0
        )
        events += [{"choices": [{"index": 0, "delta": {"content": p}}]} for p in parts]
        events.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        usage = {
            "prompt_tokens": PROMPT_TOKENS,
            "completion_tokens": ANSWER_TOKENS + reasoning,
            "total_tokens": PROMPT_TOKENS + ANSWER_TOKENS + reasoning,
            "completion_tokens_details": {"reasoning_tokens": reasoning},
        }
        events.append({"choices": [], "usage": usage})
        return sse_reply(sse(*events), delay=delay)

    return handle


def variant(server: LoopbackServer, label: str = "A", **params: object) -> Variant:
    """A grok-3-mini variant on the custom provider at ``server``."""
    config = ProviderConfig(CUSTOM, f"{server.url}/v1", api_key="sk-test-secret", auth="bearer")
    return Variant(label, config, GROK_3_MINI, GenerationParams(**params))
