"""Laying out the patient handout with ReportLab's platypus.

Every string reaches `Paragraph` escaped: its mini-markup would otherwise read local
files (`<img src>`) and make `javascript:` links.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import html
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from ..errors import ContentError
from ..labels import Labels, labels_for
from ..model import Article, Clinic, default_clinic
from ._dates import source_date
from ._fonts import vera
from .html import clinic_phrase, contact_lines
from .pdf import HandoutOptions

__all__ = ["build_handout"]


def escape(text: str) -> str:
    """`&`, `<` and `>` as entities, as xml.sax.saxutils.escape does; importing that
    would load urllib, http.client and ssl, about 14 ms of the handout's cold start."""
    return html.escape(text, quote=False)


FONT = "BPC-Sans"
FONT_BOLD = "BPC-Sans-Bold"
_PAPER = {"letter": LETTER, "a4": A4}
_TEXT = colors.HexColor("#1a1a1a")
_MUTED = colors.HexColor("#3d3d3d")


@functools.cache
def _register_fonts() -> frozenset[int]:
    """Register ReportLab's own Bitstream Vera, a TrueType font and so embedded.

    Returns the characters it can draw.
    """
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


@dataclass(frozen=True)
class _Sizes:
    body: float
    leading: float
    title: float
    heading: float
    footer: float
    margin: float
    gap: float


_STANDARD = _Sizes(body=12, leading=15, title=19, heading=14, footer=8.5, margin=0.5 * inch, gap=4)
_LARGE = _Sizes(body=18, leading=24, title=28, heading=22, footer=12, margin=0.6 * inch, gap=9)


@dataclass(frozen=True)
class _Styles:
    body: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    item: ParagraphStyle
    check: ParagraphStyle
    caption: ParagraphStyle
    footer: ParagraphStyle
    range: ParagraphStyle


@functools.lru_cache(maxsize=4)
def _text_styles(sizes: _Sizes) -> _Styles:
    """The styles that do not use the accent colour: one set per size, shared by every
    clinic, so their parsed paragraphs are shared too (see `_parsed`)."""
    body = ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=sizes.body,
        leading=sizes.leading,
        textColor=_TEXT,
        alignment=TA_LEFT,
        spaceAfter=sizes.gap,
        splitLongWords=True,
        # ReportLab's defaults (Helvetica, 10 pt) would add an unembedded font.
        bulletFontName=FONT,
        bulletFontSize=sizes.body,
    )
    return _Styles(
        body=body,
        title=body,
        heading=body,
        item=ParagraphStyle("item", parent=body, leftIndent=sizes.body, spaceAfter=sizes.gap * 0.6),
        check=ParagraphStyle(
            "check",
            parent=body,
            leftIndent=sizes.body * 1.9,
            bulletIndent=0,
            spaceAfter=sizes.gap * 0.6,
        ),
        caption=ParagraphStyle("caption", parent=body, fontSize=sizes.body, spaceAfter=0),
        range=ParagraphStyle("range", parent=body, fontName=FONT_BOLD, spaceAfter=0),
        footer=ParagraphStyle(
            "footer",
            parent=body,
            fontSize=sizes.footer,
            leading=sizes.footer * 1.25,
            textColor=_MUTED,
            spaceAfter=0,
        ),
    )


@functools.lru_cache(maxsize=64)
def _styles(sizes: _Sizes, accent_hex: str) -> _Styles:
    """All the styles for a size and a clinic's accent colour, built once and reused."""
    accent = colors.HexColor(accent_hex)
    text = _text_styles(sizes)
    return dataclasses.replace(
        text,
        title=ParagraphStyle(
            "title",
            parent=text.body,
            fontName=FONT_BOLD,
            fontSize=sizes.title,
            leading=sizes.title * 1.2,
            textColor=accent,
            spaceAfter=sizes.gap * 1.5,
        ),
        heading=ParagraphStyle(
            "heading",
            parent=text.body,
            fontName=FONT_BOLD,
            fontSize=sizes.heading,
            leading=sizes.heading * 1.25,
            textColor=accent,
            spaceBefore=sizes.gap * 1.3,
            spaceAfter=sizes.gap * 0.6,
            keepWithNext=True,
        ),
    )


@functools.lru_cache(maxsize=4096)
def _parsed(markup: str, style: ParagraphStyle) -> list[Any]:
    """Parsed paragraph markup. The same text in the same style always parses the same,
    and parsing is a tenth of a render, so each is parsed once; layout never changes it."""
    return list(Paragraph(markup, style).frags)


