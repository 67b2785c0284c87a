"""Parsing rendered HTML the way a browser does (html5lib), for tests."""

from __future__ import annotations

import re
import unicodedata
from xml.etree.ElementTree import Element

import html5lib

_SPACE = re.compile(r"\s+")
_NOT_SHOWN = {"style", "script", "head", "title"}


def normalise(text: str) -> str:
    """Whitespace collapsed, and composed (NFC), as the model holds every text."""
    return unicodedata.normalize("NFC", _SPACE.sub(" ", text).strip())


def parse(html: str) -> Element:
    return html5lib.parse(html, namespaceHTMLElements=False)


def parse_fragment(html: str) -> Element:
    return html5lib.parseFragment(html, namespaceHTMLElements=False)


def visible_text(html: str, *, fragment: bool = False) -> str:
    """The text a reader sees, whitespace normalised."""
    root = parse_fragment(html) if fragment else parse(html)
    parts: list[str] = []

    def walk(element: Element) -> None:
        if element.tag not in _NOT_SHOWN and element.text:
            parts.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(root)
    return normalise("".join(parts))


def skeleton(html: str, *, fragment: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    """Every element in document order with its attribute names: the markup, not the text."""
    root = parse_fragment(html) if fragment else parse(html)
    return [(str(e.tag), tuple(sorted(e.attrib))) for e in root.iter() if isinstance(e.tag, str)]


def urls(html: str, *, fragment: bool = False) -> list[str]:
    """Every href and src value."""
    root = parse_fragment(html) if fragment else parse(html)
    return [
        value
        for e in root.iter()
        if isinstance(e.tag, str)
        for name, value in e.attrib.items()
        if name in ("href", "src", "action", "formaction")
    ]
