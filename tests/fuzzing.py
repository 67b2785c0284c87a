"""The fuzzing harness: hostile input through every door, with a time budget.

Each door (a guide file in TOML or Markdown, a PO file, a clinic file, a plan file, a
blog post, the command's arguments) has a property: the input is refused with one clear
line (exit status 2) or gives a valid output, never a traceback, never a tag, event
handler or script URL of the input's in the output, and within bounded time.

`budget(prop)` runs a Hypothesis property again and again, each time on new random
cases, until its share of `BACKPAIN_FUZZ_SECONDS` (60 in all by default: `make test`;
`make fuzz` gives it more) is spent, and says how many cases it ran.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from hostile import CORPUS

DOORS = 8
"""How many properties share the budget."""

SLOWEST_CASE = 20.0
"""Seconds any one case may take: input must never buy unbounded time."""

PEAK_MIB = 1536
"""The most memory the test process may reach: input must never buy unbounded memory."""


def budget_seconds() -> float:
    """This door's share of the fuzzing budget (`BACKPAIN_FUZZ_SECONDS`, 60 by default)."""
    return float(os.environ.get("BACKPAIN_FUZZ_SECONDS", "60")) / DOORS


def run_for(name: str, prop: Callable[[], None], counter: list[int]) -> str:
    """Run the Hypothesis property `prop` (a `@given` function) round after round until
    this door's budget is spent; each round draws new random cases. Returns a line with
    the count of cases run."""
    seconds = budget_seconds()
    start = time.monotonic()
    rounds = 0
    while rounds == 0 or time.monotonic() - start < seconds:
        prop()
        rounds += 1
    took = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    assert peak < PEAK_MIB, f"the process grew to {peak:.0f} MiB"
    line = f"fuzz {name}: {counter[0]} cases in {took:.0f} s ({rounds} rounds), peak {peak:.0f} MiB"
    report = os.environ.get("BACKPAIN_FUZZ_REPORT")
    if report:
        with Path(report).open("a", encoding="utf-8") as out:
            out.write(line + "\n")
    return line


ROUND = settings(
    max_examples=15,
    deadline=None,
    database=None,
    derandomize=False,
    suppress_health_check=list(HealthCheck),
)
"""One round of a door's property: a few cases, never the same seed twice."""

_MARKUP = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://evil.example/"></iframe>',
    "javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    '"><svg onload=alert(1)>',
    "</style><script>x</script>",
    "{{ 7*7 }}",
    "{clinic}",
    "\u202eexe.pdf",
    "\u2060",
    "\x00",
    # Every character Python's str.splitlines() ends a line at but msgfmt does not.
    *("\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"),
]

hostile_text = st.one_of(
    st.sampled_from([*CORPUS.values(), *_MARKUP]),
    st.text(max_size=80),
    st.lists(st.sampled_from([*_MARKUP, "Call 911", " ", "word", "\n"]), max_size=6).map("".join),
)
"""Text an attacker or a careless editor would write."""


def toml_string(text: str) -> str:
    """`text` as a TOML basic string, every character it can hold written as itself."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or code == 0x7F or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


@st.composite
def mutated(draw: Any, text: str, quote: Callable[[str], str] = toml_string) -> str:
    """`text` with hostile changes: strings replaced with hostile text, lines deleted,
    doubled or cut short, or random characters put in."""
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["string", "string", "line", "cut", "insert"]))
        lines = text.split("\n")
        if kind == "string":
            spans = [m.span() for m in _STRING.finditer(text)]
            if spans:
                start, end = draw(st.sampled_from(spans))
                text = text[:start] + quote(draw(hostile_text)) + text[end:]
        elif kind == "line":
            at = draw(st.integers(0, len(lines) - 1))
            if draw(st.booleans()):
                del lines[at]
            else:
                lines.insert(at, lines[at])
            text = "\n".join(lines)
        elif kind == "cut":
            text = text[: draw(st.integers(0, len(text)))]
        else:
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.text(max_size=8)) + text[at:]
    return text


_UNSAFE_TAGS = frozenset(
    {"script", "iframe", "object", "embed", "frame", "frameset", "base", "form", "input"}
)
_URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "poster", "srcset")


def _own_elements(page: str) -> tuple[int, int]:
    """How many `<style>` and JSON-LD `<script>` elements a page has."""
    return page.count("<style"), page.count('<script type="application/ld+json"')


def assert_safe_html(page: str, baseline: str) -> None:
    """No element, event handler or script URL the input could have put in: none of the
    tags that run or load anything (but the page's own JSON-LD, which must stay JSON), no
    `on...` attribute, no `javascript:`/`data:` link, and no more `<style>` or JSON-LD
    elements than the same page made from plain input (`baseline`) has."""
    tree = lxml_html.fromstring(page) if page.strip() else None
    if tree is None:
        return
    styles, scripts = _own_elements(baseline)
    seen_styles = seen_scripts = 0
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "script" and element.get("type") == "application/ld+json":
            json.loads(element.text or "")
            seen_scripts += 1
            continue
        assert tag not in _UNSAFE_TAGS, tag
        seen_styles += tag == "style"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            if name.lower() in _URL_ATTRS:
                plain = re.sub(r"[\x00-\x20]", "", value).lower()
                assert not plain.startswith(("javascript:", "data:", "vbscript:")), value
    assert seen_styles <= styles
    assert seen_scripts <= scripts


def one_line_refusal(status: int, stderr: str) -> None:
    """Exit status 2 with one clear line, or success: never a traceback or a bug."""
    assert status in (0, 2), (status, stderr)
    assert "Traceback" not in stderr
    assert "internal error" not in stderr, stderr
    if status == 2:
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert len(lines) == 1, stderr
        assert lines[0].startswith("backpain-content: error: "), stderr


def run_command(argv: list[str]) -> tuple[int, str, str]:
    """The command line in this process: its status, standard output and error."""
    from backpain_content.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as stop:  # argparse's usage errors
            status = stop.code if isinstance(stop.code, int) else 2
    return status, out.getvalue(), err.getvalue()


def timed(function: Callable[[], Any]) -> Any:
    """`function()`, which must take less than `SLOWEST_CASE` seconds."""
    start = time.monotonic()
    result = function()
    took = time.monotonic() - start
    assert took < SLOWEST_CASE, f"one case took {took:.1f} s"
    return result


def write(folder: Path, name: str, text: str) -> Path:
    """`text` written to `folder/name` (UTF-8; lone surrogates as `?`)."""
    path = folder / name
    path.write_bytes(text.encode("utf-8", "replace"))
    return path
