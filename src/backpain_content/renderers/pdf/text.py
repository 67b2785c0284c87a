"""Plain text into the handout's paragraphs: escaped, and checked against the font.

Every string reaches `Paragraph` escaped: its mini-markup would otherwise read local
files (`<img src>`) and make `javascript:` links.
"""

from __future__ import annotations

import html

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from ...errors import ContentError
from .flowables import heading, paragraph

__all__ = ["Text", "escape"]


def escape(text: str) -> str:
    """`&`, `<` and `>` as entities, as xml.sax.saxutils.escape does; importing that
    would load urllib, http.client and ssl, about 14 ms of the handout's cold start."""
    return html.escape(text, quote=False)


class Text:
    """Builds paragraphs from plain text, escaping it and checking the font can draw it."""

    def __init__(self, charset: frozenset[int]) -> None:
        self._charset = charset

    def check(self, field: str, text: str, personal: bool = False) -> str:
        """`text` escaped for paragraph markup; an error naming `field` for characters
        the font cannot draw, never a silent gap. The error names the characters, unless
        the text is `personal` (a patient's plan), of which it says nothing."""
        missing = sorted(c for c in set(text) if ord(c) not in self._charset and not c.isspace())
        if missing and personal:
            raise ContentError(None, field, "has characters the handout font cannot print")
        if missing:
            shown = " ".join(f"U+{ord(c):04X}" for c in missing[:8])
            more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
            raise ContentError(
                None, field, f"has characters the handout font cannot print: {shown}{more}"
            )
        return escape(text)

    def para(self, field: str, text: str, style: ParagraphStyle) -> Paragraph:
        """A paragraph of plain text."""
        return paragraph(self.check(field, text), style)

    def heading(self, field: str, text: str, style: ParagraphStyle) -> Paragraph:
        """A heading of plain text, with a bookmark of the same words."""
        return heading(self.check(field, text), style, text)

    def bold(self, field: str, text: str, style: ParagraphStyle) -> Paragraph:
        """A paragraph of plain text, in bold."""
        return paragraph(f"<b>{self.check(field, text)}</b>", style)

    def titled(self, field: str, title: str, summary: str) -> str:
        """Markup of an item: its title in bold, then its summary."""
        bold = self.check(f"{field}.title", title)
        return f"<b>{bold}</b> {self.check(f'{field}.summary', summary)}"
