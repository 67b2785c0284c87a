"""Which font draws each word of a handout, for text in any script.

A handout in a Latin language is set in Vera, as always. Another script gets its own
family (`renderers/fonts.py` finds the files), registered with ReportLab the first time a
guide needs it: once per script, under a lock, under names of our own, so the fonts that
are already there never change (see `fonts.py` for why that matters to threads).

Each word is drawn in one font: the guide's own script family when it has every character
of the word, else the first family that has them all (a clinic's Latin name in an Arabic
guide is in Vera). A word that no font can draw whole, or a character no installed font
has, is an error naming the field, the script and the package to install: never a gap.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Literal, cast

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ...errors import ContentError
from ..fonts import (
    font_files,
    font_package,
    harfbuzz_installed,
    needs_shaping,
    script_name,
    script_of,
    script_of_language,
    scripts_of,
    supported,
)
from ..shared import direction
from .fonts import CHARSET, EMBOLDENED, FONT, FONT_BOLD
from .subsets import SubsetFont

__all__ = ["VERA", "Face", "Typeface", "typeface"]


@dataclass(frozen=True)
class Face:
    """A registered font family: its regular and bold faces' names, what it can draw,
    and whether its text is shaped."""

    name: str
    bold: str
    charset: frozenset[int]
    shaping: bool = False
    chars: frozenset[str] = field(init=False, repr=False, compare=False)
    """The characters of `charset`, which sets of a text's characters are compared with."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "chars", frozenset(map(chr, self.charset)))

    def draws(self, text: str) -> bool:
        """Whether every character of `text` is in this family (spaces always are)."""
        # A set difference: every handout checks all its text, and this is its fastest form.
        return all(char.isspace() for char in set(text) - self.chars)


VERA = Face(FONT, FONT_BOLD, CHARSET)
"""ReportLab's Bitstream Vera: every Latin-language handout is set in it."""

_LOCK = threading.Lock()
_FACES: dict[str, Face | None] = {}


def _face(script: str) -> Face | None:
    """The family for `script`, registered on first use; None when none is installed."""
    with _LOCK:
        if script in _FACES:
            return _FACES[script]
        files = font_files(script)
        face = None
        if files is not None:
            name = f"BPC-{files.key}"
            # A family without a bold face has its regular one drawn as synthetic bold.
            bold = f"{name}-Bold" if files.bold else f"{name}{EMBOLDENED}"
            known = pdfmetrics.getRegisteredFontNames()
            if name not in known:
                regular = SubsetFont(name, str(files.regular), subfontIndex=files.subfont)
                pdfmetrics.registerFont(regular)
                if files.bold:
                    pdfmetrics.registerFont(SubsetFont(bold, str(files.bold)))
                else:
                    face_file = str(files.regular)
                    emboldened = SubsetFont(bold, face_file, subfontIndex=files.subfont)
                    pdfmetrics.registerFont(emboldened)
                # <b> in a paragraph finds the bold face through the family.
                pdfmetrics.registerFontFamily(
                    name, normal=name, bold=bold, italic=name, boldItalic=bold
                )
            font = cast(TTFont, pdfmetrics.getFont(name))  # registered above, TrueType
            charset = frozenset(font.face.charToGlyph)
            face = Face(name, bold, charset, files.shaping)
        _FACES[script] = face
        return face


