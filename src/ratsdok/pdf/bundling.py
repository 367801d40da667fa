"""Bundling a Vorlage and its Anlagen into one PDF/A-3b file.

Layout of a bundle:

* the rendered Vorlage (:func:`ratsdok.pdf.render.render_pdf`), then the pages of
  every PDF Anlage in order;
* bookmarks "Beschlussvorlage KT 0134/2020" and "Anlage 1 – Integrationskonzept",
  with an Anlage's own outline nested under its bookmark;
* page labels ``1, 2, …`` for the Vorlage and ``A1-1, A1-2, …`` for Anlage 1;
* associated files (PDF/A-3 ``/AF``):

  - ``ratsdok.xml``: the ratsdok XML of exactly the Vorlage in the bundle, with
    ``/AFRelationship /Alternative``: it is a complete machine-readable
    equivalent of the rendered document, not its source (the PDF is rendered
    from it, but a reader needs either one, not both) and not mere supporting
    data. This is the value ZUGFeRD/Factur-X use for their complete profiles;
    it is fixed and must not change between versions;
  - every PDF Anlage, byte for byte, with ``/Source``: the merged pages are a
    rendition of that file, and only the embedded original can prove its
    SHA-256;
  - every other Anlage (CSV, XLSX, images, …) with its recorded media type and
    ``/Supplement``; likewise a PDF Anlage that cannot be merged without
    breaking PDF/A (only when the caller allows it, see *nicht_konform*).

* PDF/A-3b identification in the XMP (``pdfaid:part 3``, ``conformance B``),
  an sRGB OutputIntent (profile shipped in ``ratsdok/icc``), every font
  embedded. Before returning, the written bytes are validated with
  :mod:`pikepdf.pdfa`; anything but "pass" is an error. The same steps
  (:func:`make_pdfa`, :func:`save_pdfa`, :func:`check_pdfa`) make the
  archive's PDF/A-2b Vorlage PDF (:func:`pdfa_from_rendered`).

The bundle is reproducible: all dates come from the Vorlage (never from the
clock) and the file is saved with ``deterministic_id=True``.

Large inputs: :func:`bundle_to_file` builds the bundle on disk when an Anlage
file has at least :data:`STREAM_THRESHOLD` bytes (pages merged by qpdf,
the file embedded by an incremental update that copies it in chunks), so that
memory stays bounded by about the largest single page stream (measured: peak
RSS under 100 MiB with a 300 MB Anlage PDF, ``bench/bench_pdf.py``).
:func:`build_bundle` and :func:`bundle` return bytes and hold the whole bundle
in memory. In the streamed bundle an Anlage's own bookmarks point to the top of
their page (the destination's view parameters are not kept).

The public variant (``oeffentlich_only=True``) is built from a copy of the
Vorlage without its non-public Anlagen, so neither their pages, bytes, file
names, titles nor their entries in the embedded XML reach the file.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from importlib.resources import files
from pathlib import Path
from typing import Any, BinaryIO, Literal

import pikepdf
from pikepdf import Array, Dictionary, Name, NumberTree, OutlineItem, Pdf, String

from ratsdok.errors import AnlagenError, Problem, RatsdokError
from ratsdok.model.vorlage import Anlage, Vorlage
from ratsdok.pdf.render import render_pdf, stichtag
from ratsdok.store.anlagen import AnlagenStatus, compare
from ratsdok.store.atomic import atomic_output
from ratsdok.store.hashing import digest_bytes
from ratsdok.xml.mapping import to_xml

__all__ = [
    "PDF_MEDIENTYP",
    "XML_NAME",
    "BundleResult",
    "NichtKonform",
    "PdfaPart",
    "build_bundle",
    "bundle",
    "bundle_to_file",
    "check_pdfa",
    "make_pdfa",
    "pdfa_from_rendered",
    "public_copy",
    "save_pdfa",
    "stichtag",
]

XML_NAME = "ratsdok.xml"
"""File name of the embedded ratsdok XML."""
XML_MEDIENTYP = "application/xml"
PDF_MEDIENTYP = "application/pdf"
DEFAULT_MAX_ANLAGE_BYTES = 512 * 1024 * 1024
"""Largest Anlage file read into memory (embedding costs about 3× its size)."""
STREAM_THRESHOLD = 16 * 1024 * 1024
"""Anlage files at least this large are streamed by :func:`bundle_to_file`."""
_CHUNK = 1024 * 1024

PdfaPart = Literal[2, 3]
"""PDF/A parts ratsdok writes (conformance B): 3 for bundles (embedded files),
2 for the archive's Vorlage PDF (no embedded files)."""

