"""Many document pairs into one corpus: sharded, resumable, cached, parallel.

Layout of an output folder::

    OUTDIR/batch.json            the options (a resumed run must use the same ones)
    OUTDIR/shards/NNNNN.jsonl    pairs of one shard (align JSONL), written atomically
    OUTDIR/shards/NNNNN.docs.jsonl   one report per document of the shard
    OUTDIR/shards/NNNNN.done     completion record, written last
    OUTDIR/corpus.jsonl          every shard in order, duplicates and low scores removed
    OUTDIR/corpus.{tsv,tmx,en,ko ...}   the chosen exports of the corpus
    OUTDIR/documents.jsonl       per document: counts, coverage, verdict, error, seconds
    OUTDIR/stats.json            totals, pairs by type, score histogram, removals, speed

Jobs are cut into shards in manifest order; a shard is skipped when its completion
record exists, so a killed run restarts where it stopped and produces the same
corpus.  Executors: ``local`` (worker processes, one model each) and ``ray`` (Ray
Data actor pool, extra ``align[ray]``).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import DEFAULTS, AlignConfig
from .embed import forget
from .errors import AlignError, InputError
from .processes import collector_frozen, single_threaded_for_good
from .result import TRANSLATION_THRESHOLD

__all__ = ["BatchOptions", "Job", "load_jobs", "run_batch"]


@dataclass(frozen=True, slots=True)
class Job:
    doc_id: str
    en_path: str
    ko_path: str
    meta: dict[str, Any] = field(default_factory=dict)


Shards = list[tuple[int, list[Job]]]
"""Shard number and its jobs, in manifest order."""


_CONFIG_FIELDS = ("model", "src_lang", "tgt_lang", "max_merge", "null_cost", "presplit", "clean")
"""The :class:`~align.config.AlignConfig` fields a batch carries as options of its own."""


@dataclass(slots=True)
class BatchOptions:
    """How a batch runs: the alignment options (defaults from :data:`~align.config.DEFAULTS`)
    and the batch's own (filters, exports, shards, executor)."""

    model: str = DEFAULTS.model
    src_lang: str = DEFAULTS.src_lang
    tgt_lang: str = DEFAULTS.tgt_lang
    max_merge: int = DEFAULTS.max_merge
    null_cost: float = DEFAULTS.null_cost
    presplit: bool = DEFAULTS.presplit
    clean: bool = DEFAULTS.clean
    min_score: float | None = None
    keep_non_translations: bool = False
    """Keep the pairs of documents the verdict judges not to be translations (p < 0.5)."""
    dedupe: bool = True
    exports: tuple[str, ...] = ("tsv",)
    shard_size: int = 50
    workers: int = 1
    engine: str = "local"
    ray_address: str | None = None
    fail_fast: bool = False
    cache: str | None = None
    """SQLite embedding cache (default OUTDIR/cache.sqlite); "" disables it."""

    @classmethod
    def from_config(cls, config: AlignConfig, **batch: Any) -> BatchOptions:
        """Options whose alignment fields come from ``config`` (the batch's own from ``batch``)."""
        return cls(**{name: getattr(config, name) for name in _CONFIG_FIELDS}, **batch)

    @property
    def config(self) -> AlignConfig:
        """The options that decide every alignment of the batch."""
        return DEFAULTS.with_options(**{name: getattr(self, name) for name in _CONFIG_FIELDS})

    def alignment_key(self) -> dict[str, Any]:
        """What decides the shards' content (a resumed run must match it): every option of
        :attr:`config` (:meth:`~align.config.AlignConfig.record`) and the shard size."""
        return {**self.config.record(), "shard_size": self.shard_size}


def jobs_digest(jobs: list[Job]) -> str:
    """What a resumed batch must find again: every document's id and its two files (by
    absolute path), as a SHA-256.  Two manifests with the same ids but another pairing
    (a re-run ``align match`` that paired differently) differ here."""
    rows = [[j.doc_id, os.path.abspath(j.en_path), os.path.abspath(j.ko_path)] for j in jobs]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


