"""Checking written PDFs against PDF/A and PDF/UA with two independent validators.

Two validators, because one is not proof:

* ``page`` (the ``page-validation`` package, a Rust validator): PDF/A-1 to 3 at
  levels a, b and u, and PDF/UA-1; about 5 ms a file. It gates every output in
  the hot path (:func:`gate`).
* :mod:`pikepdf.pdfa`: PDF/A levels 1b, 2b and 3b only. Run next to ``page`` by
  :func:`cross_check` (tests and CI), and on the b-level outputs (bundle).

So every output is checked by both at level b. What only level a and PDF/UA-1
demand (tags, reading order, table headers, Unicode mapping) is checked by
``page`` alone plus ratsdok's own :func:`structure_problems`: single-validator
(pikepdf validates no a level, and veraPDF cannot be had here).

Where a validator is wrong, an :class:`Ausnahme` says which rule, which clause of
which standard permits what it flags, and the evidence; its test
(:attr:`Ausnahme.trifft`) looks at the finding *and* the file, so that a real
violation of the same rule is still reported (``tests/pdf/test_validation.py``
injects one for every exception). No validator is ever silenced wholesale.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import page
import pikepdf
import pikepdf.pdfa
from pikepdf import Name, Pdf

from ratsdok.errors import Problem, RatsdokError

__all__ = [
    "AUSNAHMEN",
    "Ausnahme",
    "Befund",
    "Profil",
    "Pruefung",
    "cross_check",
    "gate",
    "gate_tagged",
    "signature_problems",
    "structure_problems",
    "validate",
]

Profil = Literal["2a", "2b", "2u", "3a", "3b", "3u", "ua1"]
"""A conformance level as the validators name it (PDF/A part and level, or PDF/UA-1)."""
Validator = Literal["page", "pikepdf"]
Quelle = bytes | Path
Roh = Callable[[], bytes]
"""The bytes of the file under check, read when first asked for."""


@dataclass(frozen=True)
class Befund:
    """One finding of one validator."""

    validator: Validator
    profil: Profil
    regel: str
    meldung: str
    ort: str = ""

    def __str__(self) -> str:
        wo = f" ({self.ort})" if self.ort else ""
        return f"{self.validator} {self.profil}: {self.regel}: {self.meldung}{wo}"


@dataclass(frozen=True)
class Ausnahme:
    """A documented false positive of one validator's rule."""

    validator: Validator
    regel: str
    """The rule id exactly as the validator reports it."""
    klausel: str
    """The clause of the standard that permits what the rule flags."""
    beleg: str
    """The evidence, in a sentence."""
    trifft: Callable[[Befund, Pdf, Roh], bool]
    """True only where the finding is this false positive in *this* file (parsed,
    and its bytes, read only if asked for)."""
    beruht_auf_page: bool = False
    """A rule pikepdf does not check but page-validation does: excused only where
    page-validation checked the file too."""

    def excuses(self, befund: Befund, pdf: Pdf, raw: Roh) -> bool:
        return (
            befund.validator == self.validator
            and befund.regel == self.regel
            and self.trifft(befund, pdf, raw)
        )


@dataclass(frozen=True)
class Pruefung:
    """What one validator said of one file at one level, exceptions applied."""

    validator: Validator
    profil: Profil
    befunde: tuple[Befund, ...]
    """Findings no exception covers: the file fails on these."""
    entschuldigt: tuple[tuple[Befund, Ausnahme], ...] = field(default=())
    """Findings an exception covers, with it."""

    @property
    def ok(self) -> bool:
        return not self.befunde


# --- the exceptions -------------------------------------------------------------

# XMP schemas ISO 19005 itself or the XMP specification define; ISO 19005-2/-3
# 6.6.2.3.1 permit them without an extension schema.
_XMP_VORDEFINIERT = {
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    "pdfaType": "http://www.aiim.org/pdfa/ns/type#",
    "pdfaField": "http://www.aiim.org/pdfa/ns/field#",
    "xmpTPg": "http://ns.adobe.com/xap/1.0/t/pg/",
}
_XMP_EIGENSCHAFTEN = {
    "pdfaExtension": ("schemas",),
    "xmpTPg": ("NPages", "MaxPageSize", "Fonts", "Colorants", "PlateNames"),
}
"""The properties those schemas define (ISO 19005-1 6.7.8; XMP Part 2, Paged-Text)."""
_XMP_NS = re.compile(r"^XMP namespace (\w+)=(\S+) is not permitted$")


