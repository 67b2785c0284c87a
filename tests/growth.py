"""Guides for tests and benchmarks: many times the size of the bundled one, and guides
whose every text differs from anything rendered before (fresh content, as a new or
translated guide is)."""

from __future__ import annotations

import itertools
from typing import Any

import backpain_content as bc
from hostile import FORMATTED

SECTIONS_WITH_ITEMS = ("mechanisms", "causes", "lifestyle", "therapies")
_COUNTER = itertools.count(1)


def scaled(article: bc.Article, factor: int) -> bc.Article:
    """The article with every list of items and paragraphs repeated `factor` times."""
    data: dict[str, Any] = article.model_dump(mode="json")
    data["lede"] = data["lede"] * factor
    for name in SECTIONS_WITH_ITEMS:
        section = data[name]
        section["intro"] = section["intro"] * factor
        section["items"] = [
            # Each copy its own id too: ids are unique in a guide.
            {**item, "title": f"{item['title']} ({copy + 1})", "id": f"{item['id']}-{copy + 1}"}
            for copy in range(factor)
            for item in section["items"]
        ]
    data["sessions"]["paragraphs"] = data["sessions"]["paragraphs"] * factor
    data["closing"]["paragraphs"] = data["closing"]["paragraphs"] * factor
    return bc.Article.model_validate(data)


def _tag(number: int) -> str:
    letters = ""
    while number:
        number, digit = divmod(number - 1, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
    return letters


def _freshen(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _freshen(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_freshen(v, key) for v in value]
    if isinstance(value, str) and key not in FORMATTED:  # ids, dates, URLs keep their form
        first, _, rest = value.partition(" ")
        # Same words, same count (summaries keep their limit), one of them new.
        return f"{first}{_tag(next(_COUNTER))} {rest}".rstrip()
    return value


def fresh(article: bc.Article) -> bc.Article:
    """The article with every string changed so that it differs from every string of
    every guide made before in this process: nothing a cache holds can serve it."""
    return bc.Article.model_validate(_freshen(article.model_dump(mode="json")))
