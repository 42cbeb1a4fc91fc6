"""Calibrated scores, features, flags, the document verdict and align filter."""

import json
import re

import pytest

from align import Aligner
from align.calibration import load_calibration
from align.features import (
    FEATURES,
    LatinTokens,
    LengthDeviation,
    NumbersMatch,
    PairContext,
    flags_for,
    is_cut,
    is_title,
    numbers_in,
)

EN = [
    "The city council approved the new budget on Monday.",
    "The budget sets aside 450 billion won for new schools.",
    "Opposition members walked out before the vote.",
]
KO = [
    "시의회는 월요일 새 예산안을 승인했다.",
    "예산안은 새 학교 건립에 4,500억 원을 배정했다.",
    "야당 의원들은 표결 전에 퇴장했다.",
]


def _pair(result, k):
    return next(p for p in result.pairs if p.src == (k,))


def test_bundled_model_is_calibrated(aligner):
    assert aligner.calibration is not None
    assert aligner.calibration.tag == "use-multilingual-v3@v3"
    assert load_calibration("no-such-model (x)") is None
    r = aligner.align_sentences(EN, KO)
    assert r.verdict.calibration == "use-multilingual-v3@v3"
    assert r.verdict.p_translation > 0.9
    assert all(set(p.features) >= {"cosine", "margin", "length_ratio", "numbers_match"} for p in r.pairs)


def test_unrelated_translation_lowers_score_and_flags(aligner):
    base = _pair(aligner.align_sentences(EN, KO), 1)
    swapped = [*KO[:1], "강아지가 공원에서 공을 쫓으며 즐겁게 뛰어놀았다.", *KO[2:]]
    r = aligner.align_sentences(EN, swapped)
    changed = [p for p in r.pairs if 1 in p.src]
    assert all(p.is_null or p.score < base.score for p in changed)
    matched = [p for p in changed if not p.is_null]
    assert all("low_similarity" in p.flags for p in matched)
    assert base.flags == ()


def test_changed_number_lowers_score_and_flags(aligner):
    base = _pair(aligner.align_sentences(EN, KO), 1)
    wrong = [*KO[:1], "예산안은 새 학교 건립에 7,200억 원을 배정했다.", *KO[2:]]
    p = _pair(aligner.align_sentences(EN, wrong), 1)
    assert p.score < base.score
    assert "number_mismatch" in p.flags
    assert p.features["numbers_match"] < base.features["numbers_match"]


def test_feature_classes_declare_direction():
    ctx = PairContext(
        "It cost 3.2 million won, said IBM.", "IBM은 320만 원이 들었다고 밝혔다.", 1, 1, 0.7, 0.4, 0.0, "ko"
    )
    assert NumbersMatch()(ctx) == 1.0 and NumbersMatch.direction == 1
    assert LatinTokens()(ctx) == 1.0
    assert LengthDeviation.direction == -1 and LengthDeviation()(ctx) >= 0
    assert numbers_in("1만2천 명, 2,000 won") == {12000.0, 2000.0}


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("8천만 명의 염원", {8e7}),
        ("1억 2천만 원", {1.2e8}),
        ("1억2천만 원, 3일", {1.2e8, 3.0}),
        ("3천5백만 명", {3.5e7}),
        ("1조2000억 원", {1.2e12}),
        ("5백여 명", {500.0}),
        ("1만 2만 명", {1e4, 2e4}),  # units that do not fall are two amounts
        ("10억 5억", {1e9, 5e8}),
        ("20만 명 가운데 3천 명", {2e5, 3e3}),
    ],
)
def test_korean_amounts_in_several_units_are_one_number(text, numbers):
    assert numbers_in(text) == numbers


@pytest.mark.parametrize(
    ("english", "korean"),
    [
        ("The talks opened on February 9 in Geneva.", "회담은 2월 9일 제네바에서 열렸다."),
        ("The line opened in April 2015.", "노선은 2015년 4월 개통됐다."),
        ("Sept. 30 is the deadline.", "마감은 9월 30일이다."),
        ("Two ministers and twenty-five aides flew in.", "장관 두 명과 보좌관 25명이 도착했다."),
        ("She spent five hours there.", "그녀는 그곳에서 5시간을 보냈다."),
        ("He tweeted [4] that three people were hurt.", "그는 세 사람이 다쳤다고 트윗했다."),
        ("It was seventeen years ago.", "17년 전의 일이다."),
    ],
)
def test_numbers_written_differently_in_the_two_editions_agree(english, korean):
    assert numbers_in(english) == numbers_in(korean) != set()


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("You may go now.", set()),  # a month name only before a day or a year
        ("세대 간 갈등이 커졌다.", set()),  # 세대 is a generation, not three of anything
        ("네 생각은 어때?", set()),  # 네 without a counter
        ("제3조에 따라 처리한다.", set()),  # a legal article
        ("The first lady met one voter.", set()),  # ordinals and "one" stay words
    ],
)
def test_words_that_only_look_like_numbers_are_not_numbers(text, numbers):
    assert numbers_in(text) == numbers


