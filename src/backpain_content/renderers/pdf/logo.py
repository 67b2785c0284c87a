"""The clinic's logo, as the handout, the brochure and the poster print it."""

from __future__ import annotations

import io

from reportlab.lib.utils import ImageReader

from ...logo import prepared
from ...model import Clinic
from .layout import Layout
from .tagging import Taggable, tag

__all__ = ["Logo", "logo_figure", "read_logo"]


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


def logo_figure(layout: Layout, image: ImageReader, height: float, widest: float) -> Logo:
    """The clinic's logo as a figure `height` points tall (narrower when it would be wider
    than `widest`), with its alternative text."""
    width, tall = image.getSize()
    shown = min(widest, height * width / tall)
    logo = Logo(image, shown, shown * tall / width, layout.rtl)
    tag(logo, "Figure", alt=layout.labels.logo_alt.format(clinic=layout.clinic.name))
    return logo
