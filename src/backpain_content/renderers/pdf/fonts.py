"""The handout's fonts: ReportLab's own Bitstream Vera, a TrueType font and so embedded.

Everything ReportLab keeps for the whole process is set up here, once, when this module
is imported: Python's import lock lets one thread do it while any other waits. Nothing
changes ReportLab's global state after that, so renders in many threads at once all see
the same, finished set-up (registering a font again while another thread lays out text
once made ReportLab map the bold face to the regular one).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.textobject import PDFTextObject

from ..fonts import vera
from .subsets import SubsetFont

__all__ = [
    "CHARSET",
    "EMBOLDENED",
    "FONT",
    "FONT_BOLD",
    "InkedText",
    "StrokedInk",
    "emboldened",
    "stroke_width",
]

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


# Synthetic bold. A script whose family has no bold face (Chinese, Japanese and Korean:
# Debian has no TrueType CJK font with one, and ReportLab embeds only TrueType) gets a
# second name for its regular face, and text in that "face" is drawn filled and stroked
# with a thin outline in its own colour (text rendering mode 2): strokes a little heavier,
# the same glyphs and the same text for a screen reader, on screen and on paper alike.
EMBOLDENED = "-Emboldened"
"""Ends the name of a regular face registered to be drawn as synthetic bold."""

_STROKE_EMS = 0.04
"""The outline's width, in ems: about what a browser's synthetic bold adds."""


def emboldened(font_name: str) -> bool:
    """Whether `font_name` is a face drawn as synthetic bold."""
    return font_name.endswith(EMBOLDENED)


def stroke_width(font_size: float) -> float:
    """The outline of synthetic bold text of `font_size`."""
    return font_size * _STROKE_EMS


class StrokedInk(colors.Color):
    """The colour of synthetic bold text: filled and stroked (see `InkedText`). Never
    equal to a plain colour, so that a paragraph sets its colour again, and with it the
    rendering mode, where bold and regular text meet."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StrokedInk) and super().__eq__(other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = colors.Color.__hash__

    @classmethod
    def of(cls, colour: colors.Color) -> StrokedInk:
        """The stroked ink of `colour`."""
        return cls(colour.red, colour.green, colour.blue, colour.alpha)


class InkedText(PDFTextObject):
    """A text object that strokes as well as fills text in a `StrokedInk`: a paragraph
    sets its text colour on its text object whenever the colour changes."""

    def setFillColor(self, aColor: Any, alpha: Any = None) -> None:
        super().setFillColor(aColor, alpha)
        if isinstance(aColor, StrokedInk):
            self.setStrokeColor(aColor)
            self.setTextRenderMode(2)
        else:
            self.setTextRenderMode(0)
