"""The align CLI through a real subprocess: outputs and every kind of bad input."""

import json
import re

import pytest

from align.formats.tsv import unescape

EN = "corpora/harbor_bridge.en.txt"
KO = "corpora/harbor_bridge.ko.txt"


def _one_line_error(proc, pattern):
    err = proc.stderr.decode("utf-8")
    assert proc.returncode != 0
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert re.search(pattern, lines[0]), lines[0]
    assert proc.stdout == b""


@pytest.fixture(scope="module")
def tsv_run(cli, corpora):
    return cli("pair", str(corpora / "harbor_bridge.en.txt"), str(corpora / "harbor_bridge.ko.txt"))


def test_main_command_writes_tsv(tsv_run):
    assert tsv_run.returncode == 0, tsv_run.stderr
    lines = tsv_run.stdout.decode("utf-8").splitlines()
    assert lines[0] == "en\tko\tscore\tflags\ttype\ten_ids\tko_ids\tdoc_id"
    rows = [ln.split("\t") for ln in lines[1:]]
    assert all(len(r) == 8 for r in rows)
    kinds = [r[4] for r in rows]
    assert "2-1" in kinds and "1-0" in kinds
    assert all(0.0 <= float(r[2]) <= 1.0 for r in rows)
    en_ids = [int(x) for r in rows for x in r[5].split(",") if x]
    assert en_ids == list(range(len(en_ids)))
    assert {r[7] for r in rows} == {"harbor_bridge"}
    assert "harbor_bridge: 11 en / 9 ko sentences" in tsv_run.stderr.decode("utf-8")


