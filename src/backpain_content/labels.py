"""Words that are not article content ("Contents", "Page 1 of 2"), per language.

They live in data files (`labels/LANG.toml`) so that a translation needs data, not code;
a translated guide may also carry its own (`Article.labels`), made from a PO file.
"""

from __future__ import annotations

import functools
import string
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from .fields import Record, _check_line, _check_text

_LABELS = Path(__file__).resolve().parent / "labels"

__all__ = [
    "LEGACY",
    "PLACEHOLDERS",
    "LabelChanges",
    "Labels",
    "labels_for",
    "labels_with",
    "placeholders",
]

Word = Annotated[
    str, Field(max_length=400), AfterValidator(_check_text), AfterValidator(_check_line)
]
"""A label: one line of any Unicode, without control or bidi-override characters."""

PLACEHOLDERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    name: (frozenset(required), frozenset(required) | frozenset(optional))
    for name, required, optional in (
        ("page_of", ("page", "pages"), ()),
        ("source_article", ("title", "clinic"), ()),
        ("adapted", ("who",), ()),
        ("written", ("who",), ()),
        ("version_updated", ("version", "date"), ()),
        ("reviewed_by", ("name", "role", "date"), ()),
        ("translated", ("who", "version"), ()),
        ("translation_reviewed_by", ("name", "role", "date"), ()),
        ("accessed", ("date",), ()),
        ("clinic_in_location", ("name", "location"), ()),
        ("clinic_voice", ("clinic",), ()),
        ("independent", ("clinic",), ()),
        ("sessions_range", ("min", "max"), ()),
        ("plan_for", ("patient",), ()),
        ("plan_range", ("min", "max"), ()),
        ("cover_alt", ("title", "clinic"), ()),
        ("logo_alt", ("clinic",), ()),
        ("qr_alt", ("url",), ()),
        ("email_subject", ("clinic", "title"), ()),
        ("email_greeting_named", ("name",), ()),
        ("email_intro", ("title", "clinic"), ()),
        ("email_plan_next", ("when", "physiotherapist"), ()),
        ("email_plan_physiotherapist", ("physiotherapist",), ()),
    )
}
"""For each label filled in with values, the `{names}` it must have and those it may have;
every other label has none. A translation that loses one, or adds one, is refused: a
label is formatted with these values only."""


