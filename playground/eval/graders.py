"""Several weighted graders per row: a row's score is their weighted mean, and it passes at a threshold.

Rule graders reuse the test set's checks (``playground.experiments.checks``: equals, contains, a time-limited
regex, JSON and schema); the limit graders read the reply record (cost, latency, output tokens); the rubric grader
asks a judge (``playground.eval.judge``). Each grader scores 0–1: the rules 1 or 0, the rubric the judge's score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from playground.experiments import checks
from playground.money.pricing import ZERO, format_usd

GraderKind = Literal["equals", "contains", "regex", "json", "cost", "latency", "output_tokens", "rubric"]
RULES = ("equals", "contains", "regex", "json")
LIMITS = ("cost", "latency", "output_tokens")
KINDS: dict[str, str] = {
    **checks.KINDS,
    "cost": "Costs at most this many USD",
    "latency": "Answers within this many seconds",
    "output_tokens": "Writes at most this many output tokens",
    "rubric": "A judge grades it against a rubric",
}
DEFAULT_THRESHOLD = 1.0


class GraderError(ValueError):
    """A grader that cannot run on this test set (message is safe to show)."""


@dataclass(frozen=True, slots=True)
class Grader:
    """One grader: its kind, weight, the column it compares (rules) or its limit (limits) or rubric."""

    kind: GraderKind
    weight: float = 1.0
    expected: str | None = None  # the column (equals, contains, regex; the rubric's {{expected}})
    schema: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)
    limit: Decimal | None = None  # cost (USD), latency (seconds) or output tokens
    rubric: str = ""

    @property
    def name(self) -> str:
        if self.kind in LIMITS:
            return f"{self.kind.replace('_', ' ')} ≤ {self.limit}"
        if self.kind == "rubric":
            return "rubric"
        return f"{self.kind} {self.expected}" if self.expected else self.kind

    def as_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"kind": self.kind, "weight": self.weight}
        if self.expected:
            doc["expected"] = self.expected
        if self.schema is not None:
            doc["schema"] = self.schema
        if self.limit is not None:
            doc["max"] = str(self.limit)
        if self.rubric:
            doc["rubric"] = self.rubric
        return doc


def grader_from_json(doc: Mapping[str, Any]) -> Grader:
    """A grader from the experiment file (already checked against the JSON Schema)."""
    kind = str(doc.get("kind"))
    if kind not in KINDS:
        raise GraderError(f"Unknown grader kind {kind!r}. Kinds: {', '.join(KINDS)}.")
    limit = None
    if kind in LIMITS:
        try:
            limit = Decimal(str(doc["max"]))
        except (KeyError, InvalidOperation):
            raise GraderError(f"The {kind} grader needs a number in 'max'.") from None
        if limit < 0:
            raise GraderError(f"The {kind} grader's 'max' must not be negative.")
    weight = float(doc.get("weight", 1.0))
    if not weight > 0:
        raise GraderError("A grader's weight must be more than 0.")
    return Grader(
        kind,  # type: ignore[arg-type]
        weight,
        doc.get("expected"),
        doc.get("schema"),
        limit,
        str(doc.get("rubric") or ""),
    )


def validate(graders: Sequence[Grader], columns: list[str]) -> None:
    """Raise ``GraderError`` when a grader cannot run on these columns."""
    if not graders:
        raise GraderError("The test set has no graders.")
    for grader in graders:
        if grader.kind in RULES:
            try:
                checks.validate(checks.Check(grader.kind, grader.expected, grader.schema), columns)  # type: ignore[arg-type]
            except checks.CheckError as exc:
                raise GraderError(f"{grader.name}: {exc}") from None
        elif grader.kind == "rubric":
            if not grader.rubric.strip():
                raise GraderError("The rubric grader has no rubric.")
            if grader.expected and grader.expected not in columns:
                raise GraderError(f"rubric: no expected column named {grader.expected!r}.")


@dataclass(frozen=True, slots=True)
class Grade:
    """One grader's result for one answer."""

    grader: str
    score: float
    passed: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Measured:
    """What the limit graders read from one reply."""

    cost: Decimal | None
    seconds: float | None
    output_tokens: int | None


def grade_rule(grader: Grader, output: str, row: Mapping[str, str]) -> Grade:
    verdict = checks.run(checks.Check(grader.kind, grader.expected, grader.schema), output, row)  # type: ignore[arg-type]
    return Grade(grader.name, 1.0 if verdict.passed else 0.0, verdict.passed, verdict.detail)


def grade_limit(grader: Grader, measured: Measured) -> Grade:
    limit = grader.limit if grader.limit is not None else ZERO
    if grader.kind == "cost":
        value, shown = measured.cost, format_usd(measured.cost) if measured.cost is not None else ""
    elif grader.kind == "latency":
        value = None if measured.seconds is None else Decimal(str(round(measured.seconds, 3)))
        shown = f"{measured.seconds:.2f} s" if measured.seconds is not None else ""
    else:
        value = None if measured.output_tokens is None else Decimal(measured.output_tokens)
        shown = f"{measured.output_tokens:,} tokens" if measured.output_tokens is not None else ""
    if value is None:
        return Grade(grader.name, 0.0, False, f"no {grader.kind.replace('_', ' ')} was reported")
    ok = value <= limit
    return Grade(grader.name, 1.0 if ok else 0.0, ok, "" if ok else f"{shown} is over the limit")


def score(grades: Sequence[Grade], graders: Sequence[Grader]) -> float:
    """The weighted mean of the graders' scores."""
    total = sum(g.weight for g in graders)
    return sum(grade.score * g.weight for grade, g in zip(grades, graders, strict=True)) / total


def passes(value: float, threshold: float) -> bool:
    """Whether a row's score passes (a hair of float tolerance, so 2/3 · 3 counts as 2)."""
    return value >= threshold - 1e-9
