"""The handout's type sizes, colours and paragraph styles."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth

from .fonts import FONT, FONT_BOLD

__all__ = [
    "LARGE",
    "MUTED",
    "PAPER",
    "STANDARD",
    "TEXT",
    "VERA_TYPE",
    "Sizes",
    "Styles",
    "Type",
    "styles",
]

PAPER = {"letter": LETTER, "a4": A4}
TEXT = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#3d3d3d")


@dataclass(frozen=True)
class Sizes:
    """Type sizes and spacing of one kind of handout, in points."""

    body: float
    leading: float
    title: float
    heading: float
    footer: float
    margin: float
    gap: float


# Margins leave twice the quarter inch that office printers cannot print on.
STANDARD = Sizes(body=12, leading=15, title=19, heading=14, footer=8.5, margin=0.4 * inch, gap=4)
LARGE = Sizes(body=18, leading=24, title=28, heading=22, footer=12, margin=0.6 * inch, gap=9)


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of one handout."""

    body: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    item: ParagraphStyle
    check: ParagraphStyle
    caption: ParagraphStyle
    footer: ParagraphStyle
    range: ParagraphStyle
    subheading: ParagraphStyle
    bullet: ParagraphStyle
    row: ParagraphStyle
    """A row of a patient's plan: body text, a little apart from the next row."""
    box_title: ParagraphStyle
    """The title inside a box: a heading's look, without its space above."""
    chosen: ParagraphStyle
    """A checklist item the patient's plan chose: its bullet, an X, bold and in the box."""


@dataclass(frozen=True)
class Type:
    """The fonts and setting of a handout's text: its family's regular and bold faces,
    whether words are shaped, and how lines break (`CJK`: between characters)."""

    regular: str = FONT
    bold: str = FONT_BOLD
    shaping: bool = False
    word_wrap: str | None = None


VERA_TYPE = Type()
"""Vera, unshaped, broken at spaces: every Latin-language handout."""


@functools.lru_cache(maxsize=16)
def _text_styles(sizes: Sizes, kind: Type = VERA_TYPE) -> Styles:
    """The styles that do not use the accent colour: one set per size (and type), shared by
    every clinic, so their parsed paragraphs are shared too (see `flowables.parsed`)."""
    body = ParagraphStyle(
        "body",
        fontName=kind.regular,
        fontSize=sizes.body,
        leading=sizes.leading,
        textColor=TEXT,
        alignment=TA_LEFT,
        spaceAfter=sizes.gap,
        splitLongWords=True,
        shaping=1 if kind.shaping else 0,
        wordWrap=kind.word_wrap,
        # ReportLab's defaults (Helvetica, 10 pt) would add an unembedded font; bullets
        # and the X in a box are Vera's in every script.
        bulletFontName=FONT,
        bulletFontSize=sizes.body,
    )
    check = ParagraphStyle(
        "check",
        parent=body,
        leftIndent=sizes.body * 1.9,
        bulletIndent=0,
        spaceAfter=sizes.gap * 0.6,
    )
    box = sizes.body * 0.8  # the check box's side, as CheckItem draws it
    return Styles(
        body=body,
        title=body,
        heading=body,
        item=ParagraphStyle("item", parent=body, leftIndent=sizes.body, spaceAfter=sizes.gap * 0.6),
        check=check,
        caption=ParagraphStyle("caption", parent=body, fontSize=sizes.body, spaceAfter=0),
        range=ParagraphStyle("range", parent=body, fontName=kind.bold, spaceAfter=0),
        bullet=ParagraphStyle(
            "bullet",
            parent=body,
            leftIndent=sizes.body * 1.2,
            bulletIndent=sizes.body * 0.2,
            spaceAfter=sizes.gap * 0.6,
        ),
        subheading=ParagraphStyle(
            "subheading",
            parent=body,
            fontName=kind.bold,
            spaceBefore=sizes.gap,
            spaceAfter=sizes.gap * 0.5,
            keepWithNext=True,
        ),
        row=ParagraphStyle("row", parent=body, spaceAfter=sizes.gap * 0.6),
        box_title=body,
        chosen=ParagraphStyle(
            "chosen",
            parent=check,
            bulletFontName=FONT_BOLD,
            bulletFontSize=box * 0.8,
            # The X centred in the box the check item draws at the check style's indent
            # (from 0.1 of its side below the baseline; an X's capitals are 0.73 of its size).
            bulletIndent=check.bulletIndent + (box - stringWidth("X", FONT_BOLD, box * 0.8)) / 2,
            bulletOffsetY=box * 0.4 - box * 0.8 * 0.73 / 2,
        ),
        footer=ParagraphStyle(
            "footer",
            parent=body,
            fontSize=sizes.footer,
            leading=sizes.footer * 1.25,
            textColor=MUTED,
            spaceAfter=0,
        ),
    )


@functools.lru_cache(maxsize=64)
def styles(sizes: Sizes, accent_hex: str, kind: Type = VERA_TYPE) -> Styles:
    """All the styles for a size, a clinic's accent colour and a type, built once and reused."""
    accent = colors.HexColor(accent_hex)
    text = _text_styles(sizes, kind)
    return dataclasses.replace(
        text,
        title=ParagraphStyle(
            "title",
            parent=text.body,
            fontName=kind.bold,
            fontSize=sizes.title,
            leading=sizes.title * 1.2,
            textColor=accent,
            spaceAfter=sizes.gap * 1.5,
        ),
        heading=ParagraphStyle(
            "heading",
            parent=text.body,
            fontName=kind.bold,
            fontSize=sizes.heading,
            leading=sizes.heading * 1.25,
            textColor=accent,
            spaceBefore=sizes.gap * 1.3,
            spaceAfter=sizes.gap * 0.6,
            keepWithNext=True,
        ),
        box_title=ParagraphStyle(
            "box_title",
            parent=text.body,
            fontName=kind.bold,
            fontSize=sizes.heading,
            leading=sizes.heading * 1.25,
            textColor=accent,
            spaceAfter=sizes.gap * 0.6,
        ),
    )
