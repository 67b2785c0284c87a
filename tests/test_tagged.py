"""Tagged handouts (PDF/UA-1, the machine-checkable part): every variant passes the
checker in tagged_pdf.py, reads in the guide's order, and says what its figures, boxes
and links are; the page furniture is no content; words in another language say so.

With poppler and qpdf, which fail the run under CI=true when missing (see needs.py).
"""

from __future__ import annotations

import datetime
import re
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import backpain_content as bc
from backpain_content.renderers.shared import labels_of
from clinics import full_clinic
from hostile import CORPUS, with_text
from needs import require_tool
from pseudo import translated, translated_po
from structtext import poppler
from tagged_pdf import Element, Report, assert_tagged, check, in_order

LARGE = bc.HandoutOptions(large_print=True)
OPTIONS = {
    "letter": bc.HandoutOptions(),
    "a4": bc.HandoutOptions(paper="a4"),
    "large-print": LARGE,
    "large-print-a4": bc.HandoutOptions(paper="a4", large_print=True),
}
FRENCH = "dry-needling-back-pain.fr-CA"
SCRIPTS = ("ar", "pa", "zh-Hans", "el", "pl")
PLAN = bc.PatientPlan(
    patient="Zoë Łukasz",
    physiotherapist="Amrit Dhillon, physiotherapist",
    sessions=(3, 6),
    next_appointment=datetime.datetime(2026, 12, 3, 9, 30),
    home_tips=("change-your-posture-often", "stretch-daily"),
    note="Walk ten minutes after lunch.",
    made=datetime.date(2026, 11, 27),
)


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> bc.Clinic:
    return full_clinic(tmp_path_factory.mktemp("logo") / "logo.png")


def expected(
    article: bc.Article,
    clinic: bc.Clinic,
    plan: bc.PatientPlan | None = None,
    large_print: bool = False,
) -> list[str]:
    """What the handout says, in the order it says it, from the guide itself: headings,
    summaries, item titles (the home tips' summaries in large print), the notices, the
    research, the urgent signs, after your session, the plan's labels, the clinic, the
    footer."""
    labels = labels_of(article)
    clinic_name = article.provenance.source_clinic
    said = [article.title, labels.not_reviewed, article.summary]
    said.append(labels.clinic_voice.format(clinic=clinic_name))
    for name in ("mechanisms", "causes", "sessions", "lifestyle", "therapies"):
        part = getattr(article, name)
        said.append(part.short_heading)
        if name in ("causes", "lifestyle"):
            said.append(part.summary)
        if name in ("mechanisms", "causes", "therapies"):
            said += [item.title for item in part.items]
        if name == "sessions":
            low, high = part.typical_min, part.typical_max
            said += [labels.sessions_range.format(min=low, max=high), part.summary]
            said.append(part.chronic_summary)
        if name == "lifestyle":
            for item in part.items:
                said += [item.title, item.summary] if large_print else [item.title]
    assert article.research is not None
    assert article.aftercare is not None
    said.append(labels.independent.format(clinic=clinic_name))
    said += [article.research.short_heading, article.research.summary]
    said += [article.safety.short_heading, labels.before_pointer]
    urgent = article.safety.urgent_signs
    said += [urgent.heading, *(item.summary for item in urgent.items)]
    said.append(article.aftercare.short_heading)
    said += [item.summary for item in article.aftercare.items]
    said.append(labels.sources)
    if plan is None:
        said += [labels.my_plan, labels.plan_sessions, labels.plan_next, labels.plan_exercises]
    else:
        said.append(labels.plan_for.format(patient=plan.patient))
        said += [plan.physiotherapist, plan.note or ""]
    said += [article.closing.short_heading, clinic.name]
    said += [article.provenance.version, labels.disclaimer]
    return said


def outline(report: Report) -> str:
    """The structure tree as text: an element a line, with its /Alt and /Lang, and its own
    text; what the golden files hold."""
    lines: list[str] = []

    def walk(element: Element, depth: int) -> None:
        extra = ""
        for key in ("/Alt", "/Lang"):
            if key in element.obj:
                extra += f" {key[1:]}={str(element.obj[key])!r}"
        if "/A" in element.obj:
            extra += f" Scope={element.obj.A.get('/Scope')}"
        text = report.text_of(element)
        lines.append("  " * depth + element.role + extra + (f": {text}" if text else ""))
        for child in element.children:
            walk(child, depth + 1)

    assert report.tree is not None
    walk(report.tree, 0)
    return "\n".join(lines) + "\n"


def _poppler_text(pdf: bytes, tmp_path: Path) -> str:
    """The structure tree's text as poppler reads it (`pdfinfo -struct-text`)."""
    shown = poppler(pdf, "pdfinfo", "-struct-text")
    return "".join(re.findall(r'^\s*"(.*)"$', shown, flags=re.MULTILINE))


