"""What a PDF really draws, glyph by glyph, and what it says its text is.

- `drawn_glyphs(pdf, font)`: the original font's glyph ids drawn with `font`, in order,
  read from the content streams: each drawn code goes through the embedded subset's cmap
  to its glyph, and that glyph back to the original font's glyph(s) with the same outline
  and advance (ReportLab renumbers glyphs when it subsets a font).
- `harfbuzz_glyphs(word, font)`: the glyph ids HarfBuzz gives the word, shaped as
  ReportLab asks (kerning and ligatures), and `cmap_glyphs`: the unshaped ones, a code
  point each.
- `check_shaping(pdf, words, font)`: each word drawn as HarfBuzz shapes it, none as
  its unshaped code points.
- `reading_text(pdf)`: the text pdftotext gives back, in the page's reading order.
"""

from __future__ import annotations

import functools
import io
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uharfbuzz as hb
from fontTools.ttLib import TTFont
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import ContentStream

from needs import require_tool


def _outline(font: TTFont, name: str) -> tuple[Any, ...]:
    glyf = font["glyf"]
    glyph = glyf[name]
    advance = font["hmtx"][name][0]
    if glyph.numberOfContours == 0:
        return ("empty", advance)
    coordinates, ends, _ = glyph.getCoordinates(glyf)
    return (advance, tuple(ends), tuple(coordinates))


@functools.cache
def _by_outline(path: str, index: int = 0) -> dict[tuple[Any, ...], frozenset[int]]:
    font = TTFont(path, fontNumber=index, lazy=False)
    found: dict[tuple[Any, ...], set[int]] = {}
    for glyph_id, name in enumerate(font.getGlyphOrder()):
        found.setdefault(_outline(font, name), set()).add(glyph_id)
    return {key: frozenset(ids) for key, ids in found.items()}


@functools.cache
def postscript_name(path: str, index: int = 0) -> str:
    return str(TTFont(path, fontNumber=index, lazy=True)["name"].getDebugName(6))


def drawn_glyphs(pdf: bytes, path: str, index: int = 0) -> list[list[frozenset[int]]]:
    """The glyphs drawn with the font at `path`, in content-stream order, as sets of the
    original font's glyph ids (a set: a font may give two glyphs one outline); a list for
    each text object (a word, as a handout set word by word draws them), so that a match
    never runs from one word into the next."""
    name = postscript_name(path, index)
    originals = _by_outline(path, index)
    reader = PdfReader(io.BytesIO(pdf))
    drawn: list[list[frozenset[int]]] = []
    for page in reader.pages:
        codes: dict[str, dict[int, frozenset[int]]] = {}
        for resource, reference in page["/Resources"]["/Font"].items():
            font = reference.get_object()
            if str(font["/BaseFont"]).split("+", 1)[-1] != name:
                continue
            data = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
            subset = TTFont(io.BytesIO(data))
            cmap = subset["cmap"].tables[0].cmap
            codes[resource] = {
                code: originals.get(_outline(subset, glyph), frozenset())
                for code, glyph in cmap.items()
            }
        current: dict[int, frozenset[int]] | None = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"BT":
                drawn.append([])
            elif operator == b"Tf":
                current = codes.get(str(operands[0]))
            elif current is not None and operator in (b"Tj", b"TJ", b"'", b'"'):
                items = operands[0] if operator == b"TJ" else [operands[-1]]
                for item in items:
                    if isinstance(item, bytes | str):
                        raw = getattr(item, "original_bytes", None) or (
                            item if isinstance(item, bytes) else item.encode("latin-1")
                        )
                        drawn[-1].extend(current.get(code, frozenset()) for code in raw)
    return drawn


@functools.cache
def _face(path: str, index: int) -> hb.Face:
    return hb.Face(hb.Blob.from_file_path(path), index)


