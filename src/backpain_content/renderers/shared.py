"""What every format says alike: the clinic's name and contact lines, the provenance line,
the date outputs are stamped with, and the one Jinja environment with its templates.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from markupsafe import Markup, escape

from ..fields import field_path, fill_guide_url
from ..labels import Labels, labels_with
from ..model import Article, Clinic, LifestyleTip, PatientPlan, Review
from ..options import GuideLink, GuideLinks
from .cldr import content_date, number, when

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "ContactLine",
    "Langs",
    "PlanRow",
    "PlanView",
    "ReferenceNumbers",
    "Segment",
    "cited",
    "clinic_phrase",
    "clinic_voice",
    "contact_lines",
    "direction",
    "environment",
    "fill",
    "independent_note",
    "labels_of",
    "more_guides",
    "online_links",
    "plain",
    "plan_view",
    "provenance_line",
    "read_static",
    "reference_numbers",
    "review_notice",
    "short_url",
    "source_date",
    "templates_dir",
    "when",
]

_PACKAGE = Path(__file__).resolve().parent.parent

# Languages written right to left (CLDR's characterOrder), by their primary subtag; a
# script subtag overrides the language's usual script (`pa-Arab` is right to left).
_RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku", "lrc", "mzn", "ps", "sd", "ug", "ur", "yi"}
)
_RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg"})


def direction(language: str) -> Literal["ltr", "rtl"]:
    """Which way text in `language` (a tag such as `ar`, `ur-PK` or `pa-Arab`) runs."""
    parts = language.split("-")
    scripts = [part for part in parts[1:] if len(part) == 4 and part.isalpha()]
    if scripts:
        return "rtl" if scripts[0].title() in _RTL_SCRIPTS else "ltr"
    return "rtl" if parts[0].lower() in _RTL_LANGUAGES else "ltr"


_NOTHING = Markup("")
Key = str | tuple[str | int, ...]
"""A translation key, whole (`closing.heading`) or in parts (`("closing", "heading")`)."""


def _joined(key: Key) -> str:
    """The key in parts joined as the translation file writes it (see `field_path`)."""
    return key if isinstance(key, str) else field_path(key)


class Langs:
    """Marks text whose language is not the document's: the strings a partial translation
    keeps in the source language (by their translation key), and references' titles.

    For a guide that is not a translation it marks nothing, so its output is unchanged.
    """

    def __init__(self, article: Article) -> None:
        translation = article.provenance.translation
        self.document = article.language
        self.source = translation.source_language if translation else article.language
        self.untranslated = frozenset(translation.untranslated if translation else ())

    def __getitem__(self, key: Key) -> Markup:
        """` lang="…"` for an element holding the string `key` (its parts, such as
        `("lifestyle", "intro", 0)` for `lifestyle.intro[0]`), when it is untranslated.
        Looked up (`langs[...]`) rather than called, with the key in parts rather than
        joined in the template: both cost Jinja far more, for every paragraph, and only a
        partial translation needs the key at all."""
        if self.untranslated and _joined(key) in self.untranslated:
            return self.attribute(self.source)
        return _NOTHING

    def text(self, key: Key, value: str) -> Markup:
        """`value`, escaped, in a `<span lang>` when it is untranslated."""
        if self.untranslated and _joined(key) in self.untranslated:
            return Markup("<span{}>{}</span>").format(self.attribute(self.source), value)
        return escape(value)  # as Markup("{}").format(value) does, without its formatter

    def attribute(self, language: str) -> Markup:
        """` lang="…"` when `language` is not the document's language."""
        if language.split("-")[0].lower() == self.document.split("-")[0].lower():
            return _NOTHING
        return Markup(' lang="{}"').format(language)


def labels_of(article: Article, clinic: Clinic | None = None) -> Labels:
    """The words the renderers print around `article`: the package's for its language,
    with those the guide changes, then those the clinic changes for that language."""
    by_clinic = clinic.labels if clinic else {}
    language = article.language
    return labels_with(
        language,
        article.labels,
        by_clinic.get(language.split("-")[0]),
        by_clinic.get(language),
    )


