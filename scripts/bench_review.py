#!/usr/bin/env python3
"""How fast the review page opens and how fast it answers an edit, in headless chromium.

Builds a synthetic result (English and Korean sentences, 10% omissions, some flags),
writes the page and opens it with Playwright in Debian's chromium:

* open: the time from navigation until the page has rendered every row (best of three);
* edits: each kind of edit, pressed as a key in the middle of the document and again
  near its start and end.  "handler + layout" is the time from the key to the updated
  rows laid out (the key's handler, then a forced layout); "until the next frame is
  drawn" runs on to the end of the frame that shows them (so it includes waiting for
  that frame: up to 16 ms at 60 Hz).
* save: building the corrected JSONL of every pair ("Save corrected" without the download).

Targets (issue 19): open under 2 s for 5,000 pairs, each edit under 100 ms.

    python scripts/bench_review.py [--pairs 5000]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
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


# (what, keys pressed before it is timed, the key timed); run in order at each place
EDITS = [
    ("a key with no action (the browser's floor)", [], "q"),
    ("next pair (j)", [], "j"),
    ("confirm (c)", [], "c"),
    ("reject (x)", [], "x"),
    ("undo (u)", [], "u"),
    ("redo (U)", [], "U"),
    ("link (l)", [], "l"),
    ("join with next (m)", [], "m"),
    ("join with previous (M)", [], "M"),
    ("split (s, Enter)", ["s"], "Enter"),
    ("move source sentence (])", [], "]"),
    ("move target sentence ({)", [], "{"),
    ("next filter (f)", [], "f"),
]

TIME_KEY = """async (key) => {
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  await frame();
  const t0 = performance.now();
  document.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true}));
  void document.body.offsetHeight;  // the updated rows laid out
  const t1 = performance.now();
  // after the next frame is rendered: a message posted from its animation-frame callback
  await new Promise(r => requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = r; c.port2.postMessage(0); }));
  return [t1 - t0, performance.now() - t0];
}"""

PRESS = """(key) => document.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true}))"""

SAVE = """() => {
  const r = window.alignReview, E = makeAlignEdit(JSON.parse(document.getElementById('align-data').textContent).statuses);
  const t0 = performance.now();
  let n = 0;
  for (const doc of r.docs) n += E.records(doc.d, doc.beads, E.reviewedSignature(doc.d.rec.signature, '2026-01-01'), 1).join('\\n').length;
  return [performance.now() - t0, n];
}"""


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
        edits: dict[str, list[tuple[float, float]]] = {what: [] for what, _, _ in EDITS}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            for _ in range(3):
                context = browser.new_context()  # a fresh local storage: nothing to restore
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(page_path.as_uri())
                page.wait_for_selector("body[data-ready='1']")
                rows = page.locator("#rows > .pair").count()
                times.append(time.perf_counter() - t0)
                context.close()
            context = browser.new_context()
            page = context.new_page()
            page.goto(page_path.as_uri())
            page.wait_for_selector("body[data-ready='1']")
            for place in (args.pairs // 2, 10, args.pairs - 40):
                page.evaluate("(k) => window.alignReview.select(k)", place)
                for what, before, key in EDITS:
                    for k in before:
                        page.evaluate(PRESS, k)
                    edits[what].append(tuple(page.evaluate(TIME_KEY, key)))
                page.evaluate(PRESS, "f")  # back to all pairs: f cycles the six filters
                for _ in range(4):
                    page.evaluate(PRESS, "f")
            save_ms, save_chars = page.evaluate(SAVE)
            context.close()
            browser.close()
    header = ["pairs", "page size", "write page (s)", "open and render in chromium (s), best of 3"]
    header.append("rows rendered")
    cells = [args.pairs, f"{size / 1e6:.1f} MB", f"{build:.2f}", f"{min(times):.2f}", rows]
    print(table(header, [cells], right=0))
    print()
    rows_out = []
    for what, got in edits.items():
        layout = [a for a, _ in got]
        frame = [b for _, b in got]
        rows_out.append(
            [
                what,
                f"{statistics.median(layout):.1f}",
                f"{max(layout):.1f}",
                f"{statistics.median(frame):.1f}",
                f"{max(frame):.1f}",
            ]
        )
    head = [
        "edit (5,000-pair page)",
        "handler + layout, median (ms)",
        "max (ms)",
        "until the next frame is drawn, median (ms)",
        "max (ms)",
    ]
    print(table(head, rows_out))
    print()
    print(
        f"save corrected: {save_ms:.0f} ms to build the JSONL of {args.pairs} pairs ({save_chars / 1e6:.1f} M characters)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
