#!/usr/bin/env python3
"""Search time and peak memory against document length (synthetic documents).

Each size runs in its own process: a source document of N sentences with random
512-d embeddings, a target made from it with 5% deletions, 10% two-into-one merges
and noise, then one alignment search (embedding excluded) with every term the
aligner uses: lengths, anchors (a fifth of the sentences carry one of 128 anchor bits,
which their translation shares) and paragraphs (a new one every 8 source sentences).  Prints search seconds,
the process's peak memory above its start (ru_maxrss) and how much of the planted
alignment was recovered.

    python scripts/bench_scale.py                  # 1k, 5k, 20k, 100k sentences a side
    python scripts/bench_scale.py --sizes 1000 5000
    python scripts/bench_scale.py --sizes 20000 50000 --against /tmp/old_checkout

``--against OLD`` times the same documents with another checkout's ``align`` (a git
worktree of an older commit), its runs and this one's alternating (``--rounds``, default
3), and prints the median seconds of each, their ratio and whether both found the same
beads: speed compared side by side, as a ratio, on a machine whose speed drifts.  It
also gives both without the time spent in the benchmark's own span tables (its stand-in
for the model's span embeddings: the normalised sum of ``a`` consecutive rows, made
when the search first asks for size ``a`` and timed with it).

``--e2e`` runs the real command line instead, ``align pair --presplit``, one process
per size, on generated English and Korean documents: templated sentences with
distinct numbers, names, places and things on both sides (a translation of each
other, sentence by sentence), with 5% of the English sentences missing from the
Korean side and 10% of the Korean lines holding two sentences.  It reports the
command's wall time, its peak RSS (``os.wait4``) and the share of the planted
alignment (omissions included) found in its output:

    python scripts/bench_scale.py --e2e                            # 1k, 5k, 20k, 100k
    python scripts/bench_scale.py --e2e --sizes 5000 --root /tmp/old_checkout
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _shared import ROOT, table_head, table_row


def _child(n: int, dim: int, root: Path | None = None) -> None:
    if root is not None:  # time another checkout's search on the same documents
        sys.path.insert(0, str(root))
    import hashlib

    import numpy as np

    from align.search import PlainSpans, SearchParams, Side, search

    rng = np.random.default_rng(n)

    def unit(x):
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)

    base = unit(rng.standard_normal((n, dim), dtype=np.float32))
    src = unit(base + 0.04 * rng.standard_normal((n, dim), dtype=np.float32))
    rows, gold, i = [], set(), 0
    r = rng.random(n)
    src_masks = np.zeros((n, 16), np.uint8)
    marked = np.flatnonzero(rng.random(n) < 0.2)
    bit = rng.integers(0, 128, len(marked))
    src_masks[marked, bit // 8] = (1 << (bit % 8)).astype(np.uint8)
    src_par = np.arange(n) // 8
    tgt_masks, tgt_par = [], []
    while i < n:
        if r[i] < 0.05:
            gold.add(((i,), ()))
            i += 1
        elif r[i] < 0.15 and i + 1 < n:
            gold.add(((i, i + 1), (len(rows),)))
            rows.append(base[i] + base[i + 1])
            tgt_masks.append(src_masks[i] | src_masks[i + 1])
            tgt_par.append(src_par[i])
            i += 2
        else:
            gold.add(((i,), (len(rows),)))
            rows.append(base[i])
            tgt_masks.append(src_masks[i])
            tgt_par.append(src_par[i])
            i += 1
    tgt = unit(np.asarray(rows) + 0.04 * rng.standard_normal((len(rows), dim), dtype=np.float32))
    del rows, base
    src_len = rng.integers(40, 200, n).astype(float)
    tgt_len = np.ones(len(tgt)) * 100.0

    stand_in = [0.0]  # seconds spent in the span stand-in below, inside the timed search

    def spans(units):
        cache = {}

        def fn(a):
            if a not in cache:
                t = time.perf_counter()
                if a == 1:
                    cache[a] = units
                else:  # the normalised sum of a consecutive rows, in place
                    span = units[: len(units) - a + 1].copy()
                    for d in range(1, a):
                        span += units[d : d + len(span)]
                    span /= np.sqrt(np.einsum("ij,ij->i", span, span))[:, None]
                    cache[a] = span
                stand_in[0] += time.perf_counter() - t
            return cache[a]

        return fn

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    beads = search(
        Side(PlainSpans(spans(src)), src_len, src_masks, src_par),
        Side(PlainSpans(spans(tgt)), tgt_len, np.asarray(tgt_masks), np.asarray(tgt_par)),
        SearchParams(),
    )
    seconds = time.perf_counter() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    got = {(b.src, b.tgt) for b in beads}
    print(
        json.dumps(
            {
                "n": n,
                "m": len(tgt),
                "seconds": seconds,
                "stand_in_seconds": stand_in[0],
                "peak_mb": (rss1 - rss0) / 1024,
                "rss_mb": rss1 / 1024,
                "recovered": len(got & gold) / len(gold),
                "beads": hashlib.sha256(repr([(b.src, b.tgt) for b in beads]).encode()).hexdigest()[:16],
            }
        )
    )


_NAMES = [
    ("Minjun", "민준"),
    ("Seoyeon", "서연"),
    ("Jiho", "지호"),
    ("Hana", "하나"),
    ("Daniel", "다니엘"),
    ("Sophie", "소피"),
    ("Thomas", "토마스"),
    ("Yuna", "유나"),
    ("Emma", "엠마"),
    ("Lucas", "루카스"),
    ("Haeun", "하은"),
    ("Oliver", "올리버"),
    ("Clara", "클라라"),
    ("Jisoo", "지수"),
    ("Martin", "마르틴"),
]
_CITIES = [
    ("Seoul", "서울"),
    ("Busan", "부산"),
    ("Paris", "파리"),
    ("London", "런던"),
    ("Tokyo", "도쿄"),
    ("Berlin", "베를린"),
    ("Rome", "로마"),
    ("Madrid", "마드리드"),
    ("Daegu", "대구"),
    ("Incheon", "인천"),
    ("Vienna", "빈"),
    ("Prague", "프라하"),
    ("Lisbon", "리스본"),
    ("Oslo", "오슬로"),
]
_ITEMS = [
    ("apples", "사과"),
    ("books", "책"),
    ("chairs", "의자"),
    ("lamps", "램프"),
    ("bicycles", "자전거"),
    ("potatoes", "감자"),
    ("pears", "배"),
    ("cameras", "카메라"),
    ("umbrellas", "우산"),
    ("shoes", "신발"),
    ("maps", "지도"),
    ("candles", "양초"),
]
_TEMPLATES = [
    (
        "{name} bought {n} {item} in {city} in {year}.",
        "{year}년 {name_ko}은 {city_ko}에서 {item_ko} {n}개를 샀다.",
    ),
    (
        "The museum in {city} received {n} visitors on day {d} of the festival.",
        "{city_ko}의 박물관은 축제 {d}일째에 {n}명의 방문객을 맞았다.",
    ),
    (
        "{name} walked {n} metres along the river before lunch.",
        "{name_ko}은 점심 전에 강을 따라 {n}미터를 걸었다.",
    ),
    (
        "According to the report, the price of {item} in {city} rose by {d} percent in {year}.",
        "보고서에 따르면 {year}년 {city_ko}의 {item_ko} 가격이 {d}퍼센트 올랐다.",
    ),
    ("Room {n} on floor {d} was painted blue by {name}.", "{d}층 {n}호실은 {name_ko}이 파란색으로 칠했다."),
    (
        "The train from {city} to {city2} left at {h}:{mm} with {n} passengers.",
        "{city_ko}에서 {city2_ko}로 가는 기차는 승객 {n}명을 태우고 {h}시 {mm}분에 출발했다.",
    ),
    (
        "{name} wrote {n} letters to a friend in {city} that winter.",
        "그해 겨울 {name_ko}은 {city_ko}에 사는 친구에게 편지 {n}통을 썼다.",
    ),
    (
        "Farmers near {city} harvested {n} tonnes of {item} this autumn.",
        "올가을 {city_ko} 근처 농부들은 {item_ko} {n}톤을 수확했다.",
    ),
    (
        "The committee met {d} times and approved budget line {n}.",
        "위원회는 {d}번 모여 예산 항목 {n}번을 승인했다.",
    ),
    (
        "In chapter {n}, {name} finally returns to {city} with the {item}.",
        "{n}장에서 {name_ko}은 {item_ko}을 들고 마침내 {city_ko}로 돌아온다.",
    ),
    (
        "Nobody in {city} expected {name} to sell {n} {item} before {year}.",
        "{city_ko}의 누구도 {name_ko}이 {year}년 전에 {item_ko} {n}개를 팔 줄은 몰랐다.",
    ),
    (
        "At {h}:{mm} the bridge to {city} was closed for {d} hours.",
        "{h}시 {mm}분에 {city_ko}로 가는 다리가 {d}시간 동안 통제되었다.",
    ),
]


def generate(
    n: int, seed: int = 0
) -> tuple[list[str], list[str], set[tuple[tuple[int, ...], tuple[int, ...]]]]:
    """English and Korean lines that translate each other, with planted omissions and merges.

    Every sentence is unique (its number ``n`` is).  Returns the two sides (one
    sentence or, on the Korean side, one or two sentences per line) and the gold
    beads as (English line ids, Korean line ids); an omission has no Korean ids.
    """
    import random

    rng = random.Random(seed)
    numbers = rng.sample(range(100, 100 + 20 * n), n)
    en, ko = [], []
    for k in range(n):
        name, name_ko = rng.choice(_NAMES)
        city, city_ko = rng.choice(_CITIES)
        city2, city2_ko = rng.choice([c for c in _CITIES if c[0] != city])
        item, item_ko = rng.choice(_ITEMS)
        fields = {
            "name": name,
            "name_ko": name_ko,
            "city": city,
            "city_ko": city_ko,
            "city2": city2,
            "city2_ko": city2_ko,
            "item": item,
            "item_ko": item_ko,
            "n": f"{numbers[k]:,}",
            "year": rng.randrange(1890, 2030),
            "d": rng.randrange(2, 99),
            "h": rng.randrange(1, 13),
            "mm": f"{rng.randrange(0, 60):02d}",
        }
        e, k_ = rng.choice(_TEMPLATES)
        en.append(e.format(**fields))
        ko.append(k_.format(**fields))
    lines, gold, i = [], set(), 0
    while i < n:
        r = rng.random()
        if r < 0.05:
            gold.add(((i,), ()))
            i += 1
        elif r < 0.15 and i + 1 < n:
            gold.add(((i, i + 1), (len(lines),)))
            lines.append(ko[i] + " " + ko[i + 1])
            i += 2
        else:
            gold.add(((i,), (len(lines),)))
            lines.append(ko[i])
            i += 1
    return en, lines, gold


def _ids(cell: str) -> tuple[int, ...]:
    return tuple(int(x) for x in cell.split(",") if x.strip())


def _e2e(n: int, root: Path, folder: Path, threads: str | None, model: str | None = None) -> dict:
    """Run ``align pair --presplit`` on a generated document pair of ``n`` English sentences."""
    en, ko, gold = generate(n, seed=n)
    src, tgt, out = folder / f"doc{n}.en", folder / f"doc{n}.ko", folder / f"doc{n}.tsv"
    src.write_text("\n".join(en) + "\n", encoding="utf-8")
    tgt.write_text("\n".join(ko) + "\n", encoding="utf-8")
    boot = f"import sys; sys.path.insert(0, {str(root)!r}); from align.cli import run; run()"
    cmd = [sys.executable, "-c", boot, "pair", str(src), str(tgt), "-o", str(out), "--presplit", "-q"]
    if model:
        cmd += ["-m", model]
    env = dict(os.environ)
    if threads:
        env["ALIGN_THREADS"] = threads
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=root, env=env, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}")
    rows = out.read_text(encoding="utf-8").splitlines()
    head = rows[0].split("\t")
    si, ti = head.index("en_ids"), head.index("ko_ids")
    got = set()
    for row in rows[1:]:
        cells = row.split("\t")
        got.add((_ids(cells[si]), _ids(cells[ti])))
    for path in (src, tgt, out):
        path.unlink()
    return {
        "n": n,
        "m": len(ko),
        "seconds": seconds,
        "rss_mb": usage.ru_maxrss / 1024,
        "recovered": len(got & gold) / len(gold),
    }


def _run_e2e(sizes: list[int], root: Path, threads: str | None, model: str | None = None) -> None:
    header = ["sentences (en x ko lines)", "seconds", "seconds per 1k", "peak RSS"]
    print(table_head([*header, "planted alignment recovered"]), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            try:
                r = _e2e(n, root, Path(tmp), threads, model)
            except RuntimeError as exc:
                print(table_row([n, f"failed: {exc}", "", "", ""]), flush=True)
                continue
            rss = f"{r['rss_mb']:.0f} MB" if r["rss_mb"] < 1024 else f"{r['rss_mb'] / 1024:.2f} GB"
            seconds = [f"{r['seconds']:.1f}", f"{1000 * r['seconds'] / r['n']:.2f}"]
            print(table_row([f"{r['n']:,} x {r['m']:,}", *seconds, rss, f"{r['recovered']:.3f}"]), flush=True)


def _search_run(n: int, dim: int, root: Path | None) -> dict:
    """One child process: the search on the ``n``-sentence documents (``root``'s align)."""
    cmd = [sys.executable, __file__, "--child", str(n), "--dim", str(dim)]
    proc = subprocess.run(cmd + (["--child-root", str(root)] if root else []), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr else str(proc.returncode))
    out: dict = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def _run_against(sizes: list[int], dim: int, other: Path, rounds: int) -> None:
    """This checkout's search and ``other``'s on the same documents, alternating."""
    import statistics

    print(f"search alone: this checkout ({ROOT}) against {other}, {rounds} alternating rounds, median\n")
    header = ["sentences (src x tgt)", "other s", "this s", "other / this"]
    header += ["without the span stand-in: other / this s (ratio)", "same beads", "recovered"]
    print(table_head(header))
    for n in sizes:
        runs: dict[str, list[dict]] = {"other": [], "this": []}
        for k in range(rounds):
            order = [("other", other), ("this", None)]
            for name, root in order if k % 2 == 0 else order[::-1]:
                runs[name].append(_search_run(n, dim, root))
        t_other = statistics.median(r["seconds"] for r in runs["other"])
        t_this = statistics.median(r["seconds"] for r in runs["this"])
        own_other = statistics.median(r["seconds"] - r["stand_in_seconds"] for r in runs["other"])
        own_this = statistics.median(r["seconds"] - r["stand_in_seconds"] for r in runs["this"])
        same = {r["beads"] for r in runs["other"] + runs["this"]}
        r = runs["this"][0]
        cells = [f"{r['n']:,} x {r['m']:,}", f"{t_other:.2f}", f"{t_this:.2f}", f"{t_other / t_this:.2f}"]
        cells += [f"{own_other:.2f} / {own_this:.2f} ({own_other / own_this:.2f})"]
        print(table_row([*cells, "yes" if len(same) == 1 else "no", f"{r['recovered']:.3f}"]), flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", type=int, default=[1000, 5000, 20000, 100000])
    ap.add_argument("--dim", type=int, default=512)
    ap.add_argument("--e2e", action="store_true", help="Time the real `align pair --presplit` end to end.")
    ap.add_argument(
        "--root", type=Path, default=ROOT, help="Checkout whose `align` --e2e runs (default: this one)."
    )
    ap.add_argument("--threads", default=None, help="ALIGN_THREADS for --e2e (default: the environment's).")
    ap.add_argument("--model", default=None, help="align pair -m for --e2e (default: align's default model).")
    ap.add_argument(
        "--against", type=Path, default=None, help="Another checkout to time side by side (search alone)."
    )
    ap.add_argument("--rounds", type=int, default=3, help="Alternating runs of each with --against.")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--child-root", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.e2e:
        _run_e2e(args.sizes, args.root.resolve(), args.threads, args.model)
        return 0
    if args.child:
        _child(args.child, args.dim, args.child_root)
        return 0
    if args.against:
        _run_against(args.sizes, args.dim, args.against.resolve(), args.rounds)
        return 0
    header = ["sentences (src x tgt)", "search seconds", "seconds per 1k", "peak memory above start (MB)"]
    print(table_head([*header, "process peak RSS (MB)", "recovered"]))
    for n in args.sizes:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(n), "--dim", str(args.dim)],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            why = proc.stderr.strip().splitlines()[-1] if proc.stderr else proc.returncode
            print(table_row([n, f"failed: {why}"]))
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        cells = [f"{r['n']} x {r['m']}", f"{r['seconds']:.1f}", f"{1000 * r['seconds'] / r['n']:.2f}"]
        cells += [f"{r['peak_mb']:.0f}", f"{r['rss_mb']:.0f}", f"{r['recovered']:.3f}"]
        print(table_row(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
