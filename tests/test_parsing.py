"""Paragraph markup parsed once per shape (renderers/pdf/parsing.py) gives the very
fragments ReportLab's own parser gives, for every paragraph of every printed format of
the bundled guides, of hostile text and of words in other scripts; markup that is not
the package's own is parsed by ReportLab whole."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus.paragraph import Paragraph

import backpain_content as bc
from backpain_content.renderers.pdf import flowables, parsing
from growth import fresh
from hostile import CORPUS, with_text

CLINIC = bc.Clinic(
    name="Côte & Fils <Physio>",
    location="Trois-Rivières",
    phone="+1 819-555-0100",
    email="desk@example.org",
    website="https://example.org/a?b=1&c=2",
    booking_url="https://example.org/book",
)


def _fields(fragment: Any) -> dict[str, Any]:
    return {key: repr(value) for key, value in vars(fragment).items()}


def _same_as_reportlab(markup: str, style: ParagraphStyle) -> None:
    ours = parsing.parse(markup, style)
    theirs = Paragraph(markup, style).frags
    assert [type(f) for f in ours] == [type(f) for f in theirs], markup
    assert [_fields(f) for f in ours] == [_fields(f) for f in theirs], markup


def _parsed_while(render: Iterator[object]) -> set[tuple[str, ParagraphStyle]]:
    """Every paragraph's markup and style that `render` parses."""
    seen: set[tuple[str, ParagraphStyle]] = set()
    parse = parsing.parse

    def noting(markup: str, style: ParagraphStyle) -> list[Any]:
        seen.add((markup, style))
        return parse(markup, style)

    flowables._parsed.cache_clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flowables, "parse", noting)
        for _ in render:
            pass
    flowables._parsed.cache_clear()
    return seen


def _every_format(article: bc.Article, clinic: bc.Clinic) -> Iterator[object]:
    yield bc.render_pdf(article, clinic=clinic)
    yield bc.render_pdf(article, clinic=clinic, options=bc.HandoutOptions(large_print=True))
    yield bc.render_before_session(article, clinic=clinic)
    yield bc.render_brochure(article, clinic=clinic)
    yield bc.render_poster(article, clinic=clinic)


@pytest.mark.parametrize("name", bc.bundled_articles())
def test_every_paragraph_parses_as_reportlab_parses_it(name: str) -> None:
    article = bc.load_bundled(name)
    guides = [article, fresh(article)] if name.endswith("en-CA") else [article]
    seen = _parsed_while(made for guide in guides for made in _every_format(guide, CLINIC))
    assert len(seen) > 100
    for markup, style in seen:
        _same_as_reportlab(markup, style)
    # Nearly all of them by their shape: the package's own markup.
    shaped = [m for m, s in seen if parsing._shape(parsing.cleanBlockQuotedText(m))]
    assert len(shaped) == len(seen)


def test_hostile_text_parses_as_reportlab_parses_it() -> None:
    article = bc.load_article()
    seen: set[tuple[str, ParagraphStyle]] = set()
    for name in ("script", "ampersand", "entities", "reportlab-link", "reportlab-font", "rtl"):
        guide, clinic = with_text(article, CORPUS[name])
        seen |= _parsed_while(iter([bc.render_pdf(guide, clinic=clinic)]))
    for markup, style in seen:
        _same_as_reportlab(markup, style)


@pytest.mark.parametrize(
    "markup",
    [
        "plain text, no tag",
        "<b>Title</b> and a summary &amp; more &lt;x&gt;",
        '<a href="https://example.org/?a=1&amp;b=&quot;2&quot;" underline="1">link</a> after',
        '<b>bold <font face="BPC-Sans">word</font></b> and <font face="BPC-Sans">more</font>',
        "  spaces\n  and   lines  ",
    ],
)
def test_the_package_markup_parses_by_its_shape(markup: str) -> None:
    style = ParagraphStyle("test", fontName="BPC-Sans", fontSize=12)
    assert parsing._shape(parsing.cleanBlockQuotedText(markup)) is not None
    _same_as_reportlab(markup, style)


@pytest.mark.parametrize(
    "markup",
    [
        "<i>italic</i>",  # a tag the package never writes
        "&#169; &nbsp;",  # entities it never writes
        "<b>not closed",
        "</b>closed first<b>",
        "<b>crossed <a href='x'>tags</b></a>",
        '<font color="red">colour</font>',
    ],
)
def test_other_markup_is_parsed_by_reportlab(markup: str) -> None:
    style = ParagraphStyle("test", fontName="BPC-Sans", fontSize=12)
    assert parsing._shape(parsing.cleanBlockQuotedText(markup)) is None
    try:
        theirs = Paragraph(markup, style).frags
    except ValueError:
        with pytest.raises(ValueError, match="paragraph"):
            parsing.parse(markup, style)
        return
    assert [_fields(f) for f in parsing.parse(markup, style)] == [_fields(f) for f in theirs]
