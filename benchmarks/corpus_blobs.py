"""Corpus sources outside plain text: encoded blobs (base64, hex, data URLs, keys in config files), minified
code, and short prose in many languages.  Seeded generators plus files found on this machine at run time."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    from benchmarks import corpus_langs as L
except ImportError:  # run as a script from benchmarks/
    import corpus_langs as L  # type: ignore[no-redef]

Source = Callable[[], Iterator[tuple[str, str]]]


def _payload(rng: random.Random, n: int) -> bytes:
    """Bytes shaped like what gets pasted: random (keys, encrypted), compressed text, a PNG-like file, or bytes
    with many zeros."""
    kind = rng.choice(("random", "zlib", "png", "sparse"))
    if kind == "random":
        return rng.randbytes(n)
    if kind == "sparse":  # image rows and binary headers hold many zero bytes ("AAAA" in base64)
        return bytes(0 if rng.random() < 0.4 else rng.randrange(256) for _ in range(n))
    if kind == "zlib":
        words = " ".join(rng.choice(("alpha", "beta", "gamma", "delta", "token", "value")) for _ in range(n))
        return zlib.compress(words.encode())[:n]
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(n)


def _base64() -> Iterator[tuple[str, str]]:
    rng = random.Random(64)
    for i in range(40):
        blob = base64.b64encode(_payload(rng, rng.choice((24, 48, 200, 600, 1500)))).decode()
        if rng.random() < 0.4:  # as a MIME body or a PEM block: wrapped at 76 or 64 columns
            width = rng.choice((64, 76))
            blob = "\n".join(blob[j : j + width] for j in range(0, len(blob), width))
        yield f"b{i}", blob


def _hex() -> Iterator[tuple[str, str]]:
    rng = random.Random(16)
    for i in range(40):
        kind = i % 4
        if kind == 0:  # digests, one per line, as in a checksum file
            text = "\n".join(
                f"{hashlib.sha256(rng.randbytes(8)).hexdigest()}  file{j}.tar.gz"
                for j in range(rng.randint(2, 12))
            )
        elif kind == 1:  # a bare hex string
            text = rng.randbytes(rng.choice((16, 32, 64, 256))).hex()
        elif kind == 2:  # an xxd-style dump
            data = _payload(rng, 160)
            text = "\n".join(
                f"{j:08x}: " + " ".join(data[k : k + 2].hex() for k in range(j, min(j + 16, len(data)), 2))
                for j in range(0, len(data), 16)
            )
        else:  # upper-case hex with separators, as MACs, UUIDs and colour lists
            text = " ".join(
                rng.choice(
                    (":".join(f"{b:02X}" for b in rng.randbytes(6)), str(_uuid(rng)), f"#{rng.randbytes(3).hex()}")
                )
                for _ in range(rng.randint(5, 30))
            )
        yield f"h{i}", text


def _uuid(rng: random.Random) -> str:
    h = rng.randbytes(16).hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _data_urls() -> Iterator[tuple[str, str]]:
    rng = random.Random(2397)
    for i in range(30):
        mime = rng.choice(("image/png", "image/jpeg", "image/gif", "application/pdf", "font/woff2"))
        blob = base64.b64encode(_payload(rng, rng.choice((60, 300, 900)))).decode()
        url = f"data:{mime};base64,{blob}"
        yield (
            f"d{i}",
            rng.choice(
                (
                    url,
                    f'<img alt="logo" src="{url}">',
                    f".icon {{ background-image: url({url}); }}",
                    f"Here is the screenshot: {url}\nWhat is wrong with it?",
                    json.dumps({"type": "image_url", "image_url": {"url": url}}),
                )
            ),
        )


def _secret(rng: random.Random) -> str:
    """A made-up credential in one of the common shapes (all random, none real)."""
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

    def pick(n: int, chars: str = alnum) -> str:
        return "".join(rng.choice(chars) for _ in range(n))

    jwt = ".".join(base64.urlsafe_b64encode(rng.randbytes(n)).decode().rstrip("=") for n in (27, 90, 32))
    return rng.choice(
        (
            f"sk-{pick(48)}",
            f"xai-{pick(80)}",
            f"AKIA{pick(16, alnum[:26] + alnum[52:])}",
            pick(40, alnum + "+/"),
            f"ghp_{pick(36)}",
            jwt,
            rng.randbytes(32).hex(),
        )
    )


def _config_keys() -> Iterator[tuple[str, str]]:
    rng = random.Random(4242)
    names = ("API_KEY", "SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "OPENAI_API_KEY", "XAI_API_KEY", "JWT_SECRET")
    for i in range(36):
        pairs = {rng.choice(names) + (f"_{j}" if j else ""): _secret(rng) for j in range(rng.randint(2, 6))}
        style = i % 4
        if style == 0:
            text = "\n".join(f"{k}={v}" for k, v in pairs.items())
        elif style == 1:
            text = "credentials:\n" + "\n".join(f"  {k.lower()}: {v}" for k, v in pairs.items())
        elif style == 2:
            text = json.dumps({"service": "billing", "region": "eu-west-1", "secrets": pairs}, indent=2)
        else:
            body = base64.b64encode(rng.randbytes(rng.choice((256, 600)))).decode()
            pem = "\n".join(body[j : j + 64] for j in range(0, len(body), 64))
            text = f"-----BEGIN PRIVATE KEY-----\n{pem}\n-----END PRIVATE KEY-----\n" + "\n".join(
                f'{k} = "{v}"' for k, v in pairs.items()
            )
        yield f"k{i}", text


# ---- minified code ----------------------------------------------------------------------------------------

MIN_DIRS = (Path("/usr/lib/node_modules/npm"), Path("/usr/share/javascript"), Path("/usr/share/nodejs"))


def _min_files() -> Iterator[tuple[str, str]]:
    """Minified JavaScript and CSS shipped on this machine (npm's bundles, Debian's jQuery)."""
    from benchmarks.corpus_files import _files, _read

    for base in MIN_DIRS:
        for pattern in ("*.min.js", "*.min.css"):
            for path in _files(pattern, base, limit=20):
                text = _read(path, 60_000)
                for j in range(0, min(len(text), 60_000), 2000):
                    yield f"{path.name}@{zlib.crc32(str(path).encode()):08x}#{j}", text[j : j + 2000]


_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\\'\"])//[^\n]*", re.S)
_SPACE = re.compile(r"\s+")
_AROUND = re.compile(r"\s*([{}()\[\];,:=+\-*/<>!?&|])\s*")


def minify(source: str) -> str:
    """A crude JavaScript/CSS minifier: comments dropped, whitespace collapsed and removed around punctuation."""
    return _AROUND.sub(r"\1", _SPACE.sub(" ", _COMMENT.sub("", source))).strip()


def _min_stripped() -> Iterator[tuple[str, str]]:
    """npm's readable JavaScript, minified here (whitespace and comments only, names kept)."""
    from benchmarks.corpus_files import _files, _read

    for path in _files("*.js", Path("/usr/lib/node_modules/npm/lib"), every=11, limit=40):
        text = minify(_read(path, 20_000))
        for j in range(0, len(text), 2000):
            yield f"{path.name}#{j}", text[j : j + 2000]


