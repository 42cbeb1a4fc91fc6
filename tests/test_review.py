"""The review page in a real headless browser (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import pytest

from align.formats.readers import read_results
from align.review import render_review
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def saved(cli, corpora, tmp_path_factory):
    folder = tmp_path_factory.mktemp("review")
    out = folder / "r.jsonl"
    a = cli(
        "pair", str(corpora / "harbor_bridge.en.txt"), str(corpora / "harbor_bridge.ko.txt"), "-f", "jsonl"
    )
    b = cli(
        "pair",
        str(corpora / "seed_bank.en.txt"),
        str(corpora / "harbor_bridge.ko.txt"),
        "-f",
        "jsonl",
        "--doc-id",
        "mismatched",
    )
    out.write_bytes(a.stdout + b.stdout)
    page = folder / "review.html"
    proc = cli("review", str(out), "-o", str(page), "--threshold", "0.8")
    assert proc.returncode == 0, proc.stderr
    return out, page


def test_review_page_in_browser(browser, saved):
    out, page_path = saved
    results = read_results(out)
    html = page_path.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html and "<link" not in html  # self-contained
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_path.as_uri())
    page.wait_for_selector("body[data-ready='1']")
    assert errors == []
    # one document at a time, picked in the selector (or with > and <)
    assert page.locator("#doc option").count() == 2
    for k, result in enumerate(results):
        if k:
            page.keyboard.press(">")
        pairs = result.pairs
        low = [p for p in pairs if p.is_null or p.score < 0.8 or p.flags]
        assert page.locator("section").count() == 1
        assert page.locator("#rows > .pair").count() == len(pairs)
        assert page.locator("#rows .gap").count() == sum(1 for p in pairs if p.is_null)
        assert "translation probability" in page.locator(".doc-head").first.inner_text()
        assert page.locator(".verdict.bad").count() == (1 if result.doc_id == "mismatched" else 0)
        page.select_option("#filter", "attention")
        assert page.locator("#rows > .pair:not(.hidden)").count() == len(low)
        assert page.locator("#shown").inner_text() == str(len(low))
        page.select_option("#filter", "all")
        assert page.locator("#rows > .pair:not(.hidden)").count() == len(pairs)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)
    assert (ARTIFACTS / "review.png").stat().st_size > 10_000
    assert errors == []
    page.close()


def test_render_escapes_markup():
    from align.result import DocumentAlignment, Pair, Sentence, Signature

    r = DocumentAlignment(
        [Pair((0,), (0,), "<script>alert(1)</script>", "</script><b>x</b>", 0.9)],
        [Sentence(0, "")],
        [Sentence(0, "")],
        Signature("0", "m", "en", "ko"),
        "d",
    )
    html = render_review([r])
    assert "</script><b>" not in html.split('id="align-data">')[1].split("</script><script>")[0]


def test_copied_document_shows_the_verdict_of_align_pair(browser, cli, tmp_path):
    """What a reader sees: the page's verdict of a document of copies is align pair's, 0."""
    from tests.test_formats_verdict import _copies

    en, ko = _copies(tmp_path)
    saved, page_path = tmp_path / "copied.jsonl", tmp_path / "copied.html"
    proc = cli("pair", str(en), str(ko), "-f", "jsonl", "-o", str(saved))
    assert proc.returncode == 0 and b"translation probability 0.00" in proc.stderr, proc.stderr
    assert cli("review", str(saved), "-o", str(page_path)).returncode == 0
    page = browser.new_page()
    page.goto(page_path.as_uri())
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator(".verdict").inner_text().startswith("translation probability 0% ·")
    assert page.locator(".verdict.bad").count() == 1
    page.close()
