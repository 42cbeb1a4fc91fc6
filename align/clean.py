"""Removing page furniture from scraped articles (first version: line rules).

Whole lines that are navigation (``Go to contents``, ``한국어``), datelines and
timestamps (``Posted February. 28, 2012 01:46,``, ``입력 2012-02-28 01:46``), bare
e-mail addresses or bylines, copyright notices, or the second copy of a headline are
blanked out.  Blanking keeps every other character at its offset, and a blanked line
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
_TIMESTAMP = re.compile(
    rf"^(?:posted|updated|published|modified|last updated|date|입력|수정|승인|등록|기사입력|최종수정)"
    rf"\s*:?\s*(?:on\s+)?(?:{_MONTHS}|\d{{4}}[-./]|\d{{1,2}}[-./ ]).{{0,40}}$",
    re.IGNORECASE,
)
_DATE_ONLY = re.compile(
    rf"^(?:{_MONTHS}\s*\d{{1,2}},?\s*\d{{4}}|\d{{4}}[-./]\d{{1,2}}[-./]\d{{1,2}}\.?)"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?)?[\s,]*$",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b|ⓒ|저작권자|무단\s*전재).{0,120}$", re.IGNORECASE)
_KO_BYLINE = re.compile(r"^[가-힣]{2,4}\s?(?:기자|특파원|논설위원|선임기자)(?:\s+" + _EMAIL + r")?\s*$")
_EN_BYLINE = re.compile(
    r"^[Bb]y\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}(?:,?\s+[Ss]taff [Ww]riter|,?\s+[Ss]taff [Rr]eporter|,?\s+[Cc]orrespondent)?\s*$"
)


def _is_furniture(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    return bool(
        _NAV.match(s)
        or _EMAILS_ONLY.match(s)
        or _TIMESTAMP.match(s)
        or _DATE_ONLY.match(s)
        or _COPYRIGHT.match(s)
        or _KO_BYLINE.match(s)
        or _EN_BYLINE.match(s)
    )


def furniture_lines(text: str) -> list[int]:
    """0-based indices of the lines that ``clean_text`` blanks out."""
    lines = text.split("\n")
    out = []
    last_content: str | None = None
    for k, line in enumerate(lines):
        s = " ".join(line.split())
        if not s:
            continue
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
