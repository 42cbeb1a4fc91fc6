"""The ``calibrated`` flag and the scores survive ``align export``, and so does what they mean.

A real alignment (bundled model, calibrated and not) is saved as JSONL, exported through
the real CLI to every format that carries the flag, read back, then shown by ``align
review``: the page must give the verdict ``align pair`` gave.  The flag used to be lost
on the way to the page: the review recomputed a calibrated verdict for scores saved as
uncalibrated (``"calibrated": false``).
"""

from __future__ import annotations

import pytest

from align import Aligner
from align.formats import FORMATS, write
from align.formats.readers import read_results
from tests.conftest import run_cli
from tests.records import review_verdicts


@pytest.fixture(scope="module")
def aligned(aligner, corpora):
    en, ko = corpora / "seed_bank.en.txt", corpora / "seed_bank.ko.txt"
    return {
        "calibrated": aligner.align_files(en, ko),
        "uncalibrated": Aligner(uncalibrated=True).align_files(en, ko),
    }


def _shown(p):
    return "uncalibrated" if p is None else f"{p * 100:.0f}%"


@pytest.mark.parametrize("kind", ["calibrated", "uncalibrated"])
def test_calibrated_flag_and_scores_survive_export_and_review(aligned, tmp_path, kind):
    result = aligned[kind]
    calibrated = kind == "calibrated"
    assert (result.verdict.p_translation is not None) is calibrated  # what `align pair` says
    saved = tmp_path / "r.jsonl"
    write([result], "jsonl", saved)
    carriers = [f for f in FORMATS.values() if f.readable and "calibrated" in f.carries]
    assert [f.name for f in carriers] == ["jsonl"]
    for fmt in carriers:
        out = tmp_path / fmt.file_name("exported")
        proc = run_cli("export", str(saved), "-f", fmt.name, "-o", str(out))
        assert proc.returncode == 0, proc.stderr
        (back,) = read_results(out)
        assert back.calibrated is calibrated
        assert [round(p.score, 6) for p in back.pairs] == [round(p.score, 6) for p in result.pairs]
        assert str(back.signature) == str(result.signature)
        page = tmp_path / f"{fmt.name}.html"
        proc = run_cli("review", str(out), "-o", str(page))
        assert proc.returncode == 0, proc.stderr
        (verdict,) = review_verdicts(page.read_text(encoding="utf-8"))
        assert verdict["shown"] == _shown(result.verdict.p_translation)
        if calibrated:
            assert verdict["p"] == pytest.approx(result.verdict.p_translation, abs=1e-4)


def test_a_format_without_the_flag_reads_back_unknown(aligned, tmp_path):
    saved = tmp_path / "r.jsonl"
    write([aligned["uncalibrated"]], "jsonl", saved)
    for fmt in (f for f in FORMATS.values() if f.readable and "calibrated" not in f.carries):
        out = tmp_path / fmt.file_name("exported")
        assert run_cli("export", str(saved), "-f", fmt.name, "-o", str(out)).returncode == 0
        assert read_results(out)[0].calibrated is None  # unknown, not "calibrated"
