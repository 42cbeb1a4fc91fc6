"""Quality features of an aligned pair, one small class each, with a declared direction.

Every feature turns a :class:`PairContext` into a number; ``direction`` says whether a
higher value means a better pair (``+1``) or a worse one (``-1``).  Flags are
thresholds on features that users filter on.  The calibrated score
(:mod:`align.calibration`) is a logistic model over these features.
"""

from __future__ import annotations

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
    r"(조|억|만|천|trillion|billion|million|thousand|percent|%)?",
    re.IGNORECASE,
)
_SCALE = {
    "조": 1e12, "억": 1e8, "만": 1e4, "천": 1e3,
    "trillion": 1e12, "billion": 1e9, "million": 1e6, "thousand": 1e3,
}  # fmt: skip


def numbers_in(text: str) -> set[float]:
    """Numbers in a text, with thousands separators and scale words resolved.

    ``2,000`` -> 2000; ``3.2 million`` -> 3200000; ``320만`` -> 3200000; ``1만2천``
    -> 12000 (Korean mixed units are summed); years and plain numbers stay as they are.
    """
    out: set[float] = set()
    pending = 0.0  # a Korean amount still collecting units: 1만 + 2천
    last_end = -1
    for m in _NUM.finditer(text):
        unit = (m.group(2) or "").lower()
        value = float(m.group(1).replace(",", "")) * _SCALE.get(unit, 1.0)
        if pending and m.start() == last_end and unit in {"억", "만", "천", ""}:
            pending += value
        else:
            if pending:
                out.add(pending)
                pending = 0.0
            if unit in {"조", "억", "만"}:
                pending = value
            else:
                out.add(value)
        last_end = m.end()
    if pending:
        out.add(pending)
    return out


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
