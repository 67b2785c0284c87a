"""TrueType fonts whose embedded subsets are made once, not in every PDF.

ReportLab embeds, in every PDF, the subset of each font that the PDF draws: the font
program cut down to those glyphs and compressed, a /Widths array and a ToUnicode CMap,
all made again for every document. What they hold depends only on the font and the
subset (the characters, in the order of their codes), not on the text: ReportLab gives
the printable ASCII characters their own codes (its `ttfAsciiReadable`, on by default),
and the few others the codes of their first use, so every handout of a guide, whatever
its words, embeds the same subsets, and so do most guides in one language. A fresh guide
spent a sixth of its render making them again.

`SubsetFont` writes the same objects, byte for byte, as ReportLab's `TTFont.addObjects`
does (ReportLab 5.1), from parts made once per font and subset and kept, immutable, in a
bounded cache that any thread may read. Making a subset reads the font's one file image,
which documents share: it happens while a PDF is saved, under `tagging._SAVING`.

ReportLab internals used, as `TTFont.addObjects` uses them (no public API writes a
font's objects): a document's font `state` and `compression`, its `BasicFonts`
dictionary, and the face's `name`, `subfontNameX` and metrics.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)

__all__ = ["SubsetFont"]


class _Formatted(pdfdoc.PDFObject):
    """A direct object written as bytes formatted once (a subset's /Widths array)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


@dataclass(frozen=True)
class _Subset:
    """What a PDF embeds of one subset of a font, compressed as ReportLab compresses it."""

    program: bytes
    """The subset font program (/FontFile2), Flate-compressed."""
    program_length: int
    """Its length uncompressed (/Length1)."""
    widths: bytes
    """The /Widths array, formatted."""
    to_unicode: bytes
    """The ToUnicode CMap, Flate-compressed."""


_FLATE = pdfdoc.PDFZCompress


@functools.lru_cache(maxsize=48)
def _subset(face: Any, base_name: str, codes: tuple[int, ...]) -> _Subset:
    """The parts of a subset (`codes`, the characters in the order of their codes) of
    `face`, named `base_name` in the PDF. Bounded: a handout embeds two or three subsets,
    and a process that renders guides in many languages keeps the most recent."""
    program = face.makeSubset(list(codes))
    widths = pdfdoc.PDFArray([face.getCharWidth(code) for code in codes])
    return _Subset(
        program=_FLATE.encode(program),
        program_length=len(program),
        # Numbers only: formatted alike in any document (none is needed).
        widths=widths.format(None),
        to_unicode=_FLATE.encode(makeToUnicodeCMap(base_name, list(codes))),
    )


def _compressed(data: bytes, **entries: Any) -> pdfdoc.PDFStream:
    """A stream of `data` compressed already: its /Filter set, so none is applied again."""
    entries["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName(_FLATE.pdfname)])
    return pdfdoc.PDFStream(pdfdoc.PDFDictionary(entries), data)


class SubsetFont(TTFont):
    """A TrueType font that embeds each subset from parts made once (see the module)."""

    _asciiReadable: bool  # ReportLab's, set by TTFont.__init__

    def addObjects(self, doc: Any) -> None:
        if not doc.compression:  # the parts are kept compressed
            super().addObjects(doc)
            return
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        face: Any = self.face
        for number, codes in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(number, doc)[1:]
            base_name = b"".join((SUBSETN(number), b"+", face.name, face.subfontNameX)).decode(
                "pdfdoc"
            )
            made = _subset(face, base_name, tuple(codes))

            font: Any = pdfdoc.PDFTrueTypeFont()
            font.__Comment__ = f"Font {self.fontName} subset {number}"
            font.Name = internal_name
            font.BaseFont = base_name
            font.FirstChar = 0
            font.LastChar = len(codes) - 1
            font.Widths = _Formatted(made.widths)
            font.ToUnicode = doc.Reference(
                _compressed(made.to_unicode), "toUnicodeCMap:" + base_name
            )
            program = doc.Reference(
                _compressed(made.program, Length1=made.program_length),
                f"fontFile:{face.filename}({base_name})",
            )
            descriptor = pdfdoc.PDFDictionary(
                {
                    "Type": "/FontDescriptor",
                    "Ascent": face.ascent,
                    "CapHeight": face.capHeight,
                    "Descent": face.descent,
                    "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                    "FontBBox": pdfdoc.PDFArray(face.bbox),
                    "FontName": pdfdoc.PDFName(base_name),
                    "ItalicAngle": face.italicAngle,
                    "StemV": face.stemV,
                    "FontFile2": program,
                    "MissingWidth": face.defaultWidth,
                }
            )
            font.FontDescriptor = doc.Reference(descriptor, "fontDescriptor:" + base_name)
            doc.Reference(font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = font
        del self.state[doc]
