"""Stored runs of one experiment: a run rebuilt from its result JSON, compared with the baseline run by the same
code as ``--baseline`` (``baseline.against_baseline``), and the points of the runs-over-time chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from . import judge as j
from .baseline import Regression, against_baseline
from .runner import Attempt
from .summary import summarize


def _money(value: Any) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None


def _verdict(item: Mapping[str, Any]) -> j.JudgeVerdict:
    return j.JudgeVerdict(
        passed=bool(item.get("passed")),
        score=float(item.get("score") or 0),
        reason=str(item.get("reason") or ""),
        cost=_money(item.get("cost_usd")),
        seconds=None,
        by=str(item.get("by") or ""),
    )


def attempts_from_result(result: Mapping[str, Any]) -> tuple[list[str], list[Attempt]]:
    """The variant labels and attempts of a result JSON (``report.result_json``)."""
    labels = [str(v["label"]) for v in result.get("variants") or []]
    index = {label: i for i, label in enumerate(labels)}
    attempts = []
    for item in result.get("results") or []:
        if item.get("variant") not in index or not isinstance(item.get("row"), int):
            continue
        attempts.append(
            Attempt(
                row=item["row"] - 1,
                variant=index[item["variant"]],
                repeat=int(item.get("repeat") or 1) - 1,
                output=str(item.get("output") or ""),
                status=str(item.get("status") or ""),
                error=str(item.get("error") or ""),
                cost=_money(item.get("cost_usd")),
                seconds=item.get("seconds"),
                output_tokens=item.get("output_tokens"),
                score=float(item.get("score") or 0),
                passed=bool(item.get("passed")),
                verdicts=tuple(_verdict(v) for v in item.get("judge") or []),
                simulated=bool(item.get("simulated")),
            )
        )
    return labels, attempts


def compare_runs(run: Mapping[str, Any], baseline: Mapping[str, Any], *, seed: int = 0) -> list[Regression]:
    """Each variant of ``run`` that ``baseline`` also ran, against it (the changed rows, cost and latency)."""
    labels, attempts = attempts_from_result(run)
    return against_baseline(summarize(attempts, labels, seed=seed), attempts, baseline, seed=seed)


def run_summary(result: Mapping[str, Any]) -> dict[str, Any]:
    """What a list of runs shows of one: per variant its pass rate with interval, cost and p95 latency."""
    variants = []
    for v in result.get("variants") or []:
        cost = (_money(v.get("cost_usd")) or Decimal(0)) + (_money(v.get("judge_cost_usd")) or Decimal(0))
        variants.append(
            {
                "label": v.get("label"),
                "pass_rate": v.get("pass_rate"),
                "low": v.get("pass_rate_low"),
                "high": v.get("pass_rate_high"),
                "cost_usd": str(cost),
                "p95_seconds": v.get("p95_seconds"),
            }
        )
    return {
        "state": result.get("state"),
        "repeats": result.get("repeats"),
        "spent_usd": result.get("spent_usd"),
        "variants": variants,
    }


def _or(value: Any, fallback: Any) -> Any:
    return fallback if value is None else value


def chart_points(runs: Sequence[tuple[datetime, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """One point per run and variant: when, pass rate in points with its interval, and cost in dollars."""
    points = []
    for number, (when, summary) in enumerate(runs, start=1):
        for v in summary.get("variants") or []:
            if v.get("pass_rate") is None:
                continue
            points.append(
                {
                    "Run": number,
                    "When": when,
                    "Variant": str(v.get("label")),
                    "Pass rate (%)": round(float(v["pass_rate"]) * 100, 1),
                    "Low (%)": round(float(_or(v.get("low"), v["pass_rate"])) * 100, 1),
                    "High (%)": round(float(_or(v.get("high"), v["pass_rate"])) * 100, 1),
                    "Cost (USD)": float(_money(v.get("cost_usd")) or 0),
                }
            )
    return points
