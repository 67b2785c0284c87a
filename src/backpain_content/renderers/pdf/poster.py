"""The poster for the waiting-room wall: one portrait page, tabloid (11 x 17 in) or A3,
read from across the room and scanned with a phone.

    +------------------------------+
    | logo  the clinic's name      |
    | THE GUIDE'S TITLE (>= 60 pt) |
    | - three to five key points   |
    |   from the summaries (28 pt) |
    |------------------------------|
    | [QR]  Scan to read the guide |
    | where the guide comes from;  |
    | general information          |
    +------------------------------+

The QR code goes to the guide online (the clinic's `guide_url`), else to its booking page
or website; a clinic with no link gets a line saying where to ask for the guide instead.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import A3, TABLOID
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, FrameBreak, PageTemplate, Spacer

from ...errors import ContentError
from ...model import Article, Clinic
from ...options import HandoutOptions, Paper
from .layout import Layout
from .logo import logo_figure, read_logo
from .page import source_and_note
from .sheet import Part, Printed, frame, hanging, print_sheet
from .story import beside, first_sentence, notice, qr_code
from .styles import Sizes
from .tagging import Section, StructNode, Tagger

__all__ = ["MIN_POINT", "MIN_TITLE", "POSTER_PAPER", "build_poster"]

POSTER_PAPER: dict[Paper, tuple[float, float]] = {"letter": TABLOID, "a4": A3}
"""The poster's sheet for each paper: the larger sheet of the same family."""
MIN_TITLE = 60.0
"""The smallest title the poster prints, in points: read from across a room."""
MIN_POINT = 28.0
"""The key points' size, in points."""
QR_WIDTH = 2.0 * inch
"""The QR code's width, without its quiet zone: a phone reads it from a chair."""
_MARGIN = 0.5 * inch
_TITLES = (66.0, MIN_TITLE)
_SECTIONS = ("causes", "sessions", "lifestyle", "safety")
_PRIORITY = ("summary", "sessions", "safety", "causes", "lifestyle")
"""The key points kept when not all five fit (of those the guide has): what the treatment
is, how many sessions it takes, that it has risks, then whom it helps and what to do at
home."""


def _sizes(title: float) -> Sizes:
    return Sizes(
        body=MIN_POINT,
        leading=MIN_POINT * 1.2,
        title=title,
        heading=MIN_POINT,
        footer=14,
        margin=_MARGIN,
        gap=8,
    )


def _points(article: Article, count: int) -> list[tuple[str, str]]:
    """The first sentence of `count` summaries (field, text), in the guide's order."""
    kept = set(_PRIORITY[:count])
    found = [("summary", article.summary)] if "summary" in kept else []
    found += [
        (f"{name}.summary", part.summary)
        for name in _SECTIONS
        if name in kept and (part := getattr(article, name)) is not None
    ]
    return [(field, first_sentence(text)) for field, text in found]


def _top(layout: Layout, count: int, logo: ImageReader | None) -> list[Flowable]:
    """The clinic's logo and name, the title, and the key points."""
    article, clinic, text, styles, sizes = (
        layout.article,
        layout.clinic,
        layout.text,
        layout.styles,
        layout.sizes,
    )
    name = text.bold("clinic.name", clinic.name, styles.body)
    parts: list[Flowable] = []
    if logo is None:
        parts.append(name)
    else:
        figure = logo_figure(layout, logo, 1.2 * inch, 3 * inch)
        parts.append(beside(layout, figure, figure.width + sizes.gap * 3, [name]))
    parts += [
        Spacer(1, sizes.gap * 2),
        text.para("title", article.title, styles.title, "H1"),
        # Read up close, as the source line is: at the footer's size, the title's room kept.
        notice(layout, styles.footer),
    ]
    point = ParagraphStyle("point", parent=styles.bullet, spaceAfter=sizes.gap * 2)
    listed = StructNode("L")
    parts += [
        text.bullet(text.check(field, said), point, listed)
        for field, said in _points(article, count)
    ]
    return parts


