"""The `backpain-content` command: export, list, schema and validate."""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from ._version import __version__
from .content import (
    MARKDOWN_SUFFIXES,
    bundled_articles,
    check_plan,
    in_clinic_file,
    in_guide_file,
    load_article,
    load_bundled,
    load_clinic,
    load_plan,
)
from .errors import ContentError, one_line, printable
from .formats import FORMATS, Format, choose, format_names
from .library import Library
from .model import CODE_SYSTEMS, Article, Clinic, default_clinic
from .options import PAPERS
from .renderers.shared import clinic_phrase, labels_of

if TYPE_CHECKING:
    from .batch import ClinicResult

__all__ = ["main"]

PROG = "backpain-content"
PASSWORD_ENV = "BACKPAIN_SMTP_PASSWORD"  # noqa: S105 - the variable's name, not a password
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, like every other bad-input message, rather than usage and error.
        self.exit(EXIT_BAD_INPUT, f"{PROG}: error: {message} (see {PROG} --help)\n")


def _parser() -> argparse.ArgumentParser:
    formats = "\n".join(f"  {f.name:<9} {f.description}" for f in FORMATS)
    parser = _Parser(
        prog=PROG,
        description=(
            "A library of patient guides: list, find, check and render them in several "
            "formats (the bundled guides, or a folder of your own with --library)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"formats:\n{formats}\n\nexample:\n  {PROG} export --format all --out exports",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    export = commands.add_parser(
        "export",
        help="write the guide into a folder in one format or all",
        description="Write the guide into a folder. Files are named ID.LANGUAGE.SUFFIX.",
    )
    export.add_argument(
        "--format",
        choices=(*format_names(), "all"),
        default="all",
        help="output format (default: all)",
    )
    export.add_argument(
        "--paper", choices=PAPERS, default="letter", help="paper size of handouts (default: letter)"
    )
    export.add_argument(
        "--large-print",
        action="store_true",
        help="only the large-print handout (the same as --format pdf-large)",
    )
    export.add_argument(
        "--out", default="exports", metavar="DIR", help="output folder (default: exports)"
    )
    export.add_argument(
        "--clinics",
        nargs="+",
        metavar="PATH",
        help=(
            "a clinic group: clinic files, or folders of them; each clinic's files go into "
            "its own sub-folder of --out (put ARTICLE_FILE before this option)"
        ),
    )
    export.add_argument(
        "--jobs", type=int, metavar="N", help="clinics to render at once (default: one per core)"
    )
    export.add_argument(
        "--clinic", metavar="FILE.toml", help="the clinic's own name, contact details and branding"
    )
    export.add_argument(
        "--plan",
        metavar="FILE.toml",
        help=(
            "a patient's plan (see 'schema plan'): the patient's own copies, named "
            "ID.LANGUAGE.personal.SUFFIX unless --file-stem says otherwise"
        ),
    )
    export.add_argument(
        "--file-stem",
        metavar="STEM",
        help=(
            "name the files STEM.SUFFIX: letters, digits, '.', '_' and '-' (for a patient's "
            "copies, a reference of your own, never the patient's name)"
        ),
    )
    export.add_argument(
        "--lang",
        metavar="LANG",
        help="the bundled guide in this language (such as fr-CA), or 'all' for every one",
    )
    export.add_argument(
        "--library",
        metavar="DIR",
        nargs="?",
        const="",
        help=(
            "every guide of a library folder (the bundled guides without DIR), in every "
            "language, with an index page and a catalogue (index.html, catalogue.json)"
        ),
    )
    export.add_argument(
        "article",
        nargs="?",
        metavar="ARTICLE",
        help="a guide's TOML file, or a bundled guide's name such as "
        "dry-needling-back-pain.fr-CA (default: the bundled English guide)",
    )

    listing = commands.add_parser(
        "list",
        help="list the guides of a library (default: the bundled guides)",
        description=(
            "One row per guide and language: id, language, version, review due, title. "
            "A review past due is marked."
        ),
    )
    _library_option(listing)
    find = commands.add_parser(
        "find",
        help="the guides for a diagnosis code (ICD-10-CA, ICD-10-CM or SNOMED CT)",
        description=(
            "The guides whose conditions have the code, as an electronic record asks for "
            "them: a guide coded M54.5 answers M54.5 and the codes under it (M54.50). Exit "
            "status 1 when no guide has it."
        ),
    )
    find.add_argument("--code", required=True, metavar="CODE", help="such as M54.5 or 279039007")
    find.add_argument(
        "--system", choices=tuple(CODE_SYSTEMS), help="only codes of this system (default: any)"
    )
    find.add_argument("--lang", metavar="LANG", help="only guides in this language, such as fr")
    _library_option(find)
    convert = commands.add_parser(
        "convert",
        help="turn a TOML guide into Markdown, or a Markdown guide into TOML",
        description=(
            "Write the guide in FILE as the other form (by the suffixes: .toml and .md), "
            "without loss: the result loads as the same guide. Needs the extra 'markdown'."
        ),
    )
    convert.add_argument("file", metavar="FILE", help="a guide's .toml or .md file")
    convert.add_argument("-o", "--output", required=True, metavar="OUT", help="a .md or .toml file")
    importer = commands.add_parser(
        "import",
        help="turn a clinic's blog post (Markdown or HTML) into a draft guide in Markdown",
        description=(
            "Keep every sentence of the post, in order, as a draft guide: headings become "
            "sections, bold-titled list items become items, images their alt text, tables "
            "their rows (an HTML page's navigation, sidebars, footer and comments are left "
            "out). Then list what a writer must still add. Exit status 0 when the draft is "
            "complete, 1 when parts are missing, 2 when the post cannot be read. Needs the "
            "extra 'import'."
        ),
    )
    importer.add_argument("post", metavar="POST", help="the post: a .md, .html or .htm file")
    importer.add_argument(
        "-o", "--output", metavar="DRAFT.md", help="default: the post's name, ending .draft.md"
    )
    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of a guide file (or a clinic or plan file)",
        description=(
            "Print the JSON Schema of a guide's, a clinic's or a patient's plan TOML file, "
            "for editors."
        ),
    )
    schema.add_argument(
        "kind",
        nargs="?",
        choices=("article", "clinic", "plan"),
        default="article",
        help="default: article",
    )
    mail = commands.add_parser(
        "email",
        help="email the ePub guide to a patient (or write it to a .eml file)",
        description=(
            "Email the ePub guide to one patient through the clinic's mail server, or write "
            f"the message to a file with --eml. The password comes from ${PASSWORD_ENV} or "
            "--smtp-password-file, never from the command line."
        ),
    )
    mail.add_argument("--to", required=True, metavar="ADDRESS", help="the patient's email address")
    mail.add_argument("--name", metavar="NAME", help="the patient's name, for the greeting")
    mail.add_argument(
        "--from",
        dest="sender",
        metavar="ADDRESS",
        help="sender address (default: the clinic's email)",
    )
    mail.add_argument("--clinic", metavar="FILE.toml", help="the clinic's details and branding")
    mail.add_argument(
        "--plan",
        metavar="FILE.toml",
        help="the patient's plan: the message names their next appointment and attaches their "
        "own ePub",
    )
    mail.add_argument(
        "--library",
        metavar="DIR",
        help="the library the guide is in, whose other languages and related guides the "
        "message names (default: the bundled guides)",
    )
    mail.add_argument(
        "--eml",
        metavar="FILE",
        help="write the message to FILE (- for standard output) and send nothing",
    )
    mail.add_argument("--smtp-host", metavar="HOST", help="the clinic's mail server")
    mail.add_argument("--smtp-port", type=int, metavar="PORT", help="default: 587, or 465 with tls")
    mail.add_argument(
        "--smtp-security",
        choices=("starttls", "tls", "none"),
        default="starttls",
        help="default: starttls",
    )
    mail.add_argument("--smtp-user", metavar="USER", help="log in as USER")
    mail.add_argument(
        "--smtp-password-file",
        metavar="FILE",
        help=f"read the password from FILE (else ${PASSWORD_ENV})",
    )
    mail.add_argument(
        "--smtp-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="the most the whole exchange with the server may take (default: 30)",
    )
    mail.add_argument(
        "--allow-plaintext-auth",
        action="store_true",
        help="log in even with --smtp-security none (only for a relay on this machine: "
        "the password would cross the network unencrypted)",
    )
    mail.add_argument("article", nargs="?", metavar="ARTICLE_FILE", help="a guide's TOML file")

    validate = commands.add_parser(
        "validate",
        help="check a guide's TOML file",
        description="Check a guide's TOML file and report the first problem.",
    )
    validate.add_argument("file", nargs="?", metavar="FILE", help="a guide's .toml or .md file")
    _library_option(validate)

    lint = commands.add_parser(
        "lint",
        help="check a guide's reading level, titles, sources and review date",
        description=(
            "For every summary, its Flesch-Kincaid grade and word count; then what an editor "
            "should look at: summaries above grade 8, item titles styled unlike their "
            "siblings, safety items without a reference, references no item cites, and a "
            "review past due. Exit status 1 when anything is flagged. Reading grades need "
            "the extra 'lint' (pip install 'backpain-content[lint]')."
        ),
    )
    lint.add_argument(
        "file", nargs="?", metavar="FILE", help="a guide's file (default: the bundled guides)"
    )
    _library_option(lint)

    translate = commands.add_parser(
        "translate",
        help="translate a guide with gettext PO files (needs the extra 'translate')",
        description=(
            "extract: write a guide's strings into a PO file for translators (into an "
            "existing one, keeping its translations and marking changed ones fuzzy). "
            "apply: build the translated guide from a PO file."
        ),
    )
    steps = translate.add_subparsers(dest="step", metavar="STEP", required=True)
    extract = steps.add_parser(
        "extract",
        help="write the guide's strings into a PO file",
        description="Write every translatable string of a guide, keyed by its id, into a PO file.",
    )
    extract.add_argument(
        "--lang", required=True, metavar="LANG", help="the language, such as fr-CA"
    )
    extract.add_argument("-o", "--output", required=True, metavar="FILE.po", help="the PO file")
    extract.add_argument(
        "article", nargs="?", metavar="ARTICLE", help="a guide's TOML file or bundled name"
    )
    apply = steps.add_parser(
        "apply",
        help="build the translated guide from a PO file",
        description=(
            "Build the translated guide. Refuses a PO file for another guide or version, an "
            "untranslated or fuzzy string (unless --allow-partial), a lost placeholder and a "
            "summary over its length, naming each string's msgctxt."
        ),
    )
    apply.add_argument("po", metavar="FILE.po", help="the translated PO file")
    apply.add_argument(
        "-o", "--output", metavar="ARTICLE.LANG.toml", help="default: ID.LANGUAGE.toml here"
    )
    apply.add_argument(
        "--source", metavar="ARTICLE", help="the guide translated (default: the bundled one named)"
    )
    apply.add_argument(
        "--allow-partial",
        action="store_true",
        help="keep the source text for what is not translated, and say so in every output",
    )
    return parser


