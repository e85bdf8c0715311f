"""AppTest of the compare page through app.py: variants side by side, exact costs, test sets under a cost cap."""

from __future__ import annotations

from decimal import Decimal

import pytest
from apptest_util import new_app, run
from experiments_util import known_cost, known_usage_handler
from loopback import LoopbackServer
from streamlit.testing.v1 import AppTest

from playground.money.pricing import format_usd

PAGE = "pages/compare.py"


def open_compare(**state: object) -> AppTest:
    at = new_app()
    run(at)
    for name, value in state.items():
        at.session_state[name] = value
    at.switch_page(PAGE)
    return run(at)


@pytest.fixture
def known(monkeypatch: pytest.MonkeyPatch):
    """A loopback server with known usage, and the app pointed at it as the custom provider."""
    with LoopbackServer(known_usage_handler()) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        yield server


def frame_with(at: AppTest, column: str):
    """The shown table that has ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def send(at: AppTest, prompt: str) -> AppTest:
    at.text_area(key="cmp_prompt").set_value(prompt)
    run(at)
    at.button(key="cmp_send").click()
    return run(at)


def test_two_variants_on_the_offline_engine() -> None:
    at = open_compare()
    assert at.selectbox(key="cmp_0_provider").value == "offline"
    send(at, "Why is the sky blue?")
    strips = [c.value for c in at.caption if "first token" in c.value]
    assert len(strips) == 2 and all("(estimated)" in s for s in strips)
    assert all(s.endswith(" list prices") and "· not spent: would cost $0.0" in s for s in strips), strips
    frame = at.dataframe[0].value
    assert frame["Variant"].tolist() == ["Variant 1", "Variant 2"]
    assert "None" not in frame.to_string() and "nan" not in frame.to_string()
    assert "Tool calls" not in frame.columns and "Format" not in frame.columns  # empty for both: left out
    assert frame["Status"].tolist() == ["Complete", "Complete"]


def test_effort_set_costs_and_difference_are_exact(known: LoopbackServer) -> None:
    at = open_compare()
    at.button(key="cmp_set_0").click()
    run(at)
    assert [at.selectbox(key=f"cmp_{i}_effort").value for i in (0, 1)] == ["low", "high"]
    send(at, "Why is the sky blue?")
    efforts = sorted(r.json()["reasoning_effort"] for r in known.requests)
    assert efforts == ["high", "low"]
    frame = at.dataframe[0].value
    assert [known_cost(100), known_cost(1340)] == [Decimal("0.000086"), Decimal("0.000706")]
    assert frame["Cost"].tolist() == ["$0.000086", "$0.000706"]
    assert frame["Reasoning tokens"].tolist() == ["100", "1,340"]
    assert frame["Compared with the first"][1].startswith("+1,240 reasoning tokens, +$0.00062, ")
    assert any(c.value.startswith("vs Effort low: +1,240 reasoning tokens, +$0.00062") for c in at.caption)
    assert any(c.value.endswith("· $0.000086") for c in at.caption)


def test_continue_with_one_opens_the_playground_with_its_settings(known: LoopbackServer) -> None:
    at = open_compare()
    at.button(key="cmp_set_1").click()
    run(at)
    send(at, "Hello")
    at.button(key="cmp_continue_1").click()
    run(at)
    conv = at.session_state["conversation"]
    assert [(m.role, m.content) for m in conv.messages] == [("user", "Hello"), ("assistant", "echo: Hello")]
    assert at.session_state["temperature"] == 1.0
    assert at.slider(key="temperature").value == 1.0  # the playground's sidebar shows the variant's settings


def _test_set(at: AppTest, *, cap: str = "", check: str = "none") -> AppTest:
    if at.radio(key="cmp_view").value != "Test set":
        at.radio(key="cmp_view").set_value("Test set")
        run(at)
    at.text_area(key="ts_template").set_value("{{question}} {{expected}}")
    at.text_input(key="ts_cap").set_value(cap)
    at.selectbox(key="ts_check").set_value(check)
    return run(at)


def test_cap_refuses_a_run_predicted_past_it(known: LoopbackServer) -> None:
    at = _test_set(open_compare(), cap="0.000001")
    errors = [e.value for e in at.error]
    assert any(e.startswith("Even with no output this run costs at least $0.0000") for e in errors)
    assert errors[-1].endswith("over the cap of $0.000001.")
    at.button(key="ts_run").click()  # never disabled (issue 20, step 3): the click says why nothing runs
    run(at)
    assert not at.exception
    assert any(w.value.startswith("Nothing ran. Even with no output") for w in at.warning)
    assert known.requests == []


def test_cap_stops_a_run_before_passing_it(known: LoopbackServer) -> None:
    at = open_compare()
    for i in (0, 1):
        at.number_input(key=f"cmp_{i}_max_tokens").set_value(100)
    at.radio(key="cmp_view").set_value("Test set")
    run(at)
    at.number_input(key="ts_concurrency").set_value(1)  # one at a time: the stop point is exact
    # Each request reserves about $0.000065 (its input plus 100 output tokens) and really costs $0.000036: the
    # cap leaves room for the second reservation after one real cost, not the third after two.
    at = _test_set(at, cap="0.00012")
    info = next(i.value for i in at.info if "predicted cost" in i.value)
    assert info.startswith("4 requests, predicted cost $")
    at.button(key="ts_run").click()
    run(at)
    assert len(known.requests) == 2
    summary = next(w.value for w in at.warning if "cap" in w.value)
    assert summary.startswith(
        "Stopped at the cap of $0.00012: 2 of 4 requests ran and cost $0.000072, leaving $0.000048; "
        "the next (row 2, Variant 1) could cost up to $0.0000"
    )
    assert summary.endswith(", more than is left. Raise the cap or lower Max tokens to run the rest.")
    assert known_cost(0) == Decimal("0.000036")
    assert frame_with(at, "Pass rate")["Cost"].tolist() == ["$0.000036", "$0.000036"]


def test_checks_and_pass_rates(known: LoopbackServer) -> None:
    at = _test_set(open_compare(), check="contains")
    at.selectbox(key="ts_expected").set_value("expected")
    run(at)
    at.button(key="ts_run").click()
    run(at)
    assert [s.value for s in at.success] == [f"4 of 4 requests ran and cost {format_usd(4 * known_cost(0))}."]
    totals = frame_with(at, "Pass rate")
    assert totals["Pass rate"].tolist() == ["100 %", "100 %"]
    assert totals["Cost"].tolist() == [format_usd(2 * known_cost(0))] * 2
    grid = frame_with(at, "Variant 1: output")
    assert grid["Variant 1: output"].tolist() == [
        "echo: What is 2 + 2? 4",
        "echo: Name the capital of France. Paris",
    ]
    # Each row reads on its own: its input and expected value beside every variant's output and verdict.
    assert list(grid.columns[:4]) == ["Row", "question", "Expected", "Variant 1: output"]
    assert grid["question"].tolist() == ["What is 2 + 2?", "Name the capital of France."]
    assert grid["Expected"].tolist() == ["4", "Paris"] and grid["Variant 2: check"].tolist() == ["Pass", "Pass"]
    assert not any(c.islower() and "_" in c for c in [*grid.columns, *totals.columns])  # no snake_case headers
    assert "None" not in grid.to_string() and "None" not in totals.to_string()
    at.selectbox(key="ts_check").set_value("equals")
    run(at)
    at.button(key="ts_run").click()
    run(at)
    assert frame_with(at, "Pass rate")["Pass rate"].tolist() == ["0 %", "0 %"]


def test_a_column_without_a_key_says_it_runs_offline() -> None:
    at = open_compare()
    at.selectbox(key="cmp_1_provider").set_value("xai")
    run(at)
    assert any("No key for xAI" in c.value and "offline engine" in c.value for c in at.caption)
    send(at, "Hi")
    assert at.dataframe[0].value["Status"].tolist() == ["Complete", "Complete"]


def test_switching_views_keeps_the_prompt_and_the_template() -> None:
    at = open_compare()
    at.text_area(key="cmp_prompt").set_value("Kept prompt")
    at = _test_set(at, cap="0.5")
    at.text_area(key="ts_template").set_value("Kept {{question}}")
    run(at)
    at.radio(key="cmp_view").set_value("Side by side")
    run(at)
    assert at.text_area(key="cmp_prompt").value == "Kept prompt"
    at.radio(key="cmp_view").set_value("Test set")
    run(at)
    assert at.text_area(key="ts_template").value == "Kept {{question}}"
    assert at.text_input(key="ts_cap").value == "0.5"


def test_compare_spends_through_the_daily_budget_and_ledger(
    known: LoopbackServer, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from playground.store import Store

    url = f"sqlite:///{tmp_path / 'spend.db'}"
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", url)
    monkeypatch.setenv("PLAYGROUND_DAILY_BUDGET_USD", "0.000001")  # less than any request's maximum
    at = send(open_compare(), "Why is the sky blue?")
    assert not at.exception
    assert known.requests == []  # refused before sending
    warnings = [w.value for w in at.warning if "Not sent: this request could cost up to" in w.value]
    assert len(warnings) == 2
    monkeypatch.setenv("PLAYGROUND_DAILY_BUDGET_USD", "1")
    at = send(open_compare(), "Why is the sky blue?")
    assert not at.exception and len(known.requests) == 2
    store = Store.open(url=url)
    try:
        assert store.spend_total(owner=None) == 2 * known_cost(0)
    finally:
        store.close()


def test_a_budget_setting_that_is_not_an_amount_sends_nothing(
    known: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYGROUND_DAILY_BUDGET_USD", "lots")
    at = send(open_compare(), "Why is the sky blue?")
    assert not at.exception and known.requests == []
    assert any("PLAYGROUND_DAILY_BUDGET_USD must be an amount" in e.value for e in at.error)


def test_send_to_all_is_never_disabled_and_an_empty_prompt_is_said() -> None:
    at = open_compare()
    assert not at.button(key="cmp_send").disabled  # a click right after typing is never swallowed (finding 3)
    at.button(key="cmp_send").click()
    run(at)
    assert not at.exception
    assert [w.value for w in at.warning] == ["Type a prompt to send to every variant."]
    assert not at.dataframe  # nothing was sent


def _upload(at: AppTest, text: str) -> AppTest:
    at.file_uploader(key="ts_upload").set_value(("rows.csv", text.encode(), "text/csv"))
    return run(at)


def test_the_expected_column_is_found_by_name_or_asked_for(known: LoopbackServer) -> None:
    at = _test_set(open_compare(), check="contains")
    at.text_area(key="ts_template").set_value("{{prompt}}")
    at = _upload(at, "prompt,Answer\nWhat is 2 + 2?,4\n")
    assert at.selectbox(key="ts_expected").value == "Answer"  # named so (any case), not the first column
    at = _upload(at, "prompt,city\nWhere is Rome?,Italy\n")
    assert at.selectbox(key="ts_expected").value is None  # no silent default: the user is asked
    assert any(e.value.startswith("Choose the expected column") for e in at.error)
    at.button(key="ts_run").click()
    run(at)
    assert not at.exception
    assert any(w.value.startswith("Nothing ran. Choose the expected column") for w in at.warning)
    assert known.requests == []
    at.selectbox(key="ts_expected").set_value("city")
    run(at)
    at.button(key="ts_run").click()
    run(at)
    assert len(known.requests) == 2
    grid = frame_with(at, "Variant 1: output")
    assert grid[["prompt", "Expected"]].values.tolist() == [["Where is Rome?", "Italy"]]
