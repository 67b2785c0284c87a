"""A checker for the machine-checkable part of PDF/UA-1 (ISO 14289-1, as the Matterhorn
Protocol lists it) in a handout. No veraPDF runs here, so the checks are made with
pikepdf (the content streams and the objects) and pdfminer.six (the text of each
marked-content sequence), independently of the code that writes the tags.

    report = check(pdf_bytes)        # report.failures: {check: [problems]}
    assert_tagged(pdf_bytes)         # fails with every problem found

The checks:
  content    every text, image and painted path lies in marked content that is an
             /Artifact or has an MCID; BDC/BMC/EMC balance; marked content and BT/ET
             nest apart; no MCID in an MCID, no artifact in content, no content in an
             artifact; each MCID once a page
  tree       every MCID maps, through /StructParents and the ParentTree, to the element
             whose /K holds it, and every MCID in the tree exists in its page's stream;
             every element's /P is its parent; only standard structure types
  figures    every Figure has /Alt
  links      every link annotation has /Contents and a /StructParent that maps to a Link
             element holding an OBJR to it; /Contents is the Link's text
  document   /MarkInfo /Marked true, /Lang, /ViewerPreferences /DisplayDocTitle true,
             XMP metadata with dc:title (the document's title) and pdfuaid:part 1,
             /ParentTreeNextKey above every key, PDF 1.7
  pages      /Tabs /S on every page with annotations
  fonts      every font embedded, with a /ToUnicode map
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from pdfminer.pdfdevice import PDFDevice
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

STANDARD = frozenset(
    {"Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index"}
    | {"NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl"}
    | {"LBody", "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note"}
    | {"Reference", "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT", "RP", "Warichu"}
    | {"WT", "WP", "Figure", "Formula", "Form"}
)
"""ISO 32000-1's standard structure types."""
TEXT_OPS = {"Tj", "TJ", "'", '"'}
PAINT_OPS = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh"}


