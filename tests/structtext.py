"""What a screen reader, a search or a copy gets back from a tagged PDF: the structure
tree's text in reading order (`pdfinfo -struct-text`), checked against the words the PDF
was made from.

ISO 32000-1, 14.8.2.5: a line that ends between two words must leave a space in the
text, or the last word of one line runs into the first of the next ("onyour").
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pikepdf

from needs import require_tool

_QUOTED = re.compile(r'^\s*"(.*)"\s*$')


def poppler(pdf: bytes, tool: str, *args: str) -> str:
    """What a poppler tool prints for `pdf`, given after `args` (or in the place of an
    argument "{pdf}")."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "made.pdf"
        path.write_bytes(pdf)
        given = [str(path) if arg == "{pdf}" else arg for arg in args]
        if "{pdf}" not in args:
            given.append(str(path))
        return subprocess.run(
            [require_tool(tool), *given], capture_output=True, text=True, check=True, timeout=120
        ).stdout


def qpdf_problems(pdf: bytes) -> str:
    """What `qpdf --check` finds wrong with `pdf` (its syntax, streams, cross-reference
    table and object streams): empty when it finds nothing, warnings included."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "made.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(
            [require_tool("qpdf"), "--check", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    clean = done.returncode == 0 and "No syntax or stream encoding errors" in done.stdout
    return "" if clean else f"qpdf exit {done.returncode}: {done.stdout}{done.stderr}"


def struct_text(pdf: bytes) -> list[str]:
    """The text of each marked-content run of the structure tree, in reading order: the
    text `pdfinfo -struct-text` prints, except where the run has an `/ActualText` (a
    word set on its own, shaped or right to left), which stands for what is drawn
    (ISO 32000-1, 14.9.4) and which pdfinfo does not read."""
    out = poppler(pdf, "pdfinfo", "-struct-text")
    printed = [found[1] for line in out.splitlines() if (found := _QUOTED.match(line))]
    items, actual, _ = _content_items(pdf)
    assert len(items) == len(printed), (len(items), len(printed))
    return [actual.get(item, text) for item, text in zip(items, printed, strict=True)]


def struct_elements(pdf: bytes) -> list[tuple[str, str]]:
    """Each element of the structure tree, by its role, with the text of everything under
    it, in reading order."""
    runs = struct_text(pdf)
    _, _, spans = _content_items(pdf)
    return [(role, "".join(runs[start:end])) for role, start, end in spans]


def _content_items(
    pdf: bytes,
) -> tuple[list[tuple[int, int]], dict[tuple[int, int], str], list[tuple[str, int, int]]]:
    """The structure tree's marked-content items, (page, MCID) in reading order; the
    `/ActualText` of those that have one; and each element's role with the range of the
    items under it."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        pages = {page.obj.objgen: index for index, page in enumerate(doc.pages)}
        actual: dict[tuple[int, int], str] = {}
        for index, page in enumerate(doc.pages):
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) != "BDC" or not isinstance(operands[1], pikepdf.Dictionary):
                    continue
                properties = operands[1]
                if "/MCID" in properties and "/ActualText" in properties:
                    actual[index, int(properties.MCID)] = str(properties.ActualText)
        items: list[tuple[int, int]] = []
        spans: list[tuple[str, int, int]] = []

        def walk(node: Any, page: int | None) -> None:
            if isinstance(node, pikepdf.Array):
                for kid in node:
                    walk(kid, page)
            elif isinstance(node, pikepdf.Dictionary):
                if "/Pg" in node:
                    page = pages[node.Pg.objgen]
                kind = node.get("/Type")
                if kind == "/MCR":
                    assert page is not None
                    items.append((page, int(node.MCID)))
                elif kind != "/OBJR" and "/K" in node:
                    start = len(items)
                    walk(node.K, page)
                    if "/S" in node:
                        spans.append((str(node.S)[1:], start, len(items)))
            elif page is not None:  # an MCID of the element's page
                items.append((page, int(node)))

        walk(doc.Root.StructTreeRoot.K, None)
    return items, actual, spans


