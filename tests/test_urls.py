"""Links that cannot lie: every URL in every input is parsed as a browser parses it (the
WHATWG URL Standard), kept in that form, and refused, with one line naming the file and
field, when it holds what would make it read as another address."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

import backpain_content as bc
from backpain_content.errors import ContentError
from backpain_content.options import GuideLink
from backpain_content.urls import link_url, url_pattern, web_url
from command import run_cli

LYING = {
    "right-to-left override": "https://example.org/files/\u202efdp.exe",
    "zero-width space in the host": "https://exam\u200bple.org/",
    "bell character": "https://example.org/book\x07",
    "port 99999": "https://example.org:99999/book",
    "port 0": "https://example.org:0/book",
    "user and password": "https://user:secret@example.org/book",
    "a clinic's name as user": "https://avenue-physio.example@evil.example/",
    "Cyrillic a in a Latin host": "https://\u0430pple.com/",
    "Greek o in a Latin host": "https://g\u03bfogle.com/",
    "plain http": "http://example.org/",
    "javascript": "javascript:alert(1)",
    "data": "data:text/html,<script>alert(1)</script>",
    "no host": "https://",
    "space": "https://example.org/a b",
    "no-break space": "https://example.org/a\u00a0b",
    "quote": 'https://example.org/"onmouseover="x',
}

PROBLEMS = {
    "right-to-left override": "control or invisible character (U+202E)",
    "zero-width space in the host": "control or invisible character (U+200B)",
    "bell character": "control or invisible character (U+0007)",
    "port 99999": "has a port that is not a number from 1 to 65535",
    "port 0": "has a port that is not a number from 1 to 65535",
    "user and password": "must not hold a user name or password",
    "a clinic's name as user": "must not hold a user name or password",
    "Cyrillic a in a Latin host": "mixes scripts (Cyrillic and Latin)",
    "Greek o in a Latin host": "mixes scripts (Greek and Latin)",
    "plain http": "must be an absolute https:// URL",
    "javascript": "must be an absolute https:// URL",
}


@pytest.mark.parametrize("name", LYING)
def test_a_lying_url_is_refused_and_the_reason_named(name: str) -> None:
    with pytest.raises(ValueError, match=r"^(must|has)") as raised:
        web_url(LYING[name])
    assert PROBLEMS.get(name, "must be") in str(raised.value)
    if len(LYING[name]) > len("https://"):  # never the value itself
        assert LYING[name] not in str(raised.value)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://Example.ORG", "https://example.org/"),
        ("https://example.org:443/book", "https://example.org/book"),
        ("https://bücher.example/Ärzte", "https://xn--bcher-kva.example/%C3%84rzte"),
        ("https://пример.рф/", "https://xn--e1afmkfd.xn--p1ai/"),
        ("https://日本語.jp/", "https://xn--wgv71a119e.jp/"),
        ("https://example.org/a?b=1#c", "https://example.org/a?b=1#c"),
        ("https://example.org:8443/x", "https://example.org:8443/x"),
    ],
)
def test_a_url_is_kept_as_a_browser_writes_it(given: str, kept: str) -> None:
    assert web_url(given) == kept
    assert web_url(kept) == kept


def test_a_guide_address_pattern_keeps_its_placeholders() -> None:
    pattern = "https://Example.org/guides/{id}?lang={language}"
    assert url_pattern(pattern) == "https://example.org/guides/{id}?lang={language}"
    with pytest.raises(ValueError, match="user name"):
        url_pattern("https://u:p@example.org/{id}")
    with pytest.raises(ValueError, match="braces"):
        url_pattern("https://example.org/{other}")


@pytest.mark.parametrize("name", LYING)
@pytest.mark.parametrize("field", ["website", "booking_url", "guide_url"])
def test_every_url_of_a_clinic_is_checked(field: str, name: str) -> None:
    with pytest.raises(ContentError) as raised:
        bc.Clinic(name="Example Physio", **{field: LYING[name]})
    assert raised.value.field == field
    assert str(raised.value).startswith(f"Clinic: {field}: ")


def test_a_reference_url_is_checked() -> None:
    article = bc.load_article()
    data = article.model_dump(mode="json")
    data["references"][0]["url"] = LYING["right-to-left override"]
    with pytest.raises(ContentError, match=r"^Article: references\[0\]\.url: must be a URL"):
        bc.Article.model_validate(data)


@pytest.mark.parametrize("value", ["x.fr-CA.html", "/guides/x", "../x.html"])
def test_a_link_may_be_a_page_of_the_host_site(value: str) -> None:
    assert link_url(value) == value


@pytest.mark.parametrize(
    "value", ["//evil.example/x", "javascript:alert(1)", "x\u202e.html", "a b", "x'y"]
)
def test_a_link_is_never_a_script_or_another_host_by_stealth(value: str) -> None:
    with pytest.raises(ValueError, match=r"^must"):
        link_url(value)
    with pytest.raises(ContentError, match=r"GuideLink: url: "):
        GuideLink(id="x", language="en-CA", title="X", url=value)


def test_a_clinic_file_with_a_lying_url_is_one_line_naming_file_and_field(
    tmp_path: Path,
) -> None:
    clinic = tmp_path / "clinic.toml"
    clinic.write_text(
        'name = "Example Physio"\nbooking_url = "https://example.org/book\\u0007"\n', "utf-8"
    )
    done = run_cli("export", "--format", "html", "--clinic", str(clinic), "--out", str(tmp_path))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip() == (
        f"backpain-content: error: {clinic}: booking_url: must be a URL without a control "
        "or invisible character (U+0007)"
    )
    assert not list(tmp_path.glob("*.html"))


def test_every_format_writes_the_url_as_parsed(tmp_path: Path) -> None:
    """The href, the PDF's link and the QR code's text all hold the parsed form."""
    clinic = bc.Clinic(
        name="Example Physio",
        website="https://Bücher.example/Ärzte",
        booking_url="https://Bücher.example/Ärzte",
    )
    kept = "https://xn--bcher-kva.example/%C3%84rzte"
    assert clinic.website == kept
    html = str(bc.render_html(bc.load_article(), clinic=clinic))
    assert f'href="{kept}"' in html
    assert "Bücher" not in html
    pdf = bc.render("pdf", bc.load_article(), clinic=clinic).data
    assert kept.encode() in pdf or _in_streams(pdf, kept)
    epub = bc.render("epub", bc.load_article(), clinic=clinic).data
    with zipfile.ZipFile(io.BytesIO(epub)) as book:
        texts = [
            book.read(name).decode("utf-8") for name in book.namelist() if name.endswith("html")
        ]
    assert any(kept in text for text in texts)
    assert not any("Bücher" in text for text in texts)


def _in_streams(pdf: bytes, text: str) -> bool:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for annot in page.get("/Annots", []):
                action = annot.get("/A")
                if action is not None and str(action.get("/URI", "")) == text:
                    return True
    return False
