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

from .unicode import HAN_KANA, HANGUL, count

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
    rf"|작성일|등록일|게재일|발행일|최종편집일|기사최종편집일|편집일|최종편집|송고|송고시간|last modified|last edited)"
    rf"\s*:?\s*(?:on\s+)?(?:{_MONTHS}|\d{{4}}\s*년|\d{{4}}[-./]|\d{{1,2}}[-./ ]).{{0,40}}$",
    re.IGNORECASE,
)
_DATE = rf"(?:{_MONTHS}\s*\d{{1,2}},?\s*\d{{4}}|\d{{4}}[-./]\d{{1,2}}[-./]\d{{1,2}}\.?|\d{{4}}\s*년\s*\d{{1,2}}\s*월\s*\d{{1,2}}\s*일)"
_CLOCK = r"(?:\s*\d{1,2}(?::\d{2}(?::\d{2})?|\s*시\s*\d{1,2}\s*분)(?:\s*[ap]\.?m\.?)?)?"
_WEEKDAY = (
    r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday|rsday)?\.?"
    r"|[월화수목금토일](?:요일)?"
)
_DAY_NAME = rf"(?:,?\s*[(\[]?(?:{_WEEKDAY})[)\]]?(?![a-z가-힣]))?"
"""A weekday after a date, spaced or not (``2018년11월21일wed``, ``2024.03.02 (토)``)."""
_DATE_ONLY = re.compile(
    rf"^{_BULLET}(?:(?:{_WEEKDAY}),?\s*)?{_DATE}{_DAY_NAME}{_CLOCK}[\s,.]*$", re.IGNORECASE
)
_LABEL_DATE = re.compile(
    rf"^{_BULLET}(?:[^\W\d_]+\s+){{1,2}}(?:\d{{1,2}}:\d{{2}}\s+)?{_DATE}{_DAY_NAME}{_CLOCK}[\s,.]*$",
    re.IGNORECASE,
)
"""A site or section name with a date, clock first or last (``All News 11:04 June 06, 2019``,
``• 데일리예시 2024-05-01``): at most two words before the date, nothing after it."""
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

