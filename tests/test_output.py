"""Bad input and output on disk: one clear line and exit 2, atomic and reproducible files, growth."""

from __future__ import annotations

import io
import os
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import backpain_content as bc
from backpain_content import cli, formats
from backpain_content.content import BUNDLED_ARTICLE
from command import COMMAND, run_cli
from growth import scaled
from tomlwriter import dumps

BUNDLED = Path(bc.__file__).parent / "articles" / f"{BUNDLED_ARTICLE}.toml"
NAMES = sorted(
    f"dry-needling-back-pain.en-CA{suffix}"
    for suffix in (
        ".html",
        ".pdf",
        ".large-print.pdf",
        ".before-session.pdf",
        ".before-session.large-print.pdf",
        ".epub",
        ".brochure.pdf",
        ".poster.pdf",
    )
)


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a previous, complete export."""
    folder = tmp_path_factory.mktemp("previous") / "out"
    assert cli.main(["export", "--out", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == NAMES
    return folder


def _bad_article(folder: Path, old: str, new: str) -> Path:
    text = BUNDLED.read_text(encoding="utf-8")
    assert old in text
    path = folder / "guide.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _write(path: Path, data: bytes | str) -> Path:
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _clinic(folder: Path, logo: bytes | None) -> Path:
    if logo is not None:
        _write(folder / "logo.png", logo)
    text = 'name = "Example Physio"\n' + ('logo = "logo.png"\n' if logo is not None else "")
    return _write(folder / "clinic.toml", text)


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (30, 10), (29, 92, 135)).save(buffer, format="PNG")
    return buffer.getvalue()


def _huge(folder: Path) -> Path:
    path = folder / "huge.toml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    return path


# (name, how to make the arguments from a scratch folder, what the one line must say)
BAD_INPUT = [
    (
        "malformed TOML",
        lambda d: [str(_write(d / "g.toml", "title = \n"))],
        "g.toml: is not valid TOML",
    ),
    (
        "missing field",
        lambda d: [str(_bad_article(d, 'title = "Regain', 'titel = "Regain'))],
        "guide.toml: title: is required but missing",
    ),
    (
        "wrong type",
        lambda d: [str(_bad_article(d, "typical_max = 6", 'typical_max = "six"'))],
        "guide.toml: sessions.typical_max: ",
    ),
    (
        "unknown field",
        lambda d: [
            str(_bad_article(d, 'therapy = "Dry needling"', 'therapy = "Dry needling"\nextra = 1'))
        ],
        "guide.toml: extra: is not a known field",
    ),
    (
        "empty list",
        lambda d: [
            str(
                _write(
                    d / "e.toml", dumps({**bc.load_article().model_dump(mode="json"), "lede": []})
                )
            )
        ],
        "e.toml: lede: ",
    ),
    (
        "not UTF-8",
        lambda d: [str(_write(d / "l.toml", 'title = "Zoë"'.encode("latin-1")))],
        "l.toml: is not UTF-8 text",
    ),
    ("a folder", lambda d: [str(d)], "is a folder, not a file"),
    ("missing file", lambda d: [str(d / "nowhere.toml")], "nowhere.toml: no such file"),
    ("50 MB file", lambda d: [str(_huge(d))], "huge.toml: is larger than 1 MiB"),
    (
        "logo missing",
        lambda d: ["--clinic", str(_write(d / "c.toml", 'name = "X"\nlogo = "gone.png"\n'))],
        "c.toml: logo: must be a readable PNG or JPEG image inside the clinic file's folder",
    ),
    (
        "logo not an image",
        lambda d: ["--clinic", str(_clinic(d, b"GIF89a not what it says"))],
        "clinic.toml: logo: must be a readable PNG or JPEG image inside the clinic file's folder",
    ),
    (
        "logo damaged",
        lambda d: ["--clinic", str(_clinic(d, b"\x89PNG\r\n\x1a\n" + b"\0" * 40))],
        "clinic.toml: logo: must be a readable PNG or JPEG image inside the clinic file's folder",
    ),
    (
        "clinic the handout cannot print",
        lambda d: ["--clinic", str(_write(d / "c.toml", 'name = "คลินิก"\n'))],
        "c.toml: name: has Thai characters the handout cannot print (U+0E01 U+0E04 U+0E19 "
        "U+0E25 U+0E34): it does not set Thai text",
    ),
    (
        "booking link too long for a QR code",
        lambda d: [
            "--clinic",
            str(
                _write(
                    d / "c.toml", f'name = "X"\nbooking_url = "https://example.org/{"a" * 300}"\n'
                )
            ),
        ],
        "c.toml: booking_url: is too long to print as a QR code a phone can read (320 characters",
    ),
    ("unknown format", lambda d: ["--format", "docx"], "argument --format: invalid choice: 'docx'"),
    (
        "guide nested 5000 deep",
        lambda d: [str(_write(d / "deep.toml", "lede = " + "[" * 5000 + "]" * 5000 + "\n"))],
        "deep.toml: nests arrays or tables too deeply",
    ),
    (
        "clinic nested 5000 deep",
        lambda d: [
            "--clinic",
            str(_write(d / "c.toml", "name = " + "{a=" * 5000 + "1" + "}" * 5000)),
        ],
        "c.toml: nests arrays or tables too deeply",
    ),
    (
        "logo outside the clinic's folder",
        lambda d: [
            "--clinic",
            str(_write(d / "c.toml", 'name = "X"\nlogo = "../../../../../../etc/hostname"\n')),
        ],
        "c.toml: logo: must be a readable PNG or JPEG image inside the clinic file's folder",
    ),
    (
        "terminal control sequence in a logo path",
        lambda d: [
            "--clinic",
            str(_write(d / "c.toml", 'name = "X"\nlogo = "\\u001b]0;pwned\\u0007.png"\n')),
        ],
        "c.toml: logo: must be a readable PNG or JPEG image inside the clinic file's folder",
    ),
    (
        "terminal control sequence in a clinic file's name",
        lambda d: [
            "--clinic",
            str(_write(d / "\x1b]0;pwned\x07.toml", 'name = "X"\nnmae = "typo"\n')),
        ],
        "\\x1b]0;pwned\\x07.toml: nmae: is not a known field",
    ),
    (
        "folder not writable",
        lambda d: ["--out", str(_write(d / "a-file", "x") / "out")],
        "a-file/out: cannot write there",
    ),
]


@pytest.mark.parametrize(
    ("name", "make", "expected"), BAD_INPUT, ids=[case[0] for case in BAD_INPUT]
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    previous: Path,
    tmp_path: Path,
    name: str,
    make,
    expected: str,  # type: ignore[no-untyped-def]
) -> None:
    before = _snapshot(previous)
    args = make(tmp_path)
    if "--out" not in args:
        args = [*args, "--out", str(previous)]
    result = run_cli("export", *args, cwd=tmp_path, timeout=180)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    # Nothing a terminal would act on (escape sequences, bells) reaches it raw.
    assert not any(char in result.stderr for char in "\x1b\x07\x9b\r"), repr(result.stderr)
    assert lines[0].startswith("backpain-content: error: ")
    assert expected in lines[0]
    assert result.stdout == ""
    assert _snapshot(previous) == before


def test_unreadable_logo_is_named(
    previous: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Root reads any file whatever its mode, so the refusal is simulated at the read.
    clinic = _clinic(tmp_path, _png())
    logo = (tmp_path / "logo.png").resolve()
    real = Path.open

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.resolve() == logo:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    before = _snapshot(previous)
    assert cli.main(["export", "--clinic", str(clinic), "--out", str(previous)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith(
        "clinic.toml: logo: must be a readable PNG or JPEG image inside the clinic file's folder"
    )
    assert _snapshot(previous) == before


# Output on disk


def test_a_renderer_failing_after_others_succeeded_changes_nothing(
    previous: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ran: list[str] = []

    def broken(
        article: bc.Article,
        clinic: bc.Clinic | None,
        paper: bc.Paper,
        plan: object,
        links: object = None,
    ) -> formats.Output:
        ran.append(article.id)
        raise RuntimeError("the ePub renderer broke")

    chosen = [
        f if f.name != "epub" else formats.Format(**{**f.__dict__, "render": broken})
        for f in formats.FORMATS
    ]
    monkeypatch.setattr(formats, "FORMATS", tuple(chosen))
    before = _snapshot(previous)
    assert cli.main(["export", "--out", str(previous)]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(
        "backpain-content: internal error: RuntimeError: the ePub renderer broke"
    )
    assert ran == ["dry-needling-back-pain"]
    assert _snapshot(previous) == before


def test_export_starts_no_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("export must not start a process")

    for name in ("fork", "forkpty", "posix_spawn", "posix_spawnp"):
        monkeypatch.setattr(os, name, refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    written = bc.export(bc.load_article(), tmp_path / "out")
    assert sorted(p.name for p in written) == NAMES


def _copy_of(previous: Path, folder: Path) -> None:
    folder.mkdir()
    for name, (data, _) in _snapshot(previous).items():
        (folder / name).write_bytes(data)


def test_a_write_failing_halfway_changes_no_file_and_leaves_no_temporary_one(
    previous: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    _copy_of(previous, folder)
    from backpain_content import output as export_module

    real = export_module._temporary
    made: list[Path] = []

    def full_disk(path: Path) -> tuple[Path, int]:
        if made:
            raise OSError(28, "No space left on device")
        temporary, handle = real(path)
        made.append(temporary)
        return temporary, handle

    monkeypatch.setattr(export_module, "_temporary", full_disk)
    clinic = bc.Clinic(name="Another Clinic")
    with pytest.raises(bc.ContentError, match="No space left on device"):
        bc.export(bc.load_article(), folder, clinic=clinic)
    assert made  # the first file was written to a temporary file, then removed
    assert sorted(p.name for p in folder.iterdir()) == NAMES  # nothing lost, nothing extra
    for name, (data, _) in _snapshot(previous).items():
        assert (folder / name).read_bytes() == data  # every file still the old clinic's


def test_a_rename_failing_part_way_says_which_files_are_new(
    previous: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    _copy_of(previous, folder)
    real = Path.replace
    renamed: list[str] = []

    def second_fails(self: Path, target: Path) -> Path:
        if renamed:
            raise OSError(5, "Input/output error")
        renamed.append(Path(target).name)
        return real(self, target)

    monkeypatch.setattr(Path, "replace", second_fails)
    with pytest.raises(bc.ContentError) as caught:
        bc.export(bc.load_article(), folder, clinic=bc.Clinic(name="Another Clinic"))
    message = str(caught.value)
    assert message.endswith(f"files already replaced: {renamed[0]}")
    assert "Input/output error" in message
    assert sorted(p.name for p in folder.iterdir()) == NAMES


def test_write_atomic_cleans_up_its_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_content.output import write_atomic

    target = tmp_path / "guide.html"
    target.write_text("previous", encoding="utf-8")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(bc.ContentError, match="No space"):
        write_atomic(target, b"new")
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["guide.html"]


def test_written_files_have_ordinary_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        [path] = bc.export(bc.load_article(), tmp_path, formats=["html"])
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644


def _valid(folder: Path) -> None:
    html = (folder / "dry-needling-back-pain.en-CA.html").read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>")
    for name in (
        "dry-needling-back-pain.en-CA.pdf",
        "dry-needling-back-pain.en-CA.large-print.pdf",
    ):
        data = (folder / name).read_bytes()
        assert data.startswith(b"%PDF-")
        assert data.rstrip().endswith(b"%%EOF")
    with zipfile.ZipFile(
        io.BytesIO((folder / "dry-needling-back-pain.en-CA.epub").read_bytes())
    ) as book:
        assert book.testzip() is None


def test_two_exports_at_once_into_one_folder_end_complete(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    command = [*COMMAND, "export", "--out", str(folder)]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)
    ]
    for run in runs:
        _, err = run.communicate(timeout=180)
        assert run.returncode == 0, err
    assert sorted(p.name for p in folder.iterdir()) == NAMES
    _valid(folder)
    assert (folder / "dry-needling-back-pain.en-CA.pdf").read_bytes() == bc.render_pdf(
        bc.load_article()
    )


def test_separate_processes_agree_byte_for_byte_across_time_zones_and_locales(
    tmp_path: Path,
) -> None:
    environments = [
        {
            "SOURCE_DATE_EPOCH": "1700000000",
            "TZ": "UTC",
            "LC_ALL": "C.UTF-8",
            "PYTHONHASHSEED": "1",
        },
        {
            "SOURCE_DATE_EPOCH": "1700000000",
            "TZ": "Pacific/Kiritimati",
            "LC_ALL": "C",
            "LANG": "fr_CA.UTF-8",
            "PYTHONHASHSEED": "2",
        },
    ]
    outputs = []
    for index, env in enumerate(environments):
        folder = tmp_path / f"run{index}"
        result = run_cli("export", "--out", str(folder), cwd=tmp_path, env=env, timeout=180)
        assert result.returncode == 0, result.stderr
        outputs.append({name: data for name, (data, _) in _snapshot(folder).items()})
    assert list(outputs[0]) == NAMES
    for name in NAMES:
        assert outputs[0][name] == outputs[1][name], name


# Growth


@pytest.mark.parametrize("factor", [10, 100])
def test_ten_and_a_hundred_times_the_article_render_in_every_format(
    article: bc.Article, factor: int
) -> None:
    big = scaled(article, factor)
    assert len(big.causes.items) == 6 * factor
    html = bc.render_html(big)
    # The guide's own items (research, safety, after your session) are not scaled.
    own = len(article.sourced_items())
    assert html.count('class="bpc-item-title"') == 21 * factor + own
    pdf = bc.render_pdf(big)
    # The handout prints three of the lists by title: it grows more slowly than the guide.
    assert _pages(pdf) >= 2 + factor // 4
    assert _pages(bc.render_pdf(big, options=bc.HandoutOptions(large_print=True))) > 6
    with zipfile.ZipFile(io.BytesIO(bc.render_epub(big))) as book:
        assert book.read("EPUB/causes.xhtml").count(b"<li>") == 6 * factor


def test_handout_that_no_longer_fits_gets_a_warning(article: bc.Article, tmp_path: Path) -> None:
    # Three times over: twice over now fits, once the handout's last fallbacks are used.
    guide = _write(tmp_path / "big.toml", dumps(scaled(article, 3).model_dump(mode="json")))
    result = run_cli(
        "export",
        "--format",
        "pdf",
        "--out",
        str(tmp_path / "out"),
        str(guide),
        cwd=tmp_path,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    warning, note = result.stderr.splitlines()
    assert warning.startswith("backpain-content: warning: ")
    assert note.startswith("backpain-content: note: branded for Avenue Physio in Calgary Downtown")
    pages = _pages((tmp_path / "out" / "dry-needling-back-pain.en-CA.pdf").read_bytes())
    assert pages > 2
    assert f"dry-needling-back-pain.en-CA.pdf has {pages} pages, more than the 2" in warning
    bundled = run_cli(
        "export", "--format", "pdf", "--out", str(tmp_path / "ok"), cwd=tmp_path, timeout=180
    )
    assert "warning" not in bundled.stderr


# Serving any format from a web app


@pytest.mark.parametrize("name", ["html", "pdf", "pdf-large", "epub"])
def test_render_gives_what_serving_a_file_needs(article: bc.Article, name: str) -> None:
    result = bc.render(name, article, paper="a4")
    fmt = formats.get_format(name)
    assert result.format is fmt
    assert result.media_type == fmt.media_type
    assert result.filename == f"dry-needling-back-pain.en-CA{fmt.suffix}"
    assert result.etag.startswith('"')
    assert result.etag.endswith('"')
    assert len(result.etag) == 66
    again = bc.render(name, article, paper="a4")
    assert again.data == result.data
    assert again.etag == result.etag  # a strong ETag: same input, same bytes, same tag
    other = bc.render(name, article, clinic=bc.Clinic(name="North Physio"), paper="a4")
    assert other.etag != result.etag
    if name.startswith("pdf"):
        assert result.pages == _pages(result.data)
        assert result.page_limit == (6 if name == "pdf-large" else 2)
    else:
        assert result.pages is None


def test_render_of_an_unknown_format_names_the_known_ones(article: bc.Article) -> None:
    with pytest.raises(bc.ContentError) as caught:
        bc.render("docx", article)
    assert str(caught.value) == (
        "format: unknown format 'docx' (known formats: html, pdf, pdf-large, before, before-large, epub, brochure, poster)"
    )
    assert [f.name for f in bc.FORMATS] == [
        "html",
        "pdf",
        "pdf-large",
        "before",
        "before-large",
        "epub",
        "brochure",
        "poster",
    ]


def test_export_says_whose_branding_it_used(tmp_path: Path) -> None:
    plain = run_cli("export", "--format", "html", "--out", str(tmp_path / "a"))
    assert plain.returncode == 0
    assert plain.stderr == (
        "backpain-content: note: branded for Avenue Physio in Calgary Downtown, the clinic the "
        "guide names; give --clinic FILE.toml for your own\n"
    )
    clinic = _write(tmp_path / "c.toml", 'name = "North Physio"\n')
    own = run_cli(
        "export", "--format", "html", "--clinic", str(clinic), "--out", str(tmp_path / "b")
    )
    assert own.returncode == 0
    assert own.stderr == ""