def _library_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--library", metavar="DIR", help="a folder of guides (default: the bundled guides)"
    )


def _library(args: argparse.Namespace) -> Library:
    """The library named by --library, else the bundled guides."""
    folder = getattr(args, "library", None)
    return Library.open(folder) if folder else Library.bundled()


def _list(args: argparse.Namespace) -> int:
    today = datetime.date.today()
    # Every guide's header is read and checked before a line is printed; the rest of each
    # guide is left for `validate`, which reads it all.
    library = _library(args)
    print("id\tlanguage\tversion\treview due\ttitle")
    for entry in library.entries:
        article = entry.header
        due = article.provenance.review_due
        late = " (past due)" if due < today else ""
        print(
            f"{article.id}\t{article.language}\t{article.provenance.version}\t"
            f"{due.isoformat()}{late}\t{article.title}"
        )
    return 0


def _find(args: argparse.Namespace) -> int:
    library = _library(args)
    found = tuple(entry.header for entry in library.find(args.code, args.system))
    if args.lang:
        primary = args.lang.split("-")[0].lower()
        found = tuple(a for a in found if a.language.lower().split("-")[0] == primary)
    for article in found:
        print(f"{article.id}\t{article.language}\t{printable(article.title)}")
    if not found:
        print(f"{PROG}: no guide for the code {printable(args.code)}", file=sys.stderr)
    return 0 if found else 1


