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


# Issue 15, item 3: reported speech.  The particle after a closing quote never starts
# a sentence, whatever the quotes (straight, curly, mixed) and with or without a period
# inside them; a quotation of several sentences keeps its inner boundaries.
REPORTED_SPEECH = [
    ("그는 “끝까지 하겠다.”고 말했다. 회의는 끝났다.", ["그는 “끝까지 하겠다.”고 말했다.", "회의는 끝났다."]),
    ("그는 “끝까지 하겠다”고 말했다. 회의는 끝났다.", ["그는 “끝까지 하겠다”고 말했다.", "회의는 끝났다."]),
    ('그는 "끝까지 하겠다"고 말했다. 회의는 끝났다.', ['그는 "끝까지 하겠다"고 말했다.', "회의는 끝났다."]),
    ('그는 “끝까지 하겠다."고 말했다. 회의는 끝났다.', ['그는 “끝까지 하겠다."고 말했다.', "회의는 끝났다."]),
    (
        '“다시 해보자."라며 그가 웃었다. 모두 따라 웃었다.',
        ['“다시 해보자."라며 그가 웃었다.', "모두 따라 웃었다."],
    ),
    ("위원장은 “서두르지 않겠다.”며 자리를 떴다.", ["위원장은 “서두르지 않겠다.”며 자리를 떴다."]),
    ("위원장은 “서두르지 않겠다”라며 자리를 떴다.", ["위원장은 “서두르지 않겠다”라며 자리를 떴다."]),
    ("대변인은 “검토 중이다.”라고 답했다.", ["대변인은 “검토 중이다.”라고 답했다."]),
    (
        "그는 “포기하지 않겠다. 끝까지 하겠다”고 말했다.",
        ["그는 “포기하지 않겠다.", "끝까지 하겠다”고 말했다."],
    ),
    ("“모두 끝났다.” 그는 조용히 떠났다.", ["“모두 끝났다.”", "그는 조용히 떠났다."]),
]


@pytest.mark.parametrize(("text", "expected"), REPORTED_SPEECH)
def test_korean_reported_speech(text, expected):
    assert texts(text, "ko") == expected


def test_korean_reported_speech_without_spaces():
    # scraped text that lost its spaces: a closing quote before a particle stays, a
    # straight quote after a sentence end still opens the next sentence
    assert texts('그는 “끝까지 하겠다."고 말했다.“새 출발이다."라며 웃었다.', "ko") == [
        '그는 “끝까지 하겠다."고 말했다.',
        '“새 출발이다."라며 웃었다.',
    ]
    assert texts('회의가 끝났다."다음은 없다"고 그가 말했다.', "ko") == [
        "회의가 끝났다.",
        '"다음은 없다"고 그가 말했다.',
    ]


# Issue 15, item 2: an ellipsis inside a headline or standfirst line is no boundary;
# in a line with sentence punctuation it still ends a sentence.
ELLIPSES = [
    ("ko", '항구 도시 정전 사태…시 "복구 총력"', ['항구 도시 정전 사태…시 "복구 총력"']),
    ("ko", '항구 도시 정전 사태… 시 "복구 총력"', ['항구 도시 정전 사태… 시 "복구 총력"']),
    ("ko", "항구 도시 정전 사태... 시 복구 총력", ["항구 도시 정전 사태... 시 복구 총력"]),
    ("ko", "전력 수급 비상… 공장 가동 중단… 주민 불편", ["전력 수급 비상… 공장 가동 중단… 주민 불편"]),
    ("ko", "그는 잠시 멈췄다… 그리고 다시 걸었다.", ["그는 잠시 멈췄다…", "그리고 다시 걸었다."]),
    # a body line cut off mid-sentence is no headline: it has a sentence end inside
    (
        "ko",
        "비가 그쳤어요... 오늘은 산책을 했어요. 내일은 아마",
        ["비가 그쳤어요...", "오늘은 산책을 했어요.", "내일은 아마"],
    ),
    ("en", "The talks stalled… then resumed.", ["The talks stalled… then resumed."]),
    ("en", "The talks stalled... then resumed.", ["The talks stalled... then resumed."]),
    ("en", "The talks stalled…Then they resumed.", ["The talks stalled…Then they resumed."]),
    (
        "en",
        "Harbour city loses power… Mayor vows quick repairs",
        ["Harbour city loses power… Mayor vows quick repairs"],
    ),
    ("en", "He paused… Then he went on.", ["He paused…", "Then he went on."]),
    ("en", "He paused... Then he went on. She was", ["He paused...", "Then he went on.", "She was"]),
]


@pytest.mark.parametrize(("lang", "text", "expected"), ELLIPSES)
def test_ellipsis_in_headlines(lang, text, expected):
    assert texts(text, lang) == expected


# Issue 15, item 1: a subhead glued to the first body sentence on the same line.
SUBHEADS = [
    (
        '항구 도시 정전 사태…시 "복구 총력" 해양시는 4일 전력 복구에 인력을 모두 투입했다고 밝혔다.',
        ['항구 도시 정전 사태…시 "복구 총력"', "해양시는 4일 전력 복구에 인력을 모두 투입했다고 밝혔다."],
    ),
    (
        "항구 도시 정전 사태… 복구 착수 해양시 전력공사는 지난달 설비 점검을 마쳤다. 원인은 아직 모른다.",
        [
            "항구 도시 정전 사태… 복구 착수",
            "해양시 전력공사는 지난달 설비 점검을 마쳤다.",
            "원인은 아직 모른다.",
        ],
    ),
    (
        "교육청, 급식 단가 인상 검토 해양시교육청은 지난 4일 급식 단가 인상안을 공개했다.",
        ["교육청, 급식 단가 인상 검토", "해양시교육청은 지난 4일 급식 단가 인상안을 공개했다."],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SUBHEADS)
def test_korean_subhead_glued_to_body(text, expected):
    segs = split_sentences(text, "ko")
    assert [s.text for s in segs] == expected
    for s in segs:
        assert text[s.start : s.end] == s.text


@pytest.mark.parametrize(
    "text",
    [
        # no headline mark: a compound noun before the subject (추진 기획단은) is common
        "급식 단가 인상 추진 기획단은 4일 첫 회의를 열었다.",
        "해양시 전력공사 설비 점검반은 지난달 보고서를 냈다.",
        # a headline mark but no date after the subject
        '항구 도시 정전 사태…시 "복구 총력" 해양시는 전력 복구에 인력을 모두 투입했다.',
        # the head is too long to be a subhead
        '항구 도시 전역의 정전 사흘째 이어져 시민 불편 나날이 가중 "복구 총력" 해양시는 4일 대책을 내놨다.',
        # an ellipsis in the head, but it ends in none of the marks: where would the body start?
        "항구 도시 정전 사태…복구 지연 해양시 전력공사는 지난달 설비 점검을 마쳤다.",
        # the head has a sentence end of its own: ordinary sentence rules apply
        '그는 "복구 총력"이라고 썼고 해양시는 4일 인력을 투입했다.',
        # no sentence-final ending: a headline line, not a subhead and a body
        '항구 도시 정전 사태…시 "복구 총력" 해양시는 4일 총력전',
    ],
)
def test_korean_subhead_needs_strong_evidence(text):
    assert texts(text, "ko") == [text]
