"""The autotuner: successive elimination with confidence bounds over settings, under a spend cap.

Every setting first answers a few rows (the same rows for each, in a seeded order); after each round the leader is
the setting with the highest pass rate on the rows all survivors ran, and a setting is dropped when its paired
difference from the leader (per row) has a lower confidence bound above zero, at a level corrected for every
comparison the search can make (Bonferroni over settings × rounds; Even-Dar, Mannor & Mansour 2006). The rows per
round double (successive halving's schedule; Karnin, Koren & Somekh 2013) and go to survivors only. Before a round
its predicted high end must fit what the cap has left (the round shrinks to fit, or the search stops), and every
request still reserves through the same ``Budget`` as a test set, so the cap is never passed.

The recommendation is the cheapest survivor that is not separably worse than the best (95 % paired bound; costs
within ``SAME_COST`` of each other count as equal, then the higher pass rate wins). The frontier is pass rate
(with its interval) against cost per 1,000 requests, and p95 latency.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from statistics import NormalDist
from typing import Protocol

import numpy as np

from playground.experiments.budget import Budget
from playground.money.pricing import ZERO

from . import stats

ALPHA = 0.05
SAME_COST = Decimal("0.10")  # relative: costs within 10 % of each other count as the same
MIN_FIRST = 8


@dataclass(frozen=True, slots=True)
class Observation:
    """One setting on one row: the verdict of each repeat, what it cost and how long each took."""

    arm: int
    row: int
    passes: tuple[bool, ...]
    cost: Decimal
    seconds: tuple[float, ...] = ()


class Evaluator(Protocol):
    """Runs (setting, row) cells; ``high`` is one cell's predicted high end (all repeats and judging)."""

    budget: Budget

    def high(self, arm: int, row: int) -> Decimal: ...

    def run(self, cells: Sequence[tuple[int, int]]) -> list[Observation]: ...


@dataclass
class Arm:
    """What is known about one setting."""

    label: str
    by_row: dict[int, list[bool]] = field(default_factory=dict)
    cost: Decimal = ZERO
    requests: int = 0
    seconds: list[float] = field(default_factory=list)
    dropped: str = ""

    def add(self, obs: Observation) -> None:
        self.by_row[obs.row] = list(obs.passes)
        self.cost += obs.cost
        self.requests += len(obs.passes)
        self.seconds.extend(obs.seconds)

    @property
    def cost_per_1000(self) -> Decimal | None:
        return None if not self.requests else self.cost / self.requests * 1000


@dataclass(frozen=True, slots=True)
class Point:
    """One setting on the frontier chart."""

    arm: int
    label: str
    pass_rate: stats.Interval
    cost_per_1000: Decimal | None
    p95_seconds: float | None
    dropped: str
    on_frontier: bool


@dataclass(frozen=True, slots=True)
class TuneResult:
    arms: tuple[Arm, ...]
    points: tuple[Point, ...]
    recommended: int | None
    best: int | None
    log: tuple[str, ...]
    spent: Decimal
    rows_used: int
    state: str  # "separated" (one left), "rows" (every row used), "cap" (the cap left no room), "stopped"


def _row_means(arm: Arm, rows: Sequence[int]) -> np.ndarray:
    return np.array([sum(arm.by_row[r]) / len(arm.by_row[r]) for r in rows], dtype=float)


def lower_bound(diffs: np.ndarray, z: float) -> float:
    """A lower confidence bound on the mean per-row difference, padded with a +1 and a −1 pseudo-row so that a
    handful of identical rows is never taken as certainty."""
    padded = np.concatenate([diffs, [1.0, -1.0]])
    return float(diffs.mean() - z * padded.std(ddof=1) / math.sqrt(len(diffs))) if len(diffs) else -math.inf


def _cheaper(a: Arm, b: Arm) -> bool:
    """Whether ``a`` costs less per request than ``b`` by more than ``SAME_COST``."""
    ca, cb = a.cost_per_1000, b.cost_per_1000
    if ca is None or cb is None:
        return False
    return ca < cb * (1 - SAME_COST)