def placeholders(text: str) -> list[str]:
    """The `{names}` in `text`, in order; `ValueError` for braces that are not a plain
    `{name}` (no attribute, index, conversion or format spec: a label is data, and
    `str.format` would read attributes of the values)."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        raise ValueError("has a brace that is not part of a {name}") from None
    names = []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"has {{{name}}}: only a plain {{name}} may be filled in")
        names.append(name)
    return names


class Labels(Record):
    """The interface words of one language."""

    contents: Word
    """Heading of a table of contents."""
    my_plan: Word
    """Heading of the box a clinician fills in by pen."""
    page_of: Word
    """Page numbering, with `{page}` and `{pages}`."""
    source_article: Word
    """Names the source article, with `{title}` and `{clinic}`."""
    adapted: Word
    """For a guide that keeps a source article: says who wrote the summaries and the
    independent sections, with `{who}`."""
    written: Word
    """For a guide without a source article: says who wrote it, from the sources listed,
    with `{who}`."""
    version_updated: Word
    """The content's version and when it was made, with `{version}` and `{date}`."""
    not_reviewed: Word
    """Says that no clinician has reviewed the content."""
    reviewed_by: Word
    """Names the latest clinical review, with `{name}`, `{role}` and `{date}`."""
    sources: Word
    """Heading of the list of references."""
    accessed: Word
    """When a reference was read, with `{date}`."""
    disclaimer: Word
    """The general-information note every output carries."""
    in_english: Word
    """After the title of a source written in English, in a guide in another language
    ("(en anglais)"): the reader learns before following the link that it is in English."""
    clinic_voice: Word
    """Where the source article begins: that its text is the clinic's own description of
    its service, with `{clinic}` (the article's clinic)."""
    independent: Word
    """Under each section the guide adds: written from the sources listed, not by the
    article's clinic, with `{clinic}`."""
    safety_pointer: Word
    """The brochure's and poster's one line on safety: ask about side effects and risks,
    and see the guide."""
    before_title: Word
    """Title of the sheet to read before a first session (consent, risks, questions)."""
    before_pointer: Word
    """The handout's line that points to the "before your first session" sheet."""
    clinic_in_location: Word
    """How a clinic is named with its location, with `{name}` and `{location}`."""
    your_clinic: Word
    """What names the clinic when none is given and the guide names none ("your clinic")."""
    other_languages: Word
    """Before the links to the guide in its other languages."""
    related_guides: Word
    """Heading of the list of related guides."""
    read_guide: Word
    """Before the title of the guide a treatment links to."""
    library_title: Word
    """Title of a library's index page."""
    term_separator: Word
    """What follows an item's title when its body runs on after it."""
    contact: Word
    """Heading of the clinic's contact details."""
    phone: Word
    """Label of the clinic's phone number."""
    email: Word
    """Label of the clinic's email address."""
    website: Word
    """Label of the clinic's website."""
    booking: Word
    """Text of the clinic's booking link."""
    sessions_range: Word
    """A range of sessions, with `{min}` and `{max}`."""
    plan_sessions: Word
    """Line of the plan box for the number of sessions."""
    plan_next: Word
    """Line of the plan box for the next appointment."""
    plan_exercises: Word
    """Line of the plan box for exercises."""
    your_plan: Word
    """Heading of a patient's own plan in the web page and the ePub."""
    plan_patient: Word
    """Label of the patient's name in a plan."""
    plan_for: Word
    """Title of the handout's plan box with the patient's name, with `{patient}`."""
    plan_physiotherapist: Word
    """Label of the physiotherapist in a plan."""
    plan_note: Word
    """Label of the physiotherapist's note in a plan."""
    plan_tips: Word
    """Label of the home tips chosen in a plan."""
    plan_chosen: Word
    """Marks a home tip chosen for the patient."""
    plan_made: Word
    """Label of the day a plan was made."""
    plan_range: Word
    """A range of sessions planned, with `{min}` and `{max}`."""
    scan_to_book: Word
    """Caption of a QR code that opens the booking page."""
    scan_to_visit: Word
    """Caption of a QR code that opens the clinic's website."""
    scan_to_read: Word
    """Caption of a QR code that opens the guide online."""
    ask_for_guide: Word
    """What a poster without a QR code says instead: where to ask for the guide."""
    landmarks: Word
    """Heading of the ePub's (hidden) list of landmarks."""
    cover: Word
    """Name of the cover in the ePub's landmarks."""
    start: Word
    """Name of the start of the text in the ePub's landmarks."""
    epub_accessibility_summary: Word
    """The ePub's accessibility summary (EPUB Accessibility 1.1 metadata)."""
    cover_alt: Word
    """Text alternative of the cover image, with `{title}` and `{clinic}`."""
    logo_alt: Word
    """Text alternative of the clinic's logo in the handout, with `{clinic}`."""
    qr_alt: Word
    """Text alternative of the handout's QR code, with `{url}`, the address it opens."""
    check_box: Word
    """What a screen reader says for a checklist's empty box, to tick by pen."""
    email_subject: Word
    """Subject of the guide email, with `{clinic}` and `{title}`."""
    email_greeting_named: Word
    """Greeting of the guide email when the patient's name is known, with `{name}`."""
    email_greeting: Word
    """Greeting of the guide email without a name."""
    email_intro: Word
    """First paragraph of the guide email, with `{title}` and `{clinic}`."""
    email_open_heading: Word
    """Heading of the guide email's instructions for opening an ePub."""
    email_open_iphone: Word
    """How to open an ePub on an iPhone or iPad."""
    email_open_android: Word
    """How to open an ePub on Android."""
    email_open_computer: Word
    """How to open an ePub on a computer."""
    email_safety_more: Word
    """Introduces the urgent signs in the guide email."""
    email_plan_next: Word
    """Names the next appointment in a personal email, with `{when}` and `{physiotherapist}`."""
    email_plan_physiotherapist: Word
    """Names the physiotherapist in a personal email without an appointment, with
    `{physiotherapist}`."""
    email_plan_attached: Word
    """Says the attached guide is the patient's own."""
    email_contact_heading: Word
    """Heading of the clinic's contact details in the email."""
    email_signoff: Word
    """Closing words before the clinic's name."""
    translated: Word
    """Says who translated the guide and from which version of the source, with `{who}`
    and `{version}`."""
    translation_not_reviewed: Word
    """Says that no certified translator has checked the translation."""
    translation_reviewed_by: Word
    """Names the latest review of the translation, with `{name}`, `{role}` and `{date}`."""
    untranslated: Word
    """Says that some parts are not translated yet and are shown in the source language."""

    @model_validator(mode="before")
    @classmethod
    def _added_since(cls, data: object) -> object:
        """Labels saved in a translated guide before a label was added keep loading: the
        new ones come from the package's English until the guide is translated again.
        Those saved before dates and times came from CLDR (`LEGACY`) are dropped."""
        if isinstance(data, dict) and not LEGACY.isdisjoint(data):
            data = {name: value for name, value in data.items() if name not in LEGACY}
        if isinstance(data, dict) and any(name not in data for name in ADDED_IN_3):
            english = _english()
            data = {**{name: english[name] for name in ADDED_IN_3}, **data}
        return data

    @field_validator("*")
    @classmethod
    def _placeholders_kept(cls, value: object, info: ValidationInfo) -> object:
        if not isinstance(value, str):
            return value
        required, allowed = PLACEHOLDERS.get(info.field_name or "", (frozenset(), frozenset()))
        found = set(placeholders(value))
        if found - allowed:
            raise ValueError(f"has {{{sorted(found - allowed)[0]}}}, which is not filled in here")
        if required - found:
            raise ValueError(f"has lost {{{sorted(required - found)[0]}}}")
        return value


