"""Where the command writes: only regular files (or a new path), never in the place of a
link or a device, `-` for standard output, and a folder only where a folder is."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from command import COMMAND, run_cli

MAIL = ("email", "--to", "patient@example.org", "--from", "front@example.org")


def test_eml_dash_writes_the_message_to_standard_output(tmp_path: Path) -> None:
    done = subprocess.run(
        [*COMMAND, *MAIL, "--eml", "-"], capture_output=True, cwd=tmp_path, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert b"To: patient@example.org" in done.stdout
    assert not (tmp_path / "-").exists()


def test_eml_through_a_symbolic_link_is_refused_and_the_link_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.eml"
    real.write_bytes(b"old")
    link = tmp_path / "link.eml"
    link.symlink_to(real)
    done = run_cli(*MAIL, "--eml", str(link))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip() == (
        f"backpain-content: error: {link}: is a symbolic link: give the path of the file it "
        "points to, or remove it"
    )
    assert link.is_symlink()
    assert real.read_bytes() == b"old"


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_eml_onto_a_device_is_refused(tmp_path: Path) -> None:
    done = run_cli(*MAIL, "--eml", "/dev/null")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "/dev/null: is not a regular file" in done.stderr
    assert Path("/dev/null").is_char_device()


def test_export_out_a_file_says_it_is_not_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    done = run_cli("export", "--format", "html", "--out", str(target))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip() == f"backpain-content: error: {target}: is not a folder"
    assert target.read_text(encoding="utf-8") == "mine"


def test_export_will_not_replace_a_link_in_its_folder_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere.pdf"
    elsewhere.write_bytes(b"keep")
    link = out / "dry-needling-back-pain.en-CA.pdf"
    link.symlink_to(elsewhere)
    done = run_cli("export", "--format", "html", "--format", "pdf", "--out", str(out))
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{link}: is a symbolic link" in done.stderr
    assert sorted(p.name for p in out.iterdir()) == [link.name]  # nothing else written
    assert link.is_symlink()
    assert elsewhere.read_bytes() == b"keep"


def test_translate_output_onto_a_link_is_refused(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    po = root / "translations" / "dry-needling-back-pain.fr-CA.po"
    source = root / "src" / "backpain_content" / "articles" / "dry-needling-back-pain.en-CA.toml"
    link = tmp_path / "fr.toml"
    link.symlink_to(tmp_path / "missing.toml")
    done = run_cli("translate", "apply", str(po), "--source", str(source), "-o", str(link))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "is a symbolic link" in done.stderr
    assert not (tmp_path / "missing.toml").exists()
    assert link.is_symlink()
