"""The HTML renderer: golden files, structure, options, scoped CSS and hostile text."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tinycss2

import backpain_content as bc
from hostile import with_text
from htmltools import parse, parse_fragment, skeleton, urls, visible_text

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_golden_snippet(article: bc.Article, golden: Callable[[str, str], None]) -> None:
    golden("dry-needling-back-pain.en-CA.snippet.html", bc.render_html(article))


def test_golden_standalone_page(article: bc.Article, golden: Callable[[str, str], None]) -> None:
    page = bc.render_html(article, options=bc.HtmlOptions(standalone=True))
    golden("dry-needling-back-pain.en-CA.page.html", page)


def test_rendering_twice_gives_identical_output(article: bc.Article) -> None:
    options = bc.HtmlOptions(standalone=True)
    assert bc.render_html(article, options=options) == bc.render_html(article, options=options)


def test_snippet_is_one_article_with_sections_lists_and_no_script(article: bc.Article) -> None:
    root = parse_fragment(bc.render_html(article))
    children = [child for child in root if isinstance(child.tag, str)]
    assert [child.tag for child in children] == ["article"]
    assert children[0].get("lang") == "en-CA"
    sections = root.findall(".//section")
    assert [s.get("id") for s in sections] == [
        *(f"bpc-{name}" for name in bc.SECTION_NAMES),
        "bpc-sources",  # the sources the guide's own sections cite, after them
    ]
    safety_items = sum(len(group.items) for _, group in article.safety.groups())
    own = len(article.research.items) + len(article.aftercare.items)  # type: ignore[union-attr]
    assert len(root.findall(".//ul[@class='bpc-items']/li")) == 4 + 6 + 7 + 4 + safety_items + own
    assert root.findall(".//script") == []
    assert not any(name.startswith("on") for e in root.iter() for name in e.attrib)
    assert [e.tag for e in root.iter() if e.tag in ("h1", "h2", "h3")][:3] == ["h1", "h2", "h2"]


def test_every_class_and_id_uses_the_prefix(article: bc.Article) -> None:
    root = parse_fragment(bc.render_html(article))
    classes = {c for e in root.iter() for c in (e.get("class") or "").split()}
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    assert classes
    assert ids
    assert all(name == "bpc" or name.startswith("bpc-") for name in classes | ids)


def test_every_css_selector_is_scoped_under_the_prefix() -> None:
    rules = tinycss2.parse_stylesheet(bc.stylesheet(), skip_comments=True, skip_whitespace=True)
    selectors = []
    for rule in rules:
        assert rule.type == "qualified-rule", f"unexpected CSS rule {rule.type}"
        selectors += [s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]
    assert len(selectors) > 10
    assert all(s == ".bpc" or s.startswith((".bpc ", ".bpc-")) for s in selectors), selectors


def test_accent_colour_reaches_the_stylesheet(article: bc.Article) -> None:
    clinic = bc.Clinic(name="Example Physio", accent_colour="#8a1c1c")
    assert "--bpc-accent: #8a1c1c;" in bc.render_html(article, clinic=clinic)


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_heading_level_sets_the_top_heading(article: bc.Article, level: int) -> None:
    root = parse_fragment(bc.render_html(article, options=bc.HtmlOptions(heading_level=level)))
    headings = [int(e.tag[1]) for e in root.iter() if e.tag in {f"h{n}" for n in range(1, 7)}]
    assert headings[0] == level
    assert min(headings) == level
    # Sections under the title, and the safety section's groups under it.
    assert max(headings) == level + 2
    assert all(b - a <= 1 for a, b in itertools.pairwise(headings))


def test_chosen_sections_only_in_the_order_asked(article: bc.Article) -> None:
    options = bc.HtmlOptions(sections=("lifestyle", "causes"), heading_level=2)
    html = bc.render_html(article, options=options)
    root = parse_fragment(html)
    assert [s.get("id") for s in root.findall(".//section")] == [
        "bpc-part-lifestyle",
        "bpc-part-causes",
    ]
    assert [e.tag for e in root.iter() if e.tag.startswith("h") and e.tag[1:].isdigit()] == [
        "h2",
        "h2",
    ]
    text = visible_text(html, fragment=True)
    assert root.find(".//header") is None
    assert article.lede[0] not in text
    assert article.mechanisms.heading not in text
    # Every output still names its source and carries the general-information note.
    assert "Version 3.0.0, updated December 7, 2026. Not yet reviewed by a clinician." in text
    assert bc.labels_for("en").disclaimer in text


@pytest.mark.parametrize(
    "options",
    [
        {"heading_level": 0},
        {"heading_level": 5},
        {"sections": ("causes", "causes")},
        {"sections": ()},
        {"sections": ("diet",)},
        {"colour": "red"},
    ],
)
def test_bad_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - pydantic's ValidationError is a ValueError
        bc.HtmlOptions(**options)


def test_snippet_without_style_leaves_styling_to_the_host(article: bc.Article) -> None:
    root = parse_fragment(bc.render_html(article, options=bc.HtmlOptions(include_style=False)))
    assert root.findall(".//style") == []


def test_standalone_page_has_language_title_style_and_json_ld(article: bc.Article) -> None:
    document = parse(bc.render_html(article, options=bc.HtmlOptions(standalone=True)))
    assert document.get("lang") == "en-CA"
    assert document.findtext("head/title") == article.title
    assert document.find("head/style") is not None
    assert document.find("body//style") is None
    scripts = document.findall(".//script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    data = json.loads(scripts[0].text or "")
    assert data["@type"] == "MedicalWebPage"
    # Nobody has reviewed the bundled content: the page claims no review.
    assert "lastReviewed" not in data
    assert "reviewedBy" not in data
    assert data["dateModified"] == "2026-12-07"
    assert [c["url"] for c in data["citation"]] == [r.url for r in article.references]
    assert {(a["@type"], a["name"]) for a in data["about"]} == {
        ("MedicalCondition", "Back pain"),
        ("MedicalTherapy", "Dry needling"),
    }
    assert document.find("body/main/article") is not None


def test_clinic_contact_details_become_safe_links(article: bc.Article) -> None:
    clinic = bc.Clinic(
        name="Example Physio",
        location="Springfield",
        phone="+1 (555) 010-0000 ext. 12",
        email="front@example.org",
        website="https://example.org/",
        booking_url="https://example.org/book?clinic=1&lang=en",
    )
    html = bc.render_html(article, clinic=clinic, options=bc.HtmlOptions(sections=("closing",)))
    assert [u for u in urls(html, fragment=True) if not u.startswith("#")] == [
        "tel:+15550100000",
        "mailto:front@example.org",
        "https://example.org/",
        "https://example.org/book?clinic=1&lang=en",
    ]
    assert "Example Physio in Springfield is here to help." in visible_text(html, fragment=True)


def test_interface_words_come_from_the_label_table_not_the_templates() -> None:
    labels = bc.labels_for("en-CA").model_dump()
    words = [
        labels[key] for key in ("contents", "not_reviewed", "my_plan", "disclaimer", "sources")
    ]
    for template in TEMPLATES.glob("*.jinja"):
        text = template.read_text(encoding="utf-8")
        assert not [w for w in words if w in text], template.name


def test_labels_fall_back_to_the_primary_language() -> None:
    assert bc.labels_for("en-GB") == bc.labels_for("en")
    assert bc.labels_for("xx") == bc.labels_for("en")


# Hostile text in every string field


HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "&amp; &lt;b&gt; AT&T &#x3C;",
    "'single' \"double\" `back`",
    "</style><style>*{display:none}</style>",
    "</script><script>alert(1)</script>",
    '<a href="javascript:alert(1)">click</a> javascript:alert(1)',
    "{{ 7*7 }} {% raw %} {# note #}",
    "W" * 190,
]


@pytest.mark.parametrize("standalone", [False, True], ids=["snippet", "page"])
@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: t[:20])
def test_hostile_text_renders_literally(article: bc.Article, text: str, standalone: bool) -> None:
    options = bc.HtmlOptions(standalone=standalone)
    fragment = not standalone
    hostile_article, hostile_clinic = with_text(article, text)
    safe_article, safe_clinic = with_text(article, "Plain")
    hostile = bc.render_html(hostile_article, clinic=hostile_clinic, options=options)
    safe = bc.render_html(safe_article, clinic=safe_clinic, options=options)

    # Same elements and attributes as with plain text: nothing was injected.
    assert skeleton(hostile, fragment=fragment) == skeleton(safe, fragment=fragment)
    assert urls(hostile, fragment=fragment) == urls(safe, fragment=fragment)
    # The text is shown as it was written, in every field.
    shown = visible_text(hostile, fragment=fragment)
    assert shown.count(text) >= visible_text(safe, fragment=fragment).count("Plain") > 30
    if standalone:
        document = parse(hostile)
        assert document.findtext("head/title") == text
        data = json.loads(document.find("head/script").text or "")  # type: ignore[union-attr]
        assert data["name"] == text
        assert data["publisher"]["name"] == text


# What a web developer expects


def test_the_snippet_is_markup_that_templates_insert_as_it_is(article: bc.Article) -> None:
    import jinja2
    import markupsafe

    snippet = bc.render_html(article)
    assert isinstance(snippet, str)
    assert isinstance(snippet, markupsafe.Markup)
    assert snippet.__html__() == str(snippet)
    assert markupsafe.escape(snippet) == snippet  # not escaped a second time
    host = jinja2.Environment(autoescape=True).from_string("<main>{{ guide }}</main>")
    assert host.render(guide=snippet) == f"<main>{snippet}</main>"  # no |safe needed
    page = bc.render_html(article, options=bc.HtmlOptions(standalone=True))
    assert isinstance(page, markupsafe.Markup)


def _ids(html: str) -> list[str]:
    return [e.get("id") for e in parse_fragment(html).iter() if e.get("id")]  # type: ignore[misc]


def test_several_snippets_on_one_page_share_no_id(article: bc.Article) -> None:
    whole = bc.render_html(article, options=bc.HtmlOptions(heading_level=2))
    sidebar = bc.render_html(article, options=bc.HtmlOptions(sections=("lifestyle",)))
    again = bc.render_html(
        article, options=bc.HtmlOptions(sections=("lifestyle",), id_prefix="tips")
    )
    page = f"<main>{whole}</main><aside>{sidebar}</aside><aside>{again}</aside>"
    ids = _ids(page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert "bpc-tips-lifestyle" in ids
    # aria-labelledby and the contents' links point into their own snippet.
    root = parse_fragment(page)
    for element in root.iter():
        target = element.get("aria-labelledby") or (element.get("href") or "").removeprefix("#")
        if target and not target.startswith(("http", "tel:", "mailto:")):
            assert target in ids, target


def test_show_title_and_show_footer(article: bc.Article) -> None:
    untitled = bc.render_html(article, options=bc.HtmlOptions(show_title=False, heading_level=2))
    root = parse_fragment(untitled)
    assert root.find(".//h2[@class='bpc-title']") is None
    assert root.find(".//header") is not None
    assert not [e for e in root.iter() if e.get("class") == "bpc-title"]
    assert article.lede[0] in visible_text(untitled, fragment=True)
    # The host page's heading stands for the title: the sections move up a level.
    # The host page's heading stands for the title: the sections move up a level.
    assert {e.tag for e in root.findall(".//section/*") if e.tag in ("h1", "h2", "h3")} == {"h2"}
    bare = bc.render_html(
        article, options=bc.HtmlOptions(sections=("lifestyle",), show_footer=False)
    )
    assert parse_fragment(bare).find(".//footer") is None
    assert bc.labels_for("en").disclaimer not in visible_text(bare, fragment=True)
    with pytest.raises(bc.ContentError, match="only for chosen sections"):
        bc.HtmlOptions(show_footer=False)


def test_the_logo_shows_in_the_guide_with_its_alt_text(article: bc.Article, tmp_path: Path) -> None:
    from PIL import Image

    big = tmp_path / "logo.png"
    Image.new("RGB", (1600, 400), (138, 28, 28)).save(big)
    clinic = bc.Clinic(name="North Physio", logo=big)
    html = bc.render_html(article, clinic=clinic)
    [img] = parse_fragment(html).findall(".//img")
    assert img.get("alt") == "North Physio"
    assert img.get("class") == "bpc-logo"
    src = img.get("src") or ""
    assert src.startswith("data:image/png;base64,")
    import base64
    import io

    shown = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
    assert shown.size == (480, 120)  # scaled for the screen, twice its displayed size
    assert (img.get("width"), img.get("height")) == ("240", "60")
    assert "<img" not in bc.render_html(article)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: bc.HandoutOptions(paper="A4"), "HandoutOptions: paper: must be 'letter' or 'a4'"),
        (lambda: bc.HtmlOptions(heading_level=7), "HtmlOptions: heading_level: "),
        (
            lambda: bc.HtmlOptions(sections=("faq",)),
            "HtmlOptions: sections[0]: must be 'mechanisms'",
        ),
        (lambda: bc.HtmlOptions(id_prefix="Side Bar"), "HtmlOptions: id_prefix: "),
        (lambda: bc.EpubOptions(covr=False), "EpubOptions: covr: is not a known field"),
        (lambda: bc.Clinic(name="X", website="javascript:alert(1)"), "Clinic: website: "),
    ],
)
def test_bad_values_from_python_are_one_line_content_errors(make, expected: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(bc.ContentError) as caught:
        make()
    message = str(caught.value)
    assert message.startswith(expected), message
    assert "\n" not in message
    assert "pydantic" not in message
    assert "errors.pydantic.dev" not in message
    assert isinstance(caught.value, ValueError)
