"""Saved experiments on the compare page: save the last comparison or test set, then list, load, run again, delete.

Saving needs the store (``PLAYGROUND_DATABASE_URL``; SQLite by default). A saved experiment holds provider ids,
never keys or URLs: loading it resolves every provider again in this session.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from components import persist
from components import settings as cfg
from components.compare import live
from components.compare import testset as compare_testset
from components.compare import variants as compare_variants
from components.compare.tune import SOURCES
from playground.experiments import results
from playground.experiments.saved import Definition, DefinitionError, compare_definition, testset_definition
from playground.experiments.testrun import EvalRun
from playground.store import Experiment, ExperimentEntry

AUTORUN = "cmp_autorun"  # "compare" or "testset": this run starts the experiment just loaded
NOTICE = "cmp_saved_notice"  # (kind, text) shown once after a save, load or delete
PICK = "exp_pick"
SAVED = "cmp_saved_last"  # (kind, name) of the save just made, said once under its form
KIND_LABELS = {"compare": "Comparison", "testset": "Test set", "eval": "Evaluation"}
SHOW_RUN = "cmp_saved_show_run"  # the kind just run again: the page scrolls to where its results stream
RESULTS_AT = {"compare": ".st-key-cmp_live_0, .st-key-cmp_send", "testset": ".st-key-ts_stop, .st-key-ts_totals"}
SCROLL_JS = """<script>
(() => {
  const started = Date.now();
  const timer = setInterval(() => {
    const target = document.querySelector(%s);
    if (target || Date.now() - started > 15000) clearInterval(timer);
    if (target) target.scrollIntoView({behavior: "smooth", block: "start"});
  }, 100);
})();
</script>"""


def _owner() -> str:
    return persist.current_workspace().owner


def save_form(definition: Definition, results: Any, *, default_name: str) -> None:
    """A name and "Save as experiment" under a finished run (a caption instead when saving is off)."""
    if persist.link().store is None:
        st.caption(":material/cloud_off: Saving experiments needs a database (PLAYGROUND_DATABASE_URL).")
        return
    kind = definition.kind
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.text_input("Experiment name", default_name[:200], key=f"{kind}_save_name")
    right.button(
        "Save as experiment",
        key=f"{kind}_save",
        icon=":material/bookmark_add:",
        on_click=_save,  # a callback: the saved list above is drawn after it, with this one in it
        args=(definition, results, default_name),
    )
    saved = st.session_state.pop(SAVED, None)
    if saved is not None and saved[0] == kind:
        st.success(f"Saved as “{saved[1]}”.", icon=":material/bookmark_added:")


def _save(definition: Definition, results: Any, default_name: str) -> None:
    name = (st.session_state.get(f"{definition.kind}_save_name") or "").strip() or default_name
    owner, masked, doc = _owner(), persist.typed_keys(), definition.as_json()
    got = persist.reachable(
        lambda s: s.save_experiment(owner=owner, name=name, definition=doc, results=results, secrets=masked),
        default=None,
    )
    if got is not None:
        st.session_state[SAVED] = (definition.kind, name)


def save_compare(done: live.Finished) -> None:
    """The save form under a finished comparison."""
    prompt = done.history[-1]["content"] if done.history else ""
    definition = compare_definition(done.variants, prompt=prompt, on_top=done.on_top)
    frame = live.results_frame(done)
    records = json.loads(frame.to_json(orient="records", force_ascii=False))
    short = " ".join(prompt.split())
    save_form(definition, records, default_name=short if len(short) <= 60 else short[:59] + "…")


def save_testset(run: EvalRun) -> None:
    """The save form under a finished test set."""
    cap = str(run.budget.cap) if run.budget.cap is not None else None
    definition = testset_definition(
        run.variants,
        template=run.template,
        rows=run.records,
        check=run.check,
        cap=cap,
        concurrency=run.concurrency,
    )
    lines = results.run_lines(run)
    doc = json.loads(results.to_json(lines, results.totals(run.cells, run.variants)))
    name = f"Test set: {len(run.records):,} rows × {len(run.variants)} variants"
    save_form(definition, doc, default_name=name)


def _label(e: ExperimentEntry) -> str:
    kind = KIND_LABELS.get(e.kind, "Experiment")
    return f"{e.name} · {kind} · {e.created_at:%Y-%m-%d %H:%M} UTC"


def load(experiment_id: str, *, run: bool) -> None:
    """Put a saved experiment into the page's widgets (a button callback); ``run`` starts it on this run."""
    state = st.session_state
    owner = _owner()
    chosen = persist.reachable(lambda s: s.load_experiment(owner=owner, experiment_id=experiment_id), default=None)
    if chosen is None:
        state[NOTICE] = ("warning", "That experiment is gone (deleted, or the database is down).")
        return
    if chosen.definition.get("kind") == "eval":  # its runs are drawn by the Evaluate view
        state["cmp_view"] = "Evaluate"
        where = str(chosen.definition.get("source") or "")
        state["eval_source"] = SOURCES[0] if where == "the example" else SOURCES[1]
        state[NOTICE] = ("info", f"“{chosen.name}”: its runs are under Evaluate (choose {where} there).")
        return
    try:
        definition = Definition.from_json(chosen.definition)
        variants = definition.make_variants(resolve=cfg.resolve_config)
        if definition.kind == "testset":
            compare_testset.load(definition)  # template, rows, check, cap and concurrency
        else:
            state["cmp_prompt"], state["cmp_on_top"] = definition.prompt, definition.on_top
    except DefinitionError as exc:
        state[NOTICE] = ("error", f"“{chosen.name}” cannot be loaded: {exc}")
        return
    compare_variants.load(variants)
    state["cmp_view"] = "Test set" if definition.kind == "testset" else "Side by side"
    state[NOTICE] = ("info", f"Loaded “{chosen.name}”" + (": running it again." if run else "."))
    if run:
        state[AUTORUN] = definition.kind
        state[SHOW_RUN] = definition.kind


