#!/usr/bin/env python3
"""Speed of ``align_many`` on ``enko_dev/hard`` presplit, for one or more source trees
side by side (this checkout against a ``git worktree`` of an older commit, say).

Each measurement is a separate process that imports align from its tree, loads the
model fresh, warms it up and aligns the whole set in calls of 16 documents (as
``bench_accuracy.py`` and ``align batch`` do).  Trees and thread counts take turns in
every round, so a noisy machine slows them alike; the table gives each tree's median
over the rounds, and its ratio to the first tree's.  CPU time is printed too, the
helper processes' included (an older numpy path's BLAS spins on a second core even
with ``ALIGN_THREADS=1``).  With more than one thread, ``align_many`` forks its helper
processes in the first timed call (:mod:`align.processes`), so their start is in the
time.

    git worktree add /tmp/align-05c34c7 05c34c7
    python scripts/bench_speed.py --trees /tmp/align-05c34c7 .          # 2 threads and 1
    python scripts/bench_speed.py --trees . --models use use:numpy --threads 2

Skips cleanly (exit 0) when ../shared is not there.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from _shared import SHARED, skip_without_shared, table

CHILD = r"""
import json, os, sys, time
from pathlib import Path
from align import Aligner, load_embedder
from align.config import DEFAULTS

shared, model, chunk = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
hard = shared / "data" / "enko_dev" / "hard"
docs = [(hard / (g.name[:-5] + ".en"), hard / (g.name[:-5] + ".ko")) for g in sorted(hard.glob("*.gold"))]
emb = load_embedder(model)
warm = (shared / "data" / "enko_dev" / "clean" / "flores_dev_007.en").read_text(encoding="utf-8")
emb.encode(warm.splitlines() * 20)
emb.clear()
aligner = Aligner(emb, src_lang="en", tgt_lang="ko", max_merge=DEFAULTS.max_merge)
t0, c0 = time.perf_counter(), os.times()
sentences = 0
for k in range(0, len(docs), chunk):
    for result, _ in aligner.align_many(docs[k : k + chunk], presplit=True):
        if isinstance(result, Exception):
            raise result
        sentences += len(result.src) + len(result.tgt)
seconds = time.perf_counter() - t0
getattr(aligner, "close", lambda: None)()  # helper processes end: their CPU time is counted
c1 = os.times()
cpu = sum(c1[:4]) - sum(c0[:4])  # user, system, and those of ended children
print(json.dumps({"seconds": seconds, "cpu": cpu, "sentences": sentences, "model": emb.name}))
"""


def measure(tree: Path, model: str, threads: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree), ALIGN_THREADS=str(threads))
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(SHARED), model, "16"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{tree} ({model}, {threads} threads) failed: {proc.stderr.strip()[-500:]}")
    out: dict = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--trees", nargs="+", type=Path, default=[Path(".")], help="source trees (the first is the base)"
    )
    ap.add_argument("--models", nargs="+", default=["use"])
    ap.add_argument("--threads", nargs="+", type=int, default=[2, 1])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if skip_without_shared():
        return 0
    trees = [t.resolve() for t in args.trees]
    runs = [(tree, model, threads) for threads in args.threads for model in args.models for tree in trees]
    got: dict[tuple[Path, str, int], list[dict]] = {run: [] for run in runs}
    for r in range(args.rounds):
        for run in runs:
            got[run].append(measure(*run))
            m = got[run][-1]
            print(f"round {r + 1}: {run[0]} {run[1]} {run[2]} threads: {m['seconds']:.2f} s", file=sys.stderr)
    rows = []
    for tree, model, threads in runs:
        base = statistics.median(m["seconds"] for m in got[(trees[0], model, threads)])
        these = got[(tree, model, threads)]
        seconds = statistics.median(m["seconds"] for m in these)
        rows.append(
            [
                str(tree),
                these[0]["model"],
                str(threads),
                f"{seconds:.2f}",
                " / ".join(f"{m['seconds']:.2f}" for m in these),
                f"{statistics.median(m['cpu'] for m in these):.2f}",
                f"{these[0]['sentences'] / seconds:.0f}",
                f"{base / seconds:.2f}x",
            ]
        )
    print(f"align_many over enko_dev/hard presplit (16 documents a call), {args.rounds} rounds in turn")
    print(
        table(
            ["tree", "model", "threads", "median s", "rounds s", "CPU s", "sent/s", "vs first tree"],
            rows,
            right=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
