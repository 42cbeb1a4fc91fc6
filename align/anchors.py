"""Anchors: numbers and names that both sides of a document share, as bit masks.

A number (``2,000`` and ``2000`` alike) or a capitalised Latin, Greek or Cyrillic
word (``BTS``, ``iPhone``, ``Matterhorn``) that appears on both sides of a document
is strong evidence that the sentences holding it belong together, whatever the
embedding model thinks.  Only anchors found somewhere on *both* sides count, so
German nouns or English sentence starts that have no counterpart on the other side
are ignored.  Each sentence keeps its anchors as a 128-bit mask (a stable hash per
anchor); a span's mask is the OR of its sentences' masks; the overlap of two masks is
``shared / sqrt(count_a * count_b)`` (0 when either side has none).  The search adds
``anchor_weight`` times the overlap to a match's gain.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

__all__ = ["anchor_masks", "anchors_of", "bits", "overlap", "span_masks", "unit_rows"]

BYTES = 16
"""Bytes per mask (128 bits)."""

_TOKEN = re.compile(
    r"\d+(?:[.,'\u2019]\d+)*"
    r"|[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]+(?:[-'\u2019][A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]+)*"
)
_POPCOUNT = np.array([bin(k).count("1") for k in range(256)], dtype=np.uint8)


def anchors_of(text: str) -> set[str]:
    """Numbers without their separators, and words with a capital letter, lower-cased."""
    out = set()
    for token in _TOKEN.findall(text):
        if token[0].isdigit():
            out.add(re.sub(r"\D", "", token))
        elif len(token) > 1 and not token.islower():
            out.add(token.lower())
    return out


def _masks(sets: list[set[str]], shared: set[str]) -> np.ndarray:
    masks = np.zeros((len(sets), BYTES), dtype=np.uint8)
    for k, anchors in enumerate(sets):
        for anchor in anchors & shared:
            bit = zlib.crc32(anchor.encode("utf-8")) % (8 * BYTES)
            masks[k, bit // 8] |= np.uint8(1 << (bit % 8))
    return masks


def anchor_masks(src: Sequence[str], tgt: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per-sentence masks (n, 16) and (m, 16) of the anchors both sides share."""
    src_sets = [anchors_of(t) for t in src]
    tgt_sets = [anchors_of(t) for t in tgt]
    shared = set().union(*src_sets) & set().union(*tgt_sets)
    return _masks(src_sets, shared), _masks(tgt_sets, shared)


def span_masks(masks: np.ndarray, a: int) -> np.ndarray:
    """Masks of every run of ``a`` consecutive sentences: row k is sentences k..k+a-1."""
    rows = len(masks) - a + 1
    if rows <= 0:
        return np.zeros((0, masks.shape[1]), dtype=np.uint8)
    out = masks[:rows].copy()
    for d in range(1, a):
        out |= masks[d : d + rows]
    return out


def bits(masks: np.ndarray) -> np.ndarray:
    """Number of anchors (set bits) in each mask."""
    out: np.ndarray = _POPCOUNT[masks].sum(axis=1, dtype=np.int64)
    return out


def unit_rows(masks: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Masks as 0/1 rows scaled to unit length (float32): their products are overlaps."""
    rows = np.unpackbits(masks, axis=1).astype(np.float32)
    rows *= (1.0 / np.sqrt(np.maximum(counts, 1))).astype(np.float32)[:, None]
    return rows


def overlap(
    x: np.ndarray,
    y: np.ndarray,
    xi: np.ndarray | None = None,
    yi: np.ndarray | None = None,
    x_bits: np.ndarray | None = None,
    y_bits: np.ndarray | None = None,
) -> np.ndarray:
    """Overlap of masks ``x[xi]`` and ``y[yi]``, pair by pair (rows in order without
    indices): ``shared / sqrt(count_x * count_y)``, 0 where either has none.

    ``x_bits`` and ``y_bits``, when given, are the pairs' counts (:func:`bits` of the
    rows), already known to the search.  The search and the scores both use this.
    """
    xs = x if xi is None else x[xi]
    ys = y if yi is None else y[yi]
    cx = bits(xs) if x_bits is None else x_bits
    cy = bits(ys) if y_bits is None else y_bits
    both = np.ascontiguousarray(xs & ys)
    if hasattr(np, "bitwise_count") and both.shape[1] % 8 == 0:  # numpy >= 2: 8 bytes at a time
        shared = np.bitwise_count(both.view(np.uint64)).sum(axis=1, dtype=np.int64)
    else:
        shared = _POPCOUNT[both].sum(axis=1, dtype=np.int64)
    out: np.ndarray = shared / np.sqrt(np.maximum(cx * cy, 1))
    return out
