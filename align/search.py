"""Monotone alignment search: dynamic programming over merges and omissions.

The search sees each side as a sequence of sentences and, for every span of 1..K-1
consecutive sentences, an L2-normalised embedding.  A *bead* joins ``a`` source
sentences to ``b`` target sentences; ``(1, 0)`` and ``(0, 1)`` beads are omissions.
The path through the grid maximises the summed bead gains:

* match bead ``(a, b)``: ``((a + b) / 2) ** size_weight * (margin - threshold)
  - merge_penalty * (a + b - 2)`` where ``margin`` is the cosine of the two span
  embeddings minus ``margin_weight`` times the mean of their ``k`` nearest neighbours
  on the other side (a margin that removes hubness);
* omission bead: ``skip`` (a constant, <= 0).

The dynamic programme runs row by row inside a *band* of target columns per source
row.  Short documents use the full grid.  Long documents get a band from a
coarse-to-fine recursion: both sides are cut into blocks whose embeddings are the
mean of their sentences, the blocks are aligned (recursively), and the fine search
only visits cells near the coarse path.  Time and memory are linear in the length of
the documents for a fixed band width.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Bead", "SearchParams", "bead_types", "search"]

NEG = -1e18


@dataclass(frozen=True, slots=True)
class SearchParams:
    """Parameters of the alignment search (defaults tuned on dev data, see README)."""

    max_merge: int = 4
    """Largest total number of sentences in one bead (a + b); 2 allows only 1-1."""
    threshold: float = 0.04
    """Margin below which a match bead scores worse than leaving both sides unaligned."""
    skip: float = 0.0
    """Gain of a 1-0 or 0-1 bead."""
    merge_penalty: float = 0.06
    """Cost per sentence beyond the first on each side of a merge bead."""
    knn: int = 4
    """Neighbours averaged for the margin's hubness term."""
    margin_weight: float = 0.5
    """How much of the neighbourhood mean is subtracted from the cosine (0 = raw cosine)."""
    length_weight: float = 0.03
    """Penalty per unit of |log length ratio| of a match, relative to the document's ratio."""
    size_weight: float = 0.5
    """Exponent on half the bead size in the gain: 1 counts every sentence the same, 0 every bead."""
    max_cells: int = 2_000_000
    """Documents with more grid cells than this get a coarse-to-fine band."""
    band: int = 24
    """Half-width, in sentences, of the band around the projected coarse path."""

    def as_dict(self) -> dict[str, float | int]:
        return {
            "max_merge": self.max_merge,
            "threshold": self.threshold,
            "skip": self.skip,
            "merge_penalty": self.merge_penalty,
            "knn": self.knn,
            "margin_weight": self.margin_weight,
            "size_weight": self.size_weight,
            "length_weight": self.length_weight,
            "band": self.band,
        }


