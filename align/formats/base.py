"""The one interface every output format fills in: its facts and one ``write``.

A format is a subclass of :class:`Format` that declares its facts as class attributes
(``name``, ``suffix``, ``file_only``, ``readable``, ``carries``) and fills in one hook:
:meth:`Format.write_text` for a text format (the base class writes the file atomically,
or to an open stream), or :meth:`Format.write_file` for one that writes bytes or
several files.  ``align.formats`` registers one instance of each in ``FORMATS``; the
CLI, batch and the library ask the registry, never a list of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import IO, ClassVar

from ..errors import AlignError
from ..result import DocumentAlignment, Pair
from .atomic import atomic_writer

__all__ = ["FIELDS", "UNENCODABLE", "Format", "Written"]

FIELDS = frozenset(
    {
        "texts", "ids", "scores", "flags", "omissions", "doc_id", "signature", "calibrated",
        "features", "similarity", "offsets", "paragraphs",
    }
)  # fmt: skip
"""What a format can carry (``Format.carries`` names a subset): ``similarity`` is a
pair's cosine and margin, ``calibrated`` whether its scores are calibrated, ``omissions``
the unaligned sentences (1-0, 0-1)."""

UNENCODABLE = "replace"
"""A lone surrogate (only a library caller can pass one) becomes ``?``: UTF-8 cannot hold it.
TSV and the excel TSV escape it as ``\\udXXX`` before it gets here."""


@dataclass(frozen=True, slots=True)
class Written:
    """What one write put in its output."""

    pairs: int
    """Pairs written (for TMX: translation units; Moses writes matched pairs only)."""
    skipped: int = 0
    """Pairs the format left out that it would otherwise hold (TMX: segments over
    ``MAX_SEGMENT`` characters, which CAT tools reject)."""


class Format:
    """One output format: its facts, and :meth:`write` to a file or an open text stream."""

    name: ClassVar[str] = ""
    """The ``--format`` name."""
    suffix: ClassVar[str] = ""
    """File name ending of an export named by align (``corpus.<suffix>``); empty: the
    format names its files itself (Moses: ``corpus.<lang>``)."""
    file_only: ClassVar[bool] = False
    """Writes files only (binary, or two files), never standard output."""
    by_language: ClassVar[bool] = False
    """The file names depend on the languages (Moses: ``OUT.en`` and ``OUT.ko``)."""
    readable: ClassVar[bool] = False
    """``align export``, ``filter`` and ``review`` can read it back (:meth:`read`)."""
    carries: ClassVar[frozenset[str]] = frozenset()
    """What the output holds, from :data:`FIELDS`."""

    def __repr__(self) -> str:
        return f"<format {self.name}>"

    def file_name(self, stem: str) -> str:
        """The name align gives an export of this format (``corpus`` -> ``corpus.tsv``)."""
        return f"{stem}.{self.suffix}" if self.suffix else stem

    def paths(self, path: str | Path, src_lang: str, tgt_lang: str) -> list[Path]:
        """Every file that writing to ``path`` creates."""
        return [Path(path)]

    def write(
        self,
        results: Sequence[DocumentAlignment],
        out: str | PathLike[str] | IO[str],
        pairs: Sequence[Sequence[Pair]] | None = None,
    ) -> Written:
        """Write ``results`` (optionally only the given pairs of each) to ``out``.

        ``out`` is a file name (written atomically: complete or not at all) or an open
        text stream (refused for a file-only format).
        """
        kept = [list(k) for k in pairs] if pairs else [r.pairs for r in results]
        docs = list(results)
        if isinstance(out, str | PathLike):
            return self.write_file(docs, Path(out), kept)
        if self.file_only:
            raise AlignError(f"format '{self.name}' writes files, not standard output: give -o OUT")
        return self.write_text(docs, out, kept)

    def read(self, path: str | Path) -> list[DocumentAlignment]:
        """The results a file of this format holds (readable formats only)."""
        if not self.readable:
            raise AlignError(f"format '{self.name}' cannot be read back: use tsv or jsonl")
        from .readers import read_results

        return read_results(path)

    # ------------------------------------------------------------------ hooks
    def write_file(self, results: list[DocumentAlignment], path: Path, pairs: list[list[Pair]]) -> Written:
        """Write the file(s) atomically; a text format need not override this."""
        with atomic_writer(path, encoding="utf-8", errors=UNENCODABLE) as f:
            return self.write_text(results, f, pairs)

    def write_text(
        self, results: list[DocumentAlignment], stream: IO[str], pairs: list[list[Pair]]
    ) -> Written:
        """Write to an open text stream: the hook a text format fills in."""
        raise NotImplementedError(f"format '{self.name}' writes files only")


def count(pairs: list[list[Pair]]) -> int:
    """All pairs of all documents."""
    return sum(len(k) for k in pairs)