def _vordefinierter_namensraum(b: Befund, pdf: Pdf, raw: Roh = bytes) -> bool:
    m = _XMP_NS.match(b.meldung)
    return m is not None and _XMP_VORDEFINIERT.get(m.group(1)) == m.group(2)


_OBJ = re.compile(r"^'(\d+) (\d+) R' is not valid under any of the given schemas$")


def _indirektes_ziel(b: Befund, pdf: Pdf, raw: Roh = bytes) -> bool:
    """The flagged /Dest is an indirect reference to an explicit destination array
    whose first element is a page of this file."""
    m = _OBJ.match(b.meldung)
    if m is None or not b.ort.endswith("/Dest"):
        return False
    try:
        ziel = pdf.get_object((int(m.group(1)), int(m.group(2))))
    except (ValueError, pikepdf.PdfError):
        return False
    if not isinstance(ziel, pikepdf.Array) or len(ziel) < 2:
        return False
    erste = ziel[0]
    if not isinstance(erste, pikepdf.Dictionary) or erste.get("/Type") != Name.Page:
        return False
    return erste.is_indirect and erste.objgen in {p.obj.objgen for p in pdf.pages}


_XMP_PROPERTY = re.compile(r"^XMP property (\w+):(\w+) is not permitted$")


def _erweiterung_erklaert(b: Befund, pdf: Pdf, raw: Roh = bytes) -> bool:
    """The flagged property's schema is declared in the file's own PDF/A extension
    schemas (``pdfaExtension:schemas``), with that property listed."""
    m = _XMP_PROPERTY.match(b.meldung)
    if m is None:
        return False
    prefix, name = m.groups()
    xmp = pdf.Root.get("/Metadata")
    if not isinstance(xmp, pikepdf.Stream):
        return False
    text = xmp.read_bytes().decode("utf-8", "replace")
    uri = _XMP_VORDEFINIERT.get(prefix)
    if uri is not None:
        # A property of a schema ISO 19005 or the XMP specification defines, bound to
        # its own URI.
        allowed = _XMP_EIGENSCHAFTEN.get(prefix, ())
        return name in allowed and f'xmlns:{prefix}="{uri}"' in text
    for schema in re.findall(r"<rdf:li[^>]*>(.*?)</pdfaSchema:property>", text, re.S):
        if f"<pdfaSchema:prefix>{prefix}</pdfaSchema:prefix>" in schema:
            return f"<pdfaProperty:name>{name}</pdfaProperty:name>" in schema
    return False


def _xmp_erlaubt(b: Befund, pdf: Pdf, raw: Roh = bytes) -> bool:
    return _vordefinierter_namensraum(b, pdf) or _erweiterung_erklaert(b, pdf)


def _ebene_a_statt_b(b: Befund, pdf: Pdf, raw: Roh = bytes) -> bool:
    """The file claims level A of the same part where pikepdf checked level B."""
    if b.meldung != "pdfaid:conformance is 'A', expected 'B'":
        return False
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        return meta.get("pdfaid:conformance") == "A"


def _cidset_vorhanden(b: Befund, pdf: Pdf, raw: Roh = bytes) -> bool:
    return b.meldung == "/CIDSet on a CIDFontType2 subset is not checked"


def _history(b: Befund, pdf: Pdf, raw: Roh = bytes) -> bool:
    return b.meldung == "the content of structured XMP property xmpMM:History is not checked"


def _fuer_profile(
    regel: str, klausel: str, beleg: str, trifft: Callable[[Befund, Pdf, Roh], bool]
) -> tuple[Ausnahme, ...]:
    """The same exception of page-validation at every PDF/A level (page names the
    rule by level: ``PDFA3B-…``)."""
    return tuple(
        Ausnahme(
            "page",
            regel.format(profil=profil.upper()),
            klausel.format(teil=profil[0]),
            beleg,
            trifft,
        )
        for profil in ("2a", "2b", "2u", "3a", "3b", "3u")
    )