ADDED_IN_3 = (
    "clinic_voice",
    "independent",
    "safety_pointer",
    "before_title",
    "before_pointer",
    "in_english",
    "written",
    "your_clinic",
    "other_languages",
    "related_guides",
    "read_guide",
    "library_title",
)
"""The labels version 3.0 of the guide added, which older translated guides lack."""

LEGACY = frozenset(
    {
        "date_long",
        "date_short",
        "date_and_time",
        "time_of_day",
        "hour_clock",
        "weekdays",
        "months",
        "day_periods",
    }
)
"""Labels that once wrote dates and times (patterns such as `{day} {month} {year}`, the
names of days and months, a 12- or 24-hour clock). Dates, times and numbers now come from
the Unicode CLDR data for the guide's language (`renderers.cldr`), so these are read and
ignored wherever they are still set: in a guide's or a clinic's labels, or a PO file."""


@functools.cache
def _english() -> dict[str, str]:
    data = tomllib.loads((_LABELS / "en.toml").read_text(encoding="utf-8"))
    return {name: data[name] for name in ADDED_IN_3}


LabelValue = str | int | tuple[str, ...]
"""What a label change may hold: text; numbers and lists only in the `LEGACY` date and
time labels (`hour_clock = 24`, `months = [...]`), which are read, then dropped."""


def _check_changes(value: dict[str, LabelValue]) -> dict[str, LabelValue]:
    value = {name: change for name, change in value.items() if name not in LEGACY}
    unknown = sorted(set(value) - set(Labels.model_fields))
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not a label (labels/en.toml names them all)")
    try:
        # A label's rules (one line, its placeholders) are the same in every language.
        _changed("en", tuple(sorted(value.items())))
    except ValueError as exc:
        field = getattr(exc, "field", None)
        problem = getattr(exc, "problem", str(exc))
        raise ValueError(f"{field}: {problem}" if field else problem) from None
    return value


LabelChanges = Annotated[dict[str, LabelValue], AfterValidator(_check_changes)]
"""Labels a guide or a clinic changes, by name (`email_safety_more = "…"`): only those it
changes; the rest are the package's for the language."""


def labels_with(language: str, *changes: Mapping[str, LabelValue] | None) -> Labels:
    """The labels for `language`, with each of `changes` (a guide's, then a clinic's)
    laid over them in turn."""
    merged: dict[str, LabelValue] = {}
    for change in changes:
        merged.update(change or {})
    if not merged:
        return labels_for(language)
    return _changed(language, tuple(sorted(merged.items())))


@functools.lru_cache(maxsize=64)
def _changed(language: str, changes: tuple[tuple[str, LabelValue], ...]) -> Labels:
    # Made once per language and set of changes: every render asks for its labels.
    base = labels_for(language).model_dump()
    return Labels.model_validate({**base, **dict(changes)})


@functools.cache
def labels_for(language: str) -> Labels:
    """The labels for a language tag such as `en-CA`.

    Falls back to the primary language (`en`), then to English.
    """
    primary = language.split("-", 1)[0]
    for name in (language, primary, "en"):
        if not name.replace("-", "").isalnum():
            continue
        resource = _LABELS / f"{name}.toml"
        if resource.is_file():
            data = tomllib.loads(resource.read_text(encoding="utf-8"))
            return Labels.model_validate(data)
    raise LookupError(f"no labels for {language!r}")  # pragma: no cover - en.toml ships
