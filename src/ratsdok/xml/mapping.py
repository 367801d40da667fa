"""Mapping between the models and the ratsdok XML format.

Writing builds the document text directly (one fixed layout, so the same model
always gives the same bytes). Reading is: safe parse → XML Schema → mapping →
model rules; every problem is reported with its line.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from lxml import etree
from pydantic import BaseModel, ValidationError

from ratsdok.errors import InvalidDocumentError, Problem, SchemaError
from ratsdok.model._base import GELESEN, unchecked_parts
from ratsdok.model.beratung import Abstimmung, Ergebnis
from ratsdok.model.codes import CODELISTEN, Code
from ratsdok.model.dateiname import make_portable
from ratsdok.model.finanzen import Finanzen, betrag_text
from ratsdok.model.inhalt import Absatz, Block, Liste, Tabelle, Zwischenueberschrift
from ratsdok.model.nachricht import Behoerde, Nachricht, Nachrichtenkopf
from ratsdok.model.vorlage import (
    Anlage,
    Beratung,
    Beteiligung,
    Erweiterung,
    FieldPath,
    Hauptdokument,
    Quelle,
    Vorlage,
    format_path,
    unportable_names,
    zeitpunkt_text,
)
from ratsdok.version import FORMAT_VERSIONS, NAMESPACE, STANDARD
from ratsdok.xml.names import Q
from ratsdok.xml.parser import (
    DEFAULT_MAX_BYTES,
    MAX_ATTRIBUTE_BYTES,
    MAX_TEXT_BYTES,
    parse_xml,
)
from ratsdok.xml.schema import schema_problems
from ratsdok.xml.version import ZEITSTEMPEL_VERSION, at_least, required_version, version_key

__all__ = [
    "ParsedDocument",
    "document_from_tree",
    "from_xml",
    "nachricht_from_xml",
    "parse_document",
    "serialize",
    "to_xml",
]

ROOT_ELEMENT: Final = "vorlage.uebermittlung.0101"
_P: Final = "ratsdok:"
_IND: Final = "  "


# --------------------------------------------------------------------------- writing


def _esc(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _esc_attr(text: str) -> str:
    # Attribute-value normalisation would turn TAB/LF into spaces; keep them as references.
    return _esc(text).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")


_code_cache: dict[tuple[Code, str, int], str] = {}


def _code(out: list[str], depth: int, name: str, code: Code) -> None:
    key = (code, name, depth)
    text = _code_cache.get(key)
    if text is None:
        liste = CODELISTEN[type(code)]
        ind = _IND * depth
        text = (
            f'{ind}<{_P}{name} listURI="{liste.kennung}" listVersionID="{code.seit}">\n'
            f"{ind}{_IND}<code>{_esc(code.value)}</code>\n"
            f"{ind}{_IND}<name>{_esc(code.bezeichnung)}</name>\n"
            f"{ind}</{_P}{name}>\n"
        )
        _code_cache[key] = text
    out.append(text)


def _leaf(out: list[str], depth: int, name: str, text: str) -> None:
    out.append(f"{_IND * depth}<{_P}{name}>{_esc(text)}</{_P}{name}>\n")


def _opt(out: list[str], depth: int, name: str, text: str | None) -> None:
    if text is not None:
        out.append(f"{_IND * depth}<{_P}{name}>{_esc(text)}</{_P}{name}>\n")


def _open(out: list[str], depth: int, name: str) -> None:
    out.append(f"{_IND * depth}<{_P}{name}>\n")


def _close(out: list[str], depth: int, name: str) -> None:
    out.append(f"{_IND * depth}</{_P}{name}>\n")


def _date(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _write_quelle(out: list[str], d: int, q: Quelle | None) -> None:
    if q is None:
        return
    _open(out, d, "quelle")
    _leaf(out, d + 1, "kennung", q.kennung)
    _opt(out, d + 1, "web", q.web)
    _opt(out, d + 1, "erstellt", None if q.erstellt is None else zeitpunkt_text(q.erstellt))
    _opt(out, d + 1, "geaendert", None if q.geaendert is None else zeitpunkt_text(q.geaendert))
    _close(out, d, "quelle")


def _write_erweiterungen(out: list[str], d: int, items: tuple[Erweiterung, ...]) -> None:
    for er in items:
        _open(out, d, "erweiterung")
        _leaf(out, d + 1, "schluessel", er.schluessel)
        _leaf(out, d + 1, "wert", er.wert)
        _close(out, d, "erweiterung")


def _count(out: list[str], d: int, name: str, n: int | None) -> None:
    if n is not None:
        out.append(f"{_IND * d}<{_P}{name}>{n}</{_P}{name}>\n")


def _write_abstimmung(out: list[str], d: int, s: Abstimmung) -> None:
    _open(out, d, "abstimmung")
    _opt(out, d + 1, "gegenstand", s.gegenstand)
    _count(out, d + 1, "ja", s.ja)
    _count(out, d + 1, "nein", s.nein)
    _count(out, d + 1, "enthaltung", s.enthaltung)
    _count(out, d + 1, "befangen", s.befangen)
    _count(out, d + 1, "anwesend", s.anwesend)
    if s.mehrheit is not None:
        _code(out, d + 1, "mehrheit", s.mehrheit)
    for f in s.fraktionen:
        _open(out, d + 1, "fraktion")
        _leaf(out, d + 2, "fraktion", f.fraktion)
        if f.stimme is not None:
            _code(out, d + 2, "stimme", f.stimme)
        _count(out, d + 2, "ja", f.ja)
        _count(out, d + 2, "nein", f.nein)
        _count(out, d + 2, "enthaltung", f.enthaltung)
        _close(out, d + 1, "fraktion")
    _opt(out, d + 1, "wortlaut", s.wortlaut)
    _close(out, d, "abstimmung")


def _write_ergebnis(out: list[str], d: int, e: Ergebnis) -> None:
    _open(out, d, "ergebnis")
    if e.beschlussergebnis is not None:
        _code(out, d + 1, "beschlussergebnis", e.beschlussergebnis)
    for s in e.abstimmungen:
        _write_abstimmung(out, d + 1, s)
    _opt(out, d + 1, "beschlusstext", e.beschlusstext)
    _opt(out, d + 1, "wortlaut", e.wortlaut)
    _close(out, d, "ergebnis")


def _write_bloecke(out: list[str], d: int, bloecke: tuple[Block, ...]) -> None:
    for b in bloecke:
        if isinstance(b, Absatz):
            out.append(f"{_IND * d}<{_P}absatz>{_esc(b.text)}</{_P}absatz>\n")
        elif isinstance(b, Zwischenueberschrift):
            _leaf(out, d, "zwischenueberschrift", b.text)
        elif isinstance(b, Liste):
            _open(out, d, "liste")
            _code(out, d + 1, "listenart", b.art)
            if b.beginn != 1:
                _leaf(out, d + 1, "beginn", str(b.beginn))
            for punkt in b.punkte:
                _open(out, d + 1, "punkt")
                _opt(out, d + 2, "bezeichnung", punkt.bezeichnung)
                _write_bloecke(out, d + 2, punkt.bloecke)
                _close(out, d + 1, "punkt")
            _close(out, d, "liste")
        else:
            _write_tabelle(out, d, b)


def _write_tabelle(out: list[str], d: int, tab: Tabelle) -> None:
    _open(out, d, "tabelle")
    _opt(out, d + 1, "beschriftung", tab.beschriftung)
    for a in tab.spalten:
        _leaf(out, d + 1, "spalte", a.value)
    for name, rows in (("kopfzeile", tab.kopf), ("zeile", tab.zeilen)):
        for row in rows:
            _open(out, d + 1, name)
            for cell in row:
                _leaf(out, d + 2, "zelle", cell)
            _close(out, d + 1, name)
    _close(out, d, "tabelle")


def _write_beteiligung(out: list[str], d: int, b: Beteiligung) -> None:
    _open(out, d, "beteiligter")
    _code(out, d + 1, "rolle", b.rolle)
    _opt(out, d + 1, "name", b.name)
    _opt(out, d + 1, "funktion", b.funktion)
    if b.organisationseinheit is not None:
        _open(out, d + 1, "organisationseinheit")
        _leaf(out, d + 2, "name", b.organisationseinheit.name)
        _opt(out, d + 2, "kennung", b.organisationseinheit.kennung)
        _close(out, d + 1, "organisationseinheit")
    _opt(out, d + 1, "datum", _date(b.datum))
    _opt(out, d + 1, "vermerk", b.vermerk)
    _close(out, d, "beteiligter")


def _write_finanzen(out: list[str], d: int, f: Finanzen) -> None:
    _open(out, d, "finanzen")
    _leaf(out, d + 1, "auswirkungen", "true" if f.auswirkungen else "false")
    for pos in f.positionen:
        _open(out, d + 1, "position")
        _opt(
            out,
            d + 2,
            "haushaltsjahr",
            None if pos.haushaltsjahr is None else str(pos.haushaltsjahr),
        )
        _opt(out, d + 2, "teilhaushalt", pos.teilhaushalt)
        _opt(out, d + 2, "produkt", pos.produkt)
        _opt(out, d + 2, "sachkonto", pos.sachkonto)
        _opt(out, d + 2, "investitionsnummer", pos.investitionsnummer)
        _opt(out, d + 2, "bezeichnung", pos.bezeichnung)
        if pos.art is not None:
            _code(out, d + 2, "art", pos.art)
        for name in ("betrag", "ansatz", "verfuegbar"):
            value = getattr(pos, name)
            _opt(out, d + 2, name, None if value is None else betrag_text(value))
        if pos.planmaessigkeit is not None:
            _code(out, d + 2, "planmaessigkeit", pos.planmaessigkeit)
        _opt(out, d + 2, "deckung", pos.deckung)
        _close(out, d + 1, "position")
    _opt(out, d + 1, "erlaeuterung", f.erlaeuterung)
    _close(out, d, "finanzen")


def _write_bytes_info(out: list[str], d: int, groesse: int | None, sha256: str | None) -> None:
    _opt(out, d, "groesse", None if groesse is None else str(groesse))
    _opt(out, d, "sha256", sha256)


def _write_hauptdokument(out: list[str], d: int, h: Hauptdokument) -> None:
    _open(out, d, "hauptdokument")
    _leaf(out, d + 1, "dateiname", h.dateiname)
    _leaf(out, d + 1, "medientyp", h.medientyp)
    _write_bytes_info(out, d + 1, h.groesse, h.sha256)
    if h.inhalt is not None:
        _leaf(out, d + 1, "inhalt", base64.b64encode(h.inhalt).decode("ascii"))
    _write_quelle(out, d + 1, h.quelle)
    _write_erweiterungen(out, d + 1, h.erweiterungen)
    _close(out, d, "hauptdokument")


def _write_beratung(out: list[str], d: int, b: Beratung) -> None:
    _open(out, d, "beratung")
    _leaf(out, d + 1, "gremium", b.gremium)
    _opt(out, d + 1, "sitzungstermin", _date(b.sitzungstermin))
    if b.sitzungsart is not None:
        _code(out, d + 1, "sitzungsart", b.sitzungsart)
    if b.zustaendigkeit is not None:
        _code(out, d + 1, "zustaendigkeit", b.zustaendigkeit)
    _opt(out, d + 1, "tagesordnungspunkt", b.tagesordnungspunkt)
    if b.ergebnis is not None:
        _write_ergebnis(out, d + 1, b.ergebnis)
    _write_quelle(out, d + 1, b.quelle)
    _write_erweiterungen(out, d + 1, b.erweiterungen)
    _close(out, d, "beratung")


def _write_anlage(out: list[str], d: int, a: Anlage) -> None:
    _open(out, d, "anlage")
    _leaf(out, d + 1, "nummer", str(a.nummer))
    _leaf(out, d + 1, "titel", a.titel)
    _opt(out, d + 1, "dateiname", a.dateiname)
    _opt(out, d + 1, "medientyp", a.medientyp)
    _write_bytes_info(out, d + 1, a.groesse, a.sha256)
    _leaf(out, d + 1, "oeffentlich", "true" if a.oeffentlich else "false")
    if a.inhalt is not None:
        _leaf(out, d + 1, "inhalt", base64.b64encode(a.inhalt).decode("ascii"))
    _opt(out, d + 1, "verweis", a.verweis)
    _opt(out, d + 1, "hinweis", a.hinweis)
    _write_quelle(out, d + 1, a.quelle)
    _write_erweiterungen(out, d + 1, a.erweiterungen)
    _close(out, d, "anlage")


def _write_vorlage(out: list[str], d: int, v: Vorlage) -> None:
    out.append(f'{_IND * d}<{_P}vorlage id="{v.id}">\n')
    e = d + 1
    _leaf(out, e, "identifikation", str(v.uuid))
    _leaf(out, e, "vorlagennummer", str(v.nummer))
    if v.art is not None:
        _code(out, e, "vorlagenart", v.art)
    _leaf(out, e, "betreff", v.betreff)
    _opt(out, e, "datum", _date(v.datum))
    _opt(out, e, "koerperschaft", v.koerperschaft)
    if v.federfuehrung is not None:
        _open(out, e, "federfuehrung")
        _leaf(out, e + 1, "name", v.federfuehrung.name)
        _opt(out, e + 1, "kennung", v.federfuehrung.kennung)
        _close(out, e, "federfuehrung")
    _opt(out, e, "einreicher", v.einreicher)
    _opt(out, e, "aktenzeichen", v.aktenzeichen)
    if v.oeffentlichkeit is not None:
        _open(out, e, "oeffentlichkeit")
        _leaf(out, e + 1, "oeffentlich", "true" if v.oeffentlichkeit.oeffentlich else "false")
        _opt(out, e + 1, "grund", v.oeffentlichkeit.grund)
        _opt(out, e + 1, "rechtsgrundlage", v.oeffentlichkeit.rechtsgrundlage)
        _close(out, e, "oeffentlichkeit")
    if v.bearbeitungsstand is not None:
        _code(out, e, "bearbeitungsstand", v.bearbeitungsstand)
    for bt in v.beteiligte:
        _write_beteiligung(out, e, bt)
    if v.beratungsfolge:
        _open(out, e, "beratungsfolge")
        for b in v.beratungsfolge:
            _write_beratung(out, e + 1, b)
        _close(out, e, "beratungsfolge")
    if v.gliederung is not None:
        _code(out, e, "gliederung", v.gliederung)
    for ab in v.abschnitte:
        _open(out, e, "abschnitt")
        _code(out, e + 1, "art", ab.art)
        _opt(out, e + 1, "bezeichnung", ab.bezeichnung)
        _opt(out, e + 1, "ueberschrift", ab.ueberschrift)
        _write_bloecke(out, e + 1, ab.bloecke)
        _close(out, e, "abschnitt")
    if v.finanzen is not None:
        _write_finanzen(out, e, v.finanzen)
    for u in v.unterzeichnungen:
        _open(out, e, "unterzeichnung")
        _code(out, e + 1, "vermerk", u.vermerk)
        _leaf(out, e + 1, "name", u.name)
        _opt(out, e + 1, "funktion", u.funktion)
        _opt(out, e + 1, "datum", _date(u.datum))
        _close(out, e, "unterzeichnung")
    if v.hauptdokument is not None:
        _write_hauptdokument(out, e, v.hauptdokument)
    for a in v.anlagen:
        _write_anlage(out, e, a)
    for bz in v.bezuege:
        _open(out, e, "bezug")
        _code(out, e + 1, "art", bz.art)
        _leaf(out, e + 1, "vorlagennummer", str(bz.nummer))
        _opt(out, e + 1, "identifikation", None if bz.uuid is None else str(bz.uuid))
        _close(out, e, "bezug")
    _write_quelle(out, e, v.quelle)
    _write_erweiterungen(out, e, v.erweiterungen)
    _close(out, d, "vorlage")


def _write_behoerde(out: list[str], name: str, b: Behoerde | None) -> None:
    if b is not None:
        _open(out, 2, name)
        _opt(out, 3, "kennung", b.kennung)
        _leaf(out, 3, "name", b.name)
        _close(out, 2, name)


def _timestamp(t: datetime) -> str:
    text = t.isoformat(timespec="milliseconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def to_xml(
    obj: Vorlage | Nachricht,
    *,
    kopf: Nachrichtenkopf | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> bytes:
    """Serialise a Vorlage (or a whole Nachricht) to ratsdok XML.

    The result is valid against ``schemas/ratsdok.xsd`` and deterministic: the
    same model gives the same bytes. Without *kopf* (and for a bare Vorlage), a
    reproducible header is derived from the content
    (:meth:`Nachrichtenkopf.abgeleitet`); pass ``Nachrichtenkopf.neu()`` for a
    fresh transmission. What the safe reader would refuse is not written: a text
    longer than :data:`~ratsdok.xml.parser.MAX_TEXT_BYTES`, or a document larger
    than *max_bytes* (the reader's default limit).
    """
    if isinstance(obj, Nachricht):
        if kopf is not None:
            raise TypeError("a Nachricht already has its kopf")
        kopf, vorlage = obj.kopf, obj.vorlage
    else:
        vorlage = obj
    if next(unchecked_parts(vorlage), None) is not None:
        # Built with model_construct: check it as if it were read, so that nothing
        # unchecked reaches a document (and a seal over it).
        try:
            vorlage = Vorlage.model_validate(vorlage.model_dump())
        except ValidationError as exc:
            raise InvalidDocumentError(_problems_from_model(exc)) from None
    body: list[str] = []
    _write_vorlage(body, 2, vorlage)
    # Each text is written within one piece, escaped (never shorter) and of at most
    # 4 UTF-8 bytes a character: only a long piece can hold a text the reader refuses.
    if max(map(len, body), default=0) * 4 > MAX_TEXT_BYTES:
        _refuse_overlong(_overlong(vorlage, ()))
    body_text = "".join(body)
    if kopf is None:
        kopf = Nachrichtenkopf.abgeleitet(vorlage, body_text.encode("utf-8"))
    version = at_least(kopf.standard_version, required_version(vorlage))
    if version != kopf.standard_version:
        kopf = kopf.model_copy(update={"standard_version": version})
    head = _head(kopf)
    if len(head) * 4 > MAX_TEXT_BYTES:  # as for the body: only a long header can hold one
        _refuse_overlong(_overlong(kopf, ("nachrichtenkopf",)))
    tail = f"{_IND}</{_P}nachrichteninhalt>\n</{_P}{ROOT_ELEMENT}>\n"
    data = (head + body_text + tail).encode("utf-8")
    if len(data) > max_bytes:
        raise InvalidDocumentError(
            Problem(
                f"the document would be {len(data):,} bytes; readers refuse more than "
                f"{max_bytes:,} bytes unless given a higher max_bytes"
            )
        )
    return data


def _overlong(value: object, path: FieldPath) -> Iterator[tuple[FieldPath, int]]:
    """(field path, UTF-8 bytes) of each text in *value* longer than one XML text may be
    (:data:`~ratsdok.xml.parser.MAX_TEXT_BYTES`; inline content counts as base64)."""
    if isinstance(value, str):
        if len(value) * 4 > MAX_TEXT_BYTES:  # cheap first: at most 4 bytes a character
            size = len(value.encode("utf-8", "surrogatepass"))
            if size > MAX_TEXT_BYTES:
                yield path, size
    elif isinstance(value, bytes):
        size = (len(value) + 2) // 3 * 4
        if size > MAX_TEXT_BYTES:
            yield path, size
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _overlong(getattr(value, name), (*path, name))
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            yield from _overlong(item, (*path, i))


def _refuse_overlong(found: Iterator[tuple[FieldPath, int]]) -> None:
    """Raise for texts the safe reader would refuse: the document could not be read back."""
    problems = [
        Problem(
            f"{size:,} bytes long; ratsdok XML holds at most {MAX_TEXT_BYTES:,} bytes in "
            "one text (a reader would refuse the document)",
            field=format_path(path),
        )
        for path, size in found
    ]
    if problems:
        raise InvalidDocumentError(problems)


def _attribute(name: str, value: str) -> str:
    """*value* escaped for an attribute of the root element; refused when too long."""
    text = _esc_attr(value)
    if len(text) * 4 <= MAX_ATTRIBUTE_BYTES:  # at most 4 bytes a character
        return text
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_ATTRIBUTE_BYTES:
        raise InvalidDocumentError(
            Problem(
                f"{size:,} bytes long as written; ratsdok writes at most "
                f"{MAX_ATTRIBUTE_BYTES:,} bytes in one attribute",
                field=f"nachrichtenkopf.{name}",
            )
        )
    return text


def _problems_from_model(exc: ValidationError) -> list[Problem]:
    return [
        Problem(err["msg"].removeprefix("Value error, "), field=format_path(tuple(err["loc"])))
        for err in exc.errors(include_url=False, include_input=False)
    ]


def _head(k: Nachrichtenkopf) -> str:
    attrs = (
        f' produkt="{_attribute("produkt", k.produkt)}"'
        f' produkthersteller="{_attribute("produkthersteller", k.produkthersteller)}"'
    )
    if k.produktversion is not None:
        attrs += f' produktversion="{_attribute("produktversion", k.produktversion)}"'
    attrs += f' standard="{STANDARD}" version="{k.standard_version}"'
    if k.test:
        attrs += ' test="true"'
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<{_P}{ROOT_ELEMENT} xmlns:ratsdok="{NAMESPACE}"{attrs}>\n',
    ]
    _open(out, 1, "nachrichtenkopf.g2g")
    _open(out, 2, "identifikation.nachricht")
    _leaf(out, 3, "nachrichtenUUID", str(k.nachrichten_uuid))
    _code(out, 3, "nachrichtentyp", k.nachrichtentyp)
    _leaf(out, 3, "erstellungszeitpunkt", _timestamp(k.erstellungszeitpunkt))
    _close(out, 2, "identifikation.nachricht")
    _write_behoerde(out, "leser", k.leser)
    _write_behoerde(out, "autor", k.autor)
    _close(out, 1, "nachrichtenkopf.g2g")
    _open(out, 1, "nachrichteninhalt")
    return "".join(out)


# --------------------------------------------------------------------------- reading

_Element = etree._Element


# Clark name → local name. Bounded: documents are schema-checked before mapping.
_local_names: dict[str, str] = {}


def _local(tag: object) -> str | None:
    """Local name of an element tag; None for comments and processing instructions."""
    if not isinstance(tag, str):
        return None
    name = _local_names.get(tag)
    if name is None:
        name = _local_names.setdefault(tag, tag.rpartition("}")[2])
    return name


def _children(el: _Element) -> Iterator[tuple[str, _Element]]:
    for child in el:
        name = _local(child.tag)
        if name is not None:
            yield name, child


def _text(el: _Element) -> str:
    if len(el) == 0:
        return el.text or ""
    # After schema validation, the only children of a value are comments and processing
    # instructions; like the schema and C14N, read the text around them.
    return (el.text or "") + "".join(c.tail or "" for c in el)


def _code_value(el: _Element) -> str:
    for child in el:  # code and name are unqualified
        if child.tag == "code":
            return _text(child)
    return ""


def _read_fields(el: _Element) -> dict[str, Any]:
    """An element whose children are all plain values, as field name → text."""
    return {n: _text(x) for n, x in _children(el)}


def _read_other(
    name: str, c: _Element, d: dict[str, Any], erweiterungen: list[dict[str, Any]]
) -> None:
    """The children every object may have: ``quelle``, ``erweiterung``, and plain text."""
    if name == "quelle":
        d[name] = _read_fields(c)
    elif name == "erweiterung":
        erweiterungen.append(_read_fields(c))
    else:
        d[name] = _text(c)


def _read_abstimmung(el: _Element) -> dict[str, Any]:
    s: dict[str, Any] = {}
    fraktionen: list[dict[str, Any]] = []
    for n, c in _children(el):
        if n == "mehrheit":
            s[n] = _code_value(c)
        elif n == "fraktion":
            fraktionen.append(
                {n2: (_code_value(c2) if n2 == "stimme" else _text(c2)) for n2, c2 in _children(c)}
            )
        else:
            s[n] = _text(c)
    if fraktionen:
        s["fraktionen"] = fraktionen
    return s


def _read_ergebnis(el: _Element) -> dict[str, Any]:
    e: dict[str, Any] = {}
    abstimmungen: list[dict[str, Any]] = []
    for n, c in _children(el):
        if n == "beschlussergebnis":
            e[n] = _code_value(c)
        elif n == "abstimmung":
            abstimmungen.append(_read_abstimmung(c))
        else:
            e[n] = _text(c)
    e["abstimmungen"] = abstimmungen
    return e


_BLOCK_NAMES: Final = frozenset({"absatz", "liste", "zwischenueberschrift", "tabelle"})


def _read_block(name: str, el: _Element) -> Any:
    if name == "absatz":
        return _text(el)  # a plain string stands for an Absatz
    if name == "zwischenueberschrift":
        return {"typ": name, "text": _text(el)}
    if name == "liste":
        liste: dict[str, Any] = {"typ": name, "punkte": []}
        for n, c in _children(el):
            if n == "listenart":
                liste["art"] = _code_value(c)
            elif n == "beginn":
                liste[n] = _text(c)
            else:
                punkt: dict[str, Any] = {"bloecke": []}
                for n2, c2 in _children(c):
                    if n2 == "bezeichnung":
                        punkt[n2] = _text(c2)
                    else:
                        punkt["bloecke"].append(_read_block(n2, c2))
                liste["punkte"].append(punkt)
        return liste
    tabelle: dict[str, Any] = {"typ": name, "spalten": [], "kopf": [], "zeilen": []}
    for n, c in _children(el):
        if n == "beschriftung":
            tabelle[n] = _text(c)
        elif n == "spalte":
            tabelle["spalten"].append(_text(c))
        else:
            row = [c2.text or "" for _, c2 in _children(c)]
            tabelle["kopf" if n == "kopfzeile" else "zeilen"].append(row)
    return tabelle


def _read_beratung(el: _Element) -> dict[str, Any]:
    d: dict[str, Any] = {}
    erweiterungen: list[dict[str, Any]] = []
    for c in el:
        name = _local(c.tag)
        if name is None:
            continue
        if name == "ergebnis":
            d[name] = _read_ergebnis(c)
        elif name in ("sitzungsart", "zustaendigkeit"):
            d[name] = _code_value(c)
        else:
            _read_other(name, c, d, erweiterungen)
    d["erweiterungen"] = erweiterungen
    return d


class _MappingError(Exception):
    """A value the schema lets through but the mapping cannot read."""

    def __init__(self, message: str, element: _Element, path: FieldPath) -> None:
        super().__init__(message)
        self.element = element
        self.path = path


def _read_anlage(el: _Element, index: int) -> dict[str, Any]:
    d: dict[str, Any] = {}
    erweiterungen: list[dict[str, Any]] = []
    for c in el:
        name = _local(c.tag)
        if name is None:
            continue
        if name == "oeffentlich":
            d[name] = _text(c).strip() in ("true", "1")
        elif name == "inhalt":
            try:
                # libxml2's base64Binary check is lax; the decoder is not.
                d[name] = base64.b64decode("".join(_text(c).split()), validate=True)
            except binascii.Error as exc:
                raise _MappingError(
                    f"not valid base64: {exc}", c, ("anlagen", index, "inhalt")
                ) from None
        else:
            _read_other(name, c, d, erweiterungen)
    d["erweiterungen"] = erweiterungen
    return d


def _read_vorlage(el: _Element) -> dict[str, Any]:
    d: dict[str, Any] = {}
    abschnitte: list[dict[str, Any]] = []
    unterzeichnungen: list[dict[str, Any]] = []
    anlagen: list[dict[str, Any]] = []
    bezuege: list[dict[str, Any]] = []
    beteiligte: list[dict[str, Any]] = []
    erweiterungen: list[dict[str, Any]] = []
    for c in el:
        name = _local(c.tag)
        if name is None:
            continue
        if name == "identifikation":
            d["uuid"] = _text(c)
        elif name == "vorlagennummer":
            d["nummer"] = _text(c)
        elif name == "vorlagenart":
            d["art"] = _code_value(c)
        elif name == "federfuehrung":
            d[name] = _read_fields(c)
        elif name == "beratungsfolge":
            d[name] = [_read_beratung(b) for _, b in _children(c)]
        elif name == "abschnitt":
            bloecke: list[Any] = []
            ab: dict[str, Any] = {"bloecke": bloecke}
            for n, x in _children(c):
                if n in _BLOCK_NAMES:
                    bloecke.append(_read_block(n, x))
                elif n == "art":
                    ab["art"] = _code_value(x)
                else:
                    ab[n] = _text(x)
            abschnitte.append(ab)
        elif name in ("bearbeitungsstand", "gliederung"):
            d[name] = _code_value(c)
        elif name == "oeffentlichkeit":
            d[name] = _read_fields(c)
        elif name == "beteiligter":
            beteiligte.append(
                {
                    n: (
                        _code_value(x)
                        if n == "rolle"
                        else _read_fields(x)
                        if n == "organisationseinheit"
                        else _text(x)
                    )
                    for n, x in _children(c)
                }
            )
        elif name == "finanzen":
            d[name] = _read_finanzen(c)
        elif name == "hauptdokument":
            d[name] = _read_hauptdokument(c)
        elif name == "unterzeichnung":
            u = {n: (_code_value(x) if n == "vermerk" else _text(x)) for n, x in _children(c)}
            unterzeichnungen.append(u)
        elif name == "anlage":
            anlagen.append(_read_anlage(c, len(anlagen)))
        elif name == "bezug":
            bz: dict[str, Any] = {}
            for n, x in _children(c):
                if n == "art":
                    bz["art"] = _code_value(x)
                elif n == "vorlagennummer":
                    bz["nummer"] = _text(x)
                else:
                    bz["uuid"] = _text(x)
            bezuege.append(bz)
        else:
            _read_other(name, c, d, erweiterungen)
    d["abschnitte"] = abschnitte
    d["unterzeichnungen"] = unterzeichnungen
    d["anlagen"] = anlagen
    d["bezuege"] = bezuege
    d["beteiligte"] = beteiligte
    d["erweiterungen"] = erweiterungen
    return d


def _read_finanzen(el: _Element) -> dict[str, Any]:
    f: dict[str, Any] = {"positionen": []}
    for n, c in _children(el):
        if n == "position":
            f["positionen"].append(
                {
                    n2: (_code_value(c2) if n2 in ("art", "planmaessigkeit") else _text(c2))
                    for n2, c2 in _children(c)
                }
            )
        else:
            f[n] = _text(c)
    return f


def _read_hauptdokument(el: _Element) -> dict[str, Any]:
    d: dict[str, Any] = {}
    erweiterungen: list[dict[str, Any]] = []
    for n, c in _children(el):
        if n == "inhalt":
            try:
                d[n] = base64.b64decode("".join(_text(c).split()), validate=True)
            except binascii.Error as exc:
                raise _MappingError(
                    f"not valid base64: {exc}", c, ("hauptdokument", "inhalt")
                ) from None
        else:
            _read_other(n, c, d, erweiterungen)
    d["erweiterungen"] = erweiterungen
    return d


def _read_kopf(root: _Element) -> dict[str, Any]:
    k: dict[str, Any] = {
        "produkt": root.get("produkt"),
        "produkthersteller": root.get("produkthersteller"),
        "produktversion": root.get("produktversion"),
        "standard_version": root.get("version"),
        "test": root.get("test") in ("true", "1"),
    }
    for name, c in _children(root):
        if name != "nachrichtenkopf.g2g":
            continue
        for n, x in _children(c):
            if n == "identifikation.nachricht":
                for n2, x2 in _children(x):
                    if n2 == "nachrichtenUUID":
                        k["nachrichten_uuid"] = _text(x2)
                    elif n2 == "nachrichtentyp":
                        k["nachrichtentyp"] = _code_value(x2)
                    else:
                        k["erstellungszeitpunkt"] = _text(x2)
            else:
                k[n] = _read_fields(x)
    return k


def _vorlage_element(root: _Element) -> _Element:
    inhalt = root.find(Q + "nachrichteninhalt")
    vorlage = None if inhalt is None else inhalt.find(Q + "vorlage")
    if vorlage is None:  # the schema check runs first, so this is a programming error
        raise AssertionError("schema-valid document without vorlage")
    return vorlage


# Model field → XML element, where they differ; keyed by the element holding the field.
_ELEMENT_FOR: Final[dict[tuple[str, str], str]] = {
    ("vorlage", "uuid"): "identifikation",
    ("vorlage", "nummer"): "vorlagennummer",
    ("vorlage", "art"): "vorlagenart",
    ("bezug", "nummer"): "vorlagennummer",
    ("bezug", "uuid"): "identifikation",
    ("liste", "art"): "listenart",
}
_LIST_ITEM: Final[dict[str, str]] = {
    "abschnitte": "abschnitt",
    "unterzeichnungen": "unterzeichnung",
    "anlagen": "anlage",
    "bezuege": "bezug",
    "erweiterungen": "erweiterung",  # in vorlage, beratung and anlage alike
    "absaetze": "*block",  # the paragraph view has one entry per block
    "beratungsfolge": "beratung",
    "bloecke": "*block",  # any of the block elements
    "punkte": "punkt",
    "abstimmungen": "abstimmung",
    "fraktionen": "fraktion",
    "beteiligte": "beteiligter",
    "positionen": "position",
    "zeilen": "zeile",
    "kopf": "kopfzeile",
}
_BLOCK_TAGS: Final = frozenset({"absatz", "liste", "zwischenueberschrift", "tabelle"})


def _locate(vorlage: _Element, path: FieldPath) -> _Element:
    """The element that holds the model field at *path* (as deep as it exists)."""
    el, ctx, items = vorlage, "vorlage", ""
    skip_tag = False
    for part in path:
        if skip_tag and part in _BLOCK_TAGS:
            skip_tag = False  # pydantic names the block kind after its index
            continue
        skip_tag = False
        if isinstance(part, int):
            matches = [
                c
                for n, c in _children(el)
                if n == items or (items == "*block" and n in _BLOCK_TAGS)
            ]
            skip_tag = items == "*block"
            if not items or part >= len(matches):
                break
            el, ctx, items = matches[part], items, ""
            continue
        name = _ELEMENT_FOR.get((ctx, part), part)
        if name in _LIST_ITEM:
            items = _LIST_ITEM[name]
            if name == "beratungsfolge":
                wrapper = next((c for n, c in _children(el) if n == name), None)
                if wrapper is None:
                    break
                el = wrapper
            continue
        child = next((c for n, c in _children(el) if n == name), None)
        if child is None:
            break
        el, ctx = child, name
    return el


def _paragraph_path(path: FieldPath) -> FieldPath:
    """``…bloecke[i].absatz.text`` → ``…absaetze[i]``: a paragraph is named as in format 1.0
    (the ``absaetze`` view has one entry per block, so the index is the same)."""
    for k in range(len(path) - 3):
        if path[k] == "bloecke" and path[k + 2 : k + 4] == ("absatz", "text"):
            return (*path[:k], "absaetze", path[k + 1], *path[k + 4 :])
    return path


def _problems_from(
    exc: ValidationError, anchor: _Element, source: str | None, prefix: FieldPath = ()
) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False, include_input=False):
        violations = (err.get("ctx") or {}).get("violations")
        pairs: list[tuple[FieldPath, str]] = (
            list(violations)
            if err["type"] == "ratsdok_rule" and violations
            else [(_paragraph_path(tuple(err["loc"])), err["msg"].removeprefix("Value error, "))]
        )
        for path, message in pairs:
            line = _locate(anchor, path).sourceline if not prefix else anchor.sourceline
            problems.append(
                Problem(message, file=source, line=line, field=format_path(prefix + path) or None)
            )
    return problems


@dataclass(frozen=True)
class ParsedDocument:
    """A parsed and validated ratsdok document, with its tree for line lookups."""

    nachricht: Nachricht
    tree: etree._ElementTree
    source: str | None

    @property
    def vorlage(self) -> Vorlage:
        """The Vorlage of the message."""
        return self.nachricht.vorlage

    def to_bytes(self) -> bytes:
        """The document as bytes, as parsed (see :func:`serialize`)."""
        return serialize(self.tree.getroot())

    def line_of(self, path: FieldPath) -> int | None:
        """Source line of the element holding the Vorlage field at *path*."""
        return _locate(_vorlage_element(self.tree.getroot()), path).sourceline

    def warnings(self) -> list[Problem]:
        """What the document may keep but a new one may not have (file names that
        are not portable): read as it is, reported by ``verify`` and ``validate``."""
        return [
            Problem(
                f"the file name {name!r} is not portable ({why}): read as it is, refused "
                f"in a new document; extract writes the file as {make_portable(name)!r}",
                file=self.source,
                line=self.line_of(path),
                field=format_path(path),
            )
            for path, name, why in unportable_names(self.vorlage)
        ]


_DECLARATION: Final = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def serialize(root: etree._Element) -> bytes:
    """Document bytes of a parsed tree: the fixed UTF-8 declaration, then the tree as
    parsed (used after editing a parsed document in place: sealing, signing)."""
    return _DECLARATION + etree.tostring(root, encoding="UTF-8", xml_declaration=False) + b"\n"


def _newer_format_hint(root: etree._Element, source: str | None) -> list[Problem]:
    """A first problem saying why a document of a newer minor version may fail the schema:
    it may use what that version added (read only when it does not, see the README)."""
    declared = root.get("version") or ""
    if not re.fullmatch(r"1\.\d+\.\d+", declared) or version_key(declared) <= version_key(
        FORMAT_VERSIONS[-1]
    ):
        return []
    message = (
        f"the document declares format {declared}; this ratsdok reads formats up to "
        f"{FORMAT_VERSIONS[-1]}, so content of the newer format is refused (update ratsdok)"
    )
    return [Problem(message, file=source, line=root.sourceline, field="version")]


def parse_document(
    data: bytes, *, source: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> ParsedDocument:
    """Parse, schema-check and map *data*; raise a ratsdok error listing every problem."""
    return document_from_tree(parse_xml(data, source=source, max_bytes=max_bytes), source=source)


def document_from_tree(tree: etree._ElementTree, *, source: str | None = None) -> ParsedDocument:
    """Schema-check and map a tree from :func:`~ratsdok.xml.parser.parse_xml`, as
    :func:`parse_document` does (the input bytes need not stay in memory meanwhile)."""
    problems = schema_problems(tree, source=source)
    if problems:
        raise SchemaError(_newer_format_hint(tree.getroot(), source) + problems)
    root = tree.getroot()
    vorlage_el = _vorlage_element(root)
    found: list[Problem] = []
    vorlage: Vorlage | None = None
    try:
        # An existing document: what only new documents must meet is a warning here.
        vorlage = Vorlage.model_validate(_read_vorlage(vorlage_el), context=GELESEN)
    except ValidationError as exc:
        found.extend(_problems_from(exc, vorlage_el, source))
    except _MappingError as exc:
        found.append(
            Problem(str(exc), file=source, line=exc.element.sourceline, field=format_path(exc.path))
        )
    # The schema guarantees identifikation is a lower-case UUID.
    expected_id = "vorlage-" + (vorlage_el.findtext(Q + "identifikation") or "")
    if vorlage_el.get("id") != expected_id:
        found.append(
            Problem(
                f"id {vorlage_el.get('id')!r} must be {expected_id!r} "
                "(derived from identifikation)",
                file=source,
                line=vorlage_el.sourceline,
                field="vorlage/@id",
            )
        )
    kopf: Nachrichtenkopf | None = None
    try:
        kopf = Nachrichtenkopf.model_validate(_read_kopf(root))
    except ValidationError as exc:
        found.extend(_problems_from(exc, root, source, prefix=("nachrichtenkopf",)))
    if vorlage is not None and kopf is not None:
        needed = required_version(vorlage)
        if root.find(f"{Q}nachrichteninhalt/{Q}zeitstempel") is not None:
            needed = at_least(needed, ZEITSTEMPEL_VERSION)
        if version_key(kopf.standard_version) < version_key(needed):
            # A reader of the declared version would refuse the document.
            found.append(
                Problem(
                    f"the document declares format {kopf.standard_version} but uses content "
                    f'of format {needed}; write version="{needed}"',
                    file=source,
                    line=root.sourceline,
                    field="version",
                )
            )
    if found:
        raise InvalidDocumentError(found)
    assert vorlage is not None
    assert kopf is not None
    return ParsedDocument(Nachricht(kopf=kopf, vorlage=vorlage), tree, source)


def from_xml(data: bytes, *, source: str | None = None) -> Vorlage:
    """Read the Vorlage from ratsdok XML bytes (safe parse, XSD, rules).

    *source* names the input in error messages (e.g. a file name).
    """
    return parse_document(data, source=source).nachricht.vorlage


def nachricht_from_xml(data: bytes, *, source: str | None = None) -> Nachricht:
    """Read the whole message (header and Vorlage) from ratsdok XML bytes."""
    return parse_document(data, source=source).nachricht
