"""Paragraph markup into ReportLab's fragments, its tags parsed once per shape.

ReportLab parses a paragraph's markup with an HTML parser whose handlers, for each piece
of text between tags, copy the fragment that the open tags and the style make and give it
the text. What the copy holds besides the text depends only on the tags and the style,
never on the words, and the handout's markup has few shapes (`<b>title</b> summary`, a
paragraph with no tag, a link): a fresh guide's paragraphs have the shapes of every
guide's. So each shape is parsed once per style, by ReportLab's own parser (its
`tt_parse`, from the tree the HTML parser would have built), and each paragraph of that
shape copies those fragments with its own pieces of text: the same fragments, in the same
order, as parsing it whole gives (a test compares them on every guide and script).

Only the markup this package writes takes this way: `<b>`, `<a href="…">` (with
`underline`) and `<font face="…">`, and text escaped with `&amp;`, `&lt;`, `&gt;` (and
`&quot;` in an attribute). Anything else is parsed whole, by ReportLab, as before.
"""

from __future__ import annotations

import copy
import functools
import html
import re
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus.paragraph import Paragraph, cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaParser

__all__ = ["parse"]

_TAG = re.compile(
    r'<(/?)(b|a|font)((?: (?:face|href|underline)="[^"<>&]*(?:&(?:amp|quot|lt|gt);[^"<>&]*)*")*)>'
)
_ATTRIBUTE = re.compile(r'([a-z]+)="([^"]*)"')
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}  # as ReportLab's parser reads them
_TEXT = None
"""Where a piece of text goes in a shape; a tag is the groups of its `_TAG` match."""


def _pieces(text: str) -> list[str] | None:
    """The pieces of `text` (between two tags) in which ReportLab's HTML parser hands it
    to its handler: split at each entity, which becomes its character; None for text with
    `&`, `<` or `>` of any other kind."""
    parts = _ENTITY.split(text)
    pieces = []
    for index, part in enumerate(parts):
        if index % 2:
            pieces.append(_ENTITIES[part])
        elif part:
            if "&" in part or "<" in part or ">" in part:
                return None
            pieces.append(part)
    return pieces


def _shape(markup: str) -> tuple[tuple[Any, ...], list[str]] | None:
    """The shape of `markup` (its tags, with `_TEXT` where text goes) and its pieces of
    text; None when it is not markup this package writes, or its tags do not nest."""
    shape: list[Any] = []
    texts: list[str] = []
    open_tags: list[str] = []
    at = 0
    for match in _TAG.finditer(markup):
        pieces = _pieces(markup[at : match.start()])
        if pieces is None:
            return None
        shape += [_TEXT] * len(pieces)
        texts += pieces
        closing, name, attributes = match.groups()
        if closing:
            if attributes or not open_tags or open_tags.pop() != name:
                return None
        else:
            open_tags.append(name)
        shape.append((closing, name, attributes))
        at = match.end()
    pieces = _pieces(markup[at:])
    if pieces is None or open_tags:
        return None
    shape += [_TEXT] * len(pieces)
    texts += pieces
    return tuple(shape), texts


def _tree(shape: tuple[Any, ...]) -> tuple[str, dict[str, str] | None, list[Any]]:
    """The tuple tree of a paragraph of `shape` (with "x" for each piece of text), as
    ReportLab's HTML parser would build it (tags' attributes unescaped)."""
    root: tuple[str, dict[str, str] | None, list[Any]] = ("para", None, [])
    stack = [root]
    for token in shape:
        if token is _TEXT:
            stack[-1][2].append("x")
            continue
        closing, name, attributes = token
        if closing:
            stack.pop()
            continue
        found = {key: html.unescape(value) for key, value in _ATTRIBUTE.findall(attributes)}
        node: tuple[str, dict[str, str] | None, list[Any]] = (name, found or None, [])
        stack[-1][2].append(node)
        stack.append(node)
    return root


@functools.lru_cache(maxsize=1024)
def _fragments(shape: tuple[Any, ...], style: ParagraphStyle) -> tuple[Any, ...] | None:
    """The fragments of a paragraph of `shape` in `style`, as ReportLab parses it, one for
    each piece of text (None where they are not: ReportLab parses such markup whole)."""
    parser: Any = ParaParser()
    parser.caseSensitive = 1  # as Paragraph sets it
    _, fragments, bullets = parser.tt_parse(_tree(shape), style)
    if fragments is None or bullets or len(fragments) != shape.count(_TEXT):
        return None
    return tuple(fragments)


def parse(markup: str, style: ParagraphStyle) -> list[Any]:
    """The fragments ReportLab's `Paragraph(markup, style)` parses `markup` into."""
    cleaned = cleanBlockQuotedText(markup)  # as Paragraph cleans it before parsing
    # A style that changes the text's case (none of ours) has ReportLab parse it whole.
    found = None if style.textTransform else _shape(cleaned)
    shaped = _fragments(found[0], style) if found else None
    if found is None or shaped is None:
        return list(Paragraph(markup, style).frags)
    fragments = []
    for fragment, text in zip(shaped, found[1], strict=True):
        made = copy.copy(fragment)  # as the parser copies the fragment of the open tags
        made.text = text
        fragments.append(made)
    return fragments