class _Paragraph(Paragraph):
    """A paragraph whose layout at a width is computed once and reused.

    Line breaking is a third of a render; keeping a heading with what follows wraps each
    paragraph twice, and every handout of the same article breaks the same text at the
    same widths. Layouts are only read after they are made (no hyphenation is used, the
    one case where ReportLab changes a layout when splitting it), so they can be shared.
    """

    _markup: str | None = None
    _wrapped_width: float | None = None
    _wrapped: tuple[float, float] = (0, 0)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        # split() drops blPara (the layout) when the paragraph must move on: lay out again.
        if available_width == self._wrapped_width and "blPara" in self.__dict__:
            return self._wrapped
        if self._markup is None:
            self._wrapped = super().wrap(available_width, available_height)
        else:
            layout = _layout(self._markup, self.style, available_width)
            self.blPara, self.frags, self._wrapWidths, self.width, self.height = layout
            self._wrapped = (self.width, self.height)
        self._wrapped_width = available_width
        return self._wrapped


@functools.lru_cache(maxsize=4096)
def _layout(
    markup: str, style: ParagraphStyle, width: float
) -> tuple[Any, list[Any], list[float], float, float]:
    """A paragraph's line breaks at a width: its layout, words, line widths and size."""
    paragraph = Paragraph(markup, style, frags=_parsed(markup, style))
    paragraph.wrap(width, 1e9)
    return (
        paragraph.blPara,  # type: ignore[attr-defined]
        paragraph.frags,
        paragraph._wrapWidths,  # type: ignore[attr-defined]
        paragraph.width,
        paragraph.height,
    )


def _paragraph(markup: str, style: ParagraphStyle, **kwargs: Any) -> Paragraph:
    paragraph = _Paragraph(markup, style, frags=_parsed(markup, style), **kwargs)
    paragraph._markup = markup
    return paragraph


class _Text:
    """Builds paragraphs from plain text, escaping it and checking the font can draw it."""

    def __init__(self, charset: frozenset[int]) -> None:
        self._charset = charset

    def check(self, field: str, text: str) -> str:
        missing = sorted(c for c in set(text) if ord(c) not in self._charset and not c.isspace())
        if missing:
            shown = " ".join(f"U+{ord(c):04X}" for c in missing[:8])
            more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
            raise ContentError(
                None, field, f"has characters the handout font cannot print: {shown}{more}"
            )
        return escape(text)

    def para(self, field: str, text: str, style: ParagraphStyle, **kwargs: Any) -> Paragraph:
        return _paragraph(self.check(field, text), style, **kwargs)

    def titled(self, field: str, title: str, summary: str) -> str:
        """Markup of an item: its title in bold, then its summary."""
        bold = self.check(f"{field}.title", title)
        return f"<b>{bold}</b> {self.check(f'{field}.summary', summary)}"


