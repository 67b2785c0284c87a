"""The handout's QR code: ReportLab's encoder, with the slow parts made quicker.

A clinic group renders a new URL for every clinic, and ReportLab spends most of a
code's time in Python loops: it recomputes the error-correction polynomial, lays the
code out nine times and scores eight candidate masks module by module. Here
ReportLab still reads the URL into bits and lays out the fixed patterns (once per
version), but the error correction uses a cached polynomial, and the candidates are
rows of bits scored with string and bit operations. The result is the code ReportLab
would draw, module for module (a test compares them over many URLs). Imported only
when a clinic has a URL: ReportLab's barcode package loads every barcode it has.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from typing import Any

from reportlab.graphics.barcode import qrencoder as _qrencoder

__all__ = ["MAX_VERSION", "qr_modules", "qr_version"]

MAX_VERSION = 10
"""The largest code the handout prints: 57 modules, each 0.39 mm on the one-inch code,
which a phone reads from paper. About 210 characters of URL at level M."""

# Most of ReportLab's QR internals have no type hints.
qrencoder: Any = _qrencoder

_LEVEL = qrencoder.QRErrorCorrectLevel.M
_RUN = re.compile(r"0{5,}|1{5,}")
_DARK = re.compile(r"1+")
_FINDER = "10111010000"
_EXP = qrencoder.EXP_TABLE
_LOG = qrencoder.LOG_TABLE


@functools.lru_cache(maxsize=256)
def qr_modules(url: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR code for a URL (error correction level M): its size in modules and its
    dark runs (row, first column, length). Recent URLs are kept."""
    version, data = encode(url)
    scores = [_lost_points(rows) for rows in candidates(version, data)]
    best = scores.index(min(scores))  # the first of equals, as ReportLab
    runs = []
    for row, line in enumerate(_lines(masked(version, data, best))):
        runs += [(row, dark.start(), dark.end() - dark.start()) for dark in _DARK.finditer(line)]
    return len(data), tuple(runs)


@functools.lru_cache(maxsize=256)
def qr_version(url: str) -> int:
    """The QR version (size) a URL needs at error correction level M."""
    version: int = _code(url).calculate_version()
    return version


def _code(url: str) -> Any:
    # ReportLab's code object, holding the URL read into bits.
    code = qrencoder.QRCode(None, _LEVEL)
    code.addData(url)
    return code


def encode(url: str) -> tuple[int, list[int]]:
    """The version that fits `url`, and its data and error-correction bits laid out in
    their modules, row by row (bit i of a row is column i)."""
    code = _code(url)
    version: int = code.calculate_version()
    area = _data_area(version)
    rows = [0] * len(area)
    bits = (
        byte >> shift & 1
        for byte in codewords(version, code.dataList)
        for shift in range(7, -1, -1)
    )
    # Light modules pad the area beyond the last bit, as in ReportLab's mapData.
    for (column, row), dark in zip(_data_positions(version), bits, strict=False):
        if dark:
            rows[row] |= 1 << column
    return version, rows


def codewords(version: int, data: Sequence[Any]) -> list[int]:
    """The data and error-correction codewords, interleaved (ReportLab's `createData`)."""
    blocks = qrencoder.QRRSBlock.getRSBlocks(version, _LEVEL)
    capacity = 8 * sum(block.dataCount for block in blocks)
    buffer = qrencoder.QRBitBuffer()
    for item in data:
        item.write(buffer, version)
    if buffer.getLengthInBits() > capacity:
        raise ValueError(f"code length overflow ({buffer.getLengthInBits()} > {capacity})")
    if buffer.getLengthInBits() + 4 <= capacity:
        buffer.put(0, 4)
    while buffer.getLengthInBits() % 8:
        buffer.putBit(False)
    pads = itertools.cycle((qrencoder.QRCode.PAD0, qrencoder.QRCode.PAD1))
    while buffer.getLengthInBits() < capacity:
        buffer.put(next(pads), 8)
    data_blocks, ec_blocks = [], []
    offset = 0
    for block in blocks:
        chunk = list(buffer.buffer[offset : offset + block.dataCount])
        offset += block.dataCount
        data_blocks.append(chunk)
        ec_blocks.append(_remainder(chunk, block.totalCount - block.dataCount))
    return [
        byte
        for group in (data_blocks, ec_blocks)
        for column in itertools.zip_longest(*group)
        for byte in column
        if byte is not None
    ]


