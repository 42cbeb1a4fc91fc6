"""align match: pairs documents that translate each other (real model, real CLI, real Ray).

The pile is ``tests/fixtures/match``: six English articles and their Korean
translations under unrelated names, two English articles with no counterpart (one on
the same story as a paired one) and two Korean ones (one on the same topic as a paired
one).  Tests add duplicates, wrong-language, empty and unreadable files to copies of it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from align.match import (
    Match,
    Matching,
    SideVectors,
    assign,
    candidates,
    expand_inputs,
    load_match_calibration,
    match_documents,
    match_vectors,
    unmatched_path,
)
from tests.match_pile import EXPECTED, FIXTURES, LONELY_EN, LONELY_KO, manifest_pairs, manifest_rows


def _pile(root: Path) -> Path:
    """A copy of the fixture pile under ``root`` (tests add files to it)."""
    shutil.copytree(FIXTURES, root)
    return root


_rows = manifest_rows
_pairs = manifest_pairs


def _match(cli, *args: str) -> subprocess.CompletedProcess:
    proc = cli("match", *args)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc


@pytest.fixture(scope="module")
def reference(cli, tmp_path_factory) -> Path:
    """The fixture pile matched once through the CLI, one local worker."""
    out = tmp_path_factory.mktemp("match-ref")
    _match(cli, str(FIXTURES / "en"), str(FIXTURES / "ko"), "-o", str(out / "manifest.tsv"))
    return out / "manifest.tsv"


def test_cli_pile_gives_the_expected_manifest(reference):
    assert _pairs(reference) == EXPECTED
    rows = _rows(reference)
    assert list(rows[0]) == ["en_path", "ko_path", "doc_id", "score", "margin"]
    assert [r["doc_id"] for r in rows] == [Path(n).stem for n in sorted(EXPECTED)]
    assert all(0.5 <= float(r["score"]) <= 1 and 0 < float(r["margin"]) <= 1 for r in rows)
    unmatched = _rows(unmatched_path(reference))
    assert {(r["side"], Path(r["path"]).name) for r in unmatched} == {
        *(("en", n) for n in LONELY_EN),
        *(("ko", n) for n in LONELY_KO),
    }
    assert all(r["reason"].startswith("no counterpart") for r in unmatched)


def test_summary_and_paths(cli, tmp_path):
    """Paths inside the manifest's folder are written relative to it; the summary is one line."""
    pile = _pile(tmp_path / "pile")
    proc = _match(cli, str(pile / "en"), str(pile / "ko"), "-o", str(pile / "pairs.tsv"))
    rows = _rows(pile / "pairs.tsv")
    assert rows[0]["en_path"] == "en/bakery-award.txt" and rows[0]["ko_path"] == "ko/doc-5120.txt"
    assert (pile / "pairs.unmatched.tsv").exists()
    err = proc.stderr.decode().strip().splitlines()
    assert len(err) == 1 and err[0].startswith("align: matched 6 pairs of 8 en / 8 ko documents")


def test_library_api(tmp_path):
    en = sorted((FIXTURES / "en").iterdir())
    ko = sorted((FIXTURES / "ko").iterdir())
    m = match_documents(en, ko)
    assert isinstance(m, Matching) and all(isinstance(p, Match) for p in m.pairs)
    assert {p.src.name: p.tgt.name for p in m.pairs} == EXPECTED
    assert {p.name for p in m.unmatched_src} == LONELY_EN
    assert {p.name for p in m.unmatched_tgt} == LONELY_KO
    assert m.duplicates == [] and m.problems == []
    assert m.embed_seconds > 0 and m.match_seconds >= 0 and m.embedded > 0 and m.calibrated
    # a threshold above every score keeps nothing
    strict = match_documents(en, ko, min_score=1.0)
    assert strict.pairs == [] and len(strict.unmatched_src) == len(en)


def test_empty_inputs_in_the_library():
    m = match_documents([], [])
    assert m.pairs == [] and m.unmatched_src == [] and m.problems == []


def test_ray_gives_the_same_manifest(cli, reference, tmp_path):
    pytest.importorskip("ray", reason="the align[ray] extra is not installed")
    _match(
        cli,
        str(FIXTURES / "en"),
        str(FIXTURES / "ko"),
        "-o",
        str(tmp_path / "manifest.tsv"),
        "--engine",
        "ray",
        "--workers",
        "2",
    )
    assert (tmp_path / "manifest.tsv").read_text() == reference.read_text()
    assert unmatched_path(tmp_path / "manifest.tsv").read_text() == unmatched_path(reference).read_text()


