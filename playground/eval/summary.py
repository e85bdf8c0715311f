"""A run's attempts summed per variant (pass rate with interval, flip rate, cost, p95 latency) and compared."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from playground.money.pricing import ZERO, format_usd

from . import stats
from .costs import Forecast
from .runner import Attempt


@dataclass(frozen=True, slots=True)
class VariantSummary:
    """One variant's results."""

    label: str
    attempts: int
    errors: int
    by_row: dict[int, list[bool]]
    pass_rate: stats.Interval
    flip_rate: float | None
    answer_cost: Decimal
    judge_cost: Decimal
    p95_seconds: float | None

    @property
    def cost(self) -> Decimal:
        return self.answer_cost + self.judge_cost

    @property
    def cost_per_1000(self) -> Decimal | None:
        """Answers and judging per 1,000 requests."""
        return None if not self.attempts else self.cost / self.attempts * 1000


@dataclass(frozen=True, slots=True)
class Difference:
    """Variant B against variant A, paired by row, and the sentence that says it."""

    a: str
    b: str
    comparison: stats.Comparison
    more_rows: int
    more_cost: Decimal | None
    sentence: str


def by_row(attempts: Sequence[Attempt], variant: int) -> dict[int, list[bool]]:
    """Each row's verdicts (one per repeat that ran; an error counts as a fail)."""
    out: dict[int, list[bool]] = {}
    for a in sorted(attempts, key=lambda x: (x.row, x.repeat)):
        if a.variant == variant:
            out.setdefault(a.row, []).append(a.passed)
    return out


def summarize(attempts: Sequence[Attempt], labels: Sequence[str], *, seed: int = 0) -> list[VariantSummary]:
    """Per variant, in the order of ``labels``."""
    out = []
    for index, label in enumerate(labels):
        mine = [a for a in attempts if a.variant == index]
        rows = by_row(attempts, index)
        seconds = [a.seconds for a in mine if a.seconds is not None]
        out.append(
            VariantSummary(
                label=label,
                attempts=len(mine),
                errors=sum(1 for a in mine if a.error),
                by_row=rows,
                pass_rate=stats.pass_rate(rows, seed=seed),
                flip_rate=stats.flip_rate(rows),
                answer_cost=sum((a.cost for a in mine if a.cost is not None), ZERO),
                judge_cost=sum((a.judge_cost for a in mine), ZERO),
                p95_seconds=stats.p95(seconds),
            )
        )
    return out


def cost_per_row(summaries: Sequence[VariantSummary], forecast: Forecast | None, repeats: int) -> Decimal | None:
    """What one more row costs on these variants at ``repeats``: the run's own mean per attempt (today's prices),
    else the forecast's midpoint per request."""
    attempts = sum(s.attempts for s in summaries)
    if attempts:
        return sum((s.cost for s in summaries), ZERO) / attempts * repeats * len(summaries)
    if forecast is not None and forecast.answers.requests:
        mid = (forecast.low + forecast.high) / 2 / forecast.answers.requests
        return mid * repeats * len(summaries)
    return None


def compare(
    a: VariantSummary, b: VariantSummary, *, repeats: int, forecast: Forecast | None = None, seed: int = 0
) -> Difference:
    """B against A, paired by row; a difference not separable yet is priced by the rows a paired test needs."""
    comparison = stats.paired(a.by_row, b.by_row, seed=seed)
    diffs = stats.differences(a.by_row, b.by_row)
    more = max(1, stats.rows_needed(diffs) - len(diffs)) if not comparison.separable else 0
    per_row = cost_per_row([a, b], forecast, repeats)
    price = None if per_row is None or not more else (per_row * more)
    sentence = stats.difference_sentence(
        a.label, b.label, comparison, more_rows=more, more_cost=format_usd(price) if price is not None else None
    )
    return Difference(a.label, b.label, comparison, more, price, sentence)


def compare_all(
    summaries: Sequence[VariantSummary], *, repeats: int, forecast: Forecast | None = None, seed: int = 0
) -> list[Difference]:
    """Every variant against the first."""
    return [compare(summaries[0], s, repeats=repeats, forecast=forecast, seed=seed) for s in summaries[1:]]


def grouped_answers(attempts: Sequence[Attempt], *, row: int, variant: int) -> list[tuple[str, int]]:
    """One row's identical answers for one variant, with counts."""
    return stats.group_answers([a.output for a in attempts if a.row == row and a.variant == variant])


def percent(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value * 100:.0f} %"


def by_label(summaries: Sequence[VariantSummary]) -> Mapping[str, VariantSummary]:
    return {s.label: s for s in summaries}
