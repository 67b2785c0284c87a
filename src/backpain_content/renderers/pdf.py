"""The printable patient handout (PDF): options and entry point.

ReportLab is imported only when a handout is rendered, so `import backpain_content`
and HTML-only users stay light.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..model import Article, Clinic

__all__ = ["HandoutOptions", "render_pdf"]


class HandoutOptions(BaseModel):
    """How to print the handout."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

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
    from ._handout import build_handout

    return build_handout(article, clinic, options)
