"""No input is ever overwritten, every failure is one line, earlier outputs survive: the real CLI.

Each test runs ``python -m align`` in a subprocess. Disk-full runs write into a tiny
tmpfs mounted for the test (root, as on CI; skipped elsewhere unless ``CI`` is set).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _digest(paths: list[Path]) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.exists()}


def _one_line(proc: subprocess.CompletedProcess, pattern: str, code: int = 1) -> str:
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == code, (proc.returncode, err)
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert re.search(pattern, lines[0]), lines[0]
    return lines[0]


@pytest.fixture()
def docs(corpora: Path, tmp_path: Path) -> tuple[Path, Path]:
    en, ko = tmp_path / "doc.en", tmp_path / "doc.ko"
    shutil.copy(corpora / "harbor_bridge.en.txt", en)
    shutil.copy(corpora / "harbor_bridge.ko.txt", ko)
    return en, ko


@pytest.fixture()
def saved(cli, docs: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A TSV and a JSONL result of align pair, to feed filter/export/review."""
    en, ko = docs
    tsv, jsonl = tmp_path / "r.tsv", tmp_path / "r.jsonl"
    assert cli("pair", str(en), str(ko), "-q", "-o", str(tsv)).returncode == 0
    assert cli("pair", str(en), str(ko), "-q", "-f", "jsonl", "-o", str(jsonl)).returncode == 0
    return tsv, jsonl


# ------------------------------------------------------------------ inputs are never outputs
def test_moses_output_named_like_the_inputs_is_refused(cli, docs, tmp_path):
    en, ko = docs
    before = _digest([en, ko])
    proc = cli("pair", str(en), str(ko), "-f", "moses", "-o", str(tmp_path / "doc"))
    _one_line(proc, r"doc\.en: is one of the inputs")
    assert _digest([en, ko]) == before


@pytest.mark.parametrize("how", ["same", "hard link", "symlink", "relative"])
def test_pair_output_that_is_an_input_is_refused(cli, docs, tmp_path, how):
    en, ko = docs
    before = _digest([en, ko])
    out = {
        "same": ko,
        "hard link": tmp_path / "hard.ko",
        "symlink": tmp_path / "sym.ko",
        "relative": "doc.ko",
    }[how]
    if how == "hard link":
        os.link(ko, out)
    elif how == "symlink":
        os.symlink(ko, out)
    proc = cli("pair", str(en), str(ko), "-o", str(out), cwd=tmp_path)
    _one_line(proc, r"is one of the inputs")
    assert _digest([en, ko]) == before


def test_split_filter_export_review_refuse_their_input(cli, docs, saved):
    en, _ = docs
    tsv, jsonl = saved
    before = _digest([en, tsv, jsonl])
    _one_line(cli("split", str(en), "-o", str(en)), r"doc\.en: is one of the inputs")
    _one_line(cli("filter", str(tsv), "-o", str(tsv), "--min-score", "0.5"), r"r\.tsv: is one of the inputs")
    _one_line(cli("export", str(jsonl), "-f", "jsonl", "-o", str(jsonl)), r"r\.jsonl: is one of the inputs")
    _one_line(cli("review", str(jsonl), "-o", str(jsonl)), r"r\.jsonl: is one of the inputs")
    assert _digest([en, tsv, jsonl]) == before


def test_export_to_moses_over_its_input_is_refused(cli, saved, tmp_path):
    tsv, _ = saved
    victim = tmp_path / "corpus.en"
    shutil.copy(tsv, victim)
    before = _digest([victim])
    _one_line(
        cli("export", str(victim), "-f", "moses", "-o", str(tmp_path / "corpus")), r"corpus\.en: is one of"
    )
    assert _digest([victim]) == before
    assert not (tmp_path / "corpus.ko").exists()


