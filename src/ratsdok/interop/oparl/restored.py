"""What import restores from an exported Paper, derived from the Vorlage alone.

Export seals this Vorlage as ``pruefsumme_oparl`` where it differs from the exported
one (``docs/oparl-mapping.md#the-ratsdok-extension``); deriving it spares each export
an import of its own output.
"""

from __future__ import annotations

from ratsdok.interop.oparl.erweiterungen import carried
from ratsdok.model.text import normalize_text
from ratsdok.model.vorlage import Vorlage

__all__ = ["restored_by_import"]


def restored_by_import(v: Vorlage, *, base_url: str) -> Vorlage:
    """``import_paper(export_paper(v, base_url=base_url)).vorlage``, without either.

    The extension restores everything but what the Paper cannot carry:

    * non-public Anlagen, which are never exported (the others keep their numbers);
    * the Ergebnis of a Beratung in nichtöffentlicher Sitzung, which is never exported;
    * inline bytes (``inhalt``, of the Anlagen and the Hauptdokument; ``groesse`` and
      ``sha256`` stay);
    * Erweiterungen the objects cannot carry as they are (:func:`.erweiterungen.carried`:
      only vendor keys but the ratsdok one, the first of equal keys, sorted by key, each
      value as compact JSON). Those of an Anlage without a file come back as they are:
      there is no File to carry them, the extension does;
    * the Beratungsfolge, when *base_url* is not ratsdok text (a control character):
      import cannot make a Gremium of the Consultation's organization URL then, skips
      every Consultation, and the extension's Beratungen have none to match.

    Quellen come back unchanged (the extension carries them), and so does a
    nichtöffentliche Vorlage exported with ``nichtoeffentlich_freigeben``. *v* must be a
    Vorlage :func:`~ratsdok.oparl.export_paper` accepts: an Erweiterung value that is not
    JSON text raises ``ValueError``.
    """
    beratungsfolge = tuple(
        b.model_copy(update={"erweiterungen": carried(b.erweiterungen)})
        for b in v.beratungsfolge_oeffentlich
    )
    anlagen = tuple(
        a
        if a.dateiname is None
        else a.model_copy(update={"inhalt": None, "erweiterungen": carried(a.erweiterungen)})
        for a in v.anlagen
        if a.oeffentlich
    )
    h = v.hauptdokument
    if h is not None:
        h = h.model_copy(update={"inhalt": None, "erweiterungen": carried(h.erweiterungen)})
    return v.model_copy(
        update={
            "beratungsfolge": beratungsfolge if _is_text(base_url) else (),
            "hauptdokument": h,
            "anlagen": anlagen,
            "erweiterungen": carried(v.erweiterungen),
        }
    )


def _is_text(value: str) -> bool:
    try:
        normalize_text(value)
    except ValueError:
        return False
    return True
