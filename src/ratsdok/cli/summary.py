"""A readable plain-text summary of a Vorlage (used by ``ratsdok show``)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date

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


def _table(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        (indent + "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True))).rstrip()
        for r in rows
    ]


_BEFUND = {
    Status.OK: "ok",
    Status.CHANGED: "GEÄNDERT",
    Status.MISSING: "fehlt",
    Status.UNRECORDED: "ohne Prüfsumme",
}


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
        lines.append(f"Körperschaft  {v.koerperschaft}")
    if v.federfuehrung:
        ff = v.federfuehrung
        lines.append(f"Federführung  {ff.name}" + (f" ({ff.kennung})" if ff.kennung else ""))
    if v.einreicher:
        lines.append(f"Einreicher    {v.einreicher}")
    if v.quelle:
        stand = v.quelle.geaendert or v.quelle.erstellt
        lines.append(
            f"Quelle        {v.quelle.kennung}"
            + (f" (Stand {_datum(stand.date())})" if stand else "")
        )
    lines += textwrap.wrap(
        v.betreff, width, initial_indent="Betreff       ", subsequent_indent=" " * 14
    )
    lines.append("")
    lines.append("Beratungsfolge" + ("" if v.beratungsfolge else ": keine"))
    if v.beratungsfolge:
        rows = [["Gremium", "Sitzungstermin", "Sitzungsart", "Zuständigkeit", "Ergebnis"]]
        for b in v.beratungsfolge:
            ergebnis = "–"
            if b.ergebnis is not None:
                ergebnis = b.ergebnis.beschlussergebnis.bezeichnung
                if b.ergebnis.abstimmung is not None:
                    s = b.ergebnis.abstimmung
                    ergebnis += f" ({s.ja}/{s.nein}/{s.enthaltung})"
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
        lines.append(f"  {roman(i)}. {a.titel} ({n} {'Absatz' if n == 1 else 'Absätze'})")
    lines.append("")
    lines.append("Unterzeichnungen" + ("" if v.unterzeichnungen else ": keine"))
    for u in v.unterzeichnungen:
        extra = f", {u.funktion}" if u.funktion else ""
        when = f" ({_datum(u.datum)})" if u.datum else ""
        lines.append(f"  {u.vermerk.bezeichnung} {u.name}{extra}{when}")
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
                    anl.dateiname,
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
