"""The printable patient handout (PDF): pages, type sizes, readability, content, structure.

Each variant is rendered once per module. The checks read the PDF back: with pypdf, and
with poppler, qpdf and zbar, which fail the run under CI=true when missing (see needs.py).
"""

from __future__ import annotations

import datetime
import functools
import io
import math
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import textstat
from babel.dates import format_date
from PIL import Image
from pypdf import PdfReader

import backpain_content as bc
import clinics as shared_clinics
from backpain_content.urls import web_url
from hostile import with_text
from needs import require_tool

LABELS = bc.labels_for("en-CA")
STANDARD_MAX_PAGES = 2
LARGE_PRINT_MAX_PAGES = 6
STANDARD_BODY_PT = 12
LARGE_PRINT_BODY_PT = 18
MAX_GRADE = 8

OPTIONS = {
    "letter": bc.HandoutOptions(paper="letter"),
    "a4": bc.HandoutOptions(paper="a4"),
    "large-print": bc.HandoutOptions(paper="letter", large_print=True),
    "large-print-a4": bc.HandoutOptions(paper="a4", large_print=True),
}
CLINICS = ("default", "full")
# ReportLab's Bitstream Vera Sans, embedded as a subset ("ABCDEF+" prefix).
VERA_SANS = re.compile(r"^[A-Z]{6}\+BitstreamVeraSans-(Roman|Bold|Oblique|BoldOblique)$")


def _normal(text: str) -> str:
    """Text to compare: whitespace collapsed, and no hyphens.

    A line may break after a hyphen, and pdftotext joins such lines dropping the hyphen
    ("example-" and "physio.org" give "examplephysio.org"): drop every hyphen on both sides.
    """
    return re.sub(r"-\s*", "", _spaces(text))


def _spaces(text: str) -> str:
    """Whitespace collapsed."""
    return " ".join(text.split())


def _run(*args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    assert result.returncode in ok, f"{args[0]} exited {result.returncode}: {result.stderr}"
    return result


class Handout:
    """One rendered PDF, written to a file, with its text read back on demand."""

    def __init__(self, name: str, pdf: bytes, directory: Path, clinic: bc.Clinic) -> None:
        self.name = name
        self.pdf = pdf
        self.clinic = clinic
        self.path = directory / f"{name}.pdf"
        self.path.write_bytes(pdf)
        self._text: dict[tuple[str, ...], str] = {}

    def pdftotext(self, *args: str) -> str:
        if args not in self._text:
            tool = require_tool("pdftotext")
            self._text[args] = _run(tool, *args, str(self.path), "-").stdout
        return self._text[args]

    def drawn(self) -> str:
        """The text in the order it is drawn (paragraph after paragraph, as pypdf reads the
        content streams), where pdftotext's reading order would interleave side-by-side
        columns differently for different text."""
        return "\n".join(page.extract_text() for page in self.reader.pages)

    @property
    def pages(self) -> list[str]:
        """pdftotext's reading-order text of each page (it ends every page with a form feed)."""
        text = self.pdftotext()
        assert text.endswith("\f")
        return text.split("\f")[:-1]

    @functools.cached_property
    def reader(self) -> PdfReader:
        return PdfReader(io.BytesIO(self.pdf))

    def info(self) -> dict[str, str]:
        lines = _run(require_tool("pdfinfo"), str(self.path)).stdout.splitlines()
        return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def _full_clinic(logo: Path) -> bc.Clinic:
    return shared_clinics.full_clinic(logo)


def _png(path: Path, size: tuple[int, int] = (300, 100)) -> Path:
    image = Image.new("RGB", size, (29, 92, 135))
    for x in range(0, size[0], 20):
        for y in range(size[1]):
            image.putpixel((x, y), (255, 255, 255))
    image.save(path, format="PNG")
    return path


@pytest.fixture(scope="module")
def full_clinic(tmp_path_factory: pytest.TempPathFactory) -> bc.Clinic:
    return _full_clinic(_png(tmp_path_factory.mktemp("logo") / "logo.png"))


@pytest.fixture(scope="module")
def handouts(
    article: bc.Article, full_clinic: bc.Clinic, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], Handout]:
    """Every paper size and print size, with the default and with a full clinic."""
    directory = tmp_path_factory.mktemp("handouts")
    clinics = {"default": bc.default_clinic(article), "full": full_clinic}
    rendered = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        for variant, options in OPTIONS.items():
            for kind, clinic in clinics.items():
                # The default clinic is the one render_pdf picks when given none.
                pdf = bc.render_pdf(
                    article, clinic=None if kind == "default" else clinic, options=options
                )
                name = f"{variant}-{kind}"
                rendered[variant, kind] = Handout(name, pdf, directory, clinic)
    return rendered


every_variant = pytest.mark.parametrize("variant", list(OPTIONS))
every_clinic = pytest.mark.parametrize("kind", CLINICS)


def _is_large(variant: str) -> bool:
    return OPTIONS[variant].large_print


# Pages and type sizes