@dataclass
class Element:
    """A structure element as read back: its role, marked content and children."""

    obj: pikepdf.Dictionary
    role: str
    content: list[tuple[int, int]] = field(default_factory=list)  # (page index, MCID)
    objrs: list[pikepdf.Dictionary] = field(default_factory=list)
    children: list[Element] = field(default_factory=list)
    kids: list[Element | tuple[int, int]] = field(default_factory=list)
    """Child elements and marked content, in the order of /K (reading order)."""

    def walk(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Report:
    failures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    tree: Element | None = None
    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    """The text of each marked-content sequence, by (page index, MCID)."""
    pdf: Any = None
    """The open file, which the elements' objects belong to."""

    def fail(self, check: str, problem: str) -> None:
        self.failures[check].append(problem)

    def text_of(self, element: Element) -> str:
        """An element's own text (its marked content), words separated by single spaces."""
        return " ".join("".join(self.texts.get(key, "") for key in element.content).split())

    def reading(self) -> list[tuple[str, str]]:
        """(role, text) of each piece of marked content, in reading order (the tree's,
        a paragraph's words in another language or a link in their place in it)."""
        found: list[tuple[str, str]] = []

        def walk(element: Element) -> None:
            for kid in element.kids:
                if isinstance(kid, Element):
                    walk(kid)
                elif self.texts.get(kid, "").strip():
                    found.append((element.role, " ".join(self.texts[kid].split())))

        if self.tree is not None:
            walk(self.tree)
        return found

    def elements(self, role: str) -> list[Element]:
        return [e for e in self.tree.walk() if e.role == role] if self.tree else []


def _key(obj: Any) -> Any:
    return obj.objgen if obj.is_indirect else id(obj)


def _content(page: pikepdf.Page, number: int, report: Report) -> dict[int, str]:
    """Check one page's content stream; its MCIDs, with their tags."""
    mcids: dict[int, str] = {}
    xobjects = page.resources.get("/XObject", {})
    stack: list[tuple[bool, bool]] = []  # (has an MCID, is an artifact)
    bt_depth: int | None = None
    where = f"page {number}"
    for index, instruction in enumerate(pikepdf.parse_content_stream(page)):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            op, operands = "BI", []
        else:
            op, operands = str(instruction.operator), instruction.operands
        in_mcid = any(m for m, _ in stack)
        in_artifact = any(a for _, a in stack)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            props = operands[1] if op == "BDC" else None
            if isinstance(props, pikepdf.Name):
                props = page.resources.get("/Properties", {}).get(props)
            mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
            artifact = tag == "/Artifact"
            if mcid is not None:
                if in_mcid:
                    report.fail("content", f"{where}: MCID {mcid} inside another MCID (#{index})")
                if in_artifact:
                    report.fail("content", f"{where}: MCID {mcid} inside an artifact (#{index})")
                if int(mcid) in mcids:
                    report.fail("content", f"{where}: MCID {mcid} used twice")
                mcids[int(mcid)] = tag[1:]
            if artifact and in_mcid:
                report.fail("content", f"{where}: an artifact inside content (#{index})")
            stack.append((mcid is not None, artifact))
        elif op == "EMC":
            if not stack:
                report.fail("content", f"{where}: EMC without BDC or BMC (#{index})")
                continue
            if bt_depth is not None and len(stack) <= bt_depth:
                report.fail("content", f"{where}: EMC closes what was opened outside BT (#{index})")
            stack.pop()
        elif op == "BT":
            bt_depth = len(stack)
        elif op == "ET":
            if bt_depth is not None and len(stack) != bt_depth:
                report.fail(
                    "content", f"{where}: marked content opened in BT open at ET (#{index})"
                )
            bt_depth = None
        else:
            kind = None
            if op in TEXT_OPS:
                kind = "text"
            elif op == "BI":
                kind = "image"
            elif op == "Do":
                xobject = xobjects.get(operands[0])
                kind = (
                    "image"
                    if xobject is not None and xobject.get("/Subtype") == "/Image"
                    else "form"
                )
            elif op in PAINT_OPS:
                kind = "path"
            if kind is not None:
                report.counts[kind] += 1
                if in_artifact:
                    report.counts[f"{kind} in artifacts"] += 1
                elif not in_mcid:
                    report.fail(
                        "content", f"{where}: {kind} ({op}) neither content nor artifact (#{index})"
                    )
    if stack:
        report.fail("content", f"{where}: {len(stack)} marked-content sequences left open")
    return mcids


def _number_tree(node: pikepdf.Dictionary) -> Iterator[tuple[int, Any]]:
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums), 2):
            yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", []):
        yield from _number_tree(kid)


def _tree(pdf: pikepdf.Pdf, report: Report) -> Element | None:
    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        report.fail("document", "no /StructTreeRoot")
        return None

    def walk(obj: pikepdf.Dictionary, parent: Any) -> Element:
        role = str(obj.get("/S"))[1:]
        if role not in STANDARD:
            report.fail("tree", f"{role} is not a standard structure type")
        if obj.get("/P") is None or _key(obj.get("/P")) != _key(parent):
            report.fail("tree", f"a {role}'s /P is not its parent")
        element = Element(obj, role)
        page = obj.get("/Pg")
        kids = obj.get("/K")
        kids = [] if kids is None else kids if isinstance(kids, pikepdf.Array) else [kids]
        for kid in kids:
            if isinstance(kid, int):
                if page is None:
                    report.fail("tree", f"{role}: MCID {kid} without /Pg")
                    continue
                element.content.append((pages[page.objgen], int(kid)))
                element.kids.append(element.content[-1])
            elif kid.get("/Type") == "/MCR":
                element.content.append((pages[kid.get("/Pg", page).objgen], int(kid.MCID)))
                element.kids.append(element.content[-1])
            elif kid.get("/Type") == "/OBJR":
                element.objrs.append(kid)
            else:
                element.children.append(walk(kid, obj))
                element.kids.append(element.children[-1])
        return element

    top = root.get("/K")
    if isinstance(top, pikepdf.Array):
        if len(top) != 1:
            report.fail("tree", f"the tree has {len(top)} roots, not one Document")
        top = top[0]
    return walk(top, root)


