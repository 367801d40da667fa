"""Checking Anlagen against their recorded size and SHA-256."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from ratsdok import AnlagenStatus, check_anlagen
from ratsdok.store.anlagen import fill_in
from tests.factories import anlage, minimal_vorlage

DATA = b"%PDF-1.7\nInhalt der Anlage\n"


def test_matching_file_is_ok(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(DATA)
    a = anlage(groesse=len(DATA), sha256=hashlib.sha256(DATA).hexdigest())
    (p,) = check_anlagen(minimal_vorlage(a), tmp_path)
    assert p.status is AnlagenStatus.OK
    assert p.ok
    assert p.datei == tmp_path / "a.pdf"
    assert p.ist is not None and p.ist.groesse == len(DATA)


def test_size_only_is_checked(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(DATA)
    assert check_anlagen(minimal_vorlage(anlage(groesse=len(DATA))), tmp_path)[0].ok
    (p,) = check_anlagen(minimal_vorlage(anlage(groesse=len(DATA) + 1)), tmp_path)
    assert p.status is AnlagenStatus.CHANGED
    assert not p.ok


def test_digest_mismatch(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(DATA)
    (p,) = check_anlagen(minimal_vorlage(anlage(sha256="0" * 64)), tmp_path)
    assert p.status is AnlagenStatus.CHANGED
    assert "0" * 64 in p.reason
    assert hashlib.sha256(DATA).hexdigest() in p.reason


def test_missing_and_folder(tmp_path: Path) -> None:
    (tmp_path / "b.pdf").mkdir()
    v = minimal_vorlage(anlage(1, "a.pdf"), anlage(2, "b.pdf"))
    results = check_anlagen(v, tmp_path)
    assert [r.status for r in results] == [AnlagenStatus.MISSING, AnlagenStatus.MISSING]
    assert [r.index for r in results] == [0, 1]
    assert not results[0].ok
    assert "not found" in results[0].reason
    assert "folder" in results[1].reason


@pytest.mark.parametrize(
    ("changes", "status"),
    [({}, AnlagenStatus.MISSING), ({"inhalt": DATA}, AnlagenStatus.OK)],
    ids=["no-inline-content-is-missing", "inline-content-needs-no-folder"],
)
def test_without_a_folder(changes: dict[str, Any], status: AnlagenStatus) -> None:
    (p,) = check_anlagen(minimal_vorlage(anlage(**changes)), None)
    assert p.status is status
    assert p.datei is None


def test_unrecorded_values_are_filled_in(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(DATA)
    v = minimal_vorlage(anlage())
    results = check_anlagen(v, tmp_path)
    assert results[0].status is AnlagenStatus.UNRECORDED
    assert results[0].ok
    filled = fill_in(v, results)
    assert filled.anlagen[0].groesse == len(DATA)
    assert filled.anlagen[0].sha256 == hashlib.sha256(DATA).hexdigest()
    assert v.anlagen[0].groesse is None  # the input model is unchanged


def test_partly_recorded_values_are_completed(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(DATA)
    v = minimal_vorlage(anlage(groesse=len(DATA)))
    filled = fill_in(v, check_anlagen(v, tmp_path))
    assert filled.anlagen[0].sha256 == hashlib.sha256(DATA).hexdigest()


@pytest.mark.parametrize(
    "recorded",
    [{"groesse": 1}, {"groesse": len(DATA), "sha256": hashlib.sha256(DATA).hexdigest()}],
    ids=["changed-anlage-is-not-filled-in", "complete-vorlage-is-returned-as-is"],
)
def test_nothing_to_fill_in(tmp_path: Path, recorded: dict[str, Any]) -> None:
    (tmp_path / "a.pdf").write_bytes(DATA)
    v = minimal_vorlage(anlage(**recorded))
    assert fill_in(v, check_anlagen(v, tmp_path)) is v


def test_large_file_is_digested_in_chunks(tmp_path: Path) -> None:
    data = bytes(range(256)) * (5 * 4096 + 7)  # > 1 MiB, not a multiple of the chunk
    (tmp_path / "a.pdf").write_bytes(data)
    v = minimal_vorlage(anlage(groesse=len(data), sha256=hashlib.sha256(data).hexdigest()))
    assert check_anlagen(v, tmp_path)[0].status is AnlagenStatus.OK


def test_the_hauptdokument_is_checked_and_filled_in_like_an_anlage(tmp_path: Path) -> None:
    from ratsdok import Hauptdokument, Vorlage
    from ratsdok.store.anlagen import check_hauptdokument

    (tmp_path / "vorlage.pdf").write_bytes(DATA)
    v = Vorlage(
        nummer="KT 0001/2024",
        betreff="Test",
        hauptdokument=Hauptdokument(dateiname="vorlage.pdf", medientyp="application/pdf"),
    )
    haupt = check_hauptdokument(v, tmp_path)
    assert haupt is not None
    assert haupt.status is AnlagenStatus.UNRECORDED and haupt.ok
    filled = fill_in(v, [], haupt)
    assert filled.hauptdokument is not None
    assert filled.hauptdokument.sha256 == hashlib.sha256(DATA).hexdigest()
    changed = v.model_copy(
        update={
            "hauptdokument": Hauptdokument(
                dateiname="vorlage.pdf", medientyp="application/pdf", groesse=1
            )
        }
    )
    bad = check_hauptdokument(changed, tmp_path)
    assert bad is not None and bad.status is AnlagenStatus.CHANGED and not bad.ok
    assert check_hauptdokument(Vorlage(nummer="KT 1/2024", betreff="x"), tmp_path) is None


def test_load_refuses_a_changed_hauptdokument_and_verify_reports_it(tmp_path: Path) -> None:
    import ratsdok
    from ratsdok import AnlagenError, Hauptdokument, Vorlage

    (tmp_path / "vorlage.pdf").write_bytes(DATA)
    v = Vorlage(
        nummer="KT 0001/2024",
        betreff="Test",
        hauptdokument=Hauptdokument(
            dateiname="vorlage.pdf",
            medientyp="application/pdf",
            groesse=len(DATA),
            sha256=hashlib.sha256(DATA).hexdigest(),
        ),
    )
    path = tmp_path / "v.xml"
    path.write_bytes(ratsdok.seal(v))
    assert ratsdok.load(path) == v
    assert [c.kind.value for c in ratsdok.verify(path).checks][:2] == [
        "pruefsumme",
        "hauptdokument",
    ]
    assert ratsdok.verify(path).ok
    (tmp_path / "vorlage.pdf").write_bytes(DATA + b"x")
    with pytest.raises(AnlagenError) as info:
        ratsdok.load(path)
    assert info.value.problems[0].field == "hauptdokument"
    result = ratsdok.verify(path)
    assert not result.ok
    assert [c.status.value for c in result.failures()] == ["changed"]
