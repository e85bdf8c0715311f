"""Simulated settings for the tuner and statistics checks: known pass probabilities, known costs, a real cap.

A setting is right on (row, repeat) when a seeded uniform draw u(seed, row, repeat), the same for every setting
(a question is as hard for each), is below its probability: the same rule as ``playground.eval.simulate`` and the
loopback server in the end-to-end tests. Each request reserves its high end through the real ``Budget`` and
settles at a seeded actual cost between half of it and all of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from playground.eval.tuner import Observation
from playground.experiments.budget import Budget

PRICE_IN, PRICE_OUT = Decimal("0.30"), Decimal("0.50")  # grok-3-mini, USD per 1M tokens
REASONING = {"low": 100, "high": 1340}


@dataclass(frozen=True, slots=True)
class Setting:
    label: str
    p: float
    high: Decimal  # one request's predicted high end


def request_cost(effort: str, answer: int = 60, prompt: int = 20) -> Decimal:
    return (prompt * PRICE_IN + (answer + REASONING[effort]) * PRICE_OUT) / Decimal(1_000_000)


def grid() -> list[Setting]:
    """Effort × temperature × top_p, probabilities by ``playground.eval.simulate``'s rule."""
    out = []
    for effort, base in (("low", 0.92), ("high", 0.93)):
        for temperature in (0.0, 0.7, 1.4):
            for top_p in (1.0, 0.5):
                p = base - 0.08 * temperature**2 - 0.05 * (1 - top_p)
                label = f"effort {effort}, temperature {temperature:g}, top_p {top_p:g}"
                out.append(Setting(label, p, request_cost(effort) * Decimal("1.25")))
    return out


class SimEvaluator:
    """Answers cells by the seeded rule; every request reserves and settles through ``budget``."""

    def __init__(self, settings: Sequence[Setting], *, seed: int, repeats: int = 1, cap: Decimal | None) -> None:
        self.settings, self.repeats = list(settings), repeats
        self.budget = Budget(cap)
        self.rng = np.random.default_rng(seed)
        self.u = np.random.default_rng(seed + 10_000)
        self._draws: dict[tuple[int, int], float] = {}
        self.requests = 0

    def draw(self, row: int, repeat: int) -> float:
        key = (row, repeat)
        if key not in self._draws:
            self._draws[key] = float(self.u.random())
        return self._draws[key]

    def high(self, arm: int, row: int) -> Decimal:
        return self.settings[arm].high * self.repeats

    def run(self, cells: Sequence[tuple[int, int]]) -> list[Observation]:
        out = []
        for arm, row in cells:
            setting = self.settings[arm]
            passes, cost = [], Decimal(0)
            for k in range(self.repeats):
                if not self.budget.reserve(setting.high):
                    return out
                actual = setting.high * Decimal(str(round(0.5 + 0.5 * float(self.rng.random()), 6)))
                self.budget.settle(setting.high, actual)
                self.requests += 1
                cost += actual
                passes.append(self.draw(row, k) < setting.p)
            out.append(Observation(arm, row, tuple(passes), cost, (1.0,) * self.repeats))
        return out


def full_grid_cost(settings: Sequence[Setting], rows: int, repeats: int = 1) -> Decimal:
    """What running every setting on every row would be expected to cost (mean actual = 3/4 of the high end)."""
    return sum((s.high for s in settings), Decimal(0)) * rows * repeats * Decimal("0.75")
