"""Batch export for a clinic group: a sub-folder per clinic, in parallel, failures reported at the end."""

from __future__ import annotations

import os
import pty
import re
import subprocess
from pathlib import Path

import pytest

import backpain_content as bc
from command import COMMAND, run_cli

COLOURS = ["#1d5c87", "#8a1c1c", "#2f5d2f", "#5b2a86", "#7a4b00"]


def _group(folder: Path, count: int, bad: set[int] = frozenset()) -> Path:  # type: ignore[assignment]
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        name = f"Clinic {index:03d}"
        text = (
            f'name = "{name}"\nlocation = "Town {index}"\n'
            f'booking_url = "https://example.org/book/{index}"\n'
            f'accent_colour = "{COLOURS[index % len(COLOURS)]}"\n'
        )
        if index in bad:
            text = text.replace("name = ", "nmae = ")
        (folder / f"clinic-{index:03d}.toml").write_text(text, encoding="utf-8")
    return folder


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("export", *args, cwd=cwd, timeout=300)


def test_each_clinic_gets_its_own_branded_folder(tmp_path: Path) -> None:
    group = _group(tmp_path / "group", 5)
    result = _run(
        "--format", "pdf", "--clinics", str(group), "--out", str(tmp_path / "out"), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"exported 5 of 5 clinics into {tmp_path / 'out'}"
    folders = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert folders == [f"clinic-{i:03d}" for i in range(5)]
    article = bc.load_article()
    for index in range(5):
        clinic = bc.load_clinic(group / f"clinic-{index:03d}.toml")
        written = (
            tmp_path / "out" / f"clinic-{index:03d}" / "dry-needling-back-pain.en-CA.pdf"
        ).read_bytes()
        assert written == bc.render_pdf(article, clinic=clinic)
    # Not a terminal: one plain line a clinic, no carriage returns.
    lines = result.stderr.splitlines()
    assert len(lines) == 5
    assert all(line.startswith("[") and "/5] clinic-" in line for line in lines)
    assert "\r" not in result.stderr


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        ('nmae = "Clinic 002"\n', "name: is required but missing (and 1 more problem)"),
        # Loads, but the handout does not set Thai: found while rendering, and still
        # reported by the clinic's file.
        (
            'name = "คลินิก"\n',
            "name: has Thai characters the handout cannot print "
            "(U+0E01 U+0E04 U+0E19 U+0E25 U+0E34): it does not set Thai text",
        ),
        # A logo problem names the clinic file first, never only the logo.
        (
            'name = "Clinic 002"\nlogo = "logo.png"\n',
            "logo: must be a readable PNG or JPEG image inside the clinic file's folder",
        ),
    ],
    ids=["does not load", "cannot be printed", "damaged logo"],
)
def test_one_bad_clinic_is_reported_by_its_file_and_the_others_finish(
    tmp_path: Path, broken: str, problem: str
) -> None:
    group = _group(tmp_path / "group", 6)
    (group / "clinic-002.toml").write_text(broken, encoding="utf-8")
    (group / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    result = _run(
        "--format", "pdf", "--clinics", str(group), "--out", str(tmp_path / "out"), cwd=tmp_path
    )
    assert result.returncode == 2
    assert "exported 5 of 6 clinics" in result.stdout
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert errors == [f"backpain-content: error: {group / 'clinic-002.toml'}: {problem}"]
    done = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert done == [f"clinic-{i:03d}" for i in range(6) if i != 2]


def test_files_and_folders_mix_and_clashing_names_are_refused(tmp_path: Path) -> None:
    group = _group(tmp_path / "group", 2)
    other = _group(tmp_path / "other", 1)
    out = tmp_path / "out"
    ok = _run(
        "--format",
        "html",
        "--clinics",
        str(group),
        str(other / "clinic-000.toml"),
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert ok.returncode == 2
    [line] = ok.stderr.splitlines()
    assert "would share the folder 'clinic-000'" in line
    assert not out.exists()
    missing = _run("--clinics", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert missing.returncode == 2
    assert "nowhere: no such file or folder" in missing.stderr


def test_clinic_files_with_non_latin_names_get_folders_of_their_own(tmp_path: Path) -> None:
    group = tmp_path / "group"
    group.mkdir()
    for stem in ("東京", "大阪", "Zoë", "Zoe", "north"):
        (group / f"{stem}.toml").write_text(f'name = "{stem} Physio"\n', encoding="utf-8")
    result = _run(
        "--format", "html", "--clinics", str(group), "--out", str(tmp_path / "out"), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    folders = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(folders) == 5
    assert "north" in folders  # a plain name keeps its plain folder
    assert "zoe" in folders
    assert sum(name.startswith("clinic-") for name in folders) == 2  # 東京 and 大阪, apart
    assert all(re.fullmatch(r"[a-z0-9-]+", name) for name in folders)
    for stem in ("東京", "大阪"):
        from backpain_content.batch import folder_name

        html = next((tmp_path / "out" / folder_name(group / f"{stem}.toml")).iterdir()).read_text()
        assert f"{stem} Physio" in html


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    group = _group(tmp_path / "group", 3)
    leader, follower = pty.openpty()
    try:
        run = subprocess.run(
            [
                *COMMAND,
                "export",
                "--format",
                "html",
                "--clinics",
                str(group),
                "--out",
                str(tmp_path / "out"),
            ],
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=300,
            check=False,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)
    shown = b"".join(chunks).decode()
    assert run.returncode == 0
    assert "\r[" in shown
    assert "#" * 30 + "] 3/3" in shown


def test_export_clinics_from_python_reports_each_clinic_in_order(
    tmp_path: Path, article: bc.Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pool starts fresh interpreters: the caller (a web server with threads, say) is
    # never forked.
    def no_fork() -> int:
        raise AssertionError("the batch must not fork its caller")

    monkeypatch.setattr(os, "fork", no_fork)
    group = _group(tmp_path / "group", 3, bad={1})
    seen: list[tuple[int, int]] = []
    results = bc.export_clinics(
        article,
        sorted(group.glob("*.toml")),
        tmp_path / "out",
        formats=["html"],
        workers=2,
        progress=lambda result, done, total: seen.append((done, total)),
    )
    assert [r.source.name for r in results] == [
        "clinic-000.toml",
        "clinic-001.toml",
        "clinic-002.toml",
    ]
    assert [r.error is None for r in results] == [True, False, True]
    assert [r.bad_input for r in results] == [False, True, False]
    assert [len(r.written) for r in results] == [1, 0, 1]
    assert sorted(seen) == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_jobs_option(tmp_path: Path, jobs: str) -> None:
    group = _group(tmp_path / "group", 2)
    result = _run(
        "--format",
        "html",
        "--jobs",
        jobs,
        "--clinics",
        str(group),
        "--out",
        str(tmp_path / "out"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "out").iterdir())) == 2
