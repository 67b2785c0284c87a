"""The patient handout, laid out with ReportLab's platypus: the page furniture
(`page.py`) around the story of the guide's sections (`story.py`)."""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass

from reportlab.lib.utils import ImageReader
from reportlab.platypus import PageTemplate
from reportlab.platypus.doctemplate import LayoutError

from ...errors import ContentError
from ...model import Article, Clinic, PatientPlan
from ...options import HandoutOptions
from ..shared import source_date
from .layout import Layout
from .limits import page_limit
from .logo import read_logo
from .page import Furniture, HandoutDoc, document_info
from .story import before_story, story
from .tagging import Tagger

__all__ = ["Handout", "build_handout"]


@dataclass(frozen=True)
class Handout:
    """A rendered handout: the PDF's bytes and how many pages it has."""

    pdf: bytes
    pages: int


def build_handout(
    article: Article,
    clinic: Clinic | None,
    options: HandoutOptions,
    plan: PatientPlan | None = None,
    before: bool = False,
) -> Handout:
    """Lay out and write the handout; see `render_pdf`. `before`: the sheet to read
    before a first session instead (`render_before_session`), which takes no plan.

    When it has one page more than it should, it is laid out again with the clinic's
    details run together, then also with lines 1.2 times the type size apart, then
    without the closing's summary, then without the related guides, then without the
    empty "My plan" box, and the first that is shorter is kept: a guide that fits is
    laid out as designed, one that nearly does (a long translation, a clinic with every
    detail) gets the room it needs. A page or more over is beyond what that saves.
    """
    layout = Layout.make(article, clinic, options, None if before else plan)
    logo = read_logo(layout.clinic)  # read once for every layout tried
    handout = _build(layout, logo, before)
    if handout.pages != page_limit(options) + 1:
        return handout
    compact = dataclasses.replace(layout, compact=True)
    tighter = compact.tighter()
    # What it does without, in turn: the clinic's details a line each, a little space
    # between lines, the closing's summary (its call to action), the line of related
    # guides (the web page and the e-book keep them), and last the empty "My plan" box,
    # which a clinician can write on the back of the page instead.
    no_summary = dataclasses.replace(tighter, closing_summary=False)
    no_related = dataclasses.replace(no_summary, more=())
    no_plan_box = dataclasses.replace(no_related, plan_box=False)
    for shorter in (compact, tighter, no_summary, no_related, no_plan_box):
        made = _build(shorter, logo, before)
        if made.pages < handout.pages:
            return made
    return handout


def _build(layout: Layout, logo: ImageReader | None, before: bool) -> Handout:
    article = layout.article
    title = article.title
    if before:
        title = f"{layout.labels.before_title}{layout.labels.term_separator} {title}"
    furniture = Furniture.make(layout, logo)
    first, later = furniture.frame(first=True), furniture.frame(first=False)
    buffer = io.BytesIO()
    doc = HandoutDoc(
        buffer,
        furniture,
        int(source_date(article).timestamp()),
        pagesize=(layout.page_width, layout.page_height),
        leftMargin=layout.sizes.margin,
        rightMargin=layout.sizes.margin,
        topMargin=layout.sizes.margin,
        bottomMargin=layout.sizes.margin,
        pageTemplates=[
            PageTemplate(id="first", frames=[first], autoNextPageTemplate="later"),
            PageTemplate(id="later", frames=[later]),
        ],
        **document_info(layout, title),
    )
    try:
        tagger = Tagger(title=title, lang=article.language)
        flowables = before_story(layout) if before else story(layout, first.height)
        doc.build(flowables, canvasmaker=doc.canvas_maker(tagger))
    except LayoutError as exc:
        raise ContentError(None, None, f"the handout cannot be laid out: {exc}") from None
    return Handout(buffer.getvalue(), doc.page)
