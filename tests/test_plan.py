"""A patient's own plan in every format, and the care its personal health information needs.

A plan is personal health information: besides showing it where the patient reads, these
tests look for it where it must not be (file names, metadata, identifiers, bookmarks,
messages, caches) and check that two patients' copies share nothing personal.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import gc
import io
import re
import subprocess
import threading
import unicodedata
import zipfile
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pypdf import PdfReader

import backpain_content as bc
import clinics
from backpain_content.model import PLAN_NOTE_MAX, PLAN_PATIENT_MAX, PLAN_PHYSIOTHERAPIST_MAX
from command import run_cli
from hostile import CORPUS
from htmltools import visible_text
from needs import require_tool
from tagged_pdf import assert_tagged
from test_epub import _ace, _epubcheck

PLAN_FORMATS = [fmt for fmt in bc.FORMATS if fmt.personal]
"""The formats made for one patient (not the waiting room's brochure and poster)."""
LABELS = bc.labels_for("en-CA")
NS = {"opf": "http://www.idpf.org/2007/opf", "x": "http://www.w3.org/1999/xhtml"}
TIPS = ("change-your-posture-often", "stretch-daily")
EVERY_LIMIT = {"pdf": 2, "pdf-large": 6}

# Two patients whose every text is distinctive, so that finding it anywhere means it leaked.
ZOE = {
    "patient": "Zoë Łukasz",
    "physiotherapist": "Amrit Dhillon, physiotherapist",
    "sessions": (3, 6),
    "next_appointment": datetime.datetime(2026, 12, 3, 9, 30),
    "home_tips": TIPS,
    "note": "Walk ten minutes after lunch.",
    "made": datetime.date(2026, 11, 25),
}
OMAR = {
    "patient": "Omar Quennell",
    "physiotherapist": "Bettina Vasquez-Ortiz, kinesiologist",
    "sessions": 8,
    "next_appointment": datetime.date(2027, 1, 14),
    "home_tips": ("quit-smoking",),
    "note": "Swim on Saturdays if your shoulder allows.",
    "made": datetime.date(2026, 12, 1),
}
# What each of Zoë's fields reads as, in every format.
ZOE_SHOWN = {
    "patient": "Zoë Łukasz",
    "physiotherapist": "Amrit Dhillon, physiotherapist",
    "sessions": "3 to 6",
    "next_appointment": "Thursday, December 3, 2026, 9:30 a.m.",
    "note": "Walk ten minutes after lunch.",
    "made": "November 25, 2026",
}
OMAR_SHOWN = {
    "patient": "Omar Quennell",
    "physiotherapist": "Bettina Vasquez-Ortiz, kinesiologist",
    "sessions": "8",
    "next_appointment": "Thursday, January 14, 2027",
    "note": "Swim on Saturdays if your shoulder allows.",
    "made": "December 1, 2026",
}
# Values only a plan has (the sessions "8" could be anyone's number): what must never leak.
PERSONAL = ("Zoë", "Łukasz", "Amrit", "Dhillon", "lunch", "Omar", "Quennell", "Bettina", "Swim")


def _plan(**fields: Any) -> bc.PatientPlan:
    return bc.PatientPlan(**fields)


def _spaces(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(pdf: bytes, tmp_path: Path, layout: bool = False) -> str:
    path = tmp_path / "handout.pdf"
    path.write_bytes(pdf)
    pdftotext = require_tool("pdftotext")
    args = [pdftotext, *(["-layout"] if layout else []), str(path), "-"]
    result = subprocess.run(args, capture_output=True, text=True, check=True)
    return result.stdout


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _leaks(text: str) -> list[str]:
    return [word for word in PERSONAL if word in text]


@pytest.fixture(scope="module")
def full_clinic(tmp_path_factory: pytest.TempPathFactory) -> bc.Clinic:
    return clinics.full_clinic(tmp_path_factory.mktemp("logo") / "logo.png")


# The plan itself


def test_a_plan_with_every_field_and_one_with_only_the_required(article: bc.Article) -> None:
    full = _plan(**ZOE)
    assert full.sessions == (3, 6)
    assert full.home_tips == TIPS
    least = _plan(physiotherapist="Amrit Dhillon", sessions=4)
    assert (least.patient, least.next_appointment, least.note, least.made) == (None,) * 4
    assert least.home_tips == ()
    full.check(article)
    least.check(article)
    with pytest.raises(Exception, match="frozen"):
        full.note = "changed"  # type: ignore[misc]


def test_every_item_has_a_stable_unique_id(article: bc.Article) -> None:
    ids = [item.id for item in article.items()]
    assert len(ids) == len(set(ids))
    assert article.lifestyle.items[2].id == "stretch-daily"
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    data = article.model_dump(mode="json")
    data["causes"]["items"][1]["id"] = data["causes"]["items"][0]["id"]
    with pytest.raises(bc.ContentError, match="is used twice"):
        bc.Article.model_validate(data)


def test_the_example_plan_file_of_the_issue_loads(article: bc.Article, tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(
        'patient = "Zoë Łukasz"\n'
        'physiotherapist = "Amrit Dhillon, physiotherapist"\n'
        "sessions = 4                      # or [3, 6]\n"
        "next_appointment = 2026-12-03T09:30:00\n"
        'home_tips = ["stretch-daily", "change-your-posture-often"]\n'
        'note = "Walk ten minutes after lunch."\n',
        encoding="utf-8",
    )
    plan = bc.load_plan(path, article)
    assert plan.next_appointment == datetime.datetime(2026, 12, 3, 9, 30)
    assert plan.sessions == 4


def test_a_date_alone_is_a_date_not_midnight() -> None:
    plan = bc.PatientPlan.model_validate_json(
        '{"physiotherapist": "A", "sessions": [3, 6], "next_appointment": "2026-12-03"}'
    )
    assert plan.next_appointment == datetime.date(2026, 12, 3)
    assert not isinstance(plan.next_appointment, datetime.datetime)


BAD_PLANS = {
    "unknown tip": ('home_tips = ["stretch-daily", "levitate-daily"]', "home_tips[1]"),
    "sessions zero": ("sessions = 0", "sessions"),
    "sessions too many": ("sessions = 101", "sessions"),
    "sessions range backwards": ("sessions = [6, 3]", "sessions"),
    "sessions as text": ('sessions = "four"', "sessions"),
    "appointment without a date": ("next_appointment = 09:30:00", "next_appointment"),
    "appointment with an offset": (
        "next_appointment = 2026-12-03T09:30:00-07:00",
        "next_appointment",
    ),
    "appointment not a date": ('next_appointment = "next Tuesday"', "next_appointment"),
    "note over the limit": (f'note = "{"Secretnote " * 13}"', "note"),
    "note on two lines": ('note = "Secretnote\\nline two"', "note"),
    "name over the limit": (f'patient = "Secretname {"x" * PLAN_PATIENT_MAX}"', "patient"),
    "unknown field": ('diagnosis = "Secretnote"', "diagnosis"),
    "tip named twice": ('home_tips = ["stretch-daily", "stretch-daily"]', "home_tips"),
    "malformed file": ('patient = "Secretname', None),
}
BASE_PLAN = {
    "patient": 'patient = "Secretname Zoë"',
    "physiotherapist": 'physiotherapist = "Secretphysio Dhillon"',
    "sessions": "sessions = 4",
    "next_appointment": "next_appointment = 2026-12-03T09:30:00",
    "home_tips": 'home_tips = ["stretch-daily"]',
    "note": 'note = "Secretnote walk daily"',
}


@pytest.mark.parametrize("case", BAD_PLANS)
def test_a_bad_plan_is_one_line_naming_the_field_but_no_patient_data(
    case: str, tmp_path: Path
) -> None:
    line, field = BAD_PLANS[case]
    key = line.split(" ", 1)[0]
    lines = dict(BASE_PLAN)
    lines[key] = line
    path = tmp_path / "plan.toml"
    path.write_text("\n".join(lines.values()) + "\n", encoding="utf-8")
    result = run_cli("export", "--plan", str(path), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    message = result.stderr.strip()
    assert "\n" not in message
    assert "Traceback" not in message
    assert message.startswith(f"backpain-content: error: {path}: "), message
    if field:
        assert f": {field}: " in message, message
    assert "Secret" not in message, message
    assert "Zoë" not in message, message
    if case == "unknown tip":  # the guide's id, named: it is no patient's data
        assert "'levitate-daily'" in message
    assert not (tmp_path / "out").exists()


def test_a_plan_for_another_guide_is_an_error_from_the_api(article: bc.Article) -> None:
    plan = _plan(physiotherapist="A", sessions=2, home_tips=("levitate-daily",))
    for call in (
        lambda: bc.render_pdf(article, plan=plan),
        lambda: bc.render_html(article, plan=plan),
        lambda: bc.render_epub(article, plan=plan),
    ):
        with pytest.raises(bc.ContentError, match=r"plan\.home_tips\[0\]: names no home tip"):
            call()


# In every format


@pytest.fixture(scope="module")
def zoe_pdf(article: bc.Article) -> bytes:
    return bc.render_pdf(article, plan=_plan(**ZOE))


def test_handout_shows_every_field_and_ticks_the_chosen_tips(
    article: bc.Article, zoe_pdf: bytes, tmp_path: Path
) -> None:
    text = _spaces(_pdf_text(zoe_pdf, tmp_path))
    for field, shown in ZOE_SHOWN.items():
        assert shown in text, field
    assert LABELS.plan_for.format(patient="Zoë Łukasz") in text
    # Read in layout order, the X is in the box before each chosen tip, and only there.
    lines = _pdf_text(zoe_pdf, tmp_path, layout=True).splitlines()
    for tip in article.lifestyle.items:
        (line,) = [line for line in lines if tip.title in line]
        assert line.lstrip().startswith("X ") == (tip.id in TIPS), line
    # The other tips are still listed.
    assert all(tip.title in text for tip in article.lifestyle.items)


def test_handout_without_optional_fields(article: bc.Article, tmp_path: Path) -> None:
    pdf = bc.render_pdf(article, plan=_plan(physiotherapist="Amrit Dhillon", sessions=4))
    text = _spaces(_pdf_text(pdf, tmp_path))
    assert f"{LABELS.my_plan} " in text
    assert "Physiotherapist: Amrit Dhillon" in text
    assert "Sessions planned: 4" in text
    for label in (LABELS.plan_next, LABELS.plan_note, LABELS.plan_made, "for "):
        assert f"{label}:" not in text
    layout = _pdf_text(pdf, tmp_path, layout=True)
    assert not re.search(r"^\s*X ", layout, re.MULTILINE)


def test_a_plan_without_optional_fields_renders_in_every_format(article: bc.Article) -> None:
    plan = _plan(physiotherapist="Amrit Dhillon", sessions=4)
    for fmt in PLAN_FORMATS:
        text = bc.render(fmt.name, article, plan=plan).data
        assert text != bc.render(fmt.name, article).data, fmt.name
    html = str(bc.render_html(article, plan=plan))
    shown = _spaces(visible_text(html, fragment=True))
    assert "Physiotherapist Amrit Dhillon Sessions planned 4" in shown
    assert LABELS.plan_tips not in shown  # no tips chosen: no list of them
    entries = _entries(bc.render_epub(article, plan=plan))
    assert "Amrit Dhillon" in entries["EPUB/plan.xhtml"].decode("utf-8")


def _longest(limit: int, words: str) -> str:
    """Ordinary words (not the widest letters), cut to `limit` characters."""
    return (words * (limit // len(words) + 1))[:limit].strip()


LONGEST = {
    "patient": _longest(PLAN_PATIENT_MAX, "Marie-Hélène Abernathy-Okonkwo Wojciechowska "),
    "physiotherapist": _longest(
        PLAN_PHYSIOTHERAPIST_MAX, "Dr Amrit Kaur Dhillon-Henderson, registered physiotherapist "
    ),
    "sessions": (10, 12),
    "next_appointment": datetime.datetime(2026, 9, 30, 12, 30),
    "note": _longest(
        PLAN_NOTE_MAX,
        "Walk for ten minutes after lunch, stretch your hamstrings twice a day, and use heat "
        "before the stretches. ",
    ),
    "made": datetime.date(2026, 9, 30),
}


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("large_print", [False, True])
@pytest.mark.parametrize("kind", ["default", "full"])
def test_the_page_limits_hold_for_the_longest_plan(
    article: bc.Article,
    full_clinic: bc.Clinic,
    paper: bc.Paper,
    large_print: bool,
    kind: str,
    tmp_path: Path,
) -> None:
    """Every tip chosen, the longest note and names allowed: still 2 pages (6 in large print)."""
    plan = _plan(**LONGEST, home_tips=tuple(tip.id for tip in article.lifestyle.items))
    options = bc.HandoutOptions(paper=paper, large_print=large_print)
    clinic = full_clinic if kind == "full" else None
    result = bc.render(
        "pdf-large" if large_print else "pdf", article, clinic=clinic, paper=paper, plan=plan
    )
    assert result.pages is not None
    assert not result.too_long, f"{result.pages} pages"
    assert result.data == bc.render_pdf(article, clinic=clinic, options=options, plan=plan)
    assert_tagged(result.data)  # the box broken across pages too
    text = _spaces(_pdf_text(result.data, tmp_path))
    for field in ("patient", "physiotherapist", "note"):
        assert _spaces(LONGEST[field]) in text, field
    layout = _pdf_text(result.data, tmp_path, layout=True)
    ticked = re.findall(r"^\s*X ", layout, re.MULTILINE)
    assert len(ticked) == len(article.lifestyle.items)


def test_html_snippet_shows_the_plan_above_the_guide(article: bc.Article) -> None:
    html = str(bc.render_html(article, plan=_plan(**ZOE)))
    text = _spaces(visible_text(html, fragment=True))
    for field, shown in ZOE_SHOWN.items():
        assert shown in text, field
    plan_at = html.index('class="bpc-plan"')
    assert plan_at < html.index('class="bpc-contents"')
    assert plan_at < html.index('id="bpc-mechanisms"')
    chosen = re.findall(
        r'<li><strong class="bpc-chosen">[^<]*</strong> <strong class="bpc-item-title">([^<]*)',
        html,
    )
    assert [title.rstrip(LABELS.term_separator) for title in chosen] == [
        tip.title for tip in article.lifestyle.items if tip.id in TIPS
    ]
    assert html.count('<strong class="bpc-item-title">') > len(article.lifestyle.items)
    # The plan's own styles come with it; without a plan they are not there at all.
    assert ".bpc-plan" in html
    assert ".bpc-plan" not in str(bc.render_html(article))


def test_html_plan_alone_above_chosen_sections(article: bc.Article) -> None:
    options = bc.HtmlOptions(sections=("lifestyle",), heading_level=2)
    html = str(bc.render_html(article, plan=_plan(**ZOE), options=options))
    assert html.index('class="bpc-plan"') < html.index('class="bpc-section bpc-lifestyle"')
    assert html.count('class="bpc-chosen"') == len(TIPS)
    assert '<h2 id="bpc-part-plan-heading">' in html


@pytest.fixture(scope="module")
def zoe_epub(article: bc.Article) -> bytes:
    return bc.render_epub(article, plan=_plan(**ZOE))


def test_epub_has_your_plan_after_the_title_page_and_in_the_contents(zoe_epub: bytes) -> None:
    entries = _entries(zoe_epub)
    opf = etree.fromstring(entries["EPUB/content.opf"])
    ids = {i.get("href"): i.get("id") for i in opf.iterfind("opf:manifest/opf:item", NS)}
    spine = [ref.get("idref") for ref in opf.iterfind("opf:spine/opf:itemref", NS)]
    assert spine.index(ids["plan.xhtml"]) == spine.index(ids["title.xhtml"]) + 2  # after nav
    nav = etree.fromstring(entries["EPUB/nav.xhtml"])
    links = [(a.get("href"), a.text) for a in nav.iterfind(".//x:nav[@id='toc']//x:a", NS)]
    assert links[1] == ("plan.xhtml", LABELS.your_plan)
    plan = _spaces(visible_text(entries["EPUB/plan.xhtml"].decode("utf-8")))
    for field, shown in ZOE_SHOWN.items():
        assert shown in plan, field
    tips = entries["EPUB/lifestyle.xhtml"].decode("utf-8")
    assert tips.count('class="bpc-chosen"') == len(TIPS)


def test_personal_epub_passes_epubcheck_and_ace(zoe_epub: bytes, tmp_path: Path) -> None:
    assert _epubcheck(zoe_epub, tmp_path) == []
    assert _ace(zoe_epub, tmp_path) == []


def _message(article: bc.Article, **kwargs: Any) -> EmailMessage:
    return bc.build_guide_email(
        article, to="patient@example.org", sender="clinic@example.org", **kwargs
    )


def _bodies(message: EmailMessage) -> tuple[str, str]:
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    plain = parsed.get_body(("plain",))
    html = parsed.get_body(("html",))
    assert plain is not None
    assert html is not None
    return plain.get_content(), html.get_content()


def test_email_names_the_appointment_and_physiotherapist_and_attaches_the_own_epub(
    article: bc.Article, zoe_epub: bytes
) -> None:
    message = _message(article, plan=_plan(**ZOE))
    plain, html = _bodies(message)
    expected = LABELS.email_plan_next.format(
        when=ZOE_SHOWN["next_appointment"], physiotherapist=ZOE_SHOWN["physiotherapist"]
    )
    assert expected in _spaces(plain)
    assert expected in _spaces(visible_text(html))
    assert LABELS.email_greeting_named.format(name="Zoë Łukasz") in plain
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content() == zoe_epub
    assert attachment.get_filename() == f"{article.id}.epub"
    without_time = _message(article, plan=_plan(physiotherapist="Amrit Dhillon", sessions=2))
    plain, _ = _bodies(without_time)
    assert LABELS.email_plan_physiotherapist.format(physiotherapist="Amrit Dhillon") in plain
    assert LABELS.email_greeting in plain


def test_email_greets_by_the_name_given_over_the_plans(article: bc.Article) -> None:
    plain, _ = _bodies(_message(article, plan=_plan(**ZOE), patient_name="Zo"))
    assert LABELS.email_greeting_named.format(name="Zo") in plain


HOSTILE_TEXT = {
    name: CORPUS[name]
    for name in (
        "script",
        "img-onerror",
        "ampersand",
        "entities",
        "cdata-end",
        "quotes",
        "jinja",
        "reportlab-img",
        "reportlab-link",
        "reportlab-font",
        "style-breakout",
    )
}
"""The corpus's markup and script (its other scripts and combining marks are beyond the
handout's font: `test_characters_the_handout_cannot_print...`)."""


@pytest.mark.parametrize("name", HOSTILE_TEXT)
def test_hostile_text_in_every_plan_field_is_literal_in_every_format(
    article: bc.Article, name: str, tmp_path: Path
) -> None:
    text = unicodedata.normalize("NFC", HOSTILE_TEXT[name])  # as the model keeps text
    plan = _plan(
        patient=text[:PLAN_PATIENT_MAX],
        physiotherapist=text[:PLAN_PHYSIOTHERAPIST_MAX],
        sessions=3,
        note=text[:PLAN_NOTE_MAX],
        home_tips=TIPS,
    )
    html = str(bc.render_html(article, plan=plan))
    assert _spaces(text) in _spaces(visible_text(html, fragment=True))
    assert "<script>" not in html
    assert "<img src=x" not in html
    pdf = bc.render_pdf(article, plan=plan)
    assert _spaces(text[:PLAN_PATIENT_MAX]) in _spaces(_pdf_text(pdf, tmp_path))
    entries = _entries(bc.render_epub(article, plan=plan))
    document = etree.fromstring(entries["EPUB/plan.xhtml"])  # well-formed XML
    assert _spaces(text) in _spaces("".join(document.itertext()))
    message = _message(article, plan=plan)
    plain, _ = _bodies(message)
    assert _spaces(text[:PLAN_PHYSIOTHERAPIST_MAX]) in _spaces(plain)


def test_characters_the_handout_cannot_print_are_named_by_field_not_shown(
    article: bc.Article,
) -> None:
    plan = _plan(physiotherapist="Amrit 🙂 Dhillon", sessions=3)
    with pytest.raises(bc.ContentError) as raised:
        bc.render_pdf(article, plan=plan)
    assert "plan.physiotherapist" in str(raised.value)
    assert "🙂" not in str(raised.value)
    assert "U+1F642" not in str(raised.value)
    assert "Amrit" not in str(raised.value)


# Personal health information


def _pdf_metadata(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    parts = [str(v) for v in (reader.metadata or {}).values()]

    def outline(items: list[Any]) -> Iterator[str]:
        for item in items:
            if isinstance(item, list):
                yield from outline(item)
            else:
                yield str(item.title)

    parts += outline(reader.outline)
    parts += [str(reader.trailer.get("/ID"))]
    if "/Metadata" in reader.trailer["/Root"]:
        parts.append(reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode())
    return "\n".join(parts)


def test_no_plan_data_in_pdf_metadata_bookmarks_or_id(article: bc.Article, zoe_pdf: bytes) -> None:
    metadata = _pdf_metadata(zoe_pdf)
    assert LABELS.my_plan in metadata  # the bookmark is there, without the name
    assert _leaks(metadata) == []
    # The same metadata and document ID as the guide without a plan.
    assert metadata == _pdf_metadata(bc.render_pdf(article))


def test_no_plan_data_in_epub_metadata_navigation_or_identifier(
    article: bc.Article, zoe_epub: bytes
) -> None:
    entries = _entries(zoe_epub)
    for name in ("EPUB/content.opf", "EPUB/nav.xhtml", "EPUB/toc.ncx", "META-INF/container.xml"):
        assert _leaks(entries[name].decode("utf-8")) == [], name
    for name, data in entries.items():
        assert _leaks(name) == []
        if name.endswith(".xhtml"):
            title = etree.fromstring(data).findtext("x:head/x:title", namespaces=NS)
            assert title, name
            assert _leaks(title) == [], name
    omar = _entries(bc.render_epub(article, plan=_plan(**OMAR)))
    generic = _entries(bc.render_epub(article))

    def identifier(files: dict[str, bytes]) -> str:
        opf = etree.fromstring(files["EPUB/content.opf"])
        value = opf.findtext(".//{http://purl.org/dc/elements/1.1/}identifier")
        assert value
        return value

    # One identifier for every patient's copy (nothing derived from a plan can be matched
    # against a guessed name), and not the guide's own.
    assert identifier(entries) == identifier(omar) != identifier(generic)


def test_no_plan_data_in_html_attributes(article: bc.Article) -> None:
    html = str(bc.render_html(article, plan=_plan(**ZOE), options=bc.HtmlOptions(standalone=True)))
    root = etree.fromstring(html.encode("utf-8"), etree.HTMLParser())
    for element in root.iter():
        for name, value in element.attrib.items():
            assert _leaks(value) == [], (element.tag, name)
    assert _leaks(root.findtext(".//title") or "") == []


def test_personal_file_names_and_chosen_file_stem(article: bc.Article, tmp_path: Path) -> None:
    written = bc.export(article, tmp_path / "out", plan=_plan(**ZOE))
    names = sorted(path.name for path in written)
    assert names == sorted(
        f"{article.id}.{article.language}.personal{fmt.suffix}" for fmt in PLAN_FORMATS
    )
    assert all(_leaks(name) == [] for name in names)
    assert bc.render("pdf", article, plan=_plan(**ZOE)).filename.endswith(".personal.pdf")


def test_export_command_writes_personal_files_under_neutral_or_chosen_names(
    article: bc.Article, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(
        'patient = "Zoë Łukasz"\nphysiotherapist = "Amrit Dhillon"\nsessions = 4\n'
        'home_tips = ["stretch-daily"]\n',
        encoding="utf-8",
    )
    result = run_cli(
        "export", "--plan", str(plan), "--format", "pdf", "--out", "out", cwd=tmp_path, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == [
        f"{article.id}.{article.language}.personal.pdf"
    ]
    assert _leaks(result.stdout + result.stderr) == []
    chosen = run_cli(
        "export", "--plan", str(plan), "--format", "pdf", "--out", "chart",
        "--file-stem", "chart-1042", cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert chosen.returncode == 0, chosen.stderr
    assert [p.name for p in (tmp_path / "chart").iterdir()] == ["chart-1042.pdf"]
    for stem in ("Zoë Łukasz", "../up", ".hidden", "a/b", ""):
        bad = run_cli(
            "export", "--plan", str(plan), "--out", "bad", "--file-stem", stem, cwd=tmp_path
        )
        assert bad.returncode == 2, stem
        assert "file-stem" in bad.stderr, bad.stderr
        assert not stem or stem not in bad.stderr, bad.stderr
        assert not (tmp_path / "bad").exists()
    group = run_cli("export", "--plan", str(plan), "--clinics", str(plan), cwd=tmp_path)
    assert group.returncode == 2
    assert "--plan" in group.stderr


def test_email_command_with_a_plan_writes_only_the_eml(article: bc.Article, tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(
        'patient = "Zoë Łukasz"\nphysiotherapist = "Amrit Dhillon"\nsessions = 4\n'
        "next_appointment = 2026-12-03T09:30:00\n",
        encoding="utf-8",
    )
    result = run_cli(
        "email", "--plan", str(plan), "--to", "zoe@example.org", "--from", "clinic@example.org",
        "--eml", "message.eml", cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["message.eml", "plan.toml"]
    assert _leaks(result.stdout + result.stderr) == []
    parsed = email.message_from_bytes(
        (tmp_path / "message.eml").read_bytes(), policy=email.policy.default
    )
    assert isinstance(parsed, EmailMessage)
    body = parsed.get_body(("plain",))
    assert body is not None
    assert "Thursday, December 3, 2026, 9:30 a.m., with Amrit Dhillon" in _spaces(
        body.get_content()
    )
    assert "Zo" not in str(parsed["Subject"])


def test_same_plan_same_bytes_and_two_patients_share_nothing_personal(
    article: bc.Article, full_clinic: bc.Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    outputs: dict[str, dict[str, bytes]] = {}
    for who, fields in (("zoe", ZOE), ("omar", OMAR)):
        plan = _plan(**fields)
        first = {
            fmt.name: bc.render(fmt.name, article, clinic=full_clinic, plan=plan).data
            for fmt in PLAN_FORMATS
        }
        first["eml"] = _message(article, clinic=full_clinic, plan=plan).as_bytes()
        again = {
            fmt.name: bc.render(fmt.name, article, clinic=full_clinic, plan=_plan(**fields)).data
            for fmt in PLAN_FORMATS
        }
        again["eml"] = _message(article, clinic=full_clinic, plan=_plan(**fields)).as_bytes()
        assert first == again, who
        outputs[who] = first
    texts: dict[str, str] = {}
    for who, files in outputs.items():
        epub = _entries(files["epub"])
        plain, html = _bodies(email.message_from_bytes(files["eml"], policy=email.policy.default))  # type: ignore[arg-type]
        texts[who] = _spaces(
            "\n".join(
                [
                    _pdf_text(files["pdf"], tmp_path),
                    _pdf_text(files["pdf-large"], tmp_path),
                    visible_text(files["html"].decode("utf-8")),
                    *(d.decode("utf-8") for n, d in epub.items() if n.endswith(".xhtml")),
                    plain,
                    html,
                ]
            )
        )
    for field in ("patient", "physiotherapist", "next_appointment", "note", "made"):
        assert ZOE_SHOWN[field] in texts["zoe"], field
        assert ZOE_SHOWN[field] not in texts["omar"], field
        assert OMAR_SHOWN[field] in texts["omar"], field
        assert OMAR_SHOWN[field] not in texts["zoe"], field


def _containers_holding(marker: str) -> list[str]:
    """Every object the garbage collector tracks (containers, caches' dicts and keys
    among them) that holds a string with `marker` in it."""
    found = []
    for obj in gc.get_objects():
        try:
            if isinstance(obj, dict):
                values = [*obj.keys(), *obj.values()]
            elif isinstance(obj, list | tuple | set | frozenset):
                values = list(obj)
            else:
                continue
        except RuntimeError:  # changed while we looked
            continue
        if any(isinstance(v, str) and marker in v for v in values):
            found.append(type(obj).__name__)
    return found


def test_nothing_of_a_plan_outlives_the_call(article: bc.Article, full_clinic: bc.Clinic) -> None:
    # Made at run time, so no code object holds it as a constant.
    marker = "Qz" + "".join(chr(ord("a") + (n * 7) % 26) for n in range(12))

    def render_all() -> int:
        plan = _plan(
            patient=f"{marker} patient",
            physiotherapist=f"{marker} physio",
            sessions=3,
            note=f"{marker} note",
            home_tips=TIPS,
        )
        sizes = [
            len(bc.render(fmt.name, article, clinic=full_clinic, plan=plan).data)
            for fmt in PLAN_FORMATS
        ]
        sizes.append(len(_message(article, clinic=full_clinic, plan=plan).as_bytes()))
        assert _containers_holding(marker), "the check must see the plan while it is alive"
        return sum(sizes)

    assert render_all() > 0
    gc.collect()
    assert _containers_holding(marker) == []


def test_plans_rendered_at_once_in_threads_never_mix(article: bc.Article) -> None:
    """A web app renders many patients' plans at once: each copy must be its own."""
    names = [f"Patient {chr(ord('A') + n)}{chr(ord('a') + n)}" for n in range(16)]
    plans = [
        _plan(patient=name, physiotherapist="Amrit Dhillon", sessions=n + 1)
        for n, name in enumerate(names)
    ]
    alone = [bc.render_pdf(article, plan=plan) for plan in plans]
    results: list[bytes | None] = [None] * len(plans)
    start = threading.Barrier(len(plans))

    def work(index: int) -> None:
        start.wait()
        results[index] = bc.render_pdf(article, plan=plans[index])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(plans))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == alone
    assert len(set(alone)) == len(alone)


def test_without_a_plan_nothing_changes(article: bc.Article) -> None:
    """Without a plan, the outputs are the guide's: no plan styles, marks or pages."""
    html = str(bc.render_html(article))
    assert "bpc-plan" not in html
    assert "bpc-chosen" not in html
    entries = _entries(bc.render_epub(article))
    assert "EPUB/plan.xhtml" not in entries
    assert b"bpc-plan" not in entries["EPUB/style.css"]


def test_schema_of_a_plan_file(tmp_path: Path) -> None:
    result = run_cli("schema", "plan", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"next_appointment"' in result.stdout
    assert f'"maxLength": {PLAN_NOTE_MAX}' in result.stdout
