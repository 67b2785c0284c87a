"""The built wheel works on its own: installed into a fresh venv, away from the checkout.

The wheel is built once per module with pip's default build isolation (pip fetches
hatchling into a throwaway environment, so the dev venv does not need it), then
installed into a new virtual environment under pytest's tmp dir together with its
dependencies. Everything installed is run with the tmp dir as the working
directory and without PYTHONPATH, so nothing can be imported from the checkout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "backpain_content"
SCRIPT = "backpain-content"

BUILD_TIMEOUT = 600
VENV_TIMEOUT = 180
INSTALL_TIMEOUT = 600
RUN_TIMEOUT = 120

# Files the installed package cannot work without: the templates the design keeps at
# the top level (force-included), the bundled data and the typing marker.
REQUIRED_IN_WHEEL = (
    f"{PACKAGE}/templates/article.html.jinja",
    f"{PACKAGE}/templates/page.html.jinja",
    f"{PACKAGE}/templates/_sections.html.jinja",
    f"{PACKAGE}/templates/article.css",
    f"{PACKAGE}/articles/dry-needling-back-pain.en-CA.toml",
    f"{PACKAGE}/labels/en.toml",
    f"{PACKAGE}/py.typed",
)

# Run inside the fresh venv: prints one JSON object for the test to check.
SNIPPET = """
import html, json, sys, sysconfig
from pathlib import Path

import backpain_content as bc
from backpain_content.renderers.shared import templates_dir

article = bc.load_article()
page = bc.render_html(article, options=bc.HtmlOptions(standalone=True))
print(json.dumps({
    "file": str(Path(bc.__file__).resolve()),
    "prefix": str(Path(sys.prefix).resolve()),
    "purelib": str(Path(sysconfig.get_path("purelib")).resolve()),
    "templates_dir": str(templates_dir().resolve()),
    "title": article.title,
    "title_in_page": article.title in html.unescape(page),
    "page_start": page[:200],
    "version": bc.__version__,
}))
"""


@dataclass(frozen=True)
class Venv:
    root: Path
    python: Path
    script: Path
    workdir: Path


def _clean_env() -> dict[str, str]:
    """The environment without anything that could point Python back at the checkout."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "__PYVENV_LAUNCHER__"):
        env.pop(name, None)
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _run(
    args: list[str | Path], *, cwd: Path, timeout: float, what: str
) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(
            [str(a) for a in args],
            cwd=cwd,
            env=_clean_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{what} timed out after {timeout}s: {args}\nstderr:\n{exc.stderr}")
    assert result.returncode == 0, (
        f"{what} failed with exit status {result.returncode}: {args}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result


def _bin(venv_root: Path, name: str) -> Path:
    if os.name == "nt":  # pragma: no cover
        return venv_root / "Scripts" / f"{name}.exe"
    return venv_root / "bin" / name


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from the checkout, with pip's default (isolated) build."""
    out = tmp_path_factory.mktemp("wheel")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", out, ROOT],
        cwd=out,
        timeout=BUILD_TIMEOUT,
        what="building the wheel",
    )
    built = sorted(out.glob(f"{PACKAGE}-*.whl"))
    assert len(built) == 1, f"expected one {PACKAGE} wheel in {out}, found {built}"
    return built[0]


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A fresh virtual environment, outside the checkout, with the wheel installed."""
    root = tmp_path_factory.mktemp("venv") / "env"
    workdir = tmp_path_factory.mktemp("run")
    assert not root.is_relative_to(ROOT), f"the venv {root} must be outside the checkout {ROOT}"
    assert not workdir.is_relative_to(ROOT), f"{workdir} must be outside the checkout {ROOT}"
    _run(
        [sys.executable, "-m", "venv", root],
        cwd=workdir,
        timeout=VENV_TIMEOUT,
        what="creating the venv",
    )
    python = _bin(root, "python")
    _run(
        [python, "-m", "pip", "install", "--disable-pip-version-check", wheel],
        cwd=workdir,
        timeout=INSTALL_TIMEOUT,
        what="installing the wheel",
    )
    script = _bin(root, SCRIPT)
    assert script.is_file(), f"the console script {script} was not installed"
    return Venv(root=root, python=python, script=script, workdir=workdir)


def test_wheel_contents(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        dist_info = next((n.split("/")[0] for n in names if ".dist-info/" in n), None)
        assert dist_info is not None, f"no .dist-info in {wheel.name}: {sorted(names)}"
        metadata = archive.read(f"{dist_info}/METADATA").decode()
        entry_points = archive.read(f"{dist_info}/entry_points.txt").decode()
    missing = [name for name in REQUIRED_IN_WHEEL if name not in names]
    assert not missing, f"{wheel.name} lacks {missing}; it holds:\n" + "\n".join(sorted(names))
    stray = sorted(n for n in names if not n.startswith((f"{PACKAGE}/", f"{dist_info}/")))
    assert not stray, f"{wheel.name} holds files outside the package: {stray}"
    cached = sorted(n for n in names if "__pycache__" in n or n.endswith(".pyc"))
    assert not cached, f"{wheel.name} holds bytecode: {cached}"
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    for dependency in ("pydantic", "jinja2", "babel"):
        assert any(dependency in line.lower() for line in requires), (
            f"METADATA does not require {dependency}: {requires}"
        )
    assert f"{SCRIPT} = {PACKAGE}.start:run" in entry_points, entry_points


def test_installed_package_renders_from_site_packages(venv: Venv) -> None:
    result = _run(
        [venv.python, "-c", SNIPPET],
        cwd=venv.workdir,
        timeout=RUN_TIMEOUT,
        what="rendering with the installed package",
    )
    info = json.loads(result.stdout)
    prefix = Path(info["prefix"])
    purelib = Path(info["purelib"])
    module = Path(info["file"])
    templates = Path(info["templates_dir"])
    assert prefix == venv.root.resolve(), f"ran in {prefix}, not the new venv {venv.root}"
    assert module.is_relative_to(purelib), f"{PACKAGE} imported from {module}, not {purelib}"
    assert not module.is_relative_to(ROOT), f"{PACKAGE} imported from the checkout: {module}"
    assert templates == purelib / PACKAGE / "templates", (
        f"templates found in {templates}, not inside the installed package under {purelib}"
    )
    assert info["title_in_page"], f"title {info['title']!r} missing from the standalone page"
    assert info["page_start"].startswith("<!DOCTYPE html>"), info["page_start"]


def test_console_script_exports_html(venv: Venv) -> None:
    out = venv.workdir / "exports"
    result = _run(
        [venv.script, "export", "--format", "html", "--out", out],
        cwd=venv.workdir,
        timeout=RUN_TIMEOUT,
        what=f"{SCRIPT} export",
    )
    written = sorted(out.glob("*.html"))
    assert written, f"{SCRIPT} export wrote no .html into {out}; stdout:\n{result.stdout}"
    expected = out / "dry-needling-back-pain.en-CA.html"
    assert expected in written, f"expected {expected.name}, found {[p.name for p in written]}"
    text = expected.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>"), f"{expected} starts with {text[:100]!r}"
    assert str(expected) in result.stdout, f"export did not report {expected}: {result.stdout}"


def test_console_script_version(venv: Venv, wheel: Path) -> None:
    result = _run(
        [venv.script, "--version"],
        cwd=venv.workdir,
        timeout=RUN_TIMEOUT,
        what=f"{SCRIPT} --version",
    )
    version = wheel.name.split("-")[1]
    assert result.stdout.strip() == f"{SCRIPT} {version}", (
        f"--version printed {result.stdout!r} (stderr {result.stderr!r}), expected {version}"
    )
