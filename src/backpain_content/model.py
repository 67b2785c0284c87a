"""The typed model of a patient guide and of the clinic that hands it out.

The model knows no output format: renderers read it, it never reads them.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from .errors import ContentError
from .fields import (
    CLINIC_PLACEHOLDER,
    LanguageTag,
    Line,
    Paragraphs,
    Record,
    Slug,
    Summary,
    Text,
    Version,
    WebUrl,
    WebUrlPattern,
    validation_message,
)
from .labels import LabelChanges

__all__ = [
    "ARTICLE_SECTIONS",
    "CLINIC_PLACEHOLDER",
    "CODE_SYSTEMS",
    "GUIDE_SECTIONS",
    "HEADER_FIELDS",
    "SAFETY_GROUPS",
    "SECTION_NAMES",
    "AftercareItem",
    "AftercareSection",
    "Article",
    "Cause",
    "CausesSection",
    "Clinic",
    "ClosingSection",
    "CodeSystem",
    "ConditionCode",
    "GuideHeader",
    "LifestyleSection",
    "LifestyleTip",
    "Line",
    "Mechanism",
    "MechanismsSection",
    "PatientPlan",
    "Provenance",
    "Question",
    "QuestionsSection",
    "Record",
    "Reference",
    "ResearchFinding",
    "ResearchSection",
    "Review",
    "SafetyGroup",
    "SafetyItem",
    "SafetyKind",
    "SafetySection",
    "SectionName",
    "SessionGuidance",
    "Slug",
    "SourcedItem",
    "Text",
    "TherapiesSection",
    "Therapy",
    "Translation",
    "contrast_with_white",
    "default_clinic",
    "validation_message",
]


def _check_contrast(value: str) -> str:
    # Accent colours draw headings and rules on white paper and screens; WCAG AA
    # asks 4.5:1 for normal-size text.
    ratio = contrast_with_white(value)
    if ratio < 4.5:
        raise ValueError(
            f"{value} has a contrast of {ratio:.2f}:1 against white; at least 4.5:1 is needed"
        )
    return value


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of a `#rrggbb` colour against white."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


Phone = Annotated[
    str, Field(pattern=r"^\+?[0-9][0-9 ().-]{5,30}[0-9](?: ?(?:ext\.?|x) ?[0-9]{1,6})?$")
]
Email = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$",
        max_length=254,
    ),
]
Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$"), AfterValidator(_check_contrast)]


class Review(Record):
    """One review of the guide: who reviewed what, when, and which version."""

    kind: Literal["clinical", "translation"]
    """A clinician's review of the content, or a certified translator's of a translation."""
    reviewer: Line
    """The reviewer's name."""
    role: Line
    """The reviewer's role, such as `Physiotherapist`."""
    date: datetime.date
    """The day the review was done."""
    version: Version
    """The version of the content that was reviewed."""
    scope: Line
    """What was reviewed, such as `the whole guide` or `the safety section`."""


class Translation(Record):
    """Where a translated guide comes from: which guide, which version, who translated it,
    and what is not translated yet (no check by a translator is claimed that is not
    recorded in `Provenance.reviews`)."""

    source_language: LanguageTag
    """Language tag of the guide it was translated from, such as `en-CA`."""
    source_version: Version
    """Version of that guide it was translated from."""
    translated_by: Line
    """Who translated it."""
    untranslated: tuple[Annotated[str, Field(max_length=200)], ...] = ()
    """The strings still in the source language, by their key in the translation file
    (`lifestyle.stretch-daily.summary`): a partial translation says so."""