def _squash(text: str) -> str:
    # The handout draws no bidi isolate (U+2066-U+2069): it orders each line's words itself.
    return unicodedata.normalize("NFC", re.sub(r"[\s\u2066-\u2069]+", "", text))


def _reading(report: Report) -> str:
    return " ".join(text for _, text in report.reading())


# Every variant of the English and French guide, with and without a clinic and a plan.

VARIANTS = [
    (guide, variant, kind)
    for guide in ("en-CA", "fr-CA")
    for variant in OPTIONS
    for kind in ("default", "full", "plan")
]


@pytest.mark.parametrize(("guide", "variant", "kind"), VARIANTS)
def test_every_variant_is_tagged_and_reads_in_order(
    guide: str, variant: str, kind: str, clinic: bc.Clinic, tmp_path: Path
) -> None:
    article = bc.load_bundled(f"dry-needling-back-pain.{guide}")
    chosen = bc.default_clinic(article) if kind == "default" else clinic
    plan = PLAN if kind == "plan" else None
    pdf = bc.render_pdf(article, clinic=chosen, options=OPTIONS[variant], plan=plan)
    report = assert_tagged(pdf)
    # The French large print is a page too long as designed: it is laid out again,
    # compact, with the home tips by title (the English one keeps their summaries).
    large = OPTIONS[variant].large_print and guide == "en-CA"
    assert in_order(report, expected(article, chosen, plan, large)) == []
    # poppler reads the same tree to the same text.
    assert _squash(_poppler_text(pdf, tmp_path)) == _squash(_reading(report))
    # Said once: the first page's footer is content, the later pages' the same artifact.
    labels = labels_of(article)
    assert _squash(_reading(report)).count(_squash(labels.disclaimer)) == 1
    assert labels.page_of.format(page=1, pages=2)[:4] not in _reading(report)


@pytest.mark.parametrize("variant", ["letter", "a4", "large-print"])
def test_the_structure_of_the_english_handout(
    article: bc.Article, variant: str, golden: Any
) -> None:
    """The whole tree, reviewed once and kept: H1, H2, H3, lists with their labels, the
    sessions figure, the plan table with its row headers, the footer last."""
    report = assert_tagged(bc.render_pdf(article, options=OPTIONS[variant]))
    golden(f"dry-needling-back-pain.en-CA.{variant}.structure.txt", outline(report))


def _elements(report: Report, role: str) -> list[Element]:
    return report.elements(role)


def test_figures_say_what_they_show(article: bc.Article, clinic: bc.Clinic) -> None:
    report = assert_tagged(bc.render_pdf(article, clinic=clinic))
    labels = labels_of(article)
    alts = [str(figure.obj.Alt) for figure in _elements(report, "Figure")]
    assert alts == [
        labels.logo_alt.format(clinic=clinic.name),  # first in reading order
        labels.sessions_range.format(min=3, max=6),
        labels.qr_alt.format(url=clinic.booking_url),
    ]


def test_check_boxes_are_the_labels_of_their_items(article: bc.Article) -> None:
    report = assert_tagged(bc.render_pdf(article, plan=PLAN))
    labels = labels_of(article)
    items = [li for li in _elements(report, "LI") if li.children[0].obj.get("/Alt") is not None]
    assert len(items) == len(article.lifestyle.items)
    chosen = {item.title for item in article.lifestyle.items if item.id in PLAN.home_tips}
    for li in items:
        label, body = li.children
        assert (label.role, body.role) == ("Lbl", "LBody")
        title = next(
            t.title for t in article.lifestyle.items if report.text_of(body).startswith(t.title)
        )
        assert str(label.obj.Alt) == (labels.plan_chosen if title in chosen else labels.check_box)


def test_the_plan_box_reads_with_its_labels(article: bc.Article) -> None:
    labels = labels_of(article)
    pen = assert_tagged(bc.render_pdf(article))
    table = _elements(pen, "Table")
    assert len(table) == 1
    rows = [
        [(cell.role, cell.obj.get("/A", {}).get("/Scope")) for cell in row.children]
        for row in table[0].children
    ]
    assert rows == [[("TH", "/Row"), ("TD", None)]] * 3
    headers = [pen.text_of(row.children[0].children[0]) for row in table[0].children]
    assert headers == [labels.plan_sessions, labels.plan_next, labels.plan_exercises]

    personal = assert_tagged(bc.render_pdf(article, plan=PLAN))
    headings = [personal.text_of(h) for h in _elements(personal, "H2")]
    assert labels.plan_for.format(patient=PLAN.patient) in headings
    paragraphs = [personal.text_of(p) for p in _elements(personal, "P")]
    assert (
        f"{labels.plan_physiotherapist}{labels.term_separator} {PLAN.physiotherapist}" in paragraphs
    )
    assert f"{labels.plan_note}{labels.term_separator} {PLAN.note}" in paragraphs


