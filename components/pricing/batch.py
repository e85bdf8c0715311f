"""Pricing page: batch estimate of a CSV or JSONL file of prompts."""

from __future__ import annotations

from decimal import Decimal

import streamlit as st

from playground.facts.catalog import Model, Price
from playground.money.batch import BatchError, BatchResult, Output, estimate, read_table, to_csv
from playground.money.pricing import format_usd

FILE, COLUMN = "pricing_batch_file", "pricing_batch_column"
MODE, FIXED, RATIO = "pricing_batch_output_mode", "pricing_batch_output_fixed", "pricing_batch_output_ratio"
REASONING, DOWNLOAD = "pricing_batch_reasoning", "pricing_batch_download"
FIXED_MODE, RATIO_MODE = "Fixed tokens", "Ratio of input"
PREVIEW_ROWS = 1000
LIKELY = ("prompt", "text", "content", "input", "question", "messages", "message")


@st.cache_data(max_entries=4, show_spinner=False, scope="session")  # uploads stay in their session
def _table(data: bytes, name: str):  # noqa: ANN202 (a pandas DataFrame)
    return read_table(data, name)


@st.cache_data(max_entries=4, show_spinner="Estimating every row…", scope="session")
def _estimate(
    data: bytes, name: str, column: str, price: Price, output: Output, reasoning: int
) -> tuple[BatchResult, bytes]:
    result = estimate(_table(data, name), column, price=price, output=output, reasoning=reasoning)
    return result, to_csv(result)


def _guess(columns: list[str]) -> int:
    lowered = [c.lower() for c in columns]
    return next((lowered.index(w) for w in LIKELY if w in lowered), 0)


def _output() -> Output:
    mode = st.segmented_control(
        "Expected output per row", [FIXED_MODE, RATIO_MODE], key=MODE, default=FIXED_MODE, required=True
    )
    if mode == RATIO_MODE:
        ratio = st.number_input(
            "Output tokens per input token", min_value=0.0, value=1.0, step=0.1, format="%.2f", key=RATIO
        )
        return Output(ratio=Decimal(str(ratio)))
    return Output(fixed=int(st.number_input("Output tokens per row", min_value=0, value=500, step=50, key=FIXED)))


def _totals(result: BatchResult) -> None:
    cols = st.columns(5)
    cols[0].metric("Rows", f"{len(result.rows):,}")
    cols[1].metric("Input tokens", f"{result.input_tokens:,}")
    cols[2].metric("Output tokens", f"{result.output_tokens:,}")
    cols[3].metric("Reasoning tokens", f"{result.reasoning_tokens:,}")
    cols[4].metric("Total cost", format_usd(result.total.total))
    st.caption(
        f"Split: input {format_usd(result.total.input)} · output {format_usd(result.total.output)} · "
        f"reasoning {format_usd(result.total.reasoning)}. Input tokens are estimates."
    )


def batch(model: Model, price: Price | None) -> None:
    """Upload, choose the column and the expected output, see per-row tokens and cost, download the CSV."""
    upload = st.file_uploader(
        "Prompts file (CSV or JSONL)",
        type=["csv", "jsonl"],
        key=FILE,
        help="One prompt per row (CSV) or per line (JSONL); nested JSON fields become a.b",
    )
    if upload is None:
        st.caption("Each row is priced as one request with the model chosen above, no cached input.")
        return
    if price is None:
        st.warning(
            f"No flat per-token price is known for {model.name}; pick a priced model above.",
            icon=":material/help:",
        )
        return
    data = upload.getvalue()
    try:
        columns = list(_table(data, upload.name).columns)
    except BatchError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    if not columns:
        st.error("The file has no columns.", icon=":material/error:")
        return
    column = st.selectbox("Column or field with the prompt", columns, index=_guess(columns), key=COLUMN)
    output = _output()
    reasoning = st.number_input(
        "Reasoning tokens per row",
        min_value=0,
        value=250 if model.reasoning else 0,
        step=50,
        key=REASONING,
        help="Billed as output; see the reasoning effort tab.",
    )
    try:
        result, csv = _estimate(data, upload.name, column, price, output, int(reasoning))
    except BatchError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    _totals(result)
    shown = result.rows.head(PREVIEW_ROWS)
    st.dataframe(
        shown,
        hide_index=True,
        key="pricing_batch_rows",
        column_config={
            "input_tokens": st.column_config.NumberColumn("Input tokens", format="localized", help="Estimated"),
            "output_tokens": st.column_config.NumberColumn("Output tokens", format="localized"),
            "reasoning_tokens": st.column_config.NumberColumn("Reasoning tokens", format="localized"),
            "cost_usd": st.column_config.TextColumn("Cost (USD)", help="Exact US dollars"),
        },
    )
    if len(result.rows) > PREVIEW_ROWS:
        st.caption(f"Showing the first {PREVIEW_ROWS:,} of {len(result.rows):,} rows; the download has them all.")
    st.download_button(
        "Download per-row estimate (CSV)",
        csv,
        file_name="batch-estimate.csv",
        mime="text/csv",
        key=DOWNLOAD,
        icon=":material/download:",
        on_click="ignore",
    )
