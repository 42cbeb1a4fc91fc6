"""Uncalibrated scores (a fixed logistic of the margin) and the raw inputs of scores.

A match's score is ``sigmoid((margin - CENTER) / SCALE)``: the margin (cosine minus
half the neighbourhood mean of both sides) is what the search optimises, so the score
ranks pairs as the aligner does.  An omission's score is ``1 -`` the same function of
the best margin the sentence reaches against the other side's sentences near its
place: a high score means nothing nearby looks like its translation.

These scores are *not calibrated probabilities* yet; the constants were set on
English-Korean dev data with the bundled model.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["document_features", "null_best_margins", "pair_score"]

CENTER = 0.20
SCALE = 0.06


def pair_score(margin: float) -> float:
    """Score of a match from its margin."""
    z = (margin - CENTER) / SCALE
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def null_best_margins(
    ids: list[int],
    positions: list[int],
    own: np.ndarray,
    other: np.ndarray,
    margin_weight: float,
    knn: int = 4,
    window: int = 6,
) -> list[float]:
    """For omitted sentences ``ids`` of one side: the best margin each reaches nearby.

    ``positions[k]`` is where sentence ``ids[k]`` sits on the other side; its candidates
    are the other side's sentences ``position - window .. position + window``.
    """
    out = []
    m = len(other)
    for i, pos in zip(ids, positions, strict=True):
        if m == 0:
            out.append(-1.0)
            continue
        lo, hi = max(0, pos - window), min(m, pos + window + 1)
        if lo >= hi:
            lo, hi = max(0, m - 2 * window - 1), m
        cand = other[lo:hi] @ own[i]
        kk = min(knn, len(cand))
        hub = float(np.sort(cand)[-kk:].mean()) if kk else 0.0
        out.append(float(cand.max()) - margin_weight * hub)
    return out


def document_features(result) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Coverage, mean score and median margin of a document's matches."""
    matched = [p for p in result.pairs if not p.is_null]
    margins = sorted(p.margin for p in matched if p.margin is not None)
    return {
        "coverage": result.coverage,
        "mean_score": result.mean_score,
        "median_margin": margins[len(margins) // 2] if margins else -0.5,
    }
