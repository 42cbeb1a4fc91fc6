"""Long documents and big inputs: bounded sentences, bounded memory, real progress."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from align import Aligner
from align.search import PlainSpans, SearchParams, Side, search
from align.segment import MAX_SENTENCE_CHARS, MAX_SENTENCE_TOKENS, cut_long, split_sentences

CITIES = [("Seoul", "서울"), ("Busan", "부산"), ("Paris", "파리"), ("London", "런던"), ("Tokyo", "도쿄")]
ITEMS = [("apples", "사과"), ("books", "책"), ("chairs", "의자"), ("lamps", "램프"), ("maps", "지도")]


def _document(n: int) -> tuple[list[str], list[str]]:
    """``n`` English sentences and their Korean translations, each unique by its number."""
    en, ko = [], []
    for k in range(n):
        (city, city_ko), (item, item_ko) = CITIES[k % 5], ITEMS[(k // 5) % 5]
        number = 1000 + 37 * k
        en.append(f"In {city}, the shop sold {number:,} {item} on day {k % 28 + 1}.")
        ko.append(f"{city_ko}의 가게는 {k % 28 + 1}일에 {item_ko} {number:,}개를 팔았다.")
    return en, ko


def _words(n_chars: int, seed: int = 0) -> str:
    """Text without sentence punctuation: words separated by spaces."""
    rng = np.random.default_rng(seed)
    vocab = ["river", "stone", "bridge", "harbor", "light", "window", "garden", "market", "letter", "winter"]
    out: list[str] = []
    size = 0
    while size < n_chars:
        word = vocab[int(rng.integers(len(vocab)))]
        out.append(word)
        size += len(word) + 1
    return " ".join(out)[:n_chars]


# ------------------------------------------------------------------ the sentence bound
def test_cut_long_cuts_at_spaces_and_keeps_offsets() -> None:
    text = "A short sentence. " + _words(5 * MAX_SENTENCE_CHARS + 123) + "\n\nThe end."
    segs, cut = cut_long(split_sentences(text, "en"))
    assert cut == 1
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in segs)
    assert all(text[s.start : s.end] == s.text for s in segs)
    pieces = [s for s in segs if len(s.text) > 1000]
    assert len(pieces) >= 5
    # a piece ends where a word ends: the character after it is a space
    assert all(text[s.end] == " " for s in pieces[:-1])
    # nothing lost: the pieces and the short sentences cover every word
    assert " ".join(s.text for s in segs).split() == text.split()


def test_cut_long_without_spaces_cuts_at_the_bound() -> None:
    text = "가" * (2 * MAX_SENTENCE_CHARS + 10)
    segs, cut = cut_long(split_sentences(text, "ko"))
    assert cut == 1
    assert [len(s.text) for s in segs] == [MAX_SENTENCE_CHARS, MAX_SENTENCE_CHARS, 10]
    assert "".join(s.text for s in segs) == text


def test_short_sentences_are_left_alone() -> None:
    segs = split_sentences("One. Two. Three.", "en")
    assert cut_long(segs) == (segs, 0)


@pytest.mark.slow
def test_a_long_unpunctuated_paragraph_is_cut_with_a_warning_and_aligns(aligner) -> None:
    en, ko = _document(6)
    paragraph = _words(3 * MAX_SENTENCE_CHARS)
    src = " ".join(en[:3]) + "\n\n" + paragraph + "\n\n" + " ".join(en[3:])
    tgt = " ".join(ko[:3]) + "\n\n" + " ".join(ko[3:])
    result = aligner.align_texts(src, tgt)
    assert any("cut into pieces" in w and f"{MAX_SENTENCE_CHARS:,}" in w for w in result.warnings)
    assert max(len(s.text) for s in result.src) <= MAX_SENTENCE_CHARS
    assert 6 + 3 <= len(result.src) <= 6 + 4  # the paragraph became three or four pieces
    # every sentence in exactly one pair, in order; the real translations still pair up
    assert [i for p in result.pairs for i in p.src] == list(range(len(result.src)))
    matched = {(p.src_text, p.tgt_text) for p in result.pairs if p.kind == "1-1"}
    assert sum((e, k) in matched for e, k in zip(en, ko, strict=True)) >= 5


@pytest.mark.slow
def test_a_1mb_line_is_cut_with_a_warning_and_aligns(tmp_path, cli) -> None:
    en, ko = _document(8)
    huge = _words(1_000_000, seed=1)
    (tmp_path / "a.en").write_text("\n".join(en[:4]) + "\n" + huge + "\n" + "\n".join(en[4:]) + "\n")
    (tmp_path / "a.ko").write_text("\n".join(ko) + "\n")
    out = tmp_path / "out.jsonl"
    proc = cli("pair", str(tmp_path / "a.en"), str(tmp_path / "a.ko"), "-o", str(out), "-f", "jsonl")
    assert proc.returncode == 0, proc.stderr.decode()
    err = proc.stderr.decode()
    assert "align: warning:" in err and "cut into pieces" in err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    pieces = [r for r in rows if r["src"] and r["src"] in huge]
    ids = [i for r in pieces for i in r["src_ids"]]
    assert len(ids) >= 1_000_000 // MAX_SENTENCE_CHARS  # cut into pieces, none dropped
    assert ids == list(range(ids[0], ids[0] + len(ids)))
    assert sum(len(r["src"]) for r in pieces) >= len(huge) - len(ids)  # the spaces at the cuts
    pairs = {(r["src"], r["tgt"]) for r in rows}
    assert sum((e, k) in pairs for e, k in zip(en, ko, strict=True)) >= 7


@pytest.mark.slow
def test_a_1mb_presplit_line_stays_whole_and_only_its_start_is_embedded(tmp_path, cli) -> None:
    en, ko = _document(6)
    huge = _words(1_000_000, seed=2)
    (tmp_path / "a.en").write_text("\n".join([*en[:3], huge, *en[3:]]) + "\n")
    (tmp_path / "a.ko").write_text("\n".join(ko) + "\n")
    out = tmp_path / "out.jsonl"
    proc = cli(
        "pair", str(tmp_path / "a.en"), str(tmp_path / "a.ko"), "-o", str(out), "-f", "jsonl", "--presplit"
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert f"only the first {MAX_SENTENCE_CHARS:,} characters" in proc.stderr.decode()
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["src_ids"] for r in rows if r["src"] == huge] == [[3]]  # the line, whole, once
    pairs = {(r["src"], r["tgt"]) for r in rows}
    assert all((e, k) in pairs for e, k in zip(en, ko, strict=True))


@pytest.mark.slow
def test_the_model_sees_a_bounded_number_of_tokens(aligner) -> None:
    """Two strings that differ only far past the token bound embed the same."""
    start = _words(8 * MAX_SENTENCE_TOKENS, seed=3)
    a, b = start + " harbor harbor harbor", start + " 다리 다리 다리 窓 窓"
    va, vb = aligner.embedder.encode([a]), aligner.embedder.encode([b])
    assert np.array_equal(va, vb)
    short = aligner.embedder.encode([start[:200] + " harbor", start[:200] + " 다리 窓"])
    assert not np.array_equal(short[0], short[1])  # near the start, a difference shows


# ------------------------------------------------------------------ identical numbers
@pytest.mark.slow
def test_records_without_edges_give_the_same_span_embeddings() -> None:
    """A call over the record bound keeps only totals: spans come out bit-identical."""
    from align.embed import USEEmbedder

    en, ko = _document(12)
    texts = [*en, *ko, "Yes.", "네."]
    runs = [en[k : k + a] for a in (2, 3) for k in range(0, 10, 3)] + [[ko[0], "네.", ko[1]], [en[2], "Yes."]]
    roomy, tight = USEEmbedder(threads=1), USEEmbedder(threads=1, max_records=4)
    assert np.array_equal(roomy.encode(texts), tight.encode(texts))
    assert np.array_equal(roomy.encode_spans(runs), tight.encode_spans(runs))


# ------------------------------------------------------------------ memory
_MEASURE = textwrap.dedent(
    """
    import json, resource, sys
    from align import Aligner
    n = int(sys.argv[1])
    en = [f"In Seoul the shop sold {1000 + 37 * k:,} apples on day {k % 28 + 1}." for k in range(n)]
    ko = [f"서울의 가게는 {k % 28 + 1}일에 사과 {1000 + 37 * k:,}개를 팔았다." for k in range(n)]
    aligner = Aligner()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = aligner.align_sentences(en, ko)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"pairs": len(result.pairs), "kb": after - before}))
    """
)


def _peak_kb(n: int) -> int:
    env = {**os.environ, "ALIGN_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(n)], capture_output=True, text=True, timeout=600, env=env
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["pairs"] >= n * 0.9
    return out["kb"]


@pytest.mark.slow
def test_memory_grows_by_kilobytes_per_sentence_not_hundreds() -> None:
    """Per-token features are summed and dropped as the model goes (they were 5 KB a token,
    kept for the whole document: ~270 KB a sentence pair); now a sentence pair costs
    its records, vectors, search cells and output: about 30 KB (80 allowed)."""
    small, big = _peak_kb(1_000), _peak_kb(9_000)
    assert (big - small) / 8_000 < 80


# ------------------------------------------------------------------ progress
def _assert_stages_advance(calls: list[tuple[str, int, int]]) -> dict[str, int]:
    """Each stage's ``done`` never goes back and ends at its ``total``; stages do not interleave."""
    seen: dict[str, int] = {}
    order: list[str] = []
    for stage, done, total in calls:
        if not order or order[-1] != stage:
            assert stage not in seen, f"stage {stage} came back"
            order.append(stage)
            seen[stage] = -1
        assert 0 <= done <= total
        assert done >= seen[stage], f"{stage} went back"
        seen[stage] = done
    last = {}
    for stage, done, total in calls:
        last[stage] = (done, total)
    assert all(done == total for done, total in last.values()), last
    return {stage: total for stage, (_, total) in last.items()}


