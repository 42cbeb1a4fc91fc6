import pytest

from align.segment import split_lines, split_sentences


def texts(text: str, lang: str) -> list[str]:
    return [s.text for s in split_sentences(text, lang)]


def test_english_basic_and_abbreviations():
    text = (
        "Lt. Gen. Park met Mr. Smith in the U.S. capital on Feb. 28 at 3 p.m. local time. "
        "He said the plan No. 3 would cost $3.5 billion. Did it work? Yes!"
    )
    assert texts(text, "en") == [
        "Lt. Gen. Park met Mr. Smith in the U.S. capital on Feb. 28 at 3 p.m. local time.",
        "He said the plan No. 3 would cost $3.5 billion.",
        "Did it work?",
        "Yes!",
    ]


def test_english_initials_emails_urls_and_quotes():
    text = (
        'J. K. Rowling wrote to info@example.com. Visit www.example.com/a.b for more. "It is done." She left.'
    )
    assert texts(text, "en") == [
        "J. K. Rowling wrote to info@example.com.",
        "Visit www.example.com/a.b for more.",
        '"It is done."',
        "She left.",
    ]


def test_english_lowercase_continuation_does_not_split():
    assert texts("The rate was 2.5 vs. 3.0 last year. the end", "en") == [
        "The rate was 2.5 vs. 3.0 last year. the end"
    ]


def test_korean_rules():
    text = (
        "정부는 3.5% 성장을 예상했다. 그러나 전망은 불확실하다.그래도 기대가 크다. "
        '그는 "내일 간다."라고 말했다. U.S.는 동의했나요? 네, 그렇습니다.'
    )
    assert texts(text, "ko") == [
        "정부는 3.5% 성장을 예상했다.",
        "그러나 전망은 불확실하다.",
        "그래도 기대가 크다.",
        '그는 "내일 간다."라고 말했다.',
        "U.S.는 동의했나요?",
        "네, 그렇습니다.",
    ]


def test_korean_closing_quote_then_particle_with_space():
    assert texts("바스는 “가장 수월하다.” 고 말했다. 다음 문장이다.", "ko") == [
        "바스는 “가장 수월하다.” 고 말했다.",
        "다음 문장이다.",
    ]


def test_paragraphs_offsets_and_lines():
    text = "Title line\n\nFirst one. Second one.\nThird one.\n\n\nFourth."
    segs = split_sentences(text, "en")
    assert [s.text for s in segs] == ["Title line", "First one.", "Second one.", "Third one.", "Fourth."]
    assert [s.paragraph for s in segs] == [0, 1, 1, 1, 2]
    assert [s.line for s in segs] == [1, 3, 3, 4, 7]
    for s in segs:
        assert text[s.start : s.end] == s.text


def test_split_lines_keeps_line_numbers():
    segs = split_lines("a\n\n b \n")
    assert [(s.text, s.line) for s in segs] == [("a", 1), ("", 2), ("b", 3)]


