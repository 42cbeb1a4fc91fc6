"""Sentence segmentation with English and Korean rules (no heavy dependency).

Text is first cut into paragraphs at blank lines; every line break is a sentence
boundary too (scraped pages put one paragraph or heading per line).  Inside a line,
a boundary follows sentence-final punctuation (``. ! ? …`` and ``。！？``), plus any
closing quotes or brackets, when what comes next can start a sentence.

English: no boundary after a known abbreviation (``Mr.``, ``Lt. Gen.``, ``U.S.``,
``e.g.``), after a month or ``No.`` before a number (``Feb. 28``, ``No. 3``), after a
single capital initial (``J. Smith``), inside numbers (``3.5``), e-mails or URLs, or
before a lower-case word; none inside a quotation opened mid-sentence after a reporting
word (*tweeted, said, wrote, posted, asked, added, that*) that the sentence ends with
(``Ana tweeted that ‘We are sorry. But you cannot say we cheated’.``, up to three
sentences quoted).  A quotation standing alone still ends its sentence (``“It is
over.”`` | ``He left.``).

Korean: a period after a Hangul syllable ends a sentence even with no space after
it (``했다.그러나``); reported speech never splits before the particle that follows
the closing quote (``다."라고``, ``다.”며``, ``“하겠다."고``: straight and curly
quotes mixed); a quotation of several sentences keeps its inner boundaries, the
particle staying with the last one (``“포기하지 않겠다.`` | ``끝까지 하겠다”고
말했다.``), unless it opens mid-sentence after a subject (``민수는 ‘…다. 그러나
…없다’고 말했다.``: one sentence, for up to three sentences quoted); decimals, Latin abbreviations (``U.S.``) and e-mails stay whole.  A
subhead glued to the first body sentence on the same line is cut off when it is
marked as a headline (an ellipsis, a closing quote, or ``X, … 추진``) and the body
opens with a subject and a date (``… 정부 "강력 대응" 국방부는 3일 …``).

Any language: an ellipsis is not a boundary in a headline or standfirst line (no
sentence punctuation at its end or before a space inside it: ``북한 미사일 발사…
정부 "강력 대응"``), nor outside Korean with no space after it (``stalled…then``).  A short stage
direction after a sentence end stays with it (``방문입니다. (웃음)`` | ``다음 …``,
``(Laughter)``, ``[Applause]``: up to three words of letters in brackets), but not a
parenthetical sentence or a dateline (``(서울=연합뉴스) 정부는 …`` opens the next
sentence).  A piece of a line with no letter or digit (a lone ``“``, ``…``, an emoji)
joins the sentence before it, or the next one at the start of the line.

Every sentence keeps its character offsets in the text it came from and the index
of its paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .unicode import HANGUL

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
# Particles and endings that follow a quotation inside a Korean sentence.
_KO_QUOTE_CONT = re.compile(
    r"(?:라고|라며|라는|라면서|고|며|는|이라고|이라며|하고|하며|란|라|면서|와|과|를|을|의|에)(?=\s|$)"
)
_KO_OPENERS = "\"'“‘「『《〈(["
_ELLIPSIS = re.compile(r"…|\.{2,}")
# Sentence punctuation other than an ellipsis, before a space.
_INNER_END = re.compile(r"(?<![.…])(?:[!?。！？]+|\.)(?![.…])[\"'”’»)\]}》」』〉]*\s")
# A subhead glued to the body: the body opens with (up to two plain words and) a
# subject word ending in 은/는/이/가, then a date word (3일, 지난 3일, 지난달, 이날).
_KO_BODY_START = re.compile(
    r"(?:[\w·-]+\s+){0,2}[\w·()-]*[가-힣][은는이가]\s+"
    r"(?:(?:지난\s?)?\d{1,2}일|\d{1,2}월\s?\d{1,2}일|지난달|지난주|지난해|이날|전날|올해|오늘|어제)\s"
)
# Headline-final verbal nouns (… 예산 증액 추진), for a subhead that opens with "X, ".
_KO_HEAD_NOUN = re.compile(
    r"(?:추진|발표|우려|합의|결정|검토|강화|확대|축소|촉구|경고|전망|예고|착수|돌입|개최|시사|"
    r"반발|논란|비판|요구|거부|연기|취소|시행|도입|출시|돌파|급증|급감|상승|하락|증가|감소|"
    r"지속|완화|해야)$"
)
# Cheap pre-checks for _subhead_end: a headline mark early in the line, a date word.
_KO_HEAD_MARK = re.compile(r"…|\.\.|[\"”]\s|^[^\s,]{1,10}, ")
_KO_BODY_DATE = re.compile(r"[은는이가]\s+(?:지난|이날|전날|올해|오늘|어제|\d{1,2}[일월])")
_DOUBLE_QUOTE = re.compile(r"[\"“”]")
_SINGLE_QUOTE = re.compile(r"[‘’]")
_KO_SENTENCE_END = re.compile(r"[다요까죠][.?!][\"'”’)]*(?:\s|$)")
# A short stage direction in brackets, (웃음) (Laughter) [Applause] (laughs): up to
# three words of letters, or one word with a final period (Laughter.).
_STAGE_WORDS = r"(?:[^\W\d_]+(?:[ '’-][^\W\d_]+){0,2}|[^\W\d_]+\.)"
_STAGE = re.compile(rf"\s*(?:\((?P<p>{_STAGE_WORDS})\)|\[(?P<b>{_STAGE_WORDS})\])(?=\s|$)")
_ACRONYM = re.compile(r"[A-Z]{1,5}\.?")
# Reported speech opened mid-sentence: a reporting word (English) or a subject
# particle (Korean) and a space before the opening quote.
_EN_REPORTING = re.compile(
    r"\b(?:tweet(?:ed|s)|sa(?:id|ys)|wr(?:ote|ites)|post(?:ed|s)|ask(?:ed|s)|add(?:ed|s)|that)\s+$",
    re.IGNORECASE,
)
_KO_REPORTING = re.compile(r"\S[는은가이]\s+$")
_QUOTE_MAX_CHARS = 400
"""Longest reported quotation kept in one sentence (see :func:`_reported_spans`)."""
_QUOTE_MAX_CUTS = 2
"""Most sentence ends inside a reported quotation kept in one sentence."""

_LANGS = {"en": "en", "ko": "ko"}


_LETTER = re.compile(r"[^\W\d_]")
_ALNUM = re.compile(r"[^\W_]")


def hangul_share(text: str) -> float:
    """Share of the letters in ``text`` that are Hangul (0 when it has no letters)."""
    letters = len(_LETTER.findall(text))
    return len(HANGUL.findall(text)) / letters if letters else 0.0


def guess_language(text: str) -> str:
    """``ko`` when most letters of ``text`` are Hangul, else ``en`` (for ``align split``)."""
    return "ko" if hangul_share(text[:200_000]) > 0.5 else "en"


def supported_languages() -> list[str]:
    """Languages with their own rules; any other code gets the generic rules."""
    return sorted(_LANGS)


def _protected_spans(text: str) -> list[tuple[int, int]]:
    if "@" not in text and "/" not in text and "www." not in text.lower():
        return []  # no e-mail or URL can match (the common case: skip the regex)
    return [m.span() for m in _EMAIL_URL.finditer(text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _word_before(text: str, pos: int) -> str:
    """The token (letters, dots, hyphens) ending right before ``pos`` (the period)."""
    k = pos
    while k > 0 and (text[k - 1].isalnum() or text[k - 1] in ".-&'"):
        k -= 1
    return text[k:pos]


def _is_boundary(
    text: str, start: int, end: int, lang: str, protected: list[tuple[int, int]], headline: bool = False
) -> bool:
    """Whether the punctuation run ``text[start:end]`` ends a sentence.

    ``headline``: the line does not end in sentence punctuation, so an ellipsis in it
    joins two headline phrases (``발사… 정부 "강력 대응"``).
    """
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
    ellipsis = set(terminal_run) <= {".", "…"} and ("…" in terminal_run or len(terminal_run) > 1)
    korean = lang == "ko" or (lang != "en" and bool(HANGUL.match(prev or " ")))
    if ellipsis and (headline or (not has_space and not korean)):
        # "발사… 정부 대응" (a headline line), "stalled…then": not a sentence end
        return False

    if korean:
        if not has_space:
            # 했다.그러나 : a Hangul-final period followed by Hangul is a boundary,
            # unless a quote closed and a particle follows (다."라고).
            if punct[-1] in _CLOSERS:
                return False
            if HANGUL.match(prev or " ") and (only_period or set(terminal_run) <= set("?!")):
                return bool(HANGUL.match(first) or first.isdigit() or first.isupper() or first in _KO_OPENERS)
            return False
        if punct[-1] in _CLOSERS and _KO_QUOTE_CONT.match(nxt):
            return False
        if HANGUL.match(prev or " "):
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


def _reported_quotes(line: str, single: bool = False) -> list[tuple[int, int]]:
    """Quotations in a Korean line that a reporting particle follows (``”고``, ``"라며``).

    Returns ``(open, close)`` index pairs.  The splitter uses the closing ones: a
    straight quote there closes a quotation (``“끝까지 하겠다."고``) and does not open
    the next sentence, whatever the count of straight quotes before it.  Curly and straight double quotes pair with each other (``"…”``).  A straight quote
    after a space opens a quotation, one before a space or a particle closes it, one
    between two letters (text that lost its spaces) alternates.  A closing quote with
    no opening one in the line (a quotation that began in an earlier paragraph, or a
    stray quote) gives no span.  ``single``: single curly quotes (``‘…’고``) instead
    (a straight ``'`` is too often an apostrophe).
    """
    spans: list[tuple[int, int]] = []
    if ("’" not in line) if single else ('"' not in line and "”" not in line):
        return spans
    opened: int | None = None
    for qm in (_SINGLE_QUOTE if single else _DOUBLE_QUOTE).finditer(line):
        k, ch = qm.start(), qm.group(0)
        before = line[k - 1] if k else " "
        after = line[k + 1] if k + 1 < len(line) else " "
        follows = _KO_QUOTE_CONT.match(line[k + 1 :].lstrip()) is not None
        if ch in "“‘":
            opening = True
        elif ch in "”’":
            opening = False
        elif before.isspace() or before in _KO_OPENERS:
            opening = not after.isspace()
        elif after.isspace() or follows:
            opening = False
        else:
            opening = opened is None
        if opening:
            opened = k
            continue
        if opened is not None and follows:
            spans.append((opened, k))
        opened = None
    return spans


def _en_quote_close(line: str, k: int) -> int:
    """Where the quotation opened at ``line[k]`` closes right before its sentence end.

    The closing quote must be followed by sentence punctuation, or come after some, and
    then a space or the end of the line (``‘… cheated’.``, ``“… over.” He``, ``… :)’``).
    A curly ``’`` between letters or after a word (``can’t``, ``fans’ anger``) is an
    apostrophe.  -1 when the quotation closes mid-sentence (``‘A. B,’ he said``), opens
    another one first, or does not close in the line.
    """
    opening = line[k]
    closers = {"‘": "’", "“": "”", '"': '"”'}[opening]
    for j in range(k + 1, len(line)):
        ch = line[j]
        if ch == opening and opening != '"':
            return -1  # a second quotation opens before this one closes
        if ch not in closers:
            continue
        before = line[j - 1]
        rest = line[j + 1 :]
        punct = len(rest) - len(rest.lstrip(_TERMINALS))
        after = rest[punct:]
        ends = (not after or after[0].isspace()) and (before in _TERMINALS or punct > 0 or not after.strip())
        if ends:
            return j
        if ch == "’" and (before.isalnum() and (not rest or rest[0].isalnum() or rest[0].isspace())):
            continue  # an apostrophe: can’t, HATIN’ EACH, fans’ anger
        return -1
    return -1


def _reported_spans(line: str, lang: str, double: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Quotations opened mid-sentence after a reporting word that the sentence ends with.

    English: after *tweeted, said, wrote, posted, asked, added* or *that* and a space, a
    quotation that closes right before the sentence end (``Ana tweeted that ‘We are
    sorry. But …’.``, single or double quotes).  Korean: after a subject (``…는``,
    ``…은``, ``…가``, ``…이``) and a space, a quotation that a reporting particle
    follows (``민수는 ‘…다. 그러나 …없다’고 말했다.``); ``double`` holds the line's
    double-quoted ones (:func:`_reported_quotes`).  Returns ``(open, close)`` pairs of
    at most :data:`_QUOTE_MAX_CHARS` characters.  A quotation that opens the sentence
    (``“…않겠다. | 끝까지 하겠다”고 그는``) or stands alone is not one.
    """
    spans: list[tuple[int, int]] = []
    if lang == "ko":
        for o, c in [*_reported_quotes(line, single=True), *double]:
            if c - o <= _QUOTE_MAX_CHARS and _KO_REPORTING.search(line, max(0, o - 8), o):
                spans.append((o, c))
        return spans
    if lang != "en" or ("‘" not in line and "“" not in line and '"' not in line):
        return spans
    for qm in re.finditer(r"[‘“\"]", line):
        o = qm.start()
        if o == 0 or not line[o - 1].isspace() or not _EN_REPORTING.search(line, max(0, o - 16), o):
            continue
        c = _en_quote_close(line, o)
        if c > o and c - o <= _QUOTE_MAX_CHARS:
            spans.append((o, c))
    return spans


def _stage_direction(line: str, cut: int) -> int:
    """End of a short stage direction right after the sentence end ``cut`` (0: none).

    ``바로 그 방문입니다. (웃음)`` and ``… (Laughter)``, ``[Applause]``: at most three
    words of letters in brackets (or one word and a period), then the end of the line or
    a space.  Not an acronym (``(AP) The …``) nor a dateline (``(서울=연합뉴스) 정부는``).
    """
    m = _STAGE.match(line, cut)
    if not m or _ACRONYM.fullmatch(m.group("p") or m.group("b")):
        return 0
    return m.end()


def _subhead_end(line: str) -> int:
    """Where a subhead glued to the first body sentence ends (0: no subhead).

    Only on strong evidence: a head of at most 40 characters at the start of the line,
    without sentence punctuation and with balanced quotes, marked as a headline (it
    ends in a closing quote, or has an ellipsis or opens with ``X, `` and ends in an
    ellipsis or a headline noun such as ``추진``), then a body that opens with a subject and a date
    (``국방부는 3일``) and ends in a sentence-final ending and a period.
    """
    if not _KO_HEAD_MARK.search(line, 0, 41) or not _KO_BODY_DATE.search(line, 0, 80):
        return 0
    if not _KO_SENTENCE_END.search(line):
        return 0
    for m in re.finditer(r"\s+", line[:41]):
        head = line[: m.start()]
        if len(head) < 4:
            continue
        plain = _ELLIPSIS.sub(" ", re.sub(r"\d[.,]\d", "0", head))
        if re.search(r"[.!?。！？]", plain):
            return 0
        if head.count('"') % 2 or head.count("“") != head.count("”"):
            continue
        # the head ends in a closing quote, an ellipsis or a headline noun (where the
        # subject starts is otherwise unknown: 복구 지연 해양시 전력공사는) ...
        quote_end = head[-1] in '"”' and len(head) > 1
        if not (quote_end or head.endswith(("…", "..")) or _KO_HEAD_NOUN.search(head)):
            continue
        # ... and it is marked as a headline: an ellipsis, a quotation, or "X, "
        if not (quote_end or _ELLIPSIS.search(head) or re.match(r"[^\s,]{1,10}, ", head)):
            continue
        body = line[m.end() :]
        if _KO_BODY_START.match(body) and _KO_SENTENCE_END.search(body):
            return m.start()
    return 0


def _split_line(line: str, offset: int, lang: str) -> list[tuple[int, int]]:
    protected = _protected_spans(line)
    # a headline or standfirst: no sentence punctuation at its end nor before a space
    # inside it (ellipses aside); a line cut off mid-sentence has some before the cut
    headline = line.rstrip().rstrip(_CLOSERS)[-1:] not in _TERMINALS and not _INNER_END.search(line)
    cuts: list[int] = []
    # closing quotes that a reporting particle follows: “끝까지 하겠다."고 is one piece
    double = _reported_quotes(line) if lang == "ko" else []
    closers = {q for _, q in double}
    head = _subhead_end(line) if lang == "ko" and not headline else 0
    for m in _END.finditer(line):
        s, e = m.span()
        if lang == "ko" and e < len(line) and not line[e].isspace():
            # 했다."그러나 : with no space, a straight quote after the period opens the
            # next sentence when the quotes before it are balanced
            run_end = s + len(m.group(0).rstrip(_CLOSERS))
            if (
                run_end < e
                and line[run_end] in "\"'"
                and run_end not in closers
                and line.count(line[run_end], 0, run_end) % 2 == 0
            ):
                if _is_boundary(line, s, run_end, lang, protected, headline):
                    cuts.append(run_end)
                continue
        if _is_boundary(line, s, e, lang, protected, headline):
            cuts.append(e)
    if head:
        # the subhead is a headline phrase: no boundary inside it (발사… 정부 "대응")
        cuts = [head, *(c for c in cuts if c > head)]
    if cuts:
        # reported speech inside a sentence (민수는 ‘…다. 그러나 …없다’고 말했다.): no
        # cut inside a quotation of at most three sentences
        for o, c in _reported_spans(line, lang, double):
            inner = [x for x in cuts if o < x <= c]
            if 0 < len(inner) <= _QUOTE_MAX_CUTS:
                cuts = [x for x in cuts if not o < x <= c]
    if cuts and ("(" in line or "[" in line):
        # a stage direction after a sentence end stays with it: 방문입니다. (웃음) | 다음
        cuts = [_stage_direction(line, c) or c for c in cuts]
    cuts = sorted(set(cuts))
    pieces: list[tuple[int, int]] = []
    begin = 0
    for c in [*cuts, len(line)]:
        piece = line[begin:c]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            pieces.append((begin + lead, begin + lead + len(stripped)))
        begin = c
    return [(offset + s, offset + e) for s, e in _attach_bare(line, pieces)]


def _attach_bare(line: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a piece with no letter or digit (a lone ``“``, ``…``, ``-``) to the one before it.

    The first piece of a line joins the next one instead; a line of such pieces only
    stays one piece.
    """
    if len(pieces) < 2 or all(line[s].isalnum() or _ALNUM.search(line, s, e) for s, e in pieces):
        return pieces
    out: list[tuple[int, int]] = []
    pending = -1  # start of bare pieces before the first piece with letters
    for s, e in pieces:
        if _ALNUM.search(line, s, e):
            if pending >= 0:
                s, pending = pending, -1
            out.append((s, e))
        elif out:
            out[-1] = (out[-1][0], e)
        elif pending < 0:
            pending = s
    if pending >= 0:
        out.append((pending, pieces[-1][1]))
    return out


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
    """Split ``text`` into sentences with offsets and paragraph indices (a paragraph that
    ends with a comma, like a salutation on its own line, runs on into the next)."""
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
            # a paragraph that ends with a comma is continued by the next one (a
            # salutation on its own line: "My fellow citizens,")
            if not (segments and segments[-1].text.rstrip().endswith((",", "，"))):
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
