"""Export and import of the Evaluate view's experiment: "Export experiment" downloads the file
``python -m playground.eval run`` reads (the chosen test set with the page's columns, repeats and cap);
"Import experiment" reads one back into the columns, repeats and cap (a bad file says why and changes nothing)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import streamlit as st

from components import settings as cfg
from components.compare import variants as compare_variants
from components.compare.tune import experiment_doc
from playground.eval.experiment import Environment, ExperimentError, parse_experiment
from playground.eval.export import export_doc, export_text
from playground.experiments.variant import Variant

NOTICE = "eval_import_notice"  # (kind, text) said once after an import


def render_export(variants: list[Variant], *, repeats: int, cap: Decimal) -> None:
    """The download button (a caption instead when the chosen experiment cannot be read)."""
    try:
        doc, where = experiment_doc("eval_source", "eval_file")
        exported = export_doc(doc, variants=variants, repeats=repeats, cap=cap)
    except ExperimentError as exc:
        st.caption(f"Export experiment: {exc}")
        return
    name = "capitals.json" if where == "the example" else Path(where).stem + ".json"
    st.download_button(
        "Export experiment",
        data=export_text(exported),
        file_name=name,
        mime="application/json",
        key="eval_export",
        icon=":material/download:",
        on_click="ignore",
    )


def render_import() -> None:
    """The "Import experiment" button under the file chooser, and what the last import said."""
    chosen = st.session_state.get("eval_file") is not None
    st.button(
        "Import experiment",
        key="eval_import",
        icon=":material/upload_file:",
        on_click=_import,
        disabled=not chosen,
        help="Puts the file's variants into the columns and its repeats and cap into this view.",
    )
    notice = st.session_state.pop(NOTICE, None)
    if notice is not None:
        kind, text = notice
        getattr(st, kind)(text, icon=":material/error:" if kind == "error" else ":material/upload_file:")


def _import() -> None:
    """A callback: read the chosen file, then (only when it is valid) fill the columns, repeats and cap."""
    state = st.session_state
    try:
        doc, where = experiment_doc("eval_source", "eval_file")
        experiment = parse_experiment(doc, where=where, env=Environment(dict(os.environ), cfg.secrets()))
    except ExperimentError as exc:
        state[NOTICE] = ("error", f"Nothing was imported: {exc}")
        return
    variants = list(experiment.suite.variants)
    compare_variants.load(variants)
    state["eval_repeats"] = experiment.repeats
    if experiment.cap is not None:
        state["eval_cap"] = float(experiment.cap)
    state[NOTICE] = (
        "success",
        f"Imported {where}: {len(variants)} variants into the columns, {len(experiment.suite.rows):,} rows, "
        f"{experiment.repeats} repeats.",
    )
