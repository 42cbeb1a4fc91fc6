"""Sentence segmentation with English and Korean rules (no heavy dependency).

Text is first cut into paragraphs at blank lines; every line break is a sentence
boundary too (scraped pages put one paragraph or heading per line).  Inside a line,
a boundary follows sentence-final punctuation (``. ! ? …`` and ``。！？``), plus any
closing quotes or brackets, when what comes next can start a sentence.

English: after an abbreviation, what follows decides (:func:`_en_abbrev_boundary`):
a title or Latin connective never ends a sentence (``Mr.``, ``Lt. Gen.``, ``e.g.``),
one that often does (``a.m.``, ``etc.``, ``Co.``, ``Inc.``) ends it before a
capitalised word or a quotation unless the word continues it (``10 a.m. Monday``,
``Co. Chairman``), any other and a dotted acronym (``U.S.``, ``St.``) only before a
function word (``The``, ``But``) or a quotation.  No boundary after a month or ``No.``
before a number (``Feb. 28``, ``No. 3``), after a single capital initial (``J.
Smith``), inside numbers (``3.5``), e-mails or URLs, or before a lower-case word other
than an e-mail or a camel-case one (``iPhone``, ``eBay``); with no space, a boundary
only between a lower-case word or a year and a capitalised word (``learn.Learning``,
:func:`_en_glued`).  None inside a quotation opened mid-sentence after a reporting
word (*tweeted, said, wrote, posted, asked, added, that*) that the sentence ends with
(``Ana tweeted that ‘We are sorry. But you cannot say we cheated’.``, up to three
sentences quoted).  A quotation standing alone still ends its sentence (``“It is
over.”`` | ``He left.``).

Korean: a period after a Hangul syllable ends a sentence even with no space after
it (``했다.그러나``); reported speech never splits before the particle that follows
the closing quote (``다."라고``, ``다.”며``, ``“하겠다."고``: straight and curly
quotes mixed); a quotation of several sentences keeps its inner boundaries, the
particle staying with the last one (``“포기하지 않겠다.`` | ``끝까지 하겠다”고
말했다.``), unless it opens mid-sentence after any word (``민수는 ‘…다. 그러나
…없다’고 말했다.``, ``장관은 이날 "…다. …다"라고 강조했다.``, ``…다"며 "…다. …다"고``:
one sentence, for up to five sentences quoted); decimals, Latin abbreviations
(``U.S.``), e-mails, dotted dates (``2012. 2. 28.``, ``2012.2.28``, ``5. 18``) and
periods inside brackets (``식품의약국(FDA. Food and Drug Administration)``,
``(중국.24)``; not after a sentence-final ending) stay whole.  A sentence that ends
without punctuation before the next one is cut after a sentence-final ending
(``발표했다``, ``잡힐까``, ``있어요``, ``습니다``, ``좋죠``) when a conjunction or a subject
opens the next clause (``발표했다 | 그러나 야당은``, ``잡힐까 | 전문가들은``), but not after a
connective (``공부하다 잠들었다``, ``갔다 왔다``, ``좋다 나쁘다``, ``올까 봐``), inside
quotes or brackets, or with no subject or object before it (:func:`_ko_unpunctuated`).  A
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
# English, after an abbreviation (see _en_abbrev_boundary).  Function words that open
# a sentence and never continue a name ("… the U.S. Most of them …"): the openers above
# and more pronouns, determiners, conjunctions and adverbs.
_EN_OPENERS = _OPENERS | {
    "my", "your", "one", "both", "all", "many", "most", "some", "several", "each", "no", "not",
    "what", "why", "how", "who", "where", "since", "although", "though", "because", "still",
    "instead", "now", "today", "yesterday", "earlier", "later", "last", "despite", "during",
    "as", "for", "with", "by", "from", "under", "until", "unlike", "among",
}  # fmt: skip
# Abbreviations that stand before a name or a term and so never end a sentence.
_EN_NEVER_END = {
    "mr", "mrs", "ms", "dr", "prof", "rev", "hon", "gov", "sen", "rep", "pres", "gen", "lt", "col",
    "maj", "capt", "cpt", "sgt", "cpl", "pvt", "adm", "cmdr", "brig", "supt", "insp", "det", "fr",
    "messrs", "mme", "mlle", "vs", "e.g", "i.e", "cf", "approx", "mt", "s", "n",
}  # fmt: skip
# Abbreviations that often end a sentence: any capitalised word after them opens a new
# one, except the words that continue them (10 a.m. Monday, Co. Chairman, Co. Ltd.).
_EN_OFTEN_END = {"a.m", "p.m", "etc", "co", "inc", "corp", "ltd", "llc", "plc"}
_EN_TIME_NEXT = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "eastern", "central", "mountain", "pacific", "atlantic",
    "et", "est", "edt", "ct", "cst", "cdt", "mt", "mst", "mdt", "pt", "pst", "pdt", "gmt", "utc",
    "bst", "cet", "cest", "kst", "jst", "hkt", "sgt", "ist", "aest", "aedt",
}  # fmt: skip
_EN_FIRM_NEXT = {
    "inc", "ltd", "co", "corp", "llc", "plc", "limited", "chairman", "chairwoman", "chairperson",
    "chair", "ceo", "cfo", "coo", "cto", "president", "vice", "chief", "executive", "director",
    "head", "founder", "managing", "senior", "spokesman", "spokeswoman", "spokesperson",
}  # fmt: skip
# What follows a sentence end in English: a quotation opening on a capital or digit,
# a word (camel-case brands like iPhone, eBay, mRNA count as capitalised), and
# "<Word> time" or "<Word> <Word> time" after a clock time (3 p.m. Seoul time).
_EN_QUOTE_START = re.compile(r"[\"“‘'«]\s?[A-Z0-9]")
_EN_CAMEL = re.compile(r"[a-z]{1,3}[A-Z][\w'’-]*")
_EN_WORD = re.compile(r"[A-Za-z][\w'’&-]*")
_EN_ZONE_TIME = re.compile(r"(?:[A-Z][\w-]*\s+){1,2}[Tt]ime\b")
# A sentence glued to the one before it (learn.Learning, 2012.The): a period after a
# word all in lower case or a year, then a capitalised word.
_EN_GLUED_BEFORE = re.compile(r"[a-z][a-z'’-]*[a-z]|\d{4}")
_EN_GLUED_NEXT = re.compile(r"[A-Z][a-z]*\b")
# The glued sentence before an abbreviation: "country." in country.Sen. Barack
_EN_GLUED_HEAD = re.compile(r".*[a-z]{2}\.(?=.)")
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
_QUOTE_MAX_CHARS = 400
"""Longest reported quotation kept in one sentence (see :func:`_reported_spans`)."""
_QUOTE_MAX_CUTS = 2
"""Most sentence ends inside a reported quotation kept in one sentence."""
_KO_QUOTE_MAX_CUTS = 4
"""The same in Korean, where a reporting particle after the closing quote (``”고``,
``"라며``) is strong evidence: up to five sentences quoted."""

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


def _en_abbrev_boundary(word: str, nxt: str, protected_next: bool) -> bool | None:
    """Whether an English abbreviation ``word`` (before its period) ends the sentence
    when ``nxt`` (not lower-case) follows a space; None when ``word`` is no abbreviation.

    A strong start (a quotation opening on a capital, an e-mail or URL, a function word
    such as *The*, *But*, *Most*) ends any abbreviation but a title or a Latin connective
    (``Mr.``, ``Lt. Gen.``, ``e.g.``: never).  An abbreviation that often ends a sentence
    (``a.m.``, ``etc.``, ``Co.``, ``Inc.``) ends it before any capitalised word too,
    except one that continues it: a day, month or time zone after a clock time
    (``10 a.m. Monday``, ``3 p.m. ET``, ``9 a.m. Seoul time``), a company suffix or
    title after a company (``Co. Ltd.``, ``Co. Chairman``).  Other abbreviations and
    dotted acronyms (``St.``, ``Jr.``, ``U.S.``) end it only before a strong start, as
    a capitalised word after them is mostly a name (``U.S. Army``, ``St. Louis``).
    No abbreviation ends a sentence before a digit (``U.S. 8th Army``, ``No. 5``).
    """
    word = _EN_GLUED_HEAD.sub("", word)
    low = word.lower().rstrip(".")
    key = low.lstrip("0123456789")  # 3p.m.
    dotted = re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word) is not None
    if key not in _EN_OFTEN_END and low not in _EN_NEVER_END and low not in _ABBREV and not dotted:
        return None
    if low in _EN_NEVER_END:
        return False
    opener = re.match(r"([A-Za-z]+)\b(?!\.)", nxt) if nxt[:1].isupper() else None
    if protected_next or _EN_QUOTE_START.match(nxt) or (opener and opener.group(1).lower() in _EN_OPENERS):
        return True
    if key not in _EN_OFTEN_END or not (nxt[:1].isupper() or _EN_CAMEL.match(nxt)):
        return False
    m = _EN_WORD.match(nxt)
    following = m.group(0).rstrip("'’").lower() if m else ""
    if key in ("a.m", "p.m"):
        return following not in _EN_TIME_NEXT and not _EN_ZONE_TIME.match(nxt)
    return key == "etc" or following not in _EN_FIRM_NEXT


