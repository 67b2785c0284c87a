"""The waiting room's formats: the tri-fold brochure and the poster.

Every bundled language, every clinic variant, both papers. The checks read the PDFs back
with poppler (pdfinfo, pdffonts, pdftotext -bbox, pdftoppm), zbar, pdfminer.six (type
sizes and where every drawn thing lies) and the tagged-PDF checks of test_tagged.py.
"""

from __future__ import annotations

import functools
import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import textstat
from pdfminer.high_level import extract_pages
from pdfminer.layout import (
    LTChar,
    LTComponent,
    LTContainer,
    LTCurve,
    LTPage,
    LTRect,
    LTTextContainer,
)
from PIL import Image

import backpain_content as bc
from backpain_content.renderers.pdf.brochure import MIN_BODY, panels
from backpain_content.renderers.pdf.poster import MIN_POINT, MIN_TITLE, POSTER_PAPER
from backpain_content.renderers.pdf.story import first_sentence
from backpain_content.renderers.shared import direction, provenance_line, review_notice
from clinics import full_clinic
from command import run_cli
from needs import require_tool
from pseudo import translated
from tagged_pdf import assert_tagged, in_order
from tomlwriter import dumps

LANGUAGES = ("en-CA", "fr-CA")
SCRIPTS = ("ar", "pa", "zh-Hans")
"""Right to left and joined, reordered vowel signs, no spaces between words."""
PAPERS = ("letter", "a4")
CLINICS = ("default", "full", "website", "guide", "guide-only", "no-link")
PRINTER_MARGIN = 18.0
"""What the issue asks of every mark: 0.25 in from the sheet's edges and from each fold."""
INCH = 72.0
MAX_GRADE = 8
LABELS_EN = bc.labels_for("en-CA")


def _clinic(kind: str, logo: Path) -> bc.Clinic | None:
    name = "Example Physiotherapy and Wellness Centre"
    if kind == "default":
        return None
    if kind == "full":
        return full_clinic(logo)
    if kind == "website":
        return bc.Clinic(name=name, website="https://www.example-physio.org/")
    if kind == "guide":
        return bc.Clinic(
            name=name,
            website="https://www.example-physio.org/",
            guide_url="https://www.example-physio.org/guides/dry-needling",
            logo=logo,
        )
    if kind == "guide-only":
        return bc.Clinic(name=name, guide_url="https://www.example-physio.org/guides/dry-needling")
    return bc.Clinic(name=name, phone="+1 (555) 010-0000")


@dataclass
class Sheet:
    """A brochure or poster rendered, written to disk, and read back."""

    kind: str
    language: str
    clinic_kind: str
    paper: str
    article: bc.Article
    clinic: bc.Clinic
    data: bytes
    path: Path

    @functools.cached_property
    def info(self) -> dict[str, str]:
        out = _run(require_tool("pdfinfo"), str(self.path)).stdout
        return {
            k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())
        }

    @functools.cached_property
    def pages(self) -> list[LTPage]:
        return list(extract_pages(io.BytesIO(self.data)))

    @functools.cached_property
    def words(self) -> list[tuple[int, float, float, float, float, str]]:
        """Every word pdftotext finds: (page, left, top, right, bottom, text), in points
        from the top left."""
        out = _run(require_tool("pdftotext"), "-bbox", str(self.path), "-").stdout
        found, page = [], 0
        for line in out.splitlines():
            if "<page " in line:
                page += 1
            word = re.search(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>',
                line,
            )
            if word:
                left, top, right, bottom = (float(word[n]) for n in range(1, 5))
                found.append((page, left, top, right, bottom, word[5]))
        return found

    def chars(self) -> list[tuple[int, float, str]]:
        """Every character drawn: (page, size in points, text)."""
        found = []
        for number, page in enumerate(self.pages, start=1):
            for item in _walk(page):
                if isinstance(item, LTChar):
                    found.append((number, item.size, item.get_text()))
        return found


