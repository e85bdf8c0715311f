"""Batch estimates: tokens and cost for every row of a CSV or JSONL file of prompts, vectorised with pandas.

Per-row costs use exact integer arithmetic in units of 10**-(6 + d) USD, where d is the most decimal places of
any price, so a row's cost is exact without Decimal per row; the totals go through the one cost function.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

import numpy as np
import pandas as pd

from playground.chat.events import Usage
from playground.csv_text import csv_problem, jsonl_problem
from playground.facts.catalog import Price
from playground.money import tokens
from playground.money.pricing import Cost, cost
from playground.text import without_lone_surrogates

TOKEN_COLUMNS = ("input_tokens", "output_tokens", "reasoning_tokens")
PARALLEL_MIN = 10_000_000  # characters of distinct text from which counting is spread over worker processes
COST_COLUMN = "cost_usd"


class BatchError(ValueError):
    """The file or the chosen column cannot be estimated (message is safe to show)."""


@dataclass(frozen=True, slots=True)
class Output:
    """Expected answer tokens per row: a fixed count, or a ratio of the row's input tokens (rounded half up)."""

    fixed: int | None = None
    ratio: Decimal | None = None


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Per-row tokens and exact cost (as text), with the token totals and their cost."""

    rows: pd.DataFrame
    column: str
    input_tokens: int
    output_tokens: int
    reasoning_tokens: int
    total: Cost


def read_table(data: bytes, name: str) -> pd.DataFrame:
    """A CSV or JSONL upload as a table (JSONL objects are flattened: nested keys become "a.b")."""
    suffix = PurePath(name).suffix.lower()
    try:
        if suffix == ".csv":
            return _read_csv(data)
        if suffix in (".jsonl", ".ndjson"):
            return _read_jsonl(data)
    except UnicodeDecodeError:
        raise BatchError(
            f"Could not read {name}: it is not UTF-8 text. Save it as UTF-8 and upload it again."
        ) from None
    except (ValueError, pd.errors.ParserError) as exc:
        if suffix == ".csv":
            raise BatchError(csv_problem(exc, name)) from None
        said = str(exc).splitlines()[0][:300].rstrip(".")
        raise BatchError(f"Could not read {name}. {said[:1].upper()}{said[1:]}.") from None
    raise BatchError(f"{name}: expected a .csv or .jsonl file")


def _read_csv(data: bytes) -> pd.DataFrame:
    """Every cell as text; the multithreaded pyarrow parser first, pandas' own parser for its error message."""
    try:
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, engine="pyarrow")
    except (ValueError, ImportError):  # pyarrow's ArrowInvalid is a ValueError
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def _read_jsonl(data: bytes) -> pd.DataFrame:
    records = []
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        if line.strip():
            try:
                records.append(without_lone_surrogates(json.loads(line)))  # U+FFFD: the page can draw it
            except json.JSONDecodeError as exc:
                raise ValueError(jsonl_problem(exc, number)) from None
            except RecursionError:
                raise ValueError(
                    f"line {number} is nested too deeply to read (a prompt file is rows of text)"
                ) from None
    if not all(isinstance(r, dict) for r in records):
        raise ValueError('every line must be a JSON object, such as {"prompt": "…"}')
    try:
        return pd.json_normalize(records)
    except RecursionError:
        raise ValueError("the rows are nested too deeply to read (a prompt file is rows of text)") from None


