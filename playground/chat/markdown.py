"""Markdown cut mid-stream, balanced for display: an open code fence, code span, ``**``, ``*``, ``~~`` or ``_`` is
closed at the end of the live tail (or of a stopped reply), so half a reply never shows its raw markers.

Display only: the stored text is never changed; the next flush draws the real text again.
"""

from __future__ import annotations

import re

_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$", re.M)
_TICKS = re.compile(r"`+")
_STRONG = re.compile(r"(?<![\\*])\*\*(?!\*)")  # ``**`` alone (a ``***`` run is left as it is)
_UNDERSCORE = re.compile(r"(?<![\\_])_{1,2}(?!_)")
_STAR = re.compile(r"(?<![\\*])\*(?!\*)")  # a lone ``*`` (a list marker opens nothing: a space follows it)
_STRIKE = re.compile(r"(?<![\\~])~~(?!~)")


def _open_fence(text: str) -> tuple[str | None, int]:
    """The marker of a code fence left open at the end of ``text`` (or None), and where the text after the last
    closed fence starts."""
    marker, after = None, 0
    for m in _FENCE_LINE.finditer(text):
        run, rest = m.group(1), m.group(2)
        if marker is None:
            if run[0] == "`" and "`" in rest:  # not a fence: an info string may not hold backticks
                continue
            marker = run
        elif run[0] == marker[0] and len(run) >= len(marker) and not rest.strip():
            marker, after = None, m.end()
    return marker, after


def _mask_code(para: str) -> tuple[str, list[tuple[int, str]]]:
    """``para`` with code span contents blanked, and the span left open (its position and backticks), if any."""
    masked, start, ticks = list(para), None, ""
    for m in _TICKS.finditer(para):
        if start is None:
            start, ticks = m.start(), m.group()
        elif m.group() == ticks:
            masked[start : m.end()] = " " * (m.end() - start)
            start = None
    if start is None:
        return "".join(masked), []
    masked[start:] = " " * (len(para) - start)
    return "".join(masked), [(start, ticks)]


def _open_delims(masked: str, pattern: re.Pattern[str]) -> list[tuple[int, str]]:
    """Emphasis delimiters opened and not closed: an opener is followed by a non-space, a closer preceded by one
    (underscores also need no letter on their outer side: ``snake_case`` is not emphasis)."""
    stack: list[tuple[int, str]] = []
    end = len(masked.rstrip())  # a marker the stream has just sent may open what comes next
    for m in pattern.finditer(masked):
        run, i, j = m.group(), m.start(), m.end()
        before = masked[i - 1] if i else " "
        after = masked[j] if j < end else "\0"
        word_before, word_after = run[0] == "_" and before.isalnum(), run[0] == "_" and after.isalnum()
        closes = not before.isspace() and not word_after
        opens = not after.isspace() and not word_before
        if closes and stack and stack[-1][1] == run:
            stack.pop()
        elif opens:
            stack.append((i, run))
    return stack


def balance(text: str) -> str:
    """``text`` with the Markdown constructs its end leaves open closed (or a bare opener at the very end dropped),
    for drawing a live tail; text with nothing open comes back unchanged."""
    fence, after = _open_fence(text)
    if fence is not None:
        last = text.rsplit("\n", 1)[-1].strip()
        if last and set(last) == {fence[0]}:  # the closing fence half arrived: not code to show
            text = text[: len(text) - len(text.rsplit("\n", 1)[-1])]
        return text + ("" if text.endswith("\n") else "\n") + fence
    start = max(after, text.rfind("\n\n") + 2 if "\n\n" in text else 0)
    para = text[start:]
    masked, code = _mask_code(para)
    delims = [d for p in (_STRONG, _STAR, _STRIKE, _UNDERSCORE) for d in _open_delims(masked, p)]
    opened = sorted(code + delims, reverse=True)
    if not opened:
        return text
    body = para.rstrip()
    closers = ""
    for pos, marker in opened:  # innermost first
        if not body[pos + len(marker) :].strip():  # nothing after it yet: drop the bare marker
            body = body[:pos].rstrip()
        else:
            closers += marker
    return text[:start] + body + closers + para[len(para.rstrip()) :]