def test_batch_export_over_an_input_is_refused(cli, corpora, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    en = out / "corpus.tsv"  # a document that sits where the batch would write its TSV
    shutil.copy(corpora / "harbor_bridge.en.txt", en)
    manifest = tmp_path / "m.tsv"
    manifest.write_text(f"en_path\tko_path\n{en}\t{corpora / 'harbor_bridge.ko.txt'}\n", encoding="utf-8")
    before = _digest([en, manifest])
    _one_line(cli("batch", str(manifest), "-o", str(out)), r"corpus\.tsv: is one of the inputs")
    assert _digest([en, manifest]) == before
    assert not (out / "batch.json").exists()  # refused before any work


def test_output_naming_a_folder_is_refused(cli, docs, tmp_path):
    en, ko = docs
    _one_line(cli("pair", str(en), str(ko), "-o", str(tmp_path)), r"is a folder")
    _one_line(cli("pair", str(en), str(ko), "-f", "xlsx", "-o", str(tmp_path)), r"is a folder")


def test_xlsx_into_a_missing_folder(cli, docs, tmp_path):
    en, ko = docs
    _one_line(
        cli("pair", str(en), str(ko), "-f", "xlsx", "-o", str(tmp_path / "nope" / "a.xlsx")),
        r"does not exist",
    )


# ------------------------------------------------------------------ inputs align cannot read
def test_fifo_input_is_refused_not_read(cli, docs, tmp_path):
    en, _ = docs
    fifo = tmp_path / "pipe.ko"
    os.mkfifo(fifo)
    _one_line(cli("pair", str(en), str(fifo)), r"pipe\.ko: is a FIFO")
    _one_line(cli("split", str(fifo)), r"pipe\.ko: is a FIFO")


def test_symlink_loop_and_broken_link(cli, docs, tmp_path):
    en, _ = docs
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    os.symlink(tmp_path / "gone", tmp_path / "dangling")
    _one_line(cli("pair", str(en), str(tmp_path / "a")), r"a: is a symbolic link loop")
    _one_line(cli("pair", str(en), str(tmp_path / "dangling")), r"dangling: is a broken symbolic link")


def _without_root_reads() -> None:
    """Drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set: root then obeys file modes."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_unreadable_file_is_one_line_exit_1(docs):
    en, ko = docs
    folder = Path(tempfile.mkdtemp(prefix="align-unreadable-"))
    try:
        folder.chmod(0o755)
        en2, ko2 = folder / "a.en", folder / "a.ko"
        shutil.copy(en, en2)
        shutil.copy(ko, ko2)
        en2.chmod(0o644)
        ko2.chmod(0o000)
        env = dict(os.environ, ALIGN_THREADS="1", HOME=str(folder))
        proc = subprocess.run(
            [sys.executable, "-m", "align", "pair", str(en2), str(ko2)],
            capture_output=True,
            env=env,
            cwd=folder,
            preexec_fn=_without_root_reads if os.geteuid() == 0 else None,  # root reads anything
            timeout=300,
        )
        _one_line(proc, r"a\.ko: cannot be read \(permission denied\)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_size_limit(cli, docs, tmp_path):
    en, _ = docs
    big = tmp_path / "big.ko"
    big.write_bytes(("가나다라마바사. " * 1000 + "\n").encode() * 100)  # about 2.3 MB
    proc = subprocess.run(
        [sys.executable, "-m", "align", "pair", str(en), str(big)],
        capture_output=True,
        env=dict(os.environ, ALIGN_MAX_INPUT_MB="1"),
        timeout=300,
    )
    _one_line(proc, r"big\.ko: is 2\.\d MiB, over the 1 MiB limit")


def test_utf16_without_bom_is_read(cli, docs, tmp_path):
    en, ko = docs
    for enc in ("utf-16-le", "utf-16-be"):
        k16 = tmp_path / f"{enc}.ko"
        k16.write_bytes(ko.read_text(encoding="utf-8").encode(enc))
        proc = cli("pair", str(en), str(k16), "-v")
        assert proc.returncode == 0, proc.stderr
        assert f"as {enc}" in proc.stderr.decode()
        assert "항만대교" in proc.stdout.decode("utf-8")


def test_html_whose_declared_charset_lies_is_read_as_utf8_with_a_warning(cli, tmp_path):
    body = (
        "<p>The city opened the new harbor bridge on Friday, four years after work began.</p>"
        "<p>About 2,000 residents came to the ceremony by the water.</p>"
    )
    ko_body = "<p>시는 공사 시작 4년 만인 금요일 새 항만대교를 개통했다.</p><p>기념식에는 주민 약 2,000명이 참석했다.</p>"
    page = '<html><head><meta charset="iso-8859-1"><title>x</title></head><body><article>{}</article></body></html>'
    en, ko = tmp_path / "a.en.html", tmp_path / "a.ko.html"
    en.write_text(page.format(body), encoding="utf-8")
    ko.write_text(page.format(ko_body), encoding="utf-8")
    proc = cli("pair", str(en), str(ko))
    assert proc.returncode == 0, proc.stderr
    err = proc.stderr.decode()
    assert "a.ko.html: the page declares charset 'iso-8859-1' but is UTF-8; read as UTF-8" in err
    assert "항만대교" in proc.stdout.decode("utf-8")


# ------------------------------------------------------------------ usage and other commands
def test_unknown_drop_flag_is_a_usage_error(cli, saved, tmp_path):
    tsv, _ = saved
    _one_line(
        cli("filter", str(tsv), "-o", str(tmp_path / "f.tsv"), "--drop-flags", "bogus"), r"--drop-flags", 2
    )
    assert not (tmp_path / "f.tsv").exists()


def test_usage_errors_are_one_line_exit_2(cli):
    _one_line(cli("pair", "only-one-arg"), r"^align: error: .*TGT_FILE", 2)
    _one_line(cli("pair", "a", "b", "--max-merge", "99"), r"--max-merge", 2)
    _one_line(
        cli("filter", "a.tsv", "-o", "b.tsv", "--min-score", "nan"), r"'nan' is not a number from 0 to 1", 2
    )
    _one_line(cli("pair", "a", "b", "--null-cost", "nan"), r"--null-cost", 2)


def test_evaluate_readme_examples(cli, tmp_path):
    fixtures = ROOT / "tests" / "fixtures" / "eval"
    proc = cli("evaluate", "-g", str(fixtures / "doc1.gold"), "-t", str(fixtures / "doc1.align"))
    assert proc.returncode == 0, proc.stderr
    assert "| F1" in proc.stdout.decode()
    proc = cli("evaluate", "--gold-dir", str(fixtures), "--test-dir", str(fixtures))
    assert proc.returncode == 0, proc.stderr
    assert "documents: " in proc.stdout.decode()


def test_evaluate_missing_or_binary_file(cli, tmp_path):
    fixtures = ROOT / "tests" / "fixtures" / "eval"
    blob = tmp_path / "blob.align"
    blob.write_bytes(bytes(range(256)) * 4)
    _one_line(cli("evaluate", "-g", str(fixtures / "doc1.gold"), "-t", str(blob)), r"blob\.align")
    _one_line(cli("evaluate", "-g", str(tmp_path / "none.gold"), "-t", str(blob)), r"none\.gold")


def test_split_detects_korean(cli, docs):
    _, ko = docs
    proc = cli("split", str(ko))
    assert proc.returncode == 0, proc.stderr
    assert "splitting with 'ko' rules" in proc.stderr.decode()
    by_rule = cli("split", str(ko), "--lang", "ko")
    assert proc.stdout == by_rule.stdout and by_rule.stderr == b""


def test_pair_reports_what_tmx_leaves_out(cli, tmp_path):
    long_en = "The committee reviewed the plan in detail. " * 60
    en, ko = tmp_path / "l.en", tmp_path / "l.ko"
    en.write_text(f"The bridge opened on Friday.\n{long_en.strip()}\n", encoding="utf-8")
    ko.write_text(
        "다리는 금요일에 개통했다.\n" + "위원회는 계획을 자세히 검토했다. " * 60 + "\n", encoding="utf-8"
    )
    out = tmp_path / "l.tmx"
    proc = cli("pair", str(en), str(ko), "--presplit", "-f", "tmx", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    err = proc.stderr.decode()
    m = re.search(
        r"warning: (\d+) of (\d+) pair\(s\) over 2000 characters left out of the TMX .* holds (\d+)", err
    )
    assert m, err
    skipped, total, held = map(int, m.groups())
    assert skipped >= 1 and held == total - skipped == out.read_text(encoding="utf-8").count("<tu>")


# ------------------------------------------------------------------ batch exit status, non-translations
@pytest.fixture(scope="module")
def mixed_batch(corpora, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mixed")
    (root / "en").mkdir()
    (root / "ko").mkdir()
    shutil.copy(corpora / "harbor_bridge.en.txt", root / "en" / "good.txt")
    shutil.copy(corpora / "harbor_bridge.ko.txt", root / "ko" / "good.txt")
    shutil.copy(corpora / "harbor_bridge.en.txt", root / "en" / "other.txt")  # another article's edition
    shutil.copy(corpora / "seed_bank.ko.txt", root / "ko" / "other.txt")
    shutil.copy(corpora / "seed_bank.en.txt", root / "en" / "broken.txt")
    (root / "ko" / "broken.txt").write_bytes(b"")
    return root


def test_batch_failures_exit_3_and_non_translations_stay_out(cli, mixed_batch, tmp_path):
    out = tmp_path / "out"
    proc = cli("batch", str(mixed_batch), "-o", str(out))
    err = proc.stderr.decode()
    assert proc.returncode == 3, err
    assert "Traceback" not in err
    assert "error in document broken" in err
    assert "document other: the two sides do not look like translations" in err
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    assert stats["documents_not_translations"] == ["other"]
    assert stats["removed"]["not a translation"] > 0
    corpus = [json.loads(x) for x in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["doc_id"] for r in corpus} == {"good"}
    # the same folder again, asking for everything: exit 0, the mismatched document kept
    again = cli("batch", str(mixed_batch), "-o", str(out), "--allow-failures", "--keep-non-translations")
    assert again.returncode == 0, again.stderr
    corpus = [json.loads(x) for x in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["doc_id"] for r in corpus} == {"good", "other"}


# ------------------------------------------------------------------ modes follow the umask
def _with_umask(mask: int) -> Callable[[], object]:
    return lambda: os.umask(mask)


def _pair(
    en: Path, ko: Path, fmt: str, out: Path, preexec: Callable[[], object] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``align pair -q -f FMT -o OUT`` in a subprocess, with an optional preexec_fn."""
    return subprocess.run(
        [sys.executable, "-m", "align", "pair", str(en), str(ko), "-q", "-f", fmt, "-o", str(out)],
        capture_output=True,
        preexec_fn=preexec,
        env=dict(os.environ, ALIGN_THREADS="1"),
        timeout=300,
    )


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_output_modes_follow_the_umask(docs, tmp_path, mask, mode):
    en, ko = docs
    for fmt, name, files in (
        ("tsv", "o.tsv", ["o.tsv"]),
        ("xlsx", "o.xlsx", ["o.xlsx"]),
        ("moses", "m", ["m.en", "m.ko"]),
    ):
        proc = _pair(en, ko, fmt, tmp_path / name, _with_umask(mask))
        assert proc.returncode == 0, proc.stderr
        for f in files:
            assert stat.S_IMODE((tmp_path / f).stat().st_mode) == mode, (fmt, f)
        for f in files:
            (tmp_path / f).unlink()


def test_replaced_output_keeps_its_mode(cli, docs, tmp_path):
    en, ko = docs
    out = tmp_path / "o.tsv"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o640)
    assert cli("pair", str(en), str(ko), "-q", "-o", str(out)).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert out.read_text(encoding="utf-8").startswith("en\tko")


