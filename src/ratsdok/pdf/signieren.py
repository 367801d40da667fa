"""PAdES signatures in a rendered Vorlage or a bundle (pyHanko).

Each signature is an incremental update: the signed file begins with the exact
bytes of the file that was signed, and earlier signatures stay valid. The
signature sits in the field the layout keeps beside its "gez." block
(:func:`ratsdok.pdf.render.signaturfelder`); its appearance is typeset by Typst
in the shipped font (pyHanko's own text stamp writes glyph widths in font units
for DejaVu, which PDF/A forbids, and its default font is not embedded).

What signing keeps, and why this module does more than call pyHanko:

- **The XMP and the Info dictionary stay as they are.** pyHanko rewrites the XMP
  through its own model, dropping the PDF/UA and extension schemas PDF/A-3a
  needs; the modification date would also make the bytes depend on the clock.
- **The widgets are tagged.** PDF/UA-1 wants every widget inside a ``Form``
  structure element and a ``/TU`` naming it (PDFUA1-WIDGET-FORM-TAG-001,
  FORM-FIELD-TU-ALT-001). The first signature adds the fields of *every*
  Unterzeichnung, tagged, in one update; later signers only fill their field,
  the modification PAdES allows after a signature.
- **RSA only.** An ECDSA signature makes pyHanko declare PDF 2.0 (it adds an
  ISO 32002 extension), which a PDF/A-3 file may not be.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ratsdok.errors import InvalidDocumentError, Problem, RatsdokError
from ratsdok.integrity.sign import load_certificate, load_private_key
from ratsdok.pdf.render import Signaturfeld
from ratsdok.pdf.satz import compile_pdf

__all__ = ["MIN_RSA_BITS", "Unterzeichner", "sign_field"]

_NUR_RSA = (
    "PAdES signing needs an RSA key: with ECDSA pyHanko declares the file PDF 2.0, "
    "which breaks PDF/A-3 (use RSA, 3072 bits)"
)

MIN_RSA_BITS = 2048
"""Shorter RSA keys are refused; 3072 bits are what BSI TR-02102 asks for beyond 2023."""


@dataclass(frozen=True)
class Unterzeichner:
    """A signer's RSA key with its certificate (and the chain up to the CA), loaded
    once: signing many files re-uses the parsed key."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.key, rsa.RSAPrivateKey):
            raise InvalidDocumentError(
                Problem(
                    _NUR_RSA,
                    field="key",
                )
            )
        if self.key.key_size < MIN_RSA_BITS:
            raise InvalidDocumentError(
                Problem(
                    f"the RSA key has {self.key.key_size} bits; at least {MIN_RSA_BITS} are needed",
                    field="key",
                )
            )
        if self.key.public_key().public_numbers() != self.cert.public_key().public_numbers():  # type: ignore[union-attr]
            raise InvalidDocumentError(
                Problem("the certificate does not belong to the key", field="cert")
            )

    @classmethod
    def from_files(cls, key: Path, cert: Path, chain: Sequence[Path] = ()) -> Unterzeichner:
        """Load a PEM (or DER) key and certificate, and the chain's certificates."""
        private = load_private_key(key)
        if not isinstance(private, rsa.RSAPrivateKey):
            raise InvalidDocumentError(
                Problem(
                    _NUR_RSA,
                    file=str(key),
                )
            )
        return cls(private, load_certificate(cert), tuple(load_certificate(c) for c in chain))

    @property
    def common_name(self) -> str:
        """The certificate's common name (or its whole subject)."""
        cns = self.cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return str(cns[0].value) if cns else self.cert.subject.rfc4514_string()


def _asn1_cert(cert: x509.Certificate) -> Any:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _pyhanko_signer(u: Unterzeichner) -> Any:
    """A pyHanko signer that signs with the already parsed key (the stock
    ``SimpleSigner`` parses the key again for every signature: 200 ms instead of 30)."""
    from asn1crypto import algos
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    class _Signer(signers.Signer):
        async def async_sign_raw(
            self, data: bytes, digest_algorithm: str, dry_run: bool = False
        ) -> bytes:
            if digest_algorithm != "sha256":
                raise RatsdokError(Problem(f"unexpected digest {digest_algorithm}"))
            return u.key.sign(data, padding.PKCS1v15(), hashes.SHA256())

    return _Signer(
        signing_cert=_asn1_cert(u.cert),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in u.chain]),
        signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}),
    )


