"""align evaluate: the Vecalign definition, checked against the reference scorer when present."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from align.evaluate import evaluate, map_to_gold, parse_alignments, project, read_alignments

FIX = Path(__file__).parent / "fixtures" / "eval"
SCORER = Path(__file__).resolve().parents[2] / "shared" / "tools" / "score.py"


def test_known_counts():
    gold = read_alignments(FIX / "doc1.gold")
    test = read_alignments(FIX / "doc1.align")
    s = evaluate([gold], [test])
    # predicted: 7 alignments; exact: [0]:[0], [5]:[5] -> 2/7 strict precision
    assert s.precision_strict == pytest.approx(2 / 7)
    # lax: [1]:[1] overlaps gold [1,2]:[1]; [4]:[3] overlaps [4]:[3,4]; [3]:[2] does not
    assert s.precision_lax == pytest.approx(4 / 7)
    # recall over the 4 non-null gold alignments, against non-null predictions
    assert s.recall_strict == pytest.approx(2 / 4)
    assert s.recall_lax == pytest.approx(4 / 4)


def test_perfect_and_empty():
    g = read_alignments(FIX / "doc2.gold")
    assert evaluate([g], [g]).f1_strict == 1.0
    assert evaluate([g], [[]]).f1_strict == 0.0
    with pytest.raises(ValueError):
        evaluate([g], [])


def test_parse_errors_name_file_and_line():
    from align.errors import InputError

    with pytest.raises(InputError, match=r"bad\.align:2: not an alignment line"):
        parse_alignments(["[0]:[0]", "zero to zero"], "bad.align")


def test_projection_maps_sentences_onto_gold_lines():
    gold_src = ["First line. Second part.", "Third line."]
    sys_src = ["First line.", "Second part.", "Third line."]
    gold_tgt = ["첫째 줄.", "셋째 줄."]
    sys_tgt = ["첫째 줄.", "셋째 줄."]
    smap, tmap = map_to_gold(gold_src, sys_src), map_to_gold(gold_tgt, sys_tgt)
    assert smap == [(0,), (0,), (1,)]
    aligned = [((0,), (0,)), ((1,), ()), ((2,), (1,))]
    assert project(aligned, smap, tmap) == [((0,), (0,)), ((1,), (1,))]


@pytest.mark.skipif(not SCORER.exists(), reason="../shared/tools/score.py (reference scorer) is not here")
def test_cli_equals_reference_scorer(cli):
    args = []
    for name in ("doc1", "doc2", "doc3"):
        args += ["-g", str(FIX / f"{name}.gold"), "-t", str(FIX / f"{name}.align")]
    ours = cli("evaluate", *args, "--json")
    assert ours.returncode == 0, ours.stderr
    assert b"no system file" in ours.stderr  # doc3.align is missing: scored as empty
    ref_args = [
        "-g",
        *(str(FIX / f"{n}.gold") for n in ("doc1", "doc2")),
        "-t",
        *(str(FIX / f"{n}.align") for n in ("doc1", "doc2")),
    ]
    ref = subprocess.run([sys.executable, str(SCORER), *ref_args, "--json"], capture_output=True, check=True)
    ours2 = cli("evaluate", *args[:8], "--json")
    mine = json.loads(ours2.stdout)["total"]
    theirs = json.loads(ref.stdout)["total"]
    for key in ("precision_strict", "recall_strict", "f1_strict", "precision_lax", "recall_lax", "f1_lax"):
        assert mine[key] == pytest.approx(theirs[key], abs=1e-12), key
    # with the missing third document, like the reference's --gold-dir default
    ref_dir = subprocess.run(
        [sys.executable, str(SCORER), "--gold-dir", str(FIX), "--test-dir", str(FIX), "--json"],
        capture_output=True,
        check=True,
    )
    ours_dir = cli("evaluate", "--gold-dir", str(FIX), "--test-dir", str(FIX), "--json")
    a, b = json.loads(ours_dir.stdout)["total"], json.loads(ref_dir.stdout)["total"]
    for key in ("precision_strict", "recall_strict", "f1_strict", "precision_lax", "recall_lax", "f1_lax"):
        assert a[key] == pytest.approx(b[key], abs=1e-12), key


def test_cli_projects_align_jsonl_onto_gold_lines(cli, tmp_path):
    gold_dir, test_dir = tmp_path / "gold", tmp_path / "test"
    gold_dir.mkdir()
    test_dir.mkdir()
    (gold_dir / "d.en").write_text("One. Two.\nThree.\nFour.\n", encoding="utf-8")
    (gold_dir / "d.ko").write_text("하나. 둘.\n셋.\n", encoding="utf-8")
    (gold_dir / "d.gold").write_text("[0]:[0]\n[1]:[1]\n[2]:[]\n", encoding="utf-8")
    recs = [
        {"src": "One.", "tgt": "하나."},
        {"src": "Two.", "tgt": "둘."},
        {"src": "Three.", "tgt": "셋."},
        {"src": "Four.", "tgt": ""},
    ]
    (test_dir / "d.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    proc = cli(
        "evaluate",
        "--gold-dir",
        str(gold_dir),
        "--test-dir",
        str(test_dir),
        "--test-suffix",
        ".jsonl",
        "--project",
        ".en",
        ".ko",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total"]["f1_strict"] == 1.0


# --------------------------------------------------------------- bad files are InputError
from align.errors import InputError  # noqa: E402
from align.evaluate import alignments_from_jsonl, read_lines  # noqa: E402


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01binary\x89PNG", "looks like binary data, not an alignment file"),
        (b"\xff\xfe\xfa[0]:[0]", "is not UTF-8 text: not an alignment file"),
        (b"[0]:[0]\n[" + b"1" * 5000 + b"]:[1]\n", ":2: not an alignment line"),
        (b"[0]:[0]\n[\xd9\xa1]:[1]\n", ":2: not an alignment line"),  # an Arabic-Indic digit is not an id
        (b"[0]:[0]\n[1 2]:[1]\n", ":2: not an alignment line"),  # ids are comma separated
    ],
    ids=["binary", "not-utf8", "huge-id", "non-ascii-digit", "no-comma"],
)
def test_read_alignments_bad_files_are_input_errors(tmp_path, data, message):
    path = tmp_path / "a.align"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        read_alignments(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)


def test_read_alignments_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="cannot be read"):
        read_alignments(tmp_path / "nope.align")
    with pytest.raises(InputError, match="cannot be read"):
        read_alignments(tmp_path)
    with pytest.raises(InputError, match="cannot be read"):
        read_lines(tmp_path / "nope.en")


def test_read_alignments_accepts_a_bom_and_spaces(tmp_path):
    path = tmp_path / "a.align"
    path.write_bytes(b"\xef\xbb\xbf[0, 1]:[ 2 ]:0.5\n[]:[3]\n")
    assert read_alignments(path) == [((0, 1), (2,)), ((), (3,))]


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b'{"src": "a", "tgt": "b"}\n{"src": 5, "tgt": "b"}\n', 2),
        (b'{"src": "a", "tgt": "b"}\n["src", "tgt"]\n', 2),
        (b'{"src": "a"}\n', 1),
        (b"[" * 50_000 + b"\n", 1),
    ],
    ids=["src-int", "list", "no-tgt", "deep"],
)
def test_alignments_from_jsonl_bad_records_are_input_errors(tmp_path, data, line):
    path = tmp_path / "a.jsonl"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        alignments_from_jsonl(path, ["a"], ["b"])
    assert err.value.line == line and "not a record of align's JSONL output" in str(err.value)


def test_alignments_from_jsonl_binary_is_input_error(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(InputError, match="looks like binary data"):
        alignments_from_jsonl(path, ["a"], ["b"])
