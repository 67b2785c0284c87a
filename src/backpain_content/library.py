"""A library: a folder of guides (TOML or Markdown files, in any languages), each found by
its id and language or by the codes of the conditions it covers, linked to the others."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .content import bundled_articles, load_article, load_bundled
from .errors import ContentError
from .fields import fill_guide_url
from .model import Article, CodeSystem
from .options import GuideLink, GuideLinks

__all__ = ["GUIDE_SUFFIXES", "MAX_GUIDES", "Library", "LibraryGuide", "normal_code"]

GUIDE_SUFFIXES = (".toml", ".md")
"""The files a library folder holds guides in."""
MAX_GUIDES = 5000
"""The most guide files a library may have: a folder with more is almost surely not one."""
_ARTICLES = Path(__file__).resolve().parent / "articles"


@dataclass(frozen=True)
class LibraryGuide:
    """One guide of a library, in one language, and the file it was read from."""

    article: Article
    path: Path

    @property
    def key(self) -> tuple[str, str]:
        """The guide's id and language, which no other guide of the library shares."""
        return self.article.id, self.article.language


def normal_code(code: str) -> str:
    """A condition code as codes are compared: upper case, without its dot or spaces
    (`m54.5` and `M545` are `M545`)."""
    return "".join(code.split()).replace(".", "").upper()


