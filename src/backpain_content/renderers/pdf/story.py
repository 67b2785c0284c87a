"""The handout's text, in reading order, from a table of its sections.

Each section prints its short heading, its plain-language summary and a body: items,
a checklist, or the sessions row. The "My plan" box and the clinic's details close it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from ...errors import ContentError
from ...fields import fill_guide_url
from ...model import GUIDE_SECTIONS, SafetyGroup, SafetyKind, SectionName, SourcedItem
from ..cldr import number
from ..shared import (
    PlanView,
    ReferenceNumbers,
    clinic_voice,
    contact_lines,
    independent_note,
    reference_numbers,
    review_notice,
    short_url,
)
from .flowables import OutlineMark, SessionMarkers
from .fonts import FONT
from .layout import Layout
from .styles import TEXT
from .tagging import StructNode, TableTags, tag
from .text import escape

__all__ = [
    "PRINTED_SAFETY",
    "before_story",
    "beside",
    "checklist",
    "contact_details",
    "contact_run",
    "first_sentence",
    "layout_table",
    "notice",
    "printed_citations",
    "qr_code",
    "related_line",
    "section",
    "section_heading",
    "sources",
    "story",
    "voice_note",
    "with_heading",
]

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
    """Whether the section's summary goes under its heading."""


def checklist(layout: Layout, section: _Section) -> list[Flowable]:
    """Each item's title in bold, then its summary, with a box before it to tick by pen
    (an X in it for the tips a patient's plan chose). The standard handout prints the
    titles only: its second page is the safety part's (the full guide has every tip)."""
    items = getattr(layout.article, section.name).items
    # Large print keeps the summaries unless it is laid out again, compact, to fit.
    brief = layout.column is None and (not layout.large_print or layout.compact)
    chosen = layout.plan.chosen if layout.plan else frozenset()
    text, labels, styles = layout.text, layout.labels, layout.styles
    listed = StructNode("L")
    made = []
    for index, item in enumerate(items):
        field = f"{section.name}.items[{index}]"
        if brief:
            markup = f"<b>{text.check(f'{field}.title', item.title)}</b>"
        else:
            markup = text.titled(field, item.title, item.summary)
        if item.id in chosen:
            made.append(
                text.check_item(markup, styles.check, listed, labels.plan_chosen, styles.chosen)
            )
        else:
            made.append(text.check_item(markup, styles.check, listed, labels.check_box))
    return made


def titles(layout: Layout, section: _Section) -> list[Flowable]:
    """The items' titles only, run together: the handout has room for the full summaries
    of what the treatment does, the home tips and the safety part, not of every list."""
    items = getattr(layout.article, section.name).items
    titles = " · ".join(
        f"<b>{layout.text.check(f'{section.name}.items[{index}].title', item.title)}</b>"
        for index, item in enumerate(items)
    )
    return [layout.text.paragraph(titles, layout.styles.body)]


def sessions_part(layout: Layout, section: _Section) -> list[Flowable]:
    """The typical range as markers with the range in words beside them, then the summaries."""
    sessions = layout.article.sessions
    if sessions is None:  # only called for the sections the guide has
        return []
    text, styles, sizes, width = layout.text, layout.styles, layout.sizes, layout.width
    markers = SessionMarkers(
        sessions.typical_min, sessions.typical_max, sizes.body, layout.accent, layout.rtl
    )
    marker_width = min(sizes.body * 2.4 * sessions.typical_max, width / 2)
    language = layout.article.language
    words = layout.labels.sessions_range.format(
        min=number(sessions.typical_min, language), max=number(sessions.typical_max, language)
    )
    figure = tag(markers, "Figure", alt=words)
    summaries = [
        text.para("sessions.summary", sessions.summary, styles.body),
        text.para("sessions.chronic_summary", sessions.chronic_summary, styles.body),
    ]
    in_words = text.para("labels.sessions_range", words, styles.range)
    if layout.column is not None:
        # A brochure's panel: beside the words, the numbers would shrink under the text's size.
        markers.hAlign = "RIGHT" if layout.rtl else "LEFT"  # where lines begin
        return [figure, Spacer(1, sizes.gap), in_words, Spacer(1, sizes.gap), *summaries]
    return [beside(layout, figure, marker_width + sizes.gap * 3, in_words), *summaries]