def _fuer_teile(
    regel: str,
    klausel: str,
    beleg: str,
    trifft: Callable[[Befund, Pdf, Roh], bool],
    beruht_auf_page: bool = False,
) -> tuple[Ausnahme, ...]:
    """The same exception for PDF/A-2 and -3 (pikepdf names the rule by part)."""
    return tuple(
        Ausnahme(
            "pikepdf",
            regel.format(teil=t),
            klausel.format(teil=t),
            beleg,
            trifft,
            beruht_auf_page,
        )
        for t in (2, 3)
    )


_OBJEKT = re.compile(r"PdfObjectId\((\d+), (\d+)\)")


_STREAM = re.compile(rb"\bstream(\r\n|\n)")
_LENGTH = re.compile(rb"/Length\s+([0-9]+)(\s+([0-9]+)\s+R)?")


def _streams(pdf: Pdf, raw: bytes) -> list[tuple[tuple[int, int], int, int]] | None:
    """(object, data start, /Length) of every stream object at its offset in the
    cross-reference table; None where an entry cannot be read plainly."""
    out = []
    for objgen, entry in sorted(pdf.get_xref_table().items()):
        at = entry.offset
        if entry.type != 1 or at is None:  # in an object stream (never a stream) or free
            continue
        kw = _STREAM.search(raw, at, at + 65_536)
        ende = raw.find(b"endobj", at, kw.start() if kw else at + 65_536)
        if kw is None or ende != -1:
            continue  # no stream object
        head = raw[at : kw.start()]
        lengths = _LENGTH.findall(head)
        if not head.startswith(b"%d %d obj" % objgen) or len(lengths) != 1:
            return None
        number, _, gen = lengths[0]
        if gen:
            value = pdf.get_object((int(number), int(gen)))
            if not isinstance(value, int):
                return None
            length = int(value)
        else:
            length = int(number)
        out.append((objgen, kw.end(), length))
    return out


def _laenge_vor_crlf(b: Befund, pdf: Pdf, raw: Roh = bytes) -> bool:
    """Every stream's ``/Length`` counts its data exactly (an end-of-line marker, then
    ``endstream``, follows), and the flagged stream (or, where page-validation names
    none, some stream) has data ending with CR followed by LF and ``endstream``:
    page-validation took that CR and LF for one CR LF marker. Streams are found at
    their offsets in the cross-reference table."""
    data = raw()
    streams = _streams(pdf, data)
    if not streams:
        return False
    m = _OBJEKT.fullmatch(b.ort)
    flagged = (int(m.group(1)), int(m.group(2))) if m else None
    cr_case = False
    for obj, start, length in streams:
        end = start + length
        after = data[end : end + 11]
        if not (after.startswith((b"\nendstream", b"\r\nendstream", b"\rendstream"))):
            return False
        if data[end - 1 : end] == b"\r" and after.startswith(b"\nendstream"):
            cr_case = cr_case or flagged is None or obj == flagged
    return cr_case


def _byte_ranges(pdf: Pdf) -> list[list[int]]:
    """The /ByteRange of every filled signature field of *pdf*."""
    acro = pdf.Root.get("/AcroForm")
    out: list[list[int]] = []
    if not isinstance(acro, pikepdf.Dictionary):
        return out
    for f in acro.get("/Fields", pikepdf.Array()):
        v = f.get("/V") if isinstance(f, pikepdf.Dictionary) else None
        if isinstance(v, pikepdf.Dictionary) and "/ByteRange" in v:
            out.append([int(x) for x in v.ByteRange])
    return out


def _fruehere_signatur(b: Befund, pdf: Pdf, raw: Roh = bytes) -> bool:
    """The file has several signatures, and :func:`signature_problems` finds none:
    one covers the whole file but its /Contents, every other exactly its revision
    (up to a ``%%EOF`` line) but its own /Contents hex string."""
    return len(_byte_ranges(pdf)) >= 2 and not signature_problems(raw())


