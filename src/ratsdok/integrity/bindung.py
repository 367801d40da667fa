"""Who may sign a "gez." block: the binding between a certificate and the name
and Funktion printed in the block.

The default rule (:func:`names_match`): the printed name (academic titles aside)
equals the certificate's surname attribute (2.5.4.4), the last word of its common
name, or the common name's part before a comma, after NFKC, case folding and
umlaut spelling ("Dr. Schäfer" matches "Peter SCHAEFER"); and where the
certificate carries a title (2.5.4.12), it equals the printed Funktion the same
way. Given names and pseudonyms do not bind.

Where names differ (a certificate in a maiden name, a function certificate
"Landrat des Wartburgkreises"), an explicit :class:`Bindungen` file binds a
certificate, by its SHA-256 fingerprint, to a printed name (and Funktion)::

    {"bindungen": [
      {"sha256": "3f1a…", "name": "Krebs", "funktion": "Landrat"}
    ]}
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from ratsdok.errors import InvalidDocumentError, Problem
from ratsdok.store.files import read_bytes

__all__ = ["MAX_BYTES", "Bindungen", "names_match", "title_matches"]

_TITEL = frozenset({"dr", "prof", "dipl", "ing", "med", "jur", "rer", "nat", "phil", "h", "c"})
"""Academic titles and their parts, which certificates often leave out."""
MAX_BYTES = 1 << 20
"""Largest bindings file read (a Kreis has some hundred signers, not thousands)."""
_UMLAUTE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _woerter(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_UMLAUTE)
    return re.findall(r"[^\W_]+", folded)


def title_matches(funktion: str | None, subject: x509.Name) -> bool:
    """Whether the certificate's title (2.5.4.12), if it has one, is the printed
    *funktion* (words compared as for names); a certificate without a title binds
    no Funktion."""
    titles = subject.get_attributes_for_oid(NameOID.TITLE)
    if not titles:
        return True
    return funktion is not None and any(
        _woerter(str(t.value)) == _woerter(funktion) for t in titles
    )


def names_match(name: str, subject: x509.Name, funktion: str | None = None) -> bool:
    """Whether the certificate *subject* names the person printed as *name* (and,
    where the certificate has a title, the printed *funktion*): the printed name
    (academic titles aside) is the surname attribute (2.5.4.4), the last word of the
    common name ("Michael Krebs"), or the common name's part before a comma ("Krebs,
    Landrat"); words compared after NFKC, case folding and umlaut spelling. Given
    names and pseudonyms do not bind: they name no one in particular."""
    own = [w for w in _woerter(name) if w not in _TITEL]
    if not own:
        return False
    candidates = [_woerter(str(a.value)) for a in subject.get_attributes_for_oid(NameOID.SURNAME)]
    for cn in subject.get_attributes_for_oid(NameOID.COMMON_NAME):
        text = str(cn.value)
        # the last word as written ("Müller-Lüdenscheidt" is one), titles aside
        tokens = [t for t in text.split() if any(w not in _TITEL for w in _woerter(t))]
        if tokens:
            candidates.append(_woerter(tokens[-1]))
        if "," in text:
            candidates.append([w for w in _woerter(text.split(",", 1)[0]) if w not in _TITEL])
    return own in candidates and title_matches(funktion, subject)


@dataclass(frozen=True)
class Bindungen:
    """Explicit bindings of certificates (by SHA-256 fingerprint) to printed names."""

    eintraege: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)
    """Fingerprint (lower-case hex) → (name, Funktion or None)."""

    @classmethod
    def load(cls, path: Path) -> Bindungen:
        """Read a bindings file (JSON, see the module); errors name the entry."""
        try:
            data = json.loads(read_bytes(path, max_bytes=MAX_BYTES))
        except ValueError as exc:
            raise InvalidDocumentError(
                Problem(f"cannot read the bindings: {exc}", file=str(path))
            ) from None
        items = data.get("bindungen") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise InvalidDocumentError(
                Problem('expected {"bindungen": [...]}', file=str(path), field="bindungen")
            )
        out: dict[str, tuple[str, str | None]] = {}
        for i, item in enumerate(items):
            where = f"bindungen[{i}]"
            fp = item.get("sha256") if isinstance(item, dict) else None
            name = item.get("name") if isinstance(item, dict) else None
            funktion = item.get("funktion") if isinstance(item, dict) else None
            if not isinstance(fp, str) or re.fullmatch(r"[0-9a-fA-F:]{64,95}", fp) is None:
                raise InvalidDocumentError(
                    Problem(
                        "sha256 must be the certificate's SHA-256 fingerprint in hex",
                        file=str(path),
                        field=where,
                    )
                )
            if not isinstance(name, str) or not name.strip():
                raise InvalidDocumentError(Problem("name is missing", file=str(path), field=where))
            if funktion is not None and not isinstance(funktion, str):
                raise InvalidDocumentError(
                    Problem("funktion must be text", file=str(path), field=where)
                )
            key = fp.replace(":", "").lower()
            if key in out:  # two bindings of one certificate: which one holds is unclear
                raise InvalidDocumentError(
                    Problem("this certificate is bound twice", file=str(path), field=where)
                )
            out[key] = (name, funktion)
        return cls(out)

    def binds(self, cert: x509.Certificate, name: str, funktion: str | None) -> bool:
        """Whether *cert* may sign the block printed as *name*, *funktion*: by the
        default rule, or by an entry for this very certificate."""
        if names_match(name, cert.subject, funktion):
            return True
        entry = self.eintraege.get(cert.fingerprint(hashes.SHA256()).hex())
        if entry is None:
            return False
        bound_name, bound_funktion = entry
        return _woerter(bound_name) == _woerter(name) and (
            bound_funktion is None
            or (funktion is not None and _woerter(bound_funktion) == _woerter(funktion))
        )