# Page keys that only concern presentation and that pikepdf's validator cannot
# approve (ReportLab writes an empty /Trans on every page); dropping them from
# the rendered Vorlage or the *merged copy* of an Anlage changes no content (the
# original file is embedded unchanged).
_PRESENTATION_KEYS = ("/Trans", "/Dur", "/PresSteps")


class NichtKonform(StrEnum):
    """What to do with a PDF Anlage whose pages would break PDF/A-3b."""

    FEHLER = "fehler"
    """Refuse to bundle (an :class:`~ratsdok.errors.AnlagenError` naming it)."""
    EINBETTEN = "einbetten"
    """Do not merge its pages; embed the file only and report a Hinweis."""


@dataclass(frozen=True)
class BundleResult:
    """The bundle bytes and the notes for the user (Anlagen only embedded, …)."""

    data: bytes
    hinweise: tuple[Problem, ...] = field(default=())


def public_copy(v: Vorlage) -> Vorlage:
    """*v* without its non-public Anlagen (what the public bundle contains)."""
    kept = tuple(a for a in v.anlagen if a.oeffentlich)
    if len(kept) == len(v.anlagen):
        return v
    return v.model_copy(update={"anlagen": kept})


def _read_anlage(i: int, a: Anlage, folder: Path | None, max_bytes: int) -> bytes:
    where = f"anlagen[{i}]"
    if a.inhalt is not None:
        data = a.inhalt
        name = f"Anlage {a.nummer} (inline content)"
    else:
        if folder is None:
            raise AnlagenError(
                Problem(
                    f"Anlage {a.nummer} has no inline content and no folder was given",
                    file=a.dateiname,
                    field=where,
                )
            )
        path = folder / a.dateiname
        name = str(path)
        try:
            with path.open("rb") as f:
                data = f.read(max_bytes + 1)
        except FileNotFoundError:
            raise AnlagenError(
                Problem(f"Anlage {a.nummer}: file not found", file=name, field=where)
            ) from None
        except IsADirectoryError:
            raise AnlagenError(
                Problem(f"Anlage {a.nummer}: is a folder, not a file", file=name, field=where)
            ) from None
        except OSError as exc:
            raise AnlagenError(
                Problem(
                    f"Anlage {a.nummer}: cannot read: {exc.strerror or exc}", file=name, field=where
                )
            ) from None
        if len(data) > max_bytes:
            raise AnlagenError(
                Problem(
                    f"Anlage {a.nummer}: larger than the limit of {max_bytes:,} bytes",
                    file=name,
                    field=where,
                )
            )
    status, reason = compare(a, digest_bytes(data))
    if status is AnlagenStatus.CHANGED:
        raise AnlagenError(Problem(f"Anlage {a.nummer}: {reason}", file=name, field=where))
    return data


def _open_anlage_pdf(a: Anlage, data: bytes, folder: Path | None) -> Pdf:
    name = str(folder / a.dateiname) if folder is not None and a.inhalt is None else a.dateiname
    try:
        src = Pdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise AnlagenError(
            Problem(f"Anlage {a.nummer}: the PDF is encrypted (password protected)", file=name)
        ) from None
    except pikepdf.PdfError as exc:
        raise AnlagenError(
            Problem(f"Anlage {a.nummer}: not a readable PDF ({exc})", file=name)
        ) from None
    if src.is_encrypted:
        src.close()
        raise AnlagenError(Problem(f"Anlage {a.nummer}: the PDF is encrypted", file=name))
    try:
        if len(src.pages) == 0:
            raise AnlagenError(Problem(f"Anlage {a.nummer}: the PDF has no pages", file=name))
        src.check_pdf_syntax()
    except pikepdf.PdfError as exc:
        src.close()
        raise AnlagenError(Problem(f"Anlage {a.nummer}: broken PDF ({exc})", file=name)) from None
    return src


def _pdf_date(d: date) -> str:
    return f"D:{d.year:04d}{d.month:02d}{d.day:02d}000000Z"


