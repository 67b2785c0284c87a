"""External tools for tests: skip on a developer's machine, fail under CI=true.

So a green CI run always means the real validators ran.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


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