def stempel(zeilen: Sequence[str], breite: float, hoehe: float) -> bytes:
    """A one-page PDF of *breite* × *hoehe* points showing *zeilen* (the first in
    bold): the appearance of a visible signature, font embedded."""
    return compile_pdf(
        "signatur.typ",
        {"zeilen": list(zeilen), "breite": breite, "hoehe": hoehe},
        standards=(),
        tag=date(2000, 1, 1),
        tagged=False,
    )


def _stamp_style(pdf: bytes) -> Any:
    """A pyHanko stamp style drawing page 1 of *pdf* and nothing else."""
    from pyhanko.pdf_utils import content, layout
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.stamp import StaticStampStyle

    class _Seite(content.PdfContent):
        def render(self) -> bytes:
            xobj = self._ensure_writer.import_page_as_xobject(PdfFileReader(io.BytesIO(pdf)))
            self.resources.xobject["/Stempel"] = xobj
            x1, y1, x2, y2 = xobj.get_object()["/BBox"]
            self.box = layout.BoxConstraints(width=abs(x2 - x1), height=abs(y2 - y1))
            return b"/Stempel Do"

    # No margins and no scaling: the page is typeset at the field's size.
    rule = layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MIN,
        y_align=layout.AxisAlignment.ALIGN_MIN,
        margins=layout.Margins(),
        inner_content_scaling=layout.InnerScaling.NO_SCALING,
    )
    return StaticStampStyle(
        background=_Seite(), border_width=0, background_opacity=1.0, background_layout=rule
    )


def _writer(data: bytes) -> Any:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class _Writer(IncrementalPdfFileWriter):
        def _update_meta(self) -> None:
            """Keep XMP and Info as they are (see the module's docstring)."""

    # A file whose %%EOF ends without a line break would run into the update's
    # first object header ("%%EOF70 0 obj"), which PDF/A (6.1.8) forbids.
    if not data.endswith((b"\n", b"\r")):
        data += b"\n"
    return _Writer(io.BytesIO(data), strict=False)


