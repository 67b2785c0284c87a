"""The handout's fonts: ReportLab's own Bitstream Vera, a TrueType font and so embedded.

Everything ReportLab keeps for the whole process is set up here, once, when this module
is imported: Python's import lock lets one thread do it while any other waits. Nothing
changes ReportLab's global state after that, so renders in many threads at once all see
the same, finished set-up (registering a font again while another thread lays out text
once made ReportLab map the bold face to the regular one).
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics

from ..fonts import vera
from .subsets import SubsetFont

__all__ = ["CHARSET", "FONT", "FONT_BOLD"]

FONT = "BPC-Sans"
FONT_BOLD = "BPC-Sans-Bold"


def _set_up() -> frozenset[int]:
    # By full path: a bare "Vera.ttf" is looked for in the working folder first.
    regular = SubsetFont(FONT, str(vera("Vera.ttf")))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(SubsetFont(FONT_BOLD, str(vera("VeraBd.ttf"))))
    # The handout sets no italics (all text is escaped, so none comes from content either):
    # loading the italic faces would cost start-up time for nothing.
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )
    # ReportLab fills its table of named colours on first use, and publishes it empty
    # before filling it: a thread reading it meanwhile finds no "black".
    colors.getAllNamedColors()
    return frozenset(regular.face.charToGlyph)


CHARSET: frozenset[int] = _set_up()
"""The characters the fonts can draw."""
