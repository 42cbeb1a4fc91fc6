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
    # a quotation that opens the sentence keeps its inner boundaries (after a subject
    # it is one sentence: see REPORTING_SENTENCES)
    (
        "“포기하지 않겠다. 끝까지 하겠다”고 그는 말했다.",
        ["“포기하지 않겠다.", "끝까지 하겠다”고 그는 말했다."],
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


def assert_offsets(text: str, lang: str) -> list[str]:
    segs = split_sentences(text, lang)
    for s in segs:
        assert text[s.start : s.end] == s.text
    return [s.text for s in segs]


# A short stage direction after a sentence end (transcripts, speeches) stays with the
# sentence before it; a parenthetical sentence or a dateline does not.
STAGE_DIRECTIONS = [
    (
        "ko",
        "바로 그 축제 방문입니다. (웃음) 다음 주에는 해양시에서 만납니다.",
        ["바로 그 축제 방문입니다. (웃음)", "다음 주에는 해양시에서 만납니다."],
    ),
    ("ko", "모두 고맙습니다. (박수) 이제 시작합니다.", ["모두 고맙습니다. (박수)", "이제 시작합니다."]),
    (
        "ko",
        "정말 놀라운 일이죠? (웃음소리)\n이제 본론입니다.",
        ["정말 놀라운 일이죠? (웃음소리)", "이제 본론입니다."],
    ),
    ("ko", "끝까지 함께합시다. (일동 박수)", ["끝까지 함께합시다. (일동 박수)"]),
    (
        "en",
        "That was the Brightvale visit. (Laughter) Next week we meet again.",
        ["That was the Brightvale visit. (Laughter)", "Next week we meet again."],
    ),
    ("en", "Thank you all. (Applause)", ["Thank you all. (Applause)"]),
    ("en", "I told him so. (laughs) He agreed.", ["I told him so. (laughs)", "He agreed."]),
    ("en", "We won the cup. [Laughter] So did they.", ["We won the cup. [Laughter]", "So did they."]),
    ("en", "We won the cup. (Laughter.) So did they.", ["We won the cup. (Laughter.)", "So did they."]),
    # not stage directions: a sentence in brackets, a long aside, an agency credit, a
    # dateline that opens the next sentence
    (
        "en",
        "The talks failed. (The ministry declined to comment.) They resume in May.",
        ["The talks failed.", "(The ministry declined to comment.)", "They resume in May."],
    ),
    (
        "en",
        "The talks failed. (four short plain words) They resume in May.",
        ["The talks failed.", "(four short plain words) They resume in May."],
    ),
    (
        "en",
        "The talks failed. (AP) The ministry said so.",
        ["The talks failed.", "(AP) The ministry said so."],
    ),
    (
        "ko",
        "회의가 끝났다. (해양시=한빛뉴스) 시청은 3일 대책을 내놨다.",
        ["회의가 끝났다.", "(해양시=한빛뉴스) 시청은 3일 대책을 내놨다."],
    ),
    (
        "ko",
        "(해양시=한빛뉴스) 시청은 3일 대책을 내놨다. 반응은 엇갈렸다.",
        ["(해양시=한빛뉴스) 시청은 3일 대책을 내놨다.", "반응은 엇갈렸다."],
    ),
    # a parenthesis inside or at the start of a sentence is untouched
    ("ko", "(웃음) 다음 주에는 만납니다.", ["(웃음) 다음 주에는 만납니다."]),
]


@pytest.mark.parametrize(("lang", "text", "expected"), STAGE_DIRECTIONS)
def test_stage_direction_stays_with_its_sentence(lang, text, expected):
    assert assert_offsets(text, lang) == expected


# A piece with no letter or digit is no sentence of its own: it joins the one before
# it (or the next one at the start of a line).
BARE_PIECES = [
    ("ko", "그는 떠날 수 있어요. “\n시민들은 놀랐다.", ["그는 떠날 수 있어요. “", "시민들은 놀랐다."]),
    (
        "en",
        'She may leave soon. "\nPeople were surprised.',
        ['She may leave soon. "', "People were surprised."],
    ),
    (
        "en",
        "The vote was close. …\nIt ended. -\nHe left.",
        ["The vote was close. …", "It ended. -", "He left."],
    ),
    ("en", "It was late… … Then it ended.", ["It was late… …", "Then it ended."]),
    ("en", "Use both hands. 💪\nRest well. 🧠", ["Use both hands. 💪", "Rest well. 🧠"]),
    ("en", "… Then it ended. He left.", ["… Then it ended.", "He left."]),
    ("en", "?! Then it ended. He left.", ["?! Then it ended.", "He left."]),
    # a line of such pieces only stays as it is
    ("en", "He left.\n… …\nShe stayed.", ["He left.", "… …", "She stayed."]),
]


@pytest.mark.parametrize(("lang", "text", "expected"), BARE_PIECES)
def test_piece_without_letters_joins_a_sentence(lang, text, expected):
    assert assert_offsets(text, lang) == expected


def test_bare_piece_offsets_and_lines():
    text = "Title\n\nFirst one. “\nSecond one. Third one.\n"
    segs = split_sentences(text, "en")
    assert [(s.text, s.start, s.end, s.paragraph, s.line) for s in segs] == [
        ("Title", 0, 5, 0, 1),
        ("First one. “", 7, 19, 1, 3),
        ("Second one.", 20, 31, 1, 4),
        ("Third one.", 32, 42, 1, 4),
    ]


# Quoted speech inside a reporting sentence: a quotation opened mid-sentence after a
# reporting word (tweeted, said, that ...) or a Korean subject, closed right before the
# sentence end or a reporting particle, is one sentence (up to three sentences quoted).
REPORTING_SENTENCES = [
    (
        "en",
        "However, Ana tweeted that ‘We are sorry about the incident. But you cannot say we cheated’.",
        ["However, Ana tweeted that ‘We are sorry about the incident. But you cannot say we cheated’."],
    ),
    (
        "en",
        "Ana tweeted ‘We can’t stop now. STOP FIGHTING . Just play :)’\nThen she logged off.",
        ["Ana tweeted ‘We can’t stop now. STOP FIGHTING . Just play :)’", "Then she logged off."],
    ),
    (
        "en",
        "Bo said “It is over. We go home.” Then he left.",
        ["Bo said “It is over. We go home.”", "Then he left."],
    ),
    (
        "en",
        'Bo wrote that "The fans were loud. Nobody cheated." Then he left.',
        ['Bo wrote that "The fans were loud. Nobody cheated."', "Then he left."],
    ),
    (
        "ko",
        "그러나 민수는 ‘우리는 그 일을 부끄럽게 생각한다. 그러나 반칙했다고 말할 수는 없다’고 말했다.",
        ["그러나 민수는 ‘우리는 그 일을 부끄럽게 생각한다. 그러나 반칙했다고 말할 수는 없다’고 말했다."],
    ),
    (
        "ko",
        "그는 “포기하지 않겠다. 끝까지 하겠다”고 말했다. 회의는 끝났다.",
        ["그는 “포기하지 않겠다. 끝까지 하겠다”고 말했다.", "회의는 끝났다."],
    ),
    (
        "ko",
        '시장이 "복구를 서두르겠다. 시민께 죄송하다."라고 밝혔다.',
        ['시장이 "복구를 서두르겠다. 시민께 죄송하다."라고 밝혔다.'],
    ),
    # a quotation standing alone still ends its sentence
    ("en", "“It is over.” He left.", ["“It is over.”", "He left."]),
    ("en", "‘We lost. We go home.’ He left.", ["‘We lost.", "We go home.’", "He left."]),
    ("ko", "“모두 끝났다. 집에 간다.” 그는 떠났다.", ["“모두 끝났다.", "집에 간다.”", "그는 떠났다."]),
    # no reporting word before the quotation, or it closes mid-sentence
    (
        "en",
        "The sign read ‘Closed. Come back soon’. We left.",
        ["The sign read ‘Closed.", "Come back soon’.", "We left."],
    ),
    (
        "en",
        'Bo said "It is over. We go home" and left. Then it rained.',
        ['Bo said "It is over.', 'We go home" and left.', "Then it rained."],
    ),
    # more than three sentences quoted, or no closing quote in the line
    (
        "en",
        "Bo said ‘One. Two. Three. Four’. Then he left.",
        ["Bo said ‘One.", "Two.", "Three.", "Four’.", "Then he left."],
    ),
    (
        "ko",
        "민수는 ‘우리는 부끄럽다. 그러나 반칙은 아니다",
        ["민수는 ‘우리는 부끄럽다.", "그러나 반칙은 아니다"],
    ),
]


@pytest.mark.parametrize(("lang", "text", "expected"), REPORTING_SENTENCES)
def test_quotation_inside_a_reporting_sentence(lang, text, expected):
    assert assert_offsets(text, lang) == expected


def test_a_salutation_paragraph_runs_on_into_the_next():
    text = "My fellow citizens,\n\nToday we open a new bridge.\n\nIt took three years to build."
    paras = [s.paragraph for s in split_sentences(text, "en")]
    assert paras == [0, 0, 1]
    ko = "시민 여러분,\n\n오늘 새 다리를 엽니다.\n\n공사에는 3년이 걸렸습니다."
    assert [s.paragraph for s in split_sentences(ko, "ko")] == [0, 0, 1]