class _Texts(PDFDevice):  # type: ignore[misc]
    """The text shown in each marked-content sequence with an MCID: its /ActualText when it
    has one (what a screen reader reads), else the text its glyphs map to."""

    def __init__(self, manager: PDFResourceManager) -> None:
        super().__init__(manager)
        self.page = -1
        self.text: dict[tuple[int, int], str] = defaultdict(str)
        self.stack: list[tuple[int | None, bool]] = []  # (MCID, has ActualText)
        self.line: Any = None

    def begin_page(self, page: Any, ctm: Any) -> None:
        self.page += 1

    def begin_tag(self, tag: Any, props: Any = None) -> None:
        props = props if isinstance(props, dict) else {}
        mcid = props.get("MCID")
        actual = props.get("ActualText")
        if mcid is not None and isinstance(actual, bytes):
            self.text[(self.page, int(mcid))] += _pdf_string(actual)
        self.stack.append((None if mcid is None else int(mcid), actual is not None))

    def end_tag(self) -> None:
        if self.stack:
            self.stack.pop()

    def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
        mcid = next((m for m, _ in reversed(self.stack) if m is not None), None)
        if mcid is None or any(actual for _, actual in self.stack):
            return
        font = textstate.font
        chars = [
            font.to_unichr(cid)
            for item in seq
            if isinstance(item, bytes)
            for cid in font.decode(item)
        ]
        key = (self.page, mcid)
        line = tuple(textstate.matrix)
        if line != self.line:
            self.text[key] += " "  # a new line, of this marked content or the next
        self.line = line
        self.text[key] += "".join(chars)


def _pdf_string(raw: bytes) -> str:
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be")
    return raw.decode("latin-1")


def _texts(data: bytes) -> dict[tuple[int, int], str]:
    manager = PDFResourceManager()
    device = _Texts(manager)
    interpreter = PDFPageInterpreter(manager, device)
    for page in PDFPage.create_pages(PDFDocument(PDFParser(io.BytesIO(data)))):
        interpreter.process_page(page)
    return dict(device.text)


