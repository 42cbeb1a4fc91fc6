"""The pipeline: read, clean, split, embed, align, score.

Load a model once with :class:`Aligner` and reuse it for every document::

    from align import Aligner
    aligner = Aligner()                      # bundled USE model, en -> ko
    result = aligner.align_files("article.en.txt", "article.ko.txt")
    for pair in result.pairs:
        print(pair.kind, pair.score, pair.src_text, pair.tgt_text)
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections.abc import Callable, Generator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from . import __version__
from .anchors import anchor_masks
from .calibration import load_calibration
from .clean import clean_text
from .config import DEFAULTS, AlignConfig
from .embed import CachedEmbedder, Embedder, load_embedder, trim_heap
from .errors import InputError
from .features import is_cut, is_title
from .processes import DocumentProcesses, document_processes, shares
from .reading import normalise_text, read_document
from .result import TRANSLATION_THRESHOLD, DocumentAlignment, Pair, Sentence, Signature
from .scoring import BeadScorer, document_verdict
from .search import Bead, Ends, SearchMemo, SearchParams, Side, search
from .segment import (
    MAX_SENTENCE_CHARS,
    Segment,
    cut_long,
    hangul_share,
    split_lines,
    split_sentences,
    supported_languages,
)
from .spans import Request, Sentences, SpanRequest, SpanTable, embed_spans, suspect_spans

__all__ = ["Aligner", "align_texts"]

# Languages written without spaces between words: spans are joined without one.
_NO_SPACE_LANGS = {"zh", "ja", "th", "lo", "km", "my"}

Steps = Generator[list[Request], None, DocumentAlignment]
"""A document's alignment as steps: each yield is what it needs embedded next
(:class:`~align.spans.Sentences` first, then :class:`~align.spans.SpanRequest` rounds);
the driver (:meth:`Aligner._lockstep`) embeds it and resumes the document."""
Outcome = tuple[DocumentAlignment | Exception, float]
"""A document's result (or the error that stopped it) and its seconds."""