def _letters(text: str) -> Counter[str]:
    """How often each letter and digit occurs in `text` (presentation forms as the letters
    they are): a count that does not depend on where words or lines break."""
    return Counter(c for c in unicodedata.normalize("NFKC", text) if c.isalnum())


def visible_letters(pdf: bytes) -> Counter[str]:
    """How often each letter is on the pages, as pdftotext reads them (which reads a
    word's `/ActualText` in place of its glyphs)."""
    return _letters(poppler(pdf, "pdftotext", "{pdf}", "-"))


def normal(word: str) -> str:
    """A word without the punctuation around it ("(points." is "points")."""
    keep = [i for i, c in enumerate(word) if unicodedata.category(c)[0] in "LNM"]
    return word[keep[0] : keep[-1] + 1] if keep else ""


def vocabulary(*sources: Any) -> set[str]:
    """Every word of the strings in `sources` (models, dicts, lists, strings), normalised."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.update(filter(None, map(normal, value.split())))
        elif hasattr(value, "model_dump"):
            walk(value.model_dump(mode="json"))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, Iterable):
            for item in value:
                walk(item)
        elif value is not None:
            walk(str(value))

    for source in sources:
        walk(source)
    # The numbers the outputs make: references cited, sessions, pages.
    return found | {str(number) for number in range(1000)}


def fused(runs: list[str], words: set[str]) -> list[str]:
    """The words of `runs` that are two known words run together ("onyour", "points.This")."""
    found = []
    # A piece of one word is no fusion: a long word broken across lines, or a line of a
    # script written without spaces (Chinese), broken between its characters.
    pieces = "\n".join(words)
    for run in runs:
        for token in run.split():
            word = normal(token)
            if not word or word in words or word in pieces:
                continue
            if not any(c.isalpha() for c in word) and not re.search(r"\d{5}", word):
                continue  # a date, a time or a figure the outputs format ("2:30", "2027")
            if any(
                normal(word[:i]) in words and normal(word[i:]) in words for i in range(1, len(word))
            ):
                found.append(word)
    return found


def doubled(runs: list[str], pdf: bytes) -> list[str]:
    """The letters the structure tree gives back more often than the pages show them: text
    given twice (a word's glyphs and its `/ActualText` both, say)."""
    tagged = _letters(" ".join(runs))
    shown = visible_letters(pdf)
    return sorted(letter for letter, count in tagged.items() if count > shown[letter])


class Shown(tuple[str, int, tuple[int, int], str]):
    """One text-showing operator of a page: the marked content it is in (its tag), the
    text rendering mode it draws in (0 fill, 2 fill and stroke...), its font resource
    (the object) and that font's name."""

    @property
    def tag(self) -> str:
        return self[0]

    @property
    def mode(self) -> int:
        return self[1]

    @property
    def font(self) -> tuple[int, int]:
        return self[2]

    @property
    def font_name(self) -> str:
        return self[3]


def text_shown(pdf: bytes) -> list[Shown]:
    """Every text-showing operator of `pdf`'s pages, with how it draws (see `Shown`): the
    rendering mode is graphics state, kept by q and Q across text objects."""
    shown: list[Shown] = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            fonts = page.resources.get("/Font", pikepdf.Dictionary())
            tags: list[str] = []
            saved: list[int] = []
            mode, font, name = 0, (0, 0), ""
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op in ("BDC", "BMC"):
                    tags.append(str(operands[0]))
                elif op == "EMC":
                    tags.pop()
                elif op == "q":
                    saved.append(mode)
                elif op == "Q":
                    mode = saved.pop()
                elif op == "Tr":
                    mode = int(operands[0])
                elif op == "Tf":
                    resource = fonts[operands[0]]
                    font, name = resource.objgen, str(resource.BaseFont)
                elif op in ("Tj", "TJ", "'", '"'):
                    shown.append(Shown((tags[-1] if tags else "", mode, font, name)))
    return shown
