"""Pair documents that are translations of each other: ``align match``.

Two folders (or file lists) of documents in two languages, with no links between them,
become the manifest that ``align batch`` reads.  Four stages:

1. **Embed** every document once: it is read, cleaned and split exactly as the aligner
   does (:class:`~align.aligner.Aligner`), and its sentences are embedded through the
   same disk cache as ``align batch`` (:class:`~align.cache.DiskCache`), so a batch
   that follows embeds none of them again.  Documents go to the workers of
   :mod:`align.batch` in shards (:class:`EmbedWorker`; local processes or Ray).
2. **Candidates**: a document vector (the length-weighted mean of its sentence vectors,
   centred per side) for every document, and a blocked top-k search both ways
   (:func:`candidates`): ``block`` rows of the similarity matrix at a time, never the
   whole N x M matrix.
3. **Rescoring** of every candidate pair with a sentence-level measure
   (:func:`rescore`): each sentence's best cosine in the other document, turned into a
   soft "has a counterpart" between ``low`` and ``high`` (with ``one_sided`` of the
   credit when the best match is not mutual); the length-weighted share of each side
   that has one is its *coverage*, and the pair's score is the harmonic mean of the two
   coverages (a document that covers only part of the other, or a near copy with
   sentences missing, scores lower than the full translation).
4. **Assignment**: one-to-one, greedy on the score (:func:`assign`); each pair's
   *margin* is its score minus the best competing candidate of either document that is
   still free when the pair is taken.  A logistic model of score and margin
   (:class:`MatchCalibration`, ``models/calibration/match/``, fitted by
   ``scripts/fit_match.py``) gives the probability that the two documents are
   translations of each other; pairs below ``min_score`` (default 0.5) stay unmatched.

Documents with the same text on one side (after cleaning, case and spacing ignored)
are duplicates: the first is matched, the others reported.  Unreadable, empty or
wrong-language files are reported, one line each, and the rest go on.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from threadpoolctl import threadpool_limits

from .calibration import Logistic, calibration_files, model_key, sigmoid
from .config import DEFAULTS
from .embed import BaseEmbedder, forget
from .errors import AlignError, InputError
from .metadata import Metadata, Narrowing

if TYPE_CHECKING:
    from .batch import BatchOptions

__all__ = [
    "CALIBRATION_DIR",
    "Match",
    "MatchCalibration",
    "Matching",
    "SideVectors",
    "Unmatched",
    "assign",
    "candidates",
    "doc_vectors",
    "embed_documents",
    "expand_inputs",
    "load_match_calibration",
    "match_documents",
    "match_vectors",
    "rescore",
    "unmatched_path",
]

TOP_K = 8
"""Candidates per document from the document vectors, in each direction."""
BLOCK = 1024
"""Rows of the document similarity matrix computed at a time."""
SHARD_SIZE = 64
"""Documents per embedding shard (one model call each)."""
MANIFEST_COLUMNS = ("en_path", "ko_path", "doc_id", "score", "margin")
"""The manifest's header: ``align batch`` reads the paths and doc_id; score and margin
travel as metadata into its ``documents.jsonl``."""

CALIBRATION_DIR = Path(__file__).parent.parent / "models" / "calibration" / "match"
"""Where ``scripts/fit_match.py --write`` puts a refitted calibration (in a checkout)."""
_FALLBACK_MODEL = "use-multilingual-v3"
"""The calibration used (marked uncalibrated) for a model that has none of its own."""


# ------------------------------------------------------------------ results
@dataclass(frozen=True, slots=True)
class Match:
    """Two documents judged translations of each other."""

    src: Path
    tgt: Path
    doc_id: str
    score: float
    """Calibrated probability that the two documents are translations of each other."""
    margin: float
    """The pair's rescored score minus that of the best competing candidate of either
    document (free when the pair was taken); 0 to 1, large is unambiguous."""


@dataclass(frozen=True, slots=True)
class Unmatched:
    """An input file that is in no pair: its side's language, and why."""

    side: str
    path: Path
    why: str
    """``no counterpart``, ``duplicate of``, or the problem (``is empty`` ...)."""
    other: Path | None = None
    """The document ``why`` names: the kept copy, or the closest candidate."""
    note: str = ""
    """Said after ``other`` (the closest candidate's coverage)."""


