"""AppTest of the compare page's Tune view: the example on the offline engine (labelled simulation) and on a
loopback server, the frontier, what was dropped, the cap, and Apply to the playground."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from apptest_util import new_app, run
from eval_loopback import CapitalsServer, never
from streamlit.testing.v1 import AppTest
from test_eval_tuner import rule

from playground.eval import simulate

PAGE = "pages/compare.py"


def open_tune() -> AppTest:
    at = new_app()
    run(at)
    at.switch_page(PAGE)
    run(at)
    at.radio(key="cmp_view").set_value("Tune")
    return run(at)


def tune(at: AppTest, *, temperatures: str, cap: float = 0.3) -> AppTest:
    at.text_input(key="tune_temperature").set_value(temperatures)
    at.number_input(key="tune_cap").set_value(cap)
    at.button(key="tune_go").click()
    at.run(timeout=240)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_tune_on_a_loopback_server_recommends_the_setting_that_passes_and_applies_it(monkeypatch) -> None:
    with CapitalsServer(rule=rule) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        at = open_tune()
        tune(at, temperatures="0.5, 1.5")
        assert server.answers and server.judged == server.answers
    success = [s.value for s in at.success]
    assert success and success[0].startswith(
        "Recommended: **effort high, temperature 0.5, top_p 0.9, max tokens 1000**"
    )
    table = next(d.value for d in at.dataframe if "Setting" in d.value.columns)
    assert list(table["Status"]) == ["Dropped", "Dropped", "Recommended", "Dropped"]
    assert list(table["Pass rate (%)"]) == [0, 0, 100, 0]
    assert simulate.RULE not in [i.value for i in at.info]  # a real server: its own answers, not simulated
    spent = Decimal(success[0].split("Spent $", 1)[1].split(" ", 1)[0])
    assert spent <= Decimal("0.30")
    log = [t.value for t in at.text]
    assert any(line.startswith("Dropped effort low, temperature 0.5") for line in log)
    at.button(key="tune_apply").click()
    run(at)
    assert at.session_state["temperature"] == 0.5 and at.session_state["reasoning_effort"] == "high"
    assert at.slider(key="temperature").value == 0.5  # the playground's sidebar shows the applied setting
    at.switch_page("pages/model.py")
    run(at)
    code = "\n".join(c.value for c in at.code)
    assert re.search(r"temperature\W+0\.5\b", code) and re.search(r"reasoning_effort\W+high", code)


def test_tune_on_the_offline_engine_is_a_labelled_simulation() -> None:
    at = open_tune()
    tune(at, temperatures="0, 1.4")
    assert simulate.RULE in [i.value for i in at.info]
    success = [s.value for s in at.success]
    assert success and success[0].startswith("Recommended: **effort ")
    table = next(d.value for d in at.dataframe if "Setting" in d.value.columns)
    assert len(table) == 4 and "Recommended" in list(table["Status"])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tune_temperature", "hot", "Temperatures: write numbers separated by commas"),
        ("tune_temperature", "3", "The search space has a value the playground refuses"),
    ],
)
def test_bad_space_values_say_so_and_send_nothing(field: str, value: str, message: str) -> None:
    at = open_tune()
    at.text_input(key=field).set_value(value)
    at.button(key="tune_go").click()
    run(at)
    assert any(message in e.value for e in at.error)
    assert at.session_state["tune_temperature"] == value  # what was typed survives


def open_view(view: str) -> AppTest:
    at = new_app()
    run(at)
    at.switch_page(PAGE)
    run(at)
    at.radio(key="cmp_view").set_value(view)
    return run(at)


def evaluate(at: AppTest) -> AppTest:
    at.button(key="eval_go").click()
    at.run(timeout=240)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_evaluate_repeats_intervals_judge_cost_and_a_baseline_with_the_changed_rows(monkeypatch) -> None:
    with CapitalsServer(seed=4) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        at = open_view("Evaluate")
        assert at.number_input(key="eval_repeats").value == 3
        evaluate(at)
        assert server.answers == 120 and server.judged == 120  # 20 rows × 2 columns × 3 repeats, each judged
        forecast = [i.value for i in at.info if "judge requests: predicted cost" in i.value]
        assert forecast and forecast[0].startswith("120 answers and 120 judge requests")
        table = next(d.value for d in at.dataframe if "Flip rate" in d.value.columns)
        assert len(table) == 2 and all(re.fullmatch(r"\d+ % \(\d+–\d+ %\)", v) for v in table["Pass rate"])
        assert all(re.fullmatch(r"\d+ %", v) for v in table["Flip rate"])
        sentences = [
            m.value
            for m in at.markdown
            if "separable" in m.value or "passes" in m.value or "same verdicts" in m.value
        ]
        assert len(sentences) == 1
        caption = next(c.value for c in at.caption if c.value.startswith("The judge cost $"))
        assert ", inside its predicted $" in caption and "of the $0.50 cap." in caption
        at.button(key="eval_keep").click()
        run(at)
        server.rule = never  # the next run gets every answer wrong
        evaluate(at)
    regressed = [m.value for m in at.markdown if "regressed against the baseline" in m.value]
    assert len(regressed) == 2
    shifts = [c.value for c in at.caption if c.value.startswith(("Cost per answer", "p95 latency"))]
    assert len(shifts) == 4 and all("95 % interval" in c and "paired by row" in c for c in shifts)
    changes = [m.value for m in at.markdown if m.value.startswith("Baseline: ")]
    now = [m.value for m in at.markdown if m.value.startswith("This run: ")]
    assert changes and len(changes) == len(now)
    for before, after in zip(changes, now, strict=True):  # each changed row: both answers, differences marked
        if ":red-background[" in before:
            assert ":green-background[" in after
        else:  # the most frequent answer did not change (only how often it came): nothing to highlight
            assert before.removeprefix("Baseline: ") == after.removeprefix("This run: ")
    assert sum(":red-background[" in c for c in changes) >= len(changes) // 2
