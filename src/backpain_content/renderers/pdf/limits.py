"""How many pages a handout should have: its promise to the front desk."""

from __future__ import annotations

from ...options import HandoutOptions

__all__ = ["LARGE_PRINT_PAGES", "STANDARD_PAGES", "page_limit"]

STANDARD_PAGES = 2
"""The standard handout's promise: at most this many pages, on Letter or A4."""
LARGE_PRINT_PAGES = 6
"""The large-print handout's promise."""


def page_limit(options: HandoutOptions) -> int:
    """The most pages a handout printed with `options` should have."""
    return LARGE_PRINT_PAGES if options.large_print else STANDARD_PAGES
