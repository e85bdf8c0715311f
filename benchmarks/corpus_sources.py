"""The token corpus's sources per category: prose, code, JSON, CJK, other scripts and emoji (hand-written text,
seeded generators and files read from this machine), with the encoded and minified ones from corpus_blobs."""

from __future__ import annotations

import ast
import gettext
import json
import random
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    from benchmarks import corpus_blobs
    from benchmarks import corpus_text as T
    from benchmarks.corpus_files import SHARED, STDLIB, _chunks, _files, _read
except ImportError:  # run as a script from benchmarks/
    import corpus_blobs  # type: ignore[no-redef]
    import corpus_text as T  # type: ignore[no-redef]
    from corpus_files import SHARED, STDLIB, _chunks, _files, _read  # type: ignore[no-redef]


# ---- prose ----------------------------------------------------------------------------------------------


def _prose_written() -> Iterator[tuple[str, str]]:
    for i, para in enumerate(T.PROSE):
        yield f"p{i}", para
    for i in range(0, len(T.CHAT), 4):
        yield f"chat{i}", "\n\n".join(T.CHAT[i : i + 4])


def _prose_licences() -> Iterator[tuple[str, str]]:
    for path in _files("*", Path("/usr/share/common-licenses")):
        for j, chunk in enumerate(_chunks(_read(path, 40_000))):
            yield f"{path.name}#{j}", chunk


