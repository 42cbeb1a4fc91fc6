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
