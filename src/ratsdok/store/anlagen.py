"""Checking Anlage files (and the Hauptdokument) against the size and SHA-256 recorded
in the XML."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ratsdok.model.vorlage import Anlage, Hauptdokument, Vorlage
from ratsdok.report import Check, Kind, Status
from ratsdok.store.hashing import Digest, digest_bytes, digest_stream

__all__ = [
    "AnlagenPruefung",
    "AnlagenStatus",
    "HauptdokumentPruefung",
    "check_anlagen",
    "check_hauptdokument",
    "compare",
    "fill_in",
]


AnlagenStatus = Status
"""Deprecated name of :class:`~ratsdok.report.Status` (its OK, CHANGED, MISSING and
UNRECORDED members are what an Anlage check finds)."""


# What a file check accepts for use: bytes that match, or that nothing records yet
# (ratsdok fills the values in on loading), or no file at all where the Vorlage says so.
_BRAUCHBAR = frozenset({Status.OK, Status.UNRECORDED, Status.NO_FILE})


class _Dateipruefung(Check):
    """A check of a file's bytes, with the file that was read and what it holds."""

    datei: Path | None
    """The file that was read (None for inline content)."""
    ist: Digest | None
    """Size and SHA-256 of the bytes found (None when none could be read)."""

    def __init__(
        self,
        kind: Kind,
        label: str,
        status: Status,
        reason: str,
        datei: Path | None,
        ist: Digest | None,
    ) -> None:
        super().__init__(kind, label, status, reason, ok=status in _BRAUCHBAR)
        object.__setattr__(self, "datei", datei)
        object.__setattr__(self, "ist", ist)


class AnlagenPruefung(_Dateipruefung):
    """The :class:`~ratsdok.report.Check` of one Anlage's bytes, with what was read.

    ``ok`` answers "may these bytes be used?": an Anlage that records no size or
    digest (UNRECORDED) is acceptable here, ratsdok fills the values in on
    loading; :func:`ratsdok.verify` counts the same finding as not ok, since
    nothing protects such an Anlage.
    """

    index: int
    """0-based position in ``Vorlage.anlagen``."""
    anlage: Anlage

    def __init__(
        self,
        index: int,
        anlage: Anlage,
        status: Status,
        reason: str,
        datei: Path | None,
        ist: Digest | None,
    ) -> None:
        label = f"Anlage {anlage.nummer} ({anlage.dateiname or 'ohne Datei'})"
        super().__init__(Kind.ANLAGE, label, status, reason, datei, ist)
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "anlage", anlage)


class HauptdokumentPruefung(_Dateipruefung):
    """The :class:`~ratsdok.report.Check` of the Hauptdokument's bytes (``ok`` as for
    an Anlage)."""

    hauptdokument: Hauptdokument

    def __init__(
        self,
        hauptdokument: Hauptdokument,
        status: Status,
        reason: str,
        datei: Path | None,
        ist: Digest | None,
    ) -> None:
        label = f"Hauptdokument ({hauptdokument.dateiname})"
        super().__init__(Kind.HAUPTDOKUMENT, label, status, reason, datei, ist)
        object.__setattr__(self, "hauptdokument", hauptdokument)


def _found(
    dateiname: str,
    inhalt: bytes | None,
    folder: Path | None,
    embedded: Mapping[str, bytes] | None = None,
) -> tuple[Digest | str, Path | None]:
    """The digest of the container's file (*embedded*, by name), of inline content or of
    the file in *folder*, or why there is none.

    In a container the embedded file is what readers get, so it is the one checked,
    also where the record carries the bytes inline as well (then both must agree).
    """
    if embedded is not None:
        if dateiname not in embedded:
            return "not in the container", None
        # Inline bytes fill in the recorded values, so a differing file shows as changed.
        return digest_bytes(embedded[dateiname]), None
    if inhalt is not None:
        return digest_bytes(inhalt), None
    if folder is None:
        return "no inline content and no folder to look in", None
    datei = folder / dateiname
    return _read(datei), datei


