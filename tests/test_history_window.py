"""A long conversation shows its last messages first; older ones load on request; the context counts them all."""

from apptest_util import chat, run, start_app

from components.chat.pane import WINDOW
from playground.chat.conversation import Conversation, Reply
from playground.chat.events import Usage
from playground.facts.params import DEFAULTS
from playground.money.tokens import MESSAGE_OVERHEAD, count_tokens


def _conversation(pairs: int) -> Conversation:
    conv = Conversation()
    for i in range(pairs):
        conv.add_user(f"Question number {i}")
        conv.add_assistant(
            f"Answer number {i}",
            Reply(
                model_id="x-ai-grok-3-mini-beta",
                provider_id="offline",
                params={},
                usage=Usage(prompt_tokens=10, completion_tokens=5),
            ),
        )
    return conv


def test_long_history_shows_the_last_window_and_loads_earlier_on_request():
    conv = _conversation(25)  # 50 messages
    at = start_app(conversation=conv)
    shown = chat(at)
    assert len(shown) == WINDOW
    assert shown[-1] == ("assistant", "Answer number 24")
    assert shown[0] == ("user", f"Question number {25 - WINDOW // 2}")
    button = at.button(key="show_earlier")
    assert button.label == f"Show {WINDOW} earlier messages ({50 - WINDOW} hidden)"
    button.click()
    run(at)
    assert len(chat(at)) == 2 * WINDOW
    at.button(key="show_earlier").click()
    run(at)
    shown = chat(at)
    assert len(shown) == 50 and shown[0] == ("user", "Question number 0")
    assert not [b for b in at.button if b.key == "show_earlier"]
    gauge = at.get("progress")[0].proto.text
    expected = count_tokens(DEFAULTS.system) + MESSAGE_OVERHEAD + conv.history_tokens()  # all 50, not those shown
    assert f"Context: ≈{expected:,} of 131,072 tokens" in gauge


def test_context_gauge_counts_the_hidden_messages_too():
    conv = _conversation(25)
    at = start_app(conversation=conv)
    assert len(chat(at)) == WINDOW
    gauge = at.get("progress")[0].proto.text
    expected = count_tokens(DEFAULTS.system) + MESSAGE_OVERHEAD + conv.history_tokens()
    assert f"Context: ≈{expected:,} of 131,072 tokens" in gauge
