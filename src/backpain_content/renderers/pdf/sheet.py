"""The document of a sheet printed for the waiting room (a brochure, a poster): fixed
panels, no running header or footer, tagged like the handout. It notes how much of its
text ran past the pages it has, which is how a sheet says by how much a guide is too long.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate
from reportlab.platypus.doctemplate import ActionFlowable, LayoutError

from ...errors import ContentError
from ...model import Article
from ..shared import source_date
from .layout import CopyableFrame, Layout
from .page import document_info, stamp
from .styles import Sizes
from .tagging import Section, StructNode, TaggedCanvas, Tagger
from .typefaces import typeface

__all__ = ["Part", "Printed", "frame", "hanging", "print_sheet"]


@dataclass(frozen=True)
class Printed:
    """A sheet laid out: its PDF, its pages, and what did not fit: the part whose text
    ran out of its panels first, and by how much (in points; 0 when everything fits)."""

    pdf: bytes
    pages: int
    over: float = 0.0
    overflowing: str = ""


@dataclass(frozen=True)
class Part:
    """A part of a sheet: its name (for messages) and the frames it must stay in."""

    name: str
    frames: frozenset[str]


def hanging(article: Article, sizes: Sizes) -> float:
    """How far a line may run past its frame on the right: a character, in Chinese and
    Japanese, whose line breaking lets a closing stop or comma hang past the line's end
    (a frame that keeps a sheet's margins is that much narrower); nothing elsewhere."""
    return sizes.body if typeface(article.language).cjk else 0.0


def frame(name: str, left: float, bottom: float, width: float, height: float) -> Frame:
    """A frame with no padding: a sheet's margins are its frames' places."""
    return CopyableFrame(
        left,
        bottom,
        width,
        height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id=name,
    )


class _Overflowing(Exception):
    """A part ran out of room, and the caller only wanted to know whether one would."""


class _SheetDoc(BaseDocTemplate):
    def __init__(
        self, buffer: Any, parts: dict[StructNode, Part], stop_early: bool, **kwargs: Any
    ) -> None:
        self._parts = parts
        self._stop_early = stop_early
        self._current: Part | None = None
        self.overflowing: Part | None = None
        self.over = 0.0
        super().__init__(buffer, **kwargs)

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Section):
            self._current = self._parts.get(flowable.node) if flowable.node else None
            return
        part = self._current
        # No frame at all: the sheet's pages ran out, which is running out of room too.
        frame = getattr(self, "frame", None)
        if part is None or isinstance(flowable, ActionFlowable):
            return
        if frame is not None and frame.id in part.frames:
            return
        # Drawn outside its part's frames: the part ran out of room. Only the first part
        # to do so is measured (those after it are pushed on by it).
        if self.overflowing is None:
            self.overflowing = part
            if self._stop_early:
                raise _Overflowing
        if part is self.overflowing:
            width, room = (frame.width, frame.height) if frame else (self.width, self.height)
            _, height = flowable.wrap(width, room)
            self.over += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()


def _canvas(epoch: int, tagger: Tagger) -> Callable[..., Canvas]:
    class _SheetCanvas(TaggedCanvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, tagger=tagger, **kwargs)
            stamp(self, epoch)

    return _SheetCanvas


def print_sheet(
    layout: Layout,
    templates: list[PageTemplate],
    story: list[Flowable],
    tagger: Tagger,
    parts: dict[StructNode, Part],
    *,
    stop_early: bool = False,
) -> Printed:
    """Lay out `story` on `templates` (the last of which, an overflow page, takes what
    does not fit), tagged by `tagger`; the story's `Section` markers say which part each
    flowable belongs to, and `parts` which frames each part must stay in. `stop_early`:
    stop at the first part that runs out of room, without measuring by how much (`over`
    is then 0) or finishing the PDF (`pdf` is then empty): for trying what fits."""
    article = layout.article
    buffer = io.BytesIO()
    doc = _SheetDoc(
        buffer,
        parts,
        stop_early,
        pagesize=(layout.page_width, layout.page_height),
        pageTemplates=templates,
        **document_info(layout),
    )
    try:
        doc.build(story, canvasmaker=_canvas(int(source_date(article).timestamp()), tagger))
    except _Overflowing:
        return Printed(b"", doc.page, 0.0, doc.overflowing.name if doc.overflowing else "")
    except LayoutError as exc:
        raise ContentError(None, None, f"the sheet cannot be laid out: {exc}") from None
    name = doc.overflowing.name if doc.overflowing else ""
    return Printed(buffer.getvalue(), doc.page, doc.over, name)
