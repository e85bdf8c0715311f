"""Keys masked in streamed text: a key the server echoes back never reaches the page, even split across chunks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from playground.chat.errors import secret_forms
from playground.chat.events import Event, ReasoningDelta, TextDelta


def scrub_events(events: Iterable[Event], secrets: Sequence[str]) -> Iterator[Event]:
    """``events`` with every secret masked in text and reasoning deltas.

    When a delta ends with what could be the start of a key, that tail is held back until more arrives (or the
    stream ends), so a key split across two deltas is still found; other text is passed on at once. Other events
    pass through unchanged, after the held text.
    """
    forms = secret_forms(tuple(secrets))
    if not forms:
        yield from events
        return
    held: dict[type, str] = {TextDelta: "", ReasoningDelta: ""}
    for event in events:
        kind = type(event)
        if kind is TextDelta or kind is ReasoningDelta:
            before = held[kind]
            raw = before + event.text if before else event.text  # type: ignore[union-attr]
            text = _mask(raw, forms)
            cut = len(text) - _open_tail(text, forms)
            held[kind] = text[cut:]
            if not before and text is raw and cut == len(raw):
                yield event  # the usual case: nothing was held, nothing masked, nothing to hold
            elif cut:
                yield kind(text[:cut])
            continue
        yield from _flush(held, forms)
        yield event
    yield from _flush(held, forms)


def _mask(text: str, forms: Sequence[str]) -> str:
    for form in forms:
        if form in text:
            text = text.replace(form, "[redacted]")
    return text


def _flush(held: dict[type, str], forms: Sequence[str]) -> Iterator[Event]:
    for kind, text in held.items():
        if text:
            held[kind] = ""
            yield kind(_mask(text, forms))


def _open_tail(text: str, forms: Sequence[str]) -> int:
    """The length of the longest end of ``text`` that is the start of one of ``forms`` (0 when none is)."""
    longest = 0
    for form in forms:
        i = text.find(form[0], max(0, len(text) - len(form) + 1))
        while i != -1:
            if form.startswith(text[i:]):
                longest = max(longest, len(text) - i)
                break
            i = text.find(form[0], i + 1)
    return longest
