"""Sentence segmentation with English and Korean rules (no heavy dependency).

Text is first cut into paragraphs at blank lines; every line break is a sentence
boundary too (scraped pages put one paragraph or heading per line).  Inside a line,
a boundary follows sentence-final punctuation (``. ! ? …`` and ``。！？``), plus any
closing quotes or brackets, when what comes next can start a sentence.

English: no boundary after a known abbreviation (``Mr.``, ``Lt. Gen.``, ``U.S.``,
``e.g.``), after a month or ``No.`` before a number (``Feb. 28``, ``No. 3``), after a
single capital initial (``J. Smith``), inside numbers (``3.5``), e-mails or URLs, or
before a lower-case word.

Korean: a period after a Hangul syllable ends a sentence even with no space after
it (``했다.그러나``); reported speech never splits before the particle that follows
the closing quote (``다."라고``, ``다.”며``); decimals, Latin abbreviations
(``U.S.``) and e-mails stay whole.

Every sentence keeps its character offsets in the text it came from and the index
of its paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "MAX_SENTENCE_CHARS",
    "MAX_SENTENCE_TOKENS",
    "Segment",
    "cut_long",
    "split_lines",
    "split_sentences",
    "supported_languages",
]

MAX_SENTENCE_CHARS = 2_000
"""Longest sentence the aligner embeds, in characters.  Split text cuts a longer one
(a paragraph without punctuation, a 1 MB line) into pieces of at most this many
characters, at a space where there is one (:func:`cut_long`); with ``--presplit`` a
longer line stays whole in the output, but only its first this many characters are
embedded.  Either way the result carries a warning."""

MAX_SENTENCE_TOKENS = 1_024
"""Most tokens of one string that the bundled model's token stage runs (the rest is
dropped): a safety net under :data:`MAX_SENTENCE_CHARS` for scripts that take several
tokens per character."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence: its text, offsets ``[start, end)`` in the source text, paragraph, line."""

    text: str
    start: int
    end: int
    paragraph: int
    line: int
    """1-based line of the source text where the sentence starts."""


_ABBREV = {
    # titles and ranks
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sr",
    "jr",
    "st",
    "mt",
    "ft",
    "rev",
    "hon",
    "gov",
    "sen",
    "rep",
    "pres",
    "gen",
    "lt",
    "col",
    "maj",
    "capt",
    "cpt",
    "sgt",
    "cpl",
    "pvt",
    "adm",
    "cmdr",
    "brig",
    "supt",
    "insp",
    "det",
    "fr",
    "messrs",
    "mme",
    "mlle",
    # common abbreviations
    "vs",
    "etc",
    "e.g",
    "i.e",
    "cf",
    "al",
    "approx",
    "dept",
    "est",
    "inc",
    "ltd",
    "co",
    "corp",
    "univ",
    "assn",
    "bros",
    "vol",
    "vols",
    "fig",
    "figs",
    "p",
    "pp",
    "ch",
    "sec",
    "art",
    "ed",
    "eds",
    "trans",
    "ave",
    "blvd",
    "rd",
    "hwy",
    # countries and places written with periods
    "u.s",
    "u.k",
    "u.n",
    "u.s.a",
    "e.u",
    "s.korea",
    "n.korea",
    "s",
    "n",
}
_BEFORE_NUMBER = {
    "no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "vol", "p", "pp", "art", "sec", "ch", "fig", "op", "tel", "ext",
    # full month names written with a period, as scraped datelines do ("February. 28")
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
}  # fmt: skip
# Words that open a sentence: after "U.S." they mean the acronym ended the sentence.
_OPENERS = {
    "he", "she", "it", "they", "we", "i", "you", "the", "this", "that", "these", "those", "there",
    "but", "and", "however", "his", "her", "its", "their", "our", "in", "on", "at", "a", "an",
    "meanwhile", "also", "then", "yet", "so", "if", "when", "while", "after", "before",
}  # fmt: skip
_CLOSERS = "\"'”’»)]}》」』〉"
_TERMINALS = ".!?…。！？"
# A candidate end: terminal punctuation run, then closers.
_END = re.compile(r"[.!?…。！？]+[\"'”’»)\]}》」』〉]*")
_EMAIL_URL = re.compile(
    # e-mails and URLs, without the punctuation that ends the sentence after them
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.|\b[\w-]+(?:\.[a-z]{2,6})+/)\S*?"
    r"(?=[.,;:!?)\]\"'”’]*(?:\s|$))",
    re.IGNORECASE,
)
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
# Particles and endings that follow a quotation inside a Korean sentence.
_KO_QUOTE_CONT = re.compile(
    r"(?:라고|라며|라는|라면서|고|며|는|이라고|이라며|하고|하며|란|라|면서|와|과|를|을|의|에)(?=\s|$)"
)
_KO_OPENERS = "\"'“‘「『《〈(["

_LANGS = {"en": "en", "ko": "ko"}


_LETTER = re.compile(r"[^\W\d_]")


def hangul_share(text: str) -> float:
    """Share of the letters in ``text`` that are Hangul (0 when it has no letters)."""
    letters = len(_LETTER.findall(text))
    return len(_HANGUL.findall(text)) / letters if letters else 0.0


def guess_language(text: str) -> str:
    """``ko`` when most letters of ``text`` are Hangul, else ``en`` (for ``align split``)."""
    return "ko" if hangul_share(text[:200_000]) > 0.5 else "en"


def supported_languages() -> list[str]:
    """Languages with their own rules; any other code gets the generic rules."""
    return sorted(_LANGS)


