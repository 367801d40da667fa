"""A readable plain-text summary of a Vorlage (used by ``ratsdok show``).

A value may span lines (a Funktion "Landrat" with "in Vertretung" below): its
further lines start at the column where the value starts, in a table at its
cell's column.

It is a summary: sections are listed with their label and what they hold
(paragraphs, sub-headings, lists, tables counted), not printed; every other
value of the Vorlage is shown (format 1.1: Aktenzeichen, Öffentlichkeit,
Bearbeitungsstand, Beteiligte, Finanzen with amounts and their sum, every vote
with its wording, the Hauptdokument, Anlagen without file, Bezüge). A Vorlage
of format 1.0 is shown as before.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date

from ratsdok.model.beratung import Abstimmung, Ergebnis
from ratsdok.model.finanzen import Finanzen, euro
from ratsdok.model.inhalt import Absatz, Block, Liste, Tabelle, Zwischenueberschrift
from ratsdok.model.vorlage import Abschnitt, Beteiligung, Vorlage
from ratsdok.report import Status
from ratsdok.store.anlagen import AnlagenPruefung, HauptdokumentPruefung

__all__ = ["describe"]


def _datum(d: date | None) -> str:
    return d.strftime("%d.%m.%Y") if d is not None else "–"


def _groesse(n: int | None) -> str:
    if n is None:
        return "–"
    if n < 1024:
        return f"{n} B"
    value = float(n)
    unit = "B"
    for unit in ("KiB", "MiB", "GiB", "TiB"):  # noqa: B007 - the last unit is used below
        value /= 1024
        if value < 1024:
            break
    return f"{value:.1f} {unit}".replace(".", ",")


def _zeilen(*teile: str) -> list[str]:
    """The lines of *teile* written one after the other; the further lines of a part
    that spans lines start at the column where that part starts."""
    lines = [""]
    for teil in teile:
        spalte = len(lines[-1])
        erste, *weitere = teil.splitlines() or [""]
        lines[-1] += erste
        lines += [" " * spalte + w for w in weitere]
    return [line.rstrip(" ") for line in lines]


def _table(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """Aligned columns; a cell that spans lines makes its row as many lines high."""
    cells = [[cell.splitlines() or [""] for cell in r] for r in rows]
    widths = [max(len(line) for r in cells for line in r[i]) for i in range(len(rows[0]))]
    out = []
    for r in cells:
        for k in range(max(len(c) for c in r)):
            parts = [c[k] if k < len(c) else "" for c in r]
            line = indent + "  ".join(p.ljust(w) for p, w in zip(parts, widths, strict=True))
            out.append(line.rstrip())
    return out


def _betreff(betreff: str, width: int) -> list[str]:
    """The Betreff wrapped to *width*, its own line breaks kept, under its first column."""
    out: list[str] = []
    for i, zeile in enumerate(betreff.splitlines()):
        label = "Betreff       " if i == 0 else " " * 14
        out += textwrap.wrap(zeile, width, initial_indent=label, subsequent_indent=" " * 14)
        if not zeile.strip():
            out.append("")
    return out


_BEFUND = {
    Status.OK: "ok",
    Status.CHANGED: "GEÄNDERT",
    Status.MISSING: "fehlt",
    Status.UNRECORDED: "ohne Prüfsumme",
}


def _stimmen(s: Abstimmung) -> str:
    """A vote as minutes write it: "(30/0/2)", "(Variante A: einstimmig; Enthaltung 2,
    befangen 1; SPD: Ja; „einstimmig bei 2 Enthaltungen“)"."""
    groups = []
    if s.mehrheit is not None:
        groups.append(s.mehrheit.bezeichnung)
    if s.vollstaendig:
        counts = [f"{s.ja}/{s.nein}/{s.enthaltung}"]
    else:
        counts = [
            f"{label} {n}"
            for label, n in (("Ja", s.ja), ("Nein", s.nein), ("Enthaltung", s.enthaltung))
            if n is not None
        ]
    if s.befangen:
        counts.append(f"befangen {s.befangen}")
    if s.anwesend is not None:
        counts.append(f"anwesend {s.anwesend}")
    if counts:
        groups.append(", ".join(counts))
    groups += [f.beschreibung for f in s.fraktionen]
    if s.wortlaut:
        groups.append(f"„{s.wortlaut}“")
    text = "; ".join(groups)
    return "(" + (f"{s.gegenstand}: {text}" if s.gegenstand else text) + ")"


_ERGEBNIS_BREITE = 48
"""Where the Ergebnis cell wraps (a long wording would widen the whole table)."""


def _ergebnis(e: Ergebnis) -> str:
    """The Ergebnis cell: the result and its wording, then every vote (several votes
    one per line), wrapped at :data:`_ERGEBNIS_BREITE`."""
    ergebnis = e.beschlussergebnis.bezeichnung if e.beschlussergebnis else "–"
    if e.wortlaut is not None and e.wortlaut != ergebnis:
        ergebnis += f" („{e.wortlaut}“)"
    votes = [_stimmen(s) for s in e.abstimmungen]
    lines = [ergebnis + " " + votes[0]] if len(votes) == 1 else [ergebnis, *votes]
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(
            line,
            _ERGEBNIS_BREITE,
            subsequent_indent="  ",
            break_long_words=False,
            break_on_hyphens=False,
        ) or [line]
    return "\n".join(out)


