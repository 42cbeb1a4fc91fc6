"""Embeddings of sentence spans (runs of consecutive sentences) for the search.

Vecalign embeds every concatenation of 1..K sentences, K times the text.  align
embeds each sentence once and stands in for a concatenation with the length-weighted
mean of its sentences' embeddings (close to the real thing for averaging encoders).
Only the spans the search actually leans on are then embedded for real: the merges on
the path and the merges next to an omission.  The search reruns until no new span is
needed (usually once or twice).  ``exact=True`` embeds every span up front (the
baseline).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .embed import BaseEmbedder, Progress

__all__ = ["OPTIMISM", "Request", "Sentences", "SpanRequest", "SpanTable", "embed_spans", "suspect_spans"]

CENTER_MIN = 2
"""Centre a side only when it has at least this many sentences."""

OPTIMISM = 0.06
"""Cosine bonus per extra sentence for a span that is only approximated."""

_BLOCK = 8192
"""Sentences per step of the running sums behind approximated spans."""


class SpanTable:
    """Span embeddings of one side; callable as ``table(a)`` -> (n - a + 1, dim) array."""

    def __init__(
        self,
        texts: list[str],
        joiner: str,
        units: np.ndarray,
        max_span: int,
        center: bool = False,
        lengths: np.ndarray | None = None,
    ):
        """``lengths``: per-sentence lengths for the search (default: UTF-8 bytes of ``texts``)."""
        self.texts = texts
        self.joiner = joiner
        self.max_span = max_span
        if lengths is None:
            lengths = np.array([len(t.encode("utf-8")) for t in texts], dtype=np.float64)
        self.lengths = np.asarray(lengths, dtype=np.float64)
        # centring: subtract the side's mean sentence embedding (removes a model's
        # common direction, which crowds the cosines of some models together)
        self.center = units.mean(axis=0) if center and len(units) >= CENTER_MIN else None
        self.units = self._centred(units)
        self._arrays: dict[int, np.ndarray] = {1: self.units}
        self._bonus: dict[int, np.ndarray] = {}
        self.exact: set[tuple[int, int]] = set()
        self._versions: dict[int, int] = {}

    def all_spans(self) -> set[tuple[int, int]]:
        """Every span of 2..max_span sentences (for the embed-everything baseline)."""
        n = len(self.texts)
        return {(k, a) for a in range(2, self.max_span + 1) for k in range(n - a + 1)}

    def text(self, start: int, a: int) -> str:
        return self.joiner.join(self.texts[start : start + a])

    def texts_of(self, spans: list[tuple[int, int]]) -> list[list[str]]:
        return [self.texts[k : k + a] for k, a in spans]

    def _approx(self, a: int) -> np.ndarray:
        """Length-weighted means of every run of ``a`` sentences, normalised (float32).

        The running sum is float64 but built ``_BLOCK`` rows at a time (the same sums as one
        ``cumsum`` over the side: a float64 copy of a 100k-sentence side is 400 MB).
        """
        n, d = len(self.texts), self.units.shape[1]
        if n < a:
            return np.zeros((0, d), np.float32)
        out = np.empty((n - a + 1, d), dtype=np.float32)
        c = np.zeros((1, d))  # prefix sums c[first:], c[k] = sum of rows < k
        first = 0
        for s in range(0, n, _BLOCK):
            w = self.units[s : s + _BLOCK].astype(np.float64)
            w *= self.lengths[s : s + _BLOCK, None]
            w[0] += c[-1]
            c = np.vstack([c, np.cumsum(w, axis=0)])  # c[first .. s + len(w)]
            k0, k1 = max(0, first), s + len(w) - a + 1  # rows whose run ends in this block
            if k1 > k0:
                v = c[k0 + a - first : k1 + a - first] - c[k0 - first : k1 - first]
                v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-12
                out[k0:k1] = v
            keep = min(len(c), a)
            c, first = c[-keep:], s + len(w) + 1 - keep
        return out

    def __call__(self, a: int) -> np.ndarray:
        if a not in self._arrays:
            self._arrays[a] = self._approx(a)
        return self._arrays[a]

    def version(self, a: int) -> int:
        """How many times spans of ``a`` sentences were embedded for real (search memo key)."""
        return self._versions.get(a, 0)

    def bonus(self, a: int) -> np.ndarray:
        """Optimism added to the cosine of an approximated span (0 once embedded for real).

        The mean of sentence embeddings under-rates a concatenation's similarity (by about
        0.03-0.07 on dev data), so approximations get ``OPTIMISM``: a merge
        that might win is put on the path, embedded for real, and then judged on its
        real similarity.
        """
        if a not in self._bonus:
            rows = max(0, len(self.texts) - a + 1)
            self._bonus[a] = np.full(rows, OPTIMISM, dtype=np.float32)
            for k, aa in self.exact:
                if aa == a:
                    self._bonus[a][k] = 0.0
        return self._bonus[a]

    def todo(self, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """The given (start, length) spans that are valid and not yet embedded for real."""
        n = len(self.texts)
        return sorted(
            sp for sp in spans if sp not in self.exact and sp[1] > 1 and sp[0] >= 0 and sp[0] + sp[1] <= n
        )

    def _centred(self, vecs: np.ndarray) -> np.ndarray:
        if self.center is None:
            return vecs
        v = vecs - self.center
        out: np.ndarray = (v / (np.linalg.norm(v, axis=1, keepdims=True) + 1e-12)).astype(np.float32)
        return out

    def fill(self, spans: list[tuple[int, int]], vecs: np.ndarray) -> None:
        """Store real embeddings of ``spans``."""
        vecs = self._centred(vecs)
        for (k, a), v in zip(spans, vecs, strict=True):
            self(a)[k] = v
            self.bonus(a)[k] = 0.0
            self.exact.add((k, a))
        for a in {a for _, a in spans}:
            self._versions[a] = self._versions.get(a, 0) + 1


@dataclass(frozen=True, slots=True)
class Sentences:
    """A request to embed whole sentences; :func:`embed_spans` leaves their vectors in
    ``vectors`` (one array: a view of the model call's result, shared with the cache)."""

    texts: list[str]
    vectors: list[np.ndarray] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SpanRequest:
    """A request to embed some (start, length) spans of a table for real; those already
    embedded are skipped (:meth:`SpanTable.todo`)."""

    table: SpanTable
    spans: Collection[tuple[int, int]]
    joined: bool = False
    """Embed them as their joined text (Vecalign's way: the baseline), never through
    the model's span method."""


Request = Sentences | SpanRequest
"""What a document's alignment steps ask to have embedded (:func:`embed_spans`)."""


def embed_spans(embedder: BaseEmbedder, requests: Sequence[Request], progress: Progress | None = None) -> int:
    """Embed the requested spans of several tables in one model call; return how many.

    A request is a :class:`SpanRequest` (spans of a table) or :class:`Sentences`
    (sentences, before any table exists).  ``progress(done, total)`` follows the
    sentences as the model embeds them.
    """
    asked = [r for r in requests if isinstance(r, Sentences)]
    sentences = [t for r in asked for t in r.texts]
    if sentences:
        vecs = embedder.encode(sentences, progress)
        at = 0
        for r in asked:
            r.vectors[:] = [vecs[at : at + len(r.texts)]]
            at += len(r.texts)
    todo = [(r.table, r.table.todo(r.spans), r.joined) for r in requests if isinstance(r, SpanRequest)]
    whole = [(table, spans) for table, spans, joined in todo if joined and spans]
    runs = [(table, spans) for table, spans, joined in todo if not joined and spans]
    if whole:
        _fill(whole, embedder.encode([table.text(k, a) for table, spans in whole for k, a in spans]))
    # one call per joiner (both sides share it in practice): the model's span
    # method (USE: per-sentence records plus junctions) or the joined texts
    for joiner in dict.fromkeys(table.joiner for table, _ in runs):
        same = [(table, spans) for table, spans in runs if table.joiner == joiner]
        runs_text = [run for table, spans in same for run in table.texts_of(spans)]
        _fill(same, embedder.encode_spans(runs_text, joiner))
    return len(sentences) + sum(len(spans) for _, spans, _ in todo)


def _fill(requests: list[tuple[SpanTable, list[tuple[int, int]]]], vecs: np.ndarray) -> None:
    at = 0
    for table, spans in requests:
        table.fill(spans, vecs[at : at + len(spans)])
        at += len(spans)


class _Bead(Protocol):
    """A bead as :func:`suspect_spans` reads it: its sentence indices on each side."""

    @property
    def src(self) -> Sequence[int]: ...

    @property
    def tgt(self) -> Sequence[int]: ...


def suspect_spans(
    beads: Sequence[_Bead], n: int, m: int, max_merge: int, around_omissions: bool = True
) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """Spans whose real embedding could change the path.

    The merges on the path and, with ``around_omissions``, the two-sentence merges
    around an omission (where a merge is the usual alternative).
    """
    src: set[tuple[int, int]] = set()
    tgt: set[tuple[int, int]] = set()
    for b in beads:
        if b.src and b.tgt:
            if len(b.src) > 1:
                src.add((b.src[0], len(b.src)))
            if len(b.tgt) > 1:
                tgt.add((b.tgt[0], len(b.tgt)))
        elif around_omissions and max_merge >= 3:
            if b.src:
                i = b.src[0]
                src.update({(i - 1, 2), (i, 2)})
            else:
                j = b.tgt[0]
                tgt.update({(j - 1, 2), (j, 2)})
    return src, tgt