def _convert(args: argparse.Namespace) -> int:
    from .output import write_atomic
    from .readers.markdown import to_markdown
    from .readers.toml import to_toml

    article = load_article(args.file)
    output = Path(args.output)
    suffix = output.suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        text = to_markdown(article)
    elif suffix == ".toml":
        text = to_toml(article)
    else:
        raise ContentError(output, None, "must end in .md or .toml")
    print(printable(str(write_atomic(output, text.encode("utf-8")))))
    return 0


def _import(args: argparse.Namespace) -> int:
    from .content import read_text
    from .output import write_atomic
    from .readers.blog import import_post

    post = Path(args.post)
    draft = import_post(post, read_text(post))
    output = Path(args.output) if args.output else post.with_name(f"{post.stem}.draft.md")
    print(printable(str(write_atomic(output, draft.markdown.encode("utf-8")))))
    for note in draft.notes:
        print(f"  read: {printable(note)}")
    for missing in draft.missing:
        print(f"  to write: {printable(missing)}")
    print(f"{len(draft.missing) or 'nothing'} to write; the draft marks each place with TODO")
    return 0 if draft.complete else 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "list":
        return _list(args)
    if args.command == "find":
        return _find(args)
    if args.command == "convert":
        return _convert(args)
    if args.command == "import":
        return _import(args)
    if args.command == "schema":
        from .schema import schema_json

        sys.stdout.write(schema_json(args.kind))
        return 0
    if args.command == "validate":
        if args.file is None:
            library = _library(args)
            for entry in library.entries:
                _warn_if_review_due(entry.article, str(entry.path))
            where = printable(args.library) if args.library else "the bundled guides"
            print(f"{where}: valid ({len(library)} guides, {len(library.ids())} ids)")
            return 0
        article = load_article(args.file)
        version = article.provenance.version
        print(
            f"{printable(args.file)}: valid ({article.id}, {article.language}, version {version})"
        )
        _warn_if_review_due(article, args.file)
        return 0
    if args.command == "lint":
        return _lint(args)
    if args.command == "email":
        return _email(args)
    if args.command == "translate":
        return _translate(args)
    if args.command == "export" and args.clinics:
        if args.plan or args.file_stem:
            option = "--plan" if args.plan else "--file-stem"
            raise ContentError(None, option, "is for one clinic's files, not with --clinics")
        return _export_group(args)
    return _export(args)


