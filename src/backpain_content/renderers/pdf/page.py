"""What every page of a handout carries besides its text, and the document that draws it:
the clinic's name and logo and "Page 1 of 2" above, and the general-information note
below (on the first page with the line on who wrote what, its version and its review),
drawn once the page count is known.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame

from ...errors import ContentError
from ..shared import clinic_phrase, provenance_line
from .flowables import OutlineMark
from .fonts import FONT, FONT_BOLD
from .layout import CopyableFrame, Layout
from .styles import MUTED
from .tagging import TaggedCanvas, Tagger, in_language, tags_of

__all__ = ["Furniture", "HandoutDoc", "document_info", "source_and_note", "stamp"]


@dataclass(frozen=True)
class _Page:
    """What one kind of page (the first, or any later one) carries besides its text."""

    logo: bool
    """Whether the header shows the clinic's logo (the first page's does)."""
    name_width: float
    """Width of the clinic's name in the header, beside the logo and the page number."""
    header_height: float
    footer: tuple[Flowable, ...]
    footer_height: float
    page_label_width: float
    """Width of "Page 1 of 2" (where it is drawn as a paragraph)."""


@dataclass(frozen=True)
class Furniture:
    """The header and footer of the first page and of every later one, measured.

    The first page carries the clinic's logo and the line saying who wrote what, its
    version and its review; every page carries the clinic's name, the page number and the
    general-information note.
    """

    layout: Layout
    name: Flowable
    """The clinic, named as the article names it, in the header."""
    logo: ImageReader | None
    logo_width: float
    logo_height: float
    pages: tuple[_Page, _Page]
    """The first page, and every later one."""

    @classmethod
    def make(cls, layout: Layout, logo: ImageReader | None) -> Furniture:
        """Measure the header and footer; an error when they leave too little room."""
        sizes, text, labels, clinic = layout.sizes, layout.text, layout.labels, layout.clinic
        width, page_height = layout.width, layout.page_height
        source, note = source_and_note(layout)
        text.check("clinic.name", clinic.name)
        text.check("clinic.location", clinic.location or "")
        name = text.bold(
            "labels.clinic_in_location", clinic_phrase(clinic, labels), layout.styles.footer
        )
        logo_height = sizes.footer * 3.2 if logo else 0.0
        logo_width = 0.0
        if logo:
            image_width, image_height = logo.getSize()
            logo_width = min(logo_height * image_width / image_height, width / 3)
        widest = labels.page_of.format(page=99, pages=99)
        if text.typeface.vera:
            page_label_width = pdfmetrics.stringWidth(widest, FONT_BOLD, sizes.footer)
        else:
            # Measured unshaped, with room to spare: shaping changes widths a little.
            bold = layout.styles.title.fontName
            page_label_width = pdfmetrics.stringWidth(widest, bold, sizes.footer) * 1.15

        def page(with_logo: bool, footer: tuple[Flowable, ...]) -> _Page:
            shown = logo_width + sizes.gap * 2 if with_logo and logo else 0.0
            name_width = width - shown - page_label_width - sizes.gap * 2
            header = max(name.wrap(name_width, page_height)[1], logo_height if shown else 0.0)
            footer_height = sum(p.wrap(width, page_height)[1] for p in footer) + sizes.footer * 1.6
            return _Page(
                shown > 0,
                name_width,
                header + sizes.footer * 1.4,
                footer,
                footer_height,
                page_label_width,
            )

        first = page(True, (source, note))
        later = page(False, (note,))
        # Very long names (up to 200 characters each are allowed) must still leave room for
        # the text: a few lines of it on every page.
        for kind in (first, later):
            if (
                page_height - 2 * sizes.margin - kind.footer_height - kind.header_height
                < 8 * sizes.leading
            ):
                raise ContentError(
                    None,
                    "provenance.source_title",
                    "with the clinic's name and location, too long for every page's header "
                    "and footer",
                )
        return cls(layout, name, logo, logo_width, logo_height, (first, later))

    def frame(self, first: bool) -> Frame:
        """Where the text goes on the first page, or on every later one: between the
        header and the footer."""
        sizes, kind = self.layout.sizes, self.pages[0 if first else 1]
        return CopyableFrame(
            sizes.margin,
            sizes.margin + kind.footer_height,
            self.layout.width,
            self.layout.page_height - 2 * sizes.margin - kind.footer_height - kind.header_height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="first" if first else "later",
        )

    def draw(self, canvas: Canvas, number: int, total: int) -> None:
        """Draw the header and footer of page `number` of `total`.

        They repeat on every page, so they are artifacts to a screen reader, except what
        is said once: the first page's logo (a figure) and its footer, the line on who
        wrote what and the general-information note, which come last in reading order.
        """
        layout, kind = self.layout, self.pages[0 if number == 1 else 1]
        sizes, page_width, page_height = layout.sizes, layout.page_width, layout.page_height
        tags = tags_of(canvas)
        canvas.saveState()
        top = page_height - sizes.margin
        # The logo and the clinic's name where lines begin, the page number at the other end.
        rtl = layout.rtl
        logo_height = 0.0
        shown = self.logo_width + sizes.gap * 2 if kind.logo and self.logo else 0.0
        if kind.logo and self.logo:
            logo_height = self.logo_height
            alt = layout.labels.logo_alt.format(clinic=layout.clinic.name)
            with tags.element("Figure", alt=alt, position=0):
                canvas.drawImage(
                    self.logo,
                    page_width - sizes.margin - self.logo_width if rtl else sizes.margin,
                    top - self.logo_height,
                    self.logo_width,
                    self.logo_height,
                    mask="auto",
                    preserveAspectRatio=True,
                )
        with tags.artifact("Pagination", "Header"):
            page = layout.labels.page_of.format(page=number, pages=total)
            if layout.text.typeface.vera:
                canvas.setFont(FONT_BOLD, sizes.footer)
                canvas.setFillColor(MUTED)
                canvas.drawRightString(page_width - sizes.margin, top - sizes.footer, page)
            else:
                label = _page_label(layout, page)
                label_height = label.wrap(kind.page_label_width, page_height)[1]
                x = sizes.margin if rtl else page_width - sizes.margin - kind.page_label_width
                label.drawOn(canvas, x, top - label_height)
            name_height = self.name.wrap(kind.name_width, page_height)[1]
            x = page_width - sizes.margin - shown - kind.name_width if rtl else sizes.margin + shown
            self.name.drawOn(canvas, x, top - max(logo_height, name_height) / 2 - name_height / 2)
            rule_y = top - kind.header_height + sizes.footer * 0.6
            canvas.setStrokeColor(layout.accent)
            canvas.setLineWidth(1)
            canvas.line(sizes.margin, rule_y, page_width - sizes.margin, rule_y)

        heights = [part.wrap(layout.width, page_height)[1] for part in kind.footer]
        y = sizes.margin + sum(heights)
        with tags.artifact("Pagination", "Footer"):
            rule_y = y + sizes.footer * 0.5
            canvas.line(sizes.margin, rule_y, page_width - sizes.margin, rule_y)
        for part, height in zip(kind.footer, heights, strict=True):  # in reading order
            y -= height
            if number == 1:
                part.drawOn(canvas, sizes.margin, y)
            else:
                with tags.artifact("Pagination", "Footer"):
                    part.drawOn(canvas, sizes.margin, y)
        canvas.restoreState()


