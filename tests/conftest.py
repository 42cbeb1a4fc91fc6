"""Shared fixtures: the real bundled model (loaded once) and a CLI runner (real subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"


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