class _OutlineMark(Flowable):
    """An invisible mark where a section starts: an entry in the PDF's outline (bookmarks)."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.outline_title = title

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class _CheckItem(_Paragraph):
    """A paragraph with an empty box before it, to tick by pen."""

    def draw(self) -> None:
        super().draw()
        # split() gives the continuation no bullet text: only the first part gets a box.
        if self.bulletText:
            size = self.style.fontSize * 0.8
            baseline = self.height - self.style.fontSize * 0.93
            self.canv.setStrokeColor(_TEXT)
            self.canv.setLineWidth(1)
            self.canv.rect(self.style.bulletIndent, baseline - size * 0.1, size, size, fill=0)


class _SessionMarkers(Flowable):
    """A row of numbered circles, the typical range filled: the typical number of sessions.

    The numbers are `size` points, the body text's size, when the row has room.
    """

    def __init__(self, low: int, high: int, size: float, accent: colors.Color) -> None:
        super().__init__()
        self.low, self.high, self.size, self.accent = low, high, size, accent

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.step = min(self.size * 2.4, available_width / max(self.high, 1))
        return self.step * self.high, self.size * 2.4

    def draw(self) -> None:
        radius = min(self.size, self.step / 2.4)
        for number in range(1, self.high + 1):
            x = self.step * (number - 0.5)
            y = self.size * 1.2
            in_range = number >= self.low
            self.canv.setStrokeColor(self.accent)
            self.canv.setFillColor(self.accent if in_range else colors.white)
            self.canv.setLineWidth(1.5)
            self.canv.circle(x, y, radius, stroke=1, fill=1)
            self.canv.setFillColor(colors.white if in_range else self.accent)
            self.canv.setFont(FONT_BOLD, radius)
            self.canv.drawCentredString(x, y - radius * 0.35, str(number))


class _QrCode(Flowable):
    """A QR code drawn as one filled path, with the standard four-module quiet zone."""

    QUIET = 4

    def __init__(self, url: str, size: float) -> None:
        super().__init__()
        from ._qr import qr_modules

        self.count, self.runs = qr_modules(url)
        self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        unit = self.size / (self.count + 2 * self.QUIET)
        path = self.canv.beginPath()
        for row, column, length in self.runs:
            top = self.size - (self.QUIET + row) * unit
            path.rect((self.QUIET + column) * unit, top - unit, length * unit, unit)
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)


def _logo(clinic: Clinic) -> ImageReader | None:
    """The clinic's logo, read once; a missing or broken file is a clear error."""
    if clinic.logo is None:
        return None
    try:
        data = clinic.logo.read_bytes()
    except OSError as exc:
        raise ContentError(clinic.logo, "logo", f"cannot be read ({exc.strerror or exc})") from None
    if not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        raise ContentError(clinic.logo, "logo", "is not a PNG or JPEG image")
    try:
        reader = ImageReader(io.BytesIO(data))
        reader.getSize()
        # Decode it all now: a truncated file would otherwise fail in the middle of layout.
        reader.getRGBData()  # type: ignore[no-untyped-call]
    except Exception:
        raise ContentError(clinic.logo, "logo", "is a damaged or unsupported image") from None
    return reader


def _canvas_maker(
    draw_page: Callable[[Canvas, int, int], None], epoch: int, bookmarks: dict[int, list[str]]
) -> Callable[..., Canvas]:
    """A canvas that draws header and footer once the page count is known ("page 1 of 2").

    It writes its pages only at the end, so it also makes the bookmarks then: `bookmarks`
    maps a page number to the keys of the bookmarks on that page.
    """

    class _HandoutCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # ReportLab's invariant mode fixes the date at 2000-01-01; use ours instead.
            stamp = self._doc._timeStamp  # type: ignore[attr-defined]
            stamp.t = epoch
            stamp.lt = datetime.datetime.fromtimestamp(epoch, datetime.UTC).timetuple()
            stamp.YMDhms = tuple(stamp.lt)[:6]
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                draw_page(self, number, total)
                for key in bookmarks.get(number, ()):
                    self.bookmarkPage(key)
                super().showPage()
            super().save()

    return _HandoutCanvas


class _HandoutDoc(BaseDocTemplate):
    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _OutlineMark):
            key = f"s{len(self._outline_keys)}"
            self._outline_keys.append(key)
            # Not `canv.bookmarkPage(key)`: the canvas holds its pages back until the end,
            # and a bookmark made now would point at the first page.
            self._bookmarks.setdefault(self.page, []).append(key)
            self.canv.addOutlineEntry(flowable.outline_title, key, level=0, closed=False)

    _outline_keys: list[str]
    _bookmarks: dict[int, list[str]]


def _section(
    text: _Text,
    styles: _Styles,
    field: str,
    heading: str,
    intro: str | None,
    body: Sequence[Flowable],
) -> list[Flowable]:
    parts = [_OutlineMark(heading), *_heading(text, styles, field, heading, intro)]
    return [KeepTogether(parts + list(body[:1])), *body[1:]]


def _heading(
    text: _Text, styles: _Styles, field: str, heading: str, intro: str | None
) -> list[Flowable]:
    parts: list[Flowable] = [text.para(f"{field}.short_heading", heading, styles.heading)]
    if intro:
        parts.append(text.para(f"{field}.summary", intro, styles.body))
    return parts


def _items(
    text: _Text, styles: _Styles, field: str, items: Iterable[Any], check: bool
) -> list[Flowable]:
    flowables: list[Flowable] = []
    for index, item in enumerate(items):
        path = f"{field}.items[{index}]"
        markup = text.titled(path, item.title, item.summary)
        if check:
            frags = _parsed(markup, styles.check)
            check_item = _CheckItem(markup, styles.check, bulletText=" ", frags=frags)
            check_item._markup = markup
            flowables.append(check_item)
        else:
            flowables.append(_paragraph(markup, styles.item))
    return flowables


