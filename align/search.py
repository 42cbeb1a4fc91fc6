"""Monotone alignment search: dynamic programming over merges and omissions.

The search sees each side as a sequence of sentences and, for every span of 1..K-1
consecutive sentences, an L2-normalised embedding.  A *bead* joins ``a`` source
sentences to ``b`` target sentences; ``(1, 0)`` and ``(0, 1)`` beads are omissions.
The path through the grid maximises the summed bead gains:

* match bead ``(a, b)``: ``((a + b) / 2) ** size_weight * (margin - threshold)
  - merge_penalty * (a + b - 2)`` where ``margin`` is the cosine of the two span
  embeddings minus ``margin_weight`` times the mean of their ``k`` nearest neighbours
  on the other side (a margin that removes hubness); optional terms: minus
  ``length_weight`` times the length ratio's distance from the document's, plus
  ``anchor_weight`` times the overlap of shared numbers and names, minus
  ``paragraph_penalty`` per side whose sentences come from two paragraphs;
* omission bead: ``skip`` (a constant, <= 0; ``-null_cost`` in the aligner).

The dynamic programme runs row by row inside a *band* of target columns per source
row.  Short documents use the full grid.  Long documents get a band from a
coarse-to-fine recursion: both sides are cut into blocks whose embeddings are the
mean of their sentences, the blocks are aligned (recursively), and the fine search
only visits cells near the coarse path.  Time and memory are linear in the length of
the documents for a fixed band width.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from .anchors import bits, overlap, span_masks

__all__ = [
    "Bead",
    "Ends",
    "GainTerms",
    "Grid",
    "PlainSpans",
    "SearchMemo",
    "SearchParams",
    "Side",
    "Spans",
    "backtrack",
    "bead_gain",
    "bead_types",
    "full_grid",
    "margin",
    "run_dp",
    "search",
]

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
    anchor_weight: float = 0.05
    """Bonus for a match times the overlap of its numbers and names (:mod:`align.anchors`)."""
    paragraph_penalty: float = 0.05
    """Cost per side of a merge whose sentences come from more than one paragraph."""
    size_weight: float = 0.5
    """Exponent on half the bead size in the gain: 1 counts every sentence the same, 0 every bead."""
    max_cells: int = 400_000
    """Documents with more grid cells than this get a coarse-to-fine band (keeps the search linear)."""
    band: int = 24
    """Half-width, in sentences, of the band around the projected coarse path."""
    coarse_factor: int = 8
    """Sentences per block at each coarse level of the coarse-to-fine search."""
    headline_bonus: float = 0.2
    """Added to the gain of matching two headlines (see :class:`Ends`)."""
    cut_pair_penalty: float = 0.05
    """Taken from the gain of a match that holds both sides' cut last sentences (see
    :class:`Ends`): the size of the paragraph penalty, a soft barrier like it."""

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
            "anchor_weight": self.anchor_weight,
            "paragraph_penalty": self.paragraph_penalty,
            "band": self.band,
            "headline_bonus": self.headline_bonus,
            "cut_pair_penalty": self.cut_pair_penalty,
        }


@dataclass(frozen=True, slots=True)
class Ends:
    """What the two ends of each side are (see :func:`align.features.is_title` and
    :func:`align.features.is_cut`).

    Two headlines face to face are matched with ``headline_bonus`` (editions retitle
    their stories: the two headlines often say different things).  A side that ends with a
    fragment cut off by the end of the page matches the fragment alone with one
    sentence of the other side at most (it translates a part of one sentence), unless
    it is longer than that sentence's translation would be by the document's length
    ratio (then it is no part of it); the length term of its bead only counts the
    direction a fragment cannot explain.  When both sides end with a fragment, the match
    that pairs the two pays ``cut_pair_penalty``: a page cut at a byte limit stops at a
    different point of the text than the other edition's (a Korean syllable takes three
    bytes, and the editions differ in length), so the two fragments are seldom the same
    sentence, and the weaker of them often faces the start of the sentence before.
    """

    src_title: bool = False
    tgt_title: bool = False
    src_cut: bool = False
    tgt_cut: bool = False

    @property
    def headlines(self) -> bool:
        """Both sides start with a headline (the two are matched with a bonus)."""
        return self.src_title and self.tgt_title


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


_BLOCK = 384
"""Rows per block when gains and neighbourhoods are computed with dense products."""


_SUB = 64
"""Rows per dense product inside a block: a product's columns are the union of its rows'
bands, so smaller products waste fewer of them (a block of 384 rows spans about 4x the
columns its band cells use)."""


def _band_topk_mean(
    emb: np.ndarray, other: np.ndarray, win_lo: np.ndarray, win_hi: np.ndarray, k: int
) -> np.ndarray:
    """Mean of the ``k`` best cosines of each row of ``emb`` against ``other[win_lo:win_hi]``.

    The windows must be non-decreasing (they come from a monotone band), so ``_SUB`` rows
    need one dense product with the union of their windows.
    """
    out = np.zeros(len(emb), dtype=np.float32)
    if len(other) == 0 or len(emb) == 0 or k <= 0:
        return out
    for r0 in range(0, len(emb), _SUB):
        r1 = min(len(emb), r0 + _SUB)
        c0, c1 = int(win_lo[r0]), int(win_hi[r1 - 1])
        c0, c1 = max(0, min(c0, len(other) - 1)), max(min(c1, len(other)), 1)
        if c1 <= c0:
            c0 = max(0, c1 - 1)
        sims = emb[r0:r1] @ other[c0:c1].T
        # each row's own window, gathered: the top k is taken over the window's width
        # rather than over the block's union of windows
        lo, hi = win_lo[r0:r1, None], win_hi[r0:r1, None]
        width = max(1, int((win_hi[r0:r1] - win_lo[r0:r1]).max()))
        cols = lo + np.arange(width)[None, :]
        inside = (cols >= c0) & (cols < c1) & (cols < hi)
        flat = np.clip(cols - c0, 0, c1 - c0 - 1) + (np.arange(r1 - r0) * (c1 - c0))[:, None]
        band = sims.ravel()[flat]
        band[~inside] = -np.inf
        kk = min(k, width)
        top = np.sort(np.partition(band, width - kk, axis=1)[:, -kk:], axis=1)
        finite = np.isfinite(top)
        count = finite.sum(axis=1)
        total = np.where(finite, top, 0.0).sum(axis=1)
        out[r0:r1] = np.where(count > 0, total / np.maximum(count, 1), 0.0)
    return out


def _coarse_band(
    src_units: np.ndarray, tgt_units: np.ndarray, params: SearchParams
) -> tuple[np.ndarray, np.ndarray]:
    """Band per source row (as target prefix lengths lo..hi-1) from a coarse alignment."""
    n, m = len(src_units), len(tgt_units)
    factor = params.coarse_factor  # the coarse problem recurses while it is still too big
    cs = _block_means(src_units, factor)
    ct = _block_means(tgt_units, factor)
    coarse_params = dataclasses.replace(params, max_merge=3)
    beads = search(
        Side(PlainSpans(lambda a: _span_means(cs, a))),
        Side(PlainSpans(lambda b: _span_means(ct, b))),
        coarse_params,
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
    lo_s = lo_w[np.maximum(idx - w, 0)] - w
    hi_s = hi_w[np.minimum(idx + w, n)] + w
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
    out: np.ndarray = v.astype(np.float32)
    return out


def _idx_dtype(n_cells: int) -> type:
    return np.int32 if n_cells < 2**31 else np.int64


def _cells(offs: np.ndarray, lo: np.ndarray, r0: int, r1: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and target prefix of the cells of rows ``r0 .. r1 - 1`` (flat ``offs[r0] .. offs[r1]``)."""
    cell_row = np.repeat(np.arange(r0, r1), offs[r0 + 1 : r1 + 1] - offs[r0:r1])
    cell_j = np.arange(int(offs[r0]), int(offs[r1])) - offs[cell_row] + lo[cell_row]
    return cell_row, cell_j


