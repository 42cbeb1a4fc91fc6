"""Fit the calibration of ``align match`` and check it on piles built from the dev data.

    python scripts/fit_match.py                 # cross-validated check, nothing written
    python scripts/fit_match.py --write         # also refit models/calibration/match/<model>.json

Piles (``--piles`` of them, seeded): every document pair of ``enko_dev`` (each source
document as its ``hard`` or its ``clean`` version, at random), ``enko_dev/para`` and
``real_dev`` (raw ``.txt``), file order shuffled; the partner of 25% of the documents on
each side removed, so they must stay unmatched; distractors added:

* **near copies**: for 30% of the kept ``clean`` pairs, the ``hard`` version of one side
  (the same text with lines missing; identical to the clean one for two documents in
  three, then a duplicate);
* **paragraph swapped**: for 30% of the kept pairs of three or more paragraphs, one side
  again with one paragraph (not the first) replaced by a paragraph of another document;
* **partial copy of a missing partner**: for 30% of the documents whose partner was
  removed, that partner with one paragraph swapped (reported on its own line: such a
  copy shares most of its text with the lonely document).

Every pile runs through the real matching (:func:`align.match.match_vectors`: document
vectors, top-k, rescoring, greedy one-to-one); the pairs it takes are labelled right or
wrong and the logistic model of their features is fitted.  The table reports, per half
of the piles with the model fitted on the other half: precision and recall of the pairs
found, and the share of partnerless documents that got a partner.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
from _shared import SHARED, skip_without_shared, table_head, table_row

from align.batch import BatchOptions
from align.calibration import fit_logistic
from align.match import (
    CALIBRATION_DIR,
    EmbeddedDoc,
    MatchCalibration,
    SideVectors,
    embed_documents,
    load_match_calibration,
    match_vectors,
)

Key = tuple[str, str, str]
"""(collection, name, language) of one dev document; collection ``swap`` (``swap-hard``) for
the paragraph-swapped copies (of the hard versions)."""


def collect(tmp: Path, seed: int) -> dict[Key, Path]:
    """Every raw dev document, and a paragraph-swapped copy of those with three or more paragraphs."""
    files: dict[Key, Path] = {}
    for sub in ("enko_dev/clean", "enko_dev/hard", "enko_dev/para", "real_dev"):
        for p in sorted((SHARED / "data" / sub).glob("*.en.txt")):
            name = p.name[: -len(".en.txt")]
            for lang in ("en", "ko"):
                files[sub, name, lang] = p.with_name(f"{name}.{lang}.txt")
    rnd = random.Random(seed)
    paragraphs: dict[Key, list[str]] = {}
    for key, path in files.items():
        text = path.read_text(encoding="utf-8")
        paragraphs[key] = [x for x in re.split(r"\n\s*\n", text) if x.strip()]
    for (sub, name, lang), paras in sorted(paragraphs.items()):
        if len(paras) < 3:
            continue
        # a paragraph of another document of the same collection (alike in length)
        donors = [
            k
            for k in paragraphs
            if k[:1] == (sub,) and k[2] == lang and k[1] != name and len(paragraphs[k]) >= 2
        ]
        donor = paragraphs[rnd.choice(donors)]
        out = list(paras)
        at = rnd.randrange(1, len(out))
        out[at] = donor[rnd.randrange(1, len(donor))]
        path = tmp / f"{_swap(sub)}-{name}.{lang}.txt"
        path.write_text("\n\n".join(out) + "\n", encoding="utf-8")
        files[_swap(sub), name, lang] = path
    return files


def _swap(sub: str) -> str:
    """The collection of the paragraph-swapped copies of ``sub``'s documents (the hard
    ones apart: a copy is made from the version it stands beside)."""
    return "swap-hard" if sub == "enko_dev/hard" else "swap"


def build_pile(seed: int, files: dict[Key, Path], drop: float = 0.25, near: float = 0.3, swap: float = 0.3):
    """One pile: source keys, target keys, the true pairs, and the lonely documents that
    have a partial copy of their missing partner on the other side."""
    rnd = random.Random(seed)
    names = sorted({(s, n) for s, n, _ in files if s in ("enko_dev/hard", "enko_dev/para", "real_dev")})
    pairs: list[tuple[Key, Key]] = []
    for sub, name in names:
        if sub == "enko_dev/hard":
            sub = rnd.choice(["enko_dev/hard", "enko_dev/clean"])
        pairs.append(((sub, name, "en"), (sub, name, "ko")))
    rnd.shuffle(pairs)
    k = int(drop * len(pairs))
    src = [e for n, (e, _) in enumerate(pairs) if not k <= n < 2 * k]
    tgt = [t for n, (_, t) in enumerate(pairs) if n >= k]
    truth = dict(pairs[2 * k :])
    partial: set[Key] = set()
    for e, t in sorted(truth.items()):
        # one distractor per pair at most: two on opposite sides would translate each other
        if e[0] == "enko_dev/clean" and rnd.random() < near:
            if rnd.random() < 0.5:
                src.append(("enko_dev/hard", e[1], "en"))
            else:
                tgt.append(("enko_dev/hard", t[1], "ko"))
        elif rnd.random() < swap:
            copy = (_swap(e[0]), e[1], "en" if rnd.random() < 0.5 else "ko")
            if copy in files:
                (src if copy[2] == "en" else tgt).append(copy)
    for n, (e, t) in enumerate(pairs[: 2 * k]):
        lonely, missing = (e, t) if n < k else (t, e)
        copy = (_swap(missing[0]), missing[1], missing[2])
        if copy in files and rnd.random() < swap:
            (src if missing[2] == "en" else tgt).append(copy)
            partial.add(lonely)
    rnd.shuffle(src)
    rnd.shuffle(tgt)
    return src, tgt, truth, partial


def run_pile(pile, docs: dict[Key, EmbeddedDoc], calibration: MatchCalibration):
    """Match one pile; returns the features and labels of the pairs taken, and the
    documents of the pile after duplicates are dropped."""
    src, tgt, truth, partial = pile
    sides = []
    kept_keys: list[list[Key]] = []
    for keys in (src, tgt):
        seen: set[str] = set()
        side, kept = SideVectors(), []
        for key in keys:
            d = docs[key]
            if d.problem is not None or d.key in seen:
                continue
            seen.add(d.key)
            assert d.vectors is not None and d.weights is not None
            side.indices.append(len(kept))
            side.vectors.append(d.vectors)
            side.weights.append(d.weights)
            kept.append(key)
        sides.append(side)
        kept_keys.append(kept)
    scored = match_vectors(sides[0], sides[1], calibration)
    text = {k: docs[k].key for k in (*src, *tgt)}
    true_pairs = {(text[e], text[t]) for e, t in truth.items()}
    rows = []
    for n, c in enumerate(scored.taken):
        e, t = kept_keys[0][scored.ii[c]], kept_keys[1][scored.jj[c]]
        feats = {name: float(v[c]) for name, v in scored.features.items()}
        feats["margin"] = float(scored.margins[n])
        copy = (e in partial and t[0].startswith("swap")) or (t in partial and e[0].startswith("swap"))
        rows.append((e, t, feats, (text[e], text[t]) in true_pairs, copy and e[1] == t[1]))
    return rows, kept_keys, true_pairs, text, partial


def evaluate(result, model: MatchCalibration):
    rows, kept_keys, true_pairs, text, partial = result
    found = [
        (e, t, ok)
        for e, t, f, ok, _ in rows
        if model.probability({k: np.array([v]) for k, v in f.items()})[0] >= model.threshold
    ]
    # a partnerless document paired with a partial copy of its missing partner counts
    # on its own line, not against precision
    copies = {(e, t) for e, t, _, _, copy in rows if copy}
    found_copies = [(e, t) for e, t, _ in found if (e, t) in copies]
    found = [x for x in found if (x[0], x[1]) not in copies]
    correct = sum(ok for _, _, ok in found)
    partnered = {a for a, _ in true_pairs} | {b for _, b in true_pairs}
    lonely = [k for keys in kept_keys for k in keys if text[k] not in partnered]
    paired = {e for e, _, _ in found} | {t for _, t, _ in found}
    partial_lonely = [k for k in lonely if k in partial]
    wrong_lonely = sum(1 for k in lonely if k in paired and k not in partial)
    lonely = [k for k in lonely if k not in partial]
    return {
        "found": len(found),
        "correct": correct,
        "true": len(true_pairs),
        "lonely": len(lonely),
        "wrong_lonely": wrong_lonely,
        "partial": len(partial_lonely),
        "partial_paired": len(found_copies),
        "errors": [(e, t) for e, t, ok in found if not ok],
        "missed": sorted(true_pairs - {(text[e], text[t]) for e, t, ok in found if ok}),
    }


def fit(rows, base: MatchCalibration, features: list[str], fitted_on: str) -> MatchCalibration:
    """The logistic model of the pairs taken; pairs with a partial copy of a missing
    partner are left out (nothing in the text says whether such a copy is a translation)."""
    rows = [r for r in rows if not r[4]]
    x = np.array([[f[n] for n in features] for _, _, f, _, _ in rows])
    y = np.array([ok for _, _, _, ok, _ in rows], dtype=float)
    logistic = fit_logistic(x, y, features)
    return dataclasses.replace(base, logistic=logistic, fitted_on=fitted_on)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--piles", type=int, default=12)
    ap.add_argument("--seed", type=int, default=20260)
    ap.add_argument("--features", default="coverage,margin")
    ap.add_argument(
        "--low", type=float, default=None, help="soft-coverage ramp start (default: the current file's)"
    )
    ap.add_argument("--high", type=float, default=None)
    ap.add_argument("--one-sided", type=float, default=None, help="credit of a best match that is not mutual")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cache", default="", help="SQLite embedding cache to reuse between runs")
    ap.add_argument("--write", action="store_true", help="write the refitted calibration file")
    ap.add_argument("--errors", action="store_true", help="list the wrong pairs")
    args = ap.parse_args()
    if skip_without_shared("data/enko_dev", "data/real_dev"):
        return 0
    features = args.features.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        files = collect(Path(tmp), args.seed)
        keys = sorted(files)
        src_keys = [k for k in keys if k[2] == "en"]
        tgt_keys = [k for k in keys if k[2] == "ko"]
        options = BatchOptions(workers=args.workers, cache=args.cache)
        embedded, _, name = embed_documents(
            [files[k] for k in src_keys], [files[k] for k in tgt_keys], options
        )
    docs = {}
    for d in embedded:
        docs[(src_keys if d.side == 0 else tgt_keys)[d.index]] = d
    problems = [d.problem for d in embedded if d.problem]
    for p in problems:
        print(f"problem: {p}", file=sys.stderr)
    base = load_match_calibration(name)
    base = dataclasses.replace(
        base,
        low=base.low if args.low is None else args.low,
        high=base.high if args.high is None else args.high,
        one_sided=base.one_sided if args.one_sided is None else args.one_sided,
    )
    seeds = [args.seed + k for k in range(args.piles)]
    results = {s: run_pile(build_pile(s, files), docs, base) for s in seeds}
    halves = [seeds[0::2], seeds[1::2]]
    print(
        f"model {name}; ramp {base.low}-{base.high}, one-sided {base.one_sided}; features {features}; "
        f"{len(seeds)} piles"
    )
    print(
        table_head(["piles", "pairs", "precision", "recall", "partnerless paired", "partial copies paired"])
    )
    totals: dict[str, float] = defaultdict(float)
    for k, half in enumerate(halves):
        other = halves[1 - k]
        model = fit([r for s in other for r in results[s][0]], base, features, "")
        agg: dict[str, float] = defaultdict(float)
        for s in half:
            ev = evaluate(results[s], model)
            for key, value in ev.items():
                if key not in ("errors", "missed"):
                    agg[key] += value
                    totals[key] += value
            if args.errors:
                feats = {(e, t): f for e, t, f, _, _ in results[s][0]}
                for e, t in ev["errors"]:
                    f = feats[e, t]
                    print(f"  wrong: {e[0]}/{e[1]} -> {t[0]}/{t[1]} {_short(f)} p={_p(model, f):.2f}")
                by_text: dict[str, Key] = {}
                for key, value in results[s][3].items():
                    by_text.setdefault(value, key)
                for a, b in ev["missed"]:
                    e, t = by_text[a], by_text[b]
                    got = [
                        f"{x[1]}->{y[1]} {_short(f)} p={_p(model, f):.2f}"
                        for (x, y), f in feats.items()
                        if results[s][3][x] == a or results[s][3][y] == b
                    ]
                    print(f"  missed: {e[0]}/{e[1]}: {'; '.join(got) or 'nothing taken'}")
        print(_row(f"half {k + 1} (fitted on the other)", agg))
    print(_row("all", totals))
    fitted_on = (
        f"scripts/fit_match.py: {len(seeds)} piles (seed {args.seed}) from enko_dev clean/hard/para and "
        f"real_dev raw text; features {','.join(features)}"
    )
    final = fit([r for s in seeds for r in results[s][0]], base, features, fitted_on)
    print(final.logistic)
    if args.write:
        target = CALIBRATION_DIR / f"{final.model}.json"
        final.save(target)
        print(f"wrote {target}")
    return 0


def _short(f: dict[str, float]) -> str:
    return " ".join(f"{k}={v:.3f}" for k, v in f.items() if k != "bimax")


def _p(model: MatchCalibration, f: dict[str, float]) -> float:
    return float(model.probability({k: np.array([v]) for k, v in f.items()})[0])


def _row(label: str, agg: dict[str, float]) -> str:
    p = agg["correct"] / max(1, agg["found"])
    r = agg["correct"] / max(1, agg["true"])
    w = agg["wrong_lonely"] / max(1, agg["lonely"])
    q = agg["partial_paired"] / max(1, agg["partial"])
    return table_row(
        [label, int(agg["true"]), f"{p:.4f}", f"{r:.4f}",
         f"{w:.4f} ({int(agg['wrong_lonely'])}/{int(agg['lonely'])})",
         f"{q:.3f} ({int(agg['partial_paired'])}/{int(agg['partial'])})"]
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