def test_a_korean_amount_matches_its_english_scale_word():
    ctx = PairContext(
        "The 80 million Korean people long for peace.",
        "8천만 겨레가 평화를 바란다.",
        1,
        1,
        0.7,
        0.4,
        0.0,
        "ko",
    )
    assert NumbersMatch()(ctx) == 1.0
    assert "number_mismatch" not in flags_for(ctx, {f.name: f(ctx) for f in FEATURES})


def test_mismatched_documents_warn(cli, corpora):
    proc = cli("pair", str(corpora / "seed_bank.en.txt"), str(corpora / "harbor_bridge.ko.txt"))
    assert proc.returncode == 0
    assert "do not look like translations" in proc.stderr.decode()
    ok = cli("pair", str(corpora / "seed_bank.en.txt"), str(corpora / "seed_bank.ko.txt"))
    assert "do not look like translations" not in ok.stderr.decode()
    assert "translation probability" in ok.stderr.decode()


@pytest.mark.parametrize("fmt", ["tsv", "jsonl"])
def test_filter_by_score_and_flags(cli, corpora, tmp_path, fmt):
    out = tmp_path / f"all.{fmt}"
    en = tmp_path / "e.txt"
    ko = tmp_path / "k.txt"
    en.write_text("\n".join(EN) + "\nThe mayor said 12 schools will open.\n", encoding="utf-8")
    ko.write_text("\n".join(KO) + "\n시장은 학교 30곳이 문을 열 것이라고 말했다.\n", encoding="utf-8")
    assert cli("pair", str(en), str(ko), "--presplit", "-f", fmt, "-o", str(out)).returncode == 0
    flt = tmp_path / f"flt.{fmt}"
    proc = cli("filter", str(out), "-o", str(flt), "--drop-flags", "number_mismatch")
    assert proc.returncode == 0, proc.stderr
    assert "flagged: 1" in proc.stderr.decode()
    text = flt.read_text(encoding="utf-8")
    assert "30곳" not in text and "4,500억" in text
    proc = cli("filter", str(out), "-o", str(flt), "--min-score", "0.99")
    kept = flt.read_text(encoding="utf-8").splitlines()
    rows = (
        [json.loads(x)["score"] for x in kept]
        if fmt == "jsonl"
        else [float(x.split("\t")[2]) for x in kept[1:]]
    )
    assert all(s >= 0.99 for s in rows)
    bad = cli("filter", str(out), "-o", str(flt), "--drop-flags", "nonsense")
    assert bad.returncode == 2 and b"unknown flag" in bad.stderr  # a usage error


def test_uncalibrated_fallback_is_marked(aligner):
    plain = Aligner(aligner.embedder.inner, uncalibrated=True)
    r = plain.align_sentences(EN, KO)
    assert r.verdict.p_translation is None and r.verdict.calibration is None
    assert "uncalibrated" in r.summary()


def test_page_ends_and_headlines_are_recognised():
    body = ["The ferry line reopened on Friday.", "Tickets cost 3,000 won."]
    assert is_cut([*body, "Officials said the second route would open once the"])
    assert is_cut(["첫 문장입니다.", "둘째 문장입니다.", "시장은 다음 달부터 새 노선을 \ufffd"])
    assert not is_cut([*body, "The third route opens in May."])
    assert not is_cut([*body, "He asked: “When?”"])
    assert not is_cut(
        ["첫 문장입니다.", "둘째 문장입니다.", "새 노선은 5월에 개통할 수 있습니다"]
    )  # a bare ending
    assert not is_cut([*body, "Photo by Min Park"])  # a short caption, not a cut sentence
    assert not is_cut(["A headline", "One sentence cut off at the page end without its"])  # too short
    assert is_title(["Ferry Line Reopens After Storm", *body])
    assert is_title(['[해양시 소식] 시장 "새 노선 연다"', "시장은 금요일 새 노선을 발표했다."])
    assert not is_title(body)
    assert not is_title(["새 노선은 금요일에 다시 열었다", "표 값은 3천 원이다."])  # a bare sentence ending
    assert not is_title(["Ferry Line Reopens After Storm"])  # nothing after it


