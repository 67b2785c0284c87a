"""The kinds of field every record is made of (lines, paragraphs, summaries, URLs, ids)
and `Record`, the frozen, validated base of the model's records and the labels.

Every bad value becomes one `ContentError` line naming the field, never quoting the value:
a value may be a patient's.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from .errors import ContentError
from .urls import url_pattern, web_url

__all__ = [
    "CLINIC_PLACEHOLDER",
    "LANGUAGE_TAG",
    "SUMMARY_MAX_WORDS",
    "LanguageTag",
    "Line",
    "Paragraphs",
    "Record",
    "Slug",
    "Summary",
    "Text",
    "Version",
    "WebUrl",
    "WebUrlPattern",
    "check_summary",
    "field_path",
    "fill_guide_url",
    "validation_message",
    "visible",
]

SUMMARY_MAX_WORDS = 25
CLINIC_PLACEHOLDER = "{clinic}"

# Bidi embeddings and overrides can make text read differently from how it is stored
# (CVE-2021-42574, "Trojan Source"): refused. Isolates (LRI, RLI, FSI ... PDI) only set a
# run apart, the standard way to keep a phone number in Arabic text in its order: allowed
# when each is closed, in order, within the same text.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e")
_ISOLATES, _POP_ISOLATE = frozenset("\u2066\u2067\u2068"), "\u2069"
_MAX_ISOLATES = 16


def _check_isolates(value: str) -> None:
    depth = 0
    for char in value:
        if char in _ISOLATES:
            depth += 1
            if depth > _MAX_ISOLATES:
                raise ValueError(f"nests more than {_MAX_ISOLATES} bidi isolates")
        elif char == _POP_ISOLATE:
            if depth == 0:
                raise ValueError("closes a bidi isolate (U+2069) that was not opened")
            depth -= 1
    if depth:
        raise ValueError("opens a bidi isolate (U+2066-U+2068) that it does not close (U+2069)")


_ALLOWED_CONTROLS = frozenset("\n\t")


# Letters and symbols that print nothing: Hangul fillers, the blank Braille pattern.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def visible(char: str) -> bool:
    """Whether `char` prints something: a letter, digit, punctuation mark or symbol, not a
    space, a format character (a soft hyphen, a word joiner, a direction mark, a
    zero-width space), a mark on its own, or a letter that is blank."""
    return unicodedata.category(char)[0] in "LNPS" and char not in _BLANK


def _check_text(value: str) -> str:
    # One form for every accented letter: text saved decomposed (as macOS editors save
    # it, `e` + U+0301) prints, sorts and compares as the composed form does.
    value = unicodedata.normalize("NFC", value)
    for char in value:
        if char in _BIDI_CONTROLS:
            raise ValueError(f"contains the bidi control character U+{ord(char):04X}")
        category = unicodedata.category(char)
        if category == "Cc" and char not in _ALLOWED_CONTROLS:
            raise ValueError(f"contains the control character U+{ord(char):04X}")
        if category in ("Zl", "Zp"):
            raise ValueError(
                f"contains the line or paragraph separator U+{ord(char):04X}; "
                "start a new paragraph instead"
            )
    _check_isolates(value)
    if not value.strip():
        raise ValueError("must not be empty")
    # Text that prints nothing passes for text: a safety warning translated as a word
    # joiner or a soft hyphen would vanish from the page, and no one would notice.
    if not any(map(visible, value)):
        raise ValueError("has no visible text: only spaces or invisible characters")
    for end, char in (("begins", value[0]), ("ends", value[-1])):
        # An isolate may open or close the text (a phone number isolated at its end).
        if unicodedata.category(char) == "Cf" and char not in (*_ISOLATES, _POP_ISOLATE):
            raise ValueError(f"{end} with the invisible character U+{ord(char):04X}")
    return value


def _check_line(value: str) -> str:
    if "\n" in value or "\t" in value:
        raise ValueError("must be a single line")
    return value


def check_summary(value: str) -> str:
    """`value`, which must be at most `SUMMARY_MAX_WORDS` words (a ValueError says how many)."""
    words = len(value.split())
    if words > SUMMARY_MAX_WORDS:
        raise ValueError(f"has {words} words; a summary has at most {SUMMARY_MAX_WORDS}")
    return value


# Lengths are generous for real content and bound what a page, header or cover must hold.
Text = Annotated[str, Field(max_length=20_000), AfterValidator(_check_text)]
"""Free text: any Unicode, but no control or bidi-override characters."""

Line = Annotated[
    str, Field(max_length=200), AfterValidator(_check_text), AfterValidator(_check_line)
]
"""A single line of text, such as a title or a name."""

Summary = Annotated[
    str,
    Field(max_length=200),
    AfterValidator(_check_text),
    AfterValidator(_check_line),
    AfterValidator(check_summary),
]
"""A plain-language version of a body, at most 25 words."""

Paragraphs = Annotated[tuple[Text, ...], Field(min_length=1)]

# Only absolute https URLs: a `javascript:` or `data:` URL would run or smuggle content in
# every format that makes links (HTML, PDF, ePub, email), and a patient following a printed
# link or QR code should not be sent over plain http. Kept as a browser parses them.
WebUrl = Annotated[str, Field(max_length=2000), AfterValidator(web_url)]
"""An absolute https URL, in the form a browser uses (see `urls.py`)."""

GUIDE_PLACEHOLDERS = ("{id}", "{language}")


def fill_guide_url(pattern: str, guide_id: str, language: str) -> str:
    """A guide's URL from a pattern with `{id}` and `{language}` (a pattern without them
    is the one URL of every guide)."""
    return pattern.replace("{id}", guide_id).replace("{language}", language)


WebUrlPattern = Annotated[str, Field(max_length=2000), AfterValidator(url_pattern)]
"""An absolute https URL, which may name a guide with `{id}` and `{language}`."""

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
LANGUAGE_TAG = r"^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$"
"""A language tag: language, then an optional script and region (`en-CA`, `zh-Hans`)."""
LanguageTag = Annotated[str, Field(pattern=LANGUAGE_TAG)]
Version = Annotated[str, Field(pattern=r"^[0-9]+(?:\.[0-9]+){0,2}$")]


_HINTS = {
    "id": "must be lowercase letters, digits and single hyphens, such as dry-needling-back-pain",
    "language": "must be a language tag such as en-CA",
    "version": "must be a version number such as 1.0.0",
    "phone": "must be a phone number: digits, spaces and + ( ) - . only",
    "email": "must be an email address such as name@example.org",
    "accent_colour": "must be a colour written #rrggbb",
}


def field_path(loc: Sequence[int | str]) -> str:
    """A path in the guide's data as errors, translation files and renderers name fields:
    names joined with dots, positions in brackets (`lifestyle.items[2].summary`)."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def validation_message(error: ValidationError) -> tuple[str, str]:
    """The field path and a short description of the first problem in `error`.

    Never the value itself: a value may be a patient's.
    """
    errors = error.errors(include_url=False, include_input=False)
    first = errors[0]
    loc = first["loc"]
    kind = first["type"]
    ctx = first.get("ctx", {})
    if kind == "missing":
        problem = "is required but missing"
    elif kind == "extra_forbidden":
        problem = "is not a known field (check the spelling)"
    elif kind == "string_pattern_mismatch" and loc and str(loc[-1]) in _HINTS:
        problem = _HINTS[str(loc[-1])]
    elif kind == "string_pattern_mismatch" and len(loc) > 1 and isinstance(loc[-1], int):
        problem = (
            "must be an id: lowercase letters, digits and single hyphens, such as stretch-daily"
        )
    elif kind == "literal_error":
        problem = f"must be {ctx.get('expected', 'one of the accepted values')}"
    elif kind in ("string_too_long", "too_long") and "max_length" in ctx:
        # Only the lengths: the text may be a patient's.
        value = error.errors()[0].get("input")
        unit = "characters" if isinstance(value, str) else "items"
        length = f"has {len(value)} {unit}; " if isinstance(value, str | list | tuple) else ""
        problem = f"{length}at most {ctx['max_length']} {unit} are allowed"
    else:
        problem = str(first["msg"]).removeprefix("Value error, ")
    more = len(errors) - 1
    if more:
        problem += f" (and {more} more problem{'s' if more > 1 else ''})"
    return field_path(loc) or "(top level)", problem


