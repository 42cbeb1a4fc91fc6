"""A self-contained HTML page to review and correct aligned documents (no network, no
external assets): open it from an e-mail attachment, fix the alignment, save the result.

The page shows one document at a time (a selector picks among a batch's documents): its
verdict on top (coverage, mean score, translation probability), a histogram of the
scores, then the two sides side by side, one row per pair, coloured by score, flags as
badges, omissions as visible gaps and paragraph breaks as rules.  A reviewer confirms or
rejects pairs, joins, splits, moves sentences between neighbouring pairs and links
unaligned sentences, all from the keyboard, with undo and redo; edits autosave in the
browser's local storage for that file, and "Save corrected" downloads a JSONL in align's
format with a ``status`` per pair (:data:`align.filters.STATUSES`) that ``align
export``, ``align filter`` and ``align evaluate`` read.

The page is three files of this package inlined: ``review_page/edit.js`` (the edit
logic, no DOM: every edit keeps the alignment valid and can be undone exactly),
``review_page/page.js`` (the view and the keys) and ``review_page/page.css``.  The data
travel as JSON inside the page, every ``<`` written as ``\\u003c`` so that no text can
end or comment out the script.

To edit a merged pair sentence by sentence the page needs each sentence's text, which a
saved result does not record: they are recovered from the sentences (a fresh result),
else from the character offsets, else by the sentence splitter; where none gives back the
pair's text exactly, that pair's sentences stay together as one unit.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from dataclasses import replace
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from .aligner import _NO_SPACE_LANGS
from .calibration import load_calibration
from .filters import AUTO, CONFIRMED, EDITED, REJECTED, status_of
from .result import DocumentAlignment, Sentence
from .scoring import document_verdict

__all__ = ["REVIEWED_SCORE", "render_review", "write_review"]

REVIEWED_SCORE = 1.0
"""The score "Save corrected" gives a pair an edit made (edited, or rejected into unaligned
sentences): the reviewer's word, not the aligner's estimate."""


@cache
def _asset(name: str) -> str:
    return resources.files("align").joinpath("review_page", name).read_text(encoding="utf-8")


def _number(value: object, default: float | None = 0.0) -> float | None:
    """A finite float for the page's JSON (NaN or infinity would break JSON.parse)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    value = float(value)
    return value if math.isfinite(value) else default


def _verdict(result: DocumentAlignment) -> dict[str, float | None]:
    if result.verdict is not None:
        v = result.verdict.as_dict()
    else:  # a result read back without one: the same verdict `align pair` computes
        model = result.signature.model
        try:
            # scores saved as uncalibrated ("calibrated": false) get no calibrated verdict, as in `align pair`
            calib = load_calibration(model) if model and result.calibrated is not False else None
            v = document_verdict(result, calib).as_dict()
        except (ValueError, TypeError, KeyError, ArithmeticError):  # a saved model name, a bad file
            v = document_verdict(result, None).as_dict()
    return {
        "coverage": _number(v["coverage"]),
        "mean_score": _number(v["mean_score"]),
        "p_translation": _number(v["p_translation"], None),
    }


def _joiner(lang: str) -> str:
    """What joins two sentences of a merged pair in this language (as the aligner joins them)."""
    return "" if lang in _NO_SPACE_LANGS else " "


def _pieces(
    text: str, ids: tuple[int, ...], sentences: dict[int, Sentence], joiner: str, lang: str, offsets: bool
) -> list[str] | None:
    """A merged side's text cut at its sentences, or None where no way gives ``text`` back."""
    known = [sentences[i].text if i in sentences else "" for i in ids]
    if all(known) and joiner.join(known) == text:  # a fresh result knows its sentences
        return known
    if offsets and all(i in sentences for i in ids):
        lengths = [sentences[i].end - sentences[i].start for i in ids]
        if sum(lengths) + len(joiner) * (len(ids) - 1) == len(text):  # no space was squeezed
            out, at = [], 0
            for n in lengths:
                out.append(text[at : at + n])
                at += n + len(joiner)
            if all(out) and joiner.join(out) == text:
                return out
    from .segment import split_sentences

    cut = [" ".join(s.text.split()) for s in split_sentences(text, lang)]
    if len(cut) == len(ids) and all(cut) and joiner.join(cut) == text:
        return cut
    return None


def _chunks(
    result: DocumentAlignment, ids: tuple[int, ...], text: str, side: str, sentences: dict[int, Sentence]
) -> list[list[Any]]:
    """One side of a pair as the page's chunks: ``[ids, text, paragraphs, offsets]``."""
    if not ids:
        return []
    lang = result.src_lang if side == "src" else result.tgt_lang
    joiner = _joiner(lang)
    pieces = _pieces(text, ids, sentences, joiner, lang, result.offsets_known) if len(ids) > 1 else None
    groups = [((i,), piece) for i, piece in zip(ids, pieces, strict=True)] if pieces else [(ids, text)]
    out: list[list[Any]] = []
    for group, piece in groups:
        known = [sentences[i] for i in group if i in sentences]
        pars = sorted({s.paragraph for s in known}) if result.paragraphs_known else []
        offs = [[s.start, s.end] for s in known] if result.offsets_known else None
        out.append([list(group), piece, pars, offs])
    return out