def _add_output_intent(pdf: Pdf) -> None:
    icc = files("ratsdok.pdf").joinpath("icc", "sRGB.icc").read_bytes()
    profile = pdf.make_stream(icc)
    profile.N = 3
    intent = pdf.make_indirect(
        Dictionary(
            Type=Name.OutputIntent,
            S=Name.GTS_PDFA1,
            OutputConditionIdentifier=String("sRGB"),
            Info=String("sRGB IEC61966-2.1"),
            RegistryName=String("http://www.color.org"),
            DestOutputProfile=profile,
        )
    )
    pdf.Root.OutputIntents = Array([intent])


def _set_metadata(pdf: Pdf, v: Vorlage, titel: str, tag: date, part: PdfaPart) -> None:
    stamp = f"{tag.isoformat()}T00:00:00Z"
    # Start from an empty packet so that nothing of the renderer's survives.
    if "/Metadata" in pdf.Root:
        del pdf.Root.Metadata
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as meta:
        meta["pdfaid:part"] = str(part)
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = titel
        meta["dc:description"] = v.betreff
        if v.koerperschaft is not None:
            meta["dc:creator"] = [v.koerperschaft]
        meta["dc:language"] = ["de-DE"]
        meta["pdf:Producer"] = "ratsdok"
        meta["xmp:CreatorTool"] = "ratsdok"
        meta["xmp:CreateDate"] = stamp
        meta["xmp:ModifyDate"] = stamp
        meta["xmp:MetadataDate"] = stamp


def _sanitize_pages(src: Pdf) -> None:
    for page in src.pages:
        for key in _PRESENTATION_KEYS:
            if key in page.obj:
                del page.obj[key]


def make_pdfa(pdf: Pdf, v: Vorlage, *, part: PdfaPart) -> None:
    """Turn *pdf*, rendered from *v* (other pages may be merged), into PDF/A-*part* b.

    In place: drops ``/OpenAction`` and the pages' presentation keys (ReportLab
    writes an empty ``/Trans`` on every page), adds the sRGB OutputIntent and
    writes fresh XMP (``pdfaid`` *part*, conformance B; dates :func:`stichtag`)
    with the DocInfo kept in sync. Save with :func:`save_pdfa` and check the
    written file with :func:`check_pdfa`.
    """
    if "/OpenAction" in pdf.Root:
        del pdf.Root.OpenAction
    _sanitize_pages(pdf)
    _add_output_intent(pdf)
    _set_metadata(pdf, v, _titel(v), stichtag(v), part)


def save_pdfa(pdf: Pdf, dest: Path | BinaryIO, *, part: PdfaPart, **options: Any) -> None:
    """Save *pdf* reproducibly with the settings PDF/A-*part* b needs (PDF 1.7)."""
    kwargs = pikepdf.pdfa.resolve_save_kwargs(
        f"{part}b", deterministic_id=True, min_version="1.7", **options
    )
    pdf.save(dest, **kwargs)


def check_pdfa(written: Path | BinaryIO, *, part: PdfaPart, what: str) -> None:
    """Raise a :class:`~ratsdok.errors.RatsdokError` unless *written* passes
    :mod:`pikepdf.pdfa` as PDF/A-*part* b (anything but "pass" is an error)."""
    report = pikepdf.pdfa.validate_written(written, f"{part}b")
    if not report.passed:
        raise RatsdokError(
            [
                Problem(f"{what} is not valid PDF/A-{part}b: {f.rule}: {f.message} ({f.where})")
                for f in report.findings
            ]
            or [Problem(f"{what} is not valid PDF/A-{part}b ({report.verdict})")]
        )


def pdfa_from_rendered(
    v: Vorlage, rendered: bytes, *, part: PdfaPart, what: str = "the PDF"
) -> bytes:
    """*rendered* (:func:`~ratsdok.pdf.render.render_pdf` of *v*) as checked PDF/A-*part* b."""
    buf = io.BytesIO()
    with Pdf.open(io.BytesIO(rendered)) as pdf:
        make_pdfa(pdf, v, part=part)
        save_pdfa(pdf, buf, part=part)
    buf.seek(0)
    check_pdfa(buf, part=part, what=what)
    return buf.getvalue()


