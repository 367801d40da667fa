"""A whole Vorlage written as one text file: TOML front matter, then Markdown sections.

::

    +++
    nummer = "KT 2014/16"
    art = "beschlussvorlage"
    betreff = "ALB FILS KLINIKEN GmbH – Jahresabschluss 2013"

    [[beratung]]
    gremium = "Kreistag"
    sitzungstermin = 2014-07-25
    zustaendigkeit = "entscheidung"
    +++

    # I. Beschlussanträge

    1. Der Kreistag weist die Gesellschafterversammlung an, …

The front matter (between ``+++`` lines, read with :mod:`tomllib`) holds the
Vorlage's fields under their model names, codes as their code values; lists
are arrays of tables under a singular name (``[[beratung]]``, ``[[anlage]]``,
``[[unterzeichnung]]``, ``[[bezug]]``, ``[[beteiligung]]``,
``[[finanzen.position]]``). Each level-1 heading starts an Abschnitt; its
content is read by :func:`~ratsdok.model.markdown.teile_aus_markdown`. Every
problem names the line and the front-matter key. The rules are in
``docs/text-model.md`` ("Authoring from Markdown").

Pure: takes text, does no I/O (the CLI reads the file).
"""

from __future__ import annotations

import re
import tomllib
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from ratsdok.errors import InvalidDocumentError, Problem
from ratsdok.model.codes import Abschnittsart
from ratsdok.model.markdown import Teil, teile_aus_markdown
from ratsdok.model.vorlage import Abschnitt, FieldPath, Vorlage, format_path

__all__ = ["Quelltext", "abschnittskopf", "lies_quelltext", "vorlage_aus_markdown"]

_ALIASE = {
    "beratung": "beratungsfolge",
    "unterzeichnung": "unterzeichnungen",
    "anlage": "anlagen",
    "bezug": "bezuege",
    "beteiligung": "beteiligte",
}
"""Front-matter names of the Vorlage's lists (one ``[[beratung]]`` table per Beratung)."""

_UUID_RAUM = uuid.uuid5(uuid.NAMESPACE_URL, "urn:ratsdok:vorlage")
"""Namespace of the UUIDs derived from Körperschaft and Nummer."""

_MEDIENTYPEN = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "txt": "text/plain",
    "csv": "text/csv",
    "xml": "application/xml",
    "zip": "application/zip",
}
"""Media types by file extension, for Anlagen that do not give one (a fixed table:
:mod:`mimetypes` would read the system's files)."""

_ARTEN = {
    "beschlussvorschlag": Abschnittsart.BESCHLUSSVORSCHLAG,
    "beschlussvorschläge": Abschnittsart.BESCHLUSSVORSCHLAG,
    "beschlussentwurf": Abschnittsart.BESCHLUSSVORSCHLAG,
    "beschlussantrag": Abschnittsart.BESCHLUSSVORSCHLAG,
    "beschlussanträge": Abschnittsart.BESCHLUSSVORSCHLAG,
    "sachverhalt": Abschnittsart.SACHVERHALT,
    "begründung": Abschnittsart.BEGRUENDUNG,
    "begruendung": Abschnittsart.BEGRUENDUNG,
    "finanzielle auswirkungen": Abschnittsart.FINANZIELLE_AUSWIRKUNGEN,
    "rechtsgrundlage": Abschnittsart.RECHTSGRUNDLAGE,
    "rechtsgrundlagen": Abschnittsart.RECHTSGRUNDLAGE,
}
"""Headings that name an Abschnittsart (compared case-folded, "ß" as "ss", without ":")."""

_LABEL = re.compile(r"((?:[IVXLCDM]+|\d{1,3}(?:\.\d{1,3})*|[A-Z])[.)]|\(\d{1,3}\))\s+(\S.*)")
_ART_ANGABE = re.compile(r"(.*?)\s*\{([a-z-]+)\}")
_TOML_ORT = re.compile(r"\s*\(at line (\d+), column \d+\)$|\s*\(at end of document\)$")


