"""Reading align's own TSV and JSONL outputs back (for ``align filter``, ``export``, ``review``).

Every field is checked before it is used, so a malformed file is one :class:`InputError`
naming the file, the line and the field, never another exception: ids must be lists of
non-negative integers, texts strings, scores finite numbers in [0, 1] (``NaN`` and
``Infinity`` are refused), flags lists of flag names, offsets ``[start, end]`` pairs, one
per id, and no string may hold a lone surrogate (it could not be written back as UTF-8).

A JSONL result keeps its saved ``signature`` and ``calibrated`` flag when read back, so
export writes them unchanged.  A JSONL saved by the review page ("Save corrected") also
gives each pair a ``status`` (:data:`align.filters.STATUSES`); such pairs come back as
:class:`ReviewedPair`.  A TSV has neither (its signature says "read back"), nor
character offsets or paragraphs, which are then unknown rather than invented.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..filters import AUTO, STATUSES
from ..result import DocumentAlignment, Pair, Sentence, Signature

__all__ = [
    "RecordError", "Records", "ReviewedPair", "json_object", "numbered_lines", "read_records", "read_results",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class ReviewedPair(Pair):
    """A pair read from a reviewed JSONL, with the reviewer's ``status`` (auto, confirmed,
    edited, rejected: :data:`align.filters.STATUSES`); JSONL writes it back."""

    status: str = AUTO


_ID = re.compile(r" *[0-9]+ *")
_FLAG = re.compile(r"[A-Za-z0-9_.-]+")
_LANG = re.compile(r"[A-Za-z0-9_-]{1,32}")
_TYPE = re.compile(r"([0-9]+)-([0-9]+)")
_CONTROL = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


@dataclass(slots=True)
class Records:
    """Rows of an align output: its format, TSV header, raw lines and parsed fields.

    Every row has a finite ``score`` in [0, 1], ``flags`` (a list of names),
    ``null`` (True for an omission) and ``status`` (``auto`` unless a reviewed JSONL says
    otherwise).  ``numbers`` holds each row's 1-based line in
    the file.
    """

    format: str
    header: str | None
    lines: list[str]
    rows: list[dict[str, Any]]
    numbers: list[int] | None = None


class RecordError(ValueError):
    """One problem with one line; becomes an InputError naming the file and line."""


_Bad = RecordError


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise _Bad(f"{name} is not a string: {_show(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _Bad(f"{name} holds a lone surrogate (not valid Unicode)") from None
    return value


def _check_score(value: Any, name: str = "score") -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad(f"{name} is not a number: {_show(value)}")
    score = float(value)
    if not math.isfinite(score) or not 0.0 <= score <= 1.0:
        raise _Bad(f"{name} is not a number from 0 to 1: {_show(value)}")
    return score


def _check_number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad(f"{name} is not a number: {_show(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise _Bad(f"{name} is not a finite number: {_show(value)}")
    return number


def _check_ids(value: Any, name: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in value
    ):
        raise _Bad(f"{name} is not a list of sentence ids (integers from 0): {_show(value)}")
    return tuple(value)


def _check_flags(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(f, str) and _FLAG.fullmatch(f) for f in value):
        raise _Bad(f"flags is not a list of flag names: {_show(value)}")
    return list(value)


def _check_lang(value: Any, name: str) -> str:
    if not isinstance(value, str) or not _LANG.fullmatch(value):
        raise _Bad(f"{name} is not a language code: {_show(value)}")
    return value


def _check_kind(kind: Any, n_src: int, n_tgt: int) -> None:
    if not isinstance(kind, str) or not _TYPE.fullmatch(kind):
        raise _Bad(f"type is not an alignment type like 1-1: {_show(kind)}")
    if kind != f"{n_src}-{n_tgt}":
        raise _Bad(f"type {kind} does not match {n_src} source and {n_tgt} target id(s)")


def _check_paragraphs(value: Any, name: str) -> list[int] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in value
    ):
        raise _Bad(f"{name} is not a list of paragraph numbers: {_show(value)}")
    return value


def _check_offsets(value: Any, name: str, n_ids: int) -> list[tuple[int, int]] | None:
    if value is None:
        return None
    ok = isinstance(value, list) and all(
        isinstance(o, list)
        and len(o) == 2
        and all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in o)
        and o[0] <= o[1]
        for o in value
    )
    if not ok:
        raise _Bad(f"{name} is not a list of [start, end] character offsets: {_show(value)}")
    if len(value) != n_ids:
        raise _Bad(f"{name} has {len(value)} offset(s) for {n_ids} id(s)")
    return [(o[0], o[1]) for o in value]


def _no_constants(name: str) -> Any:
    raise _Bad(f"{name} is not valid JSON (use null or a number)")


def numbered_lines(text: str) -> list[tuple[int, str]]:
    """The non-blank lines of a text with their 1-based numbers.

    Lines end at ``\\n`` alone (a CR before it stays): JSON keeps U+2028, U+0085 and the
    like raw inside a string, and ``str.splitlines`` would cut a record there."""
    return [(n, ln) for n, ln in enumerate(text.split("\n"), 1) if ln.strip()]


def json_object(line: str, allow_nan: bool = False) -> dict[str, Any]:
    """One JSONL line as a JSON object: the one JSON decoding of every JSONL reader of align.

    ``NaN`` and ``Infinity`` are refused unless ``allow_nan``.  Raises :class:`RecordError`."""
    try:
        rec = json.loads(line) if allow_nan else json.loads(line, parse_constant=_no_constants)
    except RecordError:
        raise
    except RecursionError:
        raise RecordError("not a record of align's JSONL output (nested too deeply)") from None
    except ValueError as exc:
        raise RecordError(f"not valid JSON ({str(exc).split(':')[0]})") from None
    if not isinstance(rec, dict):
        raise RecordError("not a record of align's JSONL output (not a JSON object)")
    return rec


def _jsonl_row(line: str) -> dict[str, Any]:
    """One JSONL record, checked; raises _Bad."""
    rec = json_object(line)
    for key in ("src_ids", "tgt_ids", "src", "tgt", "score"):
        if key not in rec:
            raise _Bad(f"not a record of align's JSONL output (no {key})")
    for key in rec:
        _check_text(key, "a field name")
    src_ids = _check_ids(rec["src_ids"], "src_ids")
    tgt_ids = _check_ids(rec["tgt_ids"], "tgt_ids")
    if not src_ids and not tgt_ids:
        raise _Bad("src_ids and tgt_ids are both empty")
    if "type" in rec:
        _check_kind(rec["type"], len(src_ids), len(tgt_ids))
    _check_text(rec["src"], "src")
    _check_text(rec["tgt"], "tgt")
    rec["score"] = _check_score(rec["score"])
    rec["flags"] = _check_flags(rec.get("flags", []))
    for key in ("cosine", "margin"):
        if rec.get(key) is not None:
            _check_number(rec[key], key)
    features = rec.get("features", {})
    if features is None:
        features = {}
    if not isinstance(features, dict):
        raise _Bad(f"features is not an object of numbers: {_show(features)}")
    for k, v in features.items():
        _check_text(k, "a feature name")
        _check_number(v, f"feature {k}")
    if "calibrated" in rec and rec["calibrated"] is not None and not isinstance(rec["calibrated"], bool):
        raise _Bad(f"calibrated is not true or false: {_show(rec['calibrated'])}")
    for key in ("doc_id", "model", "signature"):
        if key in rec:
            _check_text(rec[key], key)
    if _CONTROL.search(rec.get("signature", "")):
        raise _Bad("signature holds a line break or control character")
    for key in ("src_lang", "tgt_lang"):
        if key in rec:
            _check_lang(rec[key], key)
    _check_paragraphs(rec.get("src_paragraphs"), "src_paragraphs")
    _check_paragraphs(rec.get("tgt_paragraphs"), "tgt_paragraphs")
    _check_offsets(rec.get("src_offsets"), "src_offsets", len(src_ids))
    _check_offsets(rec.get("tgt_offsets"), "tgt_offsets", len(tgt_ids))
    if "status" in rec and rec["status"] not in STATUSES:
        raise _Bad(f"status is not one of {', '.join(STATUSES)}: {_show(rec['status'])}")
    rec["_reviewed"] = "status" in rec
    rec.setdefault("status", AUTO)
    rec["null"] = not src_ids or not tgt_ids
    return rec


def _tsv_ids(text: str, name: str) -> tuple[int, ...]:
    if not text.strip():
        return ()
    parts = text.split(",")
    if not all(_ID.fullmatch(x) for x in parts):
        raise _Bad(f"{name} is not a comma-separated list of sentence ids: {_show(text)}")
    return tuple(int(x) for x in parts)


def _tsv_columns(header: list[str]) -> tuple[str, str]:
    """The two text columns of an align TSV header; raises _Bad."""
    if len(set(header)) != len(header):
        raise _Bad("has a TSV header with a repeated column")
    if len(header) < 2:
        raise _Bad("has no align TSV header (text, score, flags, type and id columns)")
    src, tgt = header[0], header[1]
    need = ["score", "flags", "type", f"{src}_ids", f"{tgt}_ids"]
    missing = [c for c in need if c not in header]
    if missing or {src, tgt} & {"score", "flags", "type", "doc_id"}:
        raise _Bad(
            "has no align TSV header (text, score, flags, type and id columns)"
            + (f": no {', '.join(missing)}" if missing else "")
        )
    _check_lang(src, "the first column name")
    _check_lang(tgt, "the second column name")
    return src, tgt


def _tsv_row(header: list[str], line: str) -> dict[str, Any]:
    """One TSV row, checked, with texts unescaped; raises _Bad."""
    from .tsv import unescape

    src, tgt = header[0], header[1]
    cells = line.removesuffix("\r").split("\t")
    if len(cells) != len(header):
        raise _Bad(f"has {len(cells)} columns, the header has {len(header)}")
    rec: dict[str, Any] = dict(zip(header, cells, strict=True))
    try:
        score = float(rec["score"])
    except ValueError:
        raise _Bad(f"score is not a number: {_show(rec['score'])}") from None
    rec["score"] = _check_score(score)
    rec["flags"] = _check_flags([f for f in rec["flags"].split(",") if f])
    src_ids = _tsv_ids(rec[f"{src}_ids"], f"{src}_ids")
    tgt_ids = _tsv_ids(rec[f"{tgt}_ids"], f"{tgt}_ids")
    if not src_ids and not tgt_ids:
        raise _Bad(f"{src}_ids and {tgt}_ids are both empty")
    _check_kind(rec["type"], len(src_ids), len(tgt_ids))
    rec["_ids"] = (src_ids, tgt_ids)
    rec["_texts"] = (
        _check_text(unescape(rec[src]), src),
        _check_text(unescape(rec[tgt]), tgt),
        _check_text(unescape(rec.get("doc_id", "")), "doc_id"),
    )
    rec["null"] = not src_ids or not tgt_ids
    rec["status"] = AUTO
    return rec


def read_records(path: str | Path) -> Records:
    """Read an align TSV (header row) or JSONL file; the format is told by its content.

    Raises :class:`InputError` (file and line) for anything that is not align's output.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(name, "is not UTF-8: not an align output") from exc
    except ValueError as exc:  # e.g. a NUL in the name
        raise InputError(name, f"cannot be read ({exc})") from exc
    numbered = numbered_lines(text)
    if not numbered:
        raise InputError(name, "is empty")
    numbers = [n for n, _ in numbered]
    lines = [ln for _, ln in numbered]
    if lines[0].lstrip().startswith("{"):
        rows = []
        for n, ln in numbered:
            try:
                rows.append(_jsonl_row(ln))
            except _Bad as exc:
                raise InputError(name, str(exc), line=n) from None
        return Records("jsonl", None, lines, rows, numbers)
    # a TSV edited on Windows ends its lines with CR (align escapes CR inside a text as \r)
    header = lines[0].removesuffix("\r").split("\t")
    try:
        _tsv_columns(header)
    except _Bad as exc:
        raise InputError(name, str(exc), line=numbers[0]) from None
    rows = []
    for n, ln in numbered[1:]:
        try:
            rows.append(_tsv_row(header, ln))
        except _Bad as exc:
            raise InputError(name, str(exc), line=n) from None
    if not rows:
        raise InputError(name, "has a header but no pairs", line=numbers[0])
    return Records("tsv", lines[0], lines[1:], rows, numbers[1:])


