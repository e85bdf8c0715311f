"""Markdown cut mid-stream, closed so it renders as Markdown: an open code fence, code span or emphasis is ended.

A stopped reply (or the live tail of one still streaming) can end inside ``**bold``; drawn as is, the reader sees
the raw ``**``. The stored text stays what the model sent; only what is drawn gets the closers.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.M)
_BULLET = re.compile(r"^[ \t]*\*[ \t]", re.M)  # "* item": a list marker, not emphasis
_SPECIAL = re.compile(r"\\|`+|~~|\*")  # what can open or close something inline
_DELIMS = ("~~", "**", "*")  # longest first; underscores are left alone (snake_case is not emphasis)


def _open_fence(text: str) -> str | None:
    """The fence that opens an unclosed code block in ``text``, else ``None``."""
    opener: str | None = None
    for m in _FENCE.finditer(text):
        mark = m.group(1)
        if opener is None:
            opener = mark
        elif mark[0] == opener[0] and len(mark) >= len(opener) and not _rest_of_line(text, m.end()).strip():
            opener = None
    return opener


def _rest_of_line(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[start:] if end < 0 else text[start:end]


def _last_block(text: str) -> int:
    """Where the last paragraph starts (emphasis never spans a blank line)."""
    cut = max(text.rfind("\n\n"), text.rfind("\n \n"))
    return cut + 1 if cut >= 0 else 0


def _open_inline(block: str) -> tuple[list[tuple[str, int]], str, int | None]:
    """The emphasis delimiters left open in ``block`` (with their positions), the backticks of an open code span,
    where a delimiter dangles at the very end (opening nothing)."""
    stack: list[tuple[str, int]] = []
    dangling: int | None = None
    bullets = {m.end() - 2 for m in _BULLET.finditer(block)}
    n, i = len(block), 0
    while (m := _SPECIAL.search(block, i)) is not None:
        i = m.start()
        if block[i] == "\\":
            i += 2
            continue
        if block[i] == "`":
            run = len(m.group(0))
            end = block.find(m.group(0), i + run)
            if end < 0:
                return stack, m.group(0), None
            i = end + run
            continue
        delim = next(d for d in _DELIMS if block.startswith(d, i))
        if i in bullets:
            pass
        elif stack and stack[-1][0] == delim and not block[i - 1].isspace():
            stack.pop()
        elif i + len(delim) < n and not block[i + len(delim)].isspace():
            stack.append((delim, i))
        elif not block[i + len(delim) :].strip():
            dangling = i
        i += len(delim)
    return stack, "", dangling


def close_unfinished(text: str) -> str:
    """``text`` with whatever Markdown it leaves open closed (a fence, a code span, emphasis), for drawing."""
    fence = _open_fence(text)
    if fence is not None:
        return text.rstrip("\n") + "\n" + fence
    start = _last_block(text)
    stack, in_code, dangling = _open_inline(text[start:])
    if in_code:
        return text + in_code
    body = text[: start + dangling].rstrip() if dangling is not None else text.rstrip()
    if not stack:
        return body if dangling is not None else text
    return body + "".join(d for d, _ in reversed(stack))