# ---- short prose in many languages ------------------------------------------------------------------------

TUTORS = {"tr", "vi", "ru", "es", "fr", "de", "pl", "pt", "ja", "ko"}


def _language(lang: str) -> Source:
    """Hand-written short paragraphs in one language."""

    def source() -> Iterator[tuple[str, str]]:
        for i, para in enumerate(L.paragraphs(lang)):
            yield f"w{i}", para

    return source


def _tutors() -> Iterator[tuple[str, str]]:
    """Vim's tutor in the languages Debian ships it in: long instructional text full of commands (reported under
    "other": it tokenizes unlike everyday prose, so it is not fitted as short prose)."""
    from benchmarks.corpus_files import _chunks, _read

    for lang in sorted(TUTORS):
        tutor = _read(Path(f"/usr/share/vim/vim90/tutor/tutor.{lang}.utf-8"), 60_000)
        for j, chunk in enumerate(_chunks(tutor, 800)):
            if j % 4 == 1:
                yield f"{lang}#{j}", chunk


SOURCES: dict[str, dict[str, Source]] = {
    "languages": {lang: _language(lang) for lang in L.LANGS},
    "unseen": {lang: _language(lang) for lang in L.UNSEEN},
    "other": {"vim tutors": _tutors},
    "encoded": {"base64": _base64, "hex": _hex, "data urls": _data_urls, "config keys": _config_keys},
    "minified": {"files": _min_files, "stripped": _min_stripped},
}
