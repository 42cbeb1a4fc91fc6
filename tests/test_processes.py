"""align_many's documents side by side in forked processes (align/processes.py): the
real bundled model, real forks."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import pickle
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from align import Aligner
from align.cache import DiskCache
from align.embed import PlainEmbedder, USEEmbedder
from align.errors import InputError
from align.processes import DOCUMENT_BYTES, document_processes, shares

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="helpers are forked")


@pytest.fixture(scope="module")
def model() -> USEEmbedder:
    return USEEmbedder(threads=2)


def _documents(corpora: Path, tmp_path: Path) -> list[tuple[Path, Path]]:
    """Six document pairs of different sizes (the samples, their halves, one doubled)
    and one that fails (an empty Korean side), written here."""
    docs = []
    for name in ("harbor_bridge", "seed_bank"):
        en = (corpora / f"{name}.en.txt").read_text(encoding="utf-8").split("\n\n")
        ko = (corpora / f"{name}.ko.txt").read_text(encoding="utf-8").split("\n\n")
        for tag, (e, k) in {
            "whole": (en, ko),
            "half": (en[: len(en) // 2], ko[: len(ko) // 2]),
            "twice": (en + en[3:], ko + ko[3:]),
        }.items():
            src, tgt = tmp_path / f"{name}_{tag}.en.txt", tmp_path / f"{name}_{tag}.ko.txt"
            src.write_text("\n\n".join(e), encoding="utf-8")
            tgt.write_text("\n\n".join(k), encoding="utf-8")
            docs.append((src, tgt))
    empty = tmp_path / "empty.ko.txt"
    empty.write_text("", encoding="utf-8")
    docs.insert(3, (docs[0][0], empty))
    return docs


def _same(a: list, b: list) -> None:
    """Outcomes of the same documents: the same pairs, scores within 1e-5, the same errors."""
    assert len(a) == len(b)
    for (x, _), (y, _) in zip(a, b, strict=True):
        if isinstance(x, Exception):
            assert type(x) is type(y) and str(x) == str(y)
            continue
        assert x.doc_id == y.doc_id
        assert [(p.src, p.tgt, p.kind) for p in x.pairs] == [(p.src, p.tgt, p.kind) for p in y.pairs]
        assert [p.score for p in x.pairs] == pytest.approx([p.score for p in y.pairs], abs=1e-5)


def _helpers() -> set[int]:
    return {p.pid for p in multiprocessing.active_children()}


def test_two_processes_give_what_one_gives_in_order(model, corpora, tmp_path):
    docs = _documents(corpora, tmp_path)
    ids = [f"doc{k}" for k in range(len(docs))]
    before = _helpers()
    with Aligner(model) as two:
        got = two.align_many(docs, ids)
        assert len(_helpers() - before) == 1  # one helper forked, kept for the next call
        again = two.align_many(docs, ids)
    one = Aligner(model, processes=1).align_many(docs, ids)
    _same(got, one)
    _same(again, one)
    assert [r.doc_id for r, _ in got if not isinstance(r, Exception)] == [i for i in ids if i != "doc3"]
    bad, _ = got[3]
    assert isinstance(bad, InputError) and "empty.ko.txt" in str(bad) and bad.path.endswith("empty.ko.txt")
    assert all(s > 0 for _, s in got)


def test_a_helper_that_dies_costs_only_time(model, corpora, tmp_path):
    docs = _documents(corpora, tmp_path)
    one = Aligner(model, processes=1).align_many(docs)
    with Aligner(model, processes=2) as aligner:
        before = _helpers()
        aligner.align_many(docs[:2])
        (helper,) = _helpers() - before
        os.kill(helper, signal.SIGKILL)
        while helper in _helpers():  # reaped
            time.sleep(0.01)
        _same(aligner.align_many(docs), one)  # its share aligned here instead
        _same(aligner.align_many(docs), one)  # and a new helper forked for the next call
        assert len(_helpers() - before) == 1


def test_the_helpers_counts_and_settings_follow_the_caller(model, corpora):
    docs = [(corpora / f"{n}.en.txt", corpora / f"{n}.ko.txt") for n in ("harbor_bridge", "seed_bank")]
    one, two = Aligner(model, processes=1), Aligner(model, processes=2)
    one.align_many(docs), two.align_many(docs)
    # distinct documents: the strings embedded are the same, counted across processes
    assert two.embedder.encoded == one.embedder.encoded > 0
    assert two.search_seconds > 0
    two.align_many(docs)
    assert two.embedder.encoded == one.embedder.encoded  # the helper's cache held its share
    two.embedder.clear()  # a clear reaches the helper's copy too
    two.align_many(docs)
    assert two.embedder.encoded == 2 * one.embedder.encoded
    # a setting changed after the fork is what the helper aligns with
    two.params = dataclasses.replace(two.params, max_merge=2)
    fresh = Aligner(model, processes=1, max_merge=2)
    _same(two.align_many(docs), fresh.align_many(docs))
    two.close()


def test_a_disk_cache_is_filled_by_every_process(model, corpora, tmp_path):
    docs = _documents(corpora, tmp_path)
    path = tmp_path / "cache.sqlite"
    with Aligner(DiskCache(model, path), processes=2) as first:
        got = first.align_many(docs)
        misses = first.embedder.inner.misses
    assert misses > 0
    with Aligner(DiskCache(model, path), processes=2) as second:
        _same(second.align_many(docs), got)
        assert second.embedder.inner.misses == 0 and second.embedder.inner.hits > 0
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_close_lets_the_helpers_go(model, corpora):
    docs = [(corpora / f"{n}.en.txt", corpora / f"{n}.ko.txt") for n in ("harbor_bridge", "seed_bank")]
    before = _helpers()
    aligner = Aligner(model, processes=2)
    aligner.align_many(docs)
    (helper,) = _helpers() - before
    aligner.close()
    deadline = time.monotonic() + 30
    while helper in _helpers() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert helper not in _helpers()


def test_when_align_many_stays_in_one_process(model, corpora):
    docs = [(corpora / f"{n}.en.txt", corpora / f"{n}.ko.txt") for n in ("harbor_bridge", "seed_bank")]
    before = _helpers()
    Aligner(model, processes=1).align_many(docs)
    Aligner(model).align_many(docs[:1])  # one document
    assert _helpers() == before
    assert document_processes(model, None, 5) == 2  # the model's threads
    assert document_processes(model, None, 1) == 1
    assert document_processes(model, 4, 3) == 3  # at most one per document
    assert document_processes(USEEmbedder(threads=1), None, 5) == 1
    plain = PlainEmbedder(_Constant())  # a model that may not survive fork
    assert document_processes(plain, None, 5) == 1 and document_processes(plain, 2, 5) == 2


class _Constant:
    name = "constant"

    def encode(self, texts):
        import numpy as np

        return np.ones((len(texts), 4), dtype=np.float32) / 2


@pytest.mark.parametrize(
    ("sizes", "count"),
    [([5000, 10, 10, 10, 4000, 3000], 2), ([1] * 7, 3), ([100, 200], 2), ([300, 50, 50, 900, 20], 4)],
)
def test_shares_cover_every_document_once_and_balance_the_work(sizes, count):
    got = shares(sizes, count)
    assert sorted(k for share in got for k in share) == list(range(len(sizes)))
    assert all(share == sorted(share) and share for share in got)
    assert len(got) == min(count, len(sizes))
    work = [sum(sizes[k] + DOCUMENT_BYTES for k in share) for share in got]
    largest = max(sizes) + DOCUMENT_BYTES
    assert max(work) - min(work) <= largest  # greedy: within one document of each other


def test_input_errors_survive_pickling():
    err = pickle.loads(pickle.dumps(InputError("a/b.txt", "is empty", line=3)))
    assert isinstance(err, InputError) and str(err) == "a/b.txt:3: is empty"
    assert (err.path, err.message, err.line) == ("a/b.txt", "is empty", 3)


def test_outcomes_a_helper_cannot_send_back_are_made_here(corpora):
    """A model error that cannot be pickled (a class defined in a function) fails the
    helper's call; its share is aligned in the caller, which gets the same errors."""

    class Broken(Exception):
        pass

    class Failing:
        name = "failing"

        def encode(self, texts):
            raise Broken("the model is down")

    docs = [(corpora / f"{n}.en.txt", corpora / f"{n}.ko.txt") for n in ("harbor_bridge", "seed_bank")]
    with Aligner(Failing(), processes=2) as aligner:
        got = aligner.align_many(docs, ["a", "b"])
    assert [type(r) for r, _ in got] == [Broken, Broken]
    assert all(str(r) == "the model is down" for r, _ in got)


def test_an_idle_helper_ignores_ctrl_c(model, corpora):
    """Ctrl-C reaches every process of the group: an idle helper stays (no traceback,
    no lost helper); the caller decides what an interruption means."""
    docs = [(corpora / f"{n}.en.txt", corpora / f"{n}.ko.txt") for n in ("harbor_bridge", "seed_bank")]
    before = _helpers()
    with Aligner(model, processes=2) as aligner:
        first = aligner.align_many(docs)
        (helper,) = _helpers() - before
        os.kill(helper, signal.SIGINT)
        time.sleep(0.2)
        _same(aligner.align_many(docs), first)
        assert helper in _helpers()  # the same helper did the second call's share