def _same_key(previous: Any, key: dict[str, Any]) -> bool:
    """Whether a saved resume key is ``key``; an option missing from it (saved before the
    option was recorded) is taken at its default, the value that run had."""
    if not isinstance(previous, dict):
        return False
    return {**BatchOptions().alignment_key(), **previous} == key


# ------------------------------------------------------------------ input
def load_jobs(source: str | Path) -> tuple[list[Job], list[str]]:
    """Jobs from a manifest (TSV/JSONL with en_path, ko_path[, doc_id, ...]) or a folder with en/ and ko/.

    Returns the jobs and a list of problems (files without a partner), which the
    caller reports.
    """
    path = Path(source)
    if path.is_dir():
        return _pair_folders(path)
    if not path.exists():
        raise InputError(str(path), "no such manifest or folder")
    rows: list[dict[str, Any]] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "is not UTF-8 text: not a manifest (TSV or JSONL)") from None
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise InputError(str(path), "is empty")
    if lines[0].lstrip().startswith("{"):
        for n, ln in enumerate(lines, 1):
            try:
                row = json.loads(ln)
            except (ValueError, RecursionError):
                raise InputError(str(path), "not a JSON object", line=n) from None
            if not isinstance(row, dict):
                raise InputError(str(path), "not a JSON object", line=n)
            rows.append(row)
    else:
        head = lines[0].split("\t")
        for n, ln in enumerate(lines[1:], 2):
            cells = ln.split("\t")
            if len(cells) != len(head):
                raise InputError(str(path), f"has {len(cells)} columns, the header has {len(head)}", line=n)
            rows.append(dict(zip(head, cells, strict=True)))
    jobs, seen = [], set()
    for n, row in enumerate(rows, 1):
        if "en_path" not in row or "ko_path" not in row:
            raise InputError(str(path), "needs en_path and ko_path columns", line=n)
        if not all(isinstance(row[k], str) and row[k].strip() for k in ("en_path", "ko_path")):
            raise InputError(str(path), "en_path and ko_path must be non-empty file names", line=n)
        en, ko = Path(row["en_path"]), Path(row["ko_path"])
        en = en if en.is_absolute() else path.parent / en
        ko = ko if ko.is_absolute() else path.parent / ko
        doc_id = str(row.get("doc_id") or en.name.split(".")[0])
        if doc_id in seen:
            raise InputError(str(path), f"doc_id {doc_id!r} appears twice", line=n)
        seen.add(doc_id)
        meta = {k: v for k, v in row.items() if k not in {"en_path", "ko_path", "doc_id"}}
        jobs.append(Job(doc_id, str(en), str(ko), meta))
    return jobs, []


def _pair_folders(root: Path) -> tuple[list[Job], list[str]]:
    en_dir, ko_dir = root / "en", root / "ko"
    if not en_dir.is_dir() or not ko_dir.is_dir():
        raise InputError(
            str(root), "a batch folder needs en/ and ko/ subfolders with files of the same names"
        )
    en = {p.name: p for p in sorted(en_dir.iterdir()) if p.is_file()}
    ko = {p.name: p for p in sorted(ko_dir.iterdir()) if p.is_file()}
    problems = [f"{en_dir / n}: no partner in {ko_dir}" for n in sorted(set(en) - set(ko))]
    problems += [f"{ko_dir / n}: no partner in {en_dir}" for n in sorted(set(ko) - set(en))]
    jobs = [Job(Path(n).stem, str(en[n]), str(ko[n])) for n in sorted(set(en) & set(ko))]
    return jobs, problems


