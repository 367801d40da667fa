"""ratsdok.verification: seal, Anlagen, signatures, bundles, and hostile input."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from pathlib import Path
from uuid import uuid4

import pikepdf
import pytest
from lxml import etree

import ratsdok.xmlformat
from ratsdok.cli import main
from ratsdok.errors import InvalidDocumentError, RatsdokError
from ratsdok.models import Anlage, Vorlage
from ratsdok.sealing import seal
from ratsdok.signing import sign
from ratsdok.verification import Status, TeilArt, VerificationResult, verify
from ratsdok.xmlformat import to_xml

from .conftest import EXAMPLE_DIR
from .pki import pki

DS = "http://www.w3.org/2000/09/xmldsig#"
NS = {"r": "urn:ratsdok:schema:1", "ds": DS}
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
MD5 = "http://www.w3.org/2001/04/xmldsig-more#md5"


def _signed(data: bytes, *which: int) -> bytes:
    p = pki()
    signers = {1: p["landrat"], 2: p["beigeordneter"]}
    for n in which or (1, 2):
        data = sign(data, key=signers[n].key, cert=signers[n].cert, unterzeichnung=n)
    return data


def _status(result: VerificationResult, kind: TeilArt) -> list[Status]:
    return [p.status for p in result.parts if p.kind is kind]


@pytest.fixture
def signed_copy(example_copy: Path) -> Path:
    """The example folder copy, its XML sealed and signed by both signers."""
    example_copy.write_bytes(_signed(example_copy.read_bytes()))
    return example_copy


@pytest.fixture
def trust(tmp_path: Path) -> list[Path]:
    path = tmp_path / "ca.pem"
    path.write_bytes(pki()["ca"].cert_pem)
    return [path]


@pytest.fixture
def no_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch the XSD check off, to show the structural checks hold on their own."""
    monkeypatch.setattr(ratsdok.xmlformat, "schema_problems", lambda *a, **k: [])


def test_intact_document_is_ok(signed_copy: Path, trust: list[Path]) -> None:
    result = verify(signed_copy, trust=trust)
    assert result.ok, result.to_dict()
    assert [p.kind for p in result.parts] == [
        TeilArt.SEAL,
        TeilArt.ANLAGE,
        TeilArt.SIGNATUR,
        TeilArt.SIGNATUR,
    ]
    d = result.to_dict()
    json.dumps(d)
    assert d["ok"] is True
    assert d["parts"][2]["name"] == "Krebs"


def test_unsealed_document_is_not_ok(example_xml: Path) -> None:
    result = verify(example_xml)
    assert _status(result, TeilArt.SEAL) == [Status.MISSING]
    assert _status(result, TeilArt.ANLAGE) == [Status.OK]
    assert not result.ok


def test_changed_betreff(signed_copy: Path, trust: list[Path]) -> None:
    text = signed_copy.read_bytes()
    signed_copy.write_bytes(text.replace(b"Legitimation des", b"Legitimierung des", 1))
    result = verify(signed_copy, trust=trust)
    assert not result.ok
    assert _status(result, TeilArt.SEAL) == [Status.BROKEN]
    assert _status(result, TeilArt.SIGNATUR) == [Status.INVALID, Status.INVALID]


