"""Checks for content editors beyond what makes a guide loadable: reading level of every
summary, consistent item titles, sources for every safety item, no unused reference, and
a review that is not past due.

Reading level needs textstat, the optional extra `lint` (`pip install
'backpain-content[lint]'`); without it, or for a language other than English, whose
scores textstat's formulas do not fit, that check says it was skipped.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from .model import Article
from .translate import summaries

__all__ = ["MAX_GRADE", "Finding", "Report", "SummaryScore", "lint"]

MAX_GRADE = 8.0
"""The highest Flesch-Kincaid grade a summary may read at."""

STRONG_SOURCES = ("regulator", "public health service", "peer-reviewed study")
"""Kinds of reference a safety item should rest on at least one of."""

_MINOR_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "nor",
        "of",
        "on",
        "or",
        "over",
        "per",
        "so",
        "than",
        "the",
        "to",
        "up",
        "via",
        "with",
        "your",
        "you",
        "its",
        "it",
        "is",
        "are",
        "be",
    ]
)


@dataclass(frozen=True)
class SummaryScore:
    """One summary's word count and, when it could be scored, its reading grade."""

    field: str
    words: int
    grade: float | None


@dataclass(frozen=True)
class Finding:
    """One thing a content editor should look at."""

    field: str
    problem: str


@dataclass(frozen=True)
class Report:
    """What `lint` found in a guide."""

    scores: tuple[SummaryScore, ...]
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]
    """Checks that were skipped, and why."""


def _grades(
    article: Article, summaries: list[tuple[str, str]]
) -> tuple[dict[str, float], str | None]:
    """The grade of each of the guide's `summaries` (field, text), or why there are none."""
    if not article.language.lower().startswith("en"):
        return {}, (
            f"reading grades not checked: the Flesch-Kincaid formula is for English, and this "
            f"guide is in {article.language}"
        )
    try:
        import textstat
    except ImportError:
        return {}, "reading grades not checked: pip install 'backpain-content[lint]' (textstat)"
    return {field: float(textstat.flesch_kincaid_grade(text)) for field, text in summaries}, None


def _case(title: str) -> str:
    """`title` (every main word capitalised), `sentence` (only the first), or `mixed`."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", title)[1:] if w.lower() not in _MINOR_WORDS]
    if not words:
        return "either"
    capitals = sum(word[0].isupper() for word in words)
    if capitals == len(words):
        return "title"
    return "sentence" if capitals == 0 else "mixed"


def _style(title: str, with_case: bool) -> tuple[str, ...]:
    start = "capital" if title[:1].isupper() or not title[:1].isalpha() else "lowercase"
    end = "ends with punctuation" if title.rstrip()[-1:] in ".:;!?" else "no end punctuation"
    caps = "all capitals" if title.isupper() else "mixed capitals"
    return (start, end, caps, _case(title)) if with_case else (start, end, caps)


def _title_findings(article: Article) -> Iterator[Finding]:
    """Items whose title is styled unlike most of its siblings'.

    The article's own item titles are kept as the source wrote them, and its author
    mixed title case and sentence case ("Spinal joint pain", "Muscle Strain"): for them
    only the first letter, closing punctuation and all-capitals are compared. Titles the
    guide writes itself (the safety items) must also agree in their case.
    """
    groups: list[tuple[str, list[str], bool]] = [
        (name, [item.title for item in getattr(article, name).items], False)
        for name in ("mechanisms", "causes", "lifestyle", "therapies")
    ]
    items = [(at, item.title) for at, item in article.safety.located_items()]
    for name, titles, with_case in groups:
        yield from _odd_titles([(f"{name}.items[{i}]", t) for i, t in enumerate(titles)], with_case)
    yield from _odd_titles(items, True)


def _odd_titles(titled: list[tuple[str, str]], with_case: bool) -> Iterator[Finding]:
    styles = {field: _style(title, with_case) for field, title in titled}
    for position in range(len(next(iter(styles.values()), ()))):
        seen = Counter(style[position] for style in styles.values() if style[position] != "either")
        if len(seen) < 2:
            continue
        usual, count = seen.most_common(1)[0]
        if count * 2 <= len(styles):
            usual = "one style"  # no clear majority: every title is worth a look
        for field, style in styles.items():
            if style[position] not in (usual, "either"):
                yield Finding(
                    f"{field}.title",
                    f"is styled '{style[position]}', unlike its siblings ('{usual}')",
                )


def lint(article: Article, *, today: datetime.date | None = None) -> Report:
    """The reading grade of every summary, and what an editor should look at."""
    found = summaries(article)
    grades, skipped = _grades(article, found)
    scores = tuple(
        SummaryScore(field, len(text.split()), grades.get(field)) for field, text in found
    )
    findings = [
        Finding(score.field, f"reads at grade {score.grade:.1f}, above {MAX_GRADE:g}")
        for score in scores
        if score.grade is not None and score.grade > MAX_GRADE
    ]
    findings += _title_findings(article)
    kinds = {reference.id: reference.kind for reference in article.references}
    for at, item in article.safety.located_items():
        field = f"{at}.sources"
        if not item.sources:
            findings.append(Finding(field, "names no reference: every safety claim needs one"))
        elif not any(kinds[source] in STRONG_SOURCES for source in item.sources):
            findings.append(Finding(field, "rests on no regulator, public health service or study"))
    cited = set(article.safety.cited())
    for index, reference in enumerate(article.references):
        if reference.id not in cited:
            findings.append(
                Finding(f"references[{index}]", f"{reference.id!r} is cited by no item")
            )
    due = article.provenance.review_due
    if due < (today or datetime.date.today()):
        findings.append(
            Finding("provenance.review_due", f"the review was due on {due.isoformat()}")
        )
    return Report(scores, tuple(findings), (skipped,) if skipped else ())
