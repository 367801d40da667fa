"""Lenient import of OParl 1.0/1.1 ``Paper`` objects into Vorlagen.

Rules (see ``shared/reference/oparl.md`` §3, §4, §7):

* Import what is there, invent nothing: a value that is absent, empty or not
  understood stays ``None`` in the Vorlage and is listed in
  :attr:`ImportResult.unmapped` with its JSON path.
* ``reference`` → nummer, ``name`` → betreff, ``date`` → datum, ``paperType`` →
  art (where it names a ratsdok Vorlagenart), ``consultation`` → Beratungsfolge
  (array order), ``mainFile`` then ``auxiliaryFile`` → Anlagen 1…n.
* Gremium = name of the first ``Consultation.organization`` (organizations
  supplied separately); when unknown, the organization URL is kept as the
  Gremium text and this is reported. Sitzungstermin = local date of
  ``Meeting.start``; Sitzungsart = ``AgendaItem.public``; Tagesordnungspunkt =
  ``AgendaItem.number``; Ergebnis from ``AgendaItem.result`` where the wording
  names a ratsdok Beschlussergebnis.
* Zuständigkeit from ``role`` (case-insensitive: Vorberatung, Entscheidung /
  Beschlussfassung, Kenntnisnahme, Anhörung); without a role,
  ``authoritative: true`` means Entscheidung; otherwise unknown (``None``).
* Anlagen are public (``oeffentlich=True``): OParl publishes public data only.
* The Vorlage UUID is UUIDv5 of the Paper ``id`` (:func:`~ratsdok.oparl.oparl_uuid`),
  unless the Paper carries a ratsdok extension object (written by
  :func:`~ratsdok.oparl.export_paper`), whose data then restores the Vorlage exactly.
  When the extension records the seal (``pruefsumme``, see
  :mod:`ratsdok.interop.oparl.exporter`) and the restored Vorlage no longer matches it, this
  is reported at ``$.ratsdok:vorlage.pruefsumme`` (or ``.pruefsumme_oparl``, when
  the export could not carry all of the Vorlage): the Paper was changed after export.
  The Vorlage is imported as it is.
* ``id``, ``web``, ``created`` and ``modified`` of the Paper, of each Consultation and
  of each File become the :class:`~ratsdok.model.vorlage.Quelle` of the Vorlage, the Beratung
  and the Anlage (the Paper ``id`` also still gives the UUID). Time stamps must be
  RFC 3339 date-times with a UTC offset (``Z`` accepted, at most microseconds); a
  date, a naive time or anything else is left out and reported, not guessed. An
  ``id`` or ``web`` that ratsdok text would change (white space or control
  characters at the ends) is reported rather than kept altered; without an ``id``
  there is no Quelle. With a ratsdok extension object the Quellen come from it
  (they name the original source, not the exporting ratsdok).
* Deleted stubs are skipped and reported.
* Vendor-prefixed keys (``ris:raum``) of the Paper, of each Consultation and of each
  File are kept as :class:`~ratsdok.model.vorlage.Erweiterung` entries (sorted by key, value
  as compact JSON) on the Vorlage, the Beratung and the Anlage; export writes them
  back. A key that cannot be stored unchanged is reported instead. Looked-up
  Meetings, Organizations and AgendaItems are not one to one with a model object;
  their keys are not kept.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import TypeAdapter, ValidationError

from ratsdok.errors import InvalidDocumentError, Problem
from ratsdok.integrity.seal import seal_of
from ratsdok.interop.oparl.common import (
    EXTENSION_KEY,
    NotJsonError,
    is_vendor_key,
    load_json_text,
    oparl_uuid,
)
from ratsdok.model.codes import (
    Beschlussergebnis,
    Bezugsart,
    Sitzungsart,
    Vorlagenart,
    Zustaendigkeit,
)
from ratsdok.model.nummer import Drucksachennummer
from ratsdok.model.text import normalize_text
from ratsdok.model.vorlage import (
    Abschnitt,
    Anlage,
    Beratung,
    Bezug,
    Ergebnis,
    Erweiterung,
    Organisationseinheit,
    Quelle,
    Unterzeichnung,
    Vorlage,
    Zeitpunkt,
    rule_violations,
)
from ratsdok.report import Check, Kind, Report, Status
from ratsdok.store.files import read_bytes

__all__ = ["ImportResult", "Unmapped", "import_paper", "load_json"]

JsonSource = Mapping[str, Any] | list[Any] | bytes | str | os.PathLike[str]
Lookup = Mapping[str, Any] | Iterable[Any] | None

try:
    _BERLIN: ZoneInfo | None = ZoneInfo("Europe/Berlin")
except ZoneInfoNotFoundError:  # pragma: no cover - tz database missing
    _BERLIN = None


@dataclass(frozen=True, slots=True)
class Unmapped:
    """One OParl value that did not make it into a Vorlage field."""

    path: str
    """JSON path, e.g. ``$.data[3].consultation[0].role``."""
    reason: str
    value: Any = None

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class ImportResult(Report):
    """The Vorlagen built from the input, and everything that could not be mapped.

    As a :class:`~ratsdok.report.Report`: one ``dokument`` check per imported
    Vorlage and one ``wert`` check (status ``unmapped``) per value that was not
    taken over, so :attr:`ok` means the import lost nothing.
    """

    vorlagen: tuple[Vorlage, ...]
    unmapped: tuple[Unmapped, ...]

    def __init__(
        self,
        vorlagen: tuple[Vorlage, ...],
        unmapped: tuple[Unmapped, ...] = (),
        source: str | None = None,
    ) -> None:
        checks = tuple(
            Check(Kind.DOKUMENT, str(v.nummer), Status.OK, f"imported as Vorlage {v.uuid}")
            for v in vorlagen
        ) + tuple(Check(Kind.WERT, u.path, Status.UNMAPPED, u.reason) for u in unmapped)
        super().__init__(source or "<json>", checks, title="OParl import")
        object.__setattr__(self, "vorlagen", vorlagen)
        object.__setattr__(self, "unmapped", unmapped)

    @property
    def vorlage(self) -> Vorlage:
        """The single Vorlage; ``ValueError`` when the input gave none or several."""
        if len(self.vorlagen) != 1:
            raise ValueError(f"the input gave {len(self.vorlagen)} Vorlagen, not one")
        return self.vorlagen[0]


# --------------------------------------------------------------------------- JSON input


def load_json(source: JsonSource) -> tuple[Any, str | None]:
    """Parse *source* (object, JSON bytes, or a path) → (JSON value, file name or None)."""
    if isinstance(source, Mapping | list):
        return source, None
    if isinstance(source, bytes):
        return _parse(source, None), None
    name = os.fspath(source)
    return _parse(read_bytes(Path(name)), name), name


def _parse(data: bytes, name: str | None) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InvalidDocumentError(
            Problem(f"not valid UTF-8 (byte {exc.start}); OParl JSON must be UTF-8", name, line)
        ) from None
    try:
        return load_json_text(text)
    except json.JSONDecodeError as exc:
        raise InvalidDocumentError(
            Problem(f"not valid JSON: {exc.msg} (column {exc.colno})", name, exc.lineno)
        ) from None
    except NotJsonError as exc:
        raise InvalidDocumentError(Problem(f"not valid JSON: {exc}", name)) from None
    except RecursionError:
        raise InvalidDocumentError(Problem("JSON nested too deeply", name)) from None
    except ValueError:  # an integer beyond Python's limit for digits in a string
        raise InvalidDocumentError(Problem("not valid JSON: a number is too long", name)) from None


# --------------------------------------------------------------------------- helpers


def _clean(value: Any) -> Any:
    """Empty or blank strings count as absent (removed from objects and arrays).

    Values of vendor-prefixed keys are left exactly as they are: they are kept verbatim.
    """
    if isinstance(value, dict):
        return {
            k: v if _verbatim(k) else _clean(v)
            for k, v in value.items()
            if _verbatim(k) or not _blank(v)
        }
    if isinstance(value, list):
        return [_clean(v) for v in value if not _blank(v)]
    return value


def _verbatim(key: Any) -> bool:
    return isinstance(key, str) and is_vendor_key(key) and key != EXTENSION_KEY


def _blank(value: Any) -> bool:
    # Only XML white space: ratsdok text keeps "\u00a0" (str.strip() would drop it).
    return value is None or (isinstance(value, str) and not value.strip(" \t\n\r"))


def _as_list(value: Any) -> list[Any]:
    """A single object where an array is expected is taken as a one-element array."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _type_name(obj: Mapping[str, Any]) -> str | None:
    t = obj.get("type")
    if isinstance(t, str):
        return t.rstrip("/").rsplit("/", 1)[-1]
    return None