def source_and_note(layout: Layout) -> tuple[Flowable, Flowable]:
    """Where the guide comes from (who wrote what, the version, the review), the source's
    title marked in its own language; and, in bold, that it is general information. Each
    part is checked on its own, so that an error names the field that holds the character."""
    text, labels, style = layout.text, layout.labels, layout.styles.footer
    source = "".join(
        _in_language(layout, part.lang, text.check(part.field or "labels", part.text))
        for part in provenance_line(layout.article, labels)
    )
    return text.paragraph(source, style), text.bold("labels.disclaimer", labels.disclaimer, style)


def _in_language(layout: Layout, language: str, markup: str) -> str:
    """`markup`, marked as in `language` when that is not the guide's (the source's title
    in a translation)."""
    if not language or language.split("-")[0] == layout.article.language.split("-")[0]:
        return markup
    return in_language(markup, language)


def _page_label(layout: Layout, label: str) -> Flowable:
    """ "Page 1 of 2" as a paragraph in the guide's script, set at the end of its line
    (Vera's is drawn directly)."""
    style = ParagraphStyle(
        "page",
        parent=layout.styles.footer,
        fontName=layout.styles.title.fontName,
        alignment=TA_RIGHT,
    )
    return layout.text.para("labels.page_of", label, style)


class HandoutDoc(BaseDocTemplate):
    """The handout's document: it turns outline marks into bookmarks, and its canvas draws
    each page's furniture once the page count is known."""

    def __init__(self, buffer: Any, furniture: Furniture, epoch: int, **kwargs: Any) -> None:
        self._furniture = furniture
        self._epoch = epoch
        self._marks = 0
        self._bookmarks: dict[int, list[str]] = {}
        """The keys of the bookmarks on each page, by page number."""
        super().__init__(buffer, **kwargs)

    def afterFlowable(self, flowable: Flowable) -> None:
        # A heading, or a mark standing for headings drawn inside a table (the closing row).
        if isinstance(flowable, OutlineMark) or getattr(flowable, "outline_title", None):
            key = f"s{self._marks}"
            self._marks += 1
            # Not `canv.bookmarkPage(key)`: the canvas holds its pages back until the end,
            # and a bookmark made now would point at the first page.
            self._bookmarks.setdefault(self.page, []).append(key)
            title = flowable.outline_title  # type: ignore[attr-defined]
            self.canv.addOutlineEntry(title, key, level=0, closed=False)

    def canvas_maker(self, tagger: Tagger) -> Callable[..., Canvas]:
        """The canvas class to build with (`build(story, canvasmaker=...)`), tagged by
        `tagger`."""
        return _canvas_maker(self._furniture.draw, self._epoch, self._bookmarks, tagger)


