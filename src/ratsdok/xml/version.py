"""Which format version a Vorlage needs: the lowest whose features it uses.

A document that uses nothing of format 1.1 is written as 1.0.0, byte for byte as
before 1.1 existed (a sealed or signed 1.0.0 document must never change); one
that uses any 1.1 feature says 1.1.0. The RFC 3161 time stamp over the seal
(``nachrichteninhalt/zeitstempel``, outside the Vorlage) came with 1.2.0: a document
that carries one says 1.2.0. The compatibility rule is in the README.
"""

from __future__ import annotations

from ratsdok.model.beratung import Abstimmung, Ergebnis
from ratsdok.model.codes import Code
from ratsdok.model.vorlage import Vorlage
from ratsdok.version import FORMAT_VERSIONS

__all__ = ["ZEITSTEMPEL_VERSION", "at_least", "required_version", "version_key"]

_V10, _V11 = FORMAT_VERSIONS[0], FORMAT_VERSIONS[1]
ZEITSTEMPEL_VERSION = FORMAT_VERSIONS[2]
"""The first format version with ``nachrichteninhalt/zeitstempel``."""


def version_key(version: str) -> tuple[int, ...]:
    """*version* ("1.2.0") as a tuple that orders versions."""
    return tuple(int(x) for x in version.split("."))


def at_least(declared: str, needed: str) -> str:
    """*declared*, raised to *needed* where it is lower (never lowered)."""
    return needed if version_key(declared) < version_key(needed) else declared


def _new_code(code: Code | None) -> bool:
    return code is not None and code.seit != "1.0"


def _abstimmung_11(s: Abstimmung) -> bool:
    return (
        not s.vollstaendig
        or s.gegenstand is not None
        or s.befangen is not None
        or s.anwesend is not None
        or s.mehrheit is not None
        or bool(s.fraktionen)
        or s.wortlaut is not None
    )


def _ergebnis_11(e: Ergebnis) -> bool:
    return (
        e.beschlussergebnis is None
        or _new_code(e.beschlussergebnis)
        or e.wortlaut is not None
        or len(e.abstimmungen) > 1
        or any(_abstimmung_11(s) for s in e.abstimmungen)
    )


def required_version(v: Vorlage) -> str:
    """The lowest format version that can carry *v*."""
    if (
        v.aktenzeichen is not None
        or v.oeffentlichkeit is not None
        or v.bearbeitungsstand is not None
        or v.beteiligte
        or v.gliederung is not None
        or v.finanzen is not None
        or v.hauptdokument is not None
        or _new_code(v.art)
        or any(_new_code(bz.art) for bz in v.bezuege)
        or any(ab.strukturiert for ab in v.abschnitte)
        or any(b.ergebnis is not None and _ergebnis_11(b.ergebnis) for b in v.beratungsfolge)
        or any(
            a.dateiname is None or a.verweis is not None or a.hinweis is not None for a in v.anlagen
        )
    ):
        return _V11
    return _V10