# ------------------------------------------------------------------ one shard
class ShardWorker:
    """Holds one loaded model; aligns whole shards and writes their files."""

    def __init__(self, options: BatchOptions, outdir: str, cache: str | None, inner: Any = None) -> None:
        from .aligner import Aligner
        from .cache import DiskCache
        from .embed import load_embedder

        self.options = options
        self.outdir = Path(outdir)
        inner = inner if inner is not None else load_embedder(options.model)
        self.cache = DiskCache(inner, cache) if cache else None
        # one process: the batch has worker processes of its own
        self.aligner = Aligner(self.cache or inner, config=options.config, processes=1)

    def _embedded(self) -> int:
        """Strings the model itself has embedded so far (cache misses all the way down)."""
        return self.cache.misses if self.cache else self.aligner.embedder.encoded

    def __call__(self, shard: int, jobs: list[Job]) -> dict[str, Any]:
        from .formats import atomic_writer
        from .formats.jsonl import record, sentence_index

        pair_lines: list[str] = []
        reports: list[dict[str, Any]] = []
        embedded_before = self._embedded()
        # the shard's documents advance together: the model sees large batches
        outcomes = self.aligner.align_many(
            [(j.en_path, j.ko_path) for j in jobs], [j.doc_id for j in jobs], presplit=self.options.presplit
        )
        for job, (r, seconds) in zip(jobs, outcomes, strict=True):
            report: dict[str, Any] = {
                "doc_id": job.doc_id,
                "en_path": job.en_path,
                "ko_path": job.ko_path,
                **job.meta,
            }
            if isinstance(r, Exception):
                error = str(r) if isinstance(r, AlignError) else f"{type(r).__name__}: {r}"
                report.update(status="error", error=error)
                if self.options.fail_fast:
                    if isinstance(r, AlignError):
                        raise r
                    raise AlignError(f"{job.doc_id}: {error}") from r
            else:
                index = sentence_index(r)
                for p in r.pairs:
                    pair_lines.append(json.dumps(record(r, p, index), ensure_ascii=False))
                v = r.verdict
                report.update(
                    status="ok",
                    en_sentences=len(r.src),
                    ko_sentences=len(r.tgt),
                    pairs=len(r.pairs),
                    types=r.counts(),
                    coverage=round(r.coverage, 4),
                    mean_score=round(r.mean_score, 4),
                    p_translation=None if v is None or v.p_translation is None else round(v.p_translation, 4),
                    warnings=r.warnings,
                    error=None,
                )
            report["seconds"] = round(seconds, 3)
            reports.append(report)
        forget(self.aligner.embedder)  # the next shard has other sentences: keep memory flat
        folder = self.outdir / "shards"
        with atomic_writer(folder / f"{shard:05d}.jsonl") as f:
            f.write("".join(line + "\n" for line in pair_lines))
        with atomic_writer(folder / f"{shard:05d}.docs.jsonl") as f:
            f.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in reports))
        summary = {
            "shard": shard, "documents": len(jobs), "pairs": len(pair_lines),
            "errors": sum(1 for r in reports if r["status"] != "ok"),
            "embedded": self._embedded() - embedded_before,
        }  # fmt: skip
        with atomic_writer(folder / f"{shard:05d}.done") as f:
            f.write(json.dumps(summary) + "\n")
        return summary


_WORKER: ShardWorker | None = None


@contextmanager
def _single_threaded_meanwhile() -> Iterator[None]:
    """:func:`~align.processes.single_threaded_for_good` for the calling process, until
    the block ends: then its
    thread limits and ``ALIGN_THREADS`` are what they were."""
    from threadpoolctl import threadpool_limits

    before = os.environ.get("ALIGN_THREADS")
    os.environ["ALIGN_THREADS"] = "1"
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        if before is None:
            os.environ.pop("ALIGN_THREADS", None)
        else:
            os.environ["ALIGN_THREADS"] = before


_PRELOADED: Any = None
"""A model loaded by the parent before forking: the workers share its weights' memory pages."""


ShardTask = Callable[[BatchOptions, str, str | None, Any], Callable[[int, list[Any]], Any]]
"""What the executors run: a class (or factory) built once per worker process or Ray
actor with the batch's options, the output folder, the cache and a preloaded model (or
None), whose instances are then called once per shard, ``(shard, jobs) -> result``.
:class:`ShardWorker` aligns; ``align match`` embeds (:class:`align.match.EmbedWorker`)."""


_TASK: Callable[[int, list[Any]], Any] | None = None


def _init_worker(task: ShardTask, options: BatchOptions, outdir: str, cache: str | None) -> None:
    global _TASK
    single_threaded_for_good()
    _TASK = task(options, outdir, cache, _PRELOADED)


def _run_in_worker(shard: int, jobs: list[Any]) -> Any:
    assert _TASK is not None
    return _TASK(shard, jobs)


