"""Paragraphs set word by word, for text ReportLab's own paragraphs cannot set right.

Two kinds of text need it. Right-to-left text (Arabic, Urdu, Hebrew): ReportLab shapes
each word (HarfBuzz joins its letters and puts its glyphs in visual order) but, without its
separate `rlbidi` package (not on PyPI), lays a line's words out left to right in reading
order, so an Arabic sentence would read backwards. And shaped text in general: it prints
right, but what a PDF reader copies or reads aloud comes out in glyph order ("ਿਸਹਤ" for
"ਸਿਹਤ", an Arabic word's contextual forms from left to right).

So lines are broken here, by the words' shaped widths, and each word is drawn as a
one-word paragraph at its place: a right-to-left line from the right, its runs of
left-to-right words (a clinic's Latin name, a phone number) kept in their own order. The
words are drawn in reading order, each as marked content whose `ActualText` is the word
as written, which is what copying, searching and screen readers then get (ISO 32000-1,
14.9.4; see `tagging.Tagger.word`). Bullets and check boxes stand where lines begin.
"""

from __future__ import annotations

import functools
import html
import re
import threading
import unicodedata
from collections.abc import Iterator
from typing import Literal

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph

from ..fonts import harfbuzz_installed
from .flowables import box_side, draw_box, laid_out
from .styles import TEXT
from .tagging import Taggable, tags_of

__all__ = ["WordParagraph", "visual_order"]

_TAG = re.compile(r"<(/?)(b|a|font)\b([^>]*)>")
_FACE = re.compile(r'<font face="([^"]+)">')
_FONT_TAGS = re.compile(r"</?font\b[^>]*>")


def _words(markup: str) -> list[str]:
    """The words of paragraph markup, each with its own balanced tags: `<b>Title</b>:`
    stays one word, and a word can be moved without breaking the tags around it."""
    words: list[str] = []
    current = ""
    open_tags: list[tuple[str, str]] = []  # (name, opening tag), outermost first

    def text_run(text: str) -> None:
        nonlocal current
        for piece in re.split(r"(\s+)", text):
            if not piece:
                continue
            if piece.isspace():
                if current:
                    words.append(current)
                current = ""
                continue
            opening = "".join(tag for _, tag in open_tags)
            closing = "".join(f"</{name}>" for name, _ in reversed(open_tags))
            current += f"{opening}{piece}{closing}"

    at = 0
    for match in _TAG.finditer(markup):
        text_run(markup[at : match.start()])
        closing, name, _ = match.groups()
        if closing:
            if open_tags and open_tags[-1][0] == name:
                open_tags.pop()
        else:
            open_tags.append((name, match[0]))
        at = match.end()
    text_run(markup[at:])
    if current:
        words.append(current)
    return words


def _plain(word: str) -> str:
    return html.unescape(_TAG.sub("", word))


def _kind(word: str) -> str:
    """`r` for a right-to-left word, `l` for a left-to-right one, `n` for a number and
    `-` for a word of neither (punctuation), by its first strong character."""
    number = False
    for char in _plain(word):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "r"
        if kind == "L":
            return "l"
        if kind in ("EN", "AN"):
            number = True
    return "n" if number else "-"


def visual_order(words: list[str], direction: Literal["ltr", "rtl"]) -> list[int]:
    """The indices of a line's words from left to right. In a right-to-left line: the
    reading order reversed, each run of left-to-right words and numbers (and the
    punctuation between them) kept in its own order; in a left-to-right line, each run of
    right-to-left words reversed. As the Unicode bidirectional algorithm orders them,
    word by word."""
    kinds = [_kind(word) for word in words]
    if direction == "rtl":
        against = [kind in ("l", "n") for kind in kinds]
    else:
        against = [kind == "r" for kind in kinds]
    for index, kind in enumerate(kinds):
        # Punctuation between two words of the other direction belongs to their run.
        if kind == "-":
            before = index > 0 and against[index - 1]
            after = index + 1 < len(kinds) and against[index + 1]
            against[index] = before and after
    # Runs in reading order: (against the paragraph's direction?, words).
    runs: list[tuple[bool, list[int]]] = []
    for index, other in enumerate(against):
        if runs and runs[-1][0] == other:
            runs[-1][1].append(index)
        else:
            runs.append((other, [index]))
    if direction == "rtl":
        return [i for other, run in reversed(runs) for i in (run if other else run[::-1])]
    return [i for other, run in runs for i in (run[::-1] if other else run)]