class Provenance(Record):
    """Where the guide comes from, who wrote which part, how current it is, and who has
    reviewed it (no review is claimed that is not recorded here)."""

    source_title: Line | None = None
    """Title of the source article, as its author published it; none for a guide written
    from its references alone (then `source_clinic` is none too)."""
    source_clinic: Line | None = None
    """The clinic that wrote the source article, whose claims the guide marks as its own."""
    source_location: Line | None = None
    """Where that clinic is, as the article names it."""
    adapted_by: Line
    """Who wrote the guide's own words (the plain-language summaries and the sections
    written from the references listed, or, without a source article, all of it)."""
    version: Version
    """Version of this content, such as `1.0.0`; raise it on every change of wording."""
    updated: datetime.date
    """The day this version of the content was made; outputs are dated with it."""
    reviews: tuple[Review, ...] = ()
    """Reviews of the content; none means no clinician has reviewed it yet."""
    review_due: datetime.date
    """When the content should next be reviewed (for example two years after the last
    review); `export`, `validate` and `lint` warn once it has passed."""
    translation: Translation | None = None
    """For a translated guide: what it was translated from, and by whom."""

    @property
    def source_language(self) -> str | None:
        """The language of the source article's title, when it differs from the guide's:
        the source guide's language for a translation, else None."""
        return self.translation.source_language if self.translation else None

    def current_reviews(self, kind: Literal["clinical", "translation"]) -> tuple[Review, ...]:
        """The reviews of this kind of this very version, latest first: a review of an
        earlier version says nothing about the wording now."""
        found = [r for r in self.reviews if r.kind == kind and r.version == self.version]
        return tuple(sorted(found, key=lambda r: r.date, reverse=True))

    @property
    def adapted(self) -> bool:
        """Whether the guide keeps a source article (a clinic's own words) beside its own."""
        return self.source_title is not None

    @model_validator(mode="after")
    def _source_is_whole(self) -> Provenance:
        given = [self.source_title is not None, self.source_clinic is not None]
        if any(given) and not all(given):
            missing = "source_clinic" if given[0] else "source_title"
            raise ValueError(
                f"{missing} is missing: a source article has both a title and a clinic "
                "(a guide written from its references alone has neither)"
            )
        if self.source_location is not None and self.source_clinic is None:
            raise ValueError("source_location is given without a source_clinic")
        return self

    @model_validator(mode="after")
    def _dates_are_in_order(self) -> Provenance:
        for index, review in enumerate(self.reviews):
            if review.date > self.review_due:
                raise ValueError(
                    f"reviews[{index}] is dated after review_due ({self.review_due.isoformat()})"
                )
        return self


class _Item(Record):
    id: Slug
    """Stable identifier, unique in the guide, such as `stretch-daily`: plans and
    translations refer to the item by it, so it stays when the wording changes."""
    title: Line
    """Short heading of the item, as in the article."""
    body: Text
    """The item's full text from the article."""
    summary: Summary
    """Plain-language version of the body for handouts: at most 25 words, only the body's claims."""
    sources: tuple[Slug, ...] = ()
    """The ids of the references the item rests on, for a guide's own words (an adapted
    article's items are its clinic's and cite none)."""


class Mechanism(_Item):
    """One way the treatment works or helps."""


class Cause(_Item):
    """One cause of the condition that the treatment can address."""


class LifestyleTip(_Item):
    """One thing a patient can do at home (a home tip a plan can choose)."""


class Therapy(_Item):
    """A treatment that works alongside this one."""

    guide: Slug | None = None
    """The id of a guide in the library about this treatment: outputs link to it."""


class _Section(Record):
    heading: Line
    """The section's heading."""
    short_heading: Line
    """A short plain-language heading for handouts."""
    intro: Paragraphs
    """Paragraphs before the list of items."""
    summary: Summary
    """Plain-language version of the introduction for handouts: at most 25 words."""
    closing: tuple[Text, ...] = ()
    """Paragraphs after the list of items."""
    sources: tuple[Slug, ...] = ()
    """The ids of the references the introduction rests on, for a guide's own words."""


class MechanismsSection(_Section):
    """What the treatment is, and how it helps."""

    items: Annotated[tuple[Mechanism, ...], Field(min_length=1)]
    """The ways the treatment helps, in the article's order."""


class CausesSection(_Section):
    """Causes of the condition that the treatment can address."""

    items: Annotated[tuple[Cause, ...], Field(min_length=1)]
    """The causes, in the article's order."""


class LifestyleSection(_Section):
    """What a patient can do at home."""

    items: Annotated[tuple[LifestyleTip, ...], Field(min_length=1)]
    """The tips, in the article's order."""


class TherapiesSection(_Section):
    """Treatments that work alongside this one."""

    items: Annotated[tuple[Therapy, ...], Field(min_length=1)]
    """The treatments, in the article's order."""


