"""align: English-Korean (and any-pair) parallel corpora from document pairs.

Read both editions, clean page furniture, split sentences, embed them with a
multilingual model, align in order with merges and omissions, and score every pair.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .aligner import Aligner, align_texts
from .embed import (
    CachedEmbedder,
    Embedder,
    SentenceTransformerEmbedder,
    USEEmbedder,
    load_embedder,
)
from .errors import AlignError, InputError
from .formats import FORMATS, filter_pairs, write, write_stream
from .reading import Document, decode_bytes, read_document
from .result import DocumentAlignment, Pair, Sentence, Signature
from .search import Bead, SearchParams, search
from .segment import Segment, split_sentences

__all__ = [
    "FORMATS",
    "AlignError",
    "Aligner",
    "Bead",
    "CachedEmbedder",
    "Document",
    "DocumentAlignment",
    "Embedder",
    "InputError",
    "Pair",
    "SearchParams",
    "Segment",
    "Sentence",
    "SentenceTransformerEmbedder",
    "Signature",
    "USEEmbedder",
    "__version__",
    "align_texts",
    "decode_bytes",
    "filter_pairs",
    "load_embedder",
    "read_document",
    "search",
    "split_sentences",
    "write",
    "write_stream",
]
