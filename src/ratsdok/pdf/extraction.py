"""Reading a ratsdok bundle back: the embedded XML and the original files.

:func:`from_pdf` returns the Vorlage from the embedded ``ratsdok.xml``.
:func:`extract` writes that XML, the Hauptdokument (if any) and every Anlage
file it lists into a folder, checking each file against the size and SHA-256
recorded in the XML. The record of fonts ratsdok added to merged Anlage
pages (``ratsdok-schriften.json``, :mod:`ratsdok.pdf.schriften`) is listed,
not extracted. File names
come from the (schema-checked) XML, never from the PDF, and each target is
checked to lie inside the output folder; existing files are only replaced
with ``force=True``. A name that is not portable (``CON.pdf``, ``a:b.pdf``,
``RATSDOK.XML``; a document of format 1.0.0 may have one) is never created: the
file is written under a portable name, and a note of the report says which.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf

from ratsdok._types import PathLike
from ratsdok.errors import InvalidDocumentError, OutputError, Problem
from ratsdok.model.dateiname import make_portable, make_unique, portability_problem
from ratsdok.model.vorlage import Vorlage
from ratsdok.pdf.names import MAX_PDF_BYTES, SCHRIFTEN_NAME, XML_NAME
from ratsdok.report import Check, Kind, Report, Status
from ratsdok.store.anlagen import compare
from ratsdok.store.atomic import write_atomic
from ratsdok.store.files import read_bytes
from ratsdok.store.hashing import digest_bytes
from ratsdok.xml.mapping import from_xml

__all__ = ["ExtractResult", "embedded_files", "extract", "from_pdf", "hidden_files"]


class ExtractResult(Report):
    """What :func:`extract` wrote, as a :class:`~ratsdok.report.Report`.

    One check for the XML, one for the Hauptdokument and one per Anlage
    (extracted and matching, changed, or not embedded), one for the record of
    added fonts if the bundle has one (fine, not extracted), one per other
    embedded file the XML does not list. The same
    findings stay available as :attr:`problems` (every check that is not ok).
    A note for each file written under another name than the XML records.
    """

    vorlage: Vorlage
    written: tuple[Path, ...]
    problems: tuple[Problem, ...]

    def __init__(
        self,
        vorlage: Vorlage,
        written: tuple[Path, ...],
        problems: tuple[Problem, ...],
        checks: tuple[Check, ...] = (),
        source: str = "<bytes>",
        notes: tuple[str, ...] = (),
    ) -> None:
        super().__init__(source, checks, notes, title=f"Vorlage {vorlage.nummer}: extracted files")
        object.__setattr__(self, "vorlage", vorlage)
        object.__setattr__(self, "written", written)
        object.__setattr__(self, "problems", problems)

    @property
    def ok(self) -> bool:
        """True when the Hauptdokument and every Anlage were found and match the XML."""
        return not self.problems


# qpdf names an in-memory input by its Python repr ("stream <_io.BytesIO object at 0x…>").
_STREAM_REPR = re.compile(r"(?:stream )?<_io\.BytesIO object at 0x[0-9a-f]+>:? ?")


def _open(source: PathLike | bytes, name: str | None = None) -> tuple[pikepdf.Pdf, str]:
    if isinstance(source, bytes):
        name = name or "<bytes>"
        data = source
    else:
        name = name or str(source)
        data = read_bytes(source, max_bytes=MAX_PDF_BYTES)
    try:
        pdf = pikepdf.Pdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise InvalidDocumentError(Problem("the PDF is encrypted", file=name)) from None
    except pikepdf.PdfError as exc:
        why = _STREAM_REPR.sub("", str(exc))
        raise InvalidDocumentError(Problem(f"not a readable PDF ({why})", file=name)) from None
    return pdf, name


def embedded_files(source: PathLike | bytes, *, name: str | None = None) -> dict[str, bytes]:
    """Every embedded file of a PDF, by its name in the EmbeddedFiles tree.

    *name* is the file name to report in errors when *source* is bytes.
    """
    pdf, name = _open(source, name)
    with pdf:
        out: dict[str, bytes] = {}
        try:
            keys = list(pdf.attachments.keys())
        except (pikepdf.PdfError, ValueError, KeyError, TypeError) as exc:
            raise InvalidDocumentError(
                Problem(f"the embedded files cannot be listed ({exc})", file=name)
            ) from None
        for key in keys:
            try:
                # A damaged name tree can list a name that then cannot be looked up.
                out[key] = pdf.attachments[key].get_file().read_bytes()
            except (pikepdf.PdfError, ValueError, KeyError, TypeError) as exc:
                raise InvalidDocumentError(
                    Problem(f"embedded file {key!r} cannot be read ({exc})", file=name)
                ) from None
        return out


def hidden_files(source: PathLike | bytes, *, name: str | None = None) -> list[str]:
    """Embedded file streams outside the EmbeddedFiles name tree, where other readers
    find them (``pdfdetach`` lists file-attachment annotations): a description each,
    "page 1: file attachment 'x.exe'". A bundle ratsdok wrote has none."""
    pdf, name = _open(source, name)
    out: list[str] = []
    with pdf:
        try:
            in_tree = {spec.obj.objgen for spec in pdf.attachments.values() if spec.obj.is_indirect}
        except (pikepdf.PdfError, ValueError, KeyError, TypeError):
            in_tree = set()

        def beschreiben(spec: object, where: str) -> None:
            if not isinstance(spec, pikepdf.Dictionary) or "/EF" not in spec:
                return
            if spec.is_indirect and spec.objgen in in_tree:
                return
            fname = str(spec.get("/UF", spec.get("/F", "?")))
            out.append(f"{where}: file {fname!r}")

        for number, page in enumerate(pdf.pages, 1):
            for annot in page.obj.get("/Annots", pikepdf.Array()):
                if isinstance(annot, pikepdf.Dictionary):
                    beschreiben(annot.get("/FS"), f"page {number}: file attachment")
            for spec in page.obj.get("/AF", pikepdf.Array()):
                beschreiben(spec, f"page {number}: associated")
        for spec in pdf.Root.get("/AF", pikepdf.Array()):
            beschreiben(spec, "document: associated")
    return out


def _xml_of(found: dict[str, bytes], name: str) -> bytes:
    if XML_NAME not in found:
        raise InvalidDocumentError(
            Problem(f"no embedded {XML_NAME}; this is not a ratsdok bundle", file=name)
        )
    return found[XML_NAME]


def from_pdf(source: PathLike | bytes) -> Vorlage:
    """The Vorlage stored in a ratsdok bundle (its embedded ``ratsdok.xml``).

    The XML is fully checked (safe parse, schema, rules) like any ratsdok input.
    The Anlage files are not compared here; :func:`extract` does that.
    """
    name = "<bytes>" if isinstance(source, bytes) else str(source)
    xml = _xml_of(embedded_files(source), name)
    return from_xml(xml, source=f"{name}#{XML_NAME}")


def _portable_names(v: Vorlage) -> dict[str, str]:
    """Recorded file name → the name to write, for the names that are not portable:
    the portable form, unique (any case) among the names written."""
    names = [a.dateiname for a in v.anlagen if a.dateiname is not None]
    if v.hauptdokument is not None:
        names.append(v.hauptdokument.dateiname)
    used = {XML_NAME} | {n.casefold() for n in names if portability_problem(n) is None}
    return {
        n: make_unique(make_portable(n), used) for n in names if portability_problem(n) is not None
    }


def _target(out: Path, filename: str) -> Path:
    target = out / filename
    if target.resolve().parent != out.resolve() or filename in ("", ".", ".."):
        raise OutputError(Problem("file name would leave the output folder", file=filename))
    return target


def extract(pdf_path: PathLike | bytes, out_dir: PathLike, *, force: bool = False) -> ExtractResult:
    """Write the embedded XML, the Hauptdokument and every Anlage file of a bundle
    into *out_dir*.

    Raises :class:`~ratsdok.errors.OutputError` (before writing anything) if a
    target exists and *force* is false. Files whose bytes are missing or
    differ from the recorded size or SHA-256 are reported in
    :attr:`ExtractResult.problems`; a differing file is still written so that
    it can be inspected.
    """
    name = "<bytes>" if isinstance(pdf_path, bytes) else str(pdf_path)
    found = embedded_files(pdf_path)
    xml = _xml_of(found, name)
    v = from_xml(xml, source=f"{name}#{XML_NAME}")
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            Problem(f"cannot create the folder: {exc.strerror or exc}", file=str(out))
        ) from None
    plan: list[tuple[Path, bytes]] = [(_target(out, XML_NAME), xml)]
    checks = [Check(Kind.DOKUMENT, XML_NAME, Status.VALID, "meets the schema and the rules")]
    renamed = _portable_names(v)
    notes: list[str] = []

    def plan_file(dateiname: str, data: bytes) -> None:
        target = renamed.get(dateiname, dateiname)
        if target != dateiname:
            why = portability_problem(dateiname)
            notes.append(f"{dateiname!r} is not portable ({why}): written as {target!r}")
        plan.append((_target(out, target), data))

    problems: list[Problem] = []
    listed = {XML_NAME}
    h = v.hauptdokument
    if h is not None:
        listed.add(h.dateiname)
        label = f"Hauptdokument ({h.dateiname})"
        data = found.get(h.dateiname, h.inhalt)
        if data is None:
            problem = Problem(
                "the Hauptdokument is not embedded in the PDF",
                file=h.dateiname,
                field="hauptdokument",
            )
            problems.append(problem)
            checks.append(Check(Kind.HAUPTDOKUMENT, label, Status.MISSING, problem.message))
        else:
            status, reason = compare(h, digest_bytes(data))
            if status is Status.CHANGED:
                problems.append(
                    Problem(f"Hauptdokument: {reason}", file=h.dateiname, field="hauptdokument")
                )
            ok = status is not Status.CHANGED
            checks.append(Check(Kind.HAUPTDOKUMENT, label, status, reason, ok=ok))
            plan_file(h.dateiname, data)
    for i, a in enumerate(v.anlagen):
        if a.dateiname is None:
            checks.append(
                Check(Kind.ANLAGE, f"Anlage {a.nummer} (ohne Datei)", Status.NO_FILE, "no file")
            )
            continue
        listed.add(a.dateiname)
        where = f"anlagen[{i}]"
        label = f"Anlage {a.nummer} ({a.dateiname})"
        data = found.get(a.dateiname, a.inhalt)
        if data is None:
            problem = Problem(
                f"Anlage {a.nummer} is not embedded in the PDF", file=a.dateiname, field=where
            )
            problems.append(problem)
            checks.append(Check(Kind.ANLAGE, label, Status.MISSING, problem.message))
            continue
        status, reason = compare(a, digest_bytes(data))
        if status is Status.CHANGED:
            problems.append(Problem(f"Anlage {a.nummer}: {reason}", file=a.dateiname, field=where))
        # Written either way, so that a changed file can be inspected; one that records
        # no digest is extracted as it is, as loading accepts it.
        checks.append(Check(Kind.ANLAGE, label, status, reason, ok=status is not Status.CHANGED))
        plan_file(a.dateiname, data)
    if SCHRIFTEN_NAME in found and SCHRIFTEN_NAME not in listed:
        listed.add(SCHRIFTEN_NAME)
        checks.append(
            Check(
                Kind.DATEI,
                SCHRIFTEN_NAME,
                Status.OK,
                "record of the fonts ratsdok added to merged Anlage pages; not extracted",
            )
        )
    for extra in sorted(set(found) - listed):
        problem = Problem("embedded file is not listed in the XML; not extracted", file=extra)
        problems.append(problem)
        checks.append(Check(Kind.DATEI, extra, Status.UNLISTED, problem.message))
    if not force:
        existing = [
            Problem("exists; use force to replace it", file=str(t)) for t, _ in plan if t.exists()
        ]
        if existing:
            raise OutputError(existing)
    written: list[Path] = []
    for target, data in plan:
        write_atomic(target, data)
        written.append(target)
    return ExtractResult(v, tuple(written), tuple(problems), tuple(checks), name, tuple(notes))
