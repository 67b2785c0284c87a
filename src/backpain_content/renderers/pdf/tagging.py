"""Tagged PDF (the machine-checkable part of PDF/UA-1) on ReportLab's canvas.

ReportLab's open-source edition writes no structure tree, so this module adds one while
the handout is drawn. Layout code only says what each thing is:

``tag(paragraph, "H2")``                  a flowable (a `Taggable`) drawn as one structure
                                          element (its split parts, on two pages, stay one)
``tag(markers, "Figure", alt=...)``       a drawing, with its alternative text
``tag(item, "LI", parent=a_list)``        a list item: its bullet or box is the Lbl, its
                                          text the LBody
``Table(..., renderCB=TableTags())``      a layout grid (cells read in reading order,
                                          rules and boxes artifacts); ``header_col=`` makes
                                          it a data table of rows with a header cell each
``Section(node)``, ``Section(None)``     flowables around a part read in another order than
                                          printed (a brochure's panels)
``with tags_of(canvas).artifact(...)``    page headers and footers
``with tags_of(canvas).part("Lbl")``      part of a flowable's drawing (a check box)
``with tags_of(canvas).element(...)``     an element drawn outside the story (the logo)
``with tags_of(canvas).word(text)``       one word of a paragraph set word by word, with
                                          the text it stands for (`/ActualText`)
``in_language(markup, "en-CA")``          words in another language than the document's,
                                          inside a paragraph: a Span with its /Lang

How it works. A `Tagger` (one per build) keeps a stack of frames while the canvas draws;
the top frame decides what the content stream is inside:

========== =============================================================================
CONTENT    ``/Role <</MCID n>> BDC``: everything drawn belongs to the element (a Figure:
           paths and text alike; a word set on its own, with its ActualText)
TEXT       each *text object* drawn (``Canvas.drawText``, which every Paragraph and
           drawString ends in) is content of the frame's element; anything else drawn
           (a link's underline) falls into an ``/Artifact BMC`` "gap"
GROUP      an artifact gap for a table's rules and backgrounds; nothing at the root, so
           that anything drawn outside a tagged flowable stays untagged and a checker
           finds it, rather than it being hidden as an artifact
ARTIFACT   ``/Artifact <</Type /Pagination ...>> BDC``; frames pushed inside it mark
           nothing, so nothing in an artifact is ever marked as content
========== =============================================================================

Marked content with an MCID never nests in other marked content: opening a frame closes
what is open, closing it reopens what the frame below wants (with a fresh MCID). It is
opened and closed only between flowables, between table cells and around text objects,
so it never straddles BT/ET. At save, the canvas writes the elements, the ParentTree,
/StructParents and /Tabs on pages, /StructParent and /Contents on link annotations,
/MarkInfo, /Lang, XMP metadata declaring PDF/UA-1, and the PDF 1.7 header.

ReportLab internals used (each commented where used; there is no public way):
``Canvas._addAnnotation`` (every annotation passes through it; Paragraph makes links
with ``linkURL``, which returns nothing), ``Canvas._doc`` (references to objects, and the
page object ``showPage`` made), ``Canvas._code`` (its length, to drop a marked-content
sequence that stayed empty), ``PDFPage.__NoDefault__`` (the keys a page writes), and a
text object's ``_code``, ``_textOut`` and ``_linkRecord`` (to mark a link's text as the
Link element's). Everything else is ReportLab's public API.
"""

from __future__ import annotations

import contextlib
import html
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final, TypeVar

from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFObject, PDFStream, PDFString
from reportlab.pdfbase.pdfdoc import format as pdf_format
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import Flowable
from reportlab.platypus.paragraph import Paragraph
from reportlab.platypus.tables import Table, TableRenderCB

from .fonts import InkedText

__all__ = [
    "Section",
    "StructNode",
    "TableTags",
    "Taggable",
    "TaggedCanvas",
    "Tagger",
    "in_language",
    "tag",
    "tags_of",
]

ROLES: Final = frozenset(
    # The ISO 32000-1 standard structure types the handout uses: no /RoleMap is needed.
    {"Document", "Sect", "Div", "P", "H1", "H2", "H3", "L", "LI", "Lbl", "LBody"}
    | {"Table", "TR", "TH", "TD", "Span", "Link", "Figure", "Caption"}
)

_CONTENT, _TEXT, _GROUP, _ARTIFACT, _INERT = range(5)

_LANG = "lang:"
"""The scheme of the pseudo-links that mark words in another language (see in_language)."""


def in_language(markup: str, language: str) -> str:
    """Paragraph markup of words in `language`, inside a paragraph in another one: they
    become a Span with its /Lang, so that a screen reader pronounces them right (an
    English title in a French guide).

    Paragraph markup has no tag for that, but ReportLab's paragraphs mark where a link's
    words start and end in the text they draw (what makes a Link's text its own), and
    `TaggedCanvas` makes no annotation for this scheme: the same marks make the Span.
    """
    return f'<a href="{_LANG}{language}">{markup}</a>'


