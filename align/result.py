"""Typed results: sentences, aligned pairs, a document's alignment and its signature."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["TRANSLATION_THRESHOLD", "DocumentAlignment", "Pair", "Sentence", "Signature", "Verdict"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of one side, as the aligner saw it."""

    index: int
    """0-based position among the side's sentences (with ``--presplit``: the 0-based line)."""
    text: str
    paragraph: int = 0
    start: int = 0
    """Character offset of the sentence in the decoded, normalised input text."""
    end: int = 0
    line: int = 0
    """1-based line of the input where the sentence starts."""


@dataclass(frozen=True, slots=True)
class Pair:
    """An aligned unit: source sentence ids, target sentence ids, their texts and scores.

    Ids are 0-based sentence indices (with ``--presplit``: 0-based line numbers), as in
    Vecalign's format.  One side is empty for an omission (``1-0`` or ``0-1``).
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    src_text: str
    tgt_text: str
    score: float
    """Confidence in [0, 1]: for a match, that it is a correct alignment; for an
    omission, that the sentence has no counterpart."""
    cosine: float | None = None
    """Cosine similarity of the two sides' embeddings (None for omissions)."""
    margin: float | None = None
    """Cosine minus the mean of each side's nearest neighbours (None for omissions)."""
    features: dict[str, float] = field(default_factory=dict)
    """Feature values behind the score: the pair features of :mod:`align.features`
    (``best_margin`` for an omission) and, with a calibration, where the bead sits on the
    path (:func:`align.scoring.path_features`)."""
    flags: tuple[str, ...] = ()
    """Warnings about the pair: number_mismatch, length_outlier, untranslated, low_similarity."""

    @property
    def kind(self) -> str:
        """Alignment type, source count first: ``1-1``, ``2-1``, ``1-0``..."""
        return f"{len(self.src)}-{len(self.tgt)}"

    @property
    def is_null(self) -> bool:
        return not self.src or not self.tgt


TRANSLATION_THRESHOLD = 0.5
"""Below this probability a document pair is judged not to be translations of each other:
``align pair`` warns, ``align batch`` keeps its pairs out of the corpus."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a document pair looks like a translation, and how much of it aligned."""

    coverage: float
    """Share of all sentences that are in a match, not an omission."""
    mean_score: float
    """Mean score of the matched pairs."""
    p_translation: float | None
    """Probability that the documents are translations of each other (None: uncalibrated model)."""
    calibration: str | None
    """Which calibration produced the scores (None: uncalibrated fallback)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "coverage": round(self.coverage, 6),
            "mean_score": round(self.mean_score, 6),
            "p_translation": None if self.p_translation is None else round(self.p_translation, 6),
            "calibration": self.calibration,
        }


@dataclass(frozen=True, slots=True)
class Signature:
    """What produced a result (sacrebleu-style), so a corpus can be reproduced.

    ``params`` holds every other option that decides the alignment (the aligner fills it
    from :meth:`align.config.AlignConfig.record`).  The date is metadata: it is written
    in the string, but two signatures that differ only in their date are equal.
    """

    version: str
    model: str
    src_lang: str
    tgt_lang: str
    params: dict[str, Any] = field(default_factory=dict)
    date: str = field(default="", compare=False)
    """UTC date the result was made (YYYY-MM-DD); not part of equality."""
    calibration: str = ""
    """Which score calibration was used (empty: uncalibrated scores)."""
    saved: str = ""
    """The signature string of a result read back from a file that recorded one (JSONL):
    ``str()`` gives it unchanged, so a re-export keeps what produced the pairs."""

    def __str__(self) -> str:
        if self.saved:
            return self.saved
        items = [
            f"align:{self.version}",
            f"model:{self.model}",
            f"langs:{self.src_lang}-{self.tgt_lang}",
            f"scores:{self.calibration or 'uncalibrated'}",
        ]
        items += [f"{k}:{v}" for k, v in sorted(self.params.items())]
        if self.date:
            items.append(f"date:{self.date}")
        return "|".join(items)

    def with_params(self, **params: Any) -> Signature:
        """This signature with some options set, e.g. ``presplit``, which is chosen per call."""
        return replace(self, params={**self.params, **params})

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "model": self.model,
            "src_lang": self.src_lang,
            "tgt_lang": self.tgt_lang,
            "params": dict(self.params),
            "date": self.date,
            "calibration": self.calibration,
        }


@dataclass(slots=True)
class DocumentAlignment:
    """The alignment of one document pair."""

    pairs: list[Pair]
    src: list[Sentence]
    tgt: list[Sentence]
    signature: Signature
    doc_id: str = ""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Information that is not a problem, e.g. how many furniture lines were removed."""
    encodings: tuple[str, str] = ("utf-8", "utf-8")
    verdict: Verdict | None = None
    calibrated: bool | None = None
    """Whether the scores are calibrated, as saved in a result read back from JSONL
    (None: told by ``verdict``)."""
    offsets_known: bool = True
    """False for a result read back from a file without character offsets (TSV): the
    sentences' ``start``/``end`` are placeholders, and JSONL writes null."""
    paragraphs_known: bool = True
    """False for a result read back from a file without paragraphs (TSV)."""

    @property
    def src_lang(self) -> str:
        return self.signature.src_lang

    @property
    def tgt_lang(self) -> str:
        return self.signature.tgt_lang

    def counts(self) -> dict[str, int]:
        """Number of pairs per alignment type."""
        return dict(sorted(Counter(p.kind for p in self.pairs).items()))

    @property
    def coverage(self) -> float:
        """Share of all sentences (both sides) that are in a match, not an omission."""
        total = len(self.src) + len(self.tgt)
        if total == 0:
            return 0.0
        matched = sum(len(p.src) + len(p.tgt) for p in self.pairs if not p.is_null)
        return matched / total

    @property
    def mean_score(self) -> float:
        """Mean score of the matched pairs (0 when there are none)."""
        scores = [p.score for p in self.pairs if not p.is_null]
        return sum(scores) / len(scores) if scores else 0.0

    def summary(self) -> str:
        counts = ", ".join(f"{k}: {v}" for k, v in self.counts().items())
        name = f"{self.doc_id}: " if self.doc_id else ""
        verdict = ""
        if self.verdict is not None and self.verdict.p_translation is not None:
            verdict = f", translation probability {self.verdict.p_translation:.2f}"
        elif self.verdict is not None:
            verdict = " (uncalibrated scores)"
        return (
            f"{name}{len(self.src)} {self.src_lang} / {len(self.tgt)} {self.tgt_lang} sentences -> "
            f"{len(self.pairs)} pairs ({counts}); coverage {self.coverage:.1%}, "
            f"mean score {self.mean_score:.3f}{verdict}"
        )
