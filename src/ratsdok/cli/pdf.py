"""The PDF subcommands of ``ratsdok``: render, bundle, extract."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ratsdok.store.files import AnlagenCheck, read_document

__all__ = ["add_pdf_commands"]

_TRUST_HELP = (
    "trusted CA certificate (repeatable): a signed block is marked 'elektronisch signiert' "
    "only where its signature chains to one and is by the person printed"
)


def _cmd_render(args: argparse.Namespace) -> int:
    from ratsdok.integrity.verify import signature_marks, unmarked_note
    from ratsdok.pdf.ansicht import tabellen_ohne_kopf
    from ratsdok.pdf.render import render_pdf
    from ratsdok.pdf.validation import gate_tagged
    from ratsdok.store.atomic import write_atomic

    doc, v = read_document(Path(args.file), anlagen=AnlagenCheck.IGNORE)
    marks = signature_marks(doc, trust=args.trust)
    note = unmarked_note(doc, marks, trusted=args.trust is not None)
    if note is not None:
        print(f"Hinweis: {note}", file=sys.stderr)
    data = render_pdf(v, signiert=marks)
    # Checked before it is written: what the CLI writes is what it claims.
    gate_tagged(
        data, ["3a", "ua1"], what=f"the rendered {v.nummer}", ohne_kopf=tabellen_ohne_kopf(v)
    )
    write_atomic(Path(args.output), data)
    return 0


def _cmd_bundle(args: argparse.Namespace) -> int:
    from ratsdok.pdf.bundling import NichtKonform, bundle_to_file

    if args.nichtoeffentlich_freigeben and not args.oeffentlich:
        print("--nichtoeffentlich-freigeben applies only with --oeffentlich", file=sys.stderr)
        return 2
    if args.barrierefrei and args.embed_nonconforming:
        print("--embed-nonconforming does not apply with --barrierefrei", file=sys.stderr)
        return 2
    path = Path(args.file)
    doc, v = read_document(path, anlagen=AnlagenCheck.REQUIRE)
    if args.barrierefrei:
        from ratsdok.pdf.bundling import build_barrierefrei
        from ratsdok.store.atomic import write_atomic

        result = build_barrierefrei(
            v,
            path.parent,
            oeffentlich_only=args.oeffentlich,
            xml=doc,
            nichtoeffentlich_freigeben=args.nichtoeffentlich_freigeben,
            trust=args.trust,
        )
        write_atomic(Path(args.output), result.data)
        for h in result.hinweise:
            print(f"Hinweis: {h}", file=sys.stderr)
        return 0
    hinweise = bundle_to_file(
        v,
        path.parent,
        Path(args.output),
        oeffentlich_only=args.oeffentlich,
        nicht_konform=NichtKonform.EINBETTEN if args.embed_nonconforming else NichtKonform.FEHLER,
        xml=doc,
        nichtoeffentlich_freigeben=args.nichtoeffentlich_freigeben,
        trust=args.trust,
    )
    for h in hinweise:
        print(f"Hinweis: {h}", file=sys.stderr)
    return 0


def _cmd_extract(args: argparse.Namespace) -> int:
    from ratsdok.pdf.extraction import extract

    result = extract(Path(args.file), Path(args.directory), force=args.force)
    for p in result.problems:
        print(p, file=sys.stderr)
    if not args.quiet:
        for w in result.written:
            print(w, file=sys.stdout)
    return 0 if result.ok else 1


def add_pdf_commands(sub: Any) -> None:
    """Add ``render``, ``bundle`` and ``extract`` to the subparsers *sub*."""
    p = sub.add_parser(
        "render",
        help="render a Vorlage as PDF (without its Anlagen)",
        description="Render FILE (ratsdok XML) as a PDF with embedded fonts.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="PDF")
    p.add_argument("--trust", action="append", metavar="CA.pem", help=_TRUST_HELP)
    p.set_defaults(func=_cmd_render)

    p = sub.add_parser(
        "bundle",
        help="build one PDF/A-3b file: Vorlage, Anlagen, embedded XML",
        description="Bundle FILE and the Anlage files next to it (and its Hauptdokument) "
        "into a PDF/A-3b file.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="PDF")
    p.add_argument(
        "--oeffentlich",
        action="store_true",
        help="public variant: leave out every non-public Anlage entirely; a nichtöffentliche "
        "Vorlage is refused",
    )
    p.add_argument(
        "--nichtoeffentlich-freigeben",
        action="store_true",
        help="with --oeffentlich: the Vorlage is marked nichtöffentlich but has been released "
        "for publication (e.g. the reason no longer applies); bundle it anyway (its pages "
        "still say nichtöffentlich, as its record does)",
    )
    p.add_argument(
        "--barrierefrei",
        action="store_true",
        help="accessible publication variant: PDF/A-3a + PDF/UA-1, the tagged Vorlage pages "
        "only, the Anlagen and Hauptdokument attached as files instead of merged",
    )
    p.add_argument(
        "--embed-nonconforming",
        action="store_true",
        help="embed a PDF Anlage that would break PDF/A as a file only (default: fail)",
    )
    p.add_argument("--trust", action="append", metavar="CA.pem", help=_TRUST_HELP)
    p.set_defaults(func=_cmd_bundle)

    p = sub.add_parser(
        "extract",
        help="extract the XML, the Hauptdokument and every Anlage file from a bundle",
        description="Write ratsdok.xml, the Hauptdokument and the Anlage files of bundle PDF "
        "into DIR; "
        "check each against its recorded size and SHA-256 (exit 1 on a mismatch).",
    )
    p.add_argument("file", metavar="PDF")
    p.add_argument("-d", "--directory", required=True, metavar="DIR")
    p.add_argument("--force", action="store_true", help="replace existing files")
    p.add_argument("-q", "--quiet", action="store_true", help="do not list the written files")
    p.set_defaults(func=_cmd_extract)
