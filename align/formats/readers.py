"""Reading align's own TSV and JSONL outputs back (for ``align filter``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError

__all__ = ["Records", "read_records"]


@dataclass(slots=True)
class Records:
    """Rows of an align output: its format, TSV header, raw lines and parsed fields."""

    format: str
    header: str | None
    lines: list[str]
    rows: list[dict[str, Any]]


def read_records(path: str | Path) -> Records:
    """Read an align TSV (header row) or JSONL file; the format is told by its content."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(str(path), "is not UTF-8: not an align output") from exc
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if not lines:
        raise InputError(str(path), "is empty")
    if lines[0].lstrip().startswith("{"):
        rows = []
        for n, ln in enumerate(lines, 1):
            try:
                rec = json.loads(ln)
                rec["score"] = float(rec["score"])
                rec.setdefault("flags", [])
                rec["null"] = not rec["src_ids"] or not rec["tgt_ids"]
            except (ValueError, KeyError, TypeError):
                raise InputError(str(path), "not a record of align's JSONL output", line=n) from None
            rows.append(rec)
        return Records("jsonl", None, lines, rows)
    header = lines[0].split("\t")
    need = {"score", "flags", "type"}
    if not need <= set(header):
        raise InputError(str(path), "has no align TSV header (score, flags, type columns)", line=1)
    rows = []
    for n, ln in enumerate(lines[1:], 2):
        cells = ln.split("\t")
        if len(cells) != len(header):
            raise InputError(str(path), f"has {len(cells)} columns, the header has {len(header)}", line=n)
        rec: dict[str, Any] = dict(zip(header, cells, strict=True))
        try:
            rec["score"] = float(rec["score"])
        except ValueError:
            raise InputError(str(path), f"score is not a number: {rec['score']!r}", line=n) from None
        rec["flags"] = [f for f in rec["flags"].split(",") if f]
        rec["null"] = rec["type"].startswith("0-") or rec["type"].endswith("-0")
        rows.append(rec)
    return Records("tsv", lines[0], lines[1:], rows)
