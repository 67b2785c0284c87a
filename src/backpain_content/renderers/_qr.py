"""The handout's QR code: ReportLab's encoder, with its mask choice made quicker.

Choosing a mask means scoring eight candidate codes, which ReportLab does in slow
Python loops; a clinic group renders a new URL for every clinic. The scores here are
computed with string and bit operations, and equal ReportLab's to the point, so the
same mask is chosen and the code is the one ReportLab would draw (a test compares
them). Imported only when a clinic has a URL: ReportLab's barcode package loads every
barcode it has.
"""

from __future__ import annotations

import functools
import itertools
import re

from reportlab.graphics.barcode import qrencoder

__all__ = ["qr_modules"]

_RUN = re.compile(r"0{5,}|1{5,}")
_FINDER = "10111010000"


def _runs(lines: list[str]) -> int:
    # Five or more modules of one colour in a line: 3 points, plus 1 for each beyond 5.
    return sum(len(run) - 2 for line in lines for run in _RUN.findall(line))


def _finder_like(lines: list[str], size: int) -> int:
    # 40 points a finder-like pattern. As in ReportLab: along rows only, without
    # overlaps, and not starting in the last possible place.
    score = 0
    end = size - 1
    for line in lines:
        start = line.find(_FINDER, 0, end)
        while start >= 0:
            score += 40
            start = line.find(_FINDER, start + len(_FINDER), end)
    return score


def lost_points(modules: list[list[bool]]) -> int:
    """ReportLab's penalty score of a candidate code (`QRUtil.getLostPoint`)."""
    size = len(modules)
    rows = ["".join("1" if module else "0" for module in row) for row in modules]
    columns = ["".join(column) for column in zip(*rows, strict=True)]
    score = _runs(rows) + _runs(columns)
    # 3 points for every 2x2 block of one colour; bit i of a row is column i.
    bits = [int(row[::-1], 2) for row in rows]
    pairs = (1 << (size - 1)) - 1
    blocks = 0
    for upper, lower in itertools.pairwise(bits):
        same = ~(upper ^ (upper >> 1)) & ~(lower ^ (lower >> 1)) & ~(upper ^ lower)
        blocks += (same & pairs).bit_count()
    score += 3 * blocks + _finder_like(rows, size)
    dark = sum(row.count("1") for row in rows)
    return score + 10 * (abs(100 * dark // (size * size) - 50) // 5)


class _QuickMaskCode(qrencoder.QRCode):
    def getBestMaskPattern(self) -> int:
        best: int | None = None
        pattern = 0
        for candidate in range(8):
            self.makeImpl(True, candidate)
            lost = lost_points(self.modules)
            if best is None or lost < best:
                best, pattern = lost, candidate
        return pattern


@functools.lru_cache(maxsize=256)
def qr_modules(url: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR code for a URL (error correction level M): its size in modules and its
    dark runs (row, first column, length). Recent URLs are kept."""
    code = _QuickMaskCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(url)
    code.make()
    runs = []
    for row, modules in enumerate(code.modules):
        column = 0
        for dark, group in itertools.groupby(bool(module) for module in modules):
            length = len(list(group))
            if dark:
                runs.append((row, column, length))
            column += length
    return len(code.modules), tuple(runs)
