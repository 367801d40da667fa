"""The archival commands of the ``ratsdok`` command line: archive, archive-verify."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from ratsdok.cli._batch import (
    add_executor_options,
    chunk_size,
    executor_from,
    positive,
    print_failures,
    print_json,
)
from ratsdok.cli._output import folder_option, print_reports
from ratsdok.errors import OutputError, Problem, RatsdokError
from ratsdok.store.files import xml_files_below

__all__ = ["add_archive_commands"]


def _uuid(text: str) -> UUID:
    """``--prozess-id``: a UUID, or argparse's one-line error naming the option."""
    try:
        return UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a UUID: {text!r}") from None


def _zeitpunkt(text: str) -> datetime:
    """``--zeitpunkt``: an ISO 8601 date and time (UTC where no offset is given)."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 date and time: {text!r} (e.g. 2026-01-31T12:00:00+01:00)"
        ) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _groesse(text: str) -> int:
    """``--max-groesse``: bytes, or a number with K, M, G or T (powers of 1024)."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    factor = units.get(text[-1:].upper(), 1)
    number = text[:-1] if factor > 1 else text
    return positive(number) * factor


def _inputs(names: list[str]) -> Iterator[Path]:
    """The XML files named, a folder standing for every ``*.xml`` below it, in sorted
    order (walked folder by folder: the list of a whole tree is never held)."""
    for name in names:
        p = Path(name)
        yield from xml_files_below(p) if p.is_dir() else (p,)


def _cmd_archive(args: argparse.Namespace) -> int:
    from ratsdok.interop.batch import Fortschritt
    from ratsdok.interop.xdomea import archive_batch

    out = folder_option(args.output, "-o")
    if out.exists() and not out.is_dir():
        raise OutputError(
            Problem("not a folder (-o names the folder the ZIP goes into)", file=str(out))
        )
    out.mkdir(parents=True, exist_ok=True)  # like extract -d
    trust = [Path(t) for t in args.trust or []] or None
    total = sum(1 for _ in _inputs(args.files))  # counted first, for the progress
    if not total:
        raise RatsdokError(Problem("no XML files to archive", file=" ".join(args.files)))
    progress = None if args.quiet else Fortschritt("archive", total)
    with contextlib.ExitStack() as stack:
        executor = executor_from(args, stack)
        lauf = archive_batch(
            _inputs(args.files),
            out,
            prozess_id=args.prozess_id,
            zeitpunkt=args.zeitpunkt,
            max_groesse=args.max_groesse,
            max_anzahl=args.max_anzahl,
            executor=executor,
            workers=args.workers,
            window=args.window,
            chunk=chunk_size(args),
            trust=trust,
            progress=progress,
        )
    if args.json:
        print_json(lauf.to_dict())
    else:
        for path in lauf.neue_zips:
            sys.stdout.write(f"{path}\n")
    print_failures(lauf.fehler, lauf.fehlgeschlagen, lauf.fehler_datei)
    if lauf.nichts_zu_tun:
        print(
            f"nothing to do: all {lauf.schon_archiviert} Vorlagen are already archived in "
            f"{len(lauf.zips)} ZIP(s) of run {lauf.prozess_id} (index: {lauf.index})",
            file=sys.stderr,
        )
    elif not args.quiet:
        print(
            f"{lauf.archiviert} Vorlagen archived in {len(lauf.neue_zips)} new ZIP(s), "
            f"{lauf.schon_archiviert} already archived, {lauf.fehlgeschlagen} failed "
            f"(index: {lauf.index})",
            file=sys.stderr,
        )
    return 0 if lauf.ok else 1