@every_clinic
@every_variant
def test_page_count_is_within_the_limit(
    handouts: dict[tuple[str, str], Handout], variant: str, kind: str
) -> None:
    pages = len(handouts[variant, kind].reader.pages)
    limit = LARGE_PRINT_MAX_PAGES if _is_large(variant) else STANDARD_MAX_PAGES
    assert 1 <= pages <= limit, f"{variant} with the {kind} clinic has {pages} pages"


@dataclass(frozen=True)
class Span:
    text: str
    y: float
    size: float
    font: str


def _spans(page: Any) -> list[Span]:
    """Each piece of text on the page in content-stream order: its baseline and its size.

    The effective size is the font size times the vertical scale of text matrix x CTM.
    """
    spans: list[Span] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        _, _, c, d, e, f = tm
        ca, cb, cc, cd, _, cf = cm
        scale = math.hypot(c * ca + d * cc, c * cb + d * cd)
        baseline = e * cb + f * cd + cf
        name = str(font.get("/BaseFont", "")).lstrip("/") if font else ""
        spans.append(Span(text.strip(), baseline, size * scale, name))

    page.extract_text(visitor_text=visit)
    return spans


@dataclass(frozen=True)
class PageSpans:
    body: list[Span]
    header_footer: list[Span]
    body_bottom: float
    body_top: float


def _split_page(page: Any, number: int, total: int) -> PageSpans:
    """The page's body text, apart from its header and footer.

    The header and footer are drawn last, starting with "Page N of M": the spans from
    there on mark out the header region (top half) and footer region (bottom half).
    The body is every span between the two regions.
    """
    spans = _spans(page)
    label = LABELS.page_of.format(page=number, pages=total)
    starts = [i for i, span in enumerate(spans) if span.text == label]
    assert starts, f"no {label!r} on page {number}"
    drawn_last = spans[starts[0] :]
    height = float(page.mediabox.height)
    header = [s for s in drawn_last if s.y > height / 2]
    footer = [s for s in drawn_last if s.y <= height / 2]
    assert header, f"no header on page {number}"
    assert footer, f"no footer on page {number}"
    body_top = min(s.y for s in header)
    body_bottom = max(s.y + s.size for s in footer)
    body = [s for s in spans if body_bottom < s.y < body_top]
    # The body never runs into the header or footer regions.
    stray = [s for s in spans[: starts[0]] if s not in body]
    assert not stray, f"body text in the header or footer region on page {number}: {stray}"
    return PageSpans(body, drawn_last, body_bottom, body_top)


@every_clinic
@every_variant
def test_body_text_is_large_enough_and_sans_serif(
    handouts: dict[tuple[str, str], Handout], variant: str, kind: str
) -> None:
    reader = handouts[variant, kind].reader
    total = len(reader.pages)
    body: list[Span] = []
    for number, page in enumerate(reader.pages, start=1):
        body += _split_page(page, number, total).body
    assert len(body) > 60, f"only {len(body)} text spans found in the body"
    minimum = LARGE_PRINT_BODY_PT if _is_large(variant) else STANDARD_BODY_PT
    smallest = min(body, key=lambda s: s.size)
    assert smallest.size >= minimum - 0.01, (
        f"{variant}/{kind}: body text of {smallest.size:.2f} pt (< {minimum} pt): {smallest}"
    )
    fonts = {span.font for span in body}
    assert fonts, "no fonts found"
    assert all(VERA_SANS.match(font) for font in fonts), fonts


@every_variant
def test_header_and_footer_regions_are_apart_from_the_body(
    handouts: dict[tuple[str, str], Handout], variant: str
) -> None:
    """The header and footer regions hold only the header and footer, in Vera Sans."""
    reader = handouts[variant, "default"].reader
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        split = _split_page(page, number, total)
        assert split.body_bottom < split.body_top
        texts = " ".join(s.text for s in split.header_footer)
        assert _normal(LABELS.disclaimer) in _normal(texts)
        assert all(VERA_SANS.match(s.font) for s in split.header_footer)


# Readability and content


def _header_footer_lines(
    handout: Handout, article: bc.Article, number: int, total: int
) -> list[str]:
    provenance = article.provenance
    clinic = handout.clinic
    name = (
        LABELS.clinic_in_location.format(name=clinic.name, location=clinic.location)
        if clinic.location
        else clinic.name
    )
    # Who wrote what, the version and the review state: once, on the first page.
    provenance_line = [
        " ".join(
            (
                LABELS.source_article.format(
                    title=provenance.source_title, clinic=provenance.source_clinic
                ),
                LABELS.adapted.format(who=provenance.adapted_by),
                LABELS.version_updated.format(
                    version=provenance.version,
                    date=format_date(provenance.updated, "long", locale="en_CA"),
                ),
                LABELS.not_reviewed,
            )
        )
    ]
    return [
        name,
        LABELS.page_of.format(page=number, pages=total),
        *(provenance_line if number == 1 else []),
        LABELS.disclaimer,
    ]


