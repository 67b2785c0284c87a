"""The handout's text, in reading order, from a table of its sections.

Each section prints its short heading, its plain-language summary and a body: items,
a checklist, or the sessions row. The "My plan" box and the clinic's details close it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from ...errors import ContentError
from ...model import SectionName
from ..shared import contact_lines
from .flowables import OutlineMark, SessionMarkers, check_item, paragraph
from .fonts import FONT
from .layout import Layout
from .styles import TEXT
from .text import escape

__all__ = ["story"]

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


@dataclass(frozen=True)
class _Section:
    name: SectionName
    body: Callable[[Layout, _Section], list[Flowable]]
    """What follows the heading (and summary)."""
    summary_first: bool = True
    """Whether the section's summary goes under its heading (the sessions' body has its own)."""
    checklist: bool = False
    """Whether its items have boxes to tick by pen."""


def _items(layout: Layout, section: _Section) -> list[Flowable]:
    """Each item's title in bold, then its summary; with a box before it in a checklist."""
    items = getattr(layout.article, section.name).items
    make, style = (
        (check_item, layout.styles.check) if section.checklist else (paragraph, layout.styles.item)
    )
    return [
        make(layout.text.titled(f"{section.name}.items[{index}]", item.title, item.summary), style)
        for index, item in enumerate(items)
    ]


def _sessions(layout: Layout, section: _Section) -> list[Flowable]:
    """The typical range as markers with the range in words beside them, then the summaries."""
    sessions = layout.article.sessions
    text, styles, sizes, width = layout.text, layout.styles, layout.sizes, layout.width
    markers = SessionMarkers(sessions.typical_min, sessions.typical_max, sizes.body, layout.accent)
    marker_width = min(sizes.body * 2.4 * sessions.typical_max, width / 2)
    words = layout.labels.sessions_range.format(min=sessions.typical_min, max=sessions.typical_max)
    row = Table(
        [[markers, text.para("labels.sessions_range", words, styles.range)]],
        colWidths=[marker_width + sizes.gap * 3, width - marker_width - sizes.gap * 3],
    )
    row.setStyle(TableStyle([*_TIGHT.getCommands(), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return [
        row,
        text.para("sessions.summary", sessions.summary, styles.body),
        text.para("sessions.chronic_summary", sessions.chronic_summary, styles.body),
    ]


_SECTIONS = (
    _Section("mechanisms", _items),
    _Section("causes", _items),
    _Section("sessions", _sessions, summary_first=False),
    _Section("lifestyle", _items, checklist=True),
    _Section("therapies", _items),
)
"""The handout's sections, in reading order; the closing part follows them."""


def _heading(layout: Layout, field: str, heading: str, summary: str | None) -> list[Flowable]:
    parts: list[Flowable] = [
        layout.text.para(f"{field}.short_heading", heading, layout.styles.heading)
    ]
    if summary:
        parts.append(layout.text.para(f"{field}.summary", summary, layout.styles.body))
    return parts


def _with_heading(
    layout: Layout, field: str, heading: str, summary: str | None, body: Sequence[Flowable]
) -> list[Flowable]:
    """A section: its bookmark, heading and summary kept with the first part of its body."""
    parts = [OutlineMark(heading), *_heading(layout, field, heading, summary)]
    return [KeepTogether(parts + list(body[:1])), *body[1:]]


def _plan_box(layout: Layout, width: float) -> list[Flowable]:
    """The "My plan" box, with lines to fill in by pen."""
    labels, text, styles, sizes = layout.labels, layout.text, layout.styles, layout.sizes
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
                ("LINEBELOW", (1, 0), (1, -1), 0.75, TEXT),
                ("LINEBELOW", (0, -1), (0, -1), 0.75, TEXT),
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
                ("BOX", (0, 0), (-1, -1), 1.5, layout.accent),
                ("LEFTPADDING", (0, 0), (-1, -1), sizes.gap),
                ("RIGHTPADDING", (0, 0), (-1, -1), sizes.gap),
                ("BOTTOMPADDING", (0, 0), (-1, -1), sizes.gap * 1.5),
            ]
        )
    )
    return [heading, box]


