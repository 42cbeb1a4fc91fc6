"""Page furniture: a saved English page, the same page as HTML, the Korean edition in CP949."""

import json

import pytest

from align.clean import clean_text, furniture_lines

PAGES = "tests/fixtures/pages"
HEADLINE_EN = "Coastal city bans plastic bags at street markets"
BODY_EN = [
    "The city council of Haedong voted on Friday to ban single-use plastic bags at its 14 street markets from July.",
    "Council member Park Mi-ra, who proposed the rule, said vendors handed out about 3.2 million bags last year.",
    '"Most of them end up in the sea," she said.',
    "Vendors who break the rule face a fine of 300,000 won.",
    "The city will give each stall 200 cloth bags for free.",
    "Some merchants complained that customers would go to supermarkets instead.",
]
KO = [
    "해동시, 전통시장 비닐봉지 금지",
    "해동시의회는 금요일 7월부터 시내 전통시장 14곳에서 일회용 비닐봉지 사용을 금지하는 안을 의결했다.",
    "조례를 발의한 박미라 의원은 지난해 상인들이 약 320만 장의 봉지를 나눠줬다고 말했다.",
    '박 의원은 "대부분 바다로 흘러간다"고 말했다.',
    "규정을 어긴 상인에게는 과태료 30만 원이 부과된다.",
    "시는 점포마다 천 가방 200개를 무료로 나눠줄 계획이다.",
    "일부 상인들은 손님들이 대형마트로 발길을 돌릴 것이라며 불만을 나타냈다.",
]


@pytest.mark.parametrize(
    ("name", "lang", "expected"),
    [
        ("news.en.txt", "en", [HEADLINE_EN, *BODY_EN]),
        ("news.en.html", "en", [HEADLINE_EN, *BODY_EN]),
        ("news.ko.cp949.txt", "ko", KO),
    ],
)
def test_page_comes_out_as_headline_and_body(cli, corpora, name, lang, expected):
    proc = cli("split", f"{PAGES}/{name}", "--lang", lang, "-v", cwd=corpora.parent)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode("utf-8").splitlines() == expected
    err = proc.stderr.decode("utf-8")
    assert "dropped as furniture" in err
    if "cp949" in name:
        assert "encoding cp949" in err


def test_without_cleaning_furniture_stays_on_its_own_lines(cli, corpora):
    proc = cli("split", f"{PAGES}/news.en.txt", "--no-clean", cwd=corpora.parent)
    lines = proc.stdout.decode("utf-8").splitlines()
    assert lines[-1] == "mrpark@example.com jlee@example.com"  # not glued to the last sentence
    assert lines[-2] == BODY_EN[-1]
    assert "Go to contents" in lines and "Posted March. 02, 2024 07:15," in lines


def test_offsets_point_into_the_decoded_text(cli, corpora):
    proc = cli("split", f"{PAGES}/news.ko.cp949.txt", "--lang", "ko", "--offsets", cwd=corpora.parent)
    text = (corpora.parent / PAGES / "news.ko.txt").read_text(encoding="utf-8")
    rows = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    assert [r["paragraph"] for r in rows] == [0, 1, 2, 2, 3, 3, 4]
    for r in rows:
        assert text[r["start"] : r["end"]] == r["text"]


def test_pair_of_html_and_cp949_editions(aligner, corpora):
    r = aligner.align_files(
        corpora.parent / PAGES / "news.en.html", corpora.parent / PAGES / "news.ko.cp949.txt"
    )
    assert r.doc_id == "news"
    assert r.encodings == ("utf-8", "cp949")
    assert (r.pairs[0].src_text, r.pairs[0].tgt_text) == (HEADLINE_EN, KO[0])
    assert all(not p.is_null for p in r.pairs)
    assert [p.kind for p in r.pairs] == ["1-1"] * 7


@pytest.mark.parametrize(
    "line",
    [
        "Go to contents",
        "한국어",
        "English",
        "Korean",
        "본문 바로가기",
        "Posted February. 28, 2012 01:46,",
        "Updated: March 3, 2024 10:00",
        "입력 2012-02-28 01:46",
        "입력 2012-02-28 01:46 | 수정 2012-02-28 09:10",
        "최종수정 2024.03.02 07:15",
        "2024-03-02 07:15",
        "yhchoi65@example.com lightee@example.com",
        "홍길동 기자",
        "홍길동 기자 hong@example.com",
        "By Jane Smith",
        "By Jane Smith, Staff Writer",
        "ⓒ 동아일보 & donga.com, 무단 전재 및 재배포 금지",
        "Copyright 2024 The Example Daily. All rights reserved.",
        "© 2024 Example Media",
    ],
)
def test_furniture_lines(line):
    text = f"Headline here\n\n{line}\n\nA real sentence follows here."
    assert furniture_lines(text) == [2]