@dataclass(slots=True)
class Matching:
    """What :func:`match_documents` found."""

    pairs: list[Match] = field(default_factory=list)
    unmatched_src: list[Path] = field(default_factory=list)
    """Readable documents of the source side that got no partner (duplicates and
    problems not included)."""
    unmatched_tgt: list[Path] = field(default_factory=list)
    duplicates: list[tuple[Path, Path]] = field(default_factory=list)
    """(kept, duplicate): the same text twice on one side; only the first is matched."""
    problems: list[str] = field(default_factory=list)
    """One line per file that could not be used (unreadable, empty, wrong language)."""
    embed_seconds: float = 0.0
    match_seconds: float = 0.0
    embedded: int = 0
    """Strings the model embedded (cache misses)."""
    calibrated: bool = True
    """False when the model has no match calibration of its own (scores then use the
    bundled model's constants and are only indicative)."""
    src_lang: str = DEFAULTS.src_lang
    tgt_lang: str = DEFAULTS.tgt_lang
    reasons: list[Unmatched] = field(default_factory=list)
    """Every input file not in a pair, and why: the unmatched report."""
    usable: tuple[int, int] = (0, 0)
    """Documents read on each side (duplicates included, problems not)."""
    narrowed: str = ""
    """How metadata narrowed the candidates (``date window 3 days, same key``), or empty."""
    notes: list[str] = field(default_factory=list)
    """Warnings about the metadata (documents without a row, dates not used)."""

    def summary(self) -> str:
        """One line: pairs, unmatched, duplicates, problems, time."""
        n_src = len(self.pairs) + len(self.unmatched_src)
        n_tgt = len(self.pairs) + len(self.unmatched_tgt)
        dups = len(self.duplicates)
        text = (
            f"matched {len(self.pairs)} pairs of {n_src} {self.src_lang} / {n_tgt} {self.tgt_lang} documents; "
            f"unmatched {len(self.unmatched_src)} {self.src_lang}, {len(self.unmatched_tgt)} {self.tgt_lang}"
        )
        if dups:
            text += f"; {dups} duplicate{'s' if dups != 1 else ''}"
        if self.problems:
            text += f"; {len(self.problems)} unusable file{'s' if len(self.problems) != 1 else ''}"
        text += (
            f"; {self.embedded} strings embedded in {self.embed_seconds:.1f} s, "
            f"matched in {self.match_seconds:.2f} s"
        )
        if not self.calibrated:
            text += " (uncalibrated scores)"
        if self.narrowed:
            text += f"; candidates narrowed by {self.narrowed}"
        return text

    def manifest_text(self, manifest: Path) -> str:
        """The manifest ``align batch`` reads: header, then one pair per line (paths
        relative to the manifest's folder when they are inside it)."""
        lines = ["\t".join(MANIFEST_COLUMNS)]
        for m in self.pairs:
            cells = [
                _rel(m.src, manifest),
                _rel(m.tgt, manifest),
                m.doc_id,
                f"{m.score:.4f}",
                f"{m.margin:.4f}",
            ]
            lines.append("\t".join(cells))
        return "".join(line + "\n" for line in lines)

    def unmatched_text(self, manifest: Path) -> str:
        """The unmatched report: side, path, reason."""
        lines = ["side\tpath\treason"]
        for u in self.reasons:
            why = u.why if u.other is None else f"{u.why} {_rel(u.other, manifest)}{u.note}"
            lines.append(f"{u.side}\t{_escape(_rel(u.path, manifest))}\t{_cell(why)}")
        return "".join(line + "\n" for line in lines)

    def write(self, manifest: str | Path) -> tuple[Path, Path]:
        """Write the manifest and its unmatched report (:func:`unmatched_path`), each atomically."""
        from .formats import atomic_writer

        manifest = Path(manifest)
        report = unmatched_path(manifest)
        with atomic_writer(manifest) as f:
            f.write(self.manifest_text(manifest))
        with atomic_writer(report) as f:
            f.write(self.unmatched_text(manifest))
        return manifest, report


def unmatched_path(manifest: str | Path) -> Path:
    """Where the unmatched report of ``manifest`` goes: ``NAME.unmatched.tsv`` beside it."""
    manifest = Path(manifest)
    stem = manifest.name[: -len(".tsv")] if manifest.name.endswith(".tsv") else manifest.name
    return manifest.with_name(stem + ".unmatched.tsv")


def _rel(path: Path, manifest: Path) -> str:
    folder = Path(os.path.abspath(manifest)).parent
    full = Path(os.path.abspath(path))
    try:
        return str(full.relative_to(folder))
    except ValueError:
        return str(full)


def _cell(text: str) -> str:
    return " ".join(text.split())


def _escape(name: str) -> str:
    """A file name as one TSV cell (backslash, tab and line breaks escaped, as in align's TSV)."""
    return name.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# ------------------------------------------------------------------ calibration
