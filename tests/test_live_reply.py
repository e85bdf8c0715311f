"""The live reply's rendering: settled Markdown pieces are drawn once, each flush redraws only the tail."""

import pytest
from apptest_util import answer_stream, chat, send, start_app
from loopback import LoopbackServer

from components.chat.generation import _Segments

PARAGRAPH = "Qubits hold a zero, a one, or a weighted mix of both; measuring one picks an outcome. " * 6
CODE = "```python\ndef measure(state):\n\n    return max(state)\n```"
ANSWER = "\n\n".join([PARAGRAPH, CODE, "- one\n- two", PARAGRAPH, CODE, PARAGRAPH, PARAGRAPH, "The end."] * 6)


class Slot:
    """Stands in for st.empty(): remembers every text drawn into it."""

    def __init__(self, log: list) -> None:
        self.drawn: list[str] = []
        self.log = log

    def markdown(self, text: str) -> None:
        self.drawn.append(text)
        self.log.append(len(text))


class Box:
    """Stands in for st.container(): hands out slots in order."""

    def __init__(self) -> None:
        self.slots: list[Slot] = []
        self.sent: list[int] = []  # characters sent per draw call

    def empty(self) -> Slot:
        self.slots.append(Slot(self.sent))
        return self.slots[-1]


def test_segments_put_together_are_the_text_and_settled_ones_are_drawn_once():
    box = Box()
    live = _Segments(box)
    for end in range(0, len(ANSWER) + 1, 97):
        live.draw(ANSWER[:end])
    live.draw(ANSWER)
    assert len(box.slots) >= 5
    assert "".join(slot.drawn[-1] for slot in box.slots) == ANSWER
    for slot in box.slots[:-1]:
        settled = slot.drawn[-1]
        assert settled.endswith("\n\n") and settled.count("```") % 2 == 0  # cut after a blank line, outside code
        assert len(slot.drawn) == 1 or slot.drawn[-2] != settled  # drawn as tail, then once as a whole
    # Each flush sends the tail only, not the whole text so far: far fewer characters than redrawing everything.
    redraw_all = sum(min(end, len(ANSWER)) for end in range(0, len(ANSWER) + 1, 97))
    assert sum(box.sent) < redraw_all / 5


@pytest.fixture
def long_answer(monkeypatch):
    with LoopbackServer(lambda req: answer_stream(ANSWER)) as server:
        monkeypatch.setenv("PLAYGROUND_PROVIDER", "custom")
        monkeypatch.setenv("PLAYGROUND_BASE_URL", server.url + "/v1")
        yield server


def test_a_long_streamed_answer_lands_whole_in_the_history(long_answer):
    at = start_app()
    send(at, "Explain qubits at length")
    (role_user, prompt), (role, text) = chat(at)
    assert (role_user, prompt, role) == ("user", "Explain qubits at length", "assistant")
    assert text.endswith("\n" + ANSWER)  # after the reasoning block's text
