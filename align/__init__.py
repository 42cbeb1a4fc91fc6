"""align: English-Korean (and any-pair) parallel corpora from document pairs.

Read both editions, clean page furniture, split sentences, embed them with a
multilingual model, align in order with merges and omissions, and score every pair.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .aligner import Aligner, align_texts
from .batch import BatchOptions, Job, load_jobs, run_batch
from .cache import DiskCache
from .calibration import Calibration, load_calibration
from .config import AlignConfig
from .embed import (
    BaseEmbedder,
    CachedEmbedder,
    Embedder,
    SentenceTransformerEmbedder,
    USEEmbedder,
    Wrapper,
    load_embedder,
)
from .errors import AlignError, InputError
from .evaluate import Scores, evaluate, read_alignments
from .features import FEATURES, FLAGS, Feature, PairContext
from .formats import FORMATS, Format, filter_pairs, write, write_stream
from .formats.readers import read_results
from .match import Match, Matching, match_documents
from .metadata import Metadata, read_metadata
from .reading import Document, decode_bytes, read_document
from .result import DocumentAlignment, Pair, Sentence, Signature, Verdict
from .review import render_review, write_review
from .search import Bead, SearchMemo, SearchParams, Side, search
from .segment import Segment, split_sentences

__all__ = [
    "FEATURES",
    "FLAGS",
    "FORMATS",
    "AlignConfig",
    "AlignError",
    "Aligner",
    "BaseEmbedder",
    "BatchOptions",
    "Bead",
    "CachedEmbedder",
    "Calibration",
    "DiskCache",
    "Document",
    "DocumentAlignment",
    "Embedder",
    "Feature",
    "Format",
    "InputError",
    "Job",
    "Match",
    "Matching",
    "Metadata",
    "Pair",
    "PairContext",
    "Scores",
    "SearchMemo",
    "SearchParams",
    "Segment",
    "Sentence",
    "SentenceTransformerEmbedder",
    "Side",
    "Signature",
    "USEEmbedder",
    "Verdict",
    "Wrapper",
    "__version__",
    "align_texts",
    "decode_bytes",
    "evaluate",
    "filter_pairs",
    "load_calibration",
    "load_embedder",
    "load_jobs",
    "match_documents",
    "read_alignments",
    "read_document",
    "read_metadata",
    "read_results",
    "render_review",
    "run_batch",
    "search",
    "split_sentences",
    "write",
    "write_review",
    "write_stream",
]
