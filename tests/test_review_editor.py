"""The review page as an editor: a reviewer corrects an alignment with the keyboard in a
real headless browser (Debian's chromium, driven by Playwright), saves the corrected
JSONL, and align export, filter and evaluate read it.

Screenshots go to ``$ALIGN_TEST_ARTIFACTS`` (default: the repository's ``test-artifacts/``,
which git ignores), as for the page's first test.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from align.filters import STATUSES
from align.formats import write
from align.formats.readers import ReviewedPair, read_results
from align.result import DocumentAlignment, Pair, Sentence, Signature
from align.review import REVIEWED_SCORE, render_review, write_review
from tests.conftest import ARTIFACTS

# ------------------------------------------------------------------ a small story, made up here
SRC = [
    "The keeper climbed the tower at dusk.",
    "He lit the lamp.",
    "Then he wound the clock.",
    "The beam swept across the bay.",
    "A gull landed on the rail.",
    "Fog rolled in after midnight.",
    "He counted 12 ships before dawn.",
    "One of them sounded its horn.",
    "He answered with the bell.",
    "At sunrise he slept.",
]
TGT = [
    "등대지기는 해 질 녘에 탑에 올랐다.",
    "그는 등불을 켜고 시계태엽을 감았다.",
    "불빛이 만을 가로질러 비추었다.",
    "갈매기 한 마리가 난간에 앉았다.",
    "자정이 지나자 안개가 밀려왔다.",
    "짙은 안개였다.",
    "그는 새벽까지 배 열한 척을 세었다.",
    "그중 한 척이 뱃고동을 울렸다.",
    "그는 종을 쳐서 답했다.",
    "해가 뜨자 그는 잠들었다.",
]
# the aligner's answer: a few right, a few wrong (ids)
SPANS = [
    ((0,), (0,)),
    ((1, 2), (1,)),
    ((3,), (2,)),
    ((4,), ()),
    ((), (3,)),
    ((5,), (4, 5)),
    ((6,), (6,)),
    ((7,), (7,)),
    ((8,), (8,)),
    ((9,), (9,)),
]
SCORES = [0.95, 0.62, 0.91, 0.7, 0.66, 0.55, 0.31, 0.86, 0.92, 0.97]
SIG = "align:0.1.0|model:test-model|langs:en-ko|scores:uncalibrated|date:2026-12-01"


def _sentences(texts: list[str]) -> list[Sentence]:
    out, at = [], 0
    for k, text in enumerate(texts):
        out.append(Sentence(k, text, k // 5, at, at + len(text)))
        at += len(text) + 1
    return out


def story() -> DocumentAlignment:
    pairs = []
    for (s, t), score in zip(SPANS, SCORES, strict=True):
        full = bool(s and t)
        flags = ("number_mismatch",) if s == (6,) else ()
        features = {"cosine": 0.5, "margin": 0.2} if full else {"best_margin": 0.05}
        pairs.append(
            Pair(
                s,
                t,
                " ".join(SRC[i] for i in s),
                " ".join(TGT[j] for j in t),
                score,
                0.5 if full else None,
                0.2 if full else None,
                features,
                flags,
            )
        )
    sig = Signature("0.1.0", "test-model", "en", "ko", saved=SIG)
    return DocumentAlignment(pairs, _sentences(SRC), _sentences(TGT), sig, "lighthouse", calibrated=False)


def saved_story(folder: Path) -> Path:
    """The story as align's JSONL, read back as align reads it."""
    path = folder / "lighthouse.jsonl"
    write([story()], "jsonl", path)
    return path


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# what the scripted session below must end with: (source ids, target ids, status); a bead
# of the file kept as it is has its pair's index
FINAL = [
    ((0,), (0,), "confirmed", 0),
    ((1,), (1,), "edited", None),
    ((2, 3), (2,), "edited", None),
    ((4,), (3,), "edited", None),
    ((5,), (4, 5), "edited", None),
    ((6,), (), "rejected", None),
    ((7, 8), (6, 7), "edited", None),
    ((), (8,), "edited", None),
    ((9,), (9,), "confirmed", None),
]


