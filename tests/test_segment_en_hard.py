"""Hand-written English hard cases (issue 17, category 4): abbreviations before a new
sentence, e-mail lines run into the sentence before them, lower-case sentence starts.

Each case in ``fixtures/segment_hard_en.jsonl`` gives the text the splitter gets and
the exact sentences expected from it, counter-cases (one sentence) included.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.segment import split_sentences

FIXTURE = Path(__file__).parent / "fixtures" / "segment_hard_en.jsonl"
CATEGORIES = {"en-abbrev", "en-email", "en-lowercase"}


def _cases() -> list[dict]:
    with open(FIXTURE, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


CASES = _cases()


def test_fixture_is_well_formed():
    assert len(CASES) >= 15
    for case in CASES:
        assert case["category"] in CATEGORIES
        # the text is the sentences joined by one space (what the splitter sees)
        assert case["text"] == " ".join(case["sentences"])
    for category in CATEGORIES:
        cases = [c for c in CASES if c["category"] == category]
        assert any(len(c["sentences"]) > 1 for c in cases), category
        assert any(len(c["sentences"]) == 1 for c in cases), category


@pytest.mark.parametrize("case", CASES, ids=[f"{c['category']}-{k}" for k, c in enumerate(CASES)])
def test_exact_split(case):
    segments = split_sentences(case["text"], "en")
    assert [s.text for s in segments] == case["sentences"]
    for s in segments:
        assert case["text"][s.start : s.end] == s.text


# A sentence glued to the one before it (the space after the period lost): cut after a
# word all in lower case or a year, before a capitalised word; names, domains and
# abbreviations keep their period.
GLUED = [
    ("Nobody came to learn.Learning takes time.", ["Nobody came to learn.", "Learning takes time."]),
    ("The plant opened in 2012.It closed last year.", ["The plant opened in 2012.", "It closed last year."]),
    ("She said it was over.”Then she left.", ["She said it was over.”", "Then she left."]),
    ("He met Mr.Kim and moved to St.Louis in May.", ["He met Mr.Kim and moved to St.Louis in May."]),
    ("Tickets are sold on Yahoo.Com and Ask.Fm only.", ["Tickets are sold on Yahoo.Com and Ask.Fm only."]),
    (
        "It opens at 9 a.m.Monday and closes at 3.30 p.m.",
        ["It opens at 9 a.m.Monday and closes at 3.30 p.m."],
    ),
    (
        "The bill passed the country.Sen. Lee voted no.",
        ["The bill passed the country.", "Sen. Lee voted no."],
    ),
]


@pytest.mark.parametrize(("text", "expected"), GLUED)
def test_glued_sentences(text, expected):
    assert [s.text for s in split_sentences(text, "en")] == expected