def _off_limits(sheet: Sheet) -> list[tuple[str, str]]:
    """What lies less than 0.25 in from the sheet's edges or a fold: every word
    (pdftotext -bbox) and everything drawn (pdfminer: text, images, rules, boxes, the
    QR code)."""
    layout = panels(sheet.paper, rtl=direction(sheet.language) == "rtl")  # type: ignore[arg-type]
    outside, inside = layout.folds

    def where(page: int, left: float, right: float, top: float, bottom: float) -> str | None:
        if left < PRINTER_MARGIN or right > layout.width - PRINTER_MARGIN:
            return "the side edges"
        if top < PRINTER_MARGIN or bottom > layout.height - PRINTER_MARGIN:
            return "the top or bottom edge"
        for fold in outside if page == 1 else inside:
            if right > fold - PRINTER_MARGIN and left < fold + PRINTER_MARGIN:
                return f"the fold at {fold / INCH:.2f} in"
        return None

    words = sheet.words
    assert len(words) > 200
    problems = [
        (text, found)
        for page, left, top, right, bottom, text in words
        if (found := where(page, left, right, top, bottom))
    ]
    for number, page in enumerate(sheet.pages, start=1):
        for item in _walk(page):
            if item is page or not isinstance(item, LTComponent):
                continue  # the page itself; the spaces pdfminer adds between words
            if isinstance(item, LTTextContainer):
                continue  # a line or box of text: its characters are checked one by one
            if isinstance(item, LTChar) and not item.get_text().strip():
                continue  # a space prints nothing (one ends each line, for the tagged text)
            x0, y0, x1, y1 = item.bbox
            found = where(number, x0, x1, layout.height - y1, layout.height - y0)
            if found:
                problems.append((type(item).__name__, found))
    return problems


def _walk(item: LTComponent) -> list[LTComponent]:
    found = [item]
    if isinstance(item, LTContainer):
        for child in item:
            found += _walk(child)
    return found


def _run(*args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode in ok, (args, result.stderr)
    return result


def _squash(text: str) -> str:
    """Text to compare: no whitespace, no hyphens (pdftotext and pdfminer drop or keep
    the hyphen of a word broken at a line's end)."""
    return re.sub(r"[\s\-‐]", "", text)


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, ...], Sheet]:
    folder = tmp_path_factory.mktemp("waiting-room")
    logo = folder / "logo.png"
    Image.new("RGB", (300, 100), (29, 92, 135)).save(logo)
    made = {}
    for language in LANGUAGES:
        article = bc.load_bundled(f"dry-needling-back-pain.{language}")
        for clinic_kind in CLINICS:
            clinic = _clinic(clinic_kind, logo)
            for paper in PAPERS:
                for kind in ("brochure", "poster"):
                    rendered = bc.render(kind, article, clinic=clinic, paper=paper)  # type: ignore[arg-type]
                    assert not rendered.too_long
                    path = folder / f"{clinic_kind}-{paper}-{rendered.filename}"
                    path.write_bytes(rendered.data)
                    made[kind, language, clinic_kind, paper] = Sheet(
                        kind,
                        language,
                        clinic_kind,
                        paper,
                        article,
                        clinic or bc.default_clinic(article),
                        rendered.data,
                        path,
                    )
    return made


def _all(kind: str) -> list[tuple[str, ...]]:
    return [
        (kind, language, clinic, paper)
        for language in LANGUAGES
        for clinic in CLINICS
        for paper in PAPERS
    ]


def _id(key: tuple[str, ...]) -> str:
    return "-".join(key)


BROCHURES = _all("brochure")
POSTERS = _all("poster")


# The brochure.


@pytest.mark.parametrize("key", BROCHURES, ids=_id)
def test_brochure_is_one_landscape_sheet_both_sides(
    sheets: dict[tuple[str, ...], Sheet], key: tuple[str, ...]
) -> None:
    sheet = sheets[key]
    assert sheet.info["Pages"] == "2"
    width, height = (792, 612) if sheet.paper == "letter" else (842, 595)
    size = re.match(r"([\d.]+) x ([\d.]+) pts", sheet.info["Page size"])
    assert size
    assert (round(float(size[1])), round(float(size[2]))) == (width, height)
    assert sheet.info["Page rot"] == "0"
    assert sheet.info["Tagged"] == "yes"