# ------------------------------------------------------------------ executors
def _run_local(
    todo: list[tuple[int, list[Any]]],
    options: BatchOptions,
    outdir: Path,
    cache: str | None,
    on_done: Callable[[Any], None],
    task: ShardTask = ShardWorker,
    inner: Any = None,
) -> None:
    """Run ``task`` on every shard of ``todo`` in this process or in ``options.workers``
    forked processes; ``on_done`` gets each shard's result as it finishes.  ``inner``: a
    loaded model to use (default: ``options.model``, loaded here)."""
    if options.workers <= 1:
        worker = task(options, str(outdir), cache, inner)
        for shard, jobs in todo:
            on_done(worker(shard, jobs))
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    global _PRELOADED
    # Load the model once here and fork: the workers share one copy of the weights
    # (copy-on-write pages), which also halves what competes for the CPU caches.
    # The SQLite cache is opened in each worker, after the fork.
    from .embed import load_embedder

    # the preloaded model keeps its thread count in the workers; the caller gets its own back
    with _single_threaded_meanwhile():
        try:
            _PRELOADED = inner if inner is not None else load_embedder(options.model)
            _PRELOADED.encode(["warm up"])
            ctx = mp.get_context("fork")
            with (
                collector_frozen(),
                ProcessPoolExecutor(
                    max_workers=options.workers,
                    mp_context=ctx,
                    initializer=_init_worker,
                    initargs=(task, options, str(outdir), cache),
                ) as pool,
            ):
                futures = [pool.submit(_run_in_worker, shard, jobs) for shard, jobs in todo]
                for fut in as_completed(futures):
                    on_done(fut.result())
        finally:
            _PRELOADED = None  # the workers have their copy; the caller keeps no model


class _RayShardActor:
    def __init__(
        self, options: BatchOptions, outdir: str, cache: str | None, task: ShardTask = ShardWorker
    ) -> None:
        single_threaded_for_good()
        self.worker = task(options, outdir, cache, None)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        out = []
        for shard, jobs in zip(batch["shard"], batch["jobs"], strict=True):
            out.append(pickle.dumps(self.worker(int(shard), pickle.loads(jobs))))
        return {"result": out}


def _run_ray(
    todo: list[tuple[int, list[Any]]],
    options: BatchOptions,
    outdir: Path,
    cache: str | None,
    on_done: Callable[[Any], None],
    task: ShardTask = ShardWorker,
) -> None:
    """Run ``task`` on every shard of ``todo`` in a Ray Data actor pool of ``options.workers``
    actors (each loads ``options.model``); ``on_done`` gets each shard's result."""
    try:
        import ray
        from ray.data import ActorPoolStrategy
    except ImportError as exc:
        raise AlignError("--engine ray needs Ray: pip install 'align[ray]'") from exc
    started = False
    if not ray.is_initialized():
        if options.ray_address:
            ray.init(address=options.ray_address, log_to_driver=False)
        else:
            ray.init(num_cpus=max(1, options.workers), include_dashboard=False, log_to_driver=False)
        started = True
    try:
        items = [{"shard": s, "jobs": pickle.dumps(jobs)} for s, jobs in todo]
        ds = ray.data.from_items(items, override_num_blocks=max(1, len(items)))
        out = ds.map_batches(
            _RayShardActor,
            batch_size=1,
            compute=ActorPoolStrategy(size=max(1, options.workers)),
            fn_constructor_kwargs={"options": options, "outdir": str(outdir), "cache": cache, "task": task},
        )
        for row in out.iter_rows():
            on_done(pickle.loads(row["result"]))
    finally:
        if started:
            ray.shutdown()


