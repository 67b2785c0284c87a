"""What every part of a handout's layout reads: one frozen record per render."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import frames

from ...labels import Labels
from ...model import Article, Clinic, PatientPlan, default_clinic
from ...options import GuideLink, HandoutOptions
from ..shared import PlanView, labels_of, more_guides, online_links, plan_view
from .styles import LARGE, PAPER, STANDARD, VERA_TYPE, Sizes, Styles, Type, styles
from .text import Text
from .typefaces import Typeface, typeface

__all__ = ["CopyableFrame", "Layout"]


@dataclass(frozen=True)
class Layout:
    """The guide, the clinic and the page a handout is laid out for."""

    article: Article
    clinic: Clinic
    labels: Labels
    text: Text
    sizes: Sizes
    styles: Styles
    accent: colors.Color
    page_width: float
    page_height: float
    large_print: bool
    plan: PlanView | None
    """A patient's own plan, when the handout is theirs."""
    compact: bool = False
    """The clinic's details run together, for a handout that does not fit without it
    (longer text, as a translation's often is)."""
    closing_summary: bool = True
    """Whether the closing's summary is printed under its heading: a handout still a page
    over when compact leaves it out."""
    plan_box: bool = True
    """Whether the empty "My plan" box to fill in by pen is printed: a handout still a page
    over without the closing's summary leaves it out, as the last thing it does without
    (a patient's own plan is always printed)."""
    column: float | None = None
    """Width of the text, where it is not the page's between its margins (a brochure's
    panel)."""
    more: tuple[GuideLink, ...] = ()
    """The related guides and the treatments' guides, at their web addresses where they
    have one."""

    @classmethod
    def make(
        cls,
        article: Article,
        clinic: Clinic | None,
        options: HandoutOptions,
        plan: PatientPlan | None = None,
        compact: bool = False,
        *,
        sizes: Sizes | None = None,
        page: tuple[float, float] | None = None,
        column: float | None = None,
    ) -> Layout:
        """The layout of `article` for `clinic` (the article's own by default), and for
        a patient's `plan` when given; the handout's `sizes` and `page` unless given (a
        brochure's or a poster's), its text as wide as `column` when given."""
        labels = labels_of(article, clinic)
        clinic = clinic or default_clinic(article, labels.your_clinic)
        sizes = sizes or (LARGE if options.large_print else STANDARD)
        page_width, page_height = page or PAPER[options.paper]
        face = typeface(article.language)
        translation = article.provenance.translation
        text = Text(face)
        if translation and translation.untranslated:
            from ...translate import untranslated_fields

            text = Text(face, untranslated_fields(article), translation.source_language)
        return cls(
            article=article,
            clinic=clinic,
            labels=labels,
            text=text,
            sizes=sizes,
            styles=styles(sizes, clinic.accent_colour, _type(face)),
            accent=colors.HexColor(clinic.accent_colour),
            page_width=page_width,
            page_height=page_height,
            large_print=options.large_print,
            plan=plan_view(plan, article, labels) if plan else None,
            compact=compact,
            column=column,
            more=more_guides(online_links(options.links, clinic)),
        )

    def tighter(self) -> Layout:
        """This layout with its lines 1.2 times the type size apart (the usual setting)
        instead of 1.25 (1.33 in large print): for a handout a little over its pages."""
        sizes = dataclasses.replace(self.sizes, leading=self.sizes.body * 1.2)
        kind = _type(self.text.typeface)
        return dataclasses.replace(
            self, sizes=sizes, styles=styles(sizes, self.clinic.accent_colour, kind)
        )

    @property
    def rtl(self) -> bool:
        """Whether the guide's lines run right to left (its layout mirrored)."""
        return self.text.rtl

    @property
    def width(self) -> float:
        """Width of the text: between the margins, or of its column."""
        return self.column if self.column is not None else self.page_width - 2 * self.sizes.margin


def _type(face: Typeface) -> Type:
    """The styles' type for a typeface: Vera's own for a Latin-language handout."""
    if face.vera:
        return VERA_TYPE
    return Type(face.base.name, face.base.bold, face.base.shaping, "CJK" if face.cjk else None)


_UNCHANGING = (str, int, float, bool, type(None))


class CopyableFrame(frames.Frame):
    """A ReportLab frame whose deep copy is made without going over its every number.

    ReportLab deep-copies the document's frame each time it measures what is kept together
    (a heading with what follows it, a `KeepTogether`): some ten times a handout, each a
    walk over two dozen numbers. The copy is the same: what cannot change (numbers,
    strings) shared, as a deep copy shares it, and anything else deep-copied; written
    straight into the new frame's attributes, as a deep copy writes them."""

    def __deepcopy__(self, memo: dict[int, Any]) -> CopyableFrame:
        made = type(self).__new__(type(self))
        memo[id(self)] = made
        made.__dict__.update(
            (name, value if type(value) in _UNCHANGING else copy.deepcopy(value, memo))
            for name, value in self.__dict__.items()
        )
        return made