@pytest.mark.parametrize("key", BROCHURES, ids=_id)
def test_brochure_text_is_at_least_11_pt_and_fonts_are_embedded(
    sheets: dict[tuple[str, ...], Sheet], key: tuple[str, ...]
) -> None:
    sheet = sheets[key]
    sizes = [size for _, size, text in sheet.chars() if text.strip()]
    assert sizes
    assert min(sizes) >= MIN_BODY - 0.01
    # 12 pt where it fits: the English guide does, on either paper.
    if sheet.language == "en-CA":
        assert min(sizes) >= 12 - 0.01
    fonts = _run(require_tool("pdffonts"), str(sheet.path)).stdout.splitlines()[2:]
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column


@pytest.mark.parametrize("key", BROCHURES, ids=_id)
def test_brochure_keeps_off_the_edges_and_the_folds(
    sheets: dict[tuple[str, ...], Sheet], key: tuple[str, ...]
) -> None:
    """Every word (pdftotext -bbox) and everything drawn (pdfminer: text, images, rules,
    boxes, the QR code) lies inside a panel, 0.25 in from the sheet's edges and the folds."""
    sheet = sheets[key]
    layout = panels(sheet.paper, rtl=direction(sheet.language) == "rtl")  # type: ignore[arg-type]
    outside, inside = layout.folds
    assert abs(outside[0] + inside[1] - layout.width) < 0.01  # folds meet back to back
    assert abs(outside[1] + inside[0] - layout.width) < 0.01

    problems = _off_limits(sheet)
    assert not problems, problems[:10]


@pytest.mark.parametrize("key", BROCHURES, ids=_id)
def test_brochure_cover_is_the_right_panel_of_the_outside(
    sheets: dict[tuple[str, ...], Sheet], key: tuple[str, ...]
) -> None:
    sheet = sheets[key]
    layout = panels(sheet.paper, rtl=direction(sheet.language) == "rtl")  # type: ignore[arg-type]
    first = sheet.article.title.split()[0]
    # The title's first word in the title's type (the source line names the title too).
    title = [w for w in sheet.words if w[5] == first and w[4] - w[2] > 20]
    assert title
    assert title[0][0] == 1
    assert title[0][1] >= layout.width * 2 / 3, "the title is not in the right third"
    # The back (the clinic, where the guide comes from) is the middle; the flap, the left.
    disclaimer = _squash(bc.labels_for(sheet.language).disclaimer)
    back_left, back_width = layout.outside[1]
    middle = "".join(
        w[5] for w in sheet.words if w[0] == 1 and back_left < w[1] < back_left + back_width
    )
    assert disclaimer in _squash(middle)
    flap = "".join(w[5] for w in sheet.words if w[0] == 1 and w[3] < layout.outside[0][1])
    assert _squash(sheet.article.sessions.short_heading) in _squash(flap)


@pytest.mark.parametrize("key", BROCHURES, ids=_id)
def test_brochure_is_tagged_in_reading_order(
    sheets: dict[tuple[str, ...], Sheet], key: tuple[str, ...]
) -> None:
    """Cover, flap, inside, back: not the order the panels are printed in (the back is
    printed on the outside, before the inside)."""
    sheet = sheets[key]
    article, labels = sheet.article, bc.labels_for(sheet.language)
    report = assert_tagged(sheet.data)
    said = [
        article.title,
        first_sentence(article.summary),
        article.causes.short_heading,
        article.sessions.short_heading,
        labels.sessions_range.format(min=3, max=6),
        article.lifestyle.short_heading,
        *(tip.title for tip in article.lifestyle.items),
        article.safety.short_heading,
        *(item.summary for item in article.safety.urgent_signs.items),
        article.closing.short_heading,
        sheet.clinic.name,
        labels.disclaimer,
    ]
    assert not in_order(report, said)
    roles = [element.role for element in report.tree.walk()] if report.tree else []
    assert roles.count("H1") == 1
    assert roles.count("Sect") == 4
    alts = [str(e.obj.get("/Alt")) for e in report.tree.walk() if e.role == "Figure"]  # type: ignore[union-attr]
    assert labels.sessions_range.format(min=3, max=6) in alts
    if sheet.clinic.logo:
        assert labels.logo_alt.format(clinic=sheet.clinic.name) in alts