def _article(name: str | None) -> Article:
    """The guide named on the command line: a bundled guide's name, or a TOML file."""
    if name is not None and name in bundled_articles():
        return load_bundled(name)
    return load_article(name)


def _guides(args: argparse.Namespace) -> list[tuple[Article, str | None]]:
    """The guides to export, each with the file it came from (None when bundled)."""
    if args.lang is None:
        bundled = args.article is None or args.article in bundled_articles()
        return [(_article(args.article), None if bundled else args.article)]
    if args.article is not None:
        raise ContentError(None, "lang", "give a guide or --lang, not both")
    names = bundled_articles()
    chosen = names if args.lang == "all" else [n for n in names if n.endswith(f".{args.lang}")]
    if not chosen:
        languages = ", ".join(sorted({name.rsplit(".", 1)[1] for name in names}))
        raise ContentError(
            None, "lang", f"no bundled guide in {args.lang!r} (bundled: {languages})"
        )
    return [(load_bundled(name), None) for name in chosen]


def _export_library(args: argparse.Namespace) -> int:
    """Every guide of the library in every format, its index page and its catalogue,
    written all together or not at all."""
    from .batch import render_guides
    from .output import write_files
    from .renderers.index import render_catalogue, render_index

    for option in ("article", "lang", "plan", "file_stem", "clinics"):
        if getattr(args, option):
            name = "--" + option.replace("_", "-") if option != "article" else "ARTICLE"
            raise ContentError(None, name, "is for one guide, not with --library")
    library = _library(args)
    clinic = load_clinic(args.clinic) if args.clinic else None
    formats = _chosen_formats(args)
    # The web pages link to each other by their file names, side by side.
    guides = [
        (entry.article, entry.path, library.links(entry.article, "{id}.{language}.html"))
        for entry in library.entries
    ]
    try:
        made = render_guides(
            guides, [f.name for f in formats], clinic=clinic, paper=args.paper, workers=args.jobs
        )
    except ContentError as exc:
        raise (in_clinic_file(exc, args.clinic) if args.clinic else exc) from None
    rendered = [out for files in made for out in files]
    listed = {
        entry.key: {out.format: out.filename for out in files}
        for entry, files in zip(library.entries, made, strict=True)
    }
    files = [(out.filename, out.data) for out in rendered]
    files += [
        ("index.html", render_index(library, listed)),
        ("catalogue.json", render_catalogue(library, listed)),
    ]
    for path in write_files(args.out, files):
        print(printable(str(path)))
    for out in rendered:
        if out.too_long:
            print(
                f"{PROG}: warning: {out.filename} has {out.pages} pages, more than the "
                f"{out.page_limit} it should have",
                file=sys.stderr,
            )
    for entry in library.entries:
        _warn_if_review_due(entry.article, str(entry.path))
    return 0


