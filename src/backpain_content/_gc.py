"""Python's cycle collector around loading large libraries and forking."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["collection_paused", "frozen_for_fork"]


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


@contextlib.contextmanager
def frozen_for_fork() -> Iterator[None]:
    """Freeze every object for the duration, for processes forked meanwhile.

    As the gc module's documentation advises before fork(): what the children inherit
    is then skipped by their collections, and stays shared with this process. Here
    it is unfrozen afterwards, so this process collects as before.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
