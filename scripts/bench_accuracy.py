#!/usr/bin/env python3
"""Alignment accuracy on the shared dev sets, scored by the reference scorer.

Runs align on every document of a set, writes Vecalign-format files, scores them
with ``../shared/tools/score.py`` and prints strict/lax precision, recall and F1 with
timings.  Sets: ``hard`` and ``textberg`` (sentence-split inputs, ``--presplit``;
Text+Berg de-fr with merges up to 8), ``hard-raw``, ``clean-raw`` (raw ``.txt``
through the whole pipeline, projected onto the gold lines with ``score.py project``)
and ``para`` (raw WMT24++ paragraphs, scored at paragraph level through the same
projection).

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


def _raw(folder: Path) -> list[tuple[str, Path, Path, Path]]:
    return [
        (g.name[:-5], folder / (g.name[:-5] + ".en.txt"), folder / (g.name[:-5] + ".ko.txt"), g)
        for g in sorted(folder.glob("*.gold"))
    ]


def _sets() -> dict[str, dict]:
    enko = SHARED / "data" / "enko_dev"
    hard = enko / "hard"
    tb = SHARED / "data" / "textberg"
    return {
        "hard-raw": {"docs": _raw(hard), "langs": ("en", "ko"), "max_merge": 4, "raw": True},
        "clean-raw": {"docs": _raw(enko / "clean"), "langs": ("en", "ko"), "max_merge": 4, "raw": True},
        "para": {"docs": _raw(enko / "para"), "langs": ("en", "ko"), "max_merge": 4, "raw": True},
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


_MODELS: dict = {}


def _model(spec: str):
    """One loaded, warmed-up model per run, shared by the modes (each gets a fresh cache)."""
    from align import load_embedder

    if spec not in _MODELS:
        emb = load_embedder(spec)
        warm = (SHARED / "data" / "enko_dev" / "clean" / "flores_dev_007.en").read_text(encoding="utf-8")
        emb.encode(warm.splitlines() * 20)
        _MODELS[spec] = emb
    return _MODELS[spec]


def run_set(name: str, spec: dict, out_dir: Path, use_cli: bool, model: str, embed_all: bool = False) -> dict:
    sys.path.insert(0, str(ROOT))
    from align import Aligner
    from align.formats import write

    docs = spec["docs"]
    src_lang, tgt_lang = spec["langs"]
    n_sent = 0
    raw = spec.get("raw", False)
    aligner = None
    if not use_cli:  # the model loads outside the timed part
        aligner = Aligner(
            _model(model),
            src_lang=src_lang,
            tgt_lang=tgt_lang,
            max_merge=spec["max_merge"],
            embed_all=embed_all,
        )
    t0 = time.perf_counter()
    if raw:
        for doc_id, src, tgt, _ in docs:
            result = aligner.align_files(src, tgt, doc_id=doc_id)
            n_sent += len(result.src) + len(result.tgt)
            (out_dir / f"{doc_id}.sys.en").write_text(
                "".join(s.text + "\n" for s in result.src), encoding="utf-8"
            )
            (out_dir / f"{doc_id}.sys.ko").write_text(
                "".join(s.text + "\n" for s in result.tgt), encoding="utf-8"
            )
            write([result], "vecalign", out_dir / f"{doc_id}.sys.align")
        seconds = time.perf_counter() - t0
        for doc_id, src, tgt, _ in docs:  # the reference scorer maps our sentences onto gold lines
            gold_src = str(src)[: -len(".en.txt")] + ".en"
            gold_tgt = str(tgt)[: -len(".ko.txt")] + ".ko"
            proj = subprocess.run(
                [
                    sys.executable,
                    str(SCORER),
                    "project",
                    "--src-gold",
                    gold_src,
                    "--tgt-gold",
                    gold_tgt,
                    "--src-sys",
                    str(out_dir / f"{doc_id}.sys.en"),
                    "--tgt-sys",
                    str(out_dir / f"{doc_id}.sys.ko"),
                    "--align",
                    str(out_dir / f"{doc_id}.sys.align"),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            (out_dir / f"{doc_id}.align").write_text(proj.stdout, encoding="utf-8")
    elif use_cli:
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
        for doc_id, src, tgt, _ in docs:
            result = aligner.align_files(src, tgt, doc_id=doc_id, presplit=True)
            n_sent += len(result.src) + len(result.tgt)
            write([result], "vecalign", out_dir / f"{doc_id}.align")
    if not raw:
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
    total.update(
        seconds=seconds,
        sentences=n_sent,
        docs=len(docs),
        embedded=aligner.embedder.encoded if aligner else 0,
        embed_seconds=aligner.embedder.seconds if aligner else 0.0,
        search_seconds=aligner.search_seconds if aligner else 0.0,
    )
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    choices = ["hard", "textberg", "hard-raw", "clean-raw", "para"]
    ap.add_argument("--sets", nargs="+", default=choices, choices=choices)
    ap.add_argument("--cli", action="store_true", help="run the align CLI once per document (slower)")
    ap.add_argument("--model", default="use", help="model of the default mode")
    ap.add_argument("--accurate", action="store_true", help="also run the accurate mode (--model accurate)")
    ap.add_argument(
        "--baseline",
        action="store_true",
        help="also run the embed-every-concatenation baseline (Vecalign's way) for comparison",
    )
    ap.add_argument("--keep", type=Path, help="keep the alignment files in this folder")
    args = ap.parse_args()
    if not SCORER.exists():
        print(f"skipped: {SHARED} (shared dev data) is not here")
        return 0
    sets = _sets()
    rows = []
    modes = [("default", args.model, False)]
    if args.accurate:
        modes.append(("accurate", "accurate", False))
    if args.baseline:
        modes.append(("embed-all baseline", args.model, True))
    for name in args.sets:
        for mode, model, embed_all in modes:
            with tempfile.TemporaryDirectory() as tmp:
                out = args.keep / name / mode.split()[0] if args.keep else Path(tmp)
                out.mkdir(parents=True, exist_ok=True)
                r = run_set(name, sets[name], out, args.cli, model, embed_all)
            rows.append((name, mode, r))
            print(f"{name} ({mode}): strict F1 {r['f1_strict']:.3f}, lax F1 {r['f1_lax']:.3f}", flush=True)
    mode = "CLI per document" if args.cli else "library"
    print(f"\nalign accuracy ({mode}, model {args.model}); scorer {SCORER}")
    print(
        "| set | mode | docs | strict P | strict R | strict F1 | lax P | lax R | lax F1 "
        "| strings embedded | embed s | search s | total s | sent/s |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, mode, r in rows:
        print(
            f"| {name} | {mode} | {r['docs']} | {r['precision_strict']:.3f} | {r['recall_strict']:.3f} | "
            f"{r['f1_strict']:.3f} | {r['precision_lax']:.3f} | {r['recall_lax']:.3f} | {r['f1_lax']:.3f} | "
            f"{r['embedded']} | {r['embed_seconds']:.1f} | {r['search_seconds']:.1f} | {r['seconds']:.1f} | "
            f"{r['sentences'] / r['seconds']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
