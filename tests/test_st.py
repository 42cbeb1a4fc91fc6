"""The sentence-transformers backend with a real, tiny, randomly initialised model on disk."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

pytestmark = pytest.mark.st

st = pytest.importorskip("sentence_transformers", reason="the align[st] extra is not installed")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A 2-layer BERT with a word-piece vocabulary, saved as a sentence-transformers model."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("tiny-st")
    bert_dir = root / "bert"
    bert_dir.mkdir()
    words = [
        "the",
        "a",
        "bridge",
        "opened",
        "is",
        "long",
        "it",
        "has",
        "six",
        "lanes",
        "people",
        "came",
        "new",
        "city",
        "river",
        ".",
        ",",
        "!",
        "?",
    ]
    hangul = [chr(c) for c in range(0xAC00, 0xAC00 + 300)]
    letters = [c for c in "abcdefghijklmnopqrstuvwxyz0123456789" if c not in words]
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words, *hangul, *letters]
    (bert_dir / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = BertTokenizerFast(vocab_file=str(bert_dir / "vocab.txt"), do_lower_case=True)
    tok.save_pretrained(bert_dir)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    BertModel(config).save_pretrained(bert_dir)
    # a plain transformers folder loads as Transformer + mean pooling; save it as an ST model
    model_dir = root / "model"
    st.SentenceTransformer(str(bert_dir), device="cpu").save(str(model_dir))
    return model_dir


def test_embedder_interface(tiny_model):
    from align import SentenceTransformerEmbedder, load_embedder

    emb = load_embedder(f"st:{tiny_model}")
    assert isinstance(emb, SentenceTransformerEmbedder)
    out = emb.encode(["the bridge opened", "다리가 개통했다", "six lanes"])
    assert out.shape == (3, 32) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert emb.encode([]).shape == (0, 32)


def test_cli_with_local_model(cli, tiny_model, tmp_path):
    en = tmp_path / "a.en.txt"
    ko = tmp_path / "a.ko.txt"
    en.write_text("The bridge opened. It has six lanes. People came.\n", encoding="utf-8")
    ko.write_text("다리가 개통했다. 차로는 여섯 개다. 사람들이 왔다.\n", encoding="utf-8")
    proc = cli("pair", str(en), str(ko), "--model", f"st:{tiny_model}", "-f", "jsonl")
    assert proc.returncode == 0, proc.stderr
    recs = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    assert [i for r in recs for i in r["src_ids"]] == [0, 1, 2]
    assert [j for r in recs for j in r["tgt_ids"]] == [0, 1, 2]
    assert all(0.0 <= r["score"] <= 1.0 for r in recs)


def test_model_not_on_disk_is_one_clear_line(cli, corpora):
    proc = cli(
        "pair",
        str(corpora / "seed_bank.en.txt"),
        str(corpora / "seed_bank.ko.txt"),
        "--model",
        "st:sentence-transformers/LaBSE-not-here",
    )
    err = proc.stderr.decode()
    assert proc.returncode == 1
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "is not on this machine" in err and "local path" in err


def test_broken_local_model_folder(cli, corpora, tmp_path):
    (tmp_path / "junk.txt").write_text("not a model", encoding="utf-8")
    proc = cli(
        "pair",
        str(corpora / "seed_bank.en.txt"),
        str(corpora / "seed_bank.ko.txt"),
        "--model",
        f"st:{tmp_path}",
    )
    err = proc.stderr.decode()
    assert proc.returncode == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "cannot load a sentence-transformers model" in err


@pytest.fixture
def hub_cache(tiny_model, tmp_path, monkeypatch):
    """The tiny model as ``tiny-org/tiny-model`` in a Hugging Face cache of its own."""
    import shutil

    import huggingface_hub.constants

    repo = tmp_path / "hub" / "models--tiny-org--tiny-model"
    shutil.copytree(tiny_model, repo / "snapshots" / ("0" * 40))
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0" * 40, encoding="utf-8")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("ALIGN_ALLOW_DOWNLOAD", raising=False)
    return "tiny-org/tiny-model"


def test_loading_offline_leaves_the_environment_alone(hub_cache, tiny_model):
    """The hub is kept off during the load only: the process (and the processes it starts,
    which inherit its environment) stays as it was, whether the model loads or not."""
    from align import SentenceTransformerEmbedder
    from align.errors import AlignError

    before = dict(os.environ)
    by_name = SentenceTransformerEmbedder(hub_cache)  # from the cache, offline
    assert by_name.encode(["the bridge opened"]).shape == (1, 32)
    assert dict(os.environ) == before
    SentenceTransformerEmbedder(str(tiny_model))  # a local path
    assert dict(os.environ) == before
    with pytest.raises(AlignError, match="is not on this machine"):
        SentenceTransformerEmbedder("tiny-org/not-here")
    assert dict(os.environ) == before


def test_an_offline_setting_of_the_user_is_kept(hub_cache, monkeypatch):
    from align import SentenceTransformerEmbedder

    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    SentenceTransformerEmbedder(hub_cache)
    assert os.environ["HF_HUB_OFFLINE"] == "0"
