"""A copy is validated as a new record is: pydantic's `model_copy(update=...)` takes its
values as they are (documented), so a web app building a clinic that way could put into
a page what the constructor refuses (a colour that ends the `<style>`, a `javascript:`
website). Every public record re-validates its copies."""

from __future__ import annotations

import pytest

import backpain_content as bc
from backpain_content.errors import ContentError
from hostile import CORPUS

CLINIC = bc.Clinic(name="Example Physio", website="https://example.org/")
CLINIC_FIELDS = (
    "name", "location", "phone", "email", "website", "booking_url", "guide_url", "accent_colour",
)  # fmt: skip
ARTICLE = bc.load_article()
ARTICLE_FIELDS = ("title", "condition", "therapy", "topic", "summary")
PLAN = bc.PatientPlan(physiotherapist="Sam Lee", sessions=4)
PLAN_FIELDS = ("patient", "physiotherapist", "note")

HOSTILE = {
    **CORPUS,
    "style-breakout-colour": "red;}</style><script>alert(1)</script>",
    "javascript-url": "javascript:alert(1)",
    "data-url": "data:text/html,<script>alert(1)</script>",
}


def _outcome(make: object) -> str:
    try:
        made = make()  # type: ignore[operator]
    except ContentError as error:
        return f"refused: {error.field}: {error.problem}"
    return f"made: {made!r}"


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("field", CLINIC_FIELDS)
def test_a_clinic_copy_is_refused_where_the_constructor_refuses(field: str, name: str) -> None:
    value = HOSTILE[name]
    made = _outcome(lambda: bc.Clinic(**{**CLINIC.model_dump(), field: value}))
    copied = _outcome(lambda: CLINIC.model_copy(update={field: value}))
    assert copied == made


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("field", ARTICLE_FIELDS)
def test_a_guide_copy_is_refused_where_the_constructor_refuses(field: str, name: str) -> None:
    value = HOSTILE[name]
    data = ARTICLE.model_dump()
    made = _outcome(lambda: bc.Article.model_validate({**data, field: value}))
    copied = _outcome(lambda: ARTICLE.model_copy(update={field: value}))
    assert copied == made


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("field", PLAN_FIELDS)
def test_a_plan_copy_is_refused_where_the_constructor_refuses(field: str, name: str) -> None:
    value = HOSTILE[name]
    made = _outcome(lambda: bc.PatientPlan(**{**PLAN.model_dump(), field: value}))
    copied = _outcome(lambda: PLAN.model_copy(update={field: value}))
    assert copied == made


def test_what_reaches_css_and_links_cannot_be_slipped_in_by_a_copy() -> None:
    with pytest.raises(ContentError, match="accent_colour"):
        CLINIC.model_copy(update={"accent_colour": "red;}</style><script>alert(1)</script>"})
    with pytest.raises(ContentError, match="website: must be an absolute https"):
        CLINIC.model_copy(update={"website": "javascript:alert(1)"})
    with pytest.raises(ContentError, match="not a known field"):
        CLINIC.model_copy(update={"onclick": "x"})
    copy = CLINIC.model_copy(update={"website": "https://Example.ORG"})
    assert copy.website == "https://example.org/"  # validated, so kept as parsed
    assert CLINIC.model_copy() == CLINIC