@functools.lru_cache(maxsize=512)
def _word_style(style: ParagraphStyle, font: str) -> ParagraphStyle:
    """`style` for one word in `font`: no indents, no bullet, no space around it."""
    return ParagraphStyle(
        f"{style.name}-word-{font}",
        parent=style,
        fontName=font,
        leftIndent=0,
        rightIndent=0,
        firstLineIndent=0,
        spaceBefore=0,
        spaceAfter=0,
        alignment=TA_LEFT,
        bulletText=None,
        wordWrap=None,
        # Every word shaped (HarfBuzz joins and orders its letters; `typefaces` made sure
        # it is installed wherever a word needs it).
        shaping=1 if harfbuzz_installed() else 0,
    )


def _in_its_font(word: str, style: ParagraphStyle) -> tuple[str, ParagraphStyle]:
    """One word's markup and style in its own font (the font of its `<font face>`, else
    the style's), not as a run of another font: ReportLab then shapes it in that font and
    maps its glyphs to its letters (`typefaces` puts each word in one font)."""
    found = _FACE.search(word)
    if found:
        return _FONT_TAGS.sub("", word), _word_style(style, found[1])
    return word, _word_style(style, style.fontName)


def _word_paragraph(word: str, style: ParagraphStyle) -> Paragraph:
    """One word as a paragraph in its own font (see `_in_its_font`)."""
    return Paragraph(*_in_its_font(word, style))


_SHAPING = threading.Lock()
"""Held while a word is laid out, and so shaped: ReportLab gives a shaped glyph that has no
character of its own the next free private-use character of its font, a font that every
document shares, and two threads doing that at once could give two glyphs the same one."""


def _drawn_word(
    word: str, style: ParagraphStyle, width: float, height: float, personal: bool
) -> Paragraph:
    """One word laid out to be drawn, `width` wide: parsed, shaped and broken once for
    every time the word is drawn (see `flowables.laid_out`), as most words of a guide
    recur; a patient's words afresh, so that nothing of them is kept. A new paragraph each
    time, so that drawing sets nothing on a shared one."""
    markup, own = _in_its_font(word, style)
    with _SHAPING:
        if personal:
            made = Paragraph(markup, own)
            made.wrap(width, height)
            return made
        return laid_out(markup, own, width)


@functools.lru_cache(maxsize=8192)
def _shared_width(word: str, style: ParagraphStyle) -> float:
    return _width(word, style)


def _width(word: str, style: ParagraphStyle) -> float:
    """The shaped width of one word, as ReportLab sets it."""
    paragraph = _word_paragraph(word, style)
    with _SHAPING:
        paragraph.wrap(1e6, 1e6)
    return float(paragraph.getActualLineWidths0()[0])


_HREF = re.compile(r'<a href="([^"]*)"')


def _link(word: str) -> str | None:
    """The address a word links to, if it is part of a link."""
    found = _HREF.search(word)
    return html.unescape(found[1]) if found else None