def _pred(
    shape: tuple[int, int],
    cell_row: np.ndarray,
    cell_j: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    offs: np.ndarray,
    m: int,
) -> tuple[np.ndarray, np.ndarray]:
    """For a bead of ``shape`` ending in each cell: its predecessor's flat index (0 where
    there is none), and whether there is one."""
    a, b = shape
    pj = cell_j - b
    pr = np.maximum(cell_row - a, 0)
    lo_p = lo[pr]
    valid = (cell_row >= a) & (pj >= lo_p) & (pj < hi[pr])
    if b:
        valid &= (pj >= 0) & (pj <= m - b)
    return np.where(valid, offs[pr] + pj - lo_p, 0), valid


@dataclass
class Grid:
    """What a search over a document keeps across reruns: the band and the cell tables."""

    types: list[tuple[int, int]]
    row_types: list[int]
    lo: np.ndarray
    hi: np.ndarray
    offs: np.ndarray
    cell_row: np.ndarray | None
    cell_j: np.ndarray | None
    IDX: np.ndarray | None
    """Per bead type (but 0-1): where each cell's predecessor sits in the flat table
    (None: not kept, built a block of rows at a time)."""
    valid: list[np.ndarray]
    """Per bead type (but 0-1): the cells that have a predecessor."""
    lengths: tuple[np.ndarray, np.ndarray, float] | None
    """Cumulative lengths of both sides and the document's log ratio (length term)."""
    anchors: tuple[dict[int, tuple[np.ndarray, np.ndarray]], dict[int, tuple[np.ndarray, np.ndarray]]] | None
    """Anchor masks and their bit counts for every span size of both sides (anchor term)."""
    crossing: tuple[dict[int, np.ndarray], dict[int, np.ndarray]] | None = None
    """Per span size and side: 1 where the span holds sentences of two paragraphs."""
    log_spans: tuple[dict[int, np.ndarray], dict[int, np.ndarray]] | None = None
    """Per span size and side: the log of each span's length (the length term's parts)."""
    GAIN: np.ndarray | None = None
    versions: dict[int, tuple[object, ...]] = field(default_factory=dict)
    """What each gain row was computed from (span versions)."""
    hubs: dict[tuple[object, ...], np.ndarray] = field(default_factory=dict)
    """Neighbourhoods, keyed by what they were computed from."""

    def cell(self, i: int, j: int) -> int:
        """Flat index of the cell where ``i`` source and ``j`` target sentences are aligned."""
        if not self.lo[i] <= j < self.hi[i]:
            raise IndexError(f"cell ({i}, {j}) is outside the band")
        return int(self.offs[i] + j - self.lo[i])

    def row_of(self, a: int, b: int) -> int:
        """Which row of a gain table holds bead type ``(a, b)`` (``a > 0``; 0-1 beads
        are the DP's own, at ``skip``)."""
        return self.row_types.index(self.types.index((a, b)))