def _text(value: object) -> str:
    """A cell as prompt text: chat messages are joined by their contents, other values printed."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(m.get("content") or "" if isinstance(m, dict) else str(m) for m in value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def texts(frame: pd.DataFrame, column: str) -> pd.Series:
    """The chosen column as strings."""
    if column not in frame.columns:
        raise BatchError(f"No column or field named {column!r}")
    col = frame[column]
    if isinstance(col.dtype, pd.StringDtype):  # every cell is text or missing
        return col.fillna("") if col.isna().any() else col
    return col.map(_text)


def _count_chunk(texts: Sequence[str]) -> list[int]:
    return [tokens.count_tokens(t) for t in texts]


def cpus() -> int:
    """CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def count_many(
    texts: Sequence[str], *, workers: int | None = None, min_parallel: int = PARALLEL_MIN
) -> np.ndarray:
    """``tokens.count_tokens`` of every text, in worker processes when there is much text and several CPUs.

    Starting the workers costs about a second, so below ``min_parallel`` characters one process is faster.
    """
    workers = min(workers or cpus(), 8)
    if workers < 2 or len(texts) < 2 or sum(map(len, texts)) < min_parallel:
        return np.fromiter(map(tokens.count_tokens, texts), dtype=np.int64, count=len(texts))
    size = -(-len(texts) // (workers * 4))
    chunks = [list(texts[i : i + size]) for i in range(0, len(texts), size)]
    # forkserver: workers never inherit the web server's threads or sockets; the preload imports this module
    # (pandas, the estimator) once in the server instead of once per worker
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        counts = [n for part in pool.map(_count_chunk, chunks) for n in part]
    return np.asarray(counts, dtype=np.int64)


def count_column(col: pd.Series, *, workers: int | None = None) -> np.ndarray:
    """Estimated tokens per text, counting each distinct text once."""
    codes, uniques = pd.factorize(col, sort=False)
    counts = count_many(list(uniques), workers=workers)
    return counts[codes] if len(codes) else np.zeros(0, dtype=np.int64)


def output_tokens(input_tokens: np.ndarray, output: Output) -> np.ndarray:
    """Expected answer tokens per row."""
    if output.ratio is not None:
        if output.ratio < 0:
            raise BatchError("The output ratio cannot be negative")
        num, den = output.ratio.as_integer_ratio()
        return (input_tokens * num + den // 2) // den
    if output.fixed is None or output.fixed < 0:
        raise BatchError("Give a fixed output token count of 0 or more, or a ratio")
    return np.full(len(input_tokens), output.fixed, dtype=np.int64)


def _places(*values: Decimal) -> int:
    return max(max(-v.as_tuple().exponent, 0) for v in values)


def _usd_text(units: np.ndarray, places: int) -> pd.Series:
    """Exact decimal strings for integer amounts of 10**-places USD."""
    whole, frac = np.divmod(units, 10**places)
    text = pd.Series(whole).astype(str) + "." + pd.Series(frac).astype(str).str.zfill(places)
    return text.str.rstrip("0").str.replace(r"\.$", ".0", regex=True)


def estimate(
    frame: pd.DataFrame,
    column: str,
    *,
    price: Price,
    output: Output,
    reasoning: int = 0,
    workers: int | None = None,
) -> BatchResult:
    """Tokens and cost for each row of ``frame[column]`` (no cached input: rows are independent requests)."""
    if reasoning < 0:
        raise BatchError("Reasoning tokens per row cannot be negative")
    inp = count_column(texts(frame, column), workers=workers)
    out = output_tokens(inp, output)
    reason = np.full(len(inp), reasoning, dtype=np.int64)
    d = _places(price.input, price.output)
    unit_in, unit_out = int(price.input.scaleb(d)), int(price.output.scaleb(d))
    units = inp * unit_in + (out + reason) * unit_out
    rows = frame.copy()
    rows["input_tokens"], rows["output_tokens"], rows["reasoning_tokens"] = inp, out, reason
    rows[COST_COLUMN] = _usd_text(units, 6 + d)
    totals = [int(a.sum()) for a in (inp, out, reason)]
    usage = Usage(
        prompt_tokens=totals[0], completion_tokens=totals[1], reasoning_tokens=totals[2], reasoning_included=False
    )
    return BatchResult(rows, column, *totals, total=cost(usage, price))


def to_csv(result: BatchResult) -> bytes:
    """The per-row result as CSV: row number, the file's other columns, tokens and cost (not the prompt text)."""
    out = result.rows.drop(columns=[result.column])
    out.insert(0, "row", range(1, len(out) + 1))
    return out.to_csv(index=False).encode("utf-8")