class ContactLine(NamedTuple):
    """One way to reach the clinic: a label, the text shown and the link."""

    label: str
    text: str
    href: str
    field: str
    """Where the text comes from, such as `clinic.phone`, for error messages."""
    prefix: str
    """What goes before the link: `Phone: `, or nothing for the booking link."""
    plain: str
    """The whole line as plain text, where links cannot be made (a text email)."""
    ltr: bool = False
    """The text is a phone number, an address or a URL: read left to right whatever the
    guide's direction, so set apart (isolated) from right-to-left text around it, where
    "1 800 555 0199" would otherwise read "0199 555 800 1"."""


LRI, PDI = "\u2066", "\u2069"
"""Unicode's left-to-right isolate and its end: plain text's way to set apart a run."""


def contact_lines(clinic: Clinic, labels: Labels, rtl: bool = False) -> tuple[ContactLine, ...]:
    """The clinic's contact details as links (tel:, mailto:, http(s):), in a fixed order;
    in a right-to-left guide (`rtl`), each plain line's number or address isolated."""
    found: list[tuple[str, str, str, str]] = []
    if clinic.phone:
        dial = re.split(r"\s*(?:ext\.?|x)\s*", clinic.phone)[0]
        found.append((labels.phone, clinic.phone, "tel:" + re.sub(r"[^0-9+]", "", dial), "phone"))
    if clinic.email:
        found.append((labels.email, clinic.email, "mailto:" + clinic.email, "email"))
    if clinic.website:
        found.append((labels.website, clinic.website, clinic.website, "website"))
    if clinic.booking_url:
        found.append(("", labels.booking, clinic.booking_url, ""))
    lines = []
    for label, text, href, field in found:
        prefix = f"{label}{labels.term_separator} " if label else ""
        shown, address = (f"{LRI}{text}{PDI}", f"{LRI}{href}{PDI}") if rtl else (text, href)
        plain_text = f"{prefix}{shown}" if label else f"{text}: {address}"
        source = f"clinic.{field}" if field else "labels.booking"
        lines.append(ContactLine(label, text, href, source, prefix, plain_text, bool(field)))
    return tuple(lines)


def clinic_phrase(clinic: Clinic, labels: Labels) -> str:
    """How the article names the clinic: "Avenue Physio in Calgary Downtown"."""
    if clinic.location:
        return labels.clinic_in_location.format(name=clinic.name, location=clinic.location)
    return clinic.name


class Segment(NamedTuple):
    """A piece of a line that several formats print: its text, the field it comes from
    (for error messages; empty for the words between fields), and what it is."""

    text: str
    field: str = ""
    kind: Literal["", "cite", "date"] = ""
    lang: str = ""
    """The text's language when it is not the document's (an English title in a French
    guide), so that screen readers pronounce it right."""
    value: str = ""
    """A date's machine-readable value (ISO 8601, for HTML's `<time datetime>`), when
    its text is written out for the reader."""


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, field: str, **values: Segment) -> list[Segment]:
    """A label with placeholders (`"Version {version}, updated {date}."`) as segments: the
    label's own words (from `field`) between the values, in the label's order, which a
    translation may change."""
    segments: list[Segment] = []
    at = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > at:
            segments.append(Segment(template[at : match.start()], field))
        segments.append(values[match[1]])
        at = match.end()
    if at < len(template):
        segments.append(Segment(template[at:], field))
    return segments


