"""align batch: same corpus on every engine, resumable after SIGKILL, bad documents reported, warm cache."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

DOCS = ["harbor_bridge", "seed_bank"]


@pytest.fixture(scope="module")
def batch_input(corpora, tmp_path_factory) -> Path:
    """Eight document pairs (copies under other names, one edited), one empty Korean file, one lonely file."""
    root = tmp_path_factory.mktemp("batch-in")
    (root / "en").mkdir()
    (root / "ko").mkdir()
    for k in range(4):
        for name in DOCS:
            en = (corpora / f"{name}.en.txt").read_text(encoding="utf-8")
            ko = (corpora / f"{name}.ko.txt").read_text(encoding="utf-8")
            if k == 3:  # a variant, so not every pair is a duplicate
                en = en.replace("Friday", "Saturday")
                ko = ko.replace("금요일", "토요일")
            (root / "en" / f"{name}{k}.txt").write_text(en, encoding="utf-8")
            (root / "ko" / f"{name}{k}.txt").write_text(ko, encoding="utf-8")
    (root / "ko" / "seed_bank1.txt").write_bytes(b"")  # a bad document in the middle
    (root / "en" / "lonely.txt").write_text("No partner here.\n", encoding="utf-8")
    return root


def _batch(cli, src, out, *args):
    proc = cli("batch", str(src), "-o", str(out), "--shard-size", "2", "--allow-failures", *args)
    assert proc.returncode == 0, proc.stderr
    return proc


def _corpus(out: Path) -> str:
    return (out / "corpus.tsv").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reference(cli, batch_input, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("batch-ref") / "out"
    _batch(cli, batch_input, out, "--workers", "1", "--export", "tsv", "--export", "tmx")
    return out


def test_batch_outputs_and_bad_document(reference):
    stats = json.loads((reference / "stats.json").read_text(encoding="utf-8"))
    assert stats["documents"] == 8 and stats["documents_ok"] == 7
    assert stats["documents_failed"][0]["doc_id"] == "seed_bank1"
    assert "is empty" in stats["documents_failed"][0]["error"]
    assert any("lonely.txt" in p for p in stats["unpaired_files"])
    assert stats["removed"]["duplicate"] > 0
    docs = [json.loads(x) for x in (reference / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["doc_id"] for d in docs] == sorted(d["doc_id"] for d in docs)
    assert all(d["status"] == "ok" and d["p_translation"] > 0.5 for d in docs if d["doc_id"] != "seed_bank1")
    corpus = _corpus(reference)
    assert "Saturday" in corpus and "토요일" in corpus
    assert (reference / "corpus.tmx").exists()
    lines = corpus.splitlines()
    assert len(lines) - 1 == stats["pairs"]


def test_two_workers_give_the_same_corpus(cli, batch_input, reference, tmp_path):
    proc = _batch(cli, batch_input, tmp_path / "out", "--workers", "2", "--cache", "")
    assert _corpus(tmp_path / "out") == _corpus(reference)
    assert "error in document seed_bank1" in proc.stderr.decode()


@pytest.mark.ray
def test_ray_gives_the_same_corpus(cli, batch_input, reference, tmp_path):
    pytest.importorskip("ray", reason="the align[ray] extra is not installed")
    _batch(cli, batch_input, tmp_path / "out", "--engine", "ray", "--workers", "2", "--cache", "")
    assert _corpus(tmp_path / "out") == _corpus(reference)


def test_killed_run_resumes_to_the_same_corpus(batch_input, reference, tmp_path):
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "align",
        "batch",
        str(batch_input),
        "-o",
        str(out),
        "--shard-size",
        "2",
        "-q",
        "--cache",
        "",
        "--allow-failures",
    ]
    env = dict(os.environ, ALIGN_THREADS="1")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first = out / "shards" / "00000.done"
    deadline = time.time() + 120
    while not first.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert first.exists()
    assert not (out / "stats.json").exists()  # it really died before the end
    for f in (out / "shards").glob("*.jsonl"):  # every file under a real name is complete
        for line in f.read_text(encoding="utf-8").splitlines():
            json.loads(line)
    rerun = subprocess.run(cmd, env=env, capture_output=True)  # the same command again
    assert rerun.returncode == 0, rerun.stderr
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    assert stats["run"]["shards_done_before"] >= 1
    assert _corpus(out) == _corpus(reference)
    assert not list((out / "shards").glob(".*.tmp"))  # the killed run's temporary files are gone


def test_warm_cache_embeds_nothing(cli, batch_input, tmp_path):
    cache = tmp_path / "emb.sqlite"
    _batch(cli, batch_input, tmp_path / "a", "--cache", str(cache))
    first = json.loads((tmp_path / "a" / "stats.json").read_text(encoding="utf-8"))["run"]["embedded"]
    assert first > 0
    proc = _batch(cli, batch_input, tmp_path / "b", "--cache", str(cache))
    stats = json.loads((tmp_path / "b" / "stats.json").read_text(encoding="utf-8"))
    assert stats["run"]["embedded"] == 0
    assert " 0 strings embedded" in proc.stderr.decode()
    assert _corpus(tmp_path / "b") == _corpus(tmp_path / "a")
    # other alignment parameters: the sentences come from the cache, only new merges are embedded
    _batch(cli, batch_input, tmp_path / "c", "--cache", str(cache), "--max-merge", "3")
    other = json.loads((tmp_path / "c" / "stats.json").read_text(encoding="utf-8"))["run"]["embedded"]
    assert other < first


def test_resume_with_other_options_is_refused(cli, batch_input, reference):
    proc = cli("batch", str(batch_input), "-o", str(reference), "--shard-size", "2", "--max-merge", "3")
    assert proc.returncode == 1
    assert b"holds a batch with other options" in proc.stderr and b"Traceback" not in proc.stderr


def test_resume_with_the_same_ids_paired_otherwise_is_refused(cli, batch_input, tmp_path):
    """Same doc_ids, other files (a re-run align match that paired differently): the
    folder's batch is refused, not resumed into a corpus of two pairings."""
    row = "{}\t{}/en/{}.txt\t{}/ko/{}.txt\n"
    manifest = tmp_path / "m.tsv"
    manifest.write_text(
        "doc_id\ten_path\tko_path\n"
        + row.format("a", batch_input, "harbor_bridge0", batch_input, "harbor_bridge0")
        + row.format("b", batch_input, "seed_bank0", batch_input, "seed_bank0"),
        encoding="utf-8",
    )
    _batch(cli, manifest, tmp_path / "out")
    manifest.write_text(
        "doc_id\ten_path\tko_path\n"
        + row.format("a", batch_input, "harbor_bridge0", batch_input, "harbor_bridge2")
        + row.format("b", batch_input, "seed_bank0", batch_input, "seed_bank0"),
        encoding="utf-8",
    )
    proc = cli("batch", str(manifest), "-o", str(tmp_path / "out"), "--shard-size", "2")
    assert proc.returncode == 1
    assert b"holds a batch with other options or documents" in proc.stderr and b"Traceback" not in proc.stderr


