"""The `backpain-content` command: export, list, schema and validate."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import NoReturn

from ._version import __version__
from .content import bundled_articles, load_article, load_bundled, load_clinic
from .errors import ContentError
from .formats import FORMATS, PAPERS, format_names
from .model import Article, Clinic

__all__ = ["main"]

PROG = "backpain-content"
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, like every other bad-input message, rather than usage and error.
        self.exit(EXIT_BAD_INPUT, f"{PROG}: error: {message} (see {PROG} --help)\n")


def _parser() -> argparse.ArgumentParser:
    formats = "\n".join(f"  {f.name:<6} {f.description}" for f in FORMATS)
    parser = _Parser(
        prog=PROG,
        description="Render the patient guide 'Dry Needling for Back Pain' in several formats.",
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
        "--clinic", metavar="FILE.toml", help="the clinic's own name, contact details and branding"
    )
    export.add_argument(
        "article",
        nargs="?",
        metavar="ARTICLE_FILE",
        help="a guide's TOML file (default: the bundled guide)",
    )

    commands.add_parser(
        "list", help="list the bundled guides", description="List the bundled guides."
    )
    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of a guide file (or a clinic file)",
        description="Print the JSON Schema of a guide's or a clinic's TOML file, for editors.",
    )
    schema.add_argument(
        "kind", nargs="?", choices=("article", "clinic"), default="article", help="default: article"
    )
    validate = commands.add_parser(
        "validate",
        help="check a guide's TOML file",
        description="Check a guide's TOML file and report the first problem.",
    )
    validate.add_argument("file", metavar="FILE", help="the guide's TOML file")
    return parser


def schema_json(kind: str = "article") -> str:
    """The JSON Schema of a guide (`article`) or clinic file, as `schema` prints it."""
    model = Article if kind == "article" else Clinic
    return json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False) + "\n"


def _run(args: argparse.Namespace) -> int:
    if args.command == "list":
        for name in bundled_articles():
            article = load_bundled(name)
            print(f"{name}\t{article.provenance.version}\t{article.title}")
        return 0
    if args.command == "schema":
        sys.stdout.write(schema_json(args.kind))
        return 0
    if args.command == "validate":
        article = load_article(args.file)
        version = article.provenance.version
        print(f"{args.file}: valid ({article.id}, {article.language}, version {version})")
        return 0
    from .export import export

    article = load_article(args.article)
    clinic = load_clinic(args.clinic) if args.clinic else None
    formats = None if args.format == "all" else [args.format]
    if formats is None:
        for fmt in FORMATS:
            if not fmt.available():
                print(f"{PROG}: note: skipping {fmt.name}: {fmt.missing}", file=sys.stderr)
    if args.large_print:
        formats = ["pdf-large"]
    for path in export(article, args.out, formats=formats, clinic=clinic, paper=args.paper):
        print(path)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input)."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except ContentError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