# ------------------------------------------------------------------ disk full
@contextlib.contextmanager
def _tmpfs(where: Path, size: str, readonly: bool = False) -> Iterator[Path]:
    where.mkdir()
    opts = f"size={size}" + (",ro" if readonly else "")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(where)], capture_output=True)
    if proc.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a tmpfs on CI: {proc.stderr.decode()}")
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture()
def full_disk(tmp_path) -> Iterator[Path]:
    """A 256 KiB tmpfs holding earlier outputs, then filled up to its last few KiB."""
    with _tmpfs(tmp_path / "small", "256k") as disk:
        yield disk


def _fill(disk: Path, leave: int = 2048) -> None:
    free = shutil.disk_usage(disk).free
    with contextlib.suppress(OSError), open(disk / "filler", "wb") as f:
        f.write(b"x" * max(0, free - leave))


@pytest.mark.parametrize(
    ("fmt", "name", "files"),
    [
        ("tsv", "out.tsv", ["out.tsv"]),
        ("jsonl", "out.jsonl", ["out.jsonl"]),
        ("xlsx", "out.xlsx", ["out.xlsx"]),
        ("tmx", "out.tmx", ["out.tmx"]),
        ("moses", "m", ["m.en", "m.ko"]),
    ],
)
def test_disk_full_leaves_earlier_outputs_untouched(docs, full_disk, fmt, name, files):
    en, ko = docs
    for f in files:  # earlier outputs, which a failed run must leave byte for byte
        (full_disk / f).write_text(f"earlier {f}\n" * 50, encoding="utf-8")
    before = _digest([full_disk / f for f in files] + [en, ko])
    _fill(full_disk)
    proc = _pair(en, ko, fmt, full_disk / name)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    errors = [ln for ln in err.splitlines() if "error" in ln]
    assert len(errors) == 1 and "no space left on the device" in errors[0], err
    assert _digest([full_disk / f for f in files] + [en, ko]) == before
    assert sorted(p.name for p in full_disk.iterdir()) == sorted([*files, "filler"])  # no temporary file left


