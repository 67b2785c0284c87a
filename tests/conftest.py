"""Shared fixtures: the bundled article, golden-file regeneration, and external tools.

Tests that need an external tool use `needs.require_tool`: see there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import backpain_content as bc

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
