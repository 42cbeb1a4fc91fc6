"""One filter, one vocabulary of reasons: align filter, align pair/export and batch agree."""

import subprocess
import sys

from align.filters import BELOW_MIN_SCORE, FLAGGED, OMISSION, PairFilter
from align.formats import filter_pairs
from align.result import Pair


def _pair(score: float, null: bool = False, flags: tuple[str, ...] = ()) -> Pair:
    return Pair((0,), () if null else (0,), "a", "" if null else "b", score, flags=flags)


def test_reasons_in_order():
    f = PairFilter(min_score=0.5, drop_flags=frozenset({"low_similarity"}))
    assert f.reason(True, 0.9) == OMISSION  # a filtered corpus holds pairs
    assert f.reason(False, 0.4, ("low_similarity",)) == BELOW_MIN_SCORE  # the first reason that applies
    assert f.reason(False, 0.9, ("low_similarity",)) == FLAGGED
    assert f.reason(False, 0.9, ("number_mismatch",)) is None
    assert PairFilter(drop_flags=frozenset({"any"})).reason(False, 0.1, ("length_outlier",)) == FLAGGED
    assert PairFilter().reason(True, 0.0) is None  # no filter keeps everything


def test_export_filter_is_the_same_filter():
    pairs = [_pair(0.9), _pair(0.2), _pair(0.9, null=True), _pair(0.7, flags=("length_outlier",))]
    assert filter_pairs(pairs, 0.5, False) == PairFilter(0.5).keep(pairs) == [pairs[0], pairs[3]]
    assert filter_pairs(pairs, None, True) == [pairs[0], pairs[1], pairs[3]]


def test_align_filter_reports_the_reasons(tmp_path):
    tsv = tmp_path / "in.tsv"
    rows = [
        "en\tko\tscore\tflags\ttype\ten_ids\tko_ids\tdoc_id",
        "Good.\t좋다.\t0.950\t\t1-1\t0\t0\td",
        "Bad.\t나쁘다.\t0.100\t\t1-1\t1\t1\td",
        "Alone.\t\t0.900\t\t1-0\t2\t\td",
    ]
    tsv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.tsv"
    proc = subprocess.run(
        [sys.executable, "-m", "align", "filter", str(tsv), "-o", str(out), "--min-score", "0.5"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"{BELOW_MIN_SCORE}: 1" in proc.stderr and f"{OMISSION}: 1" in proc.stderr
    assert "Good." in out.read_text(encoding="utf-8") and "Bad." not in out.read_text(encoding="utf-8")
