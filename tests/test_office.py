"""The spreadsheet formats opened for real in LibreOffice Calc (headless soffice).

Each office test writes a result built here, lets soffice import it the way a
double-click would (the text import's default options, spelled out as a filter
string) and save it as XLSX, then reads the cells back with openpyxl.  Without
``soffice`` (Debian: ``libreoffice-calc-nogui``) they skip, unless ``CI`` is set: then
they fail, so CI cannot pass by skipping them.  The XML-safety tests need no office.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from align.formats import write
from align.formats._xml import xml_safe
from align.result import DocumentAlignment, Pair, Sentence, Signature

# (source, target) texts, one pair each
TEXTS = [
    ('"I yelled at everyone to get out of the way."', '"모두 비키라고 소리쳤다."'),
    ("He said \"yes\" and 'no'", "그는 “네”라고 했다"),
    ("'Single quotes' first", "'작은따옴표'"),
    ("=1+1", "=SUM(A1)"),
    ("-5", "- Yes, sir."),
    ("@x mentions", "+1 and -1"),
    ("1-1", "2-1"),
    ("0,1", "1,2,3"),
    ("TRUE", "3/4"),
    ("  leading and trailing  ", " 앞뒤 공백 "),
    ("Tab\there", "Back\\slash \\n is not a newline"),
    ("Line\nbreak", "줄\r\n바꿈"),
    ("semi;colon, and comma", "한국어 문장입니다."),
    ("00123", "1e5"),
    ("+1", "2024-01-01"),
]
DOC_IDS = ("doc\t1", "=cmd|' /C calc'!A0")
HEADER = ["en", "ko", "score", "flags", "type", "en_ids", "ko_ids", "doc_id"]

# how the excel TSV shows a text: the text itself, except these
SHOWN = {
    "=1+1": "'=1+1",
    "=SUM(A1)": "'=SUM(A1)",
    "- Yes, sir.": "'- Yes, sir.",
    "@x mentions": "'@x mentions",
    "+1 and -1": "'+1 and -1",
    "Line\nbreak": "Line\\nbreak",
    "줄\r\n바꿈": "줄\\r\\n바꿈",
    "=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0",
}
# ... and, with LibreOffice's default import, a text that is wholly a number or an ISO
# date opens as one (ticking "Format quoted field as text" keeps it text)
AS_NUMBER = {"-5": -5, "00123": 123, "1e5": 100000, "+1": 1, "2024-01-01": datetime(2024, 1, 1)}


def _result() -> DocumentAlignment:
    pairs = []
    for k, (s, t) in enumerate(TEXTS):
        src = (k,) if k % 3 else (k, k + 1)  # 2-1 pairs: ids "0,1"
        flags = ("length_outlier", "number_mismatch") if k % 2 else ()
        pairs.append(Pair(src, (k,), s, t, 0.5 + k / 100, 0.7, 0.4, {}, flags))
    pairs.append(Pair((), (len(TEXTS),), "", "영어가 없는 문장", 0.9))  # an omission: 0-1, no ids
    return DocumentAlignment(
        pairs,
        [Sentence(i, "") for i in range(len(TEXTS) + 1)],
        [Sentence(j, "") for j in range(len(TEXTS) + 1)],
        Signature("0.1.0", "test-model", "en", "ko", {"max_merge": 4}),
        DOC_IDS[0],
    )


def _results() -> list[DocumentAlignment]:
    first = _result()
    second = _result()
    second.doc_id = DOC_IDS[1]
    second.pairs = second.pairs[:3]
    return [first, second]


def _expected(text_value: Any, lone_id_number: bool = False) -> list[list[Any]]:
    """The rows a spreadsheet should show; ``text_value(text)`` maps a text cell.

    ``lone_id_number``: a single id ("7") opens as the number 7 (shown the same).
    """

    def ids(x: tuple[int, ...]) -> Any:
        return x[0] if lone_id_number and len(x) == 1 else ",".join(map(str, x))

    rows: list[list[Any]] = [HEADER]
    for result in _results():
        for p in result.pairs:
            rows.append(
                [
                    text_value(p.src_text),
                    text_value(p.tgt_text),
                    round(p.score, 4),
                    ",".join(p.flags),
                    p.kind,
                    ids(p.src),
                    ids(p.tgt),
                    text_value(result.doc_id),
                ]
            )
    return rows


# ------------------------------------------------------------------- soffice


@pytest.fixture(scope="module")
def soffice(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but soffice is missing: apt-get install libreoffice-calc-nogui")
        pytest.skip("soffice is not installed (Debian: apt-get install libreoffice-calc-nogui)")
    # a profile of our own, so parallel runs and a user's LibreOffice never clash
    return exe, tmp_path_factory.mktemp("lo-profile")


def _csv_filter(
    seps: str = "9",
    quoted_as_text: bool = False,
    special: bool = False,
    evaluate: bool = False,
    lang: int = 1033,
) -> str:
    """A Text CSV import filter string: separators, ``"``, UTF-8, from row 1, lang, flags."""

    def b(x: bool) -> str:
        return "true" if x else "false"

    return f"Text - txt - csv (StarCalc):{seps},34,76,1,,{lang},{b(quoted_as_text)},{b(special)},false,false,false,-1,{b(evaluate)}"