def _grid(
    n: int,
    m: int,
    p: SearchParams,
    band: tuple[np.ndarray, np.ndarray] | None,
    src: Side,
    tgt: Side,
    keep_cells: int = -1,
) -> Grid:
    """The band and per-document tables; the cell tables only within ``keep_cells``."""
    types = bead_types(p.max_merge)
    src_lengths, tgt_lengths = src.lengths, tgt.lengths
    src_anchors, tgt_anchors = src.anchors, tgt.anchors
    src_paragraphs, tgt_paragraphs = src.paragraphs, tgt.paragraphs
    if band is None:
        if (n + 1) * (m + 1) > p.max_cells and min(n, m) > 4 * p.band:
            band = _coarse_band(src.spans(1), tgt.spans(1), p)
        else:
            band = _full_band(n, m)
    lo, hi = (np.asarray(x, dtype=np.int64) for x in band)  # row i ends at target prefixes lo[i]..hi[i]-1
    widths = hi - lo
    offs = np.concatenate([[0], np.cumsum(widths)]).astype(np.int64)
    n_cells = int(offs[-1])

    lengths = None
    log_spans = None
    if p.length_weight > 0 and src_lengths is not None and tgt_lengths is not None:
        sl = np.concatenate([[0.0], np.cumsum(np.asarray(src_lengths, np.float64) + 1.0)])
        tl = np.concatenate([[0.0], np.cumsum(np.asarray(tgt_lengths, np.float64) + 1.0)])
        lengths = (sl, tl, float(np.log(tl[-1] / sl[-1])))
        sizes = range(1, p.max_merge)
        log_spans = (
            {a: np.log(sl[a:] - sl[:-a]) for a in sizes},
            {b: np.log(tl[b:] - tl[:-b]) for b in sizes},
        )

    anchors = None
    if p.anchor_weight and src_anchors is not None and tgt_anchors is not None:
        sizes = range(1, p.max_merge)
        sm = {a: span_masks(np.asarray(src_anchors), a) for a in sizes}
        tm = {b: span_masks(np.asarray(tgt_anchors), b) for b in sizes}
        if any(bits(x).any() for x in sm.values()) and any(bits(x).any() for x in tm.values()):
            anchors = ({a: (x, bits(x)) for a, x in sm.items()}, {b: (x, bits(x)) for b, x in tm.items()})

    # For every bead type but 0-1 (one row of IDX each): where each cell's predecessor
    # sits in the flat table, and which cells have one.  Only a grid that a memo keeps
    # has them for every cell at once (88 bytes a cell); otherwise the search builds
    # them a block of rows at a time.
    row_types = [t for t, (a, _) in enumerate(types) if a > 0]
    cell_row: np.ndarray | None = None
    cell_j: np.ndarray | None = None
    IDX: np.ndarray | None = None
    valids: list[np.ndarray] = []
    if len(row_types) * n_cells <= keep_cells:
        cell_row, cell_j = _cells(offs, lo, 0, n + 1)
        IDX = np.zeros((len(row_types), n_cells), dtype=_idx_dtype(n_cells))
        for r, t in enumerate(row_types):
            IDX[r], valid = _pred(types[t], cell_row, cell_j, lo, hi, offs, m)
            valids.append(valid)
    crossing = None
    if p.paragraph_penalty and src_paragraphs is not None and tgt_paragraphs is not None:
        sp, tp = np.asarray(src_paragraphs), np.asarray(tgt_paragraphs)
        sizes = range(1, p.max_merge)
        crossing = (
            {a: (sp[: len(sp) - a + 1] != sp[a - 1 :]).astype(np.float64) for a in sizes},
            {b: (tp[: len(tp) - b + 1] != tp[b - 1 :]).astype(np.float64) for b in sizes},
        )
    return Grid(
        types, row_types, lo, hi, offs, cell_row, cell_j, IDX, valids, lengths, anchors, crossing, log_spans
    )


