#!/usr/bin/env python3
"""`align match` accuracy on dev piles with hard distractors, and its time and memory at scale.

**Accuracy piles** (``--part accuracy``), one per dataset and seed (``--seeds``, default
1 2 3; every draw comes from ``random.Random("<dataset>:<seed>")``):

- ``enko_dev``: the 229 documents of ../shared/data/enko_dev/hard (each also in clean/)
  and the 20 of para/; ``real_dev``: the 30 pairs of ../shared/data/real_dev.  Raw text
  (``NAME.en.txt``, ``NAME.ko.txt``) only.
- The documents are shuffled and split 60/20/20: pairs (both sides in the pile),
  English only and Korean only, so that on each side 25% of the documents have no
  partner.  A pair uses the hard/ raw texts (para/ and real_dev: their only texts).
- Hard distractors, each next to its own true pair X, on a random side, up to 15% of
  the pairs for each kind (fewer where too few pairs qualify):
  - *twin*: hard/clean near-duplicates.  hard/ is clean/ with a few English and a few
    Korean lines deleted (merges join two lines with a space, so they vanish in raw
    text); a hard text is thus a clean text with sentences missing.  So X's true pair
    is the *clean* pair and the distractor is the hard text of one side, which is
    strictly less complete.  (The other way round, hard English with hard and clean
    Korean, is not fair: clean Korean covers the hard English better than hard Korean
    does.)  Only where the hard text of that side differs from the clean one.
  - *paragraph replaced*: X's text with one paragraph replaced by a paragraph of another
    document of the dataset: not the first paragraph, and one that is mostly (half its
    characters) gold lines aligned to something on the other side (real_dev's Korean
    excerpts end sooner: a paragraph past that end would leave two equal candidates),
    at least as long as the median of those.  Only for texts of 3+ paragraphs.
  - *names & numbers*: a document without partner (one of the 20% on that side) gets
    X's numbers (``\\d[\\d,.]*``) and names (English: capitalised words inside a
    sentence; Korean: Latin-script words) pasted in: its own numbers and names are
    replaced by X's, in turn, and a last paragraph ``Related: ...`` (``관련: ...``)
    lists four of them.  Only where X's text has three or more.
- Every file is copied to ``EN/`` or ``KO/`` under a random 16-hex-digit name + ``.txt``.

Reported per pile: precision and recall of the pairs found against the true pairs; how
many of the documents without a partner (removed partner, twins, replaced paragraphs,
pasted names and numbers) got one, as a count and a share; seconds of
``match_documents`` (model loading included) with its embedding and matching
seconds; and the command line ``align match EN KO -o manifest.tsv`` (fresh
``--cache`` where it has one): its seconds and whether its pairs equal the API's.
Then the counts pooled over seeds (the mean, weighted by pile size) and, per kind of
partnerless document, how many were paired and how many of their true pairs found.

**Scale** (``--part scale``): N documents a side (``--sizes``, default 1000 5000; the
issue's 20000 takes long on a small machine), 75% of them pairs, 25% without partner on
each side.  A generated document is 20-40 (mean 30) sentence pairs drawn at random
without repeats from the 1-1 pairs of enko_dev/clean (1,353) and real_dev (239 of the
gold's ``[i]:[j]``), in random order, 2-4 to a paragraph; every digit run is replaced by
a random one of the same length, no leading zero (the same on both sides); every
sentence starts with the document's marker ``#<k>`` (both sides, as in bench_batch.py),
so no sentence repeats and no cache can help (a marker the matcher may use as a shared
number: the scale piles measure cost, the accuracy piles accuracy).  Each size runs in
its own process (``match_documents``, no cache); reported: wall seconds, embedding and
matching seconds, milliseconds per document, peak memory (that process's ru_maxrss; its
workers' largest ru_maxrss; the process tree's sampled total), precision and recall.
``--scale-cli`` also times ``align match`` on each size.

``--dates DAYS`` matches every accuracy pile a second time with a ``dates.tsv`` (written
beside it) and ``--date-window DAYS``: a true pair dated on a random day of a year, its
Korean edition 0-1 days later; every distractor within 3 days of the pair it imitates
(the same story in the same week); a document whose partner was removed on any day.
Those rows are labelled ``<pile>, dates ±DAYS`` and stay out of the "all piles" pool.

The issue's targets are printed next to the numbers (✗ where missed): precision >= 0.99,
recall >= 0.98, <= 1% of partnerless documents paired, peak <= 4 GB, matching <= 10% of
the embedding time, time and memory growing linearly from the smallest size up.

    python scripts/bench_match.py                               # both parts
    python scripts/bench_match.py --part accuracy --seeds 1 2 3
    python scripts/bench_match.py --part scale --sizes 1000 5000 20000 --work /tmp/piles

Piles are built under a temporary folder, or under ``--work DIR`` (kept).  Skips (exit 0)
when ../shared (``ALIGN_SHARED``) is not here.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from _shared import ROOT, SHARED, skip_without_shared, table, table_head, table_row

ENKO = SHARED / "data" / "enko_dev"
REAL = SHARED / "data" / "real_dev"
LANGS = ("en", "ko")
TARGET_P, TARGET_R, TARGET_WRONG, TARGET_GB, TARGET_MATCH_SHARE = 0.99, 0.98, 0.01, 4.0, 0.10
KINDS = {
    "removed": "partner removed",
    "names": "partner removed + names & numbers pasted",
    "twin": "hard/clean twin",
    "para": "paragraph replaced",
}


# ----------------------------------------------------------------------------- sources


@dataclass
class Source:
    name: str
    text: dict[str, str]  # the true pair's raw text per language
    clean: dict[str, str] | None = None  # enko_dev clean/ twin of hard/
    aligned: dict[str, list[str]] = field(default_factory=dict)  # gold lines of ``text`` with a counterpart


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def aligned_lines(folder: Path, name: str) -> dict[str, list[str]]:
    """The gold lines (squashed) of each side that the gold aligns to something."""
    lines = {lang: read(folder / f"{name}.{lang}").splitlines() for lang in LANGS}
    out: dict[str, list[str]] = {lang: [] for lang in LANGS}
    for bead in read(folder / f"{name}.gold").splitlines():
        left, _, right = bead.partition(":")
        ids = [[int(x) for x in re.findall(r"\d+", side)] for side in (left, right)]
        if all(ids):
            for lang, side in zip(LANGS, ids, strict=True):
                out[lang] += [squash(lines[lang][i]) for i in side]
    return out


def load_sources(dataset: str) -> list[Source]:
    if dataset == "real_dev":
        names = sorted(p.name[: -len(".en.txt")] for p in REAL.glob("*.en.txt"))
        return [
            Source(
                n, {lang: read(REAL / f"{n}.{lang}.txt") for lang in LANGS}, aligned=aligned_lines(REAL, n)
            )
            for n in names
        ]
    out = []
    for gold in sorted((ENKO / "hard").glob("*.gold")):
        n = gold.name[: -len(".gold")]
        hard = {lang: read(ENKO / "hard" / f"{n}.{lang}.txt") for lang in LANGS}
        clean = {lang: read(ENKO / "clean" / f"{n}.{lang}.txt") for lang in LANGS}
        out.append(Source(n, hard, clean, aligned_lines(ENKO / "hard", n)))
    for gold in sorted((ENKO / "para").glob("*.gold")):
        n = gold.name[: -len(".gold")]
        text = {lang: read(ENKO / "para" / f"{n}.{lang}.txt") for lang in LANGS}
        out.append(Source(n, text, aligned=aligned_lines(ENKO / "para", n)))
    return out


def squash(text: str) -> str:
    return " ".join(text.split())


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


NUMBER = re.compile(r"\d[\d,.]*\d|\d")
NAME_EN = re.compile(r"(?<=[a-z0-9,;:] )[A-Z][a-z]+(?: [A-Z][a-z]+)*")
NAME_KO = re.compile(r"[A-Za-z][A-Za-z0-9&.-]*[A-Za-z0-9]")


def names_and_numbers(text: str, lang: str) -> tuple[list[str], list[str]]:
    """Distinct names and numbers (two characters or more) of a text, in order."""
    names = (NAME_EN if lang == "en" else NAME_KO).findall(text)
    numbers = [n for n in NUMBER.findall(text) if len(n) >= 2]
    return list(dict.fromkeys(names)), list(dict.fromkeys(numbers))


def paste(carrier: str, donor: str, lang: str) -> str:
    """``carrier`` with the donor's numbers and names in place of its own, in turn, and a
    last paragraph listing four of them."""
    names, numbers = names_and_numbers(donor, lang)
    if numbers:
        it = iter(range(10**6))
        carrier = NUMBER.sub(lambda m: numbers[next(it) % len(numbers)] if len(m[0]) >= 2 else m[0], carrier)
    if names:
        it = iter(range(10**6))
        carrier = (NAME_EN if lang == "en" else NAME_KO).sub(lambda m: names[next(it) % len(names)], carrier)
    items = (
        [x for pair in zip(names, numbers, strict=False) for x in pair]
        + names[len(numbers) :]
        + numbers[len(names) :]
    )
    label = "Related: " if lang == "en" else "관련: "
    return carrier.rstrip() + "\n\n" + label + ", ".join(items[:4]) + "\n"


def replace_paragraph(x: Source, lang: str, donors: list[str], rng: random.Random) -> str | None:
    """``x``'s text with one paragraph replaced by a paragraph of another document: not
    the first, and one whose text is mostly (half its characters or more) gold lines that
    have a counterpart on the other side, so that the true partner really covers more.
    None for texts under three paragraphs or without such a paragraph."""
    text = x.text[lang]
    paras = paragraphs(text)
    if len(paras) < 3:
        return None

    def covered(p: str) -> float:
        flat = squash(p)
        return sum(len(line) for line in x.aligned[lang] if line and line in flat) / max(1, len(flat))

    fit = [i for i in range(1, len(paras)) if covered(paras[i]) >= 0.5]
    if not fit:
        return None
    median = statistics.median(len(paras[i]) for i in fit)
    k = rng.choice([i for i in fit if len(paras[i]) >= median])
    floor = 80 if lang == "en" else 40
    pool = [p for d in donors for p in paragraphs(d)[1:] if len(p) >= floor and squash(p) not in squash(text)]
    paras[k] = rng.choice(pool)
    return "\n\n".join(paras) + "\n"


# ----------------------------------------------------------------------------- piles


@dataclass
class Pile:
    folder: Path
    gold: dict[str, str] = field(default_factory=dict)  # en file name -> ko file name
    kind: dict[tuple[str, str], str] = field(default_factory=dict)  # (lang, name) -> KINDS key
    near: dict[tuple[str, str], str] = field(default_factory=dict)  # distractor -> en name of its pair
    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    origin: dict[tuple[str, str], str] = field(default_factory=dict)  # (lang, name) -> where it comes from

    def add(self, lang: str, text: str, rng: random.Random, kind: str | None = None, origin: str = "") -> str:
        while True:
            name = f"{rng.getrandbits(64):016x}.txt"
            if (lang, name) not in self.texts:
                break
        self.texts[(lang, name)] = text
        self.origin[(lang, name)] = origin
        if kind:
            self.kind[(lang, name)] = kind
        return name

    def write(self) -> None:
        for lang in LANGS:
            (self.folder / lang.upper()).mkdir(parents=True, exist_ok=True)
        for (lang, name), text in self.texts.items():
            (self.folder / lang.upper() / name).write_text(text, encoding="utf-8")
        meta = {
            "gold": self.gold,
            "kind": {f"{lang}/{n}": k for (lang, n), k in self.kind.items()},
            "origin": {f"{lang}/{n}": o for (lang, n), o in self.origin.items()},
        }
        (self.folder / "pile.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")

    def side(self, lang: str) -> list[Path]:
        return sorted((self.folder / lang.upper()).iterdir())


def build_pile(dataset: str, seed: int, folder: Path, share: float = 0.15) -> Pile:
    """One accuracy pile (see the module docstring), written under ``folder``."""
    rng = random.Random(f"{dataset}:{seed}")
    sources = load_sources(dataset)
    order = sources[:]
    rng.shuffle(order)
    n_pair = round(0.6 * len(order))
    n_en = (len(order) - n_pair) // 2
    pairs, only = order[:n_pair], {"en": order[n_pair : n_pair + n_en], "ko": order[n_pair + n_en :]}
    quota = {k: round(share * n_pair) for k in ("twin", "para", "names")}
    carriers = {lang: [(s.name, s.text[lang]) for s in only[lang]] for lang in LANGS}  # partnerless docs
    pile = Pile(folder)
    for x in pairs:
        kinds = [k for k in quota if quota[k] > 0]
        rng.shuffle(kinds)
        text, variant, extra = x.text, "hard" if x.clean else "raw", None  # extra: (lang, text, kind, origin)
        for kind in kinds:
            sides = list(LANGS)
            rng.shuffle(sides)
            for lang in sides:
                if kind == "twin" and x.clean and squash(x.clean[lang]) != squash(x.text[lang]):
                    text, variant, extra = x.clean, "clean", (lang, x.text[lang], "twin", f"{x.name} (hard)")
                elif kind == "para":
                    donors = [s.text[lang] for s in sources if s is not x]
                    swapped = replace_paragraph(x, lang, donors, rng)
                    extra = swapped and (lang, swapped, "para", f"{x.name}, a paragraph replaced")
                elif (
                    kind == "names"
                    and carriers[lang]
                    and sum(map(len, names_and_numbers(x.text[lang], lang))) >= 3
                ):
                    carrier = carriers[lang].pop(rng.randrange(len(carriers[lang])))
                    pasted = paste(carrier[1], x.text[lang], lang)
                    extra = (lang, pasted, "names", f"{carrier[0]} + names & numbers of {x.name}")
                if extra:
                    break
            if extra:
                quota[kind] -= 1
                break
        en = pile.add("en", text["en"], rng, origin=f"{x.name} ({variant})")
        pile.gold[en] = pile.add("ko", text["ko"], rng, origin=f"{x.name} ({variant})")
        if extra:
            pile.near[(extra[0], pile.add(extra[0], extra[1], rng, extra[2], extra[3]))] = en
    for lang in LANGS:
        for name, text in carriers[lang]:
            pile.add(lang, text, rng, "removed", f"{name} (partner removed)")
    pile.write()
    return pile


def date_pile(pile: Pile, seed: str) -> Path:
    """``dates.tsv`` for a pile (``--dates``), as a newsroom's archive would date it: a true
    pair's English edition on a random day of a year and its Korean one 0-1 days later;
    a distractor (twin, paragraph replaced, names and numbers pasted: the same story)
    within 3 days of the pair it stands next to; a document whose partner was removed on
    any day.  So the window removes unrelated documents, never the hard ones."""
    rng = random.Random(f"dates:{seed}")
    day: dict[tuple[str, str], int] = {}
    for en, ko in sorted(pile.gold.items()):
        day[("en", en)] = rng.randrange(365)
        day[("ko", ko)] = day[("en", en)] + rng.randrange(2)
    for key in sorted(pile.texts):
        if key not in day:
            near = pile.near.get(key)
            day[key] = day[("en", near)] + rng.randint(-3, 3) if near else rng.randrange(365)
    path = pile.folder / "dates.tsv"
    rows = [
        f"{lang.upper()}/{name}\t{date(2024, 1, 1) + timedelta(days=d)}"
        for (lang, name), d in sorted(day.items())
    ]
    path.write_text("path\tdate\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- scoring


def score(pile: Pile, found: set[tuple[str, str]]) -> dict:
    """Precision and recall of ``found`` (en name, ko name) against the pile's true pairs;
    per kind of partnerless document: how many, how many paired, and (distractors) how
    many of their true pairs were found."""
    gold = set(pile.gold.items())
    right = len(found & gold)
    paired = {("en", e) for e, _ in found} | {("ko", k) for _, k in found}
    by_kind: dict[str, list[int]] = {}
    for key, k in pile.kind.items():
        cell = by_kind.setdefault(k, [0, 0, 0])
        cell[0] += 1
        cell[1] += key in paired
        if key in pile.near:
            cell[2] += (pile.near[key], pile.gold[pile.near[key]]) in found
    wrong = sum(c[1] for c in by_kind.values())
    return {
        "gold": len(gold),
        "found": len(found),
        "right": right,
        "precision": right / len(found) if found else 1.0,
        "recall": right / len(gold) if gold else 1.0,
        "unpartnered": len(pile.kind),
        "wrong": wrong,
        "wrong_share": wrong / len(pile.kind) if pile.kind else 0.0,
        "by_kind": by_kind,
    }


def explain(pile: Pile, m) -> list[str]:
    """One line per wrong pair and per true pair missed, with where the documents come from."""
    o = pile.origin
    by_en = {Path(p.src).name: p for p in m.pairs}
    by_ko = {Path(p.tgt).name: p for p in m.pairs}
    lines = []
    for p in m.pairs:
        en, ko = Path(p.src).name, Path(p.tgt).name
        if pile.gold.get(en) != ko:
            lines.append(
                f"wrong pair: en {o[('en', en)]} + ko {o[('ko', ko)]} (score {p.score:.3f}, margin {p.margin:.3f})"
            )
    for en, ko in pile.gold.items():
        if en in by_en and Path(by_en[en].tgt).name == ko:
            continue
        got = [
            f"{lang} -> {o[(other, Path(getattr(q, attr)).name)]} ({q.score:.3f})"
            if q
            else f"{lang} unmatched"
            for lang, other, attr, q in (
                ("en", "ko", "tgt", by_en.get(en)),
                ("ko", "en", "src", by_ko.get(ko)),
            )
        ]
        lines.append(f"missed pair: {o[('en', en)]}: " + ", ".join(got))
    return lines


def api_pairs(m) -> set[tuple[str, str]]:
    return {(Path(p.src).name, Path(p.tgt).name) for p in m.pairs}


def cli_available() -> tuple[bool, str]:
    res = subprocess.run(
        [sys.executable, "-m", "align", "match", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    return res.returncode == 0, res.stdout


def run_cli(
    en_dir: Path, ko_dir: Path, out_dir: Path, help_text: str, extra: list[str] | None = None
) -> dict:
    """``align match EN KO -o manifest.tsv`` in its own process: seconds, peak RSS, pairs."""
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = out_dir / "manifest.tsv"
    cmd = [sys.executable, "-m", "align", "match", str(en_dir), str(ko_dir), "-o", str(manifest)]
    if "--cache" in help_text:
        cmd += ["--cache", str(out_dir / "cache.sqlite")]  # a first run: a cold cache
    cmd += extra or []
    t0 = time.perf_counter()
    with open(out_dir / "stderr.txt", "wb") as log:  # a file, not a pipe: a long progress bar can't block
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
        peak = TreePeak(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        tree_mb = peak.stop()
    err = (out_dir / "stderr.txt").read_text(encoding="utf-8", errors="replace")
    if os.waitstatus_to_exitcode(status) != 0 or not manifest.exists():
        last = err.strip().splitlines()[-1] if err.strip() else f"exit {os.waitstatus_to_exitcode(status)}"
        return {"error": last}
    rows = [r.split("\t") for r in manifest.read_text(encoding="utf-8").splitlines() if r.strip()]
    head = rows[0]
    ei, ki = head.index("en_path"), head.index("ko_path")
    pairs = {(Path(r[ei]).name, Path(r[ki]).name) for r in rows[1:] if len(r) > max(ei, ki)}
    return {"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024, "tree_mb": tree_mb, "pairs": pairs}


class TreePeak:
    """Samples the resident memory of a process tree every 0.5 s; ``stop()`` gives the peak (MB)."""

    def __init__(self, pid: int) -> None:
        from bench_batch import tree_rss_mb

        self.peak, self._stop = 0.0, threading.Event()

        def sample() -> None:
            while not self._stop.is_set():
                self.peak = max(self.peak, tree_rss_mb(pid))
                self._stop.wait(0.5)

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def mark(value: float, ok: bool, fmt: str = "{:.3f}") -> str:
    return fmt.format(value) + ("" if ok else " ✗")


def run_accuracy(args, work: Path) -> None:
    from align.match import match_documents
    from align.metadata import read_metadata

    has_cli, help_text = (False, "") if args.no_cli else cli_available()
    header = ["pile", "seed", "en / ko docs", "true pairs", "pairs found", f"precision (≥ {TARGET_P})"]
    header += [f"recall (≥ {TARGET_R})", "docs without partner", f"of them paired (≤ {TARGET_WRONG:.0%})"]
    header += ["seconds (embed / match)", "dup. / problems", "CLI seconds", "CLI = API"]
    print(f"\n## Accuracy piles (✗: misses the issue's target; workers={args.workers})\n")
    print(table_head(header, right=2), flush=True)
    results: dict[str, list[dict]] = {}
    details: list[str] = []
    variants: list[float | None] = [None] if args.dates is None else [None, args.dates]
    for dataset in args.piles:
        for seed in args.seeds:
            pile = build_pile(dataset, seed, work / f"{dataset}-{seed}")
            en, ko = pile.side("en"), pile.side("ko")
            for window in variants:  # with --dates: without, then with them
                narrow: dict = {}
                cli_extra: list[str] = []
                label = dataset
                if window is not None:
                    dates = date_pile(pile, f"{dataset}:{seed}")
                    narrow = {"metadata": read_metadata(dates), "date_window": window}
                    cli_extra = ["--meta", str(dates), "--date-window", f"{window:g}d"]
                    label = f"{dataset}, dates ±{window:g}d"
                t0 = time.perf_counter()
                m = match_documents(en, ko, src_lang="en", tgt_lang="ko", workers=args.workers, **narrow)
                seconds = time.perf_counter() - t0
                found = api_pairs(m)
                r = score(pile, found)
                r.update(
                    seconds=seconds, embed=m.embed_seconds, match=m.match_seconds, docs=(len(en), len(ko))
                )
                cli_cells = ["-", "-"]
                if has_cli:
                    c = run_cli(
                        pile.folder / "EN",
                        pile.folder / "KO",
                        pile.folder / ("cli" if window is None else "cli-dates"),
                        help_text,
                        cli_extra,
                    )
                    if "error" in c:
                        cli_cells = [f"failed: {c['error'][:60]}", "-"]
                    else:
                        r["cli_seconds"] = c["seconds"]
                        cli_cells = [f"{c['seconds']:.1f}", "yes" if c["pairs"] == found else "no"]
                        if c["pairs"] != found:
                            cli_cells[1] = f"no ({len(c['pairs'] ^ found)} differ)"
                elif not args.no_cli:
                    cli_cells = ["no `align match` yet", "-"]
                results.setdefault(label, []).append(r)
                details += [f"- {label} seed {seed}: {line}" for line in explain(pile, m)]
                cells = [label, seed, f"{len(en)} / {len(ko)}", r["gold"], r["found"]]
                cells += [
                    mark(r["precision"], r["precision"] >= TARGET_P),
                    mark(r["recall"], r["recall"] >= TARGET_R),
                ]
                cells += [
                    r["unpartnered"],
                    mark(r["wrong_share"], r["wrong_share"] <= TARGET_WRONG, f"{r['wrong']} ({{:.1%}})"),
                ]
                cells += [f"{seconds:.1f} ({m.embed_seconds:.1f} / {m.match_seconds:.2f})"]
                cells += [f"{len(m.duplicates)} / {len(m.problems)}", *cli_cells]
                print(table_row(cells), flush=True)
    if args.details and details:
        print("\nWrong and missed pairs:\n\n" + "\n".join(details))
    seeds = " ".join(map(str, args.seeds))
    print(f"\n### Over seeds {seeds} (pooled counts: precision = right / found, over all of them)\n")
    rows, kinds = [], []
    pooled = [
        *results.items(),
        *(
            [("all piles", [r for k, rs in results.items() if "dates" not in k for r in rs])]
            if len(args.piles) > 1
            else []
        ),
    ]
    for dataset, rs in pooled:
        p = sum(r["right"] for r in rs) / max(1, sum(r["found"] for r in rs))
        rec = sum(r["right"] for r in rs) / max(1, sum(r["gold"] for r in rs))
        wrong = sum(r["wrong"] for r in rs) / max(1, sum(r["unpartnered"] for r in rs))
        cli = [r["cli_seconds"] for r in rs if "cli_seconds" in r]
        ok = p >= TARGET_P and rec >= TARGET_R and wrong <= TARGET_WRONG
        cells = [
            dataset,
            len(rs),
            sum(r["gold"] for r in rs),
            mark(p, p >= TARGET_P),
            mark(rec, rec >= TARGET_R),
        ]
        cells += [sum(r["unpartnered"] for r in rs), mark(wrong, wrong <= TARGET_WRONG, "{:.1%}")]
        cells += [f"{statistics.mean(r['seconds'] for r in rs):.1f}"]
        cells += [f"{statistics.mean(cli):.1f}" if cli else "-", "yes" if ok else "no"]
        rows.append(cells)
        if dataset != "all piles":
            for key, label in KINDS.items():
                n, w, near = (sum(r["by_kind"].get(key, [0, 0, 0])[i] for r in rs) for i in range(3))
                if n:
                    cells = [dataset, label, n, f"{w} ({w / n:.1%})"]
                    kinds.append([*cells, f"{near} of {n}" if key != "removed" else "-"])
    header = ["pile", "piles", "true pairs", f"precision (≥ {TARGET_P})", f"recall (≥ {TARGET_R})"]
    header += ["docs without partner", f"of them paired (≤ {TARGET_WRONG:.0%})", "API seconds, mean"]
    header += ["CLI seconds, mean", "meets targets"]
    print(table(header, rows))
    print("\n### Documents without a partner that got one, by kind (all seeds)\n")
    header = ["pile", "kind", "documents", "paired", "the true pair next to it found"]
    print(table(header, kinds, right=2), flush=True)


# ----------------------------------------------------------------------------- scale


def one_to_one_units() -> list[tuple[str, str]]:
    units = []
    for gold in sorted((ENKO / "clean").glob("*.gold")):
        n = gold.name[: -len(".gold")]
        en = read(ENKO / "clean" / f"{n}.en").splitlines()
        ko = read(ENKO / "clean" / f"{n}.ko").splitlines()
        units += list(zip(en, ko, strict=True))
    bead = re.compile(r"^\[(\d+)\]:\[(\d+)\]$")
    for gold in sorted(REAL.glob("*.gold")):
        n = gold.name[: -len(".gold")]
        en, ko = read(REAL / f"{n}.en").splitlines(), read(REAL / f"{n}.ko").splitlines()
        for line in read(gold).splitlines():
            if m := bead.match(line.strip()):
                units.append((en[int(m[1])], ko[int(m[2])]))
    return [(e.strip(), k.strip()) for e, k in units if e.strip() and k.strip()]


def generate_scale(n: int, folder: Path, seed: int = 0) -> dict:
    """``n`` documents a side, 75% of them pairs (see the module docstring)."""
    rng = random.Random(f"scale:{n}:{seed}")
    units = one_to_one_units()
    n_pair = round(0.75 * n)
    pile = Pile(folder)
    sentences = {"en": 0, "ko": 0}
    for k in range(n_pair + 2 * (n - n_pair)):
        picked = rng.sample(units, rng.randint(20, 40))
        digits: dict[str, str] = {}

        def renumber(m: re.Match, digits=digits) -> str:
            s = m[0]
            if s not in digits:
                digits[s] = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in s[1:])
            return digits[s]

        text = {}
        for i, lang in enumerate(LANGS):
            lines = [f"#{k + 1} " + re.sub(r"\d+", renumber, u[i]) for u in picked]
            paras, j = [], 0
            while j < len(lines):
                step = rng.randint(2, 4)
                paras.append(" ".join(lines[j : j + step]))
                j += step
            text[lang] = "\n\n".join(paras) + "\n"
        if k < n_pair:
            en = pile.add("en", text["en"], rng)
            pile.gold[en] = pile.add("ko", text["ko"], rng)
            sentences["en"] += len(picked)
            sentences["ko"] += len(picked)
        else:
            lang = "en" if k < n_pair + n - n_pair else "ko"
            pile.add(lang, text[lang], rng, "removed")
            sentences[lang] += len(picked)
    pile.write()
    return {"sentences": sentences, "pairs": n_pair}


def child_scale(folder: Path, workers: int) -> None:
    from align.match import match_documents

    meta = json.loads((folder / "pile.json").read_text(encoding="utf-8"))
    kind = {tuple(key.split("/", 1)): k for key, k in meta["kind"].items()}
    en, ko = sorted((folder / "EN").iterdir()), sorted((folder / "KO").iterdir())
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    m = match_documents(en, ko, src_lang="en", tgt_lang="ko", workers=workers)
    seconds = time.perf_counter() - t0
    r = score(Pile(folder, meta["gold"], kind), api_pairs(m))
    out = {
        "seconds": seconds,
        "embed": m.embed_seconds,
        "match": m.match_seconds,
        "rss_start_mb": rss0 / 1024,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        **{k: r[k] for k in ("precision", "recall", "wrong", "unpartnered")},
    }
    print(json.dumps(out))


def mb(x: float) -> str:
    return f"{x:.0f} MB" if x < 1024 else f"{x / 1024:.2f} GB"


def run_scale(args, work: Path) -> None:
    has_cli, help_text = (False, "") if not args.scale_cli else cli_available()
    cores = os.cpu_count()
    print(f"\n## Scale (generated documents; own process per size; workers={args.workers}; {cores} cores)\n")
    header = ["docs a side (pairs)", "sentences en / ko", "wall s", "embed s", "match s"]
    header += [
        f"match / embed (≤ {TARGET_MATCH_SHARE:.0%})",
        "ms per doc a side",
        f"peak RSS (≤ {TARGET_GB:.0f} GB)",
    ]
    header += ["workers' peak", "tree peak", "precision", "recall", "load avg before"]
    print(table_head(header), flush=True)
    done, cli_rows = [], []
    for n in args.sizes:
        folder = work / f"scale-{n}"
        if not (folder / "pile.json").exists():
            shutil.rmtree(folder, ignore_errors=True)
            info = generate_scale(n, folder)
            (folder / "info.json").write_text(json.dumps(info), encoding="utf-8")
        info = json.loads((folder / "info.json").read_text(encoding="utf-8"))
        load = os.getloadavg()[0]  # other work on the machine slows the run down
        cmd = [sys.executable, __file__, "--child-scale", str(folder), "--workers", str(args.workers)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak = TreePeak(proc.pid)
        out, err = proc.communicate()
        tree_mb = peak.stop()
        if proc.returncode != 0:
            why = err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}"
            print(table_row([n, f"failed: {why}"]), flush=True)
            continue
        r = json.loads(out.strip().splitlines()[-1])
        r.update(n=n, tree_mb=tree_mb)
        done.append(r)
        share = r["match"] / r["embed"] if r["embed"] else float("inf")
        peak_mb = max(r["rss_mb"], tree_mb)
        cells = [f"{n:,} ({info['pairs']:,})", f"{info['sentences']['en']:,} / {info['sentences']['ko']:,}"]
        cells += [f"{r['seconds']:.1f}", f"{r['embed']:.1f}", f"{r['match']:.1f}"]
        cells += [mark(share, share <= TARGET_MATCH_SHARE, "{:.1%}"), f"{1000 * r['seconds'] / n:.1f}"]
        cells += [mb(r["rss_mb"]) + ("" if peak_mb <= TARGET_GB * 1024 else " ✗"), mb(r["children_rss_mb"])]
        cells += [mb(tree_mb), f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{load:.1f}"]
        print(table_row(cells), flush=True)
        if has_cli:
            c = run_cli(folder / "EN", folder / "KO", work / f"scale-{n}-cli", help_text)
            cli_rows.append([f"{n:,}", *([c["error"], "", ""] if "error" in c else [
                f"{c['seconds']:.1f}", f"{1000 * c['seconds'] / n:.1f}", mb(max(c["rss_mb"], c["tree_mb"]))
            ])])  # fmt: skip
    if cli_rows:
        print("\n`align match EN KO -o manifest.tsv`:\n")
        print(table(["docs a side", "wall s", "ms per doc a side", "peak RSS"], cli_rows))
    if len(done) > 1:
        a, b = done[0], done[-1]
        grow = b["n"] / a["n"]
        t_ratio = (b["seconds"] / b["n"]) / (a["seconds"] / a["n"])
        m_a, m_b = a["rss_mb"] - a["rss_start_mb"], b["rss_mb"] - b["rss_start_mb"]
        print(
            f"\nGrowth {a['n']:,} → {b['n']:,} documents ({grow:.0f}x): wall time x{b['seconds'] / a['seconds']:.1f}"
            f" (time per document x{t_ratio:.2f}; linear: about x1), matching time"
            f" x{b['match'] / a['match'] if a['match'] else float('nan'):.1f}, memory above the start"
            f" {mb(m_a)} → {mb(m_b)} (x{m_b / m_a if m_a > 0 else float('nan'):.1f}; linear: about x{grow:.0f})."
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", nargs="+", choices=["accuracy", "scale"], default=["accuracy", "scale"])
    ap.add_argument("--piles", nargs="+", choices=["enko_dev", "real_dev"], default=["enko_dev", "real_dev"])
    ap.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    ap.add_argument(
        "--sizes", nargs="+", type=int, default=[1000, 5000], help="Documents a side (issue: 20000 too)."
    )
    ap.add_argument("--workers", type=int, default=1, help="match_documents(workers=...) (default 1).")
    ap.add_argument(
        "--work", type=Path, help="Build the piles here and keep them (default: a temporary folder)."
    )
    ap.add_argument(
        "--no-cli", action="store_true", help="Accuracy: skip the `align match` command line runs."
    )
    ap.add_argument("--details", action="store_true", help="Accuracy: list every wrong and missed pair.")
    ap.add_argument(
        "--dates",
        type=float,
        default=None,
        metavar="DAYS",
        help="Accuracy: also match each pile with dates (dates.tsv, see date_pile) and this window in days.",
    )
    ap.add_argument("--scale-cli", action="store_true", help="Scale: also time `align match` on each size.")
    ap.add_argument("--child-scale", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_scale:
        child_scale(args.child_scale, args.workers)
        return 0
    if skip_without_shared("data/enko_dev/hard", "data/enko_dev/clean", "data/real_dev"):
        return 0
    try:
        import align.match  # noqa: F401
    except ImportError as exc:
        print(f"skipped: align.match is not importable ({exc})")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work.resolve() if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if "accuracy" in args.part:
            run_accuracy(args, work)
        if "scale" in args.part:
            run_scale(args, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
