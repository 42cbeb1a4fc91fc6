"""Bad saved results through the real CLI: exit 1, one line naming the file (and line).

``align export``, ``align filter`` and ``align review`` read align's TSV/JSONL back;
``align evaluate`` reads Vecalign-format files and align JSONL.  Every malformed input
must be one ``align: error: FILE[:LINE]: ...`` line on standard error, never a
traceback or an internal error.  Also: export keeps the saved signature and
``calibrated`` flag, and never invents offsets a TSV did not record.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.records import SIG, jsonl_record, omission_record

HEADER = "en\tko\tscore\tflags\ttype\ten_ids\tko_ids\tdoc_id"
TSV_ROW = "The bank opened.\t은행이 문을 열었다.\t0.9300\t\t1-1\t0\t0\td1"


GOOD_JSONL = [
    jsonl_record(),
    omission_record(1, [18, 31]),
]


def _jsonl(*lines: str) -> str:
    """Two good records, then the given raw lines (the bad one is line 3)."""
    good = [json.dumps(r, ensure_ascii=False) for r in GOOD_JSONL]
    return "\n".join([*good, *lines]) + "\n"


def _bad_jsonl_line(**over: Any) -> str:
    """A record with some fields replaced by raw JSON text (NaN, a lone surrogate ...)."""
    fields = {k: json.dumps(v, ensure_ascii=False) for k, v in jsonl_record(src_ids=[2], tgt_ids=[1]).items()}
    for k, raw in over.items():
        if raw is None:
            fields.pop(k)
        else:
            fields[k] = raw
    return "{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}"


# (file name, content, where the error is, what it says)
CASES = [
    ("ids.tsv", f"{HEADER}\n{TSV_ROW}\nA.\tB.\t0.5\t\t1-1\tx,y\t1\td1\n", 3, "en_ids is not a comma-separated list"),
    ("noids.tsv", "en\tko\tscore\tflags\ttype\tdoc_id\nA.\tB.\t0.5\t\t1-1\td1\n", 1, "no en_ids, ko_ids"),
    ("nan.tsv", f"{HEADER}\n{TSV_ROW}\nA.\tB.\tnan\t\t1-1\t1\t1\td1\n", 3, "score is not a number from 0 to 1"),
    ("inf.tsv", f"{HEADER}\nA.\tB.\tinf\t\t1-1\t1\t1\td1\n", 2, "score is not a number from 0 to 1"),
    ("surrogate.tsv", f"{HEADER}\nA\\ud800.\tB.\t0.5\t\t1-1\t1\t1\td1\n", 2, "en holds a lone surrogate"),
    ("type.tsv", f"{HEADER}\nA.\tB.\t0.5\t\t1-1\t1,2\t1\td1\n", 2, "type 1-1 does not match 2 source"),
    ("ids.jsonl", _jsonl(_bad_jsonl_line(src_ids="5")), 3, "src_ids is not a list of sentence ids"),
    ("nosrc.jsonl", _jsonl(_bad_jsonl_line(src=None)), 3, "no src"),
    ("offsets.jsonl", _jsonl(_bad_jsonl_line(src_offsets="[[1]]")), 3, "src_offsets is not a list of [start, end]"),
    ("surrogate.jsonl", _jsonl(_bad_jsonl_line(src='"\\ud800"')), 3, "src holds a lone surrogate"),
    ("nan.jsonl", _jsonl(_bad_jsonl_line(score="NaN")), 3, "NaN is not valid JSON"),
    ("inf.jsonl", _jsonl(_bad_jsonl_line(score="Infinity")), 3, "Infinity is not valid JSON"),
    ("big.jsonl", _jsonl(_bad_jsonl_line(score="1e999")), 3, "score is not a number from 0 to 1"),
    ("flags.jsonl", _jsonl(_bad_jsonl_line(flags='"number"')), 3, "flags is not a list of flag names"),
    ("score.jsonl", _jsonl(_bad_jsonl_line(score='"0.9"')), 3, "score is not a number"),
    ("array.jsonl", _jsonl("[1, 2]"), 3, "not a JSON object"),
    ("broken.jsonl", _jsonl('{"src": "a'), 3, "not valid JSON"),
]  # fmt: skip

COMMANDS = {
    "export": lambda f, out: ["export", str(f), "-f", "jsonl", "-o", str(out / "o.jsonl")],
    "filter": lambda f, out: ["filter", str(f), "-o", str(out / f"o{f.suffix}"), "--min-score", "0.5"],
    "review": lambda f, out: ["review", str(f), "-o", str(out / "o.html")],
}


def _one_error(proc: Any, path: Path, line: int | None, message: str) -> None:
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    where = f"{path}:{line}: " if line is not None else f"{path}: "
    assert lines[0].startswith(f"align: error: {where}"), err
    assert message in lines[0], err


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(("name", "content", "line", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_saved_result_is_one_line(
    tmp_path: Path, command: str, name: str, content: str, line: int, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    proc = run_cli(*COMMANDS[command](path, tmp_path))
    _one_error(proc, path, line, message)
    assert not list(tmp_path.glob("o.*")), "a failed run left an output"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_binary_saved_result_is_one_line(tmp_path: Path, command: str) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe" * 20)
    _one_error(run_cli(*COMMANDS[command](path, tmp_path)), path, None, "is not UTF-8")


def test_nan_scores_never_pass_min_score(tmp_path: Path) -> None:
    """NaN compares false with everything, so it used to survive --min-score."""
    path = tmp_path / "r.tsv"
    path.write_text(f"{HEADER}\n{TSV_ROW}\nA.\tB.\tNaN\t\t1-1\t1\t1\td1\n", encoding="utf-8")
    proc = run_cli("filter", str(path), "-o", str(tmp_path / "o.tsv"), "--min-score", "0.99")
    _one_error(proc, path, 3, "score is not a number from 0 to 1")


# --------------------------------------------------------------- export keeps what it read
def test_export_jsonl_keeps_signature_and_calibrated(tmp_path: Path) -> None:
    src = tmp_path / "r.jsonl"
    src.write_text(_jsonl(), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    proc = run_cli("export", str(src), "-f", "jsonl", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    got = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]
    assert got == GOOD_JSONL  # every field, signature and calibrated included
    proc = run_cli("export", str(src), "-f", "vecalign", "-o", str(tmp_path / "o.align"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "o.align").read_text(encoding="utf-8").splitlines()[0] == f"# {SIG}"


def test_export_keeps_uncalibrated_flag(tmp_path: Path) -> None:
    src = tmp_path / "r.jsonl"
    src.write_text(
        json.dumps(jsonl_record(calibrated=False, signature="align:0.1.0|scores:uncalibrated")) + "\n"
    )
    out = tmp_path / "o.jsonl"
    assert run_cli("export", str(src), "-f", "jsonl", "-o", str(out)).returncode == 0
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert rec["calibrated"] is False and rec["signature"] == "align:0.1.0|scores:uncalibrated"


def test_export_tsv_to_jsonl_invents_no_offsets(tmp_path: Path) -> None:
    src = tmp_path / "r.tsv"
    src.write_text(f"{HEADER}\n{TSV_ROW}\nOnly English.\t\t0.6400\t\t1-0\t1\t\td1\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    proc = run_cli("export", str(src), "-f", "jsonl", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    recs = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["src_ids"], r["tgt_ids"], r["score"]) for r in recs] == [([0], [0], 0.93), ([1], [], 0.64)]
    for r in recs:
        assert r["src_offsets"] is None and r["tgt_offsets"] is None
        assert r["src_paragraphs"] is None and r["tgt_paragraphs"] is None
        assert "read back" in r["signature"] and "from:r.tsv" in r["signature"]
    # and the JSONL with unknown offsets reads back (export again, review)
    again = tmp_path / "again.tsv"
    assert run_cli("export", str(out), "-f", "tsv", "-o", str(again)).returncode == 0
    assert again.read_text(encoding="utf-8") == src.read_text(encoding="utf-8")
    assert run_cli("review", str(out), "-o", str(tmp_path / "p.html")).returncode == 0


def test_filter_keeps_good_lines_verbatim(tmp_path: Path) -> None:
    src = tmp_path / "r.jsonl"
    src.write_text(_jsonl(), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    proc = run_cli("filter", str(src), "-o", str(out), "--min-score", "0.9")
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8") == json.dumps(GOOD_JSONL[0], ensure_ascii=False) + "\n"


# --------------------------------------------------------------- evaluate
GOLD = "[0]:[0]\n[1]:[]\n"


@pytest.mark.parametrize(
    ("gold", "test", "bad", "line", "message"),
    [
        (b"\x00\x01\x02binary\xff", GOLD.encode(), "gold", None, "binary"),
        (b"\xff\xfe\xfd not utf-8", GOLD.encode(), "gold", None, "is not UTF-8"),
        (GOLD.encode(), b"\x89PNG\r\n\x1a\n\xff", "test", None, "is not UTF-8"),
        (GOLD.encode(), b"[0]:[0]\n[x]:[1]\n", "test", 2, "not an alignment line"),
        (GOLD.encode(), b"[0]:[" + b"9" * 5000 + b"]\n", "test", 1, "not an alignment line"),
        (None, GOLD.encode(), "gold", None, "cannot be read"),
    ],
    ids=["gold-binary", "gold-not-utf8", "test-binary", "test-bad-line", "test-huge-id", "gold-missing"],
)
def test_evaluate_bad_files_are_one_line(
    tmp_path: Path, gold: bytes | None, test: bytes, bad: str, line: int | None, message: str
) -> None:
    g, t = tmp_path / "a.gold", tmp_path / "a.align"
    if gold is not None:
        g.write_bytes(gold)
    t.write_bytes(test)
    proc = run_cli("evaluate", "-g", str(g), "-t", str(t))
    _one_error(proc, g if bad == "gold" else t, line, message)


def _project_dir(tmp_path: Path, test: bytes) -> tuple[Path, Path]:
    gold, out = tmp_path / "gold", tmp_path / "out"
    gold.mkdir()
    out.mkdir()
    (gold / "a.gold").write_text("[0]:[0]\n", encoding="utf-8")
    (gold / "a.en").write_text("The bank opened.\n", encoding="utf-8")
    (gold / "a.ko").write_text("은행이 문을 열었다.\n", encoding="utf-8")
    (out / "a.jsonl").write_bytes(test)
    return gold, out


def _evaluate_projected(gold: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[bytes]:
    """``align evaluate`` of out/*.jsonl projected onto the gold texts beside gold/*.gold."""
    args = [
        "--gold-dir",
        str(gold),
        "--test-dir",
        str(out),
        "--test-suffix",
        ".jsonl",
        "--project",
        ".en",
        ".ko",
    ]
    return run_cli("evaluate", *args, *extra)


@pytest.mark.parametrize(
    ("test", "line", "message"),
    [
        (b"\xff\xfe\x00\x00binary", None, "looks like binary data, not align's JSONL output"),
        (b"\xff\xfe not utf-8", None, "is not UTF-8 text: not align's JSONL output"),
        (b'{"src": 5, "tgt": "x"}\n', 1, "not a record of align's JSONL output"),
        (b'{"src": "a"}\n', 1, "not a record of align's JSONL output"),
        (b"[" * 100_000 + b"\n", 1, "not a record of align's JSONL output"),
    ],
    ids=["binary", "not-utf8", "src-int", "no-tgt", "deep"],
)
def test_evaluate_project_bad_jsonl_is_one_line(
    tmp_path: Path, test: bytes, line: int | None, message: str
) -> None:
    gold, out = _project_dir(tmp_path, test)
    proc = _evaluate_projected(gold, out)
    _one_error(proc, out / "a.jsonl", line, message)


def test_evaluate_project_scores_a_good_jsonl(tmp_path: Path) -> None:
    gold, out = _project_dir(tmp_path, (json.dumps(jsonl_record(), ensure_ascii=False) + "\n").encode())
    proc = _evaluate_projected(gold, out, "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total"]["f1_strict"] == 1.0


@pytest.mark.parametrize("gold_text", [None, b"\xff\xfe\xfa\x00binary"], ids=["missing", "binary"])
def test_evaluate_project_bad_gold_text_is_one_line(tmp_path: Path, gold_text: bytes | None) -> None:
    """The gold texts beside NAME.gold that --project maps onto."""
    gold, out = _project_dir(tmp_path, (json.dumps(jsonl_record(), ensure_ascii=False) + "\n").encode())
    if gold_text is None:
        (gold / "a.en").unlink()
    else:
        (gold / "a.en").write_bytes(gold_text)
    proc = _evaluate_projected(gold, out)
    _one_error(proc, gold / "a.en", None, "")
