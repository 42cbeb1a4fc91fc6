"""Writers for alignment results, one module per format, all written atomically."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO

from ..errors import AlignError
from ..result import DocumentAlignment, Pair
from . import excel, jsonl, moses, tmx, tsv, vecalign, xlsx
from .atomic import atomic_writer

__all__ = ["FILE_ONLY", "FORMATS", "atomic_writer", "filter_pairs", "write", "write_stream"]

FORMATS = {
    "tsv": tsv, "excel": excel, "xlsx": xlsx, "tmx": tmx, "jsonl": jsonl, "moses": moses, "vecalign": vecalign,
}  # fmt: skip
FILE_ONLY = {"xlsx", "moses"}
"""Formats written to files only (binary, or two files), never to standard output."""


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
    module = _module(fmt)
    if fmt in FILE_ONLY:
        raise AlignError(f"format '{fmt}' writes files, not standard output: give -o OUT")
    module.write(results, stream, pairs or [r.pairs for r in results])


def _module(fmt: str):  # type: ignore[no-untyped-def]
    try:
        return FORMATS[fmt]
    except KeyError:
        raise AlignError(f"unknown format '{fmt}': choose one of {', '.join(FORMATS)}") from None


def write(
    results: list[DocumentAlignment], fmt: str, path: str | Path, pairs: list[list[Pair]] | None = None
) -> None:
    """Write to ``path`` atomically: the file appears complete or not at all.

    ``moses`` writes ``path.<src_lang>`` and ``path.<tgt_lang>``.
    """
    module = _module(fmt)
    kept = pairs or [r.pairs for r in results]
    if fmt == "xlsx":
        import os
        import tempfile

        target = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
        os.close(fd)
        try:
            module.write_file(results, tmp, kept)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    elif fmt == "moses":
        module.write_file(results, path, kept)
    else:
        with atomic_writer(path, encoding="utf-8") as f:
            write_stream(results, fmt, f, kept)