def harfbuzz_glyphs(word: str, path: str, index: int = 0) -> list[int]:
    """The glyph ids HarfBuzz gives `word`, as ReportLab asks it to shape."""
    font = hb.Font(_face(path, index))
    buffer = hb.Buffer()
    buffer.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    buffer.add_str(word)
    buffer.guess_segment_properties()
    hb.shape(font, buffer, {"kern": True, "liga": True, "dlig": True})
    return [info.codepoint for info in buffer.glyph_infos]


@functools.cache
def _cmap(path: str, index: int) -> dict[int, int]:
    font = TTFont(path, fontNumber=index, lazy=True)
    order = {name: number for number, name in enumerate(font.getGlyphOrder())}
    return {code: order[name] for code, name in font.getBestCmap().items()}


def cmap_glyphs(word: str, path: str, index: int = 0) -> list[int]:
    """The glyph of each of `word`'s code points, unshaped."""
    cmap = _cmap(path, index)
    return [cmap.get(ord(char), 0) for char in word]


def _contains(drawn: list[list[frozenset[int]]], glyphs: list[int]) -> bool:
    size = len(glyphs)
    return any(
        all(glyphs[k] in run[start + k] for k in range(size))
        for run in drawn
        for start in range(len(run) - size + 1)
    )


@dataclass
class Shaping:
    """How the words of a text were drawn."""

    words: int = 0
    changed: list[str] = field(default_factory=list)
    """Words whose shaped glyphs differ from their code points' (joined, reordered...)."""
    drawn_shaped: int = 0
    missing: list[str] = field(default_factory=list)
    """Words not drawn as HarfBuzz shapes them."""
    drawn_unshaped: list[str] = field(default_factory=list)
    """Changed words drawn as their unshaped code points (left to right or reversed)."""


def check_shaping(pdf: bytes, words: list[str], path: str, index: int = 0) -> Shaping:
    """Whether each of `words` is drawn with the font at `path` as HarfBuzz shapes it."""
    drawn = drawn_glyphs(pdf, path, index)
    result = Shaping(words=len(words))
    for word in words:
        shaped = harfbuzz_glyphs(word, path, index)
        unshaped = cmap_glyphs(word, path, index)
        if _contains(drawn, shaped):
            result.drawn_shaped += 1
        else:
            result.missing.append(word)
        if shaped not in (unshaped, unshaped[::-1]):
            result.changed.append(word)
            if _contains(drawn, unshaped) or _contains(drawn, unshaped[::-1]):
                result.drawn_unshaped.append(word)
    return result


def reading_text(pdf_path: Path, rtl: bool = False) -> str:
    """A handout's text as pdftotext gives it back, word by word with their places.

    A paragraph set word by word (right-to-left or shaped text) marks each word with its
    ActualText, the word as written, and pdftotext gives each back where the word begins
    (with no height): words on one line share that height, and are read from the left, or
    from the right in a right-to-left handout. Other words (ReportLab's own paragraphs)
    are placed by their glyphs' boxes: a line is the words whose bottoms are within a few
    points. pdftotext's own reading order across a line of words drawn one by one, and
    across their lines, is a guess; this is the page's order."""
    tool = require_tool("pdftotext")
    xhtml = subprocess.run(
        [tool, "-bbox", str(pdf_path), "-"], capture_output=True, check=True, timeout=60
    ).stdout
    root = etree.fromstring(xhtml, etree.HTMLParser(encoding="utf-8"))
    lines: list[list[tuple[float, str]]] = []
    for page in root.iter("page"):
        words = sorted(
            (float(w.get("ymax") or 0), float(w.get("xmin") or 0), (w.text or "").strip())
            for w in page.iter("word")
        )
        bottom = None
        for y, x, text in words:
            if bottom is None or y - bottom > 3:
                lines.append([])
                bottom = y
            lines[-1].append((-x if rtl else x, text))
    return "\n".join(" ".join(t for _, t in sorted(line)) for line in lines)
