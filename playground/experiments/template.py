"""Prompt templates with ``{{variable}}`` placeholders, filled from a test-set row in one pass."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s][^{}]*?)\s*\}\}")
MAX_TEMPLATE = 200_000  # characters


class TemplateError(ValueError):
    """The template cannot be filled (message is safe to show)."""


def variables(template: str) -> list[str]:
    """The placeholder names in order of first use, each once."""
    return list(dict.fromkeys(m.group(1) for m in PLACEHOLDER.finditer(template)))


def missing(template: str, columns: Iterable[str]) -> list[str]:
    """Placeholders that no column fills."""
    have = set(columns)
    return [name for name in variables(template) if name not in have]


def check(template: str, columns: Iterable[str]) -> None:
    """Raise ``TemplateError`` naming every placeholder the columns do not fill, and the columns there are."""
    if len(template) > MAX_TEMPLATE:
        raise TemplateError(f"The template is longer than {MAX_TEMPLATE:,} characters.")
    if not template.strip():
        raise TemplateError("The template is empty.")
    columns = list(columns)
    gone = missing(template, columns)
    if gone:
        names = ", ".join("{{" + n + "}}" for n in gone)
        have = ", ".join(columns) or "none"
        raise TemplateError(f"No column for {names}. Columns: {have}.")


def render(template: str, row: Mapping[str, object]) -> str:
    """The template with every placeholder replaced by its row value (values are inserted as they are)."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in row:
            raise TemplateError(f"No value for {{{{{name}}}}}.")
        value = row[name]
        return "" if value is None else str(value)

    return PLACEHOLDER.sub(fill, template)