def _bottom(layout: Layout) -> list[Flowable]:
    """The QR code and what it is for (or where to ask for the guide), where the guide
    comes from, and that it is general information."""
    text, styles, sizes, labels = layout.text, layout.styles, layout.sizes, layout.labels
    code = qr_code(layout, size=QR_WIDTH, guide_first=True)
    if code is None:
        found: Flowable = text.bold("labels.ask_for_guide", labels.ask_for_guide, styles.body)
    else:
        (figure, caption), width = code
        found = beside(layout, figure, width, [caption])
    pointer = text.bold("labels.safety_pointer", labels.safety_pointer, styles.footer)
    return [
        pointer,
        Spacer(1, sizes.gap * 2),
        found,
        Spacer(1, sizes.gap * 2),
        *source_and_note(layout),
    ]


def _height(flowables: list[Flowable], width: float) -> float:
    """How tall `flowables` are, one under the other, `width` wide."""
    total = 0.0
    for flowable in flowables:
        _, height = flowable.wrap(width, 1e6)
        total += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def _attempt(
    article: Article,
    clinic: Clinic | None,
    paper: Paper,
    title: float,
    count: int,
    trying: bool,
    logo: ImageReader | None,
) -> Printed:
    width, height = POSTER_PAPER[paper]
    sizes = _sizes(title)
    inner = width - 2 * _MARGIN - hanging(article, sizes)
    layout = Layout.make(
        article,
        clinic,
        HandoutOptions(paper=paper),
        sizes=sizes,
        page=(width, height),
        column=inner,
    )
    tagger = Tagger(title=article.title, lang=article.language)
    top, bottom = StructNode("Sect", parent=tagger.root), StructNode("Sect", parent=tagger.root)
    top_parts, bottom_parts = _top(layout, count, logo), _bottom(layout)
    # The bottom part as tall as it is, against the foot of the page; the top, the rest.
    below = _height(bottom_parts, layout.width) + 1
    frames = [
        frame("top", _MARGIN, _MARGIN + below, inner, height - 2 * _MARGIN - below),
        frame("bottom", _MARGIN, _MARGIN, inner, below),
    ]
    overflow = frame("overflow", 0, 0, width, height * 50)
    templates = [
        PageTemplate(id="poster", frames=frames, autoNextPageTemplate="overflow"),
        PageTemplate(id="overflow", frames=[overflow], pagesize=(width, height * 50)),
    ]
    story: list[Flowable] = [
        Section(top),
        *top_parts,
        Section(None),
        FrameBreak(),
        Section(bottom),
        *bottom_parts,
        Section(None),
    ]
    parts = {
        top: Part("title and key points", frozenset({"top"})),
        bottom: Part("QR code and source lines", frozenset({"bottom"})),
    }
    return print_sheet(layout, templates, story, tagger, parts, stop_early=trying)


def build_poster(article: Article, clinic: Clinic | None, paper: Paper) -> Printed:
    """The poster of `article` for `clinic` on `paper`'s larger sheet: as many key points
    as fit, five to three, with the title at 66 pt or else 60. A guide whose title and
    three points do not fit is an error saying by how much: text is never made smaller."""
    logo = read_logo(clinic) if clinic else None  # read once for every attempt
    for count in range(len(_PRIORITY), 2, -1):
        for title in _TITLES:
            tried = _attempt(article, clinic, paper, title, count, trying=True, logo=logo)
            if not tried.overflowing:
                return tried
    last = _attempt(article, clinic, paper, MIN_TITLE, 3, trying=False, logo=logo)
    raise ContentError(
        None,
        None,
        f"the poster does not fit: its {last.overflowing or 'title and key points'} need "
        f"{last.over / inch:.1f} in more than the page has, with the title at {MIN_TITLE:g} "
        f"pt and three key points at {MIN_POINT:g} pt",
    )
