"""The live tail's Markdown balanced for display: open fences, code spans, bold and underscores closed."""

from __future__ import annotations

import pytest

from playground.chat.markdown import balance


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Plain words.",
        "Some **bold** and _italic_ and `code`.",
        "A snake_case_name and 2 ** 3 and a_b.",
        "```python\nprint(1)\n```\nAfter.",
        "Escaped \\*\\* stays.",
    ],
)
def test_text_with_nothing_open_is_unchanged(text: str) -> None:
    assert balance(text) == text


def test_an_open_fence_is_closed_with_its_own_marker() -> None:
    assert balance("Here:\n```python\nprint(1)") == "Here:\n```python\nprint(1)\n```"
    assert balance("~~~~\ncode\n") == "~~~~\ncode\n~~~~"
    assert balance("```\na\n```\n\n````\nb") == "```\na\n```\n\n````\nb\n````"


def test_a_closing_fence_half_arrived_is_not_shown_as_code() -> None:
    assert balance("```\nprint(1)\n`") == "```\nprint(1)\n```"
    assert balance("```\nprint(1)\n``") == "```\nprint(1)\n```"


def test_markers_inside_an_open_fence_are_code_not_markup() -> None:
    assert balance("```\nx = a**b and `y") == "```\nx = a**b and `y\n```"


def test_open_bold_underscore_and_code_span_are_closed_innermost_first() -> None:
    assert balance("This is **very imp") == "This is **very imp**"
    assert balance("An _aside with **bold") == "An _aside with **bold**_"
    assert balance("Run `pip inst") == "Run `pip inst`"
    assert balance("Use ``a ` b") == "Use ``a ` b``"


def test_closers_go_before_trailing_space() -> None:
    assert balance("This is **very ") == "This is **very** "


def test_a_bare_opener_at_the_end_is_dropped() -> None:
    assert balance("Next comes **") == "Next comes"
    assert balance("Next comes `") == "Next comes"


def test_only_the_last_paragraph_counts() -> None:
    text = "First **bold** here.\n\nSecond with `code"
    assert balance(text) == text + "`"
    closed_fence = "```\na ` b\n\nc\n```\nThen **x"
    assert balance(closed_fence) == closed_fence + "**"


def test_markers_in_code_spans_are_ignored() -> None:
    assert balance("Type `**` then **go") == "Type `**` then **go**"
    assert balance("`_private` is fine") == "`_private` is fine"
