"""The bundled model's token stage on onnxruntime (int8 or float32 by default, int8x2
with ``--model use:int8x2``), and its fallback to numpy.

Real model, real onnxruntime, the real CLI in a subprocess.  Every precision must give
the numpy path's alignments on the sample corpora, span vectors close to numpy's
(float32 and int8x2 to 1e-5, int8 to 0.999), the same vector for a sentence whatever it
is embedded with, and step aside (with a note under ``-v``) when onnxruntime cannot load
or fails its self-check.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime", reason="onnxruntime is not installed")

from align import Aligner, _onnx, load_embedder, split_sentences
from align.embed import USEEmbedder, describe
from tests.match_pile import EXPECTED, FIXTURES

ROOT = Path(__file__).parent.parent


def _documents(corpora: Path) -> list[tuple[Path, Path]]:
    docs = [(p, p.with_name(p.name.replace(".en.txt", ".ko.txt"))) for p in sorted(corpora.glob("*.en.txt"))]
    docs += [(FIXTURES / "en" / en, FIXTURES / "ko" / ko) for en, ko in sorted(EXPECTED.items())]
    assert len(docs) >= 8
    return docs


@pytest.fixture(
    scope="module", params=["use:float32", "use:int8x2", "use:fast"], ids=["float32", "int8x2", "int8"]
)
def fast(request) -> USEEmbedder:
    """The token stage on onnxruntime: float32, int8x2 and int8 (``use:fast``; the
    default's first choice where the CPU has integer dot products)."""
    emb = load_embedder(request.param)
    assert isinstance(emb, USEEmbedder)
    return emb


@pytest.fixture(scope="module")
def slow() -> USEEmbedder:
    emb = load_embedder("use:numpy")
    assert isinstance(emb, USEEmbedder)
    return emb


def _precision(emb: USEEmbedder) -> str:
    return emb.token_stage.rsplit(" ", 1)[-1]


def _exact(emb: USEEmbedder) -> bool:
    """float32 and int8x2 give the numpy path's vectors to float round-off; int8 does not."""
    return _precision(emb) in ("float32", "int8x2")


def test_the_default_runs_on_onnxruntime_and_says_so(fast, slow):
    """The default runs on onnxruntime in the first precision that this CPU suits (int8
    with integer dot products, float32 otherwise), use:fast in int8, and the name
    (signature, cache key) says which; use:numpy runs on numpy and says it was asked for."""
    assert _onnx.auto_precisions()[-1] == "float32"
    assert load_embedder("use").token_stage.endswith(" " + _onnx.auto_precisions()[0])
    assert fast.token_stage.startswith("onnxruntime ") and _precision(fast) in _onnx.PRECISIONS
    assert fast.token_stage in fast.name and fast.token_stage_note == ""
    assert slow.token_stage == "numpy" and "onnxruntime" not in slow.name
    assert describe(fast) == [f"the bundled model's token stage runs on {fast.token_stage}"]
    assert "use:numpy" in describe(slow)[0]


def test_same_alignments_on_the_sample_corpora(corpora, fast, slow):
    docs = _documents(corpora)
    on_fast, on_slow = Aligner(fast), Aligner(slow)
    close = 1e-4 if _exact(fast) else 0.02
    for en, ko in docs:
        a = on_fast.align_files(en, ko)
        b = on_slow.align_files(en, ko)
        assert [(p.src, p.tgt) for p in a.pairs] == [(p.src, p.tgt) for p in b.pairs], en.name
        assert max(abs(p.score - q.score) for p, q in zip(a.pairs, b.pairs, strict=True)) < close
        assert abs(a.verdict.p_translation - b.verdict.p_translation) < close


def test_span_vectors_match_the_numpy_path(corpora, fast, slow):
    """Runs of 1-4 sentences of every sample document: cosine >= 0.99999 (float32,
    int8x2) or 0.999 (int8) to the numpy path."""
    runs: list[list[str]] = []
    for en, ko in _documents(corpora):
        for path, lang in ((en, "en"), (ko, "ko")):
            texts = [s.text for s in split_sentences(path.read_text(encoding="utf-8"), lang)]
            runs += [texts[k : k + n] for n in (1, 2, 3, 4) for k in range(0, max(1, len(texts) - n + 1), 2)]
    bar = 0.99999 if _exact(fast) else 0.999
    cos = np.sum(fast.encode_spans(runs) * slow.encode_spans(runs), axis=1)
    assert len(runs) >= 150 and cos.min() >= bar, cos.min()
    sentences = sorted({t for r in runs for t in r})
    cos = np.sum(fast.encode(sentences) * slow.encode(sentences), axis=1)
    assert cos.min() >= _onnx.MIN_COSINE[_precision(fast)]


def test_a_sentence_gets_the_same_vector_whatever_it_is_embedded_with(fast, corpora):
    """Quantisation is per token window (int8) or per sentence (int8x2), never per batch:
    alone, first or last in a batch, a sentence's vector is the same up to float
    round-off (per-batch int8 quantisation moved it by up to 0.02)."""
    text = (corpora / "seed_bank.en.txt").read_text(encoding="utf-8").split()
    others = [" ".join(text[k : k + 12]) for k in range(0, len(text) - 12, 5)]
    probe = "The vault holds seeds from more than 6,000 species, some of them 400 years old."
    fast.clear()
    alone = fast.encode([probe])[0]
    fast.clear()
    first = fast.encode([probe, *others])[0]
    fast.clear()
    last = fast.encode([*others[::-1], probe])[-1]
    assert np.abs(alone - first).max() < 1e-6 and np.abs(alone - last).max() < 1e-6


@pytest.mark.parametrize(("precision", "kept"), [("int8", 0), ("int8", 16), ("int8", 700), ("int8x2", 700)])
def test_vectors_do_not_depend_on_which_token_ids_the_process_keeps(monkeypatch, corpora, precision, kept):
    """The per-id rows (projected embedding, first-layer products) that a process keeps
    between micro-batches: with none kept, with fewer than a micro-batch has (it then
    gets tables of its own) or with a few hundred (rows are evicted and reused while two
    threads run micro-batches side by side), cold or warm, every vector is the one a
    process with the default store gives."""
    paths = [p for pair in _documents(corpora) for p in pair]
    texts = [
        segment.text
        for path in paths
        for segment in split_sentences(path.read_text(encoding="utf-8"), "ko" if ".ko" in path.name else "en")
    ]
    assert len(texts) > 100
    spec = {"int8": "use:fast", "int8x2": "use:int8x2"}[precision]
    reference = load_embedder(spec).encode(texts)
    monkeypatch.setattr(_onnx, "ID_ROWS", kept)
    monkeypatch.setenv("ALIGN_THREADS", "2")
    emb = load_embedder(spec)
    assert emb.token_stage.endswith(" " + precision)
    for _ in range(2):  # cold, then with what the first pass kept
        emb.clear()
        assert np.abs(emb.encode(texts) - reference).max() < 1e-6
        assert np.abs(emb.encode(texts[::-1])[::-1] - reference).max() < 1e-6


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_forked_child_and_its_parent_both_embed_after_the_fork(fast, corpora, tmp_path):
    """onnxruntime's sessions do not survive ``fork`` (``align batch`` forks its workers
    after loading the model): the child makes its own, and the parent, whose sessions
    go at the fork, makes new ones.  Both give the vectors of before the fork."""
    texts = (corpora / "seed_bank.en.txt").read_text(encoding="utf-8").splitlines()[:12]
    before = fast.encode(texts)
    fast.clear()
    out = tmp_path / "child.npy"
    pid = os.fork()
    if pid == 0:  # the child: write its vectors, then leave without running pytest's exit
        code = 1
        try:
            np.save(out, fast.encode(texts))
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    fast.clear()
    assert np.abs(np.load(out) - before).max() < 1e-6
    assert np.abs(fast.encode(texts) - before).max() < 1e-6


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
@pytest.mark.parametrize("kept", [16, 300])
def test_forked_processes_that_embed_at_once_through_one_store_get_their_vectors(
    monkeypatch, corpora, tmp_path, kept
):
    """The per-id rows are kept in memory that forked processes share (``align batch``'s
    workers fill and read one store).  Two children and their parent embed at the same
    time, each in its own order, with a store too small for them (rows are evicted by
    one process while the others use theirs): every process gets the vectors of a
    process alone, every time."""
    paths = [p for pair in _documents(corpora) for p in pair]
    texts = [
        segment.text
        for path in paths
        for segment in split_sentences(path.read_text(encoding="utf-8"), "ko" if ".ko" in path.name else "en")
    ]
    reference = load_embedder("use:fast").encode(texts)
    monkeypatch.setattr(_onnx, "ID_ROWS", kept)
    emb = load_embedder("use:fast")
    emb.encode(texts[:5])  # the store is made, and the sessions, before the fork
    orders = [texts, texts[::-1], texts[1::2] + texts[::2]]
    children = []
    for k in (1, 2):
        pid = os.fork()
        if pid == 0:  # a child: its vectors, in its order, three times over
            code = 1
            try:
                for round_ in range(3):
                    emb.clear()
                    np.save(tmp_path / f"child{k}_{round_}.npy", emb.encode(orders[k]))
                code = 0
            finally:
                os._exit(code)
        children.append(pid)
    mine = []
    for _ in range(3):
        emb.clear()
        mine.append(emb.encode(orders[0]))
    for pid in children:
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    index = {k: [texts.index(t) for t in order] for k, order in enumerate(orders)}
    for vectors in mine:
        assert np.abs(vectors - reference).max() < 1e-6
    for k in (1, 2):
        for round_ in range(3):
            got = np.load(tmp_path / f"child{k}_{round_}.npy")
            assert np.abs(got - reference[index[k]]).max() < 1e-6


def test_sentences_that_test_the_edges_match_the_numpy_path(fast, slow):
    """One-token sentences, a sentence at the token limit, repeats, digits and symbols,
    several in one micro-batch: the vectors of every precision stay at its bar."""
    texts = [
        ".",
        "a",
        "네.",
        "?" * 3,
        "7",
        "😀",
        "x " * 400,
        "word " * 60,
        "2,000,000 (3.5%) — 「확인」",
        "ab" * 150,
    ]
    cos = np.sum(fast.encode(texts) * slow.encode(texts), axis=1)
    assert cos.min() >= (0.99999 if _exact(fast) else 0.999), cos.round(6).tolist()


def test_without_integer_dot_products_the_default_runs_float32(monkeypatch):
    """A CPU whose feature table has none of :data:`align._onnx.INTEGER_DOTS` (an
    AVX2-only x86, say) gets float32, the same alignments at its best speed there; asked
    for, int8 still runs (on 7-bit weight codes, which 16-bit pair sums cannot saturate)."""
    monkeypatch.setattr(_onnx, "INTEGER_DOTS", ("NO_SUCH_CPU_FEATURE",))
    assert _onnx.auto_precisions() == ("float32",)
    assert _onnx.int8_levels() == _onnx.WEIGHT_LEVELS
    emb = USEEmbedder(threads=1)
    assert emb.token_stage.endswith(" float32") and emb.token_stage_note == ""
    fast = USEEmbedder(threads=1, token_stage="int8")
    assert fast.token_stage.endswith(" int8") and fast.token_stage_note == ""


def test_the_default_passes_over_failing_integer_paths_and_says_why(monkeypatch):
    """Where the CPU has integer dot products the default tries int8, then int8x2, then
    float32: a precision that fails its self-check is passed over, and -v says why."""
    if _onnx.auto_precisions()[0] != "int8":
        pytest.skip("this CPU has no integer dot products: the default starts at float32")
    monkeypatch.setattr(_onnx, "MIN_COSINE", {**_onnx.MIN_COSINE, "int8": 1.5})
    emb = USEEmbedder(threads=1)
    assert emb.token_stage.endswith(" int8x2")
    assert "int8" in emb.token_stage_note and "too far from the numpy path" in emb.token_stage_note
    monkeypatch.setattr(_onnx, "MIN_COSINE", {**_onnx.MIN_COSINE, "int8": 1.5, "int8x2": 1.5})
    emb = USEEmbedder(threads=1)
    assert emb.token_stage.endswith(" float32")
    assert "int8x2" in emb.token_stage_note and "too far from the numpy path" in emb.token_stage_note
    assert describe(emb)[0].startswith(f"the bundled model's token stage runs on {emb.token_stage} (")


@pytest.mark.parametrize("stage", ["auto", "int8x2", "int8"])
def test_a_failed_self_check_falls_back_to_numpy(monkeypatch, stage):
    monkeypatch.setattr(_onnx, "MIN_COSINE", dict.fromkeys(_onnx.PRECISIONS, 1.5))  # a bar no path can pass
    emb = USEEmbedder(threads=1, token_stage=stage)
    precision = "float32" if stage == "auto" else stage
    assert emb.token_stage == "numpy" and "onnxruntime" not in emb.name
    assert "too far from the numpy path" in emb.token_stage_note
    assert describe(emb)[0].startswith(
        f"the bundled model's token stage runs on numpy (onnxruntime's {precision}"
    )


@pytest.mark.parametrize("model", [None, "use:fast"], ids=["default", "use:fast"])
def test_without_onnxruntime_the_numpy_path_runs_and_says_so_under_v(corpora, tmp_path, model):
    """``align pair`` (the default, and ``-m use:fast``) in a real CLI process in which
    onnxruntime cannot be imported: the numpy path, the same alignment as on
    onnxruntime, and -v names the path."""
    args = ["pair", "-v", *([] if model is None else ["-m", model])]
    args += [str(corpora / "harbor_bridge.en.txt"), str(corpora / "harbor_bridge.ko.txt")]
    blocked = (
        "import sys; sys.modules['onnxruntime'] = None; "
        "from align.cli import main; sys.argv = ['align', *sys.argv[1:]]; main()"
    )
    slow = subprocess.run(
        [sys.executable, "-c", blocked, *args, "-o", str(tmp_path / "numpy.tsv")],
        cwd=ROOT,
        capture_output=True,
    )
    assert slow.returncode == 0, slow.stderr.decode()
    err = slow.stderr.decode()
    assert "align: the bundled model's token stage runs on numpy (onnxruntime is not installed)" in err
    assert "Traceback" not in err
    quick = subprocess.run(
        [sys.executable, "-m", "align", *args, "-o", str(tmp_path / "fast.tsv")],
        cwd=ROOT,
        capture_output=True,
    )
    assert quick.returncode == 0, quick.stderr.decode()
    assert "token stage runs on onnxruntime" in quick.stderr.decode()

    def beads(path: Path) -> list[str]:
        return [
            line.split("\t")[0] + line.split("\t")[1]
            for line in path.read_text(encoding="utf-8").splitlines()
        ]

    assert beads(tmp_path / "numpy.tsv") == beads(tmp_path / "fast.tsv")


def test_the_graph_is_a_valid_onnx_model():
    """align writes the ONNX protobuf itself (the onnx package takes 2 s to import); the
    onnx checker, with full shape inference, accepts it (onnx is a dev dependency)."""
    onnx = pytest.importorskip("onnx")
    from align import _use

    stage = _use.Usem3(threads=1, token_stage="numpy").two_stage
    assert stage is not None
    for precision in _onnx.PRECISIONS:
        graphs = {
            part: _onnx.token_stage_graph(stage.b, _use.ORDERS, precision, part) for part in _onnx.PARTS
        }
        ids, tokens = (onnx.load_from_string(graphs[part]) for part in ("ids", "tokens"))
        for model in (ids, tokens):
            onnx.checker.check_model(model, full_check=True)
        ops = {n.op_type for model in (ids, tokens) for n in model.graph.node}
        if precision != "float32":
            assert {"MatMulIntegerToFloat", "QuantizeLinear", "LayerNormalization"} <= ops
        else:
            assert {"MatMul", "LayerNormalization"} <= ops and "MatMulIntegerToFloat" not in ops
        per_offset = ["p0", "p1", "p2"]
        assert [i.name for i in ids.graph.input] == ["rows", "row_scale", "row_lo"]
        assert [o.name for o in ids.graph.output] == ["x_u", *per_offset]
        inputs = [
            "rows",
            "row_scale",
            "row_lo",
            "inverse",
            "x_rows",
            *per_offset,
            "tok_rows",
            "cols",
            "win_rows",
        ]
        inputs += ["sentence", "members"] if precision == "int8x2" else []
        assert [i.name for i in tokens.graph.input] == inputs
        assert [o.name for o in tokens.graph.output] == ["feats"]
