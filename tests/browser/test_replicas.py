"""Two Streamlit servers on one PostgreSQL, as replicas behind a load balancer: what one saves, the other lists."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from browser_util import rerun_and_wait, wait_for_app
from playwright.sync_api import expect
from sqlalchemy import select

from playground.store import Store
from playground.store.engine import read_session
from playground.store.models import BudgetRow


def test_a_chat_saved_through_one_replica_is_listed_by_the_other(
    postgres: Any, streamlit_factory: Any, browser: Any
) -> None:
    url = postgres.new_database()
    first, second = (streamlit_factory({"PLAYGROUND_DATABASE_URL": url}) for _ in range(2))
    one = browser.new_context().new_page()
    one.goto(first.url)
    wait_for_app(one)
    box = one.get_by_test_id("stChatInputTextArea")
    box.fill("Saved through the first replica")
    rerun_and_wait(one, lambda: box.press("Enter"))
    expect(one.get_by_test_id("stChatMessage")).to_have_count(2)
    other = browser.new_context().new_page()
    other.goto(f"{second.url}/history")
    wait_for_app(other)
    pick = other.get_by_role("combobox", name="Conversation")
    expect(pick).to_have_value("Saved through the first replica", timeout=15_000)
    expect(other.get_by_test_id("stException")).to_have_count(0)


def test_twenty_sessions_on_two_replicas_lose_nothing_and_keep_the_budget(
    postgres: Any, streamlit_factory: Any, browser: Any
) -> None:
    # about two replies' predicted maximum ($0.0005 each); a reply the offline server answers has no price, so
    # it is charged its reservation: two replies fit, however the sends interleave
    url, budget = postgres.new_database(), Decimal("0.0012")
    env = {"PLAYGROUND_DATABASE_URL": url, "PLAYGROUND_DAILY_BUDGET_USD": str(budget)}
    servers = [streamlit_factory(env) for _ in range(2)]
    pages = []
    for n in range(20):
        page = browser.new_context().new_page()
        page.goto(servers[n % 2].url)
        wait_for_app(page)
        pages.append(page)
    for n, page in enumerate(pages):  # all twenty sent before any is awaited
        page.get_by_test_id("stChatInputTextArea").fill(f"Question from session {n}")
        page.get_by_test_id("stChatInputTextArea").press("Enter")
    answered = 0
    for page in pages:
        done = (
            page.get_by_test_id("stChatMessage").nth(1).or_(page.get_by_text("Not sent: this request could cost"))
        )
        expect(done.first).to_be_visible(timeout=60_000)
        answered += page.get_by_test_id("stChatMessage").count() == 2
    store = Store.open(url=url)
    for _ in range(100):  # the writers save in the background: wait until they are done
        if len(store.list_conversations(owner="local")) >= answered:
            break
        time.sleep(0.1)
    saved = store.list_conversations(owner="local")
    assert 0 < answered < 20  # the budget let some through across both replicas and refused the others
    assert len(saved) == answered and all(c.message_count == 2 for c in saved)  # nothing lost
    assert sum(d.replies for d in store.spend_by_day(owner=None)) == answered
    assert store.spend_total(owner=None) <= budget
    with read_session(store.engine) as s:  # what the budget counted (unknown costs at their reservation)
        (day,) = s.scalars(select(BudgetRow).where(BudgetRow.scope == "*"))
    assert day.committed <= budget and day.reserved == 0
    store.close()
