"""The HTML renderer: an embeddable snippet, or a standalone page with schema.org data."""

from __future__ import annotations

import re
from typing import Annotated, Any, NamedTuple

from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..labels import Labels, labels_for
from ..model import CLINIC_PLACEHOLDER, SECTION_NAMES, Article, Clinic, SectionName, default_clinic
from ._templates import environment, read_static

__all__ = ["HtmlOptions", "contact_lines", "render_html", "stylesheet"]

CLASS_PREFIX = "bpc"
"""Every class and id the snippet uses starts with this, and so does every CSS selector."""


class HtmlOptions(BaseModel):
    """How to render the HTML."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sections: tuple[SectionName, ...] | None = None
    """Sections to render, in this order; `None` renders the whole article with its title."""
    heading_level: Annotated[int, Field(ge=1, le=4)] = 1
    """Level of the top heading: 2 when the host page already has an `h1`."""
    standalone: bool = False
    """A complete HTML document rather than a snippet."""
    include_style: bool = True
    """Put the scoped stylesheet in the snippet; turn off to link `stylesheet()` yourself."""

    @field_validator("sections")
    @classmethod
    def _no_repeats(cls, value: tuple[SectionName, ...] | None) -> tuple[SectionName, ...] | None:
        if value is not None:
            if not value:
                raise ValueError("choose at least one section, or None for the whole article")
            if len(set(value)) != len(value):
                raise ValueError("names a section twice")
        return value


_DEFAULT_OPTIONS = HtmlOptions()


class ContactLine(NamedTuple):
    """One way to reach the clinic: a label, the text shown and the link."""

    label: str
    text: str
    href: str
    field: str
    """Where the text comes from, such as `clinic.phone`, for error messages."""


def contact_lines(clinic: Clinic, labels: Labels) -> tuple[ContactLine, ...]:
    """The clinic's contact details as links (tel:, mailto:, http(s):), in a fixed order."""
    lines: list[ContactLine] = []
    if clinic.phone:
        dial = re.split(r"\s*(?:ext\.?|x)\s*", clinic.phone)[0]
        tel = "tel:" + re.sub(r"[^0-9+]", "", dial)
        lines.append(ContactLine(labels.phone, clinic.phone, tel, "clinic.phone"))
    if clinic.email:
        lines.append(
            ContactLine(labels.email, clinic.email, "mailto:" + clinic.email, "clinic.email")
        )
    if clinic.website:
        lines.append(ContactLine(labels.website, clinic.website, clinic.website, "clinic.website"))
    if clinic.booking_url:
        lines.append(ContactLine("", labels.booking, clinic.booking_url, "labels.booking"))
    return tuple(lines)


def clinic_phrase(clinic: Clinic, labels: Labels) -> str:
    """How the article names the clinic: "Avenue Physio in Calgary Downtown"."""
    if clinic.location:
        return labels.clinic_in_location.format(name=clinic.name, location=clinic.location)
    return clinic.name


def stylesheet(clinic: Clinic | None = None) -> str:
    """The snippet's CSS, every selector under `.bpc`, with the clinic's accent colour."""
    accent = clinic.accent_colour if clinic else Clinic.model_fields["accent_colour"].default
    return f".{CLASS_PREFIX} {{ --bpc-accent: {accent}; }}\n" + read_static("article.css")


def _json_ld(article: Article, clinic: Clinic) -> dict[str, Any]:
    provenance = article.provenance
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": article.title,
        "inLanguage": article.language,
        "version": provenance.version,
        "lastReviewed": provenance.last_reviewed.isoformat(),
        "about": [
            {"@type": "MedicalCondition", "name": article.condition},
            {"@type": "MedicalTherapy", "name": article.therapy},
        ],
        "audience": {"@type": "PatientsAudience"},
        "isBasedOn": {
            "@type": "CreativeWork",
            "name": provenance.source_title,
            "author": {"@type": "MedicalClinic", "name": provenance.source_clinic},
        },
        "publisher": {"@type": "MedicalClinic", "name": clinic.name},
    }


def render_html(
    article: Article,
    /,
    *,
    clinic: Clinic | None = None,
    options: HtmlOptions = _DEFAULT_OPTIONS,
) -> str:
    """The article as an HTML snippet, or a whole page with `options.standalone`."""
    clinic = clinic or default_clinic(article)
    labels = labels_for(article.language)
    whole = options.sections is None
    sections = SECTION_NAMES if options.sections is None else options.sections
    section_level = options.heading_level + (1 if whole else 0)
    before, after = article.closing.invitation.split(CLINIC_PLACEHOLDER)
    css = stylesheet(clinic)
    env = environment()
    snippet = env.get_template("article.html.jinja").render(
        article=article,
        labels=labels,
        whole=whole,
        sections=sections,
        h_title=options.heading_level,
        h_section=section_level,
        invitation=(before, after),
        clinic_phrase=clinic_phrase(clinic, labels),
        contact=contact_lines(clinic, labels),
        include_style=options.include_style and not options.standalone,
        css=Markup(css),  # noqa: S704 - our own stylesheet; the accent colour is validated #rrggbb
    )
    if not options.standalone:
        return snippet
    return env.get_template("page.html.jinja").render(
        article=article,
        css=Markup(css),  # noqa: S704 - as above
        json_ld=_json_ld(article, clinic),
        snippet=Markup(snippet),  # noqa: S704 - rendered above with autoescaping
    )
