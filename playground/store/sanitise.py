"""What a database column takes: every string written is cleaned at the boundary, just before the flush.

Model output is arbitrary: a NUL byte (PostgreSQL text and JSON refuse it), an unpaired UTF-16 surrogate (valid
JSON, ``"\\ud800"``, that neither database can encode) or a 300-character ``finish_reason`` in a 200-character
column would fail the save for good. Each becomes U+FFFD (or is cut to the column's width, ending in "…"), so
the rest of the reply is saved as it came.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import JSON, String, event, inspect
from sqlalchemy.orm import Session

REPLACEMENT = "\ufffd"
_UNSAVABLE = re.compile("[\x00\ud800-\udfff]")


def clean_text(text: str, width: int | None = None) -> str:
    """``text`` with NUL bytes and surrogates replaced, cut to ``width`` characters when given."""
    if _UNSAVABLE.search(text):
        text = _UNSAVABLE.sub(REPLACEMENT, text)
    if width is not None and len(text) > width:
        text = text[: width - 1] + "…"
    return text


def clean_json(value: Any) -> Any:
    """A JSON-like value with every string (keys included) cleaned."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_json(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    return value


def _clean_row(obj: object) -> None:
    for attr in inspect(obj).mapper.column_attrs:
        column = attr.columns[0]
        value = getattr(obj, attr.key, None)
        if isinstance(value, str):
            width = column.type.length if isinstance(column.type, String) else None
            cleaned = clean_text(value, width)
        elif isinstance(column.type, JSON) and value is not None:
            cleaned = clean_json(value)
            if cleaned == value:
                continue
        else:
            continue
        if cleaned is not value and cleaned != value:
            setattr(obj, attr.key, cleaned)


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    for obj in (*session.new, *session.dirty):
        _clean_row(obj)


def guard(session: Session) -> Session:
    """``session`` with every row it writes cleaned first."""
    event.listen(session, "before_flush", _before_flush)
    return session
