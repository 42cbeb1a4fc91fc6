"""Writers for alignment results, one module per format, all written atomically."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO

from ..errors import AlignError
from ..result import DocumentAlignment, Pair
from . import jsonl, tsv, vecalign
from .atomic import atomic_writer

__all__ = ["FORMATS", "atomic_writer", "filter_pairs", "write", "write_stream"]

FORMATS = {"tsv": tsv, "jsonl": jsonl, "vecalign": vecalign}


def filter_pairs(pairs: Iterable[Pair], min_score: float | None, drop_nulls: bool) -> list[Pair]:
    """Pairs kept by ``--min-score`` (which also drops omissions) and ``--drop-nulls``."""
    out = []
    for p in pairs:
        if (drop_nulls or min_score is not None) and p.is_null:
            continue
        if min_score is not None and p.score < min_score:
            continue
        out.append(p)
    return out


def write_stream(
    results: list[DocumentAlignment], fmt: str, stream: IO[str], pairs: list[list[Pair]] | None = None
) -> None:
    """Write ``results`` (optionally only the given pairs of each) to an open text stream."""
    try:
        module = FORMATS[fmt]
    except KeyError:
        raise AlignError(f"unknown format '{fmt}': choose one of {', '.join(FORMATS)}") from None
    module.write(results, stream, pairs or [r.pairs for r in results])


def write(
    results: list[DocumentAlignment], fmt: str, path: str | Path, pairs: list[list[Pair]] | None = None
) -> None:
    """Write to ``path`` atomically: the file appears complete or not at all."""
    with atomic_writer(path) as f:
        write_stream(results, fmt, f, pairs)
