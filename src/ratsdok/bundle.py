"""Bundling a Vorlage and its Anlagen into one PDF/A-3b file.

Layout of a bundle:

* the rendered Vorlage (:func:`ratsdok.render.render_pdf`), then the pages of
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
  :mod:`pikepdf.pdfa`; anything but "pass" is an error.

The bundle is reproducible: all dates come from the Vorlage (never from the
clock) and the file is saved with ``deterministic_id=True``.

The public variant (``oeffentlich_only=True``) is built from a copy of the
Vorlage without its non-public Anlagen, so neither their pages, bytes, file
names, titles nor their entries in the embedded XML reach the file.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from importlib.resources import files
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, NumberTree, OutlineItem, Pdf, String

from ratsdok.atomic import atomic_output
from ratsdok.errors import AnlagenError, Problem, RatsdokError
from ratsdok.models import Anlage, Vorlage
from ratsdok.render import render_pdf
from ratsdok.xmlformat import to_xml

__all__ = [
    "PDF_MEDIENTYP",
    "XML_NAME",
    "BundleResult",
    "NichtKonform",
    "build_bundle",
    "bundle",
    "bundle_to_file",
    "public_copy",
    "stichtag",
]

XML_NAME = "ratsdok.xml"
"""File name of the embedded ratsdok XML."""
XML_MEDIENTYP = "application/xml"
PDF_MEDIENTYP = "application/pdf"
DEFAULT_MAX_ANLAGE_BYTES = 512 * 1024 * 1024
"""Largest Anlage file read into memory (embedding costs about 3× its size)."""

# Page keys that only concern presentation and that pikepdf's validator cannot
# approve; dropping them from the *merged copy* changes no content (the
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


def stichtag(v: Vorlage) -> date:
    """The fixed date stamped into the bundle, taken from the Vorlage's content.

    The Vorlage's own date; else its latest date (Sitzungstermin or
    Unterzeichnung); else 1 January of the Drucksache's year; else 2000-01-01.
    """
    if v.datum is not None:
        return v.datum
    dates = [b.sitzungstermin for b in v.beratungsfolge if b.sitzungstermin is not None]
    dates += [u.datum for u in v.unterzeichnungen if u.datum is not None]
    if dates:
        return max(dates)
    if v.nummer.jahr is not None:
        return date(v.nummer.jahr, 1, 1)
    return date(2000, 1, 1)


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
    changes = []
    if a.groesse is not None and a.groesse != len(data):
        changes.append(f"size is {len(data)} bytes, recorded {a.groesse}")
    if a.sha256 is not None:
        digest = hashlib.sha256(data).hexdigest()
        if digest != a.sha256:
            changes.append(f"SHA-256 is {digest}, recorded {a.sha256}")
    if changes:
        raise AnlagenError(
            Problem(f"Anlage {a.nummer}: {'; '.join(changes)}", file=name, field=where)
        )
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
    icc = files("ratsdok").joinpath("icc", "sRGB.icc").read_bytes()
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


def _set_metadata(pdf: Pdf, v: Vorlage, titel: str, tag: date) -> None:
    stamp = f"{tag.isoformat()}T00:00:00Z"
    # Start from an empty packet so that nothing of the renderer's survives.
    if "/Metadata" in pdf.Root:
        del pdf.Root.Metadata
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as meta:
        meta["pdfaid:part"] = "3"
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


def _probe_conforms(src: Pdf) -> list[str]:
    """Reasons why *src*'s pages would break PDF/A-3b once merged (empty: fine)."""
    probe = Pdf.new()
    probe.add_pages_from(src, outlines="ignore")
    _add_output_intent(probe)
    with probe.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "3"
        meta["pdfaid:conformance"] = "B"
        meta["xmp:CreateDate"] = "2000-01-01T00:00:00Z"
        meta["xmp:ModifyDate"] = "2000-01-01T00:00:00Z"
    report = pikepdf.pdfa.check(probe, "3b")
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


