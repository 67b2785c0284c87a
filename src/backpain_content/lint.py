"""Checks for content editors beyond what makes a guide loadable: reading level of every
summary and of the safety text, consistent item titles, sources for every item the guide
itself says, summaries that keep their body's numbers and qualifiers, degrees written with
the degree sign, short citations that name their publisher, no unused reference, and a
review that is not past due.

Reading level needs textstat, the optional extra `lint` (`pip install
'backpain-content[lint]'`); without it, or for a language other than English, whose
scores textstat's formulas do not fit, that check says it was skipped.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from .fidelity import check_translation
from .fields import field_path
from .model import GUIDE_SECTIONS, Article
from .translate import entries, summaries

__all__ = [
    "MAX_BODY_GRADE",
    "MAX_GRADE",
    "QUALIFIERS",
    "Finding",
    "Report",
    "SummaryScore",
    "lint",
    "own_text",
]

MAX_GRADE = 8.0
"""The highest Flesch-Kincaid grade a summary may read at."""
MAX_BODY_GRADE = 10.0
"""The highest Flesch-Kincaid grade the full text of the guide's own sections (research,
safety, questions, aftercare: their introductions and items) may read at."""

QUALIFIERS = (
    "unexplained",
    "both",
    "new",
    "sudden",
    "constant",
    "severe",
    "heavy",
    "major",
    "recent",
    "usually",
    # French, where most of them follow the word they qualify ("perte de poids inexpliquée").
    "inexpliquée",
    "inexpliqué",
    "deux",
    "nouvelle",
    "nouveau",
    "soudaine",
    "soudain",
    "constante",
    "constant",
    "grave",
    "graves",
    "abondant",
    "abondante",
    "majeure",
    "récente",
    "récent",
    "habituellement",
    "généralement",
)
"""Words that change what a warning or a risk means ("unexplained weight loss", "both
legs"): a summary that keeps a word they qualify keeps them too."""

# A figure that says when to act or for how long (38 °C, 72 hours; in English and French)
# or whom to call (911, 811). Percentages are left out: a summary may give a risk in words.
_KEY_NUMBER = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)?)(?:\s?°\s?[CF]|(?=[\s\u00a0\u202f]"
    r"(?:hours?|minutes?|days?|weeks?|heures?|jours?|semaines?)\b))"
    r"|(?<![\w.,])(9-?1-?1|8-?1-?1)(?!\w)"
)
_ORDINAL_AS_DEGREE = re.compile(r"\d\s?[º˚]\s?[CF]?|[º˚]\s?[CF]\b")

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


def _numbers(text: str) -> set[str]:
    """The key figures of `text` (38 in "38 °C", 72 in "72 hours", 911), as written."""
    return {(match[1] or match[2]).replace("-", "") for match in _KEY_NUMBER.finditer(text)}


def _dropped(body: str, summary: str, language: str) -> Iterator[str]:
    """What `summary` leaves out of `body` that changes its meaning: a key figure, or a
    qualifier before a word the summary keeps ("weight loss" without "unexplained")."""
    for number in sorted(_numbers(body) - _numbers(summary)):
        yield f"drops {number}, which its body gives"
    said = set(re.findall(r"\w+", summary.casefold()))
    words = re.findall(r"\w+", body.casefold())
    for qualifier in dict.fromkeys(QUALIFIERS):
        if qualifier in said:
            continue
        for at, word in enumerate(words):
            if word != qualifier:
                continue
            # The nearest word of four letters or more after it (and in French, where most
            # qualifiers follow their word, before it too): what it qualifies.
            before = ""
            if language.startswith("fr"):
                before = next((w for w in reversed(words[max(0, at - 3) : at]) if len(w) > 3), "")
            after = next((w for w in words[at + 1 : at + 4] if len(w) > 3), "")
            kept = [w for w in (after, before) if w in said and w not in QUALIFIERS]
            if kept:
                yield f"drops '{qualifier}' before or after '{kept[0]}', as its body has it"
                break


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    return re.findall(r"[^\W_]+", plain)


_MINOR = frozenset({"of", "the", "and", "for", "in", "on", "de", "du", "des", "la", "le", "et"})


def _names_publisher(label: str, publisher: str) -> bool:
    """Whether a reference's short `label` names its publisher: it begins as the
    publisher's name (or a study's first author) does, or with its initials (`HQCA`)."""
    said = [word for word in _words(label) if not (word.isdigit() and len(word) == 4)]
    name = _words(publisher)
    if not said or not name:
        return False
    if said[0] == name[0]:
        return True
    initials = "".join(word[0] for word in name if word not in _MINOR)
    return len(said[0]) > 1 and initials.startswith(said[0])


def own_text(article: Article) -> list[tuple[str, str]]:
    """The full text of the guide's own sections, with its field: each introduction (its
    paragraphs together) and each item's body."""
    found = [
        (f"{name}.intro", " ".join(getattr(article, name).intro))
        for name in GUIDE_SECTIONS
        if getattr(article, name) is not None
    ]
    return found + [(f"{at}.body", item.body) for at, item in article.sourced_items()]


def _text_findings(article: Article, grades: dict[str, float]) -> Iterator[Finding]:
    """What the guide's own sections say: text too hard to read, safety summaries that
    drop what their body says, the ordinal sign for a degree."""
    for field, _ in own_text(article):
        grade = grades.get(field)
        if grade is not None and grade > MAX_BODY_GRADE:
            yield Finding(field, f"reads at grade {grade:.1f}, above {MAX_BODY_GRADE:g}")
    for at, item in article.sourced_items():
        if at.startswith(("safety.", "aftercare.")):
            for problem in _dropped(item.body, item.summary, article.language):
                yield Finding(f"{at}.summary", problem)
    for field, text in _every_text(article):
        if _ORDINAL_AS_DEGREE.search(text):
            yield Finding(field, "writes a degree with the ordinal sign º (or ˚): use ° (U+00B0)")


def _every_text(article: Article) -> Iterator[tuple[str, str]]:
    """Every string of the guide's own text (not its labels), with its field."""
    for entry in entries(article):
        if not entry.key.startswith("labels."):
            yield field_path(entry.path), entry.text


def _translation_findings(article: Article, source: Article | None) -> Iterator[Finding]:
    translation = article.provenance.translation
    if translation is None or source is None:
        return
    given = {entry.key: entry.text for entry in entries(source)}
    for entry in entries(article):
        if entry.key in given:
            for slip in check_translation(
                entry.key, given[entry.key], entry.text, source.language, article.language
            ):
                field = entry.key if entry.key.startswith("labels.") else field_path(entry.path)
                yield Finding(field, slip.problem)


def lint(
    article: Article, *, today: datetime.date | None = None, source: Article | None = None
) -> Report:
    """The reading grade of every summary, and what an editor should look at; for a
    translation, with its `source` guide, every string that does not carry over its
    source's figures, numbers and addresses, or is far shorter or longer (`fidelity`)."""
    found = summaries(article)
    grades, skipped = _grades(article, found + own_text(article))
    scores = tuple(
        SummaryScore(field, len(text.split()), grades.get(field)) for field, text in found
    )
    findings = [
        Finding(score.field, f"reads at grade {score.grade:.1f}, above {MAX_GRADE:g}")
        for score in scores
        if score.grade is not None and score.grade > MAX_GRADE
    ]
    findings += _title_findings(article)
    findings += _text_findings(article, grades)
    kinds = {reference.id: reference.kind for reference in article.references}
    for at, item in article.sourced_items():
        field = f"{at}.sources"
        if not item.sources:
            findings.append(Finding(field, "names no reference: every claim needs one"))
        elif not any(kinds[source] in STRONG_SOURCES for source in item.sources):
            findings.append(Finding(field, "rests on no regulator, public health service or study"))
    cited = set(article.cited())
    for index, reference in enumerate(article.references):
        if reference.id not in cited:
            findings.append(
                Finding(f"references[{index}]", f"{reference.id!r} is cited by no item")
            )
        if not _names_publisher(reference.label, reference.publisher):
            findings.append(
                Finding(
                    f"references[{index}].label",
                    "does not name the reference's publisher (or first author): "
                    "a short citation begins as its publisher's name does",
                )
            )
    findings += _translation_findings(article, source)
    due = article.provenance.review_due
    if due < (today or datetime.date.today()):
        findings.append(
            Finding("provenance.review_due", f"the review was due on {due.isoformat()}")
        )
    return Report(scores, tuple(findings), (skipped,) if skipped else ())
