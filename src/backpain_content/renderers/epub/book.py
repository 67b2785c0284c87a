"""Building the ePub with ebooklib: content documents from the shared templates, then the package.

The recipe: cover, title page, one document per section, contact page, navigation;
then the package metadata (with EPUB Accessibility 1.1), then a reproducible zip.
"""

from __future__ import annotations

import datetime
import io
import uuid
import zipfile
from typing import Any, NamedTuple

from ebooklib import epub

from ...labels import Labels
from ...logo import prepared
from ...model import (
    CLINIC_PLACEHOLDER,
    Article,
    Clinic,
    PatientPlan,
    default_clinic,
)
from ...options import EpubOptions
from ..shared import (
    Langs,
    clinic_phrase,
    clinic_voice,
    contact_lines,
    direction,
    environment,
    independent_note,
    labels_of,
    online_links,
    plan_view,
    provenance_line,
    read_static,
    reference_numbers,
    review_notice,
    source_date,
)
from .cover import draw_cover

__all__ = ["build_epub", "identifier"]

XHTML = "application/xhtml+xml"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class _Entry(NamedTuple):
    href: str
    title: str
    type: str = ""


def identifier(article: Article, personal: bool = False) -> str:
    """A stable identifier: the same article, language and version always get the same one.

    A `personal` copy (one with a patient's plan) gets the identifier of the guide's
    personal edition, the same for every patient: anything derived from the plan could be
    matched against a guessed name and date, and so would give them away.
    """
    name = f"backpain-content:{article.id}:{article.language}:{article.provenance.version}"
    if personal:
        name += ":personal"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries all carry one timestamp and ordinary permissions."""

    def __init__(self, file: Any, date_time: tuple[int, int, int, int, int, int]) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, compresslevel=6)
        self._date_time = date_time

    def writestr(  # type: ignore[override]
        self,
        name: str | zipfile.ZipInfo,
        data: str | bytes,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if not isinstance(name, zipfile.ZipInfo):
            info = zipfile.ZipInfo(name, date_time=self._date_time)
            if compress_type is None:
                # A PNG is compressed already: deflating it again costs time and saves nothing.
                compress_type = zipfile.ZIP_STORED if name.endswith(".png") else self.compression
            info.compress_type = compress_type
            info.external_attr = 0o644 << 16
            name = info
        super().writestr(name, data, compress_type=compress_type, compresslevel=compresslevel)


class _ReproducibleWriter(epub.EpubWriter):  # type: ignore[misc]
    """ebooklib 0.20's writer, made reproducible and valid.

    Its `write` stamps every zip entry with the wall clock, and its OPF has no
    `xml:lang` on `<package>` (DAISY Ace reports that); both are fixed here and only here.
    """

    def __init__(self, out: io.BytesIO, book: epub.EpubBook, modified: datetime.datetime) -> None:
        options = {"mtime": modified, "epub2_guide": False, "epub3_landmark": False}
        super().__init__(out, book, options)
        self._date_time = modified.timetuple()[:6]

    def write(self) -> None:
        self.out = _FixedTimeZip(self.file_name, self._date_time)
        self.out.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        self._write_container()
        self._write_opf()
        self._write_items()
        self.out.close()

    def _write_opf_file(self, root: Any) -> None:
        root.set(_XML_LANG, self.book.language)
        super()._write_opf_file(root)


def _document(template: str, uid: str, file_name: str, **context: Any) -> epub.EpubItem:
    content = environment().get_template(f"epub/{template}").render(**context)
    return epub.EpubItem(
        uid=uid, file_name=file_name, media_type=XHTML, content=content.encode("utf-8")
    )


def _accessibility(book: epub.EpubBook, labels: Labels, has_cover: bool) -> None:
    """EPUB Accessibility 1.1 metadata, which DAISY Ace and reading systems read."""
    properties: list[tuple[str, str]] = [
        ("schema:accessMode", "textual"),
        *([("schema:accessMode", "visual")] if has_cover else []),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityFeature", "displayTransformability"),
        *([("schema:accessibilityFeature", "alternativeText")] if has_cover else []),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", labels.epub_accessibility_summary),
        ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
    ]
    for name, value in properties:
        book.add_metadata("OPF", "meta", value, {"property": name})


def build_epub(
    article: Article,
    clinic: Clinic | None,
    options: EpubOptions,
    plan: PatientPlan | None = None,
) -> bytes:
    """Build the ePub in memory; see `render_epub`."""
    labels = labels_of(article, clinic)
    clinic = clinic or default_clinic(article, labels.your_clinic)
    view = plan_view(plan, article, labels) if plan else None
    phrase = clinic_phrase(clinic, labels)
    language = article.language
    provenance = article.provenance

    book = epub.EpubBook()
    # ebooklib stamps its own version as a generator: drop it, so bytes do not change with it.
    book.metadata[epub.NAMESPACES["OPF"]].pop("generator", None)
    # Nothing of a plan in the metadata: the title, subjects and identifier are the guide's.
    book.set_identifier(identifier(article, personal=view is not None))
    book.set_title(article.title)
    book.set_language(language)
    if direction(language) == "rtl":
        # The spine's page-progression-direction: pages turn from right to left.
        book.set_direction("rtl")
    # The author of the words: the clinic whose article it adapts, else who wrote it.
    book.add_author(provenance.source_clinic or provenance.adapted_by)
    book.add_metadata("DC", "publisher", clinic.name)
    book.add_metadata("DC", "date", provenance.updated.isoformat())
    book.add_metadata("DC", "description", article.summary)
    book.add_metadata("DC", "subject", article.condition)
    book.add_metadata("DC", "subject", article.therapy)
    _accessibility(book, labels, options.cover)

    common = {
        "language": language,
        "labels": labels,
        "article": article,
        "clinic": clinic,
        "numbers": reference_numbers(article),
        "plan": view,
        "langs": Langs(article),
        "direction": direction(language),
        "notice": review_notice(article, labels),
        "voice": clinic_voice(article, labels),
        "independent": independent_note(article, labels),
    }
    documents: list[epub.EpubItem] = []
    toc: list[_Entry] = []
    landmarks: list[_Entry] = []
    if options.cover:
        # Not book.set_cover(): its item has no media type, and guessing one reads the
        # system's mime.types. This is what it does, with the type given.
        cover = epub.EpubCover(file_name="cover.png")
        cover.media_type = "image/png"
        logo = prepared(clinic.logo, "clinic.logo") if clinic.logo else None
        cover.content = draw_cover(
            article.title, phrase, clinic.accent_colour, logo, name=clinic.name
        )
        book.add_item(cover)
        book.add_metadata(None, "meta", "", {"name": "cover", "content": cover.id})
        alt = labels.cover_alt.format(title=article.title, clinic=phrase)
        documents.append(
            _document(
                "cover.xhtml.jinja",
                "cover",
                "cover.xhtml",
                title=article.title,
                image="cover.png",
                alt=alt,
                **common,
            )
        )
        landmarks.append(_Entry("cover.xhtml", labels.cover, "cover"))
    documents.append(
        _document(
            "title.xhtml.jinja",
            "titlepage",
            "title.xhtml",
            title=article.title,
            clinic_phrase=phrase,
            **common,
        )
    )
    toc.append(_Entry("title.xhtml", article.title))
    if view:
        # The patient's plan right after the title page: what is theirs comes first.
        documents.append(
            _document("plan.xhtml.jinja", "plan", "plan.xhtml", title=labels.your_plan, **common)
        )
        toc.append(_Entry("plan.xhtml", labels.your_plan))
    landmarks.append(_Entry("nav.xhtml#toc", labels.contents, "toc"))
    landmarks.append(_Entry("title.xhtml", labels.start, "bodymatter"))
    before, after = article.closing.invitation.split(CLINIC_PLACEHOLDER)
    for name in article.sections():
        heading = getattr(article, name).heading
        documents.append(
            _document(
                "section.xhtml.jinja",
                name,
                f"{name}.xhtml",
                title=heading,
                name=name,
                invitation=(before, after),
                clinic_phrase=phrase,
                **common,
            )
        )
        toc.append(_Entry(f"{name}.xhtml", heading))
    if article.references:
        # One list of sources for the whole book: every section's citations link to it.
        documents.append(
            _document(
                "section.xhtml.jinja",
                "sources",
                "sources.xhtml",
                title=labels.sources,
                name="sources",
                invitation=(before, after),
                clinic_phrase=phrase,
                **common,
            )
        )
        toc.append(_Entry("sources.xhtml", labels.sources))
    documents.append(
        _document(
            "about.xhtml.jinja",
            "about",
            "about.xhtml",
            title=labels.contact,
            contact=contact_lines(clinic, labels),
            provenance=provenance_line(article, labels),
            links=online_links(options.links, clinic),
            **common,
        )
    )
    toc.append(_Entry("about.xhtml", labels.contact))

    nav = _document(
        "nav.xhtml.jinja",
        "nav",
        "nav.xhtml",
        title=labels.contents,
        toc=toc,
        landmarks=landmarks,
        **common,
    )
    nav.properties = ["nav"]
    style = epub.EpubItem(
        uid="style",
        file_name="style.css",
        media_type="text/css",
        content=(
            read_static("epub/style.css") + (read_static("epub/plan.css") if view else "")
        ).encode("utf-8"),
    )

    for item in (*documents, nav, style):
        book.add_item(item)
    book.add_item(epub.EpubNcx())
    book.toc = [
        epub.Link(entry.href, entry.title, f"toc-{index}") for index, entry in enumerate(toc)
    ]
    # The contents page follows the title page in reading order, as in a printed book.
    spine = [document.id for document in documents]
    spine.insert(spine.index("titlepage") + 1, "nav")
    book.spine = spine

    buffer = io.BytesIO()
    _ReproducibleWriter(buffer, book, source_date(article)).write()
    return buffer.getvalue()