def _en_glued(text: str, start: int, end: int) -> bool:
    """Whether the period at ``text[start]``, closers up to ``end`` and no space after it,
    ends an English sentence glued to the next (``learn.Learning``, ``it.”He``): a
    word all in lower case or a year before it (not ``Shwe.He``, ``Yahoo.Com``, ``ASP.Net``:
    names and domains), a capitalised word after it, and a closing quote or bracket
    between, if any (a straight ``"`` only when it closes an even count; after an odd one
    it opens the next sentence and the cut is unknown)."""
    if not _EN_GLUED_NEXT.match(text, end) or not _EN_GLUED_BEFORE.fullmatch(_word_before(text, start)):
        return False
    closers = text[start + 1 : end]
    return not closers or closers in ("”", "’", ")") or (closers == '"' and text.count('"', 0, end) % 2 == 0)


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
        if lang == "en" and only_period and len(terminal_run) == 1 and _en_glued(text, start, end):
            # learn.Learning, States.It: unless an abbreviation keeps it (Mr.Kim, St.Louis)
            return _en_abbrev_boundary(_word_before(text, start), nxt, False) is not False
        # 3.5, U.S., e.g. -- no boundary without a space, except ?!" runs before a capital
        return bool(not only_period and first.isupper())
    # English: an e-mail or URL run into the sentence before it, or a camel-case word
    # (iPhone, eBay), opens a sentence although it starts in lower case
    protected_next = lang == "en" and any(s == len(text) - len(nxt) for s, _ in protected)
    if first.islower() and not (protected_next or (lang == "en" and _EN_CAMEL.match(nxt))):
        return False
    if first in ",;:":
        return False
    if only_period and len(terminal_run) == 1:
        word = _word_before(text, start)
        low = word.lower().rstrip(".")
        decided = _en_abbrev_boundary(word, nxt, protected_next) if lang == "en" else None
        if decided is not None:
            return decided
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