def _remainder(data: list[int], count: int) -> list[int]:
    # Reed-Solomon: the remainder of data * x^count divided by the generator.
    generator = _generator_logs(count)
    remainder = data + [0] * count
    for index in range(len(data)):
        lead = remainder[index]
        if lead:
            shift = _LOG[lead]
            for offset, power in enumerate(generator, start=index + 1):
                remainder[offset] ^= _EXP[(shift + power) % 255]
    return remainder[len(data) :]


@functools.lru_cache(maxsize=64)
def _generator_logs(count: int) -> tuple[int, ...]:
    # ReportLab's generator polynomial for `count` codewords, as logarithms of its
    # coefficients after the leading 1. ReportLab recomputes it for every code.
    coefficients = qrencoder.QRUtil.getErrorCorrectPolynomial(count).num
    return tuple(_LOG[coefficient] for coefficient in coefficients[1:])


def candidates(version: int, data: list[int]) -> list[list[int]]:
    """The code under each of the eight masks as ReportLab scores it (type information
    left light), rows as bits."""
    return [masked(version, data, pattern, test=True) for pattern in range(8)]


def masked(version: int, data: list[int], pattern: int, *, test: bool = False) -> list[int]:
    """The finished code with mask `pattern`, rows as bits."""
    frame = _frame(version, pattern, test)
    area = _data_area(version)
    flips = _mask(version, pattern)
    return [
        fixed | ((bits ^ flip) & inside)
        for fixed, bits, flip, inside in zip(frame, data, flips, area, strict=True)
    ]


@functools.lru_cache(maxsize=40)
def _data_positions(version: int) -> list[tuple[int, int]]:
    # Where the data modules go, as (column, row) in ReportLab's order.
    code = qrencoder.QRCode(version, _LEVEL)
    code.moduleCount = version * 4 + 17
    return list(code._dataPosIterator())


@functools.lru_cache(maxsize=40)
def _data_area(version: int) -> tuple[int, ...]:
    # Each row's data modules, as bits.
    rows = [0] * (version * 4 + 17)
    for column, row in _data_positions(version):
        rows[row] |= 1 << column
    return tuple(rows)


@functools.lru_cache(maxsize=640)
def _frame(version: int, pattern: int, test: bool) -> tuple[int, ...]:
    # The finder, timing and alignment patterns and the format and version information,
    # laid out by ReportLab: each row as bits, with the data area left light.
    code = qrencoder.QRCode(version, _LEVEL)
    code.dataCache = []
    code.makeImpl(test, pattern)
    return tuple(
        _bits(row) & ~inside for row, inside in zip(code.modules, _data_area(version), strict=True)
    )


@functools.lru_cache(maxsize=320)
def _mask(version: int, pattern: int) -> tuple[int, ...]:
    # The modules a mask pattern flips, row by row, as bits.
    size = version * 4 + 17
    flips = qrencoder.QRUtil.getMask(pattern)
    return tuple(
        sum(1 << column for column in range(size) if flips(row, column)) for row in range(size)
    )


def _bits(modules: list[bool]) -> int:
    # A row of modules as an integer: bit i is column i.
    return sum(1 << column for column, dark in enumerate(modules) if dark)


def _lines(rows: list[int]) -> list[str]:
    # Rows as strings of "0" and "1", column 0 first.
    size = len(rows)
    return [format(row, f"0{size}b")[::-1] for row in rows]


def lost_points(modules: list[list[bool]]) -> int:
    """ReportLab's penalty score of a candidate code (`QRUtil.getLostPoint`)."""
    return _lost_points([_bits(row) for row in modules])


def _lost_points(rows: list[int]) -> int:
    size = len(rows)
    lines = _lines(rows)
    columns = ["".join(column) for column in zip(*lines, strict=True)]
    # Five or more modules of one colour in a line: 3 points, plus 1 for each beyond 5.
    # The lines are joined with a character that ends every run.
    score = sum(len(run) - 2 for run in _RUN.findall(" ".join(lines + columns)))
    # 3 points for every 2x2 block of one colour.
    pairs = (1 << (size - 1)) - 1
    blocks = 0
    for upper, lower in itertools.pairwise(rows):
        same = ~(upper ^ (upper >> 1)) & ~(lower ^ (lower >> 1)) & ~(upper ^ lower)
        blocks += (same & pairs).bit_count()
    score += 3 * blocks
    # 40 points a finder-like pattern. As in ReportLab: along rows only, without
    # overlaps, and not starting in the last possible place.
    for line in lines:
        start = line.find(_FINDER, 0, size - 1)
        while start >= 0:
            score += 40
            start = line.find(_FINDER, start + len(_FINDER), size - 1)
    dark = sum(row.bit_count() for row in rows)
    return score + 10 * (abs(100 * dark // (size * size) - 50) // 5)
