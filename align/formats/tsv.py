"""TSV: one pair per line, header row, UTF-8 without BOM, reversible escapes.

Columns: ``<src_lang>``, ``<tgt_lang>`` (texts), ``score``, ``flags`` (comma
separated), ``type`` (``2-1``: source count first), ``<src_lang>_ids``, ``<tgt_lang>_ids`` (0-based sentence indices, comma
separated, empty for an omission), ``doc_id``.  A backslash, tab, newline or carriage
return inside a text is written as two characters (a backslash, then the same
character, ``t``, ``n`` or ``r``); other control and line-separator characters, and
lone surrogates (which UTF-8 cannot carry), as a backslash, ``u`` and four hex digits.  One pair is always one line, whatever splits
lines, and :func:`unescape` restores the text exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import IO

from ..result import DocumentAlignment, Pair
from .base import Format, Written, count

__all__ = ["TSV", "escape", "header", "lines", "unescape"]

_ESC = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESC = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
# other characters that some consumers treat as line breaks (str.splitlines does)
_AS_CODE = {chr(c) for c in range(32) if chr(c) not in _ESC} | {"\x7f", "\x85", "\u2028", "\u2029"}


_SPECIAL = re.compile("[" + "".join(re.escape(c) for c in sorted({*_ESC, *_AS_CODE})) + "\ud800-\udfff]")
"""Every character that :func:`escape` rewrites (a lone surrogate cannot be UTF-8)."""


def _code(m: re.Match[str]) -> str:
    c = m.group()
    return _ESC.get(c) or f"\\u{ord(c):04x}"


def escape(text: str) -> str:
    return _SPECIAL.sub(_code, text)


def unescape(text: str) -> str:
    if "\\" not in text:
        return text
    out = []
    k, n = 0, len(text)
    while k < n:
        c = text[k]
        if c == "\\" and k + 1 < n:
            nxt = text[k + 1]
            if nxt == "u" and k + 6 <= n:
                try:
                    out.append(chr(int(text[k + 2 : k + 6], 16)))
                    k += 6
                    continue
                except ValueError:
                    pass
            out.append(_UNESC.get(nxt, "\\" + nxt))
            k += 2
        else:
            out.append(c)
            k += 1
    return "".join(out)


def header(src_lang: str, tgt_lang: str) -> list[str]:
    s, t = (src_lang, tgt_lang) if src_lang != tgt_lang else ("src", "tgt")
    return [s, t, "score", "flags", "type", f"{s}_ids", f"{t}_ids", "doc_id"]


def _plain(value: str) -> str:
    return value


def _ids(ids: tuple[int, ...]) -> str:
    return ",".join(map(str, ids))


def lines(
    results: list[DocumentAlignment],
    pairs: list[list[Pair]],
    text: Callable[[str], str] = escape,
    field: Callable[[str], str] = _plain,
) -> list[str]:
    """The header and one line per pair, without line ends.

    ``text`` writes the two texts and the document id, ``field`` every other cell but
    the score (the excel format quotes them all)."""
    src_lang = results[0].src_lang if results else "src"
    tgt_lang = results[0].tgt_lang if results else "tgt"
    out = ["\t".join(field(name) for name in header(src_lang, tgt_lang))]
    for result, kept in zip(results, pairs, strict=True):
        doc = text(result.doc_id)
        for p in kept:
            row = [
                text(p.src_text),
                text(p.tgt_text),
                f"{p.score:.4f}",
                field(",".join(p.flags)),
                field(p.kind),
                field(_ids(p.src)),
                field(_ids(p.tgt)),
                doc,
            ]
            out.append("\t".join(row))
    return out


class TSV(Format):
    """One pair per line with a header row; reads back exactly (``unescape``)."""

    name = "tsv"
    suffix = "tsv"
    readable = True
    carries = frozenset({"texts", "ids", "scores", "flags", "omissions", "doc_id"})

    def write_text(
        self, results: list[DocumentAlignment], stream: IO[str], pairs: list[list[Pair]]
    ) -> Written:
        for line in lines(results, pairs):
            stream.write(line + "\n")
        return Written(count(pairs))