_NAV_WORDS = (
    r"home|홈|홈으로|뉴스홈|about(?: us)?|contact(?: us)?|subscribe|newsletters?|sign (?:in|up|out)|log ?(?:in|out)"
    r"|register|my page|search|menu|main menu|print|e-?mail|share|font size|text size|dictionary|sitemap|site map"
    r"|rss|language|select language|other languages:?|donate(?: now)?(?: »)?"
    r"|(?:go|skip|jump) to (?:the )?(?:contents?|navigation|top|main(?: content)?|menu|search)"
    r"|회사소개|시작페이지로|즐겨찾기(?:추가)?|설문조사|시민기자(?:신청)?|기사제보|제보하기|로그인|로그아웃|회원가입|마이페이지"
    r"|사이트맵|전체메뉴|메인메뉴|주메뉴|메뉴|검색|본문|바로가기|콘텐츠 영역|언어선택|글자\s?크기|글자\s?(?:크게|작게)"
    r"|기사내용|(?:이)?메일\s?보내기|(?:뉴스\s?)?(?:프린트|스크랩|인쇄)(?:하기)?|목록|구독하기|퍼가기|url\s?복사"
    r"|(?:페이스북|트위터|카카오톡|카카오스토리|밴드|네이버\s?블로그|facebook|twitter|kakao(?:talk|story)?)"
    r"(?:\s?(?:공유하기|공유|보내기|share))?|공유하기"
)
_NAV_LINE = re.compile(rf"^{_BULLET}(?:{_NAV_WORDS})(?:[\s|/·•]+(?:{_NAV_WORDS}))*$", re.IGNORECASE)
"""A menu or button row made only of navigation words, without bars between them
(``HOME 회사소개 즐겨찾기추가``, ``로그인 회원가입``, ``Go to Contents Go to Navigation``)."""
_SECTION_LABEL = re.compile(
    r"^(?:top stories|top news|latest news|most read|most popular|editor'?s picks|date|"
    r"주요\s?뉴스|최신\s?뉴스|많이\s?본\s?뉴스|인기\s?기사|날짜)\s*:?$",
    re.IGNORECASE,
)
_READING_TIME = re.compile(r"^\d{1,3}\s*(?:min(?:ute)?s?\.?\s+read|분\s*(?:읽기|분량))$", re.IGNORECASE)
"""``22 MINUTE READ``, ``5 min read``, ``3분 읽기``."""
_CRUMB_HOME = re.compile(r"^(?:home|홈|뉴스홈|news|뉴스|메인)$", re.IGNORECASE)
_CATEGORIES = re.compile(
    r"^(?:categories|category|tags?|filed under|topics?|sections?|카테고리|태그)\s*[:：]\s*(?P<items>.{0,300})$",
    re.IGNORECASE,
)
_BRACKET_ONLY = re.compile(r"^[\[【]\s*[^\[\]【】:：]{0,30}?\s*[\]】]$")
"""A bracketed tag alone on a line (``[YONHAP]``, ``[As prepared for delivery]``, ``[…]``);
an editorial note with a colon (``[Update: ...]``) is body text."""
_STAFF_BYLINE = re.compile(
    r"^(?:[A-Z][\w.&-]*\s+){0,2}(?:[Ss]taff|STAFF)(?: [Ww]riters?| [Rr]eporters?)?$"
    r"|^[가-힣]{1,8}\s?(?:스태프|편집부|취재팀|뉴스팀)$"
)
"""A desk byline (``FORUM Staff``, ``예시 스태프``, ``온라인 뉴스팀``)."""
_CREDIT = re.compile(
    r"^(?:photos?|images?|pictures?|videos?|illustrations?|graphics?|screen\s?(?:shots?|caps?)|source|courtesy|credits?"
    r"|사진|이미지|영상|동영상|그래픽|일러스트|자료|출처)"
    r"(?:\s*(?:제공|출처|credits?|courtesy))?\s*[:：/]\s*\S.{0,80}$"
    r"|^(?:photos?|images?|pictures?|videos?)\s+(?:by|courtesy of)\s+(?-i:[A-Z][\w.&'-]*\s*){1,5}$",
    re.IGNORECASE,
)
"""Photo and video credits: a label with a colon or slash (``Photo: City Archive``,
``사진 제공: 예시시청``, ``사진/공동취재단``), or ``Photos by`` and a capitalised name."""
_SEPARATOR = re.compile(r"^([-=_*~#])\1{2,}$")
"""A rule drawn with one repeated mark (``-----``, ``=====``); dots are an ellipsis, not a rule."""
_GOV_BANNER = re.compile(
    r"^an official website of the [\w -]{2,60}? government$|^.{0,20}누리집은 대한민국 공식 전자정부 누리집입니다\.?$",
    re.IGNORECASE,
)
"""The banner every government site of a country carries (US ``.gov``, Korean ``.go.kr``)."""
_SITE_URL = re.compile(r"^[-–—|\s]*(?:[^\s.!?][^.!?]{0,40}?\s*[-–—|]\s*)?(?:https?://|www\.)\S+?[-–—|\s]*$")
"""A print-view header: the site name beside its address (``- Example Voices - https://x.org -``)."""


def _is_breadcrumb(s: str) -> bool:
    """``Home > Section > Subsection``: three or more short items between ``>``, or two after a home link."""
    if not any(mark in s for mark in ">›»"):
        return False
    items = [x.strip() for x in re.split(r"\s[>›»]\s|\s?[>›»]\s?(?=\S)", s)]
    if len(items) < 2 or any(
        not x or len(x) > 25 or len(x.split()) > 3 or _TERMINAL.search(x) for x in items
    ):
        return False
    if any("," in x or "<" in x for x in items):
        return False
    return len(items) >= 3 or bool(_CRUMB_HOME.match(items[0]))


def _is_categories(s: str) -> bool:
    m = _CATEGORIES.match(s)
    if not m:
        return False
    items = [x.strip() for x in m.group("items").split(",")]
    return all(len(x.split()) <= 4 and not _TERMINAL.search(x) for x in items if x)


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
        or _LABEL_DATE.match(s)
        or _NAV_LINE.match(s)
        or _SECTION_LABEL.match(s)
        or _READING_TIME.match(s)
        or _BRACKET_ONLY.match(s)
        or _STAFF_BYLINE.match(s)
        or _CREDIT.match(s)
        or _SEPARATOR.match(s)
        or _GOV_BANNER.match(s)
        or _SITE_URL.match(s)
        or _is_breadcrumb(s)
        or _is_categories(s)
    )


