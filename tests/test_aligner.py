"""The library API with the real bundled model."""

import pytest

from align import Aligner, AlignError, InputError, align_texts


def _by_text(result, needle):
    return [p for p in result.pairs if needle in p.src_text or needle in p.tgt_text]


def _assert_complete(result):
    src_ids = [i for p in result.pairs for i in p.src]
    tgt_ids = [j for p in result.pairs for j in p.tgt]
    assert src_ids == [s.index for s in result.src]
    assert tgt_ids == [s.index for s in result.tgt]
    assert all(0.0 <= p.score <= 1.0 for p in result.pairs)


def test_harbor_bridge_merge_omission_and_furniture(aligner, corpora):
    r = aligner.align_files(corpora / "harbor_bridge.en.txt", corpora / "harbor_bridge.ko.txt")
    _assert_complete(r)
    assert r.doc_id == "harbor_bridge"
    merge = _by_text(r, "1.8 kilometers")
    assert [p.kind for p in merge] == ["2-1"]
    assert "six lanes" in merge[0].src_text and "6차로" in merge[0].tgt_text
    only_en = _by_text(r, "Traffic officials")
    assert [p.kind for p in only_en] == ["1-0"]
    all_text = " ".join(p.src_text + " " + p.tgt_text for p in r.pairs)
    for furniture in ("Go to contents", "Posted March", "reporter@example.com", "입력 2025", "본문 바로가기"):
        assert furniture not in all_text
    # the headline stays, as its own pair
    assert r.pairs[0].src_text.startswith("City opens new harbor bridge")
    matched = [p for p in r.pairs if not p.is_null]
    assert min(p.score for p in matched) > 0.5


def test_seed_bank_korean_only_sentence(aligner, corpora):
    r = aligner.align_files(corpora / "seed_bank.en.txt", corpora / "seed_bank.ko.txt")
    _assert_complete(r)
    assert [p.kind for p in _by_text(r, "자원봉사자")] == ["0-1"]
    assert [p.kind for p in _by_text(r, "minus 18 degrees")] == ["2-1"]
    # paragraphs and offsets point back into the text
    text = (corpora / "seed_bank.en.txt").read_text(encoding="utf-8")
    for s in r.src:
        assert text[s.start : s.end] == s.text
    assert r.src[-1].paragraph == 5


def test_align_sentences_and_max_merge(aligner):
    en = ["The museum opened in 1990.", "It has three floors.", "Entry is free.", "It closes on Mondays."]
    ko = ["박물관은 1990년에 문을 열었으며 3층 건물이다.", "입장료는 무료다.", "월요일에는 문을 닫는다."]
    r = aligner.align_sentences(en, ko, doc_id="museum")
    assert [(p.src, p.tgt) for p in r.pairs] == [((0, 1), (0,)), ((2,), (1,)), ((3,), (2,))]
    one_to_one = Aligner(aligner.embedder, max_merge=2).align_sentences(en, ko)
    assert all(p.kind in {"1-1", "1-0", "0-1"} for p in one_to_one.pairs)
    _assert_complete(one_to_one)


def test_unrelated_documents_give_nulls_or_low_scores(aligner):
    en = [
        "The football team won the championship after a dramatic penalty shootout.",
        "Fans celebrated in the streets until dawn.",
        "The coach praised the goalkeeper.",
    ]
    ko = [
        "올해 쌀 수확량은 작년보다 5% 줄었다.",
        "정부는 농가 지원책을 발표했다.",
        "비료 가격도 크게 올랐다.",
    ]
    r = aligner.align_sentences(en, ko)
    _assert_complete(r)
    assert all(p.is_null or p.score < 0.5 for p in r.pairs)


def test_identical_documents_come_out_as_low_scoring_copies(aligner):
    en = ["One sentence here.", "Another one there.", "A third."]
    r = aligner.align_sentences(en, en)
    assert [p.kind for p in r.pairs] == ["1-1", "1-1", "1-1"]
    assert all(p.score <= 0.05 and "untranslated" in p.flags for p in r.pairs)
    assert r.verdict.p_translation < 0.5
    assert any("do not look like translations" in w for w in r.warnings)


