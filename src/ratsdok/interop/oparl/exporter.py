"""Strict export of a Vorlage as an OParl 1.1 ``Paper``.

Identifiers (all below *base_url*, deterministic):

* Paper: ``{base}/paper/{uuid}``
* Consultation *i* (1-based, Beratungsfolge order): ``{base}/paper/{uuid}/consultation/{i}``
* File of Anlage *n*: ``{base}/paper/{uuid}/file/{n}``; ``accessUrl`` is that id
  plus ``/`` and the URL-quoted Dateiname
* mainFile (the Hauptdokument): ``{base}/paper/{uuid}/file/hauptdokument``, its
  ``accessUrl`` likewise
* Bezüge with a UUID: ``relatedPaper`` ``{base}/paper/{uuid}`` (OParl's
  super-/subordinatedPaper have no agreed direction, so only relatedPaper is used)
* Gremium: ``{base}/organization/{uuid5(URL namespace, "ratsdok:gremium:" + name)}``

``created`` and ``modified`` (on the Paper and every embedded object) come from
the Vorlage, so the same Vorlage always gives the same JSON. They are written as
OParl's ``yyyy-mm-ddThh:mm:ss±hh:mm`` (whole seconds, the offset as it is):

* An object whose model has a :class:`~ratsdok.model.vorlage.Quelle` (the Paper: the
  Vorlage's, a Consultation: its Beratung's, a File: its Anlage's) takes
  ``created`` from ``quelle.erstellt`` and ``modified`` from ``quelle.geaendert``
  where they are set (fractions of a second are cut here; the exact values travel
  in the extension).
* Otherwise ``created`` is midnight (Europe/Berlin; UTC for dates before 1893, when
  Berlin's offset was not whole minutes) of the Vorlage's ``datum`` (without one:
  of the earliest Sitzungstermin), and ``modified`` midnight of the latest known
  date (``datum`` or a Sitzungstermin). ``stand=`` (the command line's
  ``--stand``) replaces both derived values: a datetime with its UTC offset, or a
  date, which stands for its midnight as above. A Vorlage without any date needs it.
* The Paper's ``modified`` is at least the newest ``modified`` of its embedded
  Consultations and Files (OParl 1.1: changing an embedded object changes the
  object it is embedded in).
* OParl requires ``modified`` not to be before ``created``. Where it would be (a
  source whose ``geaendert`` is before its ``erstellt``, or a derived ``modified``
  before a source's ``erstellt``), ``created`` is written for ``modified`` too:
  the creation time is the better attested value.

The ids stay derived from *base_url* even with a Quelle: ratsdok publishes the
export, the Quelle names where the data came from.

OParl publishes public data only: a nichtöffentliche Vorlage is refused unless
``nichtoeffentlich_freigeben=True`` releases it. Non-public Anlagen are never
exported; an Anlage without a file is no File (OParl requires ``accessUrl``), the
extension carries it. ``size`` and ``sha512Checksum`` are emitted only when the
bytes are at hand (inline ``inhalt`` or a file named ``dateiname`` in
*anlagen_dir*); those bytes must match the recorded size and SHA-256. Results
(Ergebnis, Abstimmungen) live on OParl AgendaItems, which belong to Meetings this
export does not write: they travel in the extension.

Everything OParl has no field for goes into one vendor extension object under
:data:`~ratsdok.oparl.EXTENSION_KEY` (``"ratsdok:vorlage"``)::

    {"version": "1", "uuid": ..., "art": <code>, "koerperschaft", "einreicher",
     "aktenzeichen", "oeffentlichkeit": {...}, "bearbeitungsstand": <code>,
     "gliederung": <code>, "federfuehrung": {...}, "beteiligte": [...],
     "beratungsfolge": [<Beratung>, ...] (one per consultation),
     "hauptdokument": {<Hauptdokument without inhalt>} (the mainFile),
     "anlagen": [<Anlage without inhalt>, ...] (each public one: one per
                auxiliaryFile, and those without a file),
     "abschnitte": [...], "finanzen": {...}, "unterzeichnungen": [...],
     "bezuege": [...], "quelle": {...}, "pruefsumme": <base64>,
     "pruefwert": "xxxx xxxx xxxx xxxx",
     "pruefsumme_oparl": <base64> (only when the Paper does not carry all of the Vorlage)}

Each entry is the JSON form of the ratsdok model (codes as code values, no
nulls, no ``erweiterungen`` but those of an Anlage without a file, which has no
OParl object to carry them); a key is written only when the Vorlage has the value,
so a Vorlage without the content of format 1.1 gives the JSON it gave before.
:func:`~ratsdok.oparl.import_paper` reads it back, so export → import gives the same
Vorlage, minus non-public Anlagen, inline bytes and Erweiterungen the Paper cannot
carry as they are (:func:`~ratsdok.interop.oparl.restored.restored_by_import` lists
them).

The seal: ``pruefsumme`` is the base64 SHA-256 of the exclusive C14N 1.0 (without
comments) of the ``vorlage`` element of ``ratsdok.to_xml(v)`` for the exported
Vorlage *v*, all of it (non-public Anlagen and inline bytes included), so it equals
the ``pruefsumme`` (``DigestValue``) of a document ratsdok wrote for the same
Vorlage; ``pruefwert`` is its short printed form (the first 64 bits in hex, as
``ratsdok verify`` reports and signed "gez." blocks show). Where export → import
would not give *v* back exactly (see above), ``pruefsumme_oparl`` is the same digest
of the Vorlage import restores from this Paper (derived from *v*, not imported). Import
recomputes the digest of the Vorlage it restores and compares it with
``pruefsumme_oparl``, else ``pruefsumme``; a difference is reported (the Paper was
changed after export), the import proceeds.

Erweiterungen of the Vorlage, of each Beratung and of each Anlage become properties
of the Paper, its Consultation and its File again (the value parsed from the JSON
text). Only vendor-prefixed keys are written, and never one that the object already
has or the ratsdok extension key, so an Erweiterung cannot override OParl data.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import quote
from uuid import NAMESPACE_URL, uuid5
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ratsdok.errors import AnlagenError, InvalidDocumentError, Problem
from ratsdok.integrity.seal import seal_of
from ratsdok.interop.oparl.common import EXTENSION_KEY, EXTENSION_VERSION
from ratsdok.interop.oparl.erweiterungen import put_erweiterungen
from ratsdok.interop.oparl.restored import restored_by_import
from ratsdok.model.beratung import Beratung, Ergebnis
from ratsdok.model.codes import Zustaendigkeit
from ratsdok.model.vorlage import Abschnitt, Anlage, Hauptdokument, Quelle, Vorlage

__all__ = ["export_paper"]

SCHEMA = "https://schema.oparl.org/1.1/"
try:
    _BERLIN: ZoneInfo | None = ZoneInfo("Europe/Berlin")
except ZoneInfoNotFoundError:  # pragma: no cover - no tz database (install tzdata)
    _BERLIN = None


_GIVE_STAND = "pass stand= (ratsdok oparl export: --stand)"


def _midnight(d: date) -> datetime:
    if _BERLIN is None:  # pragma: no cover
        raise InvalidDocumentError(
            Problem(
                "no time zone database for Europe/Berlin (install tzdata); "
                f"{_GIVE_STAND} with a UTC offset"
            )
        )
    midnight = datetime.combine(d, time(0, 0), tzinfo=_BERLIN)
    offset = midnight.utcoffset()
    if offset is not None and offset.seconds % 60:
        # Before April 1893 Berlin kept local mean time (+00:53:28); RFC 3339 offsets
        # have whole minutes, so such a date gives midnight UTC.
        midnight = datetime.combine(d, time(0, 0), tzinfo=UTC)
    return midnight


def _stamps(quelle: Quelle | None, created: datetime, modified: datetime) -> dict[str, str]:
    """``created`` and ``modified`` of one object: the Quelle's where set, else the given."""
    if quelle is not None:
        created = quelle.erstellt or created
        modified = quelle.geaendert or modified
    if modified < created:  # OParl: modified is never before created
        modified = created
    return {
        "created": created.isoformat(timespec="seconds"),
        "modified": modified.isoformat(timespec="seconds"),
    }