def build_bundle(
    v: Vorlage,
    folder: str | os.PathLike[str] | None = None,
    *,
    oeffentlich_only: bool = False,
    nicht_konform: NichtKonform | str = NichtKonform.FEHLER,
    max_anlage_bytes: int = DEFAULT_MAX_ANLAGE_BYTES,
) -> BundleResult:
    """Build the PDF/A-3b bundle of *v*; Anlage files are looked up in *folder*.

    Raises :class:`~ratsdok.errors.AnlagenError` (naming the file) for a missing,
    unreadable or changed Anlage file and for a broken or encrypted Anlage PDF.
    With ``nicht_konform="einbetten"`` a PDF Anlage whose pages would break
    PDF/A is embedded as a file only and reported in :attr:`BundleResult.hinweise`.
    """
    policy = NichtKonform(nicht_konform)
    base = Path(folder) if folder is not None else None
    vv = public_copy(v) if oeffentlich_only else v
    _check_names(vv)
    tag = stichtag(vv)
    titel = _titel(vv)
    contents = [_read_anlage(i, a, base, max_anlage_bytes) for i, a in enumerate(vv.anlagen)]
    hinweise: list[Problem] = []
    opened: list[Pdf] = []
    try:
        main = Pdf.open(io.BytesIO(render_pdf(vv)))
        opened.append(main)
        if "/OpenAction" in main.Root:
            del main.Root.OpenAction
        _sanitize_pages(main)  # ReportLab writes an empty /Trans on every page
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
                reasons = _probe_conforms(src)
                if reasons and policy is NichtKonform.FEHLER:
                    raise AnlagenError(
                        Problem(
                            f"Anlage {a.nummer}: its pages would break PDF/A-3b "
                            f"({'; '.join(reasons)}); fix the file, or embed it without "
                            "merging its pages",
                            file=a.dateiname,
                        )
                    )
                if reasons:
                    hinweise.append(
                        Problem(
                            f"Anlage {a.nummer}: embedded as a file only, its pages are not "
                            f"merged because they would break PDF/A-3b ({'; '.join(reasons)})",
                            file=a.dateiname,
                        )
                    )
                else:
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
        _attach(
            main,
            XML_NAME,
            to_xml(vv),
            mime=XML_MEDIENTYP,
            desc=f"ratsdok-XML der {titel}",
            rel=Name.Alternative,
            tag=tag,
        )
        main.Root.PageLabels = labels.obj
        main.Root.Lang = String("de-DE")
        main.Root.PageMode = Name.UseOutlines
        _add_output_intent(main)
        _set_metadata(main, vv, titel, tag)
        buf = io.BytesIO()
        kwargs = pikepdf.pdfa.resolve_save_kwargs("3b", deterministic_id=True, min_version="1.7")
        main.save(buf, **kwargs)
    finally:
        for pdf in reversed(opened):
            pdf.close()
    buf.seek(0)
    report = pikepdf.pdfa.validate_written(buf, "3b")
    if not report.passed:
        raise RatsdokError(
            [
                Problem(f"the bundle is not valid PDF/A-3b: {f.rule}: {f.message} ({f.where})")
                for f in report.findings
            ]
        )
    return BundleResult(buf.getvalue(), tuple(hinweise))


def bundle(
    v: Vorlage,
    folder: str | os.PathLike[str] | None = None,
    *,
    oeffentlich_only: bool = False,
) -> bytes:
    """The PDF/A-3b bundle of *v* as bytes (see :func:`build_bundle`).

    Every PDF Anlage must be mergeable without breaking PDF/A; use
    :func:`build_bundle` with ``nicht_konform="einbetten"`` to embed such files
    without merging them.
    """
    return build_bundle(v, folder, oeffentlich_only=oeffentlich_only).data


def bundle_to_file(
    v: Vorlage,
    folder: str | os.PathLike[str] | None,
    out: str | os.PathLike[str],
    *,
    oeffentlich_only: bool = False,
    nicht_konform: NichtKonform | str = NichtKonform.FEHLER,
) -> tuple[Problem, ...]:
    """Build the bundle and write it to *out* atomically; return the Hinweise."""
    result = build_bundle(v, folder, oeffentlich_only=oeffentlich_only, nicht_konform=nicht_konform)
    with atomic_output(out) as f:
        f.write(result.data)
    return result.hinweise
