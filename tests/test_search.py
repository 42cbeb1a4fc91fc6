"""Alignment invariants (property-based) and recovery of planted alignments."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.search import (
    Ends,
    GainTerms,
    PlainSpans,
    SearchMemo,
    SearchParams,
    Side,
    backtrack,
    bead_gain,
    bead_types,
    full_grid,
    margin,
    path_is_valid,
    run_dp,
    search,
)


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-12)).astype(np.float32)


def _spans(units: np.ndarray, **side) -> Side:
    """A side whose span embeddings are the normalised sums of its sentence vectors."""

    def fn(a: int) -> np.ndarray:
        n = len(units)
        if n < a:
            return np.zeros((0, units.shape[1]), np.float32)
        return _unit(np.stack([units[k : k + a].sum(axis=0) for k in range(n - a + 1)]))

    return Side(PlainSpans(fn), **side)


def _check(beads, n, m, max_merge):
    assert path_is_valid(beads, n, m)  # every sentence exactly once, in order
    for b in beads:
        assert len(b.src) + len(b.tgt) <= max_merge
        assert len(b.src) + len(b.tgt) >= 1
        assert all(0 <= i < n for i in b.src) and all(0 <= j < m for j in b.tgt)
        assert list(b.src) == list(range(b.src[0], b.src[0] + len(b.src))) if b.src else True
        if b.src and b.tgt:
            assert b.cosine is not None and -1.0001 <= b.cosine <= 1.0001


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 14),
    m=st.integers(0, 14),
    max_merge=st.integers(2, 6),
    seed=st.integers(0, 10_000),
    threshold=st.floats(-0.5, 0.5),
    merge_penalty=st.floats(0.0, 0.3),
)
def test_path_covers_every_sentence_once_in_order(n, m, max_merge, seed, threshold, merge_penalty):
    rng = np.random.default_rng(seed)
    src, tgt = _unit(rng.normal(size=(n, 8))), _unit(rng.normal(size=(m, 8)))
    params = SearchParams(max_merge=max_merge, threshold=threshold, merge_penalty=merge_penalty)
    beads = search(_spans(src), _spans(tgt), params)
    _check(beads, n, m, max_merge)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(40, 160), m=st.integers(40, 160), seed=st.integers(0, 10_000))
def test_banded_coarse_to_fine_path_is_valid(n, m, seed):
    rng = np.random.default_rng(seed)
    src, tgt = _unit(rng.normal(size=(n, 8))), _unit(rng.normal(size=(m, 8)))
    params = SearchParams(max_cells=500, band=3)  # forces the banded search
    beads = search(_spans(src), _spans(tgt), params)
    _check(beads, n, m, params.max_merge)


def _planted(n: int, seed: int):
    """Target = source with some sentences merged and some deleted; returns the gold beads."""
    rng = np.random.default_rng(seed)
    base = _unit(rng.normal(size=(n, 32)))
    src = _unit(base + 0.1 * rng.normal(size=base.shape))
    tgt_rows, gold, i, j = [], [], 0, 0
    while i < n:
        r = rng.random()
        if r < 0.08:
            gold.append(((i,), ()))
            i += 1
        elif r < 0.2 and i + 1 < n:
            tgt_rows.append(base[i] + base[i + 1])
            gold.append(((i, i + 1), (j,)))
            i, j = i + 2, j + 1
        else:
            tgt_rows.append(base[i])
            gold.append(((i,), (j,)))
            i, j = i + 1, j + 1
    tgt = _unit(np.asarray(tgt_rows) + 0.1 * rng.normal(size=(len(tgt_rows), 32)))
    return src, tgt, gold


@pytest.mark.parametrize("banded", [False, True])
def test_recovers_planted_merges_and_omissions(banded):
    src, tgt, gold = _planted(300, seed=7)
    params = SearchParams(max_cells=2000, band=8) if banded else SearchParams()
    beads = search(_spans(src), _spans(tgt), params)
    got = {(b.src, b.tgt) for b in beads}
    correct = sum(1 for g in gold if g in got)
    assert correct / len(gold) > 0.95


def test_bead_types():
    assert bead_types(2) == [(0, 1), (1, 0), (1, 1)]
    assert set(bead_types(4)) == {(0, 1), (1, 0), (1, 1), (1, 2), (2, 1), (1, 3), (2, 2), (3, 1)}
    with pytest.raises(ValueError):
        bead_types(1)


def test_empty_sides():
    one = _unit(np.ones((3, 4)))
    assert [(b.src, b.tgt) for b in search(_spans(one), _spans(one[:0]))] == [
        ((0,), ()),
        ((1,), ()),
        ((2,), ()),
    ]


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 60),
    m=st.integers(1, 60),
    seed=st.integers(0, 10_000),
    banded=st.booleans(),
)
def test_reruns_with_a_memo_find_the_same_path_as_fresh_searches(n, m, seed, banded):
    """The aligner's loop: search, embed some spans for real, search again (memo reused)."""
    from align.spans import SpanTable

    rng = np.random.default_rng(seed)
    src, tgt = _unit(rng.normal(size=(n, 8))), _unit(rng.normal(size=(m, 8)))
    lengths = (rng.integers(5, 80, size=n), rng.integers(5, 80, size=m))
    tables = [
        SpanTable([f"s{k}" for k in range(n)], " ", src, 3),
        SpanTable([f"t{k}" for k in range(m)], " ", tgt, 3),
    ]
    for table, size in zip(tables, lengths, strict=True):
        table.lengths = size.astype(np.float64)
    params = SearchParams(max_cells=500, band=3) if banded else SearchParams()
    memo = SearchMemo()
    sides = [Side(table, size) for table, size in zip(tables, lengths, strict=True)]
    for _ in range(4):
        with_memo = search(*sides, params, memo=memo)
        fresh = search(*sides, params)
        assert [(b.src, b.tgt) for b in with_memo] == [(b.src, b.tgt) for b in fresh]
        _check(with_memo, n, m, params.max_merge)
        # "embed" a few spans for real: random vectors that change gains and neighbourhoods
        for table in tables:
            spans = sorted({(int(rng.integers(0, max(1, len(table.texts) - 1))), 2) for _ in range(3)})
            spans = table.todo(set(spans))
            if spans:
                table.fill(spans, _unit(rng.normal(size=(len(spans), 8))))
    assert memo.held > 0  # the memo kept the cell tables of this small document


