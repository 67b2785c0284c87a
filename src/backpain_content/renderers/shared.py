"""What every format says alike: the clinic's name and contact lines, the provenance line,
the date outputs are stamped with, and the one Jinja environment with its templates.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from ..labels import Labels
from ..model import Article, Clinic

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "ContactLine",
    "Segment",
    "clinic_phrase",
    "contact_lines",
    "environment",
    "plain",
    "provenance_line",
    "read_static",
    "source_date",
    "templates_dir",
]

_PACKAGE = Path(__file__).resolve().parent.parent


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


def contact_lines(clinic: Clinic, labels: Labels) -> tuple[ContactLine, ...]:
    """The clinic's contact details as links (tel:, mailto:, http(s):), in a fixed order."""
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
        plain_text = f"{prefix}{text}" if label else f"{text}: {href}"
        source = f"clinic.{field}" if field else "labels.booking"
        lines.append(ContactLine(label, text, href, source, prefix, plain_text))
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


def provenance_line(article: Article, labels: Labels) -> tuple[Segment, ...]:
    """ "Source: TITLE, CLINIC. Version 1.0.0. Last reviewed 2026-11-27.", in pieces, so
    each format can mark up the title and the date its own way."""
    provenance = article.provenance
    return (
        Segment(f"{labels.source}{labels.term_separator} ", "labels.source"),
        Segment(provenance.source_title, "provenance.source_title", "cite"),
        Segment(", "),
        Segment(provenance.source_clinic, "provenance.source_clinic"),
        Segment(f". {labels.version} ", "labels.version"),
        Segment(provenance.version, "provenance.version"),
        Segment(f". {labels.last_reviewed} ", "labels.last_reviewed"),
        Segment(provenance.last_reviewed.isoformat(), "provenance.last_reviewed", "date"),
        Segment("."),
    )


def plain(segments: tuple[Segment, ...]) -> str:
    """The segments' text, joined."""
    return "".join(segment.text for segment in segments)


def source_date(article: Article) -> datetime.datetime:
    """The date every output is stamped with, so identical input gives identical bytes:
    `SOURCE_DATE_EPOCH` when it is set, else the article's review date; in UTC."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return datetime.datetime.fromtimestamp(int(value), datetime.UTC)
    reviewed = article.provenance.last_reviewed
    return datetime.datetime(reviewed.year, reviewed.month, reviewed.day, tzinfo=datetime.UTC)


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
