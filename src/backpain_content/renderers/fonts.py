"""Where the fonts are: ReportLab, a dependency already, ships Bitstream Vera (Latin);
other scripts use the fonts Debian packages install (DejaVu Sans, the Noto families and
WenQuanYi Zen Hei), or any folder named in `BACKPAIN_FONTS`.

Only the files are found here; the handout registers them with ReportLab and the ePub's
cover opens them with Pillow.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "FONT_PACKAGES",
    "VERA_RANGES",
    "FontFiles",
    "font_files",
    "font_package",
    "harfbuzz_installed",
    "main_script",
    "needs_shaping",
    "script_name",
    "script_of_language",
    "scripts_of",
    "supported",
    "vera",
    "vera_draws",
]


@functools.cache
def _fonts_folder() -> Path:
    # Found without importing ReportLab, so the ePub cover does not load it.
    spec = importlib.util.find_spec("reportlab")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a dependency
        raise ModuleNotFoundError("reportlab, whose Vera fonts are used, is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts"


def vera(name: str) -> Path:
    """Full path of one of ReportLab's Vera fonts, such as `VeraBd.ttf`."""
    return _fonts_folder() / name


# The characters Vera has (its cmap, read once from Vera.ttf and kept here as data, so the
# ePub's cover can tell without loading ReportLab; a test checks it against the file).
VERA_RANGES = (
    (32, 126), (160, 255), (262, 263), (268, 273), (286, 287), (304, 305), (321, 322),
    (338, 339), (350, 353), (376, 376), (381, 382), (402, 402), (710, 711), (728, 733),
    (937, 937), (960, 960), (8211, 8230), (8240, 8240), (8249, 8250), (8364, 8364),
    (8482, 8482), (8706, 8710), (8719, 8734), (8747, 8747), (8776, 8776), (8800, 8805),
    (9674, 9674), (64257, 64258), (65535, 65535),
)  # fmt: skip


def vera_draws(text: str) -> bool:
    """Whether Vera has every character of `text` (spaces always do)."""
    return all(
        char.isspace() or any(low <= ord(char) <= high for low, high in VERA_RANGES)
        for char in text
    )


def main_script(text: str) -> str:
    """The script most of `text`'s letters are in (`Latn` when it has none)."""
    counts: dict[str, int] = {}
    for char in text:
        script = script_of(char)
        if script != "Zyyy":
            counts[script] = counts.get(script, 0) + 1
    return max(sorted(counts), key=lambda script: counts[script]) if counts else "Latn"


@dataclass(frozen=True)
class FontFiles:
    """The font files for one script: the regular face, the bold one (None when the family
    has none), the face's index in a collection (.ttc), and whether text in the script is
    shaped (contextual forms, reordering, conjuncts: HarfBuzz's job)."""

    key: str
    regular: Path
    bold: Path | None
    subfont: int = 0
    shaping: bool = False


