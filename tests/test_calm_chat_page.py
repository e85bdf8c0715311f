"""The calm chat through app.py (AppTest): the one-line strip and its details, the More menu, the sidebar's one
control per parameter with its Advanced part."""

import re

import pytest
from apptest_util import answer_stream, send, start_app
from loopback import LoopbackServer

from components.chat import actions


@pytest.fixture
def recorder(monkeypatch):
    with LoopbackServer(lambda req: answer_stream("A calm answer")) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        yield server


def test_the_strip_is_short_and_the_details_sit_under_it(recorder):
    at = start_app()
    send(at, "Hello?")
    strip = at.main.expander[-1]
    assert re.fullmatch(r"\d+\.\d s · [\d,]+ tok/s · 20 tokens · \$0\.\d+", strip.label), strip.label
    details = strip.caption[0].value
    for part in ("first token", "finish stop", "tokens in 50 · out 20 · reasoning 8 · cached 0", "cost $"):
        assert part in details and part not in strip.label
    assert at.main.expander[-2].label.startswith("Thought for") and at.main.expander[-2].label.endswith(
        "(8 tokens)"
    )


def test_the_more_menu_holds_the_rest_and_closes_when_an_item_opens_a_dialog(recorder):
    at = start_app()
    send(at, "Hello?")
    row = [b.key for b in at.button if b.key in ("regenerate", "open_messages", "view_code", "clear")]
    assert row == ["regenerate", "open_messages", "view_code", "clear"]
    at.session_state[actions.MORE] = True
    at.button(key="view_code").click().run()
    assert not at.exception
    assert at.session_state[actions.MORE] is False  # the menu closed for the dialog
    assert any("curl" in c.value for c in at.code)  # the dialog's samples are drawn


def test_one_slider_per_parameter_the_rarer_ones_in_advanced():
    at = start_app()
    assert not at.sidebar.number_input
    sidebar_sliders = [s.key for s in at.sidebar.slider]
    assert sidebar_sliders == ["temperature", "max_tokens", "top_p", "frequency_penalty", "presence_penalty"]
    advanced = next(e for e in at.sidebar.expander if e.label == "Advanced")
    assert [s.key for s in advanced.slider] == ["top_p", "frequency_penalty", "presence_penalty"]
    assert advanced.selectbox(key="reasoning_effort") is not None
    assert advanced.button(key="reset_defaults") is not None