test_ray_gives_the_same_manifest = pytest.mark.ray(pytest.mark.slow(test_ray_gives_the_same_manifest))


def test_two_workers_and_a_warm_cache_give_the_same_manifest(cli, reference, tmp_path):
    cache = tmp_path / "emb.sqlite"
    args = [str(FIXTURES / "en"), str(FIXTURES / "ko"), "--cache", str(cache)]
    first = _match(cli, *args, "-o", str(tmp_path / "a.tsv"), "--workers", "2")
    second = _match(cli, *args, "-o", str(tmp_path / "b.tsv"))
    assert (tmp_path / "a.tsv").read_text() == reference.read_text()
    assert (tmp_path / "b.tsv").read_text() == reference.read_text()
    assert " 0 strings embedded" not in first.stderr.decode()
    assert " 0 strings embedded" in second.stderr.decode()


def test_batch_after_match_embeds_no_sentence_again(cli, tmp_path):
    """align batch --match: the alignment finds every sentence in the cache the match filled."""
    out = tmp_path / "out"
    proc = cli("batch", str(FIXTURES / "en"), str(FIXTURES / "ko"), "--match", "-o", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    assert _pairs(out / "manifest.tsv") == EXPECTED
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    assert stats["documents"] == 6 and stats["documents_ok"] == 6
    docs = [json.loads(x) for x in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(float(d["score"]) > 0.5 for d in docs)  # the manifest's columns travel along
    cold = cli("batch", str(out / "manifest.tsv"), "-o", str(tmp_path / "cold"), "--cache", "")
    assert cold.returncode == 0, cold.stderr.decode()
    cold_stats = json.loads((tmp_path / "cold" / "stats.json").read_text(encoding="utf-8"))
    sentences = sum(d["en_sentences"] + d["ko_sentences"] for d in docs)
    assert stats["run"]["embedded"] == cold_stats["run"]["embedded"] - sentences
    assert (out / "corpus.tsv").read_text() == (tmp_path / "cold" / "corpus.tsv").read_text()


@pytest.mark.slow
def test_killed_match_batch_resumes_to_the_same_manifest(cli, reference, tmp_path):
    """SIGKILL during align batch --match, then the same command: the same manifest and corpus."""
    ref = tmp_path / "ref"
    whole = cli(
        "batch", str(FIXTURES / "en"), str(FIXTURES / "ko"), "--match", "-o", str(ref), "--shard-size", "2"
    )
    assert whole.returncode == 0, whole.stderr.decode()
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "align", "batch", str(FIXTURES / "en"), str(FIXTURES / "ko")]
    cmd += ["--match", "-o", str(out), "--shard-size", "2", "-q"]
    env = dict(os.environ, ALIGN_THREADS="1")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while not (out / "cache.sqlite").exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "stats.json").exists()  # it died before the end
    rerun = subprocess.run(cmd, env=env, capture_output=True)
    assert rerun.returncode == 0, rerun.stderr
    assert (out / "manifest.tsv").read_text() == (ref / "manifest.tsv").read_text()
    assert (out / "corpus.tsv").read_text() == (ref / "corpus.tsv").read_text()
    assert _pairs(out / "manifest.tsv") == EXPECTED
    again = subprocess.run(cmd, env=env, capture_output=True)  # a finished run: nothing left to do
    assert again.returncode == 0 and (out / "manifest.tsv").read_text() == (ref / "manifest.tsv").read_text()


