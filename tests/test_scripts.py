"""The guide in other scripts: Arabic (right to left, joined letters), Punjabi in Gurmukhi
(reordered vowel signs, conjuncts), Simplified Chinese (no spaces between words), Greek
and Polish (Latin letters Vera lacks), each translated by the tests through `translate
apply` (see `pseudo.py`) and rendered in every format, under the real validators.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import io
import re
import subprocess
import sys
import unicodedata
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest
from lxml import etree

import backpain_content as bc
from backpain_content.renderers.fonts import font_files
from backpain_content.renderers.shared import labels_of
from command import run_cli
from htmltools import visible_text
from needs import require_tool
from pseudo import WORDS, translated, translated_po
from shaping import check_shaping, reading_text
from structtext import struct_text, text_shown
from test_epub import _ace, _epubcheck

LANGUAGES = ("ar", "pa", "zh-Hans", "el", "pl")
FAMILIES = {
    "ar": "NotoSansArabic",
    "pa": "NotoSansGurmukhi",
    "zh-Hans": "WenQuanYiZenHei",
    "el": "DejaVuSans",
    "pl": "DejaVuSans",
}
"""The family each language's handout must embed (with Vera, for Latin words)."""
NS = {"x": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf"}


class Rendered:
    def __init__(self, article: bc.Article, folder: Path) -> None:
        self.article = article
        self.folder = folder
        self.files: dict[str, bytes] = {}
        for fmt in bc.FORMATS:
            result = bc.render(fmt.name, article, paper="a4")
            self.files[fmt.name] = result.data
            (folder / result.filename).write_bytes(result.data)
            assert not result.too_long, (article.language, fmt.name, result.pages)
        self.snippet = str(bc.render_html(article))
        self.message = bc.build_guide_email(
            article, to="p@example.org", sender="f@example.org", patient_name="Pat"
        )

    def pdf_path(self, name: str = "pdf") -> Path:
        path = self.folder / f"{name}.pdf"
        path.write_bytes(self.files[name])
        return path


@pytest.fixture(scope="module")
def guides(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    made = {}
    for language in LANGUAGES:
        folder = tmp_path_factory.mktemp(language)
        made[language] = Rendered(translated(language, folder), folder)
    return made


def _squash(text: str, cjk: bool = False) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)
    return re.sub(r"\s+", "" if cjk else " ", text).strip()


def _latin_runs_reversed(text: str) -> str:
    """`text` with the words of each run of Latin words in reverse order."""
    words, out, run = text.split(), [], []
    for word in words:
        if re.fullmatch(r"[A-Za-z][\w.-]*", word):
            run.append(word)
            continue
        out += [*reversed(run), word]
        run = []
    return " ".join([*out, *reversed(run)])


def _handout_strings(article: bc.Article) -> list[str]:
    """Texts both handouts print whole: the title, the summary, the research's summary, the
    urgent signs' and what to expect after a session (the standard handout prints the home
    tips by title)."""
    assert article.research is not None
    assert article.aftercare is not None
    strings = [article.title, article.summary, article.research.summary]
    strings += [item.summary for item in article.safety.urgent_signs.items]
    strings += [item.summary for item in article.aftercare.items]
    return strings


# The workflow


def test_every_language_goes_through_translate_apply(guides: dict[str, Rendered]) -> None:
    for language, rendered in guides.items():
        article = rendered.article
        assert article.language == language
        translation = article.provenance.translation
        assert translation is not None
        assert translation.translated_by == "The test suite"
        assert translation.untranslated == ()
        assert article.labels is not None  # the package has no labels in these languages
        assert article.lifestyle.items[2].id == "stretch-daily"  # ids kept


# HTML


@pytest.mark.parametrize("language", LANGUAGES)
def test_html_says_language_and_direction(guides: dict[str, Rendered], language: str) -> None:
    rendered = guides[language]
    page = rendered.files["html"].decode("utf-8")
    root = etree.fromstring(page.encode("utf-8"), etree.HTMLParser())
    html_element = root.getroottree().getroot()
    assert html_element.get("lang") == language
    article = root.find(".//article")
    assert article is not None
    assert article.get("lang") == language
    rtl = language == "ar"
    assert (html_element.get("dir") == "rtl") is rtl
    assert (article.get("dir") == "rtl") is rtl
    # The English source title is marked as English, and so are the references' titles.
    cites = root.findall(".//footer//cite")
    assert [cite.get("lang") for cite in cites] == ["en-CA"]
    reference = root.find(".//section[@id='bpc-sources']//cite")
    assert reference is not None
    assert reference.get("lang") == "en"
    text = visible_text(page)
    assert rendered.article.title in text
    assert rendered.article.labels is not None
    assert labels_of(rendered.article).translation_not_reviewed in text


# ePub


@pytest.mark.parametrize("language", LANGUAGES)
def test_epub_passes_epubcheck_and_ace(
    guides: dict[str, Rendered], language: str, tmp_path: Path
) -> None:
    book = guides[language].files["epub"]
    assert _epubcheck(book, tmp_path) == []
    assert _ace(book, tmp_path) == []


def test_right_to_left_epub_turns_pages_from_the_right(guides: dict[str, Rendered]) -> None:
    for language, rendered in guides.items():
        with zipfile.ZipFile(io.BytesIO(rendered.files["epub"])) as book:
            opf = etree.fromstring(book.read("EPUB/content.opf"))
            spine = opf.find("opf:spine", NS)
            assert spine is not None
            direction = spine.get("page-progression-direction")
            assert direction == ("rtl" if language == "ar" else None), language
            section = etree.fromstring(book.read("EPUB/lifestyle.xhtml"))
            assert section.get("lang") == language
            assert (section.get("dir") == "rtl") is (language == "ar")


# PDF


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_embeds_every_font_and_the_scripts_family(
    guides: dict[str, Rendered], language: str
) -> None:
    pdffonts = require_tool("pdffonts")
    for name in ("pdf", "pdf-large"):
        path = guides[language].pdf_path(name)
        rows = subprocess.run(
            [pdffonts, str(path)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert rows
        for row in rows:
            emb, sub, uni = row.split()[-5:-2]
            assert (emb, sub, uni) == ("yes", "yes", "yes"), row
            assert not row.split("+")[-1].startswith(("Helvetica", "Times", "Courier")), row
        assert any(FAMILIES[language] in row for row in rows), rows


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdftotext_gives_back_each_text(guides: dict[str, Rendered], language: str) -> None:
    rendered = guides[language]
    expected = _handout_strings(rendered.article)
    cjk = language.startswith("zh")
    labels = labels_of(rendered.article)
    assert labels is not None
    # A paragraph a page breaks reads on after the page's footer and the next one's
    # header: those are taken out.
    furniture = [
        labels.disclaimer,
        labels.clinic_in_location.format(name="Avenue Physio", location="Calgary Downtown"),
        *(labels.page_of.format(page=n, pages=total) for total in range(1, 8) for n in range(1, 8)),
    ]
    if language == "ar":
        # A run of Latin words in a right-to-left line reads back in visual order
        # ("Physio Avenue" for the clinic's name in the page's header).
        furniture += [_latin_runs_reversed(part) for part in furniture]
    for name in ("pdf", "pdf-large"):
        path = rendered.pdf_path(name)
        text = _squash(reading_text(path, rtl=language == "ar"), cjk)
        # A list's bullet is drawn apart from its item's words, a little lower than them.
        text = text.replace("•", " ")
        for part in furniture:
            text = text.replace(_squash(part, cjk), " ")
        text = _squash(text, cjk)
        missing = [s for s in expected if _squash(s, cjk) not in text]
        assert not missing, (language, name, missing[:3])


@pytest.mark.parametrize(("language", "script"), [("ar", "Arab"), ("pa", "Guru")])
def test_joined_and_reordered_letters_are_drawn_shaped(
    guides: dict[str, Rendered], language: str, script: str
) -> None:
    """Every word is drawn as the glyphs HarfBuzz gives it, not its code points'."""
    files = font_files(script)
    assert files is not None
    rendered = guides[language]
    words = sorted(
        {word for word in WORDS[language] if word in rendered.article.summary}
        | {
            word.rstrip(".")
            for tip in rendered.article.lifestyle.items
            for word in tip.summary.split()
        }
    )
    result = check_shaping(rendered.files["pdf"], words, str(files.regular), files.subfont)
    assert result.words > 10
    assert len(result.changed) >= 5, result  # shaping changes these words' glyphs
    assert result.missing == [], result
    assert result.drawn_unshaped == [], result


def test_the_shaping_check_fails_on_unshaped_text(tmp_path: Path) -> None:
    """The check above can fail: the same words drawn without shaping are caught."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    files = font_files("Arab")
    assert files is not None
    if "Unshaped-Test" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Unshaped-Test", str(files.regular)))
    words = WORDS["ar"][:12]
    out = io.BytesIO()
    style = ParagraphStyle("plain", fontName="Unshaped-Test", fontSize=14, leading=20, shaping=0)
    SimpleDocTemplate(out, initialFontName="Unshaped-Test").build(
        [Paragraph(" ".join(words), style)]
    )
    result = check_shaping(out.getvalue(), words, str(files.regular))
    assert result.changed
    assert result.missing
    assert result.drawn_unshaped


def test_chinese_lines_break_between_characters(guides: dict[str, Rendered]) -> None:
    """No spaces between Chinese words: lines still fill the width, and break inside them."""
    path = guides["zh-Hans"].pdf_path()
    pdftotext = require_tool("pdftotext")
    lines = subprocess.run(
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    han = [line.strip() for line in lines if sum("\u4e00" <= c <= "\u9fff" for c in line) > 20]
    assert len(han) > 10
    assert not any(line.startswith(("，", "。")) for line in han)


PRINTED = [fmt.name for fmt in bc.FORMATS if fmt.media_type == "application/pdf"]


@pytest.mark.parametrize("name", PRINTED)
def test_chinese_bold_is_drawn_bold(guides: dict[str, Rendered], name: str) -> None:
    """The CJK font has no bold face: bold Chinese (headings, the boxes' titles, items'
    titles) is its regular face drawn filled and stroked (text rendering mode 2), and
    regular text stays filled only; text in a font with a real bold is never stroked."""
    shown = text_shown(guides["zh-Hans"].files[name])
    chinese = [s for s in shown if "WenQuanYi" in s.font_name]
    headings = [s for s in chinese if re.fullmatch(r"/H\d", s.tag)]
    assert headings, "no Chinese heading drawn"
    assert {s.mode for s in headings} == {2}, name
    body = [s for s in chinese if s.tag in ("/P", "/LBody")]
    assert {s.mode for s in body} == {0, 2}, "bold and regular text alike"
    assert sum(s.mode == 0 for s in body) > sum(s.mode == 2 for s in body)
    assert not [s for s in shown if s.mode and "WenQuanYi" not in s.font_name]


def test_korean_bold_is_nanum_gothics_bold_face(tmp_path: Path) -> None:
    """Korean has a TrueType family with a real bold face (Nanum Gothic): its headings are
    set in that face, and nothing is drawn as synthetic bold."""
    shown = text_shown(bc.render("pdf", translated("ko", tmp_path)).data)
    korean = [s for s in shown if "NanumGothic" in s.font_name]
    headings = [s for s in korean if re.fullmatch(r"/H\d", s.tag)]
    assert headings, "no Korean heading drawn"
    assert all(s.font_name.endswith("NanumGothicBold") for s in headings), headings
    assert any(s.font_name.endswith("+NanumGothic") for s in korean if s.tag == "/P")
    assert not [s for s in shown if s.mode], "synthetic bold where a bold face exists"


def _check_boxes(pdf: bytes) -> list[tuple[float, float]]:
    """Where the check boxes are (the small squares drawn), and the page's width."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    width = float(page.mediabox.width)
    boxes = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"re":
            x, _, w, h = (float(v) for v in operands)
            if 8 < w < 11 and abs(w - h) < 0.01:
                boxes.append((x, width))
    return boxes


def test_right_to_left_handout_is_mirrored(guides: dict[str, Rendered]) -> None:
    """Arabic: the check boxes stand on the right, where its lines begin; in a
    left-to-right guide, on the left."""
    for language, rendered in guides.items():
        boxes = _check_boxes(rendered.files["pdf"])
        assert len(boxes) == len(rendered.article.lifestyle.items), language
        on_right = [x > width / 2 for x, width in boxes]
        assert all(on_right) if language == "ar" else not any(on_right), language


def _page_parts(pdf: bytes, number: int) -> tuple[float, list[tuple[float, float]], list[float]]:
    """A page's width, its check boxes (left, side) and where its large type (20 pt or
    more: a title) begins, from the left."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTContainer, LTCurve

    page = list(extract_pages(io.BytesIO(pdf)))[number - 1]
    boxes, big = [], []

    def walk(item: object) -> None:
        if isinstance(item, LTChar) and item.size >= 20 and item.get_text().strip():
            big.append(item.x0)
        elif (
            isinstance(item, LTCurve)
            and 8 < item.width < 11
            and abs(item.width - item.height) < 0.5
        ):
            boxes.append((item.x0, item.width))
        if isinstance(item, LTContainer):
            for child in item:
                walk(child)

    walk(page)
    return page.width, boxes, big


@pytest.mark.parametrize("language", ["ar", "pl"])
def test_right_to_left_brochure_folds_the_other_way(
    guides: dict[str, Rendered], language: str
) -> None:
    """An Arabic reader holds the folded leaflet the other way round: the cover is the
    outside's left panel, and the inside begins on its right-hand panel (the home tips,
    with their check boxes, come first); a left-to-right one is the other way. The tagged
    reading order is the same for both: the cover, the flap, the inside, the back."""
    rendered = guides[language]
    pdf = rendered.files["brochure"]
    rtl = language == "ar"
    width, _, title = _page_parts(pdf, 1)
    assert title
    assert all(x < width / 3 for x in title) if rtl else all(x > width * 2 / 3 for x in title)
    width, boxes, _ = _page_parts(pdf, 2)
    assert len(boxes) == len(rendered.article.lifestyle.items)
    # The list begins in the first panel and goes on, if it must, toward the next.
    first = boxes[0][0]
    assert first > width * 2 / 3 if rtl else first < width / 3, boxes
    places = [x for x, _ in boxes]
    assert places == sorted(places, reverse=rtl), boxes
    article = rendered.article
    said = _squash("".join(struct_text(pdf)))
    places = [
        said.find(_squash(text))
        for text in (
            article.title,
            article.sessions.short_heading,
            article.lifestyle.items[0].title,
            article.safety.urgent_signs.items[0].summary,
            article.closing.short_heading,
        )
    ]
    assert -1 not in places, places
    assert places == sorted(places)


# Email


@pytest.mark.parametrize("language", LANGUAGES)
def test_email_in_the_guides_language(guides: dict[str, Rendered], language: str) -> None:
    rendered = guides[language]
    message = email.message_from_bytes(rendered.message.as_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message["Content-Language"] == language
    labels = labels_of(rendered.article)
    assert labels is not None
    assert str(message["Subject"]).startswith(labels.email_subject.split("{")[0].strip())
    html_part = message.get_body(("html",))
    assert html_part is not None
    body = html_part.get_content()
    root = etree.fromstring(body.encode("utf-8"), etree.HTMLParser())
    assert root.getroottree().getroot().get("lang") == language
    rtl = language == "ar"
    assert (root.getroottree().getroot().get("dir") == "rtl") is rtl
    assert ("padding-right:20px" in body) is rtl


# Fonts: missing ones, other processes, threads


def test_a_script_without_a_font_is_one_clear_error(tmp_path: Path) -> None:
    """With no Arabic font installed, the handout says what to install (in a process of
    its own, whose font search finds none)."""
    po = translated_po("ar", tmp_path)
    guide = tmp_path / "guide.toml"
    result = run_cli("translate", "apply", str(po), "-o", str(guide), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    code = (
        "import sys\n"
        "from backpain_content.renderers import fonts\n"
        "fonts._DEBIAN = ()\n"
        "from backpain_content.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "export", "--format", "pdf", "--out", "out", str(guide)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "BACKPAIN_FONTS": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1
    assert "Arabic script, and no font for it is installed" in done.stderr
    assert "fonts-noto-core" in done.stderr
    assert not (tmp_path / "out").exists()


_MIXED = """
import hashlib, sys, threading
sys.path.insert(0, {tests!r})
import backpain_content as bc
from pseudo import translated
from pathlib import Path
guides = [bc.load_article()] + [translated(l, Path({folder!r})) for l in ("ar", "zh-Hans", "pa")]
order = sys.argv[1]
if order == "threads":
    out = [None] * len(guides)
    start = threading.Barrier(len(guides))
    def work(i):
        start.wait()
        out[i] = bc.render_pdf(guides[i])
    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(guides))]
    [t.start() for t in threads]; [t.join() for t in threads]
