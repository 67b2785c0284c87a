"""The safety section: side effects, serious risks, who should tell their physiotherapist,
urgent signs; in every format, each claim traceable to its references; and a review record
that never claims a review that did not happen."""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from html import escape
from pathlib import Path

import pytest

import backpain_content as bc
from backpain_content.model import SAFETY_GROUPS
from command import run_cli
from htmltools import normalise, parse, parse_fragment, visible_text
from pdftext import flat_pdf_text
from tomlwriter import dumps

BUNDLED = Path(bc.__file__).parent / "articles" / "dry-needling-back-pain.en-CA.toml"
STRONG = {"regulator", "public health service", "peer-reviewed study"}


def _items(article: bc.Article) -> list[bc.SafetyItem]:
    return [item for _, group in article.safety.groups() for item in group.items]


def test_the_bundled_guide_has_sourced_safety_items_of_every_kind(article: bc.Article) -> None:
    groups = dict(article.safety.groups())
    assert list(groups) == list(SAFETY_GROUPS)
    assert all(group.items for group in groups.values())
    assert len(_items(article)) >= 8
    kinds = {reference.id: reference.kind for reference in article.references}
    for item in _items(article):
        assert item.sources, item.id
        assert STRONG & {kinds[source] for source in item.sources}, item.id
        assert len(item.summary.split()) <= 25
    assert all(reference.url.startswith("https://") for reference in article.references)
    # Every reference is cited, and every citation names a reference.
    assert set(article.cited()) == set(kinds)


def _toml_with(**changes: object) -> str:
    data = bc.load_article().model_dump(mode="json")
    for path, value in changes.items():
        target = data
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        target[keys[-1]] = value
    return dumps(data)


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        (
            {"safety__side_effects__items__0__sources": ["brady-2014", "nowhere-2020"]},
            "(top level)",
            "safety.side_effects.items[0].sources[1] names no reference: 'nowhere-2020'",
        ),
        (
            {"references__7__id": "brady-2014"},
            "(top level)",
            "references[7].id 'brady-2014' is used twice",
        ),
        (
            {"references__0__url": "http://example.org/study"},
            "references[0].url",
            "absolute https://",
        ),
        ({"references__0__kind": "blog"}, "references[0].kind", "must be 'regulator'"),
    ],
)
def test_references_must_resolve(
    tmp_path: Path, changes: dict[str, object], field: str, problem: str
) -> None:
    guide = tmp_path / "guide.toml"
    guide.write_text(_toml_with(**changes), encoding="utf-8")
    with pytest.raises(bc.ContentError) as caught:
        bc.load_article(guide)
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{guide}: ")


# Every safety item, in every format


def test_every_safety_item_is_in_the_html_with_its_sources(article: bc.Article) -> None:
    html = bc.render_html(article)
    root = parse_fragment(html)
    text = visible_text(html, fragment=True)
    section = root.find(".//section[@id='bpc-safety']")
    assert section is not None
    for item in _items(article):
        assert normalise(item.title) in text
        assert normalise(item.body) in text
    # Citations link to the list of sources, whose links are https.
    targets = {a.get("href") for a in section.iter("a")}
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    cited = {t for t in targets if t and t.startswith("#")}
    assert cited
    assert all(t[1:] in ids for t in cited)
    # The guide's own sections share one list of sources, after them.
    sources = root.find(".//section[@id='bpc-sources']")
    assert sources is not None
    listed = [a.get("href") for a in sources.findall(".//li/a")]
    assert listed == [reference.url for reference in article.references]
    # The urgent signs are boxed: a border, not colour alone.
    urgent = section.find(".//div[@class='bpc-safety-group bpc-urgent-signs']")
    assert urgent is not None
    assert re.search(r"\.bpc-urgent-signs \{\s*border: 3px solid", bc.stylesheet())


def test_every_safety_item_is_in_the_epub(article: bc.Article) -> None:
    with zipfile.ZipFile(io.BytesIO(bc.render_epub(article))) as book:
        document = book.read("EPUB/safety.xhtml").decode("utf-8")
        listed = book.read("EPUB/sources.xhtml").decode("utf-8")
        nav = book.read("EPUB/nav.xhtml").decode("utf-8")
        style = book.read("EPUB/style.css").decode("utf-8")
    text = " ".join(visible_text(document).split())
    for item in _items(article):
        assert normalise(item.body) in text
    for reference in article.references:
        assert f'href="{escape(reference.url)}"' in listed
    # Citations link to the list, which is a document of its own.
    assert 'href="sources.xhtml#bpc-ref-' in document
    assert article.safety.heading in nav
    assert re.search(r"\.bpc-urgent-signs \{\s*border:", style)


def test_the_email_has_the_urgent_signs_and_the_sources(article: bc.Article) -> None:
    message = bc.build_guide_email(article, to="p@example.org", sender="f@example.org", epub=b"x")
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert article.safety.short_heading in text
    for item in article.safety.urgent_signs.items:
        assert item.summary in text
        assert normalise(item.summary) in visible_text(html)
    lines = text.splitlines()
    heading = lines.index(article.safety.urgent_signs.heading.upper())
    assert set(lines[heading - 1]) == {"="}  # set apart by rules, not colour
    for reference in article.references:
        assert reference.url in text
        assert f'href="{escape(reference.url)}"' in html
    assert "border:3px solid" in html


