"""Document metadata that narrows ``align match``: a date per document with a window, and a key.

A metadata file is a TSV with a header line.  Its ``path`` column names documents of
either side (relative to the metadata file's folder, or absolute); a ``date`` column
gives each one's publication date (ISO 8601: ``2023-03-20``, ``2023-03-20 07:48``,
``2023-03-20T07:48:00+09:00``), a ``key`` column any label the two editions of one text
share (a story id, a section, an issue number).  Other columns are ignored; an empty
cell means unknown.  With it, two documents can be paired only when

- their dates are at most the window apart (``--date-window 3d``), and
- their keys are equal,

each condition applying only where both documents have the value: a document without
a date (or key) is compared with every document, as without metadata, and the summary
says how many there were.  The conditions are applied in the candidate search itself
(:func:`align.match.candidates`), so a document's candidates are its best ones *inside*
the window, not the window's share of its global best.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from .errors import AlignError, InputError

__all__ = ["COLUMNS", "Metadata", "Narrowing", "parse_window", "read_metadata"]

COLUMNS = ("path", "date", "key")
"""The columns a metadata file may have (``path`` and at least one of the others)."""

_WINDOW = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", re.IGNORECASE)
_UNITS = {"": 1.0, "d": 1.0, "day": 1.0, "days": 1.0, "h": 1 / 24, "hour": 1 / 24, "hours": 1 / 24}
_UNITS |= {"w": 7.0, "week": 7.0, "weeks": 7.0}


def parse_window(text: str) -> float:
    """A date window in days: ``3d``, ``36h``, ``1w`` or a plain number of days."""
    m = _WINDOW.fullmatch(text)
    unit = m.group(2).lower() if m else ""
    if m is None or unit not in _UNITS:
        raise AlignError(f"date window {text!r}: give a number of days, hours or weeks (3d, 36h, 1w)")
    return float(m.group(1)) * _UNITS[unit]


def _days(text: str) -> float:
    """An ISO 8601 date or date-time as days since 1970-01-01 (UTC; a time without a
    zone is taken as UTC)."""
    stamp = datetime.fromisoformat(text.strip().replace("/", "-"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.timestamp() / 86400.0


def _where(path: str | Path) -> str:
    return os.path.normcase(os.path.realpath(path))


@dataclass(slots=True)
class Metadata:
    """Dates and keys by document (files named by their real path)."""

    source: str = ""
    """The file it was read from (for messages)."""
    dates: dict[str, float] = field(default_factory=dict)
    """Days since 1970-01-01 (UTC)."""
    keys: dict[str, str] = field(default_factory=dict)
    has_dates: bool = False
    """The file has a ``date`` column."""
    has_keys: bool = False
    listed: set[str] = field(default_factory=set)
    """Every document with a row (dates or keys may still be empty)."""

    def date(self, path: str | Path) -> float:
        return self.dates.get(_where(path), float("nan"))

    def key(self, path: str | Path) -> str | None:
        return self.keys.get(_where(path))

    def named(self, paths: Sequence[str | Path]) -> int:
        """How many of ``paths`` have a row."""
        return sum(1 for p in paths if _where(p) in self.listed)


def read_metadata(path: str | Path) -> Metadata:
    """Read a metadata TSV (see the module's doc); a bad line is an :class:`InputError`
    naming the file and line."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise InputError(name, "is not UTF-8 text: not a metadata TSV") from None
    lines = text.splitlines()
    numbered = [(n, ln) for n, ln in enumerate(lines, 1) if ln.strip()]
    if not numbered:
        raise InputError(name, "is empty")
    head_line, head_text = numbered[0]
    head = [cell.strip().lower() for cell in head_text.split("\t")]
    if "path" not in head or not ({"date", "key"} & set(head)):
        raise InputError(
            name, "needs a header with a path column and a date or key column (tab-separated)", line=head_line
        )
    for cell in ("path", "date", "key"):
        if head.count(cell) > 1:
            raise InputError(name, f"has two {cell} columns", line=head_line)
    col = {c: head.index(c) for c in COLUMNS if c in head}
    meta = Metadata(source=name, has_dates="date" in col, has_keys="key" in col)
    folder = Path(path).parent
    seen: dict[str, int] = {}
    for n, line in numbered[1:]:
        cells = line.split("\t")
        if len(cells) != len(head):
            raise InputError(name, f"has {len(cells)} columns, the header has {len(head)}", line=n)
        doc = cells[col["path"]].strip()
        if not doc:
            raise InputError(name, "empty path", line=n)
        where = _where(doc if Path(doc).is_absolute() else folder / doc)
        if where in seen:
            raise InputError(name, f"{doc} already has a row (line {seen[where]})", line=n)
        seen[where] = n
        meta.listed.add(where)
        if "date" in col and cells[col["date"]].strip():
            try:
                meta.dates[where] = _days(cells[col["date"]])
            except ValueError:
                raise InputError(
                    name,
                    f"date {cells[col['date']].strip()!r} is not ISO 8601 (2023-03-20 or 2023-03-20T07:48)",
                    line=n,
                ) from None
        if "key" in col and cells[col["key"]].strip():
            meta.keys[where] = cells[col["key"]].strip()
    return meta


@dataclass(frozen=True, slots=True)
class Narrowing:
    """Which document pairs may be candidates: dates within ``window`` days, equal keys.

    ``src_dates``/``tgt_dates``: one value per document of each side (NaN: unknown);
    ``src_keys``/``tgt_keys``: a code per document (-1: unknown; equal codes, equal keys).
    ``window`` None: dates are not used."""

    src_dates: np.ndarray
    tgt_dates: np.ndarray
    src_keys: np.ndarray
    tgt_keys: np.ndarray
    window: float | None

    @classmethod
    def build(
        cls,
        meta: Metadata,
        src: Sequence[str | Path],
        tgt: Sequence[str | Path],
        window: float | None,
    ) -> Narrowing:
        codes: dict[str, int] = {}

        def keys(paths: Sequence[str | Path]) -> np.ndarray:
            out = np.full(len(paths), -1, np.int64)
            for k, p in enumerate(paths):
                key = meta.key(p)
                if key is not None:
                    out[k] = codes.setdefault(key, len(codes))
            return out

        def dates(paths: Sequence[str | Path]) -> np.ndarray:
            return np.array([meta.date(p) for p in paths], dtype=np.float64)

        return cls(dates(src), dates(tgt), keys(src), keys(tgt), window)

    def allowed(self, start: int, stop: int) -> np.ndarray:
        """The (stop - start) x (target documents) mask of allowed pairs for source
        documents ``start:stop``."""
        a_key = self.src_keys[start:stop, None]
        b_key = self.tgt_keys[None, :]
        ok: np.ndarray = (a_key < 0) | (b_key < 0) | (a_key == b_key)
        if self.window is not None:
            gap = np.abs(self.src_dates[start:stop, None] - self.tgt_dates[None, :])
            ok &= ~(gap > self.window)  # NaN (unknown date): allowed
        return ok

    def unknown(self) -> tuple[int, int]:
        """Documents (both sides together) without a date (when the window is used) and without a key."""
        no_date = 0
        if self.window is not None:
            no_date = int(np.isnan(self.src_dates).sum() + np.isnan(self.tgt_dates).sum())
        no_key = int((self.src_keys < 0).sum() + (self.tgt_keys < 0).sum())
        return no_date, no_key