else:
    out = [bc.render_pdf(g) for g in (guides if order == "english-first" else guides[::-1])]
    if order != "english-first":
        out = out[::-1]
print(" ".join(hashlib.sha256(pdf).hexdigest() for pdf in out))
"""


def test_fonts_set_up_in_any_order_or_at_once_give_the_same_bytes(tmp_path: Path) -> None:
    """The first handout in a script registers its fonts: the English handout, and every
    other, come out the same whether that happened before, after or in another thread."""
    code = _MIXED.format(tests=str(Path(__file__).parent), folder=str(tmp_path))
    results = {
        order: subprocess.run(
            [sys.executable, "-c", code, order],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        ).stdout.split()
        for order in ("english-first", "english-last", "threads")
    }
    assert results["english-first"] == results["english-last"] == results["threads"]
    english = bc.render_pdf(bc.load_article())
    assert results["threads"][0] == hashlib.sha256(english).hexdigest()


def test_right_to_left_contact_details_are_isolated_in_every_format(tmp_path: Path) -> None:
    """A phone number in an Arabic guide reads "1 800 555 0199", not "0199 555 800 1":
    in HTML, the ePub and the HTML email its link is set left to right on its own
    (dir="ltr", which isolates it); in the text email it is between U+2066 and U+2069;
    the handout orders its words itself."""
    article = translated("ar", tmp_path)
    clinic = bc.Clinic(
        name="Example Physio",
        phone="1 800 555 0199",
        email="front@example.org",
        website="https://example.org/",
    )
    page = str(bc.render_html(article, clinic=clinic))
    assert '<a href="tel:18005550199" dir="ltr">1 800 555 0199</a>' in page
    assert '<a href="mailto:front@example.org" dir="ltr">front@example.org</a>' in page
    with zipfile.ZipFile(io.BytesIO(bc.render("epub", article, clinic=clinic).data)) as book:
        about = next(book.read(n).decode() for n in book.namelist() if n.endswith("about.xhtml"))
    assert '<a href="tel:18005550199" dir="ltr">1 800 555 0199</a>' in about
    message = bc.build_guide_email(
        article, to="p@example.org", sender="f@example.org", clinic=clinic
    )
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "\u20661 800 555 0199\u2069" in text
    assert "\u2066front@example.org\u2069" in text
    html = message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert 'href="tel:18005550199" dir="ltr"' in html
    # A left-to-right guide's text email has no isolates.
    english = bc.build_guide_email(
        bc.load_article(), to="p@example.org", sender="f@example.org", clinic=clinic
    )
    assert "\u2066" not in english.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    # The handout draws the number in order, with no control character in its text.
    pdf = bc.render("pdf", article, clinic=clinic).data
    assert "1 800 555 0199" in re.sub(r"\s+", " ", "".join(struct_text(pdf)))


def test_balanced_bidi_isolates_are_allowed_in_text_and_stray_ones_refused() -> None:
    data = bc.load_article().model_dump()
    kept = bc.Article.model_validate({**data, "title": "اتصل \u20661 800 555 0199\u2069"})
    assert kept.title.endswith("\u2069")
    runs = struct_text(bc.render("pdf", kept).data)
    assert "1 800 555 0199" in re.sub(r"\s+", " ", "".join(runs))
    for stray in ("x\u2066y", "x\u2069y", "\u2067a\u2066b\u2069"):
        with pytest.raises(bc.ContentError, match="bidi isolate"):
            bc.Article.model_validate({**data, "title": stray})
    with pytest.raises(bc.ContentError, match="U\\+202E"):
        bc.Article.model_validate({**data, "title": "abc\u202edcba"})
