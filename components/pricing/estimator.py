"""Pricing page estimator: model, token counts (typed, from text or measured), volume and the projection."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from components import persist
from components.state import conversation
from playground.facts.catalog import DEFAULT_MODEL_ID, MODELS, Model, Price
from playground.money import tokens
from playground.money.cache_projection import ASSUMPTION, forecast, hit_rates
from playground.money.pricing import (
    Cost,
    Measured,
    Projection,
    Volume,
    Workload,
    format_usd,
    measure_replies,
    project,
)
from playground.money.related import price_for

MODEL = "pricing_model"
INPUT, CACHED, OUTPUT, REASONING = (
    "pricing_input_tokens",
    "pricing_cached_tokens",
    "pricing_output_tokens",
    "pricing_reasoning_tokens",
)
REQUESTS, DAYS = "pricing_requests_per_day", "pricing_days_per_month"
TEXT, FILES, USE_TEXT = "pricing_text", "pricing_files", "pricing_use_text"
MEASURED, MEASURED_FROM = "pricing_measured", "pricing_measured_from"
MEASURED_SAVED = "pricing_measured_saved"  # True when the averages came from the saved replies
DEFAULTS = {INPUT: 1000, CACHED: 0, OUTPUT: 500, REASONING: 1000, REQUESTS: 100, DAYS: 30}
FALLBACK_NOTE = "estimated offline from the text; the provider's tokenizer decides the bill"
KINDS = (("Input", "input"), ("Cached input", "cached_input"), ("Output", "output"), ("Reasoning", "reasoning"))


def _seed() -> None:
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    st.session_state.setdefault(MODEL, DEFAULT_MODEL_ID)


def pick_model() -> tuple[Model, Price | None]:
    """The model picker; returns the model and its flat per-token price (None when unknown)."""
    _seed()
    model_id = st.selectbox(
        "Model",
        list(MODELS),
        key=MODEL,
        persist_state="session",
        format_func=lambda i: f"{MODELS[i].name} · {MODELS[i].platform}",
        help="Grok 3 Mini is priced from the product page; the others from genai-prices.",
    )
    model = MODELS[model_id]
    price = price_for(model)
    if price is None:
        st.warning(
            "No flat per-token price is known for this model (genai-prices has none, or it is tiered by "
            "prompt size). See **Compare models** for what is known.",
            icon=":material/help:",
        )
    else:
        st.caption(_price_line(price))
    return model, price


def _price_line(price: Price) -> str:
    cached = f" · {format_usd(price.cached_input)} cached input" if price.cached_input is not None else ""
    return (
        f"{format_usd(price.input)} input{cached} · {format_usd(price.output)} output per 1M tokens; "
        f"reasoning tokens are billed as output. Source: {price.source}"
        + (f"; cached price: {price.cached_source}" if price.cached_source else "")
    )


def _fill_measured(saved: bool = False) -> None:
    measured = _saved_measured() if saved else measure_replies(conversation().replies)
    if measured is None:
        return
    w = measured.workload
    st.session_state.update(
        {
            INPUT: w.input_tokens,
            CACHED: w.cached_tokens,
            OUTPUT: w.output_tokens,
            REASONING: w.reasoning_tokens,
            MEASURED_FROM: measured.replies,
            MEASURED_SAVED: saved,
        }
    )


def _saved_measured() -> Measured | None:
    """Averages over every reply saved in this workspace, or None (saving off, nothing saved, database down)."""
    store = persist.link().store
    if store is None:
        return None
    try:
        return store.measured(owner=persist.current_workspace().owner)
    except Exception:  # noqa: BLE001 - the session's own replies still work without the database
        return None


def measured_button() -> None:
    """One click fills the token counts with the averages of this session's playground replies."""
    measured = measure_replies(conversation().replies)
    count = measured.replies if measured else 0
    st.button(
        "Use this session's average reply",
        key=MEASURED,
        icon=":material/history:",
        on_click=_fill_measured,
        disabled=measured is None,
        help="Averages of the input, cached, output and reasoning tokens the provider reported per reply.",
    )
    saved = _saved_measured()
    if saved is not None:
        st.button(
            f"Use the average of all {saved.replies:,} saved replies",
            key="measured_saved",
            icon=":material/database:",
            on_click=_fill_measured,
            args=(True,),
            help="Averages over every reply saved in this workspace (the spend ledger), not only this session's.",
        )
    if count == 0 and saved is None:
        st.caption("No replies with usage yet: send prompts on the Playground page first.")
    elif st.session_state.get(MEASURED_FROM):
        n = st.session_state[MEASURED_FROM]
        st.caption(
            f":material/check: Filled with the average of {n} {'reply' if n == 1 else 'replies'} "
            + ("saved in this workspace." if st.session_state.get(MEASURED_SAVED) else "from this session.")
        )
    else:
        st.caption(f"{count} {'reply' if count == 1 else 'replies'} with usage in this session.")


@st.cache_data(max_entries=32, show_spinner=False, scope="session")  # keyed by the file's bytes
def _file_tokens(data: bytes) -> int:
    """Tokens of one uploaded file, counted once per content (not again on every rerun of the page)."""
    return tokens.count_tokens(data.decode("utf-8", "replace"))


def _text_tokens() -> int | None:
    text = st.session_state.get(TEXT) or ""
    files = st.session_state.get(FILES) or []
    if not text and not files:
        return None
    return tokens.count_tokens(text) + sum(_file_tokens(f.getvalue()) for f in files)


def _use_text() -> None:
    count = _text_tokens()
    if count is not None:
        st.session_state[INPUT] = count
        _forget_measured()


