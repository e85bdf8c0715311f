"""Offline token estimator for Grok prompts: no download, no vocabulary, linear in the text length.

The estimate is a weighted sum of character-class counts: ASCII words (with extra weight for long, capitalised
and camel-case ones, and for words near accented letters, which mark a language the tokenizer splits more
finely than English, and prose in Latin-script languages other than English told apart by letter statistics),
punctuation runs, digits, whitespace runs, common and rare CJK characters, kana, Devanagari,
Thai, emoji and the other UTF-8 classes, and the length of base64 and hex runs (encoded blobs tokenize far
worse than the words they look like).  The weights were fitted against the Grok-1 SentencePiece tokenizer on
``benchmarks/corpus.py`` by ``python benchmarks/bench_tokens.py --fit --write``, which also measured
``ACCURACY`` on held-out text.  Counting works on the text's UTF-8 bytes: one ``bytes.translate`` maps every
character to a class byte, and runs are counted as class transitions with ``bytes.count``, so there is no
per-token Python loop; one regular expression finds the common CJK characters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

MESSAGE_OVERHEAD = 4  # role and separator tokens per chat message (an estimate)
# what ACCURACY_NOTE vouches for: "languages" is short prose in a dozen languages and scripts, "encoded" is base64,
# hex, data URLs and keys in config files, "minified" is minified JavaScript and CSS
CATEGORIES = ("prose", "code", "json", "cjk", "emoji", "languages", "encoded", "minified")

# HAN_COMMON and HANGUL_COMMON are the most frequent characters in the fit half of the corpus's Chinese, Japanese
# and Korean text (Debian's translations, Vim's tutor, GnuPG's help, hand-written sentences): a frequency list
# from running text, not from any tokenizer.  Common characters are often single tokens, rare ones fall back to
# three UTF-8 byte tokens.
# --- fitted by benchmarks/bench_tokens.py --fit --write ---
# fmt: off
HAN_COMMON = (
    "一丁七三上下不与专且业丢两並个中串临为主举么义之乎也习书了事二于五些交产京亮人什仅今介仍从仓他付"
    "代令以们件任份休优会传似但位住体何余作你使例供依侧便保信修個們候値值假偏做停側储像優允元充先光克"
    "入全八公六共关其具兼内册再写冲决况准几処出击函分切划列则创初删別利别到制削前剖剧剩副割力功加务动"
    "助努効勇動包化北匹区十升协单南単卡印即卸历压原去参及反发取受变口古句另只可史右号吃各合吊同名后向"
    "否吧含启告员周味呼命和响哦哪問善喜器四回因囲围国图在地址坏块垂型域基報場填境增士声处备変复外多夜"
    "够大天太失头夹奇套好如始姓子字存学它守安完定实実家容宽密寫寸对导対封射将將小少尚尝就尺尽尾层屏展"
    "属岛工左差已布希带帮常幅幕平年并幾广序库应底度座庸延建开异弃弄式引弧張强归当录形影径待很後得心必"
    "忆志忘応快忽态怎思急性总息您情惟想意感態懂成我或户戻所手才打执扩扱找技把択护报押抽拆拉拖拟拡拥择"
    "括拷拿持挂指按挿损换据捷掉排探接控推描提插換搜携摘撤播操支收改放故效敏敗教散数敲整文斜断斯新方族"
    "无既日旧早时昌明易映春是显時景晰暂曲更書替最月有服望期未末本术机权束杠条来板构析果架柄染查标栏树"
    "校样核根格框桌档梁检森検構様標模権横機次欢欲止正此步殊段毋母每比毕気水永求決没法注泰活派流浅测浏"
    "海消深添清測渲游源準滑滚满滤演激点為烁無焦然照熟父片版牢特状独率环现現理環生用由电画界留略番異疏"
    "疑発登發白百的盖盘監目直相省看真眠着知短码硬确確磁示社禁离私种科秒称移稀程稳空突窗立竖端符第等策"
    "签简算管箭箱範簡籍类粘精系約納素索紧細終組結統続線繁繰约级纹线练组细终绍经结绘给络绝统继续维缀缓"
    "编缩缺网置署群義習翻老考者而联聚育背能脚自至致良色节若英范荐获菜薦藏虚行补表被装補複要覆見視覚覧"
    "见观规视览角解触言計訊討記設許訳証試詳認語誤読課論識警计订认让训议记讲许设访证识词译试话询该详语"
    "误说请读调谢象貼資贝负败质贴资赤起超越足距跟路跳践踪身軟车转软载较辉辑输边込达过运近返还这进远连"
    "迟述追退送适逆选逐递通速連進道達違適選那邮邻部都配里重量鉴鍵针钟钥钮链销锁错键镜長长開間関闪闭问"
    "间阅阻附际限除隆随隐隔際集零雷需青非面項順頭頼題類页项须预频题颜额风飞饭饰首验骤體高默鼠齐"
)
HANGUL_COMMON = (
    "가고그기나는니다대드력령로를리면명모문보부사서수스습시십아어없에여오용위으은을음의이인일입있자정"
    "줄지치커트파표하한할합해"
)
COEF: dict[str, float] = {
    "words": 0.936, "long": 0.563, "capitalised": 0.023, "foreign_words": 0.0, "plain_foreign": 0.111,
    "plain_letters": 0.0, "plain_long": 0.55, "plain_k": 1.038, "plain_wyjz": 0.333, "plain_double": 1.845,
    "plain_vowel_end": 0.368, "turkish": 0.301, "nordic": 1.846, "humps": 1.552, "upper": 0.288,
    "punct": 1.055, "punct_long": 0.508, "digits": 1.0, "breaks": 1.0, "letter_runs": 0.19,
    "space_wide": 0.85, "han_common": 1.316, "hangul_common": 1.607, "kana": 0.439, "cjk_punct": 1.0,
    "fullwidth": 1.0, "general_punct": 1.969, "joiners": 3.0, "base64": 1.63, "hex": 0.314,
    "devanagari": 2.648, "thai": 1.96, "latin1": 0.0, "latin_ext": 0.618, "combining": 2.0, "greek": 0.987,
    "cyrillic": 0.385, "rtl": 1.3, "arabic": 1.077, "indic": 1.5, "e1": 3.48, "symbol": 2.694,
    "cjk_misc": 3.005, "han": 2.9, "hangul": 3.0, "special": 2.291, "astral": 3.94,
}
# worst error per category on held-out text, in percent
ACCURACY: dict[str, float] = {
    "prose": 2.8, "code": 4.4, "json": 3.3, "cjk": 3.2, "emoji": 0.5, "languages": 8.9, "encoded": 5.9,
    "minified": 1.0, "other": 5.0,
}
# fmt: on
# --- end fitted ---

ACCURACY_NOTE = (
    f"estimate, within ±{math.ceil(max(ACCURACY.get(c, 100.0) for c in CATEGORIES))} % of the Grok-1 "
    "tokenizer on prose in many languages, code (also minified), JSON, CJK, emoji and base64 or hex blobs "
    "(short texts vary more)"
)


def _table(mapping: dict[bytes, bytes], default: bytes | None = None) -> bytes:
    """A 256-byte translation table: each key's bytes map to its value, the rest to ``default`` or themselves."""
    table = bytearray(range(256)) if default is None else bytearray(default * 256)
    for keys, value in mapping.items():
        for key in keys:
            table[key] = value[0]
    return bytes(table)