def test_links_are_link_elements_with_their_text(article: bc.Article, clinic: bc.Clinic) -> None:
    report = assert_tagged(bc.render_pdf(article, clinic=clinic))
    links = [report.text_of(link) for link in _elements(report, "Link")]
    assert links == [clinic.phone, clinic.email, clinic.website, labels_of(article).booking]
    assert report.counts["links"] >= len(links)  # a link over two lines has two annotations


def test_headers_footers_and_rules_are_artifacts(article: bc.Article, clinic: bc.Clinic) -> None:
    report = assert_tagged(bc.render_pdf(article, clinic=clinic, options=LARGE))
    reading = _reading(report)
    assert "Page " not in reading  # the page numbers
    assert report.counts["text in artifacts"] >= 2 * 6  # a name and a number on each page
    assert report.counts["path in artifacts"] >= 2 * 6  # the rules under and above them
    # The clinic's name is content once, in its details, not in each page's header.
    assert reading.count(clinic.name) == 1


@pytest.mark.parametrize("render", [bc.render_pdf, bc.render_brochure, bc.render_poster])
def test_an_english_title_in_a_french_guide_says_it_is_english(
    render: Callable[[bc.Article], bytes],
) -> None:
    french = bc.load_bundled(FRENCH)
    report = assert_tagged(render(french))
    spans = [(str(s.obj.Lang), report.text_of(s)) for s in _elements(report, "Span")]
    assert spans == [("en-CA", french.provenance.source_title)]
    # In its place in the line: after "Article :", before the clinic (read piece by piece:
    # a narrow panel breaks the title across lines).
    read = " ".join(" ".join(text for _, text in report.reading()).split())
    assert f"Article : {french.provenance.source_title} ," in read
    assert _elements(report, "Document")[0].obj.get("/Lang") is None  # the catalog has it


def test_a_partial_translation_marks_what_is_still_english(tmp_path: Path) -> None:
    import polib

    from backpain_content.translate import apply_po

    po = translated_po("pl", tmp_path)
    catalog = polib.pofile(str(po))
    kept = {"lifestyle.stretch-daily.title", "safety.urgent_signs.heading"}
    for entry in catalog:
        if entry.msgctxt in kept:
            entry.msgstr = ""
    catalog.save(str(po))
    guide = apply_po(po, allow_partial=True)
    english = bc.load_article()
    report = assert_tagged(bc.render_pdf(guide))
    spans = {report.text_of(s): str(s.obj.Lang) for s in _elements(report, "Span")}
    assert spans[english.lifestyle.items[2].title] == "en-CA"
    assert spans[english.safety.urgent_signs.heading] == "en-CA"


@pytest.mark.parametrize("language", SCRIPTS)
@pytest.mark.parametrize("large", [False, True], ids=["standard", "large-print"])
def test_every_script_is_tagged_and_reads_in_order(
    language: str, large: bool, clinic: bc.Clinic, tmp_path: Path
) -> None:
    article = translated(language, tmp_path)
    pdf = bc.render_pdf(article, clinic=clinic, options=LARGE if large else bc.HandoutOptions())
    report = assert_tagged(pdf)
    # Right-to-left and shaped words are read from their ActualText, in reading order.
    # The Polish and Greek pseudo-translations, the longest (their words are about as long
    # as the English ones), are a page over in large print and laid out again compact,
    # with the home tips by title (as the French one is).
    tips = large and language not in ("pl", "el")
    assert in_order(report, expected(article, clinic, large_print=tips)) == []
    if language in ("zh-Hans", "el", "pl"):  # set by ReportLab's own paragraphs
        assert _squash(_poppler_text(pdf, tmp_path)) == _squash(_reading(report))


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_text_is_tagged(article: bc.Article, name: str) -> None:
    try:
        made, clinic = with_text(article, CORPUS[name])
        pdf = bc.render_pdf(made, clinic=clinic)
    except (bc.ContentError, ValueError):
        return  # refused by the model or named as unprintable: test_hostile checks that
    report = assert_tagged(pdf)
    if not CORPUS[name].isspace():
        first_word = CORPUS[name].split()[0]
        if not any(ord(c) < 32 for c in first_word):
            assert _squash(first_word)[:20] in _squash(_reading(report))


def test_the_checker_fails_an_untagged_pdf(article: bc.Article) -> None:
    """The checker can fail: a PDF drawn by ReportLab without tags fails every check that
    applies to it."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "Untagged text")
    canvas.linkURL("https://example.org/", (72, 700, 200, 712), relative=1)
    canvas.save()
    report = check(buffer.getvalue())
    assert set(report.failures) >= {"content", "document", "links", "pages"}


def test_qpdf_finds_no_errors_in_tagged_handouts(
    article: bc.Article, clinic: bc.Clinic, tmp_path: Path
) -> None:
    qpdf = require_tool("qpdf")
    for name, options in OPTIONS.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(bc.render_pdf(article, clinic=clinic, options=options, plan=PLAN))
        result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "No syntax or stream encoding errors" in result.stdout