def _open_in_calc(soffice: tuple[str, Path], src: Path, infilter: str | None = None) -> list[list[Any]]:
    """Open ``src`` in LibreOffice, save it as XLSX, return the cells (formulas as ``("f", text)``)."""
    from openpyxl import load_workbook

    exe, profile = soffice
    out = src.parent / f"calc-{src.stem}-{abs(hash(infilter))}"
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", "xlsx", "--outdir", str(out), str(src)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    target = out / (src.stem + ".xlsx")
    assert target.exists(), f"soffice wrote nothing: {done.returncode} {done.stdout} {done.stderr}"
    rows = []
    for row in load_workbook(target).active.iter_rows():
        rows.append(
            [("f", c.value) if c.data_type == "f" else ("" if c.value is None else c.value) for c in row]
        )
    width = len(HEADER)
    return [r + [""] * (width - len(r)) for r in rows]


def _write(tmp_path: Path, fmt: str, name: str) -> Path:
    path = tmp_path / name
    write(_results(), fmt, path)
    return path


def _shown(text: str) -> str:
    return SHOWN.get(text, text)


def _shown_default(text: str) -> Any:
    return AS_NUMBER.get(text, _shown(text))


# --------------------------------------------------------------- excel TSV


@pytest.mark.office
def test_excel_tsv_opens_as_written_with_default_import(soffice, tmp_path):
    # LibreOffice's defaults for a .tsv: tab only, string delimiter ", quoted fields not
    # forced to text, no special numbers, formulas not evaluated
    got = _open_in_calc(soffice, _write(tmp_path, "excel", "pairs.tsv"), _csv_filter())
    assert got == _expected(_shown_default, lone_id_number=True)
    assert got[1][0] == '"I yelled at everyone to get out of the way."'  # the sentence


@pytest.mark.office
def test_excel_tsv_quoted_fields_as_text_keep_numbers_and_dates_as_written(soffice, tmp_path):
    got = _open_in_calc(soffice, _write(tmp_path, "excel", "pairs.tsv"), _csv_filter(quoted_as_text=True))
    assert got == _expected(_shown)
    assert [r[0] for r in got if r[0] in ("00123", "-5", "+1")] == ["-5", "00123", "+1"]


@pytest.mark.office
def test_excel_tsv_never_runs_a_formula_even_when_formulas_are_evaluated(soffice, tmp_path):
    # soffice's own default when no dialog is shown: "Evaluate formulas" on
    path = _write(tmp_path, "excel", "pairs.tsv")
    for infilter in (_csv_filter(evaluate=True), _csv_filter(evaluate=True, special=True)):
        got = _open_in_calc(soffice, path, infilter)
        assert not [c for row in got for c in row if isinstance(c, tuple)], infilter
        assert got[4][:2] == ["'=1+1", "'=SUM(A1)"]
        assert got[-1][7] == "'=cmd|' /C calc'!A0"


@pytest.mark.office
def test_excel_tsv_as_csv_with_comma_and_semicolon_separators_too(soffice, tmp_path):
    # LibreOffice's default separators for a .csv/.txt are tab, comma and semicolon:
    # the quotes keep "0,1", "a, b" and "semi;colon" in their cells
    path = _write(tmp_path, "excel", "pairs.csv")
    assert _open_in_calc(soffice, path, _csv_filter(seps="9/44/59")) == _expected(
        _shown_default, lone_id_number=True
    )


