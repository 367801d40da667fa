"""What a rendered Vorlage shows, as plain data for the Typst template.

:func:`ansicht` turns a :class:`~ratsdok.model.vorlage.Vorlage` into a dict of
strings, lists and numbers (JSON-ready): every text already worded as the page
prints it ("Ja 20, Nein 3", "1.234,50 €", "26.05.2020"), every table already
decided (which Finanzen columns, which Beratungen share a Gremium). The template
(``vorlage.typ``) only lays it out; it reads the data as JSON and shows every
value as text, so no document text is ever Typst markup or code.

Pure: no I/O, no Typst.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ratsdok.model.beratung import Abstimmung, Ergebnis
from ratsdok.model.codes import Abschnittsart, Rolle
from ratsdok.model.finanzen import Finanzen, Haushaltsposition, euro
from ratsdok.model.inhalt import Absatz, Ausrichtung, Block, Liste, Tabelle, Zwischenueberschrift
from ratsdok.model.vorlage import Anlage, Beratung, Beteiligung, Hauptdokument, Vorlage

__all__ = [
    "SEITENVERMERK_MAX",
    "HauptdokumentSeiten",
    "ansicht",
    "datum",
    "seitenvermerk",
    "stichtag",
    "tabellen_ohne_kopf",
    "titel",
    "vermerk",
]

Daten = dict[str, Any]
"""One JSON object of the view."""


class HauptdokumentSeiten(StrEnum):
    """What the rendered pages say about the Vorlage's Hauptdokument."""

    DATEI = "datei"
    """Named as the file that holds the text (a PDF of the Vorlage alone)."""
    FOLGEN = "folgen"
    """Its pages follow the rendered ones (a bundle that merged them)."""
    BEIGEFUEGT = "beigefuegt"
    """It is embedded in this PDF as a file only (a bundle that could not merge it)."""


def stichtag(v: Vorlage) -> date:
    """The fixed date stamped into every PDF of *v* (rendered, bundle, archive).

    Taken from the content, never from the clock: the Vorlage's own date; else
    its latest date (Sitzungstermin or Unterzeichnung); else 1 January of the
    Drucksache's year, where the number states one unambiguously
    (:class:`~ratsdok.model.nummer.Drucksachennummer`: ``0041/2021`` is 2021,
    ``DS 19/1234`` has none); else 2000-01-01.
    """
    if v.datum is not None:
        return v.datum
    dates = [b.sitzungstermin for b in v.beratungsfolge if b.sitzungstermin is not None]
    dates += [u.datum for u in v.unterzeichnungen if u.datum is not None]
    if dates:
        return max(dates)
    if v.nummer.jahr is not None:
        return date(v.nummer.jahr, 1, 1)
    return date(2000, 1, 1)


def titel(v: Vorlage) -> str:
    """The document title of *v* ("Beschlussvorlage KT 0134/2020"): the rendered
    PDF's title and footer, and the bundle's first bookmark and XMP title."""
    art = v.art.bezeichnung if v.art is not None else "Vorlage"
    return f"{art} {v.nummer}"


def vermerk(v: Vorlage) -> str | None:
    """The mark every page of a nichtöffentliche Vorlage carries, None for any other:
    "NICHTÖFFENTLICH – § 35 Abs. 2 ThürKO" (the legal basis where it is given)."""
    if not v.nichtoeffentlich:
        return None
    assert v.oeffentlichkeit is not None  # nichtoeffentlich says so
    basis = v.oeffentlichkeit.rechtsgrundlage
    return "NICHTÖFFENTLICH" + (f" – {_eine_zeile(basis)}" if basis else "")


SEITENVERMERK_MAX = 70
"""Longest mark printed on every page; a longer legal basis is printed on page 1
only (under Öffentlichkeit), the pages say "NICHTÖFFENTLICH"."""