def test_merges_across_a_paragraph_break_pay_the_paragraph_penalty():
    rng = np.random.default_rng(3)
    s = _unit(rng.normal(size=(3, 16)))
    t = _unit(np.stack([s[0], s[1] + s[2]]))  # target 1 translates source 1 and 2 together
    kw = {"src": np.array([0, 0, 1]), "tgt": np.array([0, 0])}

    def shape(params, src=None, tgt=None):
        beads = search(_spans(s, paragraphs=src), _spans(t, paragraphs=tgt), params)
        return [(b.src, b.tgt) for b in beads]

    merged = [((0,), (0,)), ((1, 2), (1,))]
    assert shape(SearchParams(margin_weight=0.0)) == merged
    assert shape(SearchParams(margin_weight=0.0), **kw) == merged  # the default penalty is soft
    strict = SearchParams(margin_weight=0.0, paragraph_penalty=2.0)
    assert shape(strict, **kw) != merged  # source 1 and 2 sit in different paragraphs
    same = {"src": np.zeros(3, int), "tgt": np.zeros(2, int)}
    assert shape(strict, **same) == merged


def test_a_fragment_cut_by_the_page_end_pairs_with_one_sentence_at_most():
    rng = np.random.default_rng(5)
    s = _unit(rng.normal(size=(4, 16)))
    # the target's last line is a fragment: the start of source 2, cut off; source 3
    # says something close enough that a 2-1 merge would win without the rule
    t = _unit(np.stack([s[0], s[1], s[2] + 0.9 * s[3]]))

    def shape(ends=None):
        beads = search(_spans(s), _spans(t), SearchParams(margin_weight=0.0), ends=ends)
        return [(b.src, b.tgt) for b in beads]

    assert ((2, 3), (2,)) in shape()
    cut = shape(Ends(tgt_cut=True))
    assert ((2, 3), (2,)) not in cut
    assert ((2,), (2,)) in cut and ((3,), ()) in cut
    assert ((2, 3), (2,)) in shape(Ends(src_cut=True))  # a cut source fragment may end a merge

    # a last line longer than the first sentence it would have to be a part of is no
    # fragment of it (a full sentence with a caption run into it): the merge stays open
    def sized(tgt_last: float):
        beads = search(
            _spans(s, lengths=np.array([50.0, 50, 50, 20])),
            _spans(t, lengths=np.array([50.0, 50, tgt_last])),
            SearchParams(margin_weight=0.0),
            ends=Ends(tgt_cut=True),
        )
        return [(b.src, b.tgt) for b in beads]

    assert ((2, 3), (2,)) not in sized(30.0)
    assert ((2, 3), (2,)) in sized(70.0)