# Characters json.dumps(ensure_ascii=False) leaves raw but ratsdok text refuses (DEL,
# C1 controls, lone surrogates, U+FFFE/U+FFFF). They can only occur inside JSON strings,
# so a \u escape keeps the text valid JSON that parses back to the same value.
_UNSAFE_IN_TEXT = re.compile("[\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _compact_json(value: Any) -> str:
    # allow_nan=False: NaN and Infinity are not JSON (only a Python mapping can hold them).
    text = json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    if not unicodedata.is_normalized("NFC", text):
        # ratsdok text is NFC; "e\u0301" must not come back as "é": escape all non-ASCII.
        text = json.dumps(
            value, ensure_ascii=True, sort_keys=True, separators=(",", ":"), allow_nan=False
        )
    return _UNSAFE_IN_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _parse_date(value: Any) -> date | None:
    """``yyyy-mm-dd`` or a date-time (``Z``, offsets, fractions, naive) → local date."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is not None and _BERLIN is not None:
        try:
            dt = dt.astimezone(_BERLIN)
        except OverflowError:  # e.g. 0001-01-01T00:00+14:00: before year 1 in Germany
            return None
    return dt.date()


# RFC 3339 date-time: offset required; more than microseconds could not be kept exactly.
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_ZEITPUNKT: TypeAdapter[datetime] = TypeAdapter(Zeitpunkt)


def _parse_timestamp(value: Any) -> datetime | None:
    """An RFC 3339 date-time with a UTC offset → aware datetime, offset kept; else None."""
    if not isinstance(value, str):
        return None
    text = value.strip(" \t\n\r")
    if not _RFC3339.fullmatch(text):
        return None
    try:
        # Python 3.11 reads "Z" but not the lower-case "t" and "z" RFC 3339 allows.
        parsed = datetime.fromisoformat(text.upper())
        return _ZEITPUNKT.validate_python(parsed)
    except ValueError:  # a day or hour out of range, an offset beyond ±14:00
        return None


def _unchanged(text: str) -> bool:
    """True when ratsdok text keeps *text* exactly (no trimming, normalising or refusal)."""
    try:
        return normalize_text(text) == text
    except ValueError:
        return False


def _parse_int(value: Any) -> int | None:
    """A non-negative integer, also as a string of ASCII digits ("1234")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str):
        text = value.strip()
        # isdigit() alone also accepts "²" and other digits int() refuses.
        if text.isascii() and text.isdigit() and len(text) <= 100:
            return int(text)
    return None


