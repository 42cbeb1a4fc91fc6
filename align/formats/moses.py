"""Moses-style parallel text: two line-parallel files (``OUT.en``, ``OUT.ko``), pairs only.

For MT training pipelines: line k of one file translates line k of the other.
Omissions are left out; newlines and tabs inside a text become spaces.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from ..result import Pair

__all__ = ["paths", "write"]


def paths(base: str | Path, src_lang: str, tgt_lang: str) -> tuple[Path, Path]:
    base = Path(base)
    return base.with_name(f"{base.name}.{src_lang}"), base.with_name(f"{base.name}.{tgt_lang}")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write(pairs: list[list[Pair]], src: IO[str], tgt: IO[str]) -> None:
    """Line k of ``src`` and line k of ``tgt``: the two sides of the k-th matched pair."""
    for p in (p for ps in pairs for p in ps):
        if not p.is_null:
            src.write(_one_line(p.src_text) + "\n")
            tgt.write(_one_line(p.tgt_text) + "\n")
