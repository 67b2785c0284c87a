"""The one error the project raises for bad input, and how every message becomes one line."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ContentError", "one_line", "printable"]


def printable(text: str) -> str:
    """`text` with every character a terminal would act on, rather than show, written as
    an escape (`\\x1b`, `\\u202e`): control characters, bidi controls and the like."""
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def one_line(text: str) -> str:
    """`text` as one printable line: every run of whitespace (newlines too) becomes one
    space, and what is left that a terminal would act on is escaped (see `printable`).

    A file name, a server's reply or a value with a newline must not split a report,
    forge a second line of it, or retitle and clear the terminal it is printed on.
    """
    return printable(" ".join(text.split()))


class ContentError(ValueError):
    """Bad input: names the file (or other source), the field and what is wrong.

    `str()` gives one line, fit to print as it is.
    """

    def __init__(self, source: str | Path | None, field: str | None, problem: str) -> None:
        # The three parts are the exception's args, so it pickles and copies as it is.
        super().__init__(None if source is None else str(source), field, problem)

    @property
    def source(self) -> str | None:
        """The file (or server, or other source) at fault, if any."""
        source: str | None = self.args[0]
        return source

    @property
    def field(self) -> str | None:
        """The field at fault, such as `causes.items[2].summary`, if any."""
        field: str | None = self.args[1]
        return field

    @property
    def problem(self) -> str:
        """What is wrong."""
        problem: str = self.args[2]
        return problem

    def __str__(self) -> str:
        parts = [p for p in (self.source, self.field) if p]
        return one_line(": ".join([*parts, self.problem]))