@dataclass(frozen=True, slots=True)
class MatchCalibration:
    """The constants of the match score for one embedding model.

    ``low``/``high``: a sentence whose best cosine in the other document is at most
    ``low`` has no counterpart there, at least ``high`` has one, in between partly.
    ``model``: probability that a pair taken by :func:`assign` is right, from its
    ``coverage`` (score) and ``margin``.  Fitted by ``scripts/fit_match.py`` on piles
    built from the dev data; ``fitted_on`` says which.
    """

    model: str
    low: float
    high: float
    logistic: Logistic
    threshold: float = 0.5
    fitted_on: str = ""
    calibrated: bool = True
    one_sided: float = 0.5
    """Credit of a sentence whose best match prefers another sentence (not mutual)."""

    def probability(self, features: dict[str, np.ndarray]) -> np.ndarray:
        """Probabilities for arrays of features (one value per pair)."""
        n = len(next(iter(features.values())))
        z = np.full(n, self.logistic.intercept)
        for name, mu, sd, w in zip(
            self.logistic.features, self.logistic.mean, self.logistic.scale, self.logistic.coef, strict=True
        ):
            z += w * (np.asarray(features[name], dtype=np.float64) - mu) / sd
        return np.array([sigmoid(float(v)) for v in z])

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": "match",
            "model": self.model,
            "low": self.low,
            "high": self.high,
            "one_sided": self.one_sided,
            "threshold": self.threshold,
            "fitted_on": self.fitted_on,
            "logistic": self.logistic.as_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], calibrated: bool = True) -> MatchCalibration:
        return cls(
            str(d["model"]),
            float(d["low"]),
            float(d["high"]),
            Logistic.from_dict(d["logistic"]),
            float(d.get("threshold", 0.5)),
            str(d.get("fitted_on", "")),
            calibrated,
            float(d.get("one_sided", 0.5)),
        )

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.as_dict(), indent=1) + "\n", encoding="utf-8")


def load_match_calibration(model_name: str) -> MatchCalibration:
    """The match calibration for an embedder's ``name``; a model without one gets the
    bundled model's, marked uncalibrated."""
    key = model_key(model_name)
    found: dict[str, dict[str, Any]] = {}
    for data in calibration_files("match"):
        if data.get("kind") == "match":
            found.setdefault(str(data.get("model")), data)
    if key in found:
        return MatchCalibration.from_dict(found[key])
    if _FALLBACK_MODEL in found:
        return MatchCalibration.from_dict(found[_FALLBACK_MODEL], calibrated=False)
    raise AlignError("the match calibration (models/calibration/match/*.json) is missing from this install")


# ------------------------------------------------------------------ inputs
def expand_inputs(spec: str | Path) -> list[Path]:
    """The files one side of ``align match`` names: a folder (its files, not its
    subfolders; hidden names skipped), a file, a glob (``'en/**/*.txt'``, quoted so the
    shell leaves it alone), or ``@LIST``: a text file of paths or globs, one a line,
    relative to the list's folder.  Sorted by name within a folder or glob."""
    text = str(spec)
    if text.startswith("@"):
        listing = Path(text[1:])
        try:
            lines = listing.read_text(encoding="utf-8-sig").splitlines()
        except OSError as exc:
            raise InputError(str(listing), f"cannot be read ({exc.strerror or exc})") from None
        except UnicodeDecodeError:
            raise InputError(str(listing), "is not UTF-8 text: not a list of files") from None
        out: list[Path] = []
        for line in lines:
            entry = line.strip()
            if entry and not entry.startswith("#"):
                path = Path(entry)
                out += expand_inputs(path if path.is_absolute() else listing.parent / path)
        return out
    path = Path(text)
    if path.is_dir():
        return sorted(p for p in path.iterdir() if not p.name.startswith(".") and not p.is_dir())
    if path.exists() or path.is_symlink():
        return [path]
    if glob.has_magic(text):
        hits = sorted(Path(p) for p in glob.glob(text, recursive=True))
        return [p for p in hits if not p.is_dir()]
    raise InputError(text, "no such file or folder")


# ------------------------------------------------------------------ embedding
@dataclass(frozen=True, slots=True)
class EmbeddedDoc:
    """One document after the embedding stage: its sentence vectors, or its problem."""

    side: int
    """0: source, 1: target."""
    index: int
    """Position in its side's input list."""
    vectors: np.ndarray | None
    """float16 (sentences, dim), rows unit length."""
    weights: np.ndarray | None
    """float32 (sentences,): characters per sentence."""
    key: str = ""
    """Hash of the document's normalised text (duplicates share it)."""
    problem: str | None = None


DocItem = tuple[int, int, str]
"""(side, index, path): one document of an embedding shard."""