def expected_records(original: list[dict[str, Any]], final: list[Any], date: str) -> list[dict[str, Any]]:
    """The corrected file, built here from the story (not by the page)."""
    src, tgt = _sentences(SRC), _sentences(TGT)
    out = []
    for s, t, status, orig in final:
        if orig is not None:
            rec = dict(original[orig])
        else:
            rec = {
                "doc_id": "lighthouse",
                "type": f"{len(s)}-{len(t)}",
                "src_ids": list(s),
                "tgt_ids": list(t),
                "src": " ".join(SRC[i] for i in s),
                "tgt": " ".join(TGT[j] for j in t),
                "score": REVIEWED_SCORE,
                "cosine": None,
                "margin": None,
                "flags": [],
                "features": {},
                "calibrated": False,
                "model": "test-model",
                "signature": SIG,
                "src_lang": "en",
                "tgt_lang": "ko",
                "src_paragraphs": sorted({src[i].paragraph for i in s}),
                "tgt_paragraphs": sorted({tgt[j].paragraph for j in t}),
                "src_offsets": [[src[i].start, src[i].end] for i in s],
                "tgt_offsets": [[tgt[j].start, tgt[j].end] for j in t],
            }
        rec["signature"] = f"{SIG}|reviewed:{date}"
        rec["status"] = status
        out.append(rec)
    return out


# ------------------------------------------------------------------ browser
class Session:
    """A page and every console error or uncaught exception it produced."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.context = browser.new_context(accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("body[data-ready='1']")

    def keys(self, *keys: str) -> None:
        for k in keys:
            self.page.keyboard.press(k)

    def beads(self) -> list[tuple[tuple[int, ...], tuple[int, ...], str]]:
        """The current document's beads as (source ids, target ids, status)."""
        got = self.page.evaluate(
            """() => { const r = window.alignReview, doc = r.docs[r.doc];
              const ids = (chunks, from, n) => chunks.slice(from, from + n).flatMap(c => c[0]);
              return doc.beads.map(b => [ids(doc.d.sc, b.s, b.ns), ids(doc.d.tc, b.t, b.nt), b.st]); }"""
        )
        return [(tuple(s), tuple(t), st) for s, t, st in got]

    def cursor(self) -> int:
        return int(self.page.evaluate("() => window.alignReview.docs[window.alignReview.doc].cur"))

    def save(self, target: Path) -> Path:
        with self.page.expect_download() as info:
            self.page.keyboard.press("Control+s")
        info.value.save_as(str(target))
        return target

    def close(self) -> None:
        self.context.close()


def _shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def _today() -> str:
    return datetime.datetime.now(datetime.UTC).date().isoformat()


def _session_edits(s: Session) -> None:
    """The scripted session: 12 edits of every kind, an undo and a redo, keyboard only."""
    s.keys("c")  # 1 confirm pair 0, go on to pair 1 ([1, 2]-[1])
    assert s.cursor() == 1
    s.keys("s", "ArrowRight", "ArrowLeft", "Enter")  # 2 split: [1]-[1] and [2]-[]
    assert s.beads()[1:3] == [((1,), (1,), "edited"), ((2,), (), "edited")]
    s.keys("ArrowDown", "]")  # 3 move the last source sentence (2) to the next pair
    assert s.beads()[2] == ((2, 3), (2,), "edited")
    s.keys("u")  # undo
    assert s.beads()[2:4] == [((2,), (), "edited"), ((3,), (2,), "auto")]
    s.keys("U")  # redo
    assert s.beads()[2] == ((2, 3), (2,), "edited")
    s.keys("ArrowDown", "l")  # 4 link [4]-[] with []-[3]
    assert s.beads()[3] == ((4,), (3,), "edited")
    s.keys("ArrowDown", "}")  # 5 last target sentence (5) to the next pair
    assert s.beads()[4:6] == [((5,), (4,), "edited"), ((6,), (5, 6), "edited")]
    s.keys("ArrowDown", "{")  # 6 first target sentence (5) back to the previous pair
    assert s.beads()[4:6] == [((5,), (4, 5), "edited"), ((6,), (6,), "edited")]
    assert s.cursor() == 5
    s.keys("x")  # 7 reject [6]-[6]
    assert s.beads()[5:7] == [((6,), (), "rejected"), ((), (6,), "rejected")]
    s.keys("ArrowDown", "ArrowDown", "M")  # 8 join [7]-[7] with the previous pair []-[6]
    assert s.beads()[6] == ((7,), (6, 7), "edited")
    s.keys("ArrowDown", "m")  # 9 join [8]-[8] with the next pair [9]-[9]
    assert s.beads()[7] == ((8, 9), (8, 9), "edited")
    s.keys("s", "Enter")  # 10 split it again, 1-1 and 1-1
    assert s.beads()[7:9] == [((8,), (8,), "edited"), ((9,), (9,), "edited")]
    s.keys("[")  # 11 first source sentence (8) to the previous pair
    assert s.beads()[6:8] == [((7, 8), (6, 7), "edited"), ((), (8,), "edited")]
    s.keys("End", "c")  # 12 confirm the last pair
    s.keys("Control+z")
    assert s.beads()[8] == ((9,), (9,), "edited")
    s.keys("Control+y")
    assert [b[:3] for b in FINAL] == s.beads()


