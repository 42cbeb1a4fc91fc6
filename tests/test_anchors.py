"""Anchors: shared numbers and names as bit masks, and their pull on the search."""

import numpy as np

from align.anchors import anchor_masks, anchors_of, bits, overlap, span_masks, unit_rows
from align.search import PlainSpans, SearchParams, Side, search


def test_anchors_are_numbers_and_capitalised_words():
    assert anchors_of("BTS sold 2,000 tickets in Seoul's iPhone store.") == {
        "bts",
        "2000",
        "seoul's",
        "iphone",
    }
    assert anchors_of("BTS는 2,000명의 관객을 모았다.") == {"bts", "2000"}  # Latin split from Hangul
    assert anchors_of("all lower case words and no digits") == set()
    assert anchors_of("Der Überhang bei 4'478 m") == {"der", "überhang", "4478"}


def test_only_anchors_on_both_sides_count():
    src, tgt = anchor_masks(
        ["Samsung earned 5 billion.", "The Nation said so."], ["삼성은 5 billion을 벌었다.", "그렇다."]
    )
    assert bits(src).tolist() == [1, 0]  # "5"; "Samsung", "The", "Nation" are not on the other side
    assert bits(tgt).tolist() == [1, 0]
    assert overlap(src, tgt).tolist() == [1.0, 0.0]


def test_span_masks_are_the_union_of_their_sentences():
    src, _ = anchor_masks(["Apple 1.", "Banana 2.", "none here."], ["Apple Banana 1 2"])
    two = span_masks(src, 2)
    assert bits(two).tolist() == [4, 2]
    assert span_masks(src, 4).shape == (0, src.shape[1])
    # the unit rows' products are the overlaps
    rows = unit_rows(two, bits(two))
    assert np.allclose(rows @ rows.T, [[1.0, np.sqrt(2 / 4)], [np.sqrt(2 / 4), 1.0]])
    pairs = overlap(two, two, np.array([0, 1]), np.array([1, 1]))
    assert np.allclose(pairs, [np.sqrt(0.5), 1.0])


def test_a_shared_number_breaks_a_tie_between_equally_similar_sentences():
    # two target sentences embed almost alike (the wrong one a little closer); only
    # the number tells them apart
    rng = np.random.default_rng(0)
    v = rng.normal(size=(3, 16)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    near = v[1] + 0.15 * v[2]
    near /= np.linalg.norm(near)
    assert 0.95 < float(near @ v[1]) < 0.99
    src_emb = np.stack([v[0], v[1]])
    tgt_emb = np.stack([v[0], v[1], near])
    src = ["Opening line.", "The budget grew to 310 million."]
    tgt = ["첫 줄.", "예산은 250 million으로 늘었다.", "예산은 310 million으로 늘었다."]
    masks = anchor_masks(src, tgt)

    def spans(units):
        return lambda a: units if a == 1 else np.zeros((max(0, len(units) - a + 1), 16), np.float32)

    def pairs(weight):
        p = SearchParams(max_merge=2, anchor_weight=weight, margin_weight=0.0)
        beads = search(
            Side(PlainSpans(spans(src_emb)), anchors=masks[0]),
            Side(PlainSpans(spans(tgt_emb)), anchors=masks[1]),
            p,
        )
        return [(b.src, b.tgt) for b in beads if b.src and b.tgt]

    assert pairs(0.05) == [((0,), (0,)), ((1,), (2,))]
    assert pairs(0.0) == [((0,), (0,)), ((1,), (1,))]  # without anchors the closer twin wins
