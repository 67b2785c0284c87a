"""What a translation must carry over from its source, string by string.

A translated warning can pass every other check and still say less: "Call 911" become
"Call 91", 19.18% become 9.18%, a paragraph translated as one word. So for each string:

- the figures of the safety section (percentages, counts, temperatures, hours) are the
  source's, as the language writes them ("19.18%" in English is "19,18 %" in French);
- the emergency and health-line numbers anywhere (911, 811, 999, 112...) are kept;
- the web addresses anywhere are kept, character for character;
- a string of some length is between half and twice its source's length, as printed
  (a Chinese character takes the room of two Latin letters).

`translate apply` refuses a translation with any of these; `lint` flags them in a
translated guide whose source it can find.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .renderers.cldr import locale_of

__all__ = ["Slip", "check_translation", "figures", "summary_of_slips"]

EMERGENCY_NUMBERS = frozenset({"911", "811", "999", "112", "111", "988", "000"})
"""Emergency and health-line numbers (North America, the UK, Europe, Australia): never
changed by a translation, in any string."""

MIN_RATIO, MAX_RATIO = 0.5, 2.0
_MIN_WIDTH = 30
"""Strings narrower than this (a label, a short title) vary too much in length between
languages for their ratio to mean anything."""

# Not inside a Latin word or another number ("H2O", "v1.2"); Chinese and Japanese set
# figures right against their characters ("约19.18%").
_NUMBER = re.compile(r"(?<![0-9A-Za-z.,])\d+(?:[.,\u00a0\u202f\u2009 ]\d+)*")
_SEPARATOR = re.compile(r"([.,\u00a0\u202f\u2009 ])")
_URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class Slip:
    """One way a translated string departs from its source: the string's key (as the PO
    file's `msgctxt` names it) and what is wrong."""

    key: str
    problem: str


@functools.cache
def _decimal_sign(language: str) -> str:
    """The decimal sign of `language` (a BCP 47 tag), as CLDR gives it."""
    return str(locale_of(language).number_symbols["latn"]["decimal"])


def figures(text: str, language: str) -> set[str]:
    """The numbers of `text` as `language` writes them, each in one plain form: "19,18 %"
    in French and "19.18%" in English are both "19.18"; "1 000" and "1,000" are "1000".
    A separator is a group separator only before three digits; otherwise it ends the
    number ("3, 6" and "3 6" are two)."""
    decimal = _decimal_sign(language)
    # Arabic's own decimal and group signs, where Arabic-Indic digits are used.
    text = text.replace("\u066b", decimal).replace("\u066c", "\u2009")
    found: set[str] = set()
    for match in _NUMBER.finditer(text):
        parts = _SEPARATOR.split(match[0])
        number, fraction = _digits(parts[0]), ""
        for at in range(1, len(parts) - 1, 2):
            sign, group = parts[at], _digits(parts[at + 1])
            if sign == decimal and not fraction and (at + 2 >= len(parts)):
                fraction = group
            elif len(group) == 3 and not fraction and sign != decimal:
                number += group
            else:
                found.add(_plain(number, fraction))
                number, fraction = group, ""
        found.add(_plain(number, fraction))
    return found


def _digits(text: str) -> str:
    # Any script's digits (Arabic-Indic, Devanagari...) as ASCII ones.
    return "".join(str(unicodedata.decimal(char)) for char in text)


def _plain(number: str, fraction: str) -> str:
    return f"{number}.{fraction}" if fraction else number


def _width(text: str) -> int:
    """The room `text` takes printed: two for a wide (Chinese, Japanese, Korean)
    character, none for a combining mark, one for the rest."""
    return sum(
        0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
        for char in text
    )


def _urls(text: str) -> set[str]:
    return {url.rstrip(".,;:!?)»") for url in _URL.findall(text)}


def check_translation(
    key: str, source: str, translated: str, source_language: str, language: str
) -> Iterator[Slip]:
    """Every way the translation of the string `key` departs from its source (see the
    module): nothing for a string left in its source's words."""
    if translated == source:
        return
    given, kept = figures(source, source_language), figures(translated, language)
    if key.startswith("safety."):
        for number in sorted(given - kept, key=_order):
            yield Slip(key, f"drops the figure {number}, which the source gives")
        for number in sorted(kept - given, key=_order):
            yield Slip(key, f"gives the figure {number}, which the source does not")
    else:
        for number in sorted((given ^ kept) & EMERGENCY_NUMBERS, key=_order):
            what = "drops" if number in given else "adds"
            yield Slip(key, f"{what} the emergency number {number}")
    for url in sorted(_urls(source) - _urls(translated)):
        yield Slip(key, f"drops or changes the web address {url}")
    for url in sorted(_urls(translated) - _urls(source)):
        yield Slip(key, f"has a web address the source does not: {url}")
    width = _width(source)
    if width >= _MIN_WIDTH:
        ratio = _width(translated) / width
        if not MIN_RATIO <= ratio <= MAX_RATIO:
            yield Slip(
                key,
                f"is {ratio:.0%} of its source's length (outside {MIN_RATIO:.0%}-"
                f"{MAX_RATIO:.0%}): is something missing, or added?",
            )


def _order(number: str) -> tuple[float, str]:
    return float(number), number


def summary_of_slips(slips: Iterable[Slip]) -> tuple[str, str]:
    """The first slip's key, and one line saying it and how many more there are (with
    the first few of them), for an error that names every problem at once."""
    listed = list(slips)
    first, rest = listed[0], listed[1:]
    line = first.problem
    if rest:
        shown = "; ".join(f"{slip.key}: {slip.problem}" for slip in rest[:5])
        line += f" ({len(listed)} problems in all; also {shown}{'; ...' if len(rest) > 5 else ''})"
    return first.key, line