def _probe_conforms(src: Pdf, work: Path | None = None) -> list[str]:
    """Reasons why *src*'s pages would break PDF/A-3b once merged (empty: fine).

    With *work* (a folder), the pages are copied by qpdf into a file there
    (streamed) instead of in memory (page copying buffers all stream data).
    """
    if work is None:
        probe = Pdf.new()
        probe.add_pages_from(src, outlines="ignore")
    else:
        probe_file = work / "probe.pdf"
        pikepdf.Job(
            ["qpdf", "--empty", "--pages", str(Path(src.filename).resolve()), "--", str(probe_file)]
        ).run()
        probe = Pdf.open(probe_file)
        _sanitize_pages(probe)
    _add_output_intent(probe)
    with probe.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "3"
        meta["pdfaid:conformance"] = "B"
        meta["xmp:CreateDate"] = "2000-01-01T00:00:00Z"
        meta["xmp:ModifyDate"] = "2000-01-01T00:00:00Z"
    report = pikepdf.pdfa.check(probe, "3b")
    probe.close()
    if report.passed:
        return []
    return [f"{f.rule}: {f.message}" for f in report.findings][:5]


def _attach(
    pdf: Pdf, name: str, data: bytes, *, mime: str, desc: str, rel: Name, tag: date
) -> None:
    stamp = _pdf_date(tag)
    pdf.attachments[name] = pikepdf.AttachedFileSpec(
        pdf,
        data,
        description=desc,
        filename=name,
        mime_type=mime,
        creation_date=stamp,
        mod_date=stamp,
        relationship=rel,
    )


def _check_names(v: Vorlage) -> None:
    for i, a in enumerate(v.anlagen):
        if a.dateiname.casefold() == XML_NAME:
            raise AnlagenError(
                Problem(
                    f"the file name {XML_NAME!r} is reserved for the embedded XML",
                    file=a.dateiname,
                    field=f"anlagen[{i}].dateiname",
                )
            )


def _titel(v: Vorlage) -> str:
    art = v.art.bezeichnung if v.art is not None else "Vorlage"
    return f"{art} {v.nummer}"


def _finish(
    pdf: Pdf, vv: Vorlage, embedded: bytes, labels: NumberTree, titel: str, tag: date
) -> None:
    """Steps both bundle paths end with: the XML as associated file, page labels,
    language, outline view, then :func:`make_pdfa` (PDF/A-3b)."""
    _attach(
        pdf,
        XML_NAME,
        embedded,
        mime=XML_MEDIENTYP,
        desc=f"ratsdok-XML der {titel}",
        rel=Name.Alternative,
        tag=tag,
    )
    pdf.Root.PageLabels = labels.obj
    pdf.Root.Lang = String("de-DE")
    pdf.Root.PageMode = Name.UseOutlines
    make_pdfa(pdf, vv, part=3)


def _mergeable(
    a: Anlage, reasons: list[str], policy: NichtKonform, hinweise: list[Problem]
) -> bool:
    """Whether an Anlage's pages can be merged; refuse or note it when they cannot."""
    if not reasons:
        return True
    if policy is NichtKonform.FEHLER:
        raise AnlagenError(
            Problem(
                f"Anlage {a.nummer}: its pages would break PDF/A-3b ({'; '.join(reasons)}); "
                "fix the file, or embed it without merging its pages",
                file=a.dateiname,
            )
        )
    hinweise.append(
        Problem(
            f"Anlage {a.nummer}: embedded as a file only, its pages are not merged because "
            f"they would break PDF/A-3b ({'; '.join(reasons)})",
            file=a.dateiname,
        )
    )
    return False


def _xml_to_embed(
    v: Vorlage, vv: Vorlage, xml: bytes | None
) -> tuple[bytes, dict[int, str], list[Problem]]:
    """The sealed ratsdok XML to embed, the signed-block marks, and any Hinweis.

    The given document (e.g. a signed file) is embedded, sealed, when it
    describes the bundled Vorlage; the public variant and a document that
    does not match get a freshly written, sealed XML.
    """
    from ratsdok.integrity.check import signature_marks
    from ratsdok.integrity.seal import seal
    from ratsdok.xml.mapping import from_xml

    hinweise: list[Problem] = []
    if xml is not None and vv is not v and signature_marks(seal(xml, refresh=False)):
        hinweise.append(
            Problem(
                "the public variant leaves out non-public content, so it carries a new "
                "sealed XML without the signatures of the source"
            )
        )
    if xml is not None and vv is v:
        if from_xml(xml) == v:
            sealed = seal(xml, refresh=False)
            return sealed, signature_marks(sealed), hinweise
        hinweise.append(
            Problem(
                "the given XML does not describe this Vorlage (e.g. Anlage digests were filled "
                "in from files); a new sealed XML is embedded and signatures are not carried over"
            )
        )
    return seal(to_xml(vv)), {}, hinweise