def beside(layout: Layout, first: Flowable, width: float, then: Flowable | list[Flowable]) -> Table:
    """`first`, `width` wide, with `then` beside it in the rest of the line, centred on each
    other: from where lines begin (the right in a right-to-left guide)."""
    cells: list[Flowable | list[Flowable]] = [first, then]
    widths = [width, layout.width - width]
    if layout.rtl:
        cells, widths = cells[::-1], widths[::-1]
    row = layout_table([cells], layout, colWidths=widths)
    row.setStyle(TableStyle([*_TIGHT.getCommands(), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return row


def _cite(numbers: ReferenceNumbers, sources: Sequence[str]) -> str:
    """The numbers of an item's sources, after it: ` [1, 2]`."""
    cited = ", ".join(str(number) for number, _ in numbers.cite(sources))
    return f" [{cited}]" if sources else ""


def _bullets(layout: Layout, field: str, items: Sequence[SourcedItem]) -> list[Flowable]:
    """Items' summaries as bullets, each citing its sources by number: each summary says
    what its title says, and the page has room for the one, not both."""
    numbers, listed = reference_numbers(layout.article), StructNode("L")
    return [
        layout.text.bullet(
            layout.text.check(f"{field}[{index}].summary", item.summary)
            + _cite(numbers, item.sources),
            layout.styles.bullet,
            listed,
        )
        for index, item in enumerate(items)
    ]


def _group(layout: Layout, kind: SafetyKind, group: SafetyGroup) -> list[Flowable]:
    """A safety group: its heading and its items' summaries; the urgent signs in a box,
    which sets them apart by more than colour."""
    text, styles, sizes = layout.text, layout.styles, layout.sizes
    heading = text.para(f"safety.{kind}.heading", group.heading, styles.subheading, "H3")
    items = _bullets(layout, f"safety.{kind}.items", group.items)
    if kind != "urgent_signs":
        return [heading, *items]
    box = layout_table([[[heading, *items]]], layout, colWidths=[layout.width])
    box.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT),
                ("BOX", (0, 0), (-1, -1), 2.5, layout.accent),
                ("LEFTPADDING", (0, 0), (-1, -1), sizes.gap * 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), sizes.gap * 2),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), sizes.gap),
            ]
        )
    )
    return [Spacer(1, sizes.gap), box]


PRINTED_SAFETY: tuple[SafetyKind, ...] = ("urgent_signs",)
"""The safety groups a patient needs once home, which the handout prints; the sheet to
read before a first session (`before_story`) prints every group."""


def safety_part(layout: Layout, section: _Section) -> list[Flowable]:
    """The handout's (and brochure's) safety part: where the whole of it is (consent, the
    risks, what to tell the physiotherapist, questions to ask), then when to get help."""
    labels, text = layout.labels, layout.text
    if layout.column is None:
        pointer = text.para("labels.before_pointer", labels.before_pointer, layout.styles.body)
    else:  # a brochure's: the sheet for before a first session is not in its rack
        pointer = text.para("labels.safety_pointer", labels.safety_pointer, layout.styles.body)
    flowables: list[Flowable] = [pointer]
    for kind, group in layout.article.safety.groups():
        if kind in PRINTED_SAFETY:
            flowables += _group(layout, kind, group)
    return flowables


def findings(layout: Layout, section: _Section) -> list[Flowable]:
    """The research's findings, or the aftercare's items, as cited bullets."""
    part = getattr(layout.article, section.name)
    return _bullets(layout, f"{section.name}.items", part.items)


def overview(layout: Layout, section: _Section) -> list[Flowable]:
    """The research in one paragraph: the section's summary, citing every source its
    findings rest on (the web page and the ePub give each finding in full)."""
    part = getattr(layout.article, section.name)
    cited = [source for item in part.items for source in item.sources]
    markup = layout.text.check(f"{section.name}.summary", part.summary)
    markup += _cite(reference_numbers(layout.article), list(dict.fromkeys(cited)))
    return [layout.text.paragraph(markup, layout.styles.body)]