@pytest.mark.parametrize(
    "line",
    [
        "The council posted the rule on Friday.",
        "She wrote to mayor@example.com to complain about the plan.",
        "Korean officials said the talks would resume.",
        "By the end of the year, prices had doubled.",
        "기자회견에서 시장은 계획을 발표했다.",
        "2024년 3월 2일 시의회는 조례를 통과시켰다.",
    ],
)
def test_sentences_are_not_furniture(line):
    assert furniture_lines(f"Headline\n\n{line}\n") == []


def test_repeated_headline_is_dropped_once_and_offsets_kept():
    text = "Same headline\n\nSame headline\n\nBody sentence."
    cleaned, n = clean_text(text)
    assert n == 1 and len(cleaned) == len(text)
    assert cleaned.split("\n")[0] == "Same headline" and cleaned.split("\n")[2].strip() == ""


# furniture of the kinds real scraped editions carry (lines written for these tests)
FURNITURE = [
    "• 입력 2011년 3월 2일 14시 05분",
    "입력 2019.07.04 09:12",
    "2018년04월27일 22시06분",
    "2023년 6월 30일",
    "2018.05.01 .",
    "박민수 기자 minsu@example.co.kr",
    "댓글 0",
    "구독",
    "코멘트",
    "조회 : 1,204",
    "작성일 : 12-09-14 11:02",
    "April. 3, 2021 09:15. by Min-Ji Park mjpark@example.com.",
    "English news | Japanese news | Chinese news | Spanish",
]
SENTENCES = [
    "The council approved the budget on Tuesday.",
    "시의회는 화요일 예산안을 승인했다.",
    "Comments from residents were mixed.",
    "조회수가 급증했다.",
    "2021년 3월 2일 오후 주민들이 모였다.",
    "Views of the river were stunning | he said | it was | fine",
    "By April 3, 2021, the bridge was open.",
]


@pytest.mark.parametrize("line", FURNITURE)
def test_real_page_furniture_is_dropped(line):
    text = f"{SENTENCES[0]}\n{line}\n{SENTENCES[1]}\n"
    assert furniture_lines(text) == [1]


@pytest.mark.parametrize("line", SENTENCES)
def test_sentences_that_look_like_furniture_stay(line):
    assert furniture_lines(f"{line}\n") == []


def test_related_articles_block_goes_up_to_the_next_sentence():
    lines = [
        "기사 본문의 마지막 문장이다.",
        "▼관련기사▼",
        "시, 새 다리 개통 앞둬",
        "주민들 환영 행사 열어",
        "다음 문단의 첫 문장이 이어졌다.",
        "",
        "Related articles",
        "City opens new bridge",
        "",
        "The last paragraph follows here.",
    ]
    assert furniture_lines("\n".join(lines)) == [1, 2, 3, 6, 7]


# top-of-page furniture: menus, stamps, breadcrumbs, labels, credits (lines written for these tests)
PAGE_FURNITURE = [
    "HOME 회사소개 시작페이지로 즐겨찾기추가",
    "로그인 회원가입",
    "글자크기 기사내용 이메일보내기 뉴스프린트하기 뉴스스크랩하기",
    "본문 바로가기 메인메뉴 바로가기",
    "• 페이스북 공유하기",
    "인쇄 목록",
    "Go to Contents Go to Navigation",
    "Sign in Register",
    "Home | About",
    "Jump to content",
    "• Font Size",
    "Donate now »",
    "기사최종편집일: 2024-03-02 18:41:03",
    "송고시간 2024-03-02 11:04",
    "2024년03월02일sat",
    "2024년 3월 2일 (토)",
    "Saturday, March 2, 2024",
    "All News 11:04 March 02, 2024",
    "• 예시일보 2024-05-01",
    "뉴스홈 > 뉴스 > 사회 > 지역",
    "뉴스 > 경제",
    "Home > World > Asia",
    "Categories: East Asia, Example Land, Arts & Culture",
    "Category:",
    "Tags: harbour, fishing boats",
    "Top Stories",
    "주요 뉴스",
    "DATE",
    "12 MINUTE READ",
    "5 min read",
    "[EXAMPLE PRESS]",
    "[As prepared for delivery]",
    "[…]",
    "[김예시 위원장]",
    "EXAMPLE Staff",
    "예시 스태프",
    "Photo: Harbour Museum via Example Times.",
    "Photos by EXAMPLE COAST GUARD",
    "사진 제공: 예시시청",
    "동영상 제공: 예시 해양경찰",
    "사진/공동취재단>",
    "----------------------------------------",
    "An official website of the Example Republic government",
    "- Example Voices - https://example.org -",
]
PAGE_SENTENCES = [
    "The mayor said the new home for the museum would open in May.",
    "로그인 기록을 확인한 결과 외부 접속이 있었다.",
    "Sign in sheets showed that 40 people attended the meeting.",
    "기사최종편집일을 바꾼 것은 편집국 실수였다고 해명했다.",
    "Saturday, March 2, 2024, was the warmest day of the year.",
    "Profits > costs for the first time, the report said.",
    "시장은 뉴스 > 정치 분야 보도가 늘었다고 말했다.",
    "Categories: the ministry said these were set by law, not by the agency.",
    "[Update: The council voted again on March 5.]",
    "[속보] 예시시 항구에 대형 어선 좌초",
    "Staff at the museum said the painting was safe.",
    "Photos by the agency were released on Monday.",
    "Photographs taken from the air show the damage.",
    "사진을 찍던 관광객들이 대피했다.",
    "An official website of the city was hacked on Friday.",
    "The agency posted the report at https://example.org on Monday.",
    ".....",
]


