"""The public API: everything in __all__ resolves, and to the right kind of object."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import types
from pathlib import Path

import ratsdok

MODULE_EXPORTS = {"oparl"}


def test_every_exported_name_resolves_after_all_submodules_are_imported() -> None:
    # Importing a submodule binds its name on the package; a function exported under
    # the same name as a module would then be shadowed by the module.
    for info in pkgutil.walk_packages(ratsdok.__path__, "ratsdok."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    for name in ratsdok.__all__:
        value = getattr(ratsdok, name)
        if name in MODULE_EXPORTS:
            assert isinstance(value, types.ModuleType), name
        else:
            assert not isinstance(value, types.ModuleType), f"ratsdok.{name} is a module"


def test_import_ratsdok_does_not_load_the_pdf_and_signature_libraries() -> None:
    code = (
        "import sys, ratsdok\n"
        "libs = ('pikepdf', 'typst', 'page', 'fontTools', 'signxml', 'markdown_it')\n"
        "heavy = [m for m in libs if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_lazy_names_are_in_all() -> None:
    lazy = set(ratsdok._LAZY)
    assert lazy <= set(ratsdok.__all__)


# The names ratsdok 0.1 exported; each must keep working (issue #9).
API_0_1 = [
    "FORMAT_VERSION",
    "NAMESPACE",
    "Abschnitt",
    "Abschnittsart",
    "Abstimmung",
    "Anlage",
    "AnlagenCheck",
    "AnlagenError",
    "AnlagenPruefung",
    "AnlagenStatus",
    "ArchiveResult",
    "Behoerde",
    "Beratung",
    "Beschlussergebnis",
    "Bezug",
    "Bezugsart",
    "BundleResult",
    "Drucksachennummer",
    "Ergebnis",
    "Erweiterung",
    "ExtractResult",
    "InvalidDocumentError",
    "Nachricht",
    "Nachrichtenkopf",
    "Nachrichtentyp",
    "NichtKonform",
    "Organisationseinheit",
    "OutputError",
    "Problem",
    "Quelle",
    "RatsdokError",
    "SchemaError",
    "Sitzungsart",
    "Status",
    "Teil",
    "TeilArt",
    "UnsafeInputError",
    "Unterzeichnung",
    "VerificationResult",
    "Vermerk",
    "Vorlage",
    "Vorlagenart",
    "XmlSyntaxError",
    "Zustaendigkeit",
    "__version__",
    "archive",
    "build_bundle",
    "bundle",
    "bundle_to_file",
    "check_anlagen",
    "extract",
    "from_pdf",
    "from_xml",
    "load",
    "load_certificate",
    "load_nachricht",
    "load_private_key",
    "nachricht_from_xml",
    "oparl",
    "render_pdf",
    "save",
    "schema_dir",
    "seal",
    "sign",
    "to_xml",
    "validate_xml",
    "verify",
    "verify_archive",
]


def test_every_name_of_0_1_is_still_exported() -> None:
    missing = [n for n in API_0_1 if n not in ratsdok.__all__ or not hasattr(ratsdok, n)]
    assert missing == []


def test_oparl_public_names_are_still_there() -> None:
    from ratsdok import oparl

    for name in (
        "EXTENSION_KEY",
        "ImportResult",
        "Unmapped",
        "dump_json",
        "export_paper",
        "import_paper",
        "oparl_uuid",
    ):
        assert hasattr(oparl, name), name


def test_every_result_is_a_report_and_every_part_a_check() -> None:
    from ratsdok.interop.xdomea import ArchivVorgang
    from ratsdok.report import Check, Report

    for cls in (
        ratsdok.VerificationResult,
        ratsdok.ArchiveResult,
        ArchivVorgang,
        ratsdok.ExtractResult,
        ratsdok.BundleResult,
        ratsdok.oparl.ImportResult,
    ):
        assert issubclass(cls, Report), cls
    assert issubclass(ratsdok.AnlagenPruefung, Check)


def test_deprecated_aliases_keep_their_0_1_members() -> None:
    assert ratsdok.Teil is ratsdok.Check
    assert ratsdok.TeilArt is ratsdok.Kind
    assert ratsdok.AnlagenStatus is ratsdok.Status
    assert {m.name for m in ratsdok.TeilArt} >= {"PRUEFSUMME", "ANLAGE", "SIGNATUR"}
    assert ratsdok.TeilArt.__members__["SEAL"] is ratsdok.Kind.PRUEFSUMME
    assert {"OK", "CHANGED", "MISSING", "UNRECORDED"} <= set(ratsdok.AnlagenStatus.__members__)
    # the 0.1 status values are unchanged, so stored JSON of Teil.status still compares
    assert [s.value for s in ratsdok.Status][:10] == [
        "valid",
        "ok",
        "broken",
        "missing",
        "changed",
        "unrecorded",
        "invalid",
        "untrusted",
        "expired",
        "unlisted",
    ]


def test_deprecated_attributes_are_there(tmp_path: Path) -> None:
    from ratsdok.report import Check, Kind, Signer, Status

    signed = Check(
        Kind.SIGNATUR,
        "signatur-1",
        Status.VALID,
        "ok",
        signer=Signer(1, "Krebs", "Landrat", "CN=K"),
    )
    assert (signed.subject, signed.unterzeichnung, signed.name, signed.funktion) == (
        "CN=K",
        1,
        "Krebs",
        "Landrat",
    )
    plain = Check(Kind.ANLAGE, "Anlage 1", Status.CHANGED, "size differs")
    assert (plain.subject, plain.unterzeichnung, plain.name, plain.funktion) == (None,) * 4
    assert not plain.ok and signed.ok
    v = ratsdok.Vorlage(nummer="KT 0001/2024", betreff="Test")
    result = ratsdok.VerificationResult("x.xml", v, (signed,), "abcd", ("a note",))
    assert (result.parts, result.hinweise, result.vorlage, result.pruefwert) == (
        (signed,),
        ("a note",),
        v,
        "abcd",
    )
    from ratsdok.interop.xdomea import ArchivTeil, ArchivVorgang

    vg = ArchivVorgang("z.zip#u", "u", "KT 1/2024", (plain,))
    archive = ratsdok.ArchiveResult("z.zip", (vg,), (signed,))
    assert archive.path == "z.zip"
    assert archive.vorgaenge == (vg,)
    assert archive.allgemein == (
        ArchivTeil("signatur-1", True, "valid: ok [Unterzeichnung 1 Krebs, Landrat; CN=K]"),
    )
    assert vg.teile == (ArchivTeil("Anlage 1", False, "size differs"),)
    assert (vg.uuid, vg.nummer, vg.ok, archive.ok) == ("u", "KT 1/2024", False, False)


def test_report_ok_needs_a_check_and_names_what_failed() -> None:
    from ratsdok.report import Check, Kind, Report, Status

    assert not Report("empty").ok  # nothing checked vouches for nothing
    bad = Check(Kind.ANLAGE, "Anlage 1", Status.MISSING, "file not found")
    inner = Report("z#1", (bad,))
    outer = Report("z", (Check(Kind.ARCHIV, "z", Status.OK, "fine"),), sections=(inner,))
    assert not outer.ok
    assert list(outer.failures()) == [bad]
    assert outer.lines()[-1] == "z: NOT OK"
    assert "      BAD Anlage 1: missing: file not found" in outer.lines()
    d = outer.to_dict()
    assert set(d) == {"source", "title", "ok", "checks", "notes", "facts", "sections"}
    assert d["sections"][0]["checks"][0]["status"] == "missing"
    # a note never makes a report ok, a fine check with a note stays ok
    assert Report("n", (Check(Kind.DATEI, "f", Status.OK, "ok"),), notes=("not all",)).ok


def test_internal_subpackages_say_they_are_not_public() -> None:
    """Only ratsdok, ratsdok.oparl, ratsdok.errors and ratsdok.report are public API."""
    for info in pkgutil.walk_packages(ratsdok.__path__, "ratsdok."):
        if not info.ispkg:
            continue
        module = importlib.import_module(info.name)
        doc = module.__doc__ or ""
        assert "public" in doc.lower(), f"{info.name} does not say whether it is public API"
