"""The archival commands of the ``ratsdok`` command line: archive, archive-verify."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from ratsdok.cli._output import print_reports
from ratsdok.errors import OutputError, Problem

__all__ = ["add_archive_commands"]


def _uuid(text: str) -> UUID:
    """``--prozess-id``: a UUID, or argparse's one-line error naming the option."""
    try:
        return UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a UUID: {text!r}") from None


def _positive(text: str) -> int:
    """A limit in bytes: a positive whole number."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {value}")
    return value


def _zeitpunkt(text: str) -> datetime:
    """``--zeitpunkt``: an ISO 8601 date and time (UTC where no offset is given)."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 date and time: {text!r} (e.g. 2026-01-31T12:00:00+01:00)"
        ) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _cmd_archive(args: argparse.Namespace) -> int:
    from ratsdok.interop.xdomea import archive

    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise OutputError(
            Problem("not a folder (-o names the folder the ZIP goes into)", file=str(out))
        )
    out.mkdir(parents=True, exist_ok=True)  # like extract -d
    trust = [Path(t) for t in args.trust or []] or None
    path = archive(
        args.files, out, prozess_id=args.prozess_id, zeitpunkt=args.zeitpunkt, trust=trust
    )
    sys.stdout.write(f"{path}\n")
    return 0


def _cmd_archive_verify(args: argparse.Namespace) -> int:
    from ratsdok.interop.xdomea import verify_archive

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
        help="write an xdomea 3.0.0 Aussonderung (0503) ZIP for the archive",
        description="Write <ProzessID>_Aussonderung.Aussonderung.0503.zip into OUTDIR with "
        "the message, the Vorlagen as PDF/A-2a (tagged, PDF/UA-1), their Anlagen and "
        "manifest.sha256.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
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
    p.set_defaults(func=_cmd_archive)

    p = sub.add_parser(
        "archive-verify",
        help="check an archive ZIP: manifest, ratsdok digests, seals and signatures",
        description="Check every file of ZIP and each Vorlage's seal and signatures; report "
        "per Vorgang; exit 1 if anything fails.",
    )
    p.add_argument("zip", metavar="ZIP")
    p.add_argument("-v", "--verbose", action="store_true", help="also list files that are ok")
    p.add_argument(
        "--trust", action="append", metavar="CA.pem", help="trusted CA certificate (repeatable)"
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--max-entry-bytes",
        type=_positive,
        metavar="N",
        help="largest uncompressed entry accepted, in bytes (default 4 GiB)",
    )
    p.add_argument(
        "--max-total-bytes",
        type=_positive,
        metavar="N",
        help="largest uncompressed total of all entries, in bytes (default 64 GiB)",
    )
    p.set_defaults(func=_cmd_archive_verify)
