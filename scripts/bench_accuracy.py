#!/usr/bin/env python3
"""Alignment accuracy on the shared dev sets, scored by the reference scorer.

Runs align on every document of a set (sentence-split inputs, ``--presplit``),
writes Vecalign-format files, scores them with ``../shared/tools/score.py`` and
prints strict/lax precision, recall and F1 with timings.

    python scripts/bench_accuracy.py                 # enko_dev/hard and Text+Berg test
    python scripts/bench_accuracy.py --sets hard --cli   # through the real CLI, one process per document

Skips cleanly (exit 0) when ../shared is not there.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALIGN_SHARED", ROOT.parent / "shared"))
SCORER = SHARED / "tools" / "score.py"


def _sets() -> dict[str, dict]:
    hard = SHARED / "data" / "enko_dev" / "hard"
    tb = SHARED / "data" / "textberg"
    return {
        "hard": {
            "docs": [
                (p.name[: -len(".gold")], hard / (p.name[:-5] + ".en"), hard / (p.name[:-5] + ".ko"), p)
                for p in sorted(hard.glob("*.gold"))
            ],
            "langs": ("en", "ko"),
            "max_merge": 4,
        },
        "textberg": {
            "docs": [
                (f"test{k}", tb / f"test{k}.de", tb / f"test{k}.fr", tb / f"test{k}.defr") for k in range(7)
            ],
            "langs": ("de", "fr"),
            "max_merge": 8,
        },
    }


def run_set(name: str, spec: dict, out_dir: Path, use_cli: bool, model: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from align import Aligner
    from align.formats import write

    docs = spec["docs"]
    src_lang, tgt_lang = spec["langs"]
    t0 = time.perf_counter()
    n_sent = 0
    if use_cli:
        for doc_id, src, tgt, _ in docs:
            cmd = [
                sys.executable,
                "-m",
                "align",
                "pair",
                str(src),
                str(tgt),
                "--presplit",
                "--format",
                "vecalign",
                "--src-lang",
                src_lang,
                "--tgt-lang",
                tgt_lang,
                "--max-merge",
                str(spec["max_merge"]),
                "--model",
                model,
                "-q",
                "-o",
                str(out_dir / f"{doc_id}.align"),
            ]
            subprocess.run(cmd, check=True)
            n_sent += len(Path(src).read_text(encoding="utf-8").splitlines())
            n_sent += len(Path(tgt).read_text(encoding="utf-8").splitlines())
    else:
        aligner = Aligner(model, src_lang=src_lang, tgt_lang=tgt_lang, max_merge=spec["max_merge"])
        for doc_id, src, tgt, _ in docs:
            result = aligner.align_files(src, tgt, doc_id=doc_id, presplit=True)
            n_sent += len(result.src) + len(result.tgt)
            write([result], "vecalign", out_dir / f"{doc_id}.align")
    seconds = time.perf_counter() - t0
    gold = [str(g) for *_, g in docs]
    test = [str(out_dir / f"{d}.align") for d, *_ in docs]
    res = subprocess.run(
        [sys.executable, str(SCORER), "-g", *gold, "-t", *test, "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    total = json.loads(res.stdout)["total"]
    total.update(seconds=seconds, sentences=n_sent, docs=len(docs))
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", nargs="+", default=["hard", "textberg"], choices=["hard", "textberg"])
    ap.add_argument("--cli", action="store_true", help="run the align CLI once per document (slower)")
    ap.add_argument("--model", default="use")
    ap.add_argument("--keep", type=Path, help="keep the alignment files in this folder")
    args = ap.parse_args()
    if not SCORER.exists():
        print(f"skipped: {SHARED} (shared dev data) is not here")
        return 0
    sets = _sets()
    rows = []
    for name in args.sets:
        with tempfile.TemporaryDirectory() as tmp:
            out = args.keep / name if args.keep else Path(tmp)
            out.mkdir(parents=True, exist_ok=True)
            r = run_set(name, sets[name], out, args.cli, args.model)
        rows.append((name, r))
    mode = "CLI per document" if args.cli else "library"
    print(f"\nalign accuracy ({mode}, model {args.model}); scorer {SCORER}")
    print("| set | docs | strict P | strict R | strict F1 | lax P | lax R | lax F1 | seconds | sent/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r in rows:
        print(
            f"| {name} | {r['docs']} | {r['precision_strict']:.3f} | {r['recall_strict']:.3f} | "
            f"{r['f1_strict']:.3f} | {r['precision_lax']:.3f} | {r['recall_lax']:.3f} | {r['f1_lax']:.3f} | "
            f"{r['seconds']:.1f} | {r['sentences'] / r['seconds']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
