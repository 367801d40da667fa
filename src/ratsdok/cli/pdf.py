"""The PDF subcommands of ``ratsdok``: render, bundle, extract."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Any

from ratsdok.cli._batch import (
    add_executor_options,
    positive,
    print_failures,
    print_json,
    run_options,
)
from ratsdok.cli._output import copy_to_stdout, folder_option, to_stdout, write_output
from ratsdok.errors import OutputError, Problem, RatsdokError
from ratsdok.store.atomic import work_folder
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

    to_stdout(args.output, binary=True)  # refused on a terminal before the work
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
    write_output(args.output, data, binary=True)
    return 0


def _cmd_bundle(args: argparse.Namespace) -> int:
    from ratsdok.pdf.bundling import NichtKonform, bundle_to_file

    if args.nichtoeffentlich_freigeben and not args.oeffentlich:
        print("--nichtoeffentlich-freigeben applies only with --oeffentlich", file=sys.stderr)
        return 2
    if args.barrierefrei and args.embed_nonconforming:
        print("--embed-nonconforming does not apply with --barrierefrei", file=sys.stderr)
        return 2
    stdout = to_stdout(args.output, binary=True)
    path = Path(args.file)
    doc, v = read_document(path, anlagen=AnlagenCheck.REQUIRE)
    if args.barrierefrei:
        from ratsdok.pdf.bundling import build_barrierefrei

        result = build_barrierefrei(
            v,
            path.parent,
            oeffentlich_only=args.oeffentlich,
            xml=doc,
            nichtoeffentlich_freigeben=args.nichtoeffentlich_freigeben,
            trust=args.trust,
        )
        write_output(args.output, result.data, binary=True)
        for h in result.hinweise:
            print(f"Hinweis: {h}", file=sys.stderr)
        return 0
    with contextlib.ExitStack() as stack:
        # For standard output the bundle is built in a private folder and sent complete.
        out = stack.enter_context(work_folder()) / "bundle.pdf" if stdout else Path(args.output)
        hinweise = bundle_to_file(
            v,
            path.parent,
            out,
            oeffentlich_only=args.oeffentlich,
            nicht_konform=(
                NichtKonform.EINBETTEN if args.embed_nonconforming else NichtKonform.FEHLER
            ),
            xml=doc,
            nichtoeffentlich_freigeben=args.nichtoeffentlich_freigeben,
            trust=args.trust,
        )
        if stdout:
            copy_to_stdout(out)
    for h in hinweise:
        print(f"Hinweis: {h}", file=sys.stderr)
    return 0


def _cmd_extract(args: argparse.Namespace) -> int:
    from ratsdok.pdf.extraction import extract

    result = extract(Path(args.file), folder_option(args.directory, "-d"), force=args.force)
    for p in result.problems:
        print(p, file=sys.stderr)
    for n in result.notes:  # a file written under another name than the XML records
        print(f"Hinweis: {n}", file=sys.stderr)
    if not args.quiet:
        for w in result.written:
            print(w, file=sys.stdout)
    return 0 if result.ok else 1


def _cmd_sign_pdf(args: argparse.Namespace) -> int:
    from ratsdok.pdf.signieren import Unterzeichner
    from ratsdok.store.files import read_bytes
    from ratsdok.verification.signing import sign_pdf

    to_stdout(args.output, binary=True)  # refused on a terminal before the work
    unterzeichner = Unterzeichner.from_files(
        Path(args.key), Path(args.cert), [Path(c) for c in args.chain or []]
    )
    data = sign_pdf(
        read_bytes(args.file),
        unterzeichner,
        args.unterzeichnung,
        vorlage_xml=read_bytes(args.vorlage) if args.vorlage else None,
        name=args.file,
        trust=[Path(t) for t in args.trust or []] or None,
        tsa=args.tsa,
        crl=[read_bytes(c) for c in args.crl or []],
    )
    write_output(args.output, data, binary=True)
    return 0


def _cmd_pdf_batch(args: argparse.Namespace) -> int:
    from ratsdok.interop.batch import Fortschritt
    from ratsdok.interop.pdfbatch import PdfArt, pdf_batch

    out = folder_option(args.directory, "-d")
    if out.exists() and not out.is_dir():
        raise OutputError(
            Problem("not a folder (-d names the folder the PDFs go into)", file=str(out))
        )
    missing = [f for f in args.files if not Path(f).exists()]
    if missing:  # before the output folder is made: a typo leaves nothing behind
        raise RatsdokError([Problem("no such file or folder", file=f) for f in missing])
    out.mkdir(parents=True, exist_ok=True)
    progress = None if args.quiet else Fortschritt(f"pdf-batch {args.art}", unit="Vorlagen")
    with contextlib.ExitStack() as stack:
        lauf = pdf_batch(
            [Path(f) for f in args.files],
            out,
            art=PdfArt(args.art),
            oeffentlich=args.oeffentlich,
            trust=args.trust or (),
            **run_options(args, stack),
            progress=progress,
        )
    if args.json:
        print_json(lauf.to_dict())
    print_failures(lauf.fehler, lauf.fehlgeschlagen, lauf.index)
    if not args.quiet:
        print(
            f"{lauf.geschrieben} PDFs written, {lauf.fehlgeschlagen} failed (index: {lauf.index})",
            file=sys.stderr,
        )
    return 0 if lauf.ok else 1


def add_pdf_commands(sub: Any) -> None:
    """Add ``render``, ``bundle``, ``sign-pdf`` and ``extract`` to the subparsers *sub*."""
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
        "pdf-batch",
        help="render or bundle many Vorlagen in parallel (local processes or Dask)",
        description="Make the PDF of every Vorlage named (an XML file, or a folder for every "
        "*.xml below it) in folder OUT, one work unit per Vorlage, as 'render' or 'bundle' "
        "would; failures are named and the rest goes on. OUT/ratsdok-pdf.index.jsonl says "
        "which input became which PDF.",
    )
    p.add_argument("files", nargs="+", metavar="XML|FOLDER")
    p.add_argument("-d", "--directory", required=True, metavar="OUT")
    p.add_argument(
        "--art",
        choices=["bundle", "render", "barrierefrei"],
        default="bundle",
        help="bundle (PDF/A-3b, default), render (the Vorlage alone) or barrierefrei "
        "(PDF/A-3a + PDF/UA-1 bundle)",
    )
    p.add_argument(
        "--oeffentlich", action="store_true", help="public bundles (no nichtöffentliche parts)"
    )
    p.add_argument("--trust", action="append", metavar="CA.pem", help=_TRUST_HELP)
    add_executor_options(p)
    p.set_defaults(func=_cmd_pdf_batch)

    p = sub.add_parser(
        "sign-pdf",
        help="sign one Unterzeichnung of a bundle or rendered Vorlage with PAdES",
        description="Add a visible PAdES signature for Unterzeichnung N in its 'gez.' block "
        "of PDF (a bundle, or a rendered Vorlage with --vorlage) as an incremental update; "
        "earlier signatures stay valid. Only PDFs whose pages ratsdok can prove are signed. "
        "RSA keys only (ECDSA would make the file PDF 2.0, which breaks PDF/A).",
    )
    p.add_argument("file", metavar="PDF")
    p.add_argument("--key", required=True, metavar="KEY", help="PEM private key (RSA, 3072 bits)")
    p.add_argument("--cert", required=True, metavar="CERT", help="PEM certificate of the key")
    p.add_argument(
        "--chain", action="append", metavar="CA.pem", help="certificate of the chain (repeatable)"
    )
    p.add_argument("--unterzeichnung", required=True, type=positive, metavar="N")
    p.add_argument("--vorlage", metavar="XML", help="the Vorlage a rendered PDF was made from")
    p.add_argument("--trust", action="append", metavar="CA.pem", help=_TRUST_HELP)
    p.add_argument("--tsa", metavar="URL", help="RFC 3161 time stamp server (level B-T)")
    p.add_argument(
        "--crl",
        action="append",
        metavar="FILE",
        help="CRL to embed, checked offline (level B-LT; repeatable; needs --trust)",
    )
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.set_defaults(func=_cmd_sign_pdf)

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
