#!/usr/bin/env python3
"""Real published editions: alignment F1, score quality and error categories.

On ../shared/data/real_dev (or FOLDER, any folder in its layout: NAME.en.txt and
NAME.ko.txt raw pages, NAME.en / NAME.ko gold sentences, NAME.gold), prints:

* strict / lax F1 (the reference scorer, tools/score.py) of the raw pipeline (raw pages
  in, sentences projected onto the gold lines) and of the gold sentences presplit;
* over the aligner's own matches (presplit): ROC AUC, expected calibration error
  (10 bins) and precision / recall at 0.5 and 0.9 of the pair scores (label: exactly in
  the gold), and the same for its omissions;
* the gold beads it misses, by category.

On real_dev itself nothing is scored by a model fitted on it: the documents are cut
into ``--folds`` folds by name, and each fold is aligned with a calibration refitted
(scripts/fit_calibration.py's way) on the synthetic fitting documents and the other
folds.  Any other folder is aligned with the shipped calibration.  The last table is
the synthetic held-out documents (enko_dev hard, folds 7-9) with the shipped file.

    python scripts/bench_real.py [FOLDER] [--folds 5] [--model use]
    python scripts/bench_real.py --by-outlet     # one fold per outlet (name prefix before "_")

``--by-outlet`` scores each outlet's documents with a calibration fitted without any of
that outlet's: the closest this folder comes to "real pairs from another outlet".
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import numpy as np
from _shared import ROOT, SHARED, score_files, skip_without_shared, table
from bench_accuracy import _project
from bench_scores import auc, ece
from fit_calibration import HELD_OUT, collect, fit, fold, load_docs, load_real, training_docs

from align import Aligner, DocumentAlignment
from align.config import DEFAULTS
from align.evaluate import read_alignments
from align.formats import write
from align.search import SearchParams

CATEGORIES = {
    "null paired": "a sentence with no counterpart put in a match",
    "match left unaligned": "a match whose sentences all came out unaligned",
    "merge missed": "a merge of which only a smaller match came out",
    "boundary": "a match that came out with a sentence too many or too few, or shifted",
    "page end": "any of the above at the last sentence of either side",
}


def categorise(gold: list, pairs: list, n: int, m: int) -> dict[str, int]:
    """Missed gold beads by category (see CATEGORIES)."""
    sys_beads = {(tuple(p.src), tuple(p.tgt)) for p in pairs}
    bead_of_src = {i: (tuple(p.src), tuple(p.tgt)) for p in pairs for i in p.src}
    bead_of_tgt = {j: (tuple(p.src), tuple(p.tgt)) for p in pairs for j in p.tgt}
    out = dict.fromkeys(CATEGORIES, 0)
    for s, t in gold:
        s, t = tuple(s), tuple(t)
        if (s, t) in sys_beads:
            continue
        if (s and s[-1] == n - 1) or (t and t[-1] == m - 1):
            out["page end"] += 1
            continue
        mine = {bead_of_src[i] for i in s} | {bead_of_tgt[j] for j in t}
        if not (s and t):
            out["null paired"] += 1
        elif all(not (a and b) for a, b in mine):
            out["match left unaligned"] += 1
        elif len(s) + len(t) > 2 and any(set(a) <= set(s) and set(b) <= set(t) for a, b in mine if a and b):
            out["merge missed"] += 1
        else:
            out["boundary"] += 1
    return out


def _own(results: list[tuple[DocumentAlignment, list]]) -> tuple[np.ndarray, ...]:
    ps, py, ns, ny = [], [], [], []
    for r, gold in results:
        gold_set = {(tuple(s), tuple(t)) for s, t in gold}
        for p in r.pairs:
            right = int((tuple(p.src), tuple(p.tgt)) in gold_set)
            (ns if p.is_null else ps).append(p.score)
            (ny if p.is_null else py).append(right)
    return tuple(np.array(x, dtype=np.float64) for x in (ps, py, ns, ny))


OWN = ["n", "share right", "AUC", "ECE", "P / R at 0.5", "P / R at 0.9"]
"""The columns of the score tables (after the first, which names the pairs)."""


def _mean_row(label: str, runs: list[tuple[np.ndarray, np.ndarray]]) -> list[str]:
    """One table row: the mean of each number over the runs, each run's value in brackets."""
    cols: list[list[float]] = []
    for s, y in runs:
        vals = [float(len(y)), float(y.mean()), auc(s, y), ece(s, y)]
        for t in (0.5, 0.9):
            keep = s >= t
            vals += [
                float(y[keep].mean()) if keep.any() else float("nan"),
                float((y[keep] == 1).sum() / max(1, (y == 1).sum())),
            ]
        cols.append(vals)
    a = np.array(cols)
    m = a.mean(axis=0)

    def each(k: int) -> str:
        return f"{m[k]:.3f}" + (f" ({', '.join(f'{v:.3f}' for v in a[:, k])})" if len(a) > 1 else "")

    return [
        label,
        str(int(m[0])),
        f"{m[1]:.3f}",
        each(2),
        each(3),
        f"{m[4]:.3f} / {m[5]:.3f}",
        f"{each(6)} / {m[7]:.3f}",
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", type=Path, default=None)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument(
        "--repeats",
        type=int,
        default=4,
        help="fold assignments (the score numbers are their mean; F1 is one run)",
    )
    ap.add_argument(
        "--by-outlet",
        action="store_true",
        help="one fold per outlet (the name's prefix before '_') instead of --folds by hash",
    )
    ap.add_argument("--model", default=DEFAULTS.model)
    ap.add_argument("--no-synthetic", action="store_true", help="skip the synthetic held-out table")
    args = ap.parse_args()
    real_dev = SHARED / "data" / "real_dev"
    folder = (args.folder or real_dev).resolve()
    cv = folder == real_dev.resolve()
    if skip_without_shared("tools/score.py", *(["data/real_dev"] if cv else [])):
        return 0
    if not folder.is_dir():
        print(f"skipped: {folder} is not here")
        return 0
    docs = load_real(folder)
    params = SearchParams()
    names = [d[0].split("/", 1)[1] for d in docs]
    repeats = args.repeats if cv and not args.by_outlet else 1
    outlets = sorted({n.split("_")[0] for n in names})
    if cv:
        synthetic, real = training_docs()
        base = Aligner(args.model, uncalibrated=True)
        syn_ex = collect(base, synthetic)
        real_ex = collect(base, real)
        how = f"{len(outlets)} folds by outlet" if args.by_outlet else f"{args.folds} folds by name"
        print(f"real_dev: {len(docs)} documents, {how}, each scored by a calibration")
        print("refitted without it (synthetic fitting documents + the other folds); the score")
        print(f"numbers are the mean over {repeats} fold assignments (each in brackets)\n")
    else:
        print(f"{folder}: {len(docs)} documents, shipped calibration\n")
    own_rows: list[list[tuple[DocumentAlignment, list]]] = []
    errors = dict.fromkeys(CATEGORIES, 0)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for rep in range(repeats):
            if cv:
                folds = [
                    outlets.index(n.split("_")[0])
                    if args.by_outlet
                    else zlib.crc32((f"{rep}:" if rep else "").encode() + n.encode()) % args.folds
                    for n in names
                ]
                calibs = {}
                for k in sorted(set(folds)):
                    keep = [e for e, f in zip(real_ex, folds, strict=True) if f != k]
                    train = [d for d, f in zip(real, folds, strict=True) if f != k]
                    calibs[k] = fit(
                        args.model, syn_ex + keep, synthetic + train, fitted_on=f"without fold {k}"
                    )
            else:
                folds = [0] * len(docs)
                calibs = {0: None}
            results: list[tuple[DocumentAlignment, list]] = []
            for k, calib in calibs.items():
                aligner = Aligner(args.model, params=params)
                if calib is not None:
                    aligner.calibration = calib
                for name, f in zip(names, folds, strict=True):
                    if f != k:
                        continue
                    gold = read_alignments(folder / f"{name}.gold")
                    r = aligner.align_files(folder / f"{name}.en", folder / f"{name}.ko", name, presplit=True)
                    results.append((r, gold))
                    if rep:
                        continue  # the alignment does not depend on the calibration: F1 once
                    write([r], "vecalign", out / f"{name}.pre.align")
                    for c, v in categorise(gold, r.pairs, len(r.src), len(r.tgt)).items():
                        errors[c] += v
                    raw = aligner.align_files(folder / f"{name}.en.txt", folder / f"{name}.ko.txt", name)
                    for side, sents in (("en", raw.src), ("ko", raw.tgt)):
                        (out / f"{name}.sys.{side}").write_text(
                            "".join(s.text + "\n" for s in sents), "utf-8"
                        )
                    write([raw], "vecalign", out / f"{name}.sys.align")
                    _project(name, folder / f"{name}.en.txt", folder / f"{name}.ko.txt", out)
            own_rows.append(results)
        gold_files = [folder / f"{n}.gold" for n in names]
        raw_f1 = score_files(gold_files, [out / f"{n}.align" for n in names])
        pre_f1 = score_files(gold_files, [out / f"{n}.pre.align" for n in names])
    f1_rows = [
        [
            label,
            f"{t['precision_strict']:.3f} / {t['recall_strict']:.3f} / {t['f1_strict']:.3f}",
            f"{t['f1_lax']:.3f}",
        ]
        for label, t in (("raw pages", raw_f1), ("presplit gold sentences", pre_f1))
    ]
    print(table(["pipeline", "strict P / R / F1", "lax F1"], f1_rows))
    own = [_mean_row("matches", [_own(r)[:2] for r in own_rows])]
    own.append(_mean_row("omissions", [_own(r)[2:] for r in own_rows]))
    print("\n" + table(["presplit, aligner's own", *OWN], own))
    missed = sum(errors.values())
    gold_beads = sum(len(g) for _, g in own_rows[0])
    header = [f"gold beads missed (presplit): {missed} of {gold_beads}", "count", "what"]
    print("\n" + table(header, [[c, v, CATEGORIES[c]] for c, v in errors.items()], right={1}))
    if not args.no_synthetic and (SHARED / "data" / "enko_dev").exists():
        held = [d for d in load_docs(("hard",)) if fold(d[0].split("/")[1]) in HELD_OUT]
        aligner = Aligner(args.model, params=params)
        syn = [(aligner.align_sentences(s, t, doc_id=n), g) for n, s, t, g in held]
        print(f"\nsynthetic held-out (enko_dev hard, folds 7-9, {len(held)} docs), shipped calibration:")
        own = [_mean_row("matches", [_own(syn)[:2]]), _mean_row("omissions", [_own(syn)[2:]])]
        print("\n" + table(["aligner's own", *OWN], own))
    print(f"\n({ROOT.name} at {_commit()})")
    return 0


def _commit() -> str:
    res = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return res.stdout.strip() or "?"


if __name__ == "__main__":
    sys.exit(main())
