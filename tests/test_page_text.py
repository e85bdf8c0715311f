"""The product page's own words and links on the model and pricing pages: quoted exactly, links real, the
specifications table holding only the page's rows (the context window beside it, with its source)."""

from __future__ import annotations

import pytest
from apptest_util import start_app
from page_file import product_page
from streamlit.testing.v1 import AppTest

from components.code_samples import QUICK_START_NOTE, QUICK_START_TAB
from components.model.info import spec_rows
from playground.facts.catalog import GROK_3_MINI, RELATED
from playground.facts.page import PAGE
from playground.snippets import quickstart

SITE = "https://modelslab-frontend-v2-927501783998.us-east4.run.app"


def open_page(path: str) -> AppTest:
    at = start_app()
    at.switch_page(path).run()
    assert not at.exception
    return at


@pytest.fixture(scope="module")
def model_page() -> AppTest:
    return open_page("pages/model.py")


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def link_buttons(at: AppTest) -> list[tuple[str, str]]:
    return [(b.proto.label, b.proto.url) for b in at.get("link_button")]


def test_catalogue_texts_are_the_page_text() -> None:
    """Every quoted sentence and every link is in the page file, character for character."""
    page = product_page()
    for text in (PAGE.quick_start, PAGE.docs_note, PAGE.pricing):
        assert text in page
    for label, url in (*PAGE.links, PAGE.all_models):
        assert f"[{label}]({url})" in page
    for model in RELATED:
        assert f"[{model.name}\n\nClosed Source Model]({model.page_url})" in page
        assert f"[{model.platform}]({model.platform_url})" in page
    assert f"{GROK_3_MINI.page_url}/api" in page and PAGE.price_per_million_text in page


def test_specs_rows_are_the_page_rows_and_nothing_else() -> None:
    page = product_page()
    line = page.split("### Technical Specifications", 1)[1].strip().splitlines()[0]
    assert "".join(f"{k}{v}" for k, v in spec_rows(GROK_3_MINI).items()) == line


def test_model_page_shows_the_specs_table_and_the_context_window_beside_it(model_page: AppTest) -> None:
    table = next(m for m in markdown(model_page) if m.startswith("| Specification |"))
    rows = [line.strip("|").split("|") for line in table.splitlines()[2:]]
    assert [(k.strip(), v.strip()) for k, v in rows] == list(spec_rows(GROK_3_MINI).items())
    assert "Context window" not in table and "$0.400000 per million tokens" in table
    context = next(m for m in model_page.metric if m.label == "Context window")
    assert context.value == "131,072 tokens"
    assert f"Not on the product page. Source: {GROK_3_MINI.context_source}" in [
        c.value for c in model_page.caption
    ]
    assert "docs.x.ai" in GROK_3_MINI.context_source


def test_model_page_quotes_quick_start_docs_and_pricing_exactly(model_page: AppTest) -> None:
    shown = markdown(model_page)
    assert (
        "Integrate XAI: Grok 3 Mini Beta into your application with a single API call. Get your API key from the "
        f"[pricing page]({SITE}/pricing) to get started." in shown
    )
    assert (
        f"View the [full API documentation]({SITE}/models/x-ai/x-ai-grok-3-mini-beta/api) for SDKs, code "
        "examples in Python, JavaScript, and more." in shown
    )
    assert (
        "XAI: Grok 3 Mini Beta API costs $0.400000 per million tokens. Pay only for what you use with no minimum "
        f"commitments. [View pricing plans]({SITE}/pricing)" in shown
    )
    subheaders = [s.value for s in model_page.subheader]
    assert subheaders.index("Quick start") < subheaders.index("Pricing")


def test_model_page_links_are_real_links_with_the_page_urls(model_page: AppTest) -> None:
    buttons = link_buttons(model_page)
    assert buttons == [
        ("Browse LLM Models", f"{SITE}/models?feature=llmaster"),
        ("More from X Ai", f"{SITE}/models/open_router"),
        ("View Pricing", f"{SITE}/pricing"),
        ("Website", "https://modelslab.com"),
        ("API Documentation", "https://docs.modelslab.com"),
        ("Blog", "https://modelslab.com/blog"),
        ("View all LLM Models", f"{SITE}/models?feature=llmaster"),
    ]
    cards = [m for m in markdown(model_page) if "Closed Source Model" in m and m.startswith("**[")]
    assert len(cards) == len(RELATED)
    for card, model in zip(cards, RELATED, strict=True):
        assert card.startswith(f"**[{model.name}]({model.page_url})**")
        assert f"[{model.platform}]({model.platform_url})" in card
    assert RELATED[9].page_url == f"{SITE}/models/deepseek/deepseek-ai-DeepSeek-R1-Distill-Qwen-1.5B"
    assert RELATED[12].page_url == f"{SITE}/models/openai/gpt-5.1-codex-max"


def quick_start_codes(at: AppTest) -> dict[str, str]:
    """Language tab label -> code, inside the Quick Start tab of the samples."""
    tab = next(t for t in at.tabs if t.label == QUICK_START_TAB)
    assert QUICK_START_NOTE in [c.value for c in tab.caption]
    return {inner.label: inner.code[0].value for inner in tab.tabs}


@pytest.mark.parametrize("session", [{}, {"provider": "modelslab", "api_key_modelslab": "sk-page-secret-5e1f"}])
def test_quick_start_tab_beside_the_live_samples_with_or_without_a_key(session: dict[str, str]) -> None:
    at = start_app(**session)
    at.switch_page("pages/model.py").run()
    assert not at.exception
    labels = [t.label for t in at.tabs]
    assert labels[0] == QUICK_START_TAB  # first: the page opens on its own sample, then the live ones
    codes = quick_start_codes(at)
    expected = quickstart.samples()
    assert codes == {quickstart.LABELS[lang]: expected[lang].rstrip("\n") for lang in quickstart.LANGUAGES}
    assert all("sk-page-secret-5e1f" not in code and "YOUR_API_KEY" in code for code in codes.values())
    at.toggle(key="model_page_code_stream").set_value(False).run()  # the live samples' switch leaves it as is
    assert not at.exception and quick_start_codes(at) == codes


def test_quick_start_python_tab_is_the_page_text(model_page: AppTest) -> None:
    page = product_page()
    quick = page[page.index("### Quick Start") :]
    assert quick_start_codes(model_page)["Python"] == quick[quick.index("<code>") + 6 : quick.index("</code>")]


def test_pricing_page_quotes_the_page_price_exactly() -> None:
    at = open_page("pages/pricing.py")
    note = at.info[0].value
    assert '"$0.400000 per million tokens"' in note and "$0.40 per million tokens" not in note
    assert '"$0.400000 / call"' in note