def seitenvermerk(v: Vorlage) -> str | None:
    """The mark at the top of every page of a nichtöffentliche Vorlage: :func:`vermerk`
    where it fits one line of any page (:data:`SEITENVERMERK_MAX` characters), else
    "NICHTÖFFENTLICH" alone, so that the word is never cut off or wrapped away."""
    mark = vermerk(v)
    if mark is not None and len(mark) > SEITENVERMERK_MAX:
        return "NICHTÖFFENTLICH"
    return mark


def datum(d: date | None) -> str:
    """A date as German documents print it: ``26.05.2020`` (``–`` for none)."""
    return d.strftime("%d.%m.%Y") if d is not None else "–"


def _eine_zeile(text: str) -> str:
    return " ".join(text.split())


def _groesse(n: int | None) -> str | None:
    if n is None:
        return None
    if n < 1024:
        return f"{n} Bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KiB".replace(".", ",")
    return f"{n / (1024 * 1024):.1f} MiB".replace(".", ",")


def _beteiligung(b: Beteiligung) -> str:
    """ "Müller, Sachbearbeiterin, Amt 61 (03.02.2024) – einverstanden"."""
    wer = [x for x in (b.name, b.funktion) if x]
    if b.organisationseinheit is not None:
        wer.append(b.organisationseinheit.name)
    text = ", ".join(wer)
    if b.datum is not None:
        text += f" ({datum(b.datum)})"
    if b.vermerk is not None:
        text += f" – {b.vermerk}"
    return text


_IM_KOPF = (Rolle.VERFASSER, Rolle.SACHBEARBEITUNG)
"""Beteiligte named in the page head, under the Federführung."""
_UNTER_EINREICHER = (Rolle.ANTRAGSTELLER, Rolle.ADRESSAT, Rolle.BERICHTERSTATTUNG)
"""Beteiligte named like the Einreicher, before the Betreff."""


def _kopf(v: Vorlage) -> Daten:
    links = []
    if v.federfuehrung is not None:
        ff = v.federfuehrung
        links.append(ff.name + (f" ({ff.kennung})" if ff.kennung else ""))
    links += [
        f"{b.rolle.bezeichnung}: {_beteiligung(b)}" for b in v.beteiligte if b.rolle in _IM_KOPF
    ]
    rechts: list[Daten] = []
    if v.datum is not None:
        rechts.append({"label": "Datum", "wert": datum(v.datum)})
    if v.aktenzeichen is not None:
        rechts.append({"label": "Aktenzeichen", "wert": v.aktenzeichen})
    if v.bearbeitungsstand is not None:
        rechts.append({"label": "Stand", "wert": v.bearbeitungsstand.bezeichnung})
    oeffentlichkeit = None
    if v.oeffentlichkeit is not None:
        oeffentlichkeit = "nichtöffentlich" if v.nichtoeffentlich else "öffentlich"
    return {
        "koerperschaft": v.koerperschaft,
        "links": links,
        "nummer": str(v.nummer),
        "rechts": rechts,
        "oeffentlichkeit": oeffentlichkeit,
    }


def _felder(v: Vorlage) -> list[Daten]:
    """The labelled fields before the Betreff: Öffentlichkeit, Einreicher, Antragsteller …"""
    out: list[Daten] = []
    if v.nichtoeffentlich:
        assert v.oeffentlichkeit is not None
        o = v.oeffentlichkeit
        teile = ["nichtöffentlich"]
        if o.grund is not None:
            teile.append(f"Grund: {o.grund}")
        if o.rechtsgrundlage is not None:
            teile.append(f"Rechtsgrundlage: {o.rechtsgrundlage}")
        out.append({"label": "Öffentlichkeit", "wert": " – ".join(teile)})
    if v.einreicher is not None:
        out.append({"label": "Einreicher", "wert": v.einreicher})
    for rolle in _UNTER_EINREICHER:
        out += [
            {"label": rolle.bezeichnung, "wert": _beteiligung(b)}
            for b in v.beteiligte
            if b.rolle is rolle
        ]
    return out