class SessionGuidance(Record):
    """How many sessions are typically needed."""

    heading: Line
    """The section's heading."""
    short_heading: Line
    """A short plain-language heading for handouts."""
    paragraphs: Paragraphs
    """The section's full text."""
    typical_min: Annotated[int, Field(ge=1, le=100)]
    """Fewest sessions in the typical range the text gives."""
    typical_max: Annotated[int, Field(ge=1, le=100)]
    """Most sessions in the typical range the text gives."""
    summary: Summary
    """Plain-language version of the typical range for handouts: at most 25 words."""
    chronic_summary: Summary
    """Plain-language note on chronic pain for handouts: at most 25 words."""
    sources: tuple[Slug, ...] = ()
    """The ids of the references the section rests on, for a guide's own words."""

    @model_validator(mode="after")
    def _range_is_ordered(self) -> SessionGuidance:
        if self.typical_min > self.typical_max:
            raise ValueError(
                f"typical_min ({self.typical_min}) is larger than typical_max ({self.typical_max})"
            )
        return self


def _check_invitation(value: str) -> str:
    if value.count(CLINIC_PLACEHOLDER) != 1:
        raise ValueError(
            f"must contain {CLINIC_PLACEHOLDER} exactly once, where the clinic is named"
        )
    return value


class ClosingSection(Record):
    """The closing call to action."""

    heading: Line
    """The section's heading."""
    short_heading: Line
    """A short plain-language heading for handouts."""
    paragraphs: tuple[Text, ...] = ()
    """Paragraphs before the invitation."""
    summary: Summary
    """Plain-language version of the paragraphs for handouts: at most 25 words."""
    invitation: Annotated[Text, AfterValidator(_check_invitation)]
    """The invitation to book; `{clinic}` marks where the clinic's name goes."""


ReferenceKind = Literal["regulator", "public health service", "government", "peer-reviewed study"]


class Reference(Record):
    """A published source that the guide's own additions (the safety section) rest on."""

    id: Slug
    """Short identifier that items cite, such as `brady-2014`."""
    label: Line
    """A short citation for print, where the whole reference does not fit: `Brady 2014`."""
    title: Line
    """The title, as its publisher gives it."""
    publisher: Line
    """Who published it: a regulator or public health service, or a study's authors and journal."""
    kind: ReferenceKind
    """What kind of source it is."""
    url: WebUrl
    """Where it was read (https only)."""
    accessed: datetime.date
    """The day it was read."""
    language: LanguageTag = "en"
    """The language of its title, which stays as published in every translation."""


class SourcedItem(Record):
    """One thing the guide itself says (not the source article), resting on the
    references it cites."""

    id: Slug
    """Stable identifier, such as `soreness-afterwards`."""
    title: Line
    """Short heading of the item."""
    body: Text
    """What the sources say, in plain words, figures exactly as the sources give them."""
    summary: Summary
    """Plain-language version of the body for handouts: at most 25 words, only the body's
    claims, never more reassuring than the body."""
    sources: tuple[Slug, ...] = ()
    """The ids of the references the item rests on (`lint` flags an item with none)."""


class SafetyItem(SourcedItem):
    """One thing a patient should know about safety, resting on the references it cites."""


class ResearchFinding(SourcedItem):
    """What studies or public guidance found about the treatment, resting on them."""


class AftercareItem(SourcedItem):
    """What to expect or do after a session: what is normal, what is not, whom to call."""


class Question(Record):
    """A question a patient may ask their clinician before treatment."""

    id: Slug
    """Stable identifier, such as `other-options`."""
    text: Line
    """The question, as the patient would ask it."""


class SafetyGroup(Record):
    """A group of safety items under one heading."""

    heading: Line
    """The group's heading, such as `Common side effects`."""
    items: Annotated[tuple[SafetyItem, ...], Field(min_length=1)]
    """The items, in reading order."""


SafetyKind = Literal[
    "consent",
    "side_effects",
    "serious_risks",
    "tell_your_physio",
    "lower_your_risk",
    "urgent_signs",
]
SAFETY_GROUPS: tuple[SafetyKind, ...] = get_args(SafetyKind)
"""The safety section's groups, in reading order."""


