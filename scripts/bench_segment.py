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

import argparse
import json
import sys
import time

from _shared import SHARED, skip_without_shared, table

from align.segment import split_sentences


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
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.parse_args()
    if skip_without_shared("data/segtest"):
        return 0
    folder = SHARED / "data" / "segtest"
    rows = []
    for name, lang, joiner, label in [
        ("ko_park_news.jsonl", "ko", " ", "Korean news"),
        ("ko_park_news.jsonl", "ko", "", "Korean news, no space"),
        ("en_park_news.jsonl", "en", " ", "English news"),
    ]:
        with open(folder / name, encoding="utf-8") as f:
            paragraphs = [json.loads(line)["sentences"] for line in f if line.strip()]
        rows.append((label, evaluate(paragraphs, lang, joiner)))
    header = ["set", "paragraphs", "sentences", "boundary P", "boundary R", "boundary F1"]
    header += ["exact paragraphs", "sentences/s"]
    print(
        table(
            header,
            [
                [
                    label,
                    r["paragraphs"],
                    r["sentences"],
                    f"{r['precision']:.4f}",
                    f"{r['recall']:.4f}",
                    f"{r['f1']:.4f}",
                    f"{r['exact']:.3f}",
                    f"{r['sent_per_s']:,.0f}",
                ]
                for label, r in rows
            ],
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
