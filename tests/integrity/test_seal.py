"""The hash seal (pruefsumme) over the Vorlage."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

import ratsdok
from ratsdok import Status, TeilArt, verify
from ratsdok.errors import RatsdokError
from ratsdok.integrity.seal import seal, stale_signatures, vorlage_digest, vorlage_element
from ratsdok.xml.mapping import to_xml
from tests.conftest import ROOT, readme_sh_block, require_tool
from tests.factories import pki, signed_by, write_ca

DS = "http://www.w3.org/2000/09/xmldsig#"
NS = {"r": "urn:ratsdok:schema:1", "ds": DS}


def _vorlage_bytes(data: bytes) -> bytes:
    m = re.search(rb"<ratsdok:vorlage id=.*?</ratsdok:vorlage>", data, re.S)
    assert m is not None
    return m.group(0)


def test_seal_records_exc_c14n_sha256_of_the_vorlage(example_xml: Path) -> None:
    sealed = seal(example_xml.read_bytes())
    root = etree.fromstring(sealed)
    vorlage = root.find("r:nachrichteninhalt/r:vorlage", NS)
    assert vorlage is not None
    expected = base64.b64encode(
        hashlib.sha256(
            etree.tostring(vorlage, method="c14n", exclusive=True, with_comments=False)
        ).digest()
    ).decode()
    ref = root.find("r:nachrichteninhalt/r:pruefsumme/ds:Reference", NS)
    assert ref is not None
    assert ref.get("URI") == "#" + vorlage.get("id", "")
    assert ref.findtext("ds:DigestValue", namespaces=NS) == expected
    assert [t.get("Algorithm") for t in ref.iterfind("ds:Transforms/ds:Transform", NS)] == [
        "http://www.w3.org/2001/10/xml-exc-c14n#"
    ]
    assert ref.find("ds:DigestMethod", NS).get("Algorithm") == (  # type: ignore[union-attr]
        "http://www.w3.org/2001/04/xmlenc#sha256"
    )


def test_seal_keeps_the_vorlage_bytes_and_is_idempotent(example_xml: Path) -> None:
    original = example_xml.read_bytes()
    sealed = seal(original)
    assert _vorlage_bytes(sealed) == _vorlage_bytes(original)
    assert sealed.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    assert seal(sealed) == sealed
    # the rest of the document is unchanged apart from the inserted block
    without = re.sub(
        rb"\n    <ratsdok:pruefsumme>.*?</ratsdok:pruefsumme>", b"", sealed, flags=re.S
    )
    assert without == original


def test_seal_of_a_model_equals_seal_of_its_xml(example: ratsdok.Vorlage) -> None:
    assert seal(example) == seal(to_xml(example))


def test_sealed_document_is_schema_valid_and_loads(tmp_path: Path, example_xml: Path) -> None:
    sealed = seal(example_xml.read_bytes())
    out = tmp_path / "kt.xml"
    out.write_bytes(sealed)
    (tmp_path / "integrationskonzept.pdf").write_bytes(
        (example_xml.parent / "integrationskonzept.pdf").read_bytes()
    )
    assert ratsdok.load(out).betreff.startswith("Legitimation")
    xmllint = require_tool("xmllint")
    import subprocess

    run = subprocess.run(
        [xmllint, "--noout", "--schema", str(ROOT / "schemas" / "ratsdok.xsd"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_header_lies_outside_the_seal(example_xml: Path) -> None:
    sealed = seal(example_xml.read_bytes())
    resent = sealed.replace(
        b"b6a0e1d2-7f3c-4a59-8e21-5d9c0f4b7a36", b"00000000-7f3c-4a59-8e21-5d9c0f4b7a36"
    ).replace(b"2020-05-15T10:00:00.000+02:00", b"2021-01-01T00:00:00.000Z")
    assert resent != sealed
    seal_part = verify(resent).parts[0]
    assert seal_part.kind is TeilArt.SEAL
    assert seal_part.status is Status.VALID


def test_refreshing_the_seal_after_an_edit(example_xml: Path) -> None:
    sealed = seal(example_xml.read_bytes())
    edited = sealed.replace(b"<ratsdok:betreff>Legitimation", b"<ratsdok:betreff>Bestaetigung")
    assert verify(edited).parts[0].status is Status.BROKEN
    refreshed = seal(edited)
    assert refreshed != edited
    assert verify(refreshed).parts[0].status is Status.VALID


def test_copies_do_not_refresh_a_broken_seal(example_xml: Path) -> None:
    """refresh=False (used for bundles and archives) refuses instead of hiding an edit."""
    sealed = seal(example_xml.read_bytes())
    assert seal(sealed, refresh=False) == sealed  # an intact seal is fine
    assert seal(example_xml.read_bytes(), refresh=False)  # so is no seal at all
    edited = sealed.replace(b"<ratsdok:betreff>Legitimation", b"<ratsdok:betreff>Bestaetigung")
    with pytest.raises(ratsdok.InvalidDocumentError, match="changed after it was sealed") as info:
        seal(edited, name="v.xml", refresh=False)
    (problem,) = info.value.problems
    assert problem.file == "v.xml"
    assert problem.line is not None
    assert edited.splitlines()[problem.line - 1].strip().startswith(b"<ratsdok:pruefsumme")


def test_stale_signatures_are_named(example_xml: Path) -> None:
    signed = signed_by(seal(example_xml.read_bytes()), 1)
    assert stale_signatures(signed) == []
    edited = signed.replace(b"<ratsdok:betreff>Legitimation", b"<ratsdok:betreff>Bestaetigung")
    assert stale_signatures(seal(edited)) == ["signatur-1"]


def test_cli_seal_warns_about_signatures_it_cannot_keep_valid(
    example_xml: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ratsdok.cli import main

    signed = signed_by(seal(example_xml.read_bytes()), 1)
    doc = tmp_path / "v.xml"
    doc.write_bytes(signed)
    assert main(["seal", str(doc), "-o", str(doc)]) == 0
    assert capsys.readouterr().err == ""
    doc.write_bytes(signed.replace(b"<ratsdok:betreff>Legitimation", b"<ratsdok:betreff>Neu"))
    assert main(["seal", str(doc), "-o", str(doc)]) == 0
    assert "warning: signatur-1 signs an earlier state" in capsys.readouterr().err
    # the resealed file keeps the signature, now reported as invalid
    assert verify(doc).parts[0].status is Status.VALID
    assert [p.status for p in verify(doc).parts if p.kind is TeilArt.SIGNATUR] == [Status.INVALID]


def test_seal_refuses_invalid_documents(example_xml: Path) -> None:
    bad = example_xml.read_bytes().replace(b"<ratsdok:betreff>", b"<ratsdok:titel>", 1)
    with pytest.raises(RatsdokError):
        seal(bad)


def test_resealing_keeps_existing_signatures_valid(example_xml: Path) -> None:
    p = pki()
    signed = signed_by(example_xml.read_bytes())
    # a re-sent message: new header, a comment outside the Vorlage, single quotes
    resent = signed.replace(
        b"<ratsdok:nachrichtenkopf.g2g>", b"<!-- erneut gesendet --><ratsdok:nachrichtenkopf.g2g>"
    ).replace(b'listVersionID="1.0"', b"listVersionID='1.0'")
    assert resent != signed
    resealed = seal(resent)
    assert b"erneut gesendet" in resealed
    assert b"signatur-1" in resealed
    result = verify(resealed, trust=[p["ca"].cert_pem], folder=example_xml.parent)
    assert result.ok, result.to_dict()


@pytest.mark.parametrize(
    "betreff",
    [None, "Satzung „A & B“ <neu> für 'Straße' \"Nord\" – 100 € > 99 €"],
    ids=["example", "markup-characters"],
)
def test_readme_standard_tool_check_works(
    example: ratsdok.Vorlage, tmp_path: Path, betreff: str | None
) -> None:
    """The README's sha256sum / xmllint / openssl / xmlsec1 block, run as printed."""
    for tool in ("xmllint", "xmlsec1", "openssl", "sha256sum", "base64", "sed"):
        require_tool(tool)
    v = example if betreff is None else example.model_copy(update={"betreff": betreff})
    shutil.copy(ROOT / "examples" / "kt-0134-2020" / "integrationskonzept.pdf", tmp_path)
    write_ca(tmp_path)
    doc = tmp_path / "vorlage.xml"
    doc.write_bytes(signed_by(seal(v), 1))
    vorlage = vorlage_element(etree.parse(str(doc)).getroot())
    block = readme_sh_block("Checking with standard tools")

    def run() -> tuple[int, list[str]]:
        done = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", block],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        return done.returncode, done.stdout.splitlines()

    code, lines = run()
    assert code == 0
    data = (tmp_path / "integrationskonzept.pdf").read_bytes()
    assert v.anlagen[0].sha256 == hashlib.sha256(data).hexdigest()
    assert lines[0] == f"{v.anlagen[0].sha256}  integrationskonzept.pdf"
    assert lines[1] == lines[2] == vorlage_digest(vorlage)

    # An edit without resealing: the recomputed digest differs and xmlsec1 fails.
    doc.write_bytes(doc.read_bytes().replace(b"<ratsdok:betreff>", b"<ratsdok:betreff>X", 1))
    code, lines = run()
    assert code != 0
    assert lines[1] != lines[2]
    assert lines[2] == vorlage_digest(vorlage)
