"""The tri-fold brochure for the rack by the door: one sheet, landscape, printed on both
sides (flip on the short edge) and folded in three as a letter (roll) fold.

    outside (page 1)                      inside (page 2)
    +----------+----------+----------+    +----------+----------+----------+
    | flap     | back     | cover    |    | inside 1 | inside 2 | inside 3 |
    | (seen on | (clinic, | (title,  |    | (reading | order,   | across)  |
    | opening) | QR code) | clinic)  |    |          |          |          |
    +----------+----------+----------+    +----------+----------+----------+

The cover is the outside's right panel; the back, its middle; the flap, which folds in
and is seen first on opening, its left. The flap's panel (and the inside panel behind it)
is a little narrower, so that it folds in without buckling. Text keeps a margin from the
sheet's edges and from each fold, and no text crosses a fold.

Read, and tagged, in this order: the cover, the flap, the inside, the back. A right-to-left
guide's brochure is the mirror image: its reader holds the folded leaflet the other way
round, so the cover is the outside's left panel, the flap its right one (the narrower
panel, and the inside one behind it, are on the other side too), and the inside runs from
its right-hand panel.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Frame, FrameBreak, NextPageTemplate, PageTemplate, Spacer

from ...errors import ContentError
from ...model import SECTION_NAMES, Article, Clinic, SectionName
from ...options import HandoutOptions, Paper
from ..shared import clinic_phrase, direction
from .layout import Layout
from .logo import logo_figure, read_logo
from .page import source_and_note
from .sheet import Part, Printed, frame, hanging, print_sheet
from .story import (
    PRINTED_SAFETY,
    contact_details,
    first_sentence,
    notice,
    printed_citations,
    qr_code,
    section,
    section_heading,
    sources,
    voice_note,
)
from .styles import PAPER, Sizes
from .tagging import Section, StructNode, Tagger

__all__ = ["MARGIN", "MIN_BODY", "build_brochure", "panels"]

MARGIN = 0.3 * inch
"""Space kept clear from the sheet's edges and from each fold: office printers cannot
print the outer quarter inch, and a fold is never quite where it is meant to be."""
TUCK = 0.1 * inch
"""How much narrower the flap (and the inside panel behind it) is than the others."""
MIN_BODY = 11.0
"""The smallest text the brochure prints, in points."""
_SIZES = (
    Sizes(body=12, leading=14.6, title=24, heading=14, footer=12, margin=MARGIN, gap=3.5),
    Sizes(body=11, leading=13.4, title=22, heading=13, footer=11, margin=MARGIN, gap=3),
)
"""Text sizes tried in turn: 12 pt where everything fits, 11 pt where it does not."""

_OPTIONAL: dict[SectionName, str] = {"therapies": "inside", "mechanisms": "flap"}
"""Sections the brochure can do without, in the order they are left out, and the part of
the brochure each is in: one is left out only when its part is the one that does not fit."""


@dataclass(frozen=True)
class Panels:
    """Where each panel is across a sheet, as (left, width), in points."""

    outside: tuple[tuple[float, float], tuple[float, float], tuple[float, float]]
    """The outside's panels, left to right: the flap, the back and the cover; the cover,
    the back and the flap for a right-to-left guide."""
    inside: tuple[tuple[float, float], tuple[float, float], tuple[float, float]]
    """The inside panels, left to right."""
    width: float
    height: float
    rtl: bool = False
    """Mirrored: the leaflet of a right-to-left guide opens from the other side."""

    @property
    def cover(self) -> tuple[float, float]:
        """The cover: the outside's right panel (its left one, mirrored)."""
        return self.outside[0 if self.rtl else 2]

    @property
    def back(self) -> tuple[float, float]:
        """The back: the outside's middle panel."""
        return self.outside[1]

    @property
    def flap(self) -> tuple[float, float]:
        """The flap, which folds in and is seen first on opening: the outside's left
        panel (its right one, mirrored), a little narrower than the others."""
        return self.outside[2 if self.rtl else 0]

    @property
    def reading(self) -> tuple[tuple[float, float], ...]:
        """The inside panels in reading order: from the left, or from the right."""
        return self.inside[::-1] if self.rtl else self.inside

    @property
    def folds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """Where the sheet folds, from its left edge, on the outside and the inside."""
        (_, first), (_, second), _ = self.outside
        (_, left), (_, middle), _ = self.inside
        return (first, first + second), (left, left + middle)