@dataclass(frozen=True, slots=True)
class Bead:
    """One step of the path: source ids, target ids, cosine and margin of the match."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    cosine: float | None = None
    margin: float | None = None
    extra: dict[str, float] = field(default_factory=dict)


def bead_types(max_merge: int) -> list[tuple[int, int]]:
    """All bead shapes for a total size limit: omissions first, then matches by size."""
    if max_merge < 2:
        raise ValueError("max_merge must be at least 2 (1-1 beads)")
    types = [(0, 1), (1, 0)]
    for total in range(2, max_merge + 1):
        for a in range(1, total):
            types.append((a, total - a))
    return types


SpanFn = Callable[[int], np.ndarray]
"""``spans(a)`` -> array (n - a + 1, d): embedding of sentences ``k .. k+a-1`` in row k."""


def _full_band(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m + 1, dtype=np.int64)


def _hubness(emb: np.ndarray, other: np.ndarray, lo: np.ndarray, hi: np.ndarray, k: int) -> np.ndarray:
    """Mean of the ``k`` best cosines of each row of ``emb`` against ``other[lo:hi]``."""
    out = np.zeros(len(emb), dtype=np.float32)
    if len(other) == 0 or len(emb) == 0:
        return out
    full = bool(np.all(lo == lo[0]) and np.all(hi == hi[0]))
    if full:
        sims = emb @ other[lo[0] : hi[0]].T
        kk = min(k, sims.shape[1])
        if kk == 0:
            return out
        top = np.partition(sims, sims.shape[1] - kk, axis=1)[:, -kk:]
        return top.mean(axis=1).astype(np.float32)
    for r in range(len(emb)):
        sims = other[lo[r] : hi[r]] @ emb[r]
        kk = min(k, len(sims))
        if kk:
            out[r] = np.partition(sims, len(sims) - kk)[-kk:].mean()
    return out


def _coarse_band(
    src_units: np.ndarray, tgt_units: np.ndarray, params: SearchParams
) -> tuple[np.ndarray, np.ndarray]:
    """Band per source row (as target prefix lengths lo..hi-1) from a coarse alignment."""
    n, m = len(src_units), len(tgt_units)
    factor = max(2, math.ceil(math.sqrt(n * m / params.max_cells)) * 2)
    cs = _block_means(src_units, factor)
    ct = _block_means(tgt_units, factor)
    coarse_params = SearchParams(
        max_merge=3,
        threshold=params.threshold,
        skip=params.skip,
        merge_penalty=params.merge_penalty,
        knn=params.knn,
        margin_weight=params.margin_weight,
        max_cells=params.max_cells,
        band=params.band,
    )
    beads = search(
        lambda a: _span_means(cs, a), lambda b: _span_means(ct, b), len(cs), len(ct), coarse_params
    )
    # Every coarse bead covers a rectangle of fine cells; the band is their union,
    # widened by `band` fine sentences on each side.
    lo = np.full(n + 1, m + 1, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    i = j = 0
    for bead in beads:
        a, b = len(bead.src), len(bead.tgt)
        r0, r1 = i * factor, min(n, (i + a) * factor)
        c0, c1 = j * factor, min(m, (j + b) * factor)
        lo[r0 : r1 + 1] = np.minimum(lo[r0 : r1 + 1], c0)
        hi[r0 : r1 + 1] = np.maximum(hi[r0 : r1 + 1], c1 + 1)
        i += a
        j += b
    w = params.band
    idx = np.arange(n + 1)
    # widen: row r may use columns of rows r-w .. r+w, plus w columns each way
    lo_w = np.minimum.accumulate(lo[::-1])[::-1]  # monotone non-decreasing from the right
    hi_w = np.maximum.accumulate(hi)
    lo_s = np.array([lo_w[max(0, r - w)] for r in idx]) - w
    hi_s = np.array([hi_w[min(n, r + w)] for r in idx]) + w
    lo_s = np.clip(lo_s, 0, m)
    hi_s = np.clip(hi_s, 1, m + 1)
    lo_s[0] = 0
    hi_s[n] = m + 1
    return lo_s.astype(np.int64), hi_s.astype(np.int64)


def _block_means(units: np.ndarray, factor: int) -> np.ndarray:
    n = len(units)
    blocks = []
    for s in range(0, n, factor):
        v = units[s : s + factor].mean(axis=0)
        blocks.append(v / (np.linalg.norm(v) + 1e-12))
    return np.asarray(blocks, dtype=np.float32).reshape(-1, units.shape[1])


def _span_means(units: np.ndarray, a: int) -> np.ndarray:
    if a == 1:
        return units
    n = len(units)
    if n < a:
        return np.zeros((0, units.shape[1]), dtype=np.float32)
    c = np.cumsum(np.vstack([np.zeros((1, units.shape[1]), np.float64), units]), axis=0)
    v = c[a:] - c[:-a]
    v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-12
    return v.astype(np.float32)


def search(
    src_spans: SpanFn,
    tgt_spans: SpanFn,
    n: int,
    m: int,
    params: SearchParams | None = None,
    band: tuple[np.ndarray, np.ndarray] | None = None,
    src_lengths: np.ndarray | None = None,
    tgt_lengths: np.ndarray | None = None,
) -> list[Bead]:
    """Best monotone path covering all ``n`` source and ``m`` target sentences.

    ``src_lengths``/``tgt_lengths`` (e.g. UTF-8 bytes per sentence) enable the length
    term: a match whose length ratio strays from the document's ratio loses
    ``length_weight * |log(ratio / document ratio)|``.
    """
    p = params or SearchParams()
    if n == 0 or m == 0:
        return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]
    types = bead_types(p.max_merge)
    if band is None:
        if (n + 1) * (m + 1) > p.max_cells and min(n, m) > 4 * p.band:
            band = _coarse_band(src_spans(1), tgt_spans(1), p)
        else:
            band = _full_band(n, m)
    lo, hi = band  # row i may end at target prefix lengths lo[i] .. hi[i]-1
    # Column bands (rows that may end at target prefix j), for the target hubness.
    col_lo = np.searchsorted(hi, np.arange(m + 1), side="right")  # first row with hi > j
    col_hi = np.searchsorted(lo, np.arange(m + 1), side="right")  # rows with lo <= j

    su, tu = src_spans(1), tgt_spans(1)
    max_a = max(a for a, _ in types)
    max_b = max(b for _, b in types)
    src_emb = {a: src_spans(a) for a in range(1, max_a + 1)}
    tgt_emb = {b: tgt_spans(b) for b in range(1, max_b + 1)}

    # Hubness of every span against the other side's sentences in its band.
    src_hub: dict[int, np.ndarray] = {}
    tgt_hub: dict[int, np.ndarray] = {}
    if p.margin_weight:
        for a, e in src_emb.items():
            ends = np.arange(a, n + 1)  # span k..k+a-1 ends at prefix k+a
            src_hub[a] = _hubness(e, tu, np.maximum(lo[ends] - 1, 0), np.minimum(hi[ends], m), p.knn)
        for b, e in tgt_emb.items():
            ends = np.arange(b, m + 1)
            tgt_hub[b] = _hubness(e, su, np.maximum(col_lo[ends] - 1, 0), np.minimum(col_hi[ends], n), p.knn)

    use_len = p.length_weight > 0 and src_lengths is not None and tgt_lengths is not None
    if use_len:
        sl = np.concatenate([[0.0], np.cumsum(np.asarray(src_lengths, np.float64) + 1.0)])
        tl = np.concatenate([[0.0], np.cumsum(np.asarray(tgt_lengths, np.float64) + 1.0)])
        doc_ratio = np.log(tl[-1] / sl[-1])

    D: list[np.ndarray] = []
    BP: list[np.ndarray] = []
    for i in range(n + 1):
        row_lo, row_hi = int(lo[i]), int(hi[i])
        width = row_hi - row_lo
        js = np.arange(row_lo, row_hi)
        best = np.full(width, NEG, dtype=np.float64)
        bp = np.full(width, -1, dtype=np.int8)
        if i == 0:
            best[js == 0] = 0.0
        for t, (a, b) in enumerate(types):
            if a == 0 or i < a:
                continue
            prev = D[i - a]
            pl = int(lo[i - a])
            src_j = js - b  # previous target prefix
            ok = (src_j >= pl) & (src_j < pl + len(prev))
            if not ok.any():
                continue
            cand = np.full(width, NEG, dtype=np.float64)
            pj = src_j[ok]
            base = prev[pj - pl]
            if b == 0:
                gain = np.full(len(pj), p.skip)
            else:
                ye = tgt_emb[b][pj]  # spans starting at target index pj of length b
                xe = src_emb[a][i - a]
                cos = ye @ xe
                margin = cos
                if p.margin_weight:
                    margin = cos - p.margin_weight * 0.5 * (src_hub[a][i - a] + tgt_hub[b][pj])
                gain = (0.5 * (a + b)) ** p.size_weight * (margin - p.threshold) - p.merge_penalty * (
                    a + b - 2
                )
                if use_len:
                    ratio = np.log((tl[pj + b] - tl[pj]) / (sl[i] - sl[i - a])) - doc_ratio
                    gain = gain - p.length_weight * np.abs(ratio)
            cand[ok] = base + gain
            better = cand > best
            best[better] = cand[better]
            bp[better] = t
        # 0-1 beads inside the row: best[j] = max_k<=j best[k] + (j-k)*skip
        if p.skip > NEG:
            shifted = best - np.arange(width) * p.skip
            run = np.maximum.accumulate(shifted)
            from_left = run > shifted + 1e-12
            if from_left.any():
                best = np.where(from_left, run + np.arange(width) * p.skip, best)
                bp = np.where(from_left, np.int8(0), bp)
        D.append(best)
        BP.append(bp)

    # Backtrack from (n, m).
    beads: list[Bead] = []
    i, j = n, m
    while i > 0 or j > 0:
        t = int(BP[i][j - int(lo[i])])
        if t < 0:
            raise RuntimeError(f"alignment search lost its path at ({i}, {j})")
        a, b = types[t]
        src = tuple(range(i - a, i))
        tgt = tuple(range(j - b, j))
        if a and b:
            cos = float(tgt_emb[b][j - b] @ src_emb[a][i - a])
            mar = cos
            if p.margin_weight:
                mar = cos - p.margin_weight * 0.5 * float(src_hub[a][i - a] + tgt_hub[b][j - b])
            beads.append(Bead(src, tgt, cos, mar))
        else:
            beads.append(Bead(src, tgt))
        i -= a
        j -= b
    beads.reverse()
    return beads


def path_is_valid(beads: Sequence[Bead], n: int, m: int) -> bool:
    """True when the beads cover 0..n-1 and 0..m-1 exactly once, in order."""
    src = [i for b in beads for i in b.src]
    tgt = [j for b in beads for j in b.tgt]
    return src == list(range(n)) and tgt == list(range(m))