class Spans(Protocol):
    """Span embeddings of one side, as the search reads them (see :class:`align.spans.SpanTable`)."""

    def __call__(self, a: int) -> np.ndarray:
        """Array (n - a + 1, d): the embedding of sentences ``k .. k+a-1`` in row ``k``."""
        ...

    def bonus(self, a: int) -> np.ndarray | None:
        """Added to the cosine of each span of ``a > 1`` sentences (None: nothing)."""
        ...

    def version(self, a: int) -> object:
        """What the size-``a`` embeddings are at (a memo reuses gains computed from the
        same versions; None: unknown, always recompute)."""
        ...


class PlainSpans:
    """:class:`Spans` from a bare function ``spans(a) -> array``: no bonus, no versions."""

    def __init__(self, fn: SpanFn) -> None:
        self.fn = fn

    def __call__(self, a: int) -> np.ndarray:
        return self.fn(a)

    def bonus(self, a: int) -> np.ndarray | None:
        return None

    def version(self, a: int) -> object:
        return None


@dataclass(frozen=True, slots=True)
class Side:
    """Everything the search knows of one side of a document.

    ``lengths`` (e.g. UTF-8 bytes per sentence) enable the length term, ``anchors``
    (per-sentence masks from :func:`align.anchors.anchor_masks`) the anchor term and
    ``paragraphs`` (paragraph number per sentence) the paragraph penalty; each term is
    on only when both sides have it.
    """

    spans: Spans
    lengths: np.ndarray | None = None
    anchors: np.ndarray | None = None
    paragraphs: np.ndarray | None = None

    @property
    def size(self) -> int:
        """Number of sentences."""
        return len(self.spans(1))


@dataclass
class SearchMemo:
    """What reruns of the search on one document share (one memo per document and
    parameter set): the band, the cell tables and the gains of spans whose embeddings
    did not change.  The cell tables and gains are kept only while cells x bead types
    stay under ``max_cells`` (about 9 bytes each); a bigger document's memo keeps the
    band and the neighbourhoods (a few bytes a row)."""

    max_cells: int = 1_000_000
    grid: Grid | None = None

    @property
    def held(self) -> int:
        """Cells x bead types of the cell tables held (0: none)."""
        return 0 if self.grid is None or self.grid.IDX is None else int(self.grid.IDX.size)

    def clear(self) -> None:
        self.grid = None


def margin(cosine: Any, hubs: Any, weight: float) -> Any:
    """The margin of a match: its cosine minus ``weight`` times the mean of the two sides'
    neighbourhoods, where ``hubs`` is their sum (a neighbourhood is the mean cosine of a
    span's ``knn`` nearest sentences on the other side; the margin removes hubness).
    Floats or arrays.  The one formula: the search, the backtrack, the scores and the
    scripts all call it."""
    if not weight:
        return cosine
    return cosine - weight * 0.5 * hubs


@dataclass
class GainTerms:
    """What the gain of match beads of one shape ``(a, b)`` depends on, one entry per
    candidate bead (arrays of the same length, or None where a term is off)."""

    a: int
    b: int
    margin: np.ndarray
    log_ratio: np.ndarray | None = None
    """Log length ratio of the bead minus the document's (what the length term counts)."""
    blocked: np.ndarray | None = None
    """Beads the page-end rule forbids (a cut fragment merged with too much)."""
    headline: np.ndarray | None = None
    """Beads that match the two headlines."""
    crossing: np.ndarray | None = None
    """Sides (0, 1 or 2) whose sentences come from more than one paragraph."""
    cut_pair: np.ndarray | None = None
    """Beads that hold both sides' cut last sentences."""
    anchors: np.ndarray | None = None
    """Overlap (0..1) of the numbers and names of the two sides."""


def bead_gain(p: SearchParams, t: GainTerms) -> np.ndarray:
    """The gain of match beads: what the search maximises, summed along the path.

    ``((a + b) / 2) ** size_weight * (margin - threshold) - merge_penalty * (a + b - 2)``,
    minus ``length_weight * |log_ratio|``, plus ``headline_bonus`` for the headlines,
    minus ``paragraph_penalty`` per side that crosses a paragraph, minus
    ``cut_pair_penalty`` for a bead that holds both cut page ends, plus ``anchor_weight``
    times the anchor overlap; blocked beads get ``NEG``.  An omission's gain is
    ``p.skip``.  To add a term: a field on :class:`GainTerms`, its weight on
    :class:`SearchParams`, one line here and where the search fills the field.
    """
    a, b = t.a, t.b
    weight = (0.5 * (a + b)) ** p.size_weight
    gain = weight * (t.margin - p.threshold) - p.merge_penalty * (a + b - 2)
    if t.log_ratio is not None:
        gain = gain - p.length_weight * np.abs(t.log_ratio)
    if t.blocked is not None:
        gain = np.where(t.blocked, NEG, gain)
    if t.headline is not None:
        gain = np.where(t.headline, gain + p.headline_bonus, gain)
    if t.crossing is not None:
        gain = gain - p.paragraph_penalty * t.crossing
    if t.cut_pair is not None:
        gain = np.where(t.cut_pair, gain - p.cut_pair_penalty, gain)
    if t.anchors is not None:
        gain = gain + p.anchor_weight * t.anchors
    return np.asarray(gain)