def hex_text(text: str) -> str:
    """`text` as a PDF string in UTF-16, written in hex (as marked content's properties
    take it)."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


class StructNode:
    """What a thing is: a structure type, its attributes, and declared children.

    Without a `parent`, the element goes under whatever element is being drawn when it
    is first drawn (a top-level flowable: the Document), so reading order is drawing
    order. Declared children keep their declared order, whatever order they are drawn
    in (an LI's Lbl before its LBody).
    """

    __slots__ = ("alt", "attributes", "children", "lang", "parent", "role")

    def __init__(
        self,
        role: str,
        *,
        alt: str | None = None,
        lang: str | None = None,
        attributes: Mapping[str, str | float] | None = None,
        parent: StructNode | None = None,
    ) -> None:
        if role not in ROLES:
            raise ValueError(f"{role!r} is not a structure type the handout uses")
        self.role = role
        self.alt = alt
        self.lang = lang
        self.attributes = attributes
        self.parent = parent
        self.children: list[StructNode] = []
        if parent is not None:
            parent.children.append(self)

    def __repr__(self) -> str:
        return f"StructNode({self.role!r})"


class _Objr:
    """A link annotation, as its Link element refers to it."""

    __slots__ = ("annotation", "page", "ref", "text", "url")

    def __init__(self, annotation: PDFDictionary, ref: PDFObject, page: int, url: str) -> None:
        self.annotation = annotation
        self.ref = ref
        self.page = page
        self.url = url
        self.text = url


class _Elem:
    """A structure element as drawn in one build: its marked content and children."""

    __slots__ = ("kids", "links", "node", "parent", "pending_links")

    def __init__(self, node: StructNode, parent: _Elem | None) -> None:
        self.node = node
        self.parent = parent
        # Child elements, (page, MCID) for marked content, and link annotations.
        self.kids: list[_Elem | tuple[int, int] | _Objr] = []
        self.pending_links: list[_Objr] | None = None
        self.links: dict[str, _Elem] | None = None  # its Link children, by target


class _Frame:
    __slots__ = ("actual", "body", "elem", "gaps", "has_links", "kind", "label", "literal")

    def __init__(
        self,
        kind: int,
        elem: _Elem | None,
        *,
        gaps: bool = False,
        body: _Elem | Callable[[], _Elem] | None = None,
        label: _Elem | None = None,
        literal: str = "",
        has_links: bool = False,
        actual: str | None = None,
    ) -> None:
        self.kind = kind
        self.elem = elem
        self.gaps = gaps
        self.body = body  # TEXT: where text objects go (an element, or a maker of one)
        self.label = label  # TEXT: where the next text object goes, once (a bullet)
        self.literal = literal  # ARTIFACT: the opening operator
        self.has_links = has_links  # TEXT: its paragraph's text object has links in it
        self.actual = actual  # CONTENT: the text its marked content stands for


class _Run:
    """The state of one build: made when a TaggedCanvas binds the tagger."""

    def __init__(self, tagger: Tagger, canvas: TaggedCanvas) -> None:
        self.canvas = canvas
        self.elems: dict[StructNode, _Elem] = {}
        self.root = self._make(tagger.root, None)
        self.frames: list[_Frame] = [_Frame(_GROUP, self.root)]
        # What is open in the content stream: None, or (the length of the canvas's code
        # after the opening operator, the page, the MCID or -1).
        self.open: tuple[int, int, int] | None = None
        self.owners: dict[int, list[_Elem]] = {}  # page -> the element of each MCID
        self.pages: dict[int, PDFObject] = {}  # page number -> its PDFPage
        self.objrs: list[tuple[_Objr, _Elem]] = []
        self.waiting: list[_Elem] = []  # elements with links not yet attached
        self.sections: list[_Frame] = []  # the parts open (see Section)
        self.sources: list[Flowable] = []  # the tagged flowables being drawn
        self.inert = False  # an artifact is open: frames pushed now mark nothing
        self.done = False

    # Elements.

    def _make(self, node: StructNode, parent: _Elem | None) -> _Elem:
        elem = _Elem(node, parent)
        self.elems[node] = elem
        if parent is not None:
            parent.kids.append(elem)
        for child in node.children:  # declared children, in declared order
            self._make(child, elem)
        return elem

    def elem(self, node: StructNode, position: int | None = None) -> _Elem:
        """The element for a node, made the first time it is drawn (under its declared
        parent, or under the element being drawn)."""
        found = self.elems.get(node)
        if found is not None:
            return found
        parent = self.elem(node.parent) if node.parent is not None else self.current()
        found = self.elems.get(node)  # made just now, as a declared child of its parent
        if found is not None:
            return found
        elem = self._make(node, parent)
        if position is not None:
            parent.kids.remove(elem)
            parent.kids.insert(position, elem)
        return elem

    def child(self, parent: _Elem, role: str, **kwargs: Any) -> _Elem:
        return self._make(StructNode(role, **kwargs), parent)

    def find_part(self, role: str) -> _Elem | None:
        """The child with this role of the innermost element being drawn that has one
        (an LI's declared Lbl, while its LBody is the text target)."""
        for frame in reversed(self.frames):
            for elem in (frame.body, frame.elem):
                if isinstance(elem, _Elem):
                    for kid in elem.kids:
                        if isinstance(kid, _Elem) and kid.node.role == role:
                            return kid
            if frame.elem is not None:
                return None
        return None

    def current(self) -> _Elem:
        """The innermost element being drawn."""
        for frame in reversed(self.frames):
            if frame.kind == _TEXT and isinstance(frame.body, _Elem):
                return frame.body
            if frame.elem is not None:
                return frame.elem
        return self.root

    # The content stream.

    def _code(self) -> list[str]:
        # ReportLab internal: the page's content so far, a list of operator strings.
        code: list[str] = self.canvas._code  # type: ignore[attr-defined]
        return code

    def close(self) -> None:
        if self.open is None or self.inert:
            return
        at, page, mcid = self.open
        self.open = None
        code = self._code()
        if len(code) == at:  # nothing was drawn: drop the opening operator instead
            code.pop()
            if mcid >= 0:
                owner = self.owners[page].pop()
                owner.kids.pop()
            return
        code.append("EMC")

    def reopen(self) -> None:
        frame = self.frames[-1]
        if frame.kind == _CONTENT:
            if frame.elem is not None:
                self.mark(frame.elem, frame.actual)
        elif frame.kind == _ARTIFACT:
            self.canvas.addLiteral(frame.literal)
            self.open = (len(self._code()), 0, -1)
        elif frame.gaps:
            self.canvas.addLiteral("/Artifact BMC")
            self.open = (len(self._code()), 0, -1)

    def mcid(self, elem: _Elem) -> tuple[int, int]:
        """A new MCID on this page, owned by `elem`."""
        page = self.canvas.getPageNumber()
        owners = self.owners.setdefault(page, [])
        mcid = len(owners)
        owners.append(elem)
        elem.kids.append((page, mcid))
        return page, mcid

    def mark(self, elem: _Elem, actual: str | None = None) -> None:
        page, mcid = self.mcid(elem)
        if actual is None:
            self.canvas.addLiteral(f"/{elem.node.role} <</MCID {mcid}>> BDC")
        else:
            # Tagged Span, as readers (poppler among them) look for ActualText on spans.
            self.canvas.addLiteral(f"/Span <</MCID {mcid} /ActualText {hex_text(actual)}>> BDC")
        self.open = (len(self._code()), page, mcid)

    def push(self, frame: _Frame) -> _Frame:
        if self.inert:  # inside an artifact everything stays artifact: nothing to mark
            frame = _Frame(_INERT, None)
            self.frames.append(frame)
            return frame
        self.close()
        self.frames.append(frame)
        self.reopen()
        if frame.kind == _ARTIFACT:
            self.inert = True
        return frame

    def pop(self, expected: _Frame) -> None:
        frame = self.frames[-1]
        if frame is not expected or len(self.frames) == 1:
            raise RuntimeError("unbalanced tagging: a frame was left open or closed twice")
        if frame.kind == _INERT:
            self.frames.pop()
            return
        self.inert = False
        self.close()
        self.frames.pop()
        if frame.kind == _TEXT and isinstance(frame.body, _Elem):
            self._attach_links(frame.body)
        if frame.elem is not None and frame.elem.pending_links:
            self._attach_links(frame.elem)
        self.reopen()

    def text_target(self, take_label: bool = True) -> _Elem | None:
        """Where a text object drawn now goes, if it is to be marked here."""
        frame = self.frames[-1]
        if frame.kind != _TEXT:
            return None
        if frame.label is not None and take_label:
            label, frame.label = frame.label, None
            return label
        body = frame.body
        if body is None:
            return None
        if not isinstance(body, _Elem):
            body = frame.body = body()
        return body

    # Link annotations.

    def annotation(self, annotation: PDFDictionary, ref: PDFObject) -> None:
        url = _annotation_target(annotation)
        objr = _Objr(annotation, ref, self.canvas.getPageNumber(), url)
        owner = self.current()
        if owner.node.role == "Link" and owner.parent is not None:
            owner = owner.parent  # the link's text is in the Link: the link goes by it
        for source in reversed(self.sources):
            objr.text = _link_text(source, url) or url
            break
        annotation["Contents"] = PDFString(objr.text)
        if owner.pending_links is None:
            owner.pending_links = []
            self.waiting.append(owner)
        owner.pending_links.append(objr)

    def attach_all_links(self) -> None:
        """At the end: links whose element has not attached them yet."""
        for owner in self.waiting:
            self._attach_links(owner)

    def _attach_links(self, owner: _Elem) -> None:
        """Links made while an element was drawn go after its text drawn so far: a
        paragraph makes its link annotations before it draws its text object."""
        pending = owner.pending_links
        if not pending:
            return
        owner.pending_links = None
        for objr in pending:
            link = self.link(owner, objr.url)
            link.kids.append(objr)
            self.objrs.append((objr, link))

    def link(self, owner: _Elem, url: str) -> _Elem:
        """The Link child of `owner` for a target: its text and its annotations (or, for
        words in another language, the Span for them, continued while they run on)."""
        if url.startswith(_LANG):
            language = url[len(_LANG) :]
            last = owner.kids[-1] if owner.kids else None
            if isinstance(last, _Elem) and last.node.role == "Span" and last.node.lang == language:
                return last
            return self.child(owner, "Span", lang=language)
        if owner.links is None:
            owner.links = {}
        link = owner.links.get(url)
        if link is None:
            link = owner.links[url] = self.child(owner, "Link")
        return link

    def compose_links(self, owner: _Elem, code: str, urls: Sequence[str]) -> str:
        """A text object's code with its link text marked as Link content, the rest as
        `owner`'s: ``BT /P <</MCID 0>> BDC .. EMC /Link <</MCID 1>> BDC .. EMC .. ET``."""
        pieces = _SENTINEL.split(code)
        out: list[str] = []
        for index in range(0, len(pieces), 2):
            segment = pieces[index]
            marker = pieces[index - 1] if index else "E"
            elem = owner if marker == "E" else self.link(owner, urls[int(marker[1:])])
            head = tail = ""
            if index == 0:  # "BT ..."
                head, segment = segment[:2], segment[2:]
            if index == len(pieces) - 1:  # "... ET"
                cut = segment.rfind("ET")
                segment, tail = segment[:cut], segment[cut:]
            out.append(head)
            if _SHOWS_TEXT.search(segment):
                _, mcid = self.mcid(elem)
                out.append(f" /{elem.node.role} <</MCID {mcid}>> BDC ")
                out.append(segment)
                out.append(" EMC ")
            else:
                out.append(segment)
            out.append(tail)
        return "".join(out)


_SENTINEL: Final = re.compile(r"\x00(S\d+|E)")
_SHOWS_TEXT: Final = re.compile(r"[)>\]]\s*(?:Tj|TJ|'|\")(?:\s|$)")


class _LinkTextObject(InkedText):
    """A text object that notes where link text starts and ends.

    Paragraph calls ``_linkRecord(link, "start"|"end")`` on its text object (a ReportLab
    internal hook, for paragraphs of several fragments): "start" just after the first
    piece of link text was written, "end" before the next piece. Markers go into the
    code there, and become marked-content operators when the object is drawn.
    """

    def __init__(self, canvas: Canvas, x: float = 0, y: float = 0, direction: Any = None) -> None:
        super().__init__(canvas, x, y, direction)
        self.urls: list[str] = []
        self._out_at = 0
        self._depth = 0
        self.compose: Callable[[str, Sequence[str]], str] | None = None

    def _code_list(self) -> list[str]:
        code: list[str] = self._code  # type: ignore[attr-defined]
        return code

    def _textOut(self, text: str, TStar: int = 0) -> None:
        self._out_at = len(self._code_list())
        super()._textOut(text, TStar)  # type: ignore[misc]

    def _linkRecord(self, link: tuple[int, str], kind: str) -> None:
        code = self._code_list()
        if kind == "start":
            self._depth += 1
            if self._depth == 1:
                code.insert(self._out_at, f"\x00S{len(self.urls)}")
                self.urls.append(link[1])
        elif self._depth:
            self._depth -= 1
            if not self._depth:
                code.append("\x00E")

    def getCode(self) -> str:
        code: str = super().getCode()
        if self.compose is None or not self.urls:
            return _SENTINEL.sub("", code)
        return self.compose(code, self.urls)


def _annotation_target(annotation: PDFDictionary) -> str:
    action = annotation.dict.get("A")
    if isinstance(action, PDFDictionary):
        value = action.dict.get("URI")
        if isinstance(value, PDFString):
            text = value.s
            return text.decode("latin-1") if isinstance(text, bytes) else str(text)
    return ""


def _link_text(flowable: Flowable, url: str) -> str:
    """The words of a paragraph that link to `url` (what a reader sees as the link)."""
    own = getattr(flowable, "link_text", None)
    if callable(own):
        return str(own(url))
    pieces: list[str] = []
    for frag in getattr(flowable, "frags", None) or ():
        if isinstance(frag, list):  # a word, once wrapped: the space between words is implied
            word = "".join(item[1] for item in frag[1:] if _links(item[0], url))
            if word:
                pieces.append(" " + word)
        elif _links(frag, url):
            pieces.append(getattr(frag, "text", ""))
    return " ".join("".join(pieces).split())


def _links(style: Any, url: str) -> bool:
    return any(target == url for _, target in getattr(style, "link", None) or ())


class Tagger:
    """One document's tagging. Make one per build; pass it to `TaggedCanvas`."""

    def __init__(self, *, title: str, lang: str) -> None:
        self.title = title
        self.lang = lang
        self.root = StructNode("Document")
        self._run: _Run | None = None

    @property
    def run(self) -> _Run:
        if self._run is None:
            raise RuntimeError("the tagger is not bound to a TaggedCanvas")
        return self._run

    @contextlib.contextmanager
    def artifact(self, kind: str, subtype: str | None = None) -> Iterator[None]:
        """Everything drawn inside is an artifact, e.g. ``artifact("Pagination", "Header")``."""
        literal = f"/Type /{kind}" + (f" /Subtype /{subtype}" if subtype else "")
        run = self.run
        frame = run.push(_Frame(_ARTIFACT, None, literal=f"/Artifact <<{literal}>> BDC"))
        try:
            yield
        finally:
            run.pop(frame)

    @contextlib.contextmanager
    def element(self, role: str, *, position: int | None = None, **kwargs: Any) -> Iterator[None]:
        """Everything drawn inside is the content of a new element, a child of the
        element being drawn (at `position` among its children, if given)."""
        run = self.run
        run.close()
        elem = run.elem(StructNode(role, **kwargs), position)
        frame = run.push(_Frame(_CONTENT, elem))
        try:
            yield
        finally:
            run.pop(frame)

    @contextlib.contextmanager
    def part(self, role: str, **kwargs: Any) -> Iterator[None]:
        """Everything drawn inside is content of the child with this role of the element
        being drawn (made if need be), e.g. a check item's box as its Lbl."""
        run = self.run
        if run.inert:
            yield
            return
        run.close()
        found = run.find_part(role)
        if found is None:
            found = run.child(run.current(), role, **kwargs)
        elif kwargs.get("alt") and found.node.alt is None:
            found.node.alt = kwargs["alt"]
        frame = run.push(_Frame(_CONTENT, found))
        try:
            yield
        finally:
            run.pop(frame)

    @contextlib.contextmanager
    def word(self, actual: str, link: str | None = None) -> Iterator[None]:
        """What is drawn inside (one word of a paragraph set word by word) is the text
        `actual` of the element being drawn, or of its Link to `link`: copying, search and
        screen readers get `actual` rather than the glyphs drawn (ISO 32000-1, 14.9.4)."""
        run = self.run
        target = None if run.inert else run.text_target(take_label=False)
        if target is None:  # in an artifact or a figure: the span alone
            run.canvas.addLiteral(f"/Span <</ActualText {hex_text(actual)}>> BDC")
            try:
                yield
            finally:
                run.canvas.addLiteral("EMC")
            return
        if link is not None:
            target = run.link(target, link)
        frame = run.push(_Frame(_CONTENT, target, actual=actual))
        try:
            yield
        finally:
            run.pop(frame)

    def _open_flowable(self, flowable: Taggable, node: StructNode) -> _Frame:
        run = self.run
        run.close()
        elem = run.elem(node)
        run.sources.append(flowable)
        if flowable.tag_kind == _CONTENT:
            return run.push(_Frame(_CONTENT, elem))
        body, label = elem, None
        if node.role == "LI":
            body = run.elems[node.children[1]]
            if getattr(flowable, "bulletText", None):
                label = run.elems[node.children[0]]
        gaps, urls, all_link = flowable.tag_scan
        if all_link:  # its text is the Link's, and it makes no _linkRecord calls
            body = run.link(body, urls[0])
        if not gaps and label is None and (all_link or not urls):
            # A paragraph that draws nothing but its text: one marked-content sequence.
            return run.push(_Frame(_CONTENT, body))
        frame = _Frame(
            _TEXT,
            elem,
            gaps=gaps,
            body=body,
            label=label,
            has_links=bool(urls) and not all_link,
        )
        return run.push(frame)

    def _close_flowable(self, frame: _Frame) -> None:
        run = self.run
        run.pop(frame)
        run.sources.pop()


def _scan(flowable: Flowable) -> tuple[bool, tuple[str, ...], bool]:
    """One pass over a paragraph's fragments: whether it draws anything but text objects
    (underlines, backgrounds, a box: then its frame needs artifact gaps), the link
    targets in it, and whether it is one fragment that is all link (ReportLab then draws
    it without _linkRecord calls)."""
    if not isinstance(flowable, Paragraph):
        return True, (), False
    cls = type(flowable)
    # A subclass that draws more (a check item's box) may draw paths.
    gaps = cls.draw is not Paragraph.draw or cls.drawPara is not Paragraph.drawPara
    style = flowable.style
    gaps = gaps or bool(style.backColor or (style.borderColor and style.borderWidth))
    urls: list[str] = []
    count = 0
    for frag in getattr(flowable, "frags", None) or ():
        items = frag[1:] if isinstance(frag, list) else [(frag, "")]
        for item_style, _ in items:
            count += 1
            if getattr(item_style, "us_lines", None) or getattr(item_style, "backColor", None):
                gaps = True
            for _, url in getattr(item_style, "link", None) or ():
                if url not in urls:
                    urls.append(url)
    return gaps, tuple(urls), count == 1 and len(urls) == 1


def tags_of(canvas: Canvas) -> Tagger:
    """The tagger of the canvas a flowable draws on (every handout is tagged)."""
    tagger = getattr(canvas, "tagger", None)
    if not isinstance(tagger, Tagger):
        raise TypeError("the handout draws only on a TaggedCanvas")
    return tagger


class Taggable(Flowable):
    """A flowable that can be drawn as one structure element: the handout's paragraphs
    and drawings are these (see `tag`). Put it first among a class's bases, so that its
    `drawOn` and `split` come before the flowable's own."""

    tag_node: StructNode | None = None
    tag_kind: int = _TEXT
    tag_scan: tuple[bool, tuple[str, ...], bool] = (True, (), False)

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        if self.tag_node is None:  # every one is tagged: what would it be in the tree?
            raise RuntimeError(f"{type(self).__name__} drawn without being tagged")
        tagger = tags_of(canvas)
        frame = tagger._open_flowable(self, self.tag_node)
        try:
            super().drawOn(canvas, x, y, _sW)  # type: ignore[call-arg]
        finally:
            tagger._close_flowable(frame)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return self.tag_parts(super().split(availWidth, availHeight))

    def tag_parts(self, parts: list[Flowable]) -> list[Flowable]:
        """`parts` of this flowable, split: the continuation of a split paragraph is a new
        flowable, given the same node, so that it is the same element (with marked content
        on both pages)."""
        for part in parts:
            if part is not self and isinstance(part, Taggable):
                part.tag_node, part.tag_kind = self.tag_node, self.tag_kind
                part.tag_scan = self.tag_scan
        return parts


_T = TypeVar("_T", bound="Taggable")


def tag(
    flowable: _T,
    role: str,
    *,
    parent: StructNode | None = None,
    alt: str | None = None,
) -> _T:
    """`flowable`, to be drawn as an element of `role`: "P", "H1".."H3", "Figure" (give
    `alt`), "LI" (its Lbl and LBody are made for it), ...; `parent` declares where it goes
    (a list's L)."""
    node = StructNode(role, parent=parent, alt=alt)
    if role == "LI":
        StructNode("Lbl", parent=node)
        StructNode("LBody", parent=node)
    if role == "Figure" and not alt:
        raise ValueError("a Figure needs alternative text")
    flowable.tag_node = node
    flowable.tag_kind = _CONTENT if role == "Figure" else _TEXT
    # Scanned now, while a paragraph has its few parsed fragments rather than the words
    # it has once wrapped; the parts of a split paragraph inherit the scan.
    flowable.tag_scan = _scan(flowable)
    return flowable


class Section(ActionFlowable):
    """Where a part of the document starts (`node`, declared in its place among the
    Document's children) or ends (None): what is drawn between belongs to it. A
    brochure's panels are printed in another order than they are read; their parts keep
    the order they are read in. An action, not a flowable placed in a frame: a frame
    filled to its foot would push even a marker of no height into the next one."""

    def __init__(self, node: StructNode | None) -> None:
        super().__init__()
        self.node = node

    def apply(self, doc: Any) -> None:
        run = tags_of(doc.canv).run
        if self.node is not None:
            run.close()
            run.sections.append(run.push(_Frame(_GROUP, run.elem(self.node))))
        else:
            run.pop(run.sections.pop())


class TableTags(TableRenderCB):
    """A table's render callback that tags it: ``Table(..., renderCB=TableTags())``.

    A layout grid by default: no table semantics; the tagged flowables in its cells join
    the element around the table, cell after cell in reading order (from the right in a
    right-to-left guide, `rtl`); bare text in a cell becomes a P. With `header_col`, a
    data table of rows: Table > TR > TH (the cell in that column, /Scope /Row) and TD.
    In both, the backgrounds, boxes and rules that Table draws are artifacts. ReportLab
    keeps the callback for the parts of a split table, so they share one element.
    """

    def __init__(self, *, header_col: int | None = None, rtl: bool = False) -> None:
        self.node = None if header_col is None else StructNode("Table")
        self.header_col = header_col
        self.rtl = rtl
        self._frames: list[_Frame] = []  # the table's, its row's and its cell's
        self._parent: _Elem | None = None  # what the row's cells go into
        self._cells: list[int] = []  # where each cell of the row begins among its kids

    @staticmethod
    def _run(table: Table) -> _Run:
        return tags_of(table.canv).run

    def _push(self, run: _Run, frame: _Frame) -> None:
        run.close()
        self._frames.append(run.push(frame))

    def _pop(self, run: _Run) -> None:
        run.pop(self._frames.pop())

    def startTable(self, T: Table) -> None:
        run = self._run(T)
        elem = None if self.node is None or run.inert else run.elem(self.node)
        self._push(run, _Frame(_GROUP, elem, gaps=True))

    def endTable(self, T: Table) -> None:
        self._pop(self._run(T))

    def startRow(self, T: Table, rowNo: int) -> None:
        run = self._run(T)
        if self.node is not None:
            row = None if run.inert else run.child(run.current(), "TR")
            self._push(run, _Frame(_GROUP, row, gaps=True))
        self._parent = run.current()
        self._cells = []

    def endRow(self, T: Table) -> None:
        run = self._run(T)
        parent = self._parent
        if self.rtl and parent is not None and len(self._cells) > 1:
            # Table draws cells left to right; a right-to-left row reads from the right.
            kids = parent.kids
            bounds = [*self._cells, len(kids)]
            cells = [kids[bounds[i] : bounds[i + 1]] for i in range(len(self._cells))]
            kids[self._cells[0] :] = [kid for cell in reversed(cells) for kid in cell]
        if self.node is not None:
            self._pop(run)

    def startCell(
        self, T: Table, rowNo: int, colNo: int, cellval: Any, cellstyle: Any, pos: Any, size: Any
    ) -> None:
        run = self._run(T)
        parent = run.current()
        self._cells.append(len(parent.kids))
        if run.inert:
            self._push(run, _Frame(_INERT, None))
        elif self.node is None:

            def paragraph() -> _Elem:
                return run.child(parent, "P")

            self._push(run, _Frame(_TEXT, None, gaps=True, body=paragraph))
        else:
            if colNo == self.header_col:
                cell = run.child(parent, "TH", attributes={"O": "Table", "Scope": "Row"})
            else:
                cell = run.child(parent, "TD")
            self._push(run, _Frame(_TEXT, cell, gaps=True, body=cell))

    def endCell(self, T: Table) -> None:
        self._pop(self._run(T))

    def startBG(self, T: Table) -> None:
        pass

    def endBG(self, T: Table) -> None:
        pass

    def startLines(self, T: Table) -> None:
        pass

    def endLines(self, T: Table) -> None:
        pass


class _Prepared(PDFObject):
    """An indirect object written from bytes prepared for it.

    Structure elements are most of a tagged file's objects, and PDFDictionary spends
    most of its time sorting keys, escaping names and resolving references, which these
    do not need: their keys are fixed, their names standard, and their references are
    resolved once, when the tree is written.
    """

    __RefOnly__ = 1  # pdfdoc's mark for "always an indirect object"
    __slots__ = ("__InternalName__", "data")

    def __init__(self) -> None:
        self.data = b""

    def format(self, document: Any) -> bytes:
        return self.data


class _Indirect(PDFDictionary):
    """A dictionary written as an indirect object wherever it is used."""

    __RefOnly__ = 1


# Structure types that may stay empty in the tree (a table's empty cell to write in).
_KEEP_EMPTY: Final = frozenset({"TD", "TH", "TR", "Document"})


_SAVING = threading.Lock()
"""Held while a PDF is written out: ReportLab subsets each TrueType font by seeking and
reading in the font's one file image, which every document shares, so two documents
subsetting one font at once read at each other's places (a wrong glyph, or an IndexError
that a burst of renders from many threads met)."""


class TaggedCanvas(Canvas):
    """A Canvas that writes a tagged PDF with the structure its `Tagger` records.

    A canvas that holds its pages back until the end (the handout's) works too: tagging
    state is keyed by page number, not kept in the canvas's page state.
    """

    def __init__(self, *args: Any, tagger: Tagger, **kwargs: Any) -> None:
        kwargs["pdfVersion"] = (1, 7)  # PDF/UA-1 is built on ISO 32000-1, PDF 1.7
        super().__init__(*args, **kwargs)
        self.tagger = tagger
        tagger._run = _Run(tagger, self)

    def beginText(self, x: float = 0, y: float = 0, direction: Any = None) -> PDFTextObject:
        frame = self.tagger.run.frames[-1]
        if frame.kind == _TEXT and frame.has_links:
            return _LinkTextObject(self, x, y, direction)
        # Text objects that can draw synthetic bold (see `fonts.InkedText`).
        return InkedText(self, x, y, direction)

    # Every text object, from a Paragraph or drawString, comes here.
    def drawText(self, aTextObject: PDFTextObject) -> None:
        run = self.tagger.run
        target = run.text_target()
        if target is None:
            super().drawText(aTextObject)
            return
        if isinstance(aTextObject, _LinkTextObject) and aTextObject.urls:
            run.close()  # the marked content goes inside BT .. ET
            aTextObject.compose = lambda code, urls: run.compose_links(target, code, urls)
            super().drawText(aTextObject)
            run.reopen()
            return
        frame = run.push(_Frame(_CONTENT, target))
        try:
            super().drawText(aTextObject)
        finally:
            run.pop(frame)

    def showPage(self) -> None:
        run = self.tagger.run
        number = self.getPageNumber()
        super().showPage()
        # ReportLab internal: the page object showPage just made.
        run.pages[number] = self._doc.Pages[-1]  # type: ignore[attr-defined]

    # ReportLab internal: every annotation is added here; Paragraph makes its links
    # through linkURL, which does not hand the annotation back.
    def _addAnnotation(
        self, annotation: PDFObject, name: str | None = None, addtopage: int = 1
    ) -> None:
        super()._addAnnotation(annotation, name, addtopage)  # type: ignore[misc]
        if isinstance(annotation, PDFDictionary) and annotation.dict.get("Subtype") == "/Link":
            ref = self._doc.Reference(annotation)  # type: ignore[attr-defined]
            self.tagger.run.annotation(annotation, ref)

    def linkURL(self, url: str, rect: Any, *args: Any, **kwargs: Any) -> None:
        if url.startswith(_LANG):  # words in another language (see in_language): no link
            return
        super().linkURL(url, rect, *args, **kwargs)

    def save(self) -> None:
        self._finish_tagging()
        with _SAVING:
            super().save()

    def _finish_tagging(self) -> None:
        run = self.tagger.run
        if run.done:
            return
        run.done = True
        if len(run.frames) != 1:
            raise RuntimeError(f"unbalanced tagging: {len(run.frames) - 1} frame(s) open")
        run.close()
        run.attach_all_links()
        _prune(run.root)

        # One /StructParents key per page with marked content, then one per annotation.
        page_keys: dict[int, int] = {}
        for number in sorted(run.owners):
            if run.owners[number]:
                page_keys[number] = len(page_keys)
        # ReportLab internal: the document, to number the tree's objects now and write
        # their references as bytes (see _Prepared).
        doc = self._doc  # type: ignore[attr-defined]
        tree_root = _Indirect({"Type": PDFName("StructTreeRoot")})
        refs: dict[int, bytes] = {}

        def ref(obj: PDFObject) -> bytes:
            found = refs.get(id(obj))
            if found is None:
                found = refs[id(obj)] = doc.Reference(obj).format(doc)
            return found

        ref(tree_root)
        dicts: dict[_Elem, _Prepared] = {}
        page_refs = {number: ref(page) for number, page in run.pages.items()}
        _fill(run.root, ref(tree_root), dicts, ref, page_refs, doc)
        nums = [b"<< /Nums ["]
        for number, key in page_keys.items():
            nums.append(b"\n%d [" % key)
            for owner in run.owners[number]:
                nums += (b" ", ref(dicts[owner]))
            nums.append(b" ]")
        next_key = len(page_keys)
        for objr, link in run.objrs:
            objr.annotation["StructParent"] = next_key
            nums += (b"\n%d " % next_key, ref(dicts[link]))
            next_key += 1
        nums.append(b" ] >>")
        parent_tree = _Prepared()
        parent_tree.data = b"".join(nums)

        for number, page in run.pages.items():
            # ReportLab internal: PDFPage writes only the keys named in __NoDefault__.
            page.__NoDefault__ = [*type(page).__NoDefault__, "StructParents", "Tabs"]  # type: ignore[attr-defined]
            page.Tabs = PDFName("S")  # type: ignore[attr-defined]
            if number in page_keys:
                page.StructParents = page_keys[number]  # type: ignore[attr-defined]

        tree_root["K"] = dicts[run.root]
        tree_root["ParentTree"] = parent_tree
        tree_root["ParentTreeNextKey"] = next_key
        tagger = self.tagger
        self.setCatalogEntry("StructTreeRoot", tree_root)
        self.setCatalogEntry("MarkInfo", PDFDictionary({"Marked": "true"}))
        if getattr(self.getCatalogEntry("Lang"), "s", None) is None:
            self.setCatalogEntry("Lang", tagger.lang)
        metadata = PDFStream(
            PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
            _xmp(tagger.title, tagger.lang),
        )
        self.setCatalogEntry("Metadata", metadata)
        self.setViewerPreference("DisplayDocTitle", "true")


def _prune(elem: _Elem) -> bool:
    """Drop elements with nothing in them; True if `elem` itself is to be dropped."""
    kept: list[_Elem | tuple[int, int] | _Objr] = []
    for kid in elem.kids:
        if isinstance(kid, _Elem) and _prune(kid):
            continue
        kept.append(kid)
    elem.kids = kept
    return not kept and elem.node.role not in _KEEP_EMPTY


def _fill(
    elem: _Elem,
    parent: bytes,
    dicts: dict[_Elem, _Prepared],
    ref: Callable[[PDFObject], bytes],
    pages: Mapping[int, bytes],
    doc: Any,
) -> None:
    """Write the structure element objects of `elem` and its descendants."""
    node = elem.node
    d = dicts.get(elem)
    if d is None:  # the Document
        d = dicts[elem] = _Prepared()
    out = [b"<< /Type /StructElem /S /", node.role.encode(), b" /P ", parent]
    if node.alt is not None:
        out += (b" /Alt ", pdf_format(PDFString(node.alt), doc))
    if node.lang is not None:
        out += (b" /Lang ", pdf_format(PDFString(node.lang), doc))
    if node.attributes:
        out.append(b" /A <<")
        for key, value in node.attributes.items():
            shown = PDFName(value) if isinstance(value, str) else repr(value)
            out.append(f" {PDFName(key)} {shown}".encode())
        out.append(b" >>")
    kids = elem.kids
    first_page: int | None = None
    for kid in kids:
        if isinstance(kid, tuple):
            first_page = kid[0]
            break
        if isinstance(kid, _Objr):
            first_page = kid.page
            break
    if first_page is not None:
        out += (b" /Pg ", pages[first_page])
    if kids:
        out.append(b" /K [")
        own = ref(d)
        for kid in kids:
            if isinstance(kid, tuple):
                page, mcid = kid
                if page == first_page:
                    out.append(b" %d" % mcid)
                else:
                    out += (b" << /Type /MCR /Pg ", pages[page], b" /MCID %d >>" % mcid)
            elif isinstance(kid, _Elem):
                # Numbered as they come: in reading order, each parent before its children.
                made = dicts[kid] = _Prepared()
                out += (b" ", ref(made))
                _fill(kid, own, dicts, ref, pages, doc)
            else:
                out += (b" << /Type /OBJR /Obj ", ref(kid.ref), b" /Pg ", pages[kid.page], b" >>")
        out.append(b" ]")
    out.append(b" >>")
    d.data = b"".join(out)


def _xmp(title: str, lang: str) -> bytes:
    """XMP metadata: the title, the language and the PDF/UA-1 identification; no dates,
    so the same input gives the same bytes."""
    shown_title = html.escape(title)
    shown_lang = html.escape(lang)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\n'
        "   <dc:title><rdf:Alt>"
        f'<rdf:li xml:lang="x-default">{shown_title}</rdf:li>'
        "</rdf:Alt></dc:title>\n"
        f"   <dc:language><rdf:Bag><rdf:li>{shown_lang}</rdf:li></rdf:Bag></dc:language>\n"
        "   <pdfuaid:part>1</pdfuaid:part>\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="r"?>'
    ).encode()
