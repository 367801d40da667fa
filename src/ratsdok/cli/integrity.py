"""The integrity commands of the ``ratsdok`` command line: seal, sign, verify."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from ratsdok.cli._output import (
    error_report,
    message_stream,
    print_problems,
    print_reports,
    with_file,
    write_output,
)
from ratsdok.errors import Problem, RatsdokError
from ratsdok.integrity.bindung import Bindungen
from ratsdok.integrity.zeitstempel import TSA_TIMEOUT
from ratsdok.report import Report
from ratsdok.store.files import read_bytes
from ratsdok.verification.detect import HEAD_BYTES, InputKind, detect

__all__ = ["add_integrity_commands"]


def _xml_input(name: str) -> bytes:
    """The bytes of a ratsdok XML file; a PDF or ZIP gets a hint instead of an XML error."""
    data = read_bytes(name)
    kind = detect(data[:HEAD_BYTES])
    if kind is not InputKind.XML:
        raise RatsdokError(
            Problem(
                f"this is a {kind.value.upper()}; seal and sign work on ratsdok XML (for a "
                "bundle: 'ratsdok extract' gives its ratsdok.xml)",
                file=name,
            )
        )
    return data


def _cmd_seal(args: argparse.Namespace) -> int:
    from ratsdok.integrity.seal import (
        seal_document,
        stale_signatures,
        zeitstempel_matches,
        zeitstempel_of,
    )
    from ratsdok.xml.mapping import parse_document

    doc = parse_document(_xml_input(args.file), source=args.file)
    dropped = args.tsa is None and zeitstempel_matches(doc) is False
    sealed = seal_document(doc, tsa=args.tsa, tsa_timeout=args.tsa_timeout)
    write_output(args.output, sealed.to_bytes())
    stamp = zeitstempel_of(sealed) if args.tsa is not None else None
    if stamp is not None:
        print(
            f"{args.output}: zeitstempel {stamp.zeit_text} by {stamp.tsa} (from {args.tsa})",
            file=message_stream(args.output),
        )
    if dropped:
        print(
            f"{args.file}: warning: the zeitstempel covered an earlier state of the Vorlage "
            "and was removed; stamp it again with --tsa URL",
            file=sys.stderr,
        )
    for sig in stale_signatures(sealed):
        print(
            f"{args.file}: warning: {sig} signs an earlier state of the Vorlage and is no "
            "longer valid; sign that Unterzeichnung again",
            file=sys.stderr,
        )
    return 0


def _cmd_sign(args: argparse.Namespace) -> int:
    from ratsdok.integrity.sign import load_certificate, load_private_key, sign

    key = load_private_key(Path(args.key))
    cert = load_certificate(Path(args.cert))
    data = sign(
        _xml_input(args.file),
        key=key,
        cert=cert,
        unterzeichnung=args.unterzeichnung,
        name=args.file,
    )
    write_output(args.output, data)
    now = datetime.now(UTC)
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        print(
            f"{args.cert}: warning: the certificate is valid only from "
            f"{cert.not_valid_before_utc:%Y-%m-%d} to {cert.not_valid_after_utc:%Y-%m-%d}; "
            "verify will report this signature as expired",
            file=sys.stderr,
        )
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from ratsdok.verification import verify_any

    status = 0
    reports: list[Report] = []
    trust = [Path(t) for t in args.trust or []] or None
    bindung = Bindungen.load(Path(args.bindung)) if args.bindung else None
    for name in args.files:
        try:
            report = verify_any(
                Path(name),
                trust=trust,
                require_signatures=args.require_signatures,
                bindung=bindung,
                vorlage=Path(args.vorlage) if args.vorlage else None,
            )
        except RatsdokError as exc:
            status = 1
            if args.json:
                reports.append(error_report(name, exc))
            else:
                print_problems(with_file(exc.problems, name))
            continue
        if not report.ok:
            # 3: nothing failed, but something could not be checked (pages made by
            # another renderer version); 1 wins over 3 across files.
            status = 1 if status == 1 or not report.unchecked else 3
        reports.append(report)
        if not args.json:  # as each file is done: a long run shows progress
            print_reports([report], as_json=False, verbose=args.verbose)
    if args.json:
        print_reports(reports, as_json=True)
    return status


def add_integrity_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``seal``, ``sign`` and ``verify``."""
    p = sub.add_parser(
        "seal",
        help="add or refresh the hash seal (pruefsumme) of a ratsdok XML file",
        description="Write FILE with an up-to-date SHA-256 seal over its Vorlage to OUT "
        "(OUT may be FILE). Existing signatures are kept; a time stamp that no longer "
        "covers the Vorlage is removed.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.add_argument(
        "--tsa",
        metavar="URL",
        help="also store an RFC 3161 time stamp over the seal from this time stamp authority "
        "(replaces one there was; the document then says format 1.2.0)",
    )
    p.add_argument(
        "--tsa-timeout",
        type=float,
        default=TSA_TIMEOUT,
        metavar="SECONDS",
        help=f"how long to wait for the time stamp authority (default {TSA_TIMEOUT:g})",
    )
    p.set_defaults(func=_cmd_seal)

    p = sub.add_parser(
        "sign",
        help="sign one Unterzeichnung of a ratsdok XML file (XMLDSig)",
        description="Add a signature for Unterzeichnung N (1-based) with the PEM key and "
        "certificate; the seal is refreshed first, other signatures stay valid.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--key", required=True, metavar="KEY", help="PEM private key (RSA ≥ 3072, P-256)"
    )
    p.add_argument("--cert", required=True, metavar="CERT", help="PEM certificate of the key")
    p.add_argument("--unterzeichnung", required=True, type=int, metavar="N")
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.set_defaults(func=_cmd_sign)

    p = sub.add_parser(
        "verify",
        help="verify seal, Anlagen and signatures of ratsdok XML, bundle PDFs and archive ZIPs",
        description="Check each FILE (ratsdok XML, bundle PDF or xdomea archive ZIP) and print "
        "one line per part. Exit status 0 only when every part of every file is fine; "
        "1 when something failed; 3 when nothing failed but something could not be "
        "checked (pages made by another ratsdok or Typst version).",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--trust", action="append", metavar="CA.pem", help="trusted CA certificate (repeatable)"
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument(
        "-v", "--verbose", action="store_true", help="list every check of an archive's Vorgänge"
    )
    p.add_argument(
        "--require-signatures",
        action="store_true",
        help="every Unterzeichnung must carry a signature (default: a block without one is "
        "listed as unsigned, and fine)",
    )
    p.add_argument(
        "--vorlage",
        metavar="XML",
        help="the Vorlage a rendered PDF (ratsdok render, perhaps signed) was made from; "
        "its pages are compared with a fresh rendering",
    )
    p.add_argument(
        "--bindung",
        metavar="FILE",
        help="JSON file binding certificates (SHA-256 fingerprint) to printed names beyond "
        "the default rule (see docs/pades.md)",
    )
    p.set_defaults(func=_cmd_verify)