_LOWER, _UPPER = bytes(range(97, 123)), bytes(range(65, 91))
_PUNCT = bytes(b for b in range(33, 127) if not chr(b).isalnum())
# One class byte per character: ASCII classes as below, non-ASCII characters keep their UTF-8 lead byte.
_CLASS = _table(
    {
        _LOWER: b"a",
        _UPPER: b"A",
        b"0123456789": b"0",
        _PUNCT: b".",
        bytes(b for b in range(32) if b not in b"\t\n\r") + b"\x7f": b"c",
    }
)
_CONTINUATION = bytes(range(0x80, 0xC0))
_LETTERS = _table({b"a": b"a", b"A": b"A"}, b"n")
_FLAT = _table({b"A": b"a"})
_PUNCTS = _table({b".": b"."}, b"n")
_BREAK_TABLES = {ch: _table({ch: ch}, b"n") for ch in (b"\n", b"\t", b"\r", b" ")}
_LEADS = {
    "latin1": (0xC2, 0xC3),
    "latin_ext": (0xC4, 0xCB),
    "combining": (0xCC, 0xCD),
    "greek": (0xCE, 0xCF),
    "cyrillic": (0xD0, 0xD4),
    "rtl": (0xD5, 0xD7),  # Armenian, Hebrew
    "arabic": (0xD8, 0xDF),  # Arabic, Persian, Urdu, Syriac, Thaana, NKo
    "indic": (0xE0, 0xE0),
    "e1": (0xE1, 0xE1),
    "symbol": (0xE2, 0xE2),
    "cjk_misc": (0xE3, 0xE3),
    "han": (0xE4, 0xE9),
    "hangul": (0xEA, 0xED),
    "special": (0xEE, 0xEF),
    "astral": (0xF0, 0xF4),
}
_LEAD_CODES = {name: bytes(range(lo, hi + 1)) for name, (lo, hi) in _LEADS.items()}
_LEAD_CLASS = _table({codes: bytes([0x80 + i]) for i, codes in enumerate(_LEAD_CODES.values())}, b"n")
_LETTER_LEADS = _table({bytes(range(0xC3, 0xCC)) + bytes(range(0xCE, 0xDC)): b"L"}, b"n")
# A lone space before these (Indic, symbols, CJK, emoji) is usually a token of its own.
_WIDE = _table({b" ": b" ", bytes(range(0xE0, 0xEE)) + bytes(range(0xF0, 0xF5)): b"W"}, b"n")
_RAW_PATTERNS = {
    "kana": (b"\xe3\x81", b"\xe3\x82", b"\xe3\x83"),
    "cjk_punct": (b"\xe3\x80",),
    "fullwidth": (b"\xef\xbc", b"\xef\xbd", b"\xef\xbe"),
    "general_punct": (b"\xe2\x80", b"\xe2\x81"),
    "joiners": (b"\xe2\x80\x8d", b"\xe2\x83\xa3"),
    "selectors": (b"\xef\xb8\x8e", b"\xef\xb8\x8f"),
}
_SPACE_PUNCT = (b" \xe2\x80", b" \xe2\x81")  # searched in the whole text: it starts with a space
_ASCII_BYTES = bytes(range(128))
# Letters told apart by lead byte and second byte, from one translation and short counts (counting the raw
# two-byte sequences is several times slower): Devanagari (U+0900-U+097F, E0 A4-A5) and Thai (U+0E00-U+0E7F,
# E0 B8-B9); Turkish's own letters: İ ı (C4 B0-B1), Ğ ğ (C4 9E-9F), Ş ş (C5 9E-9F).
_PAIRS = _table(
    {
        b"\xe0": b"E",
        b"\xa4\xa5": b"d",
        b"\xb8\xb9": b"t",
        b"\xc4": b"C",
        b"\xc5": b"S",
        b"\xb0\xb1": b"i",
        b"\x9e\x9f": b"g",
    },
    b"n",
)
# Encoded blobs: runs of base64 (or hex) characters, counted in steps of BLOB characters, so ordinary words and
# identifiers (shorter than a step) add nothing; hex runs are subtracted from base64 ones, both being alphanumeric.
BLOB = 16
FOREIGN_REACH = 8
ENGLISH_REACH = 10
_RARE_LETTERS = _table({b"kK": b"k", b"wWyYjJzZ": b"w", b"aiou": b"v", b" ,.;:!?": b" "}, b"n")
_NORDIC = (b"\xc3\xa6", b"\xc3\xb8")  # æ ø
_NORDIC_BYTES = (b"\xc3\x86", b"\xc3\x98")  # Æ Ø: spelled as raw bytes by the tokenizer, counted twice
_DOUBLE_VOWELS = (b"aa", b"ii", b"uu", b"\xc3\xa4\xc3\xa4", b"\xc3\xb6\xc3\xb6")
# Most frequent first: English prose is told apart at the first one or two.  Not " is ", " of ", " was " (Dutch
# words too) nor " be " (Hungarian).
_ENGLISH_MARKS = (
    *(b"th", b"Th", b" and ", b" you", b"wh", b"Wh", b" are ", b" can ", b" will ", b" not ", b"ould "),
    *(b"ght", b" it ", b" my ", b"ly "),
    *(
        b"ain ",
        b"ple ",
        b"ck ",
        b"ow ",
        b"ew ",
        b"ey ",
        b"n't",
        b"ful",
        b"ness",
    ),  # short prompts without the above
)
_BASE64 = _table({bytes(range(48, 58)) + _LOWER + _UPPER + b"+/": b"x"}, b"n")
_HEX = _table({b"0123456789abcdefABCDEF": b"x"}, b"n")
_NOT_HANGUL_LEAD = bytes(b for b in range(256) if not 0xEA <= b <= 0xED)
FEATURES = (  # every count the estimate weighs, in a fixed order (the lead-byte classes last)
    *"""
    words long capitalised foreign_words plain_foreign plain_letters plain_long plain_k plain_wyjz plain_double
    plain_vowel_end turkish nordic humps upper punct punct_long digits breaks letter_runs
    space_wide han_common hangul_common kana cjk_punct fullwidth general_punct joiners base64 hex
    devanagari thai
    """.split(),
    *_LEADS,
)


