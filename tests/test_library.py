"""A library of guides: guides that are not about needling, Markdown guides, folders of
guides found by id and code, links between them, and a clinic's blog post imported."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.field_list import fieldlist_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

import backpain_content as bc
from backpain_content.errors import ContentError
from backpain_content.formats import format_names
from backpain_content.library import Library
from backpain_content.readers.blog import import_post
from backpain_content.readers.header import read_header
from backpain_content.readers.markdown import read_markdown, to_markdown
from backpain_content.readers.toml import to_toml
from command import run_cli
from htmltools import visible_text
from pdftext import flat_pdf_text
from test_sentences import missing_in_order, source_sentences

DATA = Path(__file__).parent / "data"
TEST_GUIDE = DATA / "library" / "stiff-neck-heat.en-CA.toml"
NEEDLING = re.compile(
    r"needl|aiguille|puncture|trigger point|point gâchette|back pain|mal de dos", re.I
)


def test_a_guide_without_optional_sections_leaves_no_heading_for_them() -> None:
    guide = bc.load_article(TEST_GUIDE)
    assert guide.sections() == ("lifestyle", "closing", "safety")
    html = visible_text(bc.render_html(guide))
    for name in ("mechanisms", "causes", "sessions", "therapies", "research"):
        assert f"bpc-{name}" not in str(bc.render_html(guide))
    assert "Sessions" not in html.split("Written for this guide")[0]


NOT_NEEDLING = [str(TEST_GUIDE)] + [
    name for name in bc.bundled_articles() if name.startswith("exercise-")
]


def _load(name: str) -> bc.Article:
    return bc.load_article(name) if name.endswith(".toml") else bc.load_bundled(name)


@pytest.mark.parametrize("guide_name", NOT_NEEDLING, ids=lambda n: Path(n).stem)
@pytest.mark.parametrize("fmt", format_names())
def test_a_guide_not_about_needling_renders_in_every_format_without_its_words(
    fmt: str, guide_name: str, tmp_path: Path
) -> None:
    guide = _load(guide_name)
    out = bc.render(fmt, guide)
    if out.pages is not None:
        assert out.pages <= (out.page_limit or 0), f"{fmt}: {out.pages} pages"
    text = _text_of(out, tmp_path)
    assert text.strip()
    # What is left when the guide's own words are taken out (the labels, the layout's
    # words) names neither the other guide's treatment nor its condition.
    left = " ".join(text.split())
    for said in sorted(_strings(guide.model_dump(mode="json")), key=len, reverse=True):
        left = left.replace(" ".join(said.split()), " ")
    assert NEEDLING.findall(left) == []
    assert "physiotherap" not in left.lower()


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for inner in value.values() for s in _strings(inner)]
    if isinstance(value, list):
        return [s for inner in value for s in _strings(inner)]
    return []


def _text_of(out: bc.Rendered, tmp_path: Path) -> str:
    """The words a reader sees in a rendered file (PDF text by poppler, ePub's XHTML)."""
    import subprocess
    import zipfile

    if out.media_type == "application/pdf":
        path = tmp_path / "out.pdf"
        path.write_bytes(out.data)
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    if out.media_type == "application/epub+zip":
        path = tmp_path / "out.epub"
        path.write_bytes(out.data)
        with zipfile.ZipFile(path) as book:
            return " ".join(
                visible_text(book.read(name).decode("utf-8"))
                for name in book.namelist()
                if name.endswith(".xhtml")
            )
    return visible_text(out.data.decode("utf-8"))


def test_every_bundled_guide_round_trips_through_markdown_and_toml() -> None:
    for name in bc.bundled_articles():
        guide = bc.load_bundled(name)
        markdown = to_markdown(guide)
        assert read_markdown(markdown, f"{name}.md") == guide
        assert to_markdown(read_markdown(markdown, f"{name}.md")) == markdown


def test_convert_writes_a_guide_that_loads_as_the_same(tmp_path: Path) -> None:
    result = run_cli("convert", str(TEST_GUIDE), "-o", str(tmp_path / "neck.md"))
    assert result.returncode == 0, result.stderr
    back = run_cli("convert", str(tmp_path / "neck.md"), "-o", str(tmp_path / "neck.toml"))
    assert back.returncode == 0, back.stderr
    assert bc.load_article(tmp_path / "neck.md") == bc.load_article(TEST_GUIDE)
    assert bc.load_article(tmp_path / "neck.toml") == bc.load_article(TEST_GUIDE)
    assert (tmp_path / "neck.toml").read_text(encoding="utf-8") == to_toml(
        bc.load_article(TEST_GUIDE)
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda t: t.replace("## Things to try at home {#lifestyle}", "## Things"),
            ":1: a section's heading ends with its name",
        ),
        (
            lambda t: t.replace("  :id: warm-cloth\n", ""),
            "lifestyle.items[0].id: is required but missing",
        ),
        (
            lambda t: t.replace("- **A placeholder tip:**", "- A placeholder tip:"),
            "an item begins with its title in bold",
        ),
        (
            lambda t: t.replace(
                ":summary: Placeholder home tips", ":sumary: Placeholder home tips"
            ),
            "unknown field :sumary:",
        ),
        (
            lambda t: t.replace("id: stiff-neck-heat", "id: &a stiff-neck-heat"),
            "anchors or aliases",
        ),
        (
            lambda t: t.replace("  :summary: The first placeholder tip.", "  :summary: TODO"),
            "is a draft",
        ),
    ],
)
def test_markdown_errors_name_the_file_line_and_what_was_expected(
    tmp_path: Path, change: object, expected: str
) -> None:
    text = to_markdown(bc.load_article(TEST_GUIDE))
    path = tmp_path / "neck.md"
    path.write_text(change(text), encoding="utf-8")  # type: ignore[operator]
    result = run_cli("validate", str(path))
    assert result.returncode == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert re.search(rf"{re.escape(str(path))}:\d+:1: ", message), message
    line = int(message.split(f"{path}:")[1].split(":")[0])
    assert 1 <= line <= len(change(text).splitlines())  # type: ignore[operator]
    assert expected.removeprefix(":1: ") in message


