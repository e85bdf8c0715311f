"""The offline engine's safe phrase (user text quoted in its reasoning): ASCII text goes through a fixed table, and
every text still gets the phrase the per-character rule gives."""

from __future__ import annotations

import random

from playground.offline import text as offline_text


def rule(text: str, limit: int) -> str:
    """The rule as stated: letters, digits and `` .,?!'-:;`` stay, anything else is a space; spaces collapse."""
    kept = "".join(c if c.isalnum() or c in " .,?!'-:;" else " " for c in text)
    phrase = " ".join(kept.split())
    return phrase if len(phrase) <= limit else phrase[: limit - 3].rstrip() + "..."


def test_the_phrase_follows_the_rule_on_any_text() -> None:
    rng = random.Random(22)
    ranges = [(0, 0x80), (0, 0x80), (0x80, 0x3000), (0xD800, 0xE000), (0xFE00, 0xFF00), (0x10000, 0x110000)]
    samples = [
        "**bold** `code` <b>x</b> [link](http://a.b)",
        "tab\there\nnew\u200bzero\u00a0nbsp",
        "Ünïcödé 東京 ١٢٣",
    ]
    samples += ["".join(map(chr, range(128))), "\x00\x7f" * 30 + "end"]
    for _ in range(2000):
        pick = ranges[:2] if rng.random() < 0.5 else ranges  # half of them ASCII only
        samples.append("".join(chr(rng.randrange(*rng.choice(pick))) for _ in range(rng.randrange(0, 90))))
    for sample in samples:
        assert offline_text._safe_phrase(sample, 40) == rule(sample, 40), repr(sample)
    assert len(offline_text._ASCII_INERT) == 128
