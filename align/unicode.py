"""The writing systems align tells apart, as character classes (one home for each).

``HANGUL`` is every Hangul letter: syllables, conjoining jamo and compatibility jamo
(``ㅋㅋ`` counts as Korean, as the splitter and the flags need).  ``HAN_KANA`` is Chinese
characters and Japanese kana (lines in them are no part of an English or Korean edition).
"""

from __future__ import annotations

import re

__all__ = ["HANGUL", "HAN_KANA", "count"]

HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
HAN_KANA = re.compile(r"[\u4e00-\u9fff\u3040-\u30ff]")


def count(pattern: re.Pattern[str], text: str) -> int:
    """How many characters of ``text`` the class matches."""
    return len(pattern.findall(text))