def test_changed_byte_in_an_anlage(signed_copy: Path, trust: list[Path]) -> None:
    anlage = signed_copy.parent / "integrationskonzept.pdf"
    data = bytearray(anlage.read_bytes())
    data[len(data) // 2] ^= 0x01
    anlage.write_bytes(bytes(data))
    result = verify(signed_copy, trust=trust)
    assert not result.ok
    assert _status(result, TeilArt.ANLAGE) == [Status.CHANGED]
    assert _status(result, TeilArt.SEAL) == [Status.VALID]


def test_missing_anlage(signed_copy: Path, trust: list[Path]) -> None:
    (signed_copy.parent / "integrationskonzept.pdf").unlink()
    result = verify(signed_copy, trust=trust)
    assert _status(result, TeilArt.ANLAGE) == [Status.MISSING]
    assert not result.ok


def _two_anlagen(folder: Path, example: Vorlage) -> Path:
    a, b = b"Haushaltsplan 2020\n", b"Stellenplan 2020, Entwurf\n"
    (folder / "a.txt").write_bytes(a)
    (folder / "b.txt").write_bytes(b)
    anlagen = tuple(
        Anlage(
            nummer=i,
            titel=f"Anlage {i}",
            dateiname=name,
            medientyp="text/plain",
            groesse=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            oeffentlich=True,
        )
        for i, (name, data) in enumerate((("a.txt", a), ("b.txt", b)), 1)
    )
    v = example.model_copy(update={"anlagen": anlagen})
    xml = folder / "vorlage.xml"
    xml.write_bytes(seal(to_xml(v)))
    return xml


def test_swapped_anlage_files(tmp_path: Path, example: Vorlage) -> None:
    xml = _two_anlagen(tmp_path, example)
    assert verify(xml).ok
    a, b = (tmp_path / "a.txt").read_bytes(), (tmp_path / "b.txt").read_bytes()
    (tmp_path / "a.txt").write_bytes(b)
    (tmp_path / "b.txt").write_bytes(a)
    result = verify(xml)
    assert _status(result, TeilArt.ANLAGE) == [Status.CHANGED, Status.CHANGED]
    assert not result.ok


def test_signature_moved_to_another_document(
    tmp_path: Path, example: Vorlage, signed_copy: Path, trust: list[Path]
) -> None:
    other = _two_anlagen(
        tmp_path, example.model_copy(update={"betreff": "Ein anderer Betreff", "uuid": uuid4()})
    )
    signature = etree.fromstring(signed_copy.read_bytes()).find(
        "r:nachrichteninhalt/r:signaturen", NS
    )
    assert signature is not None
    root = etree.fromstring(other.read_bytes())
    inhalt = root.find("r:nachrichteninhalt", NS)
    assert inhalt is not None
    inhalt.append(signature)
    moved = etree.tostring(root)
    result = verify(moved, trust=trust, folder=tmp_path)
    assert _status(result, TeilArt.SEAL) == [Status.VALID]
    assert _status(result, TeilArt.SIGNATUR) == [Status.INVALID, Status.INVALID]
    assert not result.ok
    # Even with the reference rewritten to the other Vorlage's id, the digest fails.
    old_id = "vorlage-" + str(
        etree.fromstring(signed_copy.read_bytes()).findtext(
            "r:nachrichteninhalt/r:vorlage/r:identifikation", namespaces=NS
        )
    )
    new_id = "vorlage-" + str(
        root.findtext("r:nachrichteninhalt/r:vorlage/r:identifikation", namespaces=NS)
    )
    assert old_id is not None
    assert new_id is not None
    assert old_id != new_id
    rewritten = moved.replace(f'URI="#{old_id}"'.encode(), f'URI="#{new_id}"'.encode())
    result = verify(rewritten, trust=trust, folder=tmp_path)
    assert _status(result, TeilArt.SIGNATUR) == [Status.INVALID, Status.INVALID]


def _forgery_b(signed: bytes) -> bytes:
    """xml.md §4.3 forgery B: a forged Vorlage in place, the original hidden in a ds:Object."""
    root = etree.fromstring(signed)
    inhalt = root.find("r:nachrichteninhalt", NS)
    assert inhalt is not None
    original = inhalt.find("r:vorlage", NS)
    assert original is not None
    forged = etree.fromstring(etree.tostring(original))
    betreff = forged.find("r:betreff", NS)
    assert betreff is not None
    betreff.text = "Verkauf des Kreishauses an Mallory"
    inhalt.replace(original, forged)
    signaturen = inhalt.find("r:signaturen", NS)
    assert signaturen is not None
    hidden = etree.SubElement(signaturen, f"{{{DS}}}Object")
    hidden.append(original)
    return etree.tostring(root)


def test_wrapping_attack_is_refused_by_the_schema(signed_copy: Path, trust: list[Path]) -> None:
    forged = _forgery_b(signed_copy.read_bytes())
    with pytest.raises(InvalidDocumentError):
        verify(forged, trust=trust, folder=signed_copy.parent)


@pytest.mark.usefixtures("no_schema")
def test_wrapping_attack_is_refused_without_the_schema(
    signed_copy: Path, trust: list[Path]
) -> None:
    forged = _forgery_b(signed_copy.read_bytes())
    with pytest.raises(InvalidDocumentError, match="more than once"):
        verify(forged, trust=trust, folder=signed_copy.parent)
    # the attacker renames the hidden original's id: now the references miss it
    root = etree.fromstring(forged)
    hidden = root.find("r:nachrichteninhalt/r:signaturen/ds:Object/r:vorlage", NS)
    assert hidden is not None
    hidden.set("id", "vorlage-00000000-0000-0000-0000-000000000000")
    result = verify(etree.tostring(root), trust=trust, folder=signed_copy.parent)
    assert _status(result, TeilArt.SEAL) == [Status.BROKEN]
    # both signatures, and the smuggled ds:Object in the signaturen block, are refused
    assert _status(result, TeilArt.SIGNATUR) == [Status.INVALID] * 3
    assert not result.ok


def _second_vorlage(signed: bytes) -> bytes:
    root = etree.fromstring(signed)
    inhalt = root.find("r:nachrichteninhalt", NS)
    assert inhalt is not None
    original = inhalt.find("r:vorlage", NS)
    assert original is not None
    extra = etree.fromstring(etree.tostring(original))
    extra.set("id", "vorlage-11111111-1111-4111-8111-111111111111")
    extra.find("r:betreff", NS).text = "Unsignierte zweite Vorlage"  # type: ignore[union-attr]
    original.addnext(extra)
    return etree.tostring(root)


def test_second_unsigned_vorlage_is_refused(signed_copy: Path, trust: list[Path]) -> None:
    doc = _second_vorlage(signed_copy.read_bytes())
    with pytest.raises(InvalidDocumentError):
        verify(doc, trust=trust, folder=signed_copy.parent)


@pytest.mark.usefixtures("no_schema")
def test_second_unsigned_vorlage_is_refused_without_the_schema(
    signed_copy: Path, trust: list[Path]
) -> None:
    doc = _second_vorlage(signed_copy.read_bytes())
    with pytest.raises(InvalidDocumentError, match="exactly one"):
        verify(doc, trust=trust, folder=signed_copy.parent)


def _weak_seal(data: bytes, uri: str, algorithm: str) -> bytes:
    root = etree.fromstring(data)
    vorlage = root.find("r:nachrichteninhalt/r:vorlage", NS)
    assert vorlage is not None
    c14n = etree.tostring(vorlage, method="c14n", exclusive=True, with_comments=False)
    digest = base64.b64encode(hashlib.new(algorithm, c14n).digest()).decode()
    ref = root.find("r:nachrichteninhalt/r:pruefsumme/ds:Reference", NS)
    assert ref is not None
    ref.find("ds:DigestMethod", NS).set("Algorithm", uri)  # type: ignore[union-attr]
    ref.find("ds:DigestValue", NS).text = digest  # type: ignore[union-attr]
    return etree.tostring(root)


@pytest.mark.parametrize(("uri", "algorithm"), [(MD5, "md5"), (SHA1, "sha1")])
def test_md5_and_sha1_digests_are_refused(
    example_xml: Path, uri: str, algorithm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    weak = _weak_seal(seal(example_xml.read_bytes()), uri, algorithm)
    with pytest.raises(InvalidDocumentError, match=r"DigestMethod|Algorithm"):
        verify(weak, folder=example_xml.parent)
    monkeypatch.setattr(ratsdok.xmlformat, "schema_problems", lambda *a, **k: [])
    result = verify(weak, folder=example_xml.parent)
    seal_part = result.parts[0]
    assert seal_part.status is Status.BROKEN
    assert "not allowed" in seal_part.reason
    assert not result.ok


@pytest.mark.usefixtures("no_schema")
def test_sha1_in_a_signature_reference_is_refused(signed_copy: Path, trust: list[Path]) -> None:
    data = signed_copy.read_bytes()
    root = etree.fromstring(data)
    method = root.find(".//ds:Signature/ds:SignedInfo/ds:Reference/ds:DigestMethod", NS)
    assert method is not None
    method.set("Algorithm", SHA1)
    result = verify(etree.tostring(root), trust=trust, folder=signed_copy.parent)
    assert _status(result, TeilArt.SIGNATUR)[0] is Status.INVALID
    assert "SHA-256" in result.parts[2].reason


def test_certificate_from_another_ca_is_untrusted(example_copy: Path, trust: list[Path]) -> None:
    fremd = pki()["fremd"]
    data = sign(example_copy.read_bytes(), key=fremd.key, cert=fremd.cert, unterzeichnung=1)
    result = verify(data, trust=trust, folder=example_copy.parent)
    assert _status(result, TeilArt.SIGNATUR) == [Status.UNTRUSTED]
    assert not result.ok
    # without any trust anchor an intact signature is "untrusted", never "valid"
    assert _status(
        verify(_signed(example_copy.read_bytes()), folder=example_copy.parent), TeilArt.SIGNATUR
    ) == [Status.UNTRUSTED, Status.UNTRUSTED]


def test_expired_certificate(example_copy: Path, trust: list[Path]) -> None:
    alt = pki()["abgelaufen"]
    data = sign(example_copy.read_bytes(), key=alt.key, cert=alt.cert, unterzeichnung=1)
    result = verify(data, trust=trust, folder=example_copy.parent)
    assert _status(result, TeilArt.SIGNATUR) == [Status.EXPIRED]
    assert not result.ok


def test_key_does_not_match_certificate(signed_copy: Path, trust: list[Path]) -> None:
    root = etree.fromstring(signed_copy.read_bytes())
    cert = root.find(".//ds:Signature[@Id='signatur-1']//ds:X509Certificate", NS)
    assert cert is not None
    from cryptography.hazmat.primitives import serialization

    other = pki()["beigeordneter"].cert.public_bytes(serialization.Encoding.DER)
    cert.text = base64.b64encode(other).decode()
    result = verify(etree.tostring(root), trust=trust, folder=signed_copy.parent)
    assert _status(result, TeilArt.SIGNATUR) == [Status.INVALID, Status.VALID]
    assert not result.ok


def test_binding_to_the_unterzeichnung_cannot_be_moved(
    signed_copy: Path, trust: list[Path]
) -> None:
    data = signed_copy.read_bytes()
    # signature 1 claims to belong to Unterzeichnung 2 (and vice versa)
    swapped = (
        data.replace(b"signatur-1", b"signatur-X")
        .replace(b"signatur-2", b"signatur-1")
        .replace(b"signatur-X", b"signatur-2")
    )
    result = verify(swapped, trust=trust, folder=signed_copy.parent)
    assert _status(result, TeilArt.SIGNATUR) == [Status.INVALID, Status.INVALID]
    # changing only the number inside the binding object breaks the signature too
    renumbered = data.replace(
        b"<ratsdok:unterzeichnungsnummer>1<", b"<ratsdok:unterzeichnungsnummer>2<"
    )
    assert renumbered != data
    result = verify(renumbered, trust=trust, folder=signed_copy.parent)
    assert _status(result, TeilArt.SIGNATUR) == [Status.INVALID, Status.VALID]


def test_removing_other_signatures_leaves_one_valid(signed_copy: Path, trust: list[Path]) -> None:
    root = etree.fromstring(signed_copy.read_bytes())
    signaturen = root.find("r:nachrichteninhalt/r:signaturen", NS)
    assert signaturen is not None
    signaturen.remove(signaturen[0])
    result = verify(etree.tostring(root), trust=trust, folder=signed_copy.parent)
    assert result.ok
    assert [p.unterzeichnung for p in result.parts if p.kind is TeilArt.SIGNATUR] == [2]


def _pdf(files: dict[str, bytes]) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    for name, data in files.items():
        pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, data, filename=name)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def test_bundle_pdf(signed_copy: Path, trust: list[Path], tmp_path: Path) -> None:
    anlage = (signed_copy.parent / "integrationskonzept.pdf").read_bytes()
    good = tmp_path / "bundle.pdf"
    good.write_bytes(
        _pdf({"ratsdok.xml": signed_copy.read_bytes(), "integrationskonzept.pdf": anlage})
    )
    result = verify(good, trust=trust)
    assert result.ok, result.to_dict()
    changed = bytearray(anlage)
    changed[100] ^= 0xFF
    bad = _pdf({"ratsdok.xml": signed_copy.read_bytes(), "integrationskonzept.pdf": bytes(changed)})
    result = verify(bad, trust=trust)
    assert _status(result, TeilArt.ANLAGE) == [Status.CHANGED]
    assert not result.ok
    missing = _pdf({"ratsdok.xml": signed_copy.read_bytes()})
    assert _status(verify(missing, trust=trust), TeilArt.ANLAGE) == [Status.MISSING]
    with pytest.raises(InvalidDocumentError, match="not a ratsdok bundle"):
        verify(_pdf({"x.txt": b"x"}))


def test_cli_seal_sign_verify(
    example_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, cert = pki()["landrat"].write(tmp_path, "landrat")
    ca = tmp_path / "ca.pem"
    ca.write_bytes(pki()["ca"].cert_pem)
    f = str(example_copy)
    assert main(["verify", f]) == 1
    assert main(["seal", f, "-o", f]) == 0
    assert main(["verify", f]) == 0
    assert (
        main(["sign", f, "--key", str(key), "--cert", str(cert), "--unterzeichnung", "1", "-o", f])
        == 0
    )
    assert main(["verify", f]) == 1  # no trust anchor
    capsys.readouterr()
    assert main(["verify", f, "--trust", str(ca), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is True
    assert out["parts"][2]["subject"].startswith("CN=Krebs")
    example_copy.write_bytes(
        example_copy.read_bytes().replace(b"Legitimation des", b"Legitimierung des")
    )
    assert main(["verify", f, "--trust", str(ca)]) == 1
    assert "pruefsumme: broken" in capsys.readouterr().out


def test_cli_errors_name_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "nope.xml")
    assert main(["verify", missing]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{missing}: ")
    assert "Traceback" not in err
    assert main(["seal", missing, "-o", str(tmp_path / "out.xml")]) == 1
    assert not (tmp_path / "out.xml").exists()
    with pytest.raises(RatsdokError):
        verify(tmp_path / "nope.xml")


def test_bundle_built_by_ratsdok_verifies(example: Vorlage) -> None:
    # The bundle embeds a sealed XML next to the Anlagen' original bytes.
    from ratsdok.bundling import bundle

    result = verify(bundle(example, EXAMPLE_DIR))
    assert _status(result, TeilArt.SEAL) == [Status.VALID]
    assert _status(result, TeilArt.ANLAGE) == [Status.OK]
    assert result.ok


def test_bundle_of_a_signed_file_keeps_the_signatures_and_marks_the_blocks(
    example_copy: Path, tmp_path: Path
) -> None:
    from ratsdok.bundling import bundle

    p = pki()
    signed = sign(
        example_copy.read_bytes(), key=p["landrat"].key, cert=p["landrat"].cert, unterzeichnung=1
    )
    v = ratsdok.xmlformat.from_xml(signed)
    pdf = bundle(v, EXAMPLE_DIR, xml=signed)
    ca = tmp_path / "ca.pem"
    ca.write_bytes(pki()["ca"].cert_pem)
    result = verify(pdf, trust=[ca])
    assert result.ok, [p.to_dict() for p in result.parts]
    assert _status(result, TeilArt.SIGNATUR) == [Status.VALID]
    # Every Anlage of the example is public: the public variant has the same content,
    # so the signature carries over.
    public = verify(bundle(v, EXAMPLE_DIR, xml=signed, oeffentlich_only=True), trust=[ca])
    assert _status(public, TeilArt.SIGNATUR) == [Status.VALID]
    # With a non-public Anlage the content differs: no signature can be carried over.
    secret = Anlage(
        nummer=2,
        titel="Vertraulich",
        dateiname="vertraulich.txt",
        medientyp="text/plain",
        oeffentlich=False,
        inhalt=b"geheim",
    )
    v2 = v.model_copy(update={"anlagen": (*v.anlagen, secret)})
    signed2 = sign(to_xml(v2), key=p["landrat"].key, cert=p["landrat"].cert, unterzeichnung=1)
    public2 = verify(bundle(v2, EXAMPLE_DIR, xml=signed2, oeffentlich_only=True), trust=[ca])
    assert _status(public2, TeilArt.SIGNATUR) == []
    assert _status(public2, TeilArt.SEAL) == [Status.VALID]
