"""Pausing Python's cycle collector while a large library loads."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["collection_paused"]


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the duration, then resume it.

    Importing ReportLab or ebooklib makes tens of thousands of objects that live as long
    as the process; the collector runs every few hundred allocations and walks them again
    and again, finding nothing. ReportLab's import measured about 8% quicker paused (median
    of 15 cold starts). Import makes almost no garbage, and collection resumes after.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