AUSNAHMEN: tuple[Ausnahme, ...] = (
    *_fuer_profile(
        "PDFA{profil}-SIGNATURE-BYTERANGE-001",
        "ISO 19005-{teil} 6.4.3 (6.3.3 in part 2) and ISO 32000-1 12.8.1",
        "A signature's /ByteRange must cover the file as it was when signed, all"
        " but /Contents. An earlier signature of a file signed several times"
        " (incremental updates) covers its own revision, not the later ones;"
        " page-validation demands the whole file. veraPDF did the same until its"
        " issue #1493 (fixed 2024-12); Adobe Preflight accepts such files. The"
        " last signature must still cover the whole file.",
        _fruehere_signatur,
    ),
    *_fuer_teile(
        "ISO_19005_{teil}:6.6.2.3.1-1",
        "ISO 19005-{teil} 6.6.2.3.2 (extension schemas)",
        "Permitted are properties of schemas the file declares in its own"
        " pdfaExtension:schemas (pdfuaid:part in Typst's output), the container"
        " pdfaExtension:schemas itself (ISO 19005-1 6.7.8) and schemas the XMP"
        " specification defines (xmpTPg:NPages, XMP Part 2); pikepdf reads neither the"
        " declarations nor that list. page-validation accepts them.",
        _xmp_erlaubt,
    ),
    *_fuer_teile(
        "ISO_19005_{teil}:6.6.4-3",
        "ISO 19005-{teil} clause 2 (conformance levels)",
        "Level A includes level B: a file conforming to PDF/A-{teil}a conforms to"
        " PDF/A-{teil}b, so its b-level check may not demand conformance B.",
        _ebene_a_statt_b,
    ),
    *_fuer_teile(
        "ISO_19005_{teil}:6.2.11.4.2-2",
        "ISO 19005-{teil} 6.2.11.4.2",
        "Not a violation but a rule pikepdf does not check: a CIDSet is optional and, if"
        " present, must list every CID; page-validation checks it. In the bundle,"
        " where ratsdok rewrites the file anyway, the CIDSets are removed.",
        _cidset_vorhanden,
        beruht_auf_page=True,
    ),
    *_fuer_teile(
        "ISO_19005_{teil}:6.6.2.3.1-2",
        "ISO 19005-{teil} 6.6.2.3.1",
        "Not a violation but a rule pikepdf does not check (the content of"
        " xmpMM:History, a property of the XMP Media Management schema);"
        " page-validation checks the XMP.",
        _history,
        beruht_auf_page=True,
    ),
    *_fuer_profile(
        "PDFA{profil}-STREAM-LENGTH-001",
        "ISO 19005-{teil} 6.1.7.1 and ISO 32000-1 7.3.8.1",
        "/Length must count the bytes between the EOL after `stream` and the EOL"
        " before `endstream`. Where compressed data happen to end with CR (0x0D)"
        " and qpdf writes LF before `endstream`, page-validation reads CR LF as"
        " the EOL and counts one byte less; the file's /Length is right, as qpdf"
        " --check and pikepdf.pdfa (which reads the stream at /Length) confirm."
        " Found on 1 in about 8 bundles; injected wrong lengths are still caught.",
        _laenge_vor_crlf,
    ),
    Ausnahme(
        validator="pikepdf",
        regel="pikepdf:schema-OutlineItem",
        klausel="ISO 32000-1:2008 7.3.10 and 12.3.3 (Table 153)",
        beleg=(
            "An outline item's /Dest may be an explicit destination array, and any"
            " object may be given as an indirect reference (7.3.10); Typst writes"
            " the array indirectly. page-validation and qpdf --check accept it."
        ),
        trifft=_indirektes_ziel,
    ),
)
"""Every exception ratsdok makes. Each has a test that a real violation of its rule
is still caught."""


# --- running the validators -------------------------------------------------------


def _open(source: Quelle) -> Pdf:
    return Pdf.open(io.BytesIO(source) if isinstance(source, bytes) else source)


