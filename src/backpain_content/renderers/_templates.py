"""The one Jinja environment, and where the templates are found."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

__all__ = ["environment", "templates_dir"]

_PACKAGE = Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    """The templates folder: inside the installed package, or the checkout's top-level one."""
    for candidate in (_PACKAGE / "templates", _PACKAGE.parent.parent / "templates"):
        if (candidate / "article.html.jinja").is_file():
            return candidate
    raise FileNotFoundError(f"templates not found beside {_PACKAGE}")  # pragma: no cover


@functools.cache
def environment() -> jinja2.Environment:
    """The shared environment: autoescaping every template, failing on any undefined name."""
    # Imported on first use: a cold export renders the handouts in a forked process,
    # which then need not wait for Jinja to load.
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        # Every template escapes (select_autoescape alone would miss .xhtml.jinja) except
        # plain-text ones, whose output is never read as markup.
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.jinja", "xhtml.jinja"),
            disabled_extensions=("txt.jinja",),
            default_for_string=True,
            default=True,
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )


@functools.cache
def read_static(name: str) -> str:
    """A static file from the templates folder, such as the stylesheet."""
    return (templates_dir() / name).read_text(encoding="utf-8")