def _increasing(chunks: list[list[Any]]) -> bool:
    ids = [i for c in chunks for i in c[0]]
    return all(a < b for a, b in pairwise(ids))


def _document(result: DocumentAlignment) -> dict[str, Any]:
    from .formats.jsonl import record, sentence_index

    index = sentence_index(result)
    src_by_id, tgt_by_id = index
    if not all(i in src_by_id for p in result.pairs for i in p.src) or not all(
        j in tgt_by_id for p in result.pairs for j in p.tgt
    ):  # a hand-made result without all its sentences: what they would tell is unknown
        result = replace(result, offsets_known=False, paragraphs_known=False)
    pairs: list[dict[str, Any]] = []
    sc: list[list[Any]] = []
    tc: list[list[Any]] = []
    head: dict[str, Any] = {}
    for p in result.pairs:
        rec = record(result, p, index)
        if not head:
            head = {k: rec[k] for k in ("doc_id", "calibrated", "model", "signature", "src_lang", "tgt_lang")}
        s = _chunks(result, p.src, p.src_text, "src", src_by_id)
        t = _chunks(result, p.tgt, p.tgt_text, "tgt", tgt_by_id)
        sc += s
        tc += t
        par = s[0][2] if s else t[0][2] if t else []
        pairs.append({
            "score": _number(rec["score"]), "cos": _number(rec["cosine"], None), "mar": _number(rec["margin"], None),
            "flags": rec["flags"], "feat": {k: _number(v) for k, v in rec["features"].items()},
            "sp": rec["src_paragraphs"], "tp": rec["tgt_paragraphs"], "ns": len(s), "nt": len(t),
            "st": status_of(p), "par": par[0] if par else None,
        })  # fmt: skip
    editable = _increasing(sc) and _increasing(tc)
    return {
        "doc_id": result.doc_id,
        "verdict": _verdict(result),
        "editable": editable,
        "sj": _joiner(result.src_lang),
        "tj": _joiner(result.tgt_lang),
        "pk": result.paragraphs_known,
        "ok": result.offsets_known,
        "rec": head or {"doc_id": result.doc_id},
        "sc": sc,
        "tc": tc,
        "pairs": pairs,
    }


def render_review(
    results: list[DocumentAlignment],
    threshold: float = 0.5,
    title: str = "align review",
    source: str | None = None,
) -> str:
    """The page as a string; ``source`` names the result file (the corrected file's name)."""
    docs = [_document(r) for r in results]
    stem = Path(source).name.rsplit(".", 1)[0] if source else "review"
    payload: dict[str, Any] = {
        "threshold": threshold,
        "src_lang": results[0].src_lang if results else "src",
        "tgt_lang": results[0].tgt_lang if results else "tgt",
        "statuses": {"auto": AUTO, "confirmed": CONFIRMED, "edited": EDITED, "rejected": REJECTED},
        "reviewed_score": REVIEWED_SCORE,
        "save_name": f"{stem}.corrected.jsonl",
        "docs": docs,
    }
    # autosave is keyed to the file: the same result gives the same key (whatever the
    # threshold or the page's name), another result another key
    body = json.dumps(docs, ensure_ascii=False)
    digest = hashlib.sha256(body.encode("utf-8", "replace")).hexdigest()[:24]
    payload["key"] = f"align-review:{digest}"
    # no text can close the script (</script>) or open a comment (<!--) that swallows the page
    data = json.dumps(payload, ensure_ascii=False).replace("<", "\\u003c")
    n = sum(len(d["pairs"]) for d in docs)
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width"><title>{html.escape(title)}</title>'
        f"<style>{_asset('page.css')}</style></head><body>"
        f'<header><h1>{html.escape(title)}</h1><span id="counts">{len(docs)} document(s), {n} pairs</span>'
        '<div id="bar"></div></header><div id="keys"></div><div id="note" role="status" aria-live="polite"></div>'
        '<main id="docs"></main>'
        f'<script type="application/json" id="align-data">{data}</script>'
        f"<script>{_asset('edit.js')}</script><script>{_asset('page.js')}</script></body></html>\n"
    )
    # a lone surrogate (a file name that is not UTF-8, a hand-built text) cannot be written
    return page.encode("utf-8", "replace").decode("utf-8")


def write_review(
    results: list[DocumentAlignment], path: str | Path, threshold: float = 0.5, source: str | None = None
) -> None:
    """Write the page atomically."""
    from .formats import atomic_writer

    with atomic_writer(path) as f:
        f.write(
            render_review(results, threshold, title=f"align review: {Path(str(path)).stem}", source=source)
        )