_LIMITS = page.SafetyLimits(
    max_reference_depth=16_384,
    max_table_grid_rows=100_000,
    max_table_grid_cells=10_000_000,
    max_input_size=4 * 1024**3,
)
"""page-validation's defaults but for limits legitimate output reaches: the depth of
reference chains (256 stopped it on a bundle with 2,000 bookmarks; 16,384 checked
on a 20,000-page bundle, 1.9 s), table grids (a Vorlage listing 1,030 Flurstücke)
and the input size (an accessible bundle carries its Anlagen, up to 512 MiB each)."""


def _page(source: Quelle, profil: Profil) -> list[Befund]:
    if isinstance(source, bytes):
        report = page.validate_pdf_bytes(source, profile=profil, limits=_LIMITS)
    else:
        report = page.validate_pdf(str(source), profile=profil, limits=_LIMITS)
    return [
        Befund("page", profil, f.rule_id, f.message, str(f.object_id or ""))
        for f in report.failures
    ]


def _pikepdf(source: Quelle, profil: Profil) -> list[Befund]:
    if profil not in ("2b", "3b"):
        raise ValueError(f"pikepdf.pdfa validates PDF/A-2b and -3b only, not {profil}")
    data: Path | io.BytesIO = io.BytesIO(source) if isinstance(source, bytes) else source
    report = pikepdf.pdfa.validate_written(data, profil)
    befunde = [Befund("pikepdf", profil, f.rule, f.message, str(f.where)) for f in report.findings]
    if not report.passed and not befunde:
        befunde.append(Befund("pikepdf", profil, "pikepdf:verdict", str(report.verdict)))
    return befunde


def _apply(
    befunde: Iterable[Befund], validator: Validator, profil: Profil, pdf: Pdf, raw: Roh
) -> Pruefung:
    offen: list[Befund] = []
    entschuldigt: list[tuple[Befund, Ausnahme]] = []
    for b in befunde:
        grund = next((a for a in AUSNAHMEN if a.excuses(b, pdf, raw)), None)
        if grund is None:
            offen.append(b)
        else:
            entschuldigt.append((b, grund))
    return Pruefung(validator, profil, tuple(offen), tuple(entschuldigt))


def _ohne_page(p: Pruefung) -> Pruefung:
    """*p* (pikepdf's) without the exceptions that rest on page-validation's checks,
    for a file page-validation did not check."""
    keep = tuple((b, a) for b, a in p.entschuldigt if not a.beruht_auf_page)
    offen = p.befunde + tuple(b for b, a in p.entschuldigt if a.beruht_auf_page)
    return Pruefung(p.validator, p.profil, offen, keep)


def validate(source: Quelle, profil: Profil, *, validator: Validator = "page") -> Pruefung:
    """What *validator* says of *source* (PDF bytes or a path) at *profil*.

    Where page-validation stops at one of its safety limits (a file with thousands
    of bookmarks), level b is checked by pikepdf.pdfa instead (the result names
    the validator); any other level is a :class:`~ratsdok.errors.RatsdokError`:
    nothing is called valid that was not checked."""
    if validator == "page":
        try:
            befunde = _page(source, profil)
        except (page.ParseError, page.PageError) as e:
            raise RatsdokError(Problem(f"page-validation cannot read the PDF: {e}")) from None
        except page.SafetyLimitError as e:
            # A legitimately large file (a bookmark chain of thousands): page stops at
            # its safety limits instead of judging. pikepdf validates level b lazily.
            if profil in ("2b", "3b"):
                return _ohne_page(validate(source, profil, validator="pikepdf"))
            raise RatsdokError(
                Problem(f"page-validation could not check {_name(profil)}: {e}")
            ) from None
    else:
        befunde = _pikepdf(source, profil)
    if not befunde:
        return Pruefung(validator, profil, ())
    raw = cache(lambda: source if isinstance(source, bytes) else source.read_bytes())
    with _open(source) as pdf:
        return _apply(befunde, validator, profil, pdf, raw)


