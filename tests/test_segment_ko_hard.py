"""Issue 17, Korean categories 1-3: hand-written hard cases with their exact split.

The cases live in ``tests/fixtures/segment_hard_ko.jsonl`` (one JSON object a line:
``category``, ``text``, ``sentences``) so that ``scripts/bench_segment.py`` scores the
same cases.  Categories: ``ko-quote`` (quoted speech of several sentences closed by a
reporting particle, and quotations standing alone), ``ko-nopunct`` (a sentence that
ends without punctuation before the next one, and connectives that must not split),
``ko-dates`` (dotted dates, times, periods inside brackets).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from align.segment import split_sentences

FIXTURE = Path(__file__).parent / "fixtures" / "segment_hard_ko.jsonl"
CATEGORIES = ("ko-quote", "ko-nopunct", "ko-dates")


def _cases() -> list[dict]:
    with FIXTURE.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


CASES = _cases()


def test_fixture_format_and_size():
    counts = Counter(case["category"] for case in CASES)
    for cat in CATEGORIES:
        assert counts[cat] >= 15, cat
    assert set(counts) == set(CATEGORIES)
    for case in CASES:
        assert set(case) == {"category", "text", "sentences"}
        assert all(s == s.strip() and s for s in case["sentences"])
        # the sentences are the text's pieces, in order
        pos = 0
        for s in case["sentences"]:
            pos = case["text"].index(s, pos) + len(s)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['category']}-{i}" for i, c in enumerate(CASES)])
def test_korean_hard_case(case):
    segs = split_sentences(case["text"], "ko")
    assert [s.text for s in segs] == case["sentences"]
    for s in segs:
        assert case["text"][s.start : s.end] == s.text


@pytest.mark.parametrize("case", [c for c in CASES if len(c["sentences"]) > 1][:12])
def test_korean_hard_case_in_a_longer_paragraph(case):
    # the same split holds between other sentences and across lines
    text = "회의가 열렸다. " + case["text"] + " 모두 돌아갔다.\n다음 줄이다."
    expected = ["회의가 열렸다.", *case["sentences"], "모두 돌아갔다.", "다음 줄이다."]
    assert [s.text for s in split_sentences(text, "ko")] == expected
