"""The one registry of output formats: the CLI and `export()` read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from .errors import ContentError
from .model import Article, Clinic

__all__ = ["FORMATS", "PAPERS", "Format", "Paper", "format_names", "get_format"]


@dataclass(frozen=True)
class Format:
    """An output format: its name, file suffix, media type and renderer."""

    name: str
    """Name used on the command line, such as `html`."""
    suffix: str
    """File name ending, such as `.html`."""
    media_type: str
    """MIME type of the output."""
    description: str
    """One line for `--help`."""
    render: Callable[[Article, Clinic | None, Paper], bytes]
    """Renders a whole article to the bytes of a file, for a paper size where that matters."""
    library: str = "jinja2"
    """The library that does the work: formats of one library are rendered together."""
    available: Callable[[], bool] = field(default=lambda: True)
    """Whether what the format needs is installed (the ePub needs an optional extra)."""
    missing: str = ""
    """What to install when it is not available."""


Paper = Literal["letter", "a4"]
PAPERS: tuple[Paper, ...] = ("letter", "a4")


def _html_page(article: Article, clinic: Clinic | None, paper: Paper) -> bytes:
    from .renderers.html import HtmlOptions, render_html

    return render_html(article, clinic=clinic, options=HtmlOptions(standalone=True)).encode("utf-8")


def _handout(article: Article, clinic: Clinic | None, paper: Paper) -> bytes:
    from .renderers.pdf import HandoutOptions, render_pdf

    return render_pdf(article, clinic=clinic, options=HandoutOptions(paper=paper))


def _large_print_handout(article: Article, clinic: Clinic | None, paper: Paper) -> bytes:
    from .renderers.pdf import HandoutOptions, render_pdf

    return render_pdf(article, clinic=clinic, options=HandoutOptions(paper=paper, large_print=True))


def _epub(article: Article, clinic: Clinic | None, paper: Paper) -> bytes:
    from .renderers.epub import render_epub

    return render_epub(article, clinic=clinic)


def _epub_available() -> bool:
    from .renderers.epub import epub_available

    return epub_available()


FORMATS: tuple[Format, ...] = (
    Format("html", ".html", "text/html", "standalone web page of the whole guide", _html_page),
    Format(
        "pdf", ".pdf", "application/pdf", "printable 2-page patient handout", _handout, "reportlab"
    ),
    Format(
        "pdf-large",
        ".large-print.pdf",
        "application/pdf",
        "large-print handout (18 pt)",
        _large_print_handout,
        "reportlab",
    ),
    Format(
        "epub",
        ".epub",
        "application/epub+zip",
        "ePub 3 guide to email to patients (needs the 'epub' extra)",
        _epub,
        "ebooklib",
        available=_epub_available,
        missing="pip install 'backpain-content[epub]'",
    ),
)


def format_names() -> tuple[str, ...]:
    """The registered format names, in registry order."""
    return tuple(f.name for f in FORMATS)


def get_format(name: str) -> Format:
    """The format called `name`; an unknown name is an error listing the known ones."""
    for candidate in FORMATS:
        if candidate.name == name:
            return candidate
    known = ", ".join(format_names())
    raise ContentError(None, "format", f"unknown format {name!r} (known formats: {known})")
