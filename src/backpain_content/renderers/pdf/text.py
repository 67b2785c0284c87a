"""Plain text into the handout's paragraphs: escaped, each word in a font that draws it,
set the way its script runs, and tagged as what it is (a paragraph, a heading, a list
item: see `tagging.py`).

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
from .tagging import StructNode, Taggable, in_language, tag
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

    def __init__(
        self,
        typeface: Typeface,
        untranslated: frozenset[str] = frozenset(),
        source_language: str = "",
    ) -> None:
        self.typeface = typeface
        self.rtl = typeface.direction == "rtl"
        self.untranslated = untranslated
        """The fields a partial translation keeps in `source_language`."""
        self.source_language = source_language

    def check(self, field: str, text: str, personal: bool = False) -> str:
        """`text` as paragraph markup: escaped, and each word in a font that draws it; an
        error naming `field` for characters no installed font can draw, never a silent
        gap. The error names the characters, unless the text is `personal` (a patient's
        plan), of which it says nothing."""
        markup = self.typeface.markup(field, text, personal)
        if field in self.untranslated:
            return in_language(markup, self.source_language)
        return markup

    def para(self, field: str, text: str, style: ParagraphStyle, role: str = "P") -> Flowable:
        """A paragraph of plain text."""
        return self.paragraph(self.check(field, text), style, role)

    def heading(self, field: str, text: str, style: ParagraphStyle, role: str = "H2") -> Flowable:
        """A heading of plain text, with a bookmark of the same words."""
        made = self.paragraph(self.check(field, text), style, role)
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

    def paragraph(self, markup: str, style: ParagraphStyle, role: str = "P") -> Flowable:
        """A paragraph (or a heading: `role`)."""
        markup = self.typeface.fonts_for(markup, bold=style.fontName == self.typeface.base.bold)
        if self._by_word(markup):
            return tag(WordParagraph(markup, style, self.typeface.direction), role)
        return tag(paragraph(markup, style), role)

    def _by_word(self, markup: str) -> bool:
        """Whether a paragraph is set word by word: every paragraph of a right-to-left
        guide or of one whose letters reorder, and any other with such words in it (a
        clinic's Arabic or Punjabi name in an English guide); see `words.py`."""
        return self.rtl or self.typeface.base.shaping or self.typeface.shaped(markup)

    def bullet(self, markup: str, style: ParagraphStyle, items: StructNode) -> Flowable:
        """An item of the list `items`, with a bullet before it."""
        markup = self.typeface.fonts_for(markup)
        if self._by_word(markup):
            made = WordParagraph(markup, style, self.typeface.direction, bullet="•")
            return tag(made, "LI", parent=items)
        return tag(bullet(markup, style), "LI", parent=items)

    def check_item(
        self,
        markup: str,
        style: ParagraphStyle,
        items: StructNode,
        box: str,
        chosen_style: ParagraphStyle | None = None,
    ) -> Flowable:
        """An item of the checklist `items`, with a box before it (`box` says what it is
        to a screen reader), an X in it when `chosen_style` is given."""
        markup = self.typeface.fonts_for(markup)
        chosen = chosen_style is not None
        if self._by_word(markup):
            made: Taggable = WordParagraph(
                markup, style, self.typeface.direction, box=box, chosen=chosen
            )
        else:
            made = check_item(markup, style, box, chosen_style)
        return tag(made, "LI", parent=items)

    def personal(self, markup: str, style: ParagraphStyle, role: str = "P") -> Flowable:
        """A paragraph of a patient's own text, kept in no cache (see `flowables.personal`)."""
        markup = self.typeface.fonts_for(markup, personal=True)
        if self._by_word(markup):
            made = WordParagraph(markup, style, self.typeface.direction, personal=True)
            return tag(made, role)
        return tag(personal(markup, style), role)
