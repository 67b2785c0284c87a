"""The handout's building blocks: paragraphs whose layouts are shared, a checklist item,
the sessions row's markers and the invisible marks that make the PDF's bookmarks.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from .fonts import FONT_BOLD, StrokedInk, emboldened, stroke_width
from .parsing import parse
from .styles import TEXT
from .tagging import Taggable, tags_of

__all__ = [
    "CheckItem",
    "OutlineMark",
    "SessionMarkers",
    "box_side",
    "bullet",
    "check_item",
    "draw_box",
    "laid_out",
    "paragraph",
    "personal",
]


_T = TypeVar("_T")


class _KeptWhenReused(Generic[_T]):
    """A bounded cache of what `make` makes from a key, that keeps a value only when its
    key comes again: the guide's text is rendered again and again (every handout of a
    guide, for every clinic and patient), while fresh text (a new or translated guide) is
    made once. Fresh text kept would fill the cache with what is never read again and have
    the garbage collector go over it after every render; so a key is first only noted (by
    its hash, a number), and its value is kept when it is asked for again. Both are bounded
    (least recently used first out) and read and written under a lock: every thread can
    call it at once. `make` gets the key, then any `more` (which is no part of the key)."""

    def __init__(self, make: Callable[..., _T], size: int) -> None:
        self.__wrapped__ = make
        self._size = size
        self._kept: OrderedDict[tuple[Any, ...], _T] = OrderedDict()
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, *key: Any, **more: Any) -> _T:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                return found
        made = self.__wrapped__(*key, **more)
        noted = hash(key)
        with self._lock:
            if noted in self._seen:
                del self._seen[noted]
                made = self._kept.setdefault(key, made)
                if len(self._kept) > self._size:
                    self._kept.popitem(last=False)
            else:
                self._seen[noted] = None
                if len(self._seen) > self._size:
                    self._seen.popitem(last=False)
        return made

    def cache_clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._seen.clear()


def _parse(markup: str, style: ParagraphStyle) -> list[Any]:
    """Parsed paragraph markup. The same text in the same style always parses the same,
    and parsing is a tenth of a render, so each is parsed once (and its tags once per
    shape: see `parsing.py`); layout never changes it."""
    return _inked(parse(markup, style))


_parsed = _KeptWhenReused(_parse, 4096)


def _inked(frags: list[Any]) -> list[Any]:
    """`frags`, with the text in a synthetic bold face in its stroked ink (see
    `fonts.StrokedInk`); the fragments are the paragraph's own, just made."""
    for frag in frags:
        colour = getattr(frag, "textColor", None)
        if not isinstance(colour, colors.Color) or isinstance(colour, StrokedInk):
            continue
        if emboldened(getattr(frag, "fontName", "")):
            frag.textColor = StrokedInk.of(colour)
    return list(frags)


def _lay_out(
    markup: str, style: ParagraphStyle, width: float, bullet: str | None, *, frags: list[Any]
) -> tuple[Any, list[Any], list[float], float, float]:
    """A paragraph's line breaks at a width, with its bullet (which can narrow the first
    line): its layout, words, line widths and size. `frags` is the markup parsed (see
    `_parsed`), as the paragraph being laid out holds it."""
    laid_out = Paragraph(markup, style, bulletText=bullet, frags=frags)
    laid_out.wrap(width, 1e9)
    return (
        laid_out.blPara,  # type: ignore[attr-defined]
        laid_out.frags,
        laid_out._wrapWidths,  # type: ignore[attr-defined]
        laid_out.width,
        laid_out.height,
    )


_layout = _KeptWhenReused(_lay_out, 4096)


def _line_texts(laid: Any) -> list[str]:
    """The text of each line of a paragraph's layout, as ReportLab draws it."""
    if laid.kind == 0:
        return [" ".join(words) for _, words in laid.lines]
    return ["".join(getattr(word, "text", "") for word in line.words) for line in laid.lines]


def word_breaks(lines: list[str], tokens: list[str]) -> tuple[list[bool], list[str]]:
    """For each of `lines`, whether it ends between two of the paragraph's words
    (`tokens`, its text split at spaces) rather than inside one (a long word broken across
    lines, or text that breaks between characters, as Chinese does); and the tokens that
    follow the last line."""
    left = list(tokens)
    at = 0
    ends = []
    for line in lines:
        whole = False
        for piece in line.split():
            if at < len(left) and left[at] == piece:
                at, whole = at + 1, True
            elif at < len(left) and left[at].startswith(piece):
                left[at], whole = left[at][len(piece) :], False
            else:  # not the paragraph's text (it never is): take it as a whole word
                whole = True
        ends.append(whole)
    return ends, left[at:]


