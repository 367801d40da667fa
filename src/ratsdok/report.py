"""One vocabulary for every verdict ratsdok reports.

A :class:`Report` says what was checked in one input (``source``), part by
part: each :class:`Check` names the part (``kind``, ``label``), what was found
(``status``), why (``reason``) and whether that is fine (``ok``). Notes say
what was *not* checked; they never make a report ok. Containers (an archive
of many Vorlagen) hold one sub-report per member in ``sections``.

``verify`` (ratsdok XML, bundle PDF, xdomea ZIP), ``verify_archive``,
``extract``, ``check_anlagen``, ``build_bundle`` and ``oparl.import_paper``
all report in these terms, and the CLI prints any report the same way
(:meth:`Report.lines`) or as JSON (:meth:`Report.to_dict`, the schema is in the
README).

>>> from ratsdok.report import Check, Kind, Report, Status
>>> r = Report("v.xml", (Check(Kind.PRUEFSUMME, "pruefsumme", Status.VALID, "matches"),))
>>> r.ok, str(r.checks[0])
(True, 'pruefsumme: valid: matches')
>>> Report("leer.xml").ok  # nothing checked, nothing to vouch for
False
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["Check", "Kind", "Report", "Signer", "Status"]


class Kind(StrEnum):
    """What part of an input a :class:`Check` is about."""

    PRUEFSUMME = "pruefsumme"
    """The hash seal over the Vorlage."""
    SIGNATUR = "signatur"
    """An XMLDSig signature of one Unterzeichnung."""
    ANLAGE = "anlage"
    """The bytes of one Anlage against its recorded size and SHA-256."""
    HAUPTDOKUMENT = "hauptdokument"
    """The bytes of the file that is the Vorlage itself (format 1.1)."""
    DOKUMENT = "dokument"
    """A ratsdok XML document as a whole (embedded in a bundle or an archive)."""
    DATEI = "datei"
    """One file inside a container (a ZIP entry, an embedded file of a PDF)."""
    ARCHIV = "archiv"
    """A container as a whole: its structure, name and manifest."""
    WERT = "wert"
    """One value of an imported document (OParl import notes)."""
    UNTERZEICHNUNG = "unterzeichnung"
    """An Unterzeichnung (a "gez." block) as such: whether any signature is bound to it."""
    PADES = "pades"
    """A PAdES signature in a PDF (a signature field of an Unterzeichnung)."""
    SEITEN = "seiten"
    """Pages of a PDF: whether what a reader sees is signed, proven or unchecked."""
    ZEITSTEMPEL = "zeitstempel"
    """An RFC 3161 time stamp over the seal's digest (format 1.2)."""

    SEAL = "pruefsumme"
    """Deprecated name of :attr:`PRUEFSUMME` (``TeilArt.SEAL``)."""


class Status(StrEnum):
    """What a check found. By default only VALID and OK are fine (see :attr:`fine`)."""

    VALID = "valid"
    """Seal, signature or document verified."""
    OK = "ok"
    """Bytes match every recorded value; a value was taken over."""
    BROKEN = "broken"
    """The seal, or the time stamp over it, does not match the Vorlage."""
    MISSING = "missing"
    """Something that should be there is not (seal, file, bytes of an Anlage)."""
    CHANGED = "changed"
    """Bytes differ from the recorded size or SHA-256 (or from a manifest)."""
    UNRECORDED = "unrecorded"
    """Bytes are there, but nothing records their size or digest."""
    INVALID = "invalid"
    """Does not verify, or breaks the format (signature, document, container)."""
    UNTRUSTED = "untrusted"
    """Cryptographically intact, but not issued by a trusted CA."""
    EXPIRED = "expired"
    """The certificate is outside its validity period."""
    UNLISTED = "unlisted"
    """Present in a container, but not listed where it must be."""
    UNMAPPED = "unmapped"
    """An imported value that ratsdok could not take over (kept nowhere)."""
    EMBEDDED = "embedded"
    """An Anlage embedded as a file only, its pages not merged into the bundle."""
    NO_FILE = "no-file"
    """An Anlage known by its title only: there is no file, so no bytes to check."""
    UNSIGNED = "unsigned"
    """An Unterzeichnung without an electronic signature: only the seal, which anyone
    can compute afresh, vouches for it. Fine unless signatures are required."""
    WRONG_SIGNER = "wrong-signer"
    """Verified and trusted, but the certificate names someone other than the
    Unterzeichnung the signature is bound to."""
    SIGNED = "signed"
    """Pages under a valid PAdES signature, unchanged since but for what later
    signatures and revocation data may add."""
    PROVEN = "proven"
    """Pages identical to what ratsdok makes afresh from the verified record (the
    Vorlage re-rendered by the same renderer version, the Anlage files' pages)."""
    UNCHECKED = "unchecked"
    """Could not be checked (pages made by another renderer version, or before
    ratsdok recorded it). Not a failure, not fine either: ``verify`` exits 3."""
    FAILED = "failed"
    """Pages that differ from what ratsdok makes afresh from the verified record."""

    @property
    def fine(self) -> bool:
        """Whether this finding is fine where the producer does not say otherwise."""
        return self in _FINE


# NO_FILE is fine: the Vorlage says there is no file, and its title is in the sealed XML.
_FINE = frozenset({Status.VALID, Status.OK, Status.NO_FILE, Status.SIGNED, Status.PROVEN})


