"""What a bead is worth: one scorer for the aligner, the review page and the fitting.

:class:`BeadScorer` computes the features and the score of any bead of one document
(a match of consecutive sentences, or an omission placed on the other side), and of a
whole path (:meth:`BeadScorer.path`: each bead alone, then the calibration's path
models over where it sits).  :func:`document_verdict` is the document verdict every
command shows.

Without a calibration, a match's score is ``sigmoid((margin - CENTER) / SCALE)``, a
fixed logistic of the margin the search optimises, and an omission's is ``1 -`` the
same function of the best margin the sentence reaches near its place.  These fallback
scores are *not calibrated probabilities*; results say which kind they carry.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .calibration import sigmoid
from .features import COPY_CAP, FEATURES, PairContext, flags_for, is_copy
from .result import DocumentAlignment, Verdict
from .search import Bead, Ends
from .search import margin as margin_of

if TYPE_CHECKING:
    from .calibration import Calibration
    from .spans import SpanTable

__all__ = [
    "PATH_FEATURES",
    "BeadScore",
    "BeadScorer",
    "document_features",
    "document_verdict",
    "null_best_margins",
    "pair_score",
    "path_features",
]

CENTER = 0.20
SCALE = 0.06


def pair_score(margin: float) -> float:
    """Score of a match from its margin."""
    return sigmoid((margin - CENTER) / SCALE)


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
        out.append(margin_of(float(cand.max()), 2.0 * hub, margin_weight))  # its own sentence is both sides
    return out


def document_features(result: DocumentAlignment) -> dict[str, float]:
    """Coverage, mean score and median margin of a document's matches."""
    matched = [p for p in result.pairs if not p.is_null]
    margins = sorted(p.margin for p in matched if p.margin is not None)
    return {
        "coverage": result.coverage,
        "mean_score": result.mean_score,
        "median_margin": margins[len(margins) // 2] if margins else -0.5,
    }


HUB_WINDOW = 64
"""Sentences of the other side, each way, whose best cosines make a span's
neighbourhood (its margin's hubness term).  Covers the whole of any document shorter
than this, where it is exactly the search's neighbourhood; bounds the work on books."""

NULL_WINDOW = 6
"""Sentences of the other side, each way from its place, that an omitted sentence is
compared with (the ``best_margin`` behind an omission's score)."""


class BeadScorer:
    """Cosine, margin, features and score of any bead of one document.

    The one home of what a bead is worth: the aligner scores its output with it, and
    ``scripts/fit_calibration.py`` computes the training features with it, so the
    calibration is fitted on exactly what runs.  Spans of more than one sentence are
    taken from the span tables as they are: callers make sure the ones they score were
    embedded for real (``SpanTable.todo``).  ``ends`` are the document's headlines and
    cut page ends, as the search saw them.
    """

    def __init__(
        self,
        src: SpanTable,
        tgt: SpanTable,
        src_texts: Sequence[str],
        tgt_texts: Sequence[str],
        src_joiner: str,
        tgt_joiner: str,
        src_lang: str,
        tgt_lang: str,
        calibration: Calibration | None,
        margin_weight: float,
        knn: int,
        ends: Ends,
    ) -> None:
        self.src, self.tgt = src, tgt
        self.src_texts, self.tgt_texts = list(src_texts), list(tgt_texts)
        self.src_joiner, self.tgt_joiner = src_joiner, tgt_joiner
        self.tgt_lang = tgt_lang
        self.check_copies = src_lang != tgt_lang
        self.calibration = calibration
        self.margin_weight, self.knn = margin_weight, knn
        self.ends = ends
        self.doc_log_ratio = math.log((tgt.lengths.sum() + 1) / (src.lengths.sum() + 1))
        self._hubs: dict[tuple[str, int, int], float] = {}
        self._matches: dict[tuple[tuple[int, ...], tuple[int, ...]], BeadScore] = {}

    # ------------------------------------------------------------------ spans
    def _hub(self, side: str, start: int, a: int, vec: np.ndarray, pos: int) -> float:
        key = (side, start, a)
        hub = self._hubs.get(key)
        if hub is None:
            other = self.tgt.units if side == "src" else self.src.units
            lo, hi = max(0, pos - HUB_WINDOW), min(len(other), pos + HUB_WINDOW)
            sims = other[lo:hi] @ vec
            k = min(self.knn, len(sims))
            hub = float(np.partition(sims, len(sims) - k)[-k:].mean()) if k else 0.0
            self._hubs[key] = hub
        return hub

    # ------------------------------------------------------------------ beads
    def match(self, src_ids: Sequence[int], tgt_ids: Sequence[int]) -> BeadScore:
        """Score of a match of consecutive source ``src_ids`` with consecutive ``tgt_ids``."""
        key = (tuple(src_ids), tuple(tgt_ids))
        done = self._matches.get(key)
        if done is not None:
            return done
        i, a, j, b = src_ids[0], len(src_ids), tgt_ids[0], len(tgt_ids)
        x, y = self.src(a)[i], self.tgt(b)[j]
        cos = float(x @ y)
        margin = cos
        if self.margin_weight:
            hubs = self._hub("src", i, a, x, j) + self._hub("tgt", j, b, y, i)
            margin = margin_of(cos, hubs, self.margin_weight)
        ctx = PairContext(
            self.src_joiner.join(self.src_texts[i : i + a]),
            self.tgt_joiner.join(self.tgt_texts[j : j + b]),
            a,
            b,
            cos,
            margin,
            self.doc_log_ratio,
            self.tgt_lang,
            self.ends.src_cut and i + a == len(self.src_texts),
            self.ends.tgt_cut and j + b == len(self.tgt_texts),
        )
        values = {f.name: f(ctx) for f in FEATURES}
        calib = self.calibration
        logit = calib.pair.logit(values) if calib else None
        score = sigmoid(logit) if logit is not None else pair_score(margin)
        copy = self.check_copies and is_copy(ctx)
        if copy:
            score = min(score, COPY_CAP)  # a copy is no translation, however similar
        out = BeadScore(score, cos, margin, values, tuple(flags_for(ctx, values)), copy, logit)
        self._matches[key] = out
        return out

    def null(self, side: str, index: int, pos: int) -> BeadScore:
        """Score of leaving sentence ``index`` of ``side`` ("src"/"tgt") unaligned, where
        ``pos`` is its place among the other side's sentences."""
        own, other = (self.src.units, self.tgt.units) if side == "src" else (self.tgt.units, self.src.units)
        best = null_best_margins([index], [pos], own, other, self.margin_weight, self.knn, NULL_WINDOW)[0]
        values = {"best_margin": best}
        calib = self.calibration
        logit = calib.null.logit(values) if calib else None
        score = sigmoid(logit) if logit is not None else 1.0 - pair_score(best)
        return BeadScore(score, None, None, values, (), False, logit)

    def path(self, beads: Sequence[Bead]) -> list[BeadScore]:
        """The score of every bead of a path: each bead alone (:meth:`match`, :meth:`null`,
        an omission placed where the path has it), then, with a calibration that has them,
        the path models over where each bead sits (:func:`path_features`)."""
        alone = []
        i = j = 0
        for b in beads:
            if b.src and b.tgt:
                alone.append(self.match(b.src, b.tgt))
            elif b.src:
                alone.append(self.null("src", b.src[0], j))
            else:
                alone.append(self.null("tgt", b.tgt[0], i))
            i += len(b.src)
            j += len(b.tgt)
        calib = self.calibration
        if calib is None or calib.path is None or calib.path_null is None:
            return alone
        out = []
        where = path_features(beads, alone, self.neighbour_fit(beads), self.ends.headlines)
        for b, sc, f in zip(beads, alone, where, strict=True):
            model = calib.path if b.src and b.tgt else calib.path_null
            values = {**sc.features, **f}
            score = model(values)
            if sc.copy:
                score = min(score, COPY_CAP)
            out.append(dataclasses.replace(sc, score=score, features=values))
        return out

    def _mean_unit(self, side: str, ids: Sequence[int]) -> np.ndarray:
        """The length-weighted mean of a run of sentence embeddings, unit length (cheap,
        and the same whichever spans happen to be embedded for real)."""
        table = self.src if side == "src" else self.tgt
        rows = list(ids)
        v = table.lengths[rows] @ table.units[rows]
        return np.asarray(v / (np.linalg.norm(v) + 1e-12))

    def neighbour_fit(self, beads: Sequence[Bead]) -> list[dict[str, float]]:
        """Per bead of a path, how well it fits with its neighbours (0 when there is
        nothing to measure):

        * ``grow``: how much a match's mean-embedding cosine gains by taking in an omitted
          sentence next to it (a merge the path missed; an omission gets the gain of
          joining the match next to it);
        * ``affinity``: the best cosine that an omitted sentence next to a match reaches
          with the match's other side (the same question, asked of the sentence alone,
          which a long match's mean hides; an omission gets its own);
        * ``shrink``: how much a match's cosine gains by giving up its first or last
          sentence (a merge that swallowed an added sentence).
        """
        out = [dict.fromkeys(NEIGHBOUR_FEATURES, 0.0) for _ in beads]
        for k, b in enumerate(beads):
            if not (b.src and b.tgt):
                continue
            src, tgt = self._mean_unit("src", b.src), self._mean_unit("tgt", b.tgt)
            base = float(src @ tgt)
            for x in (k - 1, k + 1):
                if not 0 <= x < len(beads) or (beads[x].src and beads[x].tgt):
                    continue
                nb = beads[x]
                if nb.src:
                    grown = float(self._mean_unit("src", sorted({*b.src, *nb.src})) @ tgt)
                    affinity = float(self.src.units[nb.src[0]] @ tgt)
                else:
                    grown = float(src @ self._mean_unit("tgt", sorted({*b.tgt, *nb.tgt})))
                    affinity = float(self.tgt.units[nb.tgt[0]] @ src)
                for bead in (out[k], out[x]):
                    bead["grow"] = max(bead["grow"], grown - base)
                    bead["affinity"] = max(bead["affinity"], affinity)
            for side, ids in (("src", b.src), ("tgt", b.tgt)):
                if len(ids) < 2:
                    continue
                fixed = tgt if side == "src" else src
                for part in (ids[1:], ids[:-1]):
                    smaller = float(self._mean_unit(side, part) @ fixed)
                    out[k]["shrink"] = max(out[k]["shrink"], smaller - base)
        return out


NEIGHBOUR_FEATURES = ["grow", "affinity", "shrink"]
"""What :meth:`BeadScorer.neighbour_fit` measures of each bead."""

PATH_FEATURES = [
    "logit",
    "omitted",
    "neighbours_null",
    "headline",
    "at_end",
    "neighbours_null_x_omitted",
    "headline_x_omitted",
    "at_end_x_omitted",
    "logit_x_omitted",
    "doc_cosine",
    *NEIGHBOUR_FEATURES,
]
"""What the path models see (:func:`path_features`)."""


def path_features(
    beads: Sequence[Bead],
    alone: Sequence[BeadScore],
    neighbour_fit: Sequence[dict[str, float]],
    headlines: bool = False,
) -> list[dict[str, float]]:
    """Where each bead of a path sits, for the path models of :class:`Calibration`.

    ``logit``: the bead's own log-odds (pair or omission model); ``omitted``: the share of
    the document's sentences the path leaves unaligned (an abridged edition, or a page
    cut off, against a complete translation); ``neighbours_null``: the share of the
    beads before and after it that are omissions (two sentences with no counterpart that
    happen to sit face to face make a match among omissions); ``headline``: the bead
    matches the two sides' first lines and both are headlines (``headlines``, see
    :func:`align.features.is_title`: retitled stories match weakly, and rightly);
    ``at_end``: the bead holds the last sentence of either side (pages cut off at
    different points).  Each is also multiplied by ``omitted``: where the context
    says something depends on how much of the document is abridged.  ``doc_cosine``: the
    median cosine of the path's matches (unrelated documents match weakly throughout);
    ``grow`` / ``affinity`` / ``shrink``: from :meth:`BeadScorer.neighbour_fit` (a merge
    missed or overdone).
    """
    n = sum(len(b.src) for b in beads)
    m = sum(len(b.tgt) for b in beads)
    omitted = sum(len(b.src) + len(b.tgt) for b in beads if not (b.src and b.tgt)) / max(1, n + m)
    cosines = sorted(sc.cosine for sc in alone if sc.cosine is not None)
    doc_cosine = cosines[len(cosines) // 2] if cosines else 0.0
    out = []
    for k, (b, sc) in enumerate(zip(beads, alone, strict=True)):
        near = [beads[x] for x in (k - 1, k + 1) if 0 <= x < len(beads)]
        f = {
            "logit": float(sc.logit if sc.logit is not None else 0.0),
            "neighbours_null": sum(1 for x in near if not (x.src and x.tgt)) / len(near) if near else 1.0,
            "headline": float(headlines and b.src == (0,) and b.tgt == (0,)),
            "at_end": float((n - 1) in b.src or (m - 1) in b.tgt),
        }
        f.update({f"{key}_x_omitted": value * omitted for key, value in f.items()})
        f["omitted"] = omitted
        f["doc_cosine"] = doc_cosine
        f.update(neighbour_fit[k])
        out.append(f)
    return out


@dataclass(frozen=True, slots=True)
class BeadScore:
    """What :class:`BeadScorer` says about one bead."""

    score: float
    cosine: float | None
    margin: float | None
    features: dict[str, float]
    flags: tuple[str, ...]
    copy: bool
    """The target is the source's text left untranslated (score capped at ``COPY_CAP``)."""
    logit: float | None = None
    """The calibrated model's log-odds behind ``score`` (None: uncalibrated)."""


def document_verdict(result: DocumentAlignment, calibration: Calibration | None) -> Verdict:
    """The document verdict, the one way every command computes it.

    ``p_translation`` is the document model's probability (None without a calibration),
    lowered by the share of matches that are copies of their source (copied text is not a
    translation, however similar): a document whose matches are all copies gets 0.
    """
    values = document_features(result)
    p = calibration.document(values) if calibration else None
    matched = [pair for pair in result.pairs if not pair.is_null]
    if matched and all(pair.margin is None for pair in matched):
        p = None  # read back without margins (TSV): no probability rather than a wrong one
    copies = 0
    if result.src_lang != result.tgt_lang:
        copies = sum(
            is_copy(
                PairContext(x.src_text, x.tgt_text, len(x.src), len(x.tgt), 0.0, 0.0, 0.0, result.tgt_lang)
            )
            for x in matched
        )
    if p is not None and copies:
        p *= 1.0 - copies / max(1, len(matched))
    return Verdict(values["coverage"], values["mean_score"], p, calibration.tag if calibration else None)
