"""What the benchmark scripts share: where the shared dev data is, the clean skip when
it is absent, running the reference scorer, and the Markdown tables they print.

``../shared`` (beside the repository) by default; ``ALIGN_SHARED`` points elsewhere.
Importing this module also puts this checkout first on ``sys.path``, so the scripts run
against its ``align``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALIGN_SHARED", ROOT.parent / "shared"))
SCORER = SHARED / "tools" / "score.py"

if str(ROOT) not in sys.path:  # the scripts run against this checkout's align
    sys.path.insert(0, str(ROOT))


def skip_without_shared(*needed: str) -> bool:
    """True (after saying so) when the shared data, or one of the ``needed`` paths
    under it, is not here: the script then exits 0."""
    missing = [p for p in ("", *needed) if not (SHARED / p).exists()]
    if missing:
        print(f"skipped: {SHARED / missing[0]} (shared dev data) is not here")
        return True
    return False


def score_files(gold: Iterable[str | Path], test: Iterable[str | Path]) -> dict:
    """The reference scorer's totals (strict/lax precision, recall, F1) over alignment
    files, run as its own command line (``score.py -g ... -t ... --json``)."""
    res = subprocess.run(
        [sys.executable, str(SCORER), "-g", *map(str, gold), "-t", *map(str, test), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(res.stdout)["total"]


def table_head(header: Sequence[str], right: int | Collection[int] = 1) -> str:
    """A Markdown table's header and rule.  Right-aligned (numbers): the columns from
    ``right`` on, or, when ``right`` is a collection, the columns it names."""
    cols = range(len(header))
    is_right = [k >= right if isinstance(right, int) else k in right for k in cols]
    rule = " | ".join("---:" if r else "---" for r in is_right)
    return "| " + " | ".join(header) + " |\n| " + rule + " |"


def table_row(cells: Iterable[object]) -> str:
    """One row of a Markdown table (print rows one by one as they are measured)."""
    return "| " + " | ".join(str(c) for c in cells) + " |"


def table(header: Sequence[str], rows: Iterable[Sequence[object]], right: int | Collection[int] = 1) -> str:
    """A Markdown table; columns from ``right`` on are right-aligned (numbers), or those
    ``right`` names when it is a collection (see :func:`table_head`)."""
    return "\n".join([table_head(header, right), *(table_row(r) for r in rows)])
