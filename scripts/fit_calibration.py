#!/usr/bin/env python3
"""Fit the score calibration of an embedding model and write models/calibration/NAME.json.

Training data comes from the English-Korean dev documents in ../shared (clean/ and
hard/, sentence-split), the fitting part only (documents whose name hashes into
folds 0-6 of 10; folds 7-9 are held out for scripts/bench_scores.py):

* pairs: every match the aligner outputs (label: exactly in the gold), plus near
  misses the aligner could have made (a gold pair shifted by one sentence on one
  side, two gold pairs merged, a gold merge split) and shuffled pairs (a sentence with
  a sentence of another document), with the same features the aligner computes;
* omissions: every omission the aligner outputs (label: the gold has it) plus every
  gold-matched sentence scored as if it were omitted (label 0);
* documents: each document with its own translation (label 1) and with the
  translation of another document (label 0).

    python scripts/fit_calibration.py [--model use] [--out models/calibration/use.json]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALIGN_SHARED", ROOT.parent / "shared"))
sys.path.insert(0, str(ROOT))

from align import Aligner  # noqa: E402
from align.calibration import Calibration, fit_logistic  # noqa: E402
from align.evaluate import read_alignments  # noqa: E402
from align.features import FEATURES, PairContext  # noqa: E402
from align.scoring import document_features  # noqa: E402

HELD_OUT = {7, 8, 9}
SYNTHETIC_WEIGHT = 0.4
"""Weight of a made-up wrong pair against one the aligner really output: the made-up
ones teach which features separate right from wrong, the real ones set the base rate."""


def fold(name: str) -> int:
    return zlib.crc32(name.encode()) % 10


def load_docs(variants=("clean", "hard")) -> list[tuple[str, list[str], list[str], list]]:
    docs = []
    for variant in variants:
        folder = SHARED / "data" / "enko_dev" / variant
        for gold in sorted(folder.glob("*.gold")):
            name = gold.name[:-5]
            src = (folder / f"{name}.en").read_text(encoding="utf-8").splitlines()
            tgt = (folder / f"{name}.ko").read_text(encoding="utf-8").splitlines()
            docs.append((f"{variant}/{name}", src, tgt, read_alignments(gold)))
    return docs


class Scorer:
    """Cosine, margin and features of any candidate pair, as the aligner computes them."""

    def __init__(self, aligner: Aligner, src: list[str], tgt: list[str], tgt_lang: str = "ko"):
        self.aligner, self.src, self.tgt, self.tgt_lang = aligner, src, tgt, tgt_lang
        emb = aligner.embedder
        self.su, self.tu = emb.encode(src), emb.encode(tgt)
        s_bytes = sum(len(x.encode()) for x in src) + 1
        t_bytes = sum(len(x.encode()) for x in tgt) + 1
        self.ratio = float(np.log(t_bytes / s_bytes))
        self.p = aligner.params

    def _hub(self, v: np.ndarray, other: np.ndarray) -> float:
        sims = other @ v
        k = min(self.p.knn, len(sims))
        return float(np.sort(sims)[-k:].mean())

    def features(self, s_ids, t_ids, tgt_override: list[str] | None = None, tu_override=None):
        tgt = tgt_override if tgt_override is not None else self.tgt
        tu = tu_override if tu_override is not None else self.tu
        s_text = " ".join(self.src[i] for i in s_ids)
        t_text = " ".join(tgt[j] for j in t_ids)
        x, y = self.aligner.embedder.encode([s_text, t_text])
        cos = float(x @ y)
        margin = cos - self.p.margin_weight * 0.5 * (self._hub(x, tu) + self._hub(y, self.su))
        ctx = PairContext(s_text, t_text, len(s_ids), len(t_ids), cos, margin, self.ratio, self.tgt_lang)
        return {f.name: f(ctx) for f in FEATURES}


def other_doc(docs, n: int, rng: random.Random):
    """Another document, never a variant (clean/hard) of document ``n`` itself."""
    base = docs[n][0].split("/")[-1]
    while True:
        d = docs[rng.randrange(len(docs))]
        if d[0].split("/")[-1] != base:
            return d


def collect(aligner: Aligner, docs, rng: random.Random, tgt_lang: str = "ko"):
    pair_x, pair_y, null_x, null_y, pair_w, null_w = [], [], [], [], [], []
    names = [f.name for f in FEATURES]
    for n, (name, src, tgt, gold) in enumerate(docs):
        gold_set = {(tuple(s), tuple(t)) for s, t in gold}
        result = aligner.align_sentences(src, tgt, doc_id=name)
        sc = Scorer(aligner, src, tgt, tgt_lang)
        seen = set()
        for p in result.pairs:
            key = (p.src, p.tgt)
            seen.add(key)
            if p.is_null:
                null_x.append([p.features["best_margin"]])
                null_y.append(int(key in gold_set))
                null_w.append(1.0)
            else:
                pair_x.append([p.features[k] for k in names])
                pair_y.append(int(key in gold_set))
                pair_w.append(1.0)
        # near misses and omissions that should not be
        matches = [(s, t) for s, t in gold if s and t]
        for s, t in matches:
            cands = []
            if t[-1] + 1 < len(tgt):
                cands.append((s, (*t, t[-1] + 1)))
                cands.append((s, (t[-1] + 1,)))
            if s[-1] + 1 < len(src):
                cands.append(((*s, s[-1] + 1), t))
            if len(t) > 1:
                cands.append((s, t[:1]))
            if len(s) > 1:
                cands.append((s[:1], t))
            for cs, ct in cands:
                if (cs, ct) in gold_set or (cs, ct) in seen or len(cs) + len(ct) > aligner.params.max_merge:
                    continue
                f = sc.features(cs, ct)
                pair_x.append([f[k] for k in names])
                pair_y.append(0)
                pair_w.append(SYNTHETIC_WEIGHT)
            # the same sentence, wrongly left unaligned
            if len(s) == 1:
                best = sc.su[s[0]] @ sc.tu.T
                k = min(aligner.params.knn, len(best))
                hub = float(np.sort(best)[-k:].mean())
                null_x.append([float(best.max()) - aligner.params.margin_weight * hub])
                null_y.append(0)
                null_w.append(SYNTHETIC_WEIGHT)
        # shuffled: a sentence with a sentence of another document
        other = other_doc(docs, n, rng)
        for s, _ in matches[:2]:
            j = rng.randrange(len(other[2]))
            f = sc.features(s, (j,), tgt_override=other[2], tu_override=aligner.embedder.encode(other[2]))
            pair_x.append([f[k] for k in names])
            pair_y.append(0)
            pair_w.append(SYNTHETIC_WEIGHT)
    return (
        np.array(pair_x),
        np.array(pair_y),
        np.array(null_x),
        np.array(null_y),
        np.array(pair_w),
        np.array(null_w),
    )


def documents(aligner: Aligner, docs, rng: random.Random):
    xs, ys = [], []
    names = ["coverage", "mean_score", "median_margin"]
    for n, (name, src, tgt, _) in enumerate(docs):
        r = aligner.align_sentences(src, tgt, doc_id=name)
        f = document_features(r)
        xs.append([f[k] for k in names])
        ys.append(1)
        other = other_doc(docs, n, rng)
        r = aligner.align_sentences(src, other[2], doc_id=name)
        f = document_features(r)
        xs.append([f[k] for k in names])
        ys.append(0)
    return np.array(xs), np.array(ys), names


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="use")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--version", type=int, default=1)
    args = ap.parse_args()
    if not (SHARED / "data" / "enko_dev").exists():
        print(f"skipped: {SHARED}/data/enko_dev is not here")
        return 0
    rng = random.Random(13)
    docs = [d for d in load_docs() if fold(d[0].split("/")[1]) not in HELD_OUT]
    aligner = Aligner(args.model, uncalibrated=True)
    px, py, nx, ny, pw, nw = collect(aligner, docs, rng)
    names = [f.name for f in FEATURES]
    pair = fit_logistic(px, py, names, weights=pw)
    null = fit_logistic(nx, ny, ["best_margin"], weights=nw)
    # documents are judged with the calibrated pair scores
    key = aligner.embedder.name.split(" (")[0]
    interim = Calibration(
        key,
        args.version,
        pair,
        null,
        fit_logistic(np.zeros((2, 3)), np.array([0, 1]), ["coverage", "mean_score", "median_margin"]),
    )
    aligner.calibration = interim
    dx, dy, dnames = documents(aligner, docs, rng)
    document = fit_logistic(dx, dy, dnames, l2=0.05)
    calib = Calibration(
        key,
        args.version,
        pair,
        null,
        document,
        fitted_on=f"enko_dev clean+hard, folds 0-6 ({len(docs)} docs)",
    )
    out = (
        args.out or ROOT / "models" / "calibration" / f"{args.model.replace(':', '_').replace('/', '_')}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    calib.save(out)
    print(
        f"pairs: {len(py)} ({int(py.sum())} correct); omissions: {len(ny)} ({int(ny.sum())} correct); documents: {len(dy)}"
    )
    print(f"wrote {out} for model '{key}'")
    for lg in (pair, null, document):
        print(
            "  ",
            dict(zip(lg.features, (round(c, 3) for c in lg.coef), strict=True)),
            "intercept",
            round(lg.intercept, 3),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