def _text_of(value: Any) -> str | None:
    """A JSON string, or an integer written as one ("reference": 12); else None.

    Other values (objects, arrays, booleans, floats) are not text; their Python
    spelling would be invented, not imported.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**100:
        return str(value)
    return None


def _parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return None


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


_ARTEN: dict[str, Vorlagenart] = {_key(a.bezeichnung): a for a in Vorlagenart}
_ARTEN.update({_key(a.value): a for a in Vorlagenart})
_ARTEN.update(
    {
        "informationsvorlage": Vorlagenart.INFORMATIONSVORLAGE,
        "mitteilungsvorlage": Vorlagenart.INFORMATIONSVORLAGE,
        "mitteilung": Vorlagenart.INFORMATIONSVORLAGE,
        "ergänzungsvorlage": Vorlagenart.ERGAENZUNGSVORLAGE,
        "änderungsvorlage": Vorlagenart.AENDERUNGSVORLAGE,
        "dringlichkeitsvorlage": Vorlagenart.DRINGLICHKEITSVORLAGE,
    }
)

_ROLLEN: dict[str, Zustaendigkeit] = {_key(z.bezeichnung): z for z in Zustaendigkeit}
_ROLLEN.update(
    {
        "beschlussfassung": Zustaendigkeit.ENTSCHEIDUNG,
        "anhoerung": Zustaendigkeit.ANHOERUNG,
        "zur kenntnisnahme": Zustaendigkeit.KENNTNISNAHME,
    }
)

# Order matters: the first pattern found in the result text wins.
_ERGEBNISSE: tuple[tuple[re.Pattern[str], Beschlussergebnis], ...] = tuple(
    (re.compile(p), e)
    for p, e in (
        (r"geändert beschlossen|mit änderung", Beschlussergebnis.GEAENDERT_BESCHLOSSEN),
        (r"abgelehnt", Beschlussergebnis.ABGELEHNT),
        (r"vertagt", Beschlussergebnis.VERTAGT),
        (r"zurückgestellt", Beschlussergebnis.ZURUECKGESTELLT),
        (r"verwiesen", Beschlussergebnis.VERWIESEN),
        (r"zurückgezogen", Beschlussergebnis.ZURUECKGEZOGEN),
        (r"kenntnis", Beschlussergebnis.ZUR_KENNTNIS_GENOMMEN),
        (r"erledigt", Beschlussergebnis.ERLEDIGT),
        (r"beschlossen|zugestimmt", Beschlussergebnis.BESCHLOSSEN),
    )
)

# Section headings STERNBERG uses instead of AgendaItem.public ("A Öffentliche Sitzung").
_SECTION = re.compile(r"(?P<nicht>nicht ?)?öffentliche[rs]? (?:sitzung|teil)")
_SECTION_PUBLIC = " section public"  # key no OParl object can have (leading space)
_RELATIONS = ("relatedPaper", "superordinatedPaper", "subordinatedPaper")
_MIME = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff/\\<>:"|?*]')
# Names Windows reserves for devices, with any extension ("nul.pdf", "COM1.txt").
_RESERVED_NAME = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)", re.IGNORECASE)


def _safe_filename(raw: str) -> str:
    """A bare, portable file name from an OParl ``fileName`` (or URL segment)."""
    name = unicodedata.normalize("NFC", raw)
    name = _UNSAFE_NAME.sub("_", name)
    # Invisible format characters (bidi controls, zero width) and line separators
    # would make the name look other than it is; ratsdok refuses them in file names.
    name = "".join("_" if unicodedata.category(c) in ("Cf", "Zl", "Zp") else c for c in name)
    while ".." in name:
        name = name.replace("..", ".")
    name = name.strip(" .\t\n\r")
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext.encode("utf-8")) > 50:  # no extension, or too long for one
        stem, ext = name, ""
    ext_part = f".{ext}" if ext else ""
    while len((stem + ext_part).encode("utf-8")) > 200 and stem:
        stem = stem[:-1]
    name = (stem.rstrip(" .") + ext_part).strip(" .")  # a cut stem may end in "."
    if _RESERVED_NAME.match(name):
        name = "_" + name
    return name or "anlage"


def _unique(name: str, used: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{stem}-{n}" + (f".{ext}" if ext else "")
    used.add(candidate.casefold())
    return candidate


class _Index(Mapping[str, dict[str, Any]]):
    """OParl objects by id, each cleaned (see :func:`_clean`) when first looked up.

    Lookups are often whole list pages (every Meeting of a body), of which a Paper
    needs a few; cleaning them all up front cost more than the import itself.
    """

    def __init__(self, raw: dict[str, dict[str, Any]]) -> None:
        self.raw = raw
        self._clean: dict[str, dict[str, Any]] = {}

    def __getitem__(self, key: str) -> dict[str, Any]:
        obj = self._clean.get(key)
        if obj is None:
            obj = self._clean[key] = _clean(self.raw[key])
        return obj

    def __contains__(self, key: object) -> bool:
        return key in self.raw

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)


def _index(objects: Lookup) -> _Index:
    """Index OParl objects by id from a mapping, objects, list pages or JSON files."""
    out: dict[str, dict[str, Any]] = {}
    if objects is None:
        return _Index(out)
    if isinstance(objects, Mapping):
        if "id" in objects or "data" in objects:
            items: Iterable[Any] = [objects]
        else:
            for k, v in objects.items():
                if isinstance(v, dict):
                    out[str(k)] = v
            return _Index(out)
    elif isinstance(objects, str | bytes | os.PathLike):
        items = [objects]
    else:
        items = objects
    for item in items:
        value = item
        if isinstance(item, str | bytes | os.PathLike):
            value, _ = load_json(item)
        for obj in _objects_of(value):
            if isinstance(obj, dict) and isinstance(obj.get("id"), str):
                out[obj["id"]] = obj
    return _Index(out)


def _objects_of(value: Any) -> list[Any]:
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        return list(value["data"])
    if isinstance(value, list):
        return value
    return [value]


# --------------------------------------------------------------------------- import


class _Importer:
    def __init__(
        self,
        meetings: Lookup,
        organizations: Lookup,
        papers: Lookup,
        consultations: Lookup = None,
        files: Lookup = None,
    ) -> None:
        self.meetings = _index(meetings)
        self.organizations = _index(organizations)
        self.papers = _index(papers)
        self.consultation_refs = _index(consultations)
        self.file_refs = _index(files)
        items: dict[str, dict[str, Any]] = {}
        self.agenda_by_consultation: dict[str, str] = {}
        for m in self.meetings.raw.values():
            # Reads the raw agenda items (blank counts as absent, as in _clean); each
            # item is cleaned only when a Consultation looks it up.
            mid = None if _blank(m.get("id")) else m.get("id")
            section: bool | None = None
            for item in _as_list(m.get("agendaItem")):
                if not isinstance(item, dict):
                    continue
                if isinstance(item.get("name"), str):
                    heading = _SECTION.fullmatch(_key(item["name"]))
                    if heading is not None and _blank(item.get("consultation")):
                        section = heading["nicht"] is None
                if isinstance(item.get("id"), str) and not _blank(item["id"]):
                    item = dict(item)
                    if section is not None:
                        item[_SECTION_PUBLIC] = section
                    if _blank(item.get("meeting")):
                        item["meeting"] = mid
                    items[item["id"]] = item
                    if isinstance(item.get("consultation"), str) and not _blank(
                        item["consultation"]
                    ):
                        self.agenda_by_consultation[item["consultation"]] = item["id"]
        self.agenda_items = _Index(items)
        self.unmapped: list[Unmapped] = []

    def note(self, path: str, reason: str, value: Any = None) -> None:
        self.unmapped.append(Unmapped(path, reason, value))

    def rest(self, obj: Mapping[str, Any], path: str, used: set[str], what: str) -> None:
        """Report every key of *obj* not in *used*."""
        for k, v in obj.items():
            if k in used or k == "type":
                continue
            if is_vendor_key(k):
                self.note(
                    f"{path}.{k}",
                    "vendor extension not kept: the key is reserved or not storable unchanged",
                    v,
                )
            else:
                self.note(f"{path}.{k}", f"{what}.{k} has no Vorlage field", v)

    def vendor(self, obj: Mapping[str, Any], used: set[str]) -> tuple[Erweiterung, ...]:
        """The vendor-prefixed keys of *obj* not in *used* as Erweiterungen, sorted by key.

        Kept keys are added to *used*. A key that would not come back unchanged (white
        space or control characters in it) or the ratsdok key is left for :meth:`rest`.
        """
        kept: list[Erweiterung] = []
        for k in sorted(k for k in obj if isinstance(k, str)):
            if not is_vendor_key(k) or k in used or k == EXTENSION_KEY:
                continue
            try:
                er = Erweiterung(schluessel=k, wert=_compact_json(obj[k]))
            except (ValidationError, ValueError):  # ValueError: NaN in a Python mapping
                continue
            if er.schluessel == k:
                kept.append(er)
                used.add(k)
        return tuple(kept)

    def quelle(self, obj: Mapping[str, Any], path: str, used: set[str]) -> Quelle | None:
        """``id``, ``web``, ``created`` and ``modified`` of *obj* as a Quelle.

        Keys it maps or reports are added to *used*. Without an ``id`` kept unchanged
        there is no Quelle, and the other keys are left for :meth:`rest`.
        """
        kennung = _text_of(obj.get("id"))
        if kennung is None or not _unchanged(kennung):
            return None
        values: dict[str, Any] = {"kennung": kennung}
        used.add("id")
        if "web" in obj:
            used.add("web")
            web = obj["web"]
            if isinstance(web, str) and _unchanged(web):
                values["web"] = web
            else:
                self.note(f"{path}.web", "not text ratsdok keeps unchanged; left out", web)
        for key, name in (("created", "erstellt"), ("modified", "geaendert")):
            if key in obj:
                used.add(key)
                values[name] = _parse_timestamp(obj[key])
                if values[name] is None:
                    self.note(
                        f"{path}.{key}",
                        "not an RFC 3339 date-time with a UTC offset; left out",
                        obj[key],
                    )
        return Quelle.model_validate(values)

    # -- paper ------------------------------------------------------------------

    def paper(self, raw: Any, path: str) -> Vorlage | None:
        if not isinstance(raw, dict):
            self.note(path, "not an OParl object", raw)
            return None
        obj = _clean(raw)
        if _parse_bool(obj.get("deleted")) is True:
            self.note(path, "deleted object skipped", obj.get("id"))
            return None
        tname = _type_name(obj)
        if tname is not None and tname != "Paper":
            self.note(path, f"not a Paper but {tname}; skipped", obj.get("type"))
            return None
        ext = obj.get(EXTENSION_KEY)
        if ext is not None and not isinstance(ext, dict):
            self.note(f"{path}.{EXTENSION_KEY}", "extension is not an object; ignored", ext)
            ext = None
        used = {"id", "reference", "name", "date", "paperType", "consultation", "mainFile"}
        used |= {"auxiliaryFile", EXTENSION_KEY}
        oid, nummer, betreff = (_text_of(obj.get(k)) for k in ("id", "reference", "name"))
        missing = [
            k for k, v in (("id", oid), ("reference", nummer), ("name", betreff)) if v is None
        ]
        if oid is None or nummer is None or betreff is None:
            self.note(
                path,
                "no text in " + ", ".join(missing) + "; a Vorlage needs it; skipped",
                obj.get("id"),
            )
            return None
        data: dict[str, Any] = {"uuid": oparl_uuid(oid), "nummer": nummer, "betreff": betreff}
        data["quelle"] = self.quelle(obj, path, used)
        if data["quelle"] is None:
            self.note(
                f"{path}.id",
                "kept only as the Vorlage UUID (UUIDv5 of the URL): not text ratsdok keeps "
                "unchanged, so no Quelle",
                oid,
            )
        if "date" in obj:
            d = _parse_date(obj["date"])
            if d is None:
                self.note(f"{path}.date", "not a date", obj["date"])
            data["datum"] = d
        if "paperType" in obj:
            art = _ARTEN.get(_key(_text_of(obj["paperType"]) or ""))
            if art is None:
                self.note(
                    f"{path}.paperType",
                    "no matching Vorlagenart; art left unknown",
                    obj["paperType"],
                )
            data["art"] = art
        under = _as_list(obj.get("underDirectionOf"))
        if under and isinstance(under[0], str) and under[0] in self.organizations:
            org = self.organizations[under[0]]
            if isinstance(org.get("name"), str):
                try:
                    data["federfuehrung"] = Organisationseinheit(name=org["name"], kennung=under[0])
                except ValidationError:
                    self.note(f"{path}.underDirectionOf[0]", "Organization name not usable", org)
                else:
                    used.add("underDirectionOf")
                for i, extra in enumerate(under[1:], 1):
                    self.note(f"{path}.underDirectionOf[{i}]", "only one Federführung", extra)
        data["beratungsfolge"] = self.consultations(obj, path)
        data["anlagen"] = self.files(obj, path)
        used |= self.relations(obj, path, data)
        if "originatorOrganization" in obj:
            used |= self.originators(obj, path, data)
        if ext is not None:
            self.extension(data, ext, path)
        data["erweiterungen"] = self.vendor(obj, used)
        self.rest(obj, path, used, "Paper")
        v = self.build(data, path)
        if v is not None and ext is not None:
            self.check_seal(v, ext, path)
        return v

    def relations(self, obj: Mapping[str, Any], path: str, data: dict[str, Any]) -> set[str]:
        """related/super-/subordinatedPaper → Bezüge ("bezieht sich auf"; OParl gives no
        direction), where the other Paper is known (same input or *papers*)."""
        bezuege: list[Bezug] = []
        for key in _RELATIONS:
            for i, url in enumerate(_as_list(obj.get(key))):
                other = self.papers.get(url) if isinstance(url, str) else None
                if other is None or _parse_bool(other.get("deleted")) is True:
                    self.note(f"{path}.{key}[{i}]", "referenced Paper not supplied", url)
                    continue
                ref = other.get("reference")
                try:
                    bezug = Bezug(
                        art=Bezugsart.BEZIEHT_SICH_AUF, nummer=ref, uuid=oparl_uuid(str(url))
                    )
                except ValidationError:
                    self.note(f"{path}.{key}[{i}]", "referenced Paper has no usable reference", url)
                    continue
                if bezug.uuid == data["uuid"] or bezug.nummer == _nummer(data["nummer"]):
                    self.note(
                        f"{path}.{key}[{i}]", "refers to a Paper with the same reference", url
                    )
                    continue
                bezuege.append(bezug)
        data["bezuege"] = tuple(bezuege)
        return set(_RELATIONS)

    def originators(self, obj: Mapping[str, Any], path: str, data: dict[str, Any]) -> set[str]:
        """originatorOrganization → Einreicher, when every organization's name is known."""
        urls = _as_list(obj.get("originatorOrganization"))
        names = [
            self.organizations.get(u, {}).get("name") if isinstance(u, str) else None for u in urls
        ]
        if urls and all(isinstance(n, str) for n in names):
            try:
                data["einreicher"] = normalize_text(", ".join(str(n) for n in names))
            except ValueError:
                return set()  # e.g. control characters: reported as not mapped
            return {"originatorOrganization"}
        return set()

    def build(self, data: dict[str, Any], path: str) -> Vorlage | None:
        """Build the Vorlage; resolve rule conflicts of real data without dropping values."""
        beratungen: list[Beratung] = list(data.get("beratungsfolge", ()))
        for _ in range(len(beratungen) + 2):
            probe = Vorlage.model_construct(**{**data, "beratungsfolge": tuple(beratungen)})
            found = [(p, m) for p, m in rule_violations(probe) if p[0] == "beratungsfolge"]
            if not found:
                break
            (_, i, fld), message = found[0]
            assert isinstance(i, int)
            if fld == "sitzungstermin":
                beratungen = _date_ordered(beratungen)
                self.note(
                    f"{path}.consultation",
                    "consultations not in date order; Beratungsfolge sorted by Sitzungstermin",
                )
            else:
                b = beratungen[i]
                self.note(
                    f"{path}.consultation[{i}]",
                    f"{message}; Zuständigkeit left unknown",
                    None if b.zustaendigkeit is None else b.zustaendigkeit.bezeichnung,
                )
                beratungen[i] = b.model_copy(update={"zustaendigkeit": None})
        data["beratungsfolge"] = tuple(beratungen)
        try:
            return Vorlage.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                self.note(path, f"cannot build a Vorlage: {loc}: {err['msg']}; skipped")
            return None

    # -- consultations -----------------------------------------------------------

    def consultations(self, paper: Mapping[str, Any], path: str) -> tuple[Beratung, ...]:
        out: list[Beratung] = []
        for i, c in enumerate(_as_list(paper.get("consultation"))):
            cpath = f"{path}.consultation[{i}]"
            if isinstance(c, str):
                if c not in self.consultation_refs:
                    self.note(cpath, "referenced Consultation not supplied; skipped", c)
                    continue
                c = self.consultation_refs[c]
            if not isinstance(c, dict):
                self.note(cpath, "not an object; skipped", c)
                continue
            if _parse_bool(c.get("deleted")) is True:
                self.note(cpath, "deleted consultation skipped", c.get("id"))
                continue
            b = self.consultation(c, cpath)
            if b is not None:
                out.append(b)
        return tuple(out)

    def consultation(self, c: Mapping[str, Any], path: str) -> Beratung | None:
        used = {"organization", "role", "authoritative", "meeting", "agendaItem"}
        meeting = self.meetings.get(_text_of(c.get("meeting")) or "")
        item = self.agenda_items.get(_text_of(c.get("agendaItem")) or "")
        if item is None and isinstance(c.get("id"), str):
            item = self.agenda_items.get(self.agenda_by_consultation.get(c["id"], ""))
        if meeting is None and item is not None:
            meeting = self.meetings.get(_text_of(item.get("meeting")) or "")
        orgs = [o for o in _as_list(c.get("organization")) if isinstance(o, str)]
        if not orgs and meeting is not None:
            orgs = [o for o in _as_list(meeting.get("organization")) if isinstance(o, str)][:1]
            if orgs:
                self.note(f"{path}.organization", "absent; Gremium taken from the Meeting")
        if not orgs:
            self.note(
                path, "no organization: the Gremium is unknown; consultation skipped", c.get("id")
            )
            return None
        org = self.organizations.get(orgs[0])
        gremium = None if org is None else org.get("name") or org.get("shortName")
        if not isinstance(gremium, str):
            gremium = orgs[0]
            self.note(
                f"{path}.organization[0]",
                "Organization not supplied; Gremium holds its URL",
                orgs[0],
            )
        for j, extra in enumerate(orgs[1:], 1):
            self.note(
                f"{path}.organization[{j}]", "co-deliberating committee has no Vorlage field", extra
            )
        data: dict[str, Any] = {"gremium": gremium}
        # Zuständigkeit
        role, auth = c.get("role"), _parse_bool(c.get("authoritative"))
        if role is not None:
            z = _ROLLEN.get(_key(_text_of(role) or ""))
            if z is None:
                self.note(f"{path}.role", "no matching Zuständigkeit; left unknown", role)
            data["zustaendigkeit"] = z
            if auth is not None and z is not None and auth != (z is Zustaendigkeit.ENTSCHEIDUNG):
                self.note(f"{path}.authoritative", f"contradicts role {role!r}; role kept", auth)
        elif auth is True:
            data["zustaendigkeit"] = Zustaendigkeit.ENTSCHEIDUNG
        elif auth is False:
            self.note(f"{path}.authoritative", "false without role: Zuständigkeit unknown", auth)
        # Meeting
        if c.get("meeting") is not None and meeting is None:
            self.note(
                f"{path}.meeting", "Meeting not supplied; Sitzungstermin unknown", c["meeting"]
            )
        if meeting is not None:
            start = meeting.get("start")
            d = _parse_date(start)
            if d is None and item is not None:
                d = _parse_date(item.get("start"))
            if d is None:
                self.note(
                    f"{path}.meeting", "Meeting has no usable start; Sitzungstermin unknown", start
                )
            data["sitzungstermin"] = d
        # Agenda item
        if c.get("agendaItem") is not None and item is None:
            self.note(f"{path}.agendaItem", "AgendaItem not supplied", c["agendaItem"])
        if item is not None:
            public = _parse_bool(item.get("public"))
            if public is None and item.get(_SECTION_PUBLIC) is not None:
                public = bool(item[_SECTION_PUBLIC])
                self.note(
                    f"{path}.agendaItem",
                    "no public flag; Sitzungsart taken from the section heading before the item",
                )
            if public is not None:
                data["sitzungsart"] = (
                    Sitzungsart.OEFFENTLICH if public else Sitzungsart.NICHTOEFFENTLICH
                )
            top = _text_of(item.get("number"))
            if top is not None:
                data["tagesordnungspunkt"] = top
            elif item.get("number") is not None:
                self.note(f"{path}.agendaItem.number", "not text", item["number"])
            data["ergebnis"] = self.result(item, path)
        data["quelle"] = self.quelle(c, path, used)
        data["erweiterungen"] = self.vendor(c, used)
        self.rest(c, path, used, "Consultation")
        try:
            return Beratung.model_validate(data)
        except ValidationError as exc:
            self.note(
                path, f"cannot build a Beratung: {exc.errors()[0]['msg']}; skipped", c.get("id")
            )
            return None

    def result(self, item: Mapping[str, Any], path: str) -> Ergebnis | None:
        text = item.get("result")
        if not isinstance(text, str):
            if item.get("resolutionText") is not None:
                self.note(f"{path}.agendaItem.resolutionText", "no result code to attach it to")
            return None
        lowered = _key(text)
        code = next((e for p, e in _ERGEBNISSE if p.search(lowered)), None)
        if code is None:
            self.note(f"{path}.agendaItem.result", "no matching Beschlussergebnis", text)
            return None
        if _key(code.bezeichnung) != lowered:
            self.note(
                f"{path}.agendaItem.result", f"wording not stored, mapped to {code.value!r}", text
            )
        beschlusstext = item.get("resolutionText")
        try:
            return Ergebnis(beschlussergebnis=code, beschlusstext=beschlusstext)
        except ValidationError:
            self.note(f"{path}.agendaItem.resolutionText", "not usable text", beschlusstext)
            return Ergebnis(beschlussergebnis=code)

    # -- files -------------------------------------------------------------------

    def files(self, paper: Mapping[str, Any], path: str) -> tuple[Anlage, ...]:
        entries: list[tuple[str, Any]] = []
        if paper.get("mainFile") is not None:
            entries.append((f"{path}.mainFile", paper["mainFile"]))
        for i, f in enumerate(_as_list(paper.get("auxiliaryFile"))):
            entries.append((f"{path}.auxiliaryFile[{i}]", f))
        out: list[Anlage] = []
        used_names: set[str] = set()
        for fpath, f in entries:
            if isinstance(f, str):
                if f not in self.file_refs:
                    self.note(fpath, "referenced File not supplied; skipped", f)
                    continue
                f = self.file_refs[f]
            if not isinstance(f, dict):
                self.note(fpath, "not an object; skipped", f)
                continue
            if _parse_bool(f.get("deleted")) is True:
                self.note(fpath, "deleted file skipped", f.get("id"))
                continue
            a = self.file(f, fpath, len(out) + 1, used_names)
            if a is not None:
                out.append(a)
        return tuple(out)

    def file(self, f: Mapping[str, Any], path: str, nummer: int, names: set[str]) -> Anlage | None:
        used = {"name", "fileName", "mimeType", "size"}
        medientyp = "application/octet-stream"
        mime = f.get("mimeType")
        if isinstance(mime, str):
            candidate = mime.split(";", 1)[0].strip().lower()
            if _MIME.fullmatch(candidate):
                medientyp = candidate
            else:
                self.note(
                    f"{path}.mimeType", "not a media type; application/octet-stream used", mime
                )
        raw_name = f.get("fileName")
        if not isinstance(raw_name, str):
            for key in ("downloadUrl", "accessUrl"):
                url = f.get(key)
                if isinstance(url, str):
                    seg = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
                    if "." in seg:
                        raw_name = seg
                        self.note(f"{path}.fileName", f"absent; file name taken from {key}")
                        break
        if not isinstance(raw_name, str):
            ext = mimetypes.guess_extension(medientyp) or ""
            raw_name = f"anlage-{nummer}{ext}"
            self.note(f"{path}.fileName", f"absent; file name {raw_name!r} used")
        dateiname = _unique(_safe_filename(raw_name), names)
        if dateiname != raw_name:
            self.note(f"{path}.fileName", f"stored as {dateiname!r}", raw_name)
        titel = f.get("name")
        if not isinstance(titel, str):
            titel = raw_name
            self.note(f"{path}.name", "absent; the file name is used as Titel")
        groesse = _parse_int(f.get("size"))
        if f.get("size") is not None and groesse is None:
            self.note(f"{path}.size", "not a byte count", f.get("size"))
        quelle = self.quelle(f, path, used)
        erweiterungen = self.vendor(f, used)
        self.rest(f, path, used, "File")
        try:
            return Anlage(
                nummer=nummer,
                titel=titel,
                dateiname=dateiname,
                medientyp=medientyp,
                groesse=groesse,
                oeffentlich=True,
                quelle=quelle,
                erweiterungen=erweiterungen,
            )
        except ValidationError as exc:
            self.note(
                path, f"cannot build an Anlage: {exc.errors()[0]['msg']}; skipped", f.get("id")
            )
            return None

    # -- ratsdok extension ---------------------------------------------------------

    def extension(self, data: dict[str, Any], ext: Mapping[str, Any], ppath: str) -> None:
        """Restore ratsdok-only data written by :func:`~ratsdok.oparl.export_paper`.

        Notes about OParl values the extension restores are withdrawn; notes about
        values it does not carry stay. The Quellen come from the extension too (absent
        there: none), as it names the original source; the Paper's own ``id``,
        ``web``, ``created`` and ``modified`` are those of the export.
        """
        path = f"{ppath}.{EXTENSION_KEY}"
        new = dict(data)
        restored_lists: list[str] = []
        ignored: list[tuple[str, str]] = []
        try:
            if "uuid" in ext:
                new["uuid"] = UUID(str(ext["uuid"]))
            for key in ("art", "koerperschaft", "einreicher"):
                if key in ext:
                    new[key] = ext[key]
            if "federfuehrung" in ext:
                new["federfuehrung"] = Organisationseinheit.model_validate(ext["federfuehrung"])
            new["quelle"] = Quelle.model_validate(ext["quelle"]) if "quelle" in ext else None
            for key, model in (
                ("abschnitte", Abschnitt),
                ("unterzeichnungen", Unterzeichnung),
                ("bezuege", Bezug),
            ):
                if key in ext:
                    new[key] = tuple(model.model_validate(x) for x in _as_list(ext[key]))
            for key, model2, oparl_key in (
                ("beratungsfolge", Beratung, "consultation"),
                ("anlagen", Anlage, "auxiliaryFile"),
            ):
                if key not in ext:
                    continue
                restored = tuple(model2.model_validate(x) for x in _as_list(ext[key]))
                objects = data.get(key, ())
                if len(restored) == len(objects):
                    # Vendor keys live on the OParl objects, not in the extension.
                    new[key] = tuple(
                        r.model_copy(update={"erweiterungen": o.erweiterungen})
                        for r, o in zip(restored, objects, strict=True)
                    )
                    ignored += [
                        (f"{path}.{key}[{i}].erweiterungen", oparl_key)
                        for i, (r, o) in enumerate(zip(restored, objects, strict=True))
                        if r.erweiterungen and r.erweiterungen != o.erweiterungen
                    ]
                    restored_lists.append(oparl_key)
                else:
                    self.note(
                        f"{path}.{key}",
                        "does not match the OParl objects one to one; OParl fields used",
                        ext[key],
                    )
            # Values that pass their own model may still not make a Vorlage (a bad "art",
            # a self-Bezug, two Anlagen with one number): then the OParl fields are used.
            # Beratungsfolge rules are left to build(), which resolves them.
            Vorlage.model_validate({**new, "beratungsfolge": ()})
        except (ValidationError, ValueError, TypeError) as exc:
            why = str(exc)
            if isinstance(exc, ValidationError):
                err = exc.errors()[0]
                why = ".".join(str(p) for p in err["loc"]) + ": " + err["msg"]
            self.note(path, f"ratsdok extension not usable ({why}); OParl fields used", dict(ext))
            return
        data.update(new)
        for epath, oparl_key in ignored:
            self.note(epath, f"ignored; the vendor keys of the {oparl_key} object are kept")
        resolved = [f"{ppath}.{k}" for k in (*restored_lists, "web", "created", "modified")]
        if "bezuege" in ext:
            resolved += [f"{ppath}.{k}" for k in _RELATIONS]
        if "art" in ext:
            resolved.append(f"{ppath}.paperType")
        self.unmapped = [
            u
            for u in self.unmapped
            if "has no Vorlage field" in u.reason
            or "kept only" in u.reason
            or "vendor extension" in u.reason
            or not any(u.path.startswith(r) for r in resolved)
        ]

    def check_seal(self, v: Vorlage, ext: Mapping[str, Any], ppath: str) -> None:
        """Compare the seal the extension records with that of the restored Vorlage.

        ``pruefsumme_oparl`` (written when the Paper does not carry all of the Vorlage)
        is the seal of what import restores, else ``pruefsumme`` that of the Vorlage.
        """
        key = "pruefsumme_oparl" if "pruefsumme_oparl" in ext else "pruefsumme"
        if key not in ext:
            return
        recorded, actual = ext[key], seal_of(v)[0]
        if recorded != actual:
            self.note(
                f"{ppath}.{EXTENSION_KEY}.{key}",
                "the OParl data no longer matches the Vorlage it was exported from (the "
                f"extension records the seal {recorded}, the imported Vorlage has {actual}); "
                "imported as it is",
                recorded,
            )


