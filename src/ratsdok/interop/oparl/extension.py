"""The ratsdok extension object of an exported Paper, read back on import.

A usable extension restores the Vorlage exactly (with the Quellen it records); its
seal shows whether the Paper was changed after export
(``docs/oparl-mapping.md#the-ratsdok-extension``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from ratsdok.integrity.seal import seal_of
from ratsdok.interop.oparl.bezuege import RELATIONS
from ratsdok.interop.oparl.common import EXTENSION_KEY
from ratsdok.interop.oparl.json_input import as_list
from ratsdok.interop.oparl.unmapped import Notes
from ratsdok.model.vorlage import (
    Abschnitt,
    Anlage,
    Beratung,
    Bezug,
    Organisationseinheit,
    Quelle,
    Unterzeichnung,
    Vorlage,
)

__all__ = ["check_seal", "restore"]


def restore(data: dict[str, Any], ext: Mapping[str, Any], ppath: str, notes: Notes) -> None:
    """Restore ratsdok-only data written by :func:`~ratsdok.oparl.export_paper` into *data*.

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
                new[key] = tuple(model.model_validate(x) for x in as_list(ext[key]))
        for key, model2, oparl_key in (
            ("beratungsfolge", Beratung, "consultation"),
            ("anlagen", Anlage, "auxiliaryFile"),
        ):
            if key not in ext:
                continue
            restored = tuple(model2.model_validate(x) for x in as_list(ext[key]))
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
                notes.note(
                    f"{path}.{key}",
                    "does not match the OParl objects one to one; OParl fields used",
                    ext[key],
                )
        # Values that pass their own model may still not make a Vorlage (a bad "art",
        # a self-Bezug, two Anlagen with one number): then the OParl fields are used.
        # Beratungsfolge rules are left to the Paper's build, which resolves them.
        Vorlage.model_validate({**new, "beratungsfolge": ()})
    except (ValidationError, ValueError, TypeError) as exc:
        why = str(exc)
        if isinstance(exc, ValidationError):
            err = exc.errors()[0]
            why = ".".join(str(p) for p in err["loc"]) + ": " + err["msg"]
        notes.note(path, f"ratsdok extension not usable ({why}); OParl fields used", dict(ext))
        return
    data.update(new)
    for epath, oparl_key in ignored:
        notes.note(epath, f"ignored; the vendor keys of the {oparl_key} object are kept")
    resolved = [f"{ppath}.{k}" for k in (*restored_lists, "web", "created", "modified")]
    if "bezuege" in ext:
        resolved += [f"{ppath}.{k}" for k in RELATIONS]
    if "art" in ext:
        resolved.append(f"{ppath}.paperType")
    notes.unmapped = [
        u
        for u in notes.unmapped
        if "has no Vorlage field" in u.reason
        or "kept only" in u.reason
        or "vendor extension" in u.reason
        or not any(u.path.startswith(r) for r in resolved)
    ]


def check_seal(v: Vorlage, ext: Mapping[str, Any], ppath: str, notes: Notes) -> None:
    """Compare the seal the extension records with that of the restored Vorlage.

    ``pruefsumme_oparl`` (written when the Paper does not carry all of the Vorlage)
    is the seal of what import restores, else ``pruefsumme`` that of the Vorlage.
    """
    key = "pruefsumme_oparl" if "pruefsumme_oparl" in ext else "pruefsumme"
    if key not in ext:
        return
    recorded, actual = ext[key], seal_of(v)[0]
    if recorded != actual:
        notes.note(
            f"{ppath}.{EXTENSION_KEY}.{key}",
            "the OParl data no longer matches the Vorlage it was exported from (the "
            f"extension records the seal {recorded}, the imported Vorlage has {actual}); "
            "imported as it is",
            recorded,
        )
