#!/usr/bin/env python3
"""Sentence-splitter accuracy and speed on ../shared/data/segtest.

Each paragraph's gold sentences are joined with one space (and, for Korean, also with
no space: scraped text often loses it); the splitter's boundaries are compared with
the gold ones.  Prints boundary precision/recall/F1, the share of paragraphs split
exactly right, and sentences per second (one process, pure Python rules).

    python scripts/bench_segment.py

Skips cleanly (exit 0) when ../shared is not there.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALIGN_SHARED", ROOT.parent / "shared"))
sys.path.insert(0, str(ROOT))

from align.segment import split_sentences  # noqa: E402


def evaluate(paragraphs: list[list[str]], lang: str, joiner: str) -> dict:
    tp = fp = fn = exact = n_sent = 0
    texts = []
    for sents in paragraphs:
        text = joiner.join(sents)
        texts.append(text)
        gold, pos = set(), 0
        for s in sents[:-1]:
            pos += len(s)
            gold.add(pos)
            pos += len(joiner)
        pred = {seg.end for seg in split_sentences(text, lang)[:-1]}
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
        exact += gold == pred
        n_sent += len(sents)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    # speed: split every paragraph again, several rounds, best of three
    rounds, best = 5, float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(rounds):
            for text in texts:
                split_sentences(text, lang)
        best = min(best, time.perf_counter() - t0)
    return {
        "paragraphs": len(paragraphs),
        "sentences": n_sent,
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "exact": exact / len(paragraphs),
        "sent_per_s": rounds * n_sent / best,
    }


def main() -> int:
    folder = SHARED / "data" / "segtest"
    if not folder.exists():
        print(f"skipped: {folder} is not here")
        return 0
    rows = []
    for name, lang, joiner, label in [
        ("ko_park_news.jsonl", "ko", " ", "Korean news"),
        ("ko_park_news.jsonl", "ko", "", "Korean news, no space"),
        ("en_park_news.jsonl", "en", " ", "English news"),
    ]:
        with open(folder / name, encoding="utf-8") as f:
            paragraphs = [json.loads(line)["sentences"] for line in f if line.strip()]
        rows.append((label, evaluate(paragraphs, lang, joiner)))
    print(
        "| set | paragraphs | sentences | boundary P | boundary R | boundary F1 | exact paragraphs | sentences/s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, r in rows:
        print(
            f"| {label} | {r['paragraphs']} | {r['sentences']} | {r['precision']:.4f} | {r['recall']:.4f} | "
            f"{r['f1']:.4f} | {r['exact']:.3f} | {r['sent_per_s']:,.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
