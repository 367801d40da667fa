"""Reading and writing ratsdok XML files, with the Anlagen beside them."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

from ratsdok._types import PathLike
from ratsdok.errors import (
    AnlagenError,
    InvalidDocumentError,
    Problem,
    RatsdokError,
    UnsafeInputError,
)
from ratsdok.model.nachricht import Nachricht, Nachrichtenkopf
from ratsdok.model.vorlage import Vorlage, format_path, unportable_names
from ratsdok.report import Check, Status
from ratsdok.store.anlagen import (
    AnlagenPruefung,
    HauptdokumentPruefung,
    check_anlagen,
    check_hauptdokument,
    fill_in,
)
from ratsdok.store.atomic import write_atomic
from ratsdok.xml.mapping import ParsedDocument, document_from_tree, parse_document, to_xml
from ratsdok.xml.parser import DEFAULT_MAX_BYTES, parse_xml

__all__ = [
    "AnlagenCheck",
    "load",
    "load_nachricht",
    "read_bytes",
    "read_document",
    "save",
    "validate_xml",
    "xml_files_below",
]


class AnlagenCheck(StrEnum):
    """How :func:`load` treats the Anlage files next to the XML."""

    CHECK = "check"
    """Files that are present must match; absent files are allowed."""
    REQUIRE = "require"
    """Every Anlage must be present (as a file or inline) and match."""
    IGNORE = "ignore"
    """Do not look at Anlage files."""


def read_bytes(
    path: PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES, head: int | None = None
) -> bytes:
    """Read an input file, turning OS errors into ratsdok errors that name it.

    With *head*, only the first *head* bytes are read (to tell what the file is).
    """
    p = Path(path)
    try:
        with p.open("rb") as f:
            if head is not None:
                return f.read(head)
            st = os.fstat(f.fileno())
            big = st.st_size > max_bytes  # refused unread
            if big:
                data = b""
            elif stat.S_ISREG(st.st_mode):
                data = f.read()  # sized from the file, not from a limit that may be huge
            else:
                data = f.read(max_bytes + 1)  # a pipe or device reports no size
    except FileNotFoundError:
        raise RatsdokError(Problem("file not found", file=str(p))) from None
    except IsADirectoryError:
        raise RatsdokError(Problem("is a folder, not a file", file=str(p))) from None
    except OSError as exc:
        raise RatsdokError(Problem(f"cannot read: {exc.strerror or exc}", file=str(p))) from None
    if big or len(data) > max_bytes:
        raise UnsafeInputError(
            Problem(f"file is larger than the limit of {max_bytes:,} bytes", file=str(p))
        )
    return data


def _bad(p: Check, mode: AnlagenCheck) -> bool:
    return p.status is Status.CHANGED or (
        p.status is Status.MISSING and mode is AnlagenCheck.REQUIRE
    )


def _anlagen_problems(
    doc: ParsedDocument,
    pruefungen: list[AnlagenPruefung],
    mode: AnlagenCheck,
    haupt: HauptdokumentPruefung | None = None,
) -> list[Problem]:
    problems = []
    if haupt is not None and _bad(haupt, mode):
        where = str(haupt.datei) if haupt.datei is not None else "inline content"
        problems.append(
            Problem(
                f"Hauptdokument ({where}): {haupt.reason}",
                file=doc.source,
                line=doc.line_of(("hauptdokument",)),
                field="hauptdokument",
            )
        )
    for p in pruefungen:
        if _bad(p, mode):
            where = str(p.datei) if p.datei is not None else "inline content"
            problems.append(
                Problem(
                    f"Anlage {p.anlage.nummer} ({where}): {p.reason}",
                    file=doc.source,
                    line=doc.line_of(("anlagen", p.index)),
                    field=f"anlagen[{p.index}]",
                )
            )
    return problems


def read_document(
    path: PathLike,
    *,
    anlagen: AnlagenCheck | str = AnlagenCheck.CHECK,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[ParsedDocument, Vorlage]:
    """The parsed document at *path* and its Vorlage as :func:`load` returns it.

    One parse for callers that need both the document (its seal, signatures and
    tree) and the checked model (Anlage sizes and digests filled in from the files).
    """
    mode = AnlagenCheck(anlagen)
    p = Path(path)
    # Parsed, the input bytes are let go: only the tree and the models stay in memory.
    tree = parse_xml(read_bytes(p, max_bytes=max_bytes), source=str(p), max_bytes=max_bytes)
    doc = document_from_tree(tree, source=str(p))
    if mode is AnlagenCheck.IGNORE:
        return doc, doc.vorlage
    pruefungen = check_anlagen(doc.vorlage, p.parent)
    haupt = check_hauptdokument(doc.vorlage, p.parent)
    problems = _anlagen_problems(doc, pruefungen, mode, haupt)
    if problems:
        raise AnlagenError(problems)
    return doc, fill_in(doc.vorlage, pruefungen, haupt)


def _load(path: PathLike, anlagen: AnlagenCheck | str, max_bytes: int) -> Nachricht:
    doc, vorlage = read_document(path, anlagen=anlagen, max_bytes=max_bytes)
    if vorlage is doc.vorlage:
        return doc.nachricht
    return doc.nachricht.model_copy(update={"vorlage": vorlage})


def load(
    path: PathLike,
    *,
    anlagen: AnlagenCheck | str = AnlagenCheck.CHECK,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Vorlage:
    """Read a ratsdok XML file: safe parse, XML Schema, rules, and the Anlage files.

    Anlage files are looked up next to the XML file. Every present file must
    match its recorded size and SHA-256 (all mismatches are reported together in
    an :class:`~ratsdok.errors.AnlagenError`); Anlagen without recorded values
    get them from their file.
    """
    return _load(path, anlagen, max_bytes).vorlage


def load_nachricht(
    path: PathLike,
    *,
    anlagen: AnlagenCheck | str = AnlagenCheck.CHECK,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Nachricht:
    """Like :func:`load`, but return the whole message including its header."""
    return _load(path, anlagen, max_bytes)


def save(
    obj: Vorlage | Nachricht,
    path: PathLike,
    *,
    kopf: Nachrichtenkopf | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> None:
    """Write *obj* as ratsdok XML to *path*, atomically (refused as :func:`to_xml`
    refuses it: nothing is written that :func:`load` with *max_bytes* would refuse).

    A file name that is not portable, which a Vorlage read from an existing document
    may keep, is refused too: a new document does not pass it on."""
    unportable = unportable_names(obj.vorlage if isinstance(obj, Nachricht) else obj)
    if unportable:
        raise InvalidDocumentError(
            Problem(
                f"file name {name!r} is not portable: {why}", file=str(path), field=format_path(at)
            )
            for at, name, why in unportable
        )
    write_atomic(path, to_xml(obj, kopf=kopf, max_bytes=max_bytes))


def validate_xml(
    source: bytes | PathLike, *, anlagen: AnlagenCheck | str = AnlagenCheck.CHECK
) -> list[Problem]:
    """Every problem of a ratsdok XML document; an empty list means valid.

    *source* is XML bytes, or a path (then the Anlage files next to it are
    checked too). Never raises for bad input.
    """
    try:
        if isinstance(source, bytes):
            parse_document(source)
        else:
            _load(source, anlagen, DEFAULT_MAX_BYTES)
    except RatsdokError as exc:
        return list(exc.problems)
    return []


def xml_files_below(folder: Path) -> Iterator[Path]:
    """Every ``*.xml`` file below *folder*, in name order, folder by folder (the list
    of a whole tree is never held: batch inputs may be tens of thousands)."""
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        path = Path(entry.path)
        if entry.is_dir():
            yield from xml_files_below(path)
        elif entry.is_file() and entry.name.endswith(".xml"):
            yield path
