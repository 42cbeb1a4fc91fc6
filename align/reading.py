"""Reading input files: decoding in any common encoding, with clear errors.

UTF-8 (with or without BOM) and UTF-16 with a BOM are recognised directly; anything
else goes through ``charset-normalizer`` (MIT), which recognises CP949/EUC-KR,
Shift-JIS, Latin-1 and the rest.  HTML pages (``.html``/``.htm``, or content that
starts like HTML) are decoded by their declared charset and reduced to their main text
(:mod:`align.html`).  Binary data, empty files and unreadable paths raise
:class:`~align.errors.InputError` with the file name in the message.
"""

from __future__ import annotations

import codecs
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .html import declared_charset, html_to_text, looks_like_html

__all__ = ["Document", "decode_bytes", "read_document"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than tab/newline/CR/form feed are dropped from text.
_DROP = {c: None for c in range(32) if c not in (9, 10, 12, 13)}
_DROP.update({0x7F: None, 0xFEFF: None, 0x200B: None})


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded input: its text, where it came from and the encoding used."""

    text: str
    path: str
    encoding: str
    format: str = "text"
    """``text`` or ``html`` (then ``text`` is the page's extracted main text)."""


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(sample) // 50)


def decode_bytes(data: bytes, name: str = "<input>") -> tuple[str, str]:
    """Decode ``data``; return (text, encoding). Raise InputError when it is not text."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise InputError(name, f"starts with a {enc} byte-order mark but is not valid {enc}") from exc
    if _looks_binary(data):
        raise InputError(name, "looks like binary data, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
        utf8_error = exc
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(
            name,
            f"is not UTF-8 (first bad byte on line {bad_line}) and its encoding could not be "
            "detected; convert it to UTF-8",
        ) from utf8_error
    encoding = best.encoding
    # charset-normalizer reports cp949 text as euc_kr or cp949; cp949 is the superset.
    if encoding.replace("-", "_").lower() in {"euc_kr", "cp949", "johab"}:
        encoding = "cp949"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(name, f"could not be decoded as {encoding}; convert it to UTF-8") from exc


def normalise_text(text: str) -> str:
    """NFC, no control characters, Unix newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_DROP)
    return unicodedata.normalize("NFC", text)


def read_document(path: str | Path) -> Document:
    """Read and decode a text file (``-`` reads standard input)."""
    name = str(path)
    if name == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(name, "no such file")
        if p.is_dir():
            raise InputError(name, "is a directory, not a text file")
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InputError(name, f"cannot be read ({exc.strerror or exc})") from exc
    if not data:
        raise InputError(name, "is empty")
    if looks_like_html(data, name):
        return _read_html(data, name)
    text, encoding = decode_bytes(data, name)
    text = normalise_text(text)
    if not text.strip():
        raise InputError(name, "contains only whitespace")
    return Document(text=text, path=name, encoding=encoding)


def _read_html(data: bytes, name: str) -> Document:
    declared = declared_charset(data)
    text = None
    encoding = ""
    if declared and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "cp949" if declared.replace("-", "_") in {"euc_kr", "ks_c_5601_1987", "cp949"} else declared
        try:
            text, encoding = data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text, encoding = decode_bytes(data, name)
    body = normalise_text(html_to_text(text, name))
    if not body.strip():
        raise InputError(name, "is HTML but has no main text")
    return Document(text=body, path=name, encoding=encoding, format="html")