@pytest.mark.parametrize("line", PAGE_FURNITURE)
def test_top_of_page_furniture_is_dropped(line):
    text = f"{PAGE_SENTENCES[0]}\n{line}\n{PAGE_SENTENCES[1]}\n"
    assert furniture_lines(text) == [1]


@pytest.mark.parametrize("line", PAGE_SENTENCES)
def test_sentences_that_look_like_page_furniture_stay(line):
    assert furniture_lines(f"{line}\n") == []


@pytest.mark.parametrize(
    "title",
    [
        "예시뉴스 : <속보>예시시, 항구 재개발 착수",
        "<속보>예시시, 항구 재개발 착수 - 예시뉴스",
        "<속보>예시시, 항구 재개발 착수 | 예시뉴스",
        "Home Section <속보>예시시, 항구 재개발 착수",
    ],
)
def test_page_title_is_dropped_when_the_headline_comes_again(title):
    lines = [
        title,
        "로그인 회원가입",
        "2024년 3월 2일 토요일",
        "<속보>예시시, 항구 재개발 착수",
        "예시시는 2일 항구 재개발 사업에 착수한다고 밝혔다.",
    ]
    assert furniture_lines("\n".join(lines)) == [0, 1, 2]
    cleaned, n = clean_text("\n".join(lines))
    assert n == 3 and cleaned.split("\n")[3] == lines[3]


def test_plain_repeat_of_the_headline_near_the_top_keeps_the_first_copy():
    lines = [
        "Harbour city starts redevelopment",
        "Example Section",
        "Harbour city starts redevelopment",
        "The city said on Monday that work would begin soon.",
    ]
    assert furniture_lines("\n".join(lines)) == [2]


def test_decorated_title_and_two_copies_leave_one_headline():
    lines = [
        "Harbour city starts redevelopment - Example News",
        "",
        "Harbour city starts redevelopment",
        "",
        "Harbour city starts redevelopment",
        "",
        "The city said on Monday that work would begin soon.",
    ]
    assert furniture_lines("\n".join(lines)) == [0, 4]


@pytest.mark.parametrize(
    "lines",
    [
        # the headline is not repeated: nothing goes
        ["Example News : Harbour city starts redevelopment", "The city said work would begin soon."],
        # a sentence that contains the headline is not a page title
        [
            "Officials said harbour city starts redevelopment this year, a plan long delayed.",
            "Harbour city starts redevelopment",
            "The city said work would begin soon.",
        ],
        # the site part is a whole clause, not a short name
        [
            "Harbour city starts redevelopment - and residents of the old port are worried about rents",
            "Harbour city starts redevelopment",
            "The city said work would begin soon.",
        ],
        # the headline only inside a word
        ["Harbour city starts redevelopments", "Harbour city starts redevelopment", "Work begins soon."],
    ],
)
def test_lines_that_only_look_like_page_titles_stay(lines):
    assert furniture_lines("\n".join(lines)) == []


def test_a_repeat_far_below_the_top_is_not_a_page_title():
    body = [f"Body sentence number {k} is here." for k in range(25)]
    lines = ["Harbour city starts redevelopment", *body, "Harbour city starts redevelopment"]
    assert furniture_lines("\n".join(lines)) == []


def test_lines_in_another_script_are_furniture_of_an_english_edition():
    text = "\n".join(
        [
            "이 누리집은 해양시청 기록관이 보존하고 있는 기록물입니다.",  # a banner in Korean
            "Harbor Festival Draws Record Crowd",
            "The festival drew a record crowd on Sunday.",
            "海洋市的冬季游泳节吸引了创纪录的人群。",  # a post quoted in Chinese
            "海洋市の冬の水泳祭りに記録的な人出がありました。",  # and in Japanese
            "Visitors praised the new changing rooms, calling them “훌륭하다” (excellent).",
        ]
    )
    dropped = furniture_lines(text, "en")
    assert dropped == [0, 3, 4]
    assert furniture_lines(text) == []  # without a language, nothing is judged by script
    cleaned, removed = clean_text(text, "en")
    assert removed == 3 and "record crowd" in cleaned and "훌륭하다" in cleaned


def test_korean_edition_keeps_korean_and_drops_chinese_quotes():
    text = "\n".join(
        [
            "해양시 겨울 축제에 역대 최다 인파가 몰렸다.",
            "海洋市的冬季游泳节吸引了创纪录的人群。",
            "시장은 文化 행사를 더 늘리겠다고 말했다.",  # a little Hanja inside Korean stays
        ]
    )
    assert furniture_lines(text, "ko") == [1]
    assert furniture_lines(text, "zh") == [0, 2]  # on a Chinese side, the Korean lines are the foreign ones