def _stimmen(s: Abstimmung) -> str:
    """One vote in words: "Abstimmung über …: mehrheitlich; Ja 20, Nein 3; …"."""
    teile = []
    if s.mehrheit is not None:
        teile.append(s.mehrheit.bezeichnung)
    zahlen = [
        f"{label} {n}"
        for label, n in (
            ("Ja", s.ja),
            ("Nein", s.nein),
            ("Enthaltung", s.enthaltung),
            ("befangen", s.befangen),
            ("anwesend", s.anwesend),
        )
        if n is not None
    ]
    if zahlen:
        teile.append(", ".join(zahlen))
    teile += [f.beschreibung for f in s.fraktionen]
    text = "Abstimmung" + (f" über {s.gegenstand}" if s.gegenstand else "")
    if teile:
        text += ": " + "; ".join(teile)
    if s.wortlaut is not None:
        text += f" – „{s.wortlaut}“"
    return text


def _ergebnis(e: Ergebnis) -> list[str]:
    """The lines of an Ergebnis: its wording, every vote, the Beschluss text."""
    teile = [e.beschlussergebnis.bezeichnung] if e.beschlussergebnis else []
    if e.wortlaut is not None and e.wortlaut not in teile:
        teile.append(f"„{e.wortlaut}“")
    out = ["Ergebnis: " + " – ".join(teile)]
    out += [_stimmen(s) for s in e.abstimmungen]
    if e.beschlusstext is not None:
        out.append(f"Beschluss: {e.beschlusstext}")
    return out


def _beratungsfolge(beratungen: Sequence[Beratung]) -> list[Daten]:
    """The Beratungen in their order, those of one Gremium that follow each other
    grouped (named once, its Sitzungen under it): the order of deliberation stays."""
    gruppen: list[tuple[str, list[Daten]]] = []
    for b in beratungen:
        if not gruppen or gruppen[-1][0] != b.gremium:
            gruppen.append((b.gremium, []))
        gruppen[-1][1].append(
            {
                "termin": datum(b.sitzungstermin),
                "art": b.sitzungsart.bezeichnung if b.sitzungsart else "–",
                "zustaendigkeit": b.zustaendigkeit.bezeichnung if b.zustaendigkeit else "–",
                "top": b.tagesordnungspunkt,
                "ergebnis": _ergebnis(b.ergebnis) if b.ergebnis is not None else [],
            }
        )
    return [{"gremium": g, "sitzungen": s} for g, s in gruppen]


def _ohne_linie(gruppen: Sequence[Daten]) -> list[int]:
    """Rows of the Beratungsfolge table (header = 0) followed by their own Ergebnis
    row, so no rule separates a Sitzung from its Ergebnis."""
    out, y = [], 1
    for g in gruppen:
        for s in g["sitzungen"]:
            if s["ergebnis"]:
                out.append(y)
                y += 2
            else:
                y += 1
    return out


_AUSRICHTUNG = {
    Ausrichtung.LINKS: "left",
    Ausrichtung.RECHTS: "right",
    Ausrichtung.ZENTRIERT: "center",
}


def _bloecke(bloecke: Sequence[Block]) -> list[Daten]:
    out: list[Daten] = []
    for b in bloecke:
        if isinstance(b, Absatz):
            out.append({"typ": "absatz", "text": b.text})
        elif isinstance(b, Zwischenueberschrift):
            out.append({"typ": "ueberschrift", "text": b.text})
        elif isinstance(b, Liste):
            out.append(_liste(b))
        else:
            out.append(_tabelle(b))
    return out


def _liste(liste: Liste) -> Daten:
    return {
        "typ": "liste",
        "punkte": [
            {"marke": liste.marke(i), "bloecke": _bloecke(p.bloecke)}
            for i, p in enumerate(liste.punkte)
        ],
    }


