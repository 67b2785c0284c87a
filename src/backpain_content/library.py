"""A library: a folder of guides (TOML or Markdown files, in any languages), each found by
its id and language or by the codes of the conditions it covers, linked to the others."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from .content import bundled_articles, load_article, load_bundled
from .errors import ContentError
from .fields import fill_guide_url
from .model import Article, CodeSystem, GuideHeader
from .options import GuideLink, GuideLinks
from .readers.header import read_header

__all__ = ["GUIDE_SUFFIXES", "MAX_GUIDES", "Library", "LibraryGuide", "normal_code"]

GUIDE_SUFFIXES = (".toml", ".md")
"""The files a library folder holds guides in."""
MAX_GUIDES = 5000
"""The most guide files a library may have: a folder with more is almost surely not one."""
_ARTICLES = Path(__file__).resolve().parent / "articles"


class LibraryGuide:
    """One guide of a library, in one language: its header, the file it is read from, and
    (read on first use, then kept) the whole guide."""

    def __init__(self, path: Path, header: GuideHeader, article: Article | None = None) -> None:
        self.path = path
        """The guide's file."""
        self.header = header
        """What the library lists, finds and links the guide by."""
        self._article = article
        self._lock = threading.Lock()
        self._known: frozenset[str] | None = None
        """The ids of the library's guides, once the library holds this one."""
        self._linked = False
        """Whether the guide's treatments have been found in the library."""

    @property
    def key(self) -> tuple[str, str]:
        """The guide's id and language, which no other guide of the library shares."""
        return self.header.id, self.header.language

    @property
    def article(self) -> Article:
        """The whole guide, read and checked in full the first time it is asked for:
        `ContentError` naming the file for a guide that is not valid, whose header reads
        differently in full, or whose treatments name a guide the library lacks."""
        with self._lock:  # one read, however many threads ask at once
            if self._article is None:
                article = load_article(self.path)
                if article.header.model_dump() != self.header.model_dump():
                    raise ContentError(
                        self.path,
                        None,
                        "reads differently in full than its header did: was it changed "
                        "while the library was open? Open the library again",
                    )
                self._article = article
            if not self._linked and self._known is not None:
                for at, linked in _treatment_links(self._article):
                    if linked not in self._known:
                        raise ContentError(
                            self.path, at, f"names no guide of the library: {linked!r}"
                        )
                self._linked = True
            return self._article

    def __repr__(self) -> str:
        return f"LibraryGuide({str(self.path)!r}, {self.header.id!r}, {self.header.language!r})"


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
                    f"{guide.header.id!r} in {guide.header.language} is also the id of "
                    f"{first}: each guide has its own id, once per language",
                )
            by_key[guide.key] = guide
        self._guides = tuple(ordered)
        self._by_key = by_key
        ids = frozenset(guide.header.id for guide in ordered)
        for guide in ordered:
            for index, related in enumerate(guide.header.related):
                if related not in ids:
                    raise ContentError(
                        guide.path,
                        f"related[{index}]",
                        f"names no guide of the library: {related!r}",
                    )
            # A treatment's guide is checked when the guide is read in full (`article`).
            guide._known = ids

    @classmethod
    def open(cls, folder: str | os.PathLike[str]) -> Library:
        """The guides in `folder` and the folders inside it (`.toml` and `.md` files, not
        hidden ones); the first bad file is a `ContentError` naming it and its field.

        Only each guide's header is read now (its id, language, title, topic, codes,
        related guides and provenance); the rest is read and checked when first used, and
        `check()` reads all of it."""
        root = Path(folder)
        if not root.is_dir():
            raise ContentError(root, None, "is not a folder of guides")
        resolved = root.resolve()
        guides = []
        for path in _guide_files(root):
            # A link that leads out of the folder is not read: the caller allowed this one.
            if not path.resolve().is_relative_to(resolved):
                raise ContentError(path, None, "leads outside the library's folder")
            header, article = read_header(path)
            guides.append(LibraryGuide(path, header, article))
        if not guides:
            raise ContentError(root, None, "has no guides (.toml or .md files)")
        return cls(guides, root)

    @classmethod
    def bundled(cls) -> Library:
        """The guides that ship with the package: the default library."""
        return _bundled()

    def __iter__(self) -> Iterator[Article]:
        return (guide.article for guide in self._guides)

    def check(self) -> None:
        """Read and check every guide in full: `ContentError` for the first bad one."""
        for guide in self._guides:
            guide.article  # noqa: B018 - read for its checks

    def __len__(self) -> int:
        return len(self._guides)

    @property
    def entries(self) -> tuple[LibraryGuide, ...]:
        """Every guide with its header and file, by id, then language."""
        return self._guides

    def ids(self) -> tuple[str, ...]:
        """The guides' ids, each once, in order."""
        return tuple(dict.fromkeys(guide.header.id for guide in self._guides))

    def languages(self, guide_id: str) -> tuple[str, ...]:
        """The languages guide `guide_id` is in."""
        return tuple(key[1] for key in self._by_key if key[0] == guide_id)

    def get(self, guide_id: str, language: str | None = None) -> Article:
        """Guide `guide_id` in `language`: that exact tag, else one of the same language
        (`fr` finds `fr-CA`), else, with no language asked for, its first language."""
        return self.entry(guide_id, language).article

    def entry(self, guide_id: str, language: str | None = None) -> LibraryGuide:
        """The guide and its file, as `get` finds it."""
        versions = [guide for guide in self._guides if guide.header.id == guide_id]
        if not versions:
            raise ContentError(None, "id", f"no guide {guide_id!r} in the library")
        if language is None:
            return versions[0]
        for guide in versions:
            if guide.header.language.lower() == language.lower():
                return guide
        primary = language.split("-")[0].lower()
        for guide in versions:
            if guide.header.language.split("-")[0].lower() == primary:
                return guide
        known = ", ".join(guide.header.language for guide in versions)
        raise ContentError(
            None, "language", f"{guide_id!r} is not in {language} (it is in {known})"
        )

    def versions(self, article: Article) -> tuple[Article, ...]:
        """The other language versions of `article` (same id)."""
        return tuple(guide.article for guide in self._versions(article.id, article.language))

    def _versions(self, guide_id: str, language: str) -> tuple[LibraryGuide, ...]:
        return tuple(
            guide
            for guide in self._guides
            if guide.header.id == guide_id and guide.header.language != language
        )

    def related(self, article: Article) -> tuple[Article, ...]:
        """The guides `article` names as related, in its language where they have it
        (else in their first language)."""
        return tuple(
            self._nearest(guide_id, article.language).article for guide_id in article.related
        )

    def _nearest(self, guide_id: str, language: str) -> LibraryGuide:
        versions = self.languages(guide_id)
        primary = language.split("-")[0].lower()
        if any(v.split("-")[0].lower() == primary for v in versions):
            return self.entry(guide_id, language)
        return self.entry(guide_id)

    def links(self, article: Article, pattern: str | None = None) -> GuideLinks:
        """What `article` links to in this library: its other languages, its related
        guides and the guides of its treatments, each at `pattern` (such as
        `/guides/{id}` or `{id}.{language}.html`; named, not linked, without one)."""

        def link(guide: LibraryGuide) -> GuideLink:
            other = guide.header
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
            versions=tuple(map(link, self._versions(article.id, article.language))),
            related=tuple(link(self._nearest(i, article.language)) for i in article.related),
            treatments=treatments,
        )

    def for_code(self, code: str, system: CodeSystem | None = None) -> tuple[Article, ...]:
        """The guides for a condition code, as an electronic record asks: a guide coded
        `M54.5` answers `M54.5` and the codes under it (`M54.50`); `system` limits the
        search to one code system (ICD-10-CA and ICD-10-CM codes look alike)."""
        return tuple(guide.article for guide in self.find(code, system))

    def find(self, code: str, system: CodeSystem | None = None) -> tuple[LibraryGuide, ...]:
        """The entries `for_code` finds, by their headers: none of them is read in full."""
        wanted = normal_code(code)
        if not wanted:
            return ()
        found = []
        for guide in self._guides:
            for coded in guide.header.codes:
                if system is not None and coded.system != system:
                    continue
                have = normal_code(coded.code)
                hierarchical = coded.system != "snomed" and wanted.startswith(have)
                if have == wanted or hierarchical:
                    found.append(guide)
                    break
        return tuple(found)


@functools.cache
def _bundled() -> Library:
    # Made once, as `load_bundled` loads each guide once: the package's files do not change.
    guides = []
    for name in bundled_articles():
        article = load_bundled(name)
        guides.append(LibraryGuide(_ARTICLES / f"{name}.toml", article.header, article))
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