def _export(args: argparse.Namespace) -> int:
    from .output import file_stem, render_formats, write_files

    if args.library is not None:
        return _export_library(args)

    guides = _guides(args)
    clinic = load_clinic(args.clinic) if args.clinic else None
    stem = file_stem(args.file_stem) if args.file_stem is not None else None
    if stem and len(guides) > 1:
        raise ContentError(None, "file-stem", "names one guide's files, not several guides'")
    plan = load_plan(args.plan) if args.plan else None
    for article, _ in guides:
        if plan is not None:
            check_plan(plan, article, args.plan)
    formats = _chosen_formats(args)
    rendered = []
    for article, source in guides:
        # Every guide rendered before anything is written: all the files, or none.
        try:
            rendered += render_formats(article, formats, clinic=clinic, paper=args.paper, plan=plan)
        except ContentError as exc:
            named = in_clinic_file(exc, args.clinic) if args.clinic else exc
            raise (in_guide_file(named, source) if source else named) from None
    files = [(f"{stem}{out.format.suffix}" if stem else out.filename, out.data) for out in rendered]
    shorten = "the plan's names or note" if args.plan else "the summaries and headings"
    for path, out in zip(write_files(args.out, files), rendered, strict=True):
        print(printable(str(path)))
        if out.too_long:
            print(
                f"{PROG}: warning: {printable(str(path))} has {out.pages} pages, more than the "
                f"{out.page_limit} a handout should have; shorten {shorten}",
                file=sys.stderr,
            )
    for article, source in guides:
        _say_whose_branding(article, clinic)
        _warn_if_review_due(article, source)
    return 0


def _translate(args: argparse.Namespace) -> int:
    from .output import check_replaceable, write_atomic
    from .translate import apply_po, default_output, extract_po, made_by_apply, translation_toml

    if args.step == "extract":
        article = _article(args.article)
        output = Path(args.output)
        _not_an_input(output, args.article)
        print(printable(str(write_atomic(output, extract_po(article, args.lang, output)))))
        return 0
    po = Path(args.po)
    source = _article(args.source) if args.source else None
    translated = apply_po(po, source, allow_partial=args.allow_partial)
    output = Path(args.output or default_output(translated))
    _not_an_input(output, args.po, args.source)
    check_replaceable(output)  # before reading it: a pipe would keep the command waiting
    if output.exists() and not made_by_apply(output):
        raise ContentError(
            output,
            None,
            "exists and is not a guide made by `translate apply`: give -o another file "
            "(or remove it first)",
        )
    print(printable(str(write_atomic(output, translation_toml(translated, po.name).encode()))))
    untranslated = translated.provenance.translation.untranslated  # type: ignore[union-attr]
    if untranslated:
        print(
            f"{PROG}: note: {len(untranslated)} strings kept in the source language "
            f"(first: {untranslated[0]}); every output says parts are untranslated",
            file=sys.stderr,
        )
    return 0


def _not_an_input(output: Path, *inputs: str | None) -> None:
    """Refuse to write `output` over one of the command's own input files."""
    for given in inputs:
        if given and output.exists() and Path(given).exists() and output.samefile(given):
            raise ContentError(output, None, "is an input of this command: give -o another file")


def _warn_if_review_due(article: Article, source: str | None) -> None:
    due = article.provenance.review_due
    if due < datetime.date.today():
        where = printable(source) if source else f"bundled article {article.id}.{article.language}"
        print(
            f"{PROG}: warning: {where}: provenance.review_due: the content was due for review "
            f"on {due.isoformat()}; have a clinician review it, and record the review",
            file=sys.stderr,
        )


