"""Test-set rows from a CSV or JSONL upload, or typed in: every cell as text, with size and nesting limits.

The limits are checked before the expensive parse (a CSV header's columns, the rows pandas reads, a JSONL line's
fields), and an upload is parsed once: ``read_upload`` keeps the last few results (tables and refusals) by content,
so a rerun of the page does not parse the same bytes again.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import PurePath

import pandas as pd

from playground.csv_text import csv_problem, jsonl_problem
from playground.text import without_lone_surrogates

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 200
MAX_DEPTH = 16  # nesting of objects and arrays in one JSONL line
CACHE_BYTES = 64 * 1024 * 1024  # uploads whose parse (or refusal) ``read_upload`` keeps, in bytes of upload
_CSV_MARKS = re.compile(rb'[",\r\n]')


class RowsError(ValueError):
    """The rows cannot be read (message is safe to show)."""


def read_rows(data: bytes, name: str) -> pd.DataFrame:
    """A CSV or JSONL upload as a table of text cells (nested JSONL keys become "a.b")."""
    if len(data) > MAX_BYTES:
        raise RowsError(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    suffix = PurePath(name).suffix.lower()
    try:
        if suffix == ".csv":
            frame = _csv(data)
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


def _csv(data: bytes) -> pd.DataFrame:
    """A CSV file, its header's columns counted before parsing and at most ``MAX_ROWS`` + 1 rows read."""
    if _header_columns(data) > MAX_COLUMNS:
        raise RowsError(f"More than {MAX_COLUMNS} columns.")
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, nrows=MAX_ROWS + 1)


def _header_columns(data: bytes) -> int:
    """The columns of a CSV's first record (commas outside quotes, up to the first line end outside quotes),
    counted up to ``MAX_COLUMNS`` + 1 at most."""
    columns, quoted = 1, False
    for mark in _CSV_MARKS.finditer(data):
        char = mark.group()
        if char == b'"':
            quoted = not quoted  # a doubled quote inside a quoted field toggles twice
        elif quoted:
            continue
        elif char == b",":
            columns += 1
            if columns > MAX_COLUMNS:
                break
        else:
            break
    return columns


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


def _fields(record: dict, prefix: str, into: set[str]) -> None:
    """Add the columns ``json_normalize`` makes of ``record`` (nested keys joined with ".") to ``into``."""
    for key, value in record.items():
        if isinstance(value, dict) and value:
            _fields(value, f"{prefix}{key}.", into)
        else:
            into.add(f"{prefix}{key}")
        if len(into) > MAX_COLUMNS:
            return


def _jsonl(text: str) -> pd.DataFrame:
    records = []
    columns: set[str] = set()
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
        _fields(record, "", columns)
        if len(columns) > MAX_COLUMNS:
            raise RowsError(f"More than {MAX_COLUMNS} columns (line {number} brings the total past it).")
        records.append(without_lone_surrogates(record) if "\\u" in line else record)
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


class _Parsed:
    """The uploads parsed lately, by content: a table, or the refusal's message."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[bytes, str], tuple[int, pd.DataFrame | str]] = OrderedDict()
        self._bytes = 0

    def get(self, key: tuple[bytes, str]) -> pd.DataFrame | str | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: tuple[bytes, str], size: int, value: pd.DataFrame | str) -> None:
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (size, value)
            self._bytes += size
            while self._bytes > CACHE_BYTES and len(self._entries) > 1:
                _, (old, _) = self._entries.popitem(last=False)
                self._bytes -= old


_PARSED = _Parsed()


def read_upload(data: bytes, name: str) -> pd.DataFrame:
    """``read_rows`` once per upload: the same bytes under the same name give the kept table (a copy) or the
    kept refusal, without parsing again (a page rerun reads the uploader's file each time)."""
    key = (hashlib.sha256(data).digest(), PurePath(name).suffix.lower() + "|" + name)
    kept = _PARSED.get(key)
    if kept is None:
        try:
            kept = read_rows(data, name)
        except RowsError as exc:
            kept = str(exc)
        _PARSED.put(key, len(data), kept)
    if isinstance(kept, str):
        raise RowsError(kept)
    return kept.copy()
