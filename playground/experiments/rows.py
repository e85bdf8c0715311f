"""Test-set rows from a CSV or JSONL upload, or typed in: every cell as text, with size and nesting limits."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from pathlib import PurePath

import pandas as pd

from playground.csv_text import csv_problem, jsonl_problem

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 200
MAX_DEPTH = 16  # nesting of objects and arrays in one JSONL line


class RowsError(ValueError):
    """The rows cannot be read (message is safe to show)."""


def read_rows(data: bytes, name: str) -> pd.DataFrame:
    """A CSV or JSONL upload as a table of text cells (nested JSONL keys become "a.b")."""
    if len(data) > MAX_BYTES:
        raise RowsError(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    suffix = PurePath(name).suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
        elif suffix in (".jsonl", ".ndjson"):
            frame = _jsonl(data.decode("utf-8"))
        else:
            raise RowsError(f"{name}: expected a .csv or .jsonl file.")
    except UnicodeDecodeError:
        raise RowsError(f"{name} is not UTF-8 text.") from None
    except (ValueError, pd.errors.ParserError) as exc:
        if isinstance(exc, RowsError):
            raise
        raise RowsError(csv_problem(exc, name)) from None
    return as_text(frame)


def _depth(value: object) -> int:
    """How deeply objects and arrays nest in ``value`` (iterative: no recursion limit)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                stack.extend((v, level + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def _jsonl(text: str) -> pd.DataFrame:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except RecursionError:
            raise RowsError(f"Line {number} nests deeper than {MAX_DEPTH} levels.") from None
        except json.JSONDecodeError as exc:
            raise RowsError(jsonl_problem(exc, number)) from None
        if not isinstance(record, dict):
            raise RowsError(f"Line {number} is not a JSON object.")
        if _depth(record) > MAX_DEPTH:
            raise RowsError(f"Line {number} nests deeper than {MAX_DEPTH} levels.")
        records.append(record)
        if len(records) > MAX_ROWS:
            raise RowsError(f"More than {MAX_ROWS:,} rows.")
    return pd.json_normalize(records) if records else pd.DataFrame()


def _cell(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed into a data editor: 3, not 3.0
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` checked against the limits, every cell as text (missing cells empty)."""
    if len(frame) > MAX_ROWS:
        raise RowsError(f"More than {MAX_ROWS:,} rows ({len(frame):,}).")
    if len(frame.columns) > MAX_COLUMNS:
        raise RowsError(f"More than {MAX_COLUMNS} columns ({len(frame.columns)}).")
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    return frame.apply(lambda col: col.map(_cell)) if len(frame) else frame.astype(str)


def typed_rows(records: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """Rows typed in (a data editor's records) as a text table."""
    return as_text(pd.DataFrame(list(records), dtype=object))
