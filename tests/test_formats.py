import pytest
from hypothesis import given
from hypothesis import strategies as st

from align.formats import atomic_writer
from align.formats.tsv import escape, unescape


@given(st.text())
def test_tsv_escape_round_trips_any_text(text):
    esc = escape(text)
    assert "\t" not in esc and "\n" not in esc and "\r" not in esc
    assert unescape(esc) == text


def test_tsv_escape_examples():
    assert escape("a\tb\nc\\d") == "a\\tb\\nc\\\\d"
    assert unescape("\\\\n") == "\\n"


def test_atomic_writer_leaves_nothing_on_crash(tmp_path):
    target = tmp_path / "out.tsv"
    target.write_text("old complete file\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_writer(target) as f:
        f.write("half of the new")
        raise RuntimeError("crash mid-write")
    assert target.read_text(encoding="utf-8") == "old complete file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.tsv"]


def test_atomic_writer_replaces_on_success(tmp_path):
    target = tmp_path / "out.tsv"
    with atomic_writer(target) as f:
        f.write("new\n")
    assert target.read_text(encoding="utf-8") == "new\n"


# --------------------------------------------------------------- every format
import xml.etree.ElementTree as ET  # noqa: E402
from pathlib import Path  # noqa: E402

from align.formats import write  # noqa: E402
from align.formats.readers import read_results  # noqa: E402
from align.result import DocumentAlignment, Pair, Sentence, Signature  # noqa: E402

TRICKY = [
    ("Tabs\there and\nnew lines", "탭\t과\n줄바꿈"),
    ("Back\\slash \\n not a newline", "역\\슬래시"),
    ("He said \"yes\" and 'no'", "그는 “네”라고 했다"),
    ("=SUM(A1)", "=SUM(A1) 수식"),
    ("@x mentions", "@x 멘션"),
    ("+1 and -1", "-1과 +1"),
    ("Emoji 🎉👍🏽", "이모지 🎉"),
    ("Control\x0bchars\x01here", "제어\x0c문자"),
]


def _result() -> DocumentAlignment:
    pairs = [
        Pair((k,), (k,), s, t, 0.5 + k / 20, 0.7, 0.4, {"cosine": 0.7}, ("length_outlier",) if k == 2 else ())
        for k, (s, t) in enumerate(TRICKY)
    ]
    pairs.append(Pair((len(TRICKY),), (), "Only English.", "", 0.9))
    n = len(TRICKY)
    return DocumentAlignment(
        pairs,
        [Sentence(i, "") for i in range(n + 1)],
        [Sentence(j, "") for j in range(n)],
        Signature("0.1.0", "test-model", "en", "ko", {"max_merge": 4}),
        "doc\t1",
    )


def test_tsv_round_trips_tricky_text(tmp_path):
    r = _result()
    write([r], "tsv", tmp_path / "a.tsv")
    back = read_results(tmp_path / "a.tsv")
    assert len(back) == 1 and back[0].doc_id == "doc\t1"
    assert [(p.src, p.tgt, p.src_text, p.tgt_text, p.flags) for p in back[0].pairs] == [
        (p.src, p.tgt, p.src_text, p.tgt_text, p.flags) for p in r.pairs
    ]
    assert [round(p.score, 4) for p in back[0].pairs] == [round(p.score, 4) for p in r.pairs]
    assert len((tmp_path / "a.tsv").read_text(encoding="utf-8").splitlines()) == len(r.pairs) + 1


def test_jsonl_round_trips(tmp_path):
    r = _result()
    write([r], "jsonl", tmp_path / "a.jsonl")
    back = read_results(tmp_path / "a.jsonl")[0]
    assert [(p.src_text, p.tgt_text, p.features, p.flags) for p in back.pairs] == [
        (p.src_text, p.tgt_text, p.features, p.flags) for p in r.pairs
    ]


def test_excel_tsv_has_bom_and_no_formula_cells(tmp_path):
    import csv

    write([_result()], "excel", tmp_path / "a.tsv")
    raw = (tmp_path / "a.tsv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\n")
    assert len(lines) == len(TRICKY) + 3  # header, a pair a line, the final newline
    rows = list(csv.reader(lines[1:-1], delimiter="\t", quotechar='"', strict=True))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=SUM(A1)" in cells and "'@x mentions" in cells and "'-1과 +1" in cells
    # a real tab; a line break shown as \n
    assert rows[0][:2] == ["Tabs\there and\\nnew lines", "탭\t과\\n줄바꿈"]


