"""The README's promises that a command can check: its sample summary line is what align prints."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_summary_line_in_readme_is_what_the_main_command_prints(cli):
    proc = cli("pair", "corpora/harbor_bridge.en.txt", "corpora/harbor_bridge.ko.txt", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    summary = [ln for ln in proc.stderr.decode().splitlines() if ln.startswith("align: harbor_bridge:")]
    assert len(summary) == 1
    assert summary[0] in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()


def test_pair_help_names_both_files_for_any_language_pair(cli):
    out = cli("pair", "--help").stdout.decode()
    assert "SRC_FILE TGT_FILE" in out
    assert "Language of SRC_FILE" in out and "Language of TGT_FILE" in out
    assert "English side" not in out and "Korean side" not in out
