"""AppTest of saved experiments on the compare page: save a comparison and a test set, load and run them again
to the same requests, delete; and what the page says when saving is off."""

from __future__ import annotations

import json

import pytest
from apptest_util import run
from loopback import LoopbackServer
from streamlit.testing.v1 import AppTest
from test_compare_page import _test_set, frame_with, known, open_compare, send  # noqa: F401 - fixture by name

from playground.store import Store


@pytest.fixture
def db(monkeypatch: pytest.MonkeyPatch, tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'experiments.db'}"
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", url)
    return url


def bodies(server: LoopbackServer) -> list[str]:
    return sorted(json.dumps(r.json(), sort_keys=True) for r in server.requests)


def saved(url: str) -> list:
    store = Store.open(url=url)
    try:
        return store.list_experiments(owner="local")
    finally:
        store.close()


def save(at: AppTest, kind: str, name: str) -> AppTest:
    at.text_input(key=f"{kind}_save_name").set_value(name)
    at.button(key=f"{kind}_save").click()
    return run(at)


def test_a_saved_comparison_runs_again_with_its_settings(known: LoopbackServer, db: str) -> None:  # noqa: F811
    at = open_compare()
    at.button(key="cmp_set_0").click()  # reasoning effort low vs high
    run(at)
    at.selectbox(key="cmp_1_format").set_value("json_object")
    send(at, "Why is the sky blue?")
    first = bodies(known)
    at = save(at, "compare", "Effort sweep")
    assert not at.exception
    assert any("Saved as “Effort sweep”" in s.value for s in at.success)
    (experiment,) = saved(db)
    assert experiment.definition["kind"] == "compare" and len(experiment.results) == 2
    at.button(key="cmp_set_1").click()  # other columns and another prompt before running it again
    run(at)
    at.text_area(key="cmp_prompt").set_value("Something else")
    run(at)
    known.requests.clear()
    at.button(key="exp_rerun").click()
    run(at)
    assert not at.exception
    assert at.text_area(key="cmp_prompt").value == "Why is the sky blue?"
    assert [at.selectbox(key=f"cmp_{i}_effort").value for i in (0, 1)] == ["low", "high"]
    assert bodies(known) == first  # the same requests again
    assert frame_with(at, "Variant")["Variant"].tolist() == ["Effort low", "Effort high"]


def test_a_saved_test_set_loads_and_runs_again(known: LoopbackServer, db: str) -> None:  # noqa: F811
    at = _test_set(open_compare(), cap="0.5", check="contains")
    at.selectbox(key="ts_expected").set_value("expected")
    run(at)
    at.button(key="ts_run").click()
    run(at)
    first = bodies(known)
    at = save(at, "testset", "Two questions")
    (experiment,) = saved(db)
    assert experiment.definition["rows"] == [
        {"question": "What is 2 + 2?", "expected": "4"},
        {"question": "Name the capital of France.", "expected": "Paris"},
    ]
    assert experiment.results["totals"][0]["Pass rate"] == "100 %"
    at.text_area(key="ts_template").set_value("changed {{question}}")
    at.text_input(key="ts_cap").set_value("")
    at.radio(key="cmp_view").set_value("Side by side")
    run(at)
    at.button(key="exp_load").click()
    run(at)
    assert at.radio(key="cmp_view").value == "Test set"
    assert at.text_area(key="ts_template").value == "{{question}} {{expected}}"
    assert at.text_input(key="ts_cap").value == "0.5"
    assert known.requests and bodies(known) == first  # loading alone sends nothing new
    known.requests.clear()
    at.button(key="exp_rerun").click()
    run(at)
    assert not at.exception
    assert bodies(known) == first
    assert frame_with(at, "Pass rate")["Pass rate"].tolist() == ["100 %", "100 %"]
    at.button(key="exp_delete").click()
    run(at)
    assert saved(db) == []


def test_saving_is_off_without_a_database() -> None:
    at = send(open_compare(), "Hi")
    assert not at.exception
    assert any("Saving experiments needs a database" in c.value for c in at.caption)
    assert not [e for e in at.expander if "Saved experiments" in e.label]