def test_search_reports_rows_monotonically_to_its_total() -> None:
    rng = np.random.default_rng(0)
    n = 3000
    units = rng.standard_normal((n, 32)).astype(np.float32)
    units /= np.linalg.norm(units, axis=1, keepdims=True)

    def spans(a: int) -> np.ndarray:
        if a == 1:
            return units
        c = np.cumsum(np.vstack([np.zeros((1, 32), np.float32), units]), axis=0)
        v = c[a:] - c[:-a]
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)

    calls: list[tuple[int, int]] = []
    side = Side(PlainSpans(spans))
    beads = search(side, side, SearchParams(), progress=lambda d, t: calls.append((d, t)))
    assert [(b.src, b.tgt) for b in beads] == [((i,), (i,)) for i in range(n)]
    assert len(calls) > 4  # it moves while it works, not only at the end
    assert all(t == 2 * n for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert calls[-1] == (2 * n, 2 * n)


@pytest.mark.slow
def test_aligner_progress_follows_sentences_then_rows() -> None:
    en, ko = _document(1_500)
    ko = ko[:700] + ko[701:]  # one omission, so the search reruns around it
    calls: list[tuple[str, int, int]] = []
    aligner = Aligner(progress=lambda stage, done, total: calls.append((stage, done, total)))
    result = aligner.align_sentences(en, ko)
    totals = _assert_stages_advance(calls)
    stages = list(totals)
    assert stages[:2] == ["embedding", "searching"]
    assert totals["embedding"] == len(en) + len(ko)
    assert totals["searching"] == 2 * len(en)
    embedding = [done for stage, done, _ in calls if stage == "embedding"]
    assert len(set(embedding)) > 3  # sentences embedded, in steps, not one jump
    searching = [done for stage, done, _ in calls if stage == "searching"]
    assert len(set(searching)) > 3
    assert all(s.startswith(("embedding merges (pass ", "searching (pass ")) for s in stages[2:])
    assert sum(p.kind == "1-1" for p in result.pairs) >= len(ko) - 2


@pytest.mark.slow
def test_a_terminal_gets_a_moving_bar_and_a_pipe_gets_none(tmp_path, cli) -> None:
    """The bar is drawn only on a terminal (a pseudo-terminal here), never with -q or a pipe."""
    pty = pytest.importorskip("pty")
    fcntl = pytest.importorskip("fcntl")
    termios = pytest.importorskip("termios")
    en, ko = _document(600)
    (tmp_path / "a.en").write_text("\n".join(en) + "\n")
    (tmp_path / "a.ko").write_text("\n".join(ko) + "\n")
    args = ["pair", str(tmp_path / "a.en"), str(tmp_path / "a.ko"), "-o", str(tmp_path / "o.tsv")]
    piped = cli(*args)
    assert piped.returncode == 0 and b"embedding" not in piped.stderr
    parent, child = pty.openpty()
    # a real terminal has a size (tqdm draws nothing on a 0-column one)
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "align", *args],
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=child,
        env=os.environ,
    )
    os.close(child)
    seen = b""
    while True:
        try:
            chunk = os.read(parent, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=600) == 0
    os.close(parent)
    assert b"embedding" in seen and b"searching" in seen
    assert b"/1200" in seen  # sentences embedded: both sides counted


@pytest.mark.slow
def test_a_search_too_big_for_the_memo_gives_the_same_alignment(aligner) -> None:
    """Without room for the cell tables the search builds them a block at a time and its
    memo keeps only the band and neighbourhoods: the same pairs, cosines and margins."""
    en, ko = _document(1_200)
    ko = [*ko[:300], ko[300] + " " + ko[301], *ko[302:800], *ko[801:]]  # a merge, an omission
    roomy = aligner.align_sentences(en, ko)
    budget = aligner.memo_budget
    try:
        aligner.memo_budget = 0
        tight = aligner.align_sentences(en, ko)
    finally:
        aligner.memo_budget = budget
    key = [(p.src, p.tgt, p.cosine, p.margin, p.score) for p in roomy.pairs]
    assert key == [(p.src, p.tgt, p.cosine, p.margin, p.score) for p in tight.pairs]
    assert any(p.kind == "2-1" for p in roomy.pairs) and any(
        p.kind == "0-1" or p.kind == "1-0" for p in roomy.pairs
    )