def _body_text(
    handout: Handout, article: bc.Article, normal: Callable[[str], str] = _normal
) -> str:
    """The handout's text without its header and footer lines (each must be found)."""
    pages = handout.pages
    body = []
    for number, page in enumerate(pages, start=1):
        text = normal(page)
        for line in _header_footer_lines(handout, article, number, len(pages)):
            assert normal(line) in text, f"{line!r} not on page {number}"
            text = text.replace(normal(line), " ")
        body.append(text)
    return "\n".join(body)


@pytest.mark.parametrize("variant", ["letter", "a4", "large-print"])
def test_handout_reads_at_grade_8_or_below(
    handouts: dict[tuple[str, str], Handout], article: bc.Article, variant: str
) -> None:
    # Hyphens kept: "long-lasting" is two words to textstat, as in the article.
    text = _body_text(handouts[variant, "default"], article, normal=_spaces)
    assert len(text.split()) > 400
    grade = textstat.flesch_kincaid_grade(text)
    assert grade <= MAX_GRADE, f"Flesch-Kincaid grade {grade:.2f} > {MAX_GRADE} for {variant}"
    print(f"{variant}: Flesch-Kincaid grade {grade:.2f}")


def _items(article: bc.Article) -> Iterator[Any]:
    for section in (article.mechanisms, article.causes, article.lifestyle, article.therapies):
        yield from section.items


def _safety_items(article: bc.Article) -> Iterator[Any]:
    for _, group in article.safety.groups():
        yield from group.items


def _summaries(article: bc.Article, large_print: bool) -> list[str]:
    """What the handout prints in plain words: the summaries, the research in one, the urgent
    signs and what to expect after a session (the rest of the safety part is the sheet for
    before a first session's). What dry needling does, what it helps with and what goes with
    it, it prints by title; the standard handout prints the home tips by title too."""
    assert article.research is not None
    assert article.aftercare is not None
    return [
        article.summary,
        article.causes.summary,
        article.lifestyle.summary,
        article.sessions.summary,
        article.sessions.chronic_summary,
        *(item.summary for item in article.lifestyle.items if large_print),
        article.research.summary,
        *(item.summary for item in article.safety.urgent_signs.items),
        *(item.summary for item in article.aftercare.items),
        *(item.title for item in _items(article)),
    ]


def _full_text_sentences(article: bc.Article) -> list[str]:
    """Every sentence of the article's full text: bodies, intros, closings, paragraphs."""
    sections = (article.mechanisms, article.causes, article.lifestyle, article.therapies)
    paragraphs = [
        *article.lede,
        *(p for section in sections for p in (*section.intro, *section.closing)),
        *article.sessions.paragraphs,
        *article.closing.paragraphs,
        *(item.body for item in _items(article)),
        *article.safety.intro,
        *(item.body for item in _safety_items(article)),
    ]
    return [s for p in paragraphs for s in re.split(r"(?<=[.!?:])\s+", _normal(p)) if s]


@every_variant
def test_uses_the_summaries_not_the_full_text(
    handouts: dict[tuple[str, str], Handout], article: bc.Article, variant: str
) -> None:
    # Without header and footer: a paragraph may run on to the next page.
    text = _normal(_body_text(handouts[variant, "default"], article))
    missing = [s for s in _summaries(article, _is_large(variant)) if _normal(s) not in text]
    assert not missing, f"summaries not in the handout: {missing}"
    sentences = _full_text_sentences(article)
    assert len(sentences) > 40
    shown = [s for s in sentences if s in text]
    assert not shown, f"full-text sentences in the handout: {shown}"


@every_clinic
@every_variant
def test_every_section_is_there_in_reading_order(
    handouts: dict[tuple[str, str], Handout], article: bc.Article, variant: str, kind: str
) -> None:
    handout = handouts[variant, kind]
    text = _normal(_body_text(handout, article))
    sessions = article.sessions
    parts = [
        article.title,
        article.summary,
        article.mechanisms.short_heading,
        article.causes.short_heading,
        sessions.short_heading,
        LABELS.sessions_range.format(min=sessions.typical_min, max=sessions.typical_max),
        article.lifestyle.short_heading,
        article.therapies.short_heading,
        LABELS.independent.format(clinic=article.provenance.source_clinic),
        article.research.short_heading,  # type: ignore[union-attr]
        article.safety.short_heading,
        LABELS.before_pointer,
        article.safety.urgent_signs.heading,
        article.aftercare.short_heading,  # type: ignore[union-attr]
        LABELS.sources,
        LABELS.my_plan,
    ]
    assert "3 to 6 sessions" in parts
    positions = []
    for part in parts:
        index = text.find(_normal(part), positions[-1] if positions else 0)
        assert index >= 0, f"{part!r} missing or out of order"
        positions.append(index)
    # The plan box and the clinic's details may stand side by side: pdftotext's reading
    # order mixes them, so each need only come after "My plan".
    closing = text[positions[-1] :]
    for part in (
        LABELS.plan_sessions,
        LABELS.plan_next,
        LABELS.plan_exercises,
        article.closing.short_heading,
    ):
        assert _normal(part) in closing, f"{part!r} missing"
    clinic = handout.clinic
    details = [clinic.name, clinic.location]
    if kind == "full":
        assert clinic.phone
        assert clinic.email
        assert clinic.website
        details += [
            f"{LABELS.phone}{LABELS.term_separator} {clinic.phone}",
            f"{LABELS.email}{LABELS.term_separator} {clinic.email}",
            f"{LABELS.website}{LABELS.term_separator} {clinic.website}",
            LABELS.booking,
            LABELS.scan_to_book,
        ]
    else:
        assert clinic.name == article.provenance.source_clinic
    # Table cells side by side may interleave in reading order: check each word in turn.
    for detail in details:
        assert detail
        assert all(_normal(word) in closing for word in detail.split()), f"{detail!r} missing"
    assert (LABELS.booking in closing) == (kind == "full")