def _beteiligung(b: Beteiligung) -> str:
    """ "Müller, Sachbearbeiterin, Amt 61 (03.02.2024): einverstanden"."""
    wer = [x for x in (b.name, b.funktion) if x]
    if b.organisationseinheit is not None:
        oe = b.organisationseinheit
        wer.append(oe.name + (f" ({oe.kennung})" if oe.kennung else ""))
    text = ", ".join(wer)
    if b.datum is not None:
        text += f" ({_datum(b.datum)})"
    if b.vermerk is not None:
        text += f": {b.vermerk}"
    return text


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _inhalt(bloecke: Sequence[Block]) -> str:
    """What a section holds, counted: "2 Absätze, 1 Liste (3 Punkte), 1 Tabelle (4 Zeilen)"."""
    absaetze = [b for b in bloecke if isinstance(b, Absatz)]
    ueber = [b for b in bloecke if isinstance(b, Zwischenueberschrift)]
    listen = [b for b in bloecke if isinstance(b, Liste)]
    tabellen = [b for b in bloecke if isinstance(b, Tabelle)]
    parts = []
    if absaetze:
        parts.append(_plural(len(absaetze), "Absatz", "Absätze"))
    if ueber:
        parts.append(_plural(len(ueber), "Zwischenüberschrift", "Zwischenüberschriften"))
    if listen:
        punkte = sum(len(li.punkte) for li in listen)
        parts.append(
            f"{_plural(len(listen), 'Liste', 'Listen')} ({_plural(punkte, 'Punkt', 'Punkte')})"
        )
    if tabellen:
        zeilen = sum(len(t.zeilen) for t in tabellen)
        anzahl = _plural(len(tabellen), "Tabelle", "Tabellen")
        parts.append(f"{anzahl} ({_plural(zeilen, 'Zeile', 'Zeilen')})")
    return ", ".join(parts)


def _abschnitt(v: Vorlage, i: int, a: Abschnitt) -> list[str]:
    label = v.abschnittsbezeichnung(i)
    head = "  " if label is None else f"  {label} "
    if not a.strukturiert:  # as in format 1.0
        n = len(a.absaetze)
        return _zeilen(head, a.titel, f" ({n} {'Absatz' if n == 1 else 'Absätze'})")
    return _zeilen(head, a.titel, f" ({_inhalt(a.bloecke)})")


def _finanzen(f: Finanzen, width: int) -> list[str]:
    """Each Haushaltsposition as a short block (where, what, amounts, Planmäßigkeit and
    Deckung), the sum of the amounts, and the Erläuterung."""
    lines = ["Finanzielle Auswirkungen" + ("" if f.auswirkungen else ": keine")]
    for n, p in enumerate(f.positionen, 1):
        stelle = [
            f"{label} {wert}"
            for label, wert in (
                ("Haushaltsjahr", p.haushaltsjahr),
                ("Teilhaushalt", p.teilhaushalt),
                ("Produkt", p.produkt),
                ("Sachkonto", p.sachkonto),
                ("Investition", p.investitionsnummer),
            )
            if wert is not None
        ]
        was = p.bezeichnung or ""
        if p.art is not None:
            was += f" ({p.art.bezeichnung})" if was else p.art.bezeichnung
        betraege = [
            f"{label} {euro(wert)}"
            for label, wert in (
                ("Betrag", p.betrag),
                ("Ansatz", p.ansatz),
                ("verfügbar", p.verfuegbar),
            )
            if wert is not None
        ]
        plan = [p.planmaessigkeit.bezeichnung] if p.planmaessigkeit is not None else []
        if p.deckung is not None:
            plan.append(f"Deckung: {p.deckung}")
        marke = f"  {n}. "
        teile = [", ".join(stelle), was, ", ".join(betraege), "; ".join(plan)]
        for k, teil in enumerate(t for t in teile if t):
            lines += textwrap.wrap(
                teil,
                width,
                initial_indent=marke if k == 0 else " " * len(marke),
                subsequent_indent=" " * len(marke),
                break_long_words=False,  # account numbers stay whole
                break_on_hyphens=False,
            )
    if f.summe is not None and sum(p.betrag is not None for p in f.positionen) > 1:
        lines.append(f"  Summe der Beträge: {euro(f.summe)}")
    if f.erlaeuterung is not None:
        for zeile in f.erlaeuterung.splitlines():
            lines += textwrap.wrap(zeile, width, initial_indent="  ", subsequent_indent="  ")
    return lines


