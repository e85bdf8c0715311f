"""Text from servers and models made safe to show: server words as plain text, remote images as links.

A provider's error body is the server's text, not the app's: shown through Markdown, ``[Re-enter your key](…)``
becomes a working link inside the app's own error box. ``plain`` makes it a code span: every character shows as is.
A model's answer is Markdown, but an image in it would be fetched by the browser the moment it is drawn, telling
the image's host that the page was viewed (and whatever the URL carries); ``block_remote_images`` turns each image
into a link that names the host, so nothing loads until the user decides.
"""

from __future__ import annotations

import re
from urllib import parse

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})", re.M)
_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?\1")
_INLINE_IMAGE = re.compile(r"!\[((?:[^\[\]\\]|\\.)*)\]\(\s*<?([^\s)>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REF_IMAGE = re.compile(r"!\[((?:[^\[\]\\]|\\.)*)\](\[[^\]]*\])?")
_REF_DEF = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s.*)?$", re.M)


_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def no_lone_surrogates(text: str) -> str:
    """``text`` with every surrogate code point replaced by U+FFFD.

    Valid JSON can carry one (``"\\ud800"``), and Streamlit's protobuf cannot encode it: the page would fail on
    every later run. A string decoded from JSON or UTF-8 never holds a *paired* surrogate (the decoder joins pairs
    into one character), so every surrogate left is a lone one.
    """
    return _SURROGATE.sub(REPLACEMENT, text) if _SURROGATE.search(text) else text


def without_lone_surrogates(value: object) -> object:
    """A JSON value (dicts, lists, strings, keys included) with ``no_lone_surrogates`` applied to every string;
    a value with none is returned as it is (iterative: no recursion limit)."""
    if isinstance(value, str):
        return no_lone_surrogates(value)
    if not isinstance(value, dict | list):
        return value
    root: list[object] = [value]
    stack: list[tuple[list | dict, object]] = [(root, 0)]
    while stack:
        parent, key = stack.pop()
        item = parent[key]  # type: ignore[index]
        if isinstance(item, str):
            parent[key] = no_lone_surrogates(item)  # type: ignore[index]
        elif isinstance(item, list):
            stack.extend((item, i) for i in range(len(item)))
        elif isinstance(item, dict):
            if any(_SURROGATE.search(k) for k in item):
                fixed = {no_lone_surrogates(k): v for k, v in item.items()}
                item.clear()
                item.update(fixed)
            stack.extend((item, k) for k in item)
    return root[0]


def plain(text: str) -> str:
    """``text`` as a Markdown code span on one line: shown exactly as typed, with no link, image, emphasis,
    directive or autolinked URL, whatever it contains (a fence longer than any backtick run inside)."""
    line = " ".join(str(text).split())
    if not line:
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", line)), default=0) + 1)
    return f"{fence} {line} {fence}"


def label_text(text: str) -> str:
    """``text`` as is when it is only letters, digits, spaces, ``.``, ``-`` and ``/`` (nothing Markdown could act
    on), else as ``plain`` makes it: for server-given names in labels, which Streamlit renders as Markdown."""
    return text if re.fullmatch(r"[A-Za-z0-9 .\-/]+", text) else plain(text)


def host_of(url: str) -> str:
    """The host an image URL points at, or a description when it has none."""
    try:
        host = parse.urlsplit(url.strip()).hostname
    except ValueError:
        host = None
    return host or "an unknown address"


def _label(alt: str, url: str) -> str:
    what = alt.strip() or "image"
    return f":material/image: [{what} (image from {host_of(url)}, not loaded)]({url})"


def _rewrite(segment: str, refs: dict[str, str]) -> str:
    segment = _INLINE_IMAGE.sub(lambda m: _label(m.group(1), m.group(2)), segment)

    def ref(match: re.Match[str]) -> str:
        alt, label = match.group(1), (match.group(2) or "")[1:-1] or match.group(1)
        url = refs.get(label.strip().lower())
        if url is None:
            return match.group(0)[1:]  # not an image after all: drop the "!" so nothing can load
        return _label(alt, url)

    return _REF_IMAGE.sub(ref, segment)


def block_remote_images(markdown: str) -> str:
    """``markdown`` with every image (inline or reference-style) turned into a link naming its host.

    Code (fenced blocks and inline spans) is left as it is: it is shown as code, never loaded. Raw HTML (an
    ``<img>`` tag) needs nothing: Streamlit's Markdown never renders HTML here.
    """
    if "!" not in markdown:
        return markdown
    refs = {m.group(1).strip().lower(): m.group(2) for m in _REF_DEF.finditer(markdown)}
    out: list[str] = []
    for i, block in enumerate(_fenced_split(markdown)):
        if i % 2:  # a fenced code block
            out.append(block)
            continue
        last = 0
        for span in _CODE_SPAN.finditer(block):
            out.append(_rewrite(block[last : span.start()], refs))
            out.append(span.group(0))
            last = span.end()
        out.append(_rewrite(block[last:], refs))
    return "".join(out)


def _fenced_split(markdown: str) -> list[str]:
    """``markdown`` split into text and fenced code blocks, alternating from text (open fences run to the end)."""
    parts: list[str] = []
    pos = 0
    while True:
        start = _FENCE.search(markdown, pos)
        if start is None:
            parts.append(markdown[pos:])
            return parts
        fence = start.group(2)
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$", re.M)
        line_end = markdown.find("\n", start.end())
        end = closing.search(markdown, line_end + 1) if line_end != -1 else None
        stop = len(markdown) if end is None else end.end()
        parts += [markdown[pos : start.start()], markdown[start.start() : stop]]
        pos = stop
        if stop >= len(markdown):
            parts.append("")
            return parts