def _lint(args: argparse.Namespace) -> int:
    from .lint import MAX_GRADE, lint

    library = _library(args) if args.library else Library.bundled()
    if args.file:
        guides = [(printable(args.file), load_article(args.file))]
    elif args.library:
        guides = [(printable(str(e.path)), e.article) for e in library.entries]
    else:
        guides = [(f"bundled {name}", load_bundled(name)) for name in bundled_articles()]
    flagged = 0
    for name, article in guides:
        source, missing = _translated_from(article, library)
        report = lint(article, source=source)
        print(f"{name}: {len(report.scores)} summaries")
        print("  grade  words  field")
        for score in report.scores:
            grade = f"{score.grade:5.1f}" if score.grade is not None else "    -"
            mark = " over" if score.grade is not None and score.grade > MAX_GRADE else ""
            print(f"  {grade}  {score.words:5d}  {score.field}{mark}")
        for note in (*report.notes, *([missing] if missing else [])):
            print(f"  note: {note}")
        for finding in report.findings:
            print(f"  flag: {finding.field}: {printable(finding.problem)}")
        print(f"{name}: {len(report.findings) or 'nothing'} to look at")
        flagged += len(report.findings)
    return 1 if flagged else 0


def _translated_from(article: Article, library: Library) -> tuple[Article | None, str | None]:
    """The guide `article` was translated from, found in `library` or among the bundled
    guides; or why there is none to compare it with."""
    translation = article.provenance.translation
    if translation is None:
        return None, None
    for where in (library, Library.bundled()):
        try:
            return where.get(article.id, translation.source_language), None
        except ContentError:
            continue
    return None, (
        f"translation not compared with its source: no {article.id} in "
        f"{translation.source_language} in the library or the bundled guides"
    )


def _say_whose_branding(article: Article, clinic: Clinic | None) -> None:
    """Without --clinic, the outputs name the clinic the guide comes from: say so."""
    if clinic is None:
        labels = labels_of(article)
        phrase = clinic_phrase(default_clinic(article, labels.your_clinic), labels)
        print(
            f"{PROG}: note: branded for {printable(phrase)}, the clinic the guide names; "
            "give --clinic FILE.toml for your own",
            file=sys.stderr,
        )


def _export_group(args: argparse.Namespace) -> int:
    from .batch import clinic_files, export_clinics

    if args.clinic:
        raise ContentError(None, "clinics", "give --clinic or --clinics, not both")
    if args.lang:
        raise ContentError(None, "lang", "is for one clinic's files; name the guide instead")
    article = _article(args.article)
    files = clinic_files(args.clinics)
    formats = [fmt.name for fmt in _chosen_formats(args)]
    bar = _Progress(sys.stderr)
    done: dict[Path, ClinicResult] = {}

    def progress(result: ClinicResult, count: int, total: int) -> None:
        done[result.source] = result
        status = "failed" if result.error else "done"
        bar.update(count, total, f"{printable(result.source.name)}: {status}")

    try:
        results = export_clinics(
            article,
            files,
            args.out,
            formats=formats,
            paper=args.paper,
            workers=args.jobs,
            progress=progress,
        )
    except (KeyboardInterrupt, _Stopped):
        bar.close()
        exported = sum(1 for r in done.values() if not r.error)
        print(
            f"interrupted: exported {exported} of {len(files)} clinics into {printable(args.out)}"
        )
        _report_failures(list(done.values()))
        missing = [printable(f.name) for f in files if f not in done]
        if missing:
            print(f"{PROG}: not exported (interrupted): {', '.join(missing)}", file=sys.stderr)
        raise
    bar.close()
    failed = _report_failures(results)
    exported = len(results) - len(failed)
    print(f"exported {exported} of {len(results)} clinics into {printable(args.out)}")
    if not failed:
        return 0
    return EXIT_BAD_INPUT if all(r.bad_input for r in failed) else 1


def _report_failures(results: Sequence[ClinicResult]) -> list[ClinicResult]:
    failed = [r for r in results if r.error]
    for result in failed:
        if result.bad_input:  # the message names the file already
            print(f"{PROG}: error: {result.error}", file=sys.stderr)
        else:
            source = printable(str(result.source))
            print(f"{PROG}: internal error: {source}: {result.error}", file=sys.stderr)
    return failed