@pytest.mark.parametrize("key", BROCHURES, ids=_id)
def test_brochure_holds_what_it_must(
    sheets: dict[tuple[str, ...], Sheet], key: tuple[str, ...]
) -> None:
    """The summaries, the home tips, the review notice, the safety pointer and the urgent
    signs, the source line and the general-information note, on the page (not only in the
    tags)."""
    sheet = sheets[key]
    article, labels = sheet.article, bc.labels_for(sheet.language)
    text = _squash("".join(w[5] for w in sheet.words))
    must = [
        article.causes.summary,
        article.sessions.summary,
        article.lifestyle.summary,
        "".join(part.text for part in review_notice(article, labels)),
        labels.safety_pointer,
        *(item.summary for item in article.safety.urgent_signs.items),
        *(tip.summary for tip in article.lifestyle.items),
        "".join(part.text for part in provenance_line(article, labels)),
        labels.disclaimer,
    ]
    missing = [said for said in must if _squash(said) not in text]
    assert not missing


@pytest.mark.parametrize("paper", PAPERS)
def test_brochure_reads_at_grade_8_or_below(
    sheets: dict[tuple[str, ...], Sheet], paper: str
) -> None:
    """The brochure's text, but for the source line (a title, a version and a date) and
    the clinic's links, at Flesch-Kincaid grade 8 or below, like the handout's."""
    sheet = sheets["brochure", "en-CA", "default", paper]
    text = " ".join(_run(require_tool("pdftotext"), str(sheet.path), "-").stdout.split())
    source = " ".join("".join(p.text for p in provenance_line(sheet.article, LABELS_EN)).split())
    assert source in text
    text = text.replace(source, " ")
    assert len(text.split()) > 400
    grade = textstat.flesch_kincaid_grade(text)
    assert grade <= MAX_GRADE, f"Flesch-Kincaid grade {grade:.2f}"


@pytest.mark.parametrize("key", BROCHURES, ids=_id)
def test_brochure_qr_code_decodes_at_150_dpi(
    sheets: dict[tuple[str, ...], Sheet], key: tuple[str, ...], tmp_path: Path
) -> None:
    sheet = sheets[key]
    clinic = sheet.clinic
    link = clinic.booking_url or clinic.website or clinic.guide_url
    assert _codes(sheet, tmp_path, 1) == ([link] if link else [])


def _codes(sheet: Sheet, folder: Path, page: int) -> list[str]:
    image = folder / "page"
    _run(
        require_tool("pdftoppm"),
        "-r",
        "150",
        "-png",
        "-f",
        str(page),
        "-l",
        str(page),
        "-singlefile",
        str(sheet.path),
        str(image),
    )
    # zbarimg exits 4 when it finds no code.
    result = _run(require_tool("zbarimg"), "--raw", "-q", f"{image}.png", ok=(0, 4))
    return result.stdout.splitlines()


# The poster.


@pytest.mark.parametrize("key", POSTERS, ids=_id)
def test_poster_is_one_portrait_page_of_the_larger_paper(
    sheets: dict[tuple[str, ...], Sheet], key: tuple[str, ...]
) -> None:
    sheet = sheets[key]
    assert sheet.info["Pages"] == "1"
    size = re.match(r"([\d.]+) x ([\d.]+) pts", sheet.info["Page size"])
    assert size
    width, height = float(size[1]), float(size[2])
    assert (round(width), round(height)) == (
        (792, 1224) if sheet.paper == "letter" else (842, 1191)
    )
    assert (width, height) == pytest.approx(POSTER_PAPER[sheet.paper], abs=0.01)  # type: ignore[index]
    assert sheet.info["Tagged"] == "yes"