def questions(layout: Layout, section: _Section) -> list[Flowable]:
    """The questions to ask, with a box before each to tick by pen."""
    items, listed = layout.article.questions.items, StructNode("L")  # type: ignore[union-attr]
    text, styles, box = layout.text, layout.styles, layout.labels.check_box
    return [
        text.check_item(
            text.check(f"questions.items[{index}].text", item.text), styles.check, listed, box
        )
        for index, item in enumerate(items)
    ]


def sources(layout: Layout, printed: Iterable[Sequence[str]]) -> Flowable:
    """The sources the printed part cites, by their numbers in the guide's whole list."""
    article, text = layout.article, layout.text
    numbers = reference_numbers(article)
    used = {source for cited in printed for source in cited}
    cited = "; ".join(
        f"{number} {text.check(f'references[{number - 1}].label', reference.label)}"
        for number, reference in enumerate(article.references, 1)
        if reference.id in used and numbers[reference.id] == number
    )
    label = text.check("labels.sources", layout.labels.sources)
    separator = escape(layout.labels.term_separator)
    return layout.text.paragraph(f"<b>{label}{separator}</b> {cited}", layout.styles.body)


def related_line(layout: Layout) -> list[Flowable]:
    """The related guides, each with the address to type to read it (none without one),
    as one line under the sources; nothing when there are none."""
    if not layout.more:
        return []
    text = layout.text
    shown = []
    for index, guide in enumerate(layout.more):
        title = text.check(f"links.related[{index}].title", guide.title)
        if guide.url:
            shown_url = text.check(f"links.related[{index}].url", short_url(guide.url))
            where = _link(guide.url, shown_url)
            title = f"{title} ({where})"
        shown.append(title)
    label = text.check("labels.related_guides", layout.labels.related_guides)
    separator = escape(layout.labels.term_separator)
    return [text.paragraph(f"<b>{label}{separator}</b> {'; '.join(shown)}", layout.styles.body)]


_SECTIONS = (
    # What the treatment does and goes with, by title: the page has room in full for what a
    # patient acts on (the home tips, the safety part, the plan) and for no more.
    _Section("mechanisms", titles, summary_first=False),
    _Section("causes", titles),
    _Section("sessions", sessions_part, summary_first=False),
    _Section("lifestyle", checklist),
    _Section("therapies", titles, summary_first=False),
    # The guide's own parts, from its sources.
    # Their items say what their summaries do: bullets alone make room for the safety part.
    _Section("research", overview, summary_first=False),
    _Section("safety", safety_part, summary_first=False),
    _Section("aftercare", findings, summary_first=False),
)
"""The handout's sections, in reading order; the closing part follows them."""


def section_heading(
    layout: Layout, field: str, heading: str, summary: str | None
) -> list[Flowable]:
    parts: list[Flowable] = [
        layout.text.heading(f"{field}.short_heading", heading, layout.styles.heading)
    ]
    if summary:
        parts.append(layout.text.para(f"{field}.summary", summary, layout.styles.body))
    return parts


def with_heading(
    layout: Layout,
    field: str,
    heading: str,
    summary: str | None,
    body: Sequence[Flowable],
    lead: Sequence[Flowable] = (),
) -> list[Flowable]:
    """A section: its heading (and bookmark) and summary kept with the first part of its
    body, and with `lead`, a note before the heading that says what follows."""
    parts = [*lead, *section_heading(layout, field, heading, summary)]
    return [KeepTogether(parts + list(body[:1])), *body[1:]]


