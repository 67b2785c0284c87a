"""Translating the guide: PO files out and back in, what a translation must keep, the
labels of every language, and the bundled French guide made with the same workflow."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import polib
import pytest

import backpain_content as bc
from backpain_content.labels import LEGACY, PLACEHOLDERS, Labels, placeholders
from backpain_content.renderers.shared import labels_of
from backpain_content.translate import apply_po, entries, extract_po, translation_toml
from command import run_cli
from htmltools import visible_text
from needs import require_tool
from pseudo import translated_po
from test_epub import _ace, _epubcheck
from test_sentences import _SENTENCE_END

ROOT = Path(__file__).resolve().parent.parent
FRENCH_PO = ROOT / "translations" / "dry-needling-back-pain.fr-CA.po"
LABELS = Path(bc.__file__).parent / "labels"
FRENCH = "dry-needling-back-pain.fr-CA"


def _catalog(data: bytes) -> polib.POFile:
    return polib.pofile(data.decode("utf-8"))


def _write(catalog: polib.POFile, path: Path) -> Path:
    catalog.save(str(path))
    return path


def _messages(catalog: polib.POFile) -> dict[str, polib.POEntry]:
    return {entry.msgctxt: entry for entry in catalog if not entry.obsolete}


# Extract


def test_extract_keys_every_string_by_its_id(article: bc.Article) -> None:
    catalog = _catalog(extract_po(article, "fr-CA"))
    messages = _messages(catalog)
    assert messages["lifestyle.stretch-daily.summary"].msgid == article.lifestyle.items[2].summary
    pain = messages["safety.urgent_signs.pain-after-an-injury.title"]
    assert pain.msgid.startswith("Back pain")
    assert messages["closing.invitation"].msgid == article.closing.invitation
    assert messages["labels.contents"].msgid == "Contents"
    # Dates and times come from CLDR: no pattern, day or month name to translate.
    assert not [key for key in messages if key.removeprefix("labels.").split("[")[0] in LEGACY]
    # Every item, section text and label is there; ids, dates, URLs and references are not.
    assert len(messages) == len(entries(article))
    assert not any(key.startswith(("references", "provenance")) for key in messages)
    assert all(m.msgid != article.provenance.version for m in messages.values())
    # What a translator must keep is said where it applies.
    assert "at most 25 words" in messages["lifestyle.stretch-daily.summary"].comment
    assert "{clinic}" in messages["closing.invitation"].comment
    assert "python-brace-format" in messages["labels.page_of"].flags
    assert "python-brace-format" in messages["labels.plan_range"].flags
    version = f"dry-needling-back-pain.en-CA {article.provenance.version}"
    assert catalog.metadata["Project-Id-Version"] == version


def test_extract_is_reproducible_and_msgfmt_accepts_it(article: bc.Article, tmp_path: Path) -> None:
    first = extract_po(article, "pa")
    assert first == extract_po(article, "pa")
    path = tmp_path / "pa.po"
    path.write_bytes(first)
    msgfmt = require_tool("msgfmt")
    checked = subprocess.run(
        [msgfmt, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    # A translated one too, its placeholders checked by msgfmt itself.
    done = translated_po("ar", tmp_path)
    checked = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(done)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    assert " translated messages" in checked.stderr
    assert "untranslated" not in checked.stderr


def test_msgfmt_catches_a_lost_placeholder(tmp_path: Path) -> None:
    """The PO file carries the placeholder rule where msgfmt can check it, too."""
    catalog = _catalog(translated_po("el", tmp_path).read_bytes())
    _messages(catalog)["labels.page_of"].msgstr = "σελίδα {page}"
    path = _write(catalog, tmp_path / "broken.po")
    checked = subprocess.run(
        [require_tool("msgfmt"), "--check", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode != 0
    assert "pages" in checked.stderr


def test_extracting_again_keeps_translations_and_marks_changed_ones_fuzzy(
    article: bc.Article, tmp_path: Path
) -> None:
    po = translated_po("el", tmp_path)
    before = {key: m.msgstr for key, m in _messages(_catalog(po.read_bytes())).items()}
    data = article.model_dump(mode="json")
    data["lifestyle"]["items"][2]["summary"] = "Stretch every day, morning and evening."
    data["lifestyle"]["items"] = [
        item for item in data["lifestyle"]["items"] if item["id"] != "quit-smoking"
    ]
    changed = bc.Article.model_validate(data)
    po.write_bytes(extract_po(changed, "el", existing=po))
    catalog = _catalog(po.read_bytes())
    after = _messages(catalog)
    stretch = after["lifestyle.stretch-daily.summary"]
    assert stretch.fuzzy
    assert stretch.msgstr == before["lifestyle.stretch-daily.summary"]
    assert stretch.previous_msgid == article.lifestyle.items[2].summary
    untouched = after["lifestyle.manage-stress.summary"]
    assert not untouched.fuzzy
    assert untouched.msgstr == before["lifestyle.manage-stress.summary"]
    # The strings that are gone are kept, as obsolete, should they come back.
    assert [e.msgctxt for e in catalog.obsolete_entries() if "quit-smoking" in e.msgctxt] == [
        "lifestyle.quit-smoking.title",
        "lifestyle.quit-smoking.body",
        "lifestyle.quit-smoking.summary",
    ]
    text = po.read_text(encoding="utf-8")
    assert "#| msgid" in text
    assert "#~ msgctxt" in text
    # gettext's own tools read the merged file.
    checked = subprocess.run(
        [require_tool("msgfmt"), "--check", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


# Apply: what it refuses, one line each, naming the string


def _bad_po(tmp_path: Path, context: str, string: str | None, fuzzy: bool = False) -> Path:
    catalog = _catalog(translated_po("el", tmp_path).read_bytes())
    message = _messages(catalog)[context]
    if string is not None:
        message.msgstr = string
    if fuzzy:
        message.flags.append("fuzzy")
    return _write(catalog, tmp_path / "bad.po")


@pytest.mark.parametrize(
    ("context", "string", "fuzzy", "problem"),
    [
        ("lifestyle.stretch-daily.summary", "", False, "has no translation"),
        ("lifestyle.stretch-daily.summary", None, True, "is fuzzy"),
        ("closing.invitation", "Ελάτε σε εμάς.", False, "must keep {clinic} exactly once"),
        ("lifestyle.stretch-daily.summary", "λέξη " * 26, False, "has 26 words"),
        ("labels.page_of", "σελίδα {page}", False, "has lost {pages}"),
        ("labels.disclaimer", "γενική {name.__class__}", False, "only a plain {name}"),
        ("title", "μία\nδύο", False, "must be a single line"),
    ],
)
def test_apply_refuses_what_would_break_the_guide(
    tmp_path: Path, context: str, string: str | None, fuzzy: bool, problem: str
) -> None:
    po = _bad_po(tmp_path, context, string, fuzzy)
    result = run_cli("translate", "apply", str(po), "-o", "out.toml", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    message = result.stderr.strip()
    assert "\n" not in message
    assert f"{po}: {context}: " in message, message
    assert problem in message, message
    assert not (tmp_path / "out.toml").exists()


def test_apply_refuses_another_guide_or_an_older_version(
    article: bc.Article, tmp_path: Path
) -> None:
    po = translated_po("el", tmp_path)
    catalog = _catalog(po.read_bytes())
    catalog.metadata["Project-Id-Version"] = "another-guide.en-CA 2.0.0"
    other = _write(catalog, tmp_path / "other.po")
    with pytest.raises(bc.ContentError, match=re.escape("names the guide 'another-guide.en-CA'")):
        apply_po(other)
    # An older version, whose English has changed since: it says which strings.
    catalog = _catalog(po.read_bytes())
    catalog.metadata["Project-Id-Version"] = "dry-needling-back-pain.en-CA 1.9.0"
    _messages(catalog)["lifestyle.stretch-daily.summary"].msgid = "Stretch (the old wording)."
    older = _write(catalog, tmp_path / "older.po")
    with pytest.raises(bc.ContentError) as raised:
        apply_po(older)
    message = str(raised.value)
    assert "was made from version 1.9.0 of the guide, which is now at 3.0.0" in message
    assert "1 changed (lifestyle.stretch-daily.summary...)" in message
    assert "translate extract --lang el" in message


def test_allow_partial_keeps_the_english_and_says_so(tmp_path: Path) -> None:
    po = _bad_po(tmp_path, "lifestyle.stretch-daily.summary", "")
    result = run_cli(
        "translate", "apply", str(po), "-o", "el.toml", "--allow-partial", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "1 strings kept in the source language" in result.stderr
    guide = bc.load_article(tmp_path / "el.toml")
    translation = guide.provenance.translation
    assert translation is not None
    assert translation.untranslated == ("lifestyle.stretch-daily.summary",)
    english = bc.load_article().lifestyle
    assert english is not None
    assert guide.lifestyle is not None
    assert guide.lifestyle.items[2].summary == english.items[2].summary
    assert guide.labels is not None  # Greek: the package has no labels for it
    labels = labels_of(guide)
    html = str(bc.render_html(guide))
    assert labels.untranslated in visible_text(html, fragment=True)
    # Untranslated text is marked as English where it is shown (the body here).
    body = english.items[2].body
    assert guide.lifestyle.items[2].body != body  # the body was translated
    po2 = _bad_po(tmp_path, "lifestyle.stretch-daily.body", "")
    partial = apply_po(po2, allow_partial=True)
    html = str(bc.render_html(partial))
    assert f'<span lang="en-CA">{body}' in html.replace("&#39;", "'").replace("’", "’")


@pytest.mark.parametrize(
    ("context", "element"),
    [
        ("lifestyle.intro[0]", "p"),
        ("sessions.paragraphs[1]", "p"),
        ("safety.urgent_signs.heading", "h3"),
        ("lifestyle.heading", "h2"),
    ],
)
def test_untranslated_paragraphs_and_headings_are_marked_english(
    tmp_path: Path, context: str, element: str
) -> None:
    """Each kind of key the templates build from parts (a section's paragraph, a
    numbered paragraph, a safety group's heading, a section's heading)."""
    partial = apply_po(_bad_po(tmp_path, context, ""), allow_partial=True)
    assert partial.provenance.translation is not None
    assert partial.provenance.translation.untranslated == (context,)
    html = str(bc.render_html(partial))
    marked = re.findall(rf"<{element}[^>]*\blang=\"en-CA\"", html)
    assert len(marked) == 1, (context, marked)
    # The same guide with nothing untranslated marks no such element.
    whole = str(bc.render_html(apply_po(translated_po("el", tmp_path))))
    assert not re.findall(rf"<{element}[^>]*\blang=\"en-CA\"", whole)


def test_applied_guide_is_a_content_file_that_loads(tmp_path: Path) -> None:
    po = translated_po("pa", tmp_path)
    result = run_cli("translate", "apply", str(po), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "dry-needling-back-pain.pa.toml"
    assert result.stdout.strip() == str(path.name) or result.stdout.strip().endswith(path.name)
    guide = bc.load_article(path)
    assert guide.language == "pa"
    assert guide.lifestyle.items[2].id == "stretch-daily"
    assert path.read_text(encoding="utf-8").startswith("# ")
    assert run_cli("validate", str(path), cwd=tmp_path).returncode == 0


# Labels


def test_every_label_file_has_every_key_and_keeps_the_placeholders() -> None:
    english = tomllib.loads((LABELS / "en.toml").read_text(encoding="utf-8"))
    files = sorted(LABELS.glob("*.toml"))
    assert [f.name for f in files] == ["en.toml", "fr.toml"]
    for path in files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert set(data) == set(english), path.name
        Labels.model_validate(data)  # every rule, placeholders included
        for name, value in data.items():
            if isinstance(value, str):
                required, allowed = PLACEHOLDERS.get(name, (frozenset(), frozenset()))
                assert required <= set(placeholders(value)) <= allowed, (path.name, name)


def test_labels_refuse_a_lost_or_added_placeholder() -> None:
    data = bc.labels_for("en").model_dump()
    for name, value, problem in (
        ("page_of", "Page {page}", "has lost {pages}"),
        ("page_of", "Page {page} of {pages} {x}", "has {x}, which is not filled in here"),
        ("contents", "Contents {0}", "only a plain {name}"),
        ("contents", "Con{tents", "a brace that is not part of a {name}"),
    ):
        with pytest.raises(bc.ContentError, match=re.escape(problem)):
            Labels.model_validate({**data, name: value})


# French, bundled, made with the workflow


@pytest.mark.parametrize("name", [FRENCH, "exercise-low-back-pain.fr-CA"])
def test_bundled_french_is_the_translation_file_applied(name: str) -> None:
    """No drift: applying the PO file gives the bundled French guide byte for byte."""
    po = FRENCH_PO.parent / f"{name}.po"
    guide = apply_po(po)
    made = translation_toml(guide, po.name)
    bundled = Path(bc.__file__).parent / "articles" / f"{name}.toml"
    assert made == bundled.read_text(encoding="utf-8")
    assert guide.labels is None  # the package's own French labels are used
    checked = subprocess.run(
        [require_tool("msgfmt"), "--check", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    catalog = _catalog(po.read_bytes())
    assert catalog.untranslated_entries() == []
    assert catalog.fuzzy_entries() == []


def test_french_keeps_every_sentence_of_the_english(article: bc.Article) -> None:
    """Each paragraph of the article's own text has as many sentences in French."""
    french = bc.load_bundled(FRENCH)
    english_entries = {e.key: e.text for e in entries(article)}
    french_entries = {e.key: e.text for e in entries(french)}
    full_text = [
        key
        for key in english_entries
        if re.search(r"(lede|intro|closing|paragraphs)\[|\.body$", key)
    ]
    assert len(full_text) > 40
    for key in full_text:

        def count(text: str) -> int:
            return len([s for s in _SENTENCE_END.split(text.strip()) if s])

        assert count(french_entries[key]) == count(english_entries[key]), key


