"""Quality features of an aligned pair, one small class each, with a declared direction.

Every feature turns a :class:`PairContext` into a number; ``direction`` says whether a
higher value means a better pair (``+1``) or a worse one (``-1``).  Flags are
thresholds on features that users filter on.  The calibrated score
(:mod:`align.calibration`) is a logistic model over these features.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import ClassVar

from .unicode import HANGUL

__all__ = [
    "COPY_CAP",
    "FEATURES",
    "FLAGS",
    "Cosine",
    "Feature",
    "LatinTokens",
    "LengthDeviation",
    "Margin",
    "MergeSize",
    "NumbersMatch",
    "PairContext",
    "flags_for",
    "is_copy",
    "is_cut",
    "is_title",
    "numbers_in",
]


@dataclass(frozen=True, slots=True)
class PairContext:
    """What the features of one matched pair may look at."""

    src_text: str
    tgt_text: str
    n_src: int
    n_tgt: int
    cosine: float
    margin: float
    doc_log_ratio: float = 0.0
    """log(target bytes / source bytes) over the whole document."""
    tgt_lang: str = ""
    src_cut: bool = False
    """The source side ends with a fragment cut off by the end of the page (:func:`is_cut`)."""
    tgt_cut: bool = False


class Feature:
    name: ClassVar[str]
    direction: ClassVar[int]
    """+1: higher is better; -1: higher is worse."""
    description: ClassVar[str]

    def __call__(self, ctx: PairContext) -> float:
        raise NotImplementedError


class Cosine(Feature):
    name = "cosine"
    direction = 1
    description = "cosine similarity of the two sides' embeddings"

    def __call__(self, ctx: PairContext) -> float:
        return ctx.cosine


class Margin(Feature):
    name = "margin"
    direction = 1
    description = (
        "cosine minus half the mean similarity of each side's 4 nearest neighbours on the other side"
    )

    def __call__(self, ctx: PairContext) -> float:
        return ctx.margin


class LengthDeviation(Feature):
    name = "length_ratio"
    direction = -1
    description = "|log(target/source UTF-8 bytes) - the document's log ratio|: 0 is typical, 0.7 is 2x off"

    def __call__(self, ctx: PairContext) -> float:
        s = len(ctx.src_text.encode("utf-8")) + 1
        t = len(ctx.tgt_text.encode("utf-8")) + 1
        dev = math.log(t / s) - ctx.doc_log_ratio
        if ctx.src_cut:  # a fragment is short: only a long source counts
            dev = min(dev, 0.0)
        if ctx.tgt_cut:
            dev = max(dev, 0.0)
        return abs(dev)


_NUM = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*"
    r"(trillion|billion|million|thousand|percent|%|[십백천]?[만억조]|[십백천])?",
    re.IGNORECASE,
)
_SCALE = {"trillion": 1e12, "billion": 1e9, "million": 1e6, "thousand": 1e3}
_KO_SMALL = {"십": 10.0, "백": 100.0, "천": 1000.0}
_KO_LARGE = {"만": 1e4, "억": 1e8, "조": 1e12}

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTH = re.compile(
    r"\b(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
    r"(?=\s+\d{1,4}\b)",
    re.IGNORECASE,
)
"""An English month name before a day or a year (``February 9``, ``April 2015``): a
Korean edition writes ``2월 9일``, ``2015년 4월``."""
_EN_WORDS = dict(
    zip(
        [
            *("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"),
            *("twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"),
        ],
        range(2, 20),
        strict=True,
    )
)
_EN_TENS = dict(
    zip(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"],
        range(20, 100, 10),
        strict=True,
    )
)
_EN_ONES = "one|two|three|four|five|six|seven|eight|nine"
_EN_NUMBER = re.compile(
    rf"\b(?:({'|'.join(_EN_TENS)})(?:-({_EN_ONES}))?|({'|'.join(_EN_WORDS)}))\b", re.IGNORECASE
)
"""English number words from two (news style spells out small numbers; "one" is as often
a pronoun)."""
_KO_NATIVE = dict(
    zip(["두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열"], range(2, 11), strict=True)
)
_KO_COUNTED = re.compile(
    r"(?<![가-힣])(" + "|".join(_KO_NATIVE) + r")\s"
    r"(?=명|개|가지|번|차례|시간|대|곳|살|마리|권|장|채|달|해|사람|군데|척|나라)"
)
"""A Korean native numeral, then a space and a counter (``두 명``, ``세 차례``; not
``세대``): the English edition writes a number."""
_CITATION = re.compile(r"\[\d{1,3}\]|제\s?\d+\s?조")
"""A link or footnote marker (``[4]``) and a legal article (``제1조``): numbers that are
not the text's content."""