def abschnittskopf(text: str) -> tuple[Abschnittsart, str | None, str | None]:
    """``(art, bezeichnung, ueberschrift)`` of a section heading.

    A leading label ("I.", "2.", "A)", "(3)") becomes the bezeichnung; the rest
    names the Art ("Beschlussvorschlag", "Beschlussentwurf:", "Begründung", …, or
    ``{art}`` at the end, e.g. "Antrag der Verwaltung {beschlussvorschlag}"), else
    it is "sonstiges". The heading is kept as the ueberschrift unless it is the
    Art's own label. Raises ``ValueError`` for an unknown ``{art}``.
    """
    text = text.strip()
    art: Abschnittsart | None = None
    angabe = _ART_ANGABE.fullmatch(text)
    if angabe:
        try:
            art = Abschnittsart(angabe.group(2))
        except ValueError:
            codes = ", ".join(a.value for a in Abschnittsart)
            raise ValueError(f"{{{angabe.group(2)}}} is no Abschnittsart ({codes})") from None
        text = angabe.group(1)
    bezeichnung: str | None = None
    label = _LABEL.fullmatch(text)
    if label:
        bezeichnung, text = label.group(1), label.group(2)
    if art is None:
        art = _ARTEN.get(text.rstrip(":").strip().casefold(), Abschnittsart.SONSTIGES)
    ueberschrift = None if text in ("", art.bezeichnung) else text
    return art, bezeichnung, ueberschrift


@dataclass(frozen=True)
class _Vorspann:
    """The front matter as lines, for finding the line of a key."""

    zeilen: list[str]
    erste_zeile: int
    """The file line of the front matter's first line."""
    umbenannt: dict[FieldPath, FieldPath]
    """Model paths whose front-matter name differs: ("beratungsfolge",) → ("beratung",)."""

    def pfad(self, pfad: FieldPath) -> FieldPath:
        """The front-matter spelling of a model path."""
        for modell, vorspann in self.umbenannt.items():
            if pfad[: len(modell)] == modell:
                return vorspann + pfad[len(modell) :]
        return pfad

    def zeile(self, pfad: FieldPath) -> int:
        """The line of the key at *pfad* (front-matter spelling), as near as it can
        be found; the opening ``+++`` line when nowhere."""
        i = _finden(self.zeilen, -1, len(self.zeilen), "", pfad)
        return self.erste_zeile + i if i >= 0 else self.erste_zeile - 1


_KOPF = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?")
_SCHLUESSEL = re.compile(r"\s*(?:\"([^\"]+)\"|'([^']+)'|([A-Za-z0-9_.-]+))\s*=")


def _finden(zeilen: list[str], start: int, ende: int, name: str, rest: FieldPath) -> int:
    """The index of the line for *rest* inside the table *name* (lines start..ende)."""
    if not rest or isinstance(rest[0], int):
        return start
    teil = rest[0]
    voll = f"{name}.{teil}" if name else teil
    koepfe = [
        (i, m.group(1) == "[[", m.group(2).replace(" ", ""))
        for i in range(start + 1, ende)
        if (m := _KOPF.fullmatch(zeilen[i]))
    ]
    rumpf_ende = koepfe[0][0] if koepfe else ende
    for i in range(start + 1, rumpf_ende):
        m = _SCHLUESSEL.match(zeilen[i])
        key = m and (m.group(1) or m.group(2) or m.group(3))
        if key and (key == teil or key.startswith(teil + ".")):
            return i
    treffer = [(i, liste) for i, liste, n in koepfe if n == voll]
    if not treffer:
        return start
    weiter = rest[1:]
    k = 0
    if treffer[0][1] and weiter and isinstance(weiter[0], int):
        k, weiter = weiter[0], weiter[1:]
    if k >= len(treffer):
        return start
    s = treffer[k][0]
    e = next((i for i, _, n in koepfe if i > s and not n.startswith(voll + ".")), ende)
    return _finden(zeilen, s, e, voll, weiter)