@pytest.mark.parametrize(
    "options",
    [bc.HandoutOptions(), bc.HandoutOptions(paper="a4"), bc.HandoutOptions(large_print=True)],
)
def test_every_safety_item_is_on_the_sheet_before_a_first_session_with_its_source_numbers(
    article: bc.Article, tmp_path: Path, options: bc.HandoutOptions
) -> None:
    """The handout has the urgent signs (test_guide_parts); the sheet a patient reads before
    a first session has every group, each item citing its sources by number."""
    text = flat_pdf_text(bc.render_before_session(article, options=options), tmp_path)
    numbers = {reference.id: n for n, reference in enumerate(article.references, 1)}
    for item in _items(article):
        cite = ", ".join(str(n) for n in sorted(numbers[s] for s in item.sources))
        assert normalise(f"{item.summary} [{cite}]") in text, item.id
    cited = {source for item in _items(article) for source in item.sources}
    for number, reference in enumerate(article.references, 1):
        if reference.id in cited:
            assert f"{number} {reference.label}" in text


# The review record


def _reviewed(version: str) -> str:
    review = {
        "kind": "clinical",
        "reviewer": "Dana Rivers",
        "role": "Physiotherapist",
        "date": "2027-01-15",
        "version": version,
        "scope": "the whole guide",
    }
    return _toml_with(provenance__reviews=[review])


def _json_ld(article: bc.Article) -> dict[str, object]:
    """The structured data of the guide's standalone page."""
    page = parse(bc.render_html(article, options=bc.HtmlOptions(standalone=True)))
    return json.loads(page.find("head/script").text or "")  # type: ignore[union-attr,no-any-return]


def _every_format(article: bc.Article, tmp_path: Path) -> dict[str, str]:
    pdf = tmp_path / "handout.pdf"
    pdf.write_bytes(bc.render_pdf(article))
    with zipfile.ZipFile(io.BytesIO(bc.render_epub(article))) as book:
        epub = " ".join(
            visible_text(book.read(name).decode("utf-8"))
            for name in book.namelist()
            if name.endswith("html")
        )
    message = bc.build_guide_email(article, to="p@example.org", sender="f@example.org", epub=b"x")
    return {
        "html": visible_text(bc.render_html(article, options=bc.HtmlOptions(standalone=True))),
        "pdf": subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout,
        "epub": epub,
        "email": message.get_body(("plain",)).get_content(),  # type: ignore[union-attr]
    }


def test_a_guide_nobody_reviewed_never_says_reviewed_by(
    article: bc.Article, tmp_path: Path
) -> None:
    assert article.provenance.reviews == ()
    for name, text in _every_format(article, tmp_path).items():
        flat = " ".join(text.split())
        assert "Reviewed by" not in flat, name
        assert "Not yet reviewed by a clinician." in flat, name
    data = _json_ld(article)
    assert "reviewedBy" not in data
    assert "lastReviewed" not in data


def test_a_review_of_this_version_is_named_everywhere(tmp_path: Path) -> None:
    guide = tmp_path / "guide.toml"
    guide.write_text(_reviewed(bc.load_article().provenance.version), encoding="utf-8")
    article = bc.load_article(guide)
    for name, text in _every_format(article, tmp_path).items():
        flat = " ".join(text.split())
        assert "Reviewed by Dana Rivers, Physiotherapist, on January 15, 2027." in flat, name
        assert "Not yet reviewed" not in flat, name
    data = _json_ld(article)
    assert data["lastReviewed"] == "2027-01-15"
    assert data["reviewedBy"] == {
        "@type": "Person",
        "name": "Dana Rivers",
        "jobTitle": "Physiotherapist",
    }


def test_a_review_of_an_earlier_version_is_not_claimed(tmp_path: Path) -> None:
    guide = tmp_path / "guide.toml"
    guide.write_text(_reviewed("1.1.0"), encoding="utf-8")
    article = bc.load_article(guide)
    for name, text in _every_format(article, tmp_path).items():
        flat = " ".join(text.split())
        assert "Reviewed by" not in flat, name
        assert "Not yet reviewed by a clinician." in flat, name


def test_a_guide_past_its_review_date_warns_but_still_exports(tmp_path: Path) -> None:
    guide = tmp_path / "guide.toml"
    guide.write_text(_toml_with(provenance__review_due="2021-06-30"), encoding="utf-8")
    warning = (
        f"backpain-content: warning: {guide}: provenance.review_due: the content was due for "
        "review on 2021-06-30; have a clinician review it, and record the review"
    )
    valid = run_cli("validate", str(guide))
    assert valid.returncode == 0
    assert valid.stderr.splitlines() == [warning]
    export = run_cli("export", "--format", "html", "--out", str(tmp_path / "out"), str(guide))
    assert export.returncode == 0
    assert warning in export.stderr.splitlines()
    on_time = run_cli("validate", str(BUNDLED))
    assert on_time.stderr == ""