def _bytes_of(a: Anlage | Hauptdokument, folder: Path | None, field: str) -> bytes | None:
    """The bytes of a file at hand (inline, or named ``dateiname`` in *folder*), checked
    against the recorded size and SHA-256; *field* names it in errors."""
    if a.inhalt is not None:
        return a.inhalt
    if folder is None or a.dateiname is None:
        return None
    path = folder / a.dateiname
    if not path.is_file():
        return None
    data = path.read_bytes()
    problems = []
    if a.groesse is not None and a.groesse != len(data):
        problems.append(f"is {len(data)} bytes, the Vorlage records {a.groesse}")
    if a.sha256 is not None and a.sha256 != hashlib.sha256(data).hexdigest():
        problems.append("its SHA-256 differs from the one the Vorlage records")
    if problems:
        raise AnlagenError([Problem(m, file=str(path), field=field) for m in problems])
    return data


def _file(
    fid: str,
    datei: Anlage | Hauptdokument,
    name: str,
    folder: Path | None,
    field: str,
    stamps: dict[str, str],
    what: str,
) -> dict[str, Any]:
    """The OParl File of an Anlage or the Hauptdokument (which have a file); *field* is
    its place in the Vorlage, *what* names it in errors about its bytes."""
    assert datei.dateiname is not None
    assert datei.medientyp is not None
    f: dict[str, Any] = {
        "id": fid,
        "type": SCHEMA + "File",
        "name": name,
        "fileName": datei.dateiname,
        "mimeType": datei.medientyp,
        "accessUrl": f"{fid}/{quote(datei.dateiname)}",
        **stamps,
    }
    data = _bytes_of(datei, folder, what)
    if data is not None:
        f["size"] = len(data)
        f["sha512Checksum"] = hashlib.sha512(data).hexdigest()
    put_erweiterungen(f, datei.erweiterungen, f"{field}.erweiterungen")
    return f