def _add_fields(
    writer: Any, felder: Sequence[Signaturfeld], seiten: int, namen: dict[int, str]
) -> None:
    """Add an empty, tagged signature field for every one of *felder* (the rendered
    Vorlage's pages start at page *seiten* of the file)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    root = writer.root
    tree_ref = root.raw_get("/StructTreeRoot") if "/StructTreeRoot" in root else None
    for feld in felder:
        append_signature_field(
            writer,
            # pyHanko takes any numbers (PDF rectangles are real); its annotation says int
            SigFieldSpec(feld.name, on_page=seiten + feld.seite, box=cast(Any, feld.box)),
        )
    if tree_ref is None:
        return
    tree = tree_ref.get_object()
    parent_tree = tree["/ParentTree"].get_object()
    if "/Nums" not in parent_tree:
        raise RatsdokError(Problem("the structure tree's ParentTree has no flat /Nums array"))
    nums = parent_tree["/Nums"]
    kids = tree["/K"]
    document = kids[0] if isinstance(kids, generic.ArrayObject) else kids
    doc_elem = document.get_object()
    doc_kids = doc_elem.get("/K")
    if not isinstance(doc_kids, generic.ArrayObject):
        doc_kids = generic.ArrayObject([] if doc_kids is None else [doc_kids])
        doc_elem["/K"] = doc_kids
    key = int(tree.get("/ParentTreeNextKey", len(nums) // 2))
    by_name = {name: ref for name, _v, ref in _sig_fields(writer)}
    for feld in felder:
        widget_ref = by_name[feld.name]
        widget = widget_ref.get_object()
        wer = namen.get(feld.nummer)
        alt = f"Elektronische Signatur für Unterzeichnung {feld.nummer}" + (
            f": {wer}" if wer else ""
        )
        widget["/TU"] = generic.TextStringObject(alt)
        widget["/StructParent"] = generic.NumberObject(key)
        elem = writer.add_object(
            generic.DictionaryObject(
                {
                    generic.NameObject("/Type"): generic.NameObject("/StructElem"),
                    generic.NameObject("/S"): generic.NameObject("/Form"),
                    generic.NameObject("/P"): document
                    if isinstance(document, generic.IndirectObject)
                    else tree_ref,
                    generic.NameObject("/Alt"): generic.TextStringObject(alt),
                    generic.NameObject("/K"): generic.DictionaryObject(
                        {
                            generic.NameObject("/Type"): generic.NameObject("/OBJR"),
                            generic.NameObject("/Obj"): widget_ref,
                            generic.NameObject("/Pg"): widget.raw_get("/P"),
                        }
                    ),
                }
            )
        )
        doc_kids.append(elem)
        nums.append(generic.NumberObject(key))
        nums.append(elem)
        key += 1
        writer.update_container(widget)
    tree["/ParentTreeNextKey"] = generic.NumberObject(key)
    writer.update_container(tree)
    writer.update_container(parent_tree)
    writer.update_container(doc_elem)


def _sig_fields(writer: Any) -> list[tuple[str, Any, Any]]:
    from pyhanko.sign.fields import enumerate_sig_fields

    return list(enumerate_sig_fields(writer))


def sign_field(
    data: bytes,
    unterzeichner: Unterzeichner,
    feld: Signaturfeld,
    *,
    felder: Sequence[Signaturfeld] = (),
    namen: dict[int, str] | None = None,
    seiten: int = 0,
    tsa: str | None = None,
    crl: Sequence[bytes] = (),
    trust: Sequence[x509.Certificate] = (),
    zeit: datetime | None = None,
) -> bytes:
    """Sign *data* (a PDF ratsdok made) in *feld* as *unterzeichner*; return the
    signed file (an incremental update of *data*).

    The first signature of a file adds the empty fields of all *felder* (the
    rendered Vorlage's pages begin at page *seiten*; *namen* gives the printed
    name of each Unterzeichnung for the fields' alternative text). Levels: B-B by
    default; B-T with a time stamp from the RFC 3161 server *tsa*; B-LT when
    *crl* (DER or PEM CRLs) is given: the CRLs and the chain up to one of *trust*
    go into the document security store, checked offline, nothing fetched.
    """
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper

    writer = _writer(data)
    # field name → its value (None while empty)
    vorhanden = {name: value for name, value, _ref in _sig_fields(writer)}
    if not vorhanden:
        _add_fields(writer, felder or (feld,), seiten, namen or {})
    elif feld.name not in vorhanden:
        raise InvalidDocumentError(
            Problem(f"the PDF has signature fields, but none named {feld.name}")
        )
    elif vorhanden[feld.name] is not None:
        raise InvalidDocumentError(
            Problem(
                f"Unterzeichnung {feld.nummer} is already signed in this PDF",
                field="unterzeichnung",
            )
        )
    jetzt = (zeit or datetime.now(UTC)).astimezone(UTC)
    breite, hoehe = feld.box[2] - feld.box[0], feld.box[3] - feld.box[1]
    zeilen = [
        "Elektronisch signiert",
        unterzeichner.common_name,
        f"{jetzt:%d.%m.%Y %H:%M} UTC" + (" · Zeitstempel" if tsa else ""),
    ]
    meta_args: dict[str, Any] = {
        "field_name": feld.name,
        "subfilter": fields.SigSeedSubFilter.PADES,
        "md_algorithm": "sha256",
    }
    if crl:
        from pyhanko.sign.signers.pdf_signer import (
            DSSContentSettings,
            SigDSSPlacementPreference,
        )
        from pyhanko_certvalidator import ValidationContext

        meta_args["embed_validation_info"] = True
        # The DSS goes into the signature's own revision: then the signature covers
        # the whole file, as ISO 19005-3 6.4.3 asks (a separate DSS revision after
        # the only signature would leave bytes it does not cover). pyHanko leaves
        # out the VRI dictionaries then; they are optional (ETSI EN 319 142-1 5.4.2).
        meta_args["dss_settings"] = DSSContentSettings(
            placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False
        )
        meta_args["validation_context"] = ValidationContext(
            trust_roots=[_asn1_cert(c) for c in trust],
            other_certs=[_asn1_cert(c) for c in unterzeichner.chain],
            crls=[_crl_der(c) for c in crl],
            allow_fetching=False,
            revocation_mode="require",
            moment=jetzt,
        )
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(**meta_args),
        _pyhanko_signer(unterzeichner),
        timestamper=HTTPTimeStamper(tsa, timeout=10) if tsa else None,
        stamp_style=_stamp_style(stempel(zeilen, breite, hoehe)),
    )
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, existing_fields_only=True, output=out)
    except RatsdokError:
        raise
    except Exception as exc:  # pyHanko's errors (TSA unreachable, revoked, …) differ by cause
        raise RatsdokError(Problem(f"signing failed: {type(exc).__name__}: {exc}")) from exc
    return out.getvalue()


def _crl_der(data: bytes) -> bytes:
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_crl(data).public_bytes(serialization.Encoding.DER)
    return data
