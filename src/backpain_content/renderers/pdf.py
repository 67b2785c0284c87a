"""The printable patient handout (PDF): options and entry point.

ReportLab is imported only when a handout is rendered, so `import backpain_content`
and HTML-only users stay light.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .._gc import collection_paused
from ..model import Article, Clinic

__all__ = ["LARGE_PRINT_PAGES", "STANDARD_PAGES", "HandoutOptions", "handout_pages", "render_pdf"]

STANDARD_PAGES = 2
"""The standard handout's promise: at most this many pages, on Letter or A4."""
LARGE_PRINT_PAGES = 6
"""The large-print handout's promise."""


class HandoutOptions(BaseModel):
    """How to print the handout."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    paper: Literal["letter", "a4"] = "letter"
    """Paper size: `letter` (North America) or `a4`."""
    large_print: bool = False
    """Large print: 18 pt sans-serif body text, for people with low vision."""


_DEFAULT_OPTIONS = HandoutOptions()


def render_pdf(
    article: Article,
    /,
    *,
    clinic: Clinic | None = None,
    options: HandoutOptions = _DEFAULT_OPTIONS,
) -> bytes:
    """The patient handout as PDF bytes: plain-language summaries on at most two pages.

    Raises `ContentError` for a logo that cannot be read or text the font cannot draw.
    """
    with collection_paused():
        from ._handout import build_handout

    return build_handout(article, clinic, options)


def handout_pages(pdf: bytes) -> int:
    """Number of pages of a handout that `render_pdf` made (its page tree's /Count)."""
    # ReportLab writes one flat, uncompressed page tree: << /Count N /Kids [...] /Type /Pages >>.
    counts = [int(n) for n in re.findall(rb"/Count (\d+) /Kids \[[^\]]*\] /Type /Pages", pdf)]
    return max(counts, default=0)
