"""Bad input on the playground page: empty prompts, huge pastes, prompts over the context, odd characters, and
model output that tries to be HTML or script."""

from __future__ import annotations

from decimal import Decimal

import pytest
from apptest_util import chat, run, send, start_app
from faults import delta, finish
from loopback import LoopbackServer, sse, sse_reply
from test_key_hygiene import page_text

from components.chat.input_checks import MAX_PROMPT_CHARS
from playground.facts.catalog import GROK_3_MINI
from playground.money.pricing import format_usd
from playground.money.tokens import MESSAGE_OVERHEAD, count_tokens
from playground.wire import http

ODD = (
    "Emoji 👋🏽 👨‍👩‍👧 🇫🇷 · RTL مرحبا بالعالم שלום עולם ‏mixed‎ · override \u202eevil\u202c · zero width "
    "a\u200bb · controls bell\x07 escape\x1b[31mred\x1b[0m nul\x00 tab\t vt\x0b ff\x0c cr\r end"
)
HOSTILE = (
    '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1"> '
    '<iframe src="javascript:window.__pwned=1"></iframe> [click me](javascript:window.__pwned=1) '
    '<a href="javascript:window.__pwned=1">raw link</a> <b>bold?</b>'
)


class Echo:
    """Replies with the last prompt, or with ``output`` when set; records nothing beyond the loopback server."""

    def __init__(self) -> None:
        self.output: str | None = None
        self.reasoning = "Thinking"

    def __call__(self, req):
        text = self.output if self.output is not None else req.json()["messages"][-1]["content"]
        return sse_reply(
            sse(delta(role="assistant", reasoning_content=self.reasoning), delta(content=text), finish())
        )


@pytest.fixture
def echo(monkeypatch):
    handler = Echo()
    with LoopbackServer(handler) as srv:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", srv.url + "/v1")
        http.close_all()
        srv.echo = handler
        yield srv
    http.close_all()


def notices(at) -> str:
    return "\n".join(e.value for e in [*at.info, *at.warning, *at.error])


@pytest.mark.parametrize(
    "text", ["", " ", "   \n\t  \n", "\u3000\u00a0"], ids=["empty", "space", "blank", "unicode"]
)
def test_empty_or_whitespace_prompt_is_not_sent(echo, text):
    at = start_app()
    send(at, text)
    assert echo.requests == [] and chat(at) == []
    assert "empty prompts are not sent" in notices(at)
    send(at, "Now a real one")
    assert len(echo.requests) == 1 and chat(at)[-1] == ("assistant", "Thinking\nNow a real one")


def _expected_tokens(text: str) -> int:
    return count_tokens(text) + MESSAGE_OVERHEAD


def _cost(tokens: int) -> str:
    return format_usd(Decimal(tokens) * GROK_3_MINI.price.input / 1_000_000)


def test_a_5_mb_paste_is_stopped_with_its_tokens_and_cost_before_anything_is_sent(echo):
    """Issue 12, finding 6: the chat input has a limit (the box cuts a paste there) and the cut is explained."""
    paste = ("The quick brown fox jumps over the lazy dog; 1234567890. Ünïcödé ✓\n" * 80_000)[: 5 * 1024 * 1024]
    at = start_app()
    assert at.chat_input(key="chat_prompt").max_chars == MAX_PROMPT_CHARS
    send(at, paste)
    kept = paste[:MAX_PROMPT_CHARS]  # what the box holds
    tokens = _expected_tokens(kept)
    said = notices(at)
    assert echo.requests == [] and chat(at) == []
    assert "reached the message box's limit of 600,000 characters, so a longer paste was cut there" in said
    assert f"≈{tokens:,} tokens ≈ {_cost(tokens)}" in said and "131,072 tokens in all" in said
    assert at.code[-1].value.startswith(paste[:500])  # the text is kept on screen, not lost
    assert [b.label for b in at.get("download_button")] == ["Download the whole prompt"]  # all of it
    send(at, "Something shorter")
    assert len(echo.requests) == 1


def test_a_large_prompt_under_the_context_asks_first_with_tokens_and_cost(echo):
    prompt = "word " * 40_000
    tokens = _expected_tokens(prompt)
    assert 20_000 < tokens < GROK_3_MINI.context
    at = start_app()
    send(at, prompt)
    assert echo.requests == [] and chat(at) == []
    assert f"≈{tokens:,} input tokens ≈ {_cost(tokens)} per send" in "\n".join(w.value for w in at.warning)
    at.button(key="send_large").click()
    run(at)
    assert len(echo.requests) == 1 and echo.requests[0].json()["messages"][-1]["content"] == prompt


def test_a_prompt_over_the_context_is_refused_with_the_numbers(echo):
    at = start_app()
    send(at, "Earlier question")
    used = at.session_state["conversation"].prompt_tokens(at.text_area(key="system").value)
    prompt = "7;" * 200_000  # under the box's character limit, over the context
    tokens = _expected_tokens(prompt)
    assert tokens > GROK_3_MINI.context
    send(at, prompt)
    said = "\n".join(e.value for e in at.error)
    assert f"this prompt is ≈{tokens:,} tokens" in said and f"already uses ≈{used:,}" in said
    assert "takes 131,072 tokens in all" in said
    assert len(echo.requests) == 1
    assert [m for _r, m in chat(at)] == ["Earlier question", "Thinking\nEarlier question"]


def test_emoji_rtl_and_control_characters_round_trip(echo):
    at = start_app()
    send(at, ODD)
    assert echo.requests[0].json()["messages"][-1]["content"] == ODD  # exactly what was typed reached the server
    assert chat(at) == [("user", ODD), ("assistant", f"Thinking\n{ODD}")]  # and came back, unchanged


def test_html_script_and_javascript_links_from_the_model_are_shown_as_text(echo):
    echo.echo.output = HOSTILE
    echo.echo.reasoning = "Reasoning <script>window.__pwned=2</script>"
    at = start_app()
    send(at, "Say something nasty")
    reply = at.chat_message[-1]
    bodies = [md.value for md in reply.markdown]
    assert bodies == [echo.echo.reasoning, HOSTILE]  # the text itself is kept, to be shown literally
    everything = [md for md in at.markdown] + [md for m in at.chat_message for md in m.markdown]
    assert everything and not [md.value for md in everything if md.allow_html]  # nothing rendered as HTML
    assert "unsafe_allow_html" not in page_text(at) and "allow_html: true" not in page_text(at)
    assert not at.get("html")  # no st.html element anywhere
