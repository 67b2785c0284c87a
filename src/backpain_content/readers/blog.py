"""A clinic's blog post (Markdown, or a web page's HTML) as a draft guide in Markdown.

Every sentence of the post is kept, in order: headings become the guide's sections,
bold-titled list items its items, images their alt text and tables their rows. What a
post does not have (summaries, the safety section, sources, dates) is not made up: the
draft marks each with `TODO`, and the report lists them for a writer to add.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ContentError

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

__all__ = ["TODO", "Draft", "import_post"]

TODO = "TODO"
"""What marks a part of a draft a writer must still write."""

IMPORT_HINT = "install the 'import' extra: pip install 'backpain-content[import]'"

# Which section a heading most likely is, by its words; the report says which was chosen.
_HINTS: tuple[tuple[str, str], ...] = (
    ("sessions", r"\bsessions?\b|how (many|often|long)"),
    ("causes", r"\bcauses?\b|\bwhy\b"),
    ("lifestyle", r"lifestyle|at home|habits?|tips|self[- ]care|prevent"),
    ("therapies", r"other treatments?|complement|alongside|combined|therap(y|ies)"),
    ("mechanisms", r"\bhow\b|\bwhat is\b|benefits?|helps?|works?|role"),
)
_ORDER = ("mechanisms", "causes", "sessions", "lifestyle", "therapies")


@dataclass
class Draft:
    """A draft guide and what a writer must still add to it."""

    markdown: str
    """The draft, as a Markdown guide."""
    missing: list[str] = field(default_factory=list)
    """What the writer must still write, one line each."""
    notes: list[str] = field(default_factory=list)
    """How the post was read (which heading became which section)."""

    @property
    def complete(self) -> bool:
        """Whether nothing is missing."""
        return not self.missing


@dataclass
class _Part:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[tuple[str | None, str]] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


def import_post(path: Path, text: str) -> Draft:
    """The blog post in `text` (read from `path`: `.html`/`.htm` is a web page, anything
    else Markdown) as a draft guide and its report."""
    try:
        from markdown_it import MarkdownIt
        from markdown_it.tree import SyntaxTreeNode
    except ImportError:
        raise ContentError(path, None, f"importing a post needs {IMPORT_HINT}") from None
    if path.suffix.lower() in (".html", ".htm"):
        text = _main_text(path, text)
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)  # a post's own front matter
    tree = SyntaxTreeNode(MarkdownIt("commonmark", {"html": False}).enable("table").parse(text))
    title, lede, parts = _read(tree.children)
    return _draft(path, title, lede, parts)


def _main_text(path: Path, html: str) -> str:
    """The article of a web page, without its navigation, sidebars, footer and comments."""
    try:
        import trafilatura
    except ImportError:
        raise ContentError(path, None, f"importing a web page needs {IMPORT_HINT}") from None
    found = trafilatura.extract(
        _cleaned(html),
        output_format="markdown",
        include_comments=False,
        include_tables=True,
        include_images=True,
        include_links=False,
        with_metadata=False,
        favor_recall=True,
        config=_extraction_settings(),
    )
    if not found:
        raise ContentError(path, None, "has no article text that could be found")
    title = trafilatura.extract_metadata(_cleaned(html))
    heading = title.title if title is not None and title.title else None
    if heading and not found.lstrip().startswith("# "):
        found = f"# {heading}\n\n{found}"
    return str(found)


@functools.cache
def _extraction_settings() -> Any:
    """trafilatura's settings, but for a short post: below 250 characters of text it
    reads a page as one run of text, losing its headings, paragraphs and images."""
    from trafilatura.settings import use_config

    settings = use_config()
    settings.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    settings.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    return settings


_NEVER_READ = ("script", "style", "noscript", "template", "iframe", "object", "embed")


def _cleaned(html: str) -> Any:
    """The page `html` as a tree without what a reader never sees as the post's words
    (scripts, styles, frames, embedded objects: a malformed page can put a script inside
    its heading, whose text would become the draft's title), and with every image's
    address that is not a web address (a `data:` or `javascript:` one, which trafilatura
    drops with the image and so with its alt text) made a placeholder image file: the
    draft keeps each image's alt text (and never an image's address). A new tree each
    time: trafilatura changes the tree it reads."""
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        return html
    for element in list(tree.iter(*_NEVER_READ)):
        element.drop_tree()
    for image in tree.iter("img"):
        address = "".join((image.get("src") or "").split()).lower()
        if not address.startswith(("https:", "http:", "/")) or address.startswith("//"):
            image.set("src", "https://image.invalid/image.png")
    return tree


def _words(node: SyntaxTreeNode | None) -> str:
    return _join(node.children) if node is not None else ""


def _join(children: Sequence[SyntaxTreeNode]) -> str:
    """The words of inline nodes, on one line: images as their alt text."""
    out: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline", "text_special"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            alt = _words(child).strip()
            out.append(f"[Image: {alt}]" if alt else "")
        else:
            out.append(_words(child))
    return " ".join("".join(out).split())


def _inline(node: SyntaxTreeNode) -> SyntaxTreeNode | None:
    return next((c for c in node.children if c.type == "inline"), None)


def _read(blocks: Sequence[SyntaxTreeNode]) -> tuple[str, list[str], list[_Part]]:
    title = ""
    lede: list[str] = []
    parts: list[_Part] = []
    for block in blocks:
        if block.type == "heading":
            words = _words(_inline(block))
            if block.tag == "h1" and not title and not parts:
                title = words
            else:
                parts.append(_Part(words))
            continue
        texts = _texts(block)
        if parts and block.type in ("bullet_list", "ordered_list"):
            parts[-1].items += [_item(node) for node in block.children]
            continue
        if not parts:
            lede += texts
        elif parts[-1].items:
            parts[-1].after += texts
        else:
            parts[-1].paragraphs += texts
    return title, lede, parts


def _texts(block: SyntaxTreeNode) -> list[str]:
    """A block's text as paragraphs: a list's items, a table's rows, a quote's paragraphs."""
    if block.type == "paragraph":
        return [t for t in [_words(_inline(block))] if t]
    if block.type == "table":
        rows = [r for r in _descendants(block) if r.type == "tr"]
        header = [_words(_inline(c)) for c in rows[0].children] if rows else []
        lines = []
        for row in rows[1:]:
            cells = [_words(_inline(c)) for c in row.children]
            pairs = [f"{h}: {c}" if h else c for h, c in zip(header, cells, strict=False)]
            lines.append("; ".join(p for p in pairs if p) + ".")
        return lines or ["; ".join(header)]
    if block.type in ("bullet_list", "ordered_list"):
        items = map(_item, block.children)
        return [body if title is None else f"{title}: {body}" for title, body in items]
    out: list[str] = []
    for child in block.children:
        out += _texts(child)
    if not block.children and block.content.strip():
        out.append(" ".join(block.content.split()))
    return out


def _descendants(node: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    found = []
    for child in node.children:
        found.append(child)
        found += _descendants(child)
    return found


def _item(node: SyntaxTreeNode) -> tuple[str | None, str]:
    """A list item's bold title (`**Title:** text`), if it has one, and its text."""
    paragraph = next((c for c in node.children if c.type == "paragraph"), None)
    inline = _inline(paragraph) if paragraph else None
    rest = " ".join(t for c in node.children if c is not paragraph for t in _texts(c))
    if inline is not None:
        parts = [c for c in inline.children if not (c.type == "text" and not c.content)]
        if parts and parts[0].type == "strong":
            title = _words(parts[0]).strip().rstrip(":").strip()
            tail = _join(parts[1:]).lstrip(":").strip()
            return title, " ".join(f"{tail} {rest}".split())
    return None, " ".join(f"{_words(inline)} {rest}".split())