class EmbedWorker:
    """Holds one loaded model; reads, splits and embeds shards of documents (an
    :class:`align.batch.ShardTask`)."""

    def __init__(self, options: BatchOptions, outdir: str, cache: str | None, inner: Any = None) -> None:
        from .aligner import Aligner
        from .cache import DiskCache
        from .embed import load_embedder

        self.options = options
        inner = inner if inner is not None else load_embedder(options.model)
        self.cache = DiskCache(inner, cache) if cache else None
        # one process: the batch has worker processes of its own
        self.aligner = Aligner(self.cache or inner, config=options.config, processes=1)
        self.langs = (self.aligner.src_lang, self.aligner.tgt_lang)

    def _embedded(self) -> int:
        return self.cache.misses if self.cache else self.aligner.embedder.encoded

    def __call__(self, shard: int, items: list[Any]) -> dict[str, Any]:
        from .segment import MAX_SENTENCE_CHARS

        before = self._embedded()
        texts: list[list[str]] = []
        docs: list[EmbeddedDoc] = []
        for side, index, path in items:
            try:
                sentences = self._sentences(path, self.langs[side])
            except Exception as exc:  # one line per file; the rest go on
                why = str(exc) if isinstance(exc, AlignError) else f"{path}: {type(exc).__name__}: {exc}"
                docs.append(EmbeddedDoc(side, index, None, None, "", why))
                texts.append([])
                continue
            texts.append(sentences)
            key = hashlib.sha256(
                "\n".join(" ".join(s.casefold().split()) for s in sentences).encode()
            ).hexdigest()
            docs.append(EmbeddedDoc(side, index, None, None, key))
        flat = [t[:MAX_SENTENCE_CHARS] for ts in texts for t in ts]
        vecs = self.aligner.embedder.encode(flat) if flat else np.zeros((0, 1), np.float32)
        out: list[EmbeddedDoc] = []
        at = 0
        for doc, ts in zip(docs, texts, strict=True):
            if doc.problem is None:
                v = np.asarray(vecs[at : at + len(ts)], dtype=np.float16)
                w = np.array([len(t) for t in ts], dtype=np.float32)
                doc = EmbeddedDoc(doc.side, doc.index, v, w, doc.key)
                at += len(ts)
            out.append(doc)
        forget(self.aligner.embedder)  # the next shard has other sentences: keep memory flat
        return {
            "shard": shard,
            "docs": out,
            "embedded": self._embedded() - before,
            "model": self.aligner.embedder.name,
        }

    def _sentences(self, path: str, lang: str) -> list[str]:
        """The sentences the aligner would embed for this file (same reading, cleaning,
        splitting and language check)."""
        from .aligner import check_language
        from .reading import normalise_text, read_document

        if any(c in path for c in "\t\n\r"):
            raise InputError(path, "has a tab or line break in its name, which a TSV manifest cannot hold")
        doc = read_document(path)
        text = normalise_text(doc.text)
        check_language(text, lang, doc.path, hint="wrong language?")
        # the aligner's own splitting, so the cache keys are the ones align batch asks for
        sentences = self.aligner.sentences(
            text=text,
            lang=lang,
            presplit=self.options.presplit,
            name=doc.path,
            notes=[],
            warnings=[],
        )
        return [s.text for s in sentences]


@dataclass(slots=True)
class SideVectors:
    """One side's usable documents: sentence vectors and weights per document."""

    indices: list[int] = field(default_factory=list)
    """Position of each document in its side's input list."""
    vectors: list[np.ndarray] = field(default_factory=list)
    weights: list[np.ndarray] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.indices)


def embed_documents(
    src_paths: Sequence[Path],
    tgt_paths: Sequence[Path],
    options: BatchOptions,
    *,
    inner: BaseEmbedder | None = None,
    progress: bool = False,
    shard_size: int = SHARD_SIZE,
) -> tuple[list[EmbeddedDoc], int, str]:
    """Embed every document of both sides on ``options.engine`` (a
    :class:`~align.batch.BatchOptions`); returns the documents (input order, source
    side first), the strings embedded and the model's name."""
    from .batch import _run_local, _run_ray

    items: list[DocItem] = [(0, k, str(p)) for k, p in enumerate(src_paths)]
    items += [(1, k, str(p)) for k, p in enumerate(tgt_paths)]
    size = max(1, shard_size)
    todo = [(k, items[i : i + size]) for k, i in enumerate(range(0, len(items), size))]
    results: dict[int, dict[str, Any]] = {}
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(items), unit="doc", desc="embedding", dynamic_ncols=True, leave=False)

    def on_done(result: dict[str, Any]) -> None:
        results[result["shard"]] = result
        if bar is not None:
            bar.update(len(result["docs"]))

    cache = options.cache or None
    try:
        if todo:
            if options.engine == "ray":
                if inner is not None:
                    raise AlignError("--engine ray needs a model spec (a name), not a model object")
                _run_ray(todo, options, Path("."), cache, on_done, task=EmbedWorker)
            elif options.engine == "local":
                _run_local(todo, options, Path("."), cache, on_done, task=EmbedWorker, inner=inner)
            else:
                raise AlignError(f"unknown engine '{options.engine}': local or ray")
    finally:
        if bar is not None:
            bar.close()
    docs = [d for k in sorted(results) for d in results[k]["docs"]]
    embedded = sum(r["embedded"] for r in results.values())
    name = next(
        (r["model"] for r in results.values()), inner.name if inner is not None else str(options.model)
    )
    return docs, embedded, name