_ISOLATE_CONTROLS = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))
_WORDS = re.compile(r"(\s+)")
_TAGS = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Typeface:
    """How a handout in one language sets its text: the family of the language's script,
    the direction its lines run, and how they break (CJK text breaks between characters)."""

    base: Face
    direction: Literal["ltr", "rtl"]
    cjk: bool

    @property
    def vera(self) -> bool:
        """Whether this is the plain Vera set-up of a Latin-language handout."""
        return self.base is VERA and self.direction == "ltr"

    def markup(self, field: str, text: str, personal: bool = False) -> str:
        """`text` escaped for paragraph markup; `ContentError` naming `field` when no
        installed font can draw a word of it (without the characters, for `personal`
        text). Which font draws each word is settled per paragraph (`fonts_for`)."""
        # A narrow no-break space (CLDR's, in "2:30 p.m.") is a space ReportLab breaks
        # lines at, and one Vera has no glyph for: a no-break space keeps the words together.
        text = unicodedata.normalize("NFC", text).replace("\u202f", "\xa0")
        # Bidi isolates set a run apart for a browser's bidi algorithm; the handout orders
        # each line's words itself (left-to-right runs kept in their order), and no font
        # draws the controls.
        text = text.translate(_ISOLATE_CONTROLS)
        if not self.base.draws(text):
            for word in text.split():
                if not self.base.draws(word):
                    self._face_for(field, word, personal)
        return html.escape(text, quote=False)

    def shaped(self, markup: str) -> bool:
        """Whether `markup` has letters of a script that must be shaped (Arabic words in an
        English guide: a clinic's name)."""
        if self.base.draws(markup):
            return False
        return any(needs_shaping(script_of(char)) for char in markup if ord(char) > 0x2FF)

    def fonts_for(self, markup: str, bold: bool = False, personal: bool = False) -> str:
        """A paragraph's markup with each word in one font that draws all of it: the base
        family, or the first that has every character of the word (a word's parts, such
        as a bold title and the colon after it, never mix fonts: ReportLab shapes a word
        in one font). In a `bold` paragraph (a bold style, not `<b>`), such words take
        their family's bold face. Markup the base family draws whole comes back as it is."""
        if self.base.draws(markup):
            return markup
        # The text between tags, piece by piece, and each piece's word.
        parts = _TAGS.split(markup)
        tags = _TAGS.findall(markup)
        pieces: list[list[str]] = [_WORDS.split(html.unescape(part)) for part in parts]
        words: list[list[tuple[int, int]]] = [[]]  # (part, piece) of each word
        for part_index, part_pieces in enumerate(pieces):
            for piece_index, piece in enumerate(part_pieces):
                if not piece:
                    continue
                if piece.isspace():
                    words.append([])
                else:
                    words[-1].append((part_index, piece_index))
        faces: dict[tuple[int, int], Face] = {}
        for word in words:
            text = "".join(pieces[p][q] for p, q in word)
            if text and not self.base.draws(text):
                face = self._face_for("text", text, personal)
                for place in word:
                    faces[place] = face
        out: list[str] = []
        for part_index, part_pieces in enumerate(pieces):
            for piece_index, piece in enumerate(part_pieces):
                escaped = html.escape(piece, quote=False)
                drawn_by = faces.get((part_index, piece_index))
                if drawn_by is None or drawn_by is self.base:
                    out.append(escaped)
                else:
                    name = drawn_by.bold if bold else drawn_by.name
                    out.append(f'<font face="{name}">{escaped}</font>')
            if part_index < len(tags):
                out.append(tags[part_index])
        return "".join(out)

    def _face_for(self, field: str, word: str, personal: bool) -> Face:
        scripts = scripts_of(word)
        candidates = [VERA, *(_face(script) for script in sorted(scripts)), _face("Latn")]
        for face in candidates:
            if face is not None and face.draws(word):
                if any(needs_shaping(script) for script in scripts):
                    _shaping_available(field)
                return face
        # No family has the whole word: name what is missing, and what to install.
        missing = sorted(
            {char for char in word if not any(f and ord(char) in f.charset for f in candidates)}
        )
        if not missing:
            raise ContentError(
                None,
                field,
                "has a word that mixes scripts no one font can draw together; "
                "put a space between them",
            )
        script = script_of(missing[0])
        shown = "" if personal else " (" + " ".join(f"U+{ord(c):04X}" for c in missing[:8]) + ")"
        if script == "Zyyy":
            what = f"symbols the handout cannot print{shown}: no font has them (nor colour emoji)"
        elif supported(script):
            package = font_package(script)
            what = (
                f"{script_name(script)} characters the handout cannot print{shown}: no "
                f"installed font has them; install the Debian package {package}, or put a "
                "TrueType font for them in a folder named by BACKPAIN_FONTS"
            )
        else:
            what = (
                f"{script_name(script)} characters the handout cannot print{shown}: it does "
                f"not set {script_name(script)} text"
            )
        raise ContentError(None, field, f"has {what}")


def typeface(language: str) -> Typeface:
    """The typeface of a handout in `language` (a tag such as `ar` or `pa-Guru`)."""
    script = script_of_language(language)
    side = direction(language)
    base = VERA
    if script != "Latn":
        found = _face(script)
        if found is None:
            package = font_package(script)
            raise ContentError(
                None,
                "language",
                f"is {language}, in {script_name(script)} script, and no font for it is "
                f"installed: install the Debian package {package}, or put a TrueType font for "
                "it in a folder named by BACKPAIN_FONTS",
            )
        base = found
        if needs_shaping(script):
            _shaping_available("language")
    return Typeface(base, side, script in ("Hani", "Hang"))


def _shaping_available(field: str) -> None:
    if not harfbuzz_installed():
        raise ContentError(
            None,
            field,
            "has letters that join or reorder, which the handout prints with HarfBuzz: "
            "pip install 'backpain-content[scripts]'",
        )
