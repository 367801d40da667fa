"""PAdES signing in the pdf layer: fields from the layout, Typst appearance,
incremental updates that keep PDF/A and PDF/UA."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf
import pytest

from ratsdok.errors import InvalidDocumentError
from ratsdok.model.vorlage import Vorlage
from ratsdok.pdf.render import render_pdf, signaturfelder
from ratsdok.pdf.signieren import Unterzeichner, sign_field, stempel
from ratsdok.pdf.validation import validate
from tests.conftest import require_tool
from tests.pki import pki


def _namen(v: Vorlage) -> dict[int, str]:
    return {n: f"{u.name}, {u.funktion}" for n, u in enumerate(v.unterzeichnungen, 1)}


def _signer(key: str) -> Unterzeichner:
    p = pki()
    return Unterzeichner(p[key].key, p[key].cert, (p["ca"].cert,))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def zweifach(example_module: Vorlage) -> tuple[bytes, bytes, bytes]:
    """The rendered seed, signed by the Landrat, then by the Beigeordneter."""
    v = example_module
    pdf = render_pdf(v)
    felder = signaturfelder(v)
    s1 = sign_field(pdf, _signer("landrat"), felder[0], felder=felder, namen=_namen(v))
    s2 = sign_field(s1, _signer("beigeordneter_rsa"), felder[1])
    return pdf, s1, s2


@pytest.fixture(scope="module")
def example_module() -> Vorlage:
    from ratsdok.store.files import load
    from tests.conftest import EXAMPLE_XML

    return load(EXAMPLE_XML)


def test_fields_sit_beside_the_gez_blocks_on_the_page(example_module: Vorlage) -> None:
    felder = signaturfelder(example_module)
    assert [f.nummer for f in felder] == [1, 2]
    assert all(f.seite == 0 for f in felder)  # the seed's blocks are on page 1
    (a, b) = felder
    assert a.box[1] == pytest.approx(b.box[1]) and a.box[2] < b.box[0]  # side by side
    with pikepdf.open(io.BytesIO(render_pdf(example_module))) as pdf:
        text_y = _y_of(pdf, "gez.")
    # the field's top is level with the block's first line (PDF y grows upwards)
    assert abs(a.box[3] - text_y) < 15


def _y_of(pdf: pikepdf.Pdf, needle: str) -> float:
    out = subprocess.run(
        [require_tool("pdftotext"), "-bbox", "-f", "1", "-l", "1", "-", "-"],
        input=_bytes(pdf),
        capture_output=True,
        check=True,
    ).stdout.decode()
    import re

    m = re.search(r'yMin="([0-9.]+)"[^>]*>' + re.escape(needle), out)
    assert m is not None
    return float(pdf.pages[0].mediabox[3]) - float(m.group(1))


def _bytes(pdf: pikepdf.Pdf) -> bytes:
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def test_signing_is_an_incremental_update(zweifach: tuple[bytes, bytes, bytes]) -> None:
    pdf, s1, s2 = zweifach
    assert s1.startswith(pdf) and s2.startswith(s1)
    with pikepdf.open(io.BytesIO(s2)) as signed:
        fields = {str(f.T): f for f in signed.Root.AcroForm.Fields}
        assert set(fields) == {"Unterzeichnung1", "Unterzeichnung2"}
        assert all("/V" in f for f in fields.values())
        assert signed.pdf_version == "1.7"


def test_signed_file_keeps_pdfa_3a_and_pdfua(zweifach: tuple[bytes, bytes, bytes]) -> None:
    _pdf, s1, s2 = zweifach
    for data in (s1, s2):
        for profil in ("3a", "ua1"):
            result = validate(data, profil)
            assert result.ok, result.befunde
    # the XMP is the renderer's: PDF/UA identification and extension schemas kept
    with pikepdf.open(io.BytesIO(s2)) as signed, signed.open_metadata() as meta:
        assert meta.get("pdfuaid:part") == "1"
        assert meta.get("pdfaid:conformance") == "A"


def test_widgets_are_tagged_with_a_name(zweifach: tuple[bytes, bytes, bytes]) -> None:
    _pdf, s1, _s2 = zweifach
    with pikepdf.open(io.BytesIO(s1)) as signed:
        forms = [
            k
            for k in signed.Root.StructTreeRoot.K[0].K
            if isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/Form"
        ]
        assert len(forms) == 2
        assert "Krebs, Landrat" in str(forms[0].Alt)
        widgets = [f for f in signed.Root.AcroForm.Fields]
        assert "Rosenstengel" in str(widgets[1].TU)


def test_the_second_signature_alone_gets_page_exception_only(
    zweifach: tuple[bytes, bytes, bytes],
) -> None:
    """page-validation flags the earlier signature's ByteRange (veraPDF #1493); the
    exception excuses it only where the earlier one covers exactly its revision."""
    _pdf, _s1, s2 = zweifach
    result = validate(s2, "3a")
    excused = {b.regel for b, _a in result.entschuldigt}
    assert "PDFA3A-SIGNATURE-BYTERANGE-001" in excused
    # the stream-length exception may apply too: 1 file in about 8, by chance of the bytes
    assert excused <= {"PDFA3A-SIGNATURE-BYTERANGE-001", "PDFA3A-STREAM-LENGTH-001"}
    # a byte appended after the last signature: the last one no longer covers the file
    broken = validate(s2 + b"% trailing\n", "3a")
    assert "PDFA3A-SIGNATURE-BYTERANGE-001" in [b.regel for b in broken.befunde]


def test_appearance_is_typst_in_the_shipped_font() -> None:
    data = stempel(["Elektronisch signiert", "Rosenstengel, Kreisbeigeordneter", "x"], 96, 31)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fonts = [f for _n, f in pdf.pages[0].Resources.Font.items()]
        assert fonts and all("DejaVu" in str(f.BaseFont) for f in fonts)
        assert float(pdf.pages[0].mediabox[2]) == pytest.approx(96)
    out = subprocess.run(
        [require_tool("pdftotext"), "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert "Rosenstengel, Kreisbeigeordneter" in " ".join(out.split())  # shrunk, not cut


def test_ecdsa_and_short_keys_are_refused() -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    p = pki()
    with pytest.raises(InvalidDocumentError, match="RSA"):
        Unterzeichner(p["beigeordneter"].key, p["beigeordneter"].cert)  # type: ignore[arg-type]
    short = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(InvalidDocumentError, match="1024 bits"):
        Unterzeichner(short, p["landrat"].cert)
    with pytest.raises(InvalidDocumentError, match="does not belong"):
        Unterzeichner(p["widerrufen"].key, p["landrat"].cert)  # type: ignore[arg-type]


def test_a_signed_field_is_not_signed_twice(
    zweifach: tuple[bytes, bytes, bytes], example_module: Vorlage
) -> None:
    _pdf, s1, _s2 = zweifach
    with pytest.raises(InvalidDocumentError, match="already signed"):
        sign_field(s1, _signer("landrat"), signaturfelder(example_module)[0])


def test_pdfsig_verifies_both_signatures(
    zweifach: tuple[bytes, bytes, bytes], tmp_path: Path
) -> None:
    _pdf, _s1, s2 = zweifach
    f = tmp_path / "s2.pdf"
    f.write_bytes(s2)
    out = subprocess.run(
        [require_tool("pdfsig"), str(f)], capture_output=True, text=True, check=False
    ).stdout
    assert out.count("Signature is Valid.") == 2
    assert "Total document signed" in out


def test_signing_with_a_loopback_tsa_adds_a_time_stamp(
    zweifach: tuple[bytes, bytes, bytes], example_module: Vorlage, tsa: object
) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    pdf, _s1, _s2 = zweifach
    felder = signaturfelder(example_module)
    signed = sign_field(pdf, _signer("landrat"), felder[0], felder=felder, tsa=tsa.url)  # type: ignore[attr-defined]
    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    assert sig.signer_info["unsigned_attrs"][0]["type"].native == "signature_time_stamp_token"


def test_ratsdok_checks_the_signature_rules_pikepdf_cannot(
    zweifach: tuple[bytes, bytes, bytes],
) -> None:
    """ISO 19005-3 6.4 on the signed files: pikepdf.pdfa refuses AcroForms, so these
    checks stand beside page-validation."""
    from ratsdok.pdf.validation import signature_problems

    pdf, s1, s2 = zweifach
    assert signature_problems(pdf) == []
    assert signature_problems(s1) == []
    assert signature_problems(s2) == []
    assert signature_problems(s2 + b"%x\n") == ["the last signature does not cover the whole file"]
    # a widget hidden from print and view
    with pikepdf.open(io.BytesIO(s1)) as doc:
        doc.Root.AcroForm.Fields[1].F = 2
        buf = io.BytesIO()
        doc.save(buf)
    assert any("widget flags 2" in p for p in signature_problems(buf.getvalue()))
