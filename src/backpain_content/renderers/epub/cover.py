"""The ePub's cover image: the title and the clinic's name, drawn with Pillow."""

from __future__ import annotations

import functools
import io
import threading

from PIL import Image, ImageDraw, ImageFont

from ...logo import Logo, fitted
from ..fonts import font_files, main_script, scripts_of, vera, vera_draws

__all__ = ["draw_cover"]

WIDTH, HEIGHT = 1200, 1800
_PNG_LEVEL = 3  # quick to encode, and within a third of the smallest
_MARGIN = 110


@functools.cache
def _font(name: str, size: int, index: int = 0) -> ImageFont.FreeTypeFont:
    path = vera(name) if "/" not in name else name
    return ImageFont.truetype(str(path), size, index=index)


_RTL_SCRIPTS = frozenset({"Arab", "Hebr"})


@functools.cache
def _charset(path: str, index: int) -> frozenset[int]:
    # ReportLab's reader of TrueType files (a dependency already), for text Vera lacks.
    from reportlab.pdfbase.ttfonts import TTFontFile

    return frozenset(TTFontFile(path, subfontIndex=index).charToGlyph)


def _face(text: str, bold: bool) -> tuple[str, int, str | None] | None:
    """The font file (and index) that draws every character of `text`, and its direction
    for Pillow's layout: Vera when it can, else the family of one of the text's scripts
    (DejaVu Sans has Latin beside Arabic and Hebrew); None when no one font can."""
    if vera_draws(text):
        return ("VeraBd.ttf" if bold else "Vera.ttf"), 0, None
    scripts = [*sorted(scripts_of(text) - {"Latn"}), "Latn"]
    direction = "rtl" if main_script(text) in _RTL_SCRIPTS else None
    for script in scripts:
        files = font_files(script)
        if files is None:
            continue
        path = str(files.bold if bold and files.bold else files.regular)
        if all(char.isspace() or ord(char) in _charset(path, files.subfont) for char in text):
            return path, files.subfont, direction
    return None


def _wrap(
    text: str, font: ImageFont.FreeTypeFont, width: int, direction: str | None = None
) -> list[str]:
    """Greedy line breaking; a word wider than the line is broken between characters."""

    def length(part: str) -> float:
        return float(font.getlength(part, direction=direction))

    lines: list[str] = []
    line = ""
    for word in text.split():
        while length(word) > width:
            cut = max(1, next(i for i in range(len(word), 0, -1) if length(word[:i]) <= width))
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{line} {word}" if line else word
        if length(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _fit(
    text: str,
    name: str,
    size: int,
    width: int,
    max_lines: int,
    index: int = 0,
    direction: str | None = None,
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size, down to a floor, at which the text fits in `max_lines` lines."""
    while True:
        font = _font(name, size, index)
        lines = _wrap(text, font, width, direction)
        if len(lines) <= max_lines or size <= 28:
            return font, lines[:max_lines]
        size -= 6


# Pillow's FreeType fonts are kept and shared (`_font`), and one font must not lay out text
# in two threads at once.
_DRAWING = threading.Lock()


LOGO_BOX = (560, 120)
"""The most pixels the clinic's logo takes on the cover, above the title."""


def draw_cover(
    title: str, clinic: str, accent: str, logo: Logo | None = None, name: str | None = None
) -> bytes:
    """A PNG cover: see `_draw_cover`; one thread at a time draws. `name` is the clinic's
    name alone, shown when no one font draws the whole of `clinic` (a Latin name in a
    Punjabi phrase)."""
    with _DRAWING:
        return _draw_cover(title, clinic, accent, logo and fitted(logo, *LOGO_BOX), name)


@functools.lru_cache(maxsize=64)
def _draw_cover(
    title: str, clinic: str, accent: str, logo: Logo | None, name: str | None = None
) -> bytes:
    """A PNG cover: the title in white on the clinic's accent colour, the clinic's name below,
    and the clinic's logo above, on a white panel so that its own colours show.

    Drawing and compressing it is most of an ePub's time, and the same title, clinic,
    colour and logo always give the same picture, so recent covers are kept.
    """
    # Drawn as a white-on-black mask, then coloured through a palette that runs from the
    # accent to white: one byte a pixel, so the PNG is a third the size and quick to encode.
    mask = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(mask)
    width = WIDTH - 2 * _MARGIN
    draw.rectangle(
        (_MARGIN // 2, _MARGIN // 2, WIDTH - _MARGIN // 2, HEIGHT - _MARGIN // 2),
        outline=255,
        width=6,
    )

    # Text in a script no installed font has is left off the picture; the cover's text
    # alternative still says it.
    face = _face(title, bold=True)
    if face is not None:
        font_name, index, direction = face
        font, lines = _fit(title, font_name, 110, width, 8, index, direction)
        y = 260
        for line in lines:
            _line(draw, y, line, font, direction)
            y += int(font.size * 1.25)

    face = _face(clinic, bold=False)
    if face is None and name is not None:
        clinic, face = name, _face(name, bold=False)
    if face is not None:
        font_name, index, direction = face
        font, lines = _fit(clinic, font_name, 64, width, 4, index, direction)
        y = HEIGHT - 260 - int(font.size * 1.3) * (len(lines) - 1)
        draw.line((_MARGIN, y - 60, WIDTH - _MARGIN, y - 60), fill=255, width=4)
        for line in lines:
            _line(draw, y, line, font, direction)
            y += int(font.size * 1.3)

    image = Image.frombytes("P", mask.size, mask.tobytes())
    image.putpalette(_palette(accent))
    if logo is not None:
        image = _with_logo(image, logo)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=_PNG_LEVEL)
    return buffer.getvalue()


def _line(
    draw: ImageDraw.ImageDraw,
    y: int,
    line: str,
    font: ImageFont.FreeTypeFont,
    direction: str | None,
) -> None:
    """One line of the cover's text, from the left margin, or from the right one for
    right-to-left text."""
    if direction == "rtl":
        draw.text((WIDTH - _MARGIN, y), line, font=font, fill=255, direction="rtl", anchor="ra")
    else:
        draw.text((_MARGIN, y), line, font=font, fill=255)


def _with_logo(cover: Image.Image, logo: Logo) -> Image.Image:
    """The cover in full colour, the logo on a white panel in the band above the title."""
    picture = Image.open(io.BytesIO(logo.png))
    pad = 20
    top = 100 + (LOGO_BOX[1] - logo.height) // 2
    coloured = cover.convert("RGB")
    ImageDraw.Draw(coloured).rounded_rectangle(
        (_MARGIN - pad, top - pad, _MARGIN + logo.width + pad, top + logo.height + pad),
        radius=12,
        fill="white",
    )
    coloured.paste(picture, (_MARGIN, top), picture if picture.mode == "RGBA" else None)
    return coloured


def _palette(accent: str) -> list[int]:
    """256 colours from the accent colour (0) to white (255)."""
    start = [int(accent[i : i + 2], 16) for i in (1, 3, 5)]
    return [round(c + (255 - c) * level / 255) for level in range(256) for c in start]
