"""A guide as a TOML file: the form the package's own guides are kept in."""

from __future__ import annotations

from typing import Any

from ..model import Article

__all__ = ["guide_data", "to_toml"]


def guide_data(article: Article) -> dict[str, Any]:
    """`article` as plain data, without the fields it leaves empty (no `null` in TOML, and
    no empty lists a writer would wonder about)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items() if v is not None and v != () and v != []}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    data: dict[str, Any] = plain(article.model_dump(mode="python"))
    return data


def to_toml(article: Article, head: str = "") -> str:
    """`article` as the TOML file the package loads, after `head` (comment lines)."""
    import tomli_w  # the 'translate' or 'markdown' extra

    return head + tomli_w.dumps(guide_data(article), multiline_strings=False)