class _WordBreaks(Paragraph):
    """A paragraph that draws a space at the end of each line that ends between two words.

    ReportLab breaks lines at spaces and draws no space at the break, so the text a
    screen reader, a search or a copy gets back from the page (the tagged structure's
    text) runs the last word of a line into the first of the next: "onyour". ISO 32000-1
    (14.8.2.5) wants the space in the text; drawn after the line's last word, it is
    invisible. A line broken inside a long word gets none."""

    _continues = False
    """This is the first part of a paragraph split across pages: its last line ends
    between words too."""
    _tokens: list[str] | None = None
    blPara: Any  # ReportLab's layout: its lines, as `wrap` made them

    def _source_tokens(self) -> list[str]:
        if self._tokens is None:
            self._tokens = "".join(getattr(f, "text", "") for f in self.frags).split()
        return self._tokens

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(availWidth, availHeight)
        first, rest = parts if len(parts) == 2 else (None, None)
        if isinstance(first, _WordBreaks):
            first._continues = True
            first._tokens = self._source_tokens()
            if isinstance(rest, _WordBreaks):
                first.wrap(availWidth, availHeight)
                rest._tokens = word_breaks(_line_texts(first.blPara), first._tokens)[1]
        return parts

    def drawPara(self, debug: int = 0) -> None:
        laid = self.blPara
        ends, _ = word_breaks(_line_texts(laid), self._source_tokens())
        if not self._continues and ends:
            ends[-1] = False  # the paragraph's last line: nothing follows it
        if any(ends):
            self.blPara = _with_spaces(laid, ends)
        # Synthetic bold's outline (see `fonts.StrokedInk`), as wide as its largest text needs.
        inks = ((f, getattr(f, "textColor", None)) for f in self.frags)
        stroked = [f.fontSize for f, ink in inks if isinstance(ink, StrokedInk)]
        if stroked:
            self.canv.saveState()
            self.canv.setLineWidth(stroke_width(max(stroked)))
        try:
            super().drawPara(debug)
        finally:
            self.blPara = laid
            if stroked:
                self.canv.restoreState()

    def beginText(self, x: float, y: float) -> Any:
        text = super().beginText(x, y)
        # A paragraph in one font and colour sets its colour on the canvas, not on its text
        # object: synthetic bold's ink (and its rendering mode) goes on the text object too.
        colour = getattr(self.blPara, "textColor", None)
        if self.blPara.kind == 0 and isinstance(colour, StrokedInk):
            text.setFillColor(colour)
        return text


def _with_spaces(laid: Any, ends: list[bool]) -> Any:
    """A copy of the layout `laid` with a space after the last word of each line marked in
    `ends`; the layout itself, which other renders share, is left as it is."""
    copy = laid.clone()
    if laid.kind == 0:
        copy.lines = [
            (space, [*words[:-1], words[-1] + " "]) if end and words else (space, words)
            for (space, words), end in zip(laid.lines, ends, strict=True)
        ]
        return copy
    lines = []
    for line, end in zip(laid.lines, ends, strict=True):
        texts = [word for word in line.words if hasattr(word, "text")]
        if end and texts:
            # The space in the last word's font and link (a link, or a Span in another
            # language, goes on across the line's end), without its underline.
            space = texts[-1].clone(text=" ")
            space.us_lines = []
            line = line.clone(words=[*line.words, space])
        lines.append(line)
    copy.lines = lines
    return copy


class _SharedParagraph(Taggable, _WordBreaks):
    """A paragraph whose layout at a width is computed once and shared.

    Line breaking is a third of a render; keeping a heading with what follows wraps each
    paragraph twice, and every handout of the same guide (for every clinic and patient)
    breaks the same text at the same widths. Layouts are only read after they are made
    (no hyphenation is used, the one case where ReportLab changes a layout when
    splitting it), so they can be shared.
    """

    # ReportLab makes the parts of a split paragraph with `self.__class__(None, ...)`:
    # those have no markup, and are laid out as ReportLab does.
    _markup: str | None = None
    _wrapped_width: float | None = None
    _wrapped: tuple[float, float] = (0, 0)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        # split() drops blPara (the layout) when the paragraph must move on: lay out again.
        if available_width == self._wrapped_width and "blPara" in self.__dict__:
            return self._wrapped
        if self._markup is None:
            self._wrapped = super().wrap(available_width, available_height)
        else:
            layout = _layout(
                self._markup, self.style, available_width, self.bulletText, frags=self.frags
            )
            self.blPara, self.frags, self._wrapWidths, self.width, self.height = layout
            self._wrapped = (self.width, self.height)
        self._wrapped_width = available_width
        return self._wrapped


def laid_out(markup: str, style: ParagraphStyle, width: float) -> Paragraph:
    """A plain paragraph of markup laid out at `width`, its layout shared (see `_layout`);
    for a part that another flowable draws and tags (a word of a `WordParagraph`)."""
    made = Paragraph(markup, style, frags=_parsed(markup, style))
    made.blPara, made.frags, made._wrapWidths, made.width, made.height = _layout(  # type: ignore[attr-defined]
        markup, style, width, None, frags=made.frags
    )
    return made


