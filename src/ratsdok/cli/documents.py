"""The document commands of ``ratsdok``: validate, show."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ratsdok.cli.summary import describe
from ratsdok.errors import Problem, RatsdokError
from ratsdok.store.anlagen import check_anlagen, check_hauptdokument
from ratsdok.store.files import AnlagenCheck, load, read_document

__all__ = ["add_document_commands"]


def _cmd_validate(args: argparse.Namespace) -> int:
    status = 0
    for name in args.files:
        problems: list[Problem] = []
        warnings: list[Problem] = []
        try:
            doc, _ = read_document(Path(name), anlagen=args.anlagen)
            warnings = doc.warnings()
        except RatsdokError as exc:
            problems = list(exc.problems)
        for p in problems:
            print(p if p.file else f"{name}: {p}", file=sys.stdout)
        for w in warnings:  # valid, but not as a new document would be
            print(f"Hinweis: {w}", file=sys.stderr)
        if problems:
            status = 1
        elif not args.quiet:
            print(f"{name}: valid", file=sys.stderr)
    return status


def _cmd_show(args: argparse.Namespace) -> int:
    path = Path(args.file)
    v = load(path, anlagen=AnlagenCheck.IGNORE)
    folder = path.parent
    haupt = check_hauptdokument(v, folder)
    sys.stdout.write(describe(v, check_anlagen(v, folder), hauptdokument=haupt))
    return 0


def add_document_commands(sub: Any) -> None:
    """Register ``validate`` and ``show``."""
    p = sub.add_parser(
        "validate",
        help="check ratsdok XML files (schema, rules, Anlage files)",
        description="Check each FILE; print one line per problem as FILE:LINE: message.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--anlagen",
        choices=[m.value for m in AnlagenCheck],
        default=AnlagenCheck.CHECK.value,
        help="check: present Anlage files must match (default); require: all must be present",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing for valid files")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser(
        "show",
        help="print a readable summary of a Vorlage",
        description="Print Nummer, Art, Betreff, Beratungsfolge and Anlagen of FILE.",
    )
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=_cmd_show)