def test_xlsx_text_cells_are_text_and_scores_numbers(tmp_path):
    from openpyxl import load_workbook

    write([_result()], "xlsx", tmp_path / "a.xlsx")
    ws = load_workbook(tmp_path / "a.xlsx").active
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header == ["en", "ko", "score", "flags", "type", "en_ids", "ko_ids", "doc_id"]
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == len(TRICKY) + 1
    for row in rows:
        assert row[2].data_type == "n" and isinstance(row[2].value, float)
        for k in (0, 1, 4, 7):
            assert row[k].data_type in {"s", "inlineStr"}  # text, never "f" (formula)
    assert rows[3][0].value == "=SUM(A1)"  # text, not a formula


def test_tmx_validates_against_dtd_and_parses_back(tmp_path):
    from lxml import etree

    write([_result()], "tmx", tmp_path / "a.tmx")
    dtd = etree.DTD(str(Path(__file__).parent / "fixtures" / "tmx14.dtd"))
    doc = etree.parse(str(tmp_path / "a.tmx"))
    assert dtd.validate(doc), dtd.error_log.filter_from_errors()
    root = ET.parse(tmp_path / "a.tmx").getroot()
    header = root.find("header")
    for attr in (
        "creationtool",
        "creationtoolversion",
        "segtype",
        "o-tmf",
        "adminlang",
        "srclang",
        "datatype",
    ):
        assert header.get(attr)
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    got = []
    for tu in root.iter("tu"):
        tuvs = tu.findall("tuv")
        assert [t.get(lang) for t in tuvs] == ["en-US", "ko-KR"]
        got.append(tuple(t.find("seg").text for t in tuvs))
    want = [(s.replace("\x0b", "").replace("\x01", ""), t.replace("\x0c", "")) for s, t in TRICKY]
    assert got == want  # omissions are not translation units


def test_tmx_skips_overlong_segments(tmp_path):
    r = _result()
    r.pairs[0] = Pair((0,), (0,), "x" * 2500, "y", 0.9)
    written = write([r], "tmx", tmp_path / "a.tmx")
    assert (written.skipped, written.pairs) == (1, len(TRICKY) - 1)  # the omission is no unit either
    assert "x" * 2500 not in (tmp_path / "a.tmx").read_text(encoding="utf-8")


def test_moses_files_are_line_parallel(tmp_path):
    write([_result()], "moses", tmp_path / "corpus")
    en = (tmp_path / "corpus.en").read_text(encoding="utf-8").split("\n")[:-1]
    ko = (tmp_path / "corpus.ko").read_text(encoding="utf-8").split("\n")[:-1]
    assert len(en) == len(ko) == len(TRICKY)
    assert en[0] == "Tabs here and new lines"


def test_cli_export_jsonl_to_tmx_and_xlsx_to_stdout_refused(cli, corpora, tmp_path):
    saved = tmp_path / "r.jsonl"
    assert (
        cli(
            "pair",
            str(corpora / "seed_bank.en.txt"),
            str(corpora / "seed_bank.ko.txt"),
            "-f",
            "jsonl",
            "-o",
            str(saved),
        ).returncode
        == 0
    )
    proc = cli("export", str(saved), "--format", "tmx", "-o", str(tmp_path / "r.tmx"))
    assert proc.returncode == 0, proc.stderr
    root = ET.parse(tmp_path / "r.tmx").getroot()
    assert len(list(root.iter("tu"))) == 8  # 9 pairs, one omission
    bad = cli("pair", str(corpora / "seed_bank.en.txt"), str(corpora / "seed_bank.ko.txt"), "-f", "xlsx")
    assert bad.returncode == 1 and b"give -o OUT" in bad.stderr


# --------------------------------------------------------------- read back: keep what was read
import json  # noqa: E402
import os  # noqa: E402

from align.errors import InputError  # noqa: E402
from align.formats.readers import read_records  # noqa: E402
from align.result import Verdict  # noqa: E402


def _jsonl_lines(path: Path) -> list[dict]:
    return [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines()]