@every_clinic
@every_variant
def test_header_and_footer_on_every_page(
    handouts: dict[tuple[str, str], Handout], article: bc.Article, variant: str, kind: str
) -> None:
    handout = handouts[variant, kind]
    pages = handout.pages
    assert len(pages) == len(handout.reader.pages)
    provenance = article.provenance
    for number, page in enumerate(pages, start=1):
        text = _normal(page)
        for line in _header_footer_lines(handout, article, number, len(pages)):
            assert _normal(line) in text, f"{line!r} not on page {number} of {variant}/{kind}"
        # The first page says who wrote what, the version and that nobody has reviewed it.
        assert (_normal(provenance.source_title) in text) == (number == 1)
        assert (_normal(f"Version {provenance.version}, updated December 7, 2026") in text) == (
            number == 1
        )
        assert "Reviewed by" not in page  # no review is recorded, so none is claimed
        other = LABELS.page_of.format(page=number + 1, pages=len(pages))
        assert _normal(other) not in text


# Fonts, metadata, structure


def _pdffonts(path: Path) -> list[dict[str, str]]:
    """pdffonts' table, one dict a font; the dashes under the header give the columns."""
    lines = _run(require_tool("pdffonts"), str(path)).stdout.splitlines()
    header, rule, *rows = lines
    columns = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    names = [header[start:end].strip() or header[start:].split()[0] for start, end in columns]
    assert names[:4] == ["name", "type", "encoding", "emb"], names
    table = []
    for row in rows:
        cells = [row[start:end].strip() for start, end in columns[:-1]]
        table.append(dict(zip(names, [*cells, row[columns[-1][0] :].strip()], strict=True)))
    return table


@every_clinic
@every_variant
def test_fonts_are_embedded_truetype_vera_sans(
    handouts: dict[tuple[str, str], Handout], variant: str, kind: str
) -> None:
    fonts = _pdffonts(handouts[variant, kind].path)
    assert fonts, "pdffonts lists no fonts"
    not_embedded = [f["name"] for f in fonts if f["emb"] != "yes"]
    assert not not_embedded, f"fonts not embedded: {not_embedded}"
    assert {f["type"] for f in fonts} == {"TrueType"}, fonts
    assert all(VERA_SANS.match(f["name"]) for f in fonts), [f["name"] for f in fonts]


def _outline(reader: PdfReader) -> list[tuple[str, int]]:
    entries = []
    for entry in reader.outline:
        assert not isinstance(entry, list), "the outline has one level"
        entries.append((entry.title, reader.get_destination_page_number(entry)))
    return entries


@every_clinic
@every_variant
def test_metadata_language_and_bookmarks(
    handouts: dict[tuple[str, str], Handout], article: bc.Article, variant: str, kind: str
) -> None:
    handout = handouts[variant, kind]
    info = handout.info()
    assert info["Title"] == article.title
    assert info["Author"] == handout.clinic.name
    assert info["Subject"] == article.summary
    assert info["Keywords"] == f"{article.condition}, {article.therapy}"
    assert info["Pages"] == str(len(handout.pages))

    root = handout.reader.trailer["/Root"]
    assert root["/Lang"] == "en-CA"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True

    outline = _outline(handout.reader)
    assert [title for title, _ in outline] == [
        article.mechanisms.short_heading,
        article.causes.short_heading,
        article.sessions.short_heading,
        article.lifestyle.short_heading,
        article.therapies.short_heading,
        article.research.short_heading,  # type: ignore[union-attr]
        article.safety.short_heading,
        article.aftercare.short_heading,  # type: ignore[union-attr]
        LABELS.my_plan,
        article.closing.short_heading,
    ]
    numbers = [number for _, number in outline]
    assert numbers == sorted(numbers)
    # Each bookmark leads to the page where its heading is printed.
    for title, number in outline:
        assert _normal(title) in _normal(handout.pages[number]), (
            f"{title!r} not on page {number + 1}"
        )
    if _is_large(variant):
        assert numbers[-1] > 0, "large print has several pages: not every bookmark on page 1"


@pytest.mark.parametrize("variant", ["letter", "a4", "large-print", "large-print-a4"])
@every_clinic
def test_qpdf_finds_no_errors(
    handouts: dict[tuple[str, str], Handout], variant: str, kind: str
) -> None:
    result = _run(require_tool("qpdf"), "--check", str(handouts[variant, kind].path), ok=(0, 2, 3))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


