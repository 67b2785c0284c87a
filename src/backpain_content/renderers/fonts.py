"""Where the fonts are: ReportLab, a dependency already, ships Bitstream Vera."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

__all__ = ["vera"]


@functools.cache
def _fonts_folder() -> Path:
    # Found without importing ReportLab, so the ePub cover does not load it.
    spec = importlib.util.find_spec("reportlab")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a dependency
        raise ModuleNotFoundError("reportlab, whose Vera fonts are used, is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts"


def vera(name: str) -> Path:
    """Full path of one of ReportLab's Vera fonts, such as `VeraBd.ttf`."""
    return _fonts_folder() / name