def _read(path: Path) -> Digest | str:
    try:
        with path.open("rb") as f:
            return digest_stream(f)
    except FileNotFoundError:
        return "file not found"
    except IsADirectoryError:
        return "is a folder, not a file"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"


def compare(a: Anlage | Hauptdokument, ist: Digest) -> tuple[Status, str]:
    """Compare bytes (their :class:`Digest`) with what *a* records."""
    if a.groesse is None and a.sha256 is None:
        return Status.UNRECORDED, "no size or digest recorded"
    changes = []
    if a.groesse is not None and a.groesse != ist.groesse:
        changes.append(f"size is {ist.groesse} bytes, recorded {a.groesse}")
    if a.sha256 is not None and a.sha256 != ist.sha256:
        changes.append(f"SHA-256 is {ist.sha256}, recorded {a.sha256}")
    if changes:
        return Status.CHANGED, "; ".join(changes)
    return Status.OK, "size and SHA-256 match" if a.sha256 else "size matches"


def check_anlagen(
    vorlage: Vorlage, folder: Path | None, embedded: Mapping[str, bytes] | None = None
) -> list[AnlagenPruefung]:
    """Check every Anlage: inline content, the file *dateiname* of a container
    (*embedded*: a bundle's files by name), or the file *dateiname* inside *folder*."""
    results = []
    for i, a in enumerate(vorlage.anlagen):
        datei: Path | None = None
        found: Digest | str
        if a.dateiname is None:
            where = f" ({a.hinweis or a.verweis})" if a.hinweis or a.verweis else ""
            reason = f"known by its title only, there is no file{where}"
            results.append(AnlagenPruefung(i, a, Status.NO_FILE, reason, None, None))
            continue
        found, datei = _found(a.dateiname, a.inhalt, folder, embedded)
        if isinstance(found, str):
            results.append(AnlagenPruefung(i, a, Status.MISSING, found, datei, None))
        else:
            status, reason = compare(a, found)
            results.append(AnlagenPruefung(i, a, status, reason, datei, found))
    return results


def check_hauptdokument(
    vorlage: Vorlage, folder: Path | None, embedded: Mapping[str, bytes] | None = None
) -> HauptdokumentPruefung | None:
    """Check the Hauptdokument like an Anlage (None when the Vorlage has none)."""
    h = vorlage.hauptdokument
    if h is None:
        return None
    found, datei = _found(h.dateiname, h.inhalt, folder, embedded)
    if isinstance(found, str):
        return HauptdokumentPruefung(h, Status.MISSING, found, datei, None)
    status, reason = compare(h, found)
    return HauptdokumentPruefung(h, status, reason, datei, found)


def fill_in(
    vorlage: Vorlage,
    pruefungen: list[AnlagenPruefung],
    hauptdokument: HauptdokumentPruefung | None = None,
) -> Vorlage:
    """Return *vorlage* with missing sizes and digests taken from checked bytes.

    Only files whose recorded values all matched (or that had none) are filled.
    """
    anlagen = list(vorlage.anlagen)
    changes: dict[str, object] = {}
    h = hauptdokument
    if h is not None and h.ist is not None and h.ok:
        hd = h.hauptdokument
        if hd.groesse is None or hd.sha256 is None:
            changes["hauptdokument"] = hd.model_copy(
                update={"groesse": h.ist.groesse, "sha256": h.ist.sha256}
            )
    changed = False
    for p in pruefungen:
        a = p.anlage
        if p.ist is None or not p.ok or (a.groesse is not None and a.sha256 is not None):
            continue
        anlagen[p.index] = a.model_copy(update={"groesse": p.ist.groesse, "sha256": p.ist.sha256})
        changed = True
    if changed:
        changes["anlagen"] = tuple(anlagen)
    return vorlage.model_copy(update=changes) if changes else vorlage
