"""Tools and structured output, core part: checking a 1 MB JSON reply, and a tool call in 2,000 pieces.

    python benchmarks/bench_tools.py            # 15 interleaved rounds, medians, ratios to the baselines

1. A 1 MB structured-output reply checked by ``check_reply`` (parse + schema check, the compiled fast path) vs
   ``json.loads`` alone (baseline), and vs ``jsonschema``'s own validator (what a plain implementation costs).
2. A tool call whose arguments arrive in 2,000 pieces through ``ToolCallAccumulator`` (reading the arguments so
   far after every piece, as a card that repaints would) vs appending to a list and one ``json.loads`` (baseline);
   and the time from the last piece to the checked call (``finish``), the core's share of "painted within 50 ms".
"""

from __future__ import annotations

import datetime
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jsonschema import Draft202012Validator  # noqa: E402

from playground.chat.events import ToolCallDelta  # noqa: E402
from playground.tools.calls import ToolCallAccumulator  # noqa: E402
from playground.tools.examples import EXTRACTION, SEARCH_DOCS  # noqa: E402
from playground.tools.response_format import ResponseFormat, check_reply  # noqa: E402

ROUNDS = 15
ROW = {
    "type": "object",
    "properties": {
        "id": {"type": "integer", "minimum": 0},
        "name": {"type": "string", "minLength": 1},
        "tags": {"type": "array", "items": {"type": "string"}},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "kind": {"enum": ["a", "b", "c"]},
    },
    "required": ["id", "name", "tags", "score", "kind"],
    "additionalProperties": False,
}
TABLE = {"type": "object", "properties": {"rows": {"type": "array", "items": ROW}}, "required": ["rows"]}


def table_reply() -> str:
    rows = [
        {"id": i, "name": f"row {i}", "tags": ["x", "y"], "score": (i % 7) / 7, "kind": "abc"[i % 3]}
        for i in range(11500)
    ]
    return json.dumps({"rows": rows})


def extraction_reply() -> str:
    people = [{"name": f"Person {i}", "role": "engineer"} for i in range(22000)]
    return json.dumps({"people": people, "places": ["Paris"] * 2000, "dates": ["2026-01-01"] * 2000})


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def rounds(cases: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Median seconds per case, the cases interleaved round by round."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(ROUNDS):
        for name, fn in cases.items():
            samples[name].append(timed(fn))
    return {name: statistics.median(s) for name, s in samples.items()}


def bench_reply() -> None:
    for label, text, schema in (("table", table_reply(), TABLE), ("extraction", extraction_reply(), EXTRACTION)):
        fmt = ResponseFormat("json_schema", "s", schema)
        assert check_reply(text, fmt).valid
        full = Draft202012Validator(schema)
        result = rounds(
            {
                "json.loads alone (baseline)": lambda t=text: json.loads(t),
                "check_reply (parse + check)": lambda t=text, f=fmt: check_reply(t, f),
                "json.loads + jsonschema": lambda t=text, v=full: next(v.iter_errors(json.loads(t)), None),
            }
        )
        base = result["json.loads alone (baseline)"]
        print(f"\n1 MB reply, {label} schema ({len(text) / 1e6:.2f} MB)")
        print("| checker | median ms | ratio to json.loads |\n|---|---|---|")
        for name, seconds in result.items():
            print(f"| {name} | {seconds * 1000:.1f} | {seconds / base:.2f}x |")


def bench_pieces() -> None:
    text = json.dumps({"query": "streaming tool calls " * 300, "max_results": 5})
    cuts = [len(text) * i // 2000 for i in range(2001)]
    pieces = [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
    deltas = [ToolCallDelta(0, "call_1", "search_docs")] + [ToolCallDelta(0, arguments=p) for p in pieces]

    def accumulate() -> None:
        acc = ToolCallAccumulator([SEARCH_DOCS])
        for d in deltas:
            acc.add(d).arguments  # noqa: B018 - the card reads the text so far after every piece
        assert acc.finish()[0].valid

    def baseline() -> None:
        parts: list[str] = []
        for p in pieces:
            parts.append(p)
        json.loads("".join(parts))

    acc = ToolCallAccumulator([SEARCH_DOCS])
    for d in deltas:
        acc.add(d)
    result = rounds({"list + one json.loads (baseline)": baseline, "accumulator, read per piece": accumulate})
    finish = rounds({"finish after the last piece": acc.finish})
    base = result["list + one json.loads (baseline)"]
    print(f"\nTool call in {len(pieces)} pieces ({len(text)} characters of arguments)")
    print("| path | median ms | ratio to baseline |\n|---|---|---|")
    for name, seconds in {**result, **finish}.items():
        print(f"| {name} | {seconds * 1000:.2f} | {seconds / base:.2f}x |")


def main() -> int:
    print(f"python benchmarks/bench_tools.py — {datetime.date.today()}, {ROUNDS} interleaved rounds, medians")
    bench_reply()
    bench_pieces()
    return 0


if __name__ == "__main__":
    sys.exit(main())
