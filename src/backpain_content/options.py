"""How each format is rendered: the options records every renderer takes.

They live here, apart from the renderers, so that the formats registry, the command
line and the renderers all read one definition.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from .fields import LanguageTag, Line
from .model import Record, SectionName, Slug
from .urls import link_url

__all__ = [
    "PAPERS",
    "EpubOptions",
    "GuideLink",
    "GuideLinks",
    "HandoutOptions",
    "HtmlOptions",
    "Paper",
]


# A page of the host's own site (`/guides/x`, `x.fr-CA.html`) or an https URL (see `urls.py`).
LinkUrl = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(link_url)]


class GuideLink(Record):
    """Another guide of the library that a guide links to."""

    id: Slug
    """The guide's id."""
    language: LanguageTag
    """The language of the version linked to."""
    title: Line
    """Its title, in its language."""
    url: LinkUrl | None = None
    """Where it is read: a path on the host's site or an https URL; none when it has no
    page of its own (it is then named, not linked)."""


class GuideLinks(Record):
    """The guides a guide links to, as a library knows them (`Library.links`)."""

    url: LinkUrl | None = None
    """The guide's own page, for the alternates of its language versions."""
    versions: tuple[GuideLink, ...] = ()
    """The same guide in other languages."""
    related: tuple[GuideLink, ...] = ()
    """The related guides, in this guide's language where they have it."""
    treatments: tuple[tuple[Slug, GuideLink], ...] = ()
    """A treatment item's id and the guide about that treatment."""

    def treatment(self, item_id: str) -> GuideLink | None:
        """The guide a treatment item links to, if any."""
        return next((link for at, link in self.treatments if at == item_id), None)


Paper = Literal["letter", "a4"]
"""Paper sizes of printed formats: `letter` (North America) or `a4`."""
PAPERS: tuple[Paper, ...] = ("letter", "a4")


class HtmlOptions(Record):
    """How to render the HTML."""

    sections: tuple[SectionName, ...] | None = None
    """Sections to render, in this order; `None` renders the whole article with its title."""
    heading_level: Annotated[int, Field(ge=1, le=4)] = 1
    """Level of the top heading: 2 when the host page already has an `h1`."""
    standalone: bool = False
    """A complete HTML document rather than a snippet."""
    include_style: bool = True
    """Put the scoped stylesheet in the snippet; turn off to link `stylesheet()` yourself."""
    id_prefix: Slug | None = None
    """Makes the snippet's ids `bpc-PREFIX-...`, to show two snippets of the same sections on
    one page. Without it, ids are `bpc-...` for the whole guide and `bpc-part-...` for
    chosen sections, so the whole guide and a section beside it never share one."""
    show_title: bool = True
    """Show the guide's title; turn off when the host page's own heading is the title."""
    show_footer: bool = True
    """Show the sources and the general-information note under chosen sections (for a
    section in a sidebar, say); the whole guide always shows them."""
    links: GuideLinks | None = None
    """Links to the guide's other languages and related guides (`Library.links`)."""

    @model_validator(mode="after")
    def _whole_guide_keeps_its_footer(self) -> HtmlOptions:
        if self.sections is None and not self.show_footer:
            raise ValueError(
                "show_footer=False is only for chosen sections: the whole guide always shows "
                "its sources and the general-information note"
            )
        return self

    @property
    def ids(self) -> str:
        """What every id of the snippet starts with."""
        if self.id_prefix:
            return f"bpc-{self.id_prefix}"
        return "bpc" if self.sections is None else "bpc-part"

    @field_validator("sections")
    @classmethod
    def _no_repeats(cls, value: tuple[SectionName, ...] | None) -> tuple[SectionName, ...] | None:
        if value is not None:
            if not value:
                raise ValueError("choose at least one section, or None for the whole article")
            if len(set(value)) != len(value):
                raise ValueError("names a section twice")
        return value


class HandoutOptions(Record):
    """How to print the handout."""

    paper: Paper = "letter"
    """Paper size: `letter` (North America) or `a4`."""
    large_print: bool = False
    """Large print: 18 pt sans-serif body text, for people with low vision."""
    links: GuideLinks | None = None
    """The related guides and the treatments' guides (`Library.links`), listed under the
    sources with the web address of each that has one (a https link, or the clinic's
    `guide_url` when it names `{id}`)."""


class EpubOptions(Record):
    """How to make the ePub."""

    cover: bool = True
    """Draw a cover image with the title and the clinic's name."""
    links: GuideLinks | None = None
    """The guide's other languages and related guides, linked where they are online."""