@pytest.mark.browser
def test_keyboard_session_saves_the_corrected_jsonl(browser, tmp_path):
    saved = saved_story(tmp_path)
    page_path = tmp_path / "review.html"
    write_review(read_results(saved), page_path, source=str(saved))
    html = page_path.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html and "<link" not in html  # self-contained
    s = Session(browser, page_path)
    # the shortcuts are on the page
    keys = s.page.locator("#keys").inner_text()
    for shown in ("confirm", "reject", "join with next", "join with previous", "split", "undo", "redo"):
        assert shown in keys
    assert "0 of 10 reviewed" in s.page.locator("#progress").inner_text()
    _shot(s.page, "review-editor-start.png")
    _session_edits(s)
    # nine pairs, all reviewed; edited ones say so instead of a score
    assert "9 of 9 reviewed" in s.page.locator("#progress").inner_text()
    assert s.page.locator("#rows > .pair.made").count() == 8
    assert s.page.locator("#rows > .pair > .s").nth(1).inner_text() == "edited"
    # the filters: unaligned, then not yet reviewed (none left), then back to all
    s.keys("f", "f", "f", "f")
    assert s.page.locator("#filter").input_value() == "unaligned"
    assert s.page.locator("#rows > .pair:not(.hidden)").count() == 2
    s.keys("f")
    assert s.page.locator("#rows > .pair:not(.hidden)").count() == 0
    s.keys("f")
    assert s.page.locator("#rows > .pair:not(.hidden)").count() == 9
    s.keys("Home")
    _shot(s.page, "review-editor.png")
    out = s.save(tmp_path / "corrected.jsonl")
    assert out.read_text(encoding="utf-8").endswith("}\n")
    got = _records(out)
    want = expected_records(_records(saved), FINAL, _today())
    assert got == want
    assert [list(r) for r in got] == [list(r) for r in want]  # field order too
    assert s.errors == []
    s.close()
    # and align reads it back: statuses, pairs and a reviewed signature
    (back,) = read_results(out)
    assert [p.status for p in back.pairs if isinstance(p, ReviewedPair)] == [f[2] for f in FINAL]
    assert str(back.signature).endswith(f"|reviewed:{_today()}")


@pytest.mark.browser
def test_reload_restores_unsaved_edits(browser, tmp_path):
    saved = saved_story(tmp_path)
    page_path = tmp_path / "review.html"
    write_review(read_results(saved), page_path, source=str(saved))
    s = Session(browser, page_path)
    s.keys("c", "x", "ArrowDown", "ArrowDown", "ArrowDown", "m", "u")
    before = s.beads()
    assert before[1:4] == [((1,), (), "rejected"), ((2,), (), "rejected"), ((), (1,), "rejected")]
    s.page.reload()
    s.page.wait_for_selector("body[data-ready='1']")
    assert "restored" in s.page.locator("#note").inner_text()
    assert s.beads() == before
    assert "4 of 12 reviewed" in s.page.locator("#progress").inner_text()
    s.keys("U")  # the redo history came back too
    assert len(s.beads()) == len(before) - 1
    s.keys("u", "u")  # and the undo history: back past the reject
    assert s.beads()[1] == ((1, 2), (1,), "auto")
    # another page of the same file is restored too; the same page of another file is not
    s.page.reload()
    s.page.wait_for_selector("body[data-ready='1']")
    assert s.beads()[1] == ((1, 2), (1,), "auto") and s.beads()[0][2] == "confirmed"
    other = tmp_path / "other.html"
    changed = story()
    changed.doc_id = "another"
    write_review([changed], other)
    s.page.goto(other.as_uri())
    s.page.wait_for_selector("body[data-ready='1']")
    assert {b[2] for b in s.beads()} == {"auto"}
    assert s.errors == []
    s.close()


