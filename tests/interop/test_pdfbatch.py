"""Many PDFs on any executor: the same bytes as one at a time, failures named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from ratsdok.cli import main
from ratsdok.interop.pdfbatch import INDEX, PdfArt, pdf_batch
from ratsdok.pdf.bundling import NichtKonform, bundle_to_file
from ratsdok.pdf.render import render_pdf
from ratsdok.store.files import load
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples"


def _single_bundle(xml: Path, tmp: Path) -> bytes:
    out = tmp / "single.pdf"
    bundle_to_file(
        load(xml), xml.parent, out, nicht_konform=NichtKonform.FEHLER, xml=xml.read_bytes()
    )
    return out.read_bytes()


def _index(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / INDEX).read_text().splitlines()]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_folder_of_vorlagen_gives_the_bytes_of_single_bundles(
    tmp_path: Path, workers: int
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    lauf = pdf_batch([EXAMPLES], out, workers=workers)
    assert lauf.ok and lauf.geschrieben == 2
    for name in ("kt-0134-2020", "bv-0123-2024"):
        xml = EXAMPLES / name / "vorlage.xml"
        assert (out / name / "vorlage.pdf").read_bytes() == _single_bundle(xml, tmp_path)
    assert [line["nummer"] for line in _index(out)] == ["BV 0123/2024", "KT 0134/2020"]


def test_render_batch_gives_the_rendered_bytes(tmp_path: Path) -> None:
    xml = EXAMPLES / "kt-0134-2020" / "vorlage.xml"
    lauf = pdf_batch([xml], tmp_path, art=PdfArt.RENDER, workers=1)
    assert lauf.ok
    assert (tmp_path / "vorlage.pdf").read_bytes() == render_pdf(load(xml))


def test_a_bad_input_is_named_and_the_rest_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    shutil.copytree(EXAMPLES / "kt-0134-2020", src / "gut")
    (src / "kaputt").mkdir()
    (src / "kaputt" / "vorlage.xml").write_text("<kein-ratsdok/>")
    out = tmp_path / "out"
    assert main(["pdf-batch", str(src), "-d", str(out), "--workers", "1", "-q"]) == 1
    assert (out / "gut" / "vorlage.pdf").exists()
    assert not (out / "kaputt" / "vorlage.pdf").exists()
    lines = _index(out)
    assert lines[1]["quelle"] == str(src / "kaputt" / "vorlage.xml") and "fehler" in lines[1]
    assert str(src / "kaputt" / "vorlage.xml") in capsys.readouterr().err


def test_two_inputs_of_the_same_name_get_two_outputs(tmp_path: Path) -> None:
    inputs = [EXAMPLES / "kt-0134-2020" / "vorlage.xml", EXAMPLES / "bv-0123-2024" / "vorlage.xml"]
    lauf = pdf_batch(inputs, tmp_path, art=PdfArt.RENDER, workers=1)
    assert lauf.ok
    assert [Path(line["ziel"]).name for line in _index(tmp_path)] == [
        "vorlage.pdf",
        "bv-0123-2024-vorlage.pdf",
    ]


def test_a_missing_input_leaves_no_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "neu"
    assert main(["pdf-batch", str(tmp_path / "nicht-da.xml"), "-d", str(out)]) == 1
    assert not out.exists()


def test_the_same_batch_on_a_dask_cluster_gives_the_same_bytes(
    tmp_path: Path, dask_client: Any
) -> None:
    local, remote = tmp_path / "local", tmp_path / "dask"
    local.mkdir()
    remote.mkdir()
    assert pdf_batch([EXAMPLES], local, workers=1).ok
    assert pdf_batch([EXAMPLES], remote, executor=dask_client.get_executor()).ok
    for name in ("kt-0134-2020", "bv-0123-2024"):
        rel = Path(name) / "vorlage.pdf"
        assert (local / rel).read_bytes() == (remote / rel).read_bytes()
