"""The model page through app.py: every product-page section, live code samples, related models switching."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from apptest_util import new_app, start_app
from streamlit.testing.v1 import AppTest

from playground.chat.conversation import Conversation, Reply
from playground.facts.catalog import GROK_3_MINI, RELATED
from playground.facts.page import PAGE
from playground.facts.providers import MODELSLAB
from playground.snippets import samples as snippets

SECRET = "sk-model-page-secret-77d1"
TABS = ["Quick start (product page)", "Python", "JavaScript", "cURL", "PHP"]  # first, with its own language tabs
TABS += ["Python (requests)", "Python (openai)", "JavaScript (fetch)", "cURL", "PHP"]  # then the live samples
DIALOG_TABS = [*TABS[5:], *TABS[:5]]  # "View code" opens on the conversation's code: the page's sample comes last


def model_page(**state: object) -> AppTest:
    at = start_app(**state)
    at.switch_page("pages/model.py").run()
    assert not at.exception
    return at


def code_values(at: AppTest) -> list[str]:
    return [c.value for c in at.code]


def sample_code(at: AppTest, lang: str) -> str:
    """The code block of one language tab of the page's samples."""
    labels = [t.label for t in at.tabs][::-1]  # the live samples come after the Quick Start's own cURL and PHP
    tab = at.tabs[-1 - labels.index({"python_requests": "Python (requests)", "curl": "cURL"}.get(lang, lang))]
    return tab.code[0].value


def test_every_section_of_the_product_page() -> None:
    at = model_page()
    assert at.title[0].value == GROK_3_MINI.name
    subheaders = [s.value for s in at.subheader]
    for title in (
        f"About {GROK_3_MINI.name}",
        "Technical specifications",
        "Key features",
        "Use cases",
        "API endpoints",
        "Quick start",
        "Code for the playground's current state",
        "Pricing",
        "Use with Claude Code",
        f"{GROK_3_MINI.name} FAQ",
        "Related models",
    ):
        assert title in subheaders
    text = " ".join(m.value for m in at.markdown)
    assert "x-ai" in text and "Closed Source Model" in text and PAGE.page_price_label in text
    assert [m.value for m in at.metric] == ["$0.30 / 1M tokens", "$0.50 / 1M tokens", "131,072 tokens"]
    specs = next(m.value for m in at.markdown if "| Specification |" in m.value)
    for value in (GROK_3_MINI.id, PAGE.category, PAGE.task, "$0.400000 per million tokens", PAGE.added):
        assert value in specs
    assert PAGE.about in [m.value for m in at.markdown]
    assert all(item in text for item in PAGE.features + PAGE.use_cases)
    codes = code_values(at)
    assert GROK_3_MINI.id in codes  # the model ID, copyable
    for path in ("/chat/completions", "/v1/messages", "/v1/messages/count_tokens", "/v1/models"):
        assert f"{MODELSLAB.base_url}{path}" in codes
    claude = next(c for c in codes if c.startswith("export ANTHROPIC_BASE_URL"))
    assert "https://modelslab.com/api/v7/llm" in claude and f"claude --model {GROK_3_MINI.id}" in claude
    assert [e.label for e in at.expander] == [q for q, _ in PAGE.faq]
    assert [e.markdown[0].value for e in at.expander] == [a for _, a in PAGE.faq]
    assert [b.key for b in at.button if b.key.startswith("related_")] == [f"related_{m.id}" for m in RELATED]


def test_samples_with_no_key_are_modelslab_with_a_note() -> None:
    at = model_page()
    assert [t.label for t in at.tabs] == TABS
    assert snippets.OFFLINE_NOTE in [i.value for i in at.info]
    code = sample_code(at, "python_requests")
    assert "https://modelslab.com/api/v7/llm/chat/completions" in code and PAGE.starters[0] in code
    assert '"stream": True' in code
    at.toggle(key="model_page_code_stream").set_value(False).run()
    assert not at.exception
    assert '"stream": False' in sample_code(at, "python_requests")


