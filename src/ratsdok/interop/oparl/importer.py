"""Lenient import of OParl 1.0/1.1 ``Paper`` objects into Vorlagen.

Import what is there, invent nothing, report the rest
(``docs/oparl-mapping.md#import-rules``; fields in
``docs/oparl-mapping.md#field-mapping``, servers' habits in
``docs/oparl-mapping.md#real-data-quirks``). This module maps the Paper itself and
resolves conflicts of real data with the model rules; the parts:

* :mod:`.json_input` parses the input, :mod:`.lookups` indexes the objects it refers to;
* :mod:`.values` and :mod:`.codes` read scalars and wording;
* :mod:`.consultations`, :mod:`.files` and :mod:`.bezuege` map the Beratungsfolge, the
  Hauptdokument and the Anlagen, and the Bezüge; :mod:`.quellen` and :mod:`.erweiterungen`
  the Quelle and the vendor keys of each object;
* :mod:`.extension` restores what :func:`~ratsdok.oparl.export_paper` wrote and checks
  its seal; :mod:`.unmapped` collects what was not taken over.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from ratsdok.errors import InvalidDocumentError, Problem
from ratsdok.interop.oparl.bezuege import RELATIONS, bezuege_of
from ratsdok.interop.oparl.codes import vorlagenart_of
from ratsdok.interop.oparl.common import EXTENSION_KEY, oparl_uuid
from ratsdok.interop.oparl.consultations import beratungsfolge_of
from ratsdok.interop.oparl.erweiterungen import compact_json, vendor_erweiterungen
from ratsdok.interop.oparl.extension import check_seal, restore
from ratsdok.interop.oparl.files import anlagen_of, hauptdokument_of
from ratsdok.interop.oparl.json_input import JsonSource, as_list, clean, load_json, type_name
from ratsdok.interop.oparl.lookups import Lookup, Lookups, index
from ratsdok.interop.oparl.quellen import quelle_of
from ratsdok.interop.oparl.unmapped import Notes, Unmapped
from ratsdok.interop.oparl.values import parse_bool, parse_date, text_of
from ratsdok.model.text import normalize_text
from ratsdok.model.vorlage import Beratung, Organisationseinheit, Vorlage, rule_violations
from ratsdok.report import Check, Kind, Report, Status

__all__ = ["ImportResult", "PaperImporter", "Unmapped", "import_paper", "load_json"]

# The names these had here before the split; tests import _compact_json and replace
# _index (looked up here when an import starts, inside import_paper's guard).
_compact_json = compact_json
_index = index


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


class _Importer:
    """Maps Papers to Vorlagen with one set of lookups, noting what it cannot map."""

    def __init__(
        self,
        meetings: Lookup,
        organizations: Lookup,
        papers: Lookup,
        consultations: Lookup = None,
        files: Lookup = None,
    ) -> None:
        self.lookups = Lookups(
            _index(meetings),
            _index(organizations),
            _index(papers),
            _index(consultations),
            _index(files),
        )
        self.notes = Notes()

    def paper(self, raw: Any, path: str) -> Vorlage | None:
        notes, lookups = self.notes, self.lookups
        if not isinstance(raw, dict):
            notes.note(path, "not an OParl object", raw)
            return None
        obj = clean(raw)
        if parse_bool(obj.get("deleted")) is True:
            notes.note(path, "deleted object skipped", obj.get("id"))
            return None
        tname = type_name(obj)
        if tname is not None and tname != "Paper":
            notes.note(path, f"not a Paper but {tname}; skipped", obj.get("type"))
            return None
        ext = obj.get(EXTENSION_KEY)
        if ext is not None and not isinstance(ext, dict):
            notes.note(f"{path}.{EXTENSION_KEY}", "extension is not an object; ignored", ext)
            ext = None
        used = {"id", "reference", "name", "date", "paperType", "consultation", "mainFile"}
        used |= {"auxiliaryFile", EXTENSION_KEY}
        oid, nummer, betreff = (text_of(obj.get(k)) for k in ("id", "reference", "name"))
        missing = [
            k for k, v in (("id", oid), ("reference", nummer), ("name", betreff)) if v is None
        ]
        if oid is None or nummer is None or betreff is None:
            notes.note(
                path,
                "no text in " + ", ".join(missing) + "; a Vorlage needs it; skipped",
                obj.get("id"),
            )
            return None
        data: dict[str, Any] = {"uuid": oparl_uuid(oid), "nummer": nummer, "betreff": betreff}
        data["quelle"] = quelle_of(obj, path, used, notes)
        if data["quelle"] is None:
            notes.note(
                f"{path}.id",
                "kept only as the Vorlage UUID (UUIDv5 of the URL): not text ratsdok keeps "
                "unchanged, so no Quelle",
                oid,
            )
        if "date" in obj:
            d = parse_date(obj["date"])
            if d is None:
                notes.note(f"{path}.date", "not a date", obj["date"])
            data["datum"] = d
        if "paperType" in obj:
            art = vorlagenart_of(text_of(obj["paperType"]) or "")
            if art is None:
                notes.note(
                    f"{path}.paperType",
                    "no matching Vorlagenart; art left unknown",
                    obj["paperType"],
                )
            data["art"] = art
        under = as_list(obj.get("underDirectionOf"))
        if under and isinstance(under[0], str) and under[0] in lookups.organizations:
            org = lookups.organizations[under[0]]
            if isinstance(org.get("name"), str):
                try:
                    data["federfuehrung"] = Organisationseinheit(name=org["name"], kennung=under[0])
                except ValidationError:
                    notes.note(f"{path}.underDirectionOf[0]", "Organization name not usable", org)
                else:
                    used.add("underDirectionOf")
                for i, extra in enumerate(under[1:], 1):
                    notes.note(f"{path}.underDirectionOf[{i}]", "only one Federführung", extra)
        data["beratungsfolge"] = beratungsfolge_of(obj, path, lookups, notes)
        names: set[str] = set()  # file names taken: the Hauptdokument's, then the Anlagen's
        data["hauptdokument"] = hauptdokument_of(obj, path, lookups, notes, names)
        data["anlagen"] = anlagen_of(obj, path, lookups, notes, names)
        data["bezuege"] = bezuege_of(obj, path, data["uuid"], nummer, lookups, notes)
        used |= set(RELATIONS)
        if "originatorOrganization" in obj:
            used |= self.originators(obj, data)
        if ext is not None:
            restore(data, ext, path, notes)
        data["erweiterungen"] = vendor_erweiterungen(obj, used)
        notes.rest(obj, path, used, "Paper")
        v = self.build(data, path)
        if v is not None and ext is not None:
            check_seal(v, ext, path, notes)
        return v

    def originators(self, obj: dict[str, Any], data: dict[str, Any]) -> set[str]:
        """originatorOrganization → Einreicher, when every organization's name is known."""
        urls = as_list(obj.get("originatorOrganization"))
        names = [
            self.lookups.organizations.get(u, {}).get("name") if isinstance(u, str) else None
            for u in urls
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
                self.notes.note(
                    f"{path}.consultation",
                    "consultations not in date order; Beratungsfolge sorted by Sitzungstermin",
                )
            else:
                b = beratungen[i]
                self.notes.note(
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
                self.notes.note(path, f"cannot build a Vorlage: {loc}: {err['msg']}; skipped")
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


class PaperImporter:
    """Imports Papers one at a time with one set of lookups, indexed once (for a whole
    dump, where :func:`import_paper` would index the lookups for every Paper).

    The lookups are those of :func:`import_paper`; *papers* needs only each Paper's
    ``id``, ``reference`` and ``deleted`` (for the Bezüge).
    """

    def __init__(
        self,
        *,
        meetings: Lookup = None,
        organizations: Lookup = None,
        papers: Lookup = None,
        consultations: Lookup = None,
        files: Lookup = None,
    ) -> None:
        self._imp = _Importer(meetings, organizations, papers, consultations, files)

    def import_paper(self, obj: Any, path: str = "$", source: str | None = None) -> ImportResult:
        """The Vorlage of the Paper *obj* (none where it is skipped) and its unmapped
        values, whose JSON paths begin with *path* (its place in *source*)."""
        self._imp.notes = Notes()
        try:
            v = self._imp.paper(obj, path)
        except RecursionError:
            raise InvalidDocumentError(Problem("JSON nested too deeply", source)) from None
        return ImportResult(() if v is None else (v,), tuple(self._imp.notes.unmapped), source)


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
            imp.lookups.papers.raw.setdefault(p["id"], p)
    for path, p in items:
        v = imp.paper(p, path)
        if v is not None:
            vorlagen.append(v)
    return ImportResult(tuple(vorlagen), tuple(imp.notes.unmapped), name)
