#!/usr/bin/env python3
"""Sentence-splitter accuracy and speed on ../shared/data/segtest and the hard cases.

Each dev paragraph's gold sentences are joined with one space, and also with no space
(scraped text often loses it); the splitter's boundaries are compared with the gold
ones.  The hand-written hard cases (``tests/fixtures/segment_hard_en.jsonl`` and
``segment_hard_ko.jsonl``, issue 17) give the text exactly as the splitter sees it
and its expected sentences; they are scored the same way and need no shared data.
Prints boundary precision/recall/F1, the share of paragraphs split exactly right, and
sentences per second (one process, pure Python rules).  When ``split_sentences``
takes an optional Korean analyser, its Korean rows are printed again with it.

    python scripts/bench_segment.py

Prints only the hard-case rows when ../shared is not there.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
import time
from pathlib import Path
from typing import Any

from _shared import ROOT, SHARED, skip_without_shared, table

from align.segment import split_sentences

FIXTURES = ROOT / "tests" / "fixtures"
# One paragraph: its text and the offsets where its sentences (all but the last) end.
Item = tuple[str, list[int]]


def joined(paragraphs: list[list[str]], joiner: str) -> list[Item]:
    """Dev paragraphs: gold sentences joined with ``joiner``."""
    items = []
    for sents in paragraphs:
        ends, pos = [], 0
        for s in sents[:-1]:
            pos += len(s)
            ends.append(pos)
            pos += len(joiner)
        items.append((joiner.join(sents), ends))
    return items


def hard_cases(path: Path) -> list[Item]:
    """Hard cases: each expected sentence is found, in order, in the case's text."""
    items = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            case = json.loads(line)
            text, ends, pos = case["text"], [], 0
            for s in case["sentences"]:
                k = text.find(s, pos)
                if k < 0:
                    raise ValueError(f"{path.name}: {s!r} is not in {text!r}")
                pos = k + len(s)
                ends.append(pos)
            items.append((text, ends[:-1]))
    return items


def evaluate(items: list[Item], lang: str, **options: Any) -> dict:
    tp = fp = fn = exact = n_sent = 0
    for text, ends in items:
        gold = set(ends)
        pred = {seg.end for seg in split_sentences(text, lang, **options)[:-1]}
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
        exact += gold == pred
        n_sent += len(ends) + 1
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    # speed: split every paragraph again, several rounds, best of three
    rounds, best = 5, float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(rounds):
            for text, _ends in items:
                split_sentences(text, lang, **options)
        best = min(best, time.perf_counter() - t0)
    return {
        "paragraphs": len(items),
        "sentences": n_sent,
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "exact": exact / len(items),
        "sent_per_s": rounds * n_sent / best,
    }


def analyser_options() -> list[tuple[str, dict[str, Any]]]:
    """Options of ``split_sentences`` beyond the text and the language (an optional
    Korean analyser), each with the value that turns it on: ``True`` for a flag that is
    off by default, else the name of the one analyser it may take (``kiwi``).  Options
    that fail on a short Korean text (the analyser is not installed) are left out,
    with a note."""
    out: list[tuple[str, dict[str, Any]]] = []
    for name, param in inspect.signature(split_sentences).parameters.items():
        if name in ("text", "lang") or param.default is inspect.Parameter.empty:
            continue
        if param.kind not in (param.KEYWORD_ONLY, param.POSITIONAL_OR_KEYWORD):
            continue
        value: Any = True if param.default is False else "kiwi"
        try:
            split_sentences("정부는 대책을 발표했다 야당은 반발했다.", "ko", **{name: value})
        except Exception as exc:  # any failure: the option is not usable here
            print(f"note: split_sentences({name}={value!r}) is not usable here: {exc}", file=sys.stderr)
            continue
        out.append((f"{name}={value}", {name: value}))
    return out


def row(label: str, r: dict) -> list[object]:
    return [
        label,
        r["paragraphs"],
        r["sentences"],
        f"{r['precision']:.4f}",
        f"{r['recall']:.4f}",
        f"{r['f1']:.4f}",
        f"{r['exact']:.3f}",
        f"{r['sent_per_s']:,.0f}",
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.parse_args()
    sets: list[tuple[str, str, list[Item]]] = []
    for lang, name, label in [
        ("ko", "segment_hard_ko.jsonl", "Korean"),
        ("en", "segment_hard_en.jsonl", "English"),
    ]:
        path = FIXTURES / name
        if path.exists():
            sets.append((f"{label} hard cases", lang, hard_cases(path)))
        else:
            print(f"note: {path} is not here: no {label} hard-case row", file=sys.stderr)
    if not skip_without_shared("data/segtest"):
        folder = SHARED / "data" / "segtest"
        for name, lang, label in [
            ("ko_park_news.jsonl", "ko", "Korean news"),
            ("en_park_news.jsonl", "en", "English news"),
        ]:
            with open(folder / name, encoding="utf-8") as f:
                paragraphs = [json.loads(line)["sentences"] for line in f if line.strip()]
            sets.append((label, lang, joined(paragraphs, " ")))
            sets.append((f"{label}, no space", lang, joined(paragraphs, "")))
    rows = []
    extras = analyser_options()
    for label, lang, items in sets:
        rows.append(row(label, evaluate(items, lang)))
        if lang == "ko":
            for extra, options in extras:
                rows.append(row(f"{label} ({extra})", evaluate(items, lang, **options)))
    header = ["set", "paragraphs", "sentences", "boundary P", "boundary R", "boundary F1"]
    header += ["exact paragraphs", "sentences/s"]
    print(table(header, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