def cross_check(source: Quelle, profile: Sequence[Profil]) -> list[Pruefung]:
    """Both validators: ``page`` at every level of *profile*, and ``pikepdf`` at the
    b level of every PDF/A part among them (it validates no other level; level a
    and u include level b)."""
    out = [validate(source, p) for p in profile]
    b_level: list[Profil] = ["2b"] if any(p[0] == "2" for p in profile) else []
    b_level += ["3b"] if any(p[0] == "3" for p in profile) else []
    out += [validate(source, p, validator="pikepdf") for p in b_level]
    return out


def gate(
    source: Quelle, profile: Sequence[Profil], *, what: str, validator: Validator = "page"
) -> None:
    """Raise a :class:`~ratsdok.errors.RatsdokError` unless *validator* (``page``,
    the fast one, by default) accepts *source* at every level of *profile*, the
    exceptions applied: the hot-path check."""
    problems = [
        Problem(f"{what} is not valid {_name(p.profil)}: {b.regel}: {b.meldung}")
        for p in (validate(source, profil, validator=validator) for profil in profile)
        for b in p.befunde
    ]
    if problems:
        raise RatsdokError(problems)


def gate_tagged(
    source: Quelle, profile: Sequence[Profil], *, what: str, ohne_kopf: int = 0
) -> None:
    """:func:`gate`, and ratsdok's own :func:`structure_problems` of a tagged file
    (*ohne_kopf*: its tables without header rows)."""
    gate(source, profile, what=what)
    problems = structure_problems(source, ohne_kopf=ohne_kopf)
    if problems:
        raise RatsdokError([Problem(f"{what} is not accessible: {p}") for p in problems])


def _name(profil: Profil) -> str:
    return "PDF/UA-1" if profil == "ua1" else f"PDF/A-{profil}"


# --- ratsdok's own structure checks ----------------------------------------------


def _struct_types(pdf: Pdf) -> dict[str, int]:
    """How often each structure type occurs in the structure tree."""
    seen: dict[str, int] = {}
    for node in _struct_nodes(pdf):
        seen[str(node.S)] = seen.get(str(node.S), 0) + 1
    return seen


_PRINT, _VERBOTEN = 4, 1 | 2 | 32 | 256
"""Annotation flags: Print must be set; Invisible, Hidden, NoView, ToggleNoView not
(ISO 19005-3 6.3.2)."""


def signature_problems(data: bytes) -> list[str]:
    """What ratsdok checks of the signatures of a signed PDF/A, where pikepdf.pdfa
    cannot (it refuses every AcroForm): ISO 19005-3 6.4 and ISO 32000-1 12.8.1.

    Every filled signature field: a /ByteRange from byte 0 whose gap is exactly the
    /Contents hex string; the last signature covering the whole file, every other
    exactly its revision (up to a ``%%EOF`` line); /Contents a CMS SignedData with
    one SignerInfo that carries its signer's certificate; the widget printable and
    visible, without actions. Empty: all hold."""
    from asn1crypto import cms

    out: list[str] = []
    with _open(data) as pdf:
        acro = pdf.Root.get("/AcroForm")
        fields = (
            list(acro.get("/Fields", pikepdf.Array()))
            if isinstance(acro, pikepdf.Dictionary)
            else []
        )
        ends: list[int] = []
        for f in fields:
            name = str(f.get("/T", "?"))
            if f.get("/FT") != pikepdf.Name.Sig:
                continue
            flags = int(f.get("/F", 0))
            if not flags & _PRINT or flags & _VERBOTEN:
                out.append(f"{name}: widget flags {flags}: Print must be set, Hidden/NoView not")
            if "/A" in f or "/AA" in f:
                out.append(f"{name}: the widget carries an action")
            v = f.get("/V")
            if not isinstance(v, pikepdf.Dictionary):
                continue  # an empty field: nothing signed yet
            r = [int(x) for x in v.get("/ByteRange", pikepdf.Array())]
            if len(r) != 4 or r[0] != 0 or r[1] >= r[2]:
                out.append(f"{name}: /ByteRange {r} is not [0 a b c]")
                continue
            gap = data[r[1] : r[2]]
            if re.fullmatch(rb"<[0-9A-Fa-f]*>", gap) is None:
                out.append(f"{name}: the /ByteRange gap is not exactly the /Contents string")
            ends.append(r[2] + r[3])
            try:
                signed = cms.ContentInfo.load(bytes(v.Contents))["content"]
                infos = signed["signer_infos"]
                certs = signed["certificates"]
                if len(infos) != 1:
                    out.append(f"{name}: {len(infos)} SignerInfos, ISO 19005-3 6.4.2 allows one")
                if certs.native is None or len(certs) == 0:
                    out.append(f"{name}: the signer's certificate is not in the signature")
            except (ValueError, KeyError, TypeError) as exc:
                out.append(f"{name}: /Contents is not a CMS SignedData: {exc}")
        if ends:
            if max(ends) != len(data):
                out.append("the last signature does not cover the whole file")
            for end in sorted(ends)[:-1]:
                if not data[:end].rstrip(b"\r\n").endswith(b"%%EOF"):
                    out.append(f"a signature covers {end} bytes, which is not a whole revision")
    return out


