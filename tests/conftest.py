"""Shared fixtures: the bundled article, golden-file regeneration, and external tools.

A test that needs a tool which is missing skips on a developer's machine but fails
under CI=true, so a green CI run always means the real validators ran.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import backpain_content as bc

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
# A copy of ../shared/seeds/000_d6be260c92b29e13.txt, so a clone can test on its own.
SOURCE_ARTICLE = Path(__file__).resolve().parent / "data" / "source-article.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files in tests/golden from the current output",
    )


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, why: str) -> None:
    """Skip when `condition` is false, or fail under CI=true."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"{why} (CI=true: a missing tool fails the run instead of skipping)")
    pytest.skip(why)


def require_tool(name: str) -> str:
    """The path of a command on PATH; skips (fails under CI) when it is missing."""
    path = shutil.which(name)
    require(path is not None, f"{name} is not installed")
    assert path is not None
    return path


def require_file(path: Path, how: str) -> Path:
    require(path.is_file(), f"{path} is missing; {how}")
    return path


@pytest.fixture(scope="session")
def article() -> bc.Article:
    return bc.load_article()


@pytest.fixture(scope="session")
def source_text() -> str:
    """The source article's text."""
    return SOURCE_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Compare text with a golden file; `--regen-golden` rewrites it instead."""
    regen = request.config.getoption("--regen-golden")

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if regen:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        assert path.is_file(), f"no golden file {path}; run pytest --regen-golden"
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, (
            f"output differs from {path}; if intended, run pytest --regen-golden"
        )

    return check