def provenance_line(article: Article, labels: Labels) -> tuple[Segment, ...]:
    """Who wrote what, the version, and the review state, in pieces, so each format can
    mark up titles and dates its own way: "Article: TITLE, CLINIC. Summaries and safety
    section written for this guide by WHO, from the sources listed. Version 2.0.0,
    updated 2026-11-27. Not yet reviewed by a clinician."

    A review is named only when one of this very version is recorded.
    """
    provenance = article.provenance
    who = Segment(provenance.adapted_by, "provenance.adapted_by")
    if provenance.source_title is None or provenance.source_clinic is None:
        segments = fill(labels.written, "labels.written", who=who)
    else:
        segments = fill(
            labels.source_article,
            "labels.source_article",
            title=Segment(
                provenance.source_title,
                "provenance.source_title",
                "cite",
                provenance.source_language or "",
            ),
            clinic=Segment(provenance.source_clinic, "provenance.source_clinic"),
        )
        segments.append(Segment(" "))
        segments += fill(labels.adapted, "labels.adapted", who=who)
    segments.append(Segment(" "))
    segments += fill(
        labels.version_updated,
        "labels.version_updated",
        version=Segment(provenance.version, "provenance.version"),
        date=_date(provenance.updated, "provenance.updated", article.language),
    )
    segments.append(Segment(" "))
    segments += _review_state(article, labels)
    if provenance.translation:
        segments += [Segment(" "), *translation_line(article, labels)]
    return tuple(segments)


def _review_state(article: Article, labels: Labels) -> list[Segment]:
    """Who reviewed this version of the content, or that no clinician has yet."""
    reviews = article.provenance.current_reviews("clinical")
    if reviews:
        return _reviewed(labels.reviewed_by, "labels.reviewed_by", reviews[0], article.language)
    return [Segment(labels.not_reviewed, "labels.not_reviewed")]


def review_notice(article: Article, labels: Labels) -> tuple[Segment, ...]:
    """The one-line notice every format puts under the title: whether a clinician has
    reviewed this version ("Not yet reviewed by a clinician."), and for a translation
    whether a certified translator has checked it."""
    segments = _review_state(article, labels)
    if article.provenance.translation:
        segments += [Segment(" "), *_translation_review(article, labels)]
    return tuple(segments)


def _translation_review(article: Article, labels: Labels) -> list[Segment]:
    """Who checked this version of the translation, or that no certified translator has."""
    reviews = article.provenance.current_reviews("translation")
    if reviews:
        return _reviewed(
            labels.translation_reviewed_by,
            "labels.translation_reviewed_by",
            reviews[0],
            article.language,
        )
    return [Segment(labels.translation_not_reviewed, "labels.translation_not_reviewed")]


def clinic_voice(article: Article, labels: Labels) -> str | None:
    """Where the source article begins: that what follows is its clinic's own words
    (none for a guide without a source article: all of it is the guide's own)."""
    clinic = article.provenance.source_clinic
    return labels.clinic_voice.format(clinic=clinic) if clinic else None


def independent_note(article: Article, labels: Labels) -> str | None:
    """Under each section the guide adds: that it was written from the sources listed,
    not by the clinic whose article the guide keeps (none without a source article)."""
    clinic = article.provenance.source_clinic
    return labels.independent.format(clinic=clinic) if clinic else None


def _reviewed(label: str, key: str, review: Review, language: str) -> list[Segment]:
    """A review's line, from the label `key` that names who, in what role and when."""
    return fill(
        label,
        key,
        name=Segment(review.reviewer, "provenance.reviews.reviewer"),
        role=Segment(review.role, "provenance.reviews.role"),
        date=_date(review.date, "provenance.reviews.date", language),
    )


def _date(day: datetime.date, field: str, language: str) -> Segment:
    """A date as the reader's language writes it ("November 27, 2026"), with its ISO
    value for the formats that mark dates up."""
    return Segment(content_date(day, language), field, "date", value=day.isoformat())


def translation_line(article: Article, labels: Labels) -> list[Segment]:
    """Who translated the guide, whether a translator has checked it (only a check of this
    very version is named), and whether parts are still untranslated."""
    translation = article.provenance.translation
    if translation is None:
        return []
    segments = fill(
        labels.translated,
        "labels.translated",
        who=Segment(translation.translated_by, "provenance.translation.translated_by"),
        version=Segment(translation.source_version, "provenance.translation.source_version"),
    )
    segments.append(Segment(" "))
    segments += _translation_review(article, labels)
    if translation.untranslated:
        segments += [Segment(" "), Segment(labels.untranslated, "labels.untranslated")]
    return segments


