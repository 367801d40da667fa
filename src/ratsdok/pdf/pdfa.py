"""PDF/A-b: turning a rendered Vorlage with merged pages into PDF/A-3b (or 2b),
saving it reproducibly, and checking the written file.

Owns the b-level conversion: the sRGB OutputIntent (profile shipped in
``ratsdok/icc``), the XMP identification and metadata (dates from
:func:`~ratsdok.pdf.ansicht.stichtag`, never from the clock; the rendered pages'
PDF/A-3a and PDF/UA-1 claims replaced, since merged pages from elsewhere are not
tagged), dropping the page keys that only concern presentation and the
optional ``/CIDSet`` streams, the save settings (:func:`save_pdfa`), the
hot-path check of the written bytes (:func:`check_pdfa`, with ``page``; see
:mod:`ratsdok.pdf.validation`), and the probe whether an Anlage's pages would
still conform once merged (:func:`probe_conforms`).

Bundles are PDF/A-3b (they carry embedded files). The rendered Vorlage and the
archive copy are written by Typst at level a with PDF/UA-1
(:mod:`ratsdok.pdf.render`) and need nothing from here.
"""

from __future__ import annotations

import io
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any, BinaryIO, Literal

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, String

from ratsdok.model.vorlage import Vorlage
from ratsdok.pdf.ansicht import stichtag, titel
from ratsdok.pdf.pagecopy import copy_pages
from ratsdok.pdf.satz import RENDERER
from ratsdok.pdf.validation import Profil, gate, validate

__all__ = [
    "PdfaPart",
    "check_pdfa",
    "make_pdfa",
    "pdfa_from_rendered",
    "probe_conforms",
    "sanitize_pages",
    "save_pdfa",
]

PdfaPart = Literal[2, 3]
"""PDF/A parts ratsdok writes (conformance B): 3 for bundles (embedded files),
2 for the archive's Vorlage PDF (no embedded files)."""

# Page keys that only concern presentation and that pikepdf's validator cannot
# approve (ReportLab writes an empty /Trans on every page); dropping them from
# the rendered Vorlage or the *merged copy* of an Anlage changes no content (the
# original file is embedded unchanged).
_PRESENTATION_KEYS = ("/Trans", "/Dur", "/PresSteps")


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


def _set_metadata(pdf: Pdf, v: Vorlage, title: str, tag: date, part: PdfaPart) -> None:
    stamp = f"{tag.isoformat()}T00:00:00Z"
    # Start from an empty packet so that nothing of the renderer's survives.
    if "/Metadata" in pdf.Root:
        del pdf.Root.Metadata
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as meta:
        meta["pdfaid:part"] = str(part)
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = title
        meta["dc:description"] = v.betreff
        if v.koerperschaft is not None:
            meta["dc:creator"] = [v.koerperschaft]
        meta["dc:language"] = ["de-DE"]
        meta["pdf:Producer"] = RENDERER
        meta["xmp:CreatorTool"] = "ratsdok"
        meta["xmp:CreateDate"] = stamp
        meta["xmp:ModifyDate"] = stamp
        meta["xmp:MetadataDate"] = stamp


def sanitize_pages(src: Pdf) -> None:
    """Drop the presentation-only page keys (``/Trans``, ``/Dur``, ``/PresSteps``)."""
    for page in src.pages:
        for key in _PRESENTATION_KEYS:
            if key in page.obj:
                del page.obj[key]


def drop_cidsets(pdf: Pdf) -> None:
    """Remove every ``/CIDSet`` from the font descriptors of *pdf*.

    ISO 19005-2 and -3 6.2.11.4.2 make a CIDSet optional (only if present must it
    list every CID), and pikepdf's validator cannot check the ones Typst writes,
    so dropping them loses nothing and lets both validators judge the file."""
    for obj in pdf.objects:
        if (
            isinstance(obj, Dictionary)
            and obj.get("/Type") == Name.FontDescriptor
            and "/CIDSet" in obj
        ):
            del obj.CIDSet


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
    sanitize_pages(pdf)
    drop_cidsets(pdf)
    _add_output_intent(pdf)
    _set_metadata(pdf, v, titel(v), stichtag(v), part)


