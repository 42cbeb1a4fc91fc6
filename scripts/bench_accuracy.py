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
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _shared import SCORER, SHARED, score_files, skip_without_shared, table

from align.config import DEFAULTS


def _raw(folder: Path) -> list[tuple[str, Path, Path, Path]]:
    return [
        (g.name[:-5], folder / (g.name[:-5] + ".en.txt"), folder / (g.name[:-5] + ".ko.txt"), g)
        for g in sorted(folder.glob("*.gold"))
    ]


def _sets() -> dict[str, dict]:
    enko = SHARED / "data" / "enko_dev"
    hard = enko / "hard"
    tb = SHARED / "data" / "textberg"
    real = SHARED / "data" / "real_dev"
    return {
        "hard-raw": {"docs": _raw(hard), "langs": ("en", "ko"), "max_merge": DEFAULTS.max_merge, "raw": True},
        "clean-raw": {
            "docs": _raw(enko / "clean"),
            "langs": ("en", "ko"),
            "max_merge": DEFAULTS.max_merge,
            "raw": True,
        },
        "para": {
            "docs": _raw(enko / "para"),
            "langs": ("en", "ko"),
            "max_merge": DEFAULTS.max_merge,
            "raw": True,
        },
        # real published editions (issue 15): raw scraped pages, and the gold sentences presplit
        "real-raw": {"docs": _raw(real), "langs": ("en", "ko"), "max_merge": DEFAULTS.max_merge, "raw": True},
        "real": {
            "docs": [(n, real / (n + ".en"), real / (n + ".ko"), g) for n, _, _, g in _raw(real)],
            "langs": ("en", "ko"),
            "max_merge": DEFAULTS.max_merge,
        },
        "hard": {
            "docs": [
                (p.name[: -len(".gold")], hard / (p.name[:-5] + ".en"), hard / (p.name[:-5] + ".ko"), p)
                for p in sorted(hard.glob("*.gold"))
            ],
            "langs": ("en", "ko"),
            "max_merge": DEFAULTS.max_merge,
        },
        "textberg": {
            "docs": [
                (f"test{k}", tb / f"test{k}.de", tb / f"test{k}.fr", tb / f"test{k}.defr") for k in range(7)
            ],
            "langs": ("de", "fr"),
            "max_merge": 8,
        },
    }


def _model(spec: str):
    """A freshly loaded, warmed-up model (each mode gets its own: no shared caches)."""
    from align import load_embedder

    emb = load_embedder(spec)
    warm = (SHARED / "data" / "enko_dev" / "clean" / "flores_dev_007.en").read_text(encoding="utf-8")
    emb.encode(warm.splitlines() * 20)
    emb.clear()  # forget the warm-up sentences (every part of a combined model too)
    return emb


