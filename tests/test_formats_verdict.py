"""The review page gives a document the verdict ``align pair`` gives it (real CLI, real model).

A document whose matched pairs are all copies (each target sentence is its source left
as it was) is no translation: ``align pair`` gives it translation probability 0.  The
review page once recomputed the verdict without the copies and showed about 0.69.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import run_cli
from tests.records import review_verdicts

# English sentences with a little Korean in each: both files pass the language checks
# (some Hangul on the Korean side, mostly not Hangul on the English side)
SENTENCES = [
    "The new Harbor Bridge opened to traffic on Friday morning. 새 다리가 열렸다.",
    "Mayor Kim cut the ribbon at a ceremony with many residents. 시장이 테이프를 잘랐다.",
    "The bridge is long and has six lanes for cars and bikes. 다리는 길다.",
    "Engineers designed it to withstand a strong earthquake. 지진에 강하다.",
]


def _copies(tmp_path: Path) -> tuple[Path, Path]:
    en, ko = tmp_path / "copied.en.txt", tmp_path / "copied.ko.txt"
    en.write_text("\n\n".join(SENTENCES) + "\n", encoding="utf-8")
    # the same sentences; one lower-case letter so that the files are not identical
    ko.write_text("\n\n".join(SENTENCES).replace("The new", "the new") + "\n", encoding="utf-8")
    return en, ko


def test_review_page_shows_the_verdict_of_align_pair_for_copies(tmp_path):
    en, ko = _copies(tmp_path)
    saved = tmp_path / "copied.jsonl"
    proc = run_cli("pair", str(en), str(ko), "-f", "jsonl", "-o", str(saved))
    assert proc.returncode == 0, proc.stderr
    said = re.search(r"translation probability ([0-9.]+)", proc.stderr.decode("utf-8"))
    assert said and float(said.group(1)) == 0.0  # what `align pair` says
    records = [json.loads(ln) for ln in saved.read_text(encoding="utf-8").splitlines()]
    matched = [r for r in records if r["src_ids"] and r["tgt_ids"]]
    assert matched and all(r["src"].lower() == r["tgt"].lower() for r in matched)  # all copies
    page = tmp_path / "copied.html"
    proc = run_cli("review", str(saved), "-o", str(page))
    assert proc.returncode == 0, proc.stderr
    (verdict,) = review_verdicts(page.read_text(encoding="utf-8"))
    assert verdict["shown"] == "0%" and verdict["bad"]
