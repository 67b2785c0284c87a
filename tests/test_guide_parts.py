"""The guide's own parts beside the clinic's article: what the research says, consent and
every risk, questions to ask, after your session. Each renders in every format; the review
notice is at the top of each; the clinic's voice and the independent parts are marked as
such; the sheet for before a first session carries the whole safety part."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

import backpain_content as bc
from htmltools import normalise, parse_fragment, visible_text
from pdftext import flat_pdf_text

NOTICE = "Not yet reviewed by a clinician."
VOICE = "From Avenue Physio: the clinic’s own description of its service."
INDEPENDENT = "Independent information, written for this guide from the sources listed"


def _pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _epub_text(article: bc.Article) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(bc.render_epub(article))) as book:
        return {
            name: " ".join(visible_text(book.read(name).decode("utf-8")).split())
            for name in book.namelist()
            if name.endswith(".xhtml")
        }


def test_the_bundled_guide_has_every_part_of_its_own(article: bc.Article) -> None:
    assert article.research is not None
    assert len(article.research.items) >= 3
    assert article.questions is not None
    assert len(article.questions.items) >= 3
    assert article.aftercare is not None
    assert len(article.aftercare.items) >= 2
    assert article.safety.consent is not None
    assert article.safety.lower_your_risk is not None
    # Consent, as a list a patient can check: options, benefits, risks, the right to say no.
    consent = " ".join(item.body for item in article.safety.consent.items)
    for said in ("other treatments", "risks", "say no", "stop treatment at any time"):
        assert said in consent
    # Every part the guide adds comes after the clinic's article.
    assert article.sections()[-4:] == ("research", "safety", "questions", "aftercare")


def test_the_html_has_every_part_with_the_notices_in_place(article: bc.Article) -> None:
    html = str(bc.render_html(article))
    text = " ".join(visible_text(html, fragment=True).split())
    root = parse_fragment(html)
    for name in ("research", "safety", "questions", "aftercare"):
        part = root.find(f".//section[@id='bpc-{name}']")
        assert part is not None, name
        own = " ".join(visible_text_of(part).split())
        assert INDEPENDENT in own, name
    for _, item in article.sourced_items():
        assert normalise(item.body) in text, item.id
    for question in article.questions.items:  # type: ignore[union-attr]
        assert normalise(question.text) in text
    # The review notice is the first thing after the title; the clinic's voice before its lede.
    assert text.index(article.title) < text.index(NOTICE) < text.index(VOICE)
    assert text.index(VOICE) < text.index(normalise(article.lede[0]))
    # The notice sits at the top of a snippet of chosen sections too.
    chosen = bc.render_html(article, options=bc.HtmlOptions(sections=("safety",)))
    chosen_text = " ".join(visible_text(str(chosen), fragment=True).split())
    assert chosen_text.startswith(NOTICE)


def visible_text_of(element: object) -> str:
    import xml.etree.ElementTree as ET

    return " ".join(ET.tostring(element, encoding="unicode", method="text").split())  # type: ignore[arg-type]


def test_the_epub_has_every_part_and_the_notice_on_its_title_page(article: bc.Article) -> None:
    documents = _epub_text(article)
    title = documents["EPUB/title.xhtml"]
    assert title.index(article.title) < title.index(NOTICE) < title.index(VOICE)
    everything = " ".join(documents.values())
    for _, item in article.sourced_items():
        assert normalise(item.body) in everything, item.id
    for question in article.questions.items:  # type: ignore[union-attr]
        assert normalise(question.text) in everything
    assert everything.count(INDEPENDENT) >= 4


def test_the_email_has_the_notice_first_and_the_aftercare(article: bc.Article) -> None:
    message = bc.build_guide_email(article, to="p@example.org", sender="f@example.org", epub=b"x")
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    flat = " ".join(text.split())
    assert flat.index(NOTICE) < flat.index(article.safety.short_heading)
    for item in article.aftercare.items:  # type: ignore[union-attr]
        assert item.summary in flat


@pytest.mark.parametrize("options", [bc.HandoutOptions(), bc.HandoutOptions(paper="a4")])
def test_the_handout_has_the_research_urgent_signs_and_aftercare(
    article: bc.Article, tmp_path: Path, options: bc.HandoutOptions
) -> None:
    text = flat_pdf_text(bc.render_pdf(article, options=options), tmp_path)
    assert text.index(article.title.split(":")[0]) < text.index(NOTICE) < text.index(VOICE)
    assert INDEPENDENT in text
    # The research in one paragraph, citing every source of its findings.
    assert article.research is not None
    numbers = {reference.id: n for n, reference in enumerate(article.references, 1)}
    cited = sorted({numbers[s] for item in article.research.items for s in item.sources})
    cite = ", ".join(str(n) for n in cited)
    assert normalise(f"{article.research.summary} [{cite}]") in text
    for item in article.aftercare.items:  # type: ignore[union-attr]
        assert normalise(item.summary) in text, item.id
    for item in article.safety.urgent_signs.items:
        assert normalise(item.summary) in text, item.id
    # It points to the sheet that has the rest of the safety part.
    assert "Before you start treatment" in text


@pytest.mark.parametrize(
    ("options", "limit"),
    [
        (bc.HandoutOptions(), 2),
        (bc.HandoutOptions(paper="a4"), 2),
        (bc.HandoutOptions(large_print=True), 6),
    ],
)
@pytest.mark.parametrize("language", ["en-CA", "fr-CA"])
def test_the_sheet_before_a_first_session_has_every_risk_and_question(
    tmp_path: Path, options: bc.HandoutOptions, limit: int, language: str
) -> None:
    article = bc.load_bundled(f"dry-needling-back-pain.{language}")
    sheet = bc.render_before_session(article, options=options)
    assert 1 <= _pages(sheet) <= limit
    text = flat_pdf_text(sheet, tmp_path)
    numbers = {reference.id: n for n, reference in enumerate(article.references, 1)}
    for _, group in article.safety.groups():
        assert normalise(group.heading) in text
        for item in group.items:
            cite = ", ".join(str(n) for n in sorted(numbers[s] for s in item.sources))
            assert normalise(f"{item.summary} [{cite}]") in text, item.id
    for question in article.questions.items:  # type: ignore[union-attr]
        assert normalise(question.text) in text
    if language == "en-CA":
        assert text.index("Before you start treatment") < text.index(NOTICE)


def test_the_sheet_is_a_format_of_its_own(tmp_path: Path) -> None:
    names = {entry.name for entry in bc.FORMATS}
    assert {"before", "before-large"} <= names
    rendered = bc.render("before", bc.load_article())
    assert rendered.data == bc.render_before_session(bc.load_article())
    assert rendered.filename.endswith(".before-session.pdf")


@pytest.mark.parametrize("sheet", ["brochure", "poster"])
def test_the_brochure_and_poster_carry_the_notice_and_a_safety_pointer(
    article: bc.Article, tmp_path: Path, sheet: str
) -> None:
    render = bc.render_brochure if sheet == "brochure" else bc.render_poster
    text = flat_pdf_text(render(article), tmp_path)
    assert NOTICE in text
    assert "Ask about side effects and risks before treatment" in text


def test_a_guide_without_the_optional_parts_prints_no_heading_for_them(tmp_path: Path) -> None:
    from tomlwriter import dumps

    data = bc.load_article().model_dump(mode="json", exclude_none=True)
    for name in ("research", "questions", "aftercare"):
        del data[name]
    for group in ("consent", "lower_your_risk"):
        del data["safety"][group]
    cited = {s for sources in _all_sources(data) for s in sources}
    data["references"] = [r for r in data["references"] if r["id"] in cited]
    path = tmp_path / "guide.toml"
    path.write_text(dumps(data), encoding="utf-8")
    article = bc.load_article(path)
    html = " ".join(visible_text(str(bc.render_html(article)), fragment=True).split())
    handout = flat_pdf_text(bc.render_pdf(article), tmp_path)
    for said in ("What the Research Says", "Questions to Ask", "After Your Session"):
        assert said not in html
    for said in ("What the research says", "Questions to ask", "After your session"):
        assert said not in handout
    assert "Before you agree to treatment" not in html
    assert "Lowering your risk" not in html
    # Asking for a section it does not have is one clear error, not an empty part.
    with pytest.raises(bc.ContentError) as caught:
        bc.render_html(article, options=bc.HtmlOptions(sections=("research",)))
    assert caught.value.field == "options.sections"
    assert "names 'research', a section this guide does not have" in str(caught.value)


def _all_sources(data: object) -> list[list[str]]:
    found: list[list[str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "sources" and isinstance(value, list):
                found.append(value)
            else:
                found += _all_sources(value)
    elif isinstance(data, list):
        for value in data:
            found += _all_sources(value)
    return found


def test_a_french_guide_marks_its_english_sources() -> None:
    french = bc.load_bundled("dry-needling-back-pain.fr-CA")
    english_sources = [r for r in french.references if r.language.startswith("en")]
    assert english_sources
    html = " ".join(visible_text(str(bc.render_html(french)), fragment=True).split())
    for reference in english_sources:
        assert f"{normalise(reference.title)} (en anglais)." in html
    message = bc.build_guide_email(french, to="p@example.org", sender="f@example.org", epub=b"x")
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert text.count("(en anglais)") == len(english_sources)
    # An English guide says nothing of its English sources' language.
    assert "(in English)" not in str(bc.render_html(bc.load_article()))
