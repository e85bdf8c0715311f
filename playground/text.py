"""Text from servers and models made safe to show: server words as plain text, remote images as links.

A provider's error body is the server's text, not the app's: shown through Markdown, ``[Re-enter your key](…)``
becomes a working link inside the app's own error box. ``plain`` makes it a code span: every character shows as is.
A model's answer is Markdown, but an image in it would be fetched by the browser the moment it is drawn, telling
the image's host that the page was viewed (and whatever the URL carries); ``block_remote_images`` turns each image
into a link that names the host, so nothing loads until the user decides.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from urllib import parse

from markdown_it import MarkdownIt
from markdown_it import rules_inline as inline_rules
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

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
    """A JSON value (dicts, lists, strings, keys included) with ``no_lone_surrogates`` applied to every string,
    fixed in place (the value was just decoded: nobody else holds it) and returned; iterative, so no recursion
    limit."""
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


_PUNCT = re.compile(r"([\\`*_\[\]<>!#|~:$&()])")


def _label(alt: str, url: str) -> str:
    what = _PUNCT.sub(r"\\\1", " ".join(alt.split())) or "image"
    return f":material/image: [{what} (image from {host_of(url)}, not loaded)](<{url}>)"


def _parser() -> MarkdownIt:
    """CommonMark with GitHub's tables and strikethrough (as Streamlit draws), recording where each image is."""
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])

    def image(state: StateInline, silent: bool) -> bool:
        start = state.pos
        found = inline_rules.image(state, silent)
        if found and not silent:
            state.env.setdefault("images", []).append((state.src, start, state.pos))
        return found

    md.inline.ruler.at("image", image)
    md.core.ruler.at("inline", _inline_where_images_may_be)
    md.normalizeLink = _link  # markdown-it's own (mdurl parse and encode) costs more than the whole parse
    return md


def _inline_where_images_may_be(state: StateCore) -> None:
    """Markdown-it's inline pass, run only on the inline content that holds ``![``: no image can start anywhere
    else (an entity never makes syntax), and the inline pass is most of the cost of a parse."""
    for token in state.tokens:
        if token.type == "inline":
            token.children = token.children or []
            if "![" in token.content:
                state.md.inline.parse(token.content, state.md, state.env, token.children)


def _link(url: str) -> str:
    """``url`` percent-encoded where it must be to sit inside ``<...>`` in a link (spaces, brackets, controls)."""
    return parse.quote(url, safe="!#$%&'()*+,/:;=?@[]~-._|{}^`\"")


_MD = _parser()


def _images(tokens: list[Token]) -> int:
    return sum(c.type == "image" for t in tokens if t.type == "inline" for c in t.children or ())


def _alt(image: Token) -> str:
    parts = [" " if c.type in ("softbreak", "hardbreak") else c.content for c in image.children or ()]
    return "".join(parts) or image.content


def _spans(text: str, tokens: list[Token], found: list[tuple[str, int, int]]) -> list[tuple[int, int, str]] | None:
    """Where each image is in ``text`` and its label, mapped from the parser's inline offsets to the text's
    (None when an offset cannot be mapped back: the caller escapes instead)."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    lines = text.split("\n")
    used: dict[int, int] = {}  # a table row's line: where the next cell's search starts
    spans: list[tuple[int, int, str]] = []
    queue = iter(found)
    for token in tokens:
        images = [c for c in token.children or () if c.type == "image"] if token.type == "inline" else []
        if not images:
            continue
        if token.map is None:
            return None
        first = token.map[0]
        columns = []
        for i, piece in enumerate(token.content.split("\n")):
            row = first + i
            col = lines[row].find(piece, used.get(row, 0)) if row < len(lines) else -1
            if col < 0:
                return None
            used[row] = col + len(piece)
            columns.append(starts[row] + col)
        for image in images:
            src, begin, end = next(((s, b, e) for s, b, e in queue if s == token.content), (None, 0, 0))
            if src is None:
                return None
            spans.append(
                (_offset(src, begin, columns), _offset(src, end, columns), _label(_alt(image), image.attrs["src"]))
            )
    return spans


def _offset(src: str, pos: int, columns: list[int]) -> int:
    line = src.count("\n", 0, pos)
    return columns[line] + pos - (src.rfind("\n", 0, pos) + 1)


def _escaped(text: str, tokens: list[Token]) -> str:
    """``text`` with every ``![`` outside code blocks escaped (``\\![``): no image can start there."""
    code = {n for t in tokens if t.type in ("fence", "code_block") and t.map for n in range(*t.map)}
    lines = text.split("\n")
    return "\n".join(line if n in code else line.replace("![", "\\![") for n, line in enumerate(lines))


class _Recent:
    """The last results of ``block_remote_images`` by text, up to ``budget`` characters in all: every rerun draws
    the whole conversation again, and a text with images costs a parse each time."""

    def __init__(self, budget: int) -> None:
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, str] = OrderedDict()
        self._size, self._budget = 0, budget

    def get(self, text: str) -> str | None:
        with self._lock:
            found = self._kept.get(text)
            if found is not None:
                self._kept.move_to_end(text)
            return found

    def put(self, text: str, result: str) -> None:
        size = len(text) + len(result)
        if size > self._budget // 4:
            return
        with self._lock:
            if text in self._kept:
                return
            self._kept[text] = result
            self._size += size
            while self._size > self._budget:
                old, kept = self._kept.popitem(last=False)
                self._size -= len(old) + len(kept)


_RECENT = _Recent(8_000_000)


def block_remote_images(markdown: str) -> str:
    """``markdown`` with every image (inline or reference-style) turned into a link naming its host.

    A maintained CommonMark parser (markdown-it-py) decides what is an image, so brackets in alt text, code spans
    and fences are read as Streamlit's renderer reads them; each image's source span is replaced by a link. Code is
    left as it is: it is shown as code, never loaded. Raw HTML (an ``<img>`` tag) needs nothing: Streamlit's
    Markdown never renders HTML here. If an image cannot be placed exactly, every ``![`` outside code blocks is
    escaped instead, and the result is checked again until the parser finds no image at all.
    """
    if "![" not in markdown:
        return markdown
    kept = _RECENT.get(markdown)
    if kept is None:
        kept = _blocked(markdown)
        _RECENT.put(markdown, kept)
    return kept


def _blocked(markdown: str) -> str:
    text = markdown.replace("\r\n", "\n").replace("\r", "\n").replace("\0", REPLACEMENT)
    env: dict = {}
    tokens = _MD.parse(text, env)
    if not _images(tokens):
        return markdown
    spans = _spans(text, tokens, env.get("images", []))
    if spans is not None:
        for begin, end, label in sorted(spans, reverse=True):
            text = text[:begin] + label + text[end:]
    for attempt in (lambda t, toks: _escaped(t, toks), lambda t, toks: t.replace("!", "\\!")):
        tokens = _MD.parse(text, {})
        if not _images(tokens):
            return text
        text = attempt(text, tokens)
    return text if not _images(_MD.parse(text, {})) else "```\n" + text.replace("`", "'") + "\n```"
