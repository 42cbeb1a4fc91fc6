"""Output formats, one :class:`~align.formats.base.Format` subclass each, all written atomically.

``FORMATS`` is the registry: ``--format`` name -> format.  Each format declares its own
facts (``suffix``, ``file_only``, ``by_language``, ``readable``, ``carries``); ask
:func:`get` for them rather than keeping a list elsewhere.  To add a format, subclass
:class:`Format` in a module of this package, fill in ``write_text`` (or ``write_file``
for bytes or several files) and add an instance to ``FORMATS``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from ..errors import AlignError
from ..result import DocumentAlignment, Pair
from .atomic import atomic_writer, check_outputs
from .base import FIELDS, Format, Written
from .excel import Excel
from .jsonl import JSONL
from .moses import Moses
from .tmx import TMX
from .tsv import TSV
from .vecalign import Vecalign
from .xlsx import XLSX

__all__ = [
    "FIELDS", "FILE_ONLY", "FORMATS", "Format", "Written", "atomic_writer", "check_outputs", "filter_pairs", "get",
    "output_paths", "write", "write_stream",
]  # fmt: skip

FORMATS: dict[str, Format] = {
    f.name: f for f in (TSV(), Excel(), XLSX(), TMX(), JSONL(), Moses(), Vecalign())
}
"""Every format by its ``--format`` name, in the order the CLI lists them."""
FILE_ONLY = frozenset(name for name, f in FORMATS.items() if f.file_only)
"""Formats written to files only (binary, or two files), never to standard output."""


def get(fmt: str) -> Format:
    """The format named ``fmt``; an :class:`AlignError` naming the choices for any other name."""
    try:
        return FORMATS[fmt]
    except KeyError:
        raise AlignError(f"unknown format '{fmt}': choose one of {', '.join(FORMATS)}") from None


def filter_pairs(pairs: Iterable[Pair], min_score: float | None, drop_nulls: bool) -> list[Pair]:
    """Pairs kept by ``--min-score`` (which also drops omissions) and ``--drop-nulls``
    (:class:`align.filters.PairFilter`)."""
    from ..filters import PairFilter

    return PairFilter(min_score, drop_nulls).keep(pairs)


def write_stream(
    results: Sequence[DocumentAlignment],
    fmt: str,
    stream: IO[str],
    pairs: Sequence[Sequence[Pair]] | None = None,
) -> Written:
    """Write ``results`` (optionally only the given pairs of each) to an open text stream."""
    return get(fmt).write(results, stream, pairs)


def write(
    results: Sequence[DocumentAlignment],
    fmt: str,
    path: str | Path,
    pairs: Sequence[Sequence[Pair]] | None = None,
) -> Written:
    """Write to ``path`` atomically: the file appears complete or not at all.

    ``moses`` writes ``path.<src_lang>`` and ``path.<tgt_lang>``: both or neither.
    Returns what was written (:class:`Written`: pairs, and pairs a format left out).
    """
    return get(fmt).write(results, Path(path), pairs)


def output_paths(fmt: str, path: str | Path, src_lang: str, tgt_lang: str) -> list[Path]:
    """Every file that writing ``fmt`` to ``path`` creates (Moses: ``path.<src>`` and ``path.<tgt>``)."""
    return get(fmt).paths(path, src_lang, tgt_lang)