# Hand-written hard cases, one per category, each asserting the exact split.
HARD_CASES = [
    ("ko", "비가 왔어요. 그래서 집에 있었어요.", ["비가 왔어요.", "그래서 집에 있었어요."]),
    ("ko", "정말 갈 거예요? 네, 갈 거예요! 좋네요.", ["정말 갈 거예요?", "네, 갈 거예요!", "좋네요."]),
    ("ko", "그는 “모두 끝났다.” 그리고 떠났다.", ["그는 “모두 끝났다.”", "그리고 떠났다."]),
    (
        "ko",
        '그는 "모두 끝났다"라고 말했다. 다음 날 떠났다.',
        ['그는 "모두 끝났다"라고 말했다.', "다음 날 떠났다."],
    ),
    (
        "ko",
        '그는 "이제 시작이다."며 웃었다. 모두 박수를 쳤다.',
        ['그는 "이제 시작이다."며 웃었다.', "모두 박수를 쳤다."],
    ),
    ("ko", "그는 “이제 시작이다.”고 말했다.", ["그는 “이제 시작이다.”고 말했다."]),
    ("ko", "회의가 끝났다.그러나 결론은 없었다.", ["회의가 끝났다.", "그러나 결론은 없었다."]),
    ("ko", "성장률은 3.5%였다. 작년은 2.1%였다.", ["성장률은 3.5%였다.", "작년은 2.1%였다."]),
    ("ko", "그는 잠시 멈췄다... 그리고 다시 걸었다.", ["그는 잠시 멈췄다...", "그리고 다시 걸었다."]),
    ("ko", "그는 말을 잇지 못했다… 모두 조용했다.", ["그는 말을 잇지 못했다…", "모두 조용했다."]),
    (
        "ko",
        "U.S. 국무부는 Mr. Kim을 만났다고 밝혔다. 회담은 길었다.",
        ["U.S. 국무부는 Mr. Kim을 만났다고 밝혔다.", "회담은 길었다."],
    ),
    (
        "ko",
        "문의는 info@example.co.kr 또는 www.example.com/a.html로 하면 된다. 답변은 빠르다.",
        ["문의는 info@example.co.kr 또는 www.example.com/a.html로 하면 된다.", "답변은 빠르다."],
    ),
    (
        "ko",
        "서울대(Seoul National Univ.)가 발표했다. 결과는 좋았다.",
        ["서울대(Seoul National Univ.)가 발표했다.", "결과는 좋았다."],
    ),
    (
        "ko",
        "그는 한국개발연구원(KDI)에서 일한다(2019년 기준). 지금은 은퇴했다.",
        ["그는 한국개발연구원(KDI)에서 일한다(2019년 기준).", "지금은 은퇴했다."],
    ),
    ("en", "Lt. Gen. Park arrived. Gen. Lee left.", ["Lt. Gen. Park arrived.", "Gen. Lee left."]),
    (
        "en",
        "It happened on Feb. 28 in Seoul. The vote was on Sept. 3, 2011.",
        ["It happened on Feb. 28 in Seoul.", "The vote was on Sept. 3, 2011."],
    ),
    (
        "en",
        "He ranked No. 3 in the world. It was a surprise.",
        ["He ranked No. 3 in the world.", "It was a surprise."],
    ),
    (
        "en",
        "George W. Bush met J. R. R. Tolkien fans. They cheered.",
        ["George W. Bush met J. R. R. Tolkien fans.", "They cheered."],
    ),
    (
        "en",
        "The U.S. and S.Korea agreed. The U.N. welcomed it.",
        ["The U.S. and S.Korea agreed.", "The U.N. welcomed it."],
    ),
    (
        "en",
        "He moved to the U.S. He then worked in New York.",
        ["He moved to the U.S.", "He then worked in New York."],
    ),
    ("en", '"We will win," he said. "Nobody doubts it."', ['"We will win," he said.', '"Nobody doubts it."']),
    ("en", "He asked, “Is it over?” She nodded.", ["He asked, “Is it over?”", "She nodded."]),
    (
        "en",
        "Prices rose 3.5 percent. Wages rose 2.1 percent.",
        ["Prices rose 3.5 percent.", "Wages rose 2.1 percent."],
    ),
    (
        "en",
        "Write to jane.doe@example.com. She replies fast.",
        ["Write to jane.doe@example.com.", "She replies fast."],
    ),
    (
        "en",
        "See https://example.com/a.b?x=1. It has details.",
        ["See https://example.com/a.b?x=1.", "It has details."],
    ),
    ("en", "He paused... Then he went on.", ["He paused...", "Then he went on."]),
    ("en", "It was late... but they kept going.", ["It was late... but they kept going."]),
    (
        "en",
        "China urges S.Korea not to make defectors` plight int`l issue",
        ["China urges S.Korea not to make defectors` plight int`l issue"],
    ),
    ("en", "Posted February. 28, 2012 01:46,", ["Posted February. 28, 2012 01:46,"]),
    (
        "en",
        "Mr. and Mrs. Smith met Dr. Jones at 5 p.m. on Monday. They talked.",
        ["Mr. and Mrs. Smith met Dr. Jones at 5 p.m. on Monday.", "They talked."],
    ),
    (
        "en",
        "The company, Acme Inc., grew. Its rival did not.",
        ["The company, Acme Inc., grew.", "Its rival did not."],
    ),
]


@pytest.mark.parametrize(("lang", "text", "expected"), HARD_CASES)
def test_hard_cases(lang, text, expected):
    assert texts(text, lang) == expected


def test_korean_no_space_variants():
    text = '외국 정부의 입장도 분명하지 않습니다."클리퍼 칩"이라는 모델도 그렇다.이 여성용 약은 없을까?조앤은 궁금했다.'
    assert texts(text, "ko") == [
        "외국 정부의 입장도 분명하지 않습니다.",
        '"클리퍼 칩"이라는 모델도 그렇다.',
        "이 여성용 약은 없을까?",
        "조앤은 궁금했다.",
    ]


def test_unknown_language_uses_generic_rules():
    assert texts("Das ist gut. Wir gehen jetzt! Kommst du?", "de") == [
        "Das ist gut.",
        "Wir gehen jetzt!",
        "Kommst du?",
    ]