def _plan_box(
    labels: Labels, text: _Text, styles: _Styles, sizes: _Sizes, width: float, accent: colors.Color
) -> list[Flowable]:
    rows: list[list[Any]] = [
        [text.para("labels.plan_sessions", labels.plan_sessions, styles.body), ""],
        [text.para("labels.plan_next", labels.plan_next, styles.body), ""],
        [text.para("labels.plan_exercises", labels.plan_exercises, styles.body), ""],
        ["", ""],
    ]
    inner = width - 2 * sizes.gap
    label_width = max(
        pdfmetrics.stringWidth(label, FONT, sizes.body)
        for label in (labels.plan_sessions, labels.plan_next, labels.plan_exercises)
    )
    # The table's cells are padded 6 pt on each side.
    label_width = min(label_width + 12 + sizes.gap, inner * 0.6)
    table = Table(
        rows,
        colWidths=[label_width, inner - label_width],
        rowHeights=[sizes.leading * 1.9] * len(rows),
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, -1), 0.75, _TEXT),
                ("LINEBELOW", (0, -1), (0, -1), 0.75, _TEXT),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    heading = text.para("labels.my_plan", labels.my_plan, styles.heading)
    box = Table([[table]], colWidths=[width])
    box.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT),
                ("BOX", (0, 0), (-1, -1), 1.5, accent),
                ("LEFTPADDING", (0, 0), (-1, -1), sizes.gap),
                ("RIGHTPADDING", (0, 0), (-1, -1), sizes.gap),
                ("BOTTOMPADDING", (0, 0), (-1, -1), sizes.gap * 1.5),
            ]
        )
    )
    return [heading, box]


