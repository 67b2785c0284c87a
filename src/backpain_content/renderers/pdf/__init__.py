"""The printable patient handout (PDF), and the waiting room's brochure and poster.

ReportLab is imported only when a handout is rendered, so `import backpain_content`
and HTML-only users stay light.
"""

from __future__ import annotations

from ...model import Article, Clinic, PatientPlan
from ...options import HandoutOptions, Paper
from .limits import LARGE_PRINT_PAGES, STANDARD_PAGES, page_limit

__all__ = [
    "LARGE_PRINT_PAGES",
    "STANDARD_PAGES",
    "page_limit",
    "render_before_session",
    "render_brochure",
    "render_pdf",
    "render_poster",
]

_DEFAULT_OPTIONS = HandoutOptions()


def render_pdf(
    article: Article,
    /,
    *,
    clinic: Clinic | None = None,
    plan: PatientPlan | None = None,
    options: HandoutOptions = _DEFAULT_OPTIONS,
) -> bytes:
    """The patient handout as PDF bytes: plain-language summaries on at most two pages.

    With a patient's `plan`, the "My plan" box holds it and the home tips chosen are
    marked; nothing of it goes into the PDF's metadata. Raises `ContentError` for a logo
    that cannot be read, text the font cannot draw, or a plan naming a tip the guide has not.
    """
    from .handout import build_handout

    return build_handout(article, clinic, options, plan).pdf


def render_before_session(
    article: Article,
    /,
    *,
    clinic: Clinic | None = None,
    options: HandoutOptions = _DEFAULT_OPTIONS,
) -> bytes:
    """The sheet to read before a first session as PDF bytes, at most two pages (six in
    large print): what consent covers, every side effect and risk, what to tell the
    physiotherapist, when to get help, and the questions to ask. It goes with the handout,
    which has room for what a patient needs once home, not for all of this.

    Raises `ContentError` as `render_pdf` does.
    """
    from .handout import build_handout

    return build_handout(article, clinic, options, before=True).pdf


def render_brochure(
    article: Article, /, *, clinic: Clinic | None = None, paper: Paper = "letter"
) -> bytes:
    """The tri-fold brochure for the waiting room's rack as PDF bytes: one landscape sheet
    (`paper`), both sides, folded as a letter; text at 12 pt, or 11 pt where it must.

    Raises `ContentError` when the guide does not fit even at 11 pt with only what the
    brochure must hold (the message says by how much), and as `render_pdf` does.
    """
    from .brochure import build_brochure

    return build_brochure(article, clinic, paper).pdf


def render_poster(
    article: Article, /, *, clinic: Clinic | None = None, paper: Paper = "letter"
) -> bytes:
    """The waiting room's poster as PDF bytes: one portrait page, tabloid for `letter`
    and A3 for `a4`, with a QR code to the guide online (the clinic's `guide_url`, else
    its booking page or website).

    Raises `ContentError` when the title and three key points do not fit (the message
    says by how much), and as `render_pdf` does.
    """
    from .poster import build_poster

    return build_poster(article, clinic, paper).pdf