def common_pattern(chars: str) -> re.Pattern[str]:
    """A compiled pattern for runs of ``chars`` (matching nothing when empty)."""
    return re.compile(f"[{re.escape(chars)}]+" if chars else r"(?!)")


_COMMON = common_pattern(HAN_COMMON + HANGUL_COMMON)


def _runs(classes: bytes, code: bytes) -> int:
    """Runs of ``code`` in a string of class bytes where every other class is b'n'."""
    return classes.count(b"n" + code) + classes.startswith(code)


def _lone_spaces(classes: bytes, code: bytes) -> int:
    """Single spaces (not part of a longer run) right before a character of class ``code``."""
    return classes.count(b" " + code) - classes.count(b"  " + code)


def _ascii_features(chars: bytes, f: dict[str, int]) -> bytes:
    """Word, punctuation, digit and whitespace counts from the per-character class bytes; returns the letters
    as b'a' and everything else as b'n'."""
    letters = chars.translate(_LETTERS)
    f["words"] = _runs(letters, b"a") + _runs(letters, b"A")
    f["humps"] = letters.count(b"aA")
    f["upper"] = letters.count(b"AAAA")
    flat = letters.translate(_FLAT)
    f["long"] = flat.count(b"a" * 9)
    f["capitalised"] = chars.count(b" Aa")  # many in German (nouns), where words are split more
    puncts = chars.translate(_PUNCTS)
    f["punct"], f["punct_long"] = _runs(puncts, b"."), puncts.count(b"....")
    f["digits"] = chars.count(b"0")
    breaks = 0
    for ch, table in _BREAK_TABLES.items():
        if ch in chars:
            classes = chars.translate(table)
            breaks += _runs(classes, ch * 2 if ch == b" " else ch) + classes.count(ch * (18 if ch == b" " else 11))
    f["breaks"] = breaks + _lone_spaces(chars, b"0")
    return flat


