"""Alignment quality against gold: strict and lax precision, recall and F1.

The definition is Vecalign's (Sennrich & Volk 2011), so numbers compare with published
ones:

* an alignment is a pair (source ids, target ids); alignments empty on both sides are
  ignored;
* strict: a predicted alignment is correct when the gold has exactly it;
* lax: a predicted alignment that is not exact is still correct when one of its target
  ids is aligned in the gold to one of its source ids (an omission can only be exact);
* precision judges every predicted alignment, omissions included; recall judges every
  gold alignment after dropping omissions from both sides;
* counts are summed over documents (micro average) before P, R and F1.

:func:`project` maps an alignment over a system's own sentences onto gold lines (for
a pipeline that splits raw text itself): each system sentence covers the gold lines
whose non-space characters it contains, and alignments sharing a gold line merge.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

__all__ = [
    "Counts",
    "Scores",
    "alignments_from_jsonl",
    "evaluate",
    "format_alignment",
    "map_to_gold",
    "parse_alignments",
    "project",
    "read_alignments",
    "read_lines",
]

Alignment = tuple[tuple[int, ...], tuple[int, ...]]
_LINE = re.compile(r"^\s*\[([0-9,\s]*)\]\s*:\s*\[([0-9,\s]*)\]")
_ID = re.compile(r"\s*[0-9]{1,18}\s*")


def _ids(text: str) -> tuple[int, ...]:
    parts = [x for x in text.split(",") if x.strip()]
    if not all(_ID.fullmatch(x) for x in parts):
        raise ValueError(text)
    return tuple(int(x) for x in parts)


def parse_alignments(lines: Iterable[str], where: str = "<input>") -> list[Alignment]:
    """Parse Vecalign-format lines (``[0, 1]:[2]`` with an optional ``:score``).

    Raises :class:`InputError` naming ``where`` and the line for anything else.
    """
    out = []
    for n, line in enumerate(lines, 1):
        if not isinstance(line, str):
            raise InputError(where, "not text", line=n)
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _LINE.match(line)
        try:
            if not m:
                raise ValueError(line)
            out.append((_ids(m.group(1)), _ids(m.group(2))))
        except ValueError:
            shown = line.strip()[:60].encode("utf-8", "backslashreplace").decode("utf-8")
            raise InputError(where, f"not an alignment line: {shown!r}", line=n) from None
    return out


def _read_text(path: str | Path, what: str) -> str:
    """A file's UTF-8 text, or an InputError naming it (missing, a folder, binary...)."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror or exc})") from exc
    except ValueError as exc:  # a NUL in the name
        raise InputError(name, f"cannot be read ({exc})") from exc
    if b"\0" in data:
        raise InputError(name, f"looks like binary data, not {what}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(name, f"is not UTF-8 text: not {what}") from None


def read_alignments(path: str | Path) -> list[Alignment]:
    """The alignments of a Vecalign-format file, or of align's JSONL of one document (a
    result, or a corrected file saved by the review page: every pair, whatever its status,
    is the reviewer's answer); :class:`InputError` for a bad file."""
    text = _read_text(path, "an alignment file")
    if not text.lstrip().startswith("{"):
        return parse_alignments(text.splitlines(), str(path))
    from .formats.readers import read_records

    rows = read_records(path).rows
    docs = {r.get("doc_id", "") for r in rows}
    if len(docs) > 1:
        raise InputError(str(path), f"holds {len(docs)} documents; evaluate reads one document per file")
    return [(tuple(r["src_ids"]), tuple(r["tgt_ids"])) for r in rows]


def read_lines(path: str | Path) -> list[str]:
    """A gold text's lines (``NAME.en`` for ``--project``); :class:`InputError` for a bad file."""
    return _read_text(path, "a text file").splitlines()


def format_alignment(src: Sequence[int], tgt: Sequence[int]) -> str:
    return "[{}]:[{}]".format(", ".join(map(str, src)), ", ".join(map(str, tgt)))


@dataclass(slots=True)
class Counts:
    """Correct and wrong judgements, strict and lax."""

    strict_ok: int = 0
    strict_bad: int = 0
    lax_ok: int = 0
    lax_bad: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.strict_ok += other.strict_ok
        self.strict_bad += other.strict_bad
        self.lax_ok += other.lax_ok
        self.lax_bad += other.lax_bad
        return self


def _judge(reference: Iterable[Alignment], predicted: Iterable[Alignment]) -> Counts:
    ref = {a for a in reference if a[0] or a[1]}
    linked: dict[int, set[int]] = {}
    for s, t in ref:
        for i in s:
            linked.setdefault(i, set()).update(t)
    c = Counts()
    for s, t in {a for a in predicted if a[0] or a[1]}:
        if (s, t) in ref:
            c.strict_ok += 1
            c.lax_ok += 1
            continue
        c.strict_bad += 1
        if any(j in linked.get(i, ()) for i in s for j in t):
            c.lax_ok += 1
        else:
            c.lax_bad += 1
    return c


def _non_null(aligns: Iterable[Alignment]) -> list[Alignment]:
    return [a for a in aligns if a[0] and a[1]]


@dataclass(frozen=True, slots=True)
class Scores:
    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float
    n_docs: int
    n_predicted: int
    n_gold: int

    def as_dict(self) -> dict[str, float | int]:
        return {k: getattr(self, k) for k in self.__slots__}


def _ratio(ok: int, bad: int) -> float:
    return ok / (ok + bad) if ok + bad else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(gold: Sequence[Sequence[Alignment]], test: Sequence[Sequence[Alignment]]) -> Scores:
    """Micro-averaged scores of ``test`` against ``gold`` (one list per document)."""
    if len(gold) != len(test):
        raise ValueError("gold and test need the same number of documents")
    prec, rec = Counts(), Counts()
    for g, t in zip(gold, test, strict=True):
        g = [(tuple(s), tuple(x)) for s, x in g]
        t = [(tuple(s), tuple(x)) for s, x in t]
        prec += _judge(g, t)
        rec += _judge(_non_null(t), _non_null(g))
    ps, pl = _ratio(prec.strict_ok, prec.strict_bad), _ratio(prec.lax_ok, prec.lax_bad)
    rs, rl = _ratio(rec.strict_ok, rec.strict_bad), _ratio(rec.lax_ok, rec.lax_bad)
    return Scores(
        ps,
        rs,
        _f1(ps, rs),
        pl,
        rl,
        _f1(pl, rl),
        len(gold),
        prec.strict_ok + prec.strict_bad,
        rec.strict_ok + rec.strict_bad,
    )


# ------------------------------------------------------------------ projection
def _chars(lines: Sequence[str]) -> tuple[str, list[int]]:
    chars: list[str] = []
    owner: list[int] = []
    for k, line in enumerate(lines):
        for ch in line:
            if not ch.isspace():
                chars.append(ch)
                owner.append(k)
    return "".join(chars), owner


def map_to_gold(gold_lines: Sequence[str], sentences: Sequence[str]) -> list[tuple[int, ...]]:
    """For each system sentence, the gold lines whose characters it covers."""
    g, g_owner = _chars(gold_lines)
    s, s_owner = _chars(sentences)
    covered: list[set[int]] = [set() for _ in sentences]
    if g == s:
        for so, go in zip(s_owner, g_owner, strict=True):
            covered[so].add(go)
    else:
        matcher = difflib.SequenceMatcher(None, s, g, autojunk=False)
        for a, b, size in matcher.get_matching_blocks():
            for k in range(size):
                covered[s_owner[a + k]].add(g_owner[b + k])
    return [tuple(sorted(c)) for c in covered]


def project(
    alignments: Sequence[Alignment], src_map: Sequence[tuple[int, ...]], tgt_map: Sequence[tuple[int, ...]]
) -> list[Alignment]:
    """Rewrite system alignments in gold-line ids; alignments sharing a gold line merge."""
    groups: list[tuple[set[int], set[int]]] = []
    for s, t in alignments:
        gs = {g for i in s for g in src_map[i]}
        gt = {g for j in t for g in tgt_map[j]}
        if gs or gt:
            groups.append((gs, gt))
    parent = list(range(len(groups)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    seen_src: dict[int, int] = {}
    seen_tgt: dict[int, int] = {}
    for k, (gs, gt) in enumerate(groups):
        for key, seen in ((gs, seen_src), (gt, seen_tgt)):
            for g in key:
                if g in seen:
                    parent[root(k)] = root(seen[g])
                else:
                    seen[g] = k
    merged: dict[int, tuple[set[int], set[int]]] = {}
    for k, (gs, gt) in enumerate(groups):
        a, b = merged.setdefault(root(k), (set(), set()))
        a |= gs
        b |= gt
    out = [(tuple(sorted(a)), tuple(sorted(b))) for a, b in merged.values()]
    inf = float("inf")
    out.sort(key=lambda x: (x[0][0] if x[0] else inf, x[1][0] if x[1] else inf))
    return out


def alignments_from_jsonl(
    path: str | Path, src_gold: Sequence[str], tgt_gold: Sequence[str]
) -> list[Alignment]:
    """Project align's own JSONL output (one document) onto gold lines.

    The pairs' texts, in order, spell out each side's text; each pair is mapped to the
    gold lines its characters cover, then alignments sharing a gold line merge.
    """
    from .formats.readers import RecordError, json_object, numbered_lines

    src_units: list[str] = []
    tgt_units: list[str] = []
    units: list[Alignment] = []
    for n, line in numbered_lines(_read_text(path, "align's JSONL output")):
        try:
            rec = json_object(line, allow_nan=True)  # only the texts are read
            src_text, tgt_text = rec["src"], rec["tgt"]
            if not isinstance(src_text, str) or not isinstance(tgt_text, str):
                raise TypeError
        except (RecordError, KeyError, TypeError):
            raise InputError(str(path), "not a record of align's JSONL output", line=n) from None
        s = (len(src_units),) if src_text else ()
        t = (len(tgt_units),) if tgt_text else ()
        if src_text:
            src_units.append(src_text)
        if tgt_text:
            tgt_units.append(tgt_text)
        units.append((s, t))
    return project(units, map_to_gold(src_gold, src_units), map_to_gold(tgt_gold, tgt_units))
