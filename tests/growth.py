"""Articles many times the size of the bundled one, for tests and benchmarks."""

from __future__ import annotations

from typing import Any

import backpain_content as bc

SECTIONS_WITH_ITEMS = ("mechanisms", "causes", "lifestyle", "therapies")


def scaled(article: bc.Article, factor: int) -> bc.Article:
    """The article with every list of items and paragraphs repeated `factor` times."""
    data: dict[str, Any] = article.model_dump(mode="json")
    data["lede"] = data["lede"] * factor
    for name in SECTIONS_WITH_ITEMS:
        section = data[name]
        section["intro"] = section["intro"] * factor
        section["items"] = [
            {**item, "title": f"{item['title']} ({copy + 1})"}
            for copy in range(factor)
            for item in section["items"]
        ]
    data["sessions"]["paragraphs"] = data["sessions"]["paragraphs"] * factor
    data["closing"]["paragraphs"] = data["closing"]["paragraphs"] * factor
    return bc.Article.model_validate(data)