def _library(tmp_path: Path) -> Path:
    """A library of 5 guides in 2 languages: the bundled ones, and the test guide twice
    (TOML in English, Markdown in French, the same id)."""
    folder = tmp_path / "library"
    folder.mkdir()
    for name in bc.bundled_articles():
        shutil.copy(Path(bc.__file__).parent / "articles" / f"{name}.toml", folder)
    shutil.copy(TEST_GUIDE, folder)
    french = bc.load_article(TEST_GUIDE).model_copy(
        update={
            "language": "fr-CA",
            "title": "Guide d’essai : chaleur et mouvement pour un cou raide",
        }
    )
    (folder / "sub").mkdir()
    (folder / "sub" / "stiff-neck-heat.fr-CA.md").write_text(to_markdown(french), encoding="utf-8")
    return folder


def test_a_library_lists_finds_and_links_its_guides(tmp_path: Path) -> None:
    folder = _library(tmp_path)
    library = Library.open(folder)
    assert len(library) >= 5
    assert {a.language for a in library} >= {"en-CA", "fr-CA"}
    assert library.languages("stiff-neck-heat") == ("en-CA", "fr-CA")
    assert library.get("stiff-neck-heat", "fr").language == "fr-CA"
    found = [a.id for a in library.for_code("m54.2")]
    assert found == ["stiff-neck-heat", "stiff-neck-heat"]
    assert library.for_code("M54.2", "snomed") == ()
    listed = run_cli("list", "--library", str(folder))
    assert listed.returncode == 0, listed.stderr
    rows = listed.stdout.splitlines()[1:]
    assert len(rows) == len(library)
    assert any(row.startswith("stiff-neck-heat\tfr-CA\t1.0.0\t2028-12-07\t") for row in rows)
    find = run_cli("find", "--code", "M54.2", "--library", str(folder), "--lang", "fr")
    assert find.returncode == 0, find.stderr
    assert find.stdout.splitlines() == [f"stiff-neck-heat\tfr-CA\t{found_title(library)}"]
    nothing = run_cli("find", "--code", "Z99.9", "--library", str(folder))
    assert nothing.returncode == 1
    links = library.links(library.get("stiff-neck-heat", "en-CA"), "/guides/{id}/{language}")
    assert [v.url for v in links.versions] == ["/guides/stiff-neck-heat/fr-CA"]
    page = str(
        bc.render_html(
            library.get("stiff-neck-heat", "en-CA"),
            options=bc.HtmlOptions(standalone=True, links=links),
        )
    )
    assert '<link rel="alternate" hreflang="fr-CA" href="/guides/stiff-neck-heat/fr-CA">' in page
    assert 'href="/guides/exercise-low-back-pain/en-CA"' in page or not any(
        a.id == "exercise-low-back-pain" for a in library
    )


