"""Token estimator vs the Grok-1 SentencePiece tokenizer: accuracy per category and throughput.

    python benchmarks/bench_tokens.py            # table: per category ours vs reference, chars/4, MB/s
    python benchmarks/bench_tokens.py --sources  # also one row per corpus source
    python benchmarks/bench_tokens.py --languages  # one row per language, seen and unseen by the fit
    python benchmarks/bench_tokens.py --fit      # refit COEF and the common-character lists, print them
    python benchmarks/bench_tokens.py --fit --write  # ... and write them into playground/money/tokens.py
    python benchmarks/bench_tokens.py --baseline main  # also time the estimator as committed on main

The reference model is read from ../shared/reference/grok-1-tokenizer.model (measure only: nothing from it is
stored in the repo).  Accuracy is measured on the held-out half of benchmarks/corpus.py; the fit uses the other.
"""

from __future__ import annotations

import argparse
import datetime
import math
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import corpus  # noqa: E402
from benchmarks.corpus_files import SHARED  # noqa: E402
from playground.money import tokens  # noqa: E402

REFERENCE = SHARED / "reference" / "grok-1-tokenizer.model"
BEGIN, END = "# --- fitted by benchmarks/bench_tokens.py --fit --write ---", "# --- end fitted ---"
FIXED = {
    "digits": 1.0,
    "breaks": 1.0,
    "cjk_punct": 1.0,
    "fullwidth": 1.0,
    "joiners": 3.0,
    "space_wide": 0.85,
    "han": 2.9,
    "hangul": 3.0,
}
# fmt: off
PRIOR = {  # plausible values the ridge pulls towards
    "words": 1.0, "long": 0.5, "capitalised": 0.0, "foreign_words": 0.0, "plain_foreign": 0.5,
    "plain_letters": 0.1, "plain_k": 0.0, "plain_wyjz": 0.0, "plain_double": 0.0, "plain_vowel_end": 0.0,
    "plain_long": 0.0, "turkish": 0.0, "nordic": 0.0, "humps": 0.8,
    "upper": 0.7, "punct": 1.0, "punct_long": 1.0, "han_common": 1.0, "kana": 0.5, "hangul_common": 1.0,
    "cjk_punct": 1.0, "fullwidth": 1.0, "joiners": 3.0, "general_punct": 1.0, "letter_runs": 1.0,
    "space_wide": 1.0, "latin1": 1.0, "latin_ext": 1.0, "combining": 2.0, "greek": 0.8, "cyrillic": 0.3,
    "rtl": 0.8, "arabic": 0.8, "indic": 1.5, "devanagari": 1.5, "thai": 1.0, "base64": 0.0, "hex": 0.0, "e1": 2.0,
    "symbol": 1.5, "cjk_misc": 1.0, "han": 3.0, "hangul": 3.0, "special": 2.0, "astral": 4.0,
}
# fmt: on
RIDGE = 0.5
RIDGE_FOR = {
    "turkish": 0.02,
    "plain_foreign": 0.02,
    "plain_letters": 0.02,
    "plain_k": 0.02,
    "plain_wyjz": 0.02,
    "plain_double": 0.02,
    "plain_vowel_end": 0.02,
    "plain_long": 0.02,
    "nordic": 0.02,
}  # seen in one source only: the default pull towards the prior would swamp it
# "other" (Debian's UI strings, Vim's tutors) is measured but fitted lightly: short UI strings and instructional
# text full of commands tokenize unlike the everyday prose the "languages" category vouches for.
CATEGORY_WEIGHT = {"other": 0.1, "languages": 5.0}
HAN_ZH, HAN_JA, HANGUL = 800, 300, 60  # sizes of the common-character lists


def reference():
    """The reference SentencePiece processor."""
    import sentencepiece

    return sentencepiece.SentencePieceProcessor(model_file=str(REFERENCE))


