"""Characters XML 1.0 can carry, for the writers whose files are XML (TMX, XLSX).

XML 1.0 allows tab, line feed, carriage return, U+0020-U+D7FF, U+E000-U+FFFD and
U+10000-U+10FFFF.  Everything else (the other C0 controls, lone surrogates, U+FFFE,
U+FFFF) makes the file unparsable, so it is removed.
"""

from __future__ import annotations

import re

__all__ = ["xml_safe"]

_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return _ILLEGAL.sub("", text)
