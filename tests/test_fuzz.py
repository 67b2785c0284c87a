"""Fuzzing every door in (see `fuzzing.py`): a short budget here, a long one in `make fuzz`.

A case that ever fails here becomes a regular test (an `@example`, or a test of its own
in the file of what it broke).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import backpain_content as bc
from backpain_content.errors import ContentError
from backpain_content.readers.markdown import to_markdown
from backpain_content.translate import apply_po
from fuzzing import (
    ROUND,
    assert_safe_html,
    hostile_text,
    mutated,
    one_line_refusal,
    run_command,
    run_for,
    timed,
    toml_string,
    write,
)

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "src" / "backpain_content" / "articles"
GUIDE_TOML = (ARTICLES / "dry-needling-back-pain.en-CA.toml").read_text(encoding="utf-8")
PO_TEXT = (ROOT / "translations" / "dry-needling-back-pain.fr-CA.po").read_text(encoding="utf-8")


@functools.cache
def _source() -> bc.Article:
    return bc.load_article()


@functools.cache
def _plain_snippet() -> str:
    return str(bc.render_html(_source()))


@functools.cache
def _plain_page() -> str:
    return bc.render("html", _source()).data.decode("utf-8")


def _check_rendered(article: bc.Article, **given: object) -> None:
    page = str(bc.render_html(article, **given))  # type: ignore[arg-type]
    assert_safe_html(page, _plain_snippet())


def _po_string(text: str) -> str:
    return toml_string(text)  # PO strings escape as TOML's basic strings do, near enough


def test_fuzz_guide_files_in_toml(tmp_path: Path) -> None:
    count = [0]

    @ROUND
    @given(mutated(GUIDE_TOML))
    def prop(text: str) -> None:
        count[0] += 1
        path = write(tmp_path, "guide.toml", text)
        status, _, err = timed(lambda: run_command(["validate", str(path)]))
        one_line_refusal(status, err)
        if status == 0:
            _check_rendered(bc.load_article(path))

    print(run_for("guide files (TOML)", prop, count))


@functools.cache
def _markdown() -> str:
    return to_markdown(_source())


def test_fuzz_guide_files_in_markdown(tmp_path: Path) -> None:
    count = [0]
    text = _markdown()

    @ROUND
    @given(mutated(text, quote=lambda hostile: hostile.replace("\n", " ")))
    def prop(changed: str) -> None:
        count[0] += 1
        path = write(tmp_path, "guide.md", changed)
        status, _, err = timed(lambda: run_command(["validate", str(path)]))
        one_line_refusal(status, err)
        if status == 0:
            _check_rendered(bc.load_article(path))

    print(run_for("guide files (Markdown)", prop, count))


def test_fuzz_translation_files(tmp_path: Path) -> None:
    count = [0]

    @ROUND
    @given(mutated(PO_TEXT, quote=_po_string))
    def prop(text: str) -> None:
        count[0] += 1
        path = write(tmp_path, "dry-needling-back-pain.fr-CA.po", text)
        try:
            article = timed(lambda: apply_po(path, _source()))
        except ContentError as error:
            assert "\n" not in str(error)
            return
        _check_rendered(article)

    print(run_for("translation files (PO)", prop, count))


_URLISH = st.one_of(
    hostile_text,
    st.sampled_from(
        [
            "https://example.org/book",
            "https://user:pw@example.org/",
            "https://example.org:99999/",
            "https://\u0430pple.com/",
            "https://example.org/{id}/{language}",
            "http://example.org/",
            "https://example.org/\u202e",
        ]
    ),
)
_PATHS = st.sampled_from(
    ["logo.png", "../logo.png", "/etc/passwd", "sub/../../x.png", "logo.svg", "", "."]
)


@st.composite
def clinic_files(draw: st.DrawFn) -> str:
    fields = {
        "name": draw(hostile_text),
        "location": draw(hostile_text),
        "phone": draw(st.one_of(hostile_text, st.just("+1 403-555-0100"))),
        "email": draw(st.one_of(hostile_text, st.just("front@example.org"))),
        "website": draw(_URLISH),
        "booking_url": draw(_URLISH),
        "guide_url": draw(_URLISH),
        "accent_colour": draw(st.one_of(hostile_text, st.just("#1d5c87"))),
        "logo": draw(_PATHS),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(fields)), unique=True, min_size=1))
    lines = [f"{name} = {toml_string(fields[name])}" for name in chosen]
    if draw(st.booleans()):
        lines.append(f"[labels.en]\ndisclaimer = {toml_string(draw(hostile_text))}")
    return "\n".join(lines) + "\n"


def test_fuzz_clinic_files(tmp_path: Path) -> None:
    count = [0]
    folder = tmp_path / "clinic"
    folder.mkdir()

    @ROUND
    @given(clinic_files())
    def prop(text: str) -> None:
        count[0] += 1
        path = write(folder, "clinic.toml", text)
        try:
            clinic = timed(lambda: bc.load_clinic(path))
        except ContentError as error:
            assert "\n" not in str(error)
            return
        # Never a file outside the clinic file's folder.
        assert clinic.logo is None or folder.resolve() in clinic.logo.resolve().parents
        _check_rendered(_source(), clinic=clinic)

    print(run_for("clinic files", prop, count))


@st.composite
def plan_files(draw: st.DrawFn) -> str:
    fields = {
        "patient": toml_string(draw(hostile_text)),
        "physiotherapist": toml_string(draw(st.one_of(hostile_text, st.just("Sam Lee")))),
        "sessions": draw(st.sampled_from(["4", "[3, 6]", "0", "-1", "99999", '"x"', "[6, 3]"])),
        "note": toml_string(draw(hostile_text)),
        "home_tips": draw(st.sampled_from(['["stretch-daily"]', '["nope"]', "[]", '"x"'])),
        "next_appointment": draw(
            st.sampled_from(["2027-03-12T14:30:00", "2027-02-30", '"soon"', "1900-01-01"])
        ),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(fields)), unique=True, min_size=1))
    return "\n".join(f"{name} = {fields[name]}" for name in chosen) + "\n"


def test_fuzz_plan_files(tmp_path: Path) -> None:
    count = [0]

    @ROUND
    @given(plan_files())
    def prop(text: str) -> None:
        count[0] += 1
        path = write(tmp_path, "plan.toml", text)
        try:
            plan = timed(lambda: bc.load_plan(path, _source()))
        except ContentError as error:
            message = str(error)
            assert "\n" not in message
            return
        page = bc.render("html", _source(), plan=plan).data.decode("utf-8")
        assert_safe_html(page, _plain_page())

    print(run_for("plan files", prop, count))


_TAGS = ["p", "div", "h1", "h2", "ul", "li", "b", "a", "img", "iframe", "svg", "object"]
# Marks in what must never reach a draft: a script's code, an event handler, a script URL.
_NEVER = ("scriptmark", "handlermark", "hrefmark", "datamark", "stylemark")


@st.composite
def html_posts(draw: st.DrawFn, depth: int = 0) -> str:
    """A hostile web page: real text among scripts, frames, handlers and script URLs,
    sometimes nested deep, with huge attributes."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        tag = draw(st.sampled_from(_TAGS))
        attrs = draw(
            st.sampled_from(
                [
                    "",
                    ' onclick="handlermark()"',
                    ' onerror="handlermark()"',
                    ' href="javascript:hrefmark()"',
                    ' href=" JaVaScRiPt:hrefmark()"',
                    ' src="data:text/html,datamark"',
                    ' src="https://example.org/a.png" alt="A physiotherapist at work"',
                    ' title="' + "x" * 5000 + '"',
                    ' style="background:url(javascript:hrefmark())"',
                ]
            )
        )
        inner = (
            draw(hostile_text) if depth > 2 or draw(st.booleans()) else draw(html_posts(depth + 1))
        )
        parts.append(f"<{tag}{attrs}>{inner}</{tag}>")
        if draw(st.booleans()):
            parts.append(
                draw(
                    st.sampled_from(["<script>scriptmark()</script>", "<style>stylemark{}</style>"])
                )
            )
    if depth == 0 and draw(st.booleans()):
        parts.insert(0, "<div>" * 300 + "Deep text." + "</div>" * 300)
    body = "\n".join(parts)
    return (
        "<html><head><title>Back pain</title><script>scriptmark()</script></head>"
        f"<body><article><p>Dry needling helps some people.</p>{body}</article></body></html>"
    )


