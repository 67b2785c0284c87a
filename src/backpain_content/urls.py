"""Web addresses: every URL a guide, a clinic or a link holds, parsed as a browser parses
it (the WHATWG URL Standard, by the Rust `url` crate under pydantic) and kept in the form
the parser writes (an IDNA host, percent-encoded path), so that the address a patient
follows, from a link, a printed line or a QR code, is the one the text shows.

What the parser would quietly drop or rewrite is refused first, with one line naming
the field (never the value): control, bidi and invisible characters (a right-to-left
override makes ".../fdp.exe" read ".../exe.pdf"), user names and passwords (which can
make "https://clinic.example@evil.example" look like the clinic's), ports outside
1-65535, and hosts whose names mix scripts (a Cyrillic "а" in "аpple.com").
"""

from __future__ import annotations

import unicodedata

from pydantic_core import Url, ValidationError

__all__ = ["link_url", "url_pattern", "web_url"]

_FORBIDDEN = frozenset('<>"{}|\\^`')
# Scripts a name may mix with Latin: Japanese (kanji and kana), Chinese, Korean.
_EAST_ASIAN = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO"})


def _check_characters(value: str, forbidden: frozenset[str] = _FORBIDDEN) -> None:
    for char in value:
        category = unicodedata.category(char)
        if category[0] in "CZ":
            kind = "space" if category[0] == "Z" else "control or invisible character"
            raise ValueError(f"must be a URL without a {kind} (U+{ord(char):04X})")
        if char in forbidden:
            raise ValueError("must be a URL without spaces, quotes, braces or angle brackets")


def _script(char: str) -> str:
    """The script of a letter, as the first word of its Unicode name says it."""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def _check_host(url: Url) -> None:
    host = url.unicode_host() or ""
    for label in host.split("."):
        scripts = {_script(char) for char in label if char.isalpha()}
        scripts = {"CJK" if script in _EAST_ASIAN else script for script in scripts}
        if len(scripts - {"LATIN"}) > 1 or ("LATIN" in scripts and scripts - {"LATIN", "CJK"}):
            named = " and ".join(script.title() for script in sorted(scripts))
            raise ValueError(
                f"has a host name that mixes scripts ({named}): it could pass for another site's"
            )


def _parsed(value: str) -> Url:
    try:
        url = Url(value)
    except ValidationError as error:
        # The parser's reason, never the value (its message quotes the input).
        reasons = [str(detail.get("msg", "")) for detail in error.errors(include_input=False)]
        if any("port" in reason for reason in reasons):
            raise ValueError(_PORT) from None
        raise ValueError("must be a URL such as https://example.org/page") from None
    if url.port == 0:
        raise ValueError(_PORT)
    return url


_PORT = "has a port that is not a number from 1 to 65535"


def web_url(value: str) -> str:
    """`value` as an absolute https URL, in the form a browser would use; ValueError when
    it is not one, or holds what a URL must not (see the module)."""
    _check_characters(value)
    url = _parsed(value)
    if url.scheme != "https" or not url.host:
        raise ValueError("must be an absolute https:// URL")
    if url.username or url.password:
        raise ValueError("must not hold a user name or password")
    _check_host(url)
    return str(url)


# Filled in with an id and a language tag (letters, digits, hyphens), a pattern is a URL:
# these stand for them while it is parsed (the parser would percent-encode braces).
_MARKS = {"{id}": "bpc-id-7f3a", "{language}": "bpc-language-7f3a"}


def url_pattern(value: str) -> str:
    """`value`, an https URL that may name a guide with `{id}` and `{language}`, in the
    form a browser would use, its placeholders kept."""
    marked = value
    for placeholder, mark in _MARKS.items():
        marked = marked.replace(placeholder, mark)
    normal = web_url(marked)
    for placeholder, mark in _MARKS.items():
        normal = normal.replace(mark, placeholder)
    return normal


def link_url(value: str) -> str:
    """`value`, a path on the host's own site (`/guides/x`, `x.fr-CA.html`) or an https
    URL (kept as `web_url` writes it): never a script, and nothing that would end the
    attribute it is written in."""
    # A path is written as it is given: no quote of either kind, which could end an
    # attribute in a page that does not quote as ours does.
    _check_characters(value, _FORBIDDEN | {"'"})
    head = value.split("/", 1)[0]
    if ":" in head:
        return web_url(value)
    if value.startswith("//"):
        raise ValueError("must be a path on the site or an https:// URL")
    return value