def read_results(path: str | Path) -> list[DocumentAlignment]:
    """Read align's TSV or JSONL back into one DocumentAlignment per document id.

    Pairs come back with ids, texts, score, flags (and, from JSONL, cosine, margin,
    features, paragraphs and offsets).  From JSONL the saved signature and
    ``calibrated`` flag are kept (``Signature.saved``, ``DocumentAlignment.calibrated``),
    so writing the result again repeats them; from TSV the signature says the result
    was read back.  Offsets or paragraphs the file did not record are marked unknown
    (``DocumentAlignment.offsets_known``/``paragraphs_known``), never invented.
    Raises :class:`InputError` for a malformed file.
    """
    records = read_records(path)
    head = records.header.removesuffix("\r").split("\t") if records.header else []
    # the file name goes into the signature: printable, and UTF-8 even when the name is not
    source = _CONTROL.sub("", Path(str(path)).name).encode("utf-8", "replace").decode("utf-8")
    docs: dict[str, dict[str, Any]] = {}
    for rec in records.rows:
        if records.format == "jsonl":
            doc_id = rec.get("doc_id", "")
            src_ids, tgt_ids = tuple(rec["src_ids"]), tuple(rec["tgt_ids"])
            src_text, tgt_text = rec["src"], rec["tgt"]
            langs = (rec.get("src_lang", "src"), rec.get("tgt_lang", "tgt"))
            cos, margin = rec.get("cosine"), rec.get("margin")
            features = {k: float(v) for k, v in (rec.get("features") or {}).items()}
            src_par, tgt_par = rec.get("src_paragraphs"), rec.get("tgt_paragraphs")
            src_off, tgt_off = rec.get("src_offsets"), rec.get("tgt_offsets")
            model, saved, calibrated = rec.get("model", ""), rec.get("signature", ""), rec.get("calibrated")
        else:
            src_ids, tgt_ids = rec["_ids"]
            src_text, tgt_text, doc_id = rec["_texts"]
            langs = (head[0], head[1])
            cos = margin = None
            features = {}
            src_par = tgt_par = src_off = tgt_off = None
            # a TSV records no signature: say where the pairs came from, claim nothing else
            saved = f"align:read back|langs:{head[0]}-{head[1]}|from:{source}"
            model, calibrated = "", None
        d = docs.setdefault(
            doc_id,
            {
                "pairs": [], "src": {}, "tgt": {}, "langs": langs, "model": model, "saved": saved,
                "calibrated": calibrated, "offsets": True, "paragraphs": True,
            },
        )  # fmt: skip
        # a reviewed file's pairs keep their status; any other file's are plain pairs
        kind: type[Pair] = ReviewedPair if rec.get("_reviewed") else Pair
        reviewed = {"status": rec["status"]} if kind is ReviewedPair else {}
        d["pairs"].append(
            kind(
                src_ids,
                tgt_ids,
                src_text,
                tgt_text,
                rec["score"],
                None if cos is None else float(cos),
                None if margin is None else float(margin),
                features,
                tuple(rec["flags"]),
                **reviewed,
            )
        )
        for ids, store, par, off in (
            (src_ids, d["src"], src_par, src_off),
            (tgt_ids, d["tgt"], tgt_par, tgt_off),
        ):
            if ids and off is None:
                d["offsets"] = False
            if ids and not par:
                d["paragraphs"] = False
            for k, i in enumerate(ids):
                start, end = off[k] if off else (0, 0)
                # paragraphs never go back: as many as ids are one per sentence, else the first
                paragraph = (par[k] if len(par) == len(ids) else par[0]) if par else 0
                store[i] = Sentence(i, "", paragraph, start, end)
    out = []
    for doc_id, d in docs.items():
        sig = Signature(
            "read back",
            d["model"],
            d["langs"][0],
            d["langs"][1],
            {"from": source},
            saved=d["saved"],
        )
        out.append(
            DocumentAlignment(
                d["pairs"],
                [d["src"][i] for i in sorted(d["src"])],
                [d["tgt"][j] for j in sorted(d["tgt"])],
                sig,
                doc_id,
                calibrated=d["calibrated"],
                offsets_known=d["offsets"],
                paragraphs_known=d["paragraphs"],
            )
        )
    return out
