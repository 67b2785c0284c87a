"""Dates, times and numbers as each language writes them, from the Unicode CLDR data
(through Babel), never from the host's locale, which the package leaves alone.

Babel is imported on first use (its date module takes a tenth of a second to import);
its locales are parsed once per language tag and shared: Babel's `Locale` loads its
data under its own lock, and formatting only reads it.
"""

from __future__ import annotations

import datetime
import functools
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from babel import Locale

__all__ = ["content_date", "locale_of", "number", "when"]

_FALLBACK = "en"


@functools.cache
def locale_of(language: str) -> Locale:
    """The CLDR locale of a BCP 47 language tag (`en-CA`, `fr-CA`, `zh-Hans`): the tag
    itself, else the tag with its last subtags dropped one by one (a pseudo-locale such
    as `en-XA` falls back to `en`), else English."""
    from babel import Locale, UnknownLocaleError

    parts = language.split("-")
    for end in range(len(parts), 0, -1):
        try:
            return Locale.parse("-".join(parts[:end]), sep="-")
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return Locale.parse(_FALLBACK)


def when(value: datetime.date | datetime.datetime, language: str, weekday: bool = True) -> str:
    """A date, or a date and time, as CLDR writes it in `language`: the full date
    ("Friday, March 12, 2027") or, without `weekday`, the long one ("March 12, 2027");
    a time of day in the short form ("2:30 p.m.", "14 h 30"), joined to the date by the
    locale's own date-and-time pattern."""
    from babel.dates import format_date, format_time, get_datetime_format

    locale = locale_of(language)
    width: Literal["full", "long"] = "full" if weekday else "long"
    day = format_date(value, width, locale=locale)
    if not isinstance(value, datetime.datetime):
        return day
    # A naive time: Babel would read a naive datetime as UTC and could shift it.
    time = format_time(value.time(), "short", locale=locale)
    # As Babel's own `format_datetime` joins them: {1} is the date, {0} the time.
    pattern = str(get_datetime_format(width, locale=locale)).replace("'", "")
    return pattern.replace("{1}", day).replace("{0}", time)


@functools.lru_cache(maxsize=1024)
def content_date(value: datetime.date, language: str) -> str:
    """A date of the content, not of a patient (a version's, a review's, when a source was
    read), as `when` writes it without the day of the week. Kept once made: a guide's
    list of sources repeats a few dates, and Babel takes some 40 microseconds for each.
    A plan's dates are personal and never kept: `when` writes them afresh."""
    return when(value, language, weekday=False)


def number(value: int | float, language: str) -> str:
    """A number as CLDR writes it in `language`: its decimal sign and grouping
    (`1,000` and `19.18` in English, `1 000` and `19,18` in French), in Latin digits
    (Babel's default numbering system, and the digits its dates are written in)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=locale_of(language))