def _plan_box(layout: Layout, width: float) -> list[Flowable]:
    """The "My plan" box with lines to fill in by pen (a patient's own plan is
    `_plan_across`)."""
    labels, text, styles, sizes = layout.labels, layout.text, layout.styles, layout.sizes
    heading = text.heading("labels.my_plan", labels.my_plan, styles.heading)
    rows: list[list[Any]] = [
        [text.para("labels.plan_sessions", labels.plan_sessions, styles.body), ""],
        [text.para("labels.plan_next", labels.plan_next, styles.body), ""],
        [text.para("labels.plan_exercises", labels.plan_exercises, styles.body), ""],
    ]
    inner = width - 2 * sizes.gap
    label_width = max(
        pdfmetrics.stringWidth(label, styles.body.fontName, sizes.body)
        for label in (labels.plan_sessions, labels.plan_next, labels.plan_exercises)
    )
    # The table's cells are padded 6 pt on each side.
    label_width = min(label_width + 12 + sizes.gap, inner * 0.6)
    # A third of an inch a line, to write on by pen; more where a label takes two lines.
    heights = [
        max(sizes.leading * 1.6, row[0].wrap(label_width - 12, sizes.leading * 10)[1] + 6)
        for row in rows
    ]
    widths = [label_width, inner - label_width]
    label, line = 0, 1
    if layout.rtl:  # the labels on the right, the lines to write on at their left
        rows, widths, label, line = [row[::-1] for row in rows], widths[::-1], 1, 0
    # A table of rows, each with its label: what a screen reader reads with the lines.
    tags = TableTags(header_col=label, rtl=layout.rtl)
    table = Table(rows, colWidths=widths, rowHeights=heights, renderCB=tags)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (line, 0), (line, -1), 0.75, TEXT),
                ("LINEBELOW", (label, -1), (label, -1), 0.75, TEXT),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return [heading, _boxed(layout, [table], width)]


def _plan_rows(layout: Layout, plan: PlanView) -> list[Flowable]:
    """The patient's plan, a row a line: personal, so each is laid out afresh."""
    text, separator = layout.text, escape(layout.labels.term_separator)
    return [
        layout.text.personal(
            f"<b>{text.check('labels', row.label)}{separator}</b> "
            f"{text.check(f'plan.{row.field}', row.value, personal=True)}",
            layout.styles.row,
        )
        for row in plan.rows
    ]


def _boxed(layout: Layout, content: list[Flowable], width: float) -> Table:
    """`content` inside the plan's border."""
    sizes = layout.sizes
    box = layout_table([[content]], layout, colWidths=[width])
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
    return box


def layout_table(rows: list[list[Any]], layout: Layout, **options: Any) -> Table:
    """A table that lays things out (no data table): its cells read in reading order,
    its rules and boxes are no content (see `tagging.TableTags`)."""
    return Table(rows, renderCB=TableTags(rtl=layout.rtl), **options)


def _link(href: str, shown: str) -> str:
    """A link's markup: `shown` checked and escaped already, `href` escaped here."""
    return f'<a href="{escape(href).replace(chr(34), "&quot;")}" underline="1">{shown}</a>'


def contact_details(layout: Layout) -> list[Flowable]:
    """The clinic's name, location and contact links."""
    clinic, labels, text, styles = layout.clinic, layout.labels, layout.text, layout.styles
    lines: list[Flowable] = [text.bold("clinic.name", clinic.name, styles.body)]
    if clinic.location:
        lines.append(text.para("clinic.location", clinic.location, styles.body))
    for line in contact_lines(clinic, labels):
        shown = _link(line.href, text.check(line.field, line.text))
        lines.append(
            layout.text.paragraph(f"{text.check('labels', line.prefix)}{shown}", styles.body)
        )
    return lines


def qr_code(
    layout: Layout, size: float | None = None, guide_first: bool = False
) -> tuple[list[Flowable], float] | None:
    """A QR code to the clinic's booking page (else its website, else the guide online,
    its `guide_url`) with its caption, and its width; None when the clinic has no link.
    `guide_first`: to the guide online first (the poster's). `size`: the side of the code
    itself, without its quiet zone, when given (the handout's is an inch, more in large
    print, with it)."""
    clinic, labels = layout.clinic, layout.labels
    found = [
        ("clinic.booking_url", clinic.booking_url, labels.scan_to_book),
        ("clinic.website", clinic.website, labels.scan_to_visit),
    ]
    article = layout.article
    online = clinic.guide_url and fill_guide_url(clinic.guide_url, article.id, article.language)
    guide = ("clinic.guide_url", online or None, labels.scan_to_read)
    found.insert(0 if guide_first else len(found), guide)
    field, url, caption = next(((f, u, c) for f, u, c in found if u), ("", None, ""))
    if url is None:
        return None
    from .qr import MAX_VERSION, QUIET_ZONE, QrCode, qr_version

    if qr_version(url) > MAX_VERSION:
        # A denser code would print too fine for a phone to read, or not fit at all.
        raise ContentError(
            None,
            field,
            f"is too long to print as a QR code a phone can read ({len(url)} "
            "characters; at most about 210)",
        )
    if size is None:
        size = (1.6 if layout.large_print else 1.0) * inch
    else:
        modules = 17 + 4 * qr_version(url)  # the QR standard's sizes
        size = size * (modules + 2 * QUIET_ZONE) / modules
    code = [
        tag(QrCode(url, size), "Figure", alt=labels.qr_alt.format(url=url)),
        layout.text.para("labels.scan", caption, layout.styles.caption),
    ]
    return code, size + layout.sizes.gap * 3


