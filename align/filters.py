"""Which pairs a filtered corpus keeps, and why the others go: the one filter behind
``align pair --min-score/--drop-nulls``, ``align export --min-score``, ``align filter``
and the corpus of ``align batch``.

A pair is dropped for the first reason that applies, in this order; the reasons are
the words every command reports (``removed: omission 3, below min score 12``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .result import Pair

__all__ = [
    "AUTO", "BELOW_MIN_SCORE", "CONFIRMED", "DUPLICATE", "EDITED", "FLAGGED", "NOT_A_TRANSLATION", "OMISSION",
    "OTHER_STATUS", "REJECTED", "STATUSES", "PairFilter", "status_of",
]  # fmt: skip

AUTO = "auto"
"""A pair as the aligner made it, not (yet) reviewed."""
CONFIRMED = "confirmed"
"""A pair the reviewer confirmed as it is (its automatic score is kept)."""
EDITED = "edited"
"""A pair the reviewer made by joining, splitting, moving or linking (its automatic score no
longer applies)."""
REJECTED = "rejected"
"""An unaligned sentence the reviewer took out of a rejected pair."""
STATUSES = (AUTO, CONFIRMED, EDITED, REJECTED)
"""Every ``status`` of a pair in a reviewed JSONL (``align review``'s "Save corrected");
the review page takes them from here.  A result that records none is all ``auto``."""

OMISSION = "omission"
"""An unaligned sentence (1-0 or 0-1): dropped by ``--drop-nulls`` and by ``--min-score``
(a filtered corpus holds pairs)."""
BELOW_MIN_SCORE = "below min score"
FLAGGED = "flagged"
DUPLICATE = "duplicate"
"""The same pair of texts seen before (``align batch --dedupe``)."""
NOT_A_TRANSLATION = "not a translation"
"""From a document the verdict judges not to be a translation (``align batch``)."""
OTHER_STATUS = "other status"
"""A reviewed pair whose status ``--status`` does not keep."""


def status_of(pair: Pair) -> str:
    """A pair's review status: as read from a reviewed JSONL, else ``auto``."""
    status = getattr(pair, "status", AUTO)
    return status if isinstance(status, str) else AUTO


@dataclass(frozen=True, slots=True)
class PairFilter:
    """What a corpus keeps: pairs whose review status is in ``statuses`` (empty: any),
    scoring at least ``min_score``, without omissions when ``drop_nulls`` (or a
    ``min_score``) says so, without the flags in ``drop_flags`` (``"any"``: every flagged
    pair)."""

    min_score: float | None = None
    drop_nulls: bool = False
    drop_flags: frozenset[str] = field(default_factory=frozenset)
    statuses: frozenset[str] = field(default_factory=frozenset)

    def reason(self, null: bool, score: float, flags: Sequence[str] = (), status: str = AUTO) -> str | None:
        """Why a pair is dropped, or None when it is kept."""
        if self.statuses and status not in self.statuses:
            return OTHER_STATUS
        if null and (self.drop_nulls or self.min_score is not None):
            return OMISSION
        if self.min_score is not None and score < self.min_score:
            return BELOW_MIN_SCORE
        if self.drop_flags and flags and ("any" in self.drop_flags or self.drop_flags & set(flags)):
            return FLAGGED
        return None

    def keep(self, pairs: Iterable[Pair]) -> list[Pair]:
        """The pairs this filter keeps, in order."""
        return [p for p in pairs if self.reason(p.is_null, p.score, p.flags, status_of(p)) is None]