def panels(paper: Paper, rtl: bool = False) -> Panels:
    """The panels of a brochure on `paper` (landscape); mirrored for a right-to-left
    guide, whose reader holds the folded leaflet the other way round."""
    width, height = landscape(PAPER[paper])
    panel = (width + TUCK) / 3
    flap = panel - TUCK
    outside = ((0.0, flap), (flap, panel), (flap + panel, panel))
    inside = ((0.0, panel), (panel, panel), (2 * panel, flap))
    if rtl:  # each panel where its mirror image is, and so in the other order
        outside = _mirrored(outside, width)
        inside = _mirrored(inside, width)
    return Panels(outside=outside, inside=inside, width=width, height=height, rtl=rtl)


_Three = tuple[tuple[float, float], tuple[float, float], tuple[float, float]]


def _mirrored(three: _Three, width: float) -> _Three:
    first, second, third = ((width - left - size, size) for left, size in reversed(three))
    return first, second, third


def _panel(name: str, left: float, width: float, height: float, hang: float) -> Frame:
    """The frame of a panel's text: `MARGIN` inside its edges and folds, and `hang`
    more on the right, where a line may hang past its frame (see `hanging`)."""
    return frame(name, left + MARGIN, MARGIN, width - 2 * MARGIN - hang, height - 2 * MARGIN)


def _cover(layout: Layout, logo: ImageReader | None) -> list[Flowable]:
    """The title, what the treatment is in a sentence, and the clinic (its logo too)."""
    article, clinic, text, styles = layout.article, layout.clinic, layout.text, layout.styles
    parts: list[Flowable] = []
    if logo is not None:
        parts += [logo_figure(layout, logo, 1.4 * inch, layout.width / 2)]
        parts += [Spacer(1, layout.sizes.gap * 4)]
    parts += [
        text.para("title", article.title, styles.title, "H1"),
        notice(layout),
        text.para("summary", first_sentence(article.summary), styles.heading, "P"),
        Spacer(1, layout.sizes.gap * 6),
        text.bold("clinic.name", clinic_phrase(clinic, layout.labels), styles.body),
    ]
    return parts


def _back(layout: Layout) -> list[Flowable]:
    """How to reach the clinic and its QR code; where the guide comes from, and that it
    is general information."""
    closing = layout.article.closing
    parts = section_heading(layout, "closing", closing.short_heading, closing.summary)
    parts += contact_details(layout)
    code = qr_code(layout, size=0.9 * inch)
    if code:
        parts += [Spacer(1, layout.sizes.gap * 2), *code[0]]
    parts += [Spacer(1, layout.sizes.gap * 3), *source_and_note(layout)]
    return parts


