"""Pass rates you can trust: rows as the unit, seeded bootstrap intervals, flip rates and paired differences.

Repeats of one row are not independent draws (a hard row stays hard), so every interval treats the *row* as the
unit: each row's verdicts become its mean, and the interval is a percentile bootstrap over rows (Efron &
Tibshirani 1993, ch. 13; a cluster bootstrap, Davison & Hinkley 1997, §3.8), seeded so a result is reproducible.
The percentile interval is a little narrow with few rows (its variance is (n−1)/n of the plug-in one, and it uses
z where t belongs), so its half-widths are scaled by t₀.₉₇₅,ₙ₋₁/z₀.₉₇₅ · √(n/(n−1)). With every row the same
(all passed, say) a bootstrap has nothing to resample, so the Wilson score interval over rows is used instead.
Two variants are compared row by row (paired differences, the same bootstrap), and a difference that is not
separable yet gets the rows a paired test would need: n = (z_{α/2} + z_β)² σ_d² / δ² (Lachin 1981).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

LEVEL = 0.95
RESAMPLES = 2_000
POWER = 0.8
SMALLEST_DIFFERENCE = 0.05  # when two variants look the same, the power calculation asks about 5 points
_Z = NormalDist()


@dataclass(frozen=True, slots=True)
class Interval:
    """An estimate and its interval (proportions or differences of proportions, 0–1 scale)."""

    estimate: float
    low: float
    high: float
    rows: int

    @property
    def half_width(self) -> float:
        return max(self.high - self.estimate, self.estimate - self.low)

    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0

    def points(self) -> str:
        """'62 % (51–72 %)' style text."""
        return f"{self.estimate * 100:.0f} % ({self.low * 100:.0f}–{self.high * 100:.0f} %)"


def z_value(level: float = LEVEL) -> float:
    """The two-sided normal quantile for ``level`` (1.96 at 95 %)."""
    return _Z.inv_cdf(0.5 + level / 2)


def t_value(level: float, df: int) -> float:
    """Student's t quantile (two-sided ``level``) by the Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5)."""
    z = z_value(level)
    if df <= 0:
        return math.inf
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    return z + g1 / df + g2 / df**2 + g3 / df**3


def row_means(by_row: Mapping[int, Sequence[bool]]) -> np.ndarray:
    """Each row's share of passing repeats (rows with no verdict left out)."""
    return np.array([sum(v) / len(v) for v in by_row.values() if v], dtype=float)


def wilson(successes: float, n: int, level: float = LEVEL) -> tuple[float, float]:
    """The Wilson score interval for a proportion (Wilson 1927)."""
    if n == 0:
        return 0.0, 1.0
    z, p = z_value(level), successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def bootstrap_mean(
    values: np.ndarray,
    *,
    seed: int,
    level: float = LEVEL,
    resamples: int = RESAMPLES,
    bounded: bool = True,
    clip: bool = True,
) -> Interval:
    """The mean of ``values`` (one per row) with a seeded, small-sample-corrected percentile bootstrap interval."""
    n = len(values)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    mean = float(values.mean())
    if n == 1 or float(values.min()) == float(values.max()):
        if bounded and mean in (0.0, 1.0):
            low, high = wilson(mean * n, n, level)
            return Interval(mean, low, high, n)
        return Interval(mean, mean, mean, n)
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, n, size=(resamples, n))].mean(axis=1)
    alpha = (1 - level) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha])
    scale = t_value(level, n - 1) / z_value(level) * math.sqrt(n / (n - 1))
    low, high = mean - (mean - float(low)) * scale, mean + (float(high) - mean) * scale
    if bounded:
        low, high = max(0.0, low), min(1.0, high)
    elif clip:  # a difference of proportions
        low, high = max(-1.0, low), min(1.0, high)
    return Interval(mean, low, high, n)


def pass_rate(by_row: Mapping[int, Sequence[bool]], *, seed: int = 0, level: float = LEVEL) -> Interval:
    """The share of passing verdicts, rows weighted equally, with a bootstrap interval over rows."""
    return bootstrap_mean(row_means(by_row), seed=seed, level=level)


def flip_rate(by_row: Mapping[int, Sequence[bool]]) -> float | None:
    """The share of rows (run at least twice) whose verdict changed between repeats; None with no such row."""
    repeated = [v for v in by_row.values() if len(v) >= 2]
    if not repeated:
        return None
    return sum(1 for v in repeated if len(set(v)) > 1) / len(repeated)


