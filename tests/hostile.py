"""The one corpus of hostile text, and how to put text into every string field.

Every format is tested against these strings (test_hostile.py); the per-format tests
use `with_text` to fill every field with one string.
"""

from __future__ import annotations

from typing import Any

import backpain_content as bc
from backpain_content.model import CLINIC_PLACEHOLDER

CORPUS: dict[str, str] = {
    "script": "<script>alert(1)</script>",
    "img-onerror": '"><img src=x onerror=alert(1)>',
    "ampersand": "AT&T & Sons",
    "entities": "&amp; &lt;b&gt; &nbsp; &#x3C; &bogus;",
    "cdata-end": "]]> <![CDATA[ x ]]>",
    "quotes": "'single' \"double\" `back`",
    "jinja": "{{ 7*7 }} {% raw %} {# note #}",
    "reportlab-img": '<img src="/etc/passwd"/>',
    "reportlab-link": '<a href="javascript:alert(1)">click</a>',
    "reportlab-font": '<font color="red" size="40">big</font> <para> <br/>',
    "style-breakout": "</style><style>*{display:none}</style>",
    "long-word": "W" * 180,
    "rtl": "مرحبا بالعالم שלום",
    "combining": "Zoe\u0308 e\u0301\u0301 a\u0308\u0331",
    "emoji": "🙂 👩🏽‍⚕️ 🇨🇦",
    "zero-width": "a\u200bb\u200dc",
    "invisible-only": "\u2060\u00ad\u200e\ufeff\u3164",
    "invisible-start": "\ufeffCall 911",
    "line-separator": "Call 911\u2028or go to the emergency department",
    "nul": "a\x00b",
    "controls": "bell\x07 escape\x1b[31m delete\x7f",
    "bidi-override": "abc\u202edcba",
    "bidi-isolate": "abc\u2066x\u2069",
    "bidi-isolate-unclosed": "abc\u2066x",
    "newline": "two\nlines",
    "paragraph-10k": ("word " * 2000).strip(),
}
"""Markup and script, entities, Jinja and ReportLab markup, long words, other scripts,
combining marks, emoji, text that prints nothing or ends invisibly, control, bidi and
line-separator characters, line breaks and 10,000 characters."""

# Fields with a fixed format, which cannot carry free text (tested in test_content):
# identifiers, tags, versions, dates, URLs, kinds and the reference ids items cite.
FORMATTED = {
    "id", "language", "version", "updated", "review_due", "date", "accessed", "url", "kind",
    "sources", "related", "system", "code", "guide",
}  # fmt: skip


def _formatted(path: tuple[str | int, ...]) -> bool:
    keys = [p for p in path if isinstance(p, str)]
    return bool(keys) and keys[-1] in FORMATTED


def string_fields(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Paths of every free-text string in a dumped article."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in string_fields(v, (*path, k))]
    if isinstance(value, list | tuple):
        return [p for i, v in enumerate(value) for p in string_fields(v, (*path, i))]
    if isinstance(value, str) and not _formatted(path):
        return [path]
    return []


def set_field(data: Any, path: tuple[str | int, ...], text: str) -> None:
    """Put `text` at `path` (the invitation keeps its `{clinic}` mark)."""
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = f"{text} {CLINIC_PLACEHOLDER}" if path[-1] == "invitation" else text


def with_text(article: bc.Article, text: str, **clinic: Any) -> tuple[bc.Article, bc.Clinic]:
    """The article with `text` in every free-text field, and a clinic named `text`."""
    data = article.model_dump(mode="json")
    for path in string_fields(data):
        set_field(data, path, text)
    fields = {"name": text, "location": text, "website": "https://example.org/", **clinic}
    return bc.Article.model_validate(data), bc.Clinic(**fields)
