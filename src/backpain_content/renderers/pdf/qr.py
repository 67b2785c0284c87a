"""The QR code printed on handouts: ReportLab's own encoder, drawn as one filled path.

Imported only when a clinic has a URL: ReportLab's barcode package loads every
barcode it has.
"""

from __future__ import annotations

import functools
from typing import Any

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors

from .tagging import Taggable

__all__ = ["MAX_VERSION", "QUIET_ZONE", "QrCode", "qr_version"]

MAX_VERSION = 10
"""The largest code the handout prints: 57 modules, each 0.39 mm on the one-inch code,
which a phone reads from paper. About 210 characters of URL at level M."""

QUIET_ZONE = 4
"""Light modules around the code, as the QR standard asks."""

# ReportLab's encoder has no type hints.
_LEVEL: Any = qrencoder.QRErrorCorrectLevel.M


def _code(url: str) -> Any:
    code = qrencoder.QRCode(None, _LEVEL)
    code.addData(url)
    return code


@functools.lru_cache(maxsize=256)
def qr_version(url: str) -> int:
    """The QR version (size) a URL needs at error correction level M."""
    version: int = _code(url).calculate_version()
    return version


@functools.lru_cache(maxsize=256)
def _modules(url: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The code's size in modules and its dark runs (row, first column, length).

    Encoding is most of a code's time and every handout for the same clinic prints
    the same one, so recent URLs are kept.
    """
    code = _code(url)
    code.make()
    count: int = code.getModuleCount()
    runs: list[tuple[int, int, int]] = []
    for row in range(count):
        start = None
        for column in range(count + 1):
            dark = column < count and code.isDark(row, column)
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                runs.append((row, start, column - start))
                start = None
    return count, tuple(runs)


class QrCode(Taggable):
    """A QR code for `url`, `size` points square, quiet zone included."""

    def __init__(self, url: str, size: float) -> None:
        super().__init__()
        self.count, self.runs = _modules(url)
        self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        unit = self.size / (self.count + 2 * QUIET_ZONE)
        path = self.canv.beginPath()
        for row, column, length in self.runs:
            top = self.size - (QUIET_ZONE + row) * unit
            path.rect((QUIET_ZONE + column) * unit, top - unit, length * unit, unit)
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)
