"""Main text of HTML pages, with paragraph structure, via trafilatura (Apache-2.0).

trafilatura drops navigation, headers, footers and boilerplate; its XML output keeps
one element per block (heading, paragraph, list item, quote, table cell), which become
paragraphs separated by a blank line, so a block is always a hard sentence boundary.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .errors import InputError

__all__ = ["declared_charset", "html_to_text", "looks_like_html"]

_SNIFF = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BLOCKS = {"head", "p", "item", "quote", "cell", "list", "row", "table", "code", "lb"}


def looks_like_html(data: bytes, name: str = "") -> bool:
    """``.html``/``.htm`` files, or content that starts like an HTML document."""
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    return bool(_SNIFF.match(head))


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag, if any."""
    m = _CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace").lower() if m else None


def _block_text(el: ET.Element) -> str:
    return " ".join("".join(el.itertext()).split())


def html_to_text(html: str, name: str = "<html>") -> str:
    """Main text of a page: one paragraph per block, blocks separated by a blank line."""
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise InputError(name, "is HTML and reading it needs trafilatura: pip install trafilatura") from exc
    xml = trafilatura.extract(
        html,
        output_format="xml",
        include_comments=False,
        include_tables=True,
        include_images=False,
        favor_recall=True,
        deduplicate=False,
    )
    if not xml:
        raise InputError(name, "is HTML but no main text could be extracted from it")
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise InputError(name, f"is HTML and its extracted text could not be read ({exc})") from exc
    main = root.find("main")
    if main is None:
        main = root
    paragraphs: list[str] = []
    for el in main.iter():
        if el is main or el.tag not in _BLOCKS or el.tag in {"list", "table", "row", "lb"}:
            continue
        text = _block_text(el)
        if text:
            paragraphs.append(text)
    if not paragraphs:
        raise InputError(name, "is HTML but no main text could be extracted from it")
    return "\n\n".join(paragraphs) + "\n"