def _number_word(m: re.Match[str]) -> str:
    """Digits for a match of ``_EN_NUMBER`` (``twenty-five`` -> ``25``)."""
    tens, ones, word = m.group(1), m.group(2), m.group(3)
    if word:
        return str(_EN_WORDS[word.lower()])
    return str(_EN_TENS[tens.lower()] + (1 + _EN_ONES.split("|").index(ones.lower()) if ones else 0))


def _spelled_numbers(text: str) -> str:
    """The text with the number words and markers that :func:`numbers_in` reads as digits
    (or drops) rewritten."""
    text = _CITATION.sub(" ", text)
    text = _MONTH.sub(lambda m: str(_MONTHS.index(m.group(1)[:3].lower()) + 1), text)
    text = _EN_NUMBER.sub(_number_word, text)
    return _KO_COUNTED.sub(lambda m: str(_KO_NATIVE[m.group(1)]), text)


@functools.lru_cache(maxsize=1024)
def numbers_in(text: str) -> frozenset[float]:
    """Numbers in a text, with thousands separators and scale words resolved.

    ``2,000`` -> 2000; ``3.2 million`` -> 3200000; ``320만`` -> 3200000; Korean amounts
    written in several units, with or without spaces between them, are one number:
    ``8천만`` -> 80000000, ``1억 2천만`` -> 120000000, ``3천5백만`` -> 35000000, ``1만2천``
    -> 12000.  Number words are numbers (``two`` -> 2, ``두 명`` -> 2 명), and so are
    English month names before a day or a year (``February 9`` -> 2, 9, as ``2월 9일``);
    link markers (``[4]``) are not.  Years and plain numbers stay as they are.  Cached:
    every pair's two sides are read by the feature and again by the flags.
    """
    text = _spelled_numbers(text)
    out: set[float] = set()
    total = group = 0.0  # a Korean amount still collecting units: its value, and the part below 만
    korean = False
    last_large = last_small = math.inf  # units must fall: 1억 2천만, never 1만 2만
    last_end = -1
    for m in _NUM.finditer(text):
        unit = (m.group(2) or "").lower()
        value = float(m.group(1).replace(",", ""))
        small = _KO_SMALL.get(unit[:1], 1.0)
        large = _KO_LARGE.get(unit[-1:], 0.0)
        is_korean = unit[:1] in _KO_SMALL or large > 0
        falls = (not large or large < last_large) and (not group or small < last_small)
        joined = korean and is_korean and falls and not text[last_end : m.start()].strip()
        if korean and not joined:
            out.add(total + group)
            total = group = 0.0
            last_large = last_small = math.inf
        if is_korean:
            if large:
                total += (group + value * small) * large
                group = 0.0
                last_large, last_small = large, math.inf
            else:
                group += value * small
                last_small = small
            korean = True
        else:
            korean = False
            out.add(value * _SCALE.get(unit, 1.0))
        last_end = m.end()
    if korean:
        out.add(total + group)
    return frozenset(out)


class NumbersMatch(Feature):
    name = "numbers_match"
    direction = 1
    description = "share of the numbers on either side found on the other (1 when neither side has one)"

    def __call__(self, ctx: PairContext) -> float:
        a, b = numbers_in(ctx.src_text), numbers_in(ctx.tgt_text)
        if not a and not b:
            return 1.0
        return len(a & b) / len(a | b)


_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9&.-]*[A-Za-z0-9]|[A-Z]")


class LatinTokens(Feature):
    name = "latin_match"
    direction = 1
    description = (
        "for a non-Latin target: share of its Latin-script tokens (names, acronyms) found in the source"
    )

    def __call__(self, ctx: PairContext) -> float:
        tokens = {t.lower() for t in _LATIN.findall(ctx.tgt_text) if len(t) > 1}
        if not tokens or ctx.tgt_lang in _LATIN_SCRIPT_LANGS:
            return 1.0
        src = ctx.src_text.lower()
        return sum(1 for t in tokens if t in src) / len(tokens)


