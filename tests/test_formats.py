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
    from align.formats import tmx

    r = _result()
    r.pairs[0] = Pair((0,), (0,), "x" * 2500, "y", 0.9)
    write([r], "tmx", tmp_path / "a.tmx")
    assert tmx.write_report() == 1
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