# ------------------------------------------------------------------ matching
def doc_vectors(side: SideVectors) -> np.ndarray:
    """One unit vector per document: the length-weighted mean of its sentence vectors,
    centred on the side's mean (a common direction says nothing about which document
    is which) when the side has at least two documents."""
    if not len(side):
        return np.zeros((0, 1), np.float32)
    dim = side.vectors[0].shape[1]
    out = np.zeros((len(side), dim), np.float32)
    for k, (v, w) in enumerate(zip(side.vectors, side.weights, strict=True)):
        out[k] = w @ v.astype(np.float32)
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    if len(out) >= 2:
        out -= out.mean(axis=0)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return out


def candidates(
    a: np.ndarray,
    b: np.ndarray,
    k: int = TOP_K,
    block: int = BLOCK,
    narrowing: Narrowing | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (rows of ``a``, rows of ``b``): every row's ``k`` most similar rows
    of the other side, both ways, sorted and unique.  ``block`` rows of ``a`` at a time:
    memory is ``block x len(b)``, never the whole matrix.  With ``narrowing`` (dates and
    keys, :mod:`align.metadata`) only the pairs it allows are candidates, and each row's
    ``k`` are its best allowed ones."""
    n, m = len(a), len(b)
    if not n or not m:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    kr, kc = min(k, m), min(k, n)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    best_s = np.full((kc, m), -np.inf, np.float32)  # each column's best rows so far
    best_i = np.zeros((kc, m), np.int64)
    for start in range(0, n, block):
        sims = a[start : start + block] @ b.T
        if narrowing is not None:
            sims[~narrowing.allowed(start, start + len(sims))] = -np.inf
        top = np.argpartition(-sims, kr - 1, axis=1)[:, :kr]
        ok = np.isfinite(np.take_along_axis(sims, top, axis=1))
        rows.append(np.repeat(np.arange(start, start + len(sims)), kr)[ok.ravel()])
        cols.append(top[ok])
        kb = min(kc, len(sims))
        ci = np.argpartition(-sims, kb - 1, axis=0)[:kb]
        cs = np.take_along_axis(sims, ci, axis=0)
        both_s = np.concatenate([best_s, cs])
        both_i = np.concatenate([best_i, ci + start])
        order = np.argsort(-both_s, axis=0, kind="stable")[:kc]
        best_s = np.take_along_axis(both_s, order, axis=0)
        best_i = np.take_along_axis(both_i, order, axis=0)
    keep = np.isfinite(best_s)
    rows.append(best_i[keep])
    cols.append(np.broadcast_to(np.arange(m), best_s.shape)[keep])
    code = np.unique(np.concatenate(rows) * m + np.concatenate(cols))
    return code // m, code % m


def _ramp(c: np.ndarray, low: float, high: float) -> np.ndarray:
    out: np.ndarray = np.clip((c - low) / (high - low), 0.0, 1.0)
    return out


def rescore(
    src: SideVectors,
    tgt: SideVectors,
    ii: np.ndarray,
    jj: np.ndarray,
    low: float,
    high: float,
    one_sided: float = 0.5,
) -> dict[str, np.ndarray]:
    """Sentence-level features of the candidate pairs ``(ii[c], jj[c])`` (sorted by ii):

    ``coverage_src``/``coverage_tgt``: length-weighted share of each document's sentences
    that have a counterpart in the other (best cosine ramped from ``low`` to ``high``);
    ``coverage``: their harmonic mean, the pair's score; ``bimax``: the mean best cosine
    both ways (BiMax), for reference."""
    n = len(ii)
    cov_s = np.zeros(n)
    cov_t = np.zeros(n)
    bimax = np.zeros(n)
    starts = np.flatnonzero(np.r_[True, ii[1:] != ii[:-1]]) if n else np.zeros(0, np.int64)
    ends = np.r_[starts[1:], n] if n else np.zeros(0, np.int64)
    with threadpool_limits(limits=1):  # small products: threads cost more than they give (7x)
        for s, e in zip(starts, ends, strict=True):
            _rescore_one(src, tgt, ii, jj, int(s), int(e), low, high, one_sided, cov_s, cov_t, bimax)
    coverage = 2 * cov_s * cov_t / np.maximum(cov_s + cov_t, 1e-12)
    return {"coverage": coverage, "coverage_src": cov_s, "coverage_tgt": cov_t, "bimax": bimax}


def _rescore_one(
    src: SideVectors,
    tgt: SideVectors,
    ii: np.ndarray,
    jj: np.ndarray,
    s: int,
    e: int,
    low: float,
    high: float,
    one_sided: float,
    cov_s: np.ndarray,
    cov_t: np.ndarray,
    bimax: np.ndarray,
) -> None:
    """:func:`rescore` for the candidates ``s:e``, which share their source document."""
    i = int(ii[s])
    vi = src.vectors[i].astype(np.float32)
    wi = src.weights[i]
    js = [int(j) for j in jj[s:e]]
    sizes = np.array([len(tgt.weights[j]) for j in js])
    offs = np.r_[0, np.cumsum(sizes)[:-1]]
    vj = np.concatenate([tgt.vectors[j] for j in js]).astype(np.float32)
    wj = np.concatenate([tgt.weights[j] for j in js])
    sims = vi @ vj.T
    seg = np.repeat(np.arange(len(js)), sizes)  # candidate of every column
    best_i = np.maximum.reduceat(sims, offs, axis=1)  # (sentences of i, candidates)
    top_row = sims.argmax(axis=0)  # every sentence of every candidate: its best row
    best_j = sims[top_row, np.arange(len(seg))]
    # a best match that is mutual (each is the other's best in the pair) is full
    # credit; a one-sided one (several sentences leaning on one) gets ``one_sided``
    is_best = sims >= best_i[:, seg]
    mutual = is_best & (top_row[None, :] == np.arange(len(vi))[:, None])
    mutual_i = np.logical_or.reduceat(mutual, offs, axis=1)
    mutual_j = is_best[top_row, np.arange(len(seg))]
    credit_i = _ramp(best_i, low, high) * np.where(mutual_i, 1.0, one_sided)
    credit_j = _ramp(best_j, low, high) * np.where(mutual_j, 1.0, one_sided)
    wsum_j = np.add.reduceat(wj, offs)
    cov_s[s:e] = wi @ credit_i / wi.sum()
    cov_t[s:e] = np.add.reduceat(wj * credit_j, offs) / wsum_j
    bimax[s:e] = (wi @ best_i / wi.sum() + np.add.reduceat(wj * best_j, offs) / wsum_j) / 2


def assign(ii: np.ndarray, jj: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One-to-one pairs, greedy on ``score`` (ties: lower row, then column): the best
    candidate whose two documents are both free is taken, and so on.  Returns the
    candidates taken (in the order taken) and each one's margin: its score minus the
    best competing candidate of either document whose other document was still free
    (the score itself when there is none)."""
    order = np.lexsort((jj, ii, -score))
    by_i: dict[int, list[int]] = {}
    by_j: dict[int, list[int]] = {}
    for c in order:  # adjacency lists in score order
        by_i.setdefault(int(ii[c]), []).append(int(c))
        by_j.setdefault(int(jj[c]), []).append(int(c))
    used_i: set[int] = set()
    used_j: set[int] = set()
    taken: list[int] = []
    margins: list[float] = []
    for c in order:
        i, j = int(ii[c]), int(jj[c])
        if i in used_i or j in used_j:
            continue
        rival = 0.0
        for d in by_i[i]:
            if d != c and int(jj[d]) not in used_j:
                rival = max(rival, float(score[d]))
                break
        for d in by_j[j]:
            if d != c and int(ii[d]) not in used_i:
                rival = max(rival, float(score[d]))
                break
        used_i.add(i)
        used_j.add(j)
        taken.append(int(c))
        margins.append(max(0.0, float(score[c]) - rival))
    return np.array(taken, dtype=np.int64), np.array(margins)


@dataclass(slots=True)
class Scored:
    """The matching of two sides' vectors before the threshold: every candidate's
    features, the pairs taken, their margins and probabilities."""

    ii: np.ndarray
    jj: np.ndarray
    features: dict[str, np.ndarray]
    taken: np.ndarray
    margins: np.ndarray
    probability: np.ndarray


def match_vectors(
    src: SideVectors,
    tgt: SideVectors,
    calibration: MatchCalibration,
    k: int = TOP_K,
    block: int = BLOCK,
    narrowing: Narrowing | None = None,
) -> Scored:
    """Candidates, rescoring and one-to-one assignment of two sides' documents (indices
    into ``src``/``tgt``; ``narrowing`` over the same indices); the threshold is the caller's."""
    ii, jj = candidates(doc_vectors(src), doc_vectors(tgt), k, block, narrowing)
    features = rescore(src, tgt, ii, jj, calibration.low, calibration.high, calibration.one_sided)
    taken, margins = assign(ii, jj, features["coverage"])
    values = {name: values[taken] for name, values in features.items()}
    values["margin"] = margins
    p = calibration.probability(values) if len(taken) else np.zeros(0)
    return Scored(ii, jj, features, taken, margins, p)


# ------------------------------------------------------------------ the whole stage
def match_documents(
    src_paths: Sequence[Path],
    tgt_paths: Sequence[Path],
    *,
    model: str | BaseEmbedder | None = None,
    src_lang: str = DEFAULTS.src_lang,
    tgt_lang: str = DEFAULTS.tgt_lang,
    cache: Path | None = None,
    workers: int = 1,
    engine: str = "local",
    min_score: float | None = None,
    presplit: bool = DEFAULTS.presplit,
    clean: bool = DEFAULTS.clean,
    ray_address: str | None = None,
    progress: bool = False,
    shard_size: int = SHARD_SIZE,
    metadata: Metadata | None = None,
    date_window: float | None = None,
) -> Matching:
    """Find which documents of ``src_paths`` translate which of ``tgt_paths``.

    ``model``: a spec (default ``use``) or a loaded embedder; ``cache``: the SQLite
    embedding cache to read and fill (share it with ``align batch --cache`` so nothing
    is embedded twice; None: no cache); ``workers``/``engine``: as ``align batch``;
    ``min_score``: the probability a pair needs (None: the calibration's threshold,
    0.5).  ``presplit``/``clean``: how documents are split, as for the alignment that
    follows (the cache is shared only when they agree).  ``shard_size``: documents per
    model call and unit of work for the workers.  ``metadata`` (:func:`align.metadata.read_metadata`)
    and ``date_window`` (days): two documents can be paired only when their dates are at
    most ``date_window`` apart and their keys are equal (where both have one)."""
    from .batch import BatchOptions

    src_paths = [Path(p) for p in src_paths]
    tgt_paths = [Path(p) for p in tgt_paths]
    notes = _check_metadata(metadata, date_window, src_paths, tgt_paths)
    inner = None if model is None or isinstance(model, str) else model
    options = BatchOptions(
        model=(model if isinstance(model, str) else DEFAULTS.model) if inner is None else inner.name,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        presplit=presplit,
        clean=clean,
        workers=workers,
        engine=engine,
        ray_address=ray_address,
        cache=str(cache) if cache else "",
    )
    t0 = time.perf_counter()
    docs, embedded, name = embed_documents(
        src_paths, tgt_paths, options, inner=inner, progress=progress, shard_size=shard_size
    )
    embed_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    calibration = load_match_calibration(name)
    threshold = calibration.threshold if min_score is None else min_score
    result = Matching(
        embedded=embedded,
        calibrated=calibration.calibrated,
        src_lang=src_lang.lower(),
        tgt_lang=tgt_lang.lower(),
    )
    paths = (src_paths, tgt_paths)
    langs = (result.src_lang, result.tgt_lang)
    sides = (SideVectors(), SideVectors())
    why: dict[tuple[int, int], tuple[str, Path | None, str]] = {}
    first: dict[tuple[int, str], int] = {}
    for doc in docs:
        if doc.problem is not None:
            result.problems.append(doc.problem)
            why[doc.side, doc.index] = (_reason(doc.problem, paths[doc.side][doc.index]), None, "")
            continue
        kept = first.setdefault((doc.side, doc.key), doc.index)
        if kept != doc.index:
            result.duplicates.append((paths[doc.side][kept], paths[doc.side][doc.index]))
            why[doc.side, doc.index] = ("duplicate of", paths[doc.side][kept], "")
            continue
        assert doc.vectors is not None and doc.weights is not None
        side = sides[doc.side]
        side.indices.append(doc.index)
        side.vectors.append(doc.vectors)
        side.weights.append(doc.weights)
    result.usable = (
        len(src_paths) - sum(1 for d in docs if d.side == 0 and d.problem),
        len(tgt_paths) - sum(1 for d in docs if d.side == 1 and d.problem),
    )
    narrowing = None
    if metadata is not None:
        narrowing = Narrowing.build(
            metadata,
            [paths[0][k] for k in sides[0].indices],
            [paths[1][k] for k in sides[1].indices],
            date_window if metadata.has_dates else None,
        )
        result.narrowed = _narrowed(metadata, date_window)
        no_date, no_key = narrowing.unknown()
        if no_date:
            notes.append(
                f"{no_date} document{_s(no_date)} without a date in {metadata.source}: compared with all"
            )
        if metadata.has_keys and no_key:
            notes.append(
                f"{no_key} document{_s(no_key)} without a key in {metadata.source}: compared with all"
            )
    result.notes = notes
    scored = match_vectors(sides[0], sides[1], calibration, narrowing=narrowing)
    paired: dict[int, tuple[int, float, float]] = {}
    for c, margin, p in zip(scored.taken, scored.margins, scored.probability, strict=True):
        if p >= threshold:
            paired[int(scored.ii[c])] = (int(scored.jj[c]), float(p), float(margin))
    best = _best_candidates(scored)
    used_ids: set[str] = set()
    paired_tgt = {j for j, _, _ in paired.values()}
    for i in range(len(sides[0])):
        src_path = paths[0][sides[0].indices[i]]
        if i in paired:
            j, p, margin = paired[i]
            doc_id = _unique_id(_doc_id(src_path), used_ids)
            result.pairs.append(Match(src_path, paths[1][sides[1].indices[j]], doc_id, p, margin))
    for side_no, side in enumerate(sides):
        for pos, index in enumerate(side.indices):
            if (pos in paired) if side_no == 0 else (pos in paired_tgt):
                continue
            path = paths[side_no][index]
            (result.unmatched_src if side_no == 0 else result.unmatched_tgt).append(path)
            other = best[side_no].get(pos)
            if other is None:
                none = "no counterpart" if narrowing is None else f"no candidate within {result.narrowed}"
                why[side_no, index] = (none, None, "")
            else:
                pos2, cov = other
                partner = paths[1 - side_no][sides[1 - side_no].indices[pos2]]
                why[side_no, index] = ("no counterpart; closest:", partner, f" (coverage {cov:.2f})")
    for side_no in (0, 1):
        for index, path in enumerate(paths[side_no]):
            if (side_no, index) in why:
                result.reasons.append(Unmatched(langs[side_no], path, *why[side_no, index]))
    result.embed_seconds = embed_seconds
    result.match_seconds = time.perf_counter() - t1
    return result


def _check_metadata(
    metadata: Metadata | None, date_window: float | None, src: list[Path], tgt: list[Path]
) -> list[str]:
    """Refuse metadata that cannot narrow anything; notes on what it leaves out."""
    if date_window is not None and date_window < 0:
        raise AlignError(f"date window {date_window}: cannot be negative")
    if metadata is None:
        if date_window is not None:
            raise AlignError("a date window needs metadata with a date column (--meta FILE)")
        return []
    if date_window is not None and not metadata.has_dates:
        raise AlignError(f"{metadata.source}: a date window needs a date column")
    named = metadata.named(src) + metadata.named(tgt)
    if not named:
        raise AlignError(
            f"{metadata.source}: none of its paths is an input file "
            "(a relative path is read from the metadata file's folder)"
        )
    notes: list[str] = []
    if metadata.has_dates and date_window is None:
        notes.append(f"{metadata.source}: its dates are not used without a date window (--date-window 3d)")
    return notes


def _narrowed(metadata: Metadata, date_window: float | None) -> str:
    parts = []
    if metadata.has_dates and date_window is not None:
        parts.append(f"date window {date_window:g} day{_s(date_window)}")
    if metadata.has_keys:
        parts.append("same key")
    return ", ".join(parts)


def _s(n: float) -> str:
    return "" if n == 1 else "s"


def _best_candidates(scored: Scored) -> tuple[dict[int, tuple[int, float]], dict[int, tuple[int, float]]]:
    """Each document's best candidate on the other side and its coverage (for the report)."""
    cov = scored.features["coverage"]
    best: tuple[dict[int, tuple[int, float]], dict[int, tuple[int, float]]] = ({}, {})
    for c in np.lexsort((scored.jj, scored.ii, -cov)):
        i, j, v = int(scored.ii[c]), int(scored.jj[c]), float(cov[c])
        best[0].setdefault(i, (j, v))
        best[1].setdefault(j, (i, v))
    return best


def _reason(problem: str, path: Path) -> str:
    """A problem line without its leading file name (the report has a path column)."""
    prefix = f"{path}: "
    return problem[len(prefix) :] if problem.startswith(prefix) else problem


def _doc_id(path: Path) -> str:
    """The source file's name without ``.txt``/``.en``/... (as ``align pair`` names a document)."""
    from .aligner import _doc_id as name_of

    return " ".join(name_of(path).split()) or "doc"


def _unique_id(base: str, used: set[str]) -> str:
    doc_id, k = base, 1
    while doc_id in used:
        k += 1
        doc_id = f"{base}-{k}"
    used.add(doc_id)
    return doc_id
