"""TSV: one pair per line, header row, UTF-8 without BOM, reversible escapes.

Columns: ``<src_lang>``, ``<tgt_lang>`` (texts), ``score``, ``flags`` (comma
separated), ``type`` (``2-1``: source count first), ``<src_lang>_ids``, ``<tgt_lang>_ids`` (0-based sentence indices, comma
separated, empty for an omission), ``doc_id``.  A backslash, tab, newline or carriage
return inside a text is written as ``\\\\``, ``\\t``, ``\\n``, ``\\r``, so one pair is
always one line and :func:`unescape` restores the text exactly.
"""

from __future__ import annotations

from typing import IO

from ..result import DocumentAlignment, Pair

__all__ = ["escape", "header", "unescape", "write"]

_ESC = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESC = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def escape(text: str) -> str:
    return "".join(_ESC.get(c, c) for c in text)


def unescape(text: str) -> str:
    out = []
    it = iter(text)
    for c in it:
        if c == "\\":
            nxt = next(it, "")
            out.append(_UNESC.get(nxt, "\\" + nxt))
        else:
            out.append(c)
    return "".join(out)


def header(src_lang: str, tgt_lang: str) -> list[str]:
    s, t = (src_lang, tgt_lang) if src_lang != tgt_lang else ("src", "tgt")
    return [s, t, "score", "flags", "type", f"{s}_ids", f"{t}_ids", "doc_id"]


def _ids(ids: tuple[int, ...]) -> str:
    return ",".join(map(str, ids))


def write(results: list[DocumentAlignment], stream: IO[str], pairs: list[list[Pair]]) -> None:
    src_lang = results[0].src_lang if results else "src"
    tgt_lang = results[0].tgt_lang if results else "tgt"
    stream.write("\t".join(header(src_lang, tgt_lang)) + "\n")
    for result, kept in zip(results, pairs, strict=True):
        doc = escape(result.doc_id)
        for p in kept:
            row = [
                escape(p.src_text),
                escape(p.tgt_text),
                f"{p.score:.4f}",
                ",".join(p.flags),
                p.kind,
                _ids(p.src),
                _ids(p.tgt),
                doc,
            ]
            stream.write("\t".join(row) + "\n")