def document_info(layout: Layout, title: str | None = None) -> dict[str, Any]:
    """What every PDF of a guide says about itself, as ReportLab's document templates take
    it: title, author (the clinic), subject, keywords, language; the title shown in a
    reader's window; Vera as the starting font (not an unembedded Helvetica); no time or
    random identifier, so the same input gives the same bytes."""
    article = layout.article
    return {
        "title": title or article.title,
        "author": layout.clinic.name,
        "subject": article.summary,
        "keywords": [article.condition, article.therapy],
        "creator": "backpain-content",
        "lang": article.language,
        "displayDocTitle": True,
        "initialFontName": FONT,
        "invariant": True,
    }


def stamp(canvas: Canvas, epoch: int) -> None:
    """Date the document `canvas` writes at `epoch` (seconds since 1970, UTC).

    ReportLab's invariant mode fixes the date at 2000-01-01; its document's time stamp
    (an internal) is the one place the dates come from.
    """
    stamped = canvas._doc._timeStamp  # type: ignore[attr-defined]
    stamped.t = epoch
    stamped.lt = datetime.datetime.fromtimestamp(epoch, datetime.UTC).timetuple()
    stamped.YMDhms = tuple(stamped.lt)[:6]


def _canvas_maker(
    draw_page: Callable[[Canvas, int, int], None],
    epoch: int,
    bookmarks: dict[int, list[str]],
    tagger: Tagger,
) -> Callable[..., Canvas]:
    """A canvas that draws header and footer once the page count is known ("page 1 of 2").

    It writes its pages only at the end, so it also makes the bookmarks then: `bookmarks`
    maps a page number to the keys of the bookmarks on that page.
    """

    class _HandoutCanvas(TaggedCanvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, tagger=tagger, **kwargs)
            stamp(self, epoch)
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