def _blob_features(raw: bytes, flat: bytes, f: dict[str, int]) -> None:
    """Steps of BLOB characters in long base64 and hex runs.  A hex run is a base64 run too, and so is a long
    word or identifier: steps of plain letters (``flat``: letters as b'a') and of hex are taken out."""
    step = b"x" * BLOB
    f["hex"] = raw.translate(_HEX).count(step)
    f["base64"] = max(0, raw.translate(_BASE64).count(step) - f["hex"] - flat.count(b"a" * BLOB))


def _wide_features(text: str, raw: bytes, chars: bytes, f: dict[str, int]) -> None:
    """Non-ASCII counts: UTF-8 lead-byte classes, CJK and emoji details, spaces before wide characters."""
    leads = chars.translate(_LEAD_CLASS)
    for i, name in enumerate(_LEADS):
        f[name] = leads.count(bytes([0x80 + i]))
    # Multi-byte sequences are searched with the ASCII bytes taken out (often most of the text): a pattern starts
    # with a lead byte, so it cannot match across two characters that became neighbours.
    wide_raw = raw.translate(None, _ASCII_BYTES)
    patterns = {name: sum(map(wide_raw.count, pats)) for name, pats in _RAW_PATTERNS.items()}
    patterns["space_punct"] = sum(map(raw.count, _SPACE_PUNCT))
    f["letter_runs"] = _runs(chars.translate(_LETTER_LEADS), b"L")
    wide = chars.translate(_WIDE)
    f["space_wide"] = max(0, _lone_spaces(wide, b"W") - patterns["space_punct"])
    if f["han"] or f["hangul"]:
        common = "".join(_COMMON.findall(text))
        f["hangul_common"] = len(common.encode("utf-8").translate(None, _NOT_HANGUL_LEAD))
        f["han_common"] = len(common) - f["hangul_common"]
    for name in ("kana", "cjk_punct", "fullwidth", "general_punct"):
        f[name] = patterns[name]
    # Words of a language written in Latin letters with accents split into more pieces than English words: each
    # accented letter marks up to FOREIGN_REACH words as such (a min, so more text never counts fewer).
    latin1 = wide_raw.count(b"\xc3")
    f["foreign_words"] = min(f["words"], FOREIGN_REACH * (latin1 + f["latin_ext"]))
    if latin1:
        # Norwegian and Danish æ and ø break the word they are in (a piece of their own, the rest split finely);
        # capital Æ and Ø are not in the vocabulary at all and cost two byte tokens.
        f["nordic"] = sum(map(wide_raw.count, _NORDIC)) + 2 * sum(map(wide_raw.count, _NORDIC_BYTES))
    if f["latin_ext"] or f["indic"]:
        pairs = wide_raw.translate(_PAIRS)
        # Turkish (dotless i, soft g, s-cedilla): long suffixed words, split more again
        turkish = pairs.count(b"Ci") + pairs.count(b"Cg") + pairs.count(b"Sg") if f["latin_ext"] else 0
        f["turkish"] = min(f["words"], FOREIGN_REACH * turkish)
        f["devanagari"], f["thai"] = pairs.count(b"Ed"), pairs.count(b"Et")
        f["indic"] -= f["devanagari"] + f["thai"]
    f["joiners"] = patterns["joiners"] + patterns["selectors"]
    f["han"] -= f["han_common"]
    f["hangul"] -= f["hangul_common"]
    f["cjk_misc"] -= f["kana"] + f["cjk_punct"]
    f["symbol"] -= f["general_punct"] + patterns["joiners"]
    f["special"] -= f["fullwidth"] + patterns["selectors"]