_S = TypeVar("_S", bound="_SharedParagraph")


def _shared(kind: type[_S], markup: str, style: ParagraphStyle, bullet: str | None = None) -> _S:
    """A paragraph of `kind` whose parse and layouts are shared (see `_SharedParagraph`)."""
    made = kind(markup, style, bulletText=bullet, frags=_parsed(markup, style))
    made._markup = markup
    return made


def paragraph(markup: str, style: ParagraphStyle) -> Taggable:
    """A paragraph of checked, escaped markup (see `text.Text`)."""
    return _shared(_SharedParagraph, markup, style)


class CheckItem(_SharedParagraph):
    """A paragraph with a box before it: empty, to tick by pen, or with an X in it, the
    paragraph's own bullet, when the patient's plan chose it (so the X reads with the item,
    "X Stretch Daily ...", in its text)."""

    box_x = 0.0
    box_alt = ""
    """What the box is, for a screen reader (its label in the tagged PDF)."""

    def draw(self) -> None:
        super().draw()
        # split() gives the continuation no bullet text: only the first part gets a box.
        if self.bulletText:
            with tags_of(self.canv).part("Lbl", alt=self.box_alt):
                draw_box(self.canv, self.box_x, self.height, self.style.fontSize)


def box_side(font_size: float) -> float:
    """The side of a checklist item's box beside text of `font_size`."""
    return font_size * 0.8


def draw_box(canvas: Canvas, x: float, top: float, font_size: float) -> tuple[float, float]:
    """A checklist item's box (see `box_side`), `x` from its left, a little below the
    baseline of a first line of `font_size` text whose top is `top`. Gives the box's side
    and the baseline."""
    size = box_side(font_size)
    baseline = top - font_size * 0.93
    canvas.setStrokeColor(TEXT)
    canvas.setLineWidth(1)
    canvas.rect(x, baseline - size * 0.1, size, size, fill=0)
    return size, baseline


def bullet(markup: str, style: ParagraphStyle) -> Taggable:
    """A list item of checked, escaped markup, with a bullet before it."""
    return _shared(_SharedParagraph, markup, style, "•")


def check_item(
    markup: str, style: ParagraphStyle, box: str, chosen_style: ParagraphStyle | None = None
) -> CheckItem:
    """A checklist item of checked, escaped markup; with an X in its box, set in
    `chosen_style`, when that is given; `box` says what the box is, to a screen reader."""
    made = _shared(CheckItem, markup, chosen_style or style, "X" if chosen_style else " ")
    made.box_x = style.bulletIndent
    made.box_alt = box
    return made


class _Personal(Taggable, _WordBreaks):
    """A paragraph laid out by ReportLab alone, as a patient's text is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _inked(self.frags)  # its own fragments (split parts keep their ink)


def personal(markup: str, style: ParagraphStyle) -> Taggable:
    """A paragraph of a patient's own text (their plan): laid out afresh, never kept in
    the caches that serve the guide's text, so nothing personal outlives the render."""
    return _Personal(markup, style)


class OutlineMark(Flowable):
    """An invisible mark for a heading drawn inside a table, where the document does not
    see it: an entry in the PDF's outline (bookmarks), made on the page of the table."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.outline_title = title

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class SessionMarkers(Taggable):
    """A row of numbered circles, the typical range filled: the typical number of sessions.

    The numbers are `size` points, the body text's size, when the row has room.
    """

    def __init__(
        self, low: int, high: int, size: float, accent: colors.Color, rtl: bool = False
    ) -> None:
        super().__init__()
        self.low, self.high, self.size, self.accent = low, high, size, accent
        self.rtl = rtl
        """The first circle on the right, for a right-to-left guide."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.step = min(self.size * 2.4, available_width / max(self.high, 1))
        return self.step * self.high, self.size * 2.4

    def draw(self) -> None:
        radius = min(self.size, self.step / 2.4)
        for number in range(1, self.high + 1):
            x = self.step * ((self.high - number + 0.5) if self.rtl else (number - 0.5))
            y = self.size * 1.2
            in_range = number >= self.low
            self.canv.setStrokeColor(self.accent)
            self.canv.setFillColor(self.accent if in_range else colors.white)
            self.canv.setLineWidth(1.5)
            self.canv.circle(x, y, radius, stroke=1, fill=1)
            self.canv.setFillColor(colors.white if in_range else self.accent)
            self.canv.setFont(FONT_BOLD, radius)
            # Centred on the circle, and followed by a space (drawn, invisible), so the
            # tagged text reads "1 2 3", not "123".
            label = str(number)
            left = x - pdfmetrics.stringWidth(label, FONT_BOLD, radius) / 2
            self.canv.drawString(left, y - radius * 0.35, label + " ")