def differences(a: Mapping[int, Sequence[bool]], b: Mapping[int, Sequence[bool]]) -> np.ndarray:
    """Per row run on both: B's pass share minus A's."""
    common = [r for r in a if r in b and a[r] and b[r]]
    return np.array([sum(b[r]) / len(b[r]) - sum(a[r]) / len(a[r]) for r in common], dtype=float)


@dataclass(frozen=True, slots=True)
class Comparison:
    """B minus A paired by row: the difference with its interval, and the sign-flip test's p-value."""

    diff: Interval
    p_value: float
    level: float = LEVEL

    @property
    def separable(self) -> bool:
        return self.p_value < 1 - self.level


def sign_flip_p(diffs: np.ndarray, *, seed: int, resamples: int = RESAMPLES) -> float:
    """The two-sided p-value of a paired sign-flip (randomisation) test of "no difference" (Fisher 1935).

    Under "A and B are the same setting" the two verdicts of a row are exchangeable, so flipping each row's sign
    at random gives the null distribution exactly: an A/A comparison is called different at most α of the time.
    """
    n = len(diffs)
    observed = abs(float(diffs.mean())) if n else 0.0
    if n == 0 or observed == 0:
        return 1.0
    rng = np.random.default_rng(seed + 1)
    signs = rng.choice(np.array([-1.0, 1.0]), size=(resamples, n))
    flipped = np.abs((signs * diffs).mean(axis=1))
    return float((1 + np.count_nonzero(flipped >= observed - 1e-12)) / (1 + resamples))


def paired(
    a: Mapping[int, Sequence[bool]], b: Mapping[int, Sequence[bool]], *, seed: int = 0, level: float = LEVEL
) -> Comparison:
    """B minus A, paired by row: a bootstrap interval over the rows both ran, and a sign-flip test."""
    diffs = differences(a, b)
    interval = bootstrap_mean(diffs, seed=seed, level=level, bounded=False)
    return Comparison(interval, sign_flip_p(diffs, seed=seed), level)


def rows_needed(diffs: np.ndarray, *, level: float = LEVEL, power: float = POWER) -> int:
    """Rows a paired comparison needs to separate the observed difference (at least ``SMALLEST_DIFFERENCE``)."""
    n = len(diffs)
    delta = max(abs(float(diffs.mean())) if n else 0.0, SMALLEST_DIFFERENCE)
    # the variance of the per-row differences, with one +1 and one −1 pseudo-row so a tiny sample is not trusted
    padded = np.concatenate([diffs, [1.0, -1.0]]) if n < 30 else diffs
    variance = max(float(padded.var(ddof=1)) if len(padded) > 1 else 0.25, 1e-4)
    z = z_value(level) + _Z.inv_cdf(power)
    return math.ceil(z * z * variance / (delta * delta))


def difference_sentence(
    label_a: str, label_b: str, comparison: Comparison, *, more_rows: int = 0, more_cost: str | None = None
) -> str:
    """The paired difference in words: separable by the sign-flip test, sized by the bootstrap interval."""
    diff = comparison.diff
    if diff.rows == 0:
        return f"{label_a} and {label_b} share no graded rows yet."
    if comparison.separable:
        points, plus = round(abs(diff.estimate) * 100), max(1, round(diff.half_width * 100))
        word = "more" if diff.estimate > 0 else "fewer"
        return f"{label_b} passes {points} ± {plus} points {word} than {label_a} ({diff.rows:,} rows)."
    if diff.low == diff.high == 0:
        return f"{label_a} and {label_b} gave the same verdicts on all {diff.rows:,} rows."
    priced = f" (≈ {more_cost} at today's prices)" if more_cost else ""
    return (
        f"{label_a} and {label_b} are not separable yet: about {more_rows:,} more rows{priced} would tell "
        f"({label_b} − {label_a}: {signed(diff.estimate)} points, 95 % interval "
        f"{signed(diff.low)} to {signed(diff.high)})."
    )


def signed(value: float) -> str:
    """A 0–1 difference as signed whole points ("+5", "0", "−3"; never "-0")."""
    points = round(value * 100)
    return "0" if points == 0 else f"{points:+d}".replace("-", "−")


def group_answers(outputs: Sequence[str]) -> list[tuple[str, int]]:
    """Identical answers (ignoring surrounding whitespace) with their counts, most frequent first."""
    counts: dict[str, int] = {}
    for text in outputs:
        key = text.strip()
        counts[key] = counts.get(key, 0) + 1
    return sorted(counts.items(), key=lambda item: -item[1])


def p95(values: Sequence[float]) -> float | None:
    """The 95th percentile by nearest rank."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
