"""The one error the project raises for bad input."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ContentError"]


class ContentError(ValueError):
    """Bad input: names the file (or other source), the field and what is wrong.

    `str()` gives one line, fit to print as it is.
    """

    def __init__(self, source: str | Path | None, field: str | None, problem: str) -> None:
        self.source = None if source is None else str(source)
        self.field = field
        self.problem = problem
        super().__init__(str(self))

    def __reduce__(self) -> tuple[type[ContentError], tuple[str | None, str | None, str]]:
        # Rebuilt from its parts when it crosses from a worker process.
        return (type(self), (self.source, self.field, self.problem))

    def __str__(self) -> str:
        parts = [p for p in (self.source, self.field) if p]
        # One line, whatever the input held: a file name or message with a
        # newline must not split the report or forge a second line.
        text = ": ".join([*parts, self.problem])
        return " ".join(text.split())