def text_counter() -> None:
    """Paste text or upload files to estimate their input tokens, and use the count."""
    with st.expander("Count input tokens from text or files", icon=":material/text_fields:"):
        st.text_area("Prompt text", key=TEXT, height=120, placeholder="Paste a typical prompt, with its context")
        st.file_uploader(
            "Text files", key=FILES, accept_multiple_files=True, type=["txt", "md", "json", "csv", "py"]
        )
        count = _text_tokens()
        if count is None:
            st.caption("Paste text or add files to count their tokens.")
            return
        st.metric("Estimated input tokens", f"≈{count:,}")
        note = getattr(tokens, "ACCURACY_NOTE", "") or FALLBACK_NOTE
        st.caption(f":material/info: {note[:1].upper()}{note[1:].rstrip('.')}.")
        st.button("Use as input tokens", key=USE_TEXT, icon=":material/input:", on_click=_use_text)


def _forget_measured() -> None:
    st.session_state.pop(MEASURED_FROM, None)


def token_inputs() -> Workload:
    """The four token counts of one request."""
    cols = st.columns(4)
    fields = (
        (
            INPUT,
            "Input tokens",
            "Every prompt token: system message, history and the new message, cached ones included.",
        ),
        (
            CACHED,
            "Cached input tokens",
            "The part of the input served from the prompt cache, billed at the cached price.",
        ),
        (OUTPUT, "Output tokens", "Answer tokens."),
        (REASONING, "Reasoning tokens", "Thinking tokens; billed at the output price."),
    )
    values = [
        col.number_input(
            label, min_value=0, step=100, key=key, help=text, persist_state="session", on_change=_forget_measured
        )
        for col, (key, label, text) in zip(cols, fields, strict=True)
    ]
    work = Workload(*(int(v or 0) for v in values))
    if work.cached_tokens > work.input_tokens:
        st.warning(
            "Cached input cannot exceed the input; only the input count is billed as cached.",
            icon=":material/warning:",
        )
    return work


def volume_inputs() -> Volume:
    """Requests per day and days per month."""
    left, right = st.columns(2)
    per_day = left.number_input("Requests per day", min_value=0, step=10, key=REQUESTS, persist_state="session")
    days = right.number_input(
        "Days per month", min_value=0, max_value=31, step=1, key=DAYS, persist_state="session"
    )
    return Volume(int(per_day or 0), int(days or 0))


def projection(workload: Workload, price: Price, volume: Volume) -> Projection:
    """Per request, per day and per month: totals, a split by kind and a chart."""
    got = project(workload, price, volume)
    cols = st.columns(3)
    for col, label, c in zip(cols, ("Per request", "Per day", "Per month"), got_costs(got), strict=True):
        col.metric(label, format_usd(c.total))
    split = pd.DataFrame(
        {
            "Kind": [name for name, _ in KINDS],
            "Per request": [format_usd(getattr(got.per_request, f)) for _, f in KINDS],
            "Per day": [format_usd(getattr(got.per_day, f)) for _, f in KINDS],
            "Per month": [format_usd(getattr(got.per_month, f)) for _, f in KINDS],
        }
    )
    st.dataframe(split, hide_index=True, key="pricing_split")
    chart = pd.DataFrame(
        {"Kind": split["Kind"], "USD per month": [_plot(getattr(got.per_month, f)) for _, f in KINDS]}
    )
    st.bar_chart(chart, x="Kind", y="USD per month", horizontal=True, sort=False, height=220)
    cache_forecast(workload, price, volume)
    return got


def _pct(rate: float) -> str:
    return f"{rate * 100:.0f} %"


def cache_forecast(workload: Workload, price: Price, volume: Volume) -> None:
    """The same volume at the prompt-cache hit rate of the user's own replies, beside the 0 % and 100 % bounds."""
    rates = hit_rates(r.usage for r in conversation().replies)
    got = forecast(workload, price, volume, rates)
    if rates.measured:
        n = rates.replies
        basis = f"measured on your {n} {'reply' if n == 1 else 'replies'} in this session"
        spread = f" (10th-90th percentile of replies: {_pct(rates.low)}-{_pct(rates.high)})"
    else:
        basis, spread = ASSUMPTION, ""
    st.markdown(f"**With the prompt cache**: hit rate {_pct(rates.weighted)}, {basis}{spread}.")
    rows = [
        ("No cache", 0.0, got.none),
        ("Your hit rate" if rates.measured else "Assumed hit rate", rates.weighted, got.expected),
        ("All input cached", 1.0, got.all),
    ]
    if rates.measured and rates.low != rates.high:
        rows[2:2] = [
            ("Low end of your replies", rates.low, got.low),
            ("High end of your replies", rates.high, got.high),
        ]
    table = pd.DataFrame(
        {
            "Case": [name for name, _, _ in rows],
            "Hit rate": [_pct(rate) for _, rate, _ in rows],
            "Per request": [format_usd(p.per_request.total) for _, _, p in rows],
            "Per day": [format_usd(p.per_day.total) for _, _, p in rows],
            "Per month": [format_usd(p.per_month.total) for _, _, p in rows],
        }
    )
    st.dataframe(table, hide_index=True, key="pricing_cache_forecast")


def got_costs(got: Projection) -> tuple[Cost, Cost, Cost]:
    """The three costs of a projection, smallest period first."""
    return got.per_request, got.per_day, got.per_month


def _plot(amount: Decimal) -> float:
    """A dollar amount for plotting only (figures shown as text stay Decimal)."""
    return float(amount)
