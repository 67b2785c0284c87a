"""The printable patient handout (PDF).

ReportLab is imported only when a handout is rendered, so `import backpain_content`
and HTML-only users stay light.
"""

from __future__ import annotations

from ...model import Article, Clinic, PatientPlan
from ...options import HandoutOptions
from .limits import LARGE_PRINT_PAGES, STANDARD_PAGES, page_limit

__all__ = ["LARGE_PRINT_PAGES", "STANDARD_PAGES", "page_limit", "render_pdf"]

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
