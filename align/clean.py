"""Removing page furniture from scraped articles (first version: line rules).

Whole lines that are navigation (``Go to contents``, ``한국어``), edition-switch menus
(``English | 日本語 | 中文``), datelines and timestamps (``Posted February. 28, 2012
01:46,``, ``• 입력 2008년 4월 11일 02시 59분``, a dateline carrying the byline and
e-mail), bare e-mail addresses or bylines, comment/view/subscribe counters (``댓글 0``,
``구독``), board headers (``작성일 : 11-08-24 10:28``), a related-articles header with
the short headline lines under it, copyright notices, or the second copy of a headline
are blanked out.  Blanking keeps every other character at its offset, and a blanked line
acts as a paragraph break, so furniture is never glued onto a sentence.
"""

from __future__ import annotations

import re

__all__ = ["clean_text", "furniture_lines"]

_NAV = re.compile(
    r"^(?:go to (?:contents|top|main)|skip to (?:content|main content)|menu|home|search|"
    r"share|print|close|top|korean|english|japanese|chinese|한국어|english edition|"
    r"본문 바로가기|메뉴|검색|닫기|공유하기|인쇄|목록|이전|다음|기사목록|"
    r"日本語|中文|中文\(简体\)|中文\(繁體\)|français|español|deutsch)\s*$",
    re.IGNORECASE,
)
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_EMAILS_ONLY = re.compile(rf"^(?:\s*(?:[\w가-힣 ]{{0,20}}\s)?{_EMAIL}[\s,;/]*)+$")
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_BULLET = r"(?:[•·▶►■□◆◇○●※*-]\s*)?"
"""A list mark some pages put before a timestamp (``• 입력 2008년 4월 11일``)."""
_TIMESTAMP = re.compile(
    rf"^{_BULLET}(?:posted|updated|published|modified|last updated|date|입력|수정|승인|등록|기사입력|최종수정"
    rf"|작성일|등록일|게재일|발행일)"
    rf"\s*:?\s*(?:on\s+)?(?:{_MONTHS}|\d{{4}}\s*년|\d{{4}}[-./]|\d{{1,2}}[-./ ]).{{0,40}}$",
    re.IGNORECASE,
)
_DATE = rf"(?:{_MONTHS}\s*\d{{1,2}},?\s*\d{{4}}|\d{{4}}[-./]\d{{1,2}}[-./]\d{{1,2}}\.?|\d{{4}}\s*년\s*\d{{1,2}}\s*월\s*\d{{1,2}}\s*일)"
_CLOCK = r"(?:\s*\d{1,2}(?::\d{2}(?::\d{2})?|\s*시\s*\d{1,2}\s*분)(?:\s*[ap]\.?m\.?)?)?"
_DATE_ONLY = re.compile(rf"^{_BULLET}{_DATE}{_CLOCK}[\s,.]*$", re.IGNORECASE)
_DATE_BYLINE = re.compile(
    rf"^{_BULLET}{_DATE}{_CLOCK}[\s,.]*(?:by\s+[^@]{{2,60}}?)?[\s,.]*(?:{_EMAIL}[\s,.]*)*$", re.IGNORECASE
)
"""A dateline that carries the byline and e-mail: ``March. 20, 2023 07:48. by Jane Kim jane@x.com.``"""
_COUNTER = re.compile(
    r"^(?:댓글|코멘트|조회|조회수|추천|공감|좋아요|스크랩|구독|구독하기|공유|"
    r"comments?|views?|likes?|shares?|subscribe|reply|replies)\s*(?:[:：]\s*)?\(?[\d,]*\)?\s*$",
    re.IGNORECASE,
)
"""Comment, view and subscribe counters and buttons (``댓글 0``, ``조회 : 2,703``, ``구독``)."""
_BOARD = re.compile(
    r"^(?:작성자|글쓴이|작성일|등록일|조회|조회수|추천수|분류|posted by|author|views)\s*[:：]\s*\S.{0,40}$",
    re.IGNORECASE,
)
"""Board and blog post headers (``작성일 : 11-08-24 10:28``, ``조회 : 2,703``)."""
_RELATED = re.compile(
    r"^[\s▼▲▶◆■□◇●○\[【<(]*(?:관련\s*기사|관련\s*뉴스|이\s*시각\s*주요\s*뉴스|많이\s*본\s*기사|"
    r"related (?:articles?|stories|news|links)|more (?:stories|news)|read more|see also)"
    r"[\s▼▲◀◆■□◇●○\]】>):]*$",
    re.IGNORECASE,
)
"""The header of a related-articles block; the short headline lines under it go too."""
_TERMINAL = re.compile(r"[.!?。…]['\"’”)\]]*$|다$|요$")
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b|ⓒ|저작권자|무단\s*전재).{0,120}$", re.IGNORECASE)
_KO_BYLINE = re.compile(r"^[가-힣]{2,4}\s?(?:기자|특파원|논설위원|선임기자)(?:\s+" + _EMAIL + r")?\s*$")
_EN_BYLINE = re.compile(
    r"^[Bb]y\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}(?:,?\s+[Ss]taff [Ww]riter|,?\s+[Ss]taff [Rr]eporter|,?\s+[Cc]orrespondent)?\s*$"
)


def _is_menu(s: str) -> bool:
    """An edition-switch or section menu: three or more short items between ``|`` bars."""
    items = [x.strip() for x in s.split("|")]
    items = [x for x in items if x]
    return len(items) >= 3 and all(len(x) <= 30 and len(x.split()) <= 4 for x in items)


def _is_furniture(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    return bool(
        _NAV.match(s)
        or _EMAILS_ONLY.match(s)
        or _TIMESTAMP.match(s)
        or _DATE_ONLY.match(s)
        or _DATE_BYLINE.match(s)
        or _COPYRIGHT.match(s)
        or _KO_BYLINE.match(s)
        or _EN_BYLINE.match(s)
        or _COUNTER.match(s)
        or _BOARD.match(s)
        or _is_menu(s)
    )


def _headline_like(s: str) -> bool:
    """A short line without sentence-final punctuation: a linked headline, not a sentence."""
    return len(s) <= 80 and not _TERMINAL.search(s)


_RELATED_MAX = 10
"""Most headline lines dropped under one related-articles header."""


def furniture_lines(text: str) -> list[int]:
    """0-based indices of the lines that ``clean_text`` blanks out."""
    lines = text.split("\n")
    out = []
    last_content: str | None = None
    related = 0  # headline lines still to drop under a related-articles header
    for k, line in enumerate(lines):
        s = " ".join(line.split())
        if not s:
            related = 0  # the block ends at a blank line
            continue
        if _RELATED.match(s):
            out.append(k)
            related = _RELATED_MAX
            continue
        if related and _headline_like(s):
            out.append(k)
            related -= 1
            continue
        related = 0
        if _is_furniture(line) or (s == last_content):
            out.append(k)
            continue
        last_content = s
    return out


def clean_text(text: str) -> tuple[str, int]:
    """Blank out furniture lines; return the new text and the number of lines removed."""
    drop = set(furniture_lines(text))
    if not drop:
        return text, 0
    lines = text.split("\n")
    for k in drop:
        lines[k] = " " * len(lines[k])
    return "\n".join(lines), len(drop)
