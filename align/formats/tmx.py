"""TMX 1.4b for CAT tools (Trados, memoQ, OmegaT, Phrase).

The header carries the seven required attributes, one ``<tu>`` per matched pair (no
omissions) with a ``<tuv xml:lang>`` per side, and the score, flags, alignment type
and document id as ``<prop type="x-...">``.  Characters XML 1.0 forbids (U+000B and
the like) are removed, because a file holding them no longer parses.  Segments over
2,000 characters are left out (CAT tools reject them) and counted in the write's
:class:`~align.formats.base.Written` (``skipped``).
The align signature is a header ``<prop type="x-align-signature">``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import IO

from .. import __version__
from ..result import DocumentAlignment, Pair
from ._xml import xml_safe
from .base import Format, Written

__all__ = ["MAX_SEGMENT", "TMX", "sanitise"]

MAX_SEGMENT = 2000
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_LANG_CODES = {"en": "en-US", "ko": "ko-KR", "de": "de-DE", "fr": "fr-FR", "ja": "ja-JP", "zh": "zh-CN"}


def sanitise(text: str) -> str:
    """Remove the characters XML 1.0 cannot carry."""
    return xml_safe(text)


class TMX(Format):
    """TMX 1.4b: one translation unit per matched pair, for CAT tools."""

    name = "tmx"
    suffix = "tmx"
    carries = frozenset({"texts", "scores", "flags", "doc_id", "signature"})

    def write_text(
        self, results: list[DocumentAlignment], stream: IO[str], pairs: list[list[Pair]]
    ) -> Written:
        """Write the TMX; ``skipped`` counts the pairs left out as over ``MAX_SEGMENT``."""
        return _write(results, stream, pairs)


def _write(results: list[DocumentAlignment], stream: IO[str], pairs: list[list[Pair]]) -> Written:
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
    skipped = units = 0
    for result, kept in zip(results, pairs, strict=True):
        for p in kept:
            if p.is_null:
                continue
            src, tgt = sanitise(p.src_text), sanitise(p.tgt_text)
            if len(src) > MAX_SEGMENT or len(tgt) > MAX_SEGMENT:
                skipped += 1
                continue
            units += 1
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
    return Written(units, skipped)