def build_bundle(
    v: Vorlage,
    folder: str | os.PathLike[str] | None = None,
    *,
    oeffentlich_only: bool = False,
    nicht_konform: NichtKonform | str = NichtKonform.FEHLER,
    max_anlage_bytes: int = DEFAULT_MAX_ANLAGE_BYTES,
    xml: bytes | None = None,
) -> BundleResult:
    """Build the PDF/A-3b bundle of *v*; Anlage files are looked up in *folder*.

    Raises :class:`~ratsdok.errors.AnlagenError` (naming the file) for a missing,
    unreadable or changed Anlage file and for a broken or encrypted Anlage PDF.
    With ``nicht_konform="einbetten"`` a PDF Anlage whose pages would break
    PDF/A is embedded as a file only and reported in :attr:`BundleResult.hinweise`.

    The embedded ``ratsdok.xml`` is sealed. Pass the source document as *xml*
    to embed it (with its signatures; signed blocks are then marked in the
    rendered pages); without it, a sealed XML is written from *v*.
    """
    policy = NichtKonform(nicht_konform)
    base = Path(folder) if folder is not None else None
    vv = public_copy(v) if oeffentlich_only else v
    embedded, marks, xml_hinweise = _xml_to_embed(v, vv, xml)
    _check_names(vv)
    tag = stichtag(vv)
    titel = _titel(vv)
    contents = [_read_anlage(i, a, base, max_anlage_bytes) for i, a in enumerate(vv.anlagen)]
    hinweise: list[Problem] = list(xml_hinweise)
    opened: list[Pdf] = []
    try:
        main = Pdf.open(io.BytesIO(render_pdf(vv, signiert=marks)))
        opened.append(main)
        labels = NumberTree.new(main)
        labels[0] = Dictionary(S=Name.D)
        with main.open_outline() as ol:
            ol.root.append(OutlineItem(titel, 0))
        for a, data in zip(vv.anlagen, contents, strict=True):
            merged = False
            if a.medientyp == PDF_MEDIENTYP:
                src = _open_anlage_pdf(a, data, base)
                opened.append(src)
                _sanitize_pages(src)
                if _mergeable(a, _probe_conforms(src), policy, hinweise):
                    start = len(main.pages)
                    with main.open_outline() as ol:
                        before = len(ol.root)
                    main.add_pages_from(src, outlines="preserve")
                    labels[start] = Dictionary(S=Name.D, P=String(f"A{a.nummer}-"))
                    with main.open_outline() as ol:
                        own = list(ol.root[before:])
                        del ol.root[before:]
                        item = OutlineItem(f"Anlage {a.nummer} – {a.titel}", start)
                        item.children.extend(own)
                        ol.root.append(item)
                    merged = True
            rel = Name.Source if merged else Name.Supplement
            _attach(
                main,
                a.dateiname,
                data,
                mime=a.medientyp,
                desc=f"Anlage {a.nummer} – {a.titel}",
                rel=rel,
                tag=tag,
            )
        _finish(main, vv, embedded, labels, titel, tag)
        buf = io.BytesIO()
        save_pdfa(main, buf, part=3)
    finally:
        for pdf in reversed(opened):
            pdf.close()
    buf.seek(0)
    check_pdfa(buf, part=3, what="the bundle")
    return BundleResult(buf.getvalue(), tuple(hinweise))


def bundle(
    v: Vorlage,
    folder: str | os.PathLike[str] | None = None,
    *,
    oeffentlich_only: bool = False,
    xml: bytes | None = None,
) -> bytes:
    """The PDF/A-3b bundle of *v* as bytes (see :func:`build_bundle`).

    Every PDF Anlage must be mergeable without breaking PDF/A; use
    :func:`build_bundle` with ``nicht_konform="einbetten"`` to embed such files
    without merging them.
    """
    return build_bundle(v, folder, oeffentlich_only=oeffentlich_only, xml=xml).data