def _protected_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _EMAIL_URL.finditer(text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _word_before(text: str, pos: int) -> str:
    """The token (letters, dots, hyphens) ending right before ``pos`` (the period)."""
    k = pos
    while k > 0 and (text[k - 1].isalnum() or text[k - 1] in ".-&'"):
        k -= 1
    return text[k:pos]


def _is_boundary(text: str, start: int, end: int, lang: str, protected: list[tuple[int, int]]) -> bool:
    """Whether the punctuation run ``text[start:end]`` ends a sentence."""
    if _inside(start, protected):
        return False
    punct = text[start:end]
    rest = text[end:]
    nxt = rest.lstrip()
    if not nxt:
        return True
    has_space = len(rest) != len(nxt)
    first = nxt[0]
    prev = text[start - 1] if start > 0 else ""
    terminal_run = punct.rstrip(_CLOSERS)
    only_period = set(terminal_run) == {"."}

    if lang == "ko" or (lang != "en" and _HANGUL.match(prev or " ")):
        if not has_space:
            # 했다.그러나 : a Hangul-final period followed by Hangul is a boundary,
            # unless a quote closed and a particle follows (다."라고).
            if punct[-1] in _CLOSERS:
                return False
            if _HANGUL.match(prev or " ") and (only_period or set(terminal_run) <= set("?!")):
                return bool(
                    _HANGUL.match(first) or first.isdigit() or first.isupper() or first in _KO_OPENERS
                )
            return False
        if punct[-1] in _CLOSERS and _KO_QUOTE_CONT.match(nxt):
            return False
        if _HANGUL.match(prev or " "):
            return True
        # Latin or digits before the period inside Korean text: English rules below.

    if not has_space:
        # 3.5, U.S., e.g. -- no boundary without a space, except ?!" runs before a capital
        return bool(not only_period and first.isupper())
    if first.islower():
        return False
    if first in ",;:":
        return False
    if only_period and len(terminal_run) == 1:
        word = _word_before(text, start)
        low = word.lower().rstrip(".")
        if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
            # U.S. Army (one sentence) vs. "moved to the U.S. He then ..." (two)
            next_word = re.match(r"[\w']+", nxt)
            return bool(next_word and next_word.group(0).lower() in _OPENERS)
        if low in _ABBREV:
            return False
        if low in _BEFORE_NUMBER and first.isdigit():
            return False
        # single initial: "J. Smith", "S. Korea" (but a sentence can end in "I.")
        if len(word) == 1 and word.isalpha() and word.isupper() and word != "I":
            return False
        # dotted acronyms before a capitalised word stay (U.S. Army), unless the
        # next word opens a new clause: keep them joined (rare false merge).

    return True


def _split_line(line: str, offset: int, lang: str) -> list[tuple[int, int]]:
    protected = _protected_spans(line)
    cuts: list[int] = []
    for m in _END.finditer(line):
        s, e = m.span()
        if lang == "ko" and e < len(line) and not line[e].isspace():
            # 했다."그러나 : with no space, a straight quote after the period opens the
            # next sentence when the quotes before it are balanced
            run_end = s + len(m.group(0).rstrip(_CLOSERS))
            if run_end < e and line[run_end] in "\"'" and line.count(line[run_end], 0, run_end) % 2 == 0:
                if _is_boundary(line, s, run_end, lang, protected):
                    cuts.append(run_end)
                continue
        if _is_boundary(line, s, e, lang, protected):
            cuts.append(e)
    spans = []
    begin = 0
    for c in [*cuts, len(line)]:
        piece = line[begin:c]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            spans.append((offset + begin + lead, offset + begin + lead + len(stripped)))
        begin = c
    return spans


def cut_long(segments: list[Segment], limit: int = MAX_SENTENCE_CHARS) -> tuple[list[Segment], int]:
    """Cut every segment longer than ``limit`` characters into pieces of at most ``limit``.

    A piece ends at the last space before the limit (or, with no space in its second
    half, at the limit itself).  Returns the segments and how many were cut.
    """
    if all(len(seg.text) <= limit for seg in segments):
        return segments, 0
    out: list[Segment] = []
    cut = 0
    for seg in segments:
        if len(seg.text) <= limit:
            out.append(seg)
            continue
        cut += 1
        text, begin = seg.text, 0
        while begin < len(text):
            end = min(len(text), begin + limit)
            if end < len(text):
                space = text.rfind(" ", begin + limit // 2, end + 1)
                if space > begin:
                    end = space
            piece = text[begin:end]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                start = seg.start + begin + lead
                line = seg.line + text.count("\n", 0, begin + lead)
                out.append(Segment(stripped, start, start + len(stripped), seg.paragraph, line))
            begin = end
    return out, cut


def split_sentences(text: str, lang: str = "en") -> list[Segment]:
    """Split ``text`` into sentences with offsets and paragraph indices."""
    lang = (lang or "").lower().split("-")[0].split("_")[0]
    segments: list[Segment] = []
    paragraph = -1
    blank_before = True
    pos = 0
    for lineno, raw in enumerate(text.splitlines(keepends=True), 1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            blank_before = True
            pos += len(raw)
            continue
        if blank_before:
            paragraph += 1
            blank_before = False
        for s, e in _split_line(line, pos, lang):
            segments.append(Segment(text[s:e], s, e, paragraph, lineno))
        pos += len(raw)
    return segments


def split_lines(text: str) -> list[Segment]:
    """One segment per line (``--presplit``); empty lines are kept as empty segments."""
    segments: list[Segment] = []
    pos = 0
    lines = text.splitlines(keepends=True)
    for lineno, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        segments.append(Segment(line.strip(), pos, pos + len(line), 0, lineno))
        pos += len(raw)
    return segments