def _choose(parts: list[_Part]) -> list[tuple[str, _Part]]:
    """Each part's section: by its heading's words, else the next free one; the last
    part is the closing. Parts beyond the sections there are join the one before."""
    chosen: list[tuple[str, _Part]] = []
    free = list(_ORDER)
    for index, part in enumerate(parts):
        if index == len(parts) - 1 and index > 0:
            chosen.append(("closing", part))
            break
        name = next(
            (n for n, pattern in _HINTS if n in free and re.search(pattern, part.heading, re.I)),
            None,
        )
        if name is None and free:
            name = free[0]
        if name is None:
            # No section left: its heading and text join the part before, in order.
            last = chosen[-1][1]
            merged = [part.heading, *part.paragraphs]
            merged += [f"{t}: {b}" if t else b for t, b in part.items] + part.after
            (last.after if last.items else last.paragraphs).extend(merged)
            continue
        free.remove(name)
        chosen.append((name, part))
    return chosen


def _draft(path: Path, title: str, lede: list[str], parts: list[_Part]) -> Draft:
    from .markdown import _escape

    draft = Draft("")
    todo = f"{TODO}: write this"
    if not title:
        draft.missing.append("title: the post has no title (a first-level heading)")
    front = [
        "---",
        f"id: {TODO.lower()}-{_slug(path.stem)}",
        "language: en-CA",
        f"title: {_yaml(title or TODO)}",
        f"condition: {TODO}",
        f"therapy: {TODO}",
        f"summary: {TODO}",
        "provenance:",
        f"  source_title: {_yaml(title or TODO)}",
        f"  source_clinic: {TODO}",
        f"  adapted_by: {TODO}",
        "  version: 0.1.0",
        f"  updated: {TODO}",
        f"  review_due: {TODO}",
        "references: []",
        "---",
        "",
    ]
    draft.missing += [
        "condition, therapy: what the guide is about (front matter)",
        "summary: a plain-language summary of the guide, at most 25 words (front matter)",
        "provenance: the clinic that wrote the post, who adapted it, the dates (front matter)",
    ]
    body: list[str] = [_escape(p) + "\n" for p in (lede or [todo])]
    if not lede:
        draft.missing.append("lede: the post has no opening paragraph")
    chosen = _choose(parts)
    for name, part in chosen:
        draft.notes.append(f"heading {part.heading!r} -> {{#{name}}}")
        body.append(f"## {_escape(part.heading)} {{#{name}}}\n")
        body.append(f":short: {TODO}\n:summary: {TODO}\n")
        if name == "sessions":
            body.append(f":chronic: {TODO}\n:typical: 1-1\n")
            draft.missing.append("sessions: the typical range of sessions (:typical:)")
        if name == "closing":
            body.append(f":invitation: {TODO}: a line that names {{clinic}}\n")
        paragraphs = part.paragraphs or ([] if part.items or name == "closing" else [todo])
        body += [_escape(p) + "\n" for p in paragraphs]
        if name in ("sessions", "closing"):
            body += [_escape(f"{t}: {b}" if t else b) + "\n" for t, b in part.items]
        elif part.items:
            for index, (item_title, text) in enumerate(part.items):
                shown = item_title or TODO
                body.append(
                    f"- **{_escape(shown)}:** {_escape(text, '  ')}\n"
                    f"  :id: {name}-{index + 1}\n  :summary: {TODO}"
                )
            body[-1] += "\n"
            if any(t is None for t, _ in part.items):
                draft.missing.append(f"{name}: titles for items that had none")
        else:
            draft.notes.append(f"{{#{name}}} has no list: its items must be written")
        body += [_escape(p) + "\n" for p in part.after]
    names = [name for name, _ in chosen]
    if "closing" not in names:
        body.append(f"## {TODO} {{#closing}}\n\n:short: {TODO}\n:summary: {TODO}\n")
        body.append(f":invitation: {TODO}: a line that names {{clinic}}\n")
        draft.missing.append("closing: the post has no closing section")
    body.append(f"## {TODO} {{#safety}}\n\n:short: {TODO}\n:summary: {TODO}\n\n{todo}\n")
    body.append(f"### {TODO} {{#urgent_signs}}\n")
    body.append(f"- **{TODO}:** {todo}\n  :id: urgent-sign-1\n  :summary: {TODO}\n")
    draft.missing += [
        "summaries: :short: and :summary: of every section and :summary: of every item",
        "safety: side effects, risks and the urgent signs, from published sources",
        "references: the published sources the safety section cites",
        "review: the guide is not reviewed; record a review when a clinician has done one",
    ]
    draft.markdown = "\n".join(front) + "\n" + "\n".join(body)
    return draft


def _slug(stem: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", stem.lower())) or "post"


def _yaml(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string
