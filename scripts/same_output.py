#!/usr/bin/env python3
"""Fingerprint of every alignment align makes on the shared dev sets, to show that a
change that must not change behaviour did not.

Aligns every document of every set with the library defaults (as ``bench_accuracy.py``
does) and writes one line per document: its beads, and each pair's score, cosine,
margin, features and flags at full precision, plus the document verdict.  Two runs are
the same when the files are byte-identical::

    python scripts/same_output.py -o /tmp/before.txt      # on the old commit
    python scripts/same_output.py -o /tmp/after.txt       # on the new one
    python scripts/same_output.py --compare /tmp/before.txt /tmp/after.txt

``--compare`` prints the first documents that differ and exits 1 when any does.  The
signature is left out (it names the version and the date, which may change).  Skips
cleanly (exit 0) when ../shared is not there.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from _shared import SHARED, skip_without_shared
from bench_accuracy import CHUNK, _sets

from align.config import DEFAULTS

SETS = ["hard", "hard-raw", "clean", "clean-raw", "para", "textberg", "real", "real-raw"]


def _all_sets() -> dict[str, dict]:
    sets = _sets()
    clean = SHARED / "data" / "enko_dev" / "clean"
    sets["clean"] = {
        "docs": [
            (n, clean / (n + ".en"), clean / (n + ".ko"), g) for n, _, _, g in sets["clean-raw"]["docs"]
        ],
        "langs": ("en", "ko"),
        "max_merge": DEFAULTS.max_merge,
    }
    return {name: sets[name] for name in SETS}


def fingerprint(result: Any) -> str:  # a DocumentAlignment
    """One JSON line that changes when anything the user sees of the alignment changes."""
    pairs = [
        [list(p.src), list(p.tgt), repr(p.score), repr(p.cosine), repr(p.margin), p.features, list(p.flags)]
        for p in result.pairs
    ]
    verdict = result.verdict.as_dict() if result.verdict is not None else None
    return json.dumps(
        {"doc": result.doc_id, "pairs": pairs, "verdict": verdict, "calibrated": result.calibrated},
        ensure_ascii=False,
        sort_keys=True,
        default=repr,
    )


def run(out: Path, model: str) -> None:
    from align import Aligner, load_embedder

    embedder = load_embedder(model)
    lines = []
    for name, spec in _all_sets().items():
        src_lang, tgt_lang = spec["langs"]
        aligner = Aligner(embedder, src_lang=src_lang, tgt_lang=tgt_lang, max_merge=spec["max_merge"])
        docs = spec["docs"]
        for c0 in range(0, len(docs), CHUNK):
            chunk = docs[c0 : c0 + CHUNK]
            outcomes = aligner.align_many(
                [(s, t) for _, s, t, _ in chunk], [d for d, *_ in chunk], presplit=not spec.get("raw")
            )
            for result, _ in outcomes:
                if isinstance(result, Exception):
                    raise result
                lines.append(f"{name}\t{fingerprint(result)}")
        print(f"{name}: {len(docs)} documents", file=sys.stderr)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def compare(a: Path, b: Path) -> int:
    left = a.read_text(encoding="utf-8").splitlines()
    right = b.read_text(encoding="utf-8").splitlines()
    differ = [(x, y) for x, y in zip(left, right, strict=False) if x != y]
    if len(left) != len(right):
        print(f"{a}: {len(left)} documents, {b}: {len(right)}")
    for x, y in differ[:5]:
        print(f"- {x[:300]}\n+ {y[:300]}")
    print(f"{len(differ)} of {len(left)} documents differ")
    return 1 if differ or len(left) != len(right) else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", type=Path, help="write the fingerprints here")
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    ap.add_argument("--model", default=DEFAULTS.model, help="the model (default: the library's)")
    args = ap.parse_args()
    if args.compare:
        return compare(*args.compare)
    if skip_without_shared():
        return 0
    if not args.output:
        ap.error("give -o FILE or --compare BEFORE AFTER")
    run(args.output, args.model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
