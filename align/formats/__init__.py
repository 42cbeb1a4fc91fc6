"""Writers for alignment results, one module per format, all written atomically."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO

from ..errors import AlignError
from ..result import DocumentAlignment, Pair
from . import excel, jsonl, moses, tmx, tsv, vecalign, xlsx
from .atomic import atomic_group, atomic_path, atomic_writer, check_outputs

__all__ = [
    "FILE_ONLY", "FORMATS", "atomic_writer", "check_outputs", "filter_pairs", "output_paths", "write", "write_stream",
]  # fmt: skip

FORMATS = {
    "tsv": tsv, "excel": excel, "xlsx": xlsx, "tmx": tmx, "jsonl": jsonl, "moses": moses, "vecalign": vecalign,
}  # fmt: skip
FILE_ONLY = {"xlsx", "moses"}
_UNENCODABLE = "replace"
"""A lone surrogate (only a library caller can pass one) becomes ``?``: UTF-8 cannot hold it.
TSV and the excel TSV escape it as ``\\udXXX`` before it gets here."""
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


def output_paths(fmt: str, path: str | Path, src_lang: str, tgt_lang: str) -> list[Path]:
    """Every file that writing ``fmt`` to ``path`` creates (Moses: ``path.<src>`` and ``path.<tgt>``)."""
    _module(fmt)
    if fmt == "moses":
        return list(moses.paths(path, src_lang, tgt_lang))
    return [Path(path)]


def write(
    results: list[DocumentAlignment], fmt: str, path: str | Path, pairs: list[list[Pair]] | None = None
) -> None:
    """Write to ``path`` atomically: the file appears complete or not at all.

    ``moses`` writes ``path.<src_lang>`` and ``path.<tgt_lang>``: both or neither.
    """
    module = _module(fmt)
    kept = pairs or [r.pairs for r in results]
    if fmt == "xlsx":
        import io

        buffer = io.BytesIO()  # openpyxl's zip writer must never meet a failing disk
        module.write_file(results, buffer, kept)
        with atomic_path(path) as tmp, open(tmp, "wb") as f:
            f.write(buffer.getbuffer())
    elif fmt == "moses":
        src_lang = results[0].src_lang if results else "src"
        tgt_lang = results[0].tgt_lang if results else "tgt"
        targets = output_paths(fmt, path, src_lang, tgt_lang)
        with (
            atomic_group(targets) as (src_tmp, tgt_tmp),
            open(src_tmp, "w", encoding="utf-8", newline="\n", errors=_UNENCODABLE) as fs,
            open(tgt_tmp, "w", encoding="utf-8", newline="\n", errors=_UNENCODABLE) as ft,
        ):
            module.write(kept, fs, ft)
    else:
        with atomic_writer(path, encoding="utf-8", errors=_UNENCODABLE) as f:
            write_stream(results, fmt, f, kept)