def _attempt(
    article: Article,
    clinic: Clinic | None,
    paper: Paper,
    sizes: Sizes,
    left_out: frozenset[SectionName],
    trying: bool,
    logo: ImageReader | None,
) -> Printed:
    # A section the guide does not have is left out like one that did not fit.
    left_out |= {name for name in SECTION_NAMES if getattr(article, name) is None}
    sheet = panels(paper, rtl=direction(article.language) == "rtl")
    hang = hanging(article, sizes)
    column = sheet.flap[1] - 2 * MARGIN - hang  # the narrowest panel's text
    layout = Layout.make(
        article,
        clinic,
        HandoutOptions(paper=paper),
        sizes=sizes,
        page=(sheet.width, sheet.height),
        column=column,
    )
    tagger = Tagger(title=article.title, lang=article.language)
    cover, flap, inside, back = (StructNode("Sect", parent=tagger.root) for _ in range(4))
    flap_parts: list[Flowable] = voice_note(layout, independent=False)
    flap_names: tuple[SectionName, ...] = ("mechanisms", "causes", "sessions")
    inside_names: tuple[SectionName, ...] = ("lifestyle", "therapies", "safety")
    for name in flap_names:
        if name not in left_out:
            flap_parts += section(layout, name)
    inside_parts: list[Flowable] = []
    for name in inside_names:
        # The guide's own part says so, on the panel with its heading.
        lead = voice_note(layout, independent=True) if name == "safety" else []
        if name not in left_out:
            inside_parts += section(layout, name, lead)
    # The sources of the safety part's numbers, under it (the back has the clinic's details).
    cited = printed_citations(layout, [f"safety.{kind}" for kind in PRINTED_SAFETY])
    inside_parts.append(sources(layout, cited))
    cover_parts, back_parts = _cover(layout, logo), _back(layout)
    outside_frames = [
        _panel("cover", *sheet.cover, sheet.height, hang),
        _panel("flap", *sheet.flap, sheet.height, hang),
        _panel("back", *sheet.back, sheet.height, hang),
    ]
    # In reading order: a right-to-left guide's inside from its right-hand panel.
    inside_frames = [
        _panel(f"inside-{n}", left, width, sheet.height, hang)
        for n, (left, width) in enumerate(sheet.reading, start=1)
    ]
    overflow = frame("overflow", 0, 0, sheet.width, sheet.height * 50)
    templates = [
        PageTemplate(id="outside", frames=outside_frames, autoNextPageTemplate="inside"),
        PageTemplate(id="inside", frames=inside_frames, autoNextPageTemplate="overflow"),
        PageTemplate(id="overflow", frames=[overflow], pagesize=(sheet.width, sheet.height * 50)),
    ]
    # Printed in the frames' order (cover, flap, back, then the inside); read in the
    # order the parts are declared (cover, flap, inside, back).
    story: list[Flowable] = [
        Section(cover),
        *cover_parts,
        Section(None),
        FrameBreak(),
        Section(flap),
        *flap_parts,
        Section(None),
        FrameBreak(),
        Section(back),
        *back_parts,
        Section(None),
        NextPageTemplate("inside"),
        FrameBreak(),
        Section(inside),
        *inside_parts,
        Section(None),
    ]
    parts = {
        cover: Part("cover", frozenset({"cover"})),
        flap: Part("flap", frozenset({"flap"})),
        back: Part("back", frozenset({"back"})),
        inside: Part("inside", frozenset(str(frame.id) for frame in inside_frames)),
    }
    return print_sheet(layout, templates, story, tagger, parts, stop_early=trying)


def build_brochure(article: Article, clinic: Clinic | None, paper: Paper) -> Printed:
    """The brochure of `article` for `clinic` on `paper`: at 12 pt with everything it can
    hold; then without what it can do without (the list of other treatments, then of what
    the treatment does, each only when its part is the one too full), then the same at
    11 pt. Sections the guide does not have are left out from the start.
    A guide that does not fit even so is an error saying by how much: the safety part is
    never left out, nor text made smaller."""
    logo = read_logo(clinic) if clinic else None  # read once for every attempt
    for sizes in _SIZES:
        left_out: frozenset[SectionName] = frozenset()
        while True:
            tried = _attempt(article, clinic, paper, sizes, left_out, trying=True, logo=logo)
            if not tried.overflowing:
                return tried
            more = [
                name
                for name, part in _OPTIONAL.items()
                if name not in left_out and part == tried.overflowing
            ]
            if not more:
                break
            left_out |= {more[0]}
    # Made again to the end, to measure by how much it is over.
    last = _attempt(article, clinic, paper, _SIZES[-1], left_out, trying=False, logo=logo)
    raise ContentError(
        None,
        None,
        f"the brochure does not fit: its {last.overflowing or 'inside'} needs "
        f"{last.over / inch:.1f} in more than its panels have, at {MIN_BODY:g} pt with only "
        "what it must hold (the summaries, the sessions, the home tips and the safety part)",
    )
