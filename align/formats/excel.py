"""Excel-safe TSV: the file a translator double-clicks.

UTF-8 with a byte-order mark (without it Excel reads UTF-8 as the local code page and
Korean turns to mojibake), the ``tsv`` format's columns, one pair per line.  It is a
file to look at, not to read back (use ``tsv`` or ``jsonl`` for that), so each cell
is written for the spreadsheet's text import rather than for a parser:

* Every cell but the score is an RFC 4180 quoted string: ``"..."``, an inner ``"``
  doubled.  A spreadsheet takes a field that starts with ``"`` for a quoted field, so
  a sentence that is one whole quotation, written bare, lost its quote marks; quoted,
  it opens as written.  Quoting also keeps a tab inside a text in its cell, and keeps
  commas and semicolons (a text's, the ids' ``0,1``, the flags') from splitting cells
  where the file is opened as comma- or semicolon-separated (LibreOffice's default
  separators are tab, comma and semicolon; its newer versions tick tab alone for a
  ``.tsv``).
* A text is shown as it is: backslashes and tabs stay themselves.  Only a line
  break, which some text imports take for the end of the row even inside quotes,
  and the other control characters are written as the ``tsv`` format writes them
  (``\\n``, ``\\r``, ``\\u000b``...), so one pair stays one line.
* A cell that starts with ``= + - @``, a tab or a carriage return gets a leading
  apostrophe (OWASP, against CSV injection), unless the whole cell is a plain number
  such as ``-5``, which runs nothing.  Excel runs such cells as formulas, and so does
  LibreOffice for ``=`` when "Evaluate formulas" is on (the default when a file is
  converted or opened without the dialog).  The price: LibreOffice's text import
  shows the apostrophe (``'=1+1``) instead of hiding it.
* The score is a bare ``0.1234``: a number where the decimal separator is ``.``
  (English, Korean), text elsewhere.

What LibreOffice Calc 7.4 shows with its default import settings (tab, string
delimiter ``"``, "Format quoted field as text", "Detect special numbers" and "Evaluate
formulas" off; checked by tests/test_office.py): every cell as written, ``"I yelled
at everyone."``, ``1-1``, ``2-1``, ``0,1``, ``1,2,3``, ``TRUE``, ``3/4`` and ``-5``
included, except the apostrophe above and a text that is wholly a number or
an ISO date (``00123``, ``1e5``, ``+1``, ``2024-01-01``), which opens as that number
or date; ticking "Format quoted field as text" keeps those as written too.  "Detect
special numbers" turns ``3/4`` and ``TRUE`` into a date and a boolean, and a locale
whose decimal separator is ``,`` reads ids ``0,1`` as 0.1 unless quoted fields are
text.  The ``xlsx`` format has none of these limits.
"""

from __future__ import annotations

import re
from typing import IO

from ..result import DocumentAlignment, Pair
from . import tsv
from .base import Format, Written, count

__all__ = ["BOM", "Excel", "cell", "neutralise"]

BOM = "\ufeff"
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
# line breaks (and what some importers take for one) and other control characters;
# the tab is not here: inside a quoted cell it is just a character
_VISIBLE = re.compile("[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029\ud800-\udfff]")  # + lone surrogates
_NAMED = {"\n": "\\n", "\r": "\\r"}


def neutralise(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with an apostrophe."""
    if value.startswith(_TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _visible(match: re.Match[str]) -> str:
    c = match.group()
    return _NAMED.get(c) or f"\\u{ord(c):04x}"


def cell(value: str) -> str:
    """One quoted cell: line breaks and control characters made visible, neutralised."""
    text = neutralise(_VISIBLE.sub(_visible, value))
    return '"' + text.replace('"', '""') + '"'


class Excel(Format):
    """The ``tsv`` columns as a UTF-8 TSV with a BOM, every cell quoted for a spreadsheet."""

    name = "excel"
    suffix = "excel.tsv"
    carries = frozenset({"texts", "ids", "scores", "flags", "omissions", "doc_id"})

    def write_text(
        self, results: list[DocumentAlignment], stream: IO[str], pairs: list[list[Pair]]
    ) -> Written:
        stream.write(BOM)
        for line in tsv.lines(results, pairs, text=cell, field=cell):
            stream.write(line + "\n")
        return Written(count(pairs))