def test_samples_follow_the_playground_state_and_never_hold_the_key() -> None:
    conv = Conversation()
    conv.add_user("What is 2 + 2?")
    conv.add_assistant("4.", Reply(model_id=GROK_3_MINI.id, provider_id="modelslab", params={}))
    at = model_page(provider="modelslab", api_key_modelslab=SECRET, temperature=1.25, conversation=conv)
    assert snippets.OFFLINE_NOTE not in [i.value for i in at.info]
    assert all(SECRET not in c for c in code_values(at))
    curl = sample_code(at, "curl")
    body = json.loads(curl.split("-d '", 1)[1].rsplit("'", 1)[0])
    assert body["temperature"] == 1.25
    assert body["messages"][1:] == [
        {"role": "user", "content": "What is 2 + 2?"},
        {"role": "assistant", "content": "4."},
    ]
    assert "MODELSLAB_API_KEY" in curl


def test_related_model_switches_the_playground() -> None:
    at = model_page()
    target = RELATED[3]
    at.button(key=f"related_{target.id}").click().run()
    assert not at.exception
    assert at.session_state["model_id"] == target.id
    assert len(at.chat_input) == 1  # now on the playground page
    assert not [b for b in at.button if b.key and b.key.startswith("related_")]
    at.switch_page("pages/model.py").run()
    assert not at.exception
    assert any(target.name in i.value for i in at.info)  # the samples and Claude Code follow the new model
    claude = next(c.value for c in at.code if c.value.startswith("export ANTHROPIC_BASE_URL"))
    assert f"claude --model {target.id}" in claude
    assert at.button(key=f"related_{target.id}").disabled


def test_related_model_goes_into_the_url_and_a_reload_keeps_it(monkeypatch: pytest.MonkeyPatch) -> None:
    switches: list[dict | None] = []
    real_switch = st.switch_page

    def recording_switch(page, *, query_params=None):
        switches.append(query_params)
        real_switch(page, query_params=query_params)

    monkeypatch.setattr(st, "switch_page", recording_switch)
    at = model_page()
    target = RELATED[2]
    at.button(key=f"related_{target.id}").click().run()
    assert not at.exception
    # the switch itself writes the URL (one history entry, before the playground runs), not a later widget sync
    assert switches == [{"model_id": target.name}]
    assert at.query_params["model_id"] == target.name  # the picker's URL form of the option
    assert at.selectbox(key="model_id").value == target.id
    reloaded = new_app()  # a fresh session opened on that URL, as a reload or a shared link would
    reloaded.query_params.update(at.query_params)
    reloaded.run()
    assert not reloaded.exception
    assert reloaded.selectbox(key="model_id").value == target.id
    assert reloaded.session_state["model_id"] == target.id
    assert reloaded.query_params["model_id"] == target.name


def test_code_dialog_renders_inside_st_dialog() -> None:
    def script() -> None:
        import streamlit as st

        from components.code_samples import code_dialog

        if st.session_state.get("show_code", True):
            code_dialog()

    at = AppTest.from_function(script, default_timeout=30)
    at.run()
    assert not at.exception
    assert [t.label for t in at.tabs] == DIALOG_TABS
    at.toggle(key="dialog_code_stream").set_value(False).run()
    assert not at.exception
    assert "stream=False" in at.tabs[1].code[0].value


@pytest.mark.parametrize("protocol", ["anthropic"])
def test_anthropic_protocol_samples_on_the_page(protocol: str) -> None:
    at = model_page(provider="modelslab", api_key_modelslab=SECRET, protocol=protocol)
    assert [t.label for t in at.tabs][6] == "Python (anthropic)"  # after the Quick Start and its 4 tabs
    assert "https://modelslab.com/api/v7/llm/v1/messages" in sample_code(at, "python_requests")
