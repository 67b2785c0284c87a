"""The clinic's logo, as the handout, the brochure and the poster print it."""

from __future__ import annotations

import io

from reportlab.lib.utils import ImageReader

from ...logo import prepared
from ...model import Clinic
from .tagging import Taggable

__all__ = ["Logo", "read_logo"]


def read_logo(clinic: Clinic) -> ImageReader | None:
    """The clinic's logo, prepared (see `backpain_content.logo`), for ReportLab."""
    if clinic.logo is None:
        return None
    return ImageReader(io.BytesIO(prepared(clinic.logo, "clinic.logo").png))


class Logo(Taggable):
    """A logo `width` by `height` points, set where lines begin (`rtl`: on the right)."""

    def __init__(self, image: ImageReader, width: float, height: float, rtl: bool) -> None:
        super().__init__()
        self.image, self.width, self.height = image, width, height
        self.hAlign = "RIGHT" if rtl else "LEFT"

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.drawImage(self.image, 0, 0, self.width, self.height, mask="auto")
