"""Journeys in real Chromium, as a new user walks them (no key, offline engine; 1440x900 and 390x844).

One test per finding of the journeys issue, each checking what the user sees, not session state. Sections are
owned by the parts of the app they walk; helpers a section needs live in its own ``tests/journeys_*_util.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_servers import Server, start_offline_server
from browser_util import rerun_and_wait, wait_for_app
from playwright.sync_api import expect

DESK = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}

__all__ = ["Any", "Server", "expect", "pytest", "rerun_and_wait", "start_offline_server", "wait_for_app"]


# ---- chat: Stop on every reply, a stopped reply settles; Re-run from here (findings 1, 2) ----


@pytest.fixture(scope="module")
def chat_slow_app(shared_streamlit: Any, browser_logs: Any) -> Any:
    """The app against an offline server that sends one word every ``SLOW_PACE`` seconds."""
    from journeys_chat_util import SLOW_PACE

    slow = start_offline_server(pace=SLOW_PACE, log_dir=browser_logs)
    try:
        yield shared_streamlit({"PLAYGROUND_BASE_URL": slow.url})
    finally:
        slow.stop()


def _open_chat(page: Any, app: Server) -> None:
    page.set_viewport_size(DESK)
    page.goto(app.url)
    wait_for_app(page)


def test_chat_stop_from_a_starter_and_from_regenerate_settles_the_page(
    chat_slow_app: Server, page: Any, page_errors: list[str]
) -> None:
    from journeys_chat_util import STARTER, expect_settled_stop, footer, messages, stop_while_answering

    _open_chat(page, chat_slow_app)
    expect(footer(page)).not_to_contain_text("Last reply")
    page.get_by_role("button", name=STARTER).click()
    reply = stop_while_answering(page)
    expect(messages(page)).to_have_count(2)
    expect_settled_stop(page, reply, replies=1)
    first = reply.inner_text()
    page.locator(".st-key-regenerate").get_by_role("button").click()
    reply = stop_while_answering(page)
    expect(messages(page)).to_have_count(2)  # the regenerated reply replaced the stopped one
    expect_settled_stop(page, reply, replies=1)
    assert reply.inner_text() != first  # a new reply (its timings differ), not the old one left on screen
    assert not page_errors


def test_chat_stop_during_resend_settles_the_page(
    chat_slow_app: Server, page: Any, page_errors: list[str]
) -> None:
    from journeys_chat_util import STARTER, expect_settled_stop, messages, stop_while_answering

    _open_chat(page, chat_slow_app)
    page.get_by_role("button", name=STARTER).click()
    expect_settled_stop(page, stop_while_answering(page), replies=1)
    page.locator(".st-key-conversation_actions").get_by_role("button", name="Edit", exact=True).click()
    page.get_by_role("textbox", name="Last prompt").fill("Explain binary search step by step")
    page.locator(".st-key-resend").get_by_role("button").click()
    reply = stop_while_answering(page)
    expect(messages(page)).to_have_count(2)
    expect(messages(page).first).to_contain_text("Explain binary search step by step")
    expect_settled_stop(page, reply, replies=1)
    assert not page_errors


def test_chat_rerun_from_here_closes_the_dialog_streams_at_once_and_stops(
    chat_slow_app: Server, page: Any, page_errors: list[str]
) -> None:
    import re

    from journeys_chat_util import STARTER, expect_settled_stop, messages, stop_button, stop_while_answering

    _open_chat(page, chat_slow_app)
    page.get_by_role("button", name=STARTER).click()
    expect_settled_stop(page, stop_while_answering(page), replies=1)
    page.get_by_role("button", name="More").click()  # Edit messages sits in the actions' More menu
    page.locator(".st-key-open_messages").get_by_role("button").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=re.compile("Re-run from here")).first.click()
    # One click: the dialog closes and the new reply streams in the page, with its Stop button.
    expect(dialog).to_have_count(0)
    expect(stop_button(page)).to_be_visible(timeout=15_000)
    expect(messages(page)).to_have_count(2)
    reply = stop_while_answering(page)
    expect(messages(page)).to_have_count(2)
    expect_settled_stop(page, reply, replies=1)
    assert not page_errors


def test_chat_stop_in_a_tool_round_answered_by_mocks_settles_the_page(
    chat_slow_app: Server, page: Any, page_errors: list[str]
) -> None:
    from journeys_chat_util import (
        examples_answered_with_mocks,
        expect_settled_stop,
        messages,
        stop_while_answering,
    )

    _open_chat(page, chat_slow_app)
    examples_answered_with_mocks(page)
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill("What is the weather in Oslo?")
    box.press("Enter")
    # The call is answered by its mock and the model goes on by itself; that reply streams with its own Stop.
    reply = stop_while_answering(page)
    expect_settled_stop(page, reply, replies=2)  # the call and the stopped answer
    expect(messages(page)).to_have_count(4)  # the prompt, the call, its mocked result, the stopped answer
    expect(messages(page).nth(1)).to_contain_text("get_weather")
    expect(messages(page).nth(2)).to_contain_text("Result for get_weather")
    assert not page_errors


# ---- end chat ----


# ---- compare and test sets: one click, the cap, readable results, raw internals (findings 3, 4, 5, 9) ----


@pytest.fixture(scope="module")
def slow_compare_app(shared_streamlit: Any, browser_logs: Any) -> Any:
    from journeys_compare_util import SLOW_PACE

    slow = start_offline_server(pace=SLOW_PACE, log_dir=browser_logs)
    try:
        yield shared_streamlit({"PLAYGROUND_BASE_URL": slow.url})
    finally:
        slow.stop()


def test_compare_one_click_after_typing_streams_both_columns_and_stop_settles(
    slow_compare_app: Server, page: Any
) -> None:
    """Finding 3 and Stop: typed, one click (the box still focused) streams both; Stop keeps the partial text."""
    from journeys_compare_util import open_compare, type_without_leaving, wait_until_streaming

    open_compare(page, slow_compare_app.url, size=DESK)
    type_without_leaving(page, "Prompt", "Why is the sky blue?")
    page.get_by_role("button", name="Send to all").click()  # one click, no blur before it
    stop = page.get_by_role("button", name="Stop")
    expect(stop).to_be_visible(timeout=15_000)  # Stop is there while the variants stream
    wait_until_streaming(page, 2, showing="offline engine")  # both columns are past their reasoning
    rerun_and_wait(page, lambda: stop.click())
    expect(page.get_by_text("Stopped: ")).to_be_visible()
    for i in range(2):
        result = page.locator(f".st-key-cmp_result_{i}")
        expect(result).to_contain_text("offline engine")  # the partial text is kept
    expect(page.get_by_role("button", name="Stop")).to_have_count(0)  # the page settled: nothing runs
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()  # results for what ran


def test_test_set_cap_runs_what_fits_and_results_read_on_their_own(
    streamlit_app: Server, page: Any, tmp_path: Any
) -> None:
    """Findings 4 and 5: 3 rows x 2 variants, 4 at once, cap $0.001, Max tokens 400 (a worst case of about
    $0.0002): at least 5 of 6 run and the spend stays under the cap; the results show each row's question and
    expected value, worded headers and a % pass rate."""
    from decimal import Decimal

    from journeys_compare_util import open_compare, ran_and_spent, table_text, upload, write_rows

    open_compare(page, streamlit_app.url, size=DESK)
    for i in range(2):
        box = page.get_by_label("Max tokens").nth(i)
        rerun_and_wait(page, lambda box=box: (box.fill("400"), box.press("Enter")))
    rerun_and_wait(page, lambda: page.get_by_text("Test set", exact=True).click())
    rows = "question,expected\nWhat is rain?,offline\nWhat is snow?,offline\nWhat is hail?,nope\n"
    upload(page, write_rows(tmp_path, "weather.csv", rows))
    expect(page.get_by_text("3 rows, columns: question, expected")).to_be_visible()
    page.get_by_label("Check each output").click()  # opens the list (no rerun)
    rerun_and_wait(page, lambda: page.get_by_role("option", name="Contains the expected column").click())
    cap = page.get_by_label("Cost cap (USD, empty for none)")
    cap.fill("0.001")  # typed, then one click on Run: the click commits it
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Run the test set").click())
    summary = page.get_by_text("requests ran and cost $")
    expect(summary).to_be_visible(timeout=60_000)
    ran, spent = ran_and_spent(summary.inner_text())
    assert ran >= 5 and spent <= Decimal("0.001"), summary.inner_text()
    grid = table_text(page, 0)  # the uploaded file replaces the typed rows: grid, then totals
    for seen in ("Row", "question", "Expected", "What is rain?", "What is hail?", "nope", "Variant 1: output"):
        assert seen in grid, (seen, grid)
    totals = table_text(page, 1)
    assert "Pass rate" in totals and " %" in totals and "pass_rate" not in totals and "None" not in grid
    log = streamlit_app.log_path.read_text()
    assert "Session State API" not in log and "Traceback" not in log  # no Streamlit warning in the server log


def test_a_malformed_csv_says_which_line_in_a_sentence(streamlit_app: Server, page: Any, tmp_path: Any) -> None:
    """Finding 9: an unquoted comma in a test-set upload and in the pricing batch names the line, not pandas."""
    from journeys_compare_util import open_compare, upload, write_rows

    bad = write_rows(tmp_path, "prompts.csv", "question\nWhat is 2 + 2?\nHello, world\n")
    said = "Line 3 has 2 fields where the header has 1: put text with commas in double quotes."
    open_compare(page, streamlit_app.url, size=DESK)
    rerun_and_wait(page, lambda: page.get_by_text("Test set", exact=True).click())
    upload(page, bad)
    expect(page.get_by_test_id("stAlert").filter(has_text=said)).to_be_visible()
    expect(page.get_by_text("Error tokenizing")).to_have_count(0)
    page.goto(f"{streamlit_app.url}/pricing")
    wait_for_app(page)
    page.get_by_role("tab", name="Batch estimate").click()
    upload(page, bad, within="stTabs")
    expect(page.get_by_test_id("stAlert").filter(has_text=said)).to_be_visible()
    expect(page.get_by_text("C error")).to_have_count(0)


def test_a_test_set_stops_and_keeps_what_ran(slow_compare_app: Server, page: Any, tmp_path: Any) -> None:
    """Stop while a test set runs: what finished is kept and shown, the page says Stopped and settles."""
    from journeys_compare_util import open_compare, table_headers, table_text, upload, write_rows

    open_compare(page, slow_compare_app.url, size=DESK)
    rerun_and_wait(page, lambda: page.get_by_text("Test set", exact=True).click())
    rows = "question,expected\n" + "".join(f"Question {n}?,offline\n" for n in range(1, 7))
    upload(page, write_rows(tmp_path, "six.csv", rows))
    requests = page.get_by_label("Requests at once")
    requests.fill("1")
    page.get_by_role("button", name="Run the test set").click()  # one click commits "1" with it
    stop = page.get_by_role("button", name="Stop")
    expect(stop).to_be_visible(timeout=15_000)
    expect(page.get_by_text("1 of 12")).to_be_visible(timeout=60_000)  # one request finished, more to come
    rerun_and_wait(page, lambda: stop.click())
    summary = page.get_by_text("Stopped: ")
    expect(summary).to_be_visible()
    assert "of 12 requests ran and cost $" in summary.inner_text()
    expect(page.get_by_role("button", name="Stop")).to_have_count(0)  # settled: nothing runs
    headers = table_headers(page, 0)  # the results of what ran, each beside its question and expected value
    assert headers[:4] == ["Row", "question", "Expected", "Variant 1: output"], headers
    assert "Question 1?" in table_text(page, 0)


# ---- end compare ----


# ---- honest offline and persistence: spend, the request described, reload, Clear and Delete (6, 7, 8) ----


def test_usage_says_nothing_was_spent_on_offline_replies(streamlit_factory: Any, page: Any, tmp_path: Any) -> None:
    from browser_util import navigate_and_wait
    from journeys_offline_util import offline_app, open_app, send

    open_app(page, offline_app(streamlit_factory, tmp_path).url)
    send(page, "Explain quantum computing in simple terms", replies=1)
    send(page, "And in one sentence?", replies=2)
    footer = page.get_by_text("Last reply offline, nothing spent")
    expect(footer).to_contain_text("nothing spent so far (its 2 offline replies would cost $")
    strip = page.get_by_test_id("stChatMessage").last.get_by_test_id("stExpander").last
    expect(strip.locator("summary")).to_contain_text("not spent")  # the one line
    strip.locator("summary").click()  # its details: what it would have cost
    expect(strip.get_by_text("nothing spent: offline, would cost $")).to_be_visible()
    navigate_and_wait(page, page.get_by_role("link", name="History"), "history")
    page.get_by_role("tab", name="Usage").click()
    spent = page.get_by_test_id("stMetric").filter(has_text="Spent in all")
    expect(spent.get_by_test_id("stMetricValue")).to_have_text("$0.00")
    offline = page.get_by_test_id("stMetric").filter(has_text="Offline replies (not spent)")
    expect(offline.get_by_test_id("stMetricValue")).to_have_text("2")
    expect(page.get_by_text("had a provider written them, they would cost $")).to_contain_text(
        "at the model's list prices"
    )
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_xai_without_a_key_gets_xais_request_described(streamlit_factory: Any, page: Any, tmp_path: Any) -> None:
    from journeys_offline_util import choose_provider, offline_app, open_app, request_json, send

    open_app(page, offline_app(streamlit_factory, tmp_path, saving=False).url)
    choose_provider(page, "xAI")
    expect(
        page.get_by_test_id("stSidebar").get_by_label("API key", exact=True)
    ).to_be_visible()  # the field the hint names
    send(page, "Explain quantum computing in simple terms", replies=1)
    reply = page.get_by_test_id("stChatMessage").last
    request = request_json(reply)
    assert request["model"] == "grok-3-mini", request
    assert not {"frequency_penalty", "presence_penalty", "stop"} & set(request), request
    expect(reply).to_contain_text("The request xAI would get")
    expect(reply).to_contain_text("Left out for xAI: frequency_penalty, presence_penalty")
    expect(reply.get_by_text("XAI_API_KEY", exact=True)).to_be_visible()
    expect(reply).not_to_contain_text("MODELSLAB")
    expect(reply).to_contain_text("API key field of the Playground's sidebar")


def test_a_reload_keeps_the_chat(streamlit_factory: Any, page: Any, tmp_path: Any) -> None:
    from browser_util import wait_for_app
    from journeys_offline_util import chat_id, offline_app, open_app, send

    open_app(page, offline_app(streamlit_factory, tmp_path).url)
    send(page, "Remember this after a reload", replies=1)
    saved = chat_id(page)
    page.reload()
    wait_for_app(page)
    messages = page.get_by_test_id("stChatMessage")
    expect(messages).to_have_count(2)
    expect(messages.first).to_contain_text("Remember this after a reload")
    assert chat_id(page) == saved
    send(page, "Still the same chat?", replies=2)  # goes on in the same chat
    page.get_by_role("button", name="More").click()
    page.get_by_role("button", name="Clear conversation").click()
    expect(page.get_by_role("dialog")).to_contain_text("Start a new chat? This one stays in History.")


def test_history_delete_asks_before_deleting(streamlit_factory: Any, page: Any, tmp_path: Any) -> None:
    from browser_util import navigate_and_wait
    from journeys_offline_util import offline_app, open_app, send

    open_app(page, offline_app(streamlit_factory, tmp_path).url)
    send(page, "A chat to delete", replies=1)
    navigate_and_wait(page, page.get_by_role("link", name="History"), "history")
    picker = page.get_by_role("combobox", name="Conversation")
    expect(picker).to_have_value("A chat to delete", timeout=15_000)
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Delete…").click())
    question = page.get_by_text("Delete A chat to delete for good?")  # the title as plain text (a code span)
    expect(question).to_be_visible()
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Keep it").click())
    expect(question).to_have_count(0)
    expect(picker).to_have_value("A chat to delete")  # kept
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Delete…").click())
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Delete for good").click())
    expect(page.get_by_text("No saved conversations match.")).to_be_visible()


def test_run_again_brings_the_results_into_view(streamlit_factory: Any, page: Any, tmp_path: Any) -> None:
    from journeys_offline_util import offline_app, open_app

    open_app(page, offline_app(streamlit_factory, tmp_path).url + "/compare")
    prompt = page.get_by_label("Prompt", exact=True)
    prompt.fill("Name three prime numbers")
    rerun_and_wait(page, lambda: prompt.press("Control+Enter"))
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Send to all").click())
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Save as experiment").click())
    page.mouse.wheel(0, -10_000)  # back at the top, where the saved experiments are
    page.get_by_text("Saved experiments (1)").click()
    rerun_and_wait(page, lambda: page.get_by_role("button", name="Run again").click())
    results = page.locator(".st-key-cmp_live_0")
    expect(results).to_contain_text("offline engine", timeout=30_000)
    expect(results).to_be_in_viewport()


# ---- end offline ----


# ---- a calm chat: the strip, starters, Markdown, retry, actions, Quick Start, URLs (finding 10) ----


@pytest.fixture(scope="module")
def calm_app(shared_streamlit: Any) -> Any:
    """The app against an xAI-like loopback provider that streams a Markdown answer in small, slow pieces."""
    from journeys_calm_util import xai_like

    with xai_like(delay=0.04) as provider:
        yield shared_streamlit({"PLAYGROUND_BASE_URL": provider.url + "/v1"})


@pytest.fixture(scope="module")
def calm_new_user(shared_streamlit: Any) -> Server:
    """The app as a new user meets it: no provider configured, the offline engine (pace 0)."""
    return shared_streamlit({"PLAYGROUND_PROVIDER": None, "PLAYGROUND_BASE_URL": None})


def _calm_send_starter(page: Any) -> None:
    page.get_by_role("button", name="Explain quantum computing in simple terms").click()


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_calm_strip_is_one_line_with_details_on_demand_and_actions_fit_one_row(
    calm_new_user: Server, browser: Any, viewport: dict[str, int]
) -> None:
    import re

    from journeys_calm_util import line_height, one_row, open_page

    page = open_page(browser, calm_new_user.url, viewport)
    rerun_and_wait(page, lambda: _calm_send_starter(page))
    reply = page.get_by_test_id("stChatMessage").nth(1)
    expect(reply).to_contain_text("then send the message again.")
    strip = reply.get_by_test_id("stExpander").last.locator("summary")
    # a new user's reply comes from the offline engine: its one line says nothing was spent
    expect(strip).to_contain_text(re.compile(r"^\d+\.\d s · [\d,]+ tok/s · ≈[\d,]+ tokens · not spent"))
    box, line = strip.bounding_box(), line_height(strip)
    assert box is not None and box["height"] < 1.6 * line, (box, line)  # one line, at 1440 and at 390 px
    details = reply.get_by_test_id("stExpander").last
    expect(details.get_by_text("first token", exact=False)).to_be_hidden()
    strip.click()
    for part in ("first token", "first answer token", "finish stop", "estimated tokens in", "would cost $"):
        expect(details).to_contain_text(part)
    actions = page.locator(".st-key-conversation_actions button")
    assert one_row(actions), actions.all_inner_texts()  # Regenerate, Edit and More on one row
    page.get_by_role("button", name="More").click()
    for label in ("Export JSON", "Export Markdown", "Edit messages", "View code", "Clear conversation"):
        expect(page.get_by_role("button", name=label)).to_be_visible()
    page.context.close()


def test_calm_starters_are_gone_as_soon_as_the_reply_streams(calm_app: Server, browser: Any) -> None:
    from journeys_calm_util import open_page, script_state

    page = open_page(browser, calm_app.url, DESK)
    starters = page.get_by_test_id("stButton").filter(
        has=page.locator("[data-testid=stIconMaterial]", has_text="bolt")
    )
    expect(starters).to_have_count(4)
    _calm_send_starter(page)
    expect(page.get_by_test_id("stChatMessage").nth(1)).to_contain_text("Quantum", timeout=30_000)
    shown = starters.count()
    assert script_state(page) == "running"  # still streaming when the starters were counted
    assert shown == 0, shown
    wait_for_app(page)
    page.context.close()


def test_calm_unclosed_markdown_never_shows_raw_while_streaming(calm_app: Server, browser: Any) -> None:
    from journeys_calm_util import open_page, watch_text

    page = open_page(browser, calm_app.url, DESK)
    page.get_by_test_id("stChatInputTextArea").fill("Explain it with some Markdown")
    page.keyboard.press("Enter")
    reply = page.get_by_test_id("stChatMessage").nth(1)
    seen = watch_text(page, reply, until="in short")
    assert len(seen) >= 10, len(seen)  # many looks while the text grew
    raw = [t for t in seen if any(m in t for m in ("**", "`", "_super"))]
    assert not raw, raw[:3]
    expect(reply.locator("strong", has_text="whole idea")).to_be_visible()
    expect(reply.locator("em", has_text="superposition")).to_be_visible()
    expect(reply.locator("code", has_text="print('bye')")).to_be_visible()
    page.context.close()


def test_calm_one_retry_button_names_the_family(calm_app: Server, browser: Any) -> None:
    import re

    from journeys_calm_util import FAMILY_LABEL, REJECT_PROMPT, open_page

    page = open_page(browser, calm_app.url, DESK)
    page.get_by_test_id("stChatInputTextArea").fill(REJECT_PROMPT)
    rerun_and_wait(page, lambda: page.keyboard.press("Enter"))
    expect(page.get_by_test_id("stAlert")).to_contain_text("presence_penalty")
    retries = page.get_by_role("button", name=re.compile("^Retry without"))
    expect(retries).to_have_count(1)
    expect(page.get_by_role("button", name=FAMILY_LABEL, exact=True)).to_have_count(1)
    rerun_and_wait(page, lambda: retries.click())
    expect(page.get_by_test_id("stChatMessage").nth(1)).to_contain_text("in short")
    expect(page.get_by_test_id("stAlert")).to_have_count(0)
    page.context.close()


def test_calm_quick_start_opens_on_the_pages_own_sample(calm_new_user: Server, browser: Any) -> None:
    from journeys_calm_util import open_page

    page = open_page(browser, calm_new_user.url + "/model", DESK)
    tab = page.get_by_role("tab", name="Quick start (product page)")
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text("Hello!", exact=False).first).to_be_visible()  # the page's own request, shown
    page.context.close()


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("playground", "xAI: Grok 3 Mini Beta"),
        ("compare", "Compare"),
        ("history", "History"),
        ("pricing", "Pricing"),
        ("model", "xAI: Grok 3 Mini Beta"),
    ],
)
def test_calm_each_page_answers_at_its_own_url(
    calm_new_user: Server, browser: Any, path: str, heading: str
) -> None:
    from journeys_calm_util import open_page

    page = open_page(browser, f"{calm_new_user.url}/{path}", DESK)
    expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.context.close()


def test_calm_a_fresh_servers_first_request_for_playground_answers(streamlit_factory: Any, browser: Any) -> None:
    """A server's very first session runs in Streamlit's legacy ``pages/`` mode, which knows pages by file name."""
    from journeys_calm_util import open_page

    app = streamlit_factory({"PLAYGROUND_PROVIDER": None, "PLAYGROUND_BASE_URL": None})
    page = open_page(browser, f"{app.url}/playground", DESK)
    expect(page.get_by_role("heading", name="xAI: Grok 3 Mini Beta").first).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.context.close()


def test_calm_sidebar_fits_one_screen_with_one_control_per_parameter(calm_new_user: Server, browser: Any) -> None:
    import re

    from journeys_calm_util import open_page

    page = open_page(browser, calm_new_user.url, DESK)
    sidebar = page.get_by_test_id("stSidebarContent")
    expect(sidebar.get_by_role("slider")).to_have_count(2)  # temperature and max tokens; the rest folded away
    expect(sidebar.get_by_role("spinbutton")).to_have_count(0)  # no typed-number box beside a slider
    advanced = sidebar.get_by_test_id("stExpander").filter(has_text="Advanced")
    expect(advanced.locator("details")).not_to_have_attribute("open", re.compile(".*"))
    bottom = sidebar.evaluate(
        """s => Math.max(...[...s.querySelectorAll('[data-testid=stElementContainer], [data-testid=stExpander]')]
             .filter(e => !e.closest('[data-testid=stExpanderDetails]'))
             .map(e => e.getBoundingClientRect().bottom))"""
    )
    assert bottom <= DESK["height"], bottom  # every control in view without scrolling
    advanced.locator("summary").click()
    for label in ("Top P", "Frequency penalty", "Presence penalty"):
        expect(sidebar.get_by_role("slider", name=label)).to_be_visible()
    expect(sidebar.get_by_role("combobox", name="Reasoning effort")).to_be_visible()
    page.context.close()


# ---- end calm ----