def found_title(library: Library) -> str:
    return library.get("stiff-neck-heat", "fr-CA").title


def test_duplicate_and_dangling_ids_name_both_files(tmp_path: Path) -> None:
    folder = _library(tmp_path)
    shutil.copy(TEST_GUIDE, folder / "sub" / "again.toml")
    result = run_cli("validate", "--library", str(folder))
    assert result.returncode == 2
    assert "again.toml" in result.stderr
    assert "stiff-neck-heat.en-CA.toml" in result.stderr
    (folder / "sub" / "again.toml").unlink()
    text = TEST_GUIDE.read_text(encoding="utf-8").replace(
        'related = ["exercise-low-back-pain"]', 'related = ["no-such-guide"]'
    )
    (folder / "stiff-neck-heat.en-CA.toml").write_text(text, encoding="utf-8")
    dangling = run_cli("validate", "--library", str(folder))
    assert dangling.returncode == 2
    assert (
        "stiff-neck-heat.en-CA.toml: related[0]: names no guide of the library" in dangling.stderr
    )


@pytest.mark.parametrize("name", bc.bundled_articles())
@pytest.mark.parametrize("suffix", [".toml", ".md"])
def test_a_guides_header_is_read_from_its_top_alone_and_matches_the_whole(
    name: str, suffix: str, tmp_path: Path
) -> None:
    guide = bc.load_bundled(name)
    path = tmp_path / f"{name}{suffix}"
    path.write_text(to_toml(guide) if suffix == ".toml" else to_markdown(guide), "utf-8")
    header, whole = read_header(path)
    assert whole is None  # the header alone was read
    assert header.model_dump() == guide.header.model_dump()


def test_a_library_opens_by_headers_and_validate_reads_every_guide(tmp_path: Path) -> None:
    folder = _library(tmp_path)
    # The body of one guide is wrong: its closing section has no heading.
    broken = TEST_GUIDE.read_text(encoding="utf-8")
    assert "\n[closing]\nheading = " in broken
    broken = re.sub(r"\n\[closing\]\nheading = [^\n]*", "\n[closing]", broken)
    (folder / "stiff-neck-heat.en-CA.toml").write_text(broken, encoding="utf-8")
    library = Library.open(folder)
    assert run_cli("list", "--library", str(folder)).returncode == 0
    with pytest.raises(ContentError, match=r"stiff-neck-heat\.en-CA\.toml: closing"):
        library.get("stiff-neck-heat", "en-CA")
    result = run_cli("validate", "--library", str(folder))
    assert result.returncode == 2
    assert "stiff-neck-heat.en-CA.toml: closing" in result.stderr
    # A header that cannot be read from the top alone gets the full reader's error.
    markdown = folder / "sub" / "stiff-neck-heat.fr-CA.md"
    markdown.write_text(
        markdown.read_text(encoding="utf-8").replace("language: fr-CA", "language: [fr"),
        encoding="utf-8",
    )
    with pytest.raises(ContentError, match=r"stiff-neck-heat\.fr-CA\.md:\d+:1"):
        Library.open(folder)


def test_a_guide_changed_after_the_library_opened_is_refused(tmp_path: Path) -> None:
    folder = _library(tmp_path)
    library = Library.open(folder)
    path = folder / "stiff-neck-heat.en-CA.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('version = "1.0.0"', 'version = "1.0.1"'), encoding="utf-8")
    with pytest.raises(ContentError, match="reads differently in full than its header"):
        library.get("stiff-neck-heat", "en-CA")