def bundle_to_file(
    v: Vorlage,
    folder: str | os.PathLike[str] | None,
    out: str | os.PathLike[str],
    *,
    oeffentlich_only: bool = False,
    nicht_konform: NichtKonform | str = NichtKonform.FEHLER,
    stream_threshold: int = STREAM_THRESHOLD,
    xml: bytes | None = None,
) -> tuple[Problem, ...]:
    """Build the bundle and write it to *out* atomically; return the Hinweise.

    When an Anlage file is at least *stream_threshold* bytes, the bundle is
    built on disk next to *out* (see :func:`_stream_bundle`), so that memory
    stays bounded by about the largest single stream, not the total size.
    """
    base = Path(folder) if folder is not None else None
    vv = public_copy(v) if oeffentlich_only else v
    big = base is not None and any(
        a.inhalt is None and _file_size(base / a.dateiname) >= stream_threshold for a in vv.anlagen
    )
    if big:
        embedded, marks, xml_hinweise = _xml_to_embed(v, vv, xml)
        return tuple(xml_hinweise) + _stream_bundle(
            vv, base, Path(out), NichtKonform(nicht_konform), stream_threshold, embedded, marks
        )
    result = build_bundle(
        v, folder, oeffentlich_only=oeffentlich_only, nicht_konform=nicht_konform, xml=xml
    )
    with atomic_output(out) as f:
        f.write(result.data)
    return result.hinweise


# --- streaming path -------------------------------------------------------
#
# Pages are merged by qpdf (``pikepdf.Job`` with ``--empty --pages``) into a
# file; that file is opened lazily to add the outline, page labels, XMP,
# OutputIntent and the small attachments, and saved with a classic xref table
# (qpdf copies each stream from its input, buffering one stream at a time).
# A large Anlage is attached as a placeholder EmbeddedFile stream (with its
# real /Params /Size and /CheckSum); an incremental update written here then
# replaces that object by a stream whose data is copied from the Anlage file
# in chunks. The written file is validated before it is moved to *out*.


@dataclass(frozen=True)
class _BigFile:
    path: Path
    size: int
    md5: bytes


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reported by _read_anlage