def test_one_copied_sentence_is_scored_down_alone(aligner):
    en = ["The bridge opened on Friday.", "Residents welcomed it.", "Traffic will ease, officials said."]
    ko = ["다리가 금요일에 개통했다.", "Residents welcomed it.", "교통이 나아질 것이라고 당국은 말했다."]
    r = aligner.align_sentences(en, ko)
    scores = {p.src: p.score for p in r.pairs if not p.is_null}
    assert scores[(1,)] <= 0.05
    assert scores[(0,)] > 0.5 and scores[(2,)] > 0.5
    assert r.verdict.p_translation > 0.5
    # numbers alone are rightly the same in both languages
    same = aligner.align_sentences(
        ["The bridge opened on Friday.", "2024."], ["다리가 금요일에 개통했다.", "2024."]
    )
    assert all(p.score > 0.05 for p in same.pairs if not p.is_null)


def test_one_side_much_longer(aligner):
    en = [f"Sentence number {k} talks about topic {k}." for k in range(40)]
    ko = ["주제 3에 관한 문장 번호 3이다."]
    r = aligner.align_sentences(en, ko)
    _assert_complete(r)
    assert sum(1 for p in r.pairs if not p.is_null) <= 1


def test_language_checks(aligner):
    en = "The bridge opened on Friday. Residents welcomed it."
    with pytest.raises(InputError, match="almost no Hangul"):
        aligner.align_texts(en, en.upper(), src_name="a.txt", tgt_name="b.txt")
    with pytest.raises(InputError, match="mostly Hangul"):
        aligner.align_texts("다리가 개통했다. 주민들이 환영했다.", "다리가 열렸다.")


def test_presplit_keeps_line_numbers(aligner):
    r = aligner.align_texts("First line.\n\nSecond line.\n", "첫째 줄.\n둘째 줄.\n", presplit=True)
    assert [s.index for s in r.src] == [0, 2]
    assert [(p.src, p.tgt) for p in r.pairs] == [((0,), (0,)), ((2,), (1,))]


def test_align_texts_one_shot_and_signature():
    r = align_texts("The sky is blue.", "하늘은 파랗다.")
    assert r.pairs[0].kind == "1-1"
    sig = str(r.signature)
    assert sig.startswith("align:") and "model:use-multilingual-v3" in sig and "max_merge:4" in sig


def test_bad_options():
    with pytest.raises(AlignError, match="max-merge"):
        Aligner("use", max_merge=1)
    with pytest.raises(AlignError, match="unknown model"):
        Aligner("no-such-model")


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (None, r"no such file"),
        (b"", r"is empty"),
        (b"\n \n", r"only whitespace"),
        (b"\x00\x01\x02binary" * 50, r"binary"),
        (b"Plain English only. Nothing else here.", r"almost no Hangul"),
        ("Go to contents\n한국어\n".encode(), r"has no sentences"),
    ],
)
def test_library_bad_korean_file_raises_input_error(aligner, corpora, tmp_path, content, pattern):
    ko = tmp_path / "ko.txt"
    if content is not None:
        ko.write_bytes(content)
    with pytest.raises(InputError, match=pattern) as info:
        aligner.align_files(corpora / "seed_bank.en.txt", ko)
    assert str(ko) in str(info.value)


def test_library_decodes_cp949(aligner, corpora, tmp_path):
    ko = tmp_path / "ko.txt"
    ko.write_bytes((corpora / "seed_bank.ko.txt").read_text(encoding="utf-8").encode("cp949"))
    r = aligner.align_files(corpora / "seed_bank.en.txt", ko)
    assert r.encodings == ("utf-8", "cp949")
    assert r.notes == [] and any("토종" in p.tgt_text for p in r.pairs)


@pytest.mark.parametrize("name", ["harbor_bridge", "seed_bank"])
def test_lazy_span_embedding_matches_embedding_everything(aligner, corpora, name):
    baseline = Aligner(aligner.embedder.inner, embed_all=True)
    a = aligner.align_files(corpora / f"{name}.en.txt", corpora / f"{name}.ko.txt")
    b = baseline.align_files(corpora / f"{name}.en.txt", corpora / f"{name}.ko.txt")
    assert [(p.src, p.tgt) for p in a.pairs] == [(p.src, p.tgt) for p in b.pairs]
    assert aligner.last_embedded < baseline.last_embedded


