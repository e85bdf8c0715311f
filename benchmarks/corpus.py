"""Deterministic test corpus for the token estimator: prose, code, JSON, CJK, emoji, short prose in many
languages, encoded blobs and minified code.

Every category mixes hand-written text (benchmarks/corpus_text.py), seeded generators and, where present, text
read from this machine at run time (Python's stdlib, Debian licence texts and translations, npm's files, the
product page).  Nothing large is stored in the repo.  Each document is either *fit* or *held-out*, by a stable
hash of its name, so the estimator's coefficients can be fitted on one half and checked on the other.  The sources
per category are in corpus_sources.py, reading this machine's files in corpus_files.py.
"""

from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass

try:
    from benchmarks.corpus_sources import SOURCES
except ImportError:  # run as a script from benchmarks/
    from corpus_sources import SOURCES  # type: ignore[no-redef]

CATEGORIES = ("prose", "code", "json", "cjk", "emoji", "languages", "encoded", "minified")
EXTRA = ("other",)
UNSEEN = ("unseen",)  # languages the fit never sees: measured whole, never fitted


@dataclass(frozen=True)
class Doc:
    """One corpus document."""

    category: str
    source: str
    name: str
    text: str

    @property
    def held_out(self) -> bool:
        """Whether this document belongs to the held-out half (never used for fitting)."""
        return zlib.crc32(self.name.encode()) % 2 == 1


@functools.lru_cache(maxsize=64)
def documents(category: str, *, part: str = "all", budget: int = 60_000) -> tuple[Doc, ...]:
    """Documents of ``category`` ('fit', 'held' or 'all' of them), at most ``budget`` characters per source."""
    out = []
    for source, make in SOURCES[category].items():
        docs = [
            Doc(category, source, f"{category}/{source}/{name}", text) for name, text in make() if text.strip()
        ]
        docs.sort(key=lambda d: zlib.crc32(d.name.encode()))
        used = 0
        for doc in docs:
            if (part == "fit" and doc.held_out) or (part == "held" and not doc.held_out):
                continue
            out.append(doc)
            used += len(doc.text)
            if used >= budget:
                break
    return tuple(out)


def mixed(size: int) -> str:
    """About ``size`` UTF-8 bytes of the five categories interleaved, repeated as needed (for throughput runs)."""
    docs = [d.text for c in CATEGORIES for d in documents(c, budget=100_000)]
    docs.sort(key=lambda t: zlib.crc32(t.encode()))
    blob = "\n\n".join(docs)
    chars = size * len(blob) // len(blob.encode("utf-8"))
    return (blob * (chars // len(blob) + 1))[:chars]