class WordParagraph(Taggable):
    """A paragraph set word by word (see the module). Its `style` is read as for a
    left-to-right paragraph, with the sides swapped in a right-to-left one (the left
    indent is the right one, where lines begin; "left" alignment is from the right)."""

    def __init__(
        self,
        markup: str,
        style: ParagraphStyle,
        direction: Literal["ltr", "rtl"],
        *,
        bullet: str | None = None,
        box: str | None = None,
        chosen: bool = False,
        personal: bool = False,
        words: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.style = style
        self.markup = markup
        self.direction: Literal["ltr", "rtl"] = direction
        self.words = _words(markup) if words is None else words
        self.bullet, self.box, self.chosen, self.personal = bullet, box, chosen, personal
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter
        self.keepWithNext = getattr(style, "keepWithNext", False)
        self.lines: list[list[tuple[str, float]]] = []
        self.width = self.height = 0.0

    def link_text(self, url: str) -> str:
        """The words that link to `url` (the text of its link annotation)."""
        return " ".join(_plain(word) for word in self.words if _link(word) == url)

    def _measure(self, word: str) -> float:
        # A patient's words are measured afresh: nothing personal is kept.
        return _width(word, self.style) if self.personal else _shared_width(word, self.style)

    def _space(self) -> float:
        return pdfmetrics.stringWidth(" ", self.style.fontName, self.style.fontSize)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        style = self.style
        space = self._space()
        room = available_width - style.leftIndent - style.rightIndent
        lines: list[list[tuple[str, float]]] = []
        line: list[tuple[str, float]] = []
        used = 0.0
        for word in self.words:
            width = self._measure(word)
            fits = room - (style.firstLineIndent if not lines else 0)
            if line and used + space + width > fits:
                lines.append(line)
                line, used = [], 0.0
            used = used + space + width if line else width
            line.append((word, width))
        lines.append(line)
        self.lines = lines
        self.width = available_width
        self.height = len(lines) * style.leading
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self.wrap(available_width, available_height)
        fit = int(available_height // self.style.leading)
        if fit < 1 or fit >= len(self.lines):
            return []
        head = [word for line in self.lines[:fit] for word, _ in line]
        tail = [word for line in self.lines[fit:] for word, _ in line]
        first = WordParagraph(
            self.markup,
            self.style,
            self.direction,
            bullet=self.bullet,
            box=self.box,
            chosen=self.chosen,
            personal=self.personal,
            words=head,
        )
        first.spaceAfter = 0
        rest = WordParagraph(
            self.markup, self.style, self.direction, personal=self.personal, words=tail
        )
        rest.spaceBefore = 0
        return self.tag_parts([first, rest])

    def draw(self) -> None:
        style, canvas = self.style, self.canv
        tags = tags_of(canvas)
        space = self._space()
        for index, line in enumerate(self.lines):
            if not line:
                continue
            words = [word for word, _ in line]
            order = visual_order(words, self.direction)
            used = sum(width for _, width in line) + space * (len(line) - 1)
            places = dict(self._places(order, line, used, index == 0, space))
            y = self.height - (index + 1) * style.leading
            # In reading order: the structure tree reads marked content in drawing order.
            for at, (word, width) in enumerate(line):
                paragraph = _drawn_word(word, style, width + 1, style.leading * 2, self.personal)
                # Every word marked alike, shaped or not, so that a reader places them all
                # the same way: the marked content begins where the word does (moved there
                # first), and a space follows each word, so that words do not run together.
                canvas.saveState()
                canvas.translate(places[at], y)
                with tags.word(_plain(word) + " ", link=_link(word)):
                    paragraph.drawOn(canvas, 0, 0)
                canvas.restoreState()
        if self.bullet or self.box:
            with tags.part("Lbl", alt=self.box or None):
                self._draw_mark()

    def _places(
        self,
        order: list[int],
        line: list[tuple[str, float]],
        used: float,
        first: bool,
        space: float,
    ) -> Iterator[tuple[int, float]]:
        """Each word of a line, by its index, with where it starts, left to right."""
        style = self.style
        start_indent = style.leftIndent + (style.firstLineIndent if first else 0)
        rtl = self.direction == "rtl"
        left = style.rightIndent if rtl else start_indent
        right = self.width - (start_indent if rtl else style.rightIndent)
        # The style's alignment read as "start" (left) and "end" (right) of the line.
        if style.alignment == TA_CENTER:
            x = left + (right - left - used) / 2
        elif (style.alignment == TA_RIGHT) != rtl:
            x = right - used
        else:
            x = left
        for index in order:
            yield index, x
            x += line[index][1] + space

    def _draw_mark(self) -> None:
        """The bullet, or the check box (with an X when chosen), at the start of the first
        line: on the right of a right-to-left paragraph."""
        style, canvas = self.style, self.canv
        baseline = self.height - style.fontSize * 0.93
        rtl = self.direction == "rtl"
        if self.box:
            side = box_side(style.fontSize)
            x = self.width - style.bulletIndent - side if rtl else style.bulletIndent
            size, baseline = draw_box(canvas, x, self.height, style.fontSize)
            if self.chosen:
                canvas.setFillColor(TEXT)
                canvas.setFont(style.bulletFontName, size * 0.8)
                canvas.drawCentredString(x + size / 2, baseline + size * 0.1, "X")
            return
        canvas.setFillColor(TEXT)
        canvas.setFont(style.bulletFontName, style.bulletFontSize)
        if rtl:
            canvas.drawRightString(self.width - style.bulletIndent, baseline, self.bullet or "")
        else:
            canvas.drawString(style.bulletIndent, baseline, self.bullet or "")
