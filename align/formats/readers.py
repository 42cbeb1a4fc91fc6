"""Reading align's own TSV and JSONL outputs back (for ``align filter``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError

__all__ = ["Records", "read_records", "read_results"]


@dataclass(slots=True)
class Records:
    """Rows of an align output: its format, TSV header, raw lines and parsed fields."""

    format: str
    header: str | None
    lines: list[str]
    rows: list[dict[str, Any]]


def read_records(path: str | Path) -> Records:
    """Read an align TSV (header row) or JSONL file; the format is told by its content."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(str(path), "is not UTF-8: not an align output") from exc
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if not lines:
        raise InputError(str(path), "is empty")
    if lines[0].lstrip().startswith("{"):
        rows = []
        for n, ln in enumerate(lines, 1):
            try:
                rec = json.loads(ln)
                rec["score"] = float(rec["score"])
                rec.setdefault("flags", [])
                rec["null"] = not rec["src_ids"] or not rec["tgt_ids"]
            except (ValueError, KeyError, TypeError):
                raise InputError(str(path), "not a record of align's JSONL output", line=n) from None
            rows.append(rec)
        return Records("jsonl", None, lines, rows)
    header = lines[0].split("\t")
    need = {"score", "flags", "type"}
    if not need <= set(header):
        raise InputError(str(path), "has no align TSV header (score, flags, type columns)", line=1)
    rows = []
    for n, ln in enumerate(lines[1:], 2):
        cells = ln.split("\t")
        if len(cells) != len(header):
            raise InputError(str(path), f"has {len(cells)} columns, the header has {len(header)}", line=n)
        rec: dict[str, Any] = dict(zip(header, cells, strict=True))
        try:
            rec["score"] = float(rec["score"])
        except ValueError:
            raise InputError(str(path), f"score is not a number: {rec['score']!r}", line=n) from None
        rec["flags"] = [f for f in rec["flags"].split(",") if f]
        rec["null"] = rec["type"].startswith("0-") or rec["type"].endswith("-0")
        rows.append(rec)
    return Records("tsv", lines[0], lines[1:], rows)


def _ids(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(",") if x.strip())


def read_results(path: str | Path):  # type: ignore[no-untyped-def]
    """Read align's TSV or JSONL back into one DocumentAlignment per document id.

    Pairs come back with ids, texts, score, flags (and, from JSONL, cosine, margin,
    features, paragraphs and offsets); the signature says the result was read back.
    """
    from ..result import DocumentAlignment, Pair, Sentence, Signature
    from .tsv import unescape

    records = read_records(path)
    head = records.header.split("\t") if records.header else []
    docs: dict[str, dict[str, Any]] = {}
    for rec in records.rows:
        if records.format == "jsonl":
            doc_id = rec.get("doc_id", "")
            src_ids, tgt_ids = tuple(rec["src_ids"]), tuple(rec["tgt_ids"])
            src_text, tgt_text = rec["src"], rec["tgt"]
            langs = (rec.get("src_lang", "src"), rec.get("tgt_lang", "tgt"))
            cos, margin, features = rec.get("cosine"), rec.get("margin"), rec.get("features", {})
            src_par = rec.get("src_paragraphs", [])
            tgt_par = rec.get("tgt_paragraphs", [])
            src_off = rec.get("src_offsets", [])
            tgt_off = rec.get("tgt_offsets", [])
        else:
            src_col, tgt_col = head[0], head[1]
            doc_id = unescape(rec.get("doc_id", ""))
            src_ids, tgt_ids = _ids(rec[f"{src_col}_ids"]), _ids(rec[f"{tgt_col}_ids"])
            src_text, tgt_text = unescape(rec[src_col]), unescape(rec[tgt_col])
            langs = (src_col, tgt_col)
            cos = margin = None
            features, src_par, tgt_par, src_off, tgt_off = {}, [], [], [], []
        model = rec.get("model", "") if records.format == "jsonl" else ""
        d = docs.setdefault(doc_id, {"pairs": [], "src": {}, "tgt": {}, "langs": langs, "model": model})
        d["pairs"].append(
            Pair(
                src_ids,
                tgt_ids,
                src_text,
                tgt_text,
                float(rec["score"]),
                cos,
                margin,
                dict(features),
                tuple(rec["flags"]),
            )
        )
        for ids, store, par, off in (
            (src_ids, d["src"], src_par, src_off),
            (tgt_ids, d["tgt"], tgt_par, tgt_off),
        ):
            for k, i in enumerate(ids):
                start, end = off[k] if k < len(off) else (0, 0)
                store[i] = Sentence(i, "", par[0] if par else 0, start, end)
    out = []
    for doc_id, d in docs.items():
        sig = Signature("read back", d["model"], d["langs"][0], d["langs"][1], {"from": Path(str(path)).name})
        out.append(
            DocumentAlignment(
                d["pairs"],
                [d["src"][i] for i in sorted(d["src"])],
                [d["tgt"][j] for j in sorted(d["tgt"])],
                sig,
                doc_id,
            )
        )
    return out
