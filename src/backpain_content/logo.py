"""A clinic's logo: found only inside the folder the caller allows, read within bounds,
and prepared once for every format (upright, in a colour mode every format draws, and no
larger than its largest printed size needs).

A clinic file comes from people the package does not control, so its logo path and
image are untrusted: a path must not reach another clinic's files, and an image must not
take unbounded memory or time (a "decompression bomb": a few hundred kilobytes of PNG
that decode to gigabytes).
"""

from __future__ import annotations

import functools
import io
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ContentError

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "MAX_BYTES",
    "MAX_PIXELS",
    "MAX_SIDE",
    "UNUSABLE",
    "Logo",
    "find_logo",
    "fitted",
    "prepared",
]

MAX_BYTES = 20 * 1024 * 1024
"""The largest logo file read: a logo is tens of kilobytes; a camera's photo a few MB."""
MAX_PIXELS = 25_000_000
"""The most pixels a logo may have before it is decoded (a 12-megapixel photo is fine)."""
MAX_SIDE = 1200
"""Longest side of the prepared logo, in pixels: 4 inches at 300 dpi, more than any
format prints it (the handout's header: at most 2.5 inches wide)."""

UNUSABLE = "must be a readable PNG or JPEG image inside the clinic file's folder"
"""The one message for a logo that is missing, outside the folder, unreadable, not an
image or damaged: different messages would tell a clinic file's author which paths
exist outside its folder."""

_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


@dataclass(frozen=True)
class Logo:
    """A prepared logo: PNG bytes, upright, RGB or RGBA, at most `MAX_SIDE` pixels a side."""

    png: bytes
    width: int
    height: int


def find_logo(value: str, clinic_file: Path, root: Path | None = None) -> Path:
    """The absolute, resolved path of the logo a clinic file names.

    A relative path is read from the clinic file's folder. Whatever the path (relative,
    absolute, through `..` or a symbolic link), the file it resolves to must lie inside
    `root`, the clinic file's folder unless the caller allows another.
    """
    folder = (root or clinic_file.parent).resolve()
    try:
        candidate = (clinic_file.parent / value).resolve(strict=True)
        inside = candidate.is_relative_to(folder) and candidate.is_file()
    except (OSError, RuntimeError, ValueError):  # missing, a loop of links, a NUL byte
        inside = False
    if not inside:
        raise ContentError(clinic_file, "logo", UNUSABLE)
    return candidate


def prepared(path: Path, field: str = "logo", source: str | Path | None = None) -> Logo:
    """The logo at `path`, read and prepared; `ContentError` naming `source` and `field`.

    Recent logos are kept, keyed by the file's size and modification time too, so a
    clinic's logo is decoded once for all its renders and a changed file is read again.
    """
    try:
        status = path.stat()
    except OSError:
        raise ContentError(source, field, UNUSABLE) from None
    return _prepare(path, status.st_size, status.st_mtime_ns, field, str(source or ""))


@functools.lru_cache(maxsize=32)
def _prepare(path: Path, size: int, mtime_ns: int, field: str, source: str) -> Logo:
    # Pillow loads only when a logo is used: a clinic app without logos never pays for it.
    from PIL import Image, ImageOps, UnidentifiedImageError

    where = source or None
    if size > MAX_BYTES:
        raise ContentError(
            where, field, f"is larger than {MAX_BYTES // 2**20} MB; use a smaller image"
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError:
        raise ContentError(where, field, UNUSABLE) from None
    kind = next((k for signature, k in _SIGNATURES.items() if data.startswith(signature)), None)
    dimensions = _dimensions(data, kind)
    if kind is None or dimensions is None or len(data) > MAX_BYTES:
        raise ContentError(where, field, UNUSABLE)
    width, height = dimensions
    # Checked from the file's header before Pillow opens it: Pillow's own check warns
    # (on standard error) only far above this, and decodes everything below that.
    if width * height > MAX_PIXELS:
        raise ContentError(
            where,
            field,
            f"has {width} x {height} pixels; at most {MAX_PIXELS // 10**6} million are read",
        )
    try:
        opened = Image.open(io.BytesIO(data), formats=[kind])
        if opened.size != dimensions:
            raise ContentError(where, field, UNUSABLE)
        # A JPEG can be decoded straight at a smaller scale, which saves most of the work.
        opened.draft("RGB", (MAX_SIDE, MAX_SIDE))
        opened.load()
        image = _display_mode(ImageOps.exif_transpose(opened))
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=6)
    except ContentError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ContentError(where, field, UNUSABLE) from None
    return Logo(buffer.getvalue(), image.width, image.height)


def fitted(logo: Logo, width: int, height: int) -> Logo:
    """`logo` scaled down, if need be, to fit `width` x `height` pixels (for a web page or a
    cover, which need fewer pixels than print)."""
    if logo.width <= width and logo.height <= height:
        return logo
    return _fitted(logo, width, height)


@functools.lru_cache(maxsize=32)
def _fitted(logo: Logo, width: int, height: int) -> Logo:
    from PIL import Image

    image = Image.open(io.BytesIO(logo.png))
    image.thumbnail((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return Logo(buffer.getvalue(), image.width, image.height)


def _dimensions(data: bytes, kind: str | None) -> tuple[int, int] | None:
    """Width and height from a PNG's or JPEG's header, or None when it has none."""
    if kind == "PNG":
        # The signature, then the IHDR chunk: length, type, width, height.
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if kind == "JPEG":
        at = 2
        while at + 9 < len(data):
            if data[at] != 0xFF:
                return None
            marker = data[at + 1]
            if marker == 0xFF:  # fill byte
                at += 1
                continue
            (length,) = struct.unpack(">H", data[at + 2 : at + 4])
            # A start-of-frame segment (not DHT, JPG or DAC, which share the range).
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[at + 5 : at + 9])
                return width, height
            at += 2 + length
    return None


def _display_mode(image: Image.Image) -> Image.Image:
    """The image in RGB, or RGBA where it has any transparency."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit greyscale: scale to 8 bits; converting straight to "L" clips every value
        # above 255 to white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")