_TIGHT = TableStyle(
    [
        # A table sets its cells' font, Helvetica unless told: an unembedded font in the PDF.
        ("FONT", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]
)


def _contact_block(
    clinic: Clinic, labels: Labels, text: _Text, styles: _Styles, sizes: _Sizes, width: float
) -> list[Flowable]:
    lines: list[Flowable] = [
        _paragraph(f"<b>{text.check('clinic.name', clinic.name)}</b>", styles.body)
    ]
    if clinic.location:
        lines.append(text.para("clinic.location", clinic.location, styles.body))
    for line in contact_lines(clinic, labels):
        shown = text.check(line.field, line.text)
        href = escape(line.href).replace('"', "&quot;")
        label = (
            f"{text.check('labels', line.label)}{escape(labels.term_separator)} "
            if line.label
            else ""
        )
        lines.append(_paragraph(f'{label}<a href="{href}" underline="1">{shown}</a>', styles.body))
    if clinic.link is None:
        return lines
    from ._qr import MAX_VERSION, qr_version

    if qr_version(clinic.link) > MAX_VERSION:
        # A denser code would print too fine for a phone to read, or not fit at all.
        field = "clinic.booking_url" if clinic.booking_url else "clinic.website"
        raise ContentError(
            None,
            field,
            f"is too long to print as a QR code a phone can read ({len(clinic.link)} "
            "characters; at most about 210)",
        )
    size = (1.6 if sizes.body > 12 else 1.0) * inch
    caption = labels.scan_to_book if clinic.booking_url else labels.scan_to_visit
    qr = [_QrCode(clinic.link, size), text.para("labels.scan", caption, styles.caption)]
    table = Table([[qr, lines]], colWidths=[size + sizes.gap * 3, width - size - sizes.gap * 3])
    table.setStyle(_TIGHT)
    return [table]


def _session_row(
    article: Article,
    labels: Labels,
    text: _Text,
    styles: _Styles,
    sizes: _Sizes,
    width: float,
    accent: colors.Color,
) -> Flowable:
    """The typical range drawn as session markers, with the range in words beside them."""
    sessions = article.sessions
    markers = _SessionMarkers(sessions.typical_min, sessions.typical_max, sizes.body, accent)
    marker_width = min(sizes.body * 2.4 * sessions.typical_max, width / 2)
    words = labels.sessions_range.format(min=sessions.typical_min, max=sessions.typical_max)
    row = Table(
        [[markers, text.para("labels.sessions_range", words, styles.range)]],
        colWidths=[marker_width + sizes.gap * 3, width - marker_width - sizes.gap * 3],
    )
    row.setStyle(TableStyle([*_TIGHT.getCommands(), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return row


def _closing(
    article: Article,
    clinic: Clinic,
    labels: Labels,
    text: _Text,
    styles: _Styles,
    sizes: _Sizes,
    width: float,
    accent: colors.Color,
    stacked: bool,
    frame_height: float,
) -> list[Flowable]:
    """The "My plan" box and the clinic's details: side by side, or one above the other."""
    closing = article.closing
    if not stacked:
        row = _side_by_side(article, clinic, labels, text, styles, sizes, width, accent)
        # A row cannot break across pages: a clinic with very long details gets the stack.
        if row.wrap(width, frame_height)[1] <= frame_height * 0.9:
            # Together, so the bookmarks land on the row's page even when it moves on.
            marks = [_OutlineMark(labels.my_plan), _OutlineMark(closing.short_heading)]
            return [KeepTogether([*marks, row])]
    plan = _plan_box(labels, text, styles, sizes, width, accent)
    contact = _contact_block(clinic, labels, text, styles, sizes, width)
    return [
        KeepTogether([_OutlineMark(labels.my_plan), *plan]),
        *_section(text, styles, "closing", closing.short_heading, None, contact),
    ]


def _side_by_side(
    article: Article,
    clinic: Clinic,
    labels: Labels,
    text: _Text,
    styles: _Styles,
    sizes: _Sizes,
    width: float,
    accent: colors.Color,
) -> Table:
    """The plan box and the contact details side by side, which saves a third of a page."""
    closing = article.closing
    plan_width = (width - sizes.gap * 4) * 0.45
    contact_width = width - sizes.gap * 4 - plan_width
    plan = _plan_box(labels, text, styles, sizes, plan_width, accent)
    contact = [
        *_heading(text, styles, "closing", closing.short_heading, None),
        *_contact_block(clinic, labels, text, styles, sizes, contact_width),
    ]
    row = Table([[plan, contact]], colWidths=[plan_width + sizes.gap * 4, contact_width])
    row.setStyle(
        TableStyle([*_TIGHT.getCommands(), ("RIGHTPADDING", (0, 0), (0, 0), sizes.gap * 4)])
    )
    return row


def build_handout(article: Article, clinic: Clinic | None, options: HandoutOptions) -> bytes:
    """Lay out and write the handout; see `render_pdf`."""
    clinic = clinic or default_clinic(article)
    labels = labels_for(article.language)
    text = _Text(_register_fonts())
    sizes = _LARGE if options.large_print else _STANDARD
    accent = colors.HexColor(clinic.accent_colour)
    styles = _styles(sizes, clinic.accent_colour)
    page_width, page_height = _PAPER[options.paper]
    width = page_width - 2 * sizes.margin
    logo = _logo(clinic)

    provenance = article.provenance
    source_line = (
        f"{text.check('labels.source', labels.source)}{escape(labels.term_separator)} "
        f"{text.check('provenance.source_title', provenance.source_title)}, "
        f"{text.check('provenance.source_clinic', provenance.source_clinic)}. "
        f"{escape(labels.version)} {text.check('provenance.version', provenance.version)}. "
        f"{escape(labels.last_reviewed)} {provenance.last_reviewed.isoformat()}."
    )
    footer = [
        _paragraph(source_line, styles.footer),
        _paragraph(f"<b>{text.check('labels.disclaimer', labels.disclaimer)}</b>", styles.footer),
    ]
    footer_height = sum(p.wrap(width, page_height)[1] for p in footer) + sizes.footer * 1.6
    # Each part checked on its own, so an error names the field that holds the character.
    text.check("clinic.name", clinic.name)
    text.check("clinic.location", clinic.location or "")
    phrase = text.check("labels.clinic_in_location", clinic_phrase(clinic, labels))
    header_name = _paragraph(f"<b>{phrase}</b>", styles.footer)
    logo_height = sizes.footer * 3.2 if logo else 0.0
    logo_width = 0.0
    if logo:
        image_width, image_height = logo.getSize()
        logo_width = min(logo_height * image_width / image_height, width / 3)
    page_label_width = pdfmetrics.stringWidth(
        labels.page_of.format(page=99, pages=99), FONT_BOLD, sizes.footer
    )
    header_text_width = width - logo_width - page_label_width - sizes.gap * (4 if logo else 2)
    header_height = max(header_name.wrap(header_text_width, page_height)[1], logo_height)
    header_height += sizes.footer * 1.4
    # Very long names (up to 200 characters each are allowed) must still leave room for
    # the text: a few lines of it on every page.
    if page_height - 2 * sizes.margin - footer_height - header_height < 8 * sizes.leading:
        raise ContentError(
            None,
            "provenance.source_title",
            "with the clinic's name and location, too long for every page's header and footer",
        )

    def draw_page(canvas: Canvas, number: int, total: int) -> None:
        canvas.saveState()
        top = page_height - sizes.margin
        x = sizes.margin
        if logo:
            canvas.drawImage(
                logo,
                x,
                top - logo_height,
                logo_width,
                logo_height,
                mask="auto",
                preserveAspectRatio=True,
            )
            x += logo_width + sizes.gap * 2
        page = labels.page_of.format(page=number, pages=total)
        canvas.setFont(FONT_BOLD, sizes.footer)
        canvas.setFillColor(_MUTED)
        canvas.drawRightString(page_width - sizes.margin, top - sizes.footer, page)
        name_height = header_name.wrap(header_text_width, page_height)[1]
        header_name.drawOn(canvas, x, top - max(logo_height, name_height) / 2 - name_height / 2)
        rule_y = top - header_height + sizes.footer * 0.6
        canvas.setStrokeColor(accent)
        canvas.setLineWidth(1)
        canvas.line(sizes.margin, rule_y, page_width - sizes.margin, rule_y)

        y = sizes.margin
        for paragraph in reversed(footer):
            _, height = paragraph.wrap(width, page_height)
            paragraph.drawOn(canvas, sizes.margin, y)
            y += height
        canvas.line(
            sizes.margin, y + sizes.footer * 0.5, page_width - sizes.margin, y + sizes.footer * 0.5
        )
        canvas.restoreState()

    frame = Frame(
        sizes.margin,
        sizes.margin + footer_height,
        width,
        page_height - 2 * sizes.margin - footer_height - header_height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    buffer = io.BytesIO()
    doc = _HandoutDoc(
        buffer,
        pagesize=(page_width, page_height),
        leftMargin=sizes.margin,
        rightMargin=sizes.margin,
        topMargin=sizes.margin,
        bottomMargin=sizes.margin,
        title=article.title,
        author=clinic.name,
        subject=article.summary,
        keywords=[article.condition, article.therapy],
        creator="backpain-content",
        lang=article.language,
        displayDocTitle=True,
        initialFontName=FONT,
        invariant=True,
        pageTemplates=[PageTemplate(id="handout", frames=[frame])],
    )
    doc._outline_keys = []
    doc._bookmarks = {}

    sessions = article.sessions
    story: list[Flowable] = [
        text.para("title", article.title, styles.title),
        text.para("summary", article.summary, styles.body),
        *_section(
            text,
            styles,
            "mechanisms",
            article.mechanisms.short_heading,
            article.mechanisms.summary,
            _items(text, styles, "mechanisms", article.mechanisms.items, check=False),
        ),
        *_section(
            text,
            styles,
            "causes",
            article.causes.short_heading,
            article.causes.summary,
            _items(text, styles, "causes", article.causes.items, check=False),
        ),
        *_section(
            text,
            styles,
            "sessions",
            sessions.short_heading,
            None,
            [
                _session_row(article, labels, text, styles, sizes, width, accent),
                text.para("sessions.summary", sessions.summary, styles.body),
                text.para("sessions.chronic_summary", sessions.chronic_summary, styles.body),
            ],
        ),
        *_section(
            text,
            styles,
            "lifestyle",
            article.lifestyle.short_heading,
            article.lifestyle.summary,
            _items(text, styles, "lifestyle", article.lifestyle.items, check=True),
        ),
        *_section(
            text,
            styles,
            "therapies",
            article.therapies.short_heading,
            article.therapies.summary,
            _items(text, styles, "therapies", article.therapies.items, check=False),
        ),
        Spacer(1, sizes.gap),
        *_closing(
            article,
            clinic,
            labels,
            text,
            styles,
            sizes,
            width,
            accent,
            options.large_print,
            frame.height,
        ),
    ]
    try:
        doc.build(
            story,
            canvasmaker=_canvas_maker(
                draw_page, int(source_date(article).timestamp()), doc._bookmarks
            ),
        )
    except LayoutError as exc:
        raise ContentError(None, None, f"the handout cannot be laid out: {exc}") from None
    return buffer.getvalue()


def warm_up() -> None:
    """Load the fonts now, so that worker processes forked later start with them."""
    _register_fonts()
