"""Files of a Paper read as Anlagen: ``mainFile``, then ``auxiliaryFile``, numbered 1…n.

Anlagen are public (OParl publishes public data only); file names are made safe and
unique (:mod:`.names`); see ``docs/oparl-mapping.md#field-mapping``.
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
from ratsdok.interop.oparl.names import safe_filename, unique
from ratsdok.interop.oparl.quellen import quelle_of
from ratsdok.interop.oparl.unmapped import Notes
from ratsdok.interop.oparl.values import parse_int
from ratsdok.model.text import MEDIENTYP_PATTERN
from ratsdok.model.vorlage import Anlage

__all__ = ["anlagen_of"]


def anlagen_of(
    paper: Mapping[str, Any], path: str, lookups: Lookups, notes: Notes
) -> tuple[Anlage, ...]:
    """The Anlagen of the Paper's Files; unknown, deleted or unusable ones are skipped."""
    entries: list[tuple[str, Any]] = []
    if paper.get("mainFile") is not None:
        entries.append((f"{path}.mainFile", paper["mainFile"]))
    for i, f in enumerate(as_list(paper.get("auxiliaryFile"))):
        entries.append((f"{path}.auxiliaryFile[{i}]", f))
    out: list[Anlage] = []
    used_names: set[str] = set()
    for fpath, f in resolved(entries, lookups.files, "File", notes):
        a = _anlage(f, fpath, len(out) + 1, used_names, notes)
        if a is not None:
            out.append(a)
    return tuple(out)


def _anlage(
    f: Mapping[str, Any], path: str, nummer: int, names: set[str], notes: Notes
) -> Anlage | None:
    used = {"name", "fileName", "mimeType", "size"}
    medientyp = "application/octet-stream"
    mime = f.get("mimeType")
    if isinstance(mime, str):
        candidate = mime.split(";", 1)[0].strip().lower()
        if MEDIENTYP_PATTERN.fullmatch(candidate):
            medientyp = candidate
        else:
            notes.note(f"{path}.mimeType", "not a media type; application/octet-stream used", mime)
    raw_name = f.get("fileName")
    if not isinstance(raw_name, str):
        for key in ("downloadUrl", "accessUrl"):
            url = f.get(key)
            if isinstance(url, str):
                seg = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
                if "." in seg:
                    raw_name = seg
                    notes.note(f"{path}.fileName", f"absent; file name taken from {key}")
                    break
    if not isinstance(raw_name, str):
        ext = mimetypes.guess_extension(medientyp) or ""
        raw_name = f"anlage-{nummer}{ext}"
        notes.note(f"{path}.fileName", f"absent; file name {raw_name!r} used")
    dateiname = unique(safe_filename(raw_name), names)
    if dateiname != raw_name:
        notes.note(f"{path}.fileName", f"stored as {dateiname!r}", raw_name)
    titel = f.get("name")
    if not isinstance(titel, str):
        titel = raw_name
        notes.note(f"{path}.name", "absent; the file name is used as Titel")
    groesse = parse_int(f.get("size"))
    if f.get("size") is not None and groesse is None:
        notes.note(f"{path}.size", "not a byte count", f.get("size"))
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
