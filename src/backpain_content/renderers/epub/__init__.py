"""The ePub 3 guide for patients.

ebooklib is AGPL-3.0 licensed, unlike the rest of the project's dependencies, so it is
an optional extra (`backpain-content[epub]`) and is imported only when an ePub is made.
"""

from __future__ import annotations

import importlib.util

from ...errors import ContentError
from ...model import Article, Clinic, PatientPlan
from ...options import EpubOptions

__all__ = ["EXTRA_HINT", "EXTRA_MISSING", "epub_available", "render_epub"]

EXTRA_HINT = "pip install 'backpain-content[epub]'"
"""What to install for ePubs."""
EXTRA_MISSING = (
    f"the ePub format needs the optional extra 'epub' (ebooklib, AGPL-3.0): {EXTRA_HINT}"
)

_DEFAULT_OPTIONS = EpubOptions()


def epub_available() -> bool:
    """Whether the optional `epub` extra is installed."""
    return importlib.util.find_spec("ebooklib") is not None


def render_epub(
    article: Article,
    /,
    *,
    clinic: Clinic | None = None,
    plan: PatientPlan | None = None,
    options: EpubOptions = _DEFAULT_OPTIONS,
) -> bytes:
    """The whole guide as an ePub 3 file, in memory.

    With a patient's `plan`, a "Your plan" page follows the title page (and is in the
    contents), and the home tips chosen are marked; the metadata stays the guide's.
    Raises `ContentError` naming the extra when ebooklib is not installed, or for a plan
    naming a tip the guide has not.
    """
    if not epub_available():
        raise ContentError(None, "format", EXTRA_MISSING)
    from .book import build_epub

    return build_epub(article, clinic, options, plan)
