"""The ratsdok extension object of an exported Paper, read back on import.

A usable extension restores the Vorlage exactly (with the Quellen it records); its
seal shows whether the Paper was changed after export
(``docs/oparl-mapping.md#the-ratsdok-extension``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    Beteiligung,
    Bezug,
    Finanzen,
    Hauptdokument,
    Oeffentlichkeit,
    Organisationseinheit,
    Quelle,
    Unterzeichnung,
    Vorlage,
)

__all__ = ["check_seal", "restore"]

# What the extension carries as it is: plain values, one model, a list of models.
_VALUES = ("art", "koerperschaft", "einreicher", "aktenzeichen", "bearbeitungsstand", "gliederung")
_OBJECTS: tuple[tuple[str, type[Organisationseinheit | Oeffentlichkeit | Finanzen]], ...] = (
    ("federfuehrung", Organisationseinheit),
    ("oeffentlichkeit", Oeffentlichkeit),
    ("finanzen", Finanzen),
)
_LISTS: tuple[tuple[str, type[Abschnitt | Unterzeichnung | Bezug | Beteiligung]], ...] = (
    ("abschnitte", Abschnitt),
    ("unterzeichnungen", Unterzeichnung),
    ("bezuege", Bezug),
    ("beteiligte", Beteiligung),
)


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
        for key in _VALUES:
            if key in ext:
                new[key] = ext[key]
        for key, model in _OBJECTS:
            if key in ext:
                new[key] = model.model_validate(ext[key])
        new["quelle"] = Quelle.model_validate(ext["quelle"]) if "quelle" in ext else None
        for key, item_model in _LISTS:
            if key in ext:
                new[key] = tuple(item_model.model_validate(x) for x in as_list(ext[key]))
        if "hauptdokument" in ext:
            haupt = Hauptdokument.model_validate(ext["hauptdokument"])
            main = data.get("hauptdokument")
            if main is not None:
                # Vendor keys live on the mainFile, not in the extension.
                new["hauptdokument"] = haupt.model_copy(
                    update={"erweiterungen": main.erweiterungen}
                )
                if haupt.erweiterungen and haupt.erweiterungen != main.erweiterungen:
                    ignored.append((f"{path}.hauptdokument.erweiterungen", "mainFile"))
                restored_lists.append("mainFile")
            else:
                notes.note(
                    f"{path}.hauptdokument",
                    "no mainFile to match; OParl fields used",
                    ext["hauptdokument"],
                )
        listen: tuple[tuple[str, type[Beratung] | type[Anlage], str], ...] = (
            ("beratungsfolge", Beratung, "consultation"),
            ("anlagen", Anlage, "auxiliaryFile"),
        )
        for key, liste_cls, oparl_key in listen:
            if key not in ext:
                continue
            items = tuple(liste_cls.model_validate(x) for x in as_list(ext[key]))
            if _matched(new, key, items, data, path, ignored, oparl_key):
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


def _matched(
    new: dict[str, Any],
    key: str,
    restored: tuple[Beratung | Anlage, ...],
    data: Mapping[str, Any],
    path: str,
    ignored: list[tuple[str, str]],
    oparl_key: str,
) -> bool:
    """Put *restored* into *new* when it matches the OParl objects one to one.

    Each Beratung matches a Consultation; each Anlage with a file matches a File, in
    order (an Anlage known by its title only has no File; the extension carries it
    whole, its Erweiterungen included). A matched entry takes the vendor keys of its
    OParl object.
    """
    objects: Sequence[Beratung | Anlage] = data.get(key, ())
    paired = [
        i for i, r in enumerate(restored) if not isinstance(r, Anlage) or r.dateiname is not None
    ]
    if len(paired) != len(objects):
        return False
    out: list[Beratung | Anlage] = list(restored)
    for i, o in zip(paired, objects, strict=True):
        r = restored[i]
        out[i] = r.model_copy(update={"erweiterungen": o.erweiterungen})
        if r.erweiterungen and r.erweiterungen != o.erweiterungen:
            ignored.append((f"{path}.{key}[{i}].erweiterungen", oparl_key))
    new[key] = tuple(out)
    return True


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
