"""The one registry of output formats, and `render()`, which a web app calls to serve any
of them: the command line and `export()` read the same registry."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .errors import ContentError
from .model import Article, Clinic, PatientPlan
from .options import EpubOptions, GuideLinks, HandoutOptions, HtmlOptions, Paper
from .renderers.epub import EXTRA_HINT, epub_available

__all__ = [
    "FORMATS",
    "Format",
    "Output",
    "Rendered",
    "choose",
    "format_names",
    "get_format",
    "output_name",
    "render",
]


@dataclass(frozen=True)
class Output:
    """What a format's renderer gives back: the bytes, and for paged formats how many pages
    there are and how many there should be at most."""

    data: bytes
    pages: int | None = None
    page_limit: int | None = None


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
    render: Callable[[Article, Clinic | None, Paper, PatientPlan | None, GuideLinks | None], Output]
    """Renders a whole guide, for a paper size where that matters, and for a patient's
    plan when one is given."""
    available: Callable[[], bool] = field(default=lambda: True)
    """Whether what the format needs is installed (the ePub needs an optional extra)."""
    missing: str = ""
    """What to install when it is not available."""
    personal: bool = True
    """Whether it can be made for one patient, with their plan (the waiting room's
    brochure and poster are for everyone)."""


@dataclass(frozen=True)
class Rendered:
    """A guide rendered in one format, ready to serve or save."""

    format: Format
    """The format it is in."""
    filename: str
    """A file name to download or save it as: `ID.LANGUAGE.SUFFIX`, or
    `ID.LANGUAGE.personal.SUFFIX` with a patient's plan (never anything of the plan)."""
    data: bytes
    """The file's bytes."""
    pages: int | None = None
    """How many pages it has, for paged formats."""
    page_limit: int | None = None
    """How many pages it should have at most, for paged formats."""

    @property
    def media_type(self) -> str:
        """The MIME type to serve it with, such as `application/pdf`."""
        return self.format.media_type

    @property
    def etag(self) -> str:
        """A strong ETag: identical input gives identical bytes, and so the same tag."""
        return f'"{hashlib.sha256(self.data).hexdigest()}"'

    @property
    def too_long(self) -> bool:
        """Whether it has more pages than it should."""
        return (
            self.pages is not None and self.page_limit is not None and self.pages > self.page_limit
        )


def output_name(article: Article, fmt: Format, personal: bool = False) -> str:
    """File name of a guide in a format: `dry-needling-back-pain.en-CA.html`, or
    `dry-needling-back-pain.en-CA.personal.html` for one made with a patient's plan (a
    neutral name: nothing of the plan goes into a file name)."""
    return f"{article.id}.{article.language}{'.personal' if personal else ''}{fmt.suffix}"


def render(
    format: str,
    article: Article,
    /,
    *,
    clinic: Clinic | None = None,
    paper: Paper = "letter",
    plan: PatientPlan | None = None,
    links: GuideLinks | None = None,
) -> Rendered:
    """`article` in the format called `format` (see `FORMATS`), with what serving it needs:
    bytes, media type, a download file name and a strong ETag; for a patient's `plan`,
    their own copy (serve it with `Cache-Control: private, no-store`). `links`: where the
    guide's other languages and related guides are (`Library.links`), for the web page
    and the ePub.

    An unknown format, one whose optional extra is not installed, or a `plan` for a
    format made for everyone (the brochure, the poster) is a `ContentError`.
    """
    fmt = get_format(format)
    if plan is not None and not fmt.personal:
        raise ContentError(
            None,
            "plan",
            f"the {fmt.name} is for the waiting room, not one patient: make it without a plan",
        )
    out = fmt.render(article, clinic, paper, plan, links)
    name = output_name(article, fmt, personal=plan is not None)
    return Rendered(fmt, name, out.data, out.pages, out.page_limit)


def _html_page(
    article: Article,
    clinic: Clinic | None,
    paper: Paper,
    plan: PatientPlan | None,
    links: GuideLinks | None,
) -> Output:
    from .renderers.html import render_html

    options = HtmlOptions(standalone=True, links=links)
    page = render_html(article, clinic=clinic, plan=plan, options=options)
    return Output(page.encode("utf-8"))


def _handout(
    large_print: bool, before: bool = False
) -> Callable[[Article, Clinic | None, Paper, PatientPlan | None, GuideLinks | None], Output]:
    def render(
        article: Article,
        clinic: Clinic | None,
        paper: Paper,
        plan: PatientPlan | None,
        links: GuideLinks | None,
    ) -> Output:
        from .renderers.pdf import page_limit
        from .renderers.pdf.handout import build_handout

        options = HandoutOptions(paper=paper, large_print=large_print, links=links)
        handout = build_handout(article, clinic, options, plan, before=before)
        return Output(handout.pdf, handout.pages, page_limit(options))

    return render


def _brochure(
    article: Article,
    clinic: Clinic | None,
    paper: Paper,
    plan: PatientPlan | None,
    links: GuideLinks | None,
) -> Output:
    from .renderers.pdf.brochure import build_brochure

    made = build_brochure(article, clinic, paper)
    return Output(made.pdf, made.pages, 2)


def _poster(
    article: Article,
    clinic: Clinic | None,
    paper: Paper,
    plan: PatientPlan | None,
    links: GuideLinks | None,
) -> Output:
    from .renderers.pdf.poster import build_poster

    made = build_poster(article, clinic, paper)
    return Output(made.pdf, made.pages, 1)


def _epub(
    article: Article,
    clinic: Clinic | None,
    paper: Paper,
    plan: PatientPlan | None,
    links: GuideLinks | None,
) -> Output:
    from .renderers.epub import render_epub

    options = EpubOptions(links=links)
    return Output(render_epub(article, clinic=clinic, plan=plan, options=options))


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
        "before",
        ".before-session.pdf",
        "application/pdf",
        "2-page sheet to read before starting treatment: safety, questions",
        _handout(False, before=True),
        personal=False,
    ),
    Format(
        "before-large",
        ".before-session.large-print.pdf",
        "application/pdf",
        "the sheet before starting treatment in large print (18 pt)",
        _handout(True, before=True),
        personal=False,
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
    Format(
        "brochure",
        ".brochure.pdf",
        "application/pdf",
        "tri-fold brochure for the waiting room (landscape, both sides)",
        _brochure,
        personal=False,
    ),
    Format(
        "poster",
        ".poster.pdf",
        "application/pdf",
        "waiting-room poster with a QR code (tabloid, or A3 with --paper a4)",
        _poster,
        personal=False,
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


def choose(
    names: Iterable[str] | None, *, personal: bool = False
) -> tuple[tuple[Format, ...], tuple[Format, ...]]:
    """The formats to render, and those left out: not installed, or (for one patient's
    copies, `personal`) not made for one patient.

    `None` means every format whose requirements are installed; a format named
    explicitly is always chosen (and fails with what to install, or that it takes no
    plan, when it renders).
    """
    if names is not None:
        return tuple(get_format(name) for name in names), ()
    usable = [f.available() and (f.personal or not personal) for f in FORMATS]
    return (
        tuple(f for f, ok in zip(FORMATS, usable, strict=True) if ok),
        tuple(f for f, ok in zip(FORMATS, usable, strict=True) if not ok),
    )
