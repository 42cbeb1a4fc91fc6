"""One JSONL reader: ``align evaluate --project`` and ``align export`` read a record alike.

JSON keeps U+2028, U+2029 and U+0085 raw inside a string (align writes them so), and
``str.splitlines`` breaks a line there: the evaluation's own reader cut such a record in
two and refused the file.  Both now split lines the way the readers of align's output do.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.errors import InputError
from align.evaluate import alignments_from_jsonl
from align.formats.readers import read_results
from tests.records import jsonl_record

ODD = ["A line\u2028separator.", "A next\x85line.", "A paragraph\u2029separator."]
KO = ["줄\u2028구분.", "다음\x85줄.", "문단\u2029구분."]


def _saved(tmp_path: Path) -> Path:
    recs = [
        jsonl_record(src_ids=[k], tgt_ids=[k], src=s, tgt=t, src_offsets=None, tgt_offsets=None)
        for k, (s, t) in enumerate(zip(ODD, KO, strict=True))
    ]
    path = tmp_path / "odd.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    return path


def test_evaluate_reads_texts_that_hold_line_separators(tmp_path):
    path = _saved(tmp_path)
    assert [p.src_text for p in read_results(path)[0].pairs] == ODD  # export, filter, review
    assert alignments_from_jsonl(path, ODD, KO) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]


def test_one_json_decoding_for_every_reader():
    from align.formats.readers import RecordError, json_object, numbered_lines

    assert numbered_lines('{"a": 1}\n\n {"b": "x\u2028y"}\r\n') == [
        (1, '{"a": 1}'),
        (3, ' {"b": "x\u2028y"}\r'),
    ]
    assert json_object('{"s": NaN}', allow_nan=True)["s"] != 0
    for bad, why in (
        ("[1]", "not a JSON object"),
        ("{", "not valid JSON"),
        ('{"s": NaN}', "NaN is not valid JSON"),
    ):
        with pytest.raises(RecordError, match=why):
            json_object(bad)


def test_evaluate_still_names_the_bad_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"src": "a", "tgt": "b"}\n\n{"src": 1, "tgt": "b"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="not a record of align's JSONL output") as err:
        alignments_from_jsonl(path, ["a"], ["b"])
    assert err.value.line == 3