def structure_problems(source: Quelle, *, ohne_kopf: int = 0) -> list[str]:
    """What ratsdok itself requires of a tagged (PDF/UA) output, as problems: a
    structure tree, marked content, the document language German, the title shown
    as window title, header cells in every table but the *ohne_kopf* tables the
    document has without header rows, page furniture marked as artifacts, and
    bookmarks. Empty: all present."""
    out: list[str] = []
    with _open(source) as pdf:
        root = pdf.Root
        if "/StructTreeRoot" not in root:
            return ["no structure tree (the PDF is not tagged)"]
        if not bool(root.get("/MarkInfo", pikepdf.Dictionary()).get("/Marked", False)):
            out.append("/MarkInfo /Marked is not true")
        if not str(root.get("/Lang", "")).startswith("de"):
            out.append(f"document language is {str(root.get('/Lang', 'missing'))!r}, not German")
        if not bool(
            root.get("/ViewerPreferences", pikepdf.Dictionary()).get("/DisplayDocTitle", False)
        ):
            out.append("the title is not shown as the window title (DisplayDocTitle)")
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            if not meta.get("dc:title"):
                out.append("no dc:title in the XMP metadata")
        types = _struct_types(pdf)
        ohne = _tables_without_th(pdf)
        if ohne > ohne_kopf:
            out.append(
                f"{ohne} tables without header cells (TH), {ohne_kopf} expected"
                " (tables of the document without header rows)"
            )
        if not all(b"/Artifact" in _contents(p) for p in pdf.pages):
            out.append("a page without page furniture marked as artifact")
        if "/Outlines" not in root and types.get("/H1", 0):
            out.append("headings but no bookmarks")
    return out


def _tables_without_th(pdf: Pdf) -> int:
    """How many Table structure elements have no TH cell below them."""
    count = 0
    tables = [n for n in _struct_nodes(pdf) if n.get("/S") == Name.Table]
    for table in tables:
        stack, found = [table], False
        while stack and not found:
            node = stack.pop()
            found = node.get("/S") == Name.TH
            kids = node.get("/K")
            items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            stack.extend(k for k in items if isinstance(k, pikepdf.Dictionary) and "/S" in k)
        count += not found
    return count


def _struct_nodes(pdf: Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element of *pdf*'s structure tree (each once)."""
    out: list[pikepdf.Dictionary] = []
    stack = [pdf.Root.StructTreeRoot]
    visited: set[tuple[int, int]] = set()
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.is_indirect:
            if node.objgen in visited:
                continue
            visited.add(node.objgen)
        if "/S" in node:
            out.append(node)
        kids = node.get("/K")
        items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        stack.extend(k for k in items if isinstance(k, pikepdf.Dictionary))
    return out


def _contents(p: pikepdf.Page) -> bytes:
    c = p.obj.get("/Contents")
    if isinstance(c, pikepdf.Stream):
        return c.read_bytes()
    if isinstance(c, pikepdf.Array):
        return b"\n".join(s.read_bytes() for s in c if isinstance(s, pikepdf.Stream))
    return b""