class SafetySection(Record):
    """What consent means, side effects, serious risks, who should tell their clinician
    first, how to lower the risk (each as the treatment has them), and the warning signs
    that need urgent care, which every guide has: written from the guide's references."""

    heading: Line
    """The section's heading."""
    short_heading: Line
    """A short plain-language heading for handouts."""
    intro: Paragraphs
    """Paragraphs before the groups."""
    summary: Summary
    """Plain-language version of the introduction for handouts: at most 25 words."""
    sources: tuple[Slug, ...] = ()
    """The ids of the references the introduction rests on."""
    consent: SafetyGroup | None = None
    """What the patient must be told before agreeing to treatment, as a list to check."""
    side_effects: SafetyGroup | None = None
    """Common, mild side effects and how long they usually last."""
    serious_risks: SafetyGroup | None = None
    """Rare, serious risks, and what to do if one happens."""
    tell_your_physio: SafetyGroup | None = None
    """Who should tell their clinician before treatment."""
    lower_your_risk: SafetyGroup | None = None
    """What the patient can do to lower the risk."""
    urgent_signs: SafetyGroup
    """Warning signs that need urgent or emergency care."""

    def groups(self) -> tuple[tuple[SafetyKind, SafetyGroup], ...]:
        """The groups the section has, with their names, in reading order."""
        found = ((kind, getattr(self, kind)) for kind in SAFETY_GROUPS)
        return tuple((kind, group) for kind, group in found if group is not None)

    def located_items(self) -> tuple[tuple[str, SafetyItem], ...]:
        """Every item with where it is, as errors name fields
        (`safety.urgent_signs.items[0]`), in reading order."""
        return tuple(
            (f"safety.{kind}.items[{index}]", item)
            for kind, group in self.groups()
            for index, item in enumerate(group.items)
        )

    def cited(self) -> tuple[str, ...]:
        """Every reference id the section cites, in the order first cited."""
        ids = [*self.sources]
        for _, item in self.located_items():
            ids.extend(item.sources)
        return tuple(dict.fromkeys(ids))


class _GuideSection(Record):
    heading: Line
    """The section's heading."""
    short_heading: Line
    """A short plain-language heading for handouts."""
    intro: Paragraphs
    """Paragraphs before the items."""
    summary: Summary
    """Plain-language version of the introduction for handouts: at most 25 words."""
    sources: tuple[Slug, ...] = ()
    """The ids of the references the introduction rests on."""


class ResearchSection(_GuideSection):
    """What reviews of the studies found, what public guidance recommends first, and what
    is not known: written for this guide from its references, apart from the article."""

    items: Annotated[tuple[ResearchFinding, ...], Field(min_length=1)]
    """The findings, in reading order."""


class QuestionsSection(_GuideSection):
    """Questions a patient may ask before agreeing to treatment: a list to take along."""

    items: Annotated[tuple[Question, ...], Field(min_length=1)]
    """The questions, in reading order."""


class AftercareSection(_GuideSection):
    """After a session: what is normal, what is not, and whom to call for what."""

    items: Annotated[tuple[AftercareItem, ...], Field(min_length=1)]
    """The items, in reading order."""


SectionName = Literal[
    "mechanisms",
    "causes",
    "sessions",
    "lifestyle",
    "therapies",
    "closing",
    "research",
    "safety",
    "questions",
    "aftercare",
]
SECTION_NAMES: tuple[SectionName, ...] = get_args(SectionName)
"""The guide's sections, in reading order: the article's (the clinic's own words, to its
closing call to action), then the guide's own, written from its references."""
ARTICLE_SECTIONS: tuple[SectionName, ...] = SECTION_NAMES[:6]
"""The sections that hold the source article's text, in the clinic's voice."""
GUIDE_SECTIONS: tuple[SectionName, ...] = SECTION_NAMES[6:]
"""The sections the guide adds from its references, independent of the clinic."""


CodeSystem = Literal["icd10ca", "icd10cm", "snomed"]
CODE_SYSTEMS: dict[CodeSystem, str] = {
    "icd10ca": "ICD-10-CA",
    "icd10cm": "ICD-10-CM",
    "snomed": "SNOMED CT",
}
"""The code systems a guide's conditions may be coded in, with their names."""
_CODE_PATTERNS: dict[CodeSystem, str] = {
    # ICD-10 codes are a letter, two digits and up to four more after a dot (M54.5,
    # M54.50); SNOMED CT concept ids are 6 to 18 digits.
    "icd10ca": r"^[A-Z][0-9]{2}(?:\.[0-9A-Z]{1,4})?$",
    "icd10cm": r"^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$",
    "snomed": r"^[1-9][0-9]{5,17}$",
}


class ConditionCode(Record):
    """A code for a condition the guide covers, as an electronic record names it."""

    system: CodeSystem
    """The code system: `icd10ca` (ICD-10-CA), `icd10cm` (ICD-10-CM) or `snomed` (SNOMED CT)."""
    code: Annotated[str, Field(max_length=20)]
    """The code, as the system writes it, such as `M54.5` or `279039007`."""

    @model_validator(mode="after")
    def _code_fits_system(self) -> ConditionCode:
        if not re.fullmatch(_CODE_PATTERNS[self.system], self.code):
            raise ValueError(f"code is not a {CODE_SYSTEMS[self.system]} code")
        return self


