"""Moses-style parallel text: two line-parallel files (``OUT.en``, ``OUT.ko``), pairs only.

For MT training pipelines: line k of one file translates line k of the other.
Omissions are left out; newlines and tabs inside a text become spaces.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from ..result import DocumentAlignment, Pair
from .atomic import atomic_group
from .base import UNENCODABLE, Format, Written

__all__ = ["Moses", "paths", "write_lines"]


def paths(base: str | Path, src_lang: str, tgt_lang: str) -> tuple[Path, Path]:
    """``base.<src_lang>`` and ``base.<tgt_lang>``."""
    base = Path(base)
    return base.with_name(f"{base.name}.{src_lang}"), base.with_name(f"{base.name}.{tgt_lang}")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write_lines(pairs: list[list[Pair]], src: IO[str], tgt: IO[str]) -> int:
    """Line k of ``src`` and line k of ``tgt``: the two sides of the k-th matched pair."""
    n = 0
    for p in (p for ps in pairs for p in ps):
        if not p.is_null:
            src.write(_one_line(p.src_text) + "\n")
            tgt.write(_one_line(p.tgt_text) + "\n")
            n += 1
    return n


class Moses(Format):
    """Two line-parallel files, ``OUT.<src_lang>`` and ``OUT.<tgt_lang>``: both or neither."""

    name = "moses"
    file_only = True
    by_language = True
    carries = frozenset({"texts"})

    def paths(self, path: str | Path, src_lang: str, tgt_lang: str) -> list[Path]:
        return list(paths(path, src_lang, tgt_lang))

    def write_file(self, results: list[DocumentAlignment], path: Path, pairs: list[list[Pair]]) -> Written:
        src_lang = results[0].src_lang if results else "src"
        tgt_lang = results[0].tgt_lang if results else "tgt"
        with (
            atomic_group(self.paths(path, src_lang, tgt_lang)) as (src_tmp, tgt_tmp),
            open(src_tmp, "w", encoding="utf-8", newline="\n", errors=UNENCODABLE) as fs,
            open(tgt_tmp, "w", encoding="utf-8", newline="\n", errors=UNENCODABLE) as ft,
        ):
            return Written(write_lines(pairs, fs, ft))
