"""The integrity commands of the ``ratsdok`` command line: seal, sign, verify."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ratsdok.errors import Problem, RatsdokError
from ratsdok.store.atomic import write_atomic
from ratsdok.store.files import read_bytes

__all__ = ["add_integrity_commands"]


def _xml_input(name: str) -> bytes:
    """The bytes of a ratsdok XML file; a PDF gets a hint instead of an XML syntax error."""
    data = read_bytes(name)
    if data.lstrip()[:5] == b"%PDF-":
        raise RatsdokError(
            Problem(
                "this is a PDF; seal and sign work on ratsdok XML (for a bundle: "
                "'ratsdok extract' gives its ratsdok.xml)",
                file=name,
            )
        )
    return data


def _cmd_seal(args: argparse.Namespace) -> int:
    from ratsdok.integrity.seal import seal, stale_signatures

    sealed = seal(_xml_input(args.file), name=args.file)
    write_atomic(args.output, sealed)
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
    write_atomic(args.output, data)
    now = datetime.now(UTC)
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        print(
            f"{args.cert}: warning: the certificate is valid only from "
            f"{cert.not_valid_before_utc:%Y-%m-%d} to {cert.not_valid_after_utc:%Y-%m-%d}; "
            "verify will report this signature as expired",
            file=sys.stderr,
        )
    return 0


def _is_zip(name: str) -> bool:
    try:
        with open(name, "rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _verify_zip(name: str, trust: list[Path] | None, as_json: bool, reports: list[Any]) -> int:
    """An xdomea archive ZIP: every file against its manifest and the ratsdok digests."""
    import dataclasses

    from ratsdok.cli.archive import print_archive_result
    from ratsdok.interop.xdomea.export import verify_archive

    try:
        result = verify_archive(name, trust=trust)
    except RatsdokError as exc:
        for p in exc.problems:
            print(p if p.file else f"{name}: {p}", file=sys.stderr)
        return 1
    if as_json:
        reports.append({"source": name, "ok": result.ok, **dataclasses.asdict(result)})
    else:
        print_archive_result(result)
    return 0 if result.ok else 1


def _cmd_verify(args: argparse.Namespace) -> int:
    from ratsdok.integrity.check import verify

    status = 0
    reports: list[Any] = []
    trust = [Path(t) for t in args.trust or []] or None
    for name in args.files:
        if _is_zip(name):
            status |= _verify_zip(name, trust, args.json, reports)
            continue
        try:
            result = verify(Path(name), trust=trust)
        except RatsdokError as exc:
            status = 1
            problems = [
                p if p.file else Problem(p.message, name, p.line, p.field) for p in exc.problems
            ]
            if args.json:
                reports.append({"source": name, "ok": False, "errors": [str(p) for p in problems]})
            else:
                for p in problems:
                    print(p, file=sys.stderr)
            continue
        if not result.ok:
            status = 1
        if args.json:
            reports.append(result.to_dict())
            continue
        for part in result.parts:
            print(f"{name}: {part.label}: {part}")
        for hinweis in result.hinweise:
            print(f"{name}: Hinweis: {hinweis}")
        print(f"{name}: Prüfwert {result.pruefwert}")
        print(f"{name}: {'OK' if result.ok else 'NOT OK'}")
    if args.json:
        json.dump(
            reports if len(reports) != 1 else reports[0],
            sys.stdout,
            ensure_ascii=False,
            indent=2,
            default=str,
        )
        sys.stdout.write("\n")
    return status


def add_integrity_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``seal``, ``sign`` and ``verify``."""
    p = sub.add_parser(
        "seal",
        help="add or refresh the hash seal (pruefsumme) of a ratsdok XML file",
        description="Write FILE with an up-to-date SHA-256 seal over its Vorlage to OUT "
        "(OUT may be FILE). Existing signatures are kept.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="OUT")
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
        "one line per part. Exit status 0 only when every part of every file is fine.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--trust", action="append", metavar="CA.pem", help="trusted CA certificate (repeatable)"
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(func=_cmd_verify)