class _Progress:
    """A progress bar on a terminal; plain lines otherwise (a log, a pipe)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()

    def update(self, done: int, total: int, note: str) -> None:
        if not self.live:
            print(f"[{done}/{total}] {note}", file=self.stream, flush=True)
            return
        width = 30
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} {note[:40]:<40}")
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\n")


def _chosen_formats(args: argparse.Namespace) -> tuple[Format, ...]:
    if args.large_print:
        names: list[str] | None = ["pdf-large"]
    else:
        names = None if args.format == "all" else [args.format]
    chosen, skipped = choose(names, personal=bool(getattr(args, "plan", None)))
    for fmt in skipped:
        why = fmt.missing if not fmt.available() else "it is for the waiting room, not one patient"
        print(f"{PROG}: note: skipping {fmt.name}: {why}", file=sys.stderr)
    return chosen


def _password(args: argparse.Namespace) -> str | None:
    if args.smtp_password_file:
        path = Path(args.smtp_password_file)
        try:
            return path.read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise ContentError(path, None, f"cannot read the password ({exc})") from None
    return os.environ.get(PASSWORD_ENV) or None


def _email(args: argparse.Namespace) -> int:
    from .mail import SmtpSettings, send_email
    from .output import write_atomic
    from .renderers.email import build_guide_email

    article = load_article(args.article)
    clinic = (
        load_clinic(args.clinic)
        if args.clinic
        else default_clinic(article, labels_of(article).your_clinic)
    )
    sender = args.sender or clinic.email
    if not sender:
        raise ContentError(None, "from", "give --from, or an email address in the clinic file")
    if not args.eml and not args.smtp_host:
        raise ContentError(None, "smtp-host", "give --smtp-host to send, or --eml FILE to save")
    plan = load_plan(args.plan, article) if args.plan else None
    library = _library(args)
    # Named by the library only when it holds this very guide (its id and language).
    held = any(entry.key == (article.id, article.language) for entry in library.entries)
    message = build_guide_email(
        article,
        to=args.to,
        sender=sender,
        clinic=clinic,
        patient_name=args.name,
        plan=plan,
        links=library.links(article) if held else None,
    )
    if args.eml == "-":
        # The message on standard output: `... --eml - | sendmail -t`.
        sys.stdout.flush()
        raw = getattr(sys.stdout, "buffer", None)
        if raw is None:  # a text stream standing in for standard output
            sys.stdout.write(message.as_bytes().decode("utf-8", "replace"))
        else:
            raw.write(message.as_bytes())
            raw.flush()
        return 0
    if args.eml:
        print(printable(str(write_atomic(args.eml, message.as_bytes()))))
        return 0
    port = args.smtp_port or (465 if args.smtp_security == "tls" else 587)
    try:
        settings = SmtpSettings(
            host=args.smtp_host,
            port=port,
            security=args.smtp_security,
            user=args.smtp_user,
            password=_password(args),
            timeout=args.smtp_timeout,
            allow_plaintext_auth=args.allow_plaintext_auth,
        )
    except ContentError as exc:  # named by the settings' fields: name the options instead
        raise ContentError(None, f"smtp-{exc.field}", exc.problem) from None
    send_email(message, settings)
    # Not the patient's address: output may end up in a log.
    print(f"sent through {printable(settings.server)}")
    return 0


class _Stopped(BaseException):
    """A request to stop (SIGTERM, SIGHUP), raised where the command is, so that what it
    has begun ends as after Ctrl-C: temporary files removed, workers stopped, a summary."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise _Stopped(signum)


def run() -> NoReturn:
    """The `backpain-content` command: `main()`, then exit with its status."""
    # The command's own process: it, not the library, decides what a signal does.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    status = main()
    # Tearing the interpreter down collects garbage several times over everything
    # ReportLab, pydantic and the caches made: 0.1-0.2 s, measured here. The process is
    # ending, so its objects are frozen out of those collections instead (0.02 s).
    gc.freeze()
    sys.exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input)."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except ContentError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except _Stopped as stopped:
        print(f"{PROG}: stopped by signal {stopped.signum}", file=sys.stderr)
        return 128 + stopped.signum
    except Exception as exc:
        # A bug, not bad input: still one line, with the way to see the whole story.
        if os.environ.get("BACKPAIN_DEBUG"):
            raise
        print(
            f"{PROG}: internal error: {one_line(f'{type(exc).__name__}: {exc}')} "
            "(run with BACKPAIN_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return 1