def _plain_foreign(raw: bytes, chars: bytes, flat: bytes, f: dict[str, int]) -> None:
    """Prose in a Latin-script language other than English, accents or not (Indonesian, Swahili, Dutch...).

    Prose words are lowercase words followed by one space and another lowercase word.  English marks itself with
    letter sequences that other languages written in Latin letters hardly use ("th", "wh", " of ", " and "...);
    each marker vouches for ENGLISH_REACH prose words, and the prose words left over count as foreign, with their
    letters in proportion; a text with no prose (code, JSON) counts none.  (Everything here grows with the text,
    so a repeated text counts in proportion; a short English text with none of the markers is counted as foreign,
    a few tokens too many.)  The markers are counted in turn and the count stops as soon as they vouch for all the
    prose, which English prose does at the first."""
    prose = chars.count(b"a a")
    if not prose:
        return
    english = 0
    for mark in _ENGLISH_MARKS:
        english += raw.count(mark)
        if ENGLISH_REACH * english >= prose:
            return
    foreign = prose - ENGLISH_REACH * english
    f["plain_foreign"] = foreign
    f["plain_letters"] = flat.count(b"a") * foreign // prose
    f["plain_long"] = flat.count(b"aaaaaa") * foreign // prose  # steps of six letters: compounds, suffixes
    # Letters that Romance languages (which share much of English's word pieces) hardly use but Bantu,
    # Austronesian, Uralic and Slavic ones use often: their words split into shorter pieces.
    rare = raw.translate(_RARE_LETTERS)
    # Words ending in a, i, o or u (Italian, Swahili, Malay, Croatian): fewer of them are whole word pieces
    f["plain_vowel_end"] = rare.count(b"v ") * foreign // prose
    f["plain_k"] = rare.count(b"k") * foreign // prose
    f["plain_wyjz"] = rare.count(b"w") * foreign // prose
    # Doubled vowels (Finnish, Estonian, Dutch): long words that split finely
    f["plain_double"] = sum(map(raw.count, _DOUBLE_VOWELS)) * foreign // prose


def features(text: str) -> dict[str, int]:
    """Counts of the character classes the estimate is a weighted sum of."""
    f = dict.fromkeys(FEATURES, 0)
    raw = text.encode("utf-8", "surrogatepass")
    chars = raw.translate(_CLASS, _CONTINUATION)  # one class byte per character
    flat = _ascii_features(chars, f)
    _blob_features(raw, flat, f)
    _plain_foreign(raw, chars, flat, f)
    if not text.isascii():
        _wide_features(text, raw, chars, f)
    return f


def count_tokens(text: str) -> int:
    """Estimated Grok tokens in ``text`` (0 only for an empty string)."""
    if not text:
        return 0
    total = sum(COEF.get(name, 0.0) * n for name, n in features(text).items() if n)
    return max(1, round(total))


def count_messages(messages: Iterable[Mapping[str, str]]) -> int:
    """Estimated prompt tokens for a list of chat messages, with per-message overhead."""
    return sum(count_tokens(m.get("content") or "") + MESSAGE_OVERHEAD for m in messages)