def delete(experiment_id: str) -> None:
    owner = _owner()
    persist.reachable(lambda s: s.delete_experiment(owner=owner, experiment_id=experiment_id), default=False)
    st.session_state[NOTICE] = ("info", "Deleted.")


def _stored_results(chosen: Experiment) -> pd.DataFrame | None:
    results = chosen.results
    if isinstance(results, dict):
        results = results.get("totals") or results.get("results")
    if not isinstance(results, list) or not results:
        return None
    frame = pd.DataFrame([r for r in results if isinstance(r, dict)])
    return frame.astype(object).where(frame.notna(), "").astype(str)  # a missing value is an empty cell


def _show_run() -> None:
    """After "Run again": bring the results into view as they stream (they are drawn below the variants)."""
    kind = st.session_state.pop(SHOW_RUN, None)
    if kind in RESULTS_AT:
        st.html(SCROLL_JS % json.dumps(RESULTS_AT[kind]), unsafe_allow_javascript=True, width="content")


def render_library() -> None:
    """The saved experiments, newest first, with their stored results and the actions."""
    notice = st.session_state.pop(NOTICE, None)
    if notice is not None:
        kind, text = notice
        getattr(st, kind)(text, icon=":material/science:")
    _show_run()
    if persist.link().store is None:
        return
    owner = _owner()
    found = persist.reachable(lambda s: s.experiment_index(owner=owner), default=None)  # no definitions read
    with st.expander(f"Saved experiments ({len(found or [])})", icon=":material/science:"):
        if not found:
            st.caption("Nothing saved yet: run a comparison or a test set, then save it as an experiment.")
            return
        by_id = {e.id: e for e in found}
        picked = st.selectbox("Experiment", list(by_id), key=PICK, format_func=lambda i: _label(by_id[i]))
        chosen = persist.reachable(lambda s: s.load_experiment(owner=owner, experiment_id=picked), default=None)
        if chosen is None:
            st.caption("That experiment cannot be read right now.")
            return
        variants = [str(v.get("label", "")) for v in chosen.definition.get("variants", [])]
        if chosen.definition.get("kind") == "eval":
            st.caption(
                f"Evaluation runs of {chosen.definition.get('source', 'an experiment')}: open it to see them."
            )
            st.button(
                "Open",
                key="exp_load",
                on_click=load,
                args=(picked,),
                kwargs={"run": False},
                icon=":material/upload:",
            )
            st.button("Delete", key="exp_delete", on_click=delete, args=(picked,), icon=":material/delete:")
            return
        st.caption(
            f"Variants: {', '.join(variants)} · prompt: {json.dumps(chosen.definition.get('prompt', ''))[:200]}"
        )
        table = _stored_results(chosen)
        if table is not None:
            st.dataframe(table, hide_index=True, key="exp_results")
        cols = st.columns(3)
        cols[0].button(
            "Load", key="exp_load", on_click=load, args=(picked,), kwargs={"run": False}, icon=":material/upload:"
        )
        cols[1].button(
            "Run again",
            key="exp_rerun",
            on_click=load,
            args=(picked,),
            kwargs={"run": True},
            icon=":material/replay:",
            type="primary",
        )
        cols[2].button("Delete", key="exp_delete", on_click=delete, args=(picked,), icon=":material/delete:")