def _check_big(i: int, a: Anlage, path: Path, max_bytes: int) -> _BigFile:
    where = f"anlagen[{i}]"
    sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                sha.update(chunk)
                md5.update(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise AnlagenError(
                        Problem(
                            f"Anlage {a.nummer}: larger than the limit of {max_bytes:,} bytes",
                            file=str(path),
                            field=where,
                        )
                    )
    except OSError as exc:
        raise AnlagenError(
            Problem(
                f"Anlage {a.nummer}: cannot read: {exc.strerror or exc}",
                file=str(path),
                field=where,
            )
        ) from None
    changes = []
    if a.groesse is not None and a.groesse != size:
        changes.append(f"size is {size} bytes, recorded {a.groesse}")
    if a.sha256 is not None and sha.hexdigest() != a.sha256:
        changes.append(f"SHA-256 is {sha.hexdigest()}, recorded {a.sha256}")
    if changes:
        raise AnlagenError(
            Problem(f"Anlage {a.nummer}: {'; '.join(changes)}", file=str(path), field=where)
        )
    return _BigFile(path, size, md5.digest())


def _open_pdf_file(a: Anlage, path: Path) -> Pdf:
    try:
        src = Pdf.open(path)
    except pikepdf.PasswordError:
        raise AnlagenError(
            Problem(f"Anlage {a.nummer}: the PDF is encrypted (password protected)", file=str(path))
        ) from None
    except pikepdf.PdfError as exc:
        raise AnlagenError(
            Problem(f"Anlage {a.nummer}: not a readable PDF ({exc})", file=str(path))
        ) from None
    if src.is_encrypted or len(src.pages) == 0:
        src.close()
        what = "the PDF is encrypted" if src.is_encrypted else "the PDF has no pages"
        raise AnlagenError(Problem(f"Anlage {a.nummer}: {what}", file=str(path)))
    return src


def _dest_page(src: Pdf, item: OutlineItem, index: dict[tuple[int, int], int]) -> int:
    """Page index (in *src*) an outline item points to; 0 when unknown."""
    dest: object = item.destination
    if dest is None and item.action is not None and "/D" in item.action:
        dest = item.action.D
    try:
        if isinstance(dest, (String, Name, str)):
            key = str(dest)
            found: object = None
            if "/Names" in src.Root and "/Dests" in src.Root.Names:
                found = pikepdf.NameTree(src.Root.Names.Dests).get(key)
            elif "/Dests" in src.Root:
                found = src.Root.Dests.get("/" + key.lstrip("/"))
            if isinstance(found, Dictionary) and "/D" in found:
                found = found.D
            dest = found
        if isinstance(dest, Array) and len(dest) > 0:
            target = dest[0]
            if isinstance(target, Dictionary):
                return index.get(target.objgen, 0)
            if isinstance(target, int):
                return target
    except (pikepdf.PdfError, KeyError, TypeError, ValueError):
        pass
    return 0


def _copy_outline(
    items: list[OutlineItem], src: Pdf, offset: int, index: dict[tuple[int, int], int]
) -> list[OutlineItem]:
    result = []
    for it in items:
        new = OutlineItem(it.title, offset + _dest_page(src, it, index))
        new.children.extend(_copy_outline(it.children, src, offset, index))
        result.append(new)
    return result


def _outline_of(src: Pdf, offset: int) -> list[OutlineItem]:
    index = {page.obj.objgen: n for n, page in enumerate(src.pages)}
    with src.open_outline() as ol:
        return _copy_outline(list(ol.root), src, offset, index)


def _stream_bundle(
    vv: Vorlage,
    base: Path | None,
    out: Path,
    policy: NichtKonform,
    threshold: int,
    embedded: bytes,
    marks: dict[int, str],
) -> tuple[Problem, ...]:
    _check_names(vv)
    tag = stichtag(vv)
    titel = _titel(vv)
    contents: list[bytes | _BigFile] = []
    for i, a in enumerate(vv.anlagen):
        if base is not None and a.inhalt is None and _file_size(base / a.dateiname) >= threshold:
            contents.append(_check_big(i, a, base / a.dateiname, DEFAULT_MAX_ANLAGE_BYTES))
        else:
            contents.append(_read_anlage(i, a, base, DEFAULT_MAX_ANLAGE_BYTES))
    hinweise: list[Problem] = []
    work_parent = out.parent if out.parent.is_dir() else None
    with tempfile.TemporaryDirectory(prefix=".ratsdok-", dir=work_parent) as tmp:
        work = Path(tmp)
        vorlage_pdf = work / "vorlage.pdf"
        vorlage_pdf.write_bytes(render_pdf(vv, signiert=marks))
        inputs = [str(vorlage_pdf.resolve())]
        with Pdf.open(vorlage_pdf) as vp:
            outline = _outline_of(vp, 0)
            pages = len(vp.pages)
        outline.append(OutlineItem(titel, 0))
        label_starts: list[tuple[int, str]] = []
        merged_flags: list[bool] = []
        for n, (a, data) in enumerate(zip(vv.anlagen, contents, strict=True)):
            merged = False
            if a.medientyp == PDF_MEDIENTYP:
                if isinstance(data, _BigFile):
                    path = data.path
                    src = _open_pdf_file(a, path)
                    try:
                        src.check_pdf_syntax()
                    except pikepdf.PdfError as exc:
                        src.close()
                        raise AnlagenError(
                            Problem(f"Anlage {a.nummer}: broken PDF ({exc})", file=str(path))
                        ) from None
                else:
                    path = work / f"anlage-{n}.pdf"
                    path.write_bytes(data)
                    src = _open_anlage_pdf(a, data, base)
                with src:
                    _sanitize_pages(src)
                    reasons = _probe_conforms(src, work if isinstance(data, _BigFile) else None)
                    if _mergeable(a, reasons, policy, hinweise):
                        item = OutlineItem(f"Anlage {a.nummer} – {a.titel}", pages)
                        item.children.extend(_outline_of(src, pages))
                        outline.append(item)
                        label_starts.append((pages, f"A{a.nummer}-"))
                        pages += len(src.pages)
                        inputs.append(str(path.resolve()))  # never read as an option
                        merged = True
            merged_flags.append(merged)
        merged_pdf = work / "merged.pdf"
        pikepdf.Job(
            ["qpdf", "--deterministic-id", "--empty", "--pages", *inputs, "--", str(merged_pdf)]
        ).run()
        base_pdf = work / "base.pdf"
        placeholders: list[tuple[str, _BigFile]] = []
        with Pdf.open(merged_pdf) as pdf:
            for key in ("/OpenAction", "/Outlines", "/PageLabels", "/Names", "/AF"):
                if key in pdf.Root:
                    del pdf.Root[key]
            labels = NumberTree.new(pdf)
            labels[0] = Dictionary(S=Name.D)
            for start, prefix in label_starts:
                labels[start] = Dictionary(S=Name.D, P=String(prefix))
            with pdf.open_outline() as ol:
                ol.root.extend(outline)
            for a, data, merged in zip(vv.anlagen, contents, merged_flags, strict=True):
                rel = Name.Source if merged else Name.Supplement
                desc = f"Anlage {a.nummer} – {a.titel}"
                if isinstance(data, _BigFile):
                    _attach(pdf, a.dateiname, b"", mime=a.medientyp, desc=desc, rel=rel, tag=tag)
                    ef = pdf.attachments[a.dateiname].obj.EF.F
                    ef.Params.Size = data.size
                    ef.Params.CheckSum = String(data.md5)
                    placeholders.append((a.dateiname, data))
                else:
                    _attach(pdf, a.dateiname, data, mime=a.medientyp, desc=desc, rel=rel, tag=tag)
            _finish(pdf, vv, embedded, labels, titel, tag)
            save_pdfa(pdf, base_pdf, part=3, object_stream_mode=pikepdf.ObjectStreamMode.disable)
        _append_embedded_files(base_pdf, placeholders)
        check_pdfa(base_pdf, part=3, what="the bundle")
        with atomic_output(out) as f, base_pdf.open("rb") as g:
            shutil.copyfileobj(g, f, _CHUNK)
    return tuple(hinweise)


def _startxref(path: Path) -> int:
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - 1024))
        tail = f.read()
    pos = tail.rindex(b"startxref")
    return int(tail[pos + len(b"startxref") :].split()[0])


