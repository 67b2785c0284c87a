"""Translating a guide with gettext PO files, the format translators' tools read and write.

`extract` writes every translatable string of a guide (and the words the renderers
print) into a PO file, each keyed in `msgctxt` by where it is: `lifestyle.stretch-daily.
summary` names the summary of the tip whose stable id is `stretch-daily`. Extracting
into an existing file keeps its translations and marks those whose English changed as
fuzzy, with the English they were made from (as `msgmerge` does). `apply` builds the
translated guide, refusing anything that would make a broken one.

Needs the extra `translate` (polib and tomli-w, both MIT).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .content import bundled_articles, load_bundled
from .errors import ContentError
from .fidelity import Slip, check_translation, summary_of_slips
from .fields import CLINIC_PLACEHOLDER, LANGUAGE_TAG, SUMMARY_MAX_WORDS, check_summary, field_path
from .labels import PLACEHOLDERS, Labels, labels_for, placeholders
from .model import Article, Translation
from .readers.toml import to_toml
from .renderers.shared import labels_of, source_date

if TYPE_CHECKING:
    import polib

__all__ = [
    "EXTRA_HINT",
    "Entry",
    "apply_po",
    "default_output",
    "entries",
    "extract_po",
    "made_by_apply",
    "summaries",
    "translation_toml",
    "untranslated_fields",
]

EXTRA_HINT = "pip install 'backpain-content[translate]'"

# Facts and identifiers, which keep their form in every language.
_NOT_TEXT = frozenset(
    {
        "id",
        "language",
        "version",
        "updated",
        "review_due",
        "accessed",
        "url",
        "kind",
        "sources",
        "guide",
    }
)
# Parts of a guide that are not translated: where it comes from (the source's own title
# and names) and the references (titles as their publishers give them).
_NOT_TRANSLATED = frozenset({"provenance", "references", "labels", "codes", "related"})
_ONE_LINE = frozenset({"title", "heading", "short_heading", "condition", "therapy"})
_FULL_TEXT = frozenset({"lede", "intro", "closing", "paragraphs", "body"})
_SUMMARIES = frozenset({"summary", "chronic_summary"})


@dataclass(frozen=True)
class Entry:
    """One string to translate: its key (the PO's `msgctxt`), where it is in the guide
    (a path in the guide's data, or in its labels), the source text, and what the
    translator should know."""

    key: str
    path: tuple[str | int, ...]
    text: str
    comments: tuple[str, ...] = ()
    brace_format: bool = False
    """The text is filled in with `{name}` values, which `msgfmt --check` then checks."""


def summaries(article: Article) -> list[tuple[str, str]]:
    """Every plain-language summary of `article` with its field
    (`lifestyle.items[2].summary`), in reading order."""
    return [
        (field_path(entry.path), entry.text)
        for entry in entries(article)
        if not entry.key.startswith("labels.") and entry.path[-1] in _SUMMARIES
    ]


def entries(article: Article) -> list[Entry]:
    """Every translatable string of `article` and of its labels, in reading order."""
    found = list(_walk(article.model_dump(mode="json"), (), ""))
    labels = labels_of(article).model_dump(mode="json")
    for name, value in labels.items():
        for index, text in enumerate(value) if isinstance(value, list) else [(None, value)]:
            key = f"labels.{name}" + (f"[{index}]" if index is not None else "")
            path: tuple[str | int, ...] = (name,) if index is None else (name, index)
            found.append(_label_entry(key, path, name, str(text)))
    return found


def _walk(value: Any, path: tuple[str | int, ...], key: str) -> Iterator[Entry]:
    if isinstance(value, dict):
        for name, inner in value.items():
            if name in _NOT_TEXT or (not path and name in _NOT_TRANSLATED):
                continue
            # Items are keyed by their stable id, not by their place in the list.
            inner_key = key if name == "items" else (f"{key}.{name}" if key else name)
            yield from _walk(inner, (*path, name), inner_key)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            if isinstance(inner, dict) and "id" in inner:
                yield from _walk(inner, (*path, index), f"{key}.{inner['id']}")
            else:
                yield from _walk(inner, (*path, index), f"{key}[{index}]")
    elif isinstance(value, str):
        yield _text_entry(key, path, value)


def _text_entry(key: str, path: tuple[str | int, ...], text: str) -> Entry:
    field = next(part for part in reversed(path) if isinstance(part, str))
    comments: list[str] = []
    if field in _SUMMARIES:
        comments.append(
            f"A plain-language summary: one line of at most {SUMMARY_MAX_WORDS} words, for "
            "reading grade 8 or below. Say only what the English says."
        )
    elif field in _ONE_LINE:
        comments.append("One line.")
    elif field in _FULL_TEXT:
        comments.append("The source article's own text: translate every sentence.")
    if CLINIC_PLACEHOLDER in text:
        comments.append(f"Keep {CLINIC_PLACEHOLDER} exactly once: it becomes the clinic's name.")
    return Entry(key, path, text, tuple(comments), brace_format=CLINIC_PLACEHOLDER in text)


def _label_entry(key: str, path: tuple[str | int, ...], name: str, text: str) -> Entry:
    comments = ["A word or line the renderers print around the guide. One line."]
    required, allowed = PLACEHOLDERS.get(name, (frozenset(), frozenset()))
    if allowed:
        kept = ", ".join(f"{{{p}}}" for p in sorted(required))
        optional = ", ".join(f"{{{p}}}" for p in sorted(allowed - required))
        comments.append(
            f"Keep {kept}: the renderers fill them in."
            + (f" May use {optional}." if optional else "")
        )
    # msgfmt --check wants every placeholder of the English in the translation: a label
    # with optional ones would be checked by `Labels` alone.
    return Entry(
        key, path, text, tuple(comments), brace_format=bool(allowed) and allowed == required
    )


def _polib() -> Any:
    try:
        import polib
    except ImportError:
        raise ContentError(
            None, "translate", f"translation files need the extra 'translate': {EXTRA_HINT}"
        ) from None
    return polib


_LANGUAGE = re.compile(LANGUAGE_TAG)


def _stamp(article: Article) -> str:
    # The same guide gives the same file: no clock in its headers.
    return source_date(article).strftime("%Y-%m-%d %H:%M%z")


def extract_po(article: Article, language: str, existing: Path | None = None) -> bytes:
    """A PO file of `article`'s strings for translation into `language`, as bytes.

    With `existing` (a PO file made before), its translations are kept; those whose source
    text changed are marked fuzzy, with the text they were made from (`#| msgid`), and
    those whose string is gone are kept as obsolete (`#~`), as `msgmerge` does.
    """
    polib = _polib()
    if not _LANGUAGE.fullmatch(language):
        raise ContentError(None, "lang", "must be a language tag such as fr-CA or zh-Hans")
    previous = _read(existing) if existing is not None and existing.exists() else None
    if previous is not None and existing is not None:
        project = previous.metadata.get("Project-Id-Version", "").rpartition(" ")[0]
        made_for = previous.metadata.get("Language", "").replace("_", "-")
        if project != f"{article.id}.{article.language}" or made_for != language:
            # Merging would carry another guide's (or language's) strings in as fuzzy ones.
            raise ContentError(
                existing,
                "Project-Id-Version",
                f"is the translation of {project or 'no guide'} into {made_for or 'no language'}"
                f", not of {article.id}.{article.language} into {language}: give -o another file",
            )
    catalog = polib.POFile(wrapwidth=78, check_for_duplicates=False)
    catalog.header = (
        f"{article.title}: translation into {language}.\n"
        "Made by `backpain-content translate extract`; build the guide with\n"
        "`backpain-content translate apply`. msgctxt is each string's key: keep it."
    )
    catalog.metadata = {
        "Project-Id-Version": f"{article.id}.{article.language} {article.provenance.version}",
        "POT-Creation-Date": _stamp(article),
        "PO-Revision-Date": _stamp(article),
        "Last-Translator": previous.metadata.get("Last-Translator", "") if previous else "",
        "Language-Team": previous.metadata.get("Language-Team", "") if previous else "",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    known = {e.msgctxt: e for e in previous if not e.obsolete} if previous else {}
    own_labels = _package_labels(language)
    for entry in entries(article):
        old = known.pop(entry.key, None)
        made = polib.POEntry(
            msgctxt=entry.key,
            msgid=entry.text,
            msgstr="",
            comment="\n".join(entry.comments),
            flags=["python-brace-format"] if entry.brace_format else [],
        )
        if old is not None:
            made.msgstr, made.tcomment = old.msgstr, old.tcomment
            if old.fuzzy:
                made.flags.append("fuzzy")
                made.previous_msgid = old.previous_msgid
            elif old.msgstr and old.msgid != entry.text:
                made.flags.append("fuzzy")
                made.previous_msgid = old.msgid
        elif own_labels is not None and entry.key.startswith("labels."):
            made.msgstr = str(_at(own_labels, entry.path))
        catalog.append(made)
    # Strings the guide no longer has are kept, as obsolete: they may come back.
    gone = [entry for entry in previous if entry.obsolete] if previous else []
    for old in known.values():
        old.obsolete = True
        catalog.append(old)
    catalog.extend(gone)
    return str(catalog).encode("utf-8") + b"\n"


def _package_labels(language: str) -> dict[str, Any] | None:
    """The package's own labels for `language` (not English's, for another language)."""
    labels = labels_for(language)
    if language.split("-")[0] != "en" and labels == labels_for("en"):
        return None
    return labels.model_dump(mode="json")


def _at(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _put(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _read(path: Path) -> polib.POFile:
    module = _polib()
    if path.exists() and not path.is_file():
        # A folder, or a pipe or device that could keep the command waiting for ever.
        raise ContentError(path, None, "is not a regular file (a folder, a pipe or a device)")
    try:
        with path.open("rb") as handle:
            raw = handle.read(4 * 1024 * 1024 + 1)
    except OSError as exc:
        raise ContentError(path, None, f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > 4 * 1024 * 1024:
        raise ContentError(path, None, "is larger than 4 MiB; is this the right file?")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(path, None, f"is not a valid PO file: {exc}") from None
    _check_line_ends(path, text)
    try:
        catalog: polib.POFile = module.pofile(text, check_for_duplicates=True)
        return catalog
    except (OSError, ValueError) as exc:
        problem = str(exc).replace(str(path), "it")
        raise ContentError(path, None, f"is not a valid PO file: {problem}") from None


# What Python's str.splitlines() (and so polib) takes for the end of a line, besides \n and
# \r: in a msgstr continuation it would end the line and silently eat the character before
# it ("Appelez le 911\u2028" + "ou ..." applied as "Appelez le 91ou ...").
_HIDDEN_LINE_ENDS = re.compile("[\u2028\u2029\u0085\u000b\u000c\u001c\u001d\u001e]")


def _check_line_ends(path: Path, text: str) -> None:
    """Refuse a PO file with a character that ends a line only for some readers."""
    found = _HIDDEN_LINE_ENDS.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        raise ContentError(
            f"{path}:{line}",
            None,
            f"has the character U+{ord(found[0]):04X}, which ends a line for some programs and "
            "not for others (a word processor's line break?): remove it",
        )


_TRANSLATOR = re.compile(r"^\s*([^<]*?)\s*(?:<[^>]*>)?\s*$")


def _find_source(path: Path, project: str) -> Article:
    """The guide a PO file names (`id.language`): bundled, or a file of that name beside
    the PO file or in the folder above it (`ID.LANGUAGE.toml` or `.md`), as a library
    keeps its guides and their translations."""
    if project in bundled_articles():
        return load_bundled(project)
    for folder in (path.parent, path.parent.parent):
        for suffix in (".toml", ".md"):
            candidate = folder / f"{project}{suffix}"
            if candidate.is_file():
                from .content import load_article

                return load_article(candidate)
    raise ContentError(
        path,
        "Project-Id-Version",
        f"names the guide {project!r}, which is neither bundled nor beside this file "
        f"({project}.toml or .md); give its file with --source",
    )


def apply_po(path: Path, source: Article | None = None, allow_partial: bool = False) -> Article:
    """The guide translated by the PO file at `path`.

    The source guide is `source`, or the bundled guide the file names. Refused, with
    `ContentError` naming the file and the string's key: a file for another guide, or
    for another version of it (naming what changed since); a string not translated, or
    fuzzy (unless `allow_partial`, which keeps the source text and records its key); a
    lost `{clinic}` or label placeholder; a summary over its length; a line break in a
    one-line string; and, all at once with their count, a figure of the safety text, an
    emergency number or a web address not carried over, or a string far shorter or
    longer than its source (see `fidelity`).
    """
    catalog = _read(path)
    project, _, version = catalog.metadata.get("Project-Id-Version", "").rpartition(" ")
    if source is None:
        source = _find_source(path, project)
    if project != f"{source.id}.{source.language}":
        raise ContentError(
            path,
            "Project-Id-Version",
            f"is a translation of {project!r}, not of {source.id}.{source.language}",
        )
    language = catalog.metadata.get("Language", "").replace("_", "-")
    if not _LANGUAGE.fullmatch(language):
        raise ContentError(path, "Language", "must be a language tag such as fr-CA or zh-Hans")
    translator = _TRANSLATOR.match(catalog.metadata.get("Last-Translator", ""))
    who = translator[1] if translator else ""
    if not who or who == "FULL NAME":
        raise ContentError(path, "Last-Translator", "must name who translated the guide")

    wanted = entries(source)
    messages = {entry.msgctxt: entry for entry in catalog if not entry.obsolete}
    changed = [e.key for e in wanted if e.key in messages and messages[e.key].msgid != e.text]
    new = [e.key for e in wanted if e.key not in messages]
    if version != source.provenance.version or changed:
        what = f"{len(changed)} changed" + (f" ({', '.join(changed[:3])}...)" if changed else "")
        raise ContentError(
            path,
            "Project-Id-Version",
            f"was made from version {version} of the guide, which is now at "
            f"{source.provenance.version}; since then {what}, {len(new)} new. Run "
            f"`backpain-content translate extract --lang {language} -o {path.name}` to "
            "update it",
        )

    data = source.model_dump(mode="json")
    labels = labels_of(source).model_dump(mode="json")
    untranslated: list[str] = []
    unfinished: list[tuple[str, str]] = []
    slips: list[Slip] = []
    for entry in wanted:
        message = messages.get(entry.key)
        string = message.msgstr if message is not None else ""
        if not string or (message is not None and message.fuzzy):
            if not allow_partial:
                problem = (
                    "is fuzzy: check it, then remove the fuzzy flag"
                    if string
                    else "has no translation"
                )
                unfinished.append((entry.key, problem))
            untranslated.append(entry.key)
            continue
        _check(path, entry, string)
        slips.extend(check_translation(entry.key, entry.text, string, source.language, language))
        if entry.key.startswith("labels."):
            _put(labels, entry.path, string)
        else:
            _put(data, entry.path, string)

    if unfinished:
        # All of them at once, so that a translator fixes the file in one pass.
        (first, problem), rest = unfinished[0], [key for key, _ in unfinished[1:]]
        more = ""
        if rest:
            shown = ", ".join(rest[:5]) + (", ..." if len(rest) > 5 else "")
            more = f"; {len(rest)} more strings too: {shown}"
        raise ContentError(path, first, f"{problem}{more} (or use --allow-partial)")
    data["language"] = language
    data["provenance"]["translation"] = Translation(
        source_language=source.language,
        source_version=source.provenance.version,
        translated_by=who,
        untranslated=tuple(untranslated),
    )
    try:
        made_labels = Labels.model_validate(labels)
    except ContentError as exc:
        raise ContentError(path, f"labels.{exc.field}", exc.problem) from None
    # Only the labels that differ from the package's for this language are kept in the
    # guide: the guide changes those, one at a time.
    package = labels_for(language).model_dump(mode="json")
    made = made_labels.model_dump(mode="json")
    data["labels"] = {name: made[name] for name in made if made[name] != package[name]} or None
    try:
        translated = Article.model_validate(data)
    except ContentError as exc:
        raise ContentError(path, _key_of(exc.field, wanted), exc.problem) from None
    if slips:
        # Every figure, number, address and length that did not carry over, at once.
        key, line = summary_of_slips(slips)
        raise ContentError(path, key, line)
    return translated


def _check(path: Path, entry: Entry, string: str) -> None:
    """What a translation must keep: placeholders, one line, a summary's length."""
    field = next((part for part in reversed(entry.path) if isinstance(part, str)), "")
    if entry.key.startswith("labels."):
        return  # the labels' own rules are checked when they are made
    if CLINIC_PLACEHOLDER in entry.text and string.count(CLINIC_PLACEHOLDER) != 1:
        raise ContentError(
            path, entry.key, f"must keep {CLINIC_PLACEHOLDER} exactly once, as the English has it"
        )
    try:
        placeholders(string)
    except ValueError as exc:
        if CLINIC_PLACEHOLDER in entry.text:
            raise ContentError(path, entry.key, str(exc)) from None
    if (field in _ONE_LINE or field in _SUMMARIES) and "\n" in string:
        raise ContentError(path, entry.key, "must be a single line")
    if field in _SUMMARIES:
        try:
            check_summary(string)
        except ValueError as exc:
            raise ContentError(path, entry.key, str(exc)) from None


def _key_of(field: str | None, wanted: list[Entry]) -> str | None:
    """The key of the string at the model path `field` (`lifestyle.items[2].summary`)."""
    for entry in wanted:
        if field_path(entry.path) == field:
            return entry.key
    return field


def untranslated_fields(article: Article) -> frozenset[str]:
    """Where the strings a partial translation keeps in the source language are, as the
    renderers name fields (`lifestyle.items[2].summary`, `labels.contents`)."""
    translation = article.provenance.translation
    if translation is None or not translation.untranslated:
        return frozenset()
    keys = frozenset(translation.untranslated)
    return frozenset(
        entry.key if entry.key.startswith("labels.") else field_path(entry.path)
        for entry in entries(article)
        if entry.key in keys
    )


APPLIED = "# Made by `backpain-content translate apply` from "
"""Begins the second line of every guide `translate apply` writes."""


def translation_toml(article: Article, po_name: str) -> str:
    """A translated guide as the TOML content file the package loads."""
    head = (
        f"# {article.title}\n"
        f"{APPLIED}{po_name}:\n"
        "# edit the PO file and apply it again, rather than this file.\n\n"
    )
    return to_toml(article, head)


def made_by_apply(path: Path) -> bool:
    """Whether the file at `path` is a guide `translate apply` wrote (and so one it may
    write again)."""
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    lines = head.split("\n")
    return len(lines) > 1 and lines[1].startswith(APPLIED)


def default_output(article: Article) -> str:
    """Where `apply` writes the guide unless told: `ID.LANGUAGE.toml`."""
    return f"{article.id}.{article.language}.toml"