def test_pair_review_and_export_give_the_same_scores_and_verdict(cli, corpora, tmp_path):
    src, tgt = corpora / "harbor_bridge.en.txt", corpora / "harbor_bridge.ko.txt"
    out = tmp_path / "r.jsonl"
    proc = cli("pair", str(src), str(tgt), "-f", "jsonl", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    said = float(re.search(r"translation probability (\d\.\d+)", proc.stderr.decode()).group(1))
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    page = tmp_path / "r.html"
    assert cli("review", str(out), "-o", str(page)).returncode == 0
    data = json.loads(re.search(r'id="align-data">(.*?)</script>', page.read_text(encoding="utf-8")).group(1))
    (doc,) = data["docs"]
    assert [p["score"] for p in doc["pairs"]] == pytest.approx([r["score"] for r in records], abs=1e-4)
    assert doc["verdict"]["p_translation"] == pytest.approx(said, abs=0.006)
    tsv = tmp_path / "r.tsv"
    assert cli("export", str(out), "-f", "tsv", "-o", str(tsv)).returncode == 0
    rows = tsv.read_text(encoding="utf-8").splitlines()[1:]
    assert [float(x.split("\t")[2]) for x in rows] == pytest.approx([r["score"] for r in records], abs=1e-4)
    # read back from TSV (no margins): the page claims no probability rather than a wrong one
    page2 = tmp_path / "t.html"
    assert cli("review", str(tsv), "-o", str(page2)).returncode == 0
    data2 = json.loads(
        re.search(r'id="align-data">(.*?)</script>', page2.read_text(encoding="utf-8")).group(1)
    )
    assert data2["docs"][0]["verdict"]["p_translation"] is None


def test_copies_give_the_same_verdict_in_pair_and_review(cli, tmp_path):
    en = tmp_path / "a.en.txt"
    en.write_text("\n".join(EN) + "\n", encoding="utf-8")
    ko = tmp_path / "a.ko.txt"  # the "Korean edition" leaves the English text untranslated
    ko.write_text(
        "\n".join(EN) + "\n해양시 소식은 매주 금요일에 발행됩니다.\n문의는 시청 홍보실로 해 주십시오.\n",
        encoding="utf-8",
    )
    out = tmp_path / "a.jsonl"
    proc = cli("pair", str(en), str(ko), "--presplit", "-f", "jsonl", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    said = float(re.search(r"translation probability (\d\.\d+)", proc.stderr.decode()).group(1))
    assert said < 0.5
    page = tmp_path / "a.html"
    assert cli("review", str(out), "-o", str(page)).returncode == 0
    data = json.loads(re.search(r'id="align-data">(.*?)</script>', page.read_text(encoding="utf-8")).group(1))
    assert data["docs"][0]["verdict"]["p_translation"] == pytest.approx(said, abs=0.006)


def test_a_match_next_to_a_sentence_it_missed_scores_lower(aligner):
    """A merge the search missed (the omitted sentence next to the match belongs to it)
    is a less certain match than the same match next to an unrelated omitted sentence."""
    from align.search import Bead

    ko = [
        "월요일 울산의 한 화학 공장에서 불이 나 노동자 세 명이 다쳤다.",
        "당국은 화재 원인을 조사하고 있다.",
    ]
    first = "A fire broke out at a chemical plant in Ulsan on Monday."
    last = "Officials are investigating the cause of the fire."
    missed = [first, "Three workers were injured in the blaze.", last]
    unrelated = [first, "The city's baseball team won its third straight game.", last]
    path = [Bead((0,), (0,)), Bead((1,), ()), Bead((2,), (1,))]
    scores = {}
    for name, en in (("missed", missed), ("unrelated", unrelated)):
        beads = aligner.bead_scorer(en, ko).path(path)
        scores[name] = beads[0]
    assert scores["missed"].features["affinity"] > scores["unrelated"].features["affinity"] + 0.1
    assert scores["missed"].score < scores["unrelated"].score
