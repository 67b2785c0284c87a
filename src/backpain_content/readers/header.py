"""A guide's header read from the top of its file, without the rest: what a library lists
and finds guides by, so that opening a folder of hundreds of guides costs a few
milliseconds a guide instead of parsing and checking every sentence.

The header is the front matter's fields of a Markdown guide, or the keys before a TOML
guide's first table and the header's own tables (`[provenance]`, `[[codes]]`). A file
whose header cannot be read that way (an unusual layout, or a mistake) is read in full,
so its error is the one the full reader gives, with its line.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from ..content import MARKDOWN_SUFFIXES, parse_article, read_text
from ..errors import ContentError
from ..model import HEADER_FIELDS, Article, GuideHeader

__all__ = ["read_header"]

_TABLE = re.compile(r"^[ \t]*\[", re.MULTILINE)
_TABLE_NAME = re.compile(r"[ \t]*\[\[?[ \t]*([A-Za-z_]+)[ \t]*[.\]]")
_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)[ \t]*:", re.MULTILINE)
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


def read_header(path: Path) -> tuple[GuideHeader, Article | None]:
    """The header of the guide in `path`, and the whole guide when it had to be read in
    full to find it; `ContentError` naming the file and field for a bad guide."""
    text = read_text(path)
    markdown = path.suffix.lower() in MARKDOWN_SUFFIXES
    data = _markdown_header(text) if markdown else _toml_header(text)
    if data is not None:
        try:
            return GuideHeader.model_validate(data), None
        except ContentError:
            pass  # read in full below, for the full reader's error and line
    article = parse_article(text, path)  # the text already read, not the file again
    return article.header, article


def _wanted(data: dict[str, Any]) -> dict[str, Any] | None:
    return {name: data[name] for name in HEADER_FIELDS if name in data} if data else None


def _toml_header(text: str) -> dict[str, Any] | None:
    # Top-level keys come before any table in TOML, so they are the text before the first
    # `[`-line; then the header's tables (`[provenance]`, `[provenance.translation]`,
    # `[[codes]]`), each running to the next table's line.
    tables = list(_TABLE.finditer(text))
    parts = [text if not tables else text[: tables[0].start()]]
    for index, table in enumerate(tables):
        name = _TABLE_NAME.match(text, table.start())
        if name is not None and name.group(1) in HEADER_FIELDS:
            end = tables[index + 1].start() if index + 1 < len(tables) else len(text)
            parts.append(text[table.start() : end])
    try:
        return _wanted(tomllib.loads("\n".join(parts)))
    except (tomllib.TOMLDecodeError, RecursionError):
        return None


def _markdown_header(text: str) -> dict[str, Any] | None:
    try:
        import yaml
    except ImportError:
        return None  # the full reader says which extra to install
    if not text.startswith("---"):
        return None
    close = _FENCE.search(text, text.find("\n") + 1)
    if close is None:
        return None
    front = text[text.find("\n") + 1 : close.start()]
    # Only the header's fields, each a top-level key with its indented lines: the
    # references and labels, most of the front matter, are left for the full read.
    keys = [(m.start(), m.group(1)) for m in _TOP_KEY.finditer(front)]
    wanted = "".join(
        front[start : keys[i + 1][0] if i + 1 < len(keys) else len(front)]
        for i, (start, name) in enumerate(keys)
        if name in HEADER_FIELDS
    )
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        # Anchors and aliases are refused, as the full reader refuses them.
        for token in yaml.scan(wanted, Loader=loader):
            if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                return None
        data = yaml.load(wanted, Loader=loader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, RecursionError):
        return None
    return _wanted(data) if isinstance(data, dict) else None
