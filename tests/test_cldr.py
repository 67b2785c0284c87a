"""Dates, times and numbers as the Unicode CLDR data writes them in each language (through
Babel), not from patterns a translator writes into the labels; and the guides, labels and
PO files that still carry those patterns keep loading, and render alike.
"""

from __future__ import annotations

import datetime
import email.policy
import re
import tomllib
from email.message import EmailMessage
from pathlib import Path

import polib
import pytest
from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_decimal

import backpain_content as bc
from backpain_content.labels import LEGACY, Labels
from backpain_content.renderers import shared
from backpain_content.renderers.cldr import locale_of, number, when
from backpain_content.translate import apply_po, entries
from htmltools import visible_text
from pseudo import translated, translated_po
from structtext import struct_text
from test_translate import FRENCH_PO

APPOINTMENT = datetime.datetime(2027, 3, 12, 14, 30)
MADE = datetime.date(2027, 3, 1)
BUNDLED = ("en-CA", "fr-CA")
PSEUDO = ("ar", "pa", "zh-Hans", "el", "pl")
"""The languages `pseudo.py` translates the guide into for the tests."""
LABELS = Path(bc.__file__).parent / "labels"
TRANSLATIONS = FRENCH_PO.parent

# What Babel 2.14 to 2.19 (CLDR 44 to 47) write: the test fails if the wiring is wrong.
WRITTEN = {
    "en-CA": ("March 12, 2027", "2:30 p.m."),
    "fr-CA": ("12 mars 2027", "14 h 30"),
    "zh-Hans": ("2027年3月12日", "14:30"),
}


def _babel(language: str) -> tuple[str, str, str, str]:
    """The appointment as Babel writes it, computed here from Babel's own calls: the date
    with its weekday and the time, joined by the locale's pattern; the date alone; the
    time alone; and the day the plan was made."""
    locale = Locale.parse(language, sep="-")
    day = format_date(APPOINTMENT, "full", locale=locale)
    time = format_time(APPOINTMENT.time(), "short", locale=locale)
    pattern = str(get_datetime_format("full", locale=locale)).replace("'", "")
    both = pattern.replace("{1}", day).replace("{0}", time)
    long = format_date(APPOINTMENT, "long", locale=locale)
    return both, long, time, format_date(MADE, "long", locale=locale)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def guides(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bc.Article]:
    made = {name: bc.load_bundled(f"dry-needling-back-pain.{name}") for name in BUNDLED}
    for language in PSEUDO:
        made[language] = translated(language, tmp_path_factory.mktemp(language))
    return made


PLAN = bc.PatientPlan(
    physiotherapist="Amrit Dhillon",
    sessions=(3, 6),
    next_appointment=APPOINTMENT,
    made=MADE,
)