def test_two_cut_page_ends_pair_only_when_they_clearly_match():
    rng = np.random.default_rng(11)
    s = _unit(rng.normal(size=(4, 16)))
    # both pages are cut: the target's fragment starts source 2 (the sentence before
    # the source's own fragment), but it reads a little closer to the source fragment
    t = _unit(np.stack([s[0], s[1], 0.5 * s[2] + 0.52 * s[3]]))

    def shape(ends, penalty=None):
        params = SearchParams(margin_weight=0.0)
        if penalty is not None:
            params = SearchParams(**{**params.as_dict(), "cut_pair_penalty": penalty})
        beads = search(_spans(s), _spans(t), params, ends=ends)
        return [(b.src, b.tgt) for b in beads]

    both = Ends(src_cut=True, tgt_cut=True)
    assert ((3,), (2,)) in shape(Ends(tgt_cut=True))  # one cut side: the rule does not apply
    assert ((3,), (2,)) in shape(both, penalty=0.0)
    assert shape(both) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), ())]
    # two fragments of the same sentence match strongly and stay paired
    same = _unit(np.stack([s[0], s[1], s[2], s[3]]))
    beads = search(_spans(s), _spans(same), SearchParams(margin_weight=0.0), ends=both)
    assert ((3,), (3,)) in [(b.src, b.tgt) for b in beads]


def test_two_headlines_face_to_face_are_matched():
    rng = np.random.default_rng(9)
    s = _unit(rng.normal(size=(4, 16)))
    t = s.copy()
    r = rng.normal(size=16)
    r -= (r @ s[0]) * s[0]
    t[0] = _unit((r / np.linalg.norm(r) - 0.1 * s[0])[None])[0]  # a retitled story: cosine -0.1

    def first(ends=None):
        return search(_spans(s), _spans(t), SearchParams(margin_weight=0.0), ends=ends)[0]

    assert (first().src, first().tgt) != ((0,), (0,))
    head = first(Ends(src_title=True, tgt_title=True))
    assert (head.src, head.tgt) == ((0,), (0,))


# ---------------------------------------------------------------- the gain and the DP, by hand


def test_margin_subtracts_the_mean_neighbourhood():
    assert margin(0.7, 0.2 + 0.4, 0.5) == pytest.approx(0.7 - 0.5 * 0.3)
    assert margin(0.7, 0.6, 0.0) == 0.7  # no weight: the cosine itself
    cos, hubs = np.array([0.9, 0.1]), np.array([0.2, 0.8])
    assert np.allclose(margin(cos, hubs, 1.0), [0.8, -0.3])


