"""Calibrated scores, features, flags, the document verdict and align filter."""

import json

import pytest

from align import Aligner
from align.calibration import load_calibration
from align.features import LatinTokens, LengthDeviation, NumbersMatch, PairContext, numbers_in

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
    assert aligner.calibration.tag == "use-multilingual-v3@v1"
    assert load_calibration("no-such-model (x)") is None
    r = aligner.align_sentences(EN, KO)
    assert r.verdict.calibration == "use-multilingual-v3@v1"
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
