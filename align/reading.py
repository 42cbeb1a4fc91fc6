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
import errno
import os
import stat
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .html import declared_charset, html_to_text, looks_like_html

__all__ = ["MAX_INPUT_BYTES", "Document", "check_input", "decode_bytes", "read_document"]

MAX_INPUT_BYTES = 16 * 1024 * 1024
"""Largest input file align reads as one document (16 MiB: about 100,000 sentences of news prose);
``ALIGN_MAX_INPUT_MB`` raises or lowers it. A larger file is refused with one line:
split a book into chapters and align them with ``align batch``."""

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
    warnings: tuple[str, ...] = ()
    """What the reader had to guess (an HTML page whose declared charset is wrong)."""


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(sample) // 50)


def _texty(text: str) -> bool:
    """Mostly letters, digits, spaces and punctuation: decoded text, not noise."""
    if not text:
        return False
    bad = sum(1 for c in text if (ord(c) < 32 and c not in "\t\n\r\f") or 0xD800 <= ord(c) <= 0xDFFF)
    odd = sum(1 for c in text if unicodedata.category(c) in ("Co", "Cn", "Cs"))
    return bad + odd <= len(text) // 200


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when ``data`` is UTF-16 text with no byte-order mark."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:8192]
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    if zeros_even == zeros_odd:
        return None
    enc = "utf-16-le" if zeros_odd > zeros_even else "utf-16-be"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    return enc if _texty(text[:4096]) else None


def decode_bytes(data: bytes, name: str = "<input>") -> tuple[str, str]:
    """Decode ``data``; return (text, encoding). Raise InputError when it is not text."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise InputError(name, f"starts with a {enc} byte-order mark but is not valid {enc}") from exc
    if b"\x00" in data[:8192]:
        enc16 = _utf16_without_bom(data)
        if enc16:
            return data.decode(enc16), enc16
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


def max_input_bytes() -> int:
    """:data:`MAX_INPUT_BYTES`, or ``ALIGN_MAX_INPUT_MB`` megabytes when that is set."""
    value = os.environ.get("ALIGN_MAX_INPUT_MB", "").strip()
    try:
        return int(float(value) * 1024 * 1024) if value else MAX_INPUT_BYTES
    except ValueError:
        return MAX_INPUT_BYTES


def check_input(path: str | Path) -> None:
    """Refuse, with one line, what align cannot read as a document: before any work is done.

    Missing files, symbolic link loops, folders, FIFOs, devices and sockets (a FIFO
    would block for ever), unreadable files and files over :func:`max_input_bytes`.
    """
    name = str(path)
    if name == "-":
        return
    try:
        st = os.stat(path)
    except ValueError:  # a NUL byte in the name
        raise InputError(name.replace("\0", "\\0"), "is not a valid file name") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(name, "is a symbolic link loop") from None
        if exc.errno == errno.ENOENT:
            broken = os.path.islink(path)
            raise InputError(name, "is a broken symbolic link" if broken else "no such file") from None
        if exc.errno == errno.ENAMETOOLONG:
            raise InputError(name, "the file name is too long") from None
        raise InputError(name, f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(name, "is a directory, not a text file")
    if not stat.S_ISREG(st.st_mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "not a regular file"
        raise InputError(name, f"is {kind}; give a regular file, or '-' for standard input")
    if not os.access(path, os.R_OK):
        raise InputError(name, "cannot be read (permission denied)")
    limit = max_input_bytes()
    if st.st_size > limit:
        raise InputError(
            name,
            f"is {st.st_size / 2**20:.1f} MiB, over the {limit / 2**20:.0f} MiB limit for one document "
            "(ALIGN_MAX_INPUT_MB raises it); split it into chapters and use align batch",
        )


def read_document(path: str | Path) -> Document:
    """Read and decode a text file (``-`` reads standard input)."""
    name = str(path)
    if name == "-":
        data = sys.stdin.buffer.read(max_input_bytes() + 1)
        name = "<stdin>"
        if len(data) > max_input_bytes():
            raise InputError(name, f"is over the {max_input_bytes() / 2**20:.0f} MiB limit for one document")
    else:
        check_input(path)
        try:
            with open(path, "rb") as f:
                # the file's own size, not the limit, as the first read's buffer (a
                # 16 MiB buffer a document otherwise); one byte more shows a file growing
                size = min(os.fstat(f.fileno()).st_size, max_input_bytes())
                data = f.read(size + 1)
                if len(data) > size:
                    data += f.read(max_input_bytes() + 1 - len(data))
        except OSError as exc:
            raise InputError(name, f"cannot be read ({exc.strerror or exc})") from exc
        if len(data) > max_input_bytes():
            raise InputError(name, "grew past the size limit while being read")
    if not data:
        raise InputError(name, "is empty")
    if looks_like_html(data, name):
        return _read_html(data, name)
    text, encoding = decode_bytes(data, name)
    text = normalise_text(text)
    if not text.strip():
        raise InputError(name, "contains only whitespace")
    return Document(text=text, path=name, encoding=encoding)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_html(data: bytes, name: str) -> Document:
    declared = declared_charset(data)
    text = None
    encoding = ""
    warnings: list[str] = []
    if declared and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "cp949" if declared.replace("-", "_") in {"euc_kr", "ks_c_5601_1987", "cp949"} else declared
        try:
            known = codecs.lookup(enc)._is_text_encoding  # base64, rot13, zlib ... are no charsets
        except LookupError:
            known = False
        if not known:
            warnings.append(
                f"{name}: the page declares an unknown charset '{declared}'; detected the encoding"
            )
            enc = ""
        utf8_declared = enc and codecs.lookup(enc).name == "utf-8"
        if enc and not utf8_declared and not data.isascii() and _is_utf8(data):
            # Multi-byte UTF-8 sequences almost never occur by chance in a legacy
            # encoding: the declaration is wrong (a common CMS bug); reading it as
            # declared would turn every non-ASCII character into mojibake.
            warnings.append(f"{name}: the page declares charset '{declared}' but is UTF-8; read as UTF-8")
            text, encoding = data.decode("utf-8"), "utf-8"
        elif enc:
            try:
                text, encoding = data.decode(enc), enc
            except UnicodeDecodeError:
                text = None
    if text is None:
        text, encoding = decode_bytes(data, name)
        if (
            declared
            and encoding.replace("-", "_").lower() not in {"utf_8", "utf_8_sig", "ascii"}
            and not any("declares" in w for w in warnings)
        ):
            warnings.append(
                f"{name}: the page declares charset '{declared}' but is not valid {declared}; "
                f"read as {encoding}"
            )
    body = normalise_text(html_to_text(text, name))
    if not body.strip():
        raise InputError(name, "is HTML but has no main text")
    return Document(text=body, path=name, encoding=encoding, format="html", warnings=tuple(warnings))
