"""A guide as one Markdown file: YAML front matter for what describes the guide (its id,
titles, provenance, codes, references), CommonMark for its text.

One example says it all::

    ---
    id: stiff-neck-heat
    language: en-CA
    title: Heat and movement for a stiff neck
    condition: Stiff neck
    therapy: Heat and movement
    summary: Plain-language summary of the guide, at most 25 words.
    provenance: {adapted_by: Our clinic, version: 1.0.0, updated: 2026-12-07,
                 review_due: 2028-12-07}
    references:
      - {id: nhs-neck, label: NHS 2024, title: Neck pain, publisher: NHS,
         kind: public health service, url: "https://www.nhs.uk/", accessed: 2026-12-07}
    ---

    The lede: paragraphs before the first heading.

    ## Things to try at home {#lifestyle}

    :short: At home
    :summary: The section's plain-language summary.
    :sources: nhs-neck

    The section's introduction.

    - **Keep moving:** The item's full text.
      :id: keep-moving
      :summary: The item's plain-language summary.
      :sources: nhs-neck

Each `## Heading {#name}` opens one of the guide's sections (`mechanisms`, `causes`,
`sessions`, `lifestyle`, `therapies`, `closing`, `research`, `safety`, `questions`,
`aftercare`), and `### Heading {#group}` a group of the safety section (`urgent_signs`
...). Fields (`:name: value`) say what is not text to read: short headings, summaries,
sources, ids. Paragraphs after a section's list are its closing paragraphs. The text is
plain: emphasis and links are read as their words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ContentError
from ..model import SAFETY_GROUPS, SECTION_NAMES, Article
from .toml import guide_data

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

__all__ = ["MARKDOWN_HINT", "markdown_available", "read_markdown", "to_markdown"]

MARKDOWN_HINT = "install the 'markdown' extra: pip install 'backpain-content[markdown]'"
"""What to install for Markdown guides."""

_ATTRIBUTE = re.compile(r"(?<!\\)\{#([A-Za-z_][A-Za-z0-9_-]*)\}\s*$")
_FRONT = (
    "id",
    "language",
    "title",
    "condition",
    "therapy",
    "topic",
    "summary",
    "codes",
    "related",
    "provenance",
    "references",
    "labels",
)
"""What the front matter holds, in the order `to_markdown` writes it."""
_ITEM_SECTIONS = ("mechanisms", "causes", "lifestyle", "therapies", "research", "aftercare")


def markdown_available() -> bool:
    """Whether the Markdown parser (the 'markdown' extra) is installed."""
    try:
        import markdown_it  # noqa: F401
        import mdit_py_plugins  # noqa: F401
        import yaml  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class _Reading:
    """Where each part of the guide was read, so that a problem the model finds is named
    by its line, as a writer needs."""

    source: str
    lines: dict[str, int] = field(default_factory=dict)

    def error(self, line: int | None, problem: str, where: str | None = None) -> ContentError:
        at = f"{self.source}:{line + 1}:1" if line is not None else self.source
        return ContentError(at, where, problem)

    def line_of(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None


def _parser() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.field_list import fieldlist_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    # CommonMark without raw HTML: a guide's text is text, and HTML in it is shown as is.
    return MarkdownIt("commonmark", {"html": False}).use(front_matter_plugin).use(fieldlist_plugin)


def read_markdown(text: str, source: str | Path) -> Article:
    """The guide in the Markdown `text` read from `source` (named in errors, with the line
    and column of the problem)."""
    if not markdown_available():
        raise ContentError(source, None, f"Markdown guides need a parser: {MARKDOWN_HINT}")
    from markdown_it.tree import SyntaxTreeNode

    reading = _Reading(str(source))
    try:
        root = SyntaxTreeNode(_parser().parse(text))
    except RecursionError:
        raise reading.error(None, "nests lists or quotes too deeply") from None
    blocks = list(root.children)
    if not blocks or blocks[0].type != "front_matter":
        raise reading.error(
            0, "must begin with front matter: a line '---', the guide's id, title and so on, '---'"
        )
    data = _front_matter(blocks[0].content, reading)
    data.update(_body(blocks[1:], reading))
    drafted = [number for number, line in enumerate(text.splitlines()) if "TODO" in line]
    if drafted:
        raise reading.error(
            drafted[0],
            f"is a draft: {len(drafted)} lines still say TODO (the first is here); write "
            "them, then check it again",
        )
    try:
        return Article.model_validate(data)
    except ContentError as exc:
        line = reading.line_of(exc.field or "")
        raise reading.error(line, exc.problem, exc.field) from None


def _front_matter(text: str, reading: _Reading) -> dict[str, Any]:
    import yaml

    try:
        # Anchors and aliases would let a few lines stand for a vast document.
        # LibYAML's loader where PyYAML has it (its wheels do): the pure-Python one is
        # most of the time a Markdown guide takes to read.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        for token in yaml.scan(text, Loader=loader):
            if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                line = token.start_mark.line + 1
                raise reading.error(line, "front matter must not use YAML anchors or aliases")
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or "is not valid YAML"
        raise reading.error(line, f"front matter: {problem}") from None
    except RecursionError:
        raise reading.error(0, "front matter nests too deeply") from None
    if not isinstance(data, dict):
        raise reading.error(0, "front matter must be fields such as 'id: my-guide'")
    for name in data:
        if name in SECTION_NAMES or name == "lede":
            raise reading.error(
                0, f"front matter: {name!r} is written in the text, under a heading, not here"
            )
        reading.lines[str(name)] = 1
    return dict(data)


def _plain(node: SyntaxTreeNode | None) -> str:
    """The words of an inline node: emphasis, links and code read as their text; a hard
    line break (a backslash at a line's end) is a line break, a soft one a space."""
    if node is None:
        return ""
    return "".join(_plain_of(child) for child in node.children)


def _inline(node: SyntaxTreeNode) -> SyntaxTreeNode | None:
    return next((child for child in node.children if child.type == "inline"), None)


def _line(node: SyntaxTreeNode) -> int:
    return node.map[0] if node.map else 0


def _fields(node: SyntaxTreeNode, reading: _Reading) -> Iterator[tuple[str, str, int]]:
    """The `:name: value` fields of a field list, with their lines."""
    name = ""
    for child in node.children:
        if child.type == "fieldlist_name":
            name = _plain(_inline(child)).strip().lower()
        elif child.type == "fieldlist_body":
            paragraphs = [p for p in child.children if p.type == "paragraph"]
            if len(paragraphs) != 1 or len(child.children) != 1:
                raise reading.error(_line(child), f"the field :{name}: must be one paragraph")
            yield name, _plain(_inline(paragraphs[0])), _line(child)


def _ids(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


_SECTION_FIELDS = {
    "short": "short_heading",
    "summary": "summary",
    "sources": "sources",
    "chronic": "chronic_summary",
    "invitation": "invitation",
}
_ITEM_FIELDS = {"id": "id", "summary": "summary", "sources": "sources", "guide": "guide"}


def _put_fields(
    target: dict[str, Any],
    node: SyntaxTreeNode,
    names: dict[str, str],
    path: str,
    reading: _Reading,
) -> None:
    for name, value, line in _fields(node, reading):
        if name == "typical" and name in names:
            found = re.fullmatch(r"\s*(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})\s*", value)
            if not found:
                raise reading.error(line, ":typical: must be a range such as 3-6")
            target["typical_min"], target["typical_max"] = int(found[1]), int(found[2])
            reading.lines[f"{path}.typical_min"] = reading.lines[f"{path}.typical_max"] = line
            continue
        if name not in names:
            known = ", ".join(f":{n}:" for n in names)
            raise reading.error(line, f"unknown field :{name}: here (expected {known})")
        key = names[name]
        target[key] = _ids(value) if key == "sources" else value
        reading.lines[f"{path}.{key}"] = line


def _item(node: SyntaxTreeNode, section: str, path: str, reading: _Reading) -> dict[str, Any]:
    """One list item: `**Title:** body` (a question is its text alone), then its fields."""
    item: dict[str, Any] = {}
    reading.lines[path] = _line(node)
    for child in node.children:
        if child.type == "paragraph" and "text" not in item and "body" not in item:
            inline = _inline(child)
            if section == "questions":
                item["text"] = _plain(inline)
                continue
            parts = list(inline.children) if inline else []
            while parts and parts[0].type == "text" and not parts[0].content:
                parts.pop(0)  # the parser's empty text before a leading **
            first = parts[0] if parts else None
            if first is None or first.type != "strong":
                raise reading.error(
                    _line(child),
                    "an item begins with its title in bold: - **Title:** its text",
                    path,
                )
            title = _plain(first).rstrip()
            item["title"] = title[:-1].rstrip() if title.endswith((":", "：")) else title
            rest = parts[1:]
            item["body"] = "".join(_plain_of(n) for n in rest).strip()
        elif child.type == "field_list":
            names = {"id": "id"} if section == "questions" else _ITEM_FIELDS
            _put_fields(item, child, names, path, reading)
        else:
            raise reading.error(
                _line(child), "an item is one paragraph, then its fields (:id:, :summary:)", path
            )
    return item


def _plain_of(node: SyntaxTreeNode) -> str:
    """The words of one inline node (an image's are its alt text)."""
    if node.type in ("text", "code_inline", "html_inline", "text_special"):
        return node.content
    if node.type == "softbreak":
        return " "
    if node.type == "hardbreak":
        return "\n"
    return _plain(node)


def _body(blocks: list[SyntaxTreeNode], reading: _Reading) -> dict[str, Any]:
    data: dict[str, Any] = {}
    lede: list[str] = []
    current: dict[str, Any] | None = None
    name = ""
    group: dict[str, Any] | None = None
    for block in blocks:
        line = _line(block)
        if block.type == "heading":
            inline = _inline(block)
            found = _ATTRIBUTE.search(inline.content if inline else "")
            heading = _plain(inline)
            if found:
                # `{#name}` is plain text, so the words are the same without it.
                heading = heading.removesuffix(found[0].strip()).rstrip()
            if block.tag == "h2":
                if not found or found[1] not in SECTION_NAMES:
                    known = ", ".join(f"{{#{n}}}" for n in SECTION_NAMES)
                    raise reading.error(
                        line, f"a section's heading ends with its name: one of {known}"
                    )
                name = found[1]
                if name in data:
                    raise reading.error(line, f"the section {{#{name}}} is here twice")
                current = data[name] = {"heading": heading}
                group = None
                reading.lines[name] = reading.lines[f"{name}.heading"] = line
            elif block.tag == "h3" and name == "safety" and current is not None:
                if not found or found[1] not in SAFETY_GROUPS:
                    known = ", ".join(f"{{#{g}}}" for g in SAFETY_GROUPS)
                    raise reading.error(line, f"a safety group's heading ends with one of {known}")
                if found[1] in current:
                    raise reading.error(line, f"the group {{#{found[1]}}} is here twice")
                group = current[found[1]] = {"heading": heading, "items": []}
                reading.lines[f"safety.{found[1]}"] = line
            else:
                raise reading.error(
                    line, "headings are ## for sections and ### for the safety section's groups"
                )
        elif block.type == "paragraph":
            text = _plain(_inline(block))
            if current is None:
                lede.append(text)
                reading.lines.setdefault("lede", line)
                continue
            key = _paragraphs_key(name, current, group)
            current.setdefault(key, []).append(text)
            reading.lines.setdefault(f"{name}.{key}", line)
        elif block.type == "field_list" and current is not None:
            names = dict(_SECTION_FIELDS)
            if name == "sessions":
                names["typical"] = "typical"
            _put_fields(current, block, names, name, reading)
        elif block.type in ("bullet_list", "ordered_list") and current is not None:
            if name == "safety":
                if group is None:
                    raise reading.error(line, "the safety section's items go under a ### group")
                items, at = group["items"], f"safety.{_last_group(current)}.items"
            elif name in (*_ITEM_SECTIONS, "questions"):
                items, at = current.setdefault("items", []), f"{name}.items"
            else:
                raise reading.error(line, f"the section {{#{name}}} has paragraphs, not a list")
            for child in block.children:
                items.append(_item(child, name, f"{at}[{len(items)}]", reading))
        elif block.type == "front_matter":
            raise reading.error(line, "front matter comes once, at the very start")
        else:
            raise reading.error(line, f"a guide has no {block.type.replace('_', ' ')} here")
    if lede:
        data["lede"] = lede
    return data


def _last_group(safety: dict[str, Any]) -> str:
    return [key for key in safety if key in SAFETY_GROUPS][-1]


def _paragraphs_key(name: str, section: dict[str, Any], group: dict[str, Any] | None) -> str:
    """Where a paragraph of section `name` goes: its introduction before its list, its
    closing paragraphs after."""
    if name in ("sessions", "closing"):
        return "paragraphs"
    if group is not None or "items" in section:
        return "closing"
    return "intro"


# Writing ---------------------------------------------------------------------------

_ESCAPED = frozenset("\\`*_[]<>&")
_LINE_START = re.compile(r"^(?:[#>+\-=|:~]|\d+[.)])")


def _escape(text: str, indent: str = "") -> str:
    """`text` as Markdown that reads back as exactly `text` (its later lines indented by
    `indent`, inside a list item)."""
    out = "".join("\\" + c if c in _ESCAPED else c for c in text)
    lines = out.split("\n")
    lines = [("\\" + line if _LINE_START.match(line) else line) for line in lines]
    # A line break inside a text is a hard break: a backslash at the line's end.
    return ("\\\n" + indent).join(lines)


def _field(name: str, value: str, indent: str = "") -> str:
    return f"{indent}:{name}: {_escape(value)}\n"


def to_markdown(article: Article) -> str:
    """`article` as a Markdown guide that `read_markdown` reads back as the same guide."""
    import yaml

    data = guide_data(article)
    front = {name: data[name] for name in _FRONT if name in data}
    text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=10**6)
    text += "---\n"
    text += "".join(f"\n{_escape(p)}\n" for p in article.lede)
    for name in article.sections():
        text += _section(name, data[name])
    return text


def _section(name: str, part: dict[str, Any]) -> str:
    text = f"\n## {_escape(part['heading'])} {{#{name}}}\n\n"
    text += _field("short", part["short_heading"])
    text += _field("summary", part["summary"])
    if name == "sessions":
        text += _field("chronic", part["chronic_summary"])
        text += f":typical: {part['typical_min']}-{part['typical_max']}\n"
    if name == "closing":
        text += _field("invitation", part["invitation"])
    if part.get("sources"):
        text += f":sources: {', '.join(part['sources'])}\n"
    for key in ("intro", "paragraphs"):
        text += "".join(f"\n{_escape(p)}\n" for p in part.get(key, ()))
    if name == "safety":
        for group in SAFETY_GROUPS:
            if group in part:
                text += f"\n### {_escape(part[group]['heading'])} {{#{group}}}\n\n"
                text += _items(name, part[group]["items"])
    elif "items" in part:
        text += "\n" + _items(name, part["items"])
    text += "".join(f"\n{_escape(p)}\n" for p in part.get("closing", ()))
    return text


def _items(section: str, items: list[dict[str, Any]]) -> str:
    out = []
    for item in items:
        if section == "questions":
            entry = f"- {_escape(item['text'], '  ')}\n" + _field("id", item["id"], "  ")
        else:
            entry = f"- **{_escape(item['title'])}:** {_escape(item['body'], '  ')}\n"
            entry += _field("id", item["id"], "  ")
            entry += _field("summary", item["summary"], "  ")
            if item.get("sources"):
                entry += f"  :sources: {', '.join(item['sources'])}\n"
            if item.get("guide"):
                entry += f"  :guide: {item['guide']}\n"
        out.append(entry)
    return "\n".join(out)