# ------------------------------------------------------------------ the batch
def run_batch(
    source: str | Path, outdir: str | Path, options: BatchOptions, progress: bool = True
) -> dict[str, Any]:
    """Align every job of ``source`` into ``outdir``; return the stats (also in stats.json)."""
    from .formats import atomic_writer

    t_start = time.perf_counter()
    jobs, problems = load_jobs(source)
    if not jobs:
        raise InputError(str(source), "has no document pairs")
    out = Path(outdir)
    _refuse_overwrites(source, jobs, out, options)
    (out / "shards").mkdir(parents=True, exist_ok=True)
    key = options.alignment_key()
    doc_ids = [j.doc_id for j in jobs]
    pairs = jobs_digest(jobs)
    meta_path = out / "batch.json"
    if meta_path.exists():
        previous = json.loads(meta_path.read_text(encoding="utf-8"))
        if (
            not _same_key(previous.get("options"), key)
            or previous.get("documents") != doc_ids
            or previous.get("pairs", pairs) != pairs  # absent: saved before pairs were recorded
        ):
            raise AlignError(f"{out} holds a batch with other options or documents: use a new output folder")
    else:
        with atomic_writer(meta_path) as f:
            f.write(
                json.dumps({"options": key, "documents": doc_ids, "pairs": pairs}, ensure_ascii=False) + "\n"
            )
    for stale in (out / "shards").glob(".*.tmp"):  # left by a killed run; never a finished shard
        stale.unlink(missing_ok=True)
    cache: str | None = options.cache if options.cache is not None else str(out / "cache.sqlite")
    cache = cache or None
    size = max(1, options.shard_size)
    shards = [(k, jobs[i : i + size]) for k, i in enumerate(range(0, len(jobs), size))]
    todo = [(k, js) for k, js in shards if not (out / "shards" / f"{k:05d}.done").exists()]
    done_before = len(shards) - len(todo)
    docs_done_before = len(jobs) - sum(len(js) for _, js in todo)
    summaries: list[dict[str, Any]] = []
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(
            total=len(jobs),
            initial=docs_done_before,
            unit="doc",
            desc="aligning",
            dynamic_ncols=True,
        )
    pairs_found = 0
    finished_at: list[float] = []

    def on_done(summary: dict[str, Any]) -> None:
        nonlocal pairs_found
        finished_at.append(time.perf_counter())
        summaries.append(summary)
        pairs_found += summary["pairs"]
        if bar is not None:
            bar.update(summary["documents"])
            bar.set_postfix(pairs=pairs_found, errors=sum(s["errors"] for s in summaries))

    t_align = time.perf_counter()
    try:
        if todo:
            if options.engine == "ray":
                _run_ray(todo, options, out, cache, on_done)
            elif options.engine == "local":
                _run_local(todo, options, out, cache, on_done)
            else:
                raise AlignError(f"unknown engine '{options.engine}': local or ray")
    finally:
        if bar is not None:
            bar.close()
    align_seconds = time.perf_counter() - t_align
    stats = _assemble(out, shards, options, problems)
    stats["run"] = {
        "shards": len(shards), "shards_done_before": done_before, "shards_run": len(todo),
        "documents_run": sum(s["documents"] for s in summaries),
        "embedded": sum(s["embedded"] for s in summaries),
        "align_seconds": round(align_seconds, 3),
        "documents_per_second": round(sum(s["documents"] for s in summaries) / align_seconds, 3) if summaries else 0.0,
        # after the first shard is in: the rate once every worker has its model loaded
        "steady_documents_per_second": (
            round(sum(s["documents"] for s in summaries[1:]) / (finished_at[-1] - finished_at[0]), 3)
            if len(finished_at) > 2 and finished_at[-1] > finished_at[0] else None
        ),
        "seconds": round(time.perf_counter() - t_start, 3),
        "engine": options.engine, "workers": options.workers,
    }  # fmt: skip
    with atomic_writer(out / "stats.json") as f:
        f.write(json.dumps(stats, indent=1, ensure_ascii=False) + "\n")
    return stats


def _export_base(out: Path, fmt: str) -> Path:
    """The name a corpus export is written under (Moses adds ``.<lang>`` twice)."""
    from .formats import get

    return out / get(fmt).file_name("corpus")


def _export_paths(out: Path, fmt: str, src_lang: str, tgt_lang: str) -> list[Path]:
    from .formats import output_paths

    return output_paths(fmt, _export_base(out, fmt), src_lang, tgt_lang)