def _tabelle(t: Tabelle) -> Daten:
    n = len((t.kopf or t.zeilen)[0])
    return {
        "typ": "tabelle",
        "beschriftung": t.beschriftung,
        "ausrichtung": [_AUSRICHTUNG[t.ausrichtung(c)] for c in range(n)],
        "kopf": [list(r) for r in t.kopf],
        "zeilen": [list(r) for r in t.zeilen],
    }


def tabellen_ohne_kopf(v: Vorlage) -> int:
    """How many tables of *v*'s sections have no header rows (nested in lists too):
    their tagged form has no TH cells."""

    def zaehle(bloecke: Sequence[Block]) -> int:
        n = 0
        for b in bloecke:
            if isinstance(b, Tabelle):
                n += not b.kopf
            elif isinstance(b, Liste):
                n += sum(zaehle(p.bloecke) for p in b.punkte)
        return n

    return sum(zaehle(ab.bloecke) for ab in v.abschnitte)


def _haushaltsstelle(p: Haushaltsposition) -> str:
    teile = [
        f"{label} {wert}"
        for label, wert in (
            ("Teilhaushalt", p.teilhaushalt),
            ("Produkt", p.produkt),
            ("Sachkonto", p.sachkonto),
            ("Investition", p.investitionsnummer),
        )
        if wert is not None
    ]
    return "\n".join(teile)


_BETRAEGE = ("Betrag", "Ansatz", "verfügbar")


def _finanzen(f: Finanzen) -> Daten:
    """The Finanzielle Auswirkungen: "keine", or a table of the Haushaltspositionen
    (the columns any position fills), the sum, and the Erläuterung."""
    text = None
    if not f.auswirkungen:
        text = "Keine finanziellen Auswirkungen."
    elif not f.positionen and f.erlaeuterung is None:
        text = "Die Vorlage hat finanzielle Auswirkungen."
    return {
        "text": text,
        "tabelle": _finanztabelle(f) if f.auswirkungen and f.positionen else None,
        "erlaeuterung": f.erlaeuterung,
    }


def _finanztabelle(f: Finanzen) -> Daten:
    ps = f.positionen

    def betrag(d: Decimal | None) -> str:
        return euro(d) if d is not None else ""

    werte: dict[str, list[str]] = {
        "Jahr": [str(p.haushaltsjahr) if p.haushaltsjahr is not None else "" for p in ps],
        "Haushaltsstelle": [_haushaltsstelle(p) for p in ps],
        "Bezeichnung": [
            "\n".join(x for x in (p.bezeichnung, p.art.bezeichnung if p.art else None) if x)
            for p in ps
        ],
        "Betrag": [betrag(p.betrag) for p in ps],
        "Ansatz": [betrag(p.ansatz) for p in ps],
        "verfügbar": [betrag(p.verfuegbar) for p in ps],
    }
    # The columns some position fills; only Planmäßigkeit or Deckung: a numbered row.
    spalten = [h for h, col in werte.items() if any(col)] or ["Haushaltsposition"]
    werte["Haushaltsposition"] = [f"Position {i}" for i in range(1, len(ps) + 1)]
    zeilen = []
    for i, p in enumerate(ps):
        plan = [p.planmaessigkeit.bezeichnung] if p.planmaessigkeit is not None else []
        if p.deckung is not None:
            plan.append(f"Deckung: {p.deckung}")
        zeilen.append({"zellen": [werte[h][i] for h in spalten], "vermerk": " – ".join(plan)})
    summe = None
    if len(ps) > 1 and "Betrag" in spalten and f.summe is not None:
        summe = {"spalte": spalten.index("Betrag"), "betrag": euro(f.summe)}
    return {
        "kopf": spalten,
        "ausrichtung": ["right" if h in _BETRAEGE else "left" for h in spalten],
        "zeilen": zeilen,
        "summe": summe,
    }