def test_a_library_exports_with_its_index_and_catalogue(tmp_path: Path) -> None:
    folder = _library(tmp_path)
    out = tmp_path / "out"
    result = run_cli("export", "--library", str(folder), "--format", "html", "--out", str(out))
    assert result.returncode == 0, result.stderr
    library = Library.open(folder)
    names = {p.name for p in out.iterdir()}
    assert names == {f"{a.id}.{a.language}.html" for a in library} | {
        "index.html",
        "catalogue.json",
    }
    catalogue = json.loads((out / "catalogue.json").read_text(encoding="utf-8"))
    assert [g["id"] for g in catalogue["guides"]] == list(library.ids())
    neck = next(g for g in catalogue["guides"] if g["id"] == "stiff-neck-heat")
    assert [v["language"] for v in neck["versions"]] == ["en-CA", "fr-CA"]
    assert neck["codes"] == [{"system": "ICD-10-CA", "code": "M54.2"}]
    index = (out / "index.html").read_text(encoding="utf-8")
    for article in library:
        assert f'href="{article.id}.{article.language}.html"' in index
    # Each page's links lead to a file written beside it.
    for page in out.glob("*.html"):
        for href in re.findall(r'href="([^"#:]+\.html)"', page.read_text(encoding="utf-8")):
            assert (out / href).is_file(), (page.name, href)
    again = tmp_path / "again"
    run_cli("export", "--library", str(folder), "--format", "html", "--out", str(again))
    assert (again / "catalogue.json").read_bytes() == (out / "catalogue.json").read_bytes()


def test_labels_are_changed_one_at_a_time(tmp_path: Path) -> None:
    text = TEST_GUIDE.read_text(encoding="utf-8") + '\n[labels]\nbooking = "Book a visit"\n'
    path = tmp_path / "neck.toml"
    path.write_text(text, encoding="utf-8")
    guide = bc.load_article(path)
    assert guide.labels == {"booking": "Book a visit"}
    clinic = bc.Clinic(
        name="Example",
        booking_url="https://example.org/book",
        labels={"en": {"contents": "In this guide"}},
    )
    html = visible_text(bc.render_html(guide, clinic=clinic))
    assert "Book a visit" in html
    assert "In this guide" in html
    bad = text.replace('booking = "Book a visit"', 'bookin = "Book a visit"')
    path.write_text(bad, encoding="utf-8")
    result = run_cli("validate", str(path))
    assert result.returncode == 2
    assert "'bookin' is not a label" in result.stderr


def _draft_text(draft: str) -> str:
    md = MarkdownIt("commonmark").use(front_matter_plugin).use(fieldlist_plugin)
    title = re.search(r"^title: (.*)$", draft, re.M)
    assert title
    return json.loads(title[1]) + " " + visible_text(md.render(draft), fragment=True)


def test_import_keeps_every_sentence_of_the_seed_post_in_order(
    source_text: str, tmp_path: Path
) -> None:
    result = run_cli("import", str(DATA / "seed-post.md"), "-o", str(tmp_path / "d.md"))
    assert result.returncode == 1, result.stderr  # summaries, safety and sources to write
    draft = (tmp_path / "d.md").read_text(encoding="utf-8")
    assert missing_in_order(source_sentences(source_text), _draft_text(draft)) == []
    for part in ("summary", "safety", "references", "review"):
        assert f"to write: {part}" in result.stdout
    for name in ("mechanisms", "causes", "sessions", "lifestyle", "therapies", "closing"):
        assert f"{{#{name}}}" in draft
    refused = run_cli("validate", str(tmp_path / "d.md"))
    assert refused.returncode == 2
    assert "is a draft" in refused.stderr


def test_import_takes_a_web_pages_article_and_leaves_the_rest(tmp_path: Path) -> None:
    result = run_cli("import", str(DATA / "blog-post.html"), "-o", str(tmp_path / "d.md"))
    assert result.returncode == 1, result.stderr
    text = _draft_text((tmp_path / "d.md").read_text(encoding="utf-8"))
    kept = [
        "Setting up your desk",
        "This test post was written for the importer's tests.",
        "It has headings of the third level, a numbered list, a table, images and links.",
        "What we look at first",
        "Set the chair height so that your feet rest on the floor.",
        "Keep the keyboard close, so that your elbows stay near your sides.",
        "A desk with a screen at eye level and a chair with a backrest",
        "Read more on our breaks page when it exists.",
        "Stand up once in a while during the day.",
        "Morning",
        "A short walk to the window",
        "A glass of water at the kitchen",
        "Thank you for reading it.",
    ]
    # The extractor (trafilatura) leaves out the byline and the figure's caption.
    assert missing_in_order(kept, text) == []
    for left_out in ("Our services", "Sidebar post", "Great post", "Spam comment", "Footer"):
        assert left_out not in text
    assert "https://example.org/breaks" not in text


