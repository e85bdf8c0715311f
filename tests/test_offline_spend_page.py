"""The chat page with no key: an offline reply's strip and the footer say nothing was spent and what the reply
would cost at the chosen provider's prices; the offline reply describes xAI's request when xAI is chosen."""

from __future__ import annotations

import pytest
from apptest_util import captions, chat, run, send, start_app

from playground.money.pricing import format_usd


@pytest.fixture(autouse=True)
def no_saving(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", "none")


def test_an_offline_reply_is_not_spend_on_its_strip_or_in_the_footer() -> None:
    at = start_app()
    at.selectbox(key="provider").set_value("xai")
    run(at)
    badges = [m.value for m in at.markdown if "badge[" in m.value]
    assert any("via xAI (no key: the offline engine answers)" in b for b in badges), badges  # not "via Offline"
    send(at, "Explain quantum computing in simple terms")
    assert not at.exception
    reply = at.session_state["conversation"].replies[-1]
    would = format_usd(reply.cost.total)
    text = captions(at)
    assert f"nothing spent: offline, would cost {would} at xAI's prices (input" in text  # the strip
    assert f"Last reply offline, nothing spent (would cost {would} at xAI's prices)" in text  # the footer
    assert "at xAI's prices) · nothing spent so far" in text
    assert f"cost {would}" not in text.replace(f"would cost {would}", "")  # never called a cost on its own
    answer = chat(at)[-1][1]
    assert '"model": "grok-3-mini"' in answer and "presence_penalty" not in answer.split("Left out")[0]
    assert "`XAI_API_KEY`" in answer


def test_the_engine_chosen_itself_prices_at_the_list_prices() -> None:
    at = start_app()
    at.selectbox(key="provider").set_value("offline")
    run(at)
    send(at, "Hello")
    assert not at.exception
    assert "would cost" in captions(at) and "at the model's list prices" in captions(at)
    answer = chat(at)[-1][1]
    assert "Provider** list" in answer and "Type your" not in answer


def test_the_footer_counts_only_paid_replies_as_spent() -> None:
    from dataclasses import replace

    from store_util import reply

    from components.chat.footer import cost_line

    paid, offline = reply(), replace(reply(), provider_id="offline")
    line = cost_line([paid, offline], at="xAI's prices")
    total = format_usd(paid.cost.total)
    assert line == (
        f"Last reply offline, nothing spent (would cost {total} at xAI's prices) · conversation so far {total} "
        f"spent over 2 replies (1 offline, not spent: would cost {total} at xAI's prices)"
    )
    assert cost_line([offline, paid]) == (
        f"Last reply {total} · conversation so far {total} spent over 2 replies (1 offline, not spent: would cost "
        f"{total} at the model's list prices)"
    )