def test_duplicates_unreadable_and_wrong_language_files(cli, tmp_path):
    """Each bad file is one line on standard error and one row of the report; the rest go on."""
    pile = _pile(tmp_path / "pile")
    # the same text twice on each side (spacing differs): one is matched, one reported
    text = (pile / "ko" / "doc-3141.txt").read_text(encoding="utf-8")
    (pile / "ko" / "zz-copy.txt").write_text("  " + text.replace(" ", "  "), encoding="utf-8")
    (pile / "en" / "aa-copy.txt").write_text((pile / "en" / "marathon.txt").read_text().replace("\n", "\n\n"))
    (pile / "en" / "empty.txt").write_bytes(b"")
    (pile / "en" / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (pile / "ko" / "broken-link.txt").symlink_to(pile / "ko" / "nowhere.txt")
    (pile / "ko" / "english.txt").write_text((pile / "en" / "weather-week.txt").read_text())
    (pile / "en" / "tab\tname.txt").write_text((pile / "en" / "weather-week.txt").read_text())
    proc = _match(cli, str(pile / "en"), str(pile / "ko"), "-o", str(pile / "m.tsv"))
    err = proc.stderr.decode()
    assert "Traceback" not in err
    warnings = [line for line in err.splitlines() if line.startswith("align: warning:")]
    assert len(warnings) == 5
    for name in ("empty.txt", "binary.bin", "broken-link.txt", "english.txt", "tab\tname.txt"):
        assert sum(name in w for w in warnings) == 1
    pairs = _pairs(pile / "m.tsv")
    assert len(pairs) == 6
    assert pairs["river-cleanup.txt"] == "doc-3141.txt"  # the first of the two copies
    # the copy comes first by name: it is kept, the original reported
    assert pairs.get("aa-copy.txt") == "doc-0932.txt" and "marathon.txt" not in pairs
    report = {Path(r["path"]).name: r["reason"] for r in _rows(pile / "m.unmatched.tsv")}
    assert report["zz-copy.txt"] == "duplicate of ko/doc-3141.txt"
    assert report["marathon.txt"].startswith("duplicate of")
    assert "is empty" in report["empty.txt"]
    assert "Hangul" in report["english.txt"]
    assert report["weather-week.txt"].startswith("no counterpart; closest: ko/")
    assert "tab or line break" in report["tab\\tname.txt"]  # escaped in the report
    assert "2 duplicates; 5 unusable files" in err


def test_library_reports_duplicates_as_kept_then_duplicate(tmp_path):
    pile = _pile(tmp_path / "pile")
    (pile / "ko" / "zz-copy.txt").write_text((pile / "ko" / "doc-3141.txt").read_text())
    m = match_documents(sorted((pile / "en").iterdir()), sorted((pile / "ko").iterdir()))
    assert [(a.name, b.name) for a, b in m.duplicates] == [("doc-3141.txt", "zz-copy.txt")]
    assert "zz-copy.txt" not in {p.name for p in m.unmatched_tgt}


def test_every_document_in_the_wrong_language(cli, tmp_path):
    """A Korean side that holds English files (swapped folders): an error, nothing written."""
    proc = cli("match", str(FIXTURES / "en"), str(FIXTURES / "en"), "-o", str(tmp_path / "m.tsv"))
    assert proc.returncode == 1
    err = proc.stderr.decode()
    assert err.count("align: warning:") == 8 and "no usable ko document" in err
    assert "Traceback" not in err and not (tmp_path / "m.tsv").exists()


def test_empty_folder_and_missing_input(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    proc = cli("match", str(tmp_path / "empty"), str(FIXTURES / "ko"), "-o", str(tmp_path / "m.tsv"))
    assert proc.returncode == 1 and b"no files to match" in proc.stderr
    proc = cli("match", str(tmp_path / "nothing"), str(FIXTURES / "ko"), "-o", str(tmp_path / "m.tsv"))
    assert proc.returncode == 1 and b"no such file or folder" in proc.stderr
    assert not (tmp_path / "m.tsv").exists()


def test_outputs_never_overwrite_inputs(cli, tmp_path):
    pile = _pile(tmp_path / "pile")
    target = pile / "en" / "weather-week.txt"
    before = target.read_bytes()
    proc = cli("match", str(pile / "en"), str(pile / "ko"), "-o", str(target))
    assert proc.returncode == 1 and b"is one of the inputs" in proc.stderr
    assert target.read_bytes() == before


def test_globs_and_lists(cli, reference, tmp_path):
    listing = tmp_path / "ko.list"
    listing.write_text("".join(f"{p}\n" for p in sorted((FIXTURES / "ko").iterdir())), encoding="utf-8")
    _match(cli, str(FIXTURES / "en" / "*.txt"), f"@{listing}", "-o", str(tmp_path / "m.tsv"))
    assert (tmp_path / "m.tsv").read_text() == reference.read_text()
    assert expand_inputs(FIXTURES / "en" / "**" / "marathon*.txt") == [
        FIXTURES / "en" / "marathon-results.txt",
        FIXTURES / "en" / "marathon.txt",
    ]


def test_batch_match_that_pairs_otherwise_is_not_resumed(cli, tmp_path):
    """align batch --match again on the same folder, where the documents now pair
    differently (a stricter --match-min-score): refused, and the manifest the folder's
    corpus was built from is left as it was."""
    out = tmp_path / "out"
    proc = cli("batch", str(FIXTURES / "en"), str(FIXTURES / "ko"), "--match", "-o", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    before = (out / "manifest.tsv").read_bytes()
    same = cli("batch", str(FIXTURES / "en"), str(FIXTURES / "ko"), "--match", "-o", str(out))
    assert same.returncode == 0, same.stderr.decode()
    again = cli(
        "batch", str(FIXTURES / "en"), str(FIXTURES / "ko"), "--match", "-o", str(out),
        "--match-min-score", "0.999",
    )  # fmt: skip
    err = again.stderr.decode()
    assert again.returncode == 1 and "holds a batch of another pairing" in err and "Traceback" not in err
    assert (out / "manifest.tsv").read_bytes() == before


def test_batch_match_needs_two_inputs(cli, tmp_path):
    proc = cli("batch", str(FIXTURES / "en"), "--match", "-o", str(tmp_path / "out"))
    assert proc.returncode == 2 and b"--match needs two inputs" in proc.stderr
    proc = cli("batch", str(FIXTURES / "en"), str(FIXTURES / "ko"), "-o", str(tmp_path / "out"))
    assert proc.returncode == 2 and b"two with --match" in proc.stderr


# ------------------------------------------------------------------ the stages on arrays
def _side(vectors: list[np.ndarray]) -> SideVectors:
    return SideVectors(
        list(range(len(vectors))),
        [v.astype(np.float16) for v in vectors],
        [np.ones(len(v), np.float32) for v in vectors],
    )


def _unit(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = x / np.linalg.norm(x, axis=-1, keepdims=True)
    return out


def test_blocked_candidates_equal_the_full_search():
    rng = np.random.default_rng(0)
    a, b = _unit(rng.normal(size=(300, 16))), _unit(rng.normal(size=(250, 16)))
    ii, jj = candidates(a, b, k=3, block=37)
    sims = a @ b.T
    rows = {(i, int(j)) for i in range(300) for j in np.argsort(-sims[i])[:3]}
    cols = {(int(i), j) for j in range(250) for i in np.argsort(-sims[:, j])[:3]}
    assert set(zip(ii.tolist(), jj.tolist(), strict=True)) == rows | cols
    assert np.all(np.diff(ii * 250 + jj) > 0)  # sorted, unique


def test_assignment_is_one_to_one_and_margins_count_free_rivals():
    ii = np.array([0, 0, 1, 1])
    jj = np.array([0, 1, 0, 1])
    score = np.array([0.9, 0.8, 0.85, 0.3])
    taken, margins = assign(ii, jj, score)
    assert taken.tolist() == [0, 3]  # (0,0) first; (1,0) and (0,1) are then blocked
    assert margins[0] == pytest.approx(0.9 - 0.85)
    assert margins[1] == pytest.approx(0.3)  # no free rival left


def test_translations_win_over_near_copies_and_strangers():
    """On arrays: a document beats its copy with sentences missing, and a stranger stays alone."""
    rng = np.random.default_rng(1)
    cal = load_match_calibration("use-multilingual-v3")
    docs = [_unit(rng.normal(size=(6, 64))) for _ in range(4)]
    noise = [_unit(d + 0.35 * _unit(rng.normal(size=d.shape))) for d in docs]
    src = _side([docs[0], docs[1], docs[2]])
    # target: translations of 0 and 1, a copy of 1's translation missing half its sentences,
    # and a stranger; document 2 has no translation
    tgt = _side([noise[1][:3], noise[0], noise[1], _unit(rng.normal(size=(6, 64)))])
    scored = match_vectors(src, tgt, cal)
    kept = {
        (int(scored.ii[c]), int(scored.jj[c]))
        for c, p in zip(scored.taken, scored.probability, strict=True)
        if p >= cal.threshold
    }
    assert kept == {(0, 1), (1, 2)}