def common_chars(lo: str, hi: str, sources: tuple[str, ...], n: int) -> str:
    """The ``n`` most frequent characters in [lo, hi] in the fit half of the given CJK sources (each source
    weighted equally), sorted."""
    freq: Counter[str] = Counter()
    for source in sources:
        counts = Counter(
            ch
            for doc in corpus.documents("cjk", part="fit")
            if doc.source == source
            for ch in doc.text
            if lo <= ch <= hi
        )
        total = sum(counts.values()) or 1
        freq.update({ch: k / total for ch, k in counts.items()})
    return "".join(sorted(ch for ch, _ in freq.most_common(n)))


def nnls(a, b):
    """Non-negative least squares (Lawson-Hanson active set), numpy only."""
    import numpy as np

    x = np.zeros(a.shape[1])
    active = np.zeros(a.shape[1], bool)
    for _ in range(4 * a.shape[1]):
        grad = a.T @ (b - a @ x)
        if active.all() or (grad[~active] <= 1e-10).all():
            break
        active[np.argmax(np.where(active, -np.inf, grad))] = True
        while True:
            z = np.zeros_like(x)
            z[active] = np.linalg.lstsq(a[:, active], b, rcond=None)[0]
            if (z[active] > 0).all():
                x = z
                break
            neg = active & (z <= 0)
            x = x + np.min(x[neg] / (x[neg] - z[neg])) * (z - x)
            active &= x > 1e-12
    return x


def fit(sp, *, write: bool) -> None:
    """Fit COEF on the fit half (each source weighted equally, ridge towards PRIOR) and print the results."""
    import numpy as np

    han = common_chars("\u4e00", "\u9fff", ("zh text", "zh ui"), HAN_ZH)
    han = "".join(sorted(set(han + common_chars("\u4e00", "\u9fff", ("ja text", "ja ui"), HAN_JA))))
    hangul = common_chars("\uac00", "\ud7a3", ("ko text", "ko ui"), HANGUL)
    tokens._COMMON = tokens.common_pattern(han + hangul)
    names = [n for n in tokens.FEATURES if n not in FIXED]
    rows, target, weight = [], [], []
    for cat in corpus.CATEGORIES + corpus.EXTRA:
        docs = corpus.documents(cat, part="fit")
        totals = Counter()
        measured = [(d, len(sp.encode(d.text)), tokens.features(d.text)) for d in docs]
        for d, n, _ in measured:
            totals[d.source] += n
        for d, n, f in measured:
            rows.append([f[k] for k in names])
            target.append(n - sum(FIXED[k] * f[k] for k in FIXED))
            weight.append(math.sqrt(CATEGORY_WEIGHT.get(cat, 1.0) / totals[d.source]))
    w = np.array(weight)
    ridge = np.sqrt([RIDGE_FOR.get(k, RIDGE) for k in names])
    a = np.vstack([np.array(rows, float) * w[:, None], np.diag(ridge)])
    b = np.concatenate([np.array(target, float) * w, ridge * np.array([PRIOR[k] for k in names])])
    coef = dict(zip(names, nnls(a, b), strict=True)) | FIXED
    tokens.COEF = {k: round(float(coef[k]), 3) for k in tokens.FEATURES}
    block = fitted_block(han, hangul, tokens.COEF, accuracy(sp))
    print(block)
    if write:
        write_block(block)