class Record(BaseModel):
    """A frozen, validated record. Bad values raise `ContentError` (a `ValueError`) with
    one line naming the record, the field and what is wrong, as a file's errors read."""

    # The docstrings under the fields describe them in the JSON Schema (`schema.py`).
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _content_error(type(self), exc) from None

    # Marked as pydantic marks its own RootModel.__init__: pydantic then validates nested
    # records and `model_validate` data itself, not through this __init__, so a nested
    # problem is reported once, at its full path, by the outermost call.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise _content_error(cls, exc) from None

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy, with `update`'s values validated as the constructor validates them.

        pydantic's own copy takes `update` as it is (documented), so a web app building a
        clinic with `model_copy(update=...)` could put into a page what the constructor
        refuses: `accent_colour = "red;}</style><script>..."`, `website = "javascript:..."`.
        """
        if not update:
            return super().model_copy(deep=deep)
        data = {name: getattr(self, name) for name in type(self).model_fields}
        data.update(update)
        return type(self).model_validate(data)

    @classmethod
    def model_validate_json(
        cls, json_data: str | bytes | bytearray, *args: Any, **kwargs: Any
    ) -> Self:
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except ValidationError as exc:
            raise _content_error(cls, exc) from None


def _content_error(model: type[BaseModel], error: ValidationError) -> ContentError:
    field, problem = validation_message(error)
    return ContentError(model.__name__, field, problem)