def _contact_block(layout: Layout, width: float) -> list[Flowable]:
    """The clinic's name, location and contact links, with a QR code to its booking page
    (or website) when it has one."""
    clinic, labels, text, styles, sizes = (
        layout.clinic, layout.labels, layout.text, layout.styles, layout.sizes,
    )  # fmt: skip
    lines: list[Flowable] = [text.bold("clinic.name", clinic.name, styles.body)]
    if clinic.location:
        lines.append(text.para("clinic.location", clinic.location, styles.body))
    for line in contact_lines(clinic, labels):
        shown = text.check(line.field, line.text)
        href = escape(line.href).replace('"', "&quot;")
        prefix = text.check("labels", line.prefix)
        lines.append(paragraph(f'{prefix}<a href="{href}" underline="1">{shown}</a>', styles.body))
    if clinic.link is None:
        return lines
    from .qr import MAX_VERSION, QrCode, qr_version

    if qr_version(clinic.link) > MAX_VERSION:
        # A denser code would print too fine for a phone to read, or not fit at all.
        field = "clinic.booking_url" if clinic.booking_url else "clinic.website"
        raise ContentError(
            None,
            field,
            f"is too long to print as a QR code a phone can read ({len(clinic.link)} "
            "characters; at most about 210)",
        )
    size = (1.6 if layout.large_print else 1.0) * inch
    caption = labels.scan_to_book if clinic.booking_url else labels.scan_to_visit
    qr = [QrCode(clinic.link, size), text.para("labels.scan", caption, styles.caption)]
    table = Table([[qr, lines]], colWidths=[size + sizes.gap * 3, width - size - sizes.gap * 3])
    table.setStyle(_TIGHT)
    return [table]


def _side_by_side(layout: Layout) -> Table:
    """The plan box and the contact details side by side, which saves a third of a page."""
    closing, sizes, width = layout.article.closing, layout.sizes, layout.width
    plan_width = (width - sizes.gap * 4) * 0.45
    contact_width = width - sizes.gap * 4 - plan_width
    contact = [
        *_heading(layout, "closing", closing.short_heading, None),
        *_contact_block(layout, contact_width),
    ]
    row = Table(
        [[_plan_box(layout, plan_width), contact]],
        colWidths=[plan_width + sizes.gap * 4, contact_width],
    )
    row.setStyle(
        TableStyle([*_TIGHT.getCommands(), ("RIGHTPADDING", (0, 0), (0, 0), sizes.gap * 4)])
    )
    return row


def _closing(layout: Layout, frame_height: float) -> list[Flowable]:
    """The "My plan" box and the clinic's details: side by side, or one above the other
    in large print."""
    closing, labels = layout.article.closing, layout.labels
    if not layout.large_print:
        row = _side_by_side(layout)
        # A row cannot break across pages: a clinic with very long details gets the stack.
        if row.wrap(layout.width, frame_height)[1] <= frame_height * 0.9:
            # Together, so the bookmarks land on the row's page even when it moves on.
            marks = [OutlineMark(labels.my_plan), OutlineMark(closing.short_heading)]
            return [KeepTogether([*marks, row])]
    return [
        KeepTogether([OutlineMark(labels.my_plan), *_plan_box(layout, layout.width)]),
        *_with_heading(
            layout, "closing", closing.short_heading, None, _contact_block(layout, layout.width)
        ),
    ]


def story(layout: Layout, frame_height: float) -> list[Flowable]:
    """Everything the handout prints in its frame, in reading order."""
    article, text, styles = layout.article, layout.text, layout.styles
    flowables: list[Flowable] = [
        text.para("title", article.title, styles.title),
        text.para("summary", article.summary, styles.body),
    ]
    for section in _SECTIONS:
        part = getattr(article, section.name)
        summary = part.summary if section.summary_first else None
        body = section.body(layout, section)
        flowables += _with_heading(layout, section.name, part.short_heading, summary, body)
    flowables.append(Spacer(1, layout.sizes.gap))
    flowables += _closing(layout, frame_height)
    return flowables