def _anlage(a: Anlage) -> str:
    if a.dateiname is not None:
        details = [a.dateiname]
    else:
        details = [x for x in (a.hinweis, a.verweis) if x is not None] or ["ohne Datei"]
    size = _groesse(a.groesse)
    if size is not None:
        details.append(size)
    if not a.oeffentlich:
        details.append("nichtöffentlich")
    return f"{a.bezeichnung} ({', '.join(details)})"


def _hauptdokument(h: Hauptdokument, seiten: HauptdokumentSeiten) -> str:
    details = [h.medientyp]
    size = _groesse(h.groesse)
    if size is not None:
        details.append(size)
    text = f"Der Text dieser Vorlage ist das Hauptdokument „{h.dateiname}“ ({', '.join(details)})"
    if seiten is HauptdokumentSeiten.FOLGEN:
        return text + "; seine Seiten folgen."
    if seiten is HauptdokumentSeiten.BEIGEFUEGT:
        return text + "; es ist dieser PDF-Datei als Datei beigefügt."
    return text + "."


def _abschnitte(v: Vorlage) -> list[Daten]:
    out: list[Daten] = []
    finanzen = v.finanzen
    for i, ab in enumerate(v.abschnitte):
        label = v.abschnittsbezeichnung(i)
        teil: Daten = {
            "titel": ab.titel if label is None else f"{label} {ab.titel}",
            "bloecke": _bloecke(ab.bloecke),
            "finanzen": None,
        }
        if finanzen is not None and ab.art is Abschnittsart.FINANZIELLE_AUSWIRKUNGEN:
            teil["finanzen"] = _finanzen(finanzen)
            finanzen = None
        out.append(teil)
    if finanzen is not None:
        out.append(
            {
                "titel": Abschnittsart.FINANZIELLE_AUSWIRKUNGEN.bezeichnung,
                "bloecke": [],
                "finanzen": _finanzen(finanzen),
            }
        )
    return out


def ansicht(
    v: Vorlage,
    *,
    signiert: Mapping[int, str] | None = None,
    hauptdokument: HauptdokumentSeiten = HauptdokumentSeiten.DATEI,
) -> Daten:
    """The view of *v* the template lays out (see the module docstring).

    *signiert* maps Unterzeichnung numbers (1-based) to the Prüfwert printed under
    that block as "elektronisch signiert"; *hauptdokument* says where the
    Hauptdokument's pages are.
    """
    signiert = signiert or {}
    tag = stichtag(v)
    folge = _beratungsfolge(v.beratungsfolge)
    return {
        "titel": titel(v),
        "betreff": v.betreff,
        "autor": v.koerperschaft,
        "datum": [tag.year, tag.month, tag.day],
        "vermerk": seitenvermerk(v),
        "kopf": _kopf(v),
        "art": v.art.bezeichnung if v.art is not None else "Vorlage",
        "felder": _felder(v),
        "bezuege": [f"{bz.art.bezeichnung} {bz.nummer}" for bz in v.bezuege],
        "beratungsfolge": folge,
        "beratungsfolge_ohne_linie": _ohne_linie(folge),
        "hauptdokument": (
            _hauptdokument(v.hauptdokument, hauptdokument) if v.hauptdokument else None
        ),
        "abschnitte": _abschnitte(v),
        "unterzeichnungen": [
            {
                "nummer": n,
                "zeilen": [
                    f"{u.vermerk.bezeichnung} {u.name}",
                    *([u.funktion] if u.funktion is not None else []),
                ],
                "datum": datum(u.datum) if u.datum is not None else None,
                "pruefwert": signiert.get(n),
            }
            for n, u in enumerate(v.unterzeichnungen, 1)
        ],
        "mitzeichnung": [
            _beteiligung(b) for b in v.beteiligte if b.rolle not in (*_IM_KOPF, *_UNTER_EINREICHER)
        ],
        "anlagen": [_anlage(a) for a in v.anlagen],
    }
