"""Importing a whole OParl dump: the same Vorlagen as Paper by Paper, in parallel, from
folders and JSON Lines, with the unmapped values per Paper and failures named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import ratsdok
from ratsdok.cli import main
from ratsdok.errors import OutputError
from ratsdok.interop.oparl.dump import BERICHT, import_dump
from ratsdok.oparl import import_paper, oparl_uuid
from tests.conftest import require_corpus
from tests.factories import HW, HW_PAGES, KA, huertgenwald_lookups, karlsruhe_lookups


def _report(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / BERICHT).read_text("utf-8").splitlines()]


def _xml_files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.xml"))}


def _paper_by_paper(
    pages: list[Path], lookups: dict[str, Any]
) -> tuple[dict[str, bytes], list[tuple[str, str]]]:
    """The Vorlagen and unmapped values of each page imported on its own."""
    files: dict[str, bytes] = {}
    unmapped: list[tuple[str, str]] = []
    for page in pages:
        result = import_paper(page, **lookups)
        files.update({f"{v.uuid}.xml": ratsdok.to_xml(v) for v in result.vorlagen})
        unmapped += [(u.path, u.reason) for u in result.unmapped]
    return files, unmapped


@pytest.mark.parametrize("workers", [1, 2])
def test_huertgenwald_dump_gives_the_vorlagen_of_the_pages_imported_alone(
    tmp_path: Path, workers: int
) -> None:
    body = require_corpus(f"{HW}/body/1")
    pages = [body / f"paper?page={p}.json" for p in HW_PAGES]
    expected, unmapped = _paper_by_paper(pages, huertgenwald_lookups())
    bericht = import_dump(body, tmp_path, workers=workers)
    assert bericht.ok
    assert _xml_files(tmp_path) == expected
    assert (bericht.papers, bericht.vorlagen) == (75, len(expected))
    lines = _report(tmp_path)
    assert len(lines) == bericht.papers
    # one line per Paper, in dump order, with that Paper's unmapped values
    assert [(u["pfad"], u["grund"]) for line in lines for u in line["unmapped"]] == unmapped
    assert bericht.unmapped == len(unmapped)
    assert {line["quelle"] for line in lines} == {str(p) for p in pages}
    assert {line["datei"] for line in lines if line["datei"]} == set(expected)


def test_karlsruhe_objects_folder_finds_its_lookups_and_related_papers(tmp_path: Path) -> None:
    docs = require_corpus(KA)
    pages = sorted((docs / "papers").glob("*.json"))
    # the dump knows every Paper: 50461 and its follow-up 50888 refer to each other
    expected, _ = _paper_by_paper(pages, {**karlsruhe_lookups(), "papers": pages})
    alone, _ = _paper_by_paper(pages, karlsruhe_lookups())
    assert expected != alone
    bericht = import_dump(docs, tmp_path, workers=1)
    assert bericht.ok
    assert _xml_files(tmp_path) == expected
    assert b"<ratsdok:vorlagennummer>2024/0558/1<" in expected[f"{oparl_uuid(_ka(50461))}.xml"]


def _ka(number: int) -> str:
    data = json.loads(require_corpus(f"{KA}/papers/{number}.json").read_text("utf-8"))
    return str(data["id"])


def test_json_lines_dump_and_failures_named_with_file_and_line(tmp_path: Path) -> None:
    body = require_corpus(f"{HW}/body/1")
    dump = tmp_path / "dump.jsonl"
    lines = [json.dumps(json.loads((body / n).read_text("utf-8"))) for n in sorted(
        p.name for p in body.glob("*.json")
    )]  # fmt: skip
    lines.insert(2, '{"data": [')  # a broken line
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    bericht = import_dump(dump, out, workers=1)
    # the broken line fails the file in the first pass: its line is named
    assert not bericht.ok
    (f,) = bericht.fehler
    assert f.quelle == str(dump)
    assert f.lines()[0].startswith(f"{dump}:3:")
    # without it, every line is read: the same Vorlagen as from the folder
    del lines[2]
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bericht = import_dump(dump, out, workers=2)
    assert bericht.ok
    folder_out = tmp_path / "folder"
    folder_out.mkdir()
    import_dump(body, folder_out, workers=1)
    assert _xml_files(out) == _xml_files(folder_out)
    assert {line["quelle"].rsplit(":", 1)[0] for line in _report(out)} == {str(dump)}


def test_cli_import_dump(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = tmp_path / "body"
    shutil.copytree(require_corpus(f"{HW}/body/1"), body)
    (body / "zz-broken.json").write_text("{", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["oparl", "import-dump", str(body), "-o", str(out), "--workers", "1", "--json"])
    captured = capsys.readouterr()
    assert code == 1
    summary = json.loads(captured.out)
    assert (summary["papers"], summary["vorlagen"], summary["fehlgeschlagen"]) == (75, 74, 1)
    assert summary["fehler"][0]["quelle"] == str(body / "zz-broken.json")
    assert str(body / "zz-broken.json") in captured.err
    assert "Traceback" not in captured.err
    assert len(list(out.glob("*.xml"))) == 74


def test_a_missing_output_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        import_dump(tmp_path, tmp_path / "nope")
