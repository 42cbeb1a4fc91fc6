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

__all__ = ["BELOW_MIN_SCORE", "DUPLICATE", "FLAGGED", "NOT_A_TRANSLATION", "OMISSION", "PairFilter"]

OMISSION = "omission"
"""An unaligned sentence (1-0 or 0-1): dropped by ``--drop-nulls`` and by ``--min-score``
(a filtered corpus holds pairs)."""
BELOW_MIN_SCORE = "below min score"
FLAGGED = "flagged"
DUPLICATE = "duplicate"
"""The same pair of texts seen before (``align batch --dedupe``)."""
NOT_A_TRANSLATION = "not a translation"
"""From a document the verdict judges not to be a translation (``align batch``)."""


@dataclass(frozen=True, slots=True)
class PairFilter:
    """What a corpus keeps: pairs scoring at least ``min_score``, without omissions when
    ``drop_nulls`` (or a ``min_score``) says so, without the flags in ``drop_flags``
    (``"any"``: every flagged pair)."""

    min_score: float | None = None
    drop_nulls: bool = False
    drop_flags: frozenset[str] = field(default_factory=frozenset)

    def reason(self, null: bool, score: float, flags: Sequence[str] = ()) -> str | None:
        """Why a pair is dropped, or None when it is kept."""
        if null and (self.drop_nulls or self.min_score is not None):
            return OMISSION
        if self.min_score is not None and score < self.min_score:
            return BELOW_MIN_SCORE
        if self.drop_flags and flags and ("any" in self.drop_flags or self.drop_flags & set(flags)):
            return FLAGGED
        return None

    def keep(self, pairs: Iterable[Pair]) -> list[Pair]:
        """The pairs this filter keeps, in order."""
        return [p for p in pairs if self.reason(p.is_null, p.score, p.flags) is None]