def _verify_run(args: argparse.Namespace) -> int:
    """``archive-verify OUTDIR``: every ZIP of the run (in parallel) and the index."""
    from ratsdok.interop.xdomea.verify_batch import verify_batch

    trust = [Path(t) for t in args.trust or []] or None
    ok = True
    reports = []
    with contextlib.ExitStack() as stack:
        executor = executor_from(args, stack)
        for r in verify_batch(args.zip, trust=trust, executor=executor, workers=args.workers):
            ok = ok and r.ok
            if args.json:
                reports.append(r)
            else:  # printed as each ZIP is done: a run may hold thousands
                print_reports([r], as_json=False, verbose=args.verbose)
    if args.json:
        print_reports(reports, as_json=True)
    return 0 if ok else 1


def _cmd_archive_verify(args: argparse.Namespace) -> int:
    from ratsdok.interop.xdomea import verify_archive

    if Path(args.zip).is_dir():
        return _verify_run(args)
    limits = {
        k: v
        for k, v in (("max_entry", args.max_entry_bytes), ("max_total", args.max_total_bytes))
        if v is not None
    }
    result = verify_archive(args.zip, trust=[Path(t) for t in args.trust or []] or None, **limits)
    print_reports([result], as_json=args.json, verbose=args.verbose)
    return 0 if result.ok else 1


def add_archive_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``archive`` and ``archive-verify``."""
    p = sub.add_parser(
        "archive",
        help="write xdomea 3.0.0 Aussonderung (0503) ZIPs for the archive",
        description="Write <ProzessID>_Aussonderung.Aussonderung.0503.zip into OUTDIR with "
        "the message, the Vorlagen as PDF/A-2a (tagged, PDF/UA-1), their Anlagen and "
        "manifest.sha256; with --max-groesse or --max-anzahl, several such ZIPs. OUTDIR "
        "records the run (ratsdok-archiv.json, ratsdok-archiv.index.jsonl): run the same "
        "command again to continue an interrupted run.",
    )
    p.add_argument(
        "files", nargs="+", metavar="FILE", help="ratsdok XML file, or a folder (its *.xml)"
    )
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR")
    p.add_argument(
        "--prozess-id", metavar="UUID", type=_uuid, help="fix the ProzessID (default: random)"
    )
    p.add_argument(
        "--zeitpunkt",
        metavar="ISO",
        type=_zeitpunkt,
        help="fix the creation time, ISO 8601 like 2026-01-31T12:00:00+01:00 (default: now; "
        "without an offset: UTC)",
    )
    p.add_argument(
        "--trust",
        action="append",
        metavar="CA.pem",
        help="trusted CA certificate (repeatable): signed blocks are marked as signed in the "
        "archive PDF only where their signature chains to one and is by the person printed",
    )
    p.add_argument(
        "--max-groesse",
        type=_groesse,
        metavar="BYTES",
        help="start a new ZIP before one would grow beyond this (like 2G or 500M)",
    )
    p.add_argument("--max-anzahl", type=positive, metavar="N", help="at most N Vorlagen per ZIP")
    add_executor_options(p)
    p.set_defaults(func=_cmd_archive)

    p = sub.add_parser(
        "archive-verify",
        help="check an archive ZIP: manifest, ratsdok digests, seals and signatures",
        description="Check every file of ZIP and each Vorlage's seal and signatures; report "
        "per Vorgang; exit 1 if anything fails. Given the output folder of an archive run, "
        "check each of its ZIPs (in parallel) and the index against them.",
    )
    p.add_argument("zip", metavar="ZIP", help="a ZIP, or the output folder of an archive run")
    p.add_argument("-v", "--verbose", action="store_true", help="also list files that are ok")
    p.add_argument(
        "--trust", action="append", metavar="CA.pem", help="trusted CA certificate (repeatable)"
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--max-entry-bytes",
        type=positive,
        metavar="N",
        help="largest uncompressed entry accepted, in bytes (default 4 GiB)",
    )
    p.add_argument(
        "--max-total-bytes",
        type=positive,
        metavar="N",
        help="largest uncompressed total of all entries, in bytes (default 64 GiB)",
    )
    add_executor_options(p, summary=False)
    p.set_defaults(func=_cmd_archive_verify)
