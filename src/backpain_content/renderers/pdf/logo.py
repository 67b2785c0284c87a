"""The clinic's logo, as the handout prints it."""

from __future__ import annotations

import io

from reportlab.lib.utils import ImageReader

from ...logo import prepared
from ...model import Clinic

__all__ = ["read_logo"]


def read_logo(clinic: Clinic) -> ImageReader | None:
    """The clinic's logo, prepared (see `backpain_content.logo`), for ReportLab."""
    if clinic.logo is None:
        return None
    return ImageReader(io.BytesIO(prepared(clinic.logo, "clinic.logo").png))
