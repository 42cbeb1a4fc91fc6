"""What the benchmark scripts share: where the shared dev data is, the clean skip when
it is absent, and the Markdown tables they print.

``../shared`` (beside the repository) by default; ``ALIGN_SHARED`` points elsewhere.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
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


def table(header: Sequence[str], rows: Iterable[Sequence[object]], right: int = 1) -> str:
    """A Markdown table; columns from ``right`` on are right-aligned (numbers)."""
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("| " + " | ".join("---:" if k >= right else "---" for k in range(len(header))) + " |")
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