def write_block(block: str) -> None:
    """Replace the fitted constants in playground/money/tokens.py with ``block``."""
    path = ROOT / "playground" / "money" / "tokens.py"
    source = path.read_text(encoding="utf-8")
    start, end = source.index(BEGIN) + len(BEGIN) + 1, source.index(END)
    path.write_text(source[:start] + block + source[end:], encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


def fitted_block(han: str, hangul: str, coef: dict[str, float], acc: dict[str, float]) -> str:
    """The Python source of the fitted constants, packed to the project's line length (between ``fmt: off``
    and ``fmt: on``, so the formatter keeps them packed)."""

    def literal(chars: str) -> str:
        parts = [f'"{chars[i : i + 48]}"' for i in range(0, len(chars), 48)] or ['""']
        return "(\n    " + "\n    ".join(parts) + "\n)"

    def packed(mapping: dict[str, float]) -> str:
        lines, line = [], "   "
        for item in (f'"{k}": {v!r}' for k, v in mapping.items()):
            if len(line) + len(item) + 2 > 110:
                lines.append(line)
                line = "   "
            line += f" {item},"
        return "{\n" + "\n".join([*lines, line]) + "\n}"

    return (
        f"# fmt: off\nHAN_COMMON = {literal(han)}\nHANGUL_COMMON = {literal(hangul)}\n"
        f"COEF: dict[str, float] = {packed(coef)}\n"
        f"# worst error per category on held-out text, in percent\nACCURACY: dict[str, float] = {packed(acc)}\n"
        "# fmt: on\n"
    )


def measure(sp, part: str = "held") -> dict[tuple[str, str], tuple[int, int, int, int, float]]:
    """(category, source) -> (reference, ours, chars/4, documents, 90th percentile of |document error| %),
    plus (category, '*') for the whole category."""
    rows: dict[tuple[str, str], list[tuple[int, int, int]]] = defaultdict(list)
    for cat in corpus.CATEGORIES + corpus.EXTRA:
        for d in corpus.documents(cat, part=part):
            row = (len(sp.encode(d.text)), tokens.count_tokens(d.text), (len(d.text) + 3) // 4)
            rows[cat, d.source].append(row)
            rows[cat, "*"].append(row)
    out = {}
    for key, docs in rows.items():
        errors = sorted(abs(100 * (ours / ref - 1)) for ref, ours, _ in docs)
        p90 = errors[min(len(errors) - 1, math.ceil(0.9 * len(errors)) - 1)]
        out[key] = (*(sum(col) for col in zip(*docs, strict=True)), len(docs), p90)
    return out


def accuracy(sp) -> dict[str, float]:
    """Worst absolute error in percent, per category, over its held-out sources and its held-out total."""
    worst: dict[str, float] = defaultdict(float)
    for (cat, _), (ref, ours, *_) in measure(sp).items():
        worst[cat] = max(worst[cat], abs(100 * (ours / ref - 1)))
    return {cat: math.ceil(v * 10) / 10 for cat, v in worst.items()}


def throughput(sp, size: int, runs: int, baseline=None) -> tuple[dict[str, float], int]:
    """Median MB/s of ours, sentencepiece and (if given) a baseline estimator module, in interleaved rounds on
    ``size`` bytes of mixed text.  Timed in CPU time of this process (all three are single-threaded), so other
    jobs on a shared machine do not count against whichever happened to run while they did."""
    text = corpus.mixed(size)
    mb = len(text.encode("utf-8")) / 1e6
    fns = {"ours": tokens.count_tokens, "sentencepiece": sp.encode}
    if baseline is not None:
        fns["baseline"] = baseline.count_tokens
    times: dict[str, list[float]] = defaultdict(list)
    for _ in range(runs):
        for name, fn in fns.items():
            start = time.process_time()
            fn(text)
            times[name].append(time.process_time() - start)
    return {name: mb / statistics.median(t) for name, t in times.items()}, len(text.encode("utf-8"))


def baseline_module(rev: str):
    """playground/money/tokens.py as it was at git revision ``rev``, imported as a separate module."""
    import subprocess
    import types

    source = subprocess.run(
        ["git", "show", f"{rev}:playground/money/tokens.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    module = types.ModuleType("tokens_baseline")
    exec(compile(source, f"{rev}:playground/money/tokens.py", "exec"), module.__dict__)  # our own file, from git
    return module


def table(sp, *, sources: bool, size: int, runs: int, baseline: str = "") -> None:
    """Print the accuracy table and the throughput comparison."""
    print(f"# Token estimator vs Grok-1 tokenizer, {datetime.date.today().isoformat()}")
    print(f"command: python benchmarks/bench_tokens.py {' '.join(sys.argv[1:])}".rstrip())
    print("\n| category | source | docs | reference | ours | error | chars/4 error | p90 doc error |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for (cat, src), (ref, ours, c4, n, p90) in sorted(
        measure(sp).items(),
        key=lambda kv: ((corpus.CATEGORIES + corpus.EXTRA).index(kv[0][0]), kv[0][1] != "*", kv[0][1]),
    ):
        if src == "*" or sources:
            name = "all held-out" if src == "*" else src
            print(
                f"| {cat} | {name} | {n} | {ref} | {ours} | {100 * (ours / ref - 1):+.1f} % "
                f"| {100 * (c4 / ref - 1):+.1f} % | {p90:.1f} % |"
            )
    rates, nbytes = throughput(sp, size, runs, baseline_module(baseline) if baseline else None)
    ours, theirs = rates["ours"], rates["sentencepiece"]
    print(
        f"\nthroughput on {nbytes / 1e6:.1f} MB of mixed text (median of {runs} interleaved runs, CPU time): "
        f"ours {ours:.1f} MB/s, sentencepiece {theirs:.1f} MB/s, ratio {ours / theirs:.1f}x"
    )
    if baseline:
        print(
            f"baseline estimator ({baseline}) {rates['baseline']:.1f} MB/s: "
            f"ours/baseline {ours / rates['baseline']:.2f}x"
        )


LIMIT = 10.0  # percent: every language's total must be within this of the reference


def language_rows(sp) -> list[tuple[str, bool, int, int, int, float]]:
    """(language, seen, paragraphs, reference, ours, p90 paragraph error %) for every hand-written language:
    seen languages on their held-out paragraphs (the fit used the others), unseen ones on all of theirs."""
    from benchmarks import corpus_langs

    out = []
    for cat, seen in (("languages", True), ("unseen", False)):
        by_lang: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for d in corpus.documents(cat, part="held" if seen else "all"):
            by_lang[d.source].append((len(sp.encode(d.text)), tokens.count_tokens(d.text)))
        for lang in corpus_langs.LANGS if seen else corpus_langs.UNSEEN:
            docs = by_lang[lang]
            errors = sorted(abs(100 * (ours / ref - 1)) for ref, ours in docs)
            p90 = errors[min(len(errors) - 1, math.ceil(0.9 * len(errors)) - 1)]
            ref, ours = (sum(col) for col in zip(*docs, strict=True))
            out.append((lang, seen, len(docs), ref, ours, p90))
    return out


def languages_table(sp) -> None:
    """Print one row per language, seen and unseen marked, and how many are within LIMIT."""
    rows = language_rows(sp)
    print(f"# Token estimator per language vs Grok-1 tokenizer, {datetime.date.today().isoformat()}")
    print("command: python benchmarks/bench_tokens.py --languages")
    print("\n| language | fit saw it | paragraphs | reference | ours | error | p90 paragraph error |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for lang, seen, n, ref, ours, p90 in rows:
        print(
            f"| {lang} | {'seen' if seen else 'unseen'} | {n} | {ref} | {ours} | {100 * (ours / ref - 1):+.1f} % "
            f"| {p90:.1f} % |"
        )
    inside = sum(abs(100 * (ours / ref - 1)) <= LIMIT for _, _, _, ref, ours, _ in rows)
    unseen = sum(not seen for _, seen, *_ in rows)
    print(
        f"\n{inside} of {len(rows)} languages ({unseen} unseen by the fit) within ±{LIMIT:.0f} % of the reference"
    )


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", action="store_true", help="refit the coefficients and print them")
    parser.add_argument(
        "--write", action="store_true", help="with --fit: write them into playground/money/tokens.py"
    )
    parser.add_argument("--sources", action="store_true", help="one row per corpus source")
    parser.add_argument(
        "--languages", action="store_true", help="one row per language, seen and unseen by the fit"
    )
    parser.add_argument("--size", type=int, default=10_000_000, help="bytes of mixed text for throughput")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (median is reported)")
    parser.add_argument("--baseline", default="", help="also time playground/money/tokens.py at this git revision")
    args = parser.parse_args()
    if not REFERENCE.is_file():
        sys.exit(f"reference tokenizer not found at {REFERENCE}")
    sp = reference()
    if args.fit:
        fit(sp, write=args.write)
        languages_table(sp)
    elif args.languages:
        languages_table(sp)
    else:
        table(sp, sources=args.sources, size=args.size, runs=args.runs, baseline=args.baseline)


if __name__ == "__main__":
    main()
