"""Loading guides and clinic files from TOML into the model, with errors that name the field."""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from .errors import ContentError
from .logo import find_logo, prepared
from .model import Article, Clinic, PatientPlan, Record, validation_message

# The package is installed as plain files (the templates and fonts are read by path too).
_ARTICLES = Path(__file__).resolve().parent / "articles"

__all__ = [
    "BUNDLED_ARTICLE",
    "MARKDOWN_SUFFIXES",
    "bundled_articles",
    "in_clinic_file",
    "load_article",
    "load_bundled",
    "load_clinic",
    "load_plan",
    "parse_article",
    "validation_message",
]

BUNDLED_ARTICLE = "dry-needling-back-pain.en-CA"
"""Name of the bundled guide that `load_article()` returns."""

_Model = TypeVar("_Model", bound=Record)

MAX_FILE_BYTES = 1024 * 1024
"""A content file is a few kilobytes; a larger one is almost surely the wrong file."""


def read_text(path: Path) -> str:
    """The UTF-8 text of a content file, at most 1 MiB; `ContentError` naming the file
    when it cannot be read."""
    try:
        if path.is_dir():
            raise ContentError(path, None, "is a folder, not a file")
        if path.exists() and not path.is_file():
            # A pipe or a device could keep the command waiting for ever.
            raise ContentError(path, None, "is not a regular file (a pipe or a device)")
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except ContentError:
        raise
    except FileNotFoundError:
        raise ContentError(path, None, "no such file") from None
    except PermissionError:
        raise ContentError(path, None, "cannot be read (permission denied)") from None
    except OSError as exc:
        raise ContentError(path, None, f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ContentError(path, None, "is larger than 1 MiB; is this the right file?")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(
            path, None, f"is not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    return text


def _read_toml(path: Path) -> dict[str, Any]:
    return _parse_toml(read_text(path), path)


def _parse_toml(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(path, None, f"is not valid TOML: {exc}") from None
    except RecursionError:
        # Arrays or tables nested thousands deep: no guide or clinic file is like that.
        raise ContentError(path, None, "nests arrays or tables too deeply") from None


def _validate(model: type[_Model], data: Mapping[str, Any], source: str | Path) -> _Model:
    try:
        return model.model_validate(data)
    except ContentError as exc:  # named by the model's class: name the file instead
        raise ContentError(source, exc.field, exc.problem) from None


def bundled_articles() -> tuple[str, ...]:
    """Names (`id.language`) of the guides that ship with the package."""
    return tuple(sorted(entry.stem for entry in _ARTICLES.glob("*.toml")))


@functools.cache
def load_bundled(name: str) -> Article:
    """A bundled guide by its name (`id.language`, see `bundled_articles()`)."""
    if name not in bundled_articles():
        known = ", ".join(bundled_articles())
        raise ContentError(None, None, f"no bundled article {name!r} (bundled: {known})")
    resource = _ARTICLES / f"{name}.toml"
    data = tomllib.loads(resource.read_text(encoding="utf-8"))
    return _validate(Article, data, f"bundled article {name}")


def load_article(path: str | os.PathLike[str] | None = None) -> Article:
    """The bundled guide, or the guide in the file at `path`: TOML, or Markdown with front
    matter (`.md`, with the 'markdown' extra).

    Raises `ContentError` naming the file and field when the file is missing,
    malformed or invalid.
    """
    if path is None:
        return load_bundled(BUNDLED_ARTICLE)
    file = Path(path)
    return parse_article(read_text(file), file)


MARKDOWN_SUFFIXES = (".md", ".markdown")
"""The file names of Markdown guides; every other guide file is TOML."""


def parse_article(text: str, path: Path) -> Article:
    """The guide in `text`, read from the file at `path` (Markdown or TOML by its suffix,
    as `load_article` reads it); `ContentError` naming the file and field."""
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        from .readers.markdown import read_markdown

        return read_markdown(text, path)
    return _validate(Article, _parse_toml(text, path), path)


def load_clinic(
    path: str | os.PathLike[str], *, logo_root: str | os.PathLike[str] | None = None
) -> Clinic:
    """The clinic described by the TOML file at `path`.

    A relative `logo` path is taken from the clinic file's folder, and whatever the path
    says, the logo must lie inside that folder (or inside `logo_root`, when the caller
    allows another folder). The clinic's `logo` is the logo's absolute path, and the
    image has been read and checked.
    """
    file = Path(path)
    clinic = _validate(Clinic, _read_toml(file), file)
    if clinic.logo is None:
        return clinic
    root = None if logo_root is None else Path(logo_root)
    found = find_logo(str(clinic.logo), file, root)
    prepared(found, "logo", file)
    return clinic.model_copy(update={"logo": found})


def load_plan(path: str | os.PathLike[str], article: Article | None = None) -> PatientPlan:
    """The patient's plan in the TOML file at `path`, checked against `article` when given
    (each chosen home tip must be one of its tips).

    A plan is personal health information: errors name the file and the field, never a
    value from it (a tip's id, which is the guide's, excepted).
    """
    file = Path(path)
    plan = _validate(PatientPlan, _read_toml(file), file)
    if article is not None:
        check_plan(plan, article, file)
    return plan


def check_plan(plan: PatientPlan, article: Article, path: str | os.PathLike[str]) -> None:
    """That each home tip the plan (from the file at `path`) chose is one of `article`'s;
    an error names the file and the field."""
    try:
        plan.check(article)
    except ContentError as exc:
        raise ContentError(
            Path(path), (exc.field or "").removeprefix("plan."), exc.problem
        ) from None


def in_guide_file(error: ContentError, path: str | os.PathLike[str]) -> ContentError:
    """`error`, named by the guide's file when it is about the guide: one of its fields
    (`summary: ...` becomes `guide.toml: summary: ...`), or the whole of it (a guide too
    long for the brochure). Errors about the clinic, the plan or the options stay as
    they are."""
    if error.source is not None:
        return error
    field = error.field or ""
    if field.split(".")[0].split("[")[0] in ("clinic", "plan", "format", "paper", "lang"):
        return error
    return ContentError(Path(path), error.field, error.problem)


def in_clinic_file(error: ContentError, path: str | os.PathLike[str]) -> ContentError:
    """`error`, named by the clinic file when it is about one of the clinic's fields.

    Renderers know the clinic, not the file it came from: `clinic.name: ...` becomes
    `north.toml: name: ...`, as the loader's own messages read.
    """
    if error.source is None and error.field and error.field.startswith("clinic."):
        return ContentError(Path(path), error.field.removeprefix("clinic."), error.problem)
    return error