def _dump(model: Any, **kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = model.model_dump(mode="json", exclude_none=True, **kw)
    if isinstance(model, Abschnitt) and not model.strukturiert:
        # Format 1.0 content keeps its 1.0 JSON form, so earlier exports stay the same.
        out.pop("bloecke")
        out["absaetze"] = list(model.absaetze)
    elif isinstance(model, Beratung) and model.ergebnis is not None:
        out["ergebnis"] = _dump_ergebnis(model.ergebnis)
    return out


def _dump_ergebnis(e: Ergebnis) -> dict[str, Any]:
    out: dict[str, Any] = e.model_dump(mode="json", exclude_none=True)
    votes = out.pop("abstimmungen")
    if (
        len(e.abstimmungen) == 1
        and e.abstimmungen[0].vollstaendig
        and set(votes[0])
        <= {
            "ja",
            "nein",
            "enthaltung",
            "fraktionen",
        }
        and not e.abstimmungen[0].fraktionen
    ):
        out["abstimmung"] = {k: votes[0][k] for k in ("ja", "nein", "enthaltung")}
    elif votes:
        out["abstimmungen"] = [{k: x for k, x in s.items() if x != []} for s in votes]
    return out


def export_paper(
    v: Vorlage,
    *,
    base_url: str,
    anlagen_dir: str | os.PathLike[str] | None = None,
    stand: datetime | date | None = None,
    nichtoeffentlich_freigeben: bool = False,
) -> dict[str, Any]:
    """The Vorlage as an OParl 1.1 Paper (a JSON-ready dict); see the module doc.

    A nichtöffentliche Vorlage is refused (OParl publishes public data only) unless
    *nichtoeffentlich_freigeben* says it may be published all the same.
    """
    if v.nichtoeffentlich and not nichtoeffentlich_freigeben:
        raise InvalidDocumentError(_nichtoeffentlich(v))
    base = base_url.rstrip("/")
    if not base.startswith(("https://", "http://")):
        raise InvalidDocumentError(Problem(f"base URL {base_url!r} must start with https://"))
    if isinstance(stand, datetime):
        if stand.tzinfo is None:
            raise InvalidDocumentError(Problem("stand needs a time zone offset"))
        created = modified = stand
    elif stand is not None:
        created = modified = _midnight(stand)
    else:
        known = [d for d in [v.datum, *(b.sitzungstermin for b in v.beratungsfolge)] if d]
        if v.datum is None and not known:
            raise InvalidDocumentError(
                Problem(
                    "the Vorlage has no datum and no Sitzungstermin to derive "
                    f"created/modified from; {_GIVE_STAND}",
                    field="datum",
                )
            )
        created = _midnight(v.datum or min(known))
        modified = _midnight(max(known))
    folder = None if anlagen_dir is None else Path(anlagen_dir)
    pid = f"{base}/paper/{v.uuid}"

    paper: dict[str, Any] = {
        "id": pid,
        "type": SCHEMA + "Paper",
        "name": v.betreff,
        "reference": str(v.nummer),
        **_stamps(v.quelle, created, modified),
    }
    if v.datum is not None:
        paper["date"] = v.datum.isoformat()
    if v.art is not None:
        paper["paperType"] = v.art.bezeichnung
    ext: dict[str, Any] = {"version": EXTENSION_VERSION, "uuid": str(v.uuid)}
    if v.art is not None:
        ext["art"] = v.art.value
    for key in ("koerperschaft", "einreicher", "aktenzeichen"):
        if getattr(v, key) is not None:
            ext[key] = getattr(v, key)
    for key in ("bearbeitungsstand", "gliederung"):
        if getattr(v, key) is not None:
            ext[key] = getattr(v, key).value
    for key in ("federfuehrung", "oeffentlichkeit", "finanzen", "quelle"):
        if getattr(v, key) is not None:
            ext[key] = _dump(getattr(v, key))

    consultations = []
    for i, b in enumerate(v.beratungsfolge, 1):
        c: dict[str, Any] = {
            "id": f"{pid}/consultation/{i}",
            "type": SCHEMA + "Consultation",
            "organization": [
                f"{base}/organization/{uuid5(NAMESPACE_URL, 'ratsdok:gremium:' + b.gremium)}"
            ],
            **_stamps(b.quelle, created, modified),
        }
        if b.zustaendigkeit is not None:
            c["role"] = b.zustaendigkeit.bezeichnung
            c["authoritative"] = b.zustaendigkeit is Zustaendigkeit.ENTSCHEIDUNG
        put_erweiterungen(c, b.erweiterungen, f"beratungsfolge[{i - 1}].erweiterungen")
        consultations.append(c)
    if consultations:
        paper["consultation"] = consultations
        # OParl publishes: no Ergebnis of a Beratung held in nichtöffentlicher Sitzung.
        ext["beratungsfolge"] = [
            _dump(b, exclude={"erweiterungen"}) for b in v.beratungsfolge_oeffentlich
        ]

    main: list[dict[str, Any]] = []
    h = v.hauptdokument
    if h is not None:
        main.append(
            _file(
                f"{pid}/file/hauptdokument",
                h,
                f"Vorlage {v.nummer}",
                folder,
                "hauptdokument",
                _stamps(h.quelle, created, modified),
                "hauptdokument",
            )
        )
        paper["mainFile"] = main[0]
        ext["hauptdokument"] = _dump(h, exclude={"inhalt", "erweiterungen"})

    files = []
    anlagen: list[dict[str, Any]] = []
    for j, a in enumerate(v.anlagen):
        if not a.oeffentlich:
            continue
        if a.dateiname is None:
            # Known by title only: no File (OParl requires accessUrl); the extension
            # carries it whole, as no OParl object carries its vendor keys.
            anlagen.append(
                _dump(a, exclude={"inhalt"} | ({"erweiterungen"} if not a.erweiterungen else set()))
            )
            continue
        stamps = _stamps(a.quelle, created, modified)
        files.append(
            _file(
                f"{pid}/file/{a.nummer}",
                a,
                a.bezeichnung,
                folder,
                f"anlagen[{j}]",
                stamps,
                f"anlage {a.nummer}",
            )
        )
        anlagen.append(_dump(a, exclude={"inhalt", "erweiterungen"}))
    if files:
        paper["auxiliaryFile"] = files
    if anlagen:
        ext["anlagen"] = anlagen
    related = [f"{base}/paper/{bz.uuid}" for bz in v.bezuege if bz.uuid is not None]
    if related:
        paper["relatedPaper"] = related
    for key in ("beteiligte", "abschnitte", "unterzeichnungen", "bezuege"):
        items = getattr(v, key)
        if items:
            ext[key] = [_dump(x) for x in items]
    # OParl 1.1: a change to an embedded object is a change to the Paper as well.
    newest = max(
        [paper, *consultations, *main, *files], key=lambda o: datetime.fromisoformat(o["modified"])
    )
    paper["modified"] = newest["modified"]
    paper[EXTENSION_KEY] = ext
    put_erweiterungen(paper, v.erweiterungen, "erweiterungen")
    _put_seal(ext, v, base_url)
    return paper


def _nichtoeffentlich(v: Vorlage) -> Problem:
    """Why a nichtöffentliche Vorlage is not exported, with its reason and legal basis."""
    o = v.oeffentlichkeit
    why = "" if o is None else "; ".join(x for x in (o.grund, o.rechtsgrundlage) if x)
    return Problem(
        f"the Vorlage {v.nummer} is nichtöffentlich"
        + (f" ({why})" if why else "")
        + ", and OParl publishes public data only; to publish it all the same, pass "
        "nichtoeffentlich_freigeben=True (ratsdok oparl export: --nichtoeffentlich-freigeben)",
        field="oeffentlichkeit",
    )


def _put_seal(ext: dict[str, Any], v: Vorlage, base_url: str) -> None:
    """Add the seal of *v*, and where import restores less, that of what it restores."""
    ext["pruefsumme"], ext["pruefwert"] = seal_of(v)
    restored = restored_by_import(v, base_url=base_url)
    if restored != v:
        ext["pruefsumme_oparl"] = seal_of(restored)[0]
