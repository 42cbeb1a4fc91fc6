"""JSONL: one JSON object per pair, omissions included.

Fields: ``doc_id``, ``type``, ``src_ids``, ``tgt_ids`` (0-based), ``src``, ``tgt``
(texts), ``score``, ``cosine`` and ``margin`` (null for omissions), ``flags``,
``features`` (every feature behind the score; ``best_margin`` for an omission),
``calibrated`` (false: the model has no calibration and the score is a plain logistic
of the margin), ``model``, ``signature`` (align version, model, scores, parameters, date), ``src_lang``,
``tgt_lang``, ``src_paragraphs``/``tgt_paragraphs`` and ``src_offsets``/``tgt_offsets``
(``[start, end]`` character offsets of each sentence in the decoded input), and, in a
file saved by the review page, ``status`` (``auto``, ``confirmed``, ``edited``,
``rejected``: :data:`align.filters.STATUSES`; a re-export keeps it).

Unknown is written as unknown, never invented: a result read back from a TSV (which
records no offsets or paragraphs) gets ``null`` offsets and paragraphs
(``DocumentAlignment.offsets_known``/``paragraphs_known``).  A result read back from
JSONL keeps its saved ``signature`` and ``calibrated`` (``Signature.saved``,
``DocumentAlignment.calibrated``), so ``align export`` to JSONL repeats them.
"""

from __future__ import annotations

import json
from typing import IO, Any

from ..result import DocumentAlignment, Pair, Sentence
from .base import FIELDS, Format, Written, count
from .readers import ReviewedPair

__all__ = ["JSONL", "calibrated", "record", "sentence_index"]

Index = tuple[dict[int, Sentence], dict[int, Sentence]]
"""A document's sentences by id, source then target (:func:`sentence_index`)."""


def sentence_index(result: DocumentAlignment) -> Index:
    """The sentences of ``result`` by id, for :func:`record` (built once per document)."""
    return {s.index: s for s in result.src}, {s.index: s for s in result.tgt}


def record(result: DocumentAlignment, p: Pair, index: Index | None = None) -> dict[str, Any]:
    """The JSONL record of one pair; ``index`` (:func:`sentence_index`) saves rebuilding it per pair."""
    src, tgt = index or sentence_index(result)
    rec = {
        "doc_id": result.doc_id,
        "type": p.kind,
        "src_ids": list(p.src),
        "tgt_ids": list(p.tgt),
        "src": p.src_text,
        "tgt": p.tgt_text,
        "score": round(p.score, 6),
        "cosine": None if p.cosine is None else round(p.cosine, 6),
        "margin": None if p.margin is None else round(p.margin, 6),
        "flags": list(p.flags),
        "features": {k: round(v, 6) for k, v in p.features.items()},
        "calibrated": calibrated(result),
        "model": result.signature.model,
        "signature": str(result.signature),
        "src_lang": result.src_lang,
        "tgt_lang": result.tgt_lang,
        "src_paragraphs": sorted({src[i].paragraph for i in p.src}) if result.paragraphs_known else None,
        "tgt_paragraphs": sorted({tgt[j].paragraph for j in p.tgt}) if result.paragraphs_known else None,
        "src_offsets": [[src[i].start, src[i].end] for i in p.src] if result.offsets_known else None,
        "tgt_offsets": [[tgt[j].start, tgt[j].end] for j in p.tgt] if result.offsets_known else None,
    }
    if isinstance(p, ReviewedPair):
        rec["status"] = p.status
    return rec


def calibrated(result: DocumentAlignment) -> bool:
    """Whether the scores are calibrated: as saved (read back), else as the verdict says."""
    if result.calibrated is not None:
        return result.calibrated
    return result.verdict is not None and result.verdict.calibration is not None


class JSONL(Format):
    """One JSON object per pair with everything align knows about it; reads back."""

    name = "jsonl"
    suffix = "jsonl"
    readable = True
    carries = FIELDS

    def write_text(
        self, results: list[DocumentAlignment], stream: IO[str], pairs: list[list[Pair]]
    ) -> Written:
        for result, kept in zip(results, pairs, strict=True):
            index = sentence_index(result)
            for p in kept:
                stream.write(json.dumps(record(result, p, index), ensure_ascii=False) + "\n")
        return Written(count(pairs))
