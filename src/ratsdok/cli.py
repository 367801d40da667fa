"""The ``ratsdok`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ratsdok.anlagen import check_anlagen
from ratsdok.errors import RatsdokError
from ratsdok.files import AnlagenCheck, load, validate_xml
from ratsdok.summary import describe
from ratsdok.version import __version__

__all__ = ["main"]


def _cmd_validate(args: argparse.Namespace) -> int:
    status = 0
    for name in args.files:
        problems = validate_xml(Path(name), anlagen=args.anlagen)
        for p in problems:
            print(p if p.file else f"{name}: {p}", file=sys.stdout)
        if problems:
            status = 1
        elif not args.quiet:
            print(f"{name}: valid", file=sys.stderr)
    return status


def _cmd_show(args: argparse.Namespace) -> int:
    path = Path(args.file)
    v = load(path, anlagen=AnlagenCheck.IGNORE)
    sys.stdout.write(describe(v, check_anlagen(v, path.parent)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation tools)."""
    parser = argparse.ArgumentParser(
        prog="ratsdok", description="Vorlagen kommunaler Gremien: XML, PDF, Signaturen, Archiv."
    )
    parser.add_argument("--version", action="version", version=f"ratsdok {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except RatsdokError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return result


if __name__ == "__main__":
    sys.exit(main())