@pytest.mark.parametrize("key", POSTERS, ids=_id)
def test_poster_type_sizes(sheets: dict[tuple[str, ...], Sheet], key: tuple[str, ...]) -> None:
    """The title at 60 pt or more; everything else at 28 pt or more, but for the review
    notice under the title, the safety pointer, and the source line and the
    general-information note at its foot, all read up close."""
    sheet = sheets[key]
    article, labels = sheet.article, bc.labels_for(sheet.language)
    chars = sheet.chars()
    title = "".join(t for _, size, t in chars if size >= MIN_TITLE - 0.01)
    assert _squash(title) == _squash(article.title)
    small = "".join(t for _, size, t in chars if size < MIN_POINT - 0.01)
    notice = "".join(part.text for part in review_notice(article, labels))
    foot = "".join(part.text for part in provenance_line(article, labels)) + labels.disclaimer
    assert _squash(small) == _squash(notice + labels.safety_pointer + foot)
    fonts = _run(require_tool("pdffonts"), str(sheet.path)).stdout.splitlines()[2:]
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts), fonts


def _points(article: bc.Article) -> list[str]:
    """The summaries a poster may show, first sentences, in the guide's order."""
    return [
        first_sentence(article.summary),
        *(
            first_sentence(getattr(article, name).summary)
            for name in ("causes", "sessions", "lifestyle", "safety")
        ),
    ]


@pytest.mark.parametrize("key", POSTERS, ids=_id)
def test_poster_says_three_to_five_points_and_who_to_ask(
    sheets: dict[tuple[str, ...], Sheet], key: tuple[str, ...], tmp_path: Path
) -> None:
    sheet = sheets[key]
    article, clinic, labels = sheet.article, sheet.clinic, bc.labels_for(sheet.language)
    report = assert_tagged(sheet.data)
    shown = [point for point in _points(article) if not in_order(report, [point])]
    assert 3 <= len(shown) <= 5
    link = clinic.guide_url or clinic.booking_url or clinic.website
    if clinic.guide_url:
        caption = labels.scan_to_read
    elif link:
        caption = labels.scan_to_book if clinic.booking_url else labels.scan_to_visit
    else:
        caption = labels.ask_for_guide
    said = [clinic.name, article.title, *shown, caption, labels.disclaimer]
    assert not in_order(report, said)
    items = [e for e in report.tree.walk() if e.role == "LI"]  # type: ignore[union-attr]
    assert len(items) == len(shown)
    assert _codes(sheet, tmp_path, 1) == ([link] if link else [])


@pytest.mark.parametrize(
    "key", [k for k in POSTERS if k[2] in ("full", "website", "guide", "guide-only")], ids=_id
)
def test_poster_qr_code_is_at_least_2_in_wide(
    sheets: dict[tuple[str, ...], Sheet], key: tuple[str, ...]
) -> None:
    """The code's dark modules span 2 in: the poster draws no other shapes, so the code
    is where pdfminer finds its rectangles."""
    sheet = sheets[key]
    shapes = [item for item in _walk(sheet.pages[0]) if isinstance(item, (LTRect, LTCurve))]
    assert shapes
    width = max(s.x1 for s in shapes) - min(s.x0 for s in shapes)
    height = max(s.y1 for s in shapes) - min(s.y0 for s in shapes)
    assert width >= 2 * INCH - 0.01
    assert abs(width - height) < 0.01


@pytest.mark.parametrize("key", POSTERS, ids=_id)
def test_poster_keeps_its_margins(
    sheets: dict[tuple[str, ...], Sheet], key: tuple[str, ...]
) -> None:
    sheet = sheets[key]
    width, height = POSTER_PAPER[sheet.paper]  # type: ignore[index]
    outside = [
        w
        for w in sheet.words
        if w[1] < 0.4 * INCH
        or w[3] > width - 0.4 * INCH
        or w[2] < 0.4 * INCH
        or w[4] > height - 0.4 * INCH
    ]
    assert sheet.words
    assert not outside


# Every language the package ships, and scripts it sets.


@pytest.mark.parametrize("kind", ["brochure", "poster"])
def test_same_input_same_bytes(kind: str) -> None:
    article = bc.load_bundled("dry-needling-back-pain.fr-CA")
    assert bc.render(kind, article).data == bc.render(kind, article).data


