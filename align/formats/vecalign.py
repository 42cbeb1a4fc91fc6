"""Vecalign's alignment format: ``[0, 1]:[0]:0.812300`` per line.

Ids are 0-based sentence indices (with ``--presplit``: 0-based line numbers), so the
file scores directly with Vecalign-style scorers.  The first line is a ``#`` comment
with the align signature.  Several documents are separated by
a blank line.
"""

from __future__ import annotations

from typing import IO

from ..result import DocumentAlignment, Pair
from .base import Format, Written, count

__all__ = ["Vecalign", "format_pair"]


def format_pair(p: Pair) -> str:
    return "[{}]:[{}]:{:.6f}".format(", ".join(map(str, p.src)), ", ".join(map(str, p.tgt)), p.score)


class Vecalign(Format):
    """Source ids, target ids and score per line, for Vecalign-style scorers."""

    name = "vecalign"
    suffix = "align"
    carries = frozenset({"ids", "scores", "omissions", "signature"})

    def write_text(
        self, results: list[DocumentAlignment], stream: IO[str], pairs: list[list[Pair]]
    ) -> Written:
        if results:
            stream.write(f"# {results[0].signature}\n")  # scorers skip comment lines
        for k, kept in enumerate(pairs):
            if k:
                stream.write("\n")
            for p in kept:
                stream.write(format_pair(p) + "\n")
        return Written(count(pairs))
