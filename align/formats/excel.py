"""Excel-safe TSV: the file a translator double-clicks.

UTF-8 with a byte-order mark (without it Excel reads UTF-8 as the local code page and
Korean turns to mojibake), the same columns and escapes as the ``tsv`` format, and
every cell that starts with a formula trigger (``= + - @``, tab, carriage return)
prefixed with an apostrophe, as OWASP recommends against CSV injection.
"""

from __future__ import annotations

from typing import IO

from ..result import DocumentAlignment, Pair
from . import tsv

__all__ = ["BOM", "neutralise", "write"]

BOM = "\ufeff"
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Prefix a cell that Excel would run as a formula with an apostrophe."""
    return "'" + cell if cell.startswith(_TRIGGERS) else cell


def write(results: list[DocumentAlignment], stream: IO[str], pairs: list[list[Pair]]) -> None:
    stream.write(BOM)
    for k, line in enumerate(tsv.lines(results, pairs)):
        cells = line.split("\t")
        if k:  # the header has no triggers; data cells: texts, flags, ids, doc id
            cells = [neutralise(c) for c in cells]
        stream.write("\t".join(cells) + "\n")