@dataclass
class _Run:
    """One search's inputs as the gain computation reads them."""

    p: SearchParams
    ends: Ends
    n: int
    m: int
    g: Grid
    src_emb: dict[int, np.ndarray]
    tgt_emb: dict[int, np.ndarray]
    src_hub: dict[int, np.ndarray]
    tgt_hub: dict[int, np.ndarray]
    src_bonus: Callable[[int], np.ndarray | None]
    tgt_bonus: Callable[[int], np.ndarray | None]


def _neighbourhoods(
    g: Grid,
    p: SearchParams,
    src_emb: dict[int, np.ndarray],
    tgt_emb: dict[int, np.ndarray],
    src_ver: dict[int, object],
    tgt_ver: dict[int, object],
    n: int,
    m: int,
) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """Neighbourhood (hubness) of every span against the other side's sentences in its
    band; kept on the grid, keyed by the versions they were computed from."""
    src_hub: dict[int, np.ndarray] = {}
    tgt_hub: dict[int, np.ndarray] = {}
    if not p.margin_weight:
        return src_hub, tgt_hub
    lo, hi = g.lo, g.hi
    su, tu = src_emb[1], tgt_emb[1]
    col_lo = np.searchsorted(hi, np.arange(m + 1), side="right")  # first row whose band passes j
    col_hi = np.searchsorted(lo, np.arange(m + 1), side="right")  # rows whose band starts <= j
    kept: dict[tuple[object, ...], np.ndarray] = {}
    for a, e in src_emb.items():
        key = ("src", a, src_ver[a], src_ver[1], tgt_ver[1])
        hub = g.hubs.get(key) if None not in key else None
        if hub is None:
            stops = np.arange(a, n + 1)  # span k..k+a-1 ends at prefix k+a
            hub = _band_topk_mean(e, tu, np.maximum(lo[stops] - 1, 0), np.minimum(hi[stops], m), p.knn)
        src_hub[a] = kept[key] = hub
    for b, e in tgt_emb.items():
        key = ("tgt", b, tgt_ver[b], src_ver[1], tgt_ver[1])
        hub = g.hubs.get(key) if None not in key else None
        if hub is None:
            stops = np.arange(b, m + 1)
            hub = _band_topk_mean(
                e, su, np.maximum(col_lo[stops] - 1, 0), np.minimum(col_hi[stops], n), p.knn
            )
        tgt_hub[b] = kept[key] = hub
    g.hubs = kept
    return src_hub, tgt_hub


def _block_gain(
    run: _Run, r: int, r0: int, r1: int, cell_row: np.ndarray, cell_j: np.ndarray, ok: np.ndarray
) -> np.ndarray | None:
    """Gains of bead type ``r`` at the cells ``ok`` of rows ``r0 .. r1 - 1`` (None: no such cell).

    The cosines come from one dense product per block; the terms are filled in for
    :func:`bead_gain`."""
    g, p, ends, n, m = run.g, run.p, run.ends, run.n, run.m
    a, b = g.types[g.row_types[r]]
    if not ok.any():
        return None
    xs, ys = run.src_emb[a], run.tgt_emb[b]
    kr = cell_row[ok]
    kj = cell_j[ok] - b
    cos = _band_cosines(xs, ys, kr - a, kj, r0 - a, r1 - a)
    sb = run.src_bonus(a) if a > 1 else None
    if sb is not None:
        cos = cos + sb[kr - a]
    tb = run.tgt_bonus(b) if b > 1 else None
    if tb is not None:
        cos = cos + tb[kj]
    terms = GainTerms(a, b, np.asarray(cos))
    if p.margin_weight:
        terms.margin = np.asarray(margin(cos, run.src_hub[a][kr - a] + run.tgt_hub[b][kj], p.margin_weight))
    src_frag = (kr == n) if ends.src_cut else None  # the bead holds the source's cut last sentence
    tgt_frag = (kj + b == m) if ends.tgt_cut else None
    if g.lengths is not None and g.log_spans is not None:
        ratio = g.log_spans[1][b][kj] - g.log_spans[0][a][kr - a] - g.lengths[2]
        if src_frag is not None:  # a short source is what a fragment explains
            ratio = np.where(src_frag, np.minimum(ratio, 0.0), ratio)
        if tgt_frag is not None:
            ratio = np.where(tgt_frag, np.maximum(ratio, 0.0), ratio)
        terms.log_ratio = ratio
    if src_frag is not None and tgt_frag is not None and p.cut_pair_penalty:
        terms.cut_pair = src_frag & tgt_frag
    blocked = _fragment_rule(g, src_frag, tgt_frag, a, b, kr, kj)
    if blocked is not None:
        terms.blocked = blocked
    if ends.headlines and a == b == 1:
        terms.headline = (kr == 1) & (kj == 0)
    if g.crossing is not None and a + b > 2:
        terms.crossing = g.crossing[0][a][kr - a] + g.crossing[1][b][kj]
    if g.anchors is not None:  # only the cells where both spans hold an anchor
        (sx, sbits), (tx, tbits) = g.anchors[0][a], g.anchors[1][b]
        both = np.flatnonzero((sbits[kr - a] > 0) & (tbits[kj] > 0))
        if len(both):
            lex = np.zeros(len(kr), dtype=np.float64)
            si, tj = kr[both] - a, kj[both]
            lex[both] = overlap(sx, tx, si, tj, sbits[si], tbits[tj])
            terms.anchors = lex
    return bead_gain(p, terms)