class GuideHeader(Record):
    """What a library needs to know of a guide to list, find and link it, read from the
    top of its file without the rest: its id, language, title, topic, codes, related
    guides and provenance, with the same rules as the `Article` they are part of."""

    id: Slug
    """The guide's id."""
    language: LanguageTag
    """The guide's language tag."""
    title: Line
    """The guide's title."""
    topic: Line | None = None
    """The topic the library files the guide under, when it names one."""
    codes: tuple[ConditionCode, ...] = ()
    """Codes of the conditions the guide covers."""
    related: tuple[Slug, ...] = ()
    """The ids of related guides."""
    provenance: Provenance
    """Source, version and review date."""


HEADER_FIELDS = tuple(GuideHeader.model_fields)
"""The fields of a guide that its header holds."""


class Article(Record):
    """A patient guide on one treatment for one condition, in typed sections: the title,
    lede, summary, provenance, safety (with its urgent signs) and closing are required;
    every other section is optional, and a guide without one shows no heading for it."""

    id: Slug
    """Stable identifier, the same in every language version of the guide, used in file
    names, links and the library's index, such as `exercise-low-back-pain`."""
    language: LanguageTag
    """Language tag of the text, such as `en-CA`."""
    title: Line
    """The guide's title."""
    condition: Line
    """The condition the guide is about, such as `Low back pain`."""
    therapy: Line
    """The treatment the guide is about, such as `Exercise`."""
    topic: Line | None = None
    """The topic the library's index files the guide under; the condition when not given."""
    codes: tuple[ConditionCode, ...] = ()
    """Codes of the conditions the guide covers, which clinic systems look guides up by."""
    related: tuple[Slug, ...] = ()
    """The ids of related guides in the same library, which outputs link to."""
    lede: Paragraphs
    """Opening paragraphs, before the first section."""
    summary: Summary
    """Plain-language version for handouts of what the treatment is: at most 25 words."""
    provenance: Provenance
    """Source, version and review date."""
    mechanisms: MechanismsSection | None = None
    """What the treatment is and how it helps."""
    causes: CausesSection | None = None
    """Causes of the condition it can address."""
    sessions: SessionGuidance | None = None
    """How many sessions are typically needed, in words and as a range."""
    lifestyle: LifestyleSection | None = None
    """What the patient can do at home: the home tips a plan chooses from."""
    therapies: TherapiesSection | None = None
    """Treatments that work alongside this one."""
    closing: ClosingSection
    """The closing call to action, which names the clinic."""
    research: ResearchSection | None = None
    """What the research says: the guide's own, from its references."""
    safety: SafetySection
    """Side effects, risks and when to get help: the guide's own, from its references."""
    questions: QuestionsSection | None = None
    """Questions to ask before treatment: the guide's own."""
    aftercare: AftercareSection | None = None
    """After a session, and whom to call: the guide's own, from its references."""
    references: tuple[Reference, ...] = ()
    """The published sources the guide's own sections cite."""
    labels: LabelChanges | None = None
    """The words the renderers print ("Contents", "Page 1 of 2") that this guide changes,
    by name, such as `email_safety_more`: only those it changes (a translation into a
    language the package has no labels for gives them all); the rest are the package's."""

    @property
    def filed_under(self) -> str:
        """The topic the library files the guide under."""
        return self.topic or self.condition

    @property
    def header(self) -> GuideHeader:
        """The guide's header: what a library lists, finds and links it by."""
        return GuideHeader.model_construct(**{name: getattr(self, name) for name in HEADER_FIELDS})

    @model_validator(mode="after")
    def _citations_resolve(self) -> Article:
        known: set[str] = set()
        for index, reference in enumerate(self.references):
            if reference.id in known:
                raise ValueError(f"references[{index}].id {reference.id!r} is used twice")
            known.add(reference.id)
        for path, sources in self.citations():
            for position, source in enumerate(sources):
                if source not in known:
                    raise ValueError(f"{path}[{position}] names no reference: {source!r}")
        ids = [item.id for item in self.items()]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"item id {twice[0]!r} is used twice; every item's id is its own")
        if self.id in self.related:
            raise ValueError("related names the guide itself")
        if len(set(self.related)) != len(self.related):
            raise ValueError("related names a guide twice")
        # Without a source article, every word is the guide's own: it needs its sources.
        missing = next(
            (
                name
                for name in ARTICLE_SECTIONS[:-1]  # the closing is a call to action
                if getattr(self, name) is not None and not getattr(self, name).sources
            ),
            None,
        )
        if not self.provenance.adapted and missing is not None:
            raise ValueError(
                f"{missing}.sources is empty: a guide without a source article cites the "
                "references each of its sections rests on"
            )
        return self

    def sections(self) -> tuple[SectionName, ...]:
        """The names of the sections the guide has, in reading order."""
        return tuple(name for name in SECTION_NAMES if getattr(self, name) is not None)

    def sourced_items(self) -> tuple[tuple[str, SourcedItem], ...]:
        """Every item the guide itself says, with where it is (`research.items[0]`,
        `safety.urgent_signs.items[1]`), in reading order."""
        found: list[tuple[str, SourcedItem]] = []
        if self.research:
            found += [(f"research.items[{i}]", item) for i, item in enumerate(self.research.items)]
        found += self.safety.located_items()
        if self.aftercare:
            found += [
                (f"aftercare.items[{i}]", item) for i, item in enumerate(self.aftercare.items)
            ]
        return tuple(found)

    def citations(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Every list of sources the guide has, with its field (`safety.sources`), in
        reading order."""
        found: list[tuple[str, tuple[str, ...]]] = []
        for name in ARTICLE_SECTIONS:
            part = getattr(self, name)
            if part is None or name == "closing":
                continue
            found.append((f"{name}.sources", part.sources))
            for index, item in enumerate(getattr(part, "items", ())):
                found.append((f"{name}.items[{index}].sources", item.sources))
        items = self.sourced_items()
        for name in GUIDE_SECTIONS:
            part = getattr(self, name)
            if part is None:
                continue
            found.append((f"{name}.sources", part.sources))
            found += [
                (f"{at}.sources", item.sources) for at, item in items if at.startswith(f"{name}.")
            ]
        return tuple(found)

    def cited(self) -> tuple[str, ...]:
        """Every reference id the guide cites, in the order first cited."""
        return tuple(dict.fromkeys(source for _, sources in self.citations() for source in sources))

    def items(
        self,
    ) -> tuple[Mechanism | Cause | LifestyleTip | Therapy | SourcedItem | Question, ...]:
        """Every item of the guide, in reading order."""
        found: list[Mechanism | Cause | LifestyleTip | Therapy | SourcedItem | Question] = []
        for name in ("mechanisms", "causes", "lifestyle", "therapies"):
            part = getattr(self, name)
            if part is not None:
                found.extend(part.items)
        found.extend(item for _, item in self.sourced_items())
        if self.questions:
            found.extend(self.questions.items)
        return tuple(found)


PLAN_NOTE_MAX = 140
"""The longest note a plan may carry: the handout's plan box has room for it."""
PLAN_PATIENT_MAX = 50
"""The longest patient's name a plan may carry: it titles the handout's plan box."""
PLAN_PHYSIOTHERAPIST_MAX = 60
"""The longest physiotherapist's name and role a plan may carry."""


def _check_sessions(value: int | tuple[int, int]) -> int | tuple[int, int]:
    counts = (value,) if isinstance(value, int) else value
    if any(count < 1 or count > 100 for count in counts):
        raise ValueError("must be between 1 and 100 sessions")
    if isinstance(value, tuple) and value[0] > value[1]:
        raise ValueError("must be a range from the fewer to the more sessions, such as [3, 6]")
    return value


def _check_appointment(
    value: datetime.datetime | datetime.date,
) -> datetime.datetime | datetime.date:
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        raise ValueError("must be the clinic's local date and time, without a time zone offset")
    return value


def _sessions_input(value: object) -> object:
    def count(item: object) -> bool:
        return isinstance(item, int) and not isinstance(item, bool)

    if count(value) or (
        isinstance(value, list | tuple) and len(value) == 2 and all(map(count, value))
    ):
        return value
    raise ValueError("must be a number of sessions, such as 4, or a range, such as [3, 6]")


_APPOINTMENT = "must be a date and time, such as 2026-12-03T09:30:00, or a date, such as 2026-12-03"


def _appointment_input(value: object) -> object:
    if value is None or isinstance(value, datetime.date):  # a datetime is a date too
        return value
    if isinstance(value, datetime.time):
        raise ValueError(f"has a time but no date: it {_APPOINTMENT}")
    if isinstance(value, str):
        # Parsed here, so a date alone (as JSON gives it) is a date, not midnight that day.
        try:
            if len(value) == len("2026-12-03"):
                return datetime.date.fromisoformat(value)
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(_APPOINTMENT)


class PatientPlan(Record):
    """One patient's plan, as their physiotherapist made it: personal health information,
    which the package never puts in file names, metadata, messages or lasting caches."""

    patient: Annotated[Line, Field(max_length=PLAN_PATIENT_MAX)] | None = None
    """The patient's name, as they like to be greeted (optional; at most 50 characters)."""
    physiotherapist: Annotated[Line, Field(max_length=PLAN_PHYSIOTHERAPIST_MAX)]
    """The physiotherapist's name and role, such as `Amrit Dhillon, physiotherapist` (at
    most 60 characters)."""
    sessions: Annotated[
        int | tuple[int, int], BeforeValidator(_sessions_input), AfterValidator(_check_sessions)
    ]
    """Sessions planned: a number, or a range such as `[3, 6]`."""
    next_appointment: Annotated[
        datetime.datetime | datetime.date | None,
        BeforeValidator(_appointment_input),
        AfterValidator(_check_appointment),
    ] = None
    """The next appointment, in the clinic's local time: a date and time
    (`2026-12-03T09:30:00`), or a date alone when the time is not known."""
    home_tips: tuple[Slug, ...] = ()
    """The home tips the physiotherapist chose, by the guide's item ids, such as `stretch-daily`."""
    note: Annotated[Line, Field(max_length=PLAN_NOTE_MAX)] | None = None
    """A short note from the physiotherapist, on one line (at most 140 characters)."""
    made: datetime.date | None = None
    """The day the plan was made (optional)."""

    @field_validator("home_tips")
    @classmethod
    def _tips_once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("names a tip twice")
        return value

    def check(self, article: Article) -> None:
        """Raise `ContentError` naming the field when a chosen tip is not a home tip of
        `article` (the tip's id is the guide's, not the patient's, so it is named)."""
        tips = {tip.id for tip in article.lifestyle.items} if article.lifestyle else set()
        for index, tip in enumerate(self.home_tips):
            if tip not in tips:
                raise ContentError(
                    None,
                    f"plan.home_tips[{index}]",
                    f"names no home tip of the guide: {tip!r} "
                    f"(its tips: {', '.join(sorted(tips)) or 'none'})",
                )


class Clinic(Record):
    """The clinic handing the guide out: its name, contact details and branding."""

    name: Line
    """The clinic's name."""
    location: Line | None = None
    """Where the clinic is, such as a neighbourhood or city."""
    phone: Phone | None = None
    """Telephone number, as patients should dial it."""
    email: Email | None = None
    """Email address for patients."""
    website: WebUrl | None = None
    """The clinic's web site (https)."""
    booking_url: WebUrl | None = None
    """Where patients book an appointment online (https)."""
    guide_url: WebUrlPattern | None = None
    """Where the clinic publishes its guides online (https): either one page, or a pattern
    with `{id}` (and optionally `{language}`), such as `https://example.ca/guides/{id}`, so
    each guide's poster, handout and ePub link to that guide's own page."""
    logo: Path | None = None
    """PNG or JPEG logo; a relative path is read from the clinic file's folder."""
    accent_colour: Colour = "#1d5c87"
    """Colour for headings and rules, `#rrggbb`, with at least 4.5:1 contrast against white."""
    labels: dict[LanguageTag, LabelChanges] = Field(default_factory=dict)
    """Labels the clinic changes, by language (`en` for every English guide, or `en-CA`),
    then by name, such as `[labels.en] booking = "Book a visit"`: only those it changes."""

    @property
    def link(self) -> str | None:
        """The clinic's booking URL, or its website, or nothing."""
        return self.booking_url or self.website


def default_clinic(article: Article, unnamed: str = "your clinic") -> Clinic:
    """The clinic the article itself names, with only what the article says of it; for a
    guide without a source article, a clinic called `unnamed` (the labels' `your_clinic`)."""
    if article.provenance.source_clinic is None:
        return Clinic(name=unnamed)
    return Clinic(
        name=article.provenance.source_clinic, location=article.provenance.source_location
    )
