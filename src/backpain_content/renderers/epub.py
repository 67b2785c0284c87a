"""The ePub 3 guide for patients: options and entry point.

ebooklib is AGPL-3.0 licensed, unlike the rest of the project's dependencies, so it is
an optional extra (`backpain-content[epub]`) and is imported only when an ePub is made.
"""

from __future__ import annotations

import importlib.util

from pydantic import BaseModel, ConfigDict

from .._gc import collection_paused
from ..errors import ContentError
from ..model import Article, Clinic

__all__ = ["EXTRA_MISSING", "EpubOptions", "render_epub"]

EXTRA_MISSING = (
    "the ePub format needs the optional extra 'epub' (ebooklib, AGPL-3.0): "
    "pip install 'backpain-content[epub]'"
)


class EpubOptions(BaseModel):
    """How to make the ePub."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cover: bool = True
    """Draw a cover image with the title and the clinic's name."""


_DEFAULT_OPTIONS = EpubOptions()


def epub_available() -> bool:
    """Whether the optional `epub` extra is installed."""
    return importlib.util.find_spec("ebooklib") is not None


def render_epub(
    article: Article,
    /,
    *,
    clinic: Clinic | None = None,
    options: EpubOptions = _DEFAULT_OPTIONS,
) -> bytes:
    """The whole guide as an ePub 3 file, in memory.

    Raises `ContentError` naming the extra when ebooklib is not installed.
    """
    if not epub_available():
        raise ContentError(None, "format", EXTRA_MISSING)
    with collection_paused():
        from ._epub_book import build_epub

    return build_epub(article, clinic, options)
