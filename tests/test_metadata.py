"""Metadata narrows align match: dates with a window, keys (real model, real CLI).

The pile is ``tests/fixtures/match`` (see tests/test_match.py): six English articles,
their Korean translations under other names, and two documents on each side with no
counterpart.  Each test writes a metadata TSV of its own next to a copy of it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from align.errors import AlignError, InputError
from align.match import candidates
from align.metadata import Metadata, Narrowing, parse_window, read_metadata
from tests.match_pile import EXPECTED, FIXTURES, LONELY_EN, LONELY_KO, manifest_pairs, manifest_rows

LONELY = [f"en/{n}" for n in sorted(LONELY_EN)] + [f"ko/{n}" for n in sorted(LONELY_KO)]


_rows = manifest_rows
_pairs = manifest_pairs


def _reasons(manifest: Path) -> dict[str, str]:
    return {
        Path(r["path"]).name: r["reason"] for r in _rows(manifest.with_name(manifest.stem + ".unmatched.tsv"))
    }


@pytest.fixture
def pile(tmp_path) -> Path:
    root = tmp_path / "pile"
    shutil.copytree(FIXTURES, root)
    return root


def _dated(shift: dict[str, int] | None = None) -> list[tuple[str, str]]:
    """A date for every file: pair k on day 10k (its Korean edition a day later), the
    lonely documents far from all; ``shift`` moves files by days."""
    rows = []
    for k, (en, ko) in enumerate(sorted(EXPECTED.items())):
        rows += [(f"en/{en}", 10 * k), (f"ko/{ko}", 10 * k + 1)]
    rows += [(name, 200 + 10 * k) for k, name in enumerate(LONELY)]
    shift = shift or {}
    day0 = np.datetime64("2024-01-01")
    return [(name, str(day0 + np.timedelta64(d + shift.get(name, 0), "D"))) for name, d in rows]


def _write(path: Path, head: str, rows: list[tuple[str, ...]]) -> Path:
    path.write_text(head + "\n" + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _match(cli, pile: Path, *args: str):
    return cli("match", str(pile / "en"), str(pile / "ko"), "-o", str(pile / "m.tsv"), *args)


# ------------------------------------------------------------------ through the CLI
def test_a_date_window_keeps_every_true_pair(cli, pile):
    meta = _write(pile / "meta.tsv", "path\tdate", _dated())
    proc = _match(cli, pile, "--meta", str(meta), "--date-window", "3d")
    assert proc.returncode == 0, proc.stderr.decode()
    assert _pairs(pile / "m.tsv") == EXPECTED
    err = proc.stderr.decode().strip().splitlines()
    assert len(err) == 1 and "candidates narrowed by date window 3 days" in err[0]
    assert set(_reasons(pile / "m.tsv").values()) == {"no candidate within date window 3 days"}


def test_a_pair_outside_the_window_stays_unmatched(cli, pile):
    """The Korean edition of marathon.txt appears 40 days later: with a 3-day window the two
    cannot pair, and marathon.txt does not take a same-window stranger instead."""
    meta = _write(pile / "meta.tsv", "path\tdate", _dated({"ko/doc-0932.txt": 40}))
    proc = _match(cli, pile, "--meta", str(meta), "--date-window", "72h")
    assert proc.returncode == 0, proc.stderr.decode()
    assert _pairs(pile / "m.tsv") == {en: ko for en, ko in EXPECTED.items() if en != "marathon.txt"}
    reasons = _reasons(pile / "m.tsv")
    assert "marathon.txt" in reasons and "doc-0932.txt" in reasons
    # a window wide enough to reach it pairs them again
    wide = _match(cli, pile, "--meta", str(meta), "--date-window", "6w")
    assert wide.returncode == 0, wide.stderr.decode()
    assert _pairs(pile / "m.tsv") == EXPECTED


def test_keys_pair_only_documents_that_share_one(cli, pile):
    rows = [(f"en/{en}", f"story-{k}") for k, en in enumerate(sorted(EXPECTED))]
    rows += [(f"ko/{ko}", f"story-{k}") for k, ko in enumerate(v for _, v in sorted(EXPECTED.items()))]
    rows = [(name, "story-99" if name == "ko/doc-5120.txt" else key) for name, key in rows]
    meta = _write(pile / "keys.tsv", "key\tpath\tsection", [(key, name, "news") for name, key in rows])
    proc = _match(cli, pile, "--meta", str(meta))
    assert proc.returncode == 0, proc.stderr.decode()
    assert _pairs(pile / "m.tsv") == {en: ko for en, ko in EXPECTED.items() if en != "bakery-award.txt"}
    err = proc.stderr.decode()
    assert "candidates narrowed by same key" in err
    assert "4 documents without a key" in err  # the lonely ones, compared with all


def test_documents_without_a_date_are_compared_with_all(cli, pile):
    rows = [r for r in _dated({"ko/doc-4471.txt": 60}) if r[0] != "en/library-reopens.txt"]
    meta = _write(pile / "meta.tsv", "path\tdate", rows)
    proc = _match(cli, pile, "--meta", str(meta), "--date-window", "3")
    assert proc.returncode == 0, proc.stderr.decode()
    assert _pairs(pile / "m.tsv") == EXPECTED
    assert "align: warning: 1 document without a date in " in proc.stderr.decode()


def test_batch_match_takes_the_metadata(cli, pile, tmp_path):
    meta = _write(pile / "meta.tsv", "path\tdate", _dated({"ko/doc-0932.txt": 40}))
    out = tmp_path / "out"
    proc = cli(
        "batch", str(pile / "en"), str(pile / "ko"), "--match", "-o", str(out),
        "--meta", str(meta), "--date-window", "3d",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode()
    assert "marathon.txt" not in _pairs(out / "manifest.tsv") and len(_pairs(out / "manifest.tsv")) == 5
    alone = cli("batch", str(pile / "en"), "-o", str(tmp_path / "x"), "--meta", str(meta))
    assert alone.returncode == 2 and b"--match" in alone.stderr


@pytest.mark.parametrize(
    ("text", "args", "code", "message"),
    [
        ("path\tdate\nen/marathon.txt\tyesterday\n", ["--date-window", "3d"], 1,
         "meta.tsv:2: date 'yesterday' is not ISO 8601"),
        ("file\tdate\nen/marathon.txt\t2024-01-01\n", ["--date-window", "3d"], 1,
         "meta.tsv:1: needs a header with a path column"),
        ("path\tdate\nen/marathon.txt\t2024-01-01\t+1\n", [], 1, "meta.tsv:2: has 3 columns, the header has 2"),
        ("path\tdate\nen/marathon.txt\t2024-01-01\n./en/marathon.txt\t2024-01-02\n", [], 1,
         "meta.tsv:3: ./en/marathon.txt already has a row (line 2)"),
        ("path\tkey\nelsewhere/x.txt\tk\n", [], 1, "meta.tsv: none of its paths is an input file"),
        ("path\tkey\nen/marathon.txt\tk\n", ["--date-window", "3d"], 1, "meta.tsv: a date window needs a date column"),
        ("path\tdate\nen/marathon.txt\t2024-01-01\n", ["--date-window", "soon"], 2, "date window 'soon'"),
    ],
)  # fmt: skip
def test_bad_metadata_is_one_line(cli, pile, text, args, code, message):
    (pile / "meta.tsv").write_text(text, encoding="utf-8")
    proc = _match(cli, pile, "--meta", str(pile / "meta.tsv"), *args)
    err = proc.stderr.decode()
    assert proc.returncode == code, err
    assert message in err and "Traceback" not in err
    if code == 1:
        assert len(err.strip().splitlines()) == 1
    assert not (pile / "m.tsv").exists()


def test_a_window_needs_metadata(cli, pile):
    proc = _match(cli, pile, "--date-window", "3d")
    assert proc.returncode == 2 and b"--date-window needs --meta" in proc.stderr


def test_dates_without_a_window_are_not_used_and_say_so(cli, pile):
    meta = _write(pile / "meta.tsv", "path\tdate", _dated({"ko/doc-0932.txt": 40}))
    proc = _match(cli, pile, "--meta", str(meta))
    assert proc.returncode == 0, proc.stderr.decode()
    assert _pairs(pile / "m.tsv") == EXPECTED
    assert "its dates are not used without a date window" in proc.stderr.decode()


# ------------------------------------------------------------------ the parts
@pytest.mark.parametrize(
    ("text", "days"), [("3d", 3.0), ("3", 3.0), ("36h", 1.5), ("1w", 7.0), (" 2 days ", 2.0), ("0.5d", 0.5)]
)
def test_parse_window(text, days):
    assert parse_window(text) == pytest.approx(days)


@pytest.mark.parametrize("text", ["", "d", "3m", "-1d", "three days", "3d4h"])
def test_parse_window_refuses(text):
    with pytest.raises(AlignError):
        parse_window(text)


def test_read_metadata_dates_and_zones(tmp_path):
    meta = _write(
        tmp_path / "m.tsv",
        "Path\tDate\tKey",
        [("a.txt", "2024-03-01", "x"), ("b.txt", "2024-03-01T09:00+09:00", ""), ("/abs/c.txt", "", "y")],
    )
    m = read_metadata(meta)
    assert m.has_dates and m.has_keys
    assert m.date(tmp_path / "a.txt") == pytest.approx(
        m.date(tmp_path / "b.txt")
    )  # 09:00 KST is midnight UTC
    assert np.isnan(m.date("/abs/c.txt")) and np.isnan(m.date(tmp_path / "nowhere.txt"))
    assert (
        m.key(tmp_path / "a.txt") == "x" and m.key(tmp_path / "b.txt") is None and m.key("/abs/c.txt") == "y"
    )
    assert m.named([tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "d.txt", "/abs/c.txt"]) == 3


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\xff\xfe\x00bad", b"path\n"])
def test_read_metadata_refuses_files_that_are_not_metadata(tmp_path, data):
    (tmp_path / "m.tsv").write_bytes(data)
    with pytest.raises(InputError, match=r"m\.tsv"):
        read_metadata(tmp_path / "m.tsv")


def test_narrowed_candidates_are_the_best_allowed_ones():
    """candidates() with a date window and keys: each row's k best among the allowed
    pairs (and each column's), never a forbidden pair, whatever the block size."""
    rng = np.random.default_rng(3)
    n, m, k = 120, 90, 3
    a = rng.normal(size=(n, 8))
    b = rng.normal(size=(m, 8))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    da, db = rng.uniform(0, 60, n), rng.uniform(0, 60, m)
    da[::7] = np.nan  # unknown dates: allowed with all
    ka, kb = rng.integers(-1, 4, n), rng.integers(-1, 4, m)
    narrowing = Narrowing(da, db, ka, kb, window=5.0)
    ii, jj = candidates(a, b, k=k, block=17, narrowing=narrowing)
    ok = (np.isnan(da[:, None]) | (np.abs(da[:, None] - db[None, :]) <= 5)) & (
        (ka[:, None] < 0) | (kb[None, :] < 0) | (ka[:, None] == kb[None, :])
    )
    sims = np.where(ok, a @ b.T, -np.inf)
    want = set()
    for i in range(n):
        want |= {(i, int(j)) for j in np.argsort(-sims[i])[:k] if ok[i, j]}
    for j in range(m):
        want |= {(int(i), j) for i in np.argsort(-sims[:, j])[:k] if ok[i, j]}
    got = set(zip(ii.tolist(), jj.tolist(), strict=True))
    assert got == want and all(ok[i, j] for i, j in got)
    assert ok.mean() < 0.5  # the narrowing did narrow


def test_narrowing_without_values_allows_everything():
    n = Narrowing(np.full(3, np.nan), np.full(2, np.nan), np.full(3, -1), np.full(2, -1), window=1.0)
    assert n.allowed(0, 3).all() and n.unknown() == (5, 5)
    assert Metadata().named(["a"]) == 0