@pytest.mark.browser
def test_markup_quotes_rtl_and_long_text_show_as_text(browser, tmp_path):
    nasty = [
        "<!--<script>alert(1)</script>",
        "</script><b>bold?</b> \"quoted\" 'single' & ampersand",
        "\u202eRTL override then text \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
        "long " + "word " * 6000,
    ]
    src = [Sentence(k, t, 0, 0, 0) for k, t in enumerate(nasty)]
    tgt = [Sentence(k, t, 0, 0, 0) for k, t in enumerate(nasty)]
    pairs = [Pair((k,), (k,), t, t, 0.9) for k, t in enumerate(nasty)]
    r = DocumentAlignment(pairs, src, tgt, Signature("0", "m", "en", "ko"), "<!--<script>doc")
    page_path = tmp_path / "nasty.html"
    write_review([r], page_path)
    s = Session(browser, page_path)
    assert s.page.locator("#rows > .pair").count() == len(nasty)
    cells = s.page.locator("#rows > .pair > div:nth-child(3)")
    for k, text in enumerate(nasty):
        assert cells.nth(k).inner_text().split() == text.split()
    assert s.page.locator("b").count() == s.page.locator("#bar b, header b").count()  # no <b> from the texts
    assert s.page.locator(".doc-head h2").inner_text() == "<!--<script>doc"
    s.keys("m", "s", "Enter", "x", "u", "u", "u")  # edits on them work
    assert s.beads()[0] == ((0,), (0,), "auto")
    _shot(s.page, "review-editor-markup.png")
    assert s.errors == []
    s.close()


def test_page_scripts_cannot_be_cut_by_the_html_parser():
    from align.review import _asset

    for name in ("edit.js", "page.js", "page.css"):
        text = _asset(name).lower()
        assert "</script" not in text and "<!--" not in text and "</style" not in text


# ------------------------------------------------------------------ the property test
PROPERTY_JS = """([beads, actions]) => {
  const S = JSON.parse(document.getElementById('align-data').textContent).statuses;
  const E = makeAlignEdit(S);
  const snap = () => JSON.stringify(beads);
  const states = [];
  for (const a of actions) {
    if (a.op === 'link') {  // link aims at an unaligned sentence, if there is one
      const open = beads.map((b, k) => E.isNull(b) ? k : -1).filter(k => k >= 0);
      if (open.length) a.i = open[a.i % open.length];
    }
    if (a.op === 'split' && a.pick >= 0 && beads[a.i]) {  // mostly a cut the bead has
      const cuts = E.splitOptions(beads[a.i]);
      if (cuts.length) [a.ks, a.kt] = cuts[a.pick % cuts.length];
    }
    const before = snap();
    const p = E.plan(beads, a);
    if (!p) { states.push(null); continue; }
    E.apply(beads, p);
    const after = snap();
    E.revert(beads, p);
    const undone = snap();
    E.apply(beads, p);
    states.push({beads: JSON.parse(after), undoExact: undone === before, redoExact: snap() === after,
                 at: p.at, del: p.del.length, ins: p.ins.length});
  }
  return states;
}"""


def _check(beads: list[dict[str, Any]], n_src: int, n_tgt: int) -> None:
    """The invariants, checked here independently of the page's own check()."""
    s = t = 0
    for b in beads:
        assert (b["s"], b["t"]) == (s, t), "each sentence in exactly one bead, in order"
        assert b["ns"] >= 0 and b["nt"] >= 0 and b["ns"] + b["nt"] > 0, "no empty bead"
        if b["ns"] == 0 or b["nt"] == 0:
            assert b["ns"] + b["nt"] == 1, "an unaligned bead holds one sentence"
        assert b["st"] in STATUSES
        s += b["ns"]
        t += b["nt"]
    assert (s, t) == (n_src, n_tgt), "every sentence is covered"


