"""The model page's related-model buttons switch the playground, and the URL keeps the choice across a reload."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from browser_servers import Server
from browser_util import wait_for_app
from playwright.sync_api import expect

from components.model.info import RELATED
from playground.facts.catalog import DEFAULT_MODEL_ID


def test_related_model_goes_to_the_url_and_survives_a_reload(
    streamlit_app: Server, page: Any, page_errors: list[str]
) -> None:
    page.goto(f"{streamlit_app.url}/model")
    wait_for_app(page)
    model = next(m for m in RELATED if m.id != DEFAULT_MODEL_ID)
    name = model.name
    page.get_by_role("button", name="Use in playground").first.click()  # cards follow RELATED's order
    heading = page.get_by_role("main").get_by_role("heading", level=1).first
    expect(heading).to_have_text(name)
    page.wait_for_function("(name) => new URLSearchParams(location.search).get('model_id') === name", arg=name)
    wait_for_app(page)
    query = parse_qs(urlsplit(page.url).query)
    assert set(query) == {"model_id"}, query  # parameters left at their defaults stay out of the URL
    page.reload()
    wait_for_app(page)
    expect(heading).to_have_text(name)
    assert not page_errors
