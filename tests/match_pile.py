"""The match fixture pile (``tests/fixtures/match``), described once for every test that uses it.

Six English articles and their Korean translations under unrelated names, two English
articles with no counterpart (one on the same story as a paired one) and two Korean ones
(one on the same topic as a paired one); all written for these tests.
"""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "match"
EXPECTED = {
    "bakery-award.txt": "doc-5120.txt",
    "chess-students.txt": "doc-1618.txt",
    "library-reopens.txt": "doc-4471.txt",
    "marathon.txt": "doc-0932.txt",
    "river-cleanup.txt": "doc-3141.txt",
    "volcano-sensors.txt": "doc-2718.txt",
}
"""English file -> its Korean translation."""
LONELY_EN = {"marathon-results.txt", "weather-week.txt"}
LONELY_KO = {"doc-6502.txt", "doc-8080.txt"}


def manifest_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a TSV that ``align match`` wrote (manifest or unmatched report)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t")
    return [dict(zip(head, line.split("\t"), strict=True)) for line in lines[1:]]


def manifest_pairs(manifest: Path) -> dict[str, str]:
    """A manifest's pairs by file name: English -> Korean."""
    return {Path(r["en_path"]).name: Path(r["ko_path"]).name for r in manifest_rows(manifest)}