def test_read_only_folder(docs, tmp_path):
    en, ko = docs
    with _tmpfs(tmp_path / "ro", "64k", readonly=True) as disk:
        for fmt in ("tsv", "xlsx", "moses"):
            proc = _pair(en, ko, fmt, disk / "x")
            _one_line(proc, r"cannot write here \(Read-only file system\)")


# ------------------------------------------------------------------ writers never crash on odd text
@pytest.mark.parametrize("fmt", ["tsv", "excel", "xlsx", "tmx", "jsonl", "moses", "vecalign"])
def test_every_format_writes_text_utf8_cannot_hold(tmp_path, fmt):
    """A library caller's lone surrogate or U+FFFE/U+FFFF: every writer still writes a file."""
    from align.formats import output_paths, write
    from align.result import DocumentAlignment, Pair, Sentence, Signature

    odd = "lone \ud800 surrogate, \ufffe and \uffff"
    result = DocumentAlignment(
        [Pair((0,), (0,), odd, "한국어 " + odd, 0.9)],
        [Sentence(0, odd)],
        [Sentence(0, "한국어 " + odd)],
        Signature("0", "m", "en", "ko"),
        "d",
    )
    write([result], fmt, tmp_path / "out")
    for path in output_paths(fmt, tmp_path / "out", "en", "ko"):
        data = path.read_bytes()
        assert data
        if fmt != "xlsx":
            data.decode("utf-8")  # valid UTF-8


def test_batch_xlsx_export_survives_xml_illegal_text(cli, corpora, tmp_path):
    root = tmp_path / "in"
    (root / "en").mkdir(parents=True)
    (root / "ko").mkdir()
    en = (corpora / "harbor_bridge.en.txt").read_text(encoding="utf-8").replace("Friday", "Friday\uffff")
    ko = (corpora / "harbor_bridge.ko.txt").read_text(encoding="utf-8").replace("금요일", "금요일\ufffe")
    (root / "en" / "odd.txt").write_text(en, encoding="utf-8")
    (root / "ko" / "odd.txt").write_text(ko, encoding="utf-8")
    inputs = sorted(root.rglob("*.txt"))
    before = _digest(inputs)
    proc = cli("batch", str(root), "-o", str(tmp_path / "out"), "--export", "xlsx", "--export", "moses")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "corpus.xlsx").stat().st_size > 0
    en_lines = (tmp_path / "out" / "corpus.en").read_text(encoding="utf-8").splitlines()
    ko_lines = (tmp_path / "out" / "corpus.ko").read_text(encoding="utf-8").splitlines()
    assert len(en_lines) == len(ko_lines) > 0
    assert _digest(inputs) == before