def _row(cells: list[list[Flowable]], widths: list[float], layout: Layout) -> Table:
    """Columns side by side, each as wide as given (its padding toward the next one
    included), in reading order: from the right in a right-to-left guide."""
    if layout.rtl:
        row = layout_table([cells[::-1]], layout, colWidths=widths[::-1])
        gap = ("LEFTPADDING", (1, 0), (-1, 0), layout.sizes.gap * 3)
    else:
        row = layout_table([cells], layout, colWidths=widths)
        gap = ("RIGHTPADDING", (0, 0), (-2, 0), layout.sizes.gap * 3)
    row.setStyle(TableStyle([*_TIGHT.getCommands(), gap]))
    return row


def _closing_summary(layout: Layout) -> str | None:
    return layout.article.closing.summary if layout.closing_summary else None


def _side_by_side(layout: Layout) -> list[Flowable]:
    """The plan box, the closing's heading and summary with the clinic's details, and its
    QR code side by side, which saves a third of a page. Compact, the clinic's links run
    together below them, the width of the page."""
    closing, sizes, width = layout.article.closing, layout.sizes, layout.width
    qr = qr_code(layout)
    qr_width = qr[1] if qr else 0.0
    plan_width = width * 0.4
    details_width = width - plan_width - qr_width
    gap = sizes.gap * 3
    heading = section_heading(layout, "closing", closing.short_heading, _closing_summary(layout))
    if layout.compact:
        name, *links = contact_run(layout)
        details, below = [*heading, name], links
    else:
        details, below = [*heading, *contact_details(layout)], []
    if not layout.plan_box:
        plan_width, details_width = 0.0, width - qr_width
    cells = [_plan_box(layout, plan_width - gap), details] if layout.plan_box else [details]
    widths = [plan_width, details_width] if layout.plan_box else [details_width]
    if qr:
        cells.append(qr[0])
        widths.append(qr_width)
    return [_row(cells, widths, layout), *below]


def _plan_across(layout: Layout, plan: PlanView, qr_beside: bool) -> list[Flowable]:
    """A patient's plan across the page in a titled box, a row a line, the note below
    them; the QR code to book beside the rows when `qr_beside`. Each row has the width of
    the page, where a long name or note takes the fewest lines. In large print the box
    may go on over a page break, between rows, as the rest of a large-print handout does."""
    labels, text, styles, sizes = layout.labels, layout.text, layout.styles, layout.sizes
    made = dict(zip((row.field for row in plan.rows), _plan_rows(layout, plan), strict=True))
    title = text.check("labels", labels.my_plan)
    if plan.patient:
        patient = text.check("plan.patient", plan.patient, personal=True)
        title = text.check("labels", labels.plan_for).format(patient=patient)
    qr = qr_code(layout) if qr_beside else None
    inner = layout.width - 2 * sizes.gap
    rows_width = inner - (qr[1] if qr else 0.0)
    rows: list[Flowable] = [
        made[field] for field in ("next_appointment", "physiotherapist") if field in made
    ]
    pair = [[made[field]] for field in ("sessions", "made") if field in made]
    rows.append(_row(pair, [rows_width / len(pair)] * len(pair), layout))
    rows[-1].spaceAfter = styles.row.spaceAfter  # as the rows above it
    if "note" in made:
        rows.append(made["note"])
    content: list[Flowable] = [
        # The title names the patient, so it is no bookmark: the bookmark says "My plan".
        layout.text.personal(title, styles.box_title, "H2"),
        *([_row([rows, qr[0]], [rows_width, qr[1]], layout)] if qr else rows),
    ]
    if layout.large_print:
        return [OutlineMark(labels.my_plan), _boxed_rows(layout, content, layout.width)]
    return [OutlineMark(labels.my_plan), _boxed(layout, content, layout.width)]


