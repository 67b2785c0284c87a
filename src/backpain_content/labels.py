"""Words that are not article content ("Contents", "Page 1 of 2"), per language.

They live in data files (`labels/LANG.toml`) so that a translation needs data, not code.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

_LABELS = Path(__file__).resolve().parent / "labels"

__all__ = ["Labels", "labels_for"]


class Labels(BaseModel):
    """The interface words of one language."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    contents: str
    """Heading of a table of contents."""
    my_plan: str
    """Heading of the box a clinician fills in by pen."""
    page_of: str
    """Page numbering, with `{page}` and `{pages}`."""
    source_article: str
    """Names the source article, with `{title}` and `{clinic}`."""
    adapted: str
    """Says who wrote the summaries and the safety section, with `{who}`."""
    version_updated: str
    """The content's version and when it was made, with `{version}` and `{date}`."""
    not_reviewed: str
    """Says that no clinician has reviewed the content."""
    reviewed_by: str
    """Names the latest clinical review, with `{name}`, `{role}` and `{date}`."""
    sources: str
    """Heading of the list of references."""
    accessed: str
    """When a reference was read, with `{date}`."""
    disclaimer: str
    """The general-information note every output carries."""
    clinic_in_location: str
    """How a clinic is named with its location, with `{name}` and `{location}`."""
    term_separator: str
    """What follows an item's title when its body runs on after it."""
    contact: str
    """Heading of the clinic's contact details."""
    phone: str
    """Label of the clinic's phone number."""
    email: str
    """Label of the clinic's email address."""
    website: str
    """Label of the clinic's website."""
    booking: str
    """Text of the clinic's booking link."""
    sessions_range: str
    """A range of sessions, with `{min}` and `{max}`."""
    plan_sessions: str
    """Line of the plan box for the number of sessions."""
    plan_next: str
    """Line of the plan box for the next appointment."""
    plan_exercises: str
    """Line of the plan box for exercises."""
    your_plan: str
    """Heading of a patient's own plan in the web page and the ePub."""
    plan_patient: str
    """Label of the patient's name in a plan."""
    plan_for: str
    """Title of the handout's plan box with the patient's name, with `{patient}`."""
    plan_physiotherapist: str
    """Label of the physiotherapist in a plan."""
    plan_note: str
    """Label of the physiotherapist's note in a plan."""
    plan_tips: str
    """Label of the home tips chosen in a plan."""
    plan_chosen: str
    """Marks a home tip chosen for the patient."""
    plan_made: str
    """Label of the day a plan was made."""
    plan_range: str
    """A range of sessions planned, with `{min}` and `{max}`."""
    date_long: str
    """A date written out, with `{weekday}`, `{month}`, `{day}` and `{year}`."""
    date_short: str
    """A date written out without the day of the week, with `{month}`, `{day}` and `{year}`."""
    date_and_time: str
    """A date and a time of day, with `{date}` and `{time}`."""
    time_of_day: str
    """A time of day, with `{hour}`, `{minute}` and, on a 12-hour clock, `{period}`."""
    hour_clock: Literal[12, 24]
    """Whether times are told on a 12-hour or a 24-hour clock."""
    weekdays: Annotated[tuple[str, ...], Field(min_length=7, max_length=7)]
    """The names of the days, Monday first."""
    months: Annotated[tuple[str, ...], Field(min_length=12, max_length=12)]
    """The names of the months, January first."""
    day_periods: Annotated[tuple[str, ...], Field(min_length=2, max_length=2)]
    """Before noon and after noon, on a 12-hour clock (`a.m.`, `p.m.`)."""
    scan_to_book: str
    """Caption of a QR code that opens the booking page."""
    scan_to_visit: str
    """Caption of a QR code that opens the clinic's website."""
    landmarks: str
    """Heading of the ePub's (hidden) list of landmarks."""
    cover: str
    """Name of the cover in the ePub's landmarks."""
    start: str
    """Name of the start of the text in the ePub's landmarks."""
    epub_accessibility_summary: str
    """The ePub's accessibility summary (EPUB Accessibility 1.1 metadata)."""
    cover_alt: str
    """Text alternative of the cover image, with `{title}` and `{clinic}`."""
    email_subject: str
    """Subject of the guide email, with `{clinic}` and `{title}`."""
    email_greeting_named: str
    """Greeting of the guide email when the patient's name is known, with `{name}`."""
    email_greeting: str
    """Greeting of the guide email without a name."""
    email_intro: str
    """First paragraph of the guide email, with `{title}` and `{clinic}`."""
    email_open_heading: str
    """Heading of the guide email's instructions for opening an ePub."""
    email_open_iphone: str
    """How to open an ePub on an iPhone or iPad."""
    email_open_android: str
    """How to open an ePub on Android."""
    email_open_computer: str
    """How to open an ePub on a computer."""
    email_safety_more: str
    """Introduces the urgent signs in the guide email."""
    email_plan_next: str
    """Names the next appointment in a personal email, with `{when}` and `{physiotherapist}`."""
    email_plan_physiotherapist: str
    """Names the physiotherapist in a personal email without an appointment, with
    `{physiotherapist}`."""
    email_plan_attached: str
    """Says the attached guide is the patient's own."""
    email_contact_heading: str
    """Heading of the clinic's contact details in the email."""
    email_signoff: str
    """Closing words before the clinic's name."""


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
            return Labels.model_validate(tomllib.loads(resource.read_text(encoding="utf-8")))
    raise LookupError(f"no labels for {language!r}")  # pragma: no cover - en.toml ships