class MergeSize(Feature):
    name = "merge_size"
    direction = -1
    description = "sentences in the pair beyond 1-1 (a 2-1 pair has 1)"

    def __call__(self, ctx: PairContext) -> float:
        return float(ctx.n_src + ctx.n_tgt - 2)


_LATIN_SCRIPT_LANGS = {
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pt",
    "nl",
    "sv",
    "da",
    "no",
    "pl",
    "cs",
    "ro",
    "tr",
    "id",
    "vi",
}

FEATURES: list[Feature] = [Cosine(), Margin(), LengthDeviation(), NumbersMatch(), LatinTokens(), MergeSize()]

FLAGS = {
    "number_mismatch": "both sides have numbers and none of them agree",
    "length_outlier": "length ratio more than 2.5x away from the document's",
    "untranslated": "both sides are the same text, or the Korean side has no Hangul",
    "low_similarity": "cosine below 0.3 (rarely a translation with the bundled model)",
}


_LETTERS = re.compile(r"[^\W\d_]")

_KO_FINAL = re.compile(r"[가-힣](다|요|까|죠|니다|세요|시오|라)$")
"""A Korean sentence-final ending, punctuated or not (``...할 수 있습니다``)."""
_COMPLETE = re.compile(r"""[.!?:;…。！？．)\]}"'”’»」』>]\s*$""")


_TERMINAL = re.compile(r"""[.!?。！？．][\s"'”’»」』)\]]*$""")


def is_title(sentences: list[str] | tuple[str, ...]) -> bool:
    """Whether a side starts with a headline: a first line of at most 200 characters
    that does not end like a sentence (``.``, ``!``, ``?`` before any closing quotes, or
    a bare Korean sentence ending such as ``...했다``), followed by at least one more line.
    Korean headlines that end in a quotation (``...하겠다"``) count as headlines."""
    if len(sentences) < 2:
        return False
    first = sentences[0].strip()
    return 0 < len(first) <= 200 and not (_TERMINAL.search(first) or _KO_FINAL.search(first))


CUT_MIN_CHARS = 30
"""A last line shorter than this without punctuation is taken as complete (:func:`is_cut`)."""


def is_cut(sentences: list[str] | tuple[str, ...]) -> bool:
    """Whether the last of a side's sentences is a fragment cut off by the end of the page.

    Scraped editions are often cut at a byte or word limit: the last sentence stops
    mid-word (``... donate 100 mi``) or mid-character (U+FFFD).  A last sentence that
    ends with sentence or closing punctuation or a Korean sentence ending, one shorter
    than ``CUT_MIN_CHARS`` (more often a caption or a signature), or a side of fewer than
    three sentences (a headline pair) is taken as complete.
    """
    if len(sentences) < 3:
        return False
    last = sentences[-1].rstrip()
    if not last:
        return False
    if last.endswith("\ufffd"):  # cut inside a character's bytes
        return True
    if len(last) < CUT_MIN_CHARS:  # a caption, a signature, a heading
        return False
    return not (_COMPLETE.search(last) or _KO_FINAL.search(last))


COPY_CAP = 0.05
"""Highest score of a pair whose target is a copy of its source (see :func:`is_copy`)."""


def is_copy(ctx: PairContext) -> bool:
    """The target side is not a translation but the source's words left as they were.

    Both sides are the same text with letters in it (numbers and symbols alone, like
    ``2024.``, are rightly the same in both languages), or a Korean side has letters
    but no Hangul.  Only meaningful when the two languages differ.
    """
    return bool(_LETTERS.search(ctx.tgt_text)) and _untranslated(ctx)


def _untranslated(ctx: PairContext) -> bool:
    """Both sides are the same text, or the Korean side has no Hangul (flag ``untranslated``)."""
    same = " ".join(ctx.src_text.split()).lower() == " ".join(ctx.tgt_text.split()).lower()
    return same or (ctx.tgt_lang == "ko" and not HANGUL.search(ctx.tgt_text))


def flags_for(ctx: PairContext, values: dict[str, float]) -> list[str]:
    """The flags a matched pair raises, in the order of ``FLAGS``."""
    out = []
    a, b = numbers_in(ctx.src_text), numbers_in(ctx.tgt_text)
    if a and b and not (a & b):
        out.append("number_mismatch")
    if values["length_ratio"] > math.log(2.5):
        out.append("length_outlier")
    if _untranslated(ctx):
        out.append("untranslated")
    if ctx.cosine < 0.3:
        out.append("low_similarity")
    return out