# Hostile text


HOSTILE = [
    '<img src="/etc/passwd"/> <img src="x.png" width="400" height="400"/>',
    '<a href="javascript:alert(1)">x</a> <link href="file:///etc/passwd">y</link>',
    "<b>bold</b> <i>it</i> <u>under</u> <strike>s</strike> <br/> <para>",
    "&amp; &lt;b&gt; AT&T &#x3C; &nbsp; &#9731; &bogus;",
    '<font color=red size=40 face="Courier">red</font> <span style="x">s</span>',
    "'single' \"double\" `back` ]]> <![CDATA[ x",
    "{{ 7*7 }} {% raw %} ${x} %(name)s {0}",
    r"(paren) \) Tj \\ (x) ET BT /F1 99 Tf",
    '<onDraw name="x" label="y"/> <seq id="s"/> <index item="z"/>',
]

HOSTILE_WEBSITE = "https://example.org/a?x=1&amp;y=');alert(1)//&lt;b&gt;#%22"
HOSTILE_BOOKING = "https://example.org/book?a=1&b=2&amp;c=%3Cx%3E&d='a'"


def _with_text(article: bc.Article, text: str) -> tuple[bc.Article, bc.Clinic]:
    return with_text(
        article,
        text,
        phone="+1 (555) 010-0000 x 7",
        email="o'brien&co+x@example.org",
        website=HOSTILE_WEBSITE,
        booking_url=HOSTILE_BOOKING,
    )


def _links(reader: PdfReader) -> list[str]:
    """The URI of every annotation; any annotation that is not a URI link fails."""
    uris = []
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            assert annotation["/Subtype"] == "/Link", annotation
            action = annotation["/A"]
            assert action["/S"] == "/URI", annotation
            uris.append(str(action["/URI"]))
    return uris


