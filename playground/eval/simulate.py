"""A labelled simulation for trying the tuner without a key: answers built from each row's expected value.

Only an experiment that opts in (``"simulate": {"seed": …}``) and only on the offline engine: the engine is still
asked (so requests, tokens, cost and latency are real), but the answer graded is built from the row's expected
value, right with a seeded probability that depends on the settings (``RULE``). It is never Grok, and says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from playground.facts.params import GenerationParams

BASE = {"high": 0.93, "low": 0.92, None: 0.80}
TEMPERATURE_PENALTY = 0.08  # per temperature², so 0.7 costs 4 points and 1.4 costs 16
TOP_P_PENALTY = 0.05  # per unit below 1
SHORT_MAX_TOKENS = 64  # below this many tokens the answer is cut: half as likely to be right
LABEL = "Simulated answers (offline engine, not a model)"
RULE = (
    "Simulated, not a model: each answer is the row's expected value with probability p, else another row's. "
    "p = 0.93 at reasoning effort high, 0.92 at low, 0.80 unset; minus 0.08 × temperature²; minus 0.05 × "
    "(1 − top_p); halved when max tokens is under 64; the system message does not change it. The draw is "
    "u = hash(seed, row, repeat), the same for every setting (a question is as hard for each), right when u < p."
)


@dataclass(frozen=True, slots=True)
class Simulation:
    """The opt-in: its seed, and the column holding each row's expected value."""

    seed: int
    expected: str


def probability(params: GenerationParams) -> float:
    """The chance a simulated answer is right under ``params`` (``RULE``)."""
    p = BASE.get(params.reasoning_effort, BASE[None])
    p -= TEMPERATURE_PENALTY * params.temperature**2
    p -= TOP_P_PENALTY * (1 - params.top_p)
    if params.max_tokens < SHORT_MAX_TOKENS:
        p /= 2
    return min(1.0, max(0.0, p))


def draw(seed: int, row: int, repeat: int) -> float:
    """A uniform number in [0, 1) from the seed, row and repeat (the same for every setting)."""
    digest = hashlib.sha256(f"{seed}:{row}:{repeat}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def answer(
    sim: Simulation, params: GenerationParams, *, row: int, repeat: int, rows: Sequence[Mapping[str, str]]
) -> str:
    """The simulated answer for ``row`` (index into ``rows``) at this repeat."""
    right = str(rows[row].get(sim.expected, ""))
    if draw(sim.seed, row, repeat) < probability(params):
        return right
    others = [str(r.get(sim.expected, "")) for r in rows if str(r.get(sim.expected, "")) != right]
    if not others:
        return "I do not know."
    return others[int(draw(sim.seed + 1, row, repeat) * len(others))]
