#!/usr/bin/env python3
"""How fast the review page opens: a 5,000-pair document in headless chromium.

Builds a synthetic result (English and Korean sentences, 10% omissions, some flags),
writes the page, opens it with Playwright in Debian's chromium and prints the time
from navigation until the page has rendered every row (three runs).

    python scripts/bench_review.py [--pairs 5000]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _shared import table  # (also puts this checkout's align first on sys.path)

from align.result import DocumentAlignment, Pair, Sentence, Signature
from align.review import write_review


def synthetic(n: int) -> DocumentAlignment:
    rng = random.Random(1)
    pairs, src, tgt, i, j = [], [], [], 0, 0
    for k in range(n):
        r = rng.random()
        s_text = f"Sentence {k} of the English edition, with some words about topic {k % 97}."
        t_text = f"한국어판의 {k}번째 문장으로, 주제 {k % 97}에 관한 내용이 들어 있다."
        if r < 0.05:
            pairs.append(Pair((i,), (), s_text, "", rng.random()))
            src.append(Sentence(i, "", k // 4))
            i += 1
        elif r < 0.1:
            pairs.append(Pair((), (j,), "", t_text, rng.random()))
            tgt.append(Sentence(j, "", k // 4))
            j += 1
        else:
            flags = ("number_mismatch",) if r > 0.97 else ()
            pairs.append(Pair((i,), (j,), s_text, t_text, rng.random(), 0.6, 0.4, {}, flags))
            src.append(Sentence(i, "", k // 4))
            tgt.append(Sentence(j, "", k // 4))
            i += 1
            j += 1
    return DocumentAlignment(
        pairs, src, tgt, Signature("bench", "use-multilingual-v3", "en", "ko"), "synthetic"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=5000)
    args = ap.parse_args()
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("skipped: playwright is not installed")
        return 0
    if not chromium:
        print("skipped: chromium is not installed")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "review.html"
        t0 = time.perf_counter()
        write_review([synthetic(args.pairs)], page_path)
        build = time.perf_counter() - t0
        size = page_path.stat().st_size
        times = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            for _ in range(3):
                page = browser.new_page()
                t0 = time.perf_counter()
                page.goto(page_path.as_uri())
                page.wait_for_selector("body[data-ready='1']")
                rows = page.locator("tr.pair").count()
                times.append(time.perf_counter() - t0)
                page.close()
            browser.close()
    header = ["pairs", "page size", "write page (s)", "open and render in chromium (s), best of 3"]
    header.append("rows rendered")
    cells = [args.pairs, f"{size / 1e6:.1f} MB", f"{build:.2f}", f"{min(times):.2f}", rows]
    print(table(header, [cells], right=0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
