"""Smoke: the app loads in real Chromium with no key, and each page of the navigation renders without errors.

Assertions stay at the level of titles and navigation: the pages' content is tested elsewhere.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_servers import Server
from browser_util import navigate_and_wait, wait_for_app
from playwright.sync_api import expect

# (navigation label, URL path). Page headings are the pages' own business: only "there is one" is checked.
PAGES = [("Compare", "compare"), ("History", "history"), ("Pricing", "pricing"), ("Model", "model")]
ALL = [("Playground", "playground"), *PAGES]


@pytest.fixture(scope="module")
def keyless_app(shared_streamlit: Any) -> Server:
    """The app as a first-time user meets it: default provider, no key, no settings at all."""
    return shared_streamlit({"PLAYGROUND_PROVIDER": None, "PLAYGROUND_BASE_URL": None})


def _assert_page(page: Any, errors: list[str], label: str) -> None:
    """The navigation marks ``label`` current, the page shows a heading, and nothing went wrong."""
    current = page.get_by_test_id("stSidebarNav").locator("[aria-current='page']")
    expect(current).to_have_count(1)
    expect(current).to_contain_text(re.compile(label, re.I))
    expect(page.get_by_role("main").get_by_role("heading", level=1).first).to_contain_text(re.compile(r"\w"))
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert errors == [], f"uncaught JavaScript errors: {errors}"


def test_loads_without_key_with_title_and_navigation(
    keyless_app: Server, page: Any, page_errors: list[str]
) -> None:
    page.goto(keyless_app.url)
    wait_for_app(page)
    expect(page).to_have_title(re.compile("playground", re.I))
    links = page.get_by_test_id("stSidebarNav").get_by_test_id("stSidebarNavLink")
    expect(links).to_have_count(len(ALL))
    for label, path in ALL:  # the default page lives at the root
        href = re.compile(r"/$" if label == "Playground" else rf"/{path}$")
        expect(links.filter(has_text=re.compile(label, re.I))).to_have_attribute("href", href)
    _assert_page(page, page_errors, "Playground")


@pytest.mark.parametrize(("label", "path"), PAGES, ids=[p[1] for p in PAGES])
def test_sidebar_navigation_renders_page(
    keyless_app: Server, page: Any, page_errors: list[str], label: str, path: str
) -> None:
    page.goto(keyless_app.url)
    wait_for_app(page)
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile(label, re.I))
    navigate_and_wait(page, link, path)
    _assert_page(page, page_errors, label)


@pytest.mark.parametrize(("label", "path"), ALL, ids=[p[1] for p in ALL])
def test_direct_url_renders_page(
    keyless_app: Server, page: Any, page_errors: list[str], label: str, path: str
) -> None:
    page.goto(f"{keyless_app.url}/{path}")
    wait_for_app(page)
    _assert_page(page, page_errors, label)


def test_app_against_offline_server_loads(
    streamlit_app: Server, offline_server: Server, page: Any, page_errors: list[str]
) -> None:
    assert streamlit_app.env["PLAYGROUND_PROVIDER"] == "custom"
    assert streamlit_app.env["PLAYGROUND_BASE_URL"] == offline_server.url and offline_server.alive()
    page.goto(streamlit_app.url)
    wait_for_app(page)
    _assert_page(page, page_errors, "Playground")


@pytest.mark.parametrize("path", ["pricing", "model"])
def test_a_fresh_servers_first_request_to_a_page_goes_through_the_router(
    streamlit_factory: Any, page: Any, path: str
) -> None:
    """A page URL as the very first request must not fall into Streamlit's legacy ``pages/`` mode."""
    app = streamlit_factory({"PLAYGROUND_PROVIDER": None, "PLAYGROUND_BASE_URL": None})
    page.goto(f"{app.url}/{path}")
    wait_for_app(page)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_contain_text("Model and API")
    for legacy in ("app", "chat", "pricing", "model"):  # legacy mode lists the scripts' file names
        expect(nav.get_by_role("link", name=legacy, exact=True)).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
