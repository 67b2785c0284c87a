"""The HTML renderer: an embeddable snippet, or a standalone page with schema.org data."""

from __future__ import annotations

import base64
import functools
from typing import Any

from markupsafe import Markup

from ..errors import ContentError
from ..logo import Logo, fitted, prepared
from ..model import CLINIC_PLACEHOLDER, CODE_SYSTEMS, Article, Clinic, PatientPlan, default_clinic
from ..options import HtmlOptions
from .shared import (
    Langs,
    cited,
    clinic_phrase,
    clinic_voice,
    contact_lines,
    direction,
    environment,
    independent_note,
    labels_of,
    plan_view,
    provenance_line,
    read_static,
    reference_numbers,
    review_notice,
)

__all__ = ["render_html", "stylesheet"]

CLASS_PREFIX = "bpc"
"""Every class and id the snippet uses starts with this, and so does every CSS selector."""


_DEFAULT_OPTIONS = HtmlOptions()


def stylesheet(clinic: Clinic | None = None) -> str:
    """The snippet's CSS, every selector under `.bpc`, with the clinic's accent colour."""
    accent = clinic.accent_colour if clinic else Clinic.model_fields["accent_colour"].default
    return f".{CLASS_PREFIX} {{ --bpc-accent: {accent}; }}\n" + read_static("article.css")


def _json_ld(article: Article, clinic: Clinic | None) -> dict[str, Any]:
    """schema.org facts about the page; `clinic` the one handing it out, if it is named."""
    provenance = article.provenance
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": article.title,
        "inLanguage": article.language,
        "version": provenance.version,
        "dateModified": provenance.updated.isoformat(),
        "about": [
            {
                "@type": "MedicalCondition",
                "name": article.condition,
                **(
                    {
                        "code": [
                            {
                                "@type": "MedicalCode",
                                "codeValue": code.code,
                                "codingSystem": CODE_SYSTEMS[code.system],
                            }
                            for code in article.codes
                        ]
                    }
                    if article.codes
                    else {}
                ),
            },
            {"@type": "MedicalTherapy", "name": article.therapy},
        ],
        "audience": {"@type": "PatientsAudience"},
        "citation": [
            {
                "@type": "CreativeWork",
                "name": reference.title,
                "url": reference.url,
                "publisher": reference.publisher,
            }
            for reference in article.references
        ],
    }
    if provenance.source_title is not None:
        data["isBasedOn"] = {
            "@type": "CreativeWork",
            "name": provenance.source_title,
            "author": {"@type": "MedicalClinic", "name": provenance.source_clinic},
        }
    if clinic is not None:
        data["publisher"] = {"@type": "MedicalClinic", "name": clinic.name}
    # Review facts only when a review of this very version is recorded.
    reviews = provenance.current_reviews("clinical")
    if reviews:
        data["lastReviewed"] = reviews[0].date.isoformat()
        data["reviewedBy"] = {
            "@type": "Person",
            "name": reviews[0].reviewer,
            "jobTitle": reviews[0].role,
        }
    return data


WEB_LOGO = (480, 160)
"""The most pixels the HTML's logo has: twice its largest size on screen, for sharp
high-density displays."""


@functools.lru_cache(maxsize=32)
def _data_uri(logo: Logo) -> Markup:
    """The logo as a PNG data URI, made once a logo: encoding it, and escaping what it
    encodes to, was a large part of a branded snippet's time. Base64 has nothing to
    escape."""
    return Markup("data:image/png;base64," + base64.b64encode(logo.png).decode("ascii"))  # noqa: S704


def _logo(clinic: Clinic) -> dict[str, Any] | None:
    """The clinic's logo as an `<img>`: a PNG data URI, so the snippet needs no file served."""
    if clinic.logo is None:
        return None
    logo = fitted(prepared(clinic.logo, "clinic.logo"), *WEB_LOGO)
    return {
        "src": _data_uri(logo),
        "alt": clinic.name,
        # Shown at half its pixels, for high-density displays.
        "width": max(1, logo.width // 2),
        "height": max(1, logo.height // 2),
    }


def render_html(
    article: Article,
    /,
    *,
    clinic: Clinic | None = None,
    plan: PatientPlan | None = None,
    options: HtmlOptions = _DEFAULT_OPTIONS,
) -> Markup:
    """The article as an HTML snippet, or a whole page with `options.standalone`.

    With a patient's `plan`, a block with their plan comes first, for a patient portal to
    show above the guide, and the home tips chosen for them are marked. The result is
    `markupsafe.Markup`, a `str` that Jinja2, Flask, Django and markupsafe insert as it is
    (it is escaped already), without `|safe`.
    """
    labels = labels_of(article, clinic)
    # The clinic named in the page's facts: the one given, or the one the guide names.
    named = clinic if clinic or article.provenance.adapted else None
    clinic = clinic or default_clinic(article, labels.your_clinic)
    view = plan_view(plan, article, labels) if plan else None
    whole = options.sections is None
    sections = article.sections() if options.sections is None else options.sections
    for name in sections:
        if getattr(article, name) is None:
            raise ContentError(
                None,
                "options.sections",
                f"names {name!r}, a section this guide does not have "
                f"(it has: {', '.join(article.sections())})",
            )
    # Under the guide's title, sections are a level down; without it (chosen sections, or
    # a host page whose own heading is the title) they take the top level.
    section_level = options.heading_level + (1 if whole and options.show_title else 0)
    before, after = article.closing.invitation.split(CLINIC_PLACEHOLDER)
    css = stylesheet(clinic) + (read_static("plan.css") if view else "")
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
        provenance=provenance_line(article, labels),
        notice=review_notice(article, labels),
        voice=clinic_voice(article, labels),
        independent=independent_note(article, labels),
        cites=any(cited(article, name) for name in sections),
        numbers=reference_numbers(article),
        include_style=options.include_style and not options.standalone,
        css=Markup(css),  # noqa: S704 - our own stylesheet; the accent colour is validated #rrggbb
        ids=options.ids,
        show_title=options.show_title,
        show_footer=options.show_footer,
        logo=_logo(clinic),
        plan=view,
        langs=Langs(article),
        direction=direction(article.language),
        links=options.links,
    )
    if not options.standalone:
        return Markup(snippet)  # noqa: S704 - rendered with autoescaping
    page = env.get_template("page.html.jinja").render(
        article=article,
        css=Markup(css),  # noqa: S704 - as above
        json_ld=_json_ld(article, named),
        snippet=Markup(snippet),  # noqa: S704 - rendered above with autoescaping
        direction=direction(article.language),
        links=options.links,
    )
    return Markup(page)  # noqa: S704 - rendered with autoescaping
