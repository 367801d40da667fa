"""restored_by_import: what import restores from an exported Paper, derived without importing.

Export seals it as ``pruefsumme_oparl``; these tests hold it to the real export → import
on the example, on Vorlagen with every documented loss, and on generated Vorlagen.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import ratsdok
from ratsdok import Anlage, Erweiterung, Quelle, Vorlage
from ratsdok.integrity.seal import seal_of
from ratsdok.interop.oparl import importer
from ratsdok.interop.oparl.restored import restored_by_import
from ratsdok.oparl import EXTENSION_KEY, dump_json, export_paper, import_paper
from tests.conftest import EXAMPLE_XML
from tests.factories import BASE, FUZZ, not_exportable, vendor_erweiterungen, vorlagen

QUELLE = Quelle(
    kennung="https://ris.example/paper/1",
    web="https://ris.example/p/1",
    erstellt=datetime(2020, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
    geaendert=datetime(2020, 2, 2, tzinfo=UTC),
)


def imported(v: Vorlage, base_url: str = BASE, **kw: Any) -> tuple[dict[str, Any], Vorlage]:
    """The exported Paper and the Vorlage import makes of it."""
    paper = export_paper(v, base_url=base_url, **kw)
    return paper, import_paper(paper).vorlage


def with_losses() -> Vorlage:
    """The example with a Quelle, a non-public Anlage, inline bytes and Erweiterungen."""
    v = ratsdok.load(EXAMPLE_XML)
    beratungen = [
        b.model_copy(
            update={
                "quelle": QUELLE,
                "erweiterungen": (Erweiterung(schluessel="ris:z", wert="null"),),
            }
        )
        for b in v.beratungsfolge
    ]
    anlagen = [
        v.anlagen[0].model_copy(
            update={"erweiterungen": (Erweiterung(schluessel="STERNBERG:x", wert="[ 1 ,2 ]"),)}
        ),
        Anlage(
            nummer=2,
            titel="Vermerk",
            dateiname="vermerk.pdf",
            medientyp="application/pdf",
            oeffentlich=False,
            inhalt=b"intern",
        ),
        Anlage(
            nummer=3,
            titel="Liste",
            dateiname="liste.txt",
            medientyp="text/plain",
            oeffentlich=True,
            inhalt=b"hello",
            quelle=QUELLE,
        ),
    ]
    erweiterungen = [
        Erweiterung(schluessel="ris:b", wert='{"x": [1, 2.50]}'),
        Erweiterung(schluessel="ris:a", wert='"erst"'),
        Erweiterung(schluessel="ris:a", wert='"zweit"'),  # the Paper has ris:a already
        Erweiterung(schluessel=EXTENSION_KEY, wert="{}"),  # reserved
        Erweiterung(schluessel="raum", wert='"A 1"'),  # not a vendor key
    ]
    values = v.model_dump()
    values.update(
        quelle=QUELLE, beratungsfolge=beratungen, anlagen=anlagen, erweiterungen=erweiterungen
    )
    return Vorlage.model_validate(values)


def test_the_example_comes_back_whole() -> None:
    v = ratsdok.load(EXAMPLE_XML)
    paper, back = imported(v)
    assert restored_by_import(v, base_url=BASE) == back == v
    assert "pruefsumme_oparl" not in paper[EXTENSION_KEY]


@pytest.mark.parametrize(
    ("titel", "name"),
    [
        ("Lageplan", "Anlage 2 – Lageplan"),
        ("Anlage 2: Lageplan", "Anlage 2: Lageplan"),
        ("Anlage 2", "Anlage 2"),
        ("anlage 2 – Lageplan", "anlage 2 – Lageplan"),
        ("Anlage 2 – Lageplan", "Anlage 2 – Lageplan"),
        ("Anlage 20: Lageplan", "Anlage 2 – Anlage 20: Lageplan"),  # another number
    ],
)
def test_anlage_titled_with_its_number_comes_back_whole(titel: str, name: str) -> None:
    # issue #10: the File name is the Anlage's bezeichnung, the title comes back unchanged
    v = ratsdok.load(EXAMPLE_XML)
    a = Anlage(
        nummer=2,
        titel=titel,
        dateiname="lageplan.pdf",
        medientyp="application/pdf",
        oeffentlich=True,
    )
    v = v.model_copy(update={"anlagen": (*v.anlagen, a)})
    paper, back = imported(v)
    assert [f["name"] for f in paper["auxiliaryFile"]] == [v.anlagen[0].bezeichnung, name]
    assert restored_by_import(v, base_url=BASE) == back == v
    assert "pruefsumme_oparl" not in paper[EXTENSION_KEY]


def test_each_documented_loss() -> None:
    v = with_losses()
    r = restored_by_import(v, base_url=BASE)
    # Non-public Anlagen are left out; the others keep their numbers.
    assert [a.nummer for a in r.anlagen] == [1, 3]
    # Inline bytes are dropped, their size and digest stay.
    liste = r.anlage(3)
    assert liste.inhalt is None
    assert (liste.groesse, liste.sha256) == (5, hashlib.sha256(b"hello").hexdigest())
    # Erweiterungen: vendor keys but the ratsdok one, the first of equal keys, sorted,
    # values as compact JSON.
    assert r.erweiterungen == (
        Erweiterung(schluessel="ris:a", wert='"erst"'),
        Erweiterung(schluessel="ris:b", wert='{"x":[1,2.5]}'),
    )
    assert r.anlage(1).erweiterungen == (Erweiterung(schluessel="STERNBERG:x", wert="[1,2]"),)
    assert [b.erweiterungen for b in r.beratungsfolge] == [
        (Erweiterung(schluessel="ris:z", wert="null"),)
    ] * 2
    # Everything else comes back from the extension, Quellen included.
    assert r.quelle == QUELLE and r.anlage(3).quelle == QUELLE
    assert all(b.quelle == QUELLE for b in r.beratungsfolge)
    assert (
        r.model_copy(
            update={
                "anlagen": v.anlagen,
                "erweiterungen": v.erweiterungen,
                "beratungsfolge": v.beratungsfolge,
            }
        )
        == v
    )


def test_losses_match_the_import_and_the_seal() -> None:
    v = with_losses()
    paper, back = imported(v)
    r = restored_by_import(v, base_url=BASE)
    assert r == back
    assert paper[EXTENSION_KEY]["pruefsumme"] == seal_of(v)[0]
    assert paper[EXTENSION_KEY]["pruefsumme_oparl"] == seal_of(r)[0]
    result = import_paper(dump_json(paper))
    assert result.vorlage == r
    assert not any("pruefsumme" in u.path for u in result.unmapped)


def test_only_non_public_anlagen() -> None:
    v = Vorlage.model_validate(
        {
            **ratsdok.load(EXAMPLE_XML).model_dump(),
            "anlagen": [
                Anlage(
                    nummer=1,
                    titel="Intern",
                    dateiname="a.pdf",
                    medientyp="application/pdf",
                    oeffentlich=False,
                )
            ],
        }
    )
    paper, back = imported(v)
    assert "auxiliaryFile" not in paper
    assert restored_by_import(v, base_url=BASE) == back
    assert back.anlagen == ()


def test_base_url_that_is_not_text_loses_the_beratungsfolge() -> None:
    """Import cannot make a Gremium of an organization URL with a control character."""
    v = with_losses()
    base = "https://x.example/\x01"
    paper, back = imported(v, base_url=base)
    r = restored_by_import(v, base_url=base)
    assert r == back
    assert r.beratungsfolge == () != v.beratungsfolge
    assert paper[EXTENSION_KEY]["pruefsumme_oparl"] == seal_of(r)[0]


def test_export_does_not_import_its_output(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_import(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("export ran the import")

    monkeypatch.setattr(importer._Importer, "paper", no_import)
    out = export_paper(with_losses(), base_url=BASE)
    assert "pruefsumme_oparl" in out[EXTENSION_KEY]


base_urls = st.sampled_from(
    [
        BASE,
        "http://ris.example/oparl///",
        "https://x.example/e\u0301",
        "https://x.example/\x01",
        "https://x.example/\ud800",
    ]
)


@FUZZ
@given(
    vorlagen() | vorlagen(neu=True),
    vendor_erweiterungen,
    vendor_erweiterungen,
    vendor_erweiterungen,
    base_urls,
)
def test_restored_by_import_is_what_import_restores(
    v: Vorlage,
    on_vorlage: list[Erweiterung],
    on_beratung: list[Erweiterung],
    on_anlage: list[Erweiterung],
    base_url: str,
) -> None:
    values = v.model_dump()
    values["erweiterungen"] = [*v.erweiterungen, *on_vorlage]
    for b in values["beratungsfolge"]:
        b["erweiterungen"] = [*b["erweiterungen"], *on_beratung]
    for a in values["anlagen"]:
        a["erweiterungen"] = [*a["erweiterungen"], *on_anlage]
    if values["hauptdokument"] is not None:
        values["hauptdokument"]["erweiterungen"] = [
            *values["hauptdokument"]["erweiterungen"],
            *on_anlage,
        ]
    v = Vorlage.model_validate(values)
    assume(not not_exportable(v))
    has_date = v.datum is not None or any(b.sitzungstermin for b in v.beratungsfolge)
    stand = None if has_date else datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    paper, back = imported(
        v, base_url=base_url, stand=stand, nichtoeffentlich_freigeben=v.nichtoeffentlich
    )
    r = restored_by_import(v, base_url=base_url)
    assert r == back
    assert import_paper(dump_json(paper)).vorlage == r
    ext = paper[EXTENSION_KEY]
    assert ext.get("pruefsumme_oparl", ext["pruefsumme"]) == seal_of(r)[0]
