"""Shared fixtures: the real bundled model (loaded once) and a CLI runner (real subprocess)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
"""Debian's chromium, which the page tests drive through Playwright."""
ARTIFACTS = Path(os.environ.get("ALIGN_TEST_ARTIFACTS", ROOT / "test-artifacts"))
"""Where browser tests leave their screenshots (ignored by git)."""


@pytest.fixture(scope="session")
def aligner():
    from align import Aligner

    return Aligner()


@pytest.fixture(scope="session")
def corpora() -> Path:
    return CORPORA


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m align ARGS`` in a real subprocess; return the completed process (bytes)."""
    env = dict(os.environ)
    env.setdefault("ALIGN_THREADS", "1")
    return subprocess.run(
        [sys.executable, "-m", "align", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


@pytest.fixture(scope="session")
def cli():
    return run_cli


@pytest.fixture(scope="session")
def browser():
    """A headless chromium for the whole session (skipped without playwright or chromium)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield b
        b.close()