# Scripts the handout sets, with the files tried for each, best first. Each is a TrueType
# font: ReportLab embeds only TrueType outlines, so Noto's CJK fonts (CFF) cannot be used.
_FAMILIES: dict[str, tuple[tuple[str, str | None, int], ...]] = {
    # Latin beyond what Vera has (Polish, Vietnamese...), Greek, Cyrillic: DejaVu Sans,
    # which grew out of Vera and so looks the same beside it.
    "Latn": (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", 0),),
    "Grek": (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", 0),),
    "Cyrl": (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", 0),),
    "Arab": (
        ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf", 0),
        ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", 0),
        ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", 0),
    ),
    "Hebr": (("NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf", 0),),
    "Guru": (("NotoSansGurmukhi-Regular.ttf", "NotoSansGurmukhi-Bold.ttf", 0),),
    "Deva": (("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf", 0),),
    "Beng": (("NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf", 0),),
    "Gujr": (("NotoSansGujarati-Regular.ttf", "NotoSansGujarati-Bold.ttf", 0),),
    "Taml": (("NotoSansTamil-Regular.ttf", "NotoSansTamil-Bold.ttf", 0),),
    "Telu": (("NotoSansTelugu-Regular.ttf", "NotoSansTelugu-Bold.ttf", 0),),
    "Knda": (("NotoSansKannada-Regular.ttf", "NotoSansKannada-Bold.ttf", 0),),
    "Mlym": (("NotoSansMalayalam-Regular.ttf", "NotoSansMalayalam-Bold.ttf", 0),),
    "Armn": (("NotoSansArmenian-Regular.ttf", "NotoSansArmenian-Bold.ttf", 0),),
    "Geor": (("NotoSansGeorgian-Regular.ttf", "NotoSansGeorgian-Bold.ttf", 0),),
    "Ethi": (("NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf", 0),),
    # WenQuanYi Zen Hei: Chinese (both forms), Japanese kana and Korean; no bold face (the
    # handout draws its bold as synthetic bold: see `pdf/fonts.py`). No TrueType font in
    # Debian has a bold face for Chinese or Japanese; Korean has Nanum Gothic's.
    "Hani": (("wqy-zenhei.ttc", None, 0),),
    "Hang": (("NanumGothic.ttf", "NanumGothicBold.ttf", 0), ("wqy-zenhei.ttc", None, 0)),
}
_FAMILIES["Hira"] = _FAMILIES["Kana"] = _FAMILIES["Hani"]

_SHAPED = frozenset(
    {"Arab", "Hebr", "Guru", "Deva", "Beng", "Gujr", "Taml", "Telu", "Knda", "Mlym", "Ethi"}
)
"""Scripts whose text HarfBuzz shapes: without it letters would not join or reorder."""

FONT_PACKAGES = {"Hani": "fonts-wqy-zenhei", "Hira": "fonts-wqy-zenhei", "Kana": "fonts-wqy-zenhei"}
FONT_PACKAGES.update({"Hang": "fonts-nanum", "Latn": "fonts-dejavu-core"})
FONT_PACKAGES.update({"Grek": "fonts-dejavu-core", "Cyrl": "fonts-dejavu-core"})
"""The Debian package with a script's font (fonts-noto-core for the rest)."""


def font_package(script: str) -> str:
    """The Debian package with a font for `script`."""
    return FONT_PACKAGES.get(script, "fonts-noto-core")


_DEBIAN = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/wqy"),
    Path("/usr/share/fonts/truetype/nanum"),
)


def _folders() -> list[Path]:
    extra = os.environ.get("BACKPAIN_FONTS", "")
    return [*(Path(p) for p in extra.split(os.pathsep) if p), *_DEBIAN]


def _find(name: str) -> Path | None:
    for folder in _folders():
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


@functools.cache
def font_files(script: str) -> FontFiles | None:
    """The first installed family for `script` (a four-letter code such as `Arab`), or
    None when none is installed."""
    for regular, bold, subfont in _FAMILIES.get(script, ()):
        found = _find(regular)
        if found is not None:
            bold_found = _find(bold) if bold else None
            key = regular.split("-")[0].split(".")[0]
            return FontFiles(key, found, bold_found, subfont, script in _SHAPED)
    return None


def supported(script: str) -> bool:
    """Whether the handout can set text in `script` (given its font)."""
    return script in _FAMILIES


def needs_shaping(script: str) -> bool:
    """Whether text in `script` must be shaped by HarfBuzz."""
    return script in _SHAPED


@functools.cache
def harfbuzz_installed() -> bool:
    """Whether HarfBuzz (`uharfbuzz`, the 'scripts' extra), which shapes text, is installed."""
    return importlib.util.find_spec("uharfbuzz") is not None


# The usual script of a language, where it is not Latin (CLDR's likely subtags).
_LANGUAGE_SCRIPTS = {
    "ar": "Arab", "fa": "Arab", "ur": "Arab", "ps": "Arab", "sd": "Arab", "ug": "Arab",
    "ckb": "Arab", "he": "Hebr", "yi": "Hebr", "pa": "Guru", "hi": "Deva", "mr": "Deva",
    "ne": "Deva", "bn": "Beng", "gu": "Gujr", "ta": "Taml", "te": "Telu", "kn": "Knda",
    "ml": "Mlym", "zh": "Hani", "ja": "Hani", "ko": "Hang", "el": "Grek", "ru": "Cyrl",
    "uk": "Cyrl", "bg": "Cyrl", "sr": "Cyrl", "mk": "Cyrl", "be": "Cyrl", "kk": "Cyrl",
    "hy": "Armn", "ka": "Geor", "am": "Ethi", "ti": "Ethi",
}  # fmt: skip
_SCRIPT_SUBTAGS = {"Hans": "Hani", "Hant": "Hani", "Jpan": "Hani", "Kore": "Hang"}


def script_of_language(language: str) -> str:
    """The script a language tag's text is in: its script subtag (`pa-Arab`), else the
    language's usual one; `Latn` for the rest."""
    parts = language.split("-")
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            script = part.title()
            return _SCRIPT_SUBTAGS.get(script, script)
    return _LANGUAGE_SCRIPTS.get(parts[0].lower(), "Latn")


# Blocks of the scripts above (enough to tell them apart; "Zyyy" for the rest).
_BLOCKS = (
    (0x0370, 0x03FF, "Grek"), (0x1F00, 0x1FFF, "Grek"), (0x0400, 0x052F, "Cyrl"),
    (0x0530, 0x058F, "Armn"), (0x0590, 0x05FF, "Hebr"), (0xFB1D, 0xFB4F, "Hebr"),
    (0x0600, 0x06FF, "Arab"), (0x0750, 0x077F, "Arab"), (0x08A0, 0x08FF, "Arab"),
    (0xFB50, 0xFDFF, "Arab"), (0xFE70, 0xFEFF, "Arab"), (0x0900, 0x097F, "Deva"),
    (0x0980, 0x09FF, "Beng"), (0x0A00, 0x0A7F, "Guru"), (0x0A80, 0x0AFF, "Gujr"),
    (0x0B80, 0x0BFF, "Taml"), (0x0C00, 0x0C7F, "Telu"), (0x0C80, 0x0CFF, "Knda"),
    (0x0D00, 0x0D7F, "Mlym"), (0x0E00, 0x0E7F, "Thai"), (0x0E80, 0x0EFF, "Laoo"),
    (0x10A0, 0x10FF, "Geor"), (0x1100, 0x11FF, "Hang"), (0x1200, 0x139F, "Ethi"),
    (0x1780, 0x17FF, "Khmr"), (0x1000, 0x109F, "Mymr"), (0x3040, 0x309F, "Hira"),
    (0x30A0, 0x30FF, "Kana"), (0x3400, 0x4DBF, "Hani"), (0x4E00, 0x9FFF, "Hani"),
    (0xAC00, 0xD7AF, "Hang"), (0xF900, 0xFAFF, "Hani"), (0x20000, 0x2FA1F, "Hani"),
    (0x3000, 0x303F, "Hani"), (0xFF00, 0xFFEF, "Hani"),
)  # fmt: skip


def script_of(char: str) -> str:
    """The script of one character: a four-letter code, `Latn` for Latin letters and
    `Zyyy` for characters every script shares (digits, punctuation, spaces, symbols)."""
    code = ord(char)
    for low, high, script in _BLOCKS:
        if low <= code <= high:
            return script
    if unicodedata.category(char).startswith("L"):
        return "Latn"
    return "Zyyy"


def scripts_of(text: str) -> set[str]:
    """The scripts of `text`'s letters."""
    return {script_of(char) for char in text} - {"Zyyy"}


_NAMES = {
    "Latn": "Latin", "Grek": "Greek", "Cyrl": "Cyrillic", "Armn": "Armenian",
    "Hebr": "Hebrew", "Arab": "Arabic", "Deva": "Devanagari", "Beng": "Bengali",
    "Guru": "Gurmukhi", "Gujr": "Gujarati", "Taml": "Tamil", "Telu": "Telugu",
    "Knda": "Kannada", "Mlym": "Malayalam", "Thai": "Thai", "Laoo": "Lao", "Geor": "Georgian",
    "Hang": "Hangul", "Ethi": "Ethiopic", "Khmr": "Khmer", "Mymr": "Myanmar",
    "Hira": "Hiragana", "Kana": "Katakana", "Hani": "Han (Chinese)", "Zyyy": "symbol",
}  # fmt: skip


def script_name(script: str) -> str:
    """A script's English name, for messages."""
    return _NAMES.get(script, script)