class ReferenceNumbers(dict[str, int]):
    """Each reference's number in the guide's list of sources, counting from 1."""

    def cite(self, sources: Sequence[str]) -> list[tuple[int, str]]:
        """The numbers and ids of `sources`, in number order, as a citation shows them."""
        return sorted((self[source], source) for source in sources)

    def label(self, sources: Sequence[str]) -> str:
        """A citation as plain text: `[1, 3]`."""
        return "[" + ", ".join(str(number) for number, _ in self.cite(sources)) + "]"


def reference_numbers(article: Article) -> ReferenceNumbers:
    """Each reference's number in the guide's list of sources, counting from 1."""
    return ReferenceNumbers(
        (reference.id, number) for number, reference in enumerate(article.references, 1)
    )


def cited(article: Article, name: str) -> bool:
    """Whether the section `name` of `article` cites any reference."""
    prefix = f"{name}."
    return any(path.startswith(prefix) and sources for path, sources in article.citations())


def plain(segments: tuple[Segment, ...]) -> str:
    """The segments' text, joined."""
    return "".join(segment.text for segment in segments)


class PlanRow(NamedTuple):
    """One line of a patient's plan: the plan's field, its label and what the plan says."""

    field: str
    label: str
    value: str


class PlanView(NamedTuple):
    """A patient's plan as every format shows it, in the guide's language."""

    rows: tuple[PlanRow, ...]
    """Patient, physiotherapist, sessions, next appointment, note, day made (those given)."""
    tips: tuple[LifestyleTip, ...]
    """The home tips chosen, in the guide's order."""
    chosen: frozenset[str]
    """The ids of the tips chosen."""
    patient: str | None
    """The patient's name, when the plan gives it."""


def plan_view(plan: PatientPlan, article: Article, labels: Labels) -> PlanView:
    """What a plan says, row by row; `ContentError` for a tip the guide does not have."""
    plan.check(article)
    language = article.language
    sessions = (
        number(plan.sessions, language)
        if isinstance(plan.sessions, int)
        else labels.plan_range.format(
            min=number(plan.sessions[0], language), max=number(plan.sessions[1], language)
        )
    )
    rows = [
        *([PlanRow("patient", labels.plan_patient, plan.patient)] if plan.patient else []),
        PlanRow("physiotherapist", labels.plan_physiotherapist, plan.physiotherapist),
        PlanRow("sessions", labels.plan_sessions, sessions),
        *(
            [PlanRow("next_appointment", labels.plan_next, when(plan.next_appointment, language))]
            if plan.next_appointment
            else []
        ),
        *([PlanRow("note", labels.plan_note, plan.note)] if plan.note else []),
        *(
            [PlanRow("made", labels.plan_made, when(plan.made, language, weekday=False))]
            if plan.made
            else []
        ),
    ]
    chosen = frozenset(plan.home_tips)
    offered = article.lifestyle.items if article.lifestyle else ()
    tips = tuple(tip for tip in offered if tip.id in chosen)
    return PlanView(tuple(rows), tips, chosen, plan.patient)


