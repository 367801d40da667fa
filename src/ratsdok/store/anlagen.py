"""Checking Anlage files against the size and SHA-256 recorded in the XML."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ratsdok.model.vorlage import Anlage, Vorlage
from ratsdok.store.hashing import Digest, digest_bytes, digest_stream

__all__ = ["AnlagenPruefung", "AnlagenStatus", "check_anlagen", "compare", "fill_in"]


class AnlagenStatus(StrEnum):
    """Outcome of checking one Anlage."""

    OK = "ok"
    """The bytes match every recorded value."""
    CHANGED = "changed"
    """Size or digest differ from what the XML records."""
    MISSING = "missing"
    """No file and no inline content could be read."""
    UNRECORDED = "unrecorded"
    """The bytes are there, but the XML records neither size nor digest."""


@dataclass(frozen=True, slots=True)
class AnlagenPruefung:
    """The result of checking one Anlage, with the reason in words."""

    index: int
    anlage: Anlage
    status: AnlagenStatus
    reason: str
    datei: Path | None
    ist: Digest | None

    @property
    def ok(self) -> bool:
        """True unless the Anlage is changed or missing."""
        return self.status in (AnlagenStatus.OK, AnlagenStatus.UNRECORDED)


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


def compare(a: Anlage, ist: Digest) -> tuple[AnlagenStatus, str]:
    """Compare bytes (their :class:`Digest`) with what *a* records."""
    if a.groesse is None and a.sha256 is None:
        return AnlagenStatus.UNRECORDED, "no size or digest recorded"
    changes = []
    if a.groesse is not None and a.groesse != ist.groesse:
        changes.append(f"size is {ist.groesse} bytes, recorded {a.groesse}")
    if a.sha256 is not None and a.sha256 != ist.sha256:
        changes.append(f"SHA-256 is {ist.sha256}, recorded {a.sha256}")
    if changes:
        return AnlagenStatus.CHANGED, "; ".join(changes)
    return AnlagenStatus.OK, "size and SHA-256 match" if a.sha256 else "size matches"


def check_anlagen(vorlage: Vorlage, folder: Path | None) -> list[AnlagenPruefung]:
    """Check every Anlage: inline content, or the file *dateiname* inside *folder*."""
    results = []
    for i, a in enumerate(vorlage.anlagen):
        datei: Path | None = None
        found: Digest | str
        if a.inhalt is not None:
            found = digest_bytes(a.inhalt)
        elif folder is None:
            found = "no inline content and no folder to look in"
        else:
            datei = folder / a.dateiname
            found = _read(datei)
        if isinstance(found, str):
            results.append(AnlagenPruefung(i, a, AnlagenStatus.MISSING, found, datei, None))
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
