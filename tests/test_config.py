"""One home for the defaults (align.config): the library, batch and the CLI read it; the
signature and the batch resume key are derived from it and miss no option."""

from __future__ import annotations

import dataclasses
import json

import pytest

from align import AlignConfig, Aligner, AlignError, BatchOptions, SearchParams, run_batch
from align.cli import main
from align.config import DEFAULTS

MUSEUM_EN = ["The museum opened in 1990.", "It has three floors.", "Entry is free.", "It closes on Mondays."]
MUSEUM_KO = ["박물관은 1990년에 문을 열었으며 3층 건물이다.", "입장료는 무료다.", "월요일에는 문을 닫는다."]


def _option_names() -> set[str]:
    """Every option that decides an alignment, by its public name (the search's skip is null_cost)."""
    search = {f.name for f in dataclasses.fields(SearchParams)} - {"skip"} | {"null_cost"}
    return search | {f.name for f in dataclasses.fields(AlignConfig)} - {"search"}


# ------------------------------------------------------------------ the max_merge trap
def test_params_max_merge_is_not_overridden_by_the_keyword_default(aligner):
    model = aligner.embedder.inner
    # the behaviour: params allowing only 1-1 beads give no merge (the default's 4 gives a 2-1)
    assert aligner.align_sentences(MUSEUM_EN, MUSEUM_KO).pairs[0].kind == "2-1"
    only_one_to_one = Aligner(model, params=SearchParams(max_merge=2)).align_sentences(MUSEUM_EN, MUSEUM_KO)
    assert all(p.kind in {"1-1", "1-0", "0-1"} for p in only_one_to_one.pairs)
    assert "max_merge:2" in str(only_one_to_one.signature)
    assert Aligner(model, params=SearchParams(max_merge=8)).params.max_merge == 8


def test_keywords_win_over_params_and_params_over_defaults(aligner):
    model = aligner.embedder.inner
    both = Aligner(model, params=SearchParams(max_merge=8, skip=-0.3), max_merge=3, null_cost=0.1)
    assert (both.params.max_merge, both.params.skip) == (3, -0.1)
    assert both.config.null_cost == 0.1
    from_params = Aligner(model, params=SearchParams(skip=-0.3, threshold=0.1))
    assert from_params.config.null_cost == 0.3 and from_params.params.threshold == 0.1
    assert Aligner(model).params == SearchParams()
    with pytest.raises(AlignError, match="max-merge"):
        Aligner(model, params=SearchParams(max_merge=1))
    with pytest.raises(AlignError, match="null-cost"):
        Aligner(model, params=SearchParams(), null_cost=1.5)


# ------------------------------------------------------------------ one home for the defaults
def test_cli_batch_and_library_defaults_are_the_config_defaults(aligner):
    assert AlignConfig() == DEFAULTS and SearchParams() == DEFAULTS.search
    assert dataclasses.replace(Aligner(aligner.embedder.inner).config, model=DEFAULTS.model) == DEFAULTS
    assert BatchOptions().config == DEFAULTS
    for command in ("pair", "batch"):
        params = {p.name: p.default for p in main.commands[command].params}
        for name in ("model", "src_lang", "tgt_lang", "max_merge", "null_cost"):
            assert params[name] == getattr(DEFAULTS, name), (command, name)


# ------------------------------------------------------------------ the signature
def test_signature_names_every_option(aligner):
    sig = aligner.signature
    names = {item.split(":", 1)[0] for item in str(sig).split("|")}
    # model and languages are the signature's own fields, shown as model: and langs:
    assert _option_names() - {"model", "src_lang", "tgt_lang"} <= names
    assert set(sig.params) == _option_names() - {"model", "src_lang", "tgt_lang"}
    assert sig.params["null_cost"] == 0.0 and "skip" not in sig.params


def test_an_option_that_changes_the_output_changes_the_signature(aligner, corpora):
    en, ko = corpora / "harbor_bridge.en.txt", corpora / "harbor_bridge.ko.txt"
    cleaned = aligner.align_files(en, ko)
    kept = Aligner(aligner.embedder.inner, clean=False).align_files(en, ko)
    assert len(kept.src) > len(cleaned.src)  # the furniture stays: another alignment
    assert kept.signature != cleaned.signature
    assert "clean:False" in str(kept.signature) and "clean:True" in str(cleaned.signature)
    banded = Aligner(aligner.embedder.inner, params=SearchParams(max_cells=10, coarse_factor=2))
    assert banded.signature != aligner.signature


def test_signature_identity_does_not_depend_on_the_date(aligner):
    today = aligner.signature
    other_day = dataclasses.replace(today, date="1999-12-31")
    assert other_day == today  # the same run on another day
    assert str(other_day).endswith("|date:1999-12-31")  # still written, as metadata
    assert str(other_day).rsplit("|date:", 1)[0] == str(today).rsplit("|date:", 1)[0]


# ------------------------------------------------------------------ the resume key
def test_resume_key_holds_every_option():
    key = BatchOptions().alignment_key()
    assert set(key) == _option_names() | {"shard_size"}
    assert BatchOptions(max_merge=3).alignment_key() != key
    assert BatchOptions(clean=False).alignment_key() != key
    assert BatchOptions(min_score=0.5, workers=4).alignment_key() == key  # not the content of a shard


def test_batch_json_of_an_older_version_resumes(corpora, tmp_path):
    """A batch.json written before the key had every option: the missing ones had their defaults."""
    src = tmp_path / "in"
    for side in ("en", "ko"):
        (src / side).mkdir(parents=True)
        text = (corpora / f"harbor_bridge.{side}.txt").read_text(encoding="utf-8")
        (src / side / "harbor.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    old = {
        "model": "use", "src_lang": "en", "tgt_lang": "ko", "max_merge": 4, "null_cost": 0.0,
        "presplit": False, "clean": True, "shard_size": 50,
    }  # fmt: skip
    (out / "batch.json").write_text(json.dumps({"options": old, "documents": ["harbor"]}) + "\n")
    stats = run_batch(src, out, BatchOptions(cache=""), progress=False)
    assert stats["documents_ok"] == 1
    with pytest.raises(AlignError, match="other options"):
        run_batch(src, out, BatchOptions(cache="", max_merge=3), progress=False)