def _headline_like(s: str) -> bool:
    """A short line without sentence-final punctuation: a linked headline, not a sentence."""
    return len(s) <= 80 and not _TERMINAL.search(s)


_RELATED_MAX = 10
"""Most headline lines dropped under one related-articles header."""


_TITLE_TOP = 8
"""A page-title line is one of the first content lines ..."""
_TITLE_SPAN = 20
"""... and the headline it repeats comes within this many content lines of the top."""
_TITLE_SEP = " \t:|-–—>»·•/"


def _title_like(s: str) -> bool:
    """A headline a page title can repeat: two or more words, no sentence-final mark."""
    return 10 <= len(s) <= 200 and len(s.split()) >= 2 and not _TERMINAL.search(s)


def _title_copy(line: str, headline: str) -> bool:
    """``line`` is the page title of ``headline``: the headline with a short site or section name
    before or after it (``Example News : Headline``, ``Headline - Example News``)."""
    if line.startswith(headline):
        rest = line[len(headline) :]
    elif line.endswith(headline):
        rest = line[: -len(headline)]
    else:
        return False
    if not rest or rest[0 if line.startswith(headline) else -1] not in _TITLE_SEP:
        return False  # the headline must end at a separator, not inside a word
    rest = rest.strip(_TITLE_SEP)
    return 0 < len(rest) <= 30 and len(rest.split()) <= 4 and not _TERMINAL.search(rest)


def _page_titles(lines: list[str]) -> set[int]:
    """Browser page-title lines at the top of a page (``Site : Headline``, ``Headline - Site``) whose
    headline comes again a few lines later, and plain repeats of a headline there: repeated page
    titles count once.  A decorated title goes, the bare headline stays; of plain repeats the first
    copy stays."""
    content = [(k, " ".join(x.split())) for k, x in enumerate(lines) if x.strip()][:_TITLE_SPAN]
    out = set()
    for a, (k, s) in enumerate(content[:_TITLE_TOP]):
        if k in out or _is_furniture(s):
            continue
        for j, t in content[a + 1 :]:
            if not _title_like(t):
                continue
            if s == t:
                out.add(j)  # a plain repeat: the first copy stays, as for a repeat right below it
            elif _title_copy(s, t):
                out.add(k)
                break
    return out


def furniture_lines(text: str, lang: str | None = None) -> list[int]:
    """0-based indices of the lines that ``clean_text`` blanks out.

    With ``lang`` other than Korean, a line written in Korean (mostly Hangul, at least
    ``FOREIGN_MIN_HANGUL`` letters) is furniture too: on an English edition it is a
    site banner or a language menu, not the English text.  With ``lang`` other than
    Chinese or Japanese, so is a line written in Chinese or Japanese (mostly Han
    characters or kana, at least as many): a post quoted in its original language,
    which neither edition translates.
    """
    lines = text.split("\n")
    code = lang.lower().split("-")[0].split("_")[0] if lang else None
    foreign = code is not None and code != "ko"
    han = code is not None and code not in ("zh", "ja")
    titles = _page_titles(lines)
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
        if (
            k in titles
            or _is_furniture(line)
            or (s == last_content)
            or (foreign and _korean_line(s))
            or (han and _han_line(s))
        ):
            out.append(k)
            continue
        last_content = s
    return out


FOREIGN_MIN_HANGUL = 10
"""Hangul letters a line needs before it counts as written in Korean (:func:`furniture_lines`)."""


def _korean_line(line: str) -> bool:
    return _mostly(count(HANGUL, line), line)


def _han_line(line: str) -> bool:
    return _mostly(count(HAN_KANA, line), line)


def _mostly(script: int, line: str) -> bool:
    """``script`` letters (of one script) are at least ``FOREIGN_MIN_HANGUL`` and over
    half of the line's letters (counted only then: most lines have none)."""
    return script >= FOREIGN_MIN_HANGUL and script > 0.5 * sum(1 for c in line if c.isalpha())


def clean_text(text: str, lang: str | None = None) -> tuple[str, int]:
    """Blank out furniture lines; return the new text and the number of lines removed
    (``lang``: the text's language, see :func:`furniture_lines`)."""
    drop = set(furniture_lines(text, lang))
    if not drop:
        return text, 0
    lines = text.split("\n")
    for k in drop:
        lines[k] = " " * len(lines[k])
    return "\n".join(lines), len(drop)