def test_french_guide_says_its_translation_is_not_checked() -> None:
    french = bc.load_bundled(FRENCH)
    labels = bc.labels_for("fr-CA")
    notice = "Cette traduction n’a pas encore été vérifiée par un traducteur agréé."
    assert labels.translation_not_reviewed == notice
    translation = french.provenance.translation
    assert translation is not None
    assert (translation.source_language, translation.source_version) == ("en-CA", "3.0.0")
    assert french.provenance.current_reviews("translation") == ()
    html = str(bc.render_html(french, options=bc.HtmlOptions(standalone=True)))
    assert notice in visible_text(html)
    assert '<html lang="fr-CA">' in html
    assert '<cite lang="en-CA">Regain Mobility and Comfort' in html
    message = bc.build_guide_email(french, to="p@example.org", sender="f@example.org")
    assert message["Content-Language"] == "fr-CA"
    assert str(message["Subject"]).startswith("Votre guide de Avenue Physio")


def test_french_epub_passes_epubcheck_and_ace(tmp_path: Path) -> None:
    book = bc.render_epub(bc.load_bundled(FRENCH))
    assert _epubcheck(book, tmp_path) == []
    assert _ace(book, tmp_path) == []


def test_export_writes_each_language_asked_for(tmp_path: Path) -> None:
    result = run_cli("export", "--lang", "fr-CA", "--format", "html", "--out", "fr", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "fr").iterdir()) == [
        f"{FRENCH}.html",
        "exercise-low-back-pain.fr-CA.html",
    ]
    result = run_cli(
        "export", FRENCH, "--format", "pdf", "--out", "named", cwd=tmp_path, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (tmp_path / "named").iterdir()] == [f"{FRENCH}.pdf"]
    result = run_cli(
        "export", "--lang", "all", "--format", "pdf", "--out", "all", cwd=tmp_path, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == [
        "dry-needling-back-pain.en-CA.pdf",
        f"{FRENCH}.pdf",
        "exercise-low-back-pain.en-CA.pdf",
        "exercise-low-back-pain.fr-CA.pdf",
    ]
    unknown = run_cli("export", "--lang", "xx", cwd=tmp_path)
    assert unknown.returncode == 2
    assert "no bundled guide in 'xx' (bundled: en-CA, fr-CA)" in unknown.stderr


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("large_print", [False, True])
@pytest.mark.parametrize("clinic", ["default", "full"])
def test_french_handout_keeps_to_its_pages(paper: bc.Paper, large_print: bool, clinic: str) -> None:
    french = bc.load_bundled(FRENCH)
    full = bc.Clinic(
        name="Example Physiotherapy and Wellness Centre",
        location="Springfield, Westside Plaza",
        phone="+1 (555) 010-0000 ext. 12",
        email="front.desk@example-physio.org",
        website="https://www.example-physio.org/",
        booking_url="https://www.example-physio.org/book?clinic=1&lang=en",
    )
    name = "pdf-large" if large_print else "pdf"
    result = bc.render(name, french, clinic=full if clinic == "full" else None, paper=paper)
    assert not result.too_long, result.pages


HIDDEN_LINE_ENDS = ["\u2028", "\u2029", "\u0085", "\u000b", "\u000c", "\u001c", "\u001d", "\u001e"]


@pytest.mark.parametrize(
    "char", HIDDEN_LINE_ENDS, ids=[f"U+{ord(c):04X}" for c in HIDDEN_LINE_ENDS]
)
def test_a_po_file_with_a_hidden_line_end_is_refused_at_its_line(tmp_path: Path, char: str) -> None:
    """polib splits lines as str.splitlines() does, so "Appelez le 911" followed by U+2028
    at a continuation line's end would apply as "Appelez le 91ou ...": refused instead."""
    root = Path(__file__).resolve().parent.parent
    text = (root / "translations" / "dry-needling-back-pain.fr-CA.po").read_text(encoding="utf-8")
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line == '"Appelez le 911."')
    lines[at] = f'"Appelez le 911{char}"'
    lines.insert(at + 1, '"ou allez aux urgences."')
    po = tmp_path / "dry-needling-back-pain.fr-CA.po"
    po.write_text("\n".join(lines), encoding="utf-8")
    source = root / "src" / "backpain_content" / "articles" / "dry-needling-back-pain.en-CA.toml"
    out = tmp_path / "out.toml"
    done = run_cli("translate", "apply", str(po), "--source", str(source), "-o", str(out))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip() == (
        f"backpain-content: error: {po}:{at + 1}: has the character U+{ord(char):04X}, which "
        "ends a line for some programs and not for others (a word processor's line break?): "
        "remove it"
    )
    assert not out.exists()


