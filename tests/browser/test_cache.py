"""The prompt cache as a person sees it in Chromium: hit % under each reply, totals, and what an edit costs."""

from __future__ import annotations

import re

from browser_util import wait_for_app


def send(page, text: str, replies: int) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")
    page.get_by_text(f"Prompt cache over {replies} repl").first.wait_for()
    wait_for_app(page)


def test_the_cache_shows_per_reply_in_the_totals_and_before_an_edit(shared_streamlit, page) -> None:
    app = shared_streamlit({"PLAYGROUND_PROVIDER": "offline", "PLAYGROUND_BASE_URL": None})
    page.goto(app.url)
    wait_for_app(page)
    system = page.get_by_label("System message")
    system.fill("You are the booking assistant of a small travel agency in Lisbon; answer in two sentences. " * 5)
    system.press("Control+Enter")
    wait_for_app(page)
    send(page, "Is the Sintra day trip available on Saturday?", 1)
    send(page, "And on Sunday?", 2)
    for reply in page.get_by_test_id("stChatMessage").filter(has=page.get_by_test_id("stExpander")).all():
        reply.get_by_test_id("stExpander").last.locator(
            "summary"
        ).click()  # the cache's figures are in the details
    lines = page.get_by_text(re.compile(r"Prompt cache: [\d,]+ of")).all_inner_texts()
    assert len(lines) == 2, lines
    assert "Prompt cache: 0 of " in lines[0] and "(0 % hit)" in lines[0]
    second = re.search(r"Prompt cache: ([\d,]+) of ([\d,]+) input tokens from the cache \((\d+) % hit\)", lines[1])
    assert second and int(second.group(1).replace(",", "")) > 0 and "the cache saved $0.0" in lines[1]
    system.fill("You are a terse travel agent.")
    system.press("Control+Enter")
    edit = page.get_by_text(re.compile("Your edit: the next turn re-reads"))
    edit.wait_for()
    assert re.search(
        r"re-reads [\d,]+ tokens at full price: \+\$0\.\d+; it pays back after \d+ turns", edit.inner_text()
    )
    assert "None" not in page.inner_text("body")
