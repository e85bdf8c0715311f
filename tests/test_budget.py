"""Budget settings, the predicted maximum cost of a request and the refusal message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from playground.facts.catalog import get_model
from playground.money.budget import limits, predicted_max, refusal
from playground.money.tokens import count_messages
from playground.store import Budget

PRICE = get_model("x-ai-grok-3-mini-beta").price


def test_limits_from_env_and_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not limits(signed_in=True).active
    monkeypatch.setenv("PLAYGROUND_DAILY_BUDGET_USD", "5")
    got = limits(secrets={"PLAYGROUND_USER_DAILY_BUDGET_USD": "0.50"}, signed_in=True)
    assert (got.everyone, got.per_user) == (Decimal(5), Decimal("0.50"))
    assert limits(secrets={"PLAYGROUND_USER_DAILY_BUDGET_USD": "0.50"}, signed_in=False).per_user is None
    monkeypatch.setenv("PLAYGROUND_DAILY_BUDGET_USD", "five")
    with pytest.raises(ValueError, match="PLAYGROUND_DAILY_BUDGET_USD must be an amount"):
        limits(signed_in=False)
    monkeypatch.setenv("PLAYGROUND_DAILY_BUDGET_USD", "-1")
    with pytest.raises(ValueError, match="zero or more"):
        limits(signed_in=False)


def test_predicted_max_is_prompt_plus_max_tokens_at_list_prices() -> None:
    messages = [{"role": "user", "content": "Explain budgets in one paragraph."}]
    prompt = count_messages(messages)
    expected = (Decimal(prompt) * PRICE.input + Decimal(1000) * PRICE.output) / Decimal(1_000_000)
    assert predicted_max(price=PRICE, messages=messages, max_tokens=1000) == expected
    assert predicted_max(price=None, messages=messages, max_tokens=1000) is None


def test_refusal_names_the_numbers() -> None:
    budget = Budget(
        False, Decimal("0.0005"), "*", Decimal("1"), Decimal("0.9996"), Decimal("0.0001"), date.today()
    )
    text = refusal(budget)
    assert "up to $0.0005" in text and "everyone is $1.00" in text and "$0.9997 already spent" in text
    assert "($0.0003 left)" in text


def test_workspace_owner(monkeypatch: pytest.MonkeyPatch) -> None:
    from playground.facts.workspace import LOCAL, public_mode, workspace

    assert workspace(user=None, public=False, session_id="s1").owner == LOCAL
    ana = {"is_logged_in": True, "iss": "https://id.example", "sub": "42", "email": "ana@example.com"}
    signed = workspace(user=ana, public=True, session_id="s1")
    assert (signed.owner, signed.signed_in) == ("user:https://id.example|42", True)  # issuer + subject (issue 21)
    assert workspace(user={"is_logged_in": True, "sub": "42"}, public=False, session_id="s").owner == "user:|42"
    assert workspace(user={"is_logged_in": False, "email": "x@y"}, public=False, session_id="s").owner == LOCAL
    anon = workspace(user={"is_logged_in": False}, public=True, session_id="s1")
    assert anon.per_session and anon.owner == "session:s1"
    assert workspace(user=None, public=True, session_id="s2").owner != anon.owner
    assert not public_mode()
    monkeypatch.setenv("PLAYGROUND_PUBLIC", "1")
    assert public_mode()
