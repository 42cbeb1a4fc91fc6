"""Embedder capabilities are declared on one base class, with defaults, and wrappers forward them.

Small numpy models stand in for the real ones: the tests are about the interface.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pytest

from align import Aligner, DiskCache, load_embedder
from align.embed import (
    BaseEmbedder,
    CachedEmbedder,
    CombinedEmbedder,
    PlainEmbedder,
    Progress,
    SentenceTransformerEmbedder,
    USEEmbedder,
    Wrapper,
    forget,
)
from align.errors import AlignError

DIM = 48
EN = ["The bridge opened on Monday.", "It has six lanes.", "People came from the city.", "It rained."]
KO = ["다리가 월요일에 개통했다.", "차로는 여섯 개다.", "시민들이 왔다.", "비가 왔다."]


def _vectors(texts: Sequence[str]) -> np.ndarray:
    """Character-trigram hashing, with a common direction (so that centring matters)."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        for k in range(len(text) - 2):
            out[row, zlib.crc32(text[k : k + 3].encode("utf-8")) % DIM] += 1.0
        out[row] += 0.5 * max(len(text) - 2, 1)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (out / norms).astype(np.float32)


class Plain:
    """A user's model: a name and ``encode``, nothing else."""

    name = "plain-test"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return _vectors(texts)


class Model(BaseEmbedder):
    """A backend that records what it is asked; ``wants_centering`` as given."""

    def __init__(self, name: str = "model-test", centre: bool = False) -> None:
        self.name = name
        self.centre = centre
        self.calls: list[tuple[str, int]] = []
        self.cleared = 0

    @property
    def wants_centering(self) -> bool:
        return self.centre

    @property
    def dim(self) -> int:
        return DIM

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        self.calls.append(("encode", len(texts)))
        for k in range(len(texts)):
            if progress is not None:
                progress(k + 1, len(texts))
        return _vectors(texts)

    def encode_spans(self, spans: Sequence[Sequence[str]], joiner: str = " ") -> np.ndarray:
        self.calls.append(("spans", len(spans)))
        return -_vectors([joiner.join(p) for p in spans])  # tell its own way from the default

    def clear(self) -> None:
        super().clear()
        self.cleared += 1


@pytest.mark.parametrize(
    "cls",
    [USEEmbedder, SentenceTransformerEmbedder, CombinedEmbedder, CachedEmbedder, DiskCache],
)
def test_every_embedder_is_a_base_embedder(cls: type) -> None:
    assert issubclass(cls, BaseEmbedder)
    assert issubclass(CachedEmbedder, Wrapper) and issubclass(DiskCache, Wrapper)


def test_a_plain_object_gets_every_default() -> None:
    emb = load_embedder(Plain())
    assert isinstance(emb, PlainEmbedder) and emb.name == "plain-test"
    assert not emb.wants_centering and emb.dim == DIM and emb.wrapped() == ()
    emb.clear()
    runs = [EN[0:2], EN[1:4]]
    assert np.array_equal(emb.encode_spans(runs), _vectors([" ".join(r) for r in runs]))
    seen: list[tuple[int, int]] = []
    assert np.array_equal(emb.encode(EN, lambda d, t: seen.append((d, t))), _vectors(EN))
    assert seen == [(4, 4)]
    assert load_embedder(emb) is emb


def test_a_plain_object_aligns() -> None:
    result = Aligner(Plain()).align_sentences(EN, KO)
    assert sorted(i for p in result.pairs for i in p.src) == [0, 1, 2, 3]


def test_a_plain_object_with_undeclared_capabilities_is_refused() -> None:
    class Centred(Plain):
        wants_centering = True  # would be lost: refused, not ignored

    with pytest.raises(AlignError, match=r"subclass align\.embed\.BaseEmbedder"):
        load_embedder(Centred())


def test_wrappers_forward_every_capability(tmp_path) -> None:
    model = Model(centre=True)
    stack = CachedEmbedder(DiskCache(CachedEmbedder(model), tmp_path / "c.sqlite"))
    assert stack.wants_centering and stack.dim == DIM and stack.name == model.name
    assert not CachedEmbedder(DiskCache(Model(), tmp_path / "d.sqlite")).wants_centering
    combined = CombinedEmbedder([Model("a"), Model("b", centre=True)])
    assert combined.wants_centering and combined.dim == 2 * DIM
    assert CachedEmbedder(combined).wants_centering


def test_spans_reach_the_models_own_method_through_every_cache(tmp_path) -> None:
    model = Model()
    disk = DiskCache(model, tmp_path / "c.sqlite")
    stack = CachedEmbedder(disk)
    runs = [EN[0:2], EN[1:3], EN[0:2]]
    out = stack.encode_spans(runs)
    assert np.array_equal(out, model.encode_spans(runs))
    assert model.calls[0] == ("spans", 2)  # the distinct runs, once
    assert stack.encode_spans(runs[:1]).tolist() == out[:1].tolist() and len(model.calls) == 2
    assert stack.encoded == 2 and disk.encoded == disk.misses == 2 and disk.hits == 0


def test_clear_reaches_every_layer(tmp_path) -> None:
    a, b = Model("a"), Model("b")
    stack = CachedEmbedder(DiskCache(CombinedEmbedder([a, b]), tmp_path / "c.sqlite"))
    stack.encode(EN)
    forget(stack)
    assert a.cleared == b.cleared == 1
    stack.encode(EN)  # the memory cache is empty: asked again (the disk still has them)
    assert stack.encoded == 8


def test_progress_goes_through_the_caches(tmp_path) -> None:
    model = Model()
    stack = CachedEmbedder(DiskCache(model, tmp_path / "c.sqlite"))
    stack.encode(EN[:2])
    seen: list[tuple[int, int]] = []
    stack.encode([*EN, EN[0]], lambda d, t: seen.append((d, t)))
    assert seen[-1] == (4, 4) and all(t == 4 for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert (3, 4) in seen  # the model's own steps, after the two cached texts


def test_centring_survives_a_second_cache() -> None:
    """``Aligner`` wraps what it is given in a cache: a cached model is centred all the same."""
    direct = Aligner(Model(centre=True)).align_sentences(EN, KO)
    cached = Aligner(CachedEmbedder(Model(centre=True))).align_sentences(EN, KO)
    plain = Aligner(Model()).align_sentences(EN, KO)

    def seen(result):
        return [(p.src, p.tgt, p.cosine, p.score) for p in result.pairs]

    assert seen(cached) == seen(direct)
    assert seen(plain) != seen(direct)  # centring changes them