HOSTILE_POST = """<html><head><title>Easing back pain</title>
<script>stealCookies()</script><style>body{display:none}</style></head>
<body><article><h1>Easing back pain</h1>
<p onclick="trackClick()">Gentle walking every day helps many people with back pain.</p>
<p>Read <a href="javascript:stealCookies()">our tips</a> or
<a href="data:text/html,&lt;script&gt;x&lt;/script&gt;">this page</a> before you start.</p>
<img src="https://example.org/walk.jpg" alt="A woman walking in a park">
<img src="data:image/png;base64,iVBORw0KGgo=" alt="A stretch on the floor" onerror="boom()">
<iframe src="https://tracker.example/frame">Frames are not supported.</iframe>
<script>document.write("injected text")</script>
<p>Ask your physiotherapist which stretches suit you.</p>
</article></body></html>
"""


def test_import_keeps_a_hostile_posts_text_and_alt_text_and_nothing_that_runs(
    tmp_path: Path,
) -> None:
    post = tmp_path / "post.html"
    post.write_text(HOSTILE_POST, encoding="utf-8")
    result = run_cli("import", str(post), "-o", str(tmp_path / "d.md"))
    assert result.returncode == 1, result.stderr  # a draft, with what it still needs
    draft = (tmp_path / "d.md").read_text(encoding="utf-8")
    text = _draft_text(draft)
    kept = [
        "Gentle walking every day helps many people with back pain.",
        "A woman walking in a park",
        "A stretch on the floor",
        "Ask your physiotherapist which stretches suit you.",
    ]
    assert missing_in_order(kept, text) == []
    for never in (
        "stealCookies", "trackClick", "boom()", "display:none", "javascript:", "data:",
        "tracker.example", "injected text", "<script", "<iframe", "onclick", "onerror",
    ):  # fmt: skip
        assert never not in draft, never


# Found by the fuzzer (tests/test_fuzz.py): a malformed page (a whole page nested in a
# heading) put its script's code into the draft's title.
NESTED_PAGE = (
    "<html><head><title>Back pain</title><script>scriptmark()</script></head><body><article>"
    "<p>Dry needling helps some people.</p><h1><html><head><title>Back pain</title>"
    "<script>scriptmark()</script></head><body><article><p>Dry needling helps some people."
    "</p></article></body></html></h1></article></body></html>"
)


def test_import_never_takes_a_scripts_code_into_the_title(tmp_path: Path) -> None:
    from backpain_content.readers.blog import import_post

    draft = import_post(tmp_path / "post.html", NESTED_PAGE)
    assert "scriptmark" not in draft.markdown
    assert "Dry needling helps some people." in draft.markdown


def test_import_of_an_unreadable_post_is_exit_2(tmp_path: Path) -> None:
    post = tmp_path / "post.html"
    post.write_bytes(b"\xff\xfe not utf-8")
    result = run_cli("import", str(post), "-o", str(tmp_path / "d.md"))
    assert result.returncode == 2
    assert "post.html" in result.stderr
    assert not (tmp_path / "d.md").exists()


LINKED_CLINIC = bc.Clinic(
    name="Example Clinic",
    email="desk@example.org",
    guide_url="https://example.org/guides/{id}/{language}",
)


def test_the_handout_lists_related_guides_with_the_address_to_type(tmp_path: Path) -> None:
    library = Library.bundled()
    article = library.get("dry-needling-back-pain", "en-CA")
    links = library.links(article, "{id}.{language}.html")
    online = flat_pdf_text(
        bc.render("pdf", article, clinic=LINKED_CLINIC, links=links).data, tmp_path
    )
    assert "Related guides: Exercise for low back pain (example.org/guides/" in online
    assert "exercise-low-back-pain/en-CA)" in online
    # A page of the host's site means nothing on paper: the guide is named, not addressed.
    named = flat_pdf_text(bc.render("pdf", article, links=links).data, tmp_path)
    assert "Related guides: Exercise for low back pain" in named
    assert ".html" not in named
    assert "Related guides" not in flat_pdf_text(bc.render("pdf", article).data, tmp_path)