def _refuse_overwrites(source: str | Path, jobs: list[Job], out: Path, options: BatchOptions) -> None:
    """No file the batch writes may be its manifest or one of its documents."""
    from .formats import check_outputs

    if out.exists() and not out.is_dir():
        raise AlignError(f"{out}: is a file, not a folder; give a folder for the batch output")
    names = [out / n for n in ("batch.json", "corpus.jsonl", "documents.jsonl", "stats.json", "cache.sqlite")]
    for fmt in options.exports:
        names += _export_paths(out, fmt, options.src_lang, options.tgt_lang)
    if options.cache:
        names.append(Path(options.cache))
    inputs = [str(source), *(p for j in jobs for p in (j.en_path, j.ko_path))]
    check_outputs(names, [i for i in inputs if not Path(i).is_dir()])
    shards = out / "shards"
    if shards.is_dir() and shards.resolve() in {Path(i).resolve().parent for i in inputs}:
        raise AlignError(f"{shards}: holds inputs of this batch; use another output folder")


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _assemble(out: Path, shards: Shards, options: BatchOptions, problems: list[str]) -> dict[str, Any]:
    from .filters import DUPLICATE, NOT_A_TRANSLATION, PairFilter
    from .formats import atomic_writer, write
    from .formats.readers import numbered_lines, read_results

    seen: set[tuple[str, str]] = set()
    keep = PairFilter(options.min_score)
    removed: Counter[str] = Counter()
    # documents the verdict judges not to be translations stay out of the corpus
    not_translations: set[str] = set()
    for k, _ in shards:
        for _, line in numbered_lines((out / "shards" / f"{k:05d}.docs.jsonl").read_text(encoding="utf-8")):
            report = json.loads(line)
            p = report.get("p_translation")
            if report.get("status") == "ok" and p is not None and p < TRANSLATION_THRESHOLD:
                not_translations.add(report["doc_id"])
    types: Counter[str] = Counter()
    hist = [0] * 10
    kept = 0
    corpus = out / "corpus.jsonl"
    with atomic_writer(corpus) as fc, atomic_writer(out / "documents.jsonl") as fd:
        for k, _ in shards:
            fd.write((out / "shards" / f"{k:05d}.docs.jsonl").read_text(encoding="utf-8"))
            # split at "\n" only: JSON keeps U+2028 and the like raw inside the texts
            for _, line in numbered_lines((out / "shards" / f"{k:05d}.jsonl").read_text(encoding="utf-8")):
                rec = json.loads(line)
                null = not rec["src_ids"] or not rec["tgt_ids"]
                if rec["doc_id"] in not_translations and not options.keep_non_translations:
                    removed[NOT_A_TRANSLATION] += 1
                    continue
                why = keep.reason(null, rec["score"])
                if why is not None:
                    removed[why] += 1
                    continue
                if options.dedupe and not null:
                    key = (_norm(rec["src"]), _norm(rec["tgt"]))
                    if key in seen:
                        removed[DUPLICATE] += 1
                        continue
                    seen.add(key)
                types[rec["type"]] += 1
                if not null:
                    hist[min(9, int(rec["score"] * 10))] += 1
                kept += 1
                fc.write(line + "\n")
    reports = [
        json.loads(x) for _, x in numbered_lines((out / "documents.jsonl").read_text(encoding="utf-8"))
    ]
    exports = [fmt for fmt in options.exports if fmt != "jsonl"]
    results = read_results(corpus) if kept and exports else []  # read once for every export
    for fmt in exports:
        if results:
            write(results, fmt, _export_base(out, fmt))
        else:  # an empty corpus: no stale export from an earlier run may stay behind
            for stale in _export_paths(out, fmt, options.src_lang, options.tgt_lang):
                stale.unlink(missing_ok=True)
    return {
        "documents": len(reports),
        "documents_ok": sum(1 for r in reports if r["status"] == "ok"),
        "documents_failed": [
            {"doc_id": r["doc_id"], "error": r["error"]} for r in reports if r["status"] != "ok"
        ],
        "unpaired_files": problems,
        "documents_not_translations": sorted(not_translations),
        "non_translations_kept": options.keep_non_translations,
        "pairs": kept,
        "pairs_by_type": dict(sorted(types.items())),
        "score_histogram": {f"{k / 10:.1f}-{(k + 1) / 10:.1f}": n for k, n in enumerate(hist)},
        "removed": dict(sorted(removed.items())),
    }
