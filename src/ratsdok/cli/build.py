"""``ratsdok build``: a Vorlage from a text file (TOML front matter, Markdown sections) to XML.

The Anlage files next to the text file get their size and SHA-256 recorded, as
:func:`ratsdok.load` fills them in; the XML is written atomically.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ratsdok.cli._output import STDOUT, write_output
from ratsdok.errors import AnlagenError, InvalidDocumentError, OutputError, Problem
from ratsdok.model.quelltext import Quelltext, lies_quelltext
from ratsdok.model.vorlage import Vorlage
from ratsdok.report import Check, Status
from ratsdok.store.anlagen import check_anlagen, check_hauptdokument, fill_in
from ratsdok.store.files import AnlagenCheck, read_bytes, save
from ratsdok.xml.mapping import to_xml

__all__ = ["add_build_commands", "build"]


def _text(path: Path) -> str:
    data = read_bytes(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InvalidDocumentError(
            Problem(f"not UTF-8 text ({exc.reason})", file=str(path), line=line)
        ) from None


def _anlagen(q: Quelltext, folder: Path, mode: AnlagenCheck) -> tuple[Vorlage, list[Problem]]:
    """The Vorlage with the sizes and digests of the files found in *folder*, and notes
    on the files not found; raise for a file that differs from its recorded values."""
    v = q.vorlage
    pruefungen = check_anlagen(v, folder)
    haupt = check_hauptdokument(v, folder)
    located: list[tuple[Check, tuple[str | int, ...]]] = [
        (p, ("anlagen", p.index)) for p in pruefungen
    ]
    if haupt is not None:
        located.append((haupt, ("hauptdokument",)))
    problems, notes = [], []
    for check, path in located:
        problem = Problem(
            f"{check.label}: {check.reason}",
            file=q.source,
            line=q.zeile(path),
            field=q.feld(path),
        )
        if check.status is Status.CHANGED or (
            check.status is Status.MISSING and mode is AnlagenCheck.REQUIRE
        ):
            problems.append(problem)
        elif check.status is Status.MISSING:
            notes.append(problem)
    if problems:
        raise AnlagenError(problems)
    return fill_in(v, pruefungen, haupt), notes


def build(
    path: Path, out: Path | None, *, anlagen: AnlagenCheck = AnlagenCheck.CHECK
) -> tuple[Vorlage, list[Problem]]:
    """Read the text file *path*, write its Vorlage as XML to *out* (None: not written);
    return the Vorlage and notes on Anlage files that were not found (no digest recorded
    for them)."""
    q = lies_quelltext(_text(path), source=str(path))
    v, notes = (
        (q.vorlage, []) if anlagen is AnlagenCheck.IGNORE else _anlagen(q, path.parent, anlagen)
    )
    if out is None:
        return v, notes
    if out.resolve() == path.resolve():
        raise OutputError(Problem("the XML would overwrite the text file", file=str(out)))
    save(v, out)
    return v, notes


def _cmd_build(args: argparse.Namespace) -> int:
    path = Path(args.file)
    stdout = args.output == STDOUT
    out = Path(args.output) if args.output else path.with_suffix(".xml")
    v, notes = build(path, None if stdout else out, anlagen=AnlagenCheck(args.anlagen))
    for n in notes:
        print(f"{n} (no size or digest recorded)", file=sys.stderr)
    if stdout:
        write_output(STDOUT, to_xml(v))
    elif not args.quiet:
        print(f"{out}: written", file=sys.stderr)
    return 0


def add_build_commands(sub: Any) -> None:
    """Register ``build``."""
    p = sub.add_parser(
        "build",
        help="write a Vorlage written as text (TOML front matter, Markdown) as ratsdok XML",
        description=(
            "Read FILE: TOML front matter between +++ lines, then one Markdown section per "
            "level-1 heading (docs/text-model.md, 'Authoring from Markdown'). Write the "
            "Vorlage as ratsdok XML; Anlage files next to FILE get their size and SHA-256 "
            "recorded."
        ),
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "-o", "--output", metavar="XML", help="the XML file to write (default: FILE with .xml)"
    )
    p.add_argument(
        "--anlagen",
        choices=[m.value for m in AnlagenCheck],
        default=AnlagenCheck.CHECK.value,
        help="check: record the files found, a file must match values the text gives "
        "(default); require: every Anlage file must be there; ignore: record nothing",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing when all is well")
    p.set_defaults(func=_cmd_build)
