"""Every sentence of the source article appears, in order, in the full HTML output."""

from __future__ import annotations

import re

import backpain_content as bc
from htmltools import normalise, visible_text

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def source_sentences(source: str) -> list[str]:
    """The source's sentences, in order: bullets dropped, the repeated title line once."""
    sentences: list[str] = []
    previous = None
    for raw in source.splitlines():
        line = normalise(raw.replace("•", ""))
        if not line or line == previous:
            continue
        previous = line
        sentences.extend(s for s in _SENTENCE_END.split(line) if s)
    return sentences


def missing_in_order(sentences: list[str], text: str) -> list[str]:
    missing, position = [], 0
    for sentence in sentences:
        found = text.find(sentence, position)
        if found < 0:
            missing.append(sentence)
        else:
            position = found + len(sentence)
    return missing


def test_source_splits_into_many_sentences(source_text: str) -> None:
    sentences = source_sentences(source_text)
    assert len(sentences) > 80
    assert sentences[0] == "Regain Mobility and Comfort: Dry Needling for Back Pain"
    assert sentences[-1] == "Contact us today to schedule your first session."


def test_every_source_sentence_is_in_the_html_in_order(
    source_text: str, article: bc.Article
) -> None:
    text = visible_text(bc.render_html(article))
    assert missing_in_order(source_sentences(source_text), text) == []


def test_the_check_notices_a_dropped_or_moved_sentence(
    source_text: str, article: bc.Article
) -> None:
    text = visible_text(bc.render_html(article))
    sentences = source_sentences(source_text)
    dropped = text.replace("Motion is lotion. ", "")
    assert missing_in_order(sentences, dropped) == ["Motion is lotion."]
    motion = sentences.index("Motion is lotion.")
    moved = [sentences[motion], *sentences[:motion], *sentences[motion + 1 :]]
    assert missing_in_order(moved, text) != []


def test_closing_names_the_clinic_the_article_names(article: bc.Article) -> None:
    text = visible_text(bc.render_html(article, options=bc.HtmlOptions(sections=("closing",))))
    assert "Avenue Physio in Calgary Downtown is here to help." in text
    clinic = bc.default_clinic(article)
    assert (clinic.name, clinic.location) == ("Avenue Physio", "Calgary Downtown")
    # The article says nothing else of the clinic, so the default invents nothing.
    assert clinic.phone is clinic.email is clinic.website is clinic.booking_url is None