def _band_cosines(
    xs: np.ndarray, ys: np.ndarray, rows: np.ndarray, cols: np.ndarray, x0: int, x1: int
) -> np.ndarray:
    """``xs[rows[k]] @ ys[cols[k]]`` for every cell ``k`` (rows ascending, all in ``x0 .. x1 - 1``),
    as float64: one dense product per ``_SUB`` rows, over the columns those rows use."""
    out = np.empty(len(rows), dtype=np.float64)
    edges = np.searchsorted(rows, np.arange(x0, x1 + _SUB, _SUB)).tolist()
    for q, (e0, e1) in enumerate(itertools.pairwise(edges)):
        if e0 == e1:
            continue
        rr, cc = rows[e0:e1], cols[e0:e1]
        q0 = x0 + q * _SUB
        j0, j1 = int(cc.min()), int(cc.max()) + 1
        sims = xs[q0 : min(q0 + _SUB, x1)] @ ys[j0:j1].T
        out[e0:e1] = sims.ravel()[(rr - q0) * (j1 - j0) + (cc - j0)]  # flat: cheaper than a 2-d gather
    return out


def _fragment_rule(
    g: Grid,
    src_frag: np.ndarray | None,
    tgt_frag: np.ndarray | None,
    a: int,
    b: int,
    kr: np.ndarray,
    kj: np.ndarray,
) -> np.ndarray | None:
    """Beads that merge a cut fragment alone with more than one sentence of the other
    side, unless the fragment is longer than that sentence's translation (see :class:`Ends`)."""
    blocked = None
    if src_frag is not None and a == 1 and b > 1:
        if g.lengths is not None:  # a fragment is shorter than its sentence's translation
            sl, tl, doc_ratio = g.lengths
            own = (sl[kr] - sl[kr - 1]) * np.exp(doc_ratio)
            src_frag = src_frag & (own <= tl[kj + 1] - tl[kj])
        blocked = src_frag
    if tgt_frag is not None and b == 1 and a > 1:
        if g.lengths is not None:
            sl, tl, doc_ratio = g.lengths
            own = (tl[kj + 1] - tl[kj]) * np.exp(-doc_ratio)
            tgt_frag = tgt_frag & (own <= sl[kr - a + 1] - sl[kr - a])
        blocked = tgt_frag if blocked is None else blocked | tgt_frag
    return blocked