def save_pdfa(pdf: Pdf, dest: Path | BinaryIO, *, part: PdfaPart, **options: Any) -> None:
    """Save *pdf* reproducibly with the settings PDF/A-*part* b needs (PDF 1.7)."""
    kwargs = pikepdf.pdfa.resolve_save_kwargs(
        f"{part}b", deterministic_id=True, min_version="1.7", **options
    )
    pdf.save(dest, **kwargs)


PAGE_MAX_BYTES = 32 * 1024 * 1024
"""Files larger than this are checked with pikepdf.pdfa, not page-validation, which
reads the whole file and grows to several times its size (a 50 MB bundle: 230 MB)."""


def check_pdfa(written: Path | BinaryIO | bytes, *, part: PdfaPart, what: str) -> None:
    """Raise a :class:`~ratsdok.errors.RatsdokError` unless *written* is accepted as
    PDF/A-*part* b: by ``page`` (the hot-path check; tests and CI cross-check with
    :mod:`pikepdf.pdfa`, :func:`ratsdok.pdf.validation.cross_check`), or, for a file
    above :data:`PAGE_MAX_BYTES`, by :mod:`pikepdf.pdfa`, which needs far less
    memory."""
    profil: Profil = "3b" if part == 3 else "2b"
    if isinstance(written, Path):
        big = written.stat().st_size > PAGE_MAX_BYTES
        gate(written, [profil], what=what, validator="pikepdf" if big else "page")
        return
    if isinstance(written, bytes):
        data = written
    else:
        written.seek(0)
        data = written.read()
        written.seek(0)
    big = len(data) > PAGE_MAX_BYTES
    gate(data, [profil], what=what, validator="pikepdf" if big else "page")


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


def _unembedded_fonts(pdf: Pdf) -> bool:
    """Whether some font in *pdf*'s page resources has no embedded font program
    (Type 3 fonts, drawn by their own procedures, aside)."""
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary())
        for font in fonts.values() if isinstance(fonts, Dictionary) else ():
            if not isinstance(font, Dictionary):
                continue
            if font.is_indirect:
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
            if font.get("/Subtype") == Name.Type3:
                continue
            descendants = font.get("/DescendantFonts")
            if isinstance(descendants, Array) and len(descendants) == 1:
                font = descendants[0]
            descriptor = font.get("/FontDescriptor")
            if not isinstance(descriptor, Dictionary) or not any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                return True
    return False


def probe_conforms(src: Pdf, work: Path | None = None) -> list[str]:
    """Reasons why *src*'s pages would break PDF/A-3b once merged (empty: fine).

    With *work* (a folder), the pages are copied by qpdf into a file there
    (streamed) instead of in memory (page copying buffers all stream data);
    *src* must then have been opened from a file.
    """
    if work is None:
        probe = Pdf.new()
        copy_pages(probe, src)
    else:
        probe_file = work / "probe.pdf"
        pikepdf.Job(
            ["qpdf", "--empty", "--pages", str(Path(src.filename).resolve()), "--", str(probe_file)]
        ).run()
        probe = Pdf.open(probe_file)
        sanitize_pages(probe)
    # As the bundle will (make_pdfa): an optional CIDSet is no reason to refuse.
    drop_cidsets(probe)
    _add_output_intent(probe)
    with probe.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "3"
        meta["pdfaid:conformance"] = "B"
        meta["xmp:CreateDate"] = "2000-01-01T00:00:00Z"
        meta["xmp:ModifyDate"] = "2000-01-01T00:00:00Z"
    if work is None and not _unembedded_fonts(probe):
        # page-validation is about 20 times faster per page than pikepdf.pdfa.
        buf = io.BytesIO()
        probe.save(buf, deterministic_id=True)
        probe.close()
        return [f"{b.regel}: {b.meldung}" for b in validate(buf.getvalue(), "3b").befunde][:5]
    # pikepdf.pdfa: the font repair (ratsdok.pdf.schriften) acts on its findings
    # about fonts that are not embedded, and it reads a large probe lazily.
    report = pikepdf.pdfa.check(probe, "3b")
    probe.close()
    if report.passed:
        return []
    return [f"{f.rule}: {f.message}" for f in report.findings][:5]