def test_jsonl_and_output_file(cli, corpora, tmp_path):
    out = tmp_path / "seed.jsonl"
    proc = cli(
        "pair",
        str(corpora / "seed_bank.en.txt"),
        str(corpora / "seed_bank.ko.txt"),
        "-f",
        "jsonl",
        "-o",
        str(out),
        "--doc-id",
        "seed",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == b""
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert {r["doc_id"] for r in recs} == {"seed"}
    assert any(r["type"] == "0-1" and r["src"] == "" for r in recs)
    tgt_ids = [j for r in recs for j in r["tgt_ids"]]
    assert tgt_ids == list(range(len(tgt_ids)))
    for r in recs:
        assert len(r["src_offsets"]) == len(r["src_ids"])


def test_vecalign_presplit_and_stdin(cli, tmp_path):
    en = tmp_path / "a.en"
    en.write_text(
        "The new bridge opened to traffic on Friday.\nThe bridge is 1.8 kilometers long.\n"
        "It has six lanes and a path for cyclists.\n\nAbout 2,000 residents attended the ceremony.\n",
        encoding="utf-8",
    )
    ko = (
        "새 다리가 금요일 차량 통행을 시작했다.\n이 다리는 길이 1.8킬로미터에 6차로와 자전거 도로를 갖추고 있다.\n"
        "기념식에는 주민 약 2,000명이 참석했다.\n"
    ).encode()
    proc = cli("pair", str(en), "-", "--presplit", "-f", "vecalign", stdin=ko)
    assert proc.returncode == 0, proc.stderr
    first, *lines = proc.stdout.decode().splitlines()
    assert first.startswith("# align:") and "model:use-multilingual-v3" in first and "date:" in first
    assert "|presplit:True|" in first and "|clean:True|" in first  # the signature names every option
    assert all(re.fullmatch(r"\[[\d, ]*\]:\[[\d, ]*\]:\d\.\d{6}", line) for line in lines)
    beads = [line.rsplit(":", 1)[0] for line in lines]
    assert beads == ["[0]:[0]", "[1, 2]:[1]", "[4]:[2]"]


def test_min_score_and_drop_nulls(cli, corpora):
    proc = cli(
        "pair",
        str(corpora / "harbor_bridge.en.txt"),
        str(corpora / "harbor_bridge.ko.txt"),
        "--min-score",
        "0.9",
    )
    assert proc.returncode == 0
    rows = [ln.split("\t") for ln in proc.stdout.decode("utf-8").splitlines()[1:]]
    assert rows and all(float(r[2]) >= 0.9 and r[0] and r[1] for r in rows)
    proc = cli(
        "pair",
        str(corpora / "harbor_bridge.en.txt"),
        str(corpora / "harbor_bridge.ko.txt"),
        "--drop-nulls",
        "-q",
    )
    assert proc.returncode == 0 and proc.stderr == b""
    assert all(r.split("\t")[0] and r.split("\t")[1] for r in proc.stdout.decode().splitlines()[1:])


def test_escaped_text_round_trips(cli, tmp_path):
    en = tmp_path / "e.txt"
    ko = tmp_path / "k.txt"
    en.write_text("He wrote C:\\temp\\new on the board.\n", encoding="utf-8")
    ko.write_text("그는 칠판에 C:\\temp\\new 라고 썼다.\n", encoding="utf-8")
    proc = cli("pair", str(en), str(ko))
    row = proc.stdout.decode("utf-8").splitlines()[1].split("\t")
    assert unescape(row[0]) == "He wrote C:\\temp\\new on the board."


def test_cp949_korean_is_decoded(cli, corpora, tmp_path):
    ko = tmp_path / "ko.txt"
    ko.write_bytes((corpora / "seed_bank.ko.txt").read_text(encoding="utf-8").encode("cp949"))
    proc = cli("pair", str(corpora / "seed_bank.en.txt"), str(ko))
    assert proc.returncode == 0, proc.stderr
    assert "as cp949" in proc.stderr.decode()
    assert "토종 벼" in proc.stdout.decode("utf-8")


@pytest.mark.parametrize(
    ("make", "pattern"),
    [
        (lambda d: d / "missing.txt", r"^align: error: .*missing\.txt: no such file$"),
        (lambda d: _write(d / "empty.txt", b""), r"empty\.txt: is empty$"),
        (lambda d: _write(d / "blank.txt", b" \n\n\t \n"), r"blank\.txt: contains only whitespace$"),
        (lambda d: _write(d / "blob.bin", bytes(range(256)) * 8), r"blob\.bin: looks like binary data"),
        (
            lambda d: _write(d / "english.txt", b"This is English. Not Korean at all.\n"),
            r"english\.txt: is supposed to be Korean",
        ),
        (
            lambda d: _write(d / "nav.txt", "Go to contents\n한국어\n입력 2012-02-28 01:46\n".encode()),
            r"nav\.txt: has no sentences to align",
        ),
        (lambda d: d, r"is a directory"),
    ],
)
def test_bad_korean_input_is_one_line_error(cli, corpora, tmp_path, make, pattern):
    bad = make(tmp_path)
    out = tmp_path / "out.tsv"
    out.write_text("previous result\n", encoding="utf-8")
    proc = cli("pair", str(corpora / "seed_bank.en.txt"), str(bad), "-o", str(out))
    _one_line_error(proc, pattern)
    assert out.read_text(encoding="utf-8") == "previous result\n"  # nothing half-written
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.tsv")]


def test_swapped_files(cli, corpora):
    proc = cli("pair", str(corpora / "seed_bank.ko.txt"), str(corpora / "seed_bank.en.txt"))
    _one_line_error(proc, r"seed_bank\.ko\.txt: is supposed to be 'en' but is mostly Hangul")


def test_both_stdin_unknown_model_and_bad_folder(cli, corpora, tmp_path):
    _one_line_error(cli("pair", "-", "-", stdin=b"x"), r"only one of SRC_FILE and TGT_FILE")
    _one_line_error(
        cli("pair", EN, KO, "--model", "nonsense", cwd=corpora.parent), r"unknown model 'nonsense'"
    )
    _one_line_error(
        cli("pair", EN, KO, "-o", str(tmp_path / "no" / "dir" / "x.tsv"), cwd=corpora.parent),
        r"does not exist",
    )


def test_usage_errors_exit_2(cli):
    proc = cli("pair", "only-one-arg")
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr


def test_help_documents_columns(cli):
    proc = cli("pair", "--help")
    assert proc.returncode == 0
    out = proc.stdout.decode()
    for word in ("score", "type", "en_ids", "--presplit", "--min-score", "--max-merge", "st:NAME_OR_PATH"):
        assert word in out


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_null_cost_trades_omissions_for_merges(cli, corpora, tsv_run):
    proc = cli(
        "pair",
        str(corpora / "harbor_bridge.en.txt"),
        str(corpora / "harbor_bridge.ko.txt"),
        "--null-cost",
        "1",
    )
    assert proc.returncode == 0, proc.stderr
    rows = [ln.split("\t") for ln in proc.stdout.decode("utf-8").splitlines()[1:]]
    default = [ln.split("\t") for ln in tsv_run.stdout.decode("utf-8").splitlines()[1:]]
    assert any(r[4] == "1-0" for r in default)
    assert not any(r[4] in {"1-0", "0-1"} for r in rows)  # every sentence now sits in a match
    en_ids = [int(x) for r in rows for x in r[5].split(",") if x]
    assert en_ids == list(range(len(en_ids)))
    bad = cli("pair", EN, KO, "--null-cost", "2")
    assert bad.returncode == 2 and b"null-cost" in bad.stderr
