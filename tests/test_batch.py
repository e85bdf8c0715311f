"""Batch estimates: reading CSV/JSONL, per-row tokens and exact cost, totals through the cost function."""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd
import pytest

from playground.facts.catalog import GROK_3_MINI, Price
from playground.money.batch import BatchError, Output, count_many, estimate, read_table, to_csv
from playground.money.tokens import count_tokens

PRICE = GROK_3_MINI.price
QUANTUM = "Explain quantum computing in simple terms"
PROMPTS = [QUANTUM, "Sort a list, in Python", "", QUANTUM]


def csv_bytes(prompts: list[str]) -> bytes:
    return pd.DataFrame({"id": range(len(prompts)), "prompt": prompts}).to_csv(index=False).encode()


def test_csv_rows_tokens_and_cost() -> None:
    frame = read_table(csv_bytes(PROMPTS), "prompts.csv")
    result = estimate(frame, "prompt", price=PRICE, output=Output(fixed=100), reasoning=50)
    counts = [count_tokens(p) for p in PROMPTS]
    assert result.rows["input_tokens"].tolist() == counts
    assert result.rows["output_tokens"].tolist() == [100] * 4
    assert result.rows["reasoning_tokens"].tolist() == [50] * 4
    per_row = [Decimal(c) * Decimal("0.30") / 10**6 + Decimal(150) * Decimal("0.50") / 10**6 for c in counts]
    assert [Decimal(x) for x in result.rows["cost_usd"]] == per_row
    assert (result.input_tokens, result.output_tokens, result.reasoning_tokens) == (sum(counts), 400, 200)
    assert result.total.total == sum(per_row)
    assert result.total.input == Decimal(sum(counts)) * Decimal("0.30") / 10**6


def test_ratio_output_rounds_half_up() -> None:
    frame = pd.DataFrame({"t": ["a" * 4, "a" * 12, "a" * 20]})  # 1, 3 and 5 tokens with the 4-chars rule
    counts = [count_tokens(t) for t in frame["t"]]
    result = estimate(frame, "t", price=PRICE, output=Output(ratio=Decimal("0.5")))
    expected = [int((Decimal(c) * Decimal("0.5")).to_integral_value(rounding="ROUND_HALF_UP")) for c in counts]
    assert result.rows["output_tokens"].tolist() == expected


def test_row_costs_are_exact_with_many_decimal_places() -> None:
    price = Price(input=Decimal("0.0001234"), output=Decimal("7"))
    frame = pd.DataFrame({"t": ["x" * 400]})
    result = estimate(frame, "t", price=price, output=Output(fixed=3))
    tokens = count_tokens("x" * 400)
    assert Decimal(result.rows["cost_usd"][0]) == tokens * price.input / 10**6 + 3 * price.output / 10**6
    assert Decimal(result.rows["cost_usd"][0]) == result.total.total


def test_jsonl_nested_field_and_chat_messages() -> None:
    data = (
        b'{"meta": {"prompt": "hello there"}, "messages": [{"role": "user", "content": "hi"},'
        b' {"role": "user", "content": "again"}]}\n\n{"meta": {"prompt": 7}, "messages": []}\n'
    )
    frame = read_table(data, "rows.jsonl")
    assert set(frame.columns) == {"meta.prompt", "messages"}
    nested = estimate(frame, "meta.prompt", price=PRICE, output=Output(fixed=0))
    assert nested.rows["input_tokens"].tolist() == [count_tokens("hello there"), count_tokens("7")]
    chat = estimate(frame, "messages", price=PRICE, output=Output(fixed=0))
    assert chat.rows["input_tokens"].tolist() == [count_tokens("hi\nagain"), 0]


def test_download_csv_round_trips() -> None:
    result = estimate(read_table(csv_bytes(PROMPTS), "p.csv"), "prompt", price=PRICE, output=Output(fixed=10))
    back = pd.read_csv(io.BytesIO(to_csv(result)), dtype=str, keep_default_na=False)
    columns = ["row", "id", "input_tokens", "output_tokens", "reasoning_tokens", "cost_usd"]
    assert back.columns.tolist() == columns  # the prompt text is left out: the row number points back to it
    assert back["row"].tolist() == ["1", "2", "3", "4"] and back["id"].tolist() == ["0", "1", "2", "3"]
    assert sum(Decimal(x) for x in back["cost_usd"]) == result.total.total


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"a,b\n1,2\n", "rows.xlsx", "expected a .csv or .jsonl"),
        (b"[1, 2]\n", "rows.jsonl", "Could not read"),
        (b"{not json\n", "rows.jsonl", "Could not read"),
        (b"\xff\xfe\x00", "rows.jsonl", "Could not read"),
    ],
)
def test_unreadable_files_raise_a_showable_error(data: bytes, name: str, message: str) -> None:
    with pytest.raises(BatchError, match=message):
        read_table(data, name)


def test_bad_choices_raise() -> None:
    frame = pd.DataFrame({"t": ["a"]})
    with pytest.raises(BatchError, match="No column"):
        estimate(frame, "missing", price=PRICE, output=Output(fixed=1))
    with pytest.raises(BatchError, match="negative"):
        estimate(frame, "t", price=PRICE, output=Output(ratio=Decimal("-1")))
    with pytest.raises(BatchError, match="fixed"):
        estimate(frame, "t", price=PRICE, output=Output())


def test_empty_file_gives_zero_totals() -> None:
    frame = read_table(b"prompt\n", "empty.csv")
    result = estimate(frame, "prompt", price=PRICE, output=Output(fixed=5))
    assert len(result.rows) == 0 and result.total.total == 0


def test_counting_in_worker_processes_equals_counting_here() -> None:
    texts = [f"row {i}: " + "word " * (i % 37) + "données 🙂" * (i % 3) for i in range(200)]
    expected = [count_tokens(t) for t in texts]
    assert count_many(texts, workers=2, min_parallel=10).tolist() == expected
    assert count_many(texts, workers=1).tolist() == expected


def test_a_deeply_nested_jsonl_line_is_a_clear_error_not_a_recursion_error():
    """Issue 12, finding 6: a deeply nested JSONL line raised an uncaught RecursionError."""
    deep = b'{"prompt": "ok"}\n{"prompt": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
    with pytest.raises(BatchError, match="Line 2 is nested too deeply"):
        read_table(deep, "rows.jsonl")