def _dp_kept(
    run: _Run, versions: tuple[dict[int, object], dict[int, object]], report: _Reporter
) -> tuple[np.ndarray, np.ndarray]:
    """The dynamic programme over a kept grid: every gain at once, in the grid; rows
    whose spans have not changed since the last run keep their gains."""
    g, p, n = run.g, run.p, run.n
    src_ver, tgt_ver = versions
    types, row_types, offs = g.types, g.row_types, g.offs
    n_cells = int(offs[-1])
    assert g.IDX is not None and g.cell_row is not None and g.cell_j is not None
    if g.GAIN is None:
        g.GAIN = np.full((len(row_types), n_cells), NEG, dtype=np.float32)
    GAIN = g.GAIN
    for r, t in enumerate(row_types):
        a, b = types[t]
        report(n * r // len(row_types))
        if b == 0:
            if r not in g.versions:
                GAIN[r][g.valid[r]] = p.skip
                g.versions[r] = ()
            continue
        stamp = (src_ver[a], tgt_ver[b], src_ver[1], tgt_ver[1])
        if None not in stamp and g.versions.get(r) == stamp:
            continue
        g.versions[r] = stamp
        for b0 in range(0, n + 1, _BLOCK):  # the blocks of rows _dp_blocks uses
            r0, r1 = max(b0, a), min(n + 1, b0 + _BLOCK)
            if r0 >= r1:
                continue
            k0, k1 = int(offs[r0]), int(offs[r1])
            ok = g.valid[r][k0:k1]
            gain = _block_gain(run, r, r0, r1, g.cell_row[k0:k1], g.cell_j[k0:k1], ok)
            if gain is not None:
                seg = GAIN[r][k0:k1]
                seg[ok] = gain
    report(n)
    return run_dp(g, GAIN, p.skip, report, n)


def _dp_blocks(run: _Run, report: _Reporter) -> tuple[np.ndarray, np.ndarray]:
    """The dynamic programme without kept cell tables: the predecessor tables and gains
    a block of rows at a time, each gain block exactly as :func:`_dp_kept` computes it
    (the same rows, the same products), so memory is the D and BP tables (9 bytes a
    cell) and a few blocks."""
    g, p, n, m = run.g, run.p, run.n, run.m
    types, row_types, lo, hi, offs = g.types, g.row_types, g.lo, g.hi, g.offs
    n_cells = int(offs[-1])
    D = np.full(n_cells, NEG, dtype=np.float64)
    BP = np.full(n_cells, -1, dtype=np.int8)
    type_of_row = np.asarray(row_types, dtype=np.int8)
    idx_dtype = _idx_dtype(n_cells)
    for R0 in range(0, n + 1, _BLOCK):
        R1 = min(n + 1, R0 + _BLOCK)
        K0, K1 = int(offs[R0]), int(offs[R1])
        cell_row, cell_j = _cells(offs, lo, R0, R1)
        idx_rows: np.ndarray = np.zeros((len(row_types), K1 - K0), dtype=idx_dtype)
        gain_rows = np.full((len(row_types), K1 - K0), NEG, dtype=np.float32)
        for r, t in enumerate(row_types):
            a, b = types[t]
            idx_rows[r], valid = _pred((a, b), cell_row, cell_j, lo, hi, offs, m)
            if b == 0:
                gain_rows[r][valid] = p.skip
                continue
            # the gains of this block's cells, as _dp_kept computes them (rows below a
            # have no bead of this type: the block's products start at row max(R0, a))
            r0 = max(R0, a)
            if r0 >= R1:
                continue
            s0 = int(offs[r0]) - K0
            gain = _block_gain(run, r, r0, R1, cell_row[s0:], cell_j[s0:], valid[s0:])
            if gain is not None:
                seg = gain_rows[r, s0:]
                seg[valid[s0:]] = gain
        _dp_rows(D, BP, idx_rows, gain_rows, offs, lo, R0, R1, K0, type_of_row, p.skip, None, 0)
        report(2 * R1)
    return D, BP


def run_dp(
    g: Grid, GAIN: np.ndarray, skip: float, report: Callable[[int], None] | None = None, shift: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The dynamic programme over a grid with cell tables and every gain: ``GAIN[r]``
    holds bead type ``g.row_types[r]``'s gain per cell (``NEG`` where it has none).
    Returns the best score ``D`` and the bead type ``BP`` that reaches each cell."""
    assert g.IDX is not None
    n_cells = int(g.offs[-1])
    D = np.full(n_cells, NEG, dtype=np.float64)
    BP = np.full(n_cells, -1, dtype=np.int8)
    type_of_row = np.asarray(g.row_types, dtype=np.int8)
    _dp_rows(D, BP, g.IDX, GAIN, g.offs, g.lo, 0, len(g.offs) - 1, 0, type_of_row, skip, report, shift)
    return D, BP


def backtrack(g: Grid, BP: np.ndarray, n: int, m: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The best path to cell ``(n, m)``, from the bead types that reach each cell:
    (source ids, target ids) per bead, in order."""
    path: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    i, j = n, m
    while i > 0 or j > 0:
        t = int(BP[g.offs[i] + j - g.lo[i]]) if g.lo[i] <= j < g.hi[i] else -1
        if t < 0:
            raise RuntimeError(f"alignment search lost its path at ({i}, {j})")
        a, b = g.types[t]
        path.append((tuple(range(i - a, i)), tuple(range(j - b, j))))
        i -= a
        j -= b
    path.reverse()
    return path


def full_grid(n: int, m: int, max_merge: int) -> Grid:
    """A grid over every cell of an ``n`` x ``m`` document, with its cell tables (for
    :func:`run_dp` on gains made by hand; ``cell(i, j)`` is a cell's flat index)."""
    return _grid(
        n,
        m,
        SearchParams(max_merge=max_merge),
        _full_band(n, m),
        Side(PlainSpans(_none)),
        Side(PlainSpans(_none)),
        keep_cells=2**62,
    )


def _none(a: int) -> np.ndarray:
    return np.zeros((0, 1), np.float32)


def search(
    src: Side,
    tgt: Side,
    params: SearchParams | None = None,
    *,
    band: tuple[np.ndarray, np.ndarray] | None = None,
    memo: SearchMemo | None = None,
    ends: Ends | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Bead]:
    """Best monotone path covering every sentence of both sides (see the module's doc
    for the gain, :class:`Side` for what each side brings).

    ``memo`` (:class:`SearchMemo`, one per document and parameter set) makes reruns on
    the same document cheap: the band and cell tables are built once, and only the gains
    of spans whose embeddings changed (their :meth:`Spans.version`) are computed again.
    ``band``: target prefixes ``lo[i] .. hi[i] - 1`` per source row (default: the full
    grid, or a coarse-to-fine band on long documents).  ``ends`` (:class:`Ends`) says
    what the two ends of each side are: headlines and fragments cut off by the end of
    the page.  ``progress(done, 2 * n)`` is called as the gains of the source rows are
    computed (the first ``n``) and as the dynamic programme passes them (the second ``n``).
    """
    p = params or SearchParams()
    doc_ends = ends or Ends()
    n, m = src.size, tgt.size
    if n == 0 or m == 0:
        return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]
    g = memo.grid if memo is not None else None
    if g is None:
        g = _grid(n, m, p, band, src, tgt, keep_cells=memo.max_cells if memo is not None else -1)
        if memo is not None:
            memo.grid = g  # without cell tables it still keeps the band and neighbourhoods

    max_a = max(a for a, _ in g.types)
    max_b = max(b for _, b in g.types)
    src_emb = {a: src.spans(a) for a in range(1, max_a + 1)}
    tgt_emb = {b: tgt.spans(b) for b in range(1, max_b + 1)}
    src_ver = {a: src.spans.version(a) for a in src_emb}
    tgt_ver = {b: tgt.spans.version(b) for b in tgt_emb}
    src_hub, tgt_hub = _neighbourhoods(g, p, src_emb, tgt_emb, src_ver, tgt_ver, n, m)
    run = _Run(p, doc_ends, n, m, g, src_emb, tgt_emb, src_hub, tgt_hub, src.spans.bonus, tgt.spans.bonus)

    report = _Reporter(progress, 2 * n)
    if g.IDX is not None:
        _, BP = _dp_kept(run, (src_ver, tgt_ver), report)
        if memo is None or memo.grid is not g:
            g.GAIN = None  # not kept: free it with the search
    else:
        _, BP = _dp_blocks(run, report)
    report(2 * n)

    beads: list[Bead] = []
    for s, t in backtrack(g, BP, n, m):
        if s and t:
            a, b = len(s), len(t)
            i, j = s[0], t[0]
            cos = float(tgt_emb[b][j] @ src_emb[a][i])
            mar = cos
            if p.margin_weight:
                mar = margin(cos, float(src_hub[a][i] + tgt_hub[b][j]), p.margin_weight)
            beads.append(Bead(s, t, cos, mar))
        else:
            beads.append(Bead(s, t))
    return beads


def _dp_rows(
    D: np.ndarray,
    BP: np.ndarray,
    IDX: np.ndarray,
    GAIN: np.ndarray,
    offs: np.ndarray,
    lo: np.ndarray,
    i0: int,
    i1: int,
    base: int,
    type_of_row: np.ndarray,
    skip: float,
    report: Callable[[int], None] | None,
    shift: int,
) -> None:
    """The dynamic programme over rows ``i0 .. i1 - 1``, one row at a time over the flat
    table: every bead type that ends in the row at once (a gather, an add, a max), then
    the 0-1 beads.  ``IDX`` and ``GAIN`` hold the cells from flat index ``base`` on."""
    edges = offs[i0 : i1 + 1].tolist()
    steps_all = np.arange(max((b - a for a, b in itertools.pairwise(edges)), default=0)) * skip
    unreached = NEG / 2
    for i in range(i0, i1):
        if report is not None and not i % 1024:
            report(shift + i)
        k0, k1 = edges[i - i0], edges[i - i0 + 1]
        cells = slice(k0 - base, k1 - base)
        cand = D[IDX[:, cells]]
        cand += GAIN[:, cells]
        pick = cand.argmax(axis=0)
        best = cand.max(axis=0)
        bp = type_of_row[pick]
        bad = best <= unreached
        if bad.any():
            best[bad] = NEG
            bp[bad] = -1
        if i == 0 and lo[0] == 0:
            best[0] = 0.0
        # 0-1 beads inside the row: best[j] = max_k<=j best[k] + (j-k)*skip
        steps = steps_all[: k1 - k0]
        shifted = best - steps
        run = np.maximum.accumulate(shifted)
        from_left = run > shifted + 1e-12
        best = np.where(from_left, run + steps, best)
        bp[from_left] = 0
        D[k0:k1] = best
        BP[k0:k1] = bp


class _Reporter:
    """Calls ``progress(done, total)`` with ``done`` never going back (a no-op without one)."""

    def __init__(self, progress: Callable[[int, int], None] | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = -1

    def __call__(self, done: int) -> None:
        done = min(done, self.total)
        if self.progress is not None and done > self.done:
            self.done = done
            self.progress(done, self.total)


def path_is_valid(beads: Sequence[Bead], n: int, m: int) -> bool:
    """True when the beads cover 0..n-1 and 0..m-1 exactly once, in order."""
    src = [i for b in beads for i in b.src]
    tgt = [j for b in beads for j in b.tgt]
    return src == list(range(n)) and tgt == list(range(m))