def describe(
    v: Vorlage,
    pruefungen: Sequence[AnlagenPruefung] | None = None,
    width: int = 88,
    *,
    hauptdokument: HauptdokumentPruefung | None = None,
) -> str:
    """Summarise *v*: Nummer, Art, Betreff, Beratungsfolge, Abschnitte, Unterzeichnungen,
    and the Anlagen with size and (if *pruefungen* is given) whether their file matches;
    likewise the Hauptdokument (checked if *hauptdokument* is given)."""
    lines = [
        f"Drucksache    {v.nummer}",
        f"Art           {v.art.bezeichnung if v.art else 'unbekannt'}",
        f"Datum         {_datum(v.datum)}",
    ]
    if v.koerperschaft:
        lines += _zeilen("Körperschaft  ", v.koerperschaft)
    if v.federfuehrung:
        ff = v.federfuehrung
        kennung = (" (", ff.kennung, ")") if ff.kennung else ()
        lines += _zeilen("Federführung  ", ff.name, *kennung)
    if v.einreicher:
        lines += _zeilen("Einreicher    ", v.einreicher)
    if v.aktenzeichen:
        lines += _zeilen("Aktenzeichen  ", v.aktenzeichen)
    if v.oeffentlichkeit is not None:
        o = v.oeffentlichkeit
        gruende = [x for x in (o.grund, o.rechtsgrundlage) if x]
        lines += _zeilen(
            "Öffentlich    ",
            "ja" if o.oeffentlich else "nein – nichtöffentlich",
            *([" (", "; ".join(gruende), ")"] if gruende else []),
        )
    if v.bearbeitungsstand is not None:
        lines.append(f"Stand         {v.bearbeitungsstand.bezeichnung}")
    if v.quelle:
        stand = v.quelle.geaendert or v.quelle.erstellt
        lines += _zeilen(
            "Quelle        ",
            v.quelle.kennung,
            f" (Stand {_datum(stand.date())})" if stand else "",
        )
    lines += _betreff(v.betreff, width)
    if v.beteiligte:
        lines.append("")
        lines.append("Beteiligte")
        lines += _table([[b.rolle.bezeichnung, _beteiligung(b)] for b in v.beteiligte])
    lines.append("")
    lines.append("Beratungsfolge" + ("" if v.beratungsfolge else ": keine"))
    if v.beratungsfolge:
        rows = [["Gremium", "Sitzungstermin", "Sitzungsart", "Zuständigkeit", "Ergebnis"]]
        for b in v.beratungsfolge:
            rows.append(
                [
                    b.gremium,
                    _datum(b.sitzungstermin),
                    b.sitzungsart.bezeichnung if b.sitzungsart else "–",
                    b.zustaendigkeit.bezeichnung if b.zustaendigkeit else "–",
                    "–" if b.ergebnis is None else _ergebnis(b.ergebnis),
                ]
            )
        lines += _table(rows)
    if v.hauptdokument is not None:
        h = v.hauptdokument
        geprueft = (
            "" if hauptdokument is None else f", Datei geprüft: {_BEFUND[hauptdokument.status]}"
        )
        lines.append("")
        lines += _zeilen(
            "Hauptdokument ", h.dateiname, f" ({h.medientyp}, {_groesse(h.groesse)}{geprueft})"
        )
        if hauptdokument is not None and hauptdokument.status in (Status.CHANGED, Status.MISSING):
            lines.append(f"  {hauptdokument.reason}")
    lines.append("")
    lines.append("Abschnitte" + ("" if v.abschnitte else ": keine"))
    for i, a in enumerate(v.abschnitte):
        lines += _abschnitt(v, i, a)
    if v.finanzen is not None:
        lines.append("")
        lines += _finanzen(v.finanzen, width - 2)
    lines.append("")
    lines.append("Unterzeichnungen" + ("" if v.unterzeichnungen else ": keine"))
    for u in v.unterzeichnungen:
        funktion = (", ", u.funktion) if u.funktion else ()
        when = f" ({_datum(u.datum)})" if u.datum else ""
        lines += _zeilen(f"  {u.vermerk.bezeichnung} ", u.name, *funktion, when)
    lines.append("")
    lines.append("Anlagen" + ("" if v.anlagen else ": keine"))
    if v.anlagen:
        by_index = {p.index: p for p in pruefungen or ()}
        rows = [["Nr.", "Titel", "Datei", "Größe", "öffentlich", "Datei geprüft"]]
        for i, anl in enumerate(v.anlagen):
            p = by_index.get(i)
            datei = anl.dateiname
            if datei is None:
                datei = "\n".join(
                    ["ohne Datei" + (f": {anl.hinweis}" if anl.hinweis else "")]
                    + ([anl.verweis] if anl.verweis else [])
                )
            rows.append(
                [
                    str(anl.nummer),
                    anl.titel,
                    datei,
                    _groesse(anl.groesse),
                    "ja" if anl.oeffentlich else "nein",
                    "–" if p is None or p.status is Status.NO_FILE else _BEFUND[p.status],
                ]
            )
        lines += _table(rows)
        for p in pruefungen or ():
            if p.status in (Status.CHANGED, Status.MISSING):
                lines.append(f"  Anlage {p.anlage.nummer}: {p.reason}")
    if v.bezuege:
        lines.append("")
        lines.append("Bezüge")
        for bz in v.bezuege:
            lines.append(f"  {bz.art.bezeichnung} {bz.nummer}")
    return "\n".join(lines) + "\n"