def _links_of(markdown: str) -> list[str]:
    """Every link and image address of a draft, as the guide reader's Markdown reads it."""
    from markdown_it import MarkdownIt

    found = []
    for token in MarkdownIt("commonmark", {"html": False}).parse(markdown):
        for child in [token, *(token.children or [])]:
            for name in ("href", "src"):
                value = child.attrGet(name)
                if value is not None:
                    found.append(str(value))
    return found


def test_fuzz_blog_posts(tmp_path: Path) -> None:
    """A post's draft never carries its scripts, styles, event handlers or script and data
    URLs (text that merely says "javascript:" is text, and stays text: the guide reader
    reads no HTML in Markdown)."""
    from backpain_content.readers.blog import import_post

    count = [0]

    @ROUND
    @given(html_posts(), st.sampled_from(["utf-8", "utf-8", "latin-1", "broken"]))
    def prop(page: str, encoding: str) -> None:
        count[0] += 1
        if encoding != "utf-8":
            # Bytes that are not UTF-8, through the command: refused in one line.
            data = page.encode("latin-1", "replace") + (
                b"\xff\xfe" if encoding == "broken" else b""
            )
            post = tmp_path / "post.html"
            post.write_bytes(data)
            status, _, err = timed(
                lambda: run_command(["import", str(post), "-o", str(tmp_path / "d.md")])
            )
            assert status in (0, 1, 2), err
            assert "Traceback" not in err, err
            assert "internal error" not in err, err
            return
        try:
            draft = timed(lambda: import_post(tmp_path / "post.html", page))
        except ContentError as error:
            assert "\n" not in str(error)
            return
        lowered = draft.markdown.lower()
        for mark in _NEVER:
            assert mark not in lowered, mark
        for url in _links_of(draft.markdown):
            plain = re.sub(r"[\x00-\x20]", "", url).lower()
            assert not plain.startswith(("javascript:", "data:", "vbscript:")), url

    print(run_for("blog posts", prop, count))


