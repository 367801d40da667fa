"""The OParl commands of ``ratsdok``: oparl import, oparl export."""

from __future__ import annotations

import argparse
import contextlib
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ratsdok.cli._batch import add_executor_options, print_failures, print_json, run_options
from ratsdok.cli._output import folder_option, to_stdout, write_output
from ratsdok.errors import OutputError, Problem, RatsdokError
from ratsdok.store.files import AnlagenCheck, load, save
from ratsdok.xml.mapping import to_xml

__all__ = ["add_oparl_commands"]


def _cmd_oparl_import(args: argparse.Namespace) -> int:
    from ratsdok.oparl import import_paper

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
    if len(result.vorlagen) == 1 and to_stdout(args.output):
        write_output(args.output, to_xml(result.vorlagen[0]))
        return 0
    if len(result.vorlagen) == 1 and not out.is_dir():
        save(result.vorlagen[0], out)
        return 0
    out = folder_option(args.output, "-o")
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


def _cmd_oparl_import_dump(args: argparse.Namespace) -> int:
    from ratsdok.interop.batch import Fortschritt
    from ratsdok.interop.oparl.dump import import_dump

    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise OutputError(Problem("not a folder (-o names the folder for the Vorlagen)", str(out)))
    out.mkdir(parents=True, exist_ok=True)
    progress = None if args.quiet else Fortschritt("oparl import", unit="Papers")
    with contextlib.ExitStack() as stack:
        bericht = import_dump(
            args.dump,
            out,
            **run_options(args, stack),
            progress=progress,
        )
    if args.json:
        print_json(bericht.to_dict())
    print_failures(bericht.fehler, bericht.fehlgeschlagen, bericht.bericht)
    if not args.quiet:
        print(
            f"{bericht.papers} Papers: {bericht.vorlagen} Vorlagen written to {out}, "
            f"{bericht.uebersprungen} skipped, {bericht.doppelt} twice, "
            f"{bericht.fehlgeschlagen} failed; {bericht.unmapped} values not mapped "
            f"(per Paper: {bericht.bericht})",
            file=sys.stderr,
        )
    return 0 if bericht.ok else 1


def _stand(value: str) -> date | datetime:
    """The value of ``--stand``: an ISO 8601 date, or a date and time with its UTC offset."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an ISO 8601 date (2024-01-31) or date and time "
            "(2024-01-31T18:00:00+01:00)"
        ) from None
    offset = when.utcoffset()
    if offset is None:
        raise argparse.ArgumentTypeError(
            f"{value!r} has no UTC offset (such as +01:00 or Z), so the time is ambiguous"
        )
    if offset % timedelta(minutes=1):
        raise argparse.ArgumentTypeError(f"{value!r}: the UTC offset must be whole minutes")
    return when


def _cmd_oparl_export(args: argparse.Namespace) -> int:
    from ratsdok.oparl import dump_json, export_paper

    path = Path(args.file)
    v = load(path, anlagen=AnlagenCheck.CHECK)
    paper = export_paper(
        v,
        base_url=args.base_url,
        anlagen_dir=path.parent,
        stand=args.stand,
        nichtoeffentlich_freigeben=args.nichtoeffentlich_freigeben,
    )
    write_output(args.output, dump_json(paper))
    return 0


def add_oparl_commands(sub: Any) -> None:
    """Register ``oparl import`` and ``oparl export``."""
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
        "import-dump",
        help="a whole body's OParl dump → a folder of ratsdok XML files",
        description="Import every Paper of DUMP (a folder of list pages and objects, *.json, "
        "or JSON Lines files, *.jsonl) as OUT/<uuid>.xml, in parallel; the Meetings, "
        "Organizations, Consultations and Files of the dump are looked up. What could not "
        "be mapped is listed per Paper in OUT/ratsdok-oparl.bericht.jsonl.",
    )
    q.add_argument("dump", metavar="DUMP")
    q.add_argument("-o", "--output", required=True, metavar="OUT", help="folder")
    add_executor_options(q, chunk=16)  # a Paper imports in milliseconds: batch them
    q.set_defaults(func=_cmd_oparl_import_dump)
    q = osub.add_parser(
        "export",
        help="ratsdok XML → OParl 1.1 Paper JSON",
        description="Export FILE as an OParl 1.1 Paper; the Hauptdokument and Anlage files "
        "next to it give size and sha512Checksum. OParl publishes public data only: a "
        "nichtöffentliche Vorlage is refused unless --nichtoeffentlich-freigeben is given.",
    )
    q.add_argument("file", metavar="FILE")
    q.add_argument("-o", "--output", required=True, metavar="JSON")
    q.add_argument("--base-url", required=True, metavar="URL", help="base of the OParl ids")
    q.add_argument(
        "--stand",
        type=_stand,
        metavar="ISO-DATE-OR-DATETIME",
        help="created/modified of the Paper where no Quelle gives them, instead of the "
        "Vorlage's dates (needed when it has no datum and no Sitzungstermin): "
        "2024-01-31 (midnight in Berlin) or 2024-01-31T18:00:00+01:00",
    )
    q.add_argument(
        "--nichtoeffentlich-freigeben",
        action="store_true",
        help="export a Vorlage that says it is nichtöffentlich all the same (it is "
        "published with everything but its non-public Anlagen)",
    )
    q.set_defaults(func=_cmd_oparl_export)