def _boxed_rows(layout: Layout, content: list[Flowable], width: float) -> Table:
    """`content` inside the plan's border, a row of the table each, so that the box can
    break between them (and be closed and reopened at the break); the first two rows (the
    title and what follows it) stay together."""
    gap = layout.sizes.gap
    box = layout_table([[flowable] for flowable in content], layout, colWidths=[width])
    box.setStyle(
        TableStyle(
            [
                *_TIGHT.getCommands(),
                ("BOX", (0, 0), (-1, -1), 1.5, layout.accent),
                ("LEFTPADDING", (0, 0), (-1, -1), gap),
                ("RIGHTPADDING", (0, 0), (-1, -1), gap),
                ("TOPPADDING", (0, 0), (-1, 0), gap * 0.75),
                # A cell's one flowable gets no space after it: the rows' gap as padding.
                ("BOTTOMPADDING", (0, 0), (-1, -2), gap * 0.6),
                ("BOTTOMPADDING", (0, -1), (-1, -1), gap * 1.5),
                ("NOSPLIT", (0, 0), (0, 1)),
            ]
        )
    )
    return box


def contact_run(layout: Layout) -> list[Flowable]:
    """The clinic's name and location, then its contact links run together on a line
    (where a line each would not fit)."""
    clinic, labels, text, styles = layout.clinic, layout.labels, layout.text, layout.styles
    name = f"<b>{text.check('clinic.name', clinic.name)}</b>"
    if clinic.location:
        name += f", {text.check('clinic.location', clinic.location)}"
    links = [
        f"{text.check('labels', line.prefix)}{_link(line.href, text.check(line.field, line.text))}"
        for line in contact_lines(clinic, labels)
    ]
    details: list[Flowable] = [layout.text.paragraph(name, styles.body)]
    if links:
        details.append(layout.text.paragraph(" · ".join(links), styles.body))
    return details


def _contact_across(layout: Layout) -> list[Flowable]:
    """The closing heading and the clinic's details run together: with a patient's plan
    across the page above, the page has no room for them a line each (the QR code is in
    the plan's box)."""
    closing = layout.article.closing
    heading = section_heading(layout, "closing", closing.short_heading, _closing_summary(layout))
    return [*heading, *contact_run(layout)]


def _closing(layout: Layout, frame_height: float) -> list[Flowable]:
    """The "My plan" box and the clinic's details: side by side for a plan to fill in by
    pen; one above the other for a patient's own plan, and in large print."""
    closing, labels, width = layout.article.closing, layout.labels, layout.width
    if layout.plan and not layout.large_print:
        return [
            KeepTogether(_plan_across(layout, layout.plan, qr_beside=True)),
            KeepTogether(_contact_across(layout)),
        ]
    if not layout.large_print:
        row = _side_by_side(layout)
        # A row cannot break across pages: a clinic with very long details gets the stack.
        if row[0].wrap(width, frame_height)[1] <= frame_height * 0.9:
            # Together, so the bookmarks land on the row's page even when it moves on.
            marks = [OutlineMark(labels.my_plan)] if layout.plan_box else []
            marks.append(OutlineMark(closing.short_heading))
            return [KeepTogether([*marks, *row])]
    qr = qr_code(layout)
    details = contact_run(layout) if layout.compact else contact_details(layout)
    contact = [_row([qr[0], details], [qr[1], width - qr[1]], layout)] if qr else details
    if layout.plan:
        plan = _plan_across(layout, layout.plan, qr_beside=False)
    elif layout.plan_box:
        plan = [KeepTogether(_plan_box(layout, width))]
    else:
        plan = []
    return [
        *plan,
        *with_heading(layout, "closing", closing.short_heading, _closing_summary(layout), contact),
    ]


def first_sentence(text: str) -> str:
    """The first sentence of `text` (all of it when it is one): up to the first full
    stop, question or exclamation mark, in the scripts the package sets, that ends a word."""
    found = re.match(r".+?[.!?。！？؟۔।](?=\s|$)", text.strip(), re.DOTALL)
    return found[0] if found else text.strip()


