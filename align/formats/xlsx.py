"""XLSX workbook via openpyxl (MIT): text cells forced to text, scores as numbers.

One sheet ``pairs`` with a frozen, bold header, readable column widths and the
document id; every text cell is written with the string type, so a sentence that
starts with ``=`` stays text and never runs as a formula.  The align signature goes
into the workbook's description property.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

from ..result import DocumentAlignment, Pair
from . import tsv
from ._xml import xml_safe
from .atomic import atomic_path
from .base import Format, Written, count

__all__ = ["XLSX", "write_workbook"]


class XLSX(Format):
    """An Excel workbook: texts as text (never formulas), scores as numbers."""

    name = "xlsx"
    suffix = "xlsx"
    file_only = True
    carries = frozenset({"texts", "ids", "scores", "flags", "omissions", "doc_id", "signature"})

    def write_file(self, results: list[DocumentAlignment], path: Path, pairs: list[list[Pair]]) -> Written:
        buffer = io.BytesIO()  # openpyxl's zip writer must never meet a failing disk
        write_workbook(results, buffer, pairs)
        with atomic_path(path) as tmp, open(tmp, "wb") as f:
            f.write(buffer.getbuffer())
        return Written(count(pairs))


def write_workbook(
    results: list[DocumentAlignment], path: str | Path | BinaryIO, pairs: list[list[Pair]]
) -> None:
    """The workbook, saved to a file name or a binary stream."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "pairs"
    src_lang = results[0].src_lang if results else "src"
    tgt_lang = results[0].tgt_lang if results else "tgt"
    head = tsv.header(src_lang, tgt_lang)
    ws.append(head)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    r = 2
    for result, kept in zip(results, pairs, strict=True):
        for p in kept:
            values: list[str | float] = [
                p.src_text,
                p.tgt_text,
                round(p.score, 4),
                ",".join(p.flags),
                p.kind,
                ",".join(map(str, p.src)),
                ",".join(map(str, p.tgt)),
                result.doc_id,
            ]
            for c, value in enumerate(values, 1):
                cell = ws.cell(row=r, column=c)
                if isinstance(value, float):
                    cell.value = value
                    cell.number_format = "0.0000"
                else:
                    cell.value = _clean(value)
                    cell.data_type = TYPE_STRING  # never a formula
                    if c <= 2:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
            r += 1
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (60, 60, 8, 18, 6, 10, 10, 18), strict=True):
        ws.column_dimensions[letter].width = width
    if results:
        wb.properties.description = _clean(str(results[0].signature))
        wb.properties.creator = "align"
    wb.save(path if hasattr(path, "write") else str(path))  # a file name or a binary stream


def _clean(text: str) -> str:
    # a sheet is XML: a character XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF,
    # a lone surrogate) would make openpyxl refuse to save the whole workbook
    return xml_safe(text)