@pytest.fixture(scope="module")
def script_sheets(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Sheet]:
    """Brochures and posters of guides in other scripts (translated by the tests, see
    pseudo.py), for a clinic with every link and a logo."""
    folder = tmp_path_factory.mktemp("scripts")
    logo = folder / "logo.png"
    Image.new("RGB", (300, 100), (29, 92, 135)).save(logo)
    clinic = _clinic("full", logo)
    assert clinic is not None
    made = {}
    for language in SCRIPTS:
        (folder / language).mkdir()
        article = translated(language, folder / language)
        for kind in ("brochure", "poster"):
            rendered = bc.render(kind, article, clinic=clinic)
            path = folder / rendered.filename
            path.write_bytes(rendered.data)
            made[kind, language] = Sheet(
                kind, language, "full", "letter", article, clinic, rendered.data, path
            )
    return made


@pytest.mark.parametrize("language", SCRIPTS)
def test_brochure_in_other_scripts(
    script_sheets: dict[tuple[str, str], Sheet], language: str, tmp_path: Path
) -> None:
    sheet = script_sheets["brochure", language]
    assert sheet.info["Pages"] == "2"
    report = assert_tagged(sheet.data)
    assert str(report.pdf.Root.Lang) == language
    sizes = [size for _, size, text in sheet.chars() if text.strip()]
    assert min(sizes) >= MIN_BODY - 0.01
    assert not _off_limits(sheet)
    roles = [element.role for element in report.tree.walk()] if report.tree else []
    assert roles.count("Sect") == 4
    assert _codes(sheet, tmp_path, 1) == [sheet.clinic.booking_url]


@pytest.mark.parametrize("language", SCRIPTS)
def test_poster_in_other_scripts(
    script_sheets: dict[tuple[str, str], Sheet], language: str, tmp_path: Path
) -> None:
    sheet = script_sheets["poster", language]
    assert sheet.info["Pages"] == "1"
    report = assert_tagged(sheet.data)
    assert str(report.pdf.Root.Lang) == language
    sizes = [size for _, size, text in sheet.chars() if text.strip()]
    assert max(sizes) >= MIN_TITLE - 0.01
    items = [e for e in report.tree.walk() if e.role == "LI"]  # type: ignore[union-attr]
    assert 3 <= len(items) <= 5
    assert _codes(sheet, tmp_path, 1) == [sheet.clinic.guide_url or sheet.clinic.booking_url]


def test_handout_of_a_clinic_with_only_the_guide_online_links_to_it(tmp_path: Path) -> None:
    clinic = bc.Clinic(name="Example Physio", guide_url="https://example.org/guides/dry-needling")
    path = tmp_path / "handout.pdf"
    path.write_bytes(bc.render_pdf(bc.load_article(), clinic=clinic))
    sheet = Sheet("pdf", "en-CA", "guide-only", "letter", bc.load_article(), clinic, b"", path)
    assert _codes(sheet, tmp_path, 2) == [clinic.guide_url]
    text = _run(require_tool("pdftotext"), str(path), "-").stdout
    assert LABELS_EN.scan_to_read in " ".join(text.split())


# What does not fit, and what does not belong.


def _long_guide(tips: int) -> dict[str, object]:
    """The bundled guide's data with its home tips repeated to `tips` tips."""
    import tomllib
    from importlib.resources import files

    text = (files("backpain_content") / "articles" / "dry-needling-back-pain.en-CA.toml").read_text(
        "utf-8"
    )
    data = tomllib.loads(text)
    first = data["lifestyle"]["items"]  # type: ignore[index]
    data["lifestyle"]["items"] = [  # type: ignore[index]
        {**first[n % len(first)], "id": f"tip-{n}"} for n in range(tips)
    ]
    return data