def _nummer(text: str) -> Drucksachennummer | None:
    try:
        return Drucksachennummer(text)
    except ValueError:
        return None


def _date_ordered(beratungen: list[Beratung]) -> list[Beratung]:
    """Stable sort by Sitzungstermin; undated steps stay after their predecessor."""
    keyed: list[tuple[date, int, Beratung]] = []
    last = date.min
    for i, b in enumerate(beratungen):
        if b.sitzungstermin is not None:
            last = b.sitzungstermin
        keyed.append((last, i, b))
    return [b for _, _, b in sorted(keyed, key=lambda t: (t[0], t[1]))]


def import_paper(
    data: JsonSource,
    *,
    meetings: Lookup = None,
    organizations: Lookup = None,
    papers: Lookup = None,
    consultations: Lookup = None,
    files: Lookup = None,
) -> ImportResult:
    """Import OParl Paper objects into Vorlagen.

    *data* is a Paper object, a list page (``{"data": [...]}``), a list of
    Papers, JSON bytes, or a path to a JSON file. The other arguments are
    optional lookups: a mapping id → object, or an iterable of objects, list
    pages or JSON file paths. *meetings* and *organizations* fill in
    Sitzungstermin, Sitzungsart and Gremium; *papers* resolves
    ``relatedPaper``/``superordinatedPaper``/``subordinatedPaper`` into Bezüge
    (Papers of the input itself are always known); *consultations* and *files*
    resolve Consultations and Files that a Paper references by URL instead of
    embedding them. Invalid JSON raises
    :class:`~ratsdok.errors.InvalidDocumentError` naming the file and line.
    """
    value, name = load_json(data)
    try:
        imp = _Importer(meetings, organizations, papers, consultations, files)
        return _import(value, name, imp)
    except RecursionError:
        # JSON the parser accepted, or a Python object, nested deeper than the import can walk.
        raise InvalidDocumentError(Problem("JSON nested too deeply", name)) from None


def _import(value: Any, name: str | None, imp: _Importer) -> ImportResult:
    vorlagen: list[Vorlage] = []
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        items = [(f"$.data[{i}]", p) for i, p in enumerate(value["data"])]
    elif isinstance(value, list):
        items = [(f"$[{i}]", p) for i, p in enumerate(value)]
    elif isinstance(value, dict):
        items = [("$", value)]
    else:
        raise InvalidDocumentError(Problem("expected an OParl Paper or a list of Papers", name))
    for _, p in items:
        if isinstance(p, dict) and isinstance(p.get("id"), str):
            imp.papers.raw.setdefault(p["id"], p)
    for path, p in items:
        v = imp.paper(p, path)
        if v is not None:
            vorlagen.append(v)
    return ImportResult(tuple(vorlagen), tuple(imp.unmapped), name)
