"""A loopback Chat Completions server for the evaluation tests: a country's capital, right with a known, seeded
probability per setting, and a judge that answers the verdict schema by a stated rule.

Answers: the last user message names a country of ``CAPITALS``; the reply is its capital with probability
``probability(effort, temperature)`` (a seeded generator, one draw per request), else another capital. A request
asking for the ``verdict`` JSON schema is a judge request: it passes when the expected text appears in the answer.
Usage is declared (so costs are known): 20 prompt tokens, 60 answer tokens plus reasoning by effort.
"""

from __future__ import annotations

import json
import random
import re
import threading
from dataclasses import replace

from experiments_util import PROMPT_TOKENS, REASONING
from loopback import LoopbackServer, Recorded, Reply, json_reply, sse, sse_reply

CAPITALS = {
    "France": "Paris",
    "Germany": "Berlin",
    "Italy": "Rome",
    "Spain": "Madrid",
    "Portugal": "Lisbon",
    "Japan": "Tokyo",
    "Canada": "Ottawa",
    "Australia": "Canberra",
    "Brazil": "Brasília",
    "Egypt": "Cairo",
    "Kenya": "Nairobi",
    "India": "New Delhi",
    "Norway": "Oslo",
    "Poland": "Warsaw",
    "Argentina": "Buenos Aires",
    "Mexico": "Mexico City",
    "Turkey": "Ankara",
    "Vietnam": "Hanoi",
    "Peru": "Lima",
    "New Zealand": "Wellington",
}
ANSWER_TOKENS = 60
JUDGE_TOKENS = 30
_JUDGED = re.compile(r"Expected answer \(may be empty\):\n(.*?)\n\nAnswer to grade:\n(.*?)\n\nReply", re.DOTALL)


def probability(effort: str | None, temperature: float) -> float:
    """The chance of a right answer: 0.95 at effort high, 0.75 at low, 0.6 unset; temperature above 1 halves it."""
    p = {"high": 0.95, "low": 0.75}.get(effort or "", 0.6)
    return p / 2 if temperature > 1 else p


def always(_effort: str | None, _temperature: float) -> float:
    return 1.0


def never(_effort: str | None, _temperature: float) -> float:
    return 0.0


class CapitalsServer(LoopbackServer):
    """The server; ``answers`` and ``judged`` count what it sent; ``delay`` paces every reply (seconds)."""

    def __init__(self, *, seed: int = 0, rule=probability, delay: float = 0.0) -> None:  # noqa: ANN001 - a rule
        self.rng, self.rule, self.lock, self.delay = random.Random(seed), rule, threading.Lock(), delay
        self.answers = self.judged = 0
        super().__init__(self.handle)

    def handle(self, req: Recorded) -> Reply:
        return replace(self._answer(req), delay=self.delay)

    def _answer(self, req: Recorded) -> Reply:
        body = req.json()
        text = [m for m in body["messages"] if m["role"] == "user"][-1]["content"]
        fmt = body.get("response_format") or {}
        if fmt.get("type") == "json_schema" and fmt["json_schema"]["name"] == "verdict":
            return self._judge(text)
        effort = body.get("reasoning_effort")
        country = next((c for c in CAPITALS if c in text), None)
        with self.lock:
            self.answers += 1
            right = self.rng.random() < self.rule(effort, float(body.get("temperature", 1.0)))
            wrong = self.rng.choice([c for k, c in CAPITALS.items() if k != country])
        answer = CAPITALS.get(country or "", "I do not know") if right else wrong
        return _reply(answer, ANSWER_TOKENS, REASONING.get(effort, 0))

    def _judge(self, text: str) -> Reply:
        with self.lock:
            self.judged += 1
        found = _JUDGED.search(text)
        expected, output = (found.group(1), found.group(2)) if found else ("", "")
        ok = bool(expected.strip()) and expected.strip().lower() in output.lower()
        verdict = {"pass": ok, "score": 1.0 if ok else 0.0, "reason": "names the capital" if ok else "wrong city"}
        return _reply(json.dumps(verdict), JUDGE_TOKENS, REASONING["low"])


def _reply(text: str, tokens: int, reasoning: int) -> Reply:
    usage = {
        "prompt_tokens": PROMPT_TOKENS,
        "completion_tokens": tokens + reasoning,
        "total_tokens": PROMPT_TOKENS + tokens + reasoning,
        "completion_tokens_details": {"reasoning_tokens": reasoning},
    }
    events = [
        {"model": "grok-3-mini", "choices": [{"index": 0, "delta": {"content": text}}]},
        {"model": "grok-3-mini", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
        {"model": "grok-3-mini", "choices": [], "usage": usage},
    ]
    return sse_reply(sse(*events))


class Storm(CapitalsServer):
    """Answers 429 with ``Retry-After: 1`` to the first ``refusals`` requests, then as ``CapitalsServer``."""

    def __init__(self, refusals: int) -> None:
        self.refusals, self.refused = refusals, 0
        super().__init__()

    def handle(self, req: Recorded) -> Reply:
        with self.lock:
            if self.refused < self.refusals:
                self.refused += 1
                return json_reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "1"})
        return super().handle(req)
