"""The 0503 message: the xdomea XML that lists every Vorgang of an archive.

Each Vorlage becomes a ``Vorgang`` carrying its sealed ratsdok XML in
``AnwendungsspezifischeErweiterungXML``; its rendered PDF (or its Hauptdokument, the
file that is the Vorlage) is a ``Dokument`` with each Anlage as nested ``Anlage``
(``docs/xdomea.md#message-structure``).
The message is written streaming, one Vorgang subtree in memory at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Protocol
from uuid import UUID

from lxml import etree

from ratsdok.interop.xdomea.codes import dateiformat_code
from ratsdok.interop.xdomea.names import (
    XDOMEA_NS,
    X,
    anlage_dokument_id,
    anlage_file_name,
    hauptdokument_file_name,
    vorlage_dokument_id,
    vorlage_pdf_name,
)
from ratsdok.model.codes import Rolle
from ratsdok.model.vorlage import Vorlage
from ratsdok.version import NAMESPACE
from ratsdok.xml.schema import schema_dir

__all__ = [
    "absender_of",
    "combined_schema_text",
    "vorgang_metadaten",
    "write_message",
    "write_message_stream",
]


class _Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, X + name)
    if text is not None:
        el.text = text
    return el


def _code(parent: etree._Element, name: str, uri: str, version: str, code: str) -> None:
    el = _sub(parent, name)
    el.set("listURI", uri)
    el.set("listVersionID", version)
    c = etree.SubElement(el, "code")
    c.text = code


def _medium(parent: etree._Element) -> None:
    _code(parent, "Medium", "urn:xoev-de:xdomea:codeliste:medium", "1.0", "001")


def _version(
    parent: etree._Element, code: str, fmt_version: str, dateiname: str, original: str
) -> None:
    ver = _sub(parent, "Version")
    _sub(ver, "Nummer", "1")
    fmt = _sub(ver, "Format")
    _code(fmt, "Name", "urn:xoev-de:xdomea:codeliste:dateiformat", "1.0", code)
    _sub(fmt, "Version", fmt_version)
    prim = _sub(fmt, "Primaerdokument")
    _sub(prim, "Dateiname", dateiname)
    _sub(prim, "DateinameOriginal", original)


def _vertraulichkeit(
    parent: etree._Element, oeffentlich: bool | None, bemerkung: list[str]
) -> None:
    """``Vertraulichkeitsstufe`` and ``Bemerkung`` of an AllgemeineMetadaten.

    Öffentlich is ``003`` (Offen: not classified). Nichtöffentlich (Kommunalrecht) is
    not a classification under the Verschlusssachenanweisung, which the code list is
    about, so no Stufe is claimed: the Bemerkung says it
    (``docs/xdomea.md#öffentlichkeit-bearbeitungsstand-aktenzeichen``).
    """
    if oeffentlich is True:
        _code(
            parent,
            "Vertraulichkeitsstufe",
            "urn:xoev-de:xdomea:codeliste:vertraulichkeitsstufe",
            "1.0",
            "003",
        )
    if bemerkung:
        _sub(parent, "Bemerkung", "\n".join(bemerkung))


def _nichtoeffentlich(v: Vorlage) -> list[str]:
    """The Bemerkung of a nichtöffentliche Vorlage: "nichtöffentlich: Grund (Rechtsgrundlage)"."""
    o = v.oeffentlichkeit
    if o is None or o.oeffentlich:
        return []
    text = "nichtöffentlich"
    if o.grund:
        text += f": {o.grund}"
    if o.rechtsgrundlage:
        text += f" ({o.rechtsgrundlage})"
    return [text]


def _vorgang(parent: etree._Element, v: Vorlage, nr: int, embedded: etree._Element) -> None:
    so = _sub(parent, "Schriftgutobjekt")
    vg = _sub(so, "Vorgang")
    ident = _sub(vg, "Identifikation")
    _sub(ident, "ID", str(v.uuid))
    _sub(ident, "NummerImUebergeordnetenContainer", str(nr))
    # Öffentlichkeit: stated (format 1.1) or not (then nothing is said, as before).
    public = None if v.oeffentlichkeit is None else v.oeffentlichkeit.oeffentlich
    meta = _sub(vg, "AllgemeineMetadaten")
    _sub(meta, "Betreff", f"{v.nummer} {v.betreff}")
    _sub(meta, "Kennzeichen", str(v.nummer))
    if v.federfuehrung is not None:
        _sub(meta, "Federfuehrung", v.federfuehrung.name)
    stand = (
        []
        if v.bearbeitungsstand is None
        else [f"Bearbeitungsstand: {v.bearbeitungsstand.bezeichnung}"]
    )
    _vertraulichkeit(meta, public, _nichtoeffentlich(v) + stand)
    _medium(meta)
    if v.art is not None:
        _sub(vg, "Typ", v.art.bezeichnung)
    termine = [b.sitzungstermin for b in v.beratungsfolge if b.sitzungstermin is not None]
    if termine:
        lz = _sub(vg, "Laufzeit")
        _sub(lz, "Beginn", min(termine).isoformat())
        _sub(lz, "Ende", max(termine).isoformat())
    dok = _sub(vg, "Dokument")
    ident = _sub(dok, "Identifikation")
    _sub(ident, "ID", str(vorlage_dokument_id(v)))
    _sub(ident, "NummerImUebergeordnetenContainer", "1")
    meta = _sub(dok, "AllgemeineMetadaten")
    _sub(meta, "Betreff", f"{v.nummer} {v.betreff}")
    _sub(meta, "Kennzeichen", str(v.nummer))
    _vertraulichkeit(meta, public, _nichtoeffentlich(v))
    _medium(meta)
    if v.aktenzeichen is not None:
        # The Verwaltung's Geschäftszeichen of the Vorlage, as the sender writes it.
        _sub(dok, "FremdesGeschaeftszeichen", v.aktenzeichen)
    if v.datum is not None:
        _sub(dok, "DatumDesSchreibens", v.datum.isoformat())
    bearbeiter = [
        b.name or (b.organisationseinheit.name if b.organisationseinheit else "")
        for b in v.beteiligte
        if b.rolle is Rolle.SACHBEARBEITUNG
    ]
    if bearbeiter:
        _sub(dok, "Bearbeiter", "; ".join(bearbeiter))
    _sub(dok, "Typ", "Vorlage")
    h = v.hauptdokument
    if h is None:
        _version(dok, "044", "PDF/A-2a", vorlage_pdf_name(v), "vorlage.pdf")
    else:
        # The file that is the Vorlage, as it is (docs/xdomea.md#the-hauptdokument).
        code = dateiformat_code(h.medientyp, h.dateiname)
        _version(dok, code, "", hauptdokument_file_name(v), h.dateiname)
    for a in v.anlagen:
        an = _sub(dok, "Anlage")
        ident = _sub(an, "Identifikation")
        _sub(ident, "ID", str(anlage_dokument_id(v, a)))
        meta = _sub(an, "AllgemeineMetadaten")
        _sub(meta, "Betreff", a.titel)
        # An Anlage is open where it and its Vorlage are (said only where the Vorlage
        # states its Öffentlichkeit).
        a_public = None if public is None else (public and a.oeffentlich)
        bemerkung = ["nichtöffentlich"] if a_public is False else []
        bemerkung += [x for x in (a.hinweis, a.verweis and f"Verweis: {a.verweis}") if x]
        _vertraulichkeit(meta, a_public, bemerkung)
        _medium(meta)
        _sub(an, "Typ", "Anlage")
        if a.dateiname is not None:
            code = dateiformat_code(a.medientyp or "", a.dateiname)
            _version(an, code, "", anlage_file_name(v, a), a.dateiname)
        # An Anlage known by its title only has no Version: xdomea allows a Dokument
        # without one; the Bemerkung says where it is.
        _sub(an, "Nummer", str(a.nummer))
    ext = _sub(vg, "AnwendungsspezifischeErweiterungXML")
    ext.append(embedded)


def vorgang_metadaten(v: Vorlage, nr: int) -> etree._Element:
    """The Vorgang ratsdok writes for *v* as number *nr* of a message, without the
    embedded ratsdok XML: what an archive's Vorgang must say of a verified Vorlage."""
    holder = etree.Element(X + "Schriftgut", nsmap={"xdomea": XDOMEA_NS})
    _vorgang(holder, v, nr, etree.Element(X + "Platzhalter"))
    vg = holder[0][0]
    ext = vg.find(X + "AnwendungsspezifischeErweiterungXML")
    if ext is not None:
        vg.remove(ext)
    return vg


def _kopf(absender: str | None, prozess_id: UUID, zeitpunkt: datetime) -> etree._Element:
    holder = etree.Element(X + "Aussonderung.Aussonderung.0503", nsmap={"xdomea": XDOMEA_NS})
    kopf = _sub(holder, "Kopf")
    _sub(kopf, "ProzessID", str(prozess_id))
    typ = _sub(kopf, "Nachrichtentyp")
    typ.set("listURI", "urn:xoev-de:xdomea:codeliste:nachrichtentyp")
    typ.set("listVersionID", "2.0")
    etree.SubElement(typ, "code").text = "0503"
    etree.SubElement(typ, "name").text = "Aussonderung.Aussonderung"
    ts = zeitpunkt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    _sub(kopf, "Erstellungszeitpunkt", ts)
    sender = _sub(kopf, "Absender")
    _sub(_sub(sender, "Institution"), "Name", absender or "Kreistagsbüro")
    empf = _sub(kopf, "Empfaenger")
    _sub(_sub(empf, "Institution"), "Name", "Kreisarchiv")
    _sub(kopf, "Importbestaetigung", "1")
    _sub(kopf, "RueckmeldungArchivkennung", "1")
    _sub(kopf, "Empfangsbestaetigung", "1")
    return kopf


def absender_of(vorlagen: Iterable[Vorlage]) -> str | None:
    """The Absender of a message: the first Körperschaft the Vorlagen name."""
    return next((v.koerperschaft for v in vorlagen if v.koerperschaft), None)


def write_message(
    dst: _Writable | IO[bytes],
    vorlagen: Sequence[Vorlage],
    records: Iterable[etree._Element],
    prozess_id: UUID,
    zeitpunkt: datetime,
) -> None:
    """Stream the 0503 message: one Vorgang per Vorlage, each carrying the root of its
    sealed ratsdok XML from *records* (taken one at a time, in the same order)."""
    vorgaenge = zip(vorlagen, records, strict=True)
    write_message_stream(dst, vorgaenge, absender_of(vorlagen), prozess_id, zeitpunkt)


def write_message_stream(
    dst: _Writable | IO[bytes],
    vorgaenge: Iterable[tuple[Vorlage, etree._Element]],
    absender: str | None,
    prozess_id: UUID,
    zeitpunkt: datetime,
) -> None:
    """Stream the 0503 message from (Vorlage, root of its sealed ratsdok XML) pairs,
    taken one at a time: the Vorlagen need not be in memory together. *absender* is
    :func:`absender_of` the Vorlagen, known before the first is written."""
    with etree.xmlfile(dst, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(X + "Aussonderung.Aussonderung.0503", nsmap={"xdomea": XDOMEA_NS}):
            xf.write("\n  ")
            xf.write(_kopf(absender, prozess_id, zeitpunkt), pretty_print=True)
            for nr, (v, embedded) in enumerate(vorgaenge, start=1):
                holder = etree.Element(X + "holder", nsmap={"xdomea": XDOMEA_NS})
                _vorgang(holder, v, nr, embedded)
                xf.write("  ")
                xf.write(holder[0], pretty_print=True)


def combined_schema_text(xdomea_xsd: Path) -> str:
    """A driver XSD importing xdomea 3.0.0 (*xdomea_xsd*) and the ratsdok schema.

    Validating a 0503 with it also validates the embedded ratsdok block (the
    extension element is ``xs:any processContents="lax"``). Write it into a
    temporary folder and load it with :class:`lxml.etree.XMLSchema`.
    """
    ratsdok_xsd = (schema_dir() / "ratsdok.xsd").resolve().as_uri()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"'
        ' targetNamespace="urn:ratsdok:archiv:kombiniert" elementFormDefault="qualified">\n'
        f'  <xs:import namespace="{XDOMEA_NS}" schemaLocation="{xdomea_xsd.resolve().as_uri()}"/>\n'
        f'  <xs:import namespace="{NAMESPACE}" schemaLocation="{ratsdok_xsd}"/>\n'
        "</xs:schema>\n"
    )
