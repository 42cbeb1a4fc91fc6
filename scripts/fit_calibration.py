#!/usr/bin/env python3
"""Fit the score calibration of an embedding model and write models/calibration/NAME.json.

Training documents, all sentence-split (gold sentences):

* synthetic: the English-Korean dev documents in ../shared/data/enko_dev (clean/ and
  hard/), the fitting part only (documents whose name hashes into folds 0-6 of 10;
  folds 7-9 are held out for scripts/bench_scores.py and scripts/bench_real.py);
* real: the published editions in ../shared/data/real_dev (all of them for the shipped
  file; scripts/bench_real.py refits without each fold it scores).

Every feature comes from the aligner's own :class:`align.scoring.BeadScorer`, so the
models are fitted on exactly what runs:

* pairs: every match the search outputs, plus near misses: each gold match with a
  sentence added or removed at either end of either side, two gold neighbours merged,
  and a sentence with one of another document (shuffled); label: exactly in the gold;
* omissions: every sentence the gold leaves unaligned (label 1) or aligns (label 0),
  scored where the gold path has it, plus the search's own omissions;
* documents: each document with its own translation (label 1) and with another
  document's (label 0), aligned with the new pair models;
* the path models see the search's own beads in their place and the beads of a
  mismatched document pair; the matches' model also sees, at a tenth of the weight, the
  matches that only a search pushed either way (``PERTURBED``: null cost, merge
  penalty) outputs, for more of the mistakes a search makes than the few it makes at its
  own settings.

    python scripts/fit_calibration.py [--model use] [--out models/calibration/use.json]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import random
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from _shared import ROOT, SHARED, skip_without_shared

from align import Aligner
from align.calibration import Calibration, Logistic, fit_logistic
from align.config import DEFAULTS
from align.evaluate import read_alignments
from align.features import FEATURES
from align.scoring import PATH_FEATURES, BeadScore, BeadScorer, document_features, path_features
from align.search import Bead

HELD_OUT = {7, 8, 9}
SYNTHETIC_WEIGHT = 1.0
"""Weight of a made-up wrong pair against one the aligner really output: the made-up
ones teach which features separate right from wrong, the real ones set the base rate."""
REAL_WEIGHT = 2.0
"""Weight of a real edition's example against a synthetic one (real_dev has about a
tenth as many pairs; real editions are what users bring)."""
MISMATCH_WEIGHT = 0.05
"""Weight of a bead of a mismatched document pair in the path models (they teach what
a match between unrelated sentences is worth; true documents set the base rate)."""
PATH_L2 = 1e-3
"""Ridge of the path models (few wrong beads of the search's own to learn from)."""
PERTURBED = ({"skip": 0.1}, {"skip": -0.05}, {"merge_penalty": 0.0}, {"merge_penalty": 0.15})
"""Search settings pushed either way (null cost, merge penalty), for more examples of the
mistakes the search makes: pairs forced among sentences with no counterpart, merges
missed or overdone."""
PERTURBED_WEIGHT = 0.1
"""Weight of a match that only a pushed search outputs, in the matches' path model,
against one of the search's own (they teach which places go wrong; the search's own set
the base rate).  Omissions are left out: they lowered the scores of right omissions on
the synthetic held-out documents (mean 0.955 -> 0.894)."""
PAIR_FEATURES = [f.name for f in FEATURES]
NULL_FEATURES = ["best_margin"]
DOC_FEATURES = ["coverage", "mean_score", "median_margin"]

Doc = tuple[str, list[str], list[str], list]
"""(name, source sentences, target sentences, gold beads)."""


def fold(name: str) -> int:
    return zlib.crc32(name.encode()) % 10


def _folder_docs(folder: Path, prefix: str) -> list[Doc]:
    """Every NAME.en / NAME.ko / NAME.gold of a folder, named ``PREFIX/NAME``."""
    docs = []
    for gold in sorted(folder.glob("*.gold")):
        name = gold.name[:-5]
        src = (folder / f"{name}.en").read_text(encoding="utf-8").splitlines()
        tgt = (folder / f"{name}.ko").read_text(encoding="utf-8").splitlines()
        docs.append((f"{prefix}/{name}", src, tgt, read_alignments(gold)))
    return docs


def load_docs(variants: tuple[str, ...] = ("clean", "hard")) -> list[Doc]:
    return [d for v in variants for d in _folder_docs(SHARED / "data" / "enko_dev" / v, v)]


def load_real(folder: Path | None = None) -> list[Doc]:
    """Documents in real_dev's layout (NAME.en, NAME.ko, NAME.gold), named ``real/NAME``."""
    return _folder_docs(folder or SHARED / "data" / "real_dev", "real")


def is_real(name: str) -> bool:
    return name.startswith("real/")


@dataclass
class Examples:
    """One document's training examples: rows of features, labels and weights."""

    name: str
    pair: list[tuple[list[float], int, float]] = field(default_factory=list)
    null: list[tuple[list[float], int, float]] = field(default_factory=list)
    own: list[tuple[list[float], dict[str, float], int, float]] = field(default_factory=list)
    """The search's own matches: pair features, path features (uncalibrated), label, weight."""
    own_null: list[tuple[list[float], dict[str, float], int, float]] = field(default_factory=list)
    """The search's own omissions, the same way."""
    mismatched: list[tuple[list[float], dict[str, float], int, float]] = field(default_factory=list)
    """The search's own matches on a mismatched document pair (all wrong)."""
    mismatched_null: list[tuple[list[float], dict[str, float], int, float]] = field(default_factory=list)
    """The search's own omissions on a mismatched document pair (all right)."""


def other_doc(docs: list[Doc], n: int, rng: random.Random) -> Doc:
    """Another document, never a variant (clean/hard) of document ``n`` itself."""
    base = docs[n][0].split("/")[-1]
    while True:
        d = docs[rng.randrange(len(docs))]
        if d[0].split("/")[-1] != base:
            return d


def _alternatives(s: tuple, t: tuple, n: int, m: int, max_merge: int) -> set[tuple[tuple, tuple]]:
    """A gold match with one sentence added or removed at either end of either side."""
    out = set()
    for side in (0, 1):
        ids, size = (s, n) if side == 0 else (t, m)
        grown = []
        if ids[0] > 0:
            grown.append((ids[0] - 1, *ids))
        if ids[-1] + 1 < size:
            grown.append((*ids, ids[-1] + 1))
            grown.append((ids[-1] + 1,))  # the neighbour instead
        shrunk = [ids[1:], ids[:-1]] if len(ids) > 1 else []
        for new in grown + shrunk:
            cand = (new, t) if side == 0 else (s, new)
            if len(cand[0]) + len(cand[1]) <= max_merge:
                out.add(cand)
    return out


def _path_rows(
    sc: BeadScorer, own: list[tuple[tuple, tuple]]
) -> list[tuple[tuple, tuple, BeadScore, dict[str, float]]]:
    """Each bead of a path with its own score (uncalibrated) and where it sits."""
    beads = [Bead(s, t) for s, t in own]
    alone = sc.path(beads)
    where = path_features(beads, alone, sc.neighbour_fit(beads), sc.ends.headlines)
    return [(s, t, one, w) for (s, t), one, w in zip(own, alone, where, strict=True)]


def _spans_of(beads: list[tuple[tuple, tuple]]) -> tuple[set, set]:
    """The (start, length) spans of more than one sentence that beads use, by side."""
    return (
        {(s[0], len(s)) for s, t in beads if len(s) > 1},
        {(t[0], len(t)) for s, t in beads if len(t) > 1},
    )


def collect_doc(
    aligner: Aligner, docs: list[Doc], n: int, rng: random.Random, pushed: list[Aligner] | None = None
) -> Examples:
    """Training examples of document ``n`` (the aligner must be uncalibrated: its raw
    search; ``pushed``: the same with the ``PERTURBED`` settings)."""
    name, src, tgt, gold = docs[n]
    weight = REAL_WEIGHT if is_real(name) else 1.0
    ex = Examples(name)
    gold_set = {(tuple(s), tuple(t)) for s, t in gold}
    mm = aligner.params.max_merge
    result = aligner.align_sentences(src, tgt, doc_id=name)
    own = [(p.src, p.tgt) for p in result.pairs]
    matches = [(tuple(s), tuple(t)) for s, t in gold if s and t]
    cands: set[tuple[tuple, tuple]] = set()
    for s, t in matches:
        cands |= _alternatives(s, t, len(src), len(tgt), mm)
    for (s1, t1), (s2, t2) in itertools.pairwise(matches):  # neighbours merged
        if s2[0] == s1[-1] + 1 and t2[0] == t1[-1] + 1 and len(s1 + s2) + len(t1 + t2) <= mm:
            cands.add((s1 + s2, t1 + t2))
    own_set = set(own)
    cands -= own_set
    # the paths of the pushed searches that differ from the search's own
    pushed_paths = [
        [(p.src, p.tgt) for p in other.align_sentences(src, tgt, doc_id=name).pairs] for other in pushed or []
    ]
    pushed_paths = [path for path in pushed_paths if set(path) != own_set]
    sc = aligner.bead_scorer(
        src, tgt, *_spans_of([*own, *cands, *(b for path in pushed_paths for b in path)])
    )
    for s, t, one, context in _path_rows(sc, own):
        label = int((s, t) in gold_set)
        if s and t:
            x = [one.features[k] for k in PAIR_FEATURES]
            ex.pair.append((x, label, weight))
            ex.own.append((x, context, label, weight))
        else:
            ex.own_null.append(([one.features[k] for k in NULL_FEATURES], context, label, weight))
    # the matches a pushed search outputs and the search does not, in their own paths
    for path in pushed_paths:
        for s, t, one, context in _path_rows(sc, path):
            if s and t and (s, t) not in own_set:
                x = [one.features[k] for k in PAIR_FEATURES]
                ex.own.append((x, context, int((s, t) in gold_set), weight * PERTURBED_WEIGHT))
    for s, t in sorted(cands):
        f = sc.match(s, t).features
        label = int((s, t) in gold_set)
        ex.pair.append(([f[k] for k in PAIR_FEATURES], label, weight * (1.0 if label else SYNTHETIC_WEIGHT)))
    # omissions: every sentence, where the gold path has it
    i = j = 0
    for s, t in gold:
        s, t = tuple(s), tuple(t)
        for k in s:
            f = sc.null("src", k, j).features
            ex.null.append(([f[x] for x in NULL_FEATURES], int(not t), weight))
        for k in t:
            f = sc.null("tgt", k, i).features
            ex.null.append(([f[x] for x in NULL_FEATURES], int(not s), weight))
        i += len(s)
        j += len(t)
    # shuffled: a sentence with a sentence of another document
    other = other_doc(docs, n, rng)
    mixed = aligner.bead_scorer(src, other[2])
    for s, _ in matches[:2]:
        jj = rng.randrange(len(other[2]))
        f = mixed.match(s[:1], (jj,)).features
        ex.pair.append(([f[k] for k in PAIR_FEATURES], 0, weight * SYNTHETIC_WEIGHT))
    # the search's own beads on a mismatched document (another document's translation):
    # every match wrong, every omission right
    wrong = [(p.src, p.tgt) for p in aligner.align_sentences(src, other[2], doc_id=name).pairs]
    for s, t, one, where in _path_rows(aligner.bead_scorer(src, other[2], *_spans_of(wrong)), wrong):
        if s and t:
            ex.mismatched.append(([one.features[k] for k in PAIR_FEATURES], where, 0, weight))
        else:
            ex.mismatched_null.append(([one.features[k] for k in NULL_FEATURES], where, 1, weight))
    return ex


def collect(aligner: Aligner, docs: list[Doc], seed: int = 13) -> list[Examples]:
    """Examples of every document (one random stream per document: folds do not shift it)."""
    pushed = [
        Aligner(aligner.embedder, params=dataclasses.replace(aligner.params, **change), uncalibrated=True)
        for change in PERTURBED
    ]
    return [
        collect_doc(aligner, docs, n, random.Random(f"{seed}:{docs[n][0]}"), pushed) for n in range(len(docs))
    ]


def _stack(rows: list[tuple[list[float], int, float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        np.array([r[0] for r in rows], dtype=np.float64),
        np.array([r[1] for r in rows], dtype=np.float64),
        np.array([r[2] for r in rows], dtype=np.float64),
    )


def _with_logit(context: dict[str, float], logit: float) -> list[float]:
    """Path features of an own bead, given the log-odds of the model just fitted."""
    values = {**context, "logit": logit, "logit_x_omitted": logit * context["omitted"]}
    return [values[k] for k in PATH_FEATURES]


def fit_pair_null(examples: list[Examples]) -> tuple[Logistic, Logistic, Logistic, Logistic]:
    """The pair and omission models (every example), then the path models on top of them
    (the search's own beads only, which sets the scores' base rates)."""
    px, py, pw = _stack([r for e in examples for r in e.pair])
    nx, ny, nw = _stack([r for e in examples for r in e.null])
    pair = fit_logistic(px, py, PAIR_FEATURES, weights=pw)
    null = fit_logistic(nx, ny, NULL_FEATURES, weights=nw)
    paths = []

    def rows_of(own: str, mismatched: str) -> list:
        out = [r for e in examples for r in getattr(e, own)]
        out += [(f, c, y, w * MISMATCH_WEIGHT) for e in examples for f, c, y, w in getattr(e, mismatched)]
        return out

    for model, rows, names in (
        (pair, rows_of("own", "mismatched"), PAIR_FEATURES),
        (null, rows_of("own_null", "mismatched_null"), NULL_FEATURES),
    ):
        x = np.array([_with_logit(c, model.logit(dict(zip(names, f, strict=True)))) for f, c, _, _ in rows])
        y = np.array([r[2] for r in rows], dtype=np.float64)
        w = np.array([r[3] for r in rows], dtype=np.float64)
        paths.append(fit_logistic(x, y, PATH_FEATURES, l2=PATH_L2, weights=w))
    return pair, null, paths[0], paths[1]


def documents(aligner: Aligner, docs: list[Doc], seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Document features of every document with its own and with another's translation."""
    xs, ys = [], []
    for n, (name, src, tgt, _) in enumerate(docs):
        rng = random.Random(f"{seed}:{name}")
        for label, other in ((1, tgt), (0, other_doc(docs, n, rng)[2])):
            f = document_features(aligner.align_sentences(src, other, doc_id=name))
            xs.append([f[k] for k in DOC_FEATURES])
            ys.append(label)
    return np.array(xs), np.array(ys)


def fit(
    model: str, examples: list[Examples], docs: list[Doc], version: int = 1, fitted_on: str = ""
) -> Calibration:
    """Pair and omission models from the examples, then the document model from ``docs``
    aligned with them."""
    pair, null, path, path_null = fit_pair_null(examples)
    aligner = Aligner(model)
    key = aligner.embedder.name.split(" (")[0]
    flat = fit_logistic(np.zeros((2, 3)), np.array([0, 1]), DOC_FEATURES)
    aligner.calibration = Calibration(key, version, pair, null, flat, "", path, path_null)
    dx, dy = documents(aligner, docs)
    document = fit_logistic(dx, dy, DOC_FEATURES, l2=0.05)
    return Calibration(key, version, pair, null, document, fitted_on, path, path_null)


def training_docs() -> tuple[list[Doc], list[Doc]]:
    """(synthetic fitting documents, real documents) from ../shared."""
    synthetic = [d for d in load_docs() if fold(d[0].split("/")[1]) not in HELD_OUT]
    real = load_real() if (SHARED / "data" / "real_dev").exists() else []
    return synthetic, real


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=DEFAULTS.model)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--version", type=int, default=3)
    args = ap.parse_args()
    if skip_without_shared("data/enko_dev"):
        return 0
    synthetic, real = training_docs()
    docs = synthetic + real
    examples = collect(Aligner(args.model, uncalibrated=True), docs)
    calib = fit(
        args.model,
        examples,
        docs,
        args.version,
        f"enko_dev clean+hard folds 0-6 ({len(synthetic)} docs) + real_dev ({len(real)} docs)",
    )
    out = (
        args.out or ROOT / "models" / "calibration" / f"{args.model.replace(':', '_').replace('/', '_')}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    calib.save(out)
    n_pairs = sum(len(e.pair) for e in examples)
    n_null = sum(len(e.null) for e in examples)
    print(f"pairs: {n_pairs}; omissions: {n_null}; documents: {2 * len(docs)}")
    print(f"wrote {out} for model '{calib.model}'")
    for lg in (calib.pair, calib.null, calib.document, calib.path, calib.path_null):
        assert lg is not None
        coefs = dict(zip(lg.features, (round(c, 3) for c in lg.coef), strict=True))
        print("  ", coefs, "intercept", round(lg.intercept, 3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