def test_a_guide_too_long_for_the_brochure_fails_saying_by_how_much(tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    path.write_text(dumps(_long_guide(30)), encoding="utf-8")
    article = bc.load_article(path)
    with pytest.raises(
        bc.ContentError, match=r"the brochure does not fit: its inside needs [\d.]+ in more"
    ):
        bc.render_brochure(article)
    result = run_cli("export", str(path), "--format", "brochure", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"backpain-content: error: {path}: the brochure does not fit")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    # Never at a smaller size, never without the safety part: made with every
    # tip it still fits.
    path.write_text(dumps(_long_guide(8)), encoding="utf-8")
    sizes = [
        c.size
        for p in extract_pages(io.BytesIO(bc.render_brochure(bc.load_article(path))))
        for c in _walk(p)
        if isinstance(c, LTChar)
    ]
    assert min(sizes) >= MIN_BODY - 0.01


def test_what_the_brochure_leaves_out_to_fit(tmp_path: Path) -> None:
    """A guide with 18 home tips does not fit at 12 pt: it is set at 11 pt, with every
    section (the list of treatments left out only when 11 pt does not suffice)."""
    path = tmp_path / "tips.toml"
    path.write_text(dumps(_long_guide(18)), encoding="utf-8")
    article = bc.load_article(path)
    data = bc.render_brochure(article)
    report = assert_tagged(data)
    assert not in_order(report, [article.therapies.short_heading, article.safety.short_heading])
    sizes = {
        round(c.size)
        for p in extract_pages(io.BytesIO(data))
        for c in _walk(p)
        if isinstance(c, LTChar)
    }
    assert min(sizes) == MIN_BODY


@pytest.mark.parametrize("tips", [22, 24])
def test_a_brochure_that_runs_off_its_pages_is_one_error(tmp_path: Path, tips: int) -> None:
    """Past the sheet's last page there is no frame at all: that is running out of room
    too, said as such (it was an AttributeError)."""
    path = tmp_path / "tips.toml"
    path.write_text(dumps(_long_guide(tips)), encoding="utf-8")
    with pytest.raises(bc.ContentError, match=r"the brochure does not fit: its inside needs"):
        bc.render_brochure(bc.load_article(path))


def test_a_title_too_long_for_the_poster_fails_saying_by_how_much(tmp_path: Path) -> None:
    data = _long_guide(6)
    data["title"] = ("Regaining mobility and comfort " * 7)[:199].strip()
    words = " ".join(["Physiotherapists"] * 11)
    for name in ("causes", "sessions", "safety"):
        data[name]["summary"] = f"{words} help."  # type: ignore[index]
    data["summary"] = f"{words} help."
    path = tmp_path / "long.toml"
    path.write_text(dumps(data), encoding="utf-8")
    with pytest.raises(
        bc.ContentError,
        match=r"the poster does not fit: its title and key points need [\d.]+ in more",
    ):
        bc.render_poster(bc.load_article(path))


def test_brochure_and_poster_take_no_plan(tmp_path: Path) -> None:
    article = bc.load_article()
    plan = bc.PatientPlan(physiotherapist="Amrit Dhillon, physiotherapist", sessions=4)
    for kind in ("brochure", "poster"):
        with pytest.raises(bc.ContentError, match="waiting room"):
            bc.render(kind, article, plan=plan)
    plan_file = tmp_path / "plan.toml"
    plan_file.write_text(
        'physiotherapist = "Amrit Dhillon, physiotherapist"\nsessions = 4\n', encoding="utf-8"
    )
    result = run_cli(
        "export", "--format", "poster", "--plan", str(plan_file), "--out", str(tmp_path / "one")
    )
    assert result.returncode == 2
    assert "waiting room" in result.stderr
    result = run_cli("export", "--plan", str(plan_file), "--out", str(tmp_path / "all"))
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "all").iterdir())
    assert not any("brochure" in name or "poster" in name for name in written)
    assert any(name.endswith(".personal.pdf") for name in written)
    assert "skipping brochure" in result.stderr
    assert "skipping poster" in result.stderr


def test_guide_url_must_be_https() -> None:
    with pytest.raises(ValueError, match="guide_url"):
        bc.Clinic(name="Example", guide_url="http://example.org/guide")


def test_export_writes_both_in_every_language(tmp_path: Path) -> None:
    result = run_cli("export", "--lang", "all", "--out", str(tmp_path), "--paper", "a4")
    assert result.returncode == 0, result.stderr
    names = {p.name for p in tmp_path.iterdir()}
    for language in LANGUAGES:
        assert f"dry-needling-back-pain.{language}.brochure.pdf" in names
        assert f"dry-needling-back-pain.{language}.poster.pdf" in names
