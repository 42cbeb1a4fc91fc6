"""One notion of "Korean letters" across splitting, cleaning and the pair flags."""

from align.clean import furniture_lines
from align.features import FEATURES, PairContext, flags_for
from align.segment import hangul_share

JAMO = "ㅋㅋㅋㅋㅋ ㅎㅎㅎㅎㅎ ㅠㅠ"  # compatibility jamo only, no syllables
SYLLABLES = "정말 재미있는 기사였습니다 감사합니다"


def _flags(tgt: str) -> list[str]:
    ctx = PairContext("Thanks, that was fun to read.", tgt, 1, 1, 0.5, 0.2, 0.0, "ko")
    return flags_for(ctx, {f.name: f(ctx) for f in FEATURES})


def test_jamo_count_as_hangul_everywhere():
    assert hangul_share(JAMO) == 1.0
    assert "untranslated" not in _flags(JAMO)  # the Korean side has Hangul
    text = f"An English headline\n{JAMO}\nThe first sentence of the story."
    assert furniture_lines(text, "en") == [1]  # a Korean line on the English side


def test_syllables_count_the_same_way():
    assert hangul_share(SYLLABLES) == 1.0
    assert "untranslated" not in _flags(SYLLABLES)
    assert furniture_lines(f"A headline\n{SYLLABLES}\nBody text here.", "en") == [1]
    assert "untranslated" in _flags("Thanks, that was fun to read!")