def _append_embedded_files(path: Path, placeholders: list[tuple[str, _BigFile]]) -> None:
    """Replace each placeholder EmbeddedFile stream by the file's bytes (incremental update)."""
    if not placeholders:
        return
    prev = _startxref(path)
    heads: list[tuple[int, int, bytes, _BigFile]] = []
    with Pdf.open(path) as pdf:
        for name, big in placeholders:
            ef = pdf.attachments[name].obj.EF.F
            num, gen = ef.objgen
            dropped = ("/Length", "/Filter", "/DecodeParms", "/DL")
            d = Dictionary({k: val for k, val in ef.stream_dict.items() if k not in dropped})
            d.Length = big.size
            heads.append((num, gen, d.unparse(resolved=True), big))
        trailer = pdf.trailer
        size = int(trailer.Size)
        root = "{} {} R".format(*trailer.Root.objgen)
        info = "/Info {} {} R ".format(*trailer.Info.objgen) if "/Info" in trailer else ""
        ident = trailer.ID.unparse().decode("latin-1")
    offsets: dict[int, tuple[int, int]] = {}
    with path.open("r+b") as f:
        f.seek(0, os.SEEK_END)
        for num, gen, head, big in heads:
            offsets[num] = (f.tell(), gen)
            f.write(f"{num} {gen} obj\n".encode() + head + b"\nstream\n")
            with big.path.open("rb") as g:
                shutil.copyfileobj(g, f, _CHUNK)
            f.write(b"\nendstream\nendobj\n")
        xref = f.tell()
        lines = [b"xref\n"]
        for num in sorted(offsets):
            off, gen = offsets[num]
            lines.append(f"{num} 1\n{off:010d} {gen:05d} n\r\n".encode())
        lines.append(
            f"trailer\n<< /Size {size} /Root {root} {info}/ID {ident} /Prev {prev} >>\n"
            f"startxref\n{xref}\n%%EOF\n".encode()
        )
        f.write(b"".join(lines))
