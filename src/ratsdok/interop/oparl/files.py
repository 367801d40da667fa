"""Files of a Paper: ``mainFile`` read as the Hauptdokument, ``auxiliaryFile`` as Anlagen 1…n.

Anlagen are public (OParl publishes public data only); file names are made safe and
unique (:mod:`.names`); a File without a URL to fetch it from (no ``accessUrl`` or
``downloadUrl``) is an Anlage known by its title only; see
``docs/oparl-mapping.md#field-mapping``.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from pydantic import ValidationError

from ratsdok.interop.oparl.erweiterungen import vendor_erweiterungen
from ratsdok.interop.oparl.json_input import as_list
from ratsdok.interop.oparl.lookups import Lookups, resolved
from ratsdok.interop.oparl.quellen import quelle_of
from ratsdok.interop.oparl.unmapped import Notes
from ratsdok.interop.oparl.values import parse_int, unchanged
from ratsdok.model.dateiname import make_portable, make_unique
from ratsdok.model.text import MEDIENTYP_PATTERN
from ratsdok.model.vorlage import Anlage, Hauptdokument

__all__ = ["FILE_URLS", "anlagen_of", "hauptdokument_of"]

FILE_URLS = ("downloadUrl", "accessUrl")
"""The File properties that say where its bytes are (either makes it a file)."""

# Where an Anlage without a file can be found, in this order (OParl File properties).
_VERWEIS_URLS = ("externalServiceUrl", "web")


def hauptdokument_of(
    paper: Mapping[str, Any], path: str, lookups: Lookups, notes: Notes, names: set[str]
) -> Hauptdokument | None:
    """The Paper's ``mainFile`` as the Hauptdokument (the file that is the Vorlage).

    Its file name is added to *names*, so the Anlagen get other names. A mainFile
    without a URL to fetch it from has no file to be the Vorlage; it is reported.
    """
    if paper.get("mainFile") is None:
        return None
    for fpath, f in resolved(
        [(f"{path}.mainFile", paper["mainFile"])], lookups.files, "File", notes
    ):
        if not _has_file(f):
            notes.note(
                fpath,
                "no accessUrl or downloadUrl: no file to be the Hauptdokument; skipped",
                f.get("id"),
            )
            return None
        used = {"fileName", "mimeType", "size"}
        medientyp = _medientyp(f, fpath, notes)
        _, dateiname = _dateiname(f, fpath, "vorlage", medientyp, names, notes)
        groesse = _groesse(f, fpath, notes)
        quelle = quelle_of(f, fpath, used, notes)
        erweiterungen = vendor_erweiterungen(f, used)
        if "name" in f:
            used.add("name")
            notes.note(f"{fpath}.name", "File.name has no Hauptdokument field", f["name"])
        notes.rest(f, fpath, used, "File")
        try:
            return Hauptdokument(
                dateiname=dateiname,
                medientyp=medientyp,
                groesse=groesse,
                quelle=quelle,
                erweiterungen=erweiterungen,
            )
        except ValidationError as exc:
            notes.note(
                fpath,
                f"cannot build the Hauptdokument: {exc.errors()[0]['msg']}; skipped",
                f.get("id"),
            )
    return None


def anlagen_of(
    paper: Mapping[str, Any], path: str, lookups: Lookups, notes: Notes, names: set[str]
) -> tuple[Anlage, ...]:
    """The Anlagen of the Paper's ``auxiliaryFile``; unknown, deleted or unusable ones are
    skipped. *names* holds the file names already taken (the Hauptdokument's)."""
    entries = [
        (f"{path}.auxiliaryFile[{i}]", f) for i, f in enumerate(as_list(paper.get("auxiliaryFile")))
    ]
    out: list[Anlage] = []
    for fpath, f in resolved(entries, lookups.files, "File", notes):
        a = _anlage(f, fpath, len(out) + 1, names, notes)
        if a is not None:
            out.append(a)
    return tuple(out)


def _has_file(f: Mapping[str, Any]) -> bool:
    return any(isinstance(f.get(k), str) for k in FILE_URLS)


def _medientyp(f: Mapping[str, Any], path: str, notes: Notes) -> str:
    mime = f.get("mimeType")
    if isinstance(mime, str):
        candidate = mime.split(";", 1)[0].strip().lower()
        if MEDIENTYP_PATTERN.fullmatch(candidate):
            return candidate
        notes.note(f"{path}.mimeType", "not a media type; application/octet-stream used", mime)
    return "application/octet-stream"


def _dateiname(
    f: Mapping[str, Any], path: str, stem: str, medientyp: str, names: set[str], notes: Notes
) -> tuple[str, str]:
    """``fileName``, else the last segment of a URL, else *stem* and a guessed extension
    (the raw name), and that name made safe and unique in *names*."""
    raw_name = f.get("fileName")
    if not isinstance(raw_name, str):
        for key in FILE_URLS:
            url = f.get(key)
            if isinstance(url, str):
                seg = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
                if "." in seg:
                    raw_name = seg
                    notes.note(f"{path}.fileName", f"absent; file name taken from {key}")
                    break
    if not isinstance(raw_name, str):
        ext = mimetypes.guess_extension(medientyp) or ""
        raw_name = f"{stem}{ext}"
        notes.note(f"{path}.fileName", f"absent; file name {raw_name!r} used")
    dateiname = make_unique(make_portable(raw_name), names)
    if dateiname != raw_name:
        notes.note(f"{path}.fileName", f"stored as {dateiname!r}", raw_name)
    return raw_name, dateiname


def _groesse(f: Mapping[str, Any], path: str, notes: Notes) -> int | None:
    groesse = parse_int(f.get("size"))
    if f.get("size") is not None and groesse is None:
        notes.note(f"{path}.size", "not a byte count", f.get("size"))
    return groesse


def _titel(f: Mapping[str, Any], path: str, fallback: str | None, notes: Notes) -> str | None:
    """``name``, else *fallback* (reported as used instead)."""
    titel = f.get("name")
    if isinstance(titel, str):
        return titel
    if fallback is not None:
        notes.note(f"{path}.name", "absent; the file name is used as Titel")
    return fallback


def _anlage(
    f: Mapping[str, Any], path: str, nummer: int, names: set[str], notes: Notes
) -> Anlage | None:
    if not _has_file(f):
        return _anlage_ohne_datei(f, path, nummer, notes)
    used = {"name", "fileName", "mimeType", "size"}
    medientyp = _medientyp(f, path, notes)
    raw_name, dateiname = _dateiname(f, path, f"anlage-{nummer}", medientyp, names, notes)
    titel = _titel(f, path, raw_name, notes) or raw_name
    groesse = _groesse(f, path, notes)
    quelle = quelle_of(f, path, used, notes)
    erweiterungen = vendor_erweiterungen(f, used)
    notes.rest(f, path, used, "File")
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
        notes.note(path, f"cannot build an Anlage: {exc.errors()[0]['msg']}; skipped", f.get("id"))
        return None


def _anlage_ohne_datei(f: Mapping[str, Any], path: str, nummer: int, notes: Notes) -> Anlage | None:
    """A File without a URL to fetch it from: an Anlage known by its title only, with a
    ``verweis`` where the File names a page or service to find it."""
    used = {"name"}
    titel = _titel(f, path, None, notes)
    if titel is None:
        raw = f.get("fileName")
        titel = raw if isinstance(raw, str) else None
        if titel is not None:
            used.add("fileName")
            notes.note(f"{path}.name", "absent; the file name is used as Titel")
    quelle = quelle_of(f, path, used, notes)
    verweis = next(
        (f[k] for k in _VERWEIS_URLS if isinstance(f.get(k), str) and unchanged(f[k])), None
    )
    if verweis is not None:
        # web may be the Quelle's as well; it is the page where people find the Anlage.
        used.update(k for k in _VERWEIS_URLS if f.get(k) == verweis)
    erweiterungen = vendor_erweiterungen(f, used)
    for k in ("fileName", "mimeType", "size"):
        if k in f and k not in used:
            used.add(k)
            notes.note(
                f"{path}.{k}",
                "no accessUrl or downloadUrl: the Anlage has no file, so no "
                + {"fileName": "file name", "mimeType": "media type", "size": "size"}[k],
                f[k],
            )
    notes.rest(f, path, used, "File")
    if titel is None:
        notes.note(path, "no name and no file: nothing to name the Anlage by; skipped", f.get("id"))
        return None
    try:
        return Anlage(
            nummer=nummer,
            titel=titel,
            oeffentlich=True,
            verweis=verweis,
            quelle=quelle,
            erweiterungen=erweiterungen,
        )
    except ValidationError as exc:
        notes.note(path, f"cannot build an Anlage: {exc.errors()[0]['msg']}; skipped", f.get("id"))
        return None
