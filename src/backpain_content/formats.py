"""The one registry of output formats: the command line, `export()` and web apps read it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .errors import ContentError
from .model import Article, Clinic
from .options import EpubOptions, HandoutOptions, HtmlOptions, Paper
from .renderers.epub import EXTRA_HINT, epub_available

__all__ = ["FORMATS", "Format", "Rendered", "choose", "format_names", "get_format"]


@dataclass(frozen=True)
class Rendered:
    """A whole guide rendered in one format: the file's bytes, and for paged formats how
    many pages it has and how many it should have at most."""

    data: bytes
    pages: int | None = None
    page_limit: int | None = None

    @property
    def too_long(self) -> bool:
        """Whether it has more pages than it should."""
        return (
            self.pages is not None and self.page_limit is not None and self.pages > self.page_limit
        )


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
    render: Callable[[Article, Clinic | None, Paper], Rendered]
    """Renders a whole guide, for a paper size where that matters."""
    available: Callable[[], bool] = field(default=lambda: True)
    """Whether what the format needs is installed (the ePub needs an optional extra)."""
    missing: str = ""
    """What to install when it is not available."""


def _html_page(article: Article, clinic: Clinic | None, paper: Paper) -> Rendered:
    from .renderers.html import render_html

    page = render_html(article, clinic=clinic, options=HtmlOptions(standalone=True))
    return Rendered(page.encode("utf-8"))


def _handout(large_print: bool) -> Callable[[Article, Clinic | None, Paper], Rendered]:
    def render(article: Article, clinic: Clinic | None, paper: Paper) -> Rendered:
        from .renderers.pdf import page_limit
        from .renderers.pdf.handout import build_handout

        options = HandoutOptions(paper=paper, large_print=large_print)
        handout = build_handout(article, clinic, options)
        return Rendered(handout.pdf, handout.pages, page_limit(options))

    return render


def _epub(article: Article, clinic: Clinic | None, paper: Paper) -> Rendered:
    from .renderers.epub import render_epub

    return Rendered(render_epub(article, clinic=clinic, options=EpubOptions()))


FORMATS: tuple[Format, ...] = (
    Format("html", ".html", "text/html", "standalone web page of the whole guide", _html_page),
    Format("pdf", ".pdf", "application/pdf", "printable 2-page patient handout", _handout(False)),
    Format(
        "pdf-large",
        ".large-print.pdf",
        "application/pdf",
        "large-print handout (18 pt)",
        _handout(True),
    ),
    Format(
        "epub",
        ".epub",
        "application/epub+zip",
        "ePub 3 guide to email to patients (needs the 'epub' extra)",
        _epub,
        available=epub_available,
        missing=EXTRA_HINT,
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


def choose(names: Iterable[str] | None) -> tuple[tuple[Format, ...], tuple[Format, ...]]:
    """The formats to render, and those left out because they are not installed.

    `None` means every format whose requirements are installed; a format named
    explicitly is always chosen (and fails with what to install, when it renders).
    """
    if names is not None:
        return tuple(get_format(name) for name in names), ()
    return (
        tuple(f for f in FORMATS if f.available()),
        tuple(f for f in FORMATS if not f.available()),
    )
