"""Loading guide and clinic files: valid ones load, bad ones fail with one line naming file and field."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest

import backpain_content as bc
from backpain_content.content import BUNDLED_ARTICLE

BUNDLED = (Path(bc.__file__).parent / "articles" / f"{BUNDLED_ARTICLE}.toml").read_text(
    encoding="utf-8"
)


def test_bundled_article_loads_with_every_section(article: bc.Article) -> None:
    assert article.id == "dry-needling-back-pain"
    assert article.language == "en-CA"
    assert len(article.mechanisms.items) == 4
    assert len(article.causes.items) == 6
    assert len(article.lifestyle.items) == 7
    assert len(article.therapies.items) == 4
    assert (article.sessions.typical_min, article.sessions.typical_max) == (3, 6)
    assert article.provenance.updated == datetime.date(2026, 12, 7)
    assert article.provenance.reviews == ()  # no clinician has reviewed it yet
    assert bc.bundled_articles() == (
        BUNDLED_ARTICLE,
        "dry-needling-back-pain.fr-CA",
        "exercise-low-back-pain.en-CA",
        "exercise-low-back-pain.fr-CA",
    )


def test_model_is_frozen_and_uses_tuples(article: bc.Article) -> None:
    with pytest.raises(ValueError, match="frozen"):
        article.title = "changed"  # type: ignore[misc]
    assert isinstance(article.causes.items, tuple)
    assert isinstance(article.lede, tuple)


def test_every_summary_is_short_and_every_item_has_a_body(article: bc.Article) -> None:
    sections = (article.mechanisms, article.causes, article.lifestyle, article.therapies)
    for section in sections:
        assert len(section.summary.split()) <= 25
        for item in section.items:
            assert item.title
            assert item.body
            assert len(item.summary.split()) <= 25
            assert len(item.summary) < len(item.body)


def test_load_article_from_a_path_gives_an_equal_article(
    tmp_path: Path, article: bc.Article
) -> None:
    path = tmp_path / "guide.toml"
    path.write_text(BUNDLED, encoding="utf-8")
    assert bc.load_article(path) == article
    assert bc.load_article(str(path)) == article


@dataclasses.dataclass(frozen=True)
class Bad:
    name: str
    old: str
    new: str
    field: str | None
    problem: str


# Each case edits the bundled file's text and names the field and the problem expected.
BAD_ARTICLES = [
    Bad(
        "malformed TOML",
        'id = "dry-needling-back-pain"',
        "id = dry-needling",
        None,
        "is not valid TOML",
    ),
    Bad("missing field", 'title = "Regain', 'titel = "Regain', "title", "is required but missing"),
    Bad(
        "wrong type", "typical_min = 3", 'typical_min = "three"', "sessions.typical_min", "integer"
    ),
    Bad(
        "unknown field",
        'condition = "Back pain"',
        'condition = "Back pain"\ncolour = "red"',
        "colour",
        "not a known field",
    ),
    Bad(
        "long summary",
        'summary = "Long-lasting pain, such as ongoing low back pain,',
        'summary = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen',
        "causes.items[2].summary",
        "words; a summary has at most 25",
    ),
    Bad(
        "control character",
        'title = "Muscle Strain"',
        'title = "Muscle\\u0007Strain"',
        "causes.items[0].title",
        "control character U+0007",
    ),
    Bad(
        "bidi override",
        'title = "Quit Smoking"',
        'title = "Quit \\u202eSmoking"',
        "lifestyle.items[5].title",
        "bidi control character U+202E",
    ),
    Bad(
        "newline in a title",
        'heading = "Stop Living In Pain"',
        'heading = "Stop\\nLiving"',
        "closing.heading",
        "single line",
    ),
    Bad(
        "empty text",
        'heading = "Stop Living In Pain"',
        'heading = "  "',
        "closing.heading",
        "must not be empty",
    ),
    Bad(
        "bad language tag",
        'language = "en-CA"',
        'language = "english"',
        "language",
        "language tag such as en-CA",
    ),
    Bad(
        "bad id",
        'id = "dry-needling-back-pain"',
        'id = "../../etc/passwd"',
        "id",
        "lowercase letters",
    ),
    Bad(
        "bad date",
        "updated = 2026-12-07",
        'updated = "last week"',
        "provenance.updated",
        "date",
    ),
    Bad(
        "range reversed",
        "typical_max = 6",
        "typical_max = 2",
        "sessions",
        "larger than typical_max",
    ),
    Bad(
        "invitation without clinic",
        "effective solution, {clinic} is here",
        "effective solution, we are here",
        "closing.invitation",
        "{clinic} exactly once",
    ),
]


@pytest.mark.parametrize("case", BAD_ARTICLES, ids=lambda case: case.name)
def test_bad_article_file_names_file_field_and_problem(tmp_path: Path, case: Bad) -> None:
    assert case.old in BUNDLED, f"case {case.name!r} no longer matches the bundled file"
    path = tmp_path / "guide.toml"
    path.write_text(BUNDLED.replace(case.old, case.new, 1), encoding="utf-8")
    with pytest.raises(bc.ContentError) as caught:
        bc.load_article(path)
    error = caught.value
    message = str(error)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert error.field == case.field
    assert case.problem in error.problem


def test_empty_item_list_is_refused(tmp_path: Path) -> None:
    head, _, _ = BUNDLED.partition("[[therapies.items]]")
    tail = BUNDLED.partition("[closing]")[2]
    path = tmp_path / "guide.toml"
    path.write_text(head + "items = []\n\n[closing]" + tail, encoding="utf-8")
    with pytest.raises(bc.ContentError, match=r"therapies\.items: .*at least 1"):
        bc.load_article(path)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda d: d / "missing.toml", "no such file"),
        (lambda d: d, "is a folder"),
        (lambda d: _write(d / "latin1.toml", "title = 'Zoë'".encode("latin-1")), "not UTF-8"),
        (lambda d: _write(d / "huge.toml", b"#" * (2 * 1024 * 1024)), "larger than 1 MiB"),
    ],
    ids=["missing", "directory", "not-utf8", "too-large"],
)
def test_unreadable_files_are_named(tmp_path: Path, make, problem: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(bc.ContentError) as caught:
        bc.load_article(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert problem in str(caught.value)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_error_message_stays_on_one_line_even_for_a_file_name_with_a_newline(
    tmp_path: Path,
) -> None:
    path = tmp_path / "two\nlines.toml"
    with pytest.raises(bc.ContentError) as caught:
        bc.load_article(path)
    assert "\n" not in str(caught.value)


# Clinic files


def _clinic(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "clinic.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_clinic_file_loads_and_resolves_logo_beside_it(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (40, 20), (29, 92, 135)).save(tmp_path / "logo.png")
    path = _clinic(
        tmp_path,
        'name = "Example Physio"\nlocation = "Springfield"\nphone = "+1 555 010 0000"\n'
        'email = "front@example.org"\nwebsite = "https://example.org/"\n'
        'booking_url = "https://example.org/book"\nlogo = "logo.png"\naccent_colour = "#8a1c1c"\n',
    )
    clinic = bc.load_clinic(path)
    assert clinic.logo == (tmp_path / "logo.png").resolve()
    assert clinic.logo.is_absolute()
    assert clinic.link == "https://example.org/book"


@pytest.mark.parametrize(
    ("line", "field", "problem"),
    [
        ('website = "javascript:alert(1)"', "website", "absolute https:// URL"),
        ('booking_url = "data:text/html,hi"', "booking_url", "absolute https:// URL"),
        ('website = "mailto:front@example.org"', "website", "absolute https:// URL"),
        ('website = "http://example.org/"', "website", "absolute https:// URL"),
        ('website = "https://example.org/\\"onmouseover=x"', "website", "without spaces, quotes"),
        # A browser reads "https:///nohost" as https://nohost/ (WHATWG): that is a host.
        ('website = "https://"', "website", "must be a URL such as"),
        ('website = "https://user@example.org/"', "website", "user name or password"),
        ('email = "front@example.org\\nBcc: all@example.org"', "email", "email address"),
        ('phone = "call us"', "phone", "phone number"),
        ('accent_colour = "#ffff00"', "accent_colour", "contrast of 1.07:1"),
        ('accent_colour = "red"', "accent_colour", "#rrggbb"),
        (
            'logo = "nowhere.png"',
            "logo",
            "must be a readable PNG or JPEG image inside the clinic file's folder",
        ),
    ],
)
def test_bad_clinic_fields_are_refused(tmp_path: Path, line: str, field: str, problem: str) -> None:
    path = _clinic(tmp_path, f'name = "Example Physio"\n{line}\n')
    with pytest.raises(bc.ContentError) as caught:
        bc.load_clinic(path)
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{path}: {field}: ")


def test_content_error_survives_pickling(tmp_path: Path) -> None:
    """Errors raised in worker processes reach the command line intact."""
    import pickle

    error = bc.ContentError(tmp_path / "clinic.toml", "logo", "is not a PNG or JPEG image")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert (copy.source, copy.field, copy.problem) == (error.source, error.field, error.problem)
    assert str(copy) == str(error)
