#!/usr/bin/env python3
"""Ablation of bead scorings on the shared dev sets, every span embedded exactly.

Each variant gives a gain to every bead of every document; a plain dynamic programme
(full grid) finds the best path; the reference scorer scores it.  Span embeddings come
from the bundled model's span method (the same vectors as embedding the joined text),
so differences come from the scoring alone.  Sets: ``hard`` (enko_dev/hard, presplit,
merges up to 4), ``tbdev`` and ``tb`` (Text+Berg dev and test, merges up to 8).

Variants:
  shipped    align's search (align.search.search) with its default parameters
  no-anchors shipped without the anchor term (anchor_weight 0)
  bertalign  Bertalign's second pass: (cosine - mean cosine with the neighbouring
             sentences) * log2(1 + min/max length), omissions -0.1
  parts      shipped + 0.1 * min(0, min part margin - 0.2): every part of a merge must
             match the other side
  crossing   shipped, but a 1-0 next to a 0-1 costs 0.2 more (three-state programme)
  anchors    plain + w * overlap of the anchors of both sides (align.anchors: numbers,
             capitalised words, only those found on both sides of the document);
             ``--anchor-weight`` w (0.05)
  plain      shipped's gains through this script's programme, omissions ``--skip`` (0):
             the trade-off between omissions and merges

    python scripts/ablate_scoring.py [--sets hard tbdev tb] [--variants ...] [--skip -0.05]

Skips cleanly (exit 0) when ../shared is not there.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Any

import numpy as np
from _shared import SCORER, SHARED, skip_without_shared, table_head, table_row

NEG = -1e18


class Doc:
    """One document pair with every span of 1..K-1 sentences embedded."""

    def __init__(self, src: list[str], tgt: list[str], gold: list[Any], max_merge: int, model: Any) -> None:
        self.src, self.tgt, self.gold, self.K = src, tgt, gold, max_merge
        self.n, self.m = len(src), len(tgt)
        self.se = {a: _spans(model, src, a) for a in range(1, max_merge)}
        self.te = {b: _spans(model, tgt, b) for b in range(1, max_merge)}
        sl = np.array([len(x.encode("utf-8")) for x in src], float)
        tl = np.array([len(x.encode("utf-8")) for x in tgt], float)
        cs, ct = np.concatenate([[0], np.cumsum(sl)]), np.concatenate([[0], np.cumsum(tl)])
        self.sl, self.tl = sl, tl
        self.sL = {a: cs[a:] - cs[:-a] for a in range(1, max_merge)}
        self.tL = {b: ct[b:] - ct[:-b] for b in range(1, max_merge)}
        self.ratio = float(np.log(tl.sum() / sl.sum()))
        self.sh = {a: _knn(self.se[a], self.te[1]) for a in self.se}
        self.th = {b: _knn(self.te[b], self.se[1]) for b in self.te}


def _spans(model: Any, lines: list[str], a: int) -> np.ndarray:
    if len(lines) < a:
        return np.zeros((0, 512), np.float32)
    if a == 1:
        return model.encode(lines)
    return model.encode_spans([lines[k : k + a] for k in range(len(lines) - a + 1)])


def _knn(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    from align.search import SearchParams

    s = x @ y.T
    k = min(SearchParams().knn, s.shape[1])
    return np.sort(s, axis=1)[:, -k:].mean(axis=1)


def bead_types(max_merge: int) -> list[tuple[int, int]]:
    return [(a, t - a) for t in range(2, max_merge + 1) for a in range(1, t)]


def shipped_gain(d: Doc, a: int, b: int) -> np.ndarray:
    """The search's own gain (align.search.bead_gain) with the default parameters, over
    every (span, span) of the document, with its margin and length terms."""
    from align.search import GainTerms, SearchParams, bead_gain, margin

    p = SearchParams(max_merge=d.K)
    mar = margin(d.se[a] @ d.te[b].T, d.sh[a][:, None] + d.th[b][None, :], p.margin_weight)
    ratio = np.log((d.tL[b][None, :] + b) / (d.sL[a][:, None] + a)) - d.ratio
    return bead_gain(p, GainTerms(a, b, mar, log_ratio=ratio))


def parts_gain(d: Doc, a: int, b: int) -> np.ndarray:
    from numpy.lib.stride_tricks import sliding_window_view

    from align.search import SearchParams, margin

    g = shipped_gain(d, a, b)
    if a == 1 and b == 1:
        return g
    part = np.full(g.shape, np.inf)
    if a > 1:
        p = margin(d.se[1] @ d.te[b].T, d.sh[1][:, None] + d.th[b][None, :], SearchParams().margin_weight)
        part = np.minimum(part, sliding_window_view(p, a, axis=0).min(axis=-1))
    if b > 1:
        p = margin(d.se[a] @ d.te[1].T, d.sh[a][:, None] + d.th[1][None, :], SearchParams().margin_weight)
        part = np.minimum(part, sliding_window_view(p, b, axis=1).min(axis=-1))
    return g + 0.1 * np.minimum(part - 0.2, 0)


def anchors_gain(d: Doc, a: int, b: int) -> np.ndarray:
    """Shipped gains plus the anchor term (align.anchors), weight ``--anchor-weight``."""
    from align.anchors import anchor_masks, bits, span_masks, unit_rows

    g = shipped_gain(d, a, b)
    if not hasattr(d, "anchors"):
        d.anchors = anchor_masks(d.src, d.tgt)
    sa, tb = span_masks(d.anchors[0], a), span_masks(d.anchors[1], b)
    lex = unit_rows(sa, bits(sa)) @ unit_rows(tb, bits(tb)).T
    return g + OPTIONS["anchor_weight"] * lex


OPTIONS = {"anchor_weight": 0.05, "skip": 0.0, "window": 10, "null_weight": 0.3, "null_from": 0.4}


def null_costs(d: Doc) -> tuple[np.ndarray, np.ndarray]:
    """Omission gain per sentence: lower when the sentence matches something near the diagonal."""
    cos = d.se[1] @ d.te[1].T
    n, m = cos.shape
    w = OPTIONS["window"]
    diag = np.arange(n)[:, None] * (m / n) - np.arange(m)[None, :]
    near = np.where(np.abs(diag) <= w, cos, -1.0)
    best_s, best_t = near.max(axis=1), near.max(axis=0)
    wt, c0 = OPTIONS["null_weight"], OPTIONS["null_from"]
    return -wt * np.maximum(best_s - c0, 0), -wt * np.maximum(best_t - c0, 0)


def _neighbour_mean(vecs: np.ndarray, units: np.ndarray, size: int) -> np.ndarray:
    """Mean cosine of each row of ``vecs`` with the sentence before and after each span of ``size``."""
    sims = vecs @ units.T  # (rows, len(units))
    spans = len(units) - size + 1
    idx = np.arange(spans)
    left = np.full((len(vecs), spans), np.nan)
    right = left.copy()
    left[:, idx >= 1] = sims[:, (idx - 1)[idx >= 1]]
    right[:, idx + size < len(units)] = sims[:, (idx + size)[idx + size < len(units)]]
    with warnings.catch_warnings():  # a one-sentence side has no neighbours: mean of nothing -> 0
        warnings.simplefilter("ignore", RuntimeWarning)
        out = np.nanmean(np.stack([left, right]), axis=0)
    return np.nan_to_num(out)


def bertalign_gain(d: Doc, a: int, b: int) -> np.ndarray:
    x, y = d.se[a], d.te[b]
    cos = x @ y.T
    cos = cos - 0.5 * (_neighbour_mean(x, d.te[1], b) + _neighbour_mean(y, d.se[1], a).T)
    s_len = d.sL[a][:, None] * np.exp(d.ratio)
    t_len = d.tL[b][None, :]
    return cos * np.log2(1 + np.minimum(s_len, t_len) / np.maximum(s_len, t_len))


def best_path(d: Doc, gains: dict[Any, Any], skip: Any, crossing: float = 0.0) -> list[Any]:
    """Best monotone path; states: last bead a match, a 1-0, or a 0-1.

    ``skip``: the gain of every omission, or (per source sentence, per target sentence).
    """
    n, m = d.n, d.m
    skip_s, skip_t = skip if isinstance(skip, tuple) else (np.full(n, skip), np.full(m, skip))
    match = np.full((n + 1, m + 1), NEG)
    dele, ins = match.copy(), match.copy()
    back_m = np.full((n + 1, m + 1), -1, np.int16)
    back_d = np.zeros((n + 1, m + 1), np.int8)
    back_i = np.zeros((n + 1, m + 1), np.int8)
    types = list(gains)
    match[0, 0] = 0.0
    for i in range(n + 1):
        if i:
            c = np.stack([match[i - 1], dele[i - 1], ins[i - 1] - crossing]) + skip_s[i - 1]
            back_d[i], dele[i] = c.argmax(0), c.max(0)
        best, bp = match[i].copy(), back_m[i].copy()
        for t, (a, b) in enumerate(types):
            if i < a:
                continue
            prev = np.maximum(np.maximum(match[i - a], dele[i - a]), ins[i - a])
            c = np.full(m + 1, NEG)
            c[b:] = prev[: m - b + 1] + gains[(a, b)][i - a]
            better = c > best
            best, bp = np.where(better, c, best), np.where(better, t, bp)
        match[i], back_m[i] = best, bp
        for j in range(1, m + 1):
            opts = (match[i, j - 1], dele[i, j - 1] - crossing, ins[i, j - 1])
            k = int(np.argmax(opts))
            ins[i, j], back_i[i, j] = opts[k] + skip_t[j - 1], k
    beads, i, j = [], n, m
    state = int(np.argmax([match[n, m], dele[n, m], ins[n, m]]))
    while i > 0 or j > 0:
        if state == 0:
            a, b = types[back_m[i, j]]
            state = int(np.argmax([match[i - a, j - b], dele[i - a, j - b], ins[i - a, j - b]]))
        elif state == 1:
            a, b, state = 1, 0, int(back_d[i, j])
        else:
            a, b, state = 0, 1, int(back_i[i, j])
        beads.append((list(range(i - a, i)), list(range(j - b, j))))
        i, j = i - a, j - b
    return beads[::-1]


def run_variant(name: str, docs: list[Doc]) -> list:
    from align.search import PlainSpans, SearchParams, Side, search

    out = []
    for d in docs:
        if name in ("shipped", "no-anchors"):
            from align.anchors import anchor_masks

            masks = anchor_masks(d.src, d.tgt)
            beads = search(
                Side(PlainSpans(lambda a, d=d: d.se[a]), d.sl, masks[0]),
                Side(PlainSpans(lambda b, d=d: d.te[b]), d.tl, masks[1]),
                SearchParams(max_merge=d.K, **({"anchor_weight": 0.0} if name == "no-anchors" else {})),
            )
            out.append([(list(x.src), list(x.tgt)) for x in beads])
            continue
        fn = {
            "bertalign": bertalign_gain,
            "parts": parts_gain,
            "crossing": shipped_gain,
            "anchors": anchors_gain,
            "plain": shipped_gain,
            "nullcost": shipped_gain,
        }[name]
        gains = {t: fn(d, *t) for t in bead_types(d.K) if t[0] <= d.n and t[1] <= d.m}
        skip = -0.1 if name == "bertalign" else OPTIONS["skip"]
        if name == "nullcost":
            skip = null_costs(d)
        out.append(best_path(d, gains, skip, crossing=0.2 if name == "crossing" else 0.0))
    return out


def load_set(name: str, model: Any) -> list[Doc]:
    import score  # type: ignore[import-not-found]  # ../shared/tools, on sys.path at run time

    docs = []
    if name == "hard":
        folder = SHARED / "data" / "enko_dev" / "hard"
        for g in sorted(folder.glob("*.gold")):
            stem = g.name[: -len(".gold")]
            src = (folder / f"{stem}.en").read_text(encoding="utf-8").splitlines()
            tgt = (folder / f"{stem}.ko").read_text(encoding="utf-8").splitlines()
            docs.append(Doc(src, tgt, score.read_alignments(str(g)), 4, model))
    else:
        folder = SHARED / "data" / "textberg"
        stems = ["dev"] if name == "tbdev" else [f"test{k}" for k in range(7)]
        for stem in stems:
            src = (folder / f"{stem}.de").read_text(encoding="utf-8").splitlines()
            tgt = (folder / f"{stem}.fr").read_text(encoding="utf-8").splitlines()
            docs.append(Doc(src, tgt, score.read_alignments(str(folder / f"{stem}.defr")), 8, model))
    return docs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", nargs="+", default=["hard", "tbdev", "tb"], choices=["hard", "tbdev", "tb"])
    variants = ["shipped", "no-anchors", "bertalign", "parts", "crossing", "anchors", "plain", "nullcost"]
    ap.add_argument("--variants", nargs="+", default=variants, choices=variants)
    ap.add_argument("--anchor-weight", type=float, default=0.05, help="weight of the anchors variant")
    ap.add_argument("--null-weight", type=float, default=0.3)
    ap.add_argument("--null-from", type=float, default=0.4)
    ap.add_argument("--skip", type=float, default=0.0, help="gain of an omission in the plain variant")
    args = ap.parse_args()
    OPTIONS.update(anchor_weight=args.anchor_weight, skip=args.skip)
    OPTIONS.update(null_weight=args.null_weight, null_from=args.null_from)
    if skip_without_shared("tools/score.py"):
        return 0
    sys.path.insert(0, str(SCORER.parent))
    import score  # type: ignore[import-not-found]  # ../shared/tools, on sys.path at run time

    from align.embed import USEEmbedder

    model = USEEmbedder()
    data = {s: load_set(s, model) for s in args.sets}
    print(table_head(["variant", *(f"{s} strict F1 / lax F1" for s in args.sets)]))
    for v in args.variants:
        cells = []
        for s in args.sets:
            total = score.score([d.gold for d in data[s]], run_variant(v, data[s]))[0]
            cells.append(f"{total['f1_strict']:.3f} / {total['f1_lax']:.3f}")
        print(table_row([v, *cells]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