def _french_po(tmp_path: Path) -> Path:
    root = Path(__file__).resolve().parent.parent
    po = tmp_path / "dry-needling-back-pain.fr-CA.po"
    po.write_bytes((root / "translations" / po.name).read_bytes())
    return po


EN_SOURCE = (
    Path(__file__).resolve().parent.parent
    / "src"
    / "backpain_content"
    / "articles"
    / "dry-needling-back-pain.en-CA.toml"
)


def test_apply_will_not_write_over_its_own_po_file(tmp_path: Path) -> None:
    po = _french_po(tmp_path)
    before = po.read_bytes()
    done = run_cli("translate", "apply", str(po), "--source", str(EN_SOURCE), "-o", str(po))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip() == (
        f"backpain-content: error: {po}: is an input of this command: give -o another file"
    )
    assert po.read_bytes() == before


def test_apply_will_not_write_over_a_file_it_did_not_make(tmp_path: Path) -> None:
    po = _french_po(tmp_path)
    guide = tmp_path / "my-guide.toml"
    guide.write_bytes(EN_SOURCE.read_bytes())
    done = run_cli("translate", "apply", str(po), "--source", str(EN_SOURCE), "-o", str(guide))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "is not a guide made by `translate apply`" in done.stderr
    assert guide.read_bytes() == EN_SOURCE.read_bytes()
    # What it made itself it makes again.
    out = tmp_path / "fr.toml"
    for _ in range(2):
        again = run_cli("translate", "apply", str(po), "--source", str(EN_SOURCE), "-o", str(out))
        assert again.returncode == 0, again.stderr


def test_extract_will_not_merge_into_another_guides_po_file(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    other = tmp_path / "exercise.fr-CA.po"
    other.write_bytes((root / "translations" / "exercise-low-back-pain.fr-CA.po").read_bytes())
    before = other.read_bytes()
    done = run_cli("translate", "extract", "--lang", "fr-CA", "-o", str(other))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip() == (
        f"backpain-content: error: {other}: Project-Id-Version: is the translation of "
        "exercise-low-back-pain.en-CA into fr-CA, not of dry-needling-back-pain.en-CA into "
        "fr-CA: give -o another file"
    )
    assert other.read_bytes() == before
    wrong_language = run_cli(
        "translate", "extract", "--lang", "de", "-o", str(_french_po(tmp_path))
    )
    assert wrong_language.returncode == 2
    assert "into fr-CA, not of dry-needling-back-pain.en-CA into de" in wrong_language.stderr
