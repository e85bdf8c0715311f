"""A tuning result as JSON and back: what a tuning job keeps, so any session can draw its frontier later."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .stats import Interval
from .tuner import Point, TuneResult


def _usd(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def to_json(result: TuneResult) -> dict[str, Any]:
    """Everything the Tune view draws (the arms' raw verdicts are in the job's units)."""
    return {
        "state": result.state,
        "recommended": result.recommended,
        "best": result.best,
        "spent_usd": str(result.spent),
        "rows_used": result.rows_used,
        "log": list(result.log),
        "points": [
            {
                "arm": p.arm,
                "label": p.label,
                "pass_rate": [p.pass_rate.estimate, p.pass_rate.low, p.pass_rate.high, p.pass_rate.rows],
                "cost_per_1000_usd": _usd(p.cost_per_1000),
                "p95_seconds": p.p95_seconds,
                "dropped": p.dropped,
                "on_frontier": p.on_frontier,
            }
            for p in result.points
        ],
    }


def from_json(doc: Mapping[str, Any]) -> TuneResult:
    """The result ``to_json`` wrote (without the arms' per-row verdicts)."""
    points = tuple(
        Point(
            arm=int(p["arm"]),
            label=str(p["label"]),
            pass_rate=Interval(
                float(p["pass_rate"][0]),
                float(p["pass_rate"][1]),
                float(p["pass_rate"][2]),
                int(p["pass_rate"][3]),
            ),
            cost_per_1000=None if p.get("cost_per_1000_usd") is None else Decimal(p["cost_per_1000_usd"]),
            p95_seconds=p.get("p95_seconds"),
            dropped=str(p.get("dropped") or ""),
            on_frontier=bool(p.get("on_frontier")),
        )
        for p in doc.get("points") or []
    )
    return TuneResult(
        arms=(),
        points=points,
        recommended=doc.get("recommended"),
        best=doc.get("best"),
        log=tuple(str(x) for x in doc.get("log") or []),
        spent=Decimal(str(doc.get("spent_usd") or "0")),
        rows_used=int(doc.get("rows_used") or 0),
        state=str(doc.get("state") or ""),
    )