def _ko_mid_sentence(line: str, o: int) -> bool:
    """Whether the quotation opened at ``line[o]`` opens mid-sentence: a word stands before
    it (``그는 이날 “…``, ``웃으며“…``, ``…다”며 “…``), not the start of the line, a
    sentence end (``…했다. “…``) or a closing bracket (``(서울=연합뉴스) “…``)."""
    before = line[:o].rstrip()
    return bool(before) and before[-1] not in _TERMINALS and before[-1] not in _CLOSERS


def _reported_spans(line: str, lang: str, double: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Quotations opened mid-sentence after a reporting word that the sentence ends with.

    English: after *tweeted, said, wrote, posted, asked, added* or *that* and a space, a
    quotation that closes right before the sentence end (``Ana tweeted that ‘We are
    sorry. But …’.``, single or double quotes).  Korean: opened after any word of the
    sentence (:func:`_ko_mid_sentence`), a quotation that a reporting particle follows
    (``민수는 ‘…다. 그러나 …없다’고 말했다.``, ``장관은 이날 "…다. …다"라고``, ``…다"며
    "…다. …다"고``; up to five sentences quoted); ``double`` holds the line's
    double-quoted ones (:func:`_reported_quotes`).  Returns ``(open, close)`` pairs of
    at most :data:`_QUOTE_MAX_CHARS` characters.  A quotation that opens the sentence
    (``“…않겠다. | 끝까지 하겠다”고 그는``) or stands alone is not one.
    """
    spans: list[tuple[int, int]] = []
    if lang == "ko":
        for o, c in [*_reported_quotes(line, single=True), *double]:
            if c - o <= _QUOTE_MAX_CHARS and _ko_mid_sentence(line, o):
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


# Korean, issue 17.  Dotted dates (2012. 2. 28., 2012.2.28, 2019. 11., 5. 18 민주화운동,
# '12. 3. 1.): no boundary inside one, nor after its final period unless a conjunction
# opens the next sentence (판결은 2012. 2. 28. 확정됐다 | 2012. 2. 28. 그러나 ...).
_DIGIT_DOT = re.compile(r"\d\.\s?\d")
_KO_DATE = re.compile(
    r"(?<![\d.])(?:(?:1[89]|20)\d\d|'\d\d)\.\s?(?:1[0-2]|0?[1-9])\."
    r"(?:\s?(?:3[01]|[12]\d|0?[1-9])(?!\d)\.?)?"
    r"|(?<![\d.])(?:1[0-2]|0?[1-9])\.\s(?:3[01]|[12]\d|0?[1-9])(?![\d%])\.?"
)
# Conjunctions and sentence adverbs that open a Korean sentence.
_KO_CONJ = {
    "그러나", "하지만", "그런데", "그리고", "그래서", "따라서", "그러므로", "그러자", "그러면", "그럼",
    "그렇지만", "그럼에도", "또한", "또", "이에", "이어", "이어서", "한편", "반면", "특히", "다만",
    "게다가", "더욱이", "아울러", "결국", "물론", "실제로", "오히려", "즉", "요컨대", "아무튼",
    "어쨌든", "다행히", "불행히도", "이처럼", "이렇듯",
}  # fmt: skip
# A word that ends in -다 or -까 but is a noun (판다, 혼다, 사이다, 우간다).
_KO_NOT_FINAL = {
    "판다", "혼다", "사이다", "우간다", "르완다", "어젠다", "아젠다", "프로파간다", "아만다", "린다",
}  # fmt: skip
# The syllable before a sentence-final -요 (했어요, 좋아요, 이에요, 예요, 그렇네요, 하세요,
# 할까요, 좋지요, 그런데요, 했대요, 하나요, 추워요, 봐요, 돼요): not 필요, 주요, 수요, 가요.
_KO_YO_BEFORE = frozenset("어아해에예네군지세까데래대나워와봐줘셔려져쳐켜펴겨혀여내돼게걸든니죠")
# Adverbs in -이 and modifiers in -은/-는 that look like a subject (많이, 같이, 하는, 많은).
_KO_NOT_SUBJECT = re.compile(
    r"(?:같이|많이|없이|깊이|높이|굳이|일찍이|가까이|깨끗이|[하되있없않오가보]는|[라다]는|"
    r"[많높낮작좋같넓짧적깊젊옳밝]은|[해어아워와져봐줘돼려라]도)$"
)
# Nouns that take the clause before them as their content without a particle
# (…있다 생각이 들었다, …될까 걱정이 크다): no subject of a new sentence.
_KO_CONTENT_NOUN = re.compile(
    r"(?:생각|느낌|말|얘기|이야기|소문|걱정|우려|염려|관심|의문|궁금증|기대|목소리)[이가도]"
)
_KO_FINAL_CANDIDATE = re.compile(r"[다요까죠](?=\s+[가-힣\d])")
_KO_WORD_START = re.compile(r"[가-힣]+$")
_KO_BRACKETS = (("(", ")"), ("[", "]"), ("（", "）"), ("［", "］"))
_KO_OPEN_BRACKET = re.compile(r"[(\[（［]")
# A word that marks an argument of a clause: subject, topic or object (정부는, 물이, 대책을).
_KO_ARGUMENT = re.compile(r"[가-힣][은는이가을를도],?$")


def _jong(syllable: str) -> int:
    """Final consonant index of a Hangul syllable (0: none; 4 ㄴ, 6 ㄶ, 8 ㄹ, 17 ㅂ, 18 ㅄ, 20 ㅆ)."""
    code = ord(syllable) - 0xAC00
    return code % 28 if 0 <= code < 11172 else -1


def _ko_final(word: str) -> int:
    """How surely a Hangul word ends a sentence: 3 a polite or formal ending, never a
    connective (습니다, 합니까, 했어요, 좋죠), 2 a sentence-final ending (했다, 없다,
    않다, 것이다, 한다, 할까), 1 a bare -다 that may be a connective (공부하다 잠들었다,
    좋다 나쁘다), 0 none (했다고, 필요, 오니까, 바다)."""
    if len(word) < 2 or word in _KO_NOT_FINAL:
        return 0
    last, prev = word[-1], word[-2]
    if last == "죠":
        return 3
    if last == "요":
        return 3 if prev in _KO_YO_BEFORE else 0
    if last == "까":
        # 할까, 잡힐까, 있을까; 습니까, 합니까 (not 오니까 'because')
        if prev == "니" and len(word) > 2 and _jong(word[-3]) == 17:
            return 3
        return 2 if _jong(prev) == 8 else 0
    if last != "다":
        return 0
    if prev == "니":
        return 3 if len(word) > 2 and _jong(word[-3]) == 17 else 0
    if _jong(prev) in (4, 6, 18, 20) or (prev == "이" and len(word) > 2):
        return 2
    return 1


def _ko_opens(words: list[str], topic: bool = False) -> int:
    """Whether the words after a candidate end open a sentence: 2 a conjunction (그러나,
    하지만, 한편), 1 a subject or topic within three words before any predicate
    (전문가들은, 정부의 설명이, 방 안이, 내일도), 0 Hangul words with neither (화요일에
    다시 오세요), -1 a predicate first (잠들었다, 봐, 하더라도), a word that is not
    Hangul first, or a noun that takes the clause before as its content (생각이 들었다).
    ``topic``: only a topic (-은/-는) counts, after an embedded question (이길까 관심이
    쏠린다 is one sentence, 잡힐까 전문가들은 회의적이다 two)."""
    if not words:
        return -1
    if words[0].rstrip(",") in _KO_CONJ:
        return 2
    for i, word in enumerate(words[:3]):
        word = word.rstrip(",")
        if not word or not ("가" <= word[-1] <= "힣") or _ko_final(word):
            return -1 if i == 0 else 0
        if _KO_CONTENT_NOUN.fullmatch(word):
            return -1
        subject = len(word) > 1 and word[-1] in ("은는" if topic else "은는이가도")
        if subject and not _KO_NOT_SUBJECT.search(word):
            return 1
    return 0


def _ko_pairs(line: str, opens: str, closes: str) -> list[tuple[int, int]]:
    """``(open, close)`` index pairs of brackets or quotation marks in ``line``, at most
    300 characters apart: a closing mark pairs with the last open one of its kind.
    Double quotes pair straight and curly alike (``"…”``): with one open, ``"`` or ``”``
    closes it; otherwise ``"`` or ``“`` opens one."""
    kinds = dict(zip(closes, opens, strict=True))
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    double = -1
    for qm in re.finditer("[" + re.escape(opens + closes + '"') + "]", line):
        k, ch = qm.start(), qm.group(0)
        if ch in '"“”' and "“" in opens:
            if double >= 0 and ch != "“":
                pairs.append((double, k))
                double = -1
            elif ch != "”":
                double = k
        elif ch in opens:
            stack.append(k)
        elif ch in kinds:
            for i in range(len(stack) - 1, -1, -1):
                if line[stack[i]] == kinds[ch]:
                    pairs.append((stack[i], k))
                    del stack[i:]
                    break
    return [(o, c) for o, c in pairs if c - o <= 300]


def _ko_date_spans(line: str) -> list[tuple[int, int]]:
    """Dotted dates in a Korean line, protected from sentence cuts (see :data:`_KO_DATE`)."""
    if not _DIGIT_DOT.search(line):
        return []
    spans = []
    for m in _KO_DATE.finditer(line):
        s, e = m.span()
        nxt = line[e:].split(maxsplit=1)
        if line[e - 1] == "." and nxt and nxt[0].rstrip(",") in _KO_CONJ:
            e -= 1  # 2012. 2. 28. 그러나 ...: the final period may end the sentence
        spans.append((s, e))
    return spans


def _ko_bracketed(line: str, cuts: list[int]) -> list[int]:
    """Drop cuts inside brackets (``식품의약국(FDA. Food and Drug Administration)``,
    ``(중국.24)``, ``(서울대 의대. 2021년 기준)``), except after a sentence-final
    syllable (``(…공개된다. 문의는 …)``)."""
    if not cuts or not _KO_OPEN_BRACKET.search(line):
        return cuts
    if not any(line.rfind(b, 0, x) > line.rfind(c, 0, x) for b, c in _KO_BRACKETS for x in cuts):
        return cuts  # no cut after an open bracket (the common case)
    spans = _ko_pairs(line, "([（［", ")]）］")
    kept = []
    for x in cuts:
        if any(o < x <= c for o, c in spans):
            j = x
            while j > 0 and (line[j - 1] in _CLOSERS or line[j - 1] in _TERMINALS):
                j -= 1
            if j == 0 or line[j - 1] not in "다요까죠":
                continue
        kept.append(x)
    return kept


def _ko_unpunctuated(line: str, cuts: list[int], protected: list[tuple[int, int]]) -> list[int]:
    """Cuts after a Korean sentence that ends without punctuation before the next one.

    ``정부는 … 발표했다 | 그러나 야당은 …``, ``…잡힐까 | 전문가들은 …``, ``…있어요 | 정부의
    설명이 …``: a word with a sentence-final ending (:func:`_ko_final`), then a
    conjunction or a subject (:func:`_ko_opens`; a bare -다 such as ``좋다``, ``하다``
    needs a conjunction, a polite ending such as ``쉬어요`` only a word that is no
    predicate: ``쉬어요 | 화요일에 다시 오세요``).  Not after the first word of a
    sentence, nor before a sentence of one word, nor after a pair of
    predicates (``좋다 나쁘다``, ``갔다 왔다``), nor inside quotation marks, brackets, an
    e-mail or URL; and the text after the cut must end as a sentence (punctuation or a
    sentence-final ending) before the next cut.
    """
    found = []
    for m in _KO_FINAL_CANDIDATE.finditer(line):
        w = _KO_WORD_START.search(line, max(0, m.end() - 30), m.end())
        if w and (w.start() == 0 or line[w.start() - 1].isspace()) and _ko_final(w.group(0)):
            found.append(w)
    if not found:
        return []
    shielded = [*protected, *_ko_pairs(line, "“‘「『(（[", "”’」』)）]")]
    out: list[int] = []
    for m in found:
        x = m.end()
        tier = _ko_final(m.group(0))
        if any(o < x <= c for o, c in shielded):
            continue
        before = [c for c in (*cuts, *out) if c < x]
        left = line[max(before, default=0) : m.start()].split()
        if not left or left[-1].endswith(",") or _ko_final(re.sub(r"^.*[^가-힣]", "", left[-1])):
            continue  # the first word of a sentence, 대표, 카만다 or 좋다 나쁘다
        if not any(_KO_ARGUMENT.search(w) and not _KO_NOT_SUBJECT.search(w) for w in left):
            continue  # no subject, topic or object before: not a clause
        opens = _ko_opens(line[x:].split(maxsplit=3)[:3], topic=m.group(0)[-1] == "까")
        if opens < (2 if tier == 1 else 0 if tier == 3 else 1):
            continue
        end = min((c for c in cuts if c > x), default=len(line))
        right = line[x:end].rstrip().rstrip(_CLOSERS)
        if len(right.split()) < 2 or not (right[-1] in _TERMINALS or _ko_final(right.split()[-1]) >= 2):
            continue
        out.append(x)
    return out


def _split_line(line: str, offset: int, lang: str) -> list[tuple[int, int]]:
    protected = _protected_spans(line)
    if lang == "ko":
        protected += _ko_date_spans(line)  # 2012. 2. 28. is no sentence end
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
            if 0 < len(inner) <= (_KO_QUOTE_MAX_CUTS if lang == "ko" else _QUOTE_MAX_CUTS):
                cuts = [x for x in cuts if not o < x <= c]
    if lang == "ko":
        # (FDA. Food and Drug Administration) is no sentence end; 발표했다 그러나 is one
        cuts = _ko_bracketed(line, cuts)
        cuts += _ko_unpunctuated(line, cuts, protected)
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