def section(layout: Layout, name: SectionName, lead: Sequence[Flowable] = ()) -> list[Flowable]:
    """One of the guide's sections as the handout prints it: its heading, its summary
    (where it goes first) and its body; `lead` as `with_heading`'s."""
    printed = next(candidate for candidate in _SECTIONS if candidate.name == name)
    part = getattr(layout.article, name)
    summary = part.summary if printed.summary_first else None
    body = printed.body(layout, printed)
    return with_heading(layout, name, part.short_heading, summary, body, lead)


def notice(layout: Layout, style: ParagraphStyle | None = None) -> Flowable:
    """The one line under the title: whether a clinician (and, for a translation, a
    certified translator) has reviewed this version; in the body's style unless `style`."""
    text = "".join(
        layout.text.check(part.field or "labels", part.text)
        for part in review_notice(layout.article, layout.labels)
    )
    return layout.text.paragraph(f"<b>{text}</b>", style or layout.styles.body)


def voice_note(layout: Layout, independent: bool) -> list[Flowable]:
    """Where the clinic's article begins (its own description of its service), or where
    the guide's own parts, written from its sources, begin; nothing for a guide without a
    source article, which is all its own."""
    labels = layout.labels
    said = (independent_note if independent else clinic_voice)(layout.article, labels)
    if said is None:
        return []
    field = "labels.independent" if independent else "labels.clinic_voice"
    # Plain text: italics would be lost on scripts set word by word, and in fonts with none.
    note = layout.text.paragraph(layout.text.check(field, said), layout.styles.body)
    note.keepWithNext = True  # it says what follows it
    return [note]


def printed_citations(layout: Layout, names: Iterable[str]) -> list[Sequence[str]]:
    """The sources cited in the parts `names` (sections, or safety groups) of the guide."""
    prefixes = tuple(f"{name}." for name in names)
    return [cited for path, cited in layout.article.citations() if path.startswith(prefixes)]


def story(layout: Layout, frame_height: float) -> list[Flowable]:
    """Everything the handout prints in its frame, in reading order."""
    article, text, styles = layout.article, layout.text, layout.styles
    flowables: list[Flowable] = [
        text.para("title", article.title, styles.title, "H1"),
        notice(layout),
        text.para("summary", article.summary, styles.body),
        *voice_note(layout, independent=False),
    ]
    own = False
    names: list[str] = []
    for part in _SECTIONS:
        if getattr(article, part.name) is None:
            continue
        lead: list[Flowable] = []
        if part.name in GUIDE_SECTIONS and not own:
            # The note says what follows it: kept on the page with the section's heading.
            lead, own = voice_note(layout, independent=True), True
        flowables += section(layout, part.name, lead)
        if part.name == "safety":
            names += [f"safety.{kind}" for kind in PRINTED_SAFETY]
        else:
            names.append(part.name)
    flowables.append(sources(layout, printed_citations(layout, names)))
    flowables += related_line(layout)
    flowables.append(Spacer(1, layout.sizes.gap))
    flowables += _closing(layout, frame_height)
    return flowables


def before_story(layout: Layout) -> list[Flowable]:
    """The sheet to read before a first session: every safety group, consent first, the
    questions to ask, their sources, and how to reach the clinic."""
    article, labels, text, styles = layout.article, layout.labels, layout.text, layout.styles
    safety = article.safety
    flowables: list[Flowable] = [
        text.para("labels.before_title", labels.before_title, styles.title, "H1"),
        text.para("title", article.title, styles.body, "P"),
        notice(layout),
        *voice_note(layout, independent=True),
        *section_heading(layout, "safety", safety.short_heading, safety.summary),
    ]
    names = []
    for kind, group in safety.groups():  # every group it has, in reading order
        flowables += _group(layout, kind, group)
        names.append(f"safety.{kind}")
    if article.questions is not None:
        asked = questions(layout, _Section("questions", questions))
        part = article.questions
        flowables += with_heading(layout, "questions", part.short_heading, part.summary, asked)
        names.append("questions")
    flowables.append(sources(layout, printed_citations(layout, names)))
    # How to reach the clinic, under a plain heading: the closing's is the clinic's own call
    # to action ("Stop living in pain"), which has no place on a sheet about risks.
    heading = text.heading("labels.contact", labels.contact, styles.heading)
    flowables.append(KeepTogether([heading, *contact_run(layout)]))
    return flowables