def _project(doc_id: str, src: Path, tgt: Path, out_dir: Path) -> None:
    """Map our sentences of a raw-text run onto the gold lines (the reference scorer's way)."""
    proj = subprocess.run(
        [
            sys.executable,
            str(SCORER),
            "project",
            "--src-gold",
            str(src)[: -len(".en.txt")] + ".en",
            "--tgt-gold",
            str(tgt)[: -len(".ko.txt")] + ".ko",
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


def _score(docs: list, out_dir: Path) -> dict:
    return score_files([g for *_, g in docs], [out_dir / f"{d}.align" for d, *_ in docs])


CHUNK = 16
"""Documents whose sentences are embedded together (`align batch` does this per shard)."""


def _write(result: Any, doc_id: str, out_dir: Path, raw: bool) -> None:
    from align.formats import write

    if raw:
        for side, sents in (("en", result.src), ("ko", result.tgt)):
            (out_dir / f"{doc_id}.sys.{side}").write_text(
                "".join(s.text + "\n" for s in sents), encoding="utf-8"
            )
        write([result], "vecalign", out_dir / f"{doc_id}.sys.align")
    else:
        write([result], "vecalign", out_dir / f"{doc_id}.align")


def run_library(spec: dict, modes: list[tuple[str, str, bool]], out_dirs: list[Path]) -> list[dict]:
    """All modes side by side, chunk by chunk, each mode in turn (fair on a noisy machine)."""
    from align import Aligner

    src_lang, tgt_lang = spec["langs"]
    raw = spec.get("raw", False)
    aligners = [
        Aligner(
            _model(model),
            src_lang=src_lang,
            tgt_lang=tgt_lang,
            max_merge=spec["max_merge"],
            null_cost=spec.get("null_cost", 0.0),
            embed_all=embed_all,
        )
        for _, model, embed_all in modes
    ]
    seconds = [0.0] * len(modes)
    n_sent = [0] * len(modes)
    docs = spec["docs"]
    for c0 in range(0, len(docs), CHUNK):
        chunk = docs[c0 : c0 + CHUNK]
        for k, (aligner, out_dir) in enumerate(zip(aligners, out_dirs, strict=True)):
            t0 = time.perf_counter()
            # a chunk's documents advance together (as `align batch` does per shard)
            outcomes = aligner.align_many(
                [(src, tgt) for _, src, tgt, _ in chunk], [d for d, *_ in chunk], presplit=not raw
            )
            seconds[k] += time.perf_counter() - t0
            for (doc_id, *_), (result, _) in zip(chunk, outcomes, strict=True):
                if isinstance(result, Exception):
                    raise result
                n_sent[k] += len(result.src) + len(result.tgt)
                _write(result, doc_id, out_dir, raw)
    out = []
    for k, (aligner, out_dir) in enumerate(zip(aligners, out_dirs, strict=True)):
        if raw:
            for doc_id, src, tgt, _ in spec["docs"]:
                _project(doc_id, src, tgt, out_dir)
        total = _score(spec["docs"], out_dir)
        total.update(
            seconds=seconds[k],
            sentences=n_sent[k],
            docs=len(spec["docs"]),
            embedded=aligner.embedder.encoded,
            embed_seconds=aligner.embedder.seconds,
            search_seconds=aligner.search_seconds,
        )
        out.append(total)
    return out


def run_cli(spec: dict, out_dir: Path, model: str) -> dict:
    """One ``align pair`` process per document (model loading included)."""
    src_lang, tgt_lang = spec["langs"]
    n_sent = 0
    t0 = time.perf_counter()
    for doc_id, src, tgt, _ in spec["docs"]:
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
            "--null-cost",
            str(spec.get("null_cost", 0.0)),
            "--model",
            model,
            "-q",
            "-o",
            str(out_dir / f"{doc_id}.align"),
        ]
        subprocess.run(cmd, check=True)
        n_sent += len(Path(src).read_text(encoding="utf-8").splitlines())
        n_sent += len(Path(tgt).read_text(encoding="utf-8").splitlines())
    total = _score(spec["docs"], out_dir)
    total.update(
        seconds=time.perf_counter() - t0,
        sentences=n_sent,
        docs=len(spec["docs"]),
        embedded=0,
        embed_seconds=0.0,
        search_seconds=0.0,
    )
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    choices = ["hard", "textberg", "hard-raw", "clean-raw", "para", "real-raw", "real"]
    ap.add_argument("--sets", nargs="+", default=choices[:5], choices=choices)
    ap.add_argument("--cli", action="store_true", help="run the align CLI once per document (slower)")
    ap.add_argument("--model", default=DEFAULTS.model, help="model of the default mode")
    ap.add_argument(
        "--baseline",
        action="store_true",
        help="also run the embed-every-concatenation baseline (Vecalign's way) for comparison",
    )
    ap.add_argument(
        "--fast",
        action="store_true",
        help="also run the bundled model with its token stage in int8 on onnxruntime (--model use:fast: "
        "what the default runs on CPUs with integer dot products, on any CPU), side by side, and print "
        "its speed and F1 against the default's",
    )
    ap.add_argument(
        "--numpy",
        action="store_true",
        help="also run the bundled model with its token stage on numpy (--model use:numpy, what runs "
        "where onnxruntime cannot load), side by side, and print every mode's speed and F1 against it",
    )
    ap.add_argument(
        "--also",
        nargs="+",
        default=[],
        metavar="MODEL",
        help="also run these models side by side (e.g. use:float32 use:int8x2), and print their speed "
        "and F1 against --against's",
    )
    ap.add_argument(
        "--against",
        metavar="MODE",
        help="the mode that the side-by-side ratios are against (default: use:numpy when it runs, else the "
        "default)",
    )
    ap.add_argument("--keep", type=Path, help="keep the alignment files in this folder")
    ap.add_argument("--null-cost", type=float, default=0.0, help="align --null-cost, every mode")
    args = ap.parse_args()
    if skip_without_shared("tools/score.py"):
        return 0
    sets = _sets()
    for spec in sets.values():
        spec["null_cost"] = args.null_cost
    rows = []
    modes = [("default", args.model, False)]
    if args.baseline:
        modes.append(("embed-all baseline", args.model, True))
    also = ["use:fast"] * args.fast + ["use:numpy"] * args.numpy + args.also  # --fast, --numpy: shorthands
    for model in dict.fromkeys(also):
        modes.append((model, model, False))
    names = [mode for mode, _, _ in modes if mode != "embed-all baseline"]
    against = args.against or ("use:numpy" if "use:numpy" in names else "default")
    if against not in names:
        ap.error(f"--against {against}: not one of the modes that run ({', '.join(names)})")

    for name in args.sets:
        with tempfile.TemporaryDirectory() as tmp:
            base = args.keep / name if args.keep else Path(tmp)
            dirs = [base / mode.split()[0] for mode, _, _ in modes]
            for d in dirs:
                d.mkdir(parents=True, exist_ok=True)
            if args.cli:
                results = [run_cli(sets[name], dirs[0], args.model)]
            else:
                results = run_library(sets[name], modes, dirs)
        for (mode, _, _), r in zip(modes, results, strict=False):
            rows.append((name, mode, r))
            print(f"{name} ({mode}): strict F1 {r['f1_strict']:.3f}, lax F1 {r['f1_lax']:.3f}", flush=True)
    mode = "CLI per document" if args.cli else "library"
    cost = f", --null-cost {args.null_cost}" if args.null_cost else ""
    print(f"\nalign accuracy ({mode}, model {args.model}{cost}); scorer {SCORER}")
    header = ["set", "mode", "docs", "strict P", "strict R", "strict F1", "lax P", "lax R", "lax F1"]
    header += ["strings embedded", "embed s", "search s", "total s", "sent/s"]
    print(
        table(
            header,
            [
                [
                    name,
                    mode,
                    r["docs"],
                    *(
                        f"{r[f'{m}_{s}']:.3f}"
                        for s in ("strict", "lax")
                        for m in ("precision", "recall", "f1")
                    ),
                    r["embedded"],
                    f"{r['embed_seconds']:.1f}",
                    f"{r['search_seconds']:.1f}",
                    f"{r['seconds']:.1f}",
                    f"{r['sentences'] / r['seconds']:.0f}",
                ]
                for name, mode, r in rows
            ],
            right=2,
        )
    )
    by = {(name, mode): r for name, mode, r in rows}
    pairs = [(mode, against) for mode in names if mode != against]
    for this, other in pairs:
        print(f"\n{this} against {other} (same run, chunk by chunk):\n")
        header = ["set", "sent/s ratio", f"strict F1 {this} - {other}", f"lax F1 {this} - {other}"]
        lines = []
        for name in args.sets:
            a, b = by[(name, this)], by[(name, other)]
            ratio = (a["sentences"] / a["seconds"]) / (b["sentences"] / b["seconds"])
            lines.append([name, f"{ratio:.2f}x", f"{a['f1_strict'] - b['f1_strict']:+.4f}"])
            lines[-1].append(f"{a['f1_lax'] - b['f1_lax']:+.4f}")
        print(table(header, lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