@pytest.mark.parametrize("name", bc.bundled_articles())
@pytest.mark.parametrize("fmt", ["pdf", "pdf-large"])
def test_every_bundled_handout_keeps_its_pages_with_links_and_every_clinic_detail(
    name: str, fmt: str, tmp_path: Path
) -> None:
    from clinics import full_clinic

    library = Library.bundled()
    article = bc.load_bundled(name)
    links = library.links(article, "{id}.{language}.html")
    clinic = full_clinic(tmp_path / "logo.png").model_copy(
        update={"guide_url": "https://www.example-physio.org/guides/{id}/{language}"}
    )
    for paper in bc.PAPERS:
        for chosen in (None, clinic):
            out = bc.render(fmt, article, clinic=chosen, paper=paper, links=links)
            assert not out.too_long, (paper, chosen is not None, out.pages)


def test_the_email_names_the_guides_other_languages_and_related_guides() -> None:
    from backpain_content.renderers.email import build_guide_email

    library = Library.bundled()
    article = library.get("exercise-low-back-pain", "fr-CA")
    message = build_guide_email(
        article,
        to="patient@example.org",
        sender="desk@example.org",
        clinic=LINKED_CLINIC,
        links=library.links(article),
    )
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    plain, page = text.get_content(), html.get_content()
    separator = bc.labels_for("fr").term_separator
    assert f"Ce guide dans d’autres langues\n- Exercise for low back pain{separator} " in plain
    assert "https://example.org/guides/exercise-low-back-pain/en-CA" in plain
    assert "Guides connexes\n- " in plain
    assert 'lang="en-CA"><a href="https://example.org/guides/exercise-low-back-pain/en-CA"' in page
    # Without links, none of it.
    alone = build_guide_email(article, to="patient@example.org", sender="desk@example.org")
    body = alone.get_body(("plain",))
    assert body is not None
    assert "Guides connexes" not in body.get_content()


def test_a_poster_per_guide_leads_to_its_own_page() -> None:
    from backpain_content.fields import fill_guide_url

    clinic = bc.Clinic(name="Example", guide_url="https://example.org/guides/{id}?lang={language}")
    assert fill_guide_url(clinic.guide_url or "", "a-b", "fr-CA") == (
        "https://example.org/guides/a-b?lang=fr-CA"
    )
    with pytest.raises(ValueError, match="guide_url"):
        bc.Clinic(name="Example", guide_url="https://example.org/{nope}")


# The new doors take any text: a Markdown guide, a blog post, a library's files. Each
# either reads it or says what is wrong in one ContentError; nothing else escapes.

_MARKDOWN_PIECES = st.sampled_from(
    [
        "---\n", "id: x\n", "language: en-CA\n", "## H {#lifestyle}\n", "### G {#urgent_signs}\n",
        "## H {#nope}\n", "- **T:** body\n", "  :id: a\n", ":summary: s\n", ":typical: 3-x\n",
        "\n", "> quote\n", "1. one\n", "```\ncode\n```\n", "| a | b |\n|---|---|\n", "&amp;\n",
        "key: [unclosed\n", "a: &x 1\nb: *x\n", "<b>html</b>\n", "TODO\n", "    indented\n",
    ]
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_MARKDOWN_PIECES, st.text(max_size=30)), max_size=25).map("".join))
def test_any_markdown_is_read_or_refused_in_one_error(text: str) -> None:
    try:
        read_markdown(text, "fuzz.md")
    except ContentError as exc:
        assert str(exc).startswith("fuzz.md")
        assert "\n" not in str(exc)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(_MARKDOWN_PIECES, st.text(max_size=30)), max_size=25).map("".join),
    st.sampled_from(["post.md", "post.html"]),
)
def test_any_post_is_imported_or_refused_in_one_error(text: str, name: str) -> None:
    try:
        draft = import_post(Path(name), text)
    except ContentError as exc:
        assert str(exc).startswith(name)
        return
    assert draft.markdown.startswith("---\n")
    # A draft is never a publishable guide until its TODOs are written.
    with pytest.raises(ContentError):
        read_markdown(draft.markdown, "draft.md")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=200), min_size=1, max_size=3))
def test_a_library_of_any_files_opens_or_names_the_bad_one(contents: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        names = [
            Path(folder) / f"guide-{i}.{'md' if i % 2 else 'toml'}" for i in range(len(contents))
        ]
        for path, data in zip(names, contents, strict=True):
            path.write_bytes(data)
        try:
            Library.open(folder)
        except ContentError as exc:
            assert exc.source is not None
            assert any(str(path) in exc.source for path in names)