def _prose_docstrings() -> Iterator[tuple[str, str]]:
    for path in _files("*.py", STDLIB, every=7, limit=120):
        if "test" in path.parts or "site-packages" in path.parts:
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            continue
        docs = [
            ast.get_docstring(n)
            for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        text = "\n\n".join(d for d in docs if d and len(d) > 80)
        for j, chunk in enumerate(_chunks(text)):
            yield f"{path.relative_to(STDLIB)}#{j}", chunk


def _prose_markdown() -> Iterator[tuple[str, str]]:
    pages = _files("*.txt", SHARED / "product-page")
    docs = _files("*.md", Path("/usr/lib/node_modules/npm/docs"), every=3, limit=40)
    for path in pages + docs:
        for j, chunk in enumerate(_chunks(_read(path))):
            yield f"{path.name}#{j}", chunk


# ---- code -----------------------------------------------------------------------------------------------


def _code_written() -> Iterator[tuple[str, str]]:
    for i, snippet in enumerate(T.CODE):
        yield f"s{i}", snippet


def _code_files(pattern: str, base: Path, every: int) -> Callable[[], Iterator[tuple[str, str]]]:
    def source() -> Iterator[tuple[str, str]]:
        for path in _files(pattern, base, every=every, limit=80):
            for j, chunk in enumerate(_chunks(_read(path))):
                yield f"{path.relative_to(base)}#{j}", chunk

    return source


# ---- JSON -----------------------------------------------------------------------------------------------


def _json_generated() -> Iterator[tuple[str, str]]:
    rng = random.Random(20240601)
    for i in range(60):
        obj = {k: T.json_value(rng, 3) for k in rng.sample(T.WORDS, rng.randint(3, 8))}
        indent = rng.choice([None, None, 2, 4])
        seps = (",", ":") if rng.random() < 0.2 else None
        yield f"g{i}", json.dumps(obj, indent=indent, separators=seps)


def _json_api() -> Iterator[tuple[str, str]]:
    rng = random.Random(7)
    for i in range(30):
        msgs = [
            {"role": rng.choice(["system", "user", "assistant"]), "content": rng.choice(T.CHAT + T.PROSE)}
            for _ in range(rng.randint(1, 4))
        ]
        req = {
            "model": "x-ai-grok-3-mini-beta",
            "messages": msgs,
            "temperature": round(rng.random(), 2),
            "max_tokens": rng.randint(16, 4096),
            "stream": rng.random() < 0.5,
        }
        usage = {
            "prompt_tokens": rng.randint(5, 900),
            "completion_tokens": rng.randint(1, 900),
            "total_tokens": rng.randint(10, 1800),
        }
        resp = {
            "id": f"chatcmpl-{rng.getrandbits(64):016x}",
            "object": "chat.completion",
            "created": 1715000000 + i,
            "choices": [{"index": 0, "message": msgs[-1], "finish_reason": "stop"}],
            "usage": usage,
        }
        yield f"a{i}", json.dumps([req, resp], indent=rng.choice([None, 2]))


def _json_files() -> Iterator[tuple[str, str]]:
    npm = _files("*.json", Path("/usr/lib/node_modules/npm"), every=4, limit=60)
    other = _files("*.json", Path("/usr/share/doc/nodejs"), limit=5) + _files("*.json", STDLIB / "test", limit=10)
    for path in npm + other:
        for j, chunk in enumerate(_chunks(_read(path))):
            yield f"{path.name}@{zlib.crc32(str(path).encode()):08x}#{j}", chunk


# ---- CJK ------------------------------------------------------------------------------------------------


def _is_cjk(ch: str) -> bool:
    return "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7a3"


CJK_ENCODINGS = {
    "zh": ("gb2312", "gbk", "gb18030", "hz"),
    "zh_TW": ("big5", "big5hkscs"),
    "ja": ("euc_jp", "euc_jisx0213", "shift_jis"),
    "ko": ("euc_kr", "cp949", "johab"),
}


TEXT_FILES = {
    "zh": ("vim/vim90/tutor/tutor.zh_cn.utf-8", "gnupg/help.zh_CN.txt"),
    "zh_TW": ("vim/vim90/tutor/tutor.zh_tw.utf-8", "gnupg/help.zh_TW.txt"),
    "ja": ("vim/vim90/tutor/tutor.ja.utf-8", "gnupg/help.ja.txt"),
    "ko": ("vim/vim90/tutor/tutor.ko.utf-8",),
}


def _cjk_text(lang: str) -> Callable[[], Iterator[tuple[str, str]]]:
    """Running text in one language: hand-written sentences, CPython's codec tests, Vim's tutor, GnuPG help."""

    def source() -> Iterator[tuple[str, str]]:
        lines = T.CJK[lang]
        for i in range(0, len(lines), 2):
            yield f"w{i}", "".join(lines[i : i + 2])
        for enc in CJK_ENCODINGS[lang]:
            yield enc, _read(STDLIB / "test" / "cjkencodings" / f"{enc}-utf8.txt")
        for name in TEXT_FILES[lang]:
            for j, chunk in enumerate(_chunks(_read(Path("/usr/share") / name, 200_000), 1500)):
                yield f"{Path(name).name}#{j}", chunk

    return source


def _cjk_ui(lang: str) -> Callable[[], Iterator[tuple[str, str]]]:
    """User-interface strings in one language: Debian's gettext translations."""

    def source() -> Iterator[tuple[str, str]]:
        base = Path("/usr/share/locale") / ("zh_CN" if lang == "zh" else lang) / "LC_MESSAGES"
        for path in _files("*.mo", base, every=2, limit=60):
            for j, chunk in enumerate(_chunks("\n".join(_translations(path, _is_cjk)), 1500)):
                yield f"{path.name}#{j}", chunk

    return source


def _translations(path: Path, native: Callable[[str], bool]) -> list[str]:
    """The translated strings of one gettext catalogue that are at least a third ``native`` characters, sorted."""
    try:
        with path.open("rb") as fh:
            catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    except (OSError, ValueError, UnicodeDecodeError):
        return []
    return sorted(v for k, v in catalog.items() if k and isinstance(v, str) and sum(map(native, v)) * 3 > len(v))


# Kana are left out on purpose: random kana strings occur in no language (real Japanese covers them above).
CJK_RANGES = ((0x4E00, 0x9FFF), (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xAC00, 0xD7A3))


def _cjk_ranges() -> Iterator[tuple[str, str]]:
    """Characters drawn uniformly from the Han and Hangul blocks: mostly rare, so mostly byte tokens."""
    rng = random.Random(3)
    for i in range(24):
        runs = []
        for _ in range(40):
            lo, hi = rng.choice(CJK_RANGES)
            runs.append("".join(chr(rng.randint(lo, hi)) for _ in range(rng.randint(1, 12))))
            runs.append(rng.choice(["，", "。", "、", " ", "！", "？", "\n", ""]))
        yield f"r{i}", "".join(runs)


# ---- other scripts (reported, not one of the five calibrated categories) ----------------------------------

OTHER = {
    "latin": ("de", "fr", "es", "pl", "tr", "vi"),
    "cyrillic": ("ru", "uk"),
    "greek": ("el",),
    "arabic_hebrew": ("ar", "he"),
    "indic_thai": ("hi", "th"),
}


def _other_language(group: str) -> Callable[[], Iterator[tuple[str, str]]]:
    """Debian's translations into the languages of one script group."""

    def source() -> Iterator[tuple[str, str]]:
        for lang in OTHER[group]:
            for path in _files("*.mo", Path("/usr/share/locale") / lang / "LC_MESSAGES", every=3, limit=20):
                for j, chunk in enumerate(_chunks("\n".join(_translations(path, str.isalpha)), 1500)):
                    yield f"{lang}/{path.name}#{j}", chunk

    return source


# ---- emoji ----------------------------------------------------------------------------------------------


def _emoji_written() -> Iterator[tuple[str, str]]:
    for i in range(0, len(T.EMOJI), 4):
        yield f"w{i}", "\n".join(T.EMOJI[i : i + 4])


def _emoji_chat() -> Iterator[tuple[str, str]]:
    rng = random.Random(11)
    for i in range(40):
        lines = []
        for _ in range(rng.randint(2, 8)):
            words = rng.choice(T.CHAT + T.EMOJI).split()
            for _ in range(rng.randint(1, 4)):
                words.insert(rng.randint(0, len(words)), "".join(T.emoji(rng) for _ in range(rng.randint(1, 3))))
            lines.append(" ".join(words))
        yield f"c{i}", "\n".join(lines)


def _emoji_ranges() -> Iterator[tuple[str, str]]:
    rng = random.Random(5)
    for i in range(24):
        yield f"r{i}", "".join(T.emoji(rng) + rng.choice(["", "", " ", "\n"]) for _ in range(120))


SOURCES: dict[str, dict[str, Callable[[], Iterator[tuple[str, str]]]]] = {
    "prose": {
        "written": _prose_written,
        "licences": _prose_licences,
        "docstrings": _prose_docstrings,
        "markdown": _prose_markdown,
    },
    "code": {
        "written": _code_written,
        "python": _code_files("*.py", STDLIB, 23),
        "javascript": _code_files("*.js", Path("/usr/lib/node_modules/npm"), 19),
        "c": _code_files("*.h", Path("/usr/include"), 97),
    },
    "json": {"generated": _json_generated, "api": _json_api, "files": _json_files},
    "cjk": {
        **{f"{lang} text": _cjk_text(lang) for lang in CJK_ENCODINGS},
        **{f"{lang} ui": _cjk_ui(lang) for lang in CJK_ENCODINGS},
        "ranges": _cjk_ranges,
    },
    "emoji": {"written": _emoji_written, "chat": _emoji_chat, "ranges": _emoji_ranges},
    **corpus_blobs.SOURCES,
    "other": {**{group: _other_language(group) for group in OTHER}, **corpus_blobs.SOURCES["other"]},
}
