"""The regex check under a time limit: a catastrophic pattern fails its row instead of hanging a worker.

The check runs in a daemon thread waited on generously (far above the limit), so a pattern that ignores the limit
while releasing the GIL fails the test instead of blocking the suite. (Python's ``re`` holds the GIL: there the
wait lasts as long as the match, about a minute for ``HOSTILE`` on this machine, and the verdict is "does not match
the pattern", so the test still fails.)
"""

from __future__ import annotations

import threading

import pandas as pd
from experiments_util import known_usage_handler, variant
from loopback import LoopbackServer

from playground.experiments import checks, results
from playground.experiments.testrun import EvalRun

CATASTROPHIC = r"(a|aa)+$"  # exponential backtracking on many a's followed by a non-matching character
HOSTILE = "a" * 40 + "b"  # a minute or more without a limit; each added a multiplies it by 1.6
HANG = 60.0  # seconds before a check that has not returned counts as hung
REGEX = checks.Check("regex", "expected")
SLOW = f"the pattern took longer than {checks.REGEX_SECONDS:g} s on this output"


def _in_thread(pattern: str, output: str) -> checks.Verdict | None:
    """The verdict, or None when the check did not return within ``HANG`` seconds."""
    found: list[checks.Verdict] = []
    worker = threading.Thread(
        target=lambda: found.append(checks.run(REGEX, output, {"expected": pattern})), daemon=True
    )
    worker.start()
    worker.join(HANG)
    return found[0] if found else None


def test_a_catastrophic_pattern_fails_with_the_reason_instead_of_hanging() -> None:
    assert checks.REGEX_SECONDS == 1.0
    assert _in_thread(CATASTROPHIC, HOSTILE) == checks.Verdict(
        False, "the pattern took longer than 1 s on this output"
    )
    assert _in_thread(CATASTROPHIC, "aaaa") == checks.Verdict(True)  # the same pattern on a short output matches


def test_normal_patterns_keep_search_semantics() -> None:
    def verdict(pattern: str, output: str) -> checks.Verdict:
        return checks.run(REGEX, output, {"expected": pattern})

    assert verdict("Par", "It is Paris.").passed  # search: anywhere in the output, not the whole of it
    assert verdict(r"^\d{3}$", "123").passed and not verdict(r"^\d{3}$", "1234").passed
    assert verdict(r"(?i)paris", "PARIS").passed
    assert verdict(r"\bOslo\b", "Capital: Oslo\n").passed
    assert verdict("Rome", "Milan") == checks.Verdict(False, "does not match the pattern")
    assert verdict("x" * (checks.MAX_PATTERN + 1), "x") == checks.Verdict(
        False, f"the pattern is longer than {checks.MAX_PATTERN} characters"
    )


def test_an_invalid_pattern_is_a_clear_verdict() -> None:
    row = {"expected": "("}
    assert checks.run(REGEX, "x", row) == checks.Verdict(False, "not a valid regex: missing ) at position 1")
    assert checks.run(REGEX, "x", {"expected": "a{2,1}"}).detail.startswith("not a valid regex: ")


def test_a_test_set_run_with_a_catastrophic_pattern_finishes() -> None:
    frame = pd.DataFrame(
        {
            "question": [HOSTILE, "What is 2 + 2?", HOSTILE],
            "expected": [CATASTROPHIC, r"\d \+ \d\?$", "a+b$"],
        }
    )
    with LoopbackServer(known_usage_handler()) as server:
        run = EvalRun(variants=[variant(server)], rows=frame, prompt="{{question}}", check=REGEX, concurrency=2)
        run.start()
        assert run.wait(HANG)
    assert run.state == "finished" and len(server.requests) == 3
    lines = results.table(run.cells, run.variants)
    assert lines["Check"].tolist() == ["Fail", "Pass", "Pass"]
    assert lines["Detail"].tolist() == [SLOW, "", ""]
    assert results.totals(run.cells, run.variants)[0]["pass_rate"] * 3 == 2
