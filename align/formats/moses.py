"""Moses-style parallel text: two line-parallel files (``OUT.en``, ``OUT.ko``), pairs only.

For MT training pipelines: line k of one file translates line k of the other.
Omissions are left out; newlines and tabs inside a text become spaces.
"""

from __future__ import annotations

from pathlib import Path

from ..result import DocumentAlignment, Pair
from .atomic import atomic_writer

__all__ = ["paths", "write_file"]


def paths(base: str | Path, src_lang: str, tgt_lang: str) -> tuple[Path, Path]:
    base = Path(base)
    return base.with_name(f"{base.name}.{src_lang}"), base.with_name(f"{base.name}.{tgt_lang}")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write_file(results: list[DocumentAlignment], path: str | Path, pairs: list[list[Pair]]) -> None:
    src_lang = results[0].src_lang if results else "src"
    tgt_lang = results[0].tgt_lang if results else "tgt"
    src_path, tgt_path = paths(path, src_lang, tgt_lang)
    kept = [p for ps in pairs for p in ps if not p.is_null]
    with atomic_writer(src_path) as fs, atomic_writer(tgt_path) as ft:
        for p in kept:
            fs.write(_one_line(p.src_text) + "\n")
            ft.write(_one_line(p.tgt_text) + "\n")