def test_manifest_input(cli, batch_input, tmp_path):
    manifest = tmp_path / "m.tsv"
    manifest.write_text(
        "doc_id\ten_path\tko_path\tsection\n"
        f"a\t{batch_input}/en/harbor_bridge0.txt\t{batch_input}/ko/harbor_bridge0.txt\tcity\n"
        f"b\t{batch_input}/en/seed_bank0.txt\t{batch_input}/ko/seed_bank0.txt\tscience\n",
        encoding="utf-8",
    )
    _batch(cli, manifest, tmp_path / "out")
    docs = [
        json.loads(x) for x in (tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [(d["doc_id"], d["section"]) for d in docs] == [("a", "city"), ("b", "science")]


def _pair_folders(corpora: Path, src: Path) -> Path:
    """``src/en`` and ``src/ko`` holding the sample documents of :data:`DOCS`."""
    for side in ("en", "ko"):
        (src / side).mkdir(parents=True)
        for name in DOCS:
            text = (corpora / f"{name}.{side}.txt").read_text(encoding="utf-8")
            (src / side / f"{name}.txt").write_text(text, encoding="utf-8")
    return src


def test_two_workers_leave_the_callers_thread_limits_alone(corpora, tmp_path, monkeypatch):
    """run_batch(workers=2) limits its worker processes to one thread, not the process that calls it."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from align import BatchOptions, run_batch

    src = _pair_folders(corpora, tmp_path / "in")
    monkeypatch.setenv("ALIGN_THREADS", "2")
    with threadpoolctl.threadpool_limits(limits=2):
        before = {p["filepath"]: p["num_threads"] for p in threadpoolctl.threadpool_info()}
        if all(n == 1 for n in before.values()):
            pytest.skip("no thread pool runs more than one thread here: nothing to see")
        options = BatchOptions(workers=2, shard_size=1, cache="", exports=())
        stats = run_batch(src, tmp_path / "out", options, progress=False)
        after = {p["filepath"]: p["num_threads"] for p in threadpoolctl.threadpool_info()}
    assert stats["documents_ok"] == 2
    assert {k: after[k] for k in before} == before
    assert os.environ["ALIGN_THREADS"] == "2"


@pytest.mark.parametrize("caller_froze", [False, True])
def test_two_workers_leave_the_callers_garbage_collector_as_it_was(corpora, tmp_path, caller_froze):
    """run_batch(workers=2) freezes the parent's objects out of the collector while its
    workers run (so that their collections do not copy the parent's pages) and thaws
    them after; the collector of a caller that froze objects itself is left alone."""
    import gc

    from align import BatchOptions, run_batch

    src = _pair_folders(corpora, tmp_path / "in")
    gc.unfreeze()
    if caller_froze:
        gc.freeze()
    frozen = gc.get_freeze_count()
    try:
        options = BatchOptions(workers=2, shard_size=1, cache="", exports=())
        stats = run_batch(src, tmp_path / "out", options, progress=False)
        assert stats["documents_ok"] == 2
        # nothing more frozen, nothing thawed (the count may drop: the fork lets go of
        # the model sessions of earlier aligners, objects the caller froze)
        assert gc.get_freeze_count() <= frozen
        assert (gc.get_freeze_count() > 0) == caller_froze
    finally:
        gc.unfreeze()