_WORDS = st.sampled_from(
    [
        "export", "list", "find", "validate", "lint", "schema", "translate", "import",
        "convert", "email", "--format", "all", "html", "pdf", "--lang", "fr-CA", "xx",
        "--library", "--clinic", "--plan", "--out", "--paper", "a4", "--code", "M54.5",
        "--system", "icd10ca", "-o", "-", "--", "--version", "--help", "extract", "apply",
    ]
)  # fmt: skip


def test_fuzz_command_arguments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Arguments in any order, hostile values among them, run in a folder of their own
    (a command that writes writes there)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clinic.toml").write_text('name = "Example Physio"\n', encoding="utf-8")
    count = [0]

    @ROUND
    @given(
        st.lists(
            st.one_of(_WORDS, _WORDS, hostile_text.map(lambda t: t.replace("\x00", ""))), max_size=7
        )
    )
    def prop(argv: list[str]) -> None:
        count[0] += 1
        if "email" in argv and any(a.startswith("--s") for a in argv):
            return  # never sends mail
        status, _, err = timed(lambda: run_command(argv))
        assert status in (0, 1, 2), (argv, status, err)
        assert "Traceback" not in err
        assert "internal error" not in err, (argv, err)

    print(run_for("command arguments", prop, count))


_OUTPUT_KINDS = ("symlink", "fifo", "device", "directory", "dash", "file", "new")


def _output_path(folder: Path, kind: str) -> tuple[str, Path | None]:
    """An output path of `kind` in `folder` (made anew), and what must be left as it was."""
    import os

    path = folder / f"out-{kind}"
    if path.is_symlink() or path.is_file():
        path.unlink()
    if kind == "symlink":
        target = folder / "target.txt"
        target.write_bytes(b"keep")
        path.symlink_to(target)
        return str(path), target
    if kind == "fifo":
        if not path.exists():
            os.mkfifo(path)
        return str(path), path
    if kind == "device":
        return "/dev/null", None
    if kind == "directory":
        path.mkdir(exist_ok=True)
        return str(path), path
    if kind == "dash":
        return "-", None
    if kind == "file":
        path.write_bytes(b"keep")
        return str(path), path
    return str(path), None


def test_fuzz_output_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command that writes, to every kind of path: a link, a FIFO, a device, a
    folder, `-`, a file it did not make, a new path. Refused in one line or written, and
    never a link, FIFO, device or folder replaced (nor a write blocked on a FIFO)."""
    monkeypatch.chdir(tmp_path)
    root = Path(__file__).resolve().parent.parent
    po = str(root / "translations" / "dry-needling-back-pain.fr-CA.po")
    source = str(ARTICLES / "dry-needling-back-pain.en-CA.toml")
    post = tmp_path / "post.md"
    post.write_text("# Back pain\n\nWalking helps.\n", encoding="utf-8")
    commands = {
        "email": ["email", "--to", "p@example.org", "--from", "f@example.org", "--eml"],
        "apply": ["translate", "apply", po, "--source", source, "-o"],
        "extract": ["translate", "extract", "--lang", "fr-CA", "-o"],
        "export": ["export", "--format", "html", "--out"],
        "import": ["import", str(post), "-o"],
    }
    count = [0]

    @ROUND
    @given(st.sampled_from(sorted(commands)), st.sampled_from(_OUTPUT_KINDS))
    def prop(command: str, kind: str) -> None:
        import stat

        count[0] += 1
        where, kept = _output_path(tmp_path, kind)
        before = kept.lstat().st_mode if kept is not None and kept.exists() else None
        status, _, err = timed(lambda: run_command([*commands[command], where]))
        assert status in (0, 1, 2), (command, kind, err)
        assert "Traceback" not in err, err
        assert "internal error" not in err, err
        if kind == "symlink":
            assert Path(where).is_symlink()
            assert kept is not None
            assert kept.read_bytes() == b"keep"
        elif kind in ("fifo", "directory") and kept is not None and before is not None:
            assert stat.S_IFMT(kept.lstat().st_mode) == stat.S_IFMT(before)
        elif kind == "device":
            assert Path("/dev/null").is_char_device()

    print(run_for("output paths", prop, count))