class Aligner:
    """Aligns document pairs with one loaded model and one set of parameters."""

    def __init__(
        self,
        model: str | Embedder | None = None,
        *,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
        max_merge: int | None = None,
        null_cost: float | None = None,
        params: SearchParams | None = None,
        clean: bool | None = None,
        embed_all: bool | None = None,
        uncalibrated: bool | None = None,
        config: AlignConfig | None = None,
        progress: Callable[[str, int, int], None] | None = None,
        processes: int | None = None,
    ) -> None:
        """Every option left at None comes from ``config`` (default :data:`~align.config.DEFAULTS`).

        Keywords given win over ``params``, and ``params`` over ``config``:
        ``Aligner(params=SearchParams(max_merge=8))`` runs with max_merge 8.
        ``null_cost``: what leaving a sentence unaligned costs (default 0, see ``--null-cost``;
        the search's ``skip`` is its negative).  ``model`` is a spec (default ``config.model``)
        or a loaded :class:`~align.embed.Embedder`.  ``config.presplit`` is recorded in the
        signature; the calls choose presplit themselves (pass them the same value).

        ``progress(stage, done, total)``, if given, follows the work on a document:
        ``"embedding"`` (sentences, as the model gets through them), ``"searching"``
        (source rows: their gains, then the dynamic programme), then per rerun
        ``"embedding merges (pass k)"`` (spans) and ``"searching (pass k)"``.  Within a
        stage ``done`` never goes back and ends at ``total``.  Used by :meth:`align_files`,
        :meth:`align_texts` and :meth:`align_sentences`, not :meth:`align_many`.

        ``processes``: how many processes :meth:`align_many` spreads its documents over
        (None: the model's threads on Linux, where the model can be forked; see
        :mod:`align.processes`).  1 keeps every call in this process.
        """
        config = (config or DEFAULTS).with_options(
            params=params,
            max_merge=max_merge,
            null_cost=null_cost,
            src_lang=src_lang,
            tgt_lang=tgt_lang,
            clean=clean,
            embed_all=embed_all,
            uncalibrated=uncalibrated,
        )
        spec = config.model if model is None else model
        self.embedder = CachedEmbedder(load_embedder(spec))
        self.config = dataclasses.replace(
            config,
            model=spec if isinstance(spec, str) else self.embedder.name,
            src_lang=config.src_lang.lower(),
            tgt_lang=config.tgt_lang.lower(),
        )
        """Every option of this aligner (the model as its spec, or the name of the embedder given)."""
        self.params = self.config.search
        self.src_lang = self.config.src_lang
        self.tgt_lang = self.config.tgt_lang
        self.clean = self.config.clean
        self.embed_all = self.config.embed_all
        """Embed every concatenation of up to max_merge-1 sentences (Vecalign's way; the baseline)."""
        self.last_embedded = 0
        """Strings the last document needed embedded (before the cache)."""
        self.calibration = None if self.config.uncalibrated else load_calibration(self.embedder.name)
        """Calibrated scores for this model, or None (uncalibrated fallback)."""
        self.search_seconds = 0.0
        """Time spent in the alignment search, all documents together."""
        self.progress = progress
        """``progress(stage, done, total)`` callback, or None."""
        self.memo_budget = 32_000_000
        """Cells x bead types the search memos of all documents in flight may hold (~9 bytes each)."""
        self.processes = processes
        """Processes :meth:`align_many` spreads its documents over (None: automatic)."""
        self._memo_used = 0
        self._helpers: DocumentProcesses | None = None
        self.warnings: list[str] = []
        for lang in (self.src_lang, self.tgt_lang):
            if lang not in supported_languages():
                self.warnings.append(f"no sentence rules for '{lang}': using generic punctuation rules")

    @property
    def memo_used(self) -> int:
        """Cells x bead types the search memos of the documents in flight hold now
        (0 once every document has finished)."""
        return self._memo_used

    # ------------------------------------------------------------------ entry points
    @property
    def signature(self) -> Signature:
        """What makes this aligner's results: every option of :attr:`config` (the model by
        the embedder's name) and the calibration; the date is metadata, not identity."""
        options = self.config.record()
        for shown in ("model", "src_lang", "tgt_lang"):  # the signature's own fields
            del options[shown]
        return Signature(
            version=__version__,
            model=self.embedder.name,
            src_lang=self.src_lang,
            tgt_lang=self.tgt_lang,
            params=options,
            date=datetime.now(UTC).strftime("%Y-%m-%d"),
            calibration=self.calibration.tag if self.calibration else "",
        )

    def align_files(
        self,
        src_path: str | Path,
        tgt_path: str | Path,
        doc_id: str | None = None,
        presplit: bool | None = None,
    ) -> DocumentAlignment:
        """Read, decode and align two files (``presplit``: one sentence per line; default
        ``config.presplit``)."""
        return self._drive(self._file_steps(src_path, tgt_path, doc_id, self._presplit(presplit)))

    def _presplit(self, presplit: bool | None) -> bool:
        return self.config.presplit if presplit is None else presplit

    def _file_steps(
        self, src_path: str | Path, tgt_path: str | Path, doc_id: str | None, presplit: bool
    ) -> Steps:
        src_doc = read_document(src_path)
        tgt_doc = read_document(tgt_path)
        if doc_id is None:
            doc_id = _doc_id(src_path)
        result = yield from self._text_steps(
            src_doc.text, tgt_doc.text, doc_id, presplit, src_doc.path, tgt_doc.path
        )
        result.encodings = (src_doc.encoding, tgt_doc.encoding)
        result.warnings[:0] = [*src_doc.warnings, *tgt_doc.warnings]
        return result

    def align_many(
        self,
        file_pairs: Sequence[tuple[str | Path, str | Path]],
        doc_ids: Sequence[str | None] | None = None,
        presplit: bool | None = None,
    ) -> list[Outcome]:
        """Align many document pairs together: one result (or the error) per pair, with seconds.

        The same results as :meth:`align_files` one by one, but the documents advance in
        lockstep: their sentences go to the model in one call, and so do the merge
        candidates each round of searches needs, which keeps the model's batches large
        (aligning many short documents one by one sends the model a few sentences at a
        time, several times more expensive).  Each file is read once.  A document that
        fails gets its exception; the others go on.  A document's seconds are its own
        steps plus an even share of the shared model calls.

        With :attr:`processes` above 1 (by default, the model's threads), the documents
        are shared out over that many processes, by size, each on one thread
        (:mod:`align.processes`): the same results, in the same order.
        """
        ids: list[str | None] = list(doc_ids) if doc_ids is not None else [None] * len(file_pairs)
        pairs = list(file_pairs)
        count = document_processes(self.embedder, self.processes, len(pairs))
        if count <= 1:
            return self.align_here(pairs, ids, self._presplit(presplit))
        return self._side_by_side(pairs, ids, self._presplit(presplit), count)

    def align_here(
        self,
        file_pairs: Sequence[tuple[str | Path, str | Path]],
        doc_ids: Sequence[str | None],
        presplit: bool,
    ) -> list[Outcome]:
        """:meth:`align_many` in this process and its threads."""
        steps = [
            self._file_steps(src, tgt, doc_id, presplit)
            for (src, tgt), doc_id in zip(file_pairs, doc_ids, strict=True)
        ]
        return self._lockstep(steps)

    def _side_by_side(
        self, pairs: list[tuple[str | Path, str | Path]], ids: list[str | None], presplit: bool, count: int
    ) -> list[Outcome]:
        """:meth:`align_many` over ``count`` processes (:mod:`align.processes`): this one
        and its helpers each take a share of the documents, on one thread each."""
        from threadpoolctl import threadpool_limits

        helpers = self._helpers
        if helpers is None or not helpers.usable or helpers.helpers < count - 1:
            self.close()
            try:
                helpers = self._helpers = DocumentProcesses(self, count - 1)
            except Exception:  # no fork here and now (out of memory, a sandbox): one process
                return self.align_here(pairs, ids, presplit)
        parts = shares([_size(src) + _size(tgt) for src, tgt in pairs], count)
        jobs = [([pairs[k] for k in part], [ids[k] for k in part]) for part in parts]
        out: list[Outcome | None] = [None] * len(pairs)
        with self.embedder.single_threaded(), threadpool_limits(limits=1):
            for part, outcomes in zip(parts, helpers.align(self, jobs, presplit), strict=True):
                for k, outcome in zip(part, outcomes, strict=True):
                    out[k] = outcome
        done = [o for o in out if o is not None]
        assert len(done) == len(out)
        return done

    def settings(self) -> dict[str, object]:
        """What a copy of this aligner in another process needs to align as it does:
        its options, calibration and search budget (sent with every call to the
        helpers of :meth:`align_many`, so that changes made after they were forked
        reach them)."""
        return {name: getattr(self, name) for name in _SETTINGS}

    def close(self) -> None:
        """Let :meth:`align_many`'s helper processes go (a later call forks new ones)."""
        helpers, self._helpers = self._helpers, None
        if helpers is not None:
            helpers.close()

    def __enter__(self) -> Aligner:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __del__(self) -> None:
        helpers = getattr(self, "_helpers", None)
        if helpers is not None:
            with contextlib.suppress(Exception):  # at interpreter exit
                helpers.close()

    def _lockstep(self, steps: list[Steps], report: bool = False) -> list[Outcome]:
        """The one driver of document steps: advance every document to its next request,
        embed all the requests in one model call, repeat until every document is done.
        A document that fails gets its exception and the others go on; a model failure
        fails the documents waiting on it.  ``report``: follow the stages with
        :attr:`progress` (one document)."""
        seconds = [0.0] * len(steps)
        results: list[DocumentAlignment | Exception | None] = [None] * len(steps)
        pending: dict[int, list[Request]] = {}
        passes = 0

        def advance(k: int) -> None:
            t = time.perf_counter()
            try:
                pending[k] = next(steps[k])
            except StopIteration as done:
                results[k] = done.value
            except Exception as exc:  # reported per document by the caller
                results[k] = exc
            seconds[k] += time.perf_counter() - t

        for k in range(len(steps)):
            advance(k)
        while pending:
            batch, pending = pending, {}
            requests = [r for k in sorted(batch) for r in batch[k]]
            t = time.perf_counter()
            try:
                if report and self.progress is not None:
                    passes += not any(isinstance(r, Sentences) for r in requests)
                    self._embed_reporting(requests, passes)
                else:
                    embed_spans(self.embedder, requests)
            except Exception as exc:  # a model failure fails the documents waiting on it
                for k in batch:
                    results[k] = exc
                continue
            # the model call's micro-batches leave freed blocks in the C heap (glibc keeps
            # them for reuse): handed back now, a 2-worker batch peaks 10-15 MB lower
            trim_heap()
            share = (time.perf_counter() - t) / len(batch)
            for k in sorted(batch):
                seconds[k] += share
                advance(k)
        done = [r for r in results if r is not None]  # every document finished or failed
        assert len(done) == len(results)
        return list(zip(done, seconds, strict=True))

    def _embed_reporting(self, requests: list[Request], passes: int) -> None:
        """Embed with progress: the sentences as the model goes, a merge pass as a whole."""
        if any(isinstance(r, Sentences) for r in requests):
            embed_spans(self.embedder, requests, self._stage("embedding"))
            return
        report = self._stage(f"embedding merges (pass {passes + 1})")
        assert report is not None
        spans = sum(len(r.table.todo(r.spans)) for r in requests if isinstance(r, SpanRequest))
        report(0, spans)
        embed_spans(self.embedder, requests)
        report(spans, spans)

    def align_texts(
        self,
        src_text: str,
        tgt_text: str,
        doc_id: str = "",
        presplit: bool | None = None,
        src_name: str = "source text",
        tgt_name: str = "target text",
    ) -> DocumentAlignment:
        """Clean, split and align two texts (``presplit``: one sentence per line)."""
        steps = self._text_steps(src_text, tgt_text, doc_id, self._presplit(presplit), src_name, tgt_name)
        return self._drive(steps)

    def _text_steps(
        self, src_text: str, tgt_text: str, doc_id: str, presplit: bool, src_name: str, tgt_name: str
    ) -> Steps:
        src_text = normalise_text(src_text)
        tgt_text = normalise_text(tgt_text)
        warnings = list(self.warnings)
        notes: list[str] = []
        self._check_languages(src_text, tgt_text, src_name, tgt_name, warnings)
        src = self.sentences(src_text, self.src_lang, presplit, src_name, notes, warnings)
        tgt = self.sentences(tgt_text, self.tgt_lang, presplit, tgt_name, notes, warnings)
        result = yield from self._align_steps(src, tgt, doc_id, warnings)
        result.notes = notes
        result.signature = result.signature.with_params(presplit=presplit)  # chosen per call
        return result

    def align_sentences(self, src: Sequence[str], tgt: Sequence[str], doc_id: str = "") -> DocumentAlignment:
        """Align sentences the caller split already; ids are positions in the lists."""
        s = [Sentence(k, " ".join(t.split())) for k, t in enumerate(src)]
        t = [Sentence(k, " ".join(x.split())) for k, x in enumerate(tgt)]
        result = self._align(s, t, doc_id, list(self.warnings))
        result.signature = result.signature.with_params(presplit=True)  # split by the caller
        return result

    # ------------------------------------------------------------------ steps
    def _check_languages(
        self, src_text: str, tgt_text: str, src_name: str, tgt_name: str, warnings: list[str]
    ) -> None:
        check_language(src_text, self.src_lang, src_name)
        check_language(tgt_text, self.tgt_lang, tgt_name)
        if self.src_lang != self.tgt_lang and " ".join(src_text.split()) == " ".join(tgt_text.split()):
            raise InputError(tgt_name, f"is identical to {src_name}: both files are in the same language")

    def sentences(
        self, text: str, lang: str, presplit: bool, name: str, notes: list[str], warnings: list[str]
    ) -> list[Sentence]:
        """The sentences align sees in a (normalised) text: cleaned and split, or one per
        line when ``presplit``; removed furniture goes to ``notes``, cut sentences to
        ``warnings``.  ``align match`` reads documents through it, so the embedding cache
        holds what the alignment will ask for."""
        if presplit:
            segs: list[Segment] = [s for s in split_lines(text) if s.text]
            out = [Sentence(s.line - 1, " ".join(s.text.split()), 0, s.start, s.end, s.line) for s in segs]
        else:
            if self.clean:
                text, removed = clean_text(text, lang)
                if removed:
                    notes.append(f"{name}: removed {removed} line(s) of page furniture")
            segs, cut = cut_long(split_sentences(text, lang), MAX_SENTENCE_CHARS)
            if cut:
                warnings.append(
                    f"{name}: {cut} sentence(s) longer than {MAX_SENTENCE_CHARS:,} characters "
                    f"(no sentence punctuation?) cut into pieces of at most {MAX_SENTENCE_CHARS:,}"
                )
            out = [
                Sentence(k, " ".join(s.text.split()), s.paragraph, s.start, s.end, s.line)
                for k, s in enumerate(segs)
            ]
        if not out:
            raise InputError(name, "has no sentences to align")
        return out

    def _align(
        self, src: list[Sentence], tgt: list[Sentence], doc_id: str, warnings: list[str]
    ) -> DocumentAlignment:
        return self._drive(self._align_steps(src, tgt, doc_id, warnings))

    def _drive(self, steps: Steps) -> DocumentAlignment:
        """Run one document's steps (the same driver as :meth:`align_many`), with progress."""
        result, _ = self._lockstep([steps], report=True)[0]
        if isinstance(result, Exception):
            raise result
        return result

    def _stage(self, stage: str) -> Callable[[int, int], None] | None:
        """The progress callback for one stage: ``(done, total)``."""
        progress = self.progress
        if progress is None:
            return None
        return lambda done, total: progress(stage, done, total)

    def _align_steps(
        self, src: list[Sentence], tgt: list[Sentence], doc_id: str, warnings: list[str]
    ) -> Steps:
        """Align sentences; yields the spans it needs embedded (the caller embeds them)."""
        p = self.params
        n, m = len(src), len(tgt)
        # the model sees at most MAX_SENTENCE_CHARS of a sentence (split text is cut to
        # that already; a longer --presplit line or list item is embedded by its start)
        long = sum(len(x.text) > MAX_SENTENCE_CHARS for x in (*src, *tgt))
        if long:
            warnings.append(
                f"{long} line(s) longer than {MAX_SENTENCE_CHARS:,} characters: "
                f"only the first {MAX_SENTENCE_CHARS:,} characters of each are embedded"
            )
        src_texts = [s.text[:MAX_SENTENCE_CHARS] for s in src]
        tgt_texts = [t.text[:MAX_SENTENCE_CHARS] for t in tgt]
        asked = Sentences(src_texts + tgt_texts)
        yield [asked]  # one model call for both sides (and other documents)
        # the call's own result (no copy); from the cache where the caller did not fill it
        units = asked.vectors[0] if asked.vectors else self.embedder.encode(asked.texts)
        src_span, tgt_span = self._tables(src, tgt, units)
        del units
        embedded = n + m
        if self.embed_all:  # the baseline: every concatenation, as its joined text
            every = [SpanRequest(t, t.all_spans(), joined=True) for t in (src_span, tgt_span)]
            embedded += sum(len(r.table.todo(r.spans)) for r in every)
            yield [*every]
        src_anchors, tgt_anchors = anchor_masks([s.text for s in src], [t.text for t in tgt])
        src_side = Side(src_span, src_span.lengths, src_anchors, np.array([s.paragraph for s in src]))
        tgt_side = Side(tgt_span, tgt_span.lengths, tgt_anchors, np.array([t.paragraph for t in tgt]))
        # the reruns share the band, the cell tables and unchanged gains, within a
        # budget shared by every document in flight (align_many advances many at once)
        ends = _ends(src, tgt)
        memo = SearchMemo(max_cells=max(0, self.memo_budget - self._memo_used))
        held = 0
        try:
            for rerun in range(8):
                t0 = time.perf_counter()
                beads = search(
                    src_side,
                    tgt_side,
                    p,
                    memo=memo,
                    progress=self._stage(f"searching (pass {rerun + 1})" if rerun else "searching"),
                    ends=ends,
                )
                self.search_seconds += time.perf_counter() - t0
                if not held:
                    held = memo.held  # no cell tables: nothing held
                    self._memo_used += held
                if self.embed_all:
                    break
                need_src, need_tgt = suspect_spans(beads, n, m, p.max_merge)
                request: list[Request] = [SpanRequest(src_span, need_src), SpanRequest(tgt_span, need_tgt)]
                todo = sum(len(r.table.todo(r.spans)) for r in request if isinstance(r, SpanRequest))
                if not todo:
                    break
                embedded += todo
                yield request
        finally:
            self._memo_used -= held
            memo.clear()
        self.last_embedded = embedded

        return self._score(
            beads, src, tgt, self._scorer(src, tgt, src_span, tgt_span, ends), doc_id, warnings
        )

    def _tables(
        self, src: list[Sentence], tgt: list[Sentence], units: np.ndarray
    ) -> tuple[SpanTable, SpanTable]:
        """Both sides' span tables from the embeddings of their sentences (source rows first)."""
        n, max_span = len(src), self.params.max_merge - 1
        center = self.embedder.wants_centering
        return (
            SpanTable(
                [s.text[:MAX_SENTENCE_CHARS] for s in src],
                self._joiner(self.src_lang),
                units[:n],
                max_span,
                center,
                _byte_lengths(src),
            ),
            SpanTable(
                [t.text[:MAX_SENTENCE_CHARS] for t in tgt],
                self._joiner(self.tgt_lang),
                units[n:],
                max_span,
                center,
                _byte_lengths(tgt),
            ),
        )

    def bead_scorer(
        self,
        src: Sequence[str],
        tgt: Sequence[str],
        src_spans: set[tuple[int, int]] | None = None,
        tgt_spans: set[tuple[int, int]] | None = None,
    ) -> BeadScorer:
        """The scorer :meth:`align_sentences` uses for these sentences, with the given
        (start, length) spans embedded, for scoring beads the aligner did not choose
        (``scripts/fit_calibration.py``: near misses and omissions)."""
        s = [Sentence(k, " ".join(x.split())) for k, x in enumerate(src)]
        t = [Sentence(k, " ".join(x.split())) for k, x in enumerate(tgt)]
        units = self.embedder.encode([x.text[:MAX_SENTENCE_CHARS] for x in (*s, *t)])
        src_span, tgt_span = self._tables(s, t, units)
        embed_spans(
            self.embedder,
            [SpanRequest(src_span, src_spans or set()), SpanRequest(tgt_span, tgt_spans or set())],
        )
        return self._scorer(s, t, src_span, tgt_span)

    def _scorer(
        self,
        src: list[Sentence],
        tgt: list[Sentence],
        src_span: SpanTable,
        tgt_span: SpanTable,
        ends: Ends | None = None,
    ) -> BeadScorer:
        """What every bead of this document is worth (the one scoring, see :class:`BeadScorer`)."""
        return BeadScorer(
            src_span,
            tgt_span,
            [s.text for s in src],
            [t.text for t in tgt],
            self._joiner(self.src_lang),
            self._joiner(self.tgt_lang),
            self.src_lang,
            self.tgt_lang,
            self.calibration,
            self.params.margin_weight,
            self.params.knn,
            ends or _ends(src, tgt),
        )

    def _score(
        self,
        beads: list[Bead],
        src: list[Sentence],
        tgt: list[Sentence],
        scorer: BeadScorer,
        doc_id: str,
        warnings: list[str],
    ) -> DocumentAlignment:
        """Features, flags and scores of every pair, and the document verdict."""
        pairs: list[Pair] = []
        for b, sc in zip(beads, scorer.path(beads), strict=True):
            src_ids = tuple(src[i].index for i in b.src)
            tgt_ids = tuple(tgt[j].index for j in b.tgt)
            src_text = self._join([src[i].text for i in b.src], self.src_lang)
            tgt_text = self._join([tgt[j].text for j in b.tgt], self.tgt_lang)
            pairs.append(
                Pair(
                    src_ids,
                    tgt_ids,
                    src_text,
                    tgt_text,
                    sc.score,
                    sc.cosine,
                    sc.margin,
                    sc.features,
                    sc.flags,
                )
            )
        result = DocumentAlignment(
            pairs=pairs, src=src, tgt=tgt, signature=self.signature, doc_id=doc_id, warnings=warnings
        )
        result.verdict = document_verdict(result, self.calibration)
        if result.verdict.p_translation is not None and result.verdict.p_translation < TRANSLATION_THRESHOLD:
            warnings.append(
                f"{doc_id or 'the documents'}: the two sides do not look like translations of each other "
                f"(probability {result.verdict.p_translation:.2f})"
            )
        return result

    def _joiner(self, lang: str) -> str:
        return "" if lang in _NO_SPACE_LANGS else " "

    def _join(self, texts: list[str], lang: str) -> str:
        return self._joiner(lang).join(texts)


