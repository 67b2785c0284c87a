"""A library's index: a web page listing its guides by topic, with their languages and
review state, and a JSON catalogue of the same that a clinic's site can read."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from .._version import __version__
from ..labels import labels_for
from ..library import Library
from ..model import CODE_SYSTEMS, Article
from .cldr import content_date
from .html import stylesheet
from .shared import environment, plain, provenance_line, review_notice

__all__ = ["render_catalogue", "render_index"]

Files = Mapping[tuple[str, str], Mapping[str, str]]
"""For each guide's id and language, its file in each format (`{"html": "x.en-CA.html"}`)."""


def render_index(library: Library, files: Files, language: str = "en-CA") -> bytes:
    """The index page of `library`, in `language`: each topic, its guides in every
    language, each linked to its web page with its version and review state."""
    labels = labels_for(language)
    topics: dict[str, list[dict[str, str]]] = {}
    for article in library:
        shown = files.get((article.id, article.language), {})
        topics.setdefault(_topic(library, article), []).append(
            {
                "title": article.title,
                "language": article.language,
                "href": shown.get("html", ""),
                "state": " ".join(
                    [
                        labels.version_updated.format(
                            version=article.provenance.version,
                            date=content_date(article.provenance.updated, language),
                        ),
                        plain(review_notice(article, labels)),
                    ]
                ),
            }
        )
    page = (
        environment()
        .get_template("index.html.jinja")
        .render(
            language=language,
            labels=labels,
            topics=sorted(topics.items()),
            css=Markup(stylesheet()),  # noqa: S704 - our own stylesheet
        )
    )
    return page.encode("utf-8")


def _topic(library: Library, article: Article) -> str:
    """A guide's topic as its versions file it: the first language's, so that a guide's
    languages are listed together."""
    return library.get(article.id).filed_under


def render_catalogue(library: Library, files: Files) -> bytes:
    """The library as JSON: each guide's id, topic, codes and related ids, and each of its
    language versions with title, version, dates, review state and files."""
    guides: list[dict[str, Any]] = []
    for guide_id in library.ids():
        first = library.get(guide_id)
        versions = []
        for language in library.languages(guide_id):
            article = library.get(guide_id, language)
            provenance = article.provenance
            reviews = provenance.current_reviews("clinical")
            versions.append(
                {
                    "language": language,
                    "title": article.title,
                    "version": provenance.version,
                    "updated": provenance.updated.isoformat(),
                    "review_due": provenance.review_due.isoformat(),
                    "reviewed": reviews[0].date.isoformat() if reviews else None,
                    "translated_from": provenance.source_language,
                    "provenance": plain(provenance_line(article, labels_for(language))),
                    "files": dict(files.get((guide_id, language), {})),
                }
            )
        guides.append(
            {
                "id": guide_id,
                "topic": first.filed_under,
                "condition": first.condition,
                "therapy": first.therapy,
                "codes": [
                    {"system": CODE_SYSTEMS[code.system], "code": code.code} for code in first.codes
                ],
                "related": list(first.related),
                "versions": versions,
            }
        )
    data = {"generator": f"backpain-content {__version__}", "guides": guides}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
