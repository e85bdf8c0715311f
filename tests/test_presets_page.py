"""Presets through the app (AppTest), on SQLite and PostgreSQL: saved, listed in a fresh session, loaded with
their parameters, tools and output format, deleted."""

from __future__ import annotations

import pytest
from apptest_util import new_app, run


@pytest.fixture
def database(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The app's PLAYGROUND_DATABASE_URL for this test (a temporary SQLite file or a fresh PostgreSQL database)."""
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", db_url)
    return db_url


def test_presets_survive_a_fresh_session(database: str) -> None:
    at = run(new_app())
    at.text_area(key="system").set_value("Answer in haiku.")
    at.slider(key="temperature").set_value(0.2)
    run(at)
    at.text_input(key="preset_name").set_value("Haiku")
    at.button(key="preset_save").click()
    run(at)
    fresh = run(new_app())
    assert fresh.selectbox(key="preset_pick").options == ["Haiku"]
    fresh.button(key="preset_load").click()
    run(fresh)
    assert fresh.text_area(key="system").value == "Answer in haiku."
    assert fresh.slider(key="temperature").value == 0.2
    fresh.button(key="preset_delete").click()
    run(fresh)
    assert not [s for s in fresh.selectbox if s.key == "preset_pick"]


def test_a_preset_keeps_the_tools_and_output_format(database: str) -> None:
    from components import state as keys
    from playground.tools.examples import EXAMPLE_TOOLS, STARTING_SCHEMAS
    from playground.tools.response_format import ResponseFormat
    from playground.tools.settings import ToolSettings

    fmt = ResponseFormat("json_schema", "extraction", STARTING_SCHEMAS["extraction"])
    chosen = ToolSettings(tools=EXAMPLE_TOOLS[:2], response_format=fmt, mocks=(("get_weather", '{"t": 1}'),))
    at = new_app()
    at.session_state[keys.TOOL_SETTINGS] = chosen
    run(at)
    at.text_input(key="preset_name").set_value("Extractor")
    at.button(key="preset_save").click()
    run(at)
    fresh = run(new_app())
    fresh.button(key="preset_load").click()
    run(fresh)
    assert not fresh.exception
    loaded = fresh.session_state[keys.TOOL_SETTINGS]
    assert loaded.tools == chosen.tools and loaded.response_format == fmt and loaded.mocks == chosen.mocks
    assert '"get_weather"' in fresh.session_state[keys.TOOL_TEXTS]["tools"]
    assert any("2 tools" in c.value for c in fresh.caption)  # the sidebar's summary says so


def test_saving_a_preset_without_a_name_says_what_is_missing(database: str) -> None:
    at = run(new_app())
    at.button(key="preset_save").click()
    run(at)
    assert not at.exception
    assert [w.value for w in at.warning] == ["Type a name for the preset, then Save preset."]
    assert not [s for s in at.selectbox if s.key == "preset_pick"]  # nothing saved
