"""TMX 1.4b for CAT tools (Trados, memoQ, OmegaT, Phrase).

The header carries the seven required attributes, one ``<tu>`` per matched pair (no
omissions) with a ``<tuv xml:lang>`` per side, and the score, flags, alignment type
and document id as ``<prop type="x-...">``.  Characters XML 1.0 forbids (U+000B and
the like) are removed, because a file holding them no longer parses.  Segments over
2,000 characters are left out (CAT tools reject them) and counted in ``SKIPPED``.
The align signature is a header ``<prop type="x-align-signature">``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import IO

from .. import __version__
from ..result import DocumentAlignment, Pair
from ._xml import xml_safe

__all__ = ["MAX_SEGMENT", "sanitise", "write", "write_report"]

MAX_SEGMENT = 2000
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_LANG_CODES = {"en": "en-US", "ko": "ko-KR", "de": "de-DE", "fr": "fr-FR", "ja": "ja-JP", "zh": "zh-CN"}
_last_skipped = 0


def sanitise(text: str) -> str:
    """Remove the characters XML 1.0 cannot carry."""
    return xml_safe(text)


def write_report() -> int:
    """How many pairs the last write left out for being longer than MAX_SEGMENT."""
    return _last_skipped


def write(results: list[DocumentAlignment], stream: IO[str], pairs: list[list[Pair]]) -> None:
    global _last_skipped
    src_lang = results[0].src_lang if results else "en"
    tgt_lang = results[0].tgt_lang if results else "ko"
    src_code, tgt_code = _LANG_CODES.get(src_lang, src_lang), _LANG_CODES.get(tgt_lang, tgt_lang)
    root = ET.Element("tmx", version="1.4")
    header = ET.SubElement(
        root,
        "header",
        {
            "creationtool": "align",
            "creationtoolversion": __version__,
            "segtype": "sentence",
            "datatype": "plaintext",
            "adminlang": "en-US",
            "srclang": src_code,
            "o-tmf": "align",
            "creationdate": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
        },
    )
    if results:
        prop = ET.SubElement(header, "prop", type="x-align-signature")
        prop.text = sanitise(str(results[0].signature))
    body = ET.SubElement(root, "body")
    skipped = 0
    for result, kept in zip(results, pairs, strict=True):
        for p in kept:
            if p.is_null:
                continue
            src, tgt = sanitise(p.src_text), sanitise(p.tgt_text)
            if len(src) > MAX_SEGMENT or len(tgt) > MAX_SEGMENT:
                skipped += 1
                continue
            tu = ET.SubElement(body, "tu")
            for kind, value in (
                ("x-score", f"{p.score:.4f}"),
                ("x-type", p.kind),
                ("x-flags", ",".join(p.flags)),
                ("x-doc", sanitise(result.doc_id)),
            ):
                if value:
                    ET.SubElement(tu, "prop", type=kind).text = value
            for code, text in ((src_code, src), (tgt_code, tgt)):
                tuv = ET.SubElement(tu, "tuv", {_XML_LANG: code})
                ET.SubElement(tuv, "seg").text = text
    ET.indent(root, space=" ")
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write('<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
    _last_skipped = skipped
