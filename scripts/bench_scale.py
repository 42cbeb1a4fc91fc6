#!/usr/bin/env python3
"""Search time and peak memory against document length (synthetic documents).

Each size runs in its own process: a source document of N sentences with random
512-d embeddings, a target made from it with 5% deletions, 10% two-into-one merges
and noise, then one alignment search (embedding excluded) with every term the
aligner uses: lengths, anchors (a fifth of the sentences carry one of 128 anchor bits,
which their translation shares) and paragraphs (a new one every 8 source sentences).  Prints search seconds,
the process's peak memory above its start (ru_maxrss) and how much of the planted
alignment was recovered.

    python scripts/bench_scale.py                  # 1k, 5k, 20k, 100k sentences a side
    python scripts/bench_scale.py --sizes 1000 5000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _child(n: int, dim: int) -> None:
    import numpy as np

    sys.path.insert(0, str(ROOT))
    from align.search import SearchParams, search

    rng = np.random.default_rng(n)

    def unit(x):
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)

    base = unit(rng.standard_normal((n, dim), dtype=np.float32))
    src = unit(base + 0.04 * rng.standard_normal((n, dim), dtype=np.float32))
    rows, gold, i = [], set(), 0
    r = rng.random(n)
    src_masks = np.zeros((n, 16), np.uint8)
    marked = np.flatnonzero(rng.random(n) < 0.2)
    bit = rng.integers(0, 128, len(marked))
    src_masks[marked, bit // 8] = (1 << (bit % 8)).astype(np.uint8)
    src_par = np.arange(n) // 8
    tgt_masks, tgt_par = [], []
    while i < n:
        if r[i] < 0.05:
            gold.add(((i,), ()))
            i += 1
        elif r[i] < 0.15 and i + 1 < n:
            gold.add(((i, i + 1), (len(rows),)))
            rows.append(base[i] + base[i + 1])
            tgt_masks.append(src_masks[i] | src_masks[i + 1])
            tgt_par.append(src_par[i])
            i += 2
        else:
            gold.add(((i,), (len(rows),)))
            rows.append(base[i])
            tgt_masks.append(src_masks[i])
            tgt_par.append(src_par[i])
            i += 1
    tgt = unit(np.asarray(rows) + 0.04 * rng.standard_normal((len(rows), dim), dtype=np.float32))
    del rows, base
    src_len = rng.integers(40, 200, n).astype(float)
    tgt_len = np.ones(len(tgt)) * 100.0

    def spans(units):
        cache = {}

        def fn(a):
            if a not in cache:
                if a == 1:
                    cache[a] = units
                else:
                    c = np.cumsum(
                        np.vstack([np.zeros((1, dim), np.float32), units]), axis=0, dtype=np.float32
                    )
                    cache[a] = unit(c[a:] - c[:-a])
            return cache[a]

        return fn

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    beads = search(
        spans(src),
        spans(tgt),
        n,
        len(tgt),
        SearchParams(),
        src_lengths=src_len,
        tgt_lengths=tgt_len,
        src_anchors=src_masks,
        tgt_anchors=np.asarray(tgt_masks),
        src_paragraphs=src_par,
        tgt_paragraphs=np.asarray(tgt_par),
    )
    seconds = time.perf_counter() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    got = {(b.src, b.tgt) for b in beads}
    print(
        json.dumps(
            {
                "n": n,
                "m": len(tgt),
                "seconds": seconds,
                "peak_mb": (rss1 - rss0) / 1024,
                "rss_mb": rss1 / 1024,
                "recovered": len(got & gold) / len(gold),
            }
        )
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", type=int, default=[1000, 5000, 20000, 100000])
    ap.add_argument("--dim", type=int, default=512)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child, args.dim)
        return 0
    print(
        "| sentences (src x tgt) | search seconds | seconds per 1k | peak memory above start (MB) | process peak RSS (MB) | recovered |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for n in args.sizes:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(n), "--dim", str(args.dim)],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            print(
                f"| {n} | failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr else proc.returncode} |"
            )
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"| {r['n']} x {r['m']} | {r['seconds']:.1f} | {1000 * r['seconds'] / r['n']:.2f} | "
            f"{r['peak_mb']:.0f} | {r['rss_mb']:.0f} | {r['recovered']:.3f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