def test_fresh_results_write_offsets_paragraphs_and_calibrated_as_before(tmp_path):
    r = _result()
    write([r], "jsonl", tmp_path / "none.jsonl")
    rec = _jsonl_lines(tmp_path / "none.jsonl")[0]
    assert rec["calibrated"] is False  # no verdict: nothing says the scores are calibrated
    assert rec["src_offsets"] == [[0, 0]] and rec["src_paragraphs"] == [0]
    assert rec["signature"] == "align:0.1.0|model:test-model|langs:en-ko|scores:uncalibrated|max_merge:4"
    r.verdict = Verdict(0.9, 0.8, 0.95, "test-model@v1")
    write([r], "jsonl", tmp_path / "cal.jsonl")
    assert _jsonl_lines(tmp_path / "cal.jsonl")[0]["calibrated"] is True


def test_jsonl_read_back_keeps_signature_calibrated_offsets(tmp_path):
    r = _result()
    r.verdict = Verdict(0.9, 0.8, 0.95, "test-model@v1")
    r.src = [Sentence(i, "", i // 3, 10 * i, 10 * i + 7) for i in range(len(r.src))]
    write([r], "jsonl", tmp_path / "a.jsonl")
    back = read_results(tmp_path / "a.jsonl")[0]
    assert str(back.signature) == str(r.signature) and back.calibrated is True
    assert back.offsets_known and back.paragraphs_known
    write([back], "jsonl", tmp_path / "b.jsonl")
    assert _jsonl_lines(tmp_path / "b.jsonl") == _jsonl_lines(tmp_path / "a.jsonl")


def test_tsv_read_back_has_unknown_offsets_and_a_read_back_signature(tmp_path):
    write([_result()], "tsv", tmp_path / "a.tsv")
    back = read_results(tmp_path / "a.tsv")[0]
    assert not back.offsets_known and not back.paragraphs_known and back.calibrated is None
    assert str(back.signature) == "align:read back|langs:en-ko|from:a.tsv"
    write([back], "jsonl", tmp_path / "a.jsonl")
    for rec in _jsonl_lines(tmp_path / "a.jsonl"):
        assert rec["src_offsets"] is None and rec["tgt_offsets"] is None
        assert rec["src_paragraphs"] is None and rec["tgt_paragraphs"] is None
    # the JSONL with unknown offsets reads back, still unknown
    again = read_results(tmp_path / "a.jsonl")[0]
    assert not again.offsets_known and str(again.signature) == str(back.signature)


def test_review_of_a_tsv_draws_no_paragraph_rules(tmp_path):
    from align.review import render_review

    write([_result()], "tsv", tmp_path / "a.tsv")
    page = render_review(read_results(tmp_path / "a.tsv"))
    data = json.loads(page.split('id="align-data">')[1].split("</script>")[0].replace("<\\/", "</"))
    assert {p["par"] for d in data["docs"] for p in d["pairs"]} == {None}


def test_tsv_with_crlf_line_ends_reads_clean(tmp_path):
    write([_result()], "tsv", tmp_path / "a.tsv")
    text = (tmp_path / "a.tsv").read_text(encoding="utf-8")
    (tmp_path / "crlf.tsv").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    back = read_results(tmp_path / "crlf.tsv")
    assert [r.doc_id for r in back] == ["doc\t1"]
    assert [p.src_text for p in back[0].pairs] == [p.src_text for p in _result().pairs]


def test_signature_of_a_file_name_that_is_not_utf8(tmp_path):
    name = os.fsdecode(b"\xff.tsv")
    write([_result()], "tsv", tmp_path / "a.tsv")
    (tmp_path / name).write_bytes((tmp_path / "a.tsv").read_bytes())
    back = read_results(tmp_path / name)
    write(back, "jsonl", tmp_path / "b.jsonl")  # no UnicodeEncodeError
    assert str(back[0].signature).endswith("|from:?.tsv")


def test_error_lines_count_blank_lines(tmp_path):
    rec = json.dumps({"src_ids": [0], "tgt_ids": [0], "src": "a", "tgt": "b", "score": 0.5})
    (tmp_path / "a.jsonl").write_text(f"{rec}\n\n\n{rec.replace('0.5', '2')}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"a\.jsonl:4: score is not a number from 0 to 1: 2"):
        read_records(tmp_path / "a.jsonl")
    (tmp_path / "b.jsonl").write_text(f"{rec}\n\n{rec}\n", encoding="utf-8")
    assert read_records(tmp_path / "b.jsonl").numbers == [1, 3]
