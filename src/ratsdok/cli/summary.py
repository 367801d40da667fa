"""A readable plain-text summary of a Vorlage (used by ``ratsdok show``).

A value may span lines (a Funktion "Landrat" with "in Vertretung" below): its
further lines start at the column where the value starts, in a table at its
cell's column.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date

from ratsdok.model.beratung import Abstimmung
from ratsdok.model.vorlage import Vorlage, roman
from ratsdok.report import Status
from ratsdok.store.anlagen import AnlagenPruefung

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
    """A vote as minutes write it: "(einstimmig; 30/0/2, befangen 1)"."""
    parts = []
    if s.gegenstand:
        parts.append(s.gegenstand + ":")
    if s.mehrheit is not None:
        parts.append(s.mehrheit.bezeichnung)
    if s.vollstaendig:
        parts.append(f"{s.ja}/{s.nein}/{s.enthaltung}")
    else:
        counts = [
            f"{label} {n}"
            for label, n in (("Ja", s.ja), ("Nein", s.nein), ("Enthaltung", s.enthaltung))
            if n is not None
        ]
        parts += counts
    if s.befangen:
        parts.append(f"befangen {s.befangen}")
    if s.wortlaut and not parts:
        parts.append(f"„{s.wortlaut}“")
    return "(" + " ".join(parts) + ")"


def describe(
    v: Vorlage, pruefungen: Sequence[AnlagenPruefung] | None = None, width: int = 88
) -> str:
    """Summarise *v*: Nummer, Art, Betreff, Beratungsfolge, Abschnitte, Unterzeichnungen,
    and the Anlagen with size and (if *pruefungen* is given) whether their file matches."""
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
    if v.quelle:
        stand = v.quelle.geaendert or v.quelle.erstellt
        lines += _zeilen(
            "Quelle        ",
            v.quelle.kennung,
            f" (Stand {_datum(stand.date())})" if stand else "",
        )
    lines += _betreff(v.betreff, width)
    lines.append("")
    lines.append("Beratungsfolge" + ("" if v.beratungsfolge else ": keine"))
    if v.beratungsfolge:
        rows = [["Gremium", "Sitzungstermin", "Sitzungsart", "Zuständigkeit", "Ergebnis"]]
        for b in v.beratungsfolge:
            ergebnis = "–"
            if b.ergebnis is not None:
                e = b.ergebnis
                ergebnis = e.beschlussergebnis.bezeichnung if e.beschlussergebnis else "–"
                if e.wortlaut is not None:
                    ergebnis += f" („{e.wortlaut}“)"
                for s in e.abstimmungen:
                    ergebnis += " " + _stimmen(s)
            rows.append(
                [
                    b.gremium,
                    _datum(b.sitzungstermin),
                    b.sitzungsart.bezeichnung if b.sitzungsart else "–",
                    b.zustaendigkeit.bezeichnung if b.zustaendigkeit else "–",
                    ergebnis,
                ]
            )
        lines += _table(rows)
    lines.append("")
    lines.append("Abschnitte" + ("" if v.abschnitte else ": keine"))
    for i, a in enumerate(v.abschnitte, 1):
        n = len(a.absaetze)
        lines += _zeilen(f"  {roman(i)}. ", a.titel, f" ({n} {'Absatz' if n == 1 else 'Absätze'})")
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
            rows.append(
                [
                    str(anl.nummer),
                    anl.titel,
                    anl.dateiname or f"ohne Datei{': ' + anl.hinweis if anl.hinweis else ''}",
                    _groesse(anl.groesse),
                    "ja" if anl.oeffentlich else "nein",
                    "–" if p is None else _BEFUND[p.status],
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
