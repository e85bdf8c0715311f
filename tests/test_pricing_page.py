"""AppTest of the pricing page through app.py: figures, text counting, measured usage, comparison, batch."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from playground.chat.conversation import Conversation, Reply
from playground.chat.events import Usage
from playground.facts.catalog import GROK_3_MINI, RELATED
from playground.money import tokens
from playground.money.pricing import Workload, format_usd
from playground.money.related import compare

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/pricing.py"


def open_page(conv: Conversation | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception
    if conv is not None:
        at.session_state["conversation"] = conv
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def set_counts(at: AppTest, **values: int) -> None:
    for key, value in values.items():
        at.number_input(key=f"pricing_{key}").set_value(value)
    at.run()
    assert not at.exception


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_counts_in_exact_figures_out() -> None:
    at = open_page()
    assert at.selectbox(key="pricing_model").value == GROK_3_MINI.id
    set_counts(
        at,
        input_tokens=2000,
        cached_tokens=500,
        output_tokens=300,
        reasoning_tokens=700,
        requests_per_day=250,
        days_per_month=22,
    )
    # 1500 x $0.30 + 500 x $0.075 + (300 + 700) x $0.50 per 1M = $0.0009875 per request
    got = metrics(at)
    assert (got["Per request"], got["Per day"], got["Per month"]) == ("$0.000988", "$0.246875", "$5.43")
    split = table(at, "Kind").set_index("Kind")
    assert split.loc["Input"].tolist() == ["$0.00045", "$0.1125", "$2.48"]
    assert split.loc["Cached input"].tolist() == ["$0.000038", "$0.009375", "$0.20625"]
    assert split.loc["Output"].tolist() == ["$0.00015", "$0.0375", "$0.825"]
    assert split.loc["Reasoning"].tolist() == ["$0.00035", "$0.0875", "$1.93"]


def test_pasted_text_gives_an_estimated_count_that_can_be_used() -> None:
    at = open_page()
    text = "Compare REST vs GraphQL APIs for a mobile app with offline sync. " * 20
    at.text_area(key="pricing_text").set_value(text).run()
    assert not at.exception
    expected = tokens.count_tokens(text)
    assert metrics(at)["Estimated input tokens"] == f"≈{expected:,}"
    note = getattr(tokens, "ACCURACY_NOTE", "") or "estimated offline"
    assert any(note[1:] in c.value for c in at.caption)  # shown as a sentence, with its accuracy
    at.button(key="pricing_use_text").click().run()
    assert not at.exception
    assert at.number_input(key="pricing_input_tokens").value == expected


def test_uploaded_files_add_to_the_count() -> None:
    at = open_page()
    files = [
        ("a.md", b"# Title\n\nSome notes here.", "text/markdown"),
        ("b.py", b"print('hi')\n", "text/x-python"),
    ]
    at.file_uploader(key="pricing_files").set_value(files).run()
    assert not at.exception
    expected = tokens.count_tokens("# Title\n\nSome notes here.") + tokens.count_tokens("print('hi')\n")
    assert metrics(at)["Estimated input tokens"] == f"≈{expected:,}"


def reply(effort: str, usage: Usage) -> Reply:
    return Reply(model_id=GROK_3_MINI.id, provider_id="offline", params={"reasoning_effort": effort}, usage=usage)


def two_replies() -> Conversation:
    conv = Conversation()
    conv.add_user("Explain quantum computing in simple terms")
    conv.add_assistant(
        "…", reply("low", Usage(prompt_tokens=40, completion_tokens=300, reasoning_tokens=200, cached_tokens=0))
    )
    conv.add_user("Now shorter")
    conv.add_assistant(
        "…",
        reply(
            "high",
            Usage(
                prompt_tokens=361,
                completion_tokens=101,
                reasoning_tokens=900,
                cached_tokens=128,
                reasoning_included=False,
            ),
        ),
    )
    return conv


def test_measured_usage_button_fills_averages_of_two_replies() -> None:
    at = open_page(two_replies())
    button = at.button(key="pricing_measured")
    assert not button.disabled
    assert any("2 replies with usage" in c.value for c in at.caption)
    button.click().run()
    assert not at.exception
    # answers 100 (300 - 200, OpenAI style) and 101 (xAI style); means 200.5, 64, 100.5, 550 rounded half up
    values = {
        k: at.number_input(key=f"pricing_{k}").value
        for k in ("input_tokens", "cached_tokens", "output_tokens", "reasoning_tokens")
    }
    assert values == {"input_tokens": 201, "cached_tokens": 64, "output_tokens": 101, "reasoning_tokens": 550}
    assert any("average of 2 replies" in c.value for c in at.caption)
    # 137 x $0.30 + 64 x $0.075 + (101 + 550) x $0.50 per 1M = $0.0003714
    assert metrics(at)["Per request"] == "$0.000371"


def test_measured_usage_button_is_disabled_without_replies() -> None:
    at = open_page()
    assert at.button(key="pricing_measured").disabled
    assert any("No replies with usage yet" in c.value for c in at.caption)


def test_effort_what_if_uses_measured_values_at_both_levels() -> None:
    at = open_page(two_replies())
    assert at.number_input(key="pricing_effort_low").value == 200
    assert at.number_input(key="pricing_effort_high").value == 900
    assert any("1 low-effort and 1 high-effort" in c.value for c in at.caption)
    effort = table(at, "Effort").set_index("Effort")
    assert effort.loc["High", "Reasoning tokens"] == 900


def test_effort_what_if_assumptions_are_editable() -> None:
    at = open_page()
    set_counts(at, input_tokens=1000, cached_tokens=0, output_tokens=100, requests_per_day=10, days_per_month=30)
    at.number_input(key="pricing_effort_low").set_value(100)
    at.number_input(key="pricing_effort_high").set_value(2100).run()
    assert not at.exception
    effort = table(at, "Effort").set_index("Effort")
    # low: 1000 x 0.30 + 200 x 0.50 = $0.0004; high: 0.0003 + 2200 x 0.50 / 1M = $0.0014
    assert effort.loc["Low", "Per request"] == "$0.0004"
    assert effort.loc["High", "Per request"] == "$0.0014"
    assert any("$0.30 more per month" in c.value for c in at.caption)


def test_comparison_lists_every_related_model_with_a_price_or_unknown() -> None:
    at = open_page()
    set_counts(
        at,
        input_tokens=1000,
        cached_tokens=200,
        output_tokens=500,
        reasoning_tokens=1000,
        requests_per_day=100,
        days_per_month=30,
    )
    got = table(at, "genai-prices entry")
    assert got["Model"].tolist() == [GROK_3_MINI.name, *(m.name for m in RELATED)]
    quotes = compare(Workload(1000, 200, 500, 1000))
    for (_, row), q in zip(got.iterrows(), quotes, strict=True):
        if q.known:
            assert row["Price"] == f"{format_usd(q.per_request * 3000)} / month", q.model.id
        else:
            assert row["Price"] == "unknown" and pd.isna(row["Per month (USD)"]), q.model.id
    assert got.loc[0, "Price"] == "$3.02 / month"  # 0.001005 x 3000
    assert (got["Price"] == "unknown").sum() >= 1


BATCH = pd.DataFrame(
    {
        "id": [1, 2, 3],
        "prompt": ["Explain quantum computing in simple terms", "Write a Python function to sort a list", "Hi"],
    }
)


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_batch_file_gives_the_right_totals(kind: str) -> None:
    at = open_page()
    data = (BATCH.to_csv(index=False) if kind == "csv" else BATCH.to_json(orient="records", lines=True)).encode()
    at.file_uploader(key="pricing_batch_file").set_value((f"prompts.{kind}", data, "text/plain")).run()
    assert not at.exception
    assert at.selectbox(key="pricing_batch_column").value == "prompt"
    at.number_input(key="pricing_batch_output_fixed").set_value(200)
    at.number_input(key="pricing_batch_reasoning").set_value(300).run()
    assert not at.exception
    counts = [tokens.count_tokens(p) for p in BATCH["prompt"]]
    got = metrics(at)
    assert got["Rows"] == "3"
    assert got["Input tokens"] == f"{sum(counts):,}"
    assert (got["Output tokens"], got["Reasoning tokens"]) == ("600", "900")
    total = Decimal(sum(counts)) * Decimal("0.30") / 10**6 + Decimal(1500) * Decimal("0.50") / 10**6
    assert got["Total cost"] == format_usd(total)
    rows = table(at, "cost_usd")
    assert sum(Decimal(x) for x in rows["cost_usd"]) == total
    assert at.get("download_button")


def test_batch_ratio_output_and_bad_file() -> None:
    at = open_page()
    at.file_uploader(key="pricing_batch_file").set_value(("p.csv", BATCH.to_csv(index=False).encode(), "text/csv"))
    at.run()
    at.segmented_control(key="pricing_batch_output_mode").set_value("Ratio of input").run()
    at.number_input(key="pricing_batch_output_ratio").set_value(2.0).run()
    assert not at.exception
    counts = [tokens.count_tokens(p) for p in BATCH["prompt"]]
    assert metrics(at)["Output tokens"] == f"{2 * sum(counts):,}"
    at.file_uploader(key="pricing_batch_file").set_value(("p.jsonl", b"[1,2]\n", "text/plain")).run()
    assert not at.exception
    assert any("Could not read" in e.value for e in at.error)


def test_a_csv_line_with_an_unquoted_comma_is_named_in_a_sentence() -> None:
    at = open_page()
    data = b"prompt\nWhat is 2 + 2?\nHello, world\n"  # the walk's file: a comma outside quotes on line 3
    at.file_uploader(key="pricing_batch_file").set_value(("prompts.csv", data, "text/csv")).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Could not read prompts.csv. Line 3 has 2 fields where the header has 1: put text with commas in double "
        "quotes."
    ]


def test_page_price_contradiction_is_explained() -> None:
    at = open_page()
    assert "$0.400000 / call" in at.info[0].value and "uses the per-token" in at.info[0].value
    readings = table(at, "Reading of the page")
    assert readings["Reading of the page"][0] == "Per-token prices (used here)"


def test_unpriced_model_warns_and_still_compares() -> None:
    at = open_page()
    at.selectbox(key="pricing_model").set_value("deepseek-ai-DeepSeek-R1-Distill-Qwen-1.5B").run()
    assert not at.exception
    assert any("No flat per-token price" in w.value for w in at.warning)
    assert "Per request" not in metrics(at)
    assert len(table(at, "genai-prices entry")) == 1 + len(RELATED)