class Library:
    """Guides by id and language, checked as a whole: no id used twice in a language, and
    every related guide and linked treatment present. Immutable once made, so one library
    can serve many threads."""

    def __init__(self, guides: list[LibraryGuide], root: Path | None = None) -> None:
        self.root = root
        """The folder the library was read from (none for the bundled guides)."""
        ordered = sorted(guides, key=lambda guide: guide.key)
        by_key: dict[tuple[str, str], LibraryGuide] = {}
        for guide in ordered:
            if guide.key in by_key:
                first = by_key[guide.key].path
                raise ContentError(
                    guide.path,
                    "id",
                    f"{guide.article.id!r} in {guide.article.language} is also the id of "
                    f"{first}: each guide has its own id, once per language",
                )
            by_key[guide.key] = guide
        self._guides = tuple(ordered)
        self._by_key = by_key
        ids = {guide.article.id for guide in ordered}
        for guide in ordered:
            article = guide.article
            for index, related in enumerate(article.related):
                if related not in ids:
                    raise ContentError(
                        guide.path,
                        f"related[{index}]",
                        f"names no guide of the library: {related!r}",
                    )
            for at, linked in _treatment_links(article):
                if linked not in ids:
                    raise ContentError(guide.path, at, f"names no guide of the library: {linked!r}")

    @classmethod
    def open(cls, folder: str | os.PathLike[str]) -> Library:
        """The guides in `folder` and the folders inside it (`.toml` and `.md` files, not
        hidden ones); the first bad file is a `ContentError` naming it and its field."""
        root = Path(folder)
        if not root.is_dir():
            raise ContentError(root, None, "is not a folder of guides")
        resolved = root.resolve()
        guides = []
        for path in _guide_files(root):
            # A link that leads out of the folder is not read: the caller allowed this one.
            if not path.resolve().is_relative_to(resolved):
                raise ContentError(path, None, "leads outside the library's folder")
            guides.append(LibraryGuide(load_article(path), path))
        if not guides:
            raise ContentError(root, None, "has no guides (.toml or .md files)")
        return cls(guides, root)

    @classmethod
    def bundled(cls) -> Library:
        """The guides that ship with the package: the default library."""
        return _bundled()

    def __iter__(self) -> Iterator[Article]:
        return (guide.article for guide in self._guides)

    def __len__(self) -> int:
        return len(self._guides)

    @property
    def entries(self) -> tuple[LibraryGuide, ...]:
        """Every guide with its file, by id, then language."""
        return self._guides

    def ids(self) -> tuple[str, ...]:
        """The guides' ids, each once, in order."""
        return tuple(dict.fromkeys(guide.article.id for guide in self._guides))

    def languages(self, guide_id: str) -> tuple[str, ...]:
        """The languages guide `guide_id` is in."""
        return tuple(key[1] for key in self._by_key if key[0] == guide_id)

    def get(self, guide_id: str, language: str | None = None) -> Article:
        """Guide `guide_id` in `language`: that exact tag, else one of the same language
        (`fr` finds `fr-CA`), else, with no language asked for, its first language."""
        return self.entry(guide_id, language).article

    def entry(self, guide_id: str, language: str | None = None) -> LibraryGuide:
        """The guide and its file, as `get` finds it."""
        versions = [guide for guide in self._guides if guide.article.id == guide_id]
        if not versions:
            raise ContentError(None, "id", f"no guide {guide_id!r} in the library")
        if language is None:
            return versions[0]
        for guide in versions:
            if guide.article.language.lower() == language.lower():
                return guide
        primary = language.split("-")[0].lower()
        for guide in versions:
            if guide.article.language.split("-")[0].lower() == primary:
                return guide
        known = ", ".join(guide.article.language for guide in versions)
        raise ContentError(
            None, "language", f"{guide_id!r} is not in {language} (it is in {known})"
        )

    def versions(self, article: Article) -> tuple[Article, ...]:
        """The other language versions of `article` (same id)."""
        return tuple(
            guide.article
            for guide in self._guides
            if guide.article.id == article.id and guide.article.language != article.language
        )

    def related(self, article: Article) -> tuple[Article, ...]:
        """The guides `article` names as related, in its language where they have it
        (else in their first language)."""
        return tuple(self._nearest(guide_id, article.language) for guide_id in article.related)

    def _nearest(self, guide_id: str, language: str) -> Article:
        versions = self.languages(guide_id)
        primary = language.split("-")[0].lower()
        if any(v.split("-")[0].lower() == primary for v in versions):
            return self.get(guide_id, language)
        return self.get(guide_id)

    def links(self, article: Article, pattern: str | None = None) -> GuideLinks:
        """What `article` links to in this library: its other languages, its related
        guides and the guides of its treatments, each at `pattern` (such as
        `/guides/{id}` or `{id}.{language}.html`; named, not linked, without one)."""

        def link(other: Article) -> GuideLink:
            url = fill_guide_url(pattern, other.id, other.language) if pattern else None
            return GuideLink(id=other.id, language=other.language, title=other.title, url=url)

        treatments = tuple(
            (therapy.id, link(self._nearest(therapy.guide, article.language)))
            for therapy in (article.therapies.items if article.therapies else ())
            if therapy.guide is not None and therapy.guide in self.ids()
        )
        own = fill_guide_url(pattern, article.id, article.language) if pattern else None
        return GuideLinks(
            url=own,
            versions=tuple(link(other) for other in self.versions(article)),
            related=tuple(link(other) for other in self.related(article)),
            treatments=treatments,
        )

    def for_code(self, code: str, system: CodeSystem | None = None) -> tuple[Article, ...]:
        """The guides for a condition code, as an electronic record asks: a guide coded
        `M54.5` answers `M54.5` and the codes under it (`M54.50`); `system` limits the
        search to one code system (ICD-10-CA and ICD-10-CM codes look alike)."""
        wanted = normal_code(code)
        if not wanted:
            return ()
        found = []
        for guide in self._guides:
            for coded in guide.article.codes:
                if system is not None and coded.system != system:
                    continue
                have = normal_code(coded.code)
                hierarchical = coded.system != "snomed" and wanted.startswith(have)
                if have == wanted or hierarchical:
                    found.append(guide.article)
                    break
        return tuple(found)


@functools.cache
def _bundled() -> Library:
    # Made once, as `load_bundled` loads each guide once: the package's files do not change.
    guides = [
        LibraryGuide(load_bundled(name), _ARTICLES / f"{name}.toml") for name in bundled_articles()
    ]
    return Library(guides)


def _treatment_links(article: Article) -> Iterator[tuple[str, str]]:
    if article.therapies is None:
        return
    for index, therapy in enumerate(article.therapies.items):
        if therapy.guide is not None:
            yield f"therapies.items[{index}].guide", therapy.guide


def _guide_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.endswith(GUIDE_SUFFIXES):
                continue
            found.append(Path(folder) / name)
            if len(found) > MAX_GUIDES:
                raise ContentError(root, None, f"has more than {MAX_GUIDES} guide files")
    return found
