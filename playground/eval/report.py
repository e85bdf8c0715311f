"""A run's report: the summary table, the result JSON (also a later run's baseline), JUnit XML, and the baseline.

Money is written as exact text ("0.000123"); rates as numbers from 0 to 1. A baseline is a result JSON this module
wrote: each variant's per-row verdicts are compared with the same variant (by label) now, paired by row.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from playground.money.pricing import format_usd

from .baseline import Regression
from .costs import Forecast
from .runner import Attempt, Suite
from .summary import Difference, VariantSummary, grouped_answers, percent


def _usd(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def result_json(
    *,
    source: str,
    suite: Suite,
    repeats: int,
    target: float,
    attempts: Sequence[Attempt],
    summaries: Sequence[VariantSummary],
    differences: Sequence[Difference],
    forecast: Forecast,
    spent: Decimal,
    cap: Decimal | None,
    state: str,
    regressions: Sequence[Regression] = (),
) -> dict[str, Any]:
    """Everything about the run as JSON (money as exact strings)."""
    labels = [v.label for v in suite.variants]
    return {
        "experiment": source,
        "state": state,
        "repeats": repeats,
        "threshold": suite.threshold,
        "target": target,
        "cap_usd": _usd(cap),
        "spent_usd": str(spent),
        "forecast": {
            "low_usd": str(forecast.low),
            "high_usd": str(forecast.high),
            "requests": forecast.answers.requests,
            "judge_requests": forecast.judges.requests,
            "batch_low_usd": _usd(forecast.batch_low),
            "batch_high_usd": _usd(forecast.batch_high),
        },
        "variants": [_variant_json(s) for s in summaries],
        "differences": [_difference_json(d) for d in differences],
        "baseline": [
            {
                "label": r.label,
                "regressed": r.regressed,
                "sentence": r.sentence(),
                "worse_rows": [row + 1 for row in r.worse_rows],
                "changed": [c.as_json() for c in r.changed],
                "cost": r.cost.sentence() if r.cost else None,
                "latency": r.latency.sentence() if r.latency else None,
            }
            for r in regressions
        ],
        "results": [attempt_json(a, labels) for a in sorted(attempts, key=lambda a: (a.row, a.variant, a.repeat))],
        "answers": [
            {"row": row + 1, "variant": label, "groups": [{"answer": t, "count": c} for t, c in groups]}
            for row in range(len(suite.rows))
            for index, label in enumerate(labels)
            if (groups := grouped_answers(attempts, row=row, variant=index))
        ],
    }


def _variant_json(s: VariantSummary) -> dict[str, Any]:
    return {
        "label": s.label,
        "attempts": s.attempts,
        "errors": s.errors,
        "pass_rate": s.pass_rate.estimate,
        "pass_rate_low": s.pass_rate.low,
        "pass_rate_high": s.pass_rate.high,
        "flip_rate": s.flip_rate,
        "cost_usd": str(s.answer_cost),
        "judge_cost_usd": str(s.judge_cost),
        "cost_per_1000_usd": _usd(s.cost_per_1000),
        "p95_seconds": s.p95_seconds,
        "rows": {str(k): v for k, v in s.by_row.items()},
    }


def _difference_json(d: Difference) -> dict[str, Any]:
    diff = d.comparison.diff
    return {
        "a": d.a,
        "b": d.b,
        "difference": diff.estimate,
        "low": diff.low,
        "high": diff.high,
        "p_value": d.comparison.p_value,
        "separable": d.comparison.separable,
        "more_rows": d.more_rows,
        "more_cost_usd": _usd(d.more_cost),
        "sentence": d.sentence,
    }


def attempt_json(a: Attempt, labels: Sequence[str]) -> dict[str, Any]:
    return {
        "row": a.row + 1,
        "variant": labels[a.variant],
        "repeat": a.repeat + 1,
        "output": a.output,
        "simulated": a.simulated,
        "status": a.status,
        "error": a.error,
        "cost_usd": _usd(a.cost),
        "seconds": a.seconds,
        "output_tokens": a.output_tokens,
        "score": a.score,
        "passed": a.passed,
        "grades": [
            {"grader": x.grader, "score": x.score, "passed": x.passed, "detail": x.detail} for x in a.grades
        ],
        "judge": [
            {
                "by": v.by,
                "passed": v.passed,
                "score": v.score,
                "reason": v.reason or v.error,
                "cost_usd": _usd(v.cost),
            }
            for v in a.verdicts
        ],
    }


def table(summaries: Sequence[VariantSummary]) -> str:
    """The summary as a plain-text table."""
    head = ("Variant", "Pass rate (95 % interval)", "Flip rate", "Cost", "Per 1,000 requests", "p95 latency")
    lines = [head]
    for s in summaries:
        lines.append(
            (
                s.label,
                s.pass_rate.points() if s.pass_rate.rows else "–",
                percent(s.flip_rate),
                format_usd(s.cost),
                format_usd(s.cost_per_1000) if s.cost_per_1000 is not None else "–",
                f"{s.p95_seconds:.2f} s" if s.p95_seconds is not None else "–",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def junit(
    suite: Suite,
    attempts: Sequence[Attempt],
    summaries: Sequence[VariantSummary],
    *,
    target: float,
    regressions: Sequence[Regression] = (),
) -> bytes:
    """JUnit XML: a test suite per variant, a test case per row (fails when a repeat failed), one for the target
    pass rate, and one per baseline comparison."""
    root = ET.Element("testsuites", name="playground.eval")
    first = next(iter(suite.rows[0]), "") if suite.rows else ""
    for index, s in enumerate(summaries):
        cases = ET.SubElement(root, "testsuite", name=s.label)
        failures = 0
        for row in sorted(s.by_row):
            mine = [a for a in attempts if a.variant == index and a.row == row]
            name = f"row {row + 1}: {str(suite.rows[row].get(first, ''))[:60]}"
            seconds = sum(a.seconds or 0.0 for a in mine)
            case = ET.SubElement(cases, "testcase", classname=s.label, name=name, time=f"{seconds:.3f}")
            failed = [a for a in mine if not a.passed]
            if failed:
                failures += 1
                message = f"{len(failed)} of {len(mine)} repeats failed"
                failure = ET.SubElement(case, "failure", message=message)
                failure.text = "\n".join(_why(a) for a in failed)
        case = ET.SubElement(cases, "testcase", classname=s.label, name=f"pass rate at least {target * 100:.0f} %")
        if not s.pass_rate.rows or s.pass_rate.estimate < target:
            failures += 1
            ET.SubElement(case, "failure", message=f"pass rate {percent(s.pass_rate.estimate)}")
        for r in regressions:
            if r.label == s.label:
                case = ET.SubElement(
                    cases, "testcase", classname=s.label, name="no regression against the baseline"
                )
                if r.regressed:
                    failures += 1
                    ET.SubElement(case, "failure", message=r.sentence())
        cases.set("tests", str(len(cases)))
        cases.set("failures", str(failures))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _why(a: Attempt) -> str:
    if a.error:
        return f"repeat {a.repeat + 1}: {a.error}"
    failed = "; ".join(f"{x.grader}: {x.detail or 'failed'}" for x in a.grades if not x.passed)
    return f"repeat {a.repeat + 1}: score {a.score:.2f}; {failed}"