def _alignments():
    """Random alignments: runs of beads (a pair, an unaligned sentence, or two unaligned
    sentences of either side next to each other, as link wants them)."""
    from hypothesis import strategies as st

    full = st.tuples(st.integers(1, 3), st.integers(1, 3)).map(lambda b: [b])
    single = st.sampled_from([[(1, 0)], [(0, 1)]])
    gap = st.sampled_from([[(1, 0), (0, 1)], [(0, 1), (1, 0)]])
    run = st.tuples(st.one_of(full, single, gap), st.sampled_from(STATUSES))
    return st.lists(run, min_size=1, max_size=8).map(
        lambda runs: [(b, status) for beads, status in runs for b in beads]
    )


def _actions(n: int):
    from hypothesis import strategies as st

    i = st.one_of(st.integers(0, n - 1), st.integers(-1, n))  # mostly a bead, sometimes none
    return st.lists(
        st.one_of(
            st.fixed_dictionaries({"op": st.sampled_from(["confirm", "reject", "join", "link"]), "i": i}),
            st.fixed_dictionaries({"op": st.just("link"), "i": st.integers(0, 50)}),
            st.fixed_dictionaries({"op": st.just("split"), "i": i, "ks": st.integers(0, 3), "kt": st.integers(0, 3),
                 "pick": st.integers(-1, 6)}),
            st.fixed_dictionaries(
                {"op": st.just("move"), "i": i, "side": st.sampled_from(["src", "tgt"]),
                 "to": st.sampled_from(["prev", "next"])}
            ),
        ),
        min_size=1,
        max_size=25,
    )  # fmt: skip


@pytest.fixture(scope="module")
def logic_page(browser, tmp_path_factory):
    path = tmp_path_factory.mktemp("logic") / "p.html"
    path.write_text(render_review([story()]), encoding="utf-8")
    s = Session(browser, path)
    yield s
    assert s.errors == []
    s.close()


