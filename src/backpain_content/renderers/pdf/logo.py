"""The clinic's logo, as the handout prints it."""

from __future__ import annotations

import io

from reportlab.lib.utils import ImageReader

from ...errors import ContentError
from ...model import Clinic

__all__ = ["read_logo"]


def read_logo(clinic: Clinic) -> ImageReader | None:
    """The clinic's logo, read once; a missing or broken file is a clear error."""
    if clinic.logo is None:
        return None
    try:
        data = clinic.logo.read_bytes()
    except OSError as exc:
        raise ContentError(clinic.logo, "logo", f"cannot be read ({exc.strerror or exc})") from None
    if not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        raise ContentError(clinic.logo, "logo", "is not a PNG or JPEG image")
    try:
        reader = ImageReader(io.BytesIO(data))
        reader.getSize()
        # Decode it all now: a truncated file would otherwise fail in the middle of layout.
        reader.getRGBData()  # type: ignore[no-untyped-call]
    except Exception:
        raise ContentError(clinic.logo, "logo", "is a damaged or unsupported image") from None
    return reader
