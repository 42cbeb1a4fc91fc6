#!/usr/bin/env python3
"""How far the scores can be trusted, on documents the calibration never saw.

Held-out English-Korean dev documents (folds 7-9 of scripts/fit_calibration.py) and
the German-French Text+Berg test set.  For pairs: the aligner's own matches plus
near misses and shuffled pairs (as in the fitting), labelled correct when exactly in
the gold.  Prints ROC AUC, expected calibration error (10 equal-width bins), and
precision/recall of correct pairs at thresholds 0.5, 0.8 and 0.9; the same for the
aligner's output alone; and the document verdict's AUC on true vs. mismatched
document pairs (each document with another document's translation).

    python scripts/bench_scores.py [--model use]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from _shared import SHARED, skip_without_shared, table, table_head, table_row
from fit_calibration import DOC_FEATURES, HELD_OUT, PAIR_FEATURES, collect, documents, fold, load_docs

from align import Aligner
from align.config import DEFAULTS
from align.evaluate import read_alignments


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    allv = np.concatenate([pos, neg])[order]
    # average ranks for ties
    i = 0
    while i < len(allv):
        j = i
        while j + 1 < len(allv) and allv[j + 1] == allv[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def ece(scores: np.ndarray, labels: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for k in range(bins):
        m = (scores >= edges[k]) & ((scores < edges[k + 1]) if k < bins - 1 else (scores <= 1))
        if m.any():
            total += m.sum() / len(scores) * abs(scores[m].mean() - labels[m].mean())
    return float(total)


def at(scores: np.ndarray, labels: np.ndarray, t: float) -> tuple[float, float]:
    keep = scores >= t
    p = labels[keep].mean() if keep.any() else float("nan")
    r = (labels[keep] == 1).sum() / max(1, (labels == 1).sum())
    return float(p), float(r)


THRESHOLDS = (0.5, 0.8, 0.9)


def row(label: str, s: np.ndarray, y: np.ndarray) -> str:
    cells = [label, str(len(y)), f"{y.mean():.3f}", f"{auc(s, y):.3f}", f"{ece(s, y):.3f}"]
    for t in THRESHOLDS:
        p, r = at(s, y, t)
        cells.append(f"{p:.3f} / {r:.3f}")
    return table_row(cells)


def textberg_docs():
    folder = SHARED / "data" / "textberg"
    out = []
    for k in range(7):
        src = (folder / f"test{k}.de").read_text(encoding="utf-8").splitlines()
        tgt = (folder / f"test{k}.fr").read_text(encoding="utf-8").splitlines()
        out.append((f"textberg/test{k}", src, tgt, read_alignments(folder / f"test{k}.defr")))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=DEFAULTS.model)
    args = ap.parse_args()
    if skip_without_shared("data/enko_dev"):
        return 0
    held = [d for d in load_docs() if fold(d[0].split("/")[1]) in HELD_OUT]
    sets = [("enko_dev held-out", held, Aligner(args.model))]
    if (SHARED / "data" / "textberg").exists():
        sets.append(
            (
                "Text+Berg test",
                textberg_docs(),
                Aligner(args.model, src_lang="de", tgt_lang="fr", max_merge=8),
            )
        )
    calib = sets[0][2].calibration
    if calib is None:
        print(f"no calibration for model {args.model}: run scripts/fit_calibration.py first")
        return 1
    print(f"calibration: {calib.tag} ({calib.fitted_on})\n")
    print(table_head(["pairs", "n", "share correct", "AUC", "ECE", *(f"P / R at {t}" for t in THRESHOLDS)]))
    doc_rows = []
    for label, docs, aligner in sets:
        raw = Aligner(
            aligner.embedder.inner,
            src_lang=aligner.src_lang,
            tgt_lang=aligner.tgt_lang,
            max_merge=aligner.params.max_merge,
            uncalibrated=True,
        )
        examples = collect(raw, docs)
        px = np.array([r[0] for e in examples for r in e.pair])
        py = np.array([r[1] for e in examples for r in e.pair])
        s = np.array([calib.pair(dict(zip(PAIR_FEATURES, x, strict=True))) for x in px])
        print(row(f"{label}: outputs + near misses + shuffled", s, py))
        own_s, own_y, null_s, null_y = [], [], [], []
        for name, src, tgt, gold in docs:
            gold_set = {(tuple(a), tuple(b)) for a, b in gold}
            for p in aligner.align_sentences(src, tgt, doc_id=name).pairs:
                (null_s if p.is_null else own_s).append(p.score)
                (null_y if p.is_null else own_y).append(int((p.src, p.tgt) in gold_set))
        print(row(f"{label}: aligner's matches only", np.array(own_s), np.array(own_y)))
        print(row(f"{label}: aligner's omissions only", np.array(null_s), np.array(null_y)))
        if len(docs) > 10:
            dx, dy = documents(aligner, docs)
            ds = np.array([calib.document(dict(zip(DOC_FEATURES, r, strict=True))) for r in dx])
            warned = float((ds[dy == 0] < 0.5).mean())
            doc_rows.append((label, len(dy), auc(ds, dy), warned, float((ds[dy == 1] >= 0.5).mean())))
    header = ["documents", "pairs (true + mismatched)", "verdict AUC", "mismatched warned", "true not warned"]
    rows = [[label, n, f"{a:.3f}", f"{w:.3f}", f"{t:.3f}"] for label, n, a, w, t in doc_rows]
    print("\n" + table(header, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