@pytest.mark.parametrize("language", [*BUNDLED, *PSEUDO])
def test_the_appointment_reads_as_cldr_writes_it(
    guides: dict[str, bc.Article], language: str
) -> None:
    """The same appointment in every bundled and pseudo-translated language: in the web
    page, the handout (its tagged text) and the email, as Babel writes it."""
    article = guides[language]
    assert article.language == language
    appointment, long, time, made = _babel(language)
    if language in WRITTEN:
        # Babel writes a narrow no-break space in "2:30 p.m.": compared as a space.
        assert (long, " ".join(time.split())) == WRITTEN[language]
        assert long in appointment
        assert time in appointment
    assert when(APPOINTMENT, language) == appointment
    assert when(MADE, language, weekday=False) == made

    page = _squash(visible_text(str(bc.render_html(article, plan=PLAN)), fragment=True))
    assert _squash(appointment) in page
    assert _squash(made) in page
    handout = _squash("".join(struct_text(bc.render_pdf(article, plan=PLAN))))
    assert _squash(appointment) in handout
    assert _squash(made) in handout
    message = bc.build_guide_email(
        article, to="p@example.org", sender="f@example.org", plan=PLAN, epub=b"epub"
    )
    parsed = email.message_from_bytes(bytes(message), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    body = parsed.get_body(("plain",))
    assert body is not None
    assert _squash(appointment) in _squash(body.get_content())


@pytest.mark.parametrize("language", [*BUNDLED, *PSEUDO])
def test_numbers_in_the_plan_follow_the_language(language: str) -> None:
    assert number(1000, language) == format_decimal(1000, locale=Locale.parse(language, sep="-"))
    assert number(19.18, language) == format_decimal(19.18, locale=Locale.parse(language, sep="-"))


def test_numbers_use_the_languages_signs(
    article: bc.Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A no-break space groups thousands (narrow in some CLDR versions).
    assert re.fullmatch("1[\xa0\u202f]000", number(1000, "fr-CA"))
    assert number(19.18, "fr-CA") == "19,18"
    assert number(1000, "en-CA") == "1,000"
    assert number(19.18, "en-CA") == "19.18"
    # Latin digits, as Babel writes dates, in every language.
    assert number(3, "fa") == "3"
    # A plan's sessions (1 to 100: never grouped) are written by `number` all the same.
    monkeypatch.setattr(shared, "number", lambda value, language: f"<{value}|{language}>")
    page = visible_text(str(bc.render_html(article, plan=PLAN)), fragment=True)
    assert "<3|en-CA> to <6|en-CA>" in page


@pytest.mark.parametrize(
    ("tag", "locale"),
    [
        ("en-CA", "en_CA"),
        ("fr-CA", "fr_CA"),
        ("zh-Hans", "zh_Hans"),
        ("en-XA", "en"),  # a pseudo-locale CLDR does not know: its language
        ("ar-XB", "ar"),
        ("tlh", "en"),  # a language CLDR does not know: English
    ],
)
def test_a_language_tag_finds_its_cldr_locale(tag: str, locale: str) -> None:
    assert str(locale_of(tag)) == locale


def test_no_date_or_time_pattern_is_left_in_labels_or_po_files() -> None:
    assert LEGACY.isdisjoint(Labels.model_fields)
    pattern = re.compile(r"\{(day|month|year|weekday|hour|minute|period|time)\}")
    for path in sorted(LABELS.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert LEGACY.isdisjoint(data), path.name
        assert not [name for name, value in data.items() if pattern.search(str(value))]
    files = sorted(TRANSLATIONS.glob("*.po"))
    assert len(files) >= 2
    for path in files:
        for entry in polib.pofile(str(path)):
            name = (entry.msgctxt or "").removeprefix("labels.").split("[")[0]
            assert name not in LEGACY, (path.name, entry.msgctxt)
            assert not pattern.search(entry.msgid + entry.msgstr), (path.name, entry.msgctxt)


OLD_LABELS = {
    "date_long": "{weekday} {day} {month} {year}",
    "date_short": "{day} {month} {year}",
    "date_and_time": "{date}, à {time}",
    "time_of_day": "{hour} h {minute}",
    "hour_clock": 24,
    "weekdays": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "months": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "day_periods": ["avant-midi", "après-midi"],
}
"""The date and time labels a guide, a clinic or a PO file could set before CLDR."""


def _toml_labels(labels: dict[str, object]) -> str:
    lines = []
    for name, value in labels.items():
        if isinstance(value, list):
            value = "[" + ", ".join(f'"{item}"' for item in value) + "]"
        elif isinstance(value, str):
            value = f'"{value}"'
        lines.append(f"{name} = {value}")
    return "\n".join(lines) + "\n"


def test_old_files_with_date_labels_still_load_and_render_alike(tmp_path: Path) -> None:
    """A guide, a clinic and a whole set of labels from before still load: the date and
    time labels are ignored, and the guide renders byte for byte as without them."""
    french = bc.load_bundled("dry-needling-back-pain.fr-CA")
    source = Path(bc.__file__).parent / "articles" / "dry-needling-back-pain.fr-CA.toml"
    text = source.read_text(encoding="utf-8")
    assert "\n[labels]" not in text
    old = tmp_path / "dry-needling-back-pain.fr-CA.toml"
    extra = 'plan_made = "Plan fait le"\n'
    old.write_text(f"{text}\n[labels]\n{extra}{_toml_labels(OLD_LABELS)}", encoding="utf-8")
    loaded = bc.load_article(old)
    assert loaded.labels == {"plan_made": "Plan fait le"}
    now = tmp_path / "now.toml"
    now.write_text(f"{text}\n[labels]\n{extra}", encoding="utf-8")
    assert loaded == bc.load_article(now)
    for fmt in ("html", "pdf"):
        made = bc.render(fmt, loaded, plan=PLAN).data
        assert made == bc.render(fmt, bc.load_article(now), plan=PLAN).data, fmt

    # A clinic's labels, and a whole set of labels saved with a translated guide.
    clinic = bc.Clinic.model_validate({"name": "Physio", "labels": {"fr-CA": OLD_LABELS}})
    assert clinic.labels == {"fr-CA": {}}
    assert bc.render("html", french, clinic=clinic, plan=PLAN).data == (
        bc.render("html", french, clinic=bc.Clinic(name="Physio"), plan=PLAN).data
    )
    whole = bc.labels_for("fr").model_dump()
    assert Labels.model_validate({**whole, **OLD_LABELS}) == bc.labels_for("fr")


def test_an_old_po_file_with_date_labels_still_applies(tmp_path: Path) -> None:
    """A PO file made before still has the date and time strings: they are ignored."""
    po = translated_po("el", tmp_path)
    catalog = polib.pofile(str(po))
    for name, value in OLD_LABELS.items():
        values = value if isinstance(value, list) else [value]
        for index, item in enumerate(values):
            key = f"labels.{name}" + (f"[{index}]" if isinstance(value, list) else "")
            catalog.append(polib.POEntry(msgctxt=key, msgid=str(item), msgstr=str(item)))
    old = tmp_path / "old.po"
    catalog.save(str(old))
    assert apply_po(old) == apply_po(po)
    for path in (TRANSLATIONS / "dry-needling-back-pain.fr-CA.po",):
        assert apply_po(path) == bc.load_bundled("dry-needling-back-pain.fr-CA")


@pytest.mark.parametrize("name", ["dry-needling-back-pain.fr-CA", "exercise-low-back-pain.fr-CA"])
def test_french_text_writes_figures_the_french_way(name: str) -> None:
    """Figures in the bundled French text follow fr-CA's signs, as CLDR has them: a decimal
    comma (19,18 %) and a no-break space between thousands (1 000), never 19.18 or 1,000."""
    french = bc.load_bundled(name)
    english = {entry.key: entry.text for entry in entries(bc.load_bundled(f"{name[:-6]}.en-CA"))}
    texts = [entry for entry in entries(french) if not entry.key.startswith("labels.")]
    figures = 0
    for entry in texts:
        assert not re.search(r"\d\.\d|\d,\d{3}\b|\d \d{3}\b", entry.text), entry.key
        figures += len(re.findall(r"\d,\d|\d\xa0\d{3}\b", entry.text))
        if re.search(r"\d\.\d", english.get(entry.key, "")):
            assert re.search(r"\d,\d", entry.text), entry.key
    assert figures
    assert number(19.18, "fr-CA") == "19,18"