@dataclass(frozen=True, slots=True)
class Signer:
    """Who a signature check is about: the Unterzeichnung and the certificate."""

    unterzeichnung: int | None = None
    """1-based number of the Unterzeichnung the signature is bound to."""
    name: str | None = None
    """Printed name of that Unterzeichnung ("Krebs")."""
    funktion: str | None = None
    """Printed function of that Unterzeichnung ("Landrat")."""
    subject: str | None = None
    """Certificate subject of the signer, only when the certificate was verified."""

    def __str__(self) -> str:
        who = ", ".join(x for x in (self.name, self.funktion) if x)
        return (
            f"Unterzeichnung {self.unterzeichnung} {who}; "
            f"{self.subject or 'certificate not verified'}"
        )


@dataclass(frozen=True, slots=True, init=False)
class Check:
    """The verdict on one part of an input."""

    kind: Kind
    label: str
    """Human name of the part: "pruefsumme", "Anlage 1 (konzept.pdf)", a ZIP entry, …"""
    status: Status
    reason: str
    """Why, in words."""
    ok: bool
    """Whether the part is fine. Defaults to :attr:`Status.fine`; a producer may
    decide otherwise where the question asked differs (``check_anlagen`` accepts an
    Anlage that records no digest, ``verify`` does not)."""
    signer: Signer | None

    def __init__(
        self,
        kind: Kind,
        label: str,
        status: Status,
        reason: str,
        *,
        ok: bool | None = None,
        signer: Signer | None = None,
    ) -> None:
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "reason", reason)
        object.__setattr__(self, "ok", status.fine if ok is None else ok)
        object.__setattr__(self, "signer", signer)

    # Deprecated attributes of ``Teil`` (ratsdok 0.1), read from :attr:`signer`.
    @property
    def subject(self) -> str | None:
        """Deprecated: ``signer.subject``."""
        return self.signer.subject if self.signer else None

    @property
    def unterzeichnung(self) -> int | None:
        """Deprecated: ``signer.unterzeichnung``."""
        return self.signer.unterzeichnung if self.signer else None

    @property
    def name(self) -> str | None:
        """Deprecated: ``signer.name``."""
        return self.signer.name if self.signer else None

    @property
    def funktion(self) -> str | None:
        """Deprecated: ``signer.funktion``."""
        return self.signer.funktion if self.signer else None

    def verdict(self) -> str:
        """``status: reason``, with the signer of a signature check."""
        text = f"{self.status.value}: {self.reason}"
        if self.signer is not None and self.signer.unterzeichnung is not None:
            text += f" [{self.signer}]"
        return text

    def __str__(self) -> str:
        return f"{self.label}: {self.verdict()}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (see the README for the schema)."""
        d: dict[str, Any] = {
            "kind": self.kind.value,
            "label": self.label,
            "status": self.status.value,
            "ok": self.ok,
            "reason": self.reason,
        }
        if self.signer is not None:
            s = self.signer
            d["signer"] = {
                "unterzeichnung": s.unterzeichnung,
                "name": s.name,
                "funktion": s.funktion,
                "subject": s.subject,
            }
        return d


@dataclass(frozen=True)
class Report:
    """All verdicts on one input; :attr:`ok` only when something was checked and
    every check and every section is fine."""

    source: str
    """The input: a path, ``<bytes>``, or a member of a container."""
    checks: tuple[Check, ...] = ()
    notes: tuple[str, ...] = ()
    """What was not checked, and other Hinweise; they never make the report ok."""
    sections: tuple[Report, ...] = ()
    """Sub-reports of the members of a container (the Vorgänge of an archive)."""
    title: str | None = None
    """What the input was found to be, e.g. "Vorlage KT 0134/2020"."""
    facts: tuple[tuple[str, str], ...] = field(default=())
    """Further findings worth printing, as (name, value), e.g. ("Prüfwert", "da34 …")."""

    @property
    def ok(self) -> bool:
        """True when at least one part was checked and every part is fine."""
        if not self.checks and not self.sections:
            return False
        return all(c.ok for c in self.checks) and all(s.ok for s in self.sections)

    @property
    def unchecked(self) -> bool:
        """True when nothing failed but something could not be checked (``verify``
        exits 3 then, not 1): every check that is not fine is ``unchecked``."""
        bad = list(self.failures())
        return bool(bad) and all(c.status is Status.UNCHECKED for c in bad)

    def failures(self) -> Iterator[Check]:
        """Every check that is not fine, sections included."""
        yield from (c for c in self.checks if not c.ok)
        for s in self.sections:
            yield from s.failures()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; one schema for every report (see the README)."""
        return {
            "source": self.source,
            "title": self.title,
            "ok": self.ok,
            "checks": [c.to_dict() for c in self.checks],
            "notes": list(self.notes),
            "facts": dict(self.facts),
            "sections": [s.to_dict() for s in self.sections],
        }

    def lines(self, *, verbose: bool = False) -> list[str]:
        """The report as text, one line per check.

        Top-level checks are always listed; a section lists its failures only,
        or every check with *verbose*. The last line is the verdict.
        """
        out = [f"{self.source}: {self.title}" if self.title else f"{self.source}:"]
        out += [f"  {'ok ' if c.ok else 'BAD'} {c}" for c in self.checks]
        for s in self.sections:
            head = s.title or s.source
            out.append(f"  {'ok ' if s.ok else 'BAD'} {head}")
            shown = [c for c in s.checks if verbose or not c.ok]
            out += [f"      {'ok ' if c.ok else 'BAD'} {c}" for c in shown]
            out += [f"      Hinweis: {n}" for n in s.notes]
            out += [f"      {name}: {value}" for name, value in s.facts if verbose]
        out += [f"  Hinweis: {n}" for n in self.notes]
        out += [f"  {name}: {value}" for name, value in self.facts]
        out.append(f"{self.source}: {'OK' if self.ok else 'NOT OK'}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())