@dataclass(frozen=True)
class Quelltext:
    """A Vorlage read from text, with what locates its fields in that text."""

    vorlage: Vorlage
    source: str | None
    _vorspann: _Vorspann

    def zeile(self, pfad: FieldPath) -> int:
        """The line of the front-matter key that gave the field at *pfad* (a model
        path such as ``("anlagen", 1)``)."""
        return self._vorspann.zeile(self._vorspann.pfad(pfad))

    def feld(self, pfad: FieldPath) -> str:
        """The field at *pfad* as the front matter names it: ``anlage[1]``."""
        return format_path(self._vorspann.pfad(pfad))


def vorlage_aus_markdown(text: str, *, source: str | None = None) -> Vorlage:
    """The Vorlage written in *text*: TOML front matter between ``+++`` lines, then
    one Markdown section per level-1 heading (see :mod:`ratsdok.model.quelltext`).

    Raises :class:`~ratsdok.errors.InvalidDocumentError` with every problem, each
    naming *source*, the line and the front-matter key.
    """
    return lies_quelltext(text, source=source).vorlage


def lies_quelltext(text: str, *, source: str | None = None) -> Quelltext:
    """Like :func:`vorlage_aus_markdown`, with the lines of the front-matter keys."""
    zeilen = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not zeilen or zeilen[0].strip() != "+++":
        raise _fehler(source, 1, "a ratsdok text file starts with TOML front matter: a +++ line")
    ende = next((i for i in range(1, len(zeilen)) if zeilen[i].strip() == "+++"), None)
    if ende is None:
        raise _fehler(source, 1, "the front matter is not closed by a +++ line")
    problems: list[Problem] = []
    teile: list[Teil] = []
    try:
        teile = teile_aus_markdown(
            "\n".join(zeilen[ende + 1 :]), source=source, erste_zeile=ende + 2
        )
    except InvalidDocumentError as exc:
        problems.extend(exc.problems)
    vorspann = _Vorspann(zeilen[1:ende], 2, {})
    daten: dict[str, Any] = {}
    try:
        daten = tomllib.loads("\n".join(zeilen[1:ende]), parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_ORT.search(str(exc))
        zeile = int(m.group(1)) + 1 if m and m.group(1) else ende + 1
        problems.append(Problem(_TOML_ORT.sub("", str(exc)), file=source, line=zeile))
    except RecursionError:
        problems.append(Problem("the front matter is nested too deeply", file=source, line=1))
    else:
        vorspann = _Vorspann(zeilen[1:ende], 2, _vorbereiten(daten, vorspann, source, problems))
    abschnitte, kopfzeilen = _abschnitte(teile, source, problems)
    if problems:
        raise InvalidDocumentError(sorted(problems, key=lambda p: p.line or 0))
    daten["abschnitte"] = abschnitte
    if "uuid" not in daten and isinstance(daten.get("nummer"), str):
        schluessel = f"{daten.get('koerperschaft') or ''}\n{daten['nummer'].strip()}"
        daten["uuid"] = uuid.uuid5(_UUID_RAUM, schluessel)
    try:
        vorlage = Vorlage.model_validate(daten)
    except ValidationError as exc:
        raise InvalidDocumentError(_probleme(exc, vorspann, kopfzeilen, source)) from None
    return Quelltext(vorlage, source, vorspann)


def _fehler(source: str | None, zeile: int, message: str) -> InvalidDocumentError:
    return InvalidDocumentError(Problem(message, file=source, line=zeile))


def _vorbereiten(
    daten: dict[str, Any], vorspann: _Vorspann, source: str | None, problems: list[Problem]
) -> dict[FieldPath, FieldPath]:
    """Bring the front matter into the model's shape (in place); return the renamings."""
    umbenannt: dict[FieldPath, FieldPath] = {}
    for alias, name in _ALIASE.items():
        if alias in daten:
            if name in daten:
                problems.append(
                    Problem(
                        f"give {alias} or {name}, not both",
                        file=source,
                        line=vorspann.zeile((alias,)),
                        field=alias,
                    )
                )
            daten[name] = daten.pop(alias)
            umbenannt[(name,)] = (alias,)
    finanzen = daten.get("finanzen")
    if isinstance(finanzen, dict) and "position" in finanzen:
        finanzen["positionen"] = finanzen.pop("position")
        umbenannt[("finanzen", "positionen")] = ("finanzen", "position")
    if "abschnitte" in daten:
        problems.append(
            Problem(
                "sections are written below the front matter, each under a level-1 heading",
                file=source,
                line=vorspann.zeile(("abschnitte",)),
                field="abschnitte",
            )
        )
    if isinstance(daten.get("federfuehrung"), str):
        daten["federfuehrung"] = {"name": daten["federfuehrung"]}
    if isinstance(daten.get("oeffentlichkeit"), bool):
        daten["oeffentlichkeit"] = {"oeffentlich": daten["oeffentlichkeit"]}
    anlagen = daten.get("anlagen")
    if isinstance(anlagen, list):
        for i, a in enumerate(anlagen):
            if isinstance(a, dict):
                a.setdefault("nummer", i + 1)
                _medientyp(a)
    if isinstance(daten.get("hauptdokument"), dict):
        _medientyp(daten["hauptdokument"])
    return umbenannt


def _medientyp(datei: dict[str, Any]) -> None:
    name = datei.get("dateiname")
    if isinstance(name, str) and "medientyp" not in datei and "." in name:
        typ = _MEDIENTYPEN.get(name.rsplit(".", 1)[1].lower())
        if typ is not None:
            datei["medientyp"] = typ


def _abschnitte(
    teile: list[Teil], source: str | None, problems: list[Problem]
) -> tuple[list[Abschnitt], list[int]]:
    abschnitte: list[Abschnitt] = []
    kopfzeilen: list[int] = []
    for teil in teile:
        if teil.ueberschrift is None:
            if teil.bloecke:
                problems.append(
                    Problem(
                        "text before the first section: start each section with a level-1 "
                        "heading (# Beschlussvorschlag)",
                        file=source,
                        line=teil.zeile,
                    )
                )
            continue
        try:
            art, bezeichnung, ueberschrift = abschnittskopf(teil.ueberschrift)
        except ValueError as exc:
            problems.append(Problem(str(exc), file=source, line=teil.zeile))
            continue
        if not teil.bloecke:
            problems.append(
                Problem("a section needs text below its heading", file=source, line=teil.zeile)
            )
            continue
        try:
            abschnitte.append(
                Abschnitt(
                    art=art,
                    bezeichnung=bezeichnung,
                    ueberschrift=ueberschrift,
                    bloecke=teil.bloecke,
                )
            )
        except ValidationError as exc:
            for err in exc.errors(include_url=False, include_input=False):
                message = err["msg"].removeprefix("Value error, ")
                problems.append(Problem(message, file=source, line=teil.zeile))
            continue
        kopfzeilen.append(teil.zeile)
    return abschnitte, kopfzeilen


def _probleme(
    exc: ValidationError, vorspann: _Vorspann, kopfzeilen: list[int], source: str | None
) -> list[Problem]:
    """The problems of a Vorlage that failed validation, located in the text."""
    problems = []
    for err in exc.errors(include_url=False, include_input=False):
        violations = (err.get("ctx") or {}).get("violations")
        paare: list[tuple[FieldPath, str]] = (
            list(violations)
            if err["type"] == "ratsdok_rule" and violations
            else [(tuple(err["loc"]), err["msg"].removeprefix("Value error, "))]
        )
        for pfad, message in paare:
            if pfad[:1] == ("abschnitte",) and len(pfad) > 1 and isinstance(pfad[1], int):
                zeile = kopfzeilen[pfad[1]]
                feld = format_path(pfad)
            else:
                feld = format_path(vorspann.pfad(pfad))
                zeile = vorspann.zeile(vorspann.pfad(pfad))
            problems.append(Problem(message, file=source, line=zeile, field=feld or None))
    return sorted(problems, key=lambda p: p.line or 0)
