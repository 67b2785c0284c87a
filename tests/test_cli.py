"""The command line: export, list, schema, validate; bad input is one line and exit status 2."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import backpain_content as bc
from backpain_content.cli import main
from backpain_content.formats import format_names
from backpain_content.schema import schema_json
from command import run_cli
from htmltools import visible_text

DOCS = Path(__file__).resolve().parent.parent / "docs"
EXPECTED_HTML = "dry-needling-back-pain.en-CA.html"
EXPECTED_ALL = sorted(
    [
        EXPECTED_HTML,
        "dry-needling-back-pain.en-CA.epub",
        "dry-needling-back-pain.en-CA.pdf",
        "dry-needling-back-pain.en-CA.large-print.pdf",
        "dry-needling-back-pain.en-CA.brochure.pdf",
        "dry-needling-back-pain.en-CA.poster.pdf",
        "dry-needling-back-pain.en-CA.before-session.pdf",
        "dry-needling-back-pain.en-CA.before-session.large-print.pdf",
    ]
)


def test_export_writes_every_format_named_from_id_and_language(tmp_path: Path) -> None:
    result = run_cli("export", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == EXPECTED_ALL
    page = (tmp_path / "out" / EXPECTED_HTML).read_text(encoding="utf-8")
    assert page == bc.render_html(bc.load_article(), options=bc.HtmlOptions(standalone=True))
    assert sorted(result.stdout.split()) == [str(tmp_path / "out" / name) for name in EXPECTED_ALL]
    handout = (tmp_path / "out" / "dry-needling-back-pain.en-CA.pdf").read_bytes()
    assert handout == bc.render_pdf(bc.load_article())


def test_export_is_byte_identical_when_repeated(tmp_path: Path) -> None:
    assert main(["export", "--format", "html", "--out", str(tmp_path / "a")]) == 0
    assert main(["export", "--format", "all", "--out", str(tmp_path / "b")]) == 0
    assert (tmp_path / "a" / EXPECTED_HTML).read_bytes() == (
        tmp_path / "b" / EXPECTED_HTML
    ).read_bytes()


def test_export_uses_a_clinic_file_and_an_article_file(tmp_path: Path) -> None:
    clinic = tmp_path / "clinic.toml"
    clinic.write_text(
        'name = "Example Physio"\nwebsite = "https://example.org/"\n', encoding="utf-8"
    )
    article = tmp_path / "guide.toml"
    bundled = Path(bc.__file__).parent / "articles" / "dry-needling-back-pain.en-CA.toml"
    article.write_text(
        bundled.read_text(encoding="utf-8").replace(
            'id = "dry-needling-back-pain"', 'id = "my-guide"'
        ),
        encoding="utf-8",
    )
    code = main(["export", "--out", str(tmp_path), "--clinic", str(clinic), str(article)])
    assert code == 0
    page = (tmp_path / "my-guide.en-CA.html").read_text(encoding="utf-8")
    assert "Example Physio is here to help." in visible_text(page)
    assert 'href="https://example.org/"' in page


def test_a_renderer_refusing_a_guide_file_names_the_file(tmp_path: Path) -> None:
    """What a renderer finds wrong with a guide loaded from a file (text no font draws, a
    guide too long for the brochure) names that file, as the loader's own errors do."""
    import tomllib
    from importlib.resources import files

    from tomlwriter import dumps

    text = (files("backpain_content") / "articles" / "dry-needling-back-pain.en-CA.toml").read_text(
        encoding="utf-8"
    )
    data = tomllib.loads(text)
    data["title"] += " ภาษาไทย"  # Thai: no font the package uses draws it
    guide = tmp_path / "guide.toml"
    guide.write_text(dumps(data), encoding="utf-8")
    result = run_cli("export", str(guide), "--format", "pdf", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"backpain-content: error: {guide}: title: has Thai")
    assert len(result.stderr.strip().splitlines()) == 1
    # An error about the clinic still names the clinic's file, not the guide's.
    clinic = tmp_path / "clinic.toml"
    clinic.write_text('name = "Clinic ภาษาไทย"\n', encoding="utf-8")
    data["title"] = "Dry needling"
    guide.write_text(dumps(data), encoding="utf-8")
    result = run_cli(
        "export", str(guide), "--clinic", str(clinic), "--format", "pdf", "--out", str(tmp_path)
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"backpain-content: error: {clinic}: name: has Thai")


