"""Reading this machine's files for the token corpus: where the shared folder and the stdlib are, files by
pattern, their start, and text cut into chunks at line boundaries."""

from __future__ import annotations

import fnmatch
import os
import sysconfig
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The team's shared folder (product page, reference tokenizer): ../shared beside the checkout, or beside a parent
# of it when the checkout is a worktree nested one level deeper.
SHARED = next((p / "shared" for p in ROOT.parents if (p / "shared").is_dir()), ROOT.parent / "shared")
STDLIB = Path(sysconfig.get_paths()["stdlib"])
CHUNK = 3000
SKIP_DIRS = {"site-packages", "__pycache__", "idlelib", "lib2to3"}


def _chunks(text: str, size: int = CHUNK) -> Iterator[str]:
    """Split ``text`` at line boundaries into pieces of about ``size`` characters."""
    buf: list[str] = []
    n = 0
    for line in text.splitlines(keepends=True):
        buf.append(line)
        n += len(line)
        if n >= size:
            yield "".join(buf)
            buf, n = [], 0
    if buf:
        yield "".join(buf)


def _files(pattern: str, base: Path, *, every: int = 1, limit: int = 400) -> list[Path]:
    """Sorted files under ``base`` matching ``pattern``, every ``every``-th one, at most ``limit``."""
    found = []
    for top, dirs, names in os.walk(base):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        found += [Path(top, n) for n in names if fnmatch.fnmatch(n, pattern)]
    found = sorted(p for p in found if p.is_file() and not p.is_symlink())
    return found[::every][:limit]


def _read(path: Path, limit: int = 4 * CHUNK) -> str:
    """The start of a UTF-8 text file, or '' if it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")[:limit]
    except (OSError, UnicodeDecodeError):
        return ""