def source_date(article: Article) -> datetime.datetime:
    """The date every output is stamped with, so identical input gives identical bytes:
    `SOURCE_DATE_EPOCH` when it is set, else the article's review date; in UTC."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return datetime.datetime.fromtimestamp(int(value), datetime.UTC)
    made = article.provenance.updated
    return datetime.datetime(made.year, made.month, made.day, tzinfo=datetime.UTC)


def templates_dir() -> Path:
    """The templates folder: inside the installed package (the wheel carries the
    checkout's top-level `templates/` there), or the checkout's own."""
    for candidate in (_PACKAGE / "templates", _PACKAGE.parent.parent / "templates"):
        if (candidate / "article.html.jinja").is_file():
            return candidate
    raise FileNotFoundError(f"templates not found beside {_PACKAGE}")  # pragma: no cover


_ENVIRONMENT_LOCK = threading.Lock()


def environment() -> jinja2.Environment:
    """The shared environment: autoescaping every template, failing on any undefined name.

    Made once, under a lock, so threads rendering at the same time share one environment
    and its compiled templates.
    """
    with _ENVIRONMENT_LOCK:
        return _environment()


@functools.cache
def _environment() -> jinja2.Environment:
    # Imported on first use: a handout never needs Jinja.
    import jinja2

    made = jinja2.Environment(
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
    # `text | kept(langs, key)`: a filter, which a template calls directly, rather than
    # `langs.text(key, text)`, which goes through Jinja's slower call of an object's method.
    made.filters["kept"] = _kept
    made.filters["cite"] = _cite
    made.filters["lang_of"] = _lang_of
    made.filters["accessed"] = _accessed
    made.filters["in_english"] = _in_english
    return made


def _lang_of(language: str, langs: Langs) -> Markup:
    """`language | lang_of(langs)`: ` lang="…"` when it is not the document's language."""
    return langs.attribute(language)


def _in_english(language: str, langs: Langs, labels: Labels) -> str:
    """`reference.language | in_english(langs, labels)`: " (en anglais)" after the title of
    a source in English when the guide is in another language; else nothing."""
    if language.split("-")[0].lower() == "en" and langs.attribute(language):
        return f" {labels.in_english}"
    return ""


def _accessed(day: datetime.date, labels: Labels, langs: Langs) -> str:
    """`date | accessed(labels, langs)`: when a source was read, as the labels say it,
    the date as the document's language writes it."""
    return labels.accessed.format(date=content_date(day, langs.document))


def _cite(sources: Sequence[str], ids: str, numbers: ReferenceNumbers, base: str = "") -> Markup:
    """`sources | cite(ids, numbers, base)`: an item's citation, `[1, 3]`, each number a
    link to its source in the list, which is in the document `base` (this one when empty;
    an ePub's list is a document of its own). Empty without sources. A filter rather than
    a macro, which costs Jinja a frame for each of the guide's many citations."""
    if not sources:
        return _NOTHING
    at = f"{escape(base)}#{escape(ids)}-ref-"
    links = ", ".join(
        f'<a href="{at}{escape(source)}">{number}</a>' for number, source in numbers.cite(sources)
    )
    return Markup(f'<span class="bpc-cite">[{links}]</span>')  # noqa: S704 - escaped above


def _kept(value: str, langs: Langs, *key: str | int) -> Markup:
    return langs.text(key, value)


@functools.cache
def read_static(name: str) -> str:
    """A static file from the templates folder, such as the stylesheet."""
    return (templates_dir() / name).read_text(encoding="utf-8")


def online_links(links: GuideLinks | None, clinic: Clinic) -> GuideLinks | None:
    """`links` as read away from the host's site (on paper, in an e-book, in an email),
    where only a whole URL leads anywhere: each guide at its https URL, else at the
    clinic's `guide_url` when that names `{id}` (each guide its own page), else named
    without a link."""
    if links is None:
        return None
    pattern = clinic.guide_url if clinic.guide_url and "{id}" in clinic.guide_url else None

    def away(link: GuideLink) -> GuideLink:
        if link.url and link.url.startswith("https://"):
            return link
        url = fill_guide_url(pattern, link.id, link.language) if pattern else None
        return link.model_copy(update={"url": url})

    return GuideLinks(
        url=links.url if links.url and links.url.startswith("https://") else None,
        versions=tuple(map(away, links.versions)),
        related=tuple(map(away, links.related)),
        treatments=tuple((item, away(link)) for item, link in links.treatments),
    )


def more_guides(links: GuideLinks | None) -> tuple[GuideLink, ...]:
    """The related guides and then the guides of the treatments, each once: what a printed
    page lists under "Related guides"."""
    if links is None:
        return ()
    found = {link.id: link for link in links.related}
    for _item, link in links.treatments:
        found.setdefault(link.id, link)
    return tuple(found.values())


def short_url(url: str) -> str:
    """A URL as printed for a reader to type: without `https://` or a final `/`."""
    return url.removeprefix("https://").rstrip("/")