def test_export_leaves_no_temporary_files(tmp_path: Path) -> None:
    assert main(["export", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == EXPECTED_ALL
    assert (tmp_path / EXPECTED_HTML).stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["export", "--format", "docx"], "invalid choice: 'docx'"),
        (["export", "missing.toml"], "missing.toml: no such file"),
        (["export", "--clinic", "nowhere.toml"], "nowhere.toml: no such file"),
        (["validate", "broken.toml"], "broken.toml: is not valid TOML"),
        (
            ["validate", "invalid.toml"],
            "invalid.toml: language: is required but missing (and ",
        ),
        (["export", "--out", "a-file/out"], "a-file/out: cannot write there"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_bad_input_is_one_line_naming_the_problem_and_exit_2(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    (tmp_path / "broken.toml").write_text("title = ", encoding="utf-8")
    (tmp_path / "invalid.toml").write_text('id = "x"\n', encoding="utf-8")
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("backpain-content: error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr
    # Nothing was written where the export would have gone.
    assert not (tmp_path / "exports").exists()


def test_format_choices_come_from_the_registry() -> None:
    result = run_cli("export", "--help")
    assert result.returncode == 0
    assert "{" + ",".join([*format_names(), "all"]) + "}" in result.stdout


def test_help_and_version() -> None:
    helped = run_cli("--help")
    assert helped.returncode == 0
    for command in ("export", "list", "schema", "validate"):
        assert command in helped.stdout
    version = run_cli("--version")
    assert version.stdout.strip() == f"backpain-content {bc.__version__}"


def test_list_names_the_bundled_guides() -> None:
    result = run_cli("list")
    assert result.returncode == 0
    header, *rows = [line.split("\t") for line in result.stdout.strip().splitlines()]
    assert header == ["id", "language", "version", "review due", "title"]
    assert [f"{row[0]}.{row[1]}" for row in rows] == list(bc.bundled_articles())
    for guide_id, language, version, due, title in rows:
        guide = bc.load_bundled(f"{guide_id}.{language}")
        assert (version, title) == (guide.provenance.version, guide.title)
        assert due.startswith(guide.provenance.review_due.isoformat())
    assert rows[1][4].startswith("Retrouvez mobilité et confort")


def test_validate_accepts_a_good_file(tmp_path: Path) -> None:
    bundled = Path(bc.__file__).parent / "articles" / "dry-needling-back-pain.en-CA.toml"
    result = run_cli("validate", str(bundled))
    assert result.returncode == 0
    assert "valid" in result.stdout


@pytest.mark.parametrize("kind", ["article", "clinic", "plan"])
def test_committed_schema_is_in_sync(kind: str) -> None:
    committed = (DOCS / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert committed == schema_json(kind), (
        f"docs/{kind}.schema.json is stale: run backpain-content schema {kind} > docs/{kind}.schema.json"
    )
    schema = json.loads(committed)
    assert schema["additionalProperties"] is False
    assert all("description" in field for field in schema["properties"].values())


def test_schema_command_prints_the_article_schema() -> None:
    result = run_cli("schema")
    assert result.returncode == 0
    assert json.loads(result.stdout)["title"] == "Article"


@pytest.mark.parametrize(
    ("args", "options"),
    [
        (["--format", "pdf", "--paper", "a4"], {"paper": "a4"}),
        (["--large-print"], {"large_print": True}),
        (["--format", "pdf-large", "--paper", "a4"], {"large_print": True, "paper": "a4"}),
    ],
)
def test_export_handout_options(
    tmp_path: Path, args: list[str], options: dict[str, object]
) -> None:
    assert main(["export", "--out", str(tmp_path), *args]) == 0
    [written] = list(tmp_path.iterdir())
    expected = bc.render_pdf(bc.load_article(), options=bc.HandoutOptions(**options))  # type: ignore[arg-type]
    assert written.read_bytes() == expected
    suffix = ".large-print.pdf" if options.get("large_print") else ".pdf"
    assert written.name == "dry-needling-back-pain.en-CA" + suffix


def test_validate_a_file_nested_too_deeply_is_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.toml"
    deep.write_text("lede = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    result = run_cli("validate", str(deep))
    assert result.returncode == 2
    assert result.stderr == f"backpain-content: error: {deep}: nests arrays or tables too deeply\n"


def test_text_saved_decomposed_prints_as_the_composed_form(tmp_path: Path) -> None:
    """NFD, as macOS editors save it: `e` + U+0301. The handout's font has `é`, not the
    combining accent alone; text is composed (NFC) on load, so every format agrees."""
    bundled = Path(bc.__file__).parent / "articles" / "dry-needling-back-pain.en-CA.toml"
    text = bundled.read_text(encoding="utf-8").replace(
        'title = "Regain', 'title = "Re\u0301sume\u0301: Regain', 1
    )
    guide = tmp_path / "guide.toml"
    guide.write_text(text, encoding="utf-8")
    clinic = tmp_path / "clinic.toml"
    clinic.write_text('name = "Cafe\u0301 Physio"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("export", "--clinic", str(clinic), "--out", str(out), str(guide))
    assert result.returncode == 0, result.stderr
    article = bc.load_article(guide)
    assert article.title.startswith("Résumé: Regain")
    assert bc.load_clinic(clinic).name == "Café Physio"
    html = (out / "dry-needling-back-pain.en-CA.html").read_text(encoding="utf-8")
    assert "Résumé: Regain" in html
    assert "e\u0301" not in html
    pdf = subprocess.run(
        ["pdftotext", str(out / "dry-needling-back-pain.en-CA.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Résumé: Regain" in pdf
    assert "Café Physio" in pdf
