"""The handout's fonts: ReportLab's own Bitstream Vera, a TrueType font and so embedded."""

from __future__ import annotations

import functools

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..fonts import vera

__all__ = ["FONT", "FONT_BOLD", "charset"]

FONT = "BPC-Sans"
FONT_BOLD = "BPC-Sans-Bold"


@functools.cache
def charset() -> frozenset[int]:
    """Register the fonts (once); the characters they can draw."""
    # By full path: a bare "Vera.ttf" is looked for in the working folder first.
    regular = TTFont(FONT, str(vera("Vera.ttf")))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(vera("VeraBd.ttf"))))
    # The handout sets no italics (all text is escaped, so none comes from content either):
    # loading the italic faces would cost start-up time for nothing.
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )
    return frozenset(regular.face.charToGlyph)