class Tuner:
    """Successive elimination over ``labels`` on ``rows`` rows, spending through ``evaluator``."""

    def __init__(
        self, labels: Sequence[str], evaluator: Evaluator, *, rows: int, seed: int = 0, first: int | None = None
    ) -> None:
        self.arms = [Arm(label) for label in labels]
        self.evaluator, self.rows, self.seed = evaluator, rows, seed
        self.order = [int(x) for x in np.random.default_rng(seed).permutation(rows)]
        self.first = max(1, min(rows, first or max(MIN_FIRST, math.ceil(rows * 0.05))))
        rounds = max(1, math.ceil(math.log2(max(1, rows / self.first)))) + 1
        self.z = NormalDist().inv_cdf(1 - ALPHA / (2 * max(1, len(labels) - 1) * rounds))
        self.log: list[str] = []
        self.used = 0

    @property
    def alive(self) -> list[int]:
        return [i for i, a in enumerate(self.arms) if not a.dropped]

    def _fit(self, want: Sequence[int]) -> list[int]:
        """The first rows of ``want`` whose predicted high end, on every survivor, fits what the cap has left."""
        budget = self.evaluator.budget
        if budget.cap is None:
            return list(want)
        room = budget.cap - budget.spent - budget.reserved
        taken = []
        for row in want:
            need = sum((self.evaluator.high(arm, row) for arm in self.alive), ZERO)
            if need > room:
                break
            room -= need
            taken.append(row)
        return taken

    def run(self) -> TuneResult:
        n, state = self.first, "rows"
        while self.used < self.rows:
            rows = self._fit(self.order[self.used : self.used + n])
            if not rows:
                state = "cap"
                self.log.append(f"Stopped after {self.used:,} rows: the cap leaves no room for another round.")
                break
            cells = [(arm, row) for row in rows for arm in self.alive]
            observed = self.evaluator.run(cells)
            for obs in observed:
                self.arms[obs.arm].add(obs)
            if len(observed) < len(cells):
                state = "cap"
                self.log.append(
                    f"Stopped in a round: the cap was reached after {len(observed):,} of {len(cells):,}."
                )
                self.used += len(rows)
                break
            self.used += len(rows)
            self._eliminate()
            if len(self.alive) == 1:
                state = "separated"
                break
            n = self.used
        return self._result(state)

    def common_rows(self, arms: Sequence[int]) -> list[int]:
        rows = [r for r in self.order[: self.used] if all(r in self.arms[a].by_row for a in arms)]
        return rows

    def leader(self, arms: Sequence[int], rows: Sequence[int]) -> int:
        def key(i: int) -> tuple[float, float]:
            per = self.arms[i].cost_per_1000
            return (float(_row_means(self.arms[i], rows).mean()), -float(per) if per is not None else 0.0)

        return max(arms, key=key)

    def _eliminate(self) -> None:
        alive = self.alive
        rows = self.common_rows(alive)
        if not rows:
            return
        lead = self.leader(alive, rows)
        best = _row_means(self.arms[lead], rows)
        for i in alive:
            if i == lead:
                continue
            diffs = best - _row_means(self.arms[i], rows)
            bound = lower_bound(diffs, self.z)
            if bound > 0:
                self.arms[i].dropped = (
                    f"after {len(rows):,} rows {self.arms[lead].label} passes "
                    f"{diffs.mean() * 100:.0f} points more "
                    f"(at least {bound * 100:.0f} with the corrected confidence bound)"
                )
                self.log.append(f"Dropped {self.arms[i].label}: {self.arms[i].dropped}.")

    def recommend(self) -> tuple[int | None, int | None]:
        """(the cheapest setting not separably worse than the best, the best) among the survivors."""
        alive = [i for i in self.alive if self.arms[i].by_row]
        rows = self.common_rows(alive)
        if not alive or not rows:
            return None, None
        best = self.leader(alive, rows)
        top = _row_means(self.arms[best], rows)
        z95 = stats.z_value()
        close = [i for i in alive if lower_bound(top - _row_means(self.arms[i], rows), z95) <= 0]
        choice = close[0]
        for i in close[1:]:
            a, b = self.arms[i], self.arms[choice]
            higher = _row_means(a, rows).mean() > _row_means(b, rows).mean()
            if _cheaper(a, b) or (not _cheaper(b, a) and higher):
                choice = i
        return choice, best

    def _result(self, state: str) -> TuneResult:
        recommended, best = self.recommend()
        points = []
        for i, arm in enumerate(self.arms):
            rate = stats.pass_rate(arm.by_row, seed=self.seed)
            points.append(Point(i, arm.label, rate, arm.cost_per_1000, stats.p95(arm.seconds), arm.dropped, False))
        frontier = {p.arm for p in points if p.pass_rate.rows and not _dominated(p, points)}
        points = [replace(p, on_frontier=p.arm in frontier) for p in points]
        if recommended is not None:
            self.log.append(
                f"Recommended {self.arms[recommended].label}: the cheapest not separably worse than "
                f"{self.arms[best].label if best is not None else 'the best'}."
            )
        return TuneResult(
            tuple(self.arms),
            tuple(points),
            recommended,
            best,
            tuple(self.log),
            self.evaluator.budget.spent,
            self.used,
            state,
        )


def _dominated(p: Point, points: Sequence[Point]) -> bool:
    """Whether another setting passes at least as often for no more money, and is better in one of the two."""
    if p.cost_per_1000 is None:
        return False
    for q in points:
        if q.arm == p.arm or q.cost_per_1000 is None or not q.pass_rate.rows:
            continue
        as_good = q.pass_rate.estimate >= p.pass_rate.estimate and q.cost_per_1000 <= p.cost_per_1000
        better = q.pass_rate.estimate > p.pass_rate.estimate or q.cost_per_1000 < p.cost_per_1000
        if as_good and better:
            return True
    return False