def _images(reader: PdfReader) -> int:
    count = 0
    for page in reader.pages:
        objects = page["/Resources"].get("/XObject") or {}
        count += sum(1 for ref in objects.values() if ref.get_object()["/Subtype"] == "/Image")
    return count


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: t[:18])
def test_hostile_text_is_printed_literally(article: bc.Article, tmp_path: Path, text: str) -> None:
    hostile_article, hostile_clinic = _with_text(article, text)
    # Plain words as long as the hostile text, so that both lay out alike (a handout a
    # page too long is laid out again, compact, and pdftotext reads columns in its order).
    plain_text = " ".join(["Plain", *["qq"] * max(0, (len(text) - 5) // 3)])
    plain_article, plain_clinic = _with_text(article, plain_text)
    options = bc.HandoutOptions(paper="letter")
    hostile = Handout(
        "hostile",
        bc.render_pdf(hostile_article, clinic=hostile_clinic, options=options),
        tmp_path,
        hostile_clinic,
    )
    plain = Handout(
        "plain",
        bc.render_pdf(plain_article, clinic=plain_clinic, options=options),
        tmp_path,
        plain_clinic,
    )
    shown = _normal(hostile.drawn())
    expected = _normal(text)
    plain_count = _normal(plain.drawn()).count(_normal(plain_text))
    assert plain_count > 40
    # A paragraph that a page break splits reads as two pieces around the page's header
    # and footer, and counts as neither; longer text may split where plain text did not.
    assert shown.count(expected) >= plain_count - 2, (
        f"{text!r} printed {shown.count(expected)} times, not {plain_count}"
    )
    # The markup made nothing: no links but the clinic's own, no images, no new pages.
    allowed = {
        "tel:+15550100000",
        "mailto:o'brien&co+x@example.org",
        # As a browser parses them (urls.py): the quotes percent-encoded.
        web_url(HOSTILE_WEBSITE),
        web_url(HOSTILE_BOOKING),
    }
    # A link that wraps is one annotation a line: compare the sets of targets.
    assert set(_links(hostile.reader)) == allowed
    assert set(_links(plain.reader)) == allowed
    assert _images(hostile.reader) == _images(plain.reader) == 0
    # Metadata and bookmarks carry the text as it is, too.
    metadata = hostile.reader.metadata
    assert metadata is not None
    assert metadata.title == text
    assert metadata.author == text
    assert metadata.subject == text
    titles = [title for title, _ in _outline(hostile.reader)]
    assert titles == [text] * 8 + [LABELS.my_plan, text]


# Errors


def _truncated_png(path: Path) -> Path:
    data = _png(path.with_name("whole.png")).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


LOGOS: dict[str, Callable[[Path], Path]] = {
    "missing": lambda path: path,
    "not an image": lambda path: (path.write_text("not a picture\n", encoding="utf-8"), path)[1],
    "corrupt png": lambda path: (path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0junk" * 50), path)[1],
    "truncated png": _truncated_png,
    "a folder": lambda path: (path.mkdir(), path)[1],
}


@pytest.mark.parametrize("case", list(LOGOS))
def test_unreadable_logo_is_a_content_error(article: bc.Article, tmp_path: Path, case: str) -> None:
    logo = LOGOS[case](tmp_path / "logo.png")
    clinic = bc.Clinic(name="Example Physio", logo=logo)
    with pytest.raises(bc.ContentError) as caught:
        bc.render_pdf(article, clinic=clinic)
    # One message for every unusable logo, which does not say which paths exist.
    assert (
        str(caught.value)
        == "clinic.logo: must be a readable PNG or JPEG image inside the clinic file's folder"
    )


def _with_value(article: bc.Article, field: str, value: str) -> tuple[bc.Article, bc.Clinic]:
    """The guide and a small clinic with `value` in `field`: a clinic field, the title, or
    the third home tip's summary."""
    clinic = bc.Clinic(name="Example Physio", location="Springfield")
    if field.startswith("clinic."):
        clinic = clinic.model_copy(update={field.removeprefix("clinic."): value})
    elif field == "title":
        article = article.model_copy(update={"title": value})
    else:  # a section's summary, which every handout prints
        name = field.removesuffix(".summary")
        part = getattr(article, name)
        article = article.model_copy(update={name: part.model_copy(update={"summary": value})})
    return article, clinic


@pytest.mark.parametrize(
    ("field", "value", "codes"),
    [
        ("clinic.name", "Physio 🙂", ["U+1F642"]),
        # Thai has no spaces between words: the handout does not set it.
        ("clinic.location", "คลินิก Station", ["U+0E04", "U+0E25"]),
        ("title", "Dry needling \ue000", ["U+E000"]),
        ("causes.summary", "Stretch 🧘 often", ["U+1F9D8"]),
    ],
)
def test_characters_no_font_can_print_are_a_content_error(
    article: bc.Article, field: str, value: str, codes: list[str]
) -> None:
    article, clinic = _with_value(article, field, value)
    with pytest.raises(bc.ContentError) as caught:
        bc.render_pdf(article, clinic=clinic)
    assert caught.value.field == field
    message = str(caught.value)
    assert field in message
    assert "cannot print" in message
    assert all(code in message for code in codes), message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("clinic.name", "王小明物理治疗"),
        ("clinic.location", "東京 Station"),
        # Vera has Ł and ó but not Ż: the word is set in DejaVu Sans, Vera's descendant.
        ("clinic.name", "Żaneta Łukasz Physio"),
        ("title", "Dry needling 針"),
        ("causes.summary", "Stretch ☯ often"),
        ("clinic.name", "Κλινική Αθηνά"),
        ("clinic.name", "مركز العلاج الطبيعي"),
        ("clinic.name", "ਸਿਹਤ ਕਲੀਨਿਕ"),
    ],
)
def test_text_in_another_script_is_printed_in_a_font_that_has_it(
    article: bc.Article, field: str, value: str, tmp_path: Path
) -> None:
    """Words Vera lacks are set in a family that has them (an error only when none does)."""
    article, clinic = _with_value(article, field, value)
    handout = Handout("script", bc.render_pdf(article, clinic=clinic), tmp_path, clinic)
    # Each word as written (a shaped word carries its text as ActualText, which pdftotext
    # reads word by word; its reading order across a line is its own guess).
    words = _run(require_tool("pdftotext"), "-bbox", str(handout.path), "-").stdout
    found = {match.strip() for match in re.findall(r">([^<]+)</word>", words)}
    assert all(word in found for word in value.split()), (value, sorted(found)[:40])
    fonts = _run(require_tool("pdffonts"), str(handout.path)).stdout.splitlines()[2:]
    assert all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in fonts), fonts


def test_latin_letters_beyond_ascii_are_printed(article: bc.Article, tmp_path: Path) -> None:
    """Vera has some letters beyond Latin-1, such as Ł: these names print (and do not raise)."""
    clinic = bc.Clinic(name="Łukasz Wójcik Physio", location="Trois-Rivières")
    handout = Handout("latin", bc.render_pdf(article, clinic=clinic), tmp_path, clinic)
    text = _normal(handout.pdftotext())
    assert _normal("Łukasz Wójcik Physio in Trois-Rivières") in text


# Reproducible output


def test_rendering_twice_gives_identical_bytes(
    handouts: dict[tuple[str, str], Handout],
    article: bc.Article,
    full_clinic: bc.Clinic,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    options = OPTIONS["large-print"]
    again = bc.render_pdf(article, clinic=full_clinic, options=options)
    assert again == handouts["large-print", "full"].pdf
    assert bc.render_pdf(article, options=options) == handouts["large-print", "default"].pdf


def _drawn_in(font: str) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    from backpain_content.renderers.pdf.fonts import CHARSET

    beyond = "".join(chr(code) for code in sorted(CHARSET) if code > 0x7F)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, pageCompression=1)  # as handouts are
    canvas.setFont(font, 12)
    # Characters outside ASCII get codes in the order first used: two subsets' worth.
    canvas.drawString(72, 700, "Café “naïve” · 38 °C — " + beyond)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_kept_font_subsets_are_written_as_reportlab_writes_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A SubsetFont writes each subset (program, widths, ToUnicode, descriptor) from parts
    it made once: the same bytes as ReportLab's own TTFont.addObjects, made afresh or kept."""
    from reportlab.pdfbase.ttfonts import TTFont

    from backpain_content.renderers.pdf.fonts import FONT
    from backpain_content.renderers.pdf.subsets import SubsetFont

    ours = _drawn_in(FONT)
    assert _drawn_in(FONT) == ours  # from the cache
    assert ours.count(b"/FontFile2") == 2  # two subsets
    monkeypatch.setattr(SubsetFont, "addObjects", TTFont.addObjects)
    assert _drawn_in(FONT) == ours


_RENDER_IN_A_PROCESS = """
import sys
import backpain_content as bc
clinic = bc.Clinic.model_validate_json(sys.argv[1])
options = bc.HandoutOptions(paper="a4")
sys.stdout.buffer.write(bc.render_pdf(bc.load_article(), clinic=clinic, options=options))
"""


def _render_in_a_process(clinic: bc.Clinic, epoch: str, seed: str) -> bytes:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "PYTHONHASHSEED": seed}
    result = subprocess.run(
        [sys.executable, "-c", _RENDER_IN_A_PROCESS, clinic.model_dump_json()],
        capture_output=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def _pdf_date(moment: datetime.datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def test_separate_processes_give_identical_bytes_dated_source_date_epoch(
    article: bc.Article, full_clinic: bc.Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    epoch = "1700000000"
    first = _render_in_a_process(full_clinic, epoch, seed="1")
    second = _render_in_a_process(full_clinic, epoch, seed="2")
    assert first.startswith(b"%PDF-")
    assert first == second
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert bc.render_pdf(article, clinic=full_clinic, options=OPTIONS["a4"]) == first

    metadata = PdfReader(io.BytesIO(first)).metadata
    assert metadata is not None
    moment = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
    assert metadata["/CreationDate"] == _pdf_date(moment) == "D:20231114221320+00'00'"
    assert metadata["/ModDate"] == _pdf_date(moment)


def test_without_source_date_epoch_the_date_is_the_day_the_content_was_made(
    handouts: dict[tuple[str, str], Handout], article: bc.Article
) -> None:
    reviewed = article.provenance.updated
    moment = datetime.datetime(reviewed.year, reviewed.month, reviewed.day, tzinfo=datetime.UTC)
    for handout in handouts.values():
        metadata = handout.reader.metadata
        assert metadata is not None
        assert metadata["/CreationDate"] == _pdf_date(moment) == "D:20261207000000+00'00'"
        assert metadata.creation_date == moment
    assert handouts["letter", "default"].info()["CreationDate"] == "Mon Dec  7 00:00:00 2026 UTC"


# QR code


def _qr_codes(handout: Handout, directory: Path, page: int | None = None) -> list[str]:
    """What zbarimg decodes from one page (numbered from 1) or every page, at 200 dpi."""
    pdftoppm = require_tool("pdftoppm")
    zbarimg = require_tool("zbarimg")
    pages = ["-f", str(page), "-l", str(page)] if page else []
    _run(pdftoppm, "-r", "200", "-png", *pages, str(handout.path), str(directory / handout.name))
    images = sorted(directory.glob(f"{handout.name}-*.png"))
    assert len(images) == (1 if page else len(handout.reader.pages))
    found = []
    for image in images:
        # zbarimg exits 4 when it finds no code.
        result = _run(zbarimg, "--raw", "-q", str(image), ok=(0, 4))
        codes = result.stdout.splitlines()
        assert (result.returncode == 0) == bool(codes)
        found += codes
    return found


def _page_with(handout: Handout, text: str) -> int:
    """The number of the one page that shows `text`."""
    pages = [n for n, page in enumerate(handout.pages, start=1) if _normal(text) in _normal(page)]
    assert len(pages) == 1, f"{text!r} is on pages {pages}"
    return pages[0]


@pytest.mark.parametrize("variant", ["letter", "large-print-a4"])
def test_qr_code_leads_to_the_booking_page(
    handouts: dict[tuple[str, str], Handout], tmp_path: Path, variant: str
) -> None:
    handout = handouts[variant, "full"]
    assert handout.clinic.booking_url
    assert handout.clinic.website
    page = _page_with(handout, LABELS.scan_to_book)
    assert _qr_codes(handout, tmp_path, page) == [handout.clinic.booking_url]


def test_qr_code_leads_to_the_website_without_a_booking_page(
    article: bc.Article, tmp_path: Path
) -> None:
    clinic = bc.Clinic(name="Example Physio", website="https://example.org/physio?ref=handout")
    handout = Handout("website", bc.render_pdf(article, clinic=clinic), tmp_path, clinic)
    assert LABELS.scan_to_book not in _normal(handout.pdftotext())
    page = _page_with(handout, LABELS.scan_to_visit)
    assert _qr_codes(handout, tmp_path, page) == ["https://example.org/physio?ref=handout"]


def test_qr_code_holds_the_url_as_a_browser_parses_it(article: bc.Article, tmp_path: Path) -> None:
    """An international host and path are scanned as the link the text prints: the IDNA
    host and the percent-encoded path (see `urls.py`), never the raw characters."""
    clinic = bc.Clinic(name="Example Physio", booking_url="https://Bücher.example/Ärzte?q=ä")
    kept = "https://xn--bcher-kva.example/%C3%84rzte?q=%C3%A4"
    assert clinic.booking_url == kept
    handout = Handout("idna", bc.render_pdf(article, clinic=clinic), tmp_path, clinic)
    assert _qr_codes(handout, tmp_path, _page_with(handout, LABELS.scan_to_book)) == [kept]


def test_longest_url_the_handout_prints_still_scans(article: bc.Article, tmp_path: Path) -> None:
    """The largest QR code allowed (version 10) prints in an inch and a phone's reader,
    zbar here at 200 dpi, still reads it."""
    from backpain_content.renderers.pdf.qr import MAX_VERSION, qr_version

    url = "https://example.org/book?" + "&".join(f"k{n}=v{n}" for n in range(40))[:187]
    assert qr_version(url) == MAX_VERSION
    clinic = bc.Clinic(name="Example Physio", booking_url=url)
    handout = Handout("long-url", bc.render_pdf(article, clinic=clinic), tmp_path, clinic)
    assert _qr_codes(handout, tmp_path, _page_with(handout, LABELS.scan_to_book)) == [url]


@pytest.mark.parametrize("field", ["booking_url", "website"])
def test_a_url_too_long_to_scan_is_a_content_error(article: bc.Article, field: str) -> None:
    url = "https://example.org/" + "a" * 400
    clinic = bc.Clinic(name="Example Physio", **{field: url})
    with pytest.raises(bc.ContentError) as caught:
        bc.render_pdf(article, clinic=clinic)
    assert caught.value.field == f"clinic.{field}"
    assert "too long to print as a QR code" in str(caught.value)
    assert "420 characters" in str(caught.value)
    # The other formats have no QR code and show the link as it is.
    assert url in bc.render_html(article, clinic=clinic)


def test_no_qr_code_without_a_clinic_url(
    handouts: dict[tuple[str, str], Handout], tmp_path: Path
) -> None:
    handout = handouts["letter", "default"]
    assert handout.clinic.link is None
    assert _qr_codes(handout, tmp_path) == []
    text = _normal(handout.pdftotext())
    assert _normal(LABELS.scan_to_visit) not in text
    assert _normal(LABELS.scan_to_book) not in text


# Golden text


GOLDEN_PAGES = {"letter": 2, "a4": 2, "large-print": 6}


@pytest.mark.parametrize("variant", list(GOLDEN_PAGES))
def test_golden_text(
    handouts: dict[tuple[str, str], Handout],
    golden: Callable[[str, str], None],
    variant: str,
) -> None:
    handout = handouts[variant, "default"]
    assert handout.info()["Pages"] == str(GOLDEN_PAGES[variant])
    golden(f"dry-needling-back-pain.en-CA.{variant}.txt", handout.pdftotext("-layout"))


def test_shared_layouts_change_no_byte(
    article: bc.Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsed paragraphs and line breaks are reused across renders; without any reuse the
    bytes must be the same, also where paragraphs split across pages."""
    from reportlab.platypus import Paragraph

    from backpain_content.renderers.pdf import flowables
    from growth import scaled

    clinic = bc.Clinic(name="Example Physio", booking_url="https://example.org/book")
    cases = [
        (scaled(article, 3), clinic, bc.HandoutOptions(large_print=True)),
        (article, clinic, bc.HandoutOptions(paper="a4")),
        (article, None, bc.HandoutOptions()),
    ]
    for case in cases:  # warm the caches
        bc.render_pdf(case[0], clinic=case[1], options=case[2])
    shared = [bc.render_pdf(a, clinic=c, options=o) for a, c, o in cases]
    monkeypatch.setattr(flowables, "_layout", flowables._layout.__wrapped__)
    monkeypatch.setattr(flowables, "_parsed", flowables._parsed.__wrapped__)
    monkeypatch.setattr(flowables._SharedParagraph, "wrap", Paragraph.wrap)
    fresh = [bc.render_pdf(a, clinic=c, options=o) for a, c, o in cases]
    assert shared == fresh


def test_qr_code_draws_the_modules_reportlab_encodes() -> None:
    """The code is drawn as runs of dark modules; they must be ReportLab's code, module for
    module, for short and long URLs (one error-correction block and several)."""
    from reportlab.graphics.barcode import qrencoder

    from backpain_content.renderers.pdf.qr import QrCode

    urls = [f"https://example.org/book/{n}" for n in range(5)] + [
        "https://example.org/" + "x" * length for length in (60, 120, 180)
    ]
    versions = set()
    for url in urls:
        theirs = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        theirs.addData(url)
        theirs.make()
        versions.add(theirs.version)
        code = QrCode(url, 72)
        drawn = [[False] * code.count for _ in range(code.count)]
        for row, column, length in code.runs:
            drawn[row][column : column + length] = [True] * length
        assert drawn == theirs.modules, url
    assert min(versions) <= 3
    assert max(versions) >= 7
