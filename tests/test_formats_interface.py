"""The formats' one interface: the registry, the facts each format declares, ``write``'s report."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from align import formats
from align.errors import AlignError
from align.formats import FILE_ONLY, FORMATS, output_paths, write, write_stream
from align.formats.readers import read_results
from align.result import DocumentAlignment, Pair, Sentence, Signature, Verdict


def _result(long_src: bool = False) -> DocumentAlignment:
    texts = [("The bank opened.", "은행이 문을 열었다."), ("x" * 2500 if long_src else "Rain.", "비.")]
    pairs = [
        Pair((k,), (k,), s, t, 0.9 - k / 10, 0.8, 0.3, {"cosine": 0.8}, ("length_outlier",) * k)
        for k, (s, t) in enumerate(texts)
    ]
    pairs.append(Pair((2,), (), "Only English.", "", 0.7))
    r = DocumentAlignment(
        pairs,
        [Sentence(i, "", i, 10 * i, 10 * i + 5) for i in range(3)],
        [Sentence(j, "", j, 10 * j, 10 * j + 5) for j in range(2)],
        Signature("0.1.0", "test-model", "en", "ko", {"max_merge": 4}),
        "d1",
    )
    r.verdict = Verdict(0.8, 0.85, 0.9, "test-model@v1")
    return r


def test_registry_holds_one_format_of_each_name_with_its_facts():
    assert list(FORMATS) == ["tsv", "excel", "xlsx", "tmx", "jsonl", "moses", "vecalign"]
    for name, fmt in FORMATS.items():
        assert isinstance(fmt, formats.Format) and fmt.name == name and formats.get(name) is fmt
        assert fmt.carries <= formats.FIELDS
        assert ("texts" in fmt.carries) is (name != "vecalign")
    assert FILE_ONLY == {name for name, f in FORMATS.items() if f.file_only} == {"xlsx", "moses"}
    assert {n for n, f in FORMATS.items() if f.readable} == {"tsv", "jsonl"}
    assert [f.file_name("corpus") for f in FORMATS.values()] == [
        "corpus.tsv", "corpus.excel.tsv", "corpus.xlsx", "corpus.tmx", "corpus.jsonl", "corpus", "corpus.align",
    ]  # fmt: skip
    assert output_paths("moses", "out/c", "en", "ko") == [Path("out/c.en"), Path("out/c.ko")]
    with pytest.raises(AlignError, match="unknown format 'csv': choose one of tsv, excel"):
        formats.get("csv")


def test_cli_offers_the_registry_formats():
    from align.cli import FORMAT_NAMES

    assert list(FORMATS) == FORMAT_NAMES


@pytest.mark.parametrize("name", sorted(FILE_ONLY))
def test_file_only_formats_refuse_a_stream(name):
    with pytest.raises(AlignError, match=f"format '{name}' writes files, not standard output"):
        FORMATS[name].write([_result()], io.StringIO())


@pytest.mark.parametrize("name", [n for n in FORMATS if n not in FILE_ONLY])
def test_a_stream_and_a_file_get_the_same_text(tmp_path, name):
    fmt = FORMATS[name]
    stream = io.StringIO()
    assert fmt.write([_result()], stream) == fmt.write([_result()], tmp_path / "out")
    text = (tmp_path / "out").read_text(encoding="utf-8")
    if name == "tmx":  # the creation date is the only difference a second apart can make
        stream_text, text = (t.split('creationdate="')[0] for t in (stream.getvalue(), text))
        assert stream_text == text
    else:
        assert stream.getvalue() == text


def test_write_reports_what_it_wrote():
    results = [_result()]
    Written = formats.Written
    assert write_stream(results, "tsv", io.StringIO()) == Written(3, 0)
    assert write_stream(results, "tmx", io.StringIO()) == Written(2, 0)  # no omissions in a TMX
    kept = [[results[0].pairs[0]]]
    assert write_stream(results, "jsonl", io.StringIO(), kept) == Written(1, 0)


def test_tmx_skipped_count_belongs_to_its_write(tmp_path):
    """The count of overlong segments came through a module global, overwritten by the next write."""
    first = write([_result(long_src=True)], "tmx", tmp_path / "a.tmx")
    second = write([_result()], "tmx", tmp_path / "b.tmx")
    assert (first.pairs, first.skipped) == (1, 1)
    assert (second.pairs, second.skipped) == (2, 0)
    assert first.skipped == 1  # still its own, after another write


def test_readable_formats_round_trip_what_they_carry(tmp_path):
    r = _result()
    for fmt in (f for f in FORMATS.values() if f.readable):
        fmt.write([r], tmp_path / fmt.file_name("a"))
        back = fmt.read(tmp_path / fmt.file_name("a"))[0]
        got, want = back.pairs, r.pairs
        assert [(p.src_text, p.tgt_text) for p in got] == [(p.src_text, p.tgt_text) for p in want]
        assert [(p.src, p.tgt) for p in got] == [(p.src, p.tgt) for p in want]  # ids and omissions
        assert [round(p.score, 4) for p in got] == [round(p.score, 4) for p in want]
        assert [p.flags for p in got] == [p.flags for p in want] and back.doc_id == r.doc_id
        assert back.calibrated is (True if "calibrated" in fmt.carries else None)
        assert (str(back.signature) == str(r.signature)) is ("signature" in fmt.carries)
        assert back.offsets_known is ("offsets" in fmt.carries)
        assert [p.features for p in got] == [p.features if "features" in fmt.carries else {} for p in want]


def test_formats_that_cannot_be_read_back_say_so(tmp_path):
    with pytest.raises(AlignError, match="format 'tmx' cannot be read back"):
        FORMATS["tmx"].read(tmp_path / "a.tmx")
    write([_result()], "tsv", tmp_path / "a.tsv")
    assert FORMATS["tsv"].read(tmp_path / "a.tsv")[0].pairs == read_results(tmp_path / "a.tsv")[0].pairs