def test_public_names_resolve():
    import align

    assert all(hasattr(align, name) for name in align.__all__)
    assert align.__version__ == "0.1.0"


def test_align_many_equals_one_by_one_and_reports_bad_documents(corpora, tmp_path):
    empty = tmp_path / "empty.ko.txt"
    empty.write_text("", encoding="utf-8")
    pairs = [
        (corpora / "harbor_bridge.en.txt", corpora / "harbor_bridge.ko.txt"),
        (corpora / "seed_bank.en.txt", empty),  # fails: nothing to align on one side
        (corpora / "seed_bank.en.txt", corpora / "seed_bank.ko.txt"),
    ]
    together = Aligner().align_many(pairs, ["harbor", "bad", "seed"])
    one_by_one = Aligner()
    assert isinstance(together[1][0], InputError) and "empty.ko.txt" in str(together[1][0])
    for k in (0, 2):
        result, seconds = together[k]
        alone = one_by_one.align_files(*pairs[k], doc_id=result.doc_id)
        assert seconds > 0
        assert [(p.src, p.tgt) for p in result.pairs] == [(p.src, p.tgt) for p in alone.pairs]
        assert [p.score for p in result.pairs] == pytest.approx([p.score for p in alone.pairs], abs=1e-5)


def test_null_cost_is_validated_and_reaches_the_search(aligner):
    with pytest.raises(AlignError, match="null-cost"):
        Aligner(aligner.embedder.inner, null_cost=2.0)
    assert Aligner(aligner.embedder.inner, null_cost=0.1).params.skip == -0.1
    assert Aligner(aligner.embedder.inner).params.skip == 0.0


def test_search_memo_budget_is_shared_and_released(aligner, corpora):
    en, ko = corpora / "seed_bank.en.txt", corpora / "seed_bank.ko.txt"
    lean = Aligner(aligner.embedder.inner)
    lean.memo_budget = 0  # every rerun searches from scratch
    with_memo = aligner.align_many([(en, ko), (en, ko)])
    without = lean.align_many([(en, ko)])
    assert [(p.src, p.tgt) for p in with_memo[0][0].pairs] == [(p.src, p.tgt) for p in without[0][0].pairs]
    assert aligner.memo_used == 0 and lean.memo_used == 0  # released when the documents finish


# An abridged edition and its original, both cut off at a page end, with retitled headlines
# (imitation text written for these tests).
EDITION_EN = [
    "Seaside Town Welcomes Its First Winter Swimmers",
    "Hundreds of swimmers jumped into the cold sea at Haeyang beach on Sunday.",
    "The town has held the winter festival every January since 2009.",
    "Organizers said this year's event drew twice as many visitors as last year.",
    "Lifeguards and medical staff stood by along the shore throughout the day.",
    "The mayor promised to build a new changing hall before next winter, saying the old one",
]
EDITION_KO = [
    '해양시 겨울 바다 축제 "역대 최다 인파"',
    "일요일 해양 해수욕장에서 수백 명의 시민이 차가운 바다에 뛰어들었다.",
    "해양시는 2009년부터 매년 1월 겨울 축제를 열고 있다.",
    "주최 측은 올해 행사에 지난해의 두 배가 넘는 관광객이 찾았다고 밝혔다.",
    "행사 내내 해안을 따라 안전요원과 의료진이",
]


def test_a_page_cut_off_and_retitled_headlines(aligner):
    r = aligner.align_sentences(EDITION_EN, EDITION_KO)
    shapes = [(p.src, p.tgt) for p in r.pairs]
    assert ((0,), (0,)) in shapes  # the two headlines, however differently worded
    assert ((4,), (4,)) in shapes  # the Korean fragment translates the start of one sentence
    assert ((5,), ()) in shapes  # beyond the Korean page's end: no counterpart
    assert all(0.0 <= p.score <= 1.0 for p in r.pairs)
