import pytest
from hypothesis import given
from hypothesis import strategies as st

from align.formats import atomic_writer
from align.formats.tsv import escape, unescape


@given(st.text())
def test_tsv_escape_round_trips_any_text(text):
    esc = escape(text)
    assert "\t" not in esc and "\n" not in esc and "\r" not in esc
    assert unescape(esc) == text


def test_tsv_escape_examples():
    assert escape("a\tb\nc\\d") == "a\\tb\\nc\\\\d"
    assert unescape("\\\\n") == "\\n"


def test_atomic_writer_leaves_nothing_on_crash(tmp_path):
    target = tmp_path / "out.tsv"
    target.write_text("old complete file\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_writer(target) as f:
        f.write("half of the new")
        raise RuntimeError("crash mid-write")
    assert target.read_text(encoding="utf-8") == "old complete file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.tsv"]


def test_atomic_writer_replaces_on_success(tmp_path):
    target = tmp_path / "out.tsv"
    with atomic_writer(target) as f:
        f.write("new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
