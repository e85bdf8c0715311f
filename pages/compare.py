"""Compare: one prompt to 2-4 variants side by side, and test sets through every variant under a cost cap."""

import streamlit as st

from components.compare import (
    evaluate as compare_evaluate,
)
from components.compare import (
    job_view as compare_job,
)
from components.compare import (
    live as compare_live,
)
from components.compare import (
    saved as compare_saved,
)
from components.compare import (
    testset as compare_testset,
)
from components.compare import (
    tune as compare_tune,
)
from components.compare import (
    variants as compare_variants,
)
from components.routing import require_router

require_router()
if st.session_state.pop(compare_live.GO_PLAYGROUND, False):
    st.switch_page("pages/chat.py")
stopped_compare = compare_live.collect_stopped()  # a Stop (any rerun) ends a running comparison or test set
stopped_tests = compare_testset.collect_stopped()
KEPT = (
    "cmp_prompt",
    "cmp_on_top",
    "ts_template",
    "ts_cap",
    "ts_check",
    "ts_expected",
    "ts_schema",
    "ts_concurrency",
)
for name in KEPT:  # values of the view not drawn survive (Streamlit drops the state of widgets it does not draw)
    if name in st.session_state:
        st.session_state[name] = st.session_state[name]
compare_tune.keep()
compare_evaluate.keep()
st.title("Compare")
compare_job.open_from_url()  # ?job=<id>: reload (or History's link) keeps the Evaluate view on that job
autorun = st.session_state.pop(compare_saved.AUTORUN, None)  # "Run again" on a saved experiment
compare_saved.render_library()
compare_variants.ensure_columns()
compare_variants.render_toolbar()
variants = compare_variants.render_columns()
blocked = compare_variants.blocking_problem()  # a column's tools or schema that do not parse: nothing is sent
# One view at a time (not tabs, which draw both): a streaming comparison updates a smaller page.
view = st.radio(
    "View",
    ["Side by side", "Test set", "Evaluate", "Tune"],
    key="cmp_view",
    horizontal=True,
    label_visibility="collapsed",
)
if view not in ("Evaluate", "Tune"):
    compare_job.point_url(None)  # the address names a job only in the view showing it
if view == "Side by side":
    prompt = st.text_area("Prompt", key="cmp_prompt", placeholder="Ask every variant the same thing")
    on_top = st.toggle("On top of the playground's conversation", key="cmp_on_top")
    # Never disabled by what the prompt box last committed: a click right after typing (the box still focused)
    # commits the text with the click, and an empty prompt is said on click.
    send = st.button("Send to all", key="cmp_send", type="primary", icon=":material/send:")
    asked = (send or autorun == "compare") and not stopped_compare
    missing = "Type a prompt to send to every variant." if not prompt.strip() else blocked
    if asked and missing:
        st.warning(missing, icon=":material/edit_note:")
    live = compare_live.stream(variants, prompt, on_top=on_top) if asked and not missing else None
    result = st.session_state.get(compare_live.RESULT)
    if result is not None:
        compare_live.render_result(result, live)
        compare_saved.save_compare(result)
elif view == "Evaluate":
    compare_evaluate.render(variants)
elif view == "Tune":
    compare_tune.render(variants)
else:
    compare_testset.render(variants, interrupted=stopped_tests, blocked=blocked, autorun=autorun == "testset")
    last = st.session_state.get(compare_testset.LAST)
    if last is not None and last.done:
        compare_saved.save_testset(last)
