"""The bundled KT 0134/2020 example: complete, valid, and reproducible from the API."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import ratsdok
from ratsdok import Abschnittsart, Sitzungsart, Zustaendigkeit
from tests.conftest import EXAMPLE_DIR, EXAMPLE_XML


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kt_build", EXAMPLE_DIR / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["kt_build"] = module
    spec.loader.exec_module(module)
    return module


def test_example_has_every_field_of_the_original(example: ratsdok.Vorlage) -> None:
    v = example
    assert str(v.nummer) == "KT 0134/2020"
    assert (v.nummer.praefix, v.nummer.laufnummer, v.nummer.stellen, v.nummer.jahr) == (
        "KT",
        134,
        4,
        2020,
    )
    assert v.art is ratsdok.Vorlagenart.BESCHLUSSVORLAGE
    assert v.betreff.startswith("Legitimation des kommunalen Integrationskonzeptes")
    assert '"Thüringer Initiative für lokales Integrationsmanagement der Kommunen"' in v.betreff
    assert [
        (b.gremium, b.sitzungstermin.isoformat() if b.sitzungstermin else None)
        for b in v.beratungsfolge
    ] == [
        ("Kreisausschuss", "2020-05-25"),
        ("Kreistag", "2020-05-26"),
    ]
    assert all(b.sitzungsart is Sitzungsart.OEFFENTLICH for b in v.beratungsfolge)
    assert [b.zustaendigkeit for b in v.beratungsfolge] == [
        Zustaendigkeit.VORBERATUNG,
        Zustaendigkeit.ENTSCHEIDUNG,
    ]
    assert [a.art for a in v.abschnitte] == [
        Abschnittsart.BESCHLUSSVORSCHLAG,
        Abschnittsart.BEGRUENDUNG,
    ]
    assert v.beschlussvorschlag is not None and len(v.beschlussvorschlag) == 1
    assert v.begruendung is not None and len(v.begruendung) == 3
    assert (
        "„Thüringer Initiative für lokales Integrationsmanagement in den Kommunen“"
        in (v.begruendung[0])
    )
    assert "Förderung [...] der Unterstützung" in v.begruendung[0]
    assert [(u.vermerk.bezeichnung, u.name, u.funktion) for u in v.unterzeichnungen] == [
        ("gez.", "Krebs", "Landrat"),
        ("gez.", "Rosenstengel", "Kreisbeigeordneter"),
    ]
    (anlage,) = v.anlagen
    assert anlage.titel == "Integrationskonzept"
    data = (EXAMPLE_DIR / (anlage.dateiname or "")).read_bytes()
    assert anlage.groesse == len(data)
    assert anlage.sha256 == ratsdok.store.hashing.digest_bytes(data).sha256


def test_build_script_reproduces_the_committed_file(tmp_path: Path) -> None:
    module = _build_module()
    out = tmp_path / "vorlage.xml"
    assert module.main(["build.py", str(out)]) == 0
    assert out.read_bytes() == EXAMPLE_XML.read_bytes()


def test_stand_in_anlage_says_it_is_a_stand_in() -> None:
    data = (EXAMPLE_DIR / "integrationskonzept.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"Beispiel-Platzhalter" in data
