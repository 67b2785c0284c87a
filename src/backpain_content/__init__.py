"""A library of patient guides as typed data, rendered to HTML and more.

import backpain_content as bc
html = bc.render_html(bc.load_article())
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ._version import __version__
from .content import bundled_articles, load_article, load_bundled, load_clinic, load_plan
from .errors import ContentError
from .formats import FORMATS, Format, Rendered, render
from .labels import Labels, labels_for
from .library import Library
from .model import (
    SECTION_NAMES,
    AftercareItem,
    AftercareSection,
    Article,
    Cause,
    CausesSection,
    Clinic,
    ClosingSection,
    LifestyleSection,
    LifestyleTip,
    Mechanism,
    MechanismsSection,
    PatientPlan,
    Provenance,
    Question,
    QuestionsSection,
    Reference,
    ResearchFinding,
    ResearchSection,
    Review,
    SafetyGroup,
    SafetyItem,
    SafetySection,
    SectionName,
    SessionGuidance,
    SourcedItem,
    TherapiesSection,
    Therapy,
    default_clinic,
)
from .options import PAPERS, EpubOptions, HandoutOptions, HtmlOptions, Paper
from .output import export
from .renderers.epub import render_epub
from .renderers.html import render_html, stylesheet
from .renderers.pdf import render_before_session, render_brochure, render_pdf, render_poster

__all__ = [
    "FORMATS",
    "PAPERS",
    "SECTION_NAMES",
    "AftercareItem",
    "AftercareSection",
    "Article",
    "Cause",
    "CausesSection",
    "Clinic",
    "ClinicResult",
    "ClosingSection",
    "ContentError",
    "EpubOptions",
    "Format",
    "HandoutOptions",
    "HtmlOptions",
    "Labels",
    "Library",
    "LifestyleSection",
    "LifestyleTip",
    "Mechanism",
    "MechanismsSection",
    "Paper",
    "PatientPlan",
    "Provenance",
    "Question",
    "QuestionsSection",
    "Reference",
    "Rendered",
    "ResearchFinding",
    "ResearchSection",
    "Review",
    "SafetyGroup",
    "SafetyItem",
    "SafetySection",
    "SectionName",
    "SessionGuidance",
    "SmtpSettings",
    "SourcedItem",
    "TherapiesSection",
    "Therapy",
    "__version__",
    "build_guide_email",
    "bundled_articles",
    "default_clinic",
    "export",
    "export_clinics",
    "labels_for",
    "load_article",
    "load_bundled",
    "load_clinic",
    "load_plan",
    "render",
    "render_before_session",
    "render_brochure",
    "render_epub",
    "render_html",
    "render_pdf",
    "render_poster",
    "send_email",
    "stylesheet",
]

if TYPE_CHECKING:
    from .batch import ClinicResult, export_clinics
    from .mail import SmtpSettings, send_email
    from .renderers.email import build_guide_email

# Email (the email package, smtplib, ssl) and batch export (multiprocessing) load on first
# use: a clinic app that only renders HTML should not pay for them at start-up.
_LAZY = {
    "ClinicResult": "batch",
    "export_clinics": "batch",
    "SmtpSettings": "mail",
    "build_guide_email": "renderers.email",
    "send_email": "mail",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