@pytest.mark.browser
def test_random_edits_keep_the_alignment_valid_and_undo_exactly(logic_page):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    kinds: dict[str, int] = {}

    @settings(
        max_examples=300,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def run(data: Any) -> None:
        spans = data.draw(_alignments())
        beads, s, t = [], 0, 0
        for (ns, nt), status in spans:
            beads.append({"s": s, "ns": ns, "t": t, "nt": nt, "st": status, "o": len(beads)})
            s += ns
            t += nt
        actions = data.draw(_actions(len(beads)))
        states = logic_page.page.evaluate(PROPERTY_JS, [beads, actions])
        current = beads
        applied = 0
        for action, state in zip(actions, states, strict=True):
            if state is None:
                continue
            applied += 1
            kinds[action["op"]] = kinds.get(action["op"], 0) + 1
            assert state["undoExact"] and state["redoExact"], action
            nxt = state["beads"]
            _check(nxt, s, t)
            # a patch replaces a run of beads and leaves the others as they were
            at, n_del, n_ins = state["at"], state["del"], state["ins"]
            assert nxt[:at] == current[:at]
            assert nxt[at + n_ins :] == current[at + n_del :]
            changed = nxt[at : at + n_ins]
            if action["op"] == "confirm":
                assert [b["st"] for b in changed] == ["confirmed"]
            elif action["op"] == "reject":
                assert all(b["st"] == "rejected" and b["ns"] + b["nt"] == 1 for b in changed)
            else:
                assert all(b["o"] == -1 or b in current[at : at + n_del] for b in changed)
            current = nxt
        # a sequence that edits nothing leaves the beads as they were
        if not applied:
            assert current == beads

    run()
    # every kind of edit was made, many times
    assert all(kinds.get(op, 0) >= 20 for op in ("confirm", "reject", "join", "split", "move", "link")), str(
        kinds
    )


@pytest.mark.browser
def test_invalid_edits_are_refused_not_reported(logic_page):
    """Every action where it cannot apply gives no patch (the page cannot reach a bad state)."""
    got = logic_page.page.evaluate(
        """() => {
      const E = makeAlignEdit(JSON.parse(document.getElementById('align-data').textContent).statuses);
      const b = (s, ns, t, nt) => ({s, ns, t, nt, st: 'auto', o: -1});
      const beads = [b(0, 1, 0, 0), b(1, 1, 0, 0), b(2, 1, 0, 1), b(3, 0, 1, 1)];
      return [
        E.plan(beads, {op: 'join', i: 0}),            // two unaligned source sentences
        E.plan(beads, {op: 'join', i: 3}),            // no next pair
        E.plan(beads, {op: 'reject', i: 0}),          // already unaligned
        E.plan(beads, {op: 'split', i: 2, ks: 1, kt: 0}),  // a 1-1 has no boundary
        E.plan(beads, {op: 'move', i: 0, side: 'src', to: 'prev'}),  // no previous pair
        E.plan(beads, {op: 'move', i: 0, side: 'tgt', to: 'next'}),  // no target sentence to move
        E.plan(beads, {op: 'move', i: 1, side: 'src', to: 'prev'}),  // 2-0 would be the same two singles
        E.plan(beads, {op: 'link', i: 0}),            // neighbours are not of the other side
        E.plan(beads, {op: 'link', i: 2}),            // not unaligned
        E.plan(beads, {op: 'confirm', i: 9}),         // no such pair
      ];
    }"""
    )
    assert got == [None] * 10


# ------------------------------------------------------------------ align reads the corrected file
@pytest.fixture()
def corrected(tmp_path):
    original = saved_story(tmp_path)
    path = tmp_path / "corrected.jsonl"
    recs = expected_records(_records(original), FINAL, "2026-12-05")
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    return original, path


def test_export_tmx_and_xlsx_hold_the_corrected_pairs(cli, corrected, tmp_path):
    _, path = corrected
    proc = cli("export", str(path), "-f", "tmx", "-o", str(tmp_path / "c.tmx"))
    assert proc.returncode == 0, proc.stderr
    tmx = (tmp_path / "c.tmx").read_text(encoding="utf-8")
    assert tmx.count("<tu>") + tmx.count("<tu ") == 7  # the pairs, not the two unaligned sentences
    assert f"{SRC[7]} {SRC[8]}" in tmx and f"{TGT[6]} {TGT[7]}" in tmx  # the joined pair
    proc = cli("export", str(path), "-f", "xlsx", "--status", "confirmed", "-o", str(tmp_path / "c.xlsx"))
    assert proc.returncode == 0, proc.stderr
    from openpyxl import load_workbook

    rows = list(load_workbook(tmp_path / "c.xlsx").active.iter_rows(values_only=True))
    assert [r[:2] for r in rows[1:]] == [(SRC[0], TGT[0]), (SRC[9], TGT[9])]
    # a re-export to JSONL keeps every status and the reviewed signature
    proc = cli("export", str(path), "-f", "jsonl", "-o", str(tmp_path / "again.jsonl"))
    assert proc.returncode == 0, proc.stderr
    assert _records(tmp_path / "again.jsonl") == _records(path)


def test_filter_keeps_the_statuses_asked_for(cli, corrected, tmp_path):
    _, path = corrected
    out = tmp_path / "kept.jsonl"
    proc = cli("filter", str(path), "-o", str(out), "--status", "confirmed,edited", "--drop-nulls")
    assert proc.returncode == 0, proc.stderr
    assert [r["status"] for r in _records(out)] == ["confirmed"] + ["edited"] * 5 + ["confirmed"]
    assert b"other status: 1" in proc.stderr and b"omission: 1" in proc.stderr
    # a file never reviewed is all auto
    original, _ = corrected
    proc = cli("filter", str(original), "-o", str(out), "--status", "confirmed")
    assert proc.returncode == 0 and b"kept 0 of 10" in proc.stderr
    proc = cli("filter", str(original), "-o", str(out), "--status", "auto")
    assert proc.returncode == 0 and b"kept 10 of 10" in proc.stderr
    proc = cli("filter", str(path), "-o", str(out), "--status", "approved")
    assert proc.returncode != 0 and b"unknown status(es) approved" in proc.stderr


def test_evaluate_scores_the_original_against_the_corrected_file(cli, corrected):
    original, path = corrected
    proc = cli("evaluate", "-g", str(path), "-t", str(original), "--json")
    assert proc.returncode == 0, proc.stderr
    total = json.loads(proc.stdout)["total"]
    # worked by hand: 3 of 10 predictions exact, 6 of 10 lax; 3 of 7 gold pairs found, 6 lax
    assert total["precision_strict"] == pytest.approx(3 / 10)
    assert total["precision_lax"] == pytest.approx(6 / 10)
    assert total["recall_strict"] == pytest.approx(3 / 7)
    assert total["recall_lax"] == pytest.approx(6 / 7)
    assert (total["n_predicted"], total["n_gold"]) == (10, 7)
    # the corrected file against itself is perfect
    proc = cli("evaluate", "-g", str(path), "-t", str(path), "--json")
    assert json.loads(proc.stdout)["total"]["f1_strict"] == 1.0


def test_bad_status_is_one_line_naming_the_file(cli, corrected, tmp_path):
    _, path = corrected
    bad = tmp_path / "bad.jsonl"
    recs = _records(path)
    recs[2]["status"] = "maybe"
    bad.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    for args in (
        ["export", str(bad), "-f", "tsv", "-o", str(tmp_path / "x.tsv")],
        ["filter", str(bad), "-o", str(tmp_path / "x.jsonl")],
        ["review", str(bad), "-o", str(tmp_path / "x.html")],
        ["evaluate", "-g", str(bad), "-t", str(path)],
    ):
        proc = cli(*args)
        err = proc.stderr.decode()
        assert proc.returncode == 1, args
        assert err.count("\n") == 1 and f"{bad}:3: status is not one of" in err and "Traceback" not in err


def test_evaluate_refuses_a_file_of_several_documents(cli, corrected, tmp_path):
    _, path = corrected
    two = tmp_path / "two.jsonl"
    recs = _records(path)
    other = [{**r, "doc_id": "second"} for r in recs]
    two.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs + other), encoding="utf-8")
    proc = cli("evaluate", "-g", str(two), "-t", str(path))
    assert proc.returncode == 1 and b"holds 2 documents" in proc.stderr


