"""A library of patient guides as typed data, rendered to HTML and more.

import backpain_content as bc
html = bc.render_html(bc.load_article())
"""

from __future__ import annotations

import importlib

# Not `typing.TYPE_CHECKING`: typing alone takes longer to import than the rest of this
# module (see `start.py` for why this module must load fast). Type checkers know the name.
TYPE_CHECKING = False

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
    from ._version import __version__
    from .batch import (
        ClinicResult,
        export_clinics,
    )
    from .content import (
        bundled_articles,
        load_article,
        load_bundled,
        load_clinic,
        load_plan,
    )
    from .errors import (
        ContentError,
    )
    from .formats import (
        FORMATS,
        Format,
        Rendered,
        render,
    )
    from .labels import (
        Labels,
        labels_for,
    )
    from .library import (
        Library,
    )
    from .mail import (
        SmtpSettings,
        send_email,
    )
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
    from .options import (
        PAPERS,
        EpubOptions,
        HandoutOptions,
        HtmlOptions,
        Paper,
    )
    from .output import (
        export,
    )
    from .renderers.email import (
        build_guide_email,
    )
    from .renderers.epub import (
        render_epub,
    )
    from .renderers.html import (
        render_html,
        stylesheet,
    )
    from .renderers.pdf import (
        render_before_session,
        render_brochure,
        render_pdf,
        render_poster,
    )

# Every public name loads its module on first use (PEP 562): importing the package costs
# almost nothing, so the command can stop quietly at once when Ctrl-C comes while it starts
# (see `start.py`), and a clinic app that only renders HTML never loads email (smtplib,
# ssl) or batch export (multiprocessing). Python's import lock makes a first use from many
# threads at once load each module once.
_LAZY = {
    "__version__": "_version",
    "ClinicResult": "batch",
    "export_clinics": "batch",
    "bundled_articles": "content",
    "load_article": "content",
    "load_bundled": "content",
    "load_clinic": "content",
    "load_plan": "content",
    "ContentError": "errors",
    "FORMATS": "formats",
    "Format": "formats",
    "Rendered": "formats",
    "render": "formats",
    "Labels": "labels",
    "labels_for": "labels",
    "Library": "library",
    "SmtpSettings": "mail",
    "send_email": "mail",
    "AftercareItem": "model",
    "AftercareSection": "model",
    "Article": "model",
    "Cause": "model",
    "CausesSection": "model",
    "Clinic": "model",
    "ClosingSection": "model",
    "LifestyleSection": "model",
    "LifestyleTip": "model",
    "Mechanism": "model",
    "MechanismsSection": "model",
    "PatientPlan": "model",
    "Provenance": "model",
    "Question": "model",
    "QuestionsSection": "model",
    "Reference": "model",
    "ResearchFinding": "model",
    "ResearchSection": "model",
    "Review": "model",
    "SECTION_NAMES": "model",
    "SafetyGroup": "model",
    "SafetyItem": "model",
    "SafetySection": "model",
    "SectionName": "model",
    "SessionGuidance": "model",
    "SourcedItem": "model",
    "TherapiesSection": "model",
    "Therapy": "model",
    "default_clinic": "model",
    "EpubOptions": "options",
    "HandoutOptions": "options",
    "HtmlOptions": "options",
    "PAPERS": "options",
    "Paper": "options",
    "export": "output",
    "build_guide_email": "renderers.email",
    "render_epub": "renderers.epub",
    "render_html": "renderers.html",
    "stylesheet": "renderers.html",
    "render_before_session": "renderers.pdf",
    "render_brochure": "renderers.pdf",
    "render_pdf": "renderers.pdf",
    "render_poster": "renderers.pdf",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
