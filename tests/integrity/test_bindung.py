"""Who may sign a block: the default name rule, the title rule, explicit bindings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

import ratsdok
from ratsdok.errors import InvalidDocumentError
from ratsdok.integrity.bindung import Bindungen, names_match, title_matches
from ratsdok.report import Kind, Status
from tests.conftest import EXAMPLE_XML
from tests.pki import make_signer, pki


def _name(**attrs: str) -> x509.Name:
    oids = {"cn": NameOID.COMMON_NAME, "sn": NameOID.SURNAME, "title": NameOID.TITLE}
    return x509.Name([x509.NameAttribute(oids[k], v) for k, v in attrs.items()])


@pytest.mark.parametrize(
    ("printed", "subject", "funktion", "expected"),
    [
        ("Krebs", _name(cn="Michael Krebs"), "Landrat", True),
        ("Dr. Schäfer", _name(cn="Peter SCHAEFER"), None, True),
        ("Krebs", _name(cn="Michael Krebsbach"), None, False),
        ("Krebs", _name(sn="Krebs", title="Landrat"), "Landrat", True),
        ("Krebs", _name(sn="Krebs", title="Landrat"), "Kreisbeigeordneter", False),
        ("Krebs", _name(sn="Krebs", title="Landrat"), None, False),
        ("Krebs", _name(sn="Krebs", title="LANDRAT"), "landrat", True),
        ("", _name(cn="Krebs"), None, False),
        ("Krebs", _name(cn="Heinz Krebs, Hausmeister"), "Landrat", False),
        ("Krebs", _name(cn="Krebs Rosenstengel"), None, False),
        ("Rosenstengel", _name(cn="Krebs Rosenstengel"), None, True),
        ("Müller-Lüdenscheidt", _name(cn="Eva Müller-Lüdenscheidt"), None, True),
    ],
)
def test_default_rule(
    printed: str, subject: x509.Name, funktion: str | None, expected: bool
) -> None:
    assert names_match(printed, subject, funktion) is expected


def test_given_names_and_pseudonyms_do_not_bind() -> None:
    given = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Mallory"),
            x509.NameAttribute(NameOID.GIVEN_NAME, "Krebs"),
            x509.NameAttribute(NameOID.PSEUDONYM, "Krebs"),
        ]
    )
    assert not names_match("Krebs", given)


def test_one_certificate_cannot_sign_two_blocks() -> None:
    """Two blocks printing the same surname: one certificate signs only one of them."""
    p = pki()
    mueller = make_signer(p["ca"], "Hans Rosenstengel")
    v = ratsdok.load(EXAMPLE_XML)
    bloecke = [u.model_copy(update={"name": "Rosenstengel"}) for u in v.unterzeichnungen]
    data = ratsdok.to_xml(v.model_copy(update={"unterzeichnungen": tuple(bloecke)}))
    for n in (1, 2):
        data = ratsdok.sign(data, key=mueller.key, cert=mueller.cert, unterzeichnung=n)
    r = ratsdok.verify(data, trust=[p["ca"].cert_pem], folder=EXAMPLE_XML.parent)
    assert [c.status for c in r.checks if c.kind is Kind.SIGNATUR] == [
        Status.VALID,
        Status.WRONG_SIGNER,
    ]
    assert not r.ok


def test_a_certificate_without_title_binds_no_funktion() -> None:
    assert title_matches("Landrat", _name(cn="Krebs"))
    assert title_matches(None, _name(cn="Krebs"))


def test_bindings_file_binds_one_certificate_to_a_printed_name(tmp_path: Path) -> None:
    other = pki()["fremd"].cert  # "Mallory, Fälscher"
    fp = other.fingerprint(hashes.SHA256()).hex()
    f = tmp_path / "bindung.json"
    f.write_text(
        json.dumps({"bindungen": [{"sha256": fp, "name": "Krebs", "funktion": "Landrat"}]})
    )
    b = Bindungen.load(f)
    assert b.binds(other, "Krebs", "Landrat")
    assert not b.binds(other, "Krebs", "Kreisbeigeordneter")
    assert not b.binds(other, "Rosenstengel", "Landrat")
    assert not Bindungen().binds(other, "Krebs", "Landrat")
    assert not b.binds(pki()["landrat"].cert, "Rosenstengel", None)  # only the bound cert


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ("[]", "bindungen"),
        ('{"bindungen": [{"sha256": "xyz", "name": "Krebs"}]}', "bindungen[0]"),
        ('{"bindungen": [{"sha256": "' + "a" * 64 + '"}]}', "bindungen[0]"),
        (
            '{"bindungen": [{"sha256": "'
            + "a" * 64
            + '", "name": "A"}, {"sha256": "'
            + "A" * 64
            + '", "name": "B"}]}',
            "bindungen[1]",
        ),
    ],
)
def test_a_bad_bindings_file_names_the_entry(tmp_path: Path, content: str, field: str) -> None:
    f = tmp_path / "b.json"
    f.write_text(content)
    with pytest.raises(InvalidDocumentError) as info:
        Bindungen.load(f)
    assert info.value.problems[0].field == field
    assert info.value.problems[0].file == str(f)


def test_verify_with_a_binding_accepts_a_certificate_in_another_name(tmp_path: Path) -> None:
    p = pki()
    alias = make_signer(p["ca"], "Michaela Mustermann-Krebbs")  # a name change, say
    signed = ratsdok.sign(
        EXAMPLE_XML.read_bytes(), key=alias.key, cert=alias.cert, unterzeichnung=1
    )
    beig = p["beigeordneter"]
    signed = ratsdok.sign(signed, key=beig.key, cert=beig.cert, unterzeichnung=2)
    ca = [p["ca"].cert_pem]

    def status(**kw: object) -> Status:
        r = ratsdok.verify(signed, trust=ca, folder=EXAMPLE_XML.parent, **kw)  # type: ignore[arg-type]
        sig = next(c for c in r.checks if c.kind is Kind.SIGNATUR)
        return sig.status

    assert status() is Status.WRONG_SIGNER
    fp = alias.cert.fingerprint(hashes.SHA256()).hex()
    f = tmp_path / "bindung.json"
    f.write_text(
        json.dumps({"bindungen": [{"sha256": fp, "name": "Krebs", "funktion": "Landrat"}]})
    )
    assert status(bindung=Bindungen.load(f)) is Status.VALID
    # the CLI takes the same file
    xml = tmp_path / "v.xml"
    xml.write_bytes(signed)
    for anlage in EXAMPLE_XML.parent.glob("*.pdf"):
        (tmp_path / anlage.name).write_bytes(anlage.read_bytes())
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(p["ca"].cert_pem)
    from ratsdok.cli import main

    assert main(["verify", str(xml), "--trust", str(ca_file)]) == 1
    assert main(["verify", str(xml), "--trust", str(ca_file), "--bindung", str(f)]) == 0


def test_an_archive_takes_the_binding_too(tmp_path: Path) -> None:
    p = pki()
    alias = make_signer(p["ca"], "Michaela Mustermann-Krebbs")
    beig = p["beigeordneter"]
    src = tmp_path / "src"
    src.mkdir()
    for f in EXAMPLE_XML.parent.iterdir():
        (src / f.name).write_bytes(f.read_bytes())
    signed = ratsdok.sign(
        EXAMPLE_XML.read_bytes(), key=alias.key, cert=alias.cert, unterzeichnung=1
    )
    (src / EXAMPLE_XML.name).write_bytes(
        ratsdok.sign(signed, key=beig.key, cert=beig.cert, unterzeichnung=2)
    )
    out = tmp_path / "out"
    out.mkdir()
    zip_path = ratsdok.archive([src / EXAMPLE_XML.name], out, workers=1)
    ca = [p["ca"].cert_pem]
    assert not ratsdok.verify_archive(zip_path, trust=ca).ok  # wrong-signer by default
    f = tmp_path / "bindung.json"
    fp = alias.cert.fingerprint(hashes.SHA256()).hex()
    f.write_text(json.dumps({"bindungen": [{"sha256": fp, "name": "Krebs"}]}))
    assert ratsdok.verify_archive(zip_path, trust=ca, bindung=Bindungen.load(f)).ok