def check(data: bytes) -> Report:
    """Every check above, on the PDF `data`."""
    report = Report()
    pdf = report.pdf = pikepdf.open(io.BytesIO(data))
    pages = list(pdf.pages)
    if pdf.pdf_version != "1.7":
        report.fail("document", f"PDF {pdf.pdf_version}, not 1.7")
    contents = [_content(page, i + 1, report) for i, page in enumerate(pages)]
    tree = report.tree = _tree(pdf, report)
    everything = list(tree.walk()) if tree else []
    by_object = {_key(e.obj): e for e in everything}
    root = pdf.Root.get("/StructTreeRoot")
    parents: dict[int, Any] = {}
    if root is not None and "/ParentTree" in root:
        parents = dict(_number_tree(root.ParentTree))
        if parents and int(root.get("/ParentTreeNextKey", -1)) <= max(parents):
            report.fail("document", "/ParentTreeNextKey is not above every key")
    elif root is not None:
        report.fail("document", "no /ParentTree")

    for i, (page, mcids) in enumerate(zip(pages, contents, strict=True)):
        if not mcids:
            continue
        key = page.obj.get("/StructParents")
        owners = parents.get(int(key)) if key is not None else None
        if not isinstance(owners, pikepdf.Array):
            report.fail("tree", f"page {i + 1} has marked content but no ParentTree entry")
            continue
        for mcid in sorted(mcids):
            owner = by_object.get(_key(owners[mcid])) if mcid < len(owners) else None
            if owner is None:
                report.fail("tree", f"page {i + 1}: MCID {mcid} maps to no element of the tree")
            elif (i, mcid) not in owner.content:
                report.fail("tree", f"page {i + 1}: MCID {mcid} maps to a {owner.role} without it")
    for element in everything:
        for page_index, mcid in element.content:
            if mcid not in contents[page_index]:
                report.fail(
                    "tree",
                    f"a {element.role} has MCID {mcid} of page {page_index + 1}, not in its stream",
                )

    for element in everything:
        if element.role == "Figure" and not str(element.obj.get("/Alt", "")).strip():
            report.fail("figures", "a Figure without /Alt")

    report.texts = _texts(data)
    for i, page in enumerate(pages):
        annotations = [a for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        if annotations and page.obj.get("/Tabs") != "/S":
            report.fail("pages", f"page {i + 1} has annotations but no /Tabs /S")
        for annotation in annotations:
            report.counts["links"] += 1
            name = f"page {i + 1}: the link to {annotation.get('/A', {}).get('/URI', '')}"
            contents_text = str(annotation.get("/Contents", ""))
            if not contents_text.strip():
                report.fail("links", f"{name} has no /Contents")
            key = annotation.get("/StructParent")
            link = (
                by_object.get(_key(parents[int(key)]))
                if key is not None and int(key) in parents
                else None
            )
            if link is None or link.role != "Link":
                report.fail("links", f"{name}: its /StructParent maps to no Link element")
            elif not any(_key(o.get("/Obj")) == _key(annotation) for o in link.objrs):
                report.fail("links", f"{name}: its Link element does not refer to it")
            elif link.content and _squash(report.text_of(link)) != _squash(contents_text):
                report.fail(
                    "links",
                    f"{name}: /Contents {contents_text!r} is not its text {report.text_of(link)!r}",
                )

    catalog = pdf.Root
    if not bool(catalog.get("/MarkInfo", {}).get("/Marked", False)):
        report.fail("document", "no /MarkInfo << /Marked true >>")
    if not str(catalog.get("/Lang", "")).strip():
        report.fail("document", "no /Lang")
    if not bool(catalog.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        report.fail("document", "no /DisplayDocTitle")
    if catalog.get("/Metadata") is None:
        report.fail("document", "no XMP metadata")
    else:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            if str(xmp.get("pdfuaid:part", "")) != "1":
                report.fail("document", "the XMP metadata does not declare pdfuaid:part 1")
            title = str(xmp.get("dc:title", ""))
            if not title.strip() or title != str(pdf.docinfo.get("/Title", "")):
                report.fail("document", "the XMP metadata's dc:title is not the document's title")

    fonts: dict[Any, Any] = {}
    for page in pages:
        for font in page.resources.get("/Font", {}).values():
            fonts[_key(font)] = font
    for font in fonts.values():
        descriptor = font.get("/FontDescriptor")
        if font.get("/Subtype") == "/Type0":
            descriptor = font.DescendantFonts[0].get("/FontDescriptor")
        if descriptor is None or not any(
            k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
        ):
            report.fail("fonts", f"{font.get('/BaseFont')} is not embedded")
        if "/ToUnicode" not in font:
            report.fail("fonts", f"{font.get('/BaseFont')} has no /ToUnicode")
    return report


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_tagged(data: bytes) -> Report:
    """The report on `data`, which must pass every check."""
    report = check(data)
    assert not report.failures, {k: v[:10] for k, v in report.failures.items()}
    return report


def in_order(report: Report, expected: list[str]) -> list[str]:
    """The strings of `expected` not found, in order, in the structure's text (read in
    the tree's order, spaces ignored)."""
    text = _squash("".join(text for _, text in report.reading()))
    missing, at = [], 0
    for want in expected:
        found = text.find(_squash(want), at)
        if found < 0:
            missing.append(want)
        else:
            at = found + len(_squash(want))
    return missing
