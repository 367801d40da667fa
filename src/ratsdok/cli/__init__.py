"""The ``ratsdok`` command line."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ratsdok.cli.archive import add_archive_commands
from ratsdok.cli.integrity import add_integrity_commands
from ratsdok.cli.pdf import add_pdf_commands
from ratsdok.cli.summary import describe
from ratsdok.errors import Problem, RatsdokError
from ratsdok.store.anlagen import check_anlagen
from ratsdok.store.files import AnlagenCheck, load, validate_xml
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


def _cmd_oparl_import(args: argparse.Namespace) -> int:
    from ratsdok.oparl import import_paper
    from ratsdok.store.files import save

    result = import_paper(
        Path(args.file),
        meetings=args.meetings or None,
        organizations=args.organizations or None,
        papers=args.papers or None,
        consultations=args.consultations or None,
        files=args.files or None,
    )
    if not args.quiet:
        for u in result.unmapped:
            print(f"{args.file}: {u}", file=sys.stderr)
    if not result.vorlagen:
        raise RatsdokError(Problem("no Paper could be imported (see above)", file=args.file))
    out = Path(args.output)
    if len(result.vorlagen) == 1 and not out.is_dir():
        save(result.vorlagen[0], out)
        return 0
    if not out.is_dir():
        raise RatsdokError(
            Problem(
                f"the input holds {len(result.vorlagen)} Papers; give an existing folder "
                "with -o to write one XML file per Vorlage",
                file=str(out),
            )
        )
    for v in result.vorlagen:
        save(v, out / f"{v.uuid}.xml")
    if not args.quiet:
        print(f"{len(result.vorlagen)} Vorlagen written to {out}", file=sys.stderr)
    return 0


def _cmd_oparl_export(args: argparse.Namespace) -> int:
    from ratsdok.oparl import dump_json, export_paper
    from ratsdok.store.atomic import write_atomic

    path = Path(args.file)
    v = load(path, anlagen=AnlagenCheck.CHECK)
    write_atomic(
        args.output, dump_json(export_paper(v, base_url=args.base_url, anlagen_dir=path.parent))
    )
    return 0


def _add_oparl(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "oparl",
        help="import OParl Papers as Vorlagen, export Vorlagen as OParl 1.1 Papers",
        description="OParl 1.0/1.1 interoperability.",
    )
    osub = p.add_subparsers(dest="oparl_command", required=True, metavar="ACTION")
    q = osub.add_parser(
        "import",
        help="OParl Paper (or list page) → ratsdok XML",
        description="Import FILE (a Paper or a list page of Papers). Values that could not "
        "be mapped are listed on stderr. A list page needs -o FOLDER (one UUID.xml each).",
    )
    q.add_argument("file", metavar="FILE")
    q.add_argument("-o", "--output", required=True, metavar="OUT", help="XML file or folder")
    q.add_argument(
        "--meetings", action="append", metavar="JSON", help="Meeting object/list page (repeatable)"
    )
    q.add_argument(
        "--organizations",
        action="append",
        metavar="JSON",
        help="Organization object/list page (repeatable)",
    )
    for name, what in (
        ("papers", "Paper object/list page, for related Papers"),
        ("consultations", "Consultation object(s) a Paper references by URL"),
        ("files", "File object(s) a Paper references by URL"),
    ):
        q.add_argument(f"--{name}", action="append", metavar="JSON", help=f"{what} (repeatable)")
    q.add_argument("-q", "--quiet", action="store_true", help="do not list unmapped values")
    q.set_defaults(func=_cmd_oparl_import)
    q = osub.add_parser(
        "export",
        help="ratsdok XML → OParl 1.1 Paper JSON",
        description="Export FILE as an OParl 1.1 Paper; Anlage files next to it give "
        "size and sha512Checksum.",
    )
    q.add_argument("file", metavar="FILE")
    q.add_argument("-o", "--output", required=True, metavar="JSON")
    q.add_argument("--base-url", required=True, metavar="URL", help="base of the OParl ids")
    q.set_defaults(func=_cmd_oparl_export)


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
    _add_oparl(sub)
    add_pdf_commands(sub)
    add_integrity_commands(sub)
    add_archive_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except RatsdokError as exc:
        source = getattr(args, "file", None)
        for p in exc.problems:
            if p.file is None and isinstance(source, str):
                # The command's one input file: name it where the library could not.
                p = dataclasses.replace(p, file=source)
            print(p, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away; stop quietly like other Unix tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    return result


if __name__ == "__main__":
    sys.exit(main())