@pytest.mark.office
def test_excel_tsv_columns_survive_special_number_detection(soffice, tmp_path):
    got = _open_in_calc(soffice, _write(tmp_path, "excel", "pairs.tsv"), _csv_filter(special=True))
    want = _expected(_shown_default, lone_id_number=True)
    # flags, type ("1-1", "2-1", "0-1"), ids ("0,1"), doc ids stay text; scores numbers
    assert [r[2:] for r in got] == [r[2:] for r in want]
    assert all(isinstance(r[2], float) for r in got[1:])


@pytest.mark.office
def test_excel_tsv_quoted_fields_as_text_in_a_comma_decimal_locale(soffice, tmp_path):
    # German: "0,1" would be the number 0.1; quoted fields as text keep it
    got = _open_in_calc(
        soffice, _write(tmp_path, "excel", "pairs.tsv"), _csv_filter(quoted_as_text=True, lang=1031)
    )
    want = _expected(_shown)
    assert [r[:2] + r[3:] for r in got] == [r[:2] + r[3:] for r in want]


def test_excel_tsv_bytes(tmp_path):
    raw = _write(tmp_path, "excel", "pairs.tsv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\n")
    assert lines[-1] == "" and len(lines) - 2 == sum(len(r.pairs) for r in _results())  # a pair a line
    assert lines[0] == "\t".join(f'"{h}"' for h in HEADER)
    assert lines[1].split("\t")[:4] == [
        '"""I yelled at everyone to get out of the way."""',
        '"""모두 비키라고 소리쳤다."""',
        "0.5000",
        '""',
    ]
    assert lines[4].startswith('"\'=1+1"\t"\'=SUM(A1)"\t')
    assert lines[5].startswith('"-5"\t"\'- Yes, sir."\t')  # a plain number runs nothing: no apostrophe
    assert '"Tab\there"\t"Back\\slash \\n is not a newline"' in lines[11]


# --------------------------------------------------------------------- xlsx

XML_ILLEGAL = "x\x00\x01\x08\x0b\x0c\x0e\x1f\ud800\udfff\ufffe\uffffy"


@pytest.mark.office
def test_xlsx_opens_as_written(soffice, tmp_path):
    results = _results()
    results[0].pairs.append(Pair((99,), (99,), XML_ILLEGAL, "ok\ufffe", 0.5))
    path = tmp_path / "pairs.xlsx"
    write(results, "xlsx", path)
    got = _open_in_calc(soffice, path)
    # xlsx: every text exactly, typed as text (LibreOffice reads a carriage return as a
    # line feed)
    want = _expected(lambda text: text.replace("\r\n", "\n"))
    assert got[: len(want) - 3] == want[: len(want) - 3]
    assert got[len(want) - 3][:2] == ["xy", "ok"]  # the illegal characters removed, nothing else
    assert got[len(want) - 2 :] == want[len(want) - 3 :]
    assert all(isinstance(r[2], float) for r in got[1:])


def test_xml_safe_removes_exactly_what_xml_forbids():
    every = "".join(chr(c) for c in range(0x110000))

    def legal(c: int) -> bool:
        return (
            c in (0x9, 0xA, 0xD) or 0x20 <= c <= 0xD7FF or 0xE000 <= c <= 0xFFFD or 0x10000 <= c <= 0x10FFFF
        )

    assert xml_safe(every) == "".join(chr(c) for c in range(0x110000) if legal(c))
    assert xml_safe(XML_ILLEGAL) == "xy"
    assert xml_safe("tab\tline\ncr\r한국어 🎉") == "tab\tline\ncr\r한국어 🎉"


def test_xlsx_and_tmx_write_xml_illegal_text(tmp_path):
    from openpyxl import load_workbook

    r = _result()
    r.pairs = [
        Pair((0,), (0,), XML_ILLEGAL, "\ufffe\uffff한국어", 0.5),
        Pair((1,), (1,), "=1+1", "\ud800", 0.6),
    ]
    r.doc_id = "doc\uffff"
    write([r], "xlsx", tmp_path / "a.xlsx")  # used to raise IllegalCharacterError / ValueError
    rows = list(load_workbook(tmp_path / "a.xlsx").active.iter_rows(min_row=2, values_only=True))
    assert [row[:2] for row in rows] == [("xy", "한국어"), ("=1+1", None)]
    assert {row[7] for row in rows} == {"doc"}
    write([r], "tmx", tmp_path / "a.tmx")
    segs = [s.text for s in ET.parse(tmp_path / "a.tmx").getroot().iter("seg")]
    assert segs == ["xy", "한국어", "=1+1", None]
