"""What a CSV or JSONL reading error means for whoever uploaded the file, in a sentence that says what to do.

pandas' parser errors ("Error tokenizing data. C error: Expected 1 fields in line 3, saw 2") name the line but
read as internals; ``csv_problem`` turns them into "Line 3 has 2 fields where the header has 1: …".
"""

from __future__ import annotations

import json
import re

FIELDS = re.compile(r"Expected (\d+) fields? in line (\d+), saw (\d+)")
OPEN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")
GENERAL = "check that every line has as many commas as the header line, and put text with commas in double quotes."


def csv_problem(exc: BaseException, name: str) -> str:
    """A sentence for a CSV that pandas could not parse, naming the line when the parser did."""
    text = str(exc)
    if (m := FIELDS.search(text)) is not None:
        expected, line, saw = m.groups()
        return (
            f"Could not read {name}. Line {line} has {saw} fields where the header has {expected}: "
            "put text with commas in double quotes."
        )
    if (m := OPEN_QUOTE.search(text)) is not None:
        return (
            f"Could not read {name}. A double quote opened on line {int(m.group(1)) + 1} is never closed: close "
            'it, and write a quote inside quoted text as two ("").'
        )
    if "No columns to parse" in text:
        return f"Could not read {name}: it is empty. Put the column names on its first line."
    return f"Could not read {name}: {GENERAL[0].upper()}{GENERAL[1:]}"


def jsonl_problem(exc: json.JSONDecodeError, line: int) -> str:
    """A sentence for a JSONL line that is not JSON (the line in the file, the column in the line)."""
    return (
        f"Line {line} is not valid JSON ({exc.msg.lower()} at column {exc.colno}): write one JSON object per line."
    )
