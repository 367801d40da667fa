"""Checking Anlage files against the size and SHA-256 recorded in the XML."""

from __future__ import annotations

from pathlib import Path

from ratsdok.model.vorlage import Anlage, Vorlage
from ratsdok.report import Check, Kind, Status
from ratsdok.store.hashing import Digest, digest_bytes, digest_stream

__all__ = ["AnlagenPruefung", "AnlagenStatus", "check_anlagen", "compare", "fill_in"]


AnlagenStatus = Status
"""Deprecated name of :class:`~ratsdok.report.Status` (its OK, CHANGED, MISSING and
UNRECORDED members are what an Anlage check finds)."""


class AnlagenPruefung(Check):
    """The :class:`~ratsdok.report.Check` of one Anlage's bytes, with what was read.

    ``ok`` answers "may these bytes be used?": an Anlage that records no size or
    digest (UNRECORDED) is acceptable here, ratsdok fills the values in on
    loading; :func:`ratsdok.verify` counts the same finding as not ok, since
    nothing protects such an Anlage.
    """

    index: int
    """0-based position in ``Vorlage.anlagen``."""
    anlage: Anlage
    datei: Path | None
    """The file that was read (None for inline content)."""
    ist: Digest | None
    """Size and SHA-256 of the bytes found (None when none could be read)."""

    def __init__(
        self,
        index: int,
        anlage: Anlage,
        status: Status,
        reason: str,
        datei: Path | None,
        ist: Digest | None,
    ) -> None:
        super().__init__(
            Kind.ANLAGE,
            f"Anlage {anlage.nummer} ({anlage.dateiname or 'ohne Datei'})",
            status,
            reason,
            ok=status in (Status.OK, Status.UNRECORDED, Status.NO_FILE),
        )
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "anlage", anlage)
        object.__setattr__(self, "datei", datei)
        object.__setattr__(self, "ist", ist)


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


def compare(a: Anlage, ist: Digest) -> tuple[Status, str]:
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


def check_anlagen(vorlage: Vorlage, folder: Path | None) -> list[AnlagenPruefung]:
    """Check every Anlage: inline content, or the file *dateiname* inside *folder*."""
    results = []
    for i, a in enumerate(vorlage.anlagen):
        datei: Path | None = None
        found: Digest | str
        if a.dateiname is None:
            where = f" ({a.hinweis or a.verweis})" if a.hinweis or a.verweis else ""
            reason = f"known by its title only, there is no file{where}"
            results.append(AnlagenPruefung(i, a, Status.NO_FILE, reason, None, None))
            continue
        if a.inhalt is not None:
            found = digest_bytes(a.inhalt)
        elif folder is None:
            found = "no inline content and no folder to look in"
        else:
            datei = folder / a.dateiname
            found = _read(datei)
        if isinstance(found, str):
            results.append(AnlagenPruefung(i, a, Status.MISSING, found, datei, None))
        else:
            status, reason = compare(a, found)
            results.append(AnlagenPruefung(i, a, status, reason, datei, found))
    return results


def fill_in(vorlage: Vorlage, pruefungen: list[AnlagenPruefung]) -> Vorlage:
    """Return *vorlage* with missing sizes and digests taken from checked bytes.

    Only Anlagen whose recorded values all matched (or that had none) are filled.
    """
    anlagen = list(vorlage.anlagen)
    changed = False
    for p in pruefungen:
        a = p.anlage
        if p.ist is None or not p.ok or (a.groesse is not None and a.sha256 is not None):
            continue
        anlagen[p.index] = a.model_copy(update={"groesse": p.ist.groesse, "sha256": p.ist.sha256})
        changed = True
    return vorlage.model_copy(update={"anlagen": tuple(anlagen)}) if changed else vorlage
