"""Plain text into the handout's paragraphs: escaped, each word in a font that draws it,
and set the way its script runs.

Every string reaches `Paragraph` escaped: its mini-markup would otherwise read local
files (`<img src>`) and make `javascript:` links. A right-to-left guide's paragraphs, and those
of one whose letters reorder, are `WordParagraph`s; every other guide's are ReportLab's own
(see `flowables.py`).
"""

from __future__ import annotations

import html

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable

from .flowables import bullet, check_item, paragraph, personal
from .typefaces import Typeface
from .words import WordParagraph

__all__ = ["Text", "escape"]


def escape(text: str) -> str:
    """`&`, `<` and `>` as entities, as xml.sax.saxutils.escape does; importing that
    would load urllib, http.client and ssl, about 14 ms of the handout's cold start."""
    return html.escape(text, quote=False)


class Text:
    """Builds paragraphs from plain text: escaping it, putting each word in a font that
    can draw it (an error naming the field when none can), and setting it the way the
    guide's script runs."""

    def __init__(self, typeface: Typeface) -> None:
        self.typeface = typeface
        self.rtl = typeface.direction == "rtl"

    def check(self, field: str, text: str, personal: bool = False) -> str:
        """`text` as paragraph markup: escaped, and each word in a font that draws it; an
        error naming `field` for characters no installed font can draw, never a silent
        gap. The error names the characters, unless the text is `personal` (a patient's
        plan), of which it says nothing."""
        return self.typeface.markup(field, text, personal)

    def para(self, field: str, text: str, style: ParagraphStyle) -> Flowable:
        """A paragraph of plain text."""
        return self.paragraph(self.check(field, text), style)

    def heading(self, field: str, text: str, style: ParagraphStyle) -> Flowable:
        """A heading of plain text, with a bookmark of the same words."""
        made = self.paragraph(self.check(field, text), style)
        made.outline_title = text  # type: ignore[attr-defined]
        return made

    def bold(self, field: str, text: str, style: ParagraphStyle) -> Flowable:
        """A paragraph of plain text, in bold."""
        return self.paragraph(f"<b>{self.check(field, text)}</b>", style)

    def titled(self, field: str, title: str, summary: str) -> str:
        """Markup of an item: its title in bold, then its summary."""
        bold = self.check(f"{field}.title", title)
        return f"<b>{bold}</b> {self.check(f'{field}.summary', summary)}"

    # Paragraphs of markup made above (checked and escaped already).

    def paragraph(self, markup: str, style: ParagraphStyle) -> Flowable:
        """A paragraph."""
        markup = self.typeface.fonts_for(markup, bold=style.fontName == self.typeface.base.bold)
        if self._by_word(markup):
            return WordParagraph(markup, style, self.typeface.direction)
        return paragraph(markup, style)

    def _by_word(self, markup: str) -> bool:
        """Whether a paragraph is set word by word: every paragraph of a right-to-left
        guide or of one whose letters reorder, and any other with such words in it (a
        clinic's Arabic or Punjabi name in an English guide); see `words.py`."""
        return self.rtl or self.typeface.base.shaping or self.typeface.shaped(markup)

    def bullet(self, markup: str, style: ParagraphStyle) -> Flowable:
        """A list item with a bullet before it."""
        markup = self.typeface.fonts_for(markup)
        if self._by_word(markup):
            return WordParagraph(markup, style, self.typeface.direction, bullet="•")
        return bullet(markup, style)

    def check_item(
        self, markup: str, style: ParagraphStyle, chosen_style: ParagraphStyle | None = None
    ) -> Flowable:
        """A checklist item with a box before it, an X in it when `chosen_style` is given."""
        markup = self.typeface.fonts_for(markup)
        if self._by_word(markup):
            return WordParagraph(
                markup, style, self.typeface.direction, box=True, chosen=chosen_style is not None
            )
        return check_item(markup, style, chosen_style)

    def personal(self, markup: str, style: ParagraphStyle) -> Flowable:
        """A paragraph of a patient's own text, kept in no cache (see `flowables.personal`)."""
        markup = self.typeface.fonts_for(markup, personal=True)
        if self._by_word(markup):
            return WordParagraph(markup, style, self.typeface.direction, personal=True)
        return personal(markup, style)