def test_bead_gain_adds_each_term_with_its_weight():
    p = SearchParams(threshold=0.1, merge_penalty=0.05, size_weight=1.0, length_weight=0.2)
    p = SearchParams(
        **{**p.as_dict(), "headline_bonus": 0.3, "paragraph_penalty": 0.07, "anchor_weight": 0.4}
    )
    m = np.array([0.5, 0.5, 0.5, 0.5])
    one = bead_gain(p, GainTerms(1, 1, m))
    assert np.allclose(one, 0.4)  # (margin - threshold), size weight 1 for a 1-1
    merge = bead_gain(p, GainTerms(2, 1, m))
    assert np.allclose(merge, 1.5 * 0.4 - 0.05)  # ((2 + 1) / 2) ** 1 and one extra sentence
    terms = GainTerms(
        1,
        1,
        m,
        log_ratio=np.array([0.0, -0.5, 0.0, 0.0]),
        blocked=np.array([False, False, True, False]),
        headline=np.array([True, False, False, False]),
        anchors=np.array([0.0, 0.0, 0.0, 0.5]),
    )
    got = bead_gain(p, terms)
    assert got[0] == pytest.approx(0.4 + 0.3)  # the headlines' bonus
    assert got[1] == pytest.approx(0.4 - 0.2 * 0.5)  # |log ratio| either way
    assert got[2] < -1e17  # forbidden
    assert got[3] == pytest.approx(0.4 + 0.4 * 0.5)
    crossing = bead_gain(p, GainTerms(2, 2, m[:2], crossing=np.array([0.0, 2.0])))
    assert crossing[0] - crossing[1] == pytest.approx(2 * 0.07)
    cut = bead_gain(p, GainTerms(1, 1, m[:2], cut_pair=np.array([False, True])))
    assert cut[0] - cut[1] == pytest.approx(p.cut_pair_penalty)


def _hand_dp(n, m, gains, skip=0.0, max_merge=3):
    """Best path over a full grid whose match gains are given per (a, b) and end cell."""
    g = full_grid(n, m, max_merge)
    GAIN = np.full((len(g.row_types), int(g.offs[-1])), -1e18, dtype=np.float32)
    for a, b in [t for t in g.types if t[0] > 0]:
        r = g.row_of(a, b)
        for i in range(a, n + 1):
            for j in range(b, m + 1):
                GAIN[r, g.cell(i, j)] = skip if b == 0 else gains.get((a, b, i, j), -1.0)
    _, BP = run_dp(g, GAIN, skip)
    return backtrack(g, BP, n, m)


def test_dp_takes_the_path_with_the_largest_sum():
    # two 1-1 beads worth 0.3 each beat a 2-1 worth 0.5 and a free omission
    gains = {(1, 1, 1, 1): 0.3, (1, 1, 2, 2): 0.3, (2, 1, 2, 1): 0.5}
    assert _hand_dp(2, 2, gains) == [((0,), (0,)), ((1,), (1,))]
    gains[(2, 1, 2, 1)] = 0.7  # now the merge and a free omission win
    assert _hand_dp(2, 2, gains) == [((0, 1), (0,)), ((), (1,))]


def test_dp_leaves_everything_unaligned_when_every_match_loses():
    path = _hand_dp(2, 1, {}, skip=0.0)
    assert sorted(path) == sorted([((0,), ()), ((1,), ()), ((), (0,))])
    assert path_is_valid([type("B", (), {"src": s, "tgt": t})() for s, t in path], 2, 1)


def test_dp_pays_for_omissions():
    # with omissions costing 0.2 each, a weak 1-1 (worth -0.1) beats two omissions
    assert _hand_dp(1, 1, {(1, 1, 1, 1): -0.1}, skip=-0.2) == [((0,), (0,))]
    assert _hand_dp(1, 1, {(1, 1, 1, 1): -0.5}, skip=-0.2) in (
        [((0,), ()), ((), (0,))],
        [((), (0,)), ((0,), ())],
    )
