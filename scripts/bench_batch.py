#!/usr/bin/env python3
"""align batch throughput and memory: 1,000 document pairs, local engine and Ray.

Documents are the raw-text pairs of ../shared/data/enko_dev/hard, replicated to
--docs pairs; every replica gets its own marker at the start of every sentence, so no
sentence repeats and no cache can help.  Configurations: local with 1 single-threaded worker, local
with 1 worker using every core, local with 2 single-threaded workers, Ray with 2
actors.  Prints documents per second and the memory of the whole process tree
(sampled every 0.5 s): peak, and the memory at 30% and at 95% of the run (flat
memory: no growth per document).

    python scripts/bench_batch.py [--docs 1000] [--configs local1 local1x2 local2 ray2]
    python scripts/bench_batch.py --configs local2 --models use use:fast   # the token stage's two paths
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _shared import SHARED, skip_without_shared, table


def tree_rss_mb(pid: int, field: str = "VmRSS:") -> float:
    """Resident memory of a process and all its descendants, in MB (Linux /proc).

    ``VmRSS:`` counts a page shared by several processes (the model's weights, which
    the workers share with the parent that loaded them; a library's code) once in each;
    ``Pss:`` (proportional set size) divides it among them, so the tree's sum counts it
    once: the memory the tree really takes."""
    total, stack = 0, [pid]
    source = "status" if field == "VmRSS:" else "smaps_rollup"
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/{source}") as f:
                for line in f:
                    if line.startswith(field):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(x) for x in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total / 1024


def make_input(folder: Path, n: int) -> Path:
    hard = SHARED / "data" / "enko_dev" / "hard"
    names = sorted(p.name[: -len(".gold")] for p in hard.glob("*.gold"))
    (folder / "en").mkdir(parents=True)
    (folder / "ko").mkdir()
    for k in range(n):
        name = names[k % len(names)]
        rep = k // len(names)
        for lang in ("en", "ko"):
            text = (hard / f"{name}.{lang}.txt").read_text(encoding="utf-8")
            if rep:  # a marker at the start of every sentence: no sentence repeats
                text = re.sub(r"([.!?])([ \t]+)(?=\S)", rf"\1\2#{rep} ", text)
                text = "\n".join(f"#{rep} {line}" if line.strip() else line for line in text.split("\n"))
            (folder / lang / f"{k:05d}_{name}.txt").write_text(text, encoding="utf-8")
    return folder


CONFIGS = {
    "local1": (
        ["--engine", "local", "--workers", "1"],
        {"ALIGN_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
        "local, 1 worker, 1 thread",
    ),
    "local1x2": (
        ["--engine", "local", "--workers", "1"],
        {"ALIGN_THREADS": "2"},
        "local, 1 worker, 2 threads",
    ),
    "local2": (["--engine", "local", "--workers", "2"], {}, "local, 2 workers, 1 thread each"),
    "ray2": (["--engine", "ray", "--workers", "2"], {}, "ray, 2 actors, 1 thread each"),
}


def run(config: str, source: Path, out: Path, model: str = "use") -> dict:
    args, env_extra, label = CONFIGS[config]
    cmd = [
        sys.executable,
        "-m",
        "align",
        "batch",
        str(source),
        "-o",
        str(out),
        "--cache",
        "",
        "-q",
        "--shard-size",
        "25",
        "--model",
        model,
        *args,
    ]
    env = dict(os.environ, **env_extra)
    samples: list[tuple[float, float]] = []
    pss: list[float] = []
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append((time.perf_counter() - t0, tree_rss_mb(proc.pid)))
            pss.append(tree_rss_mb(proc.pid, "Pss:"))
            stop.wait(0.5)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, err = proc.communicate()
    stop.set()
    th.join()
    if proc.returncode != 0:
        raise SystemExit(f"{config} failed: {err.decode()[-500:]}")
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    run = stats["run"]
    rss = [m for _, m in samples if m > 0]
    wall = time.perf_counter() - t0
    at = {q: next((m for t, m in samples if t >= q * wall and m > 0), 0.0) for q in (0.3, 0.95)}
    return {
        "label": label, "model": model, "config": config, "docs": run["documents_run"], "docs_per_s": run["steady_documents_per_second"],
        "overall_per_s": run["documents_per_second"],
        "peak_mb": max(rss) if rss else 0.0, "peak_pss_mb": max(pss) if pss else 0.0, "start_mb": at[0.3], "end_mb": at[0.95], "wall_s": wall,
    }  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    ap.add_argument(
        "--models",
        nargs="+",
        default=["use"],
        help="--model of align batch; several: each configuration runs with each, side by side, "
        "and the table gives every model's speed against the first's",
    )
    args = ap.parse_args()
    if skip_without_shared("data/enko_dev/hard"):
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        source = make_input(Path(tmp) / "in", args.docs)
        for config in args.configs:
            if config == "ray2":
                try:
                    import ray  # noqa: F401
                except ImportError:
                    print("ray: skipped (pip install 'align[ray]')")
                    continue
            for k, model in enumerate(args.models):
                rows.append(run(config, source, Path(tmp) / f"out-{config}-{k}", model))
                print(f"{config} {model}: {rows[-1]['docs_per_s']:.2f} docs/s", flush=True)
    base = next((r["docs_per_s"] for r in rows if r["label"].startswith("local, 1 worker, 1 thread")), None)
    first = {r["config"]: r["docs_per_s"] for r in rows if r["model"] == args.models[0]}
    print(
        f"\n{args.docs} document pairs (enko_dev/hard raw text, replicated with distinct markers), shards of 25"
    )
    header = ["engine", "model", "documents/s, steady", "vs 1 worker, 1 thread"]
    header += [f"vs --model {args.models[0]}", "documents/s incl. model loading"]
    header += ["wall s", "peak memory MB (RSS / PSS)", "memory at 30% / 95% of the run, MB"]
    print(
        table(
            header,
            [
                [
                    r["label"],
                    r["model"],
                    f"{r['docs_per_s']:.2f}",
                    f"{r['docs_per_s'] / base:.2f}x" if base else "-",
                    f"{r['docs_per_s'] / first[r['config']]:.2f}x",
                    f"{r['overall_per_s']:.2f}",
                    f"{r['wall_s']:.1f}",
                    f"{r['peak_mb']:.0f} / {r['peak_pss_mb']:.0f}",
                    f"{r['start_mb']:.0f} / {r['end_mb']:.0f}",
                ]
                for r in rows
            ],
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
