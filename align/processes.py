"""Documents side by side in processes: :meth:`align.Aligner.align_many` on several cores.

``align_many`` cuts its documents into as many shares of about equal work as it has
``processes`` (:func:`document_processes`: by default the model's threads on Linux,
where the model survives ``fork``; :func:`shares`).  The calling process aligns the
first share and helper processes forked from it the others, on one thread each, and
the results come back in the order of the documents (the same results as in one
process).  Why not threads: the alignment steps and the model's glue are Python and
numpy calls, and two busy threads hand the GIL over thousands of times a second
(about 40 us a hand-over on a 2-core VM).  On ``enko_dev/hard`` presplit
(``scripts/bench_speed.py``, 2 cores) two threads in one process took 2.00 s, two
processes 1.59 s (one thread: 2.67 s).

The helpers are forked once, on the first call that needs them, and live as long as
the aligner (:meth:`align.Aligner.close`, or when it is collected).  Forked, they
share the model's weights (copy-on-write pages) and the token stage's store of
per-token-id rows (:mod:`align._onnx`), and make their own onnxruntime sessions and
SQLite connections (:class:`align.cache.DiskCache`).  Every call sends them the
aligner's settings (:meth:`align.Aligner.settings`), so a change made after the fork
reaches them, and brings back what they counted (strings embedded, seconds), which
the caller's counters add.  A helper that fails or dies costs only time: the caller
aligns that share itself, and the next call forks new helpers.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .aligner import Aligner, Outcome
    from .embed import BaseEmbedder

__all__ = [
    "DOCUMENT_BYTES",
    "DocumentProcesses",
    "can_fork",
    "collector_frozen",
    "document_processes",
    "shares",
    "single_threaded_for_good",
]


def can_fork() -> bool:
    """Whether this process may fork helpers: the platform forks, and this is not a
    daemonic process (which may have no children)."""
    import multiprocessing

    return hasattr(os, "fork") and not multiprocessing.current_process().daemon


def document_processes(embedder: BaseEmbedder, asked: int | None, documents: int) -> int:
    """How many processes ``align_many`` spreads ``documents`` over: ``asked`` (None: the
    embedder's :attr:`~align.embed.BaseEmbedder.threads`, where it is
    :attr:`~align.embed.BaseEmbedder.forkable` and the platform is Linux), at most one
    per document, and one where this process cannot fork.  Not by default elsewhere:
    macOS's system libraries (Accelerate, which numpy may use) are not safe in a forked
    child, and Python starts processes there by spawning them."""
    if asked is None:
        asked = embedder.threads if embedder.forkable and sys.platform.startswith("linux") else 1
    count = max(1, min(asked, documents))
    return count if count > 1 and can_fork() else 1


@contextmanager
def collector_frozen() -> Iterator[None]:
    """The caller's objects out of the garbage collector's reach while the block forks
    processes (and they run): a forked process's collections would otherwise write to,
    and so copy, every page that holds them (4 MB a batch worker).  Left to a caller
    that freezes objects itself."""
    ours = not gc.get_freeze_count()
    if ours:
        gc.freeze()
    try:
        yield
    finally:
        if ours:
            gc.unfreeze()


def single_threaded_for_good() -> None:
    """One thread for everything in this (forked) process, for good: the models loaded
    here later (``ALIGN_THREADS``) and every BLAS."""
    from threadpoolctl import threadpool_limits

    os.environ["ALIGN_THREADS"] = "1"
    threadpool_limits(limits=1)


DOCUMENT_BYTES = 700
"""What a document's fixed work (reading it, setting its search up, scoring it) is
worth in bytes of its text, when :func:`shares` weighs documents: at one thread, a
dev document took 5.1 ms plus 7.6 us a byte of its two files (458 documents of
``enko_dev``: R² 0.94, against 0.87 for the bytes alone).  On ``enko_dev/hard``
presplit, two processes ran about 1.1x faster with it than on bytes alone (medians of
5 rounds in turn in one process: 1.74 against 1.96 s)."""


def shares(sizes: Sequence[int], count: int) -> list[list[int]]:
    """The indices of ``sizes`` (documents' bytes) in ``count`` shares of about equal
    work (:data:`DOCUMENT_BYTES` more per document), each share in input order: the
    largest first, each to the lightest share so far.  No share is empty while there
    are at least ``count`` documents."""
    load = [0] * count
    out: list[list[int]] = [[] for _ in range(count)]
    for k in sorted(range(len(sizes)), key=lambda k: -sizes[k]):
        lightest = min(range(count), key=load.__getitem__)
        out[lightest].append(k)
        load[lightest] += sizes[k] + DOCUMENT_BYTES
    return [sorted(share) for share in out if share]


class DocumentProcesses:
    """Helper processes forked from this one, each with a copy of ``aligner``, that
    align a share of ``align_many``'s documents on one thread (:meth:`align`)."""

    def __init__(self, aligner: Aligner, helpers: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        global _FORKING
        self.pid = os.getpid()
        self.helpers = helpers
        self._closed = False
        _FORKING = aligner  # read by the forked helpers (nothing is pickled)
        try:
            with collector_frozen():
                self._pool = ProcessPoolExecutor(
                    max_workers=helpers, mp_context=multiprocessing.get_context("fork"), initializer=_start
                )
                # with fork, the first task starts every helper, from this thread
                self._pool.submit(int).result()
        finally:
            _FORKING = None

    def align(self, aligner: Aligner, jobs: list[Share], presplit: bool) -> list[list[Outcome]]:
        """The outcomes of every share of ``jobs`` (document pairs and their ids), in
        order: this process aligns the first, the helpers the others (at most one more
        than there are helpers).  A share whose helper failed or died is aligned here."""
        settings = pickle.dumps(aligner.settings())
        clears = cleared(aligner.embedder)
        futures = []
        for share in jobs[1:]:
            try:
                futures.append(self._pool.submit(_align, settings, clears, share, presplit))
            except Exception:  # a helper died since the last call: aligned here below
                break
        done = [aligner.align_here(*jobs[0], presplit)]
        broken = len(futures) < len(jobs) - 1
        for future in futures:
            try:
                outcomes, counted = future.result()
            except Exception:  # the helper failed or died: aligned here below
                broken = True
                break
            done.append(outcomes)
            add_counts(aligner, counted)
        if broken:
            self.close()
        for pairs, ids in jobs[len(done) :]:
            done.append(aligner.align_here(pairs, ids, presplit))
        return done

    @property
    def usable(self) -> bool:
        """Whether this process's helpers can take a call (not closed, none has died)."""
        return self.pid == os.getpid() and not self._closed

    def close(self) -> None:
        """End the helpers (after what they run), and wait for them."""
        if self.pid == os.getpid() and not self._closed:  # a forked child's copy is its parent's
            self._closed = True
            self._pool.shutdown(wait=True, cancel_futures=True)


Share = tuple[list[tuple[Any, Any]], list[Any]]
"""Document pairs (paths) and their ids, aligned together."""


def counters(aligner: Aligner) -> list[float]:
    """What an aligner counts as it works: its search seconds, then per embedder in its
    chain (the embedder, what it wraps, ...) strings encoded, seconds, cache hits and
    misses (0 where it keeps none)."""
    out = [aligner.search_seconds]
    for e in _chain(aligner.embedder):
        out += [e.encoded, e.seconds, getattr(e, "hits", 0), getattr(e, "misses", 0)]
    return out


def add_counts(aligner: Aligner, deltas: Sequence[float]) -> None:
    """Add a helper's :func:`counters` deltas to ``aligner``'s own."""
    aligner.search_seconds += deltas[0]
    for k, e in enumerate(_chain(aligner.embedder)):
        encoded, seconds, hits, misses = deltas[1 + 4 * k : 5 + 4 * k]
        if encoded or seconds:
            e.encoded += int(encoded)
            e.seconds += seconds
        for name, n in (("hits", hits), ("misses", misses)):
            if n and hasattr(e, name):
                setattr(e, name, getattr(e, name) + int(n))


def cleared(embedder: BaseEmbedder) -> int:
    """How many times ``embedder`` and the ones it wraps were cleared, all together."""
    return sum(e.clears for e in _chain(embedder))


def _chain(embedder: BaseEmbedder) -> list[BaseEmbedder]:
    out = [embedder]
    for inner in embedder.wrapped():
        out += _chain(inner)
    return out


_FORKING: Aligner | None = None
"""The aligner whose helpers are being forked (the helpers take it as theirs)."""
_HELPER: Aligner | None = None
"""A helper's aligner."""
_SEEN = 0
"""A helper's count of its caller's clears (:func:`cleared`) when it last cleared."""
_LIMITS = ExitStack()
"""A helper's one-thread limits, held for its life."""


def _start() -> None:
    """A helper's start: the forked aligner, one thread for everything."""
    global _HELPER, _SEEN
    assert _FORKING is not None
    _HELPER = _FORKING
    _SEEN = cleared(_HELPER.embedder)
    single_threaded_for_good()
    # Ctrl-C reaches the whole process group: an idle helper ignores it (its caller
    # decides), a busy one stops its share (:func:`_align`)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _LIMITS.enter_context(_HELPER.embedder.single_threaded())


def _align(settings: bytes, clears: int, share: Share, presplit: bool) -> tuple[list[Outcome], list[float]]:
    """A helper's share of a call: its outcomes, and what the helper counted meanwhile
    (``clears``: the caller's :func:`cleared`)."""
    global _SEEN
    aligner = _HELPER
    assert aligner is not None
    aligner.__dict__.update(pickle.loads(settings))
    if clears != _SEEN:  # the caller cleared its embedder since: so does this copy
        aligner.embedder.clear()
        _SEEN = clears
    before = counters(aligner)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        outcomes = aligner.align_here(*share, presplit)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    return outcomes, [a - b for a, b in zip(counters(aligner), before, strict=True)]