def test_review_of_a_reviewed_file_starts_from_its_statuses(corrected):
    _, path = corrected
    page = render_review(read_results(path))
    data = json.loads(page.split('id="align-data">')[1].split("</script>")[0])
    assert [p["st"] for p in data["docs"][0]["pairs"]] == [f[2] for f in FINAL]


def test_merged_pairs_are_cut_at_their_sentences():
    """From offsets (JSONL), by the splitter (TSV), or kept whole where neither gives the text back."""
    from align.review import _document

    doc = _document(read_results_from(story(), "jsonl"))
    assert [c[1] for c in doc["sc"][1:3]] == [SRC[1], SRC[2]]
    tsv = _document(read_results_from(story(), "tsv"))
    assert [c[1] for c in tsv["sc"][1:3]] == [SRC[1], SRC[2]]  # the splitter finds the two sentences
    odd = story()
    odd.pairs[1] = Pair((1, 2), (1,), "no full stop here and none here", TGT[1], 0.5)
    odd.src[1] = Sentence(1, "", 0, 0, 3)  # offsets that do not fit the text
    odd.src[2] = Sentence(2, "", 0, 4, 5)
    whole = _document(odd)
    assert whole["sc"][1][:2] == [[1, 2], "no full stop here and none here"]
    assert whole["pairs"][1]["ns"] == 1


def read_results_from(result: DocumentAlignment, fmt: str) -> DocumentAlignment:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"r.{fmt}"
        write([result], fmt, path)
        return read_results(path)[0]


def test_ids_that_go_back_make_a_document_read_only():
    from align.review import _document

    assert _document(story())["editable"] is True
    swapped = story()
    swapped.pairs[2], swapped.pairs[3] = swapped.pairs[3], swapped.pairs[2]  # source ids 1, 2, 4, 3
    assert _document(swapped)["editable"] is False
    partial = story()
    partial.src = partial.src[:3]  # a hand-made result without all its sentences still renders
    doc = _document(partial)
    assert (doc["ok"], doc["pk"]) == (False, False)
    assert [c[1] for c in doc["sc"][:3]] == [SRC[0], SRC[1], SRC[2]]  # cut by the splitter


@pytest.mark.browser
def test_read_only_document_refuses_edits(browser, tmp_path):
    swapped = story()
    swapped.pairs[2], swapped.pairs[3] = swapped.pairs[3], swapped.pairs[2]
    page_path = tmp_path / "ro.html"
    write_review([swapped], page_path)
    s = Session(browser, page_path)
    assert "read, not edited" in s.page.locator(".doc-head").inner_text()
    before = s.beads()
    s.keys("c", "x", "m", "s", "Enter")
    assert s.beads() == before
    assert "read-only" in s.page.locator("#note").inner_text()
    assert s.page.locator("#b-confirm").is_disabled()
    assert s.errors == []
    s.close()