def check_language(text: str, lang: str, name: str, hint: str = "swapped or wrong file?") -> None:
    """Refuse a Korean text with almost no Hangul, or a non-Korean one that is mostly
    Hangul, with one line naming the file."""
    share = hangul_share(text)
    if lang == "ko" and share < 0.05:
        raise InputError(name, f"is supposed to be Korean but has almost no Hangul ({hint})")
    if lang != "ko" and share > 0.5:
        raise InputError(name, f"is supposed to be '{lang}' but is mostly Hangul ({hint})")


def _ends(src: list[Sentence], tgt: list[Sentence]) -> Ends:
    """The document's headlines (only when both sides have one) and cut page ends."""
    s, t = [x.text for x in src], [x.text for x in tgt]
    titles = is_title(s) and is_title(t)
    return Ends(titles, titles, is_cut(s), is_cut(t))


def _byte_lengths(sentences: list[Sentence]) -> np.ndarray:
    """UTF-8 length of every sentence (the whole sentence, however much of it is embedded)."""
    return np.array([len(x.text.encode("utf-8")) for x in sentences], dtype=np.float64)


_SETTINGS = (
    "config", "params", "src_lang", "tgt_lang", "clean", "embed_all", "calibration", "memo_budget", "warnings",
)  # fmt: skip
"""The attributes :meth:`Aligner.settings` sends to another process."""


def _size(path: str | Path) -> int:
    """A file's size in bytes (0 where it cannot be read: its error comes later)."""
    try:
        return os.path.getsize(path)
    except (OSError, ValueError):
        return 0


def _doc_id(path: str | Path) -> str:
    name = Path(str(path)).name
    if name in ("-", ""):
        return "stdin"
    stripped = True
    while stripped:
        stripped = False
        for suffix in (".txt", ".html", ".htm", ".en", ".ko"):
            if name.endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)]
                stripped = True
    return name


def align_texts(
    src_text: str,
    tgt_text: str,
    *,
    model: str | Embedder | None = None,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    max_merge: int | None = None,
    presplit: bool | None = None,
    doc_id: str = "",
) -> DocumentAlignment:
    """One-shot alignment of two texts (loads the model; use :class:`Aligner` for many);
    options left at None take their defaults (:data:`align.config.DEFAULTS`)."""
    aligner = Aligner(model, src_lang=src_lang, tgt_lang=tgt_lang, max_merge=max_merge)
    return aligner.align_texts(src_text, tgt_text, doc_id=doc_id, presplit=presplit)
