"""A bundle with a large Anlage PDF is built with bounded memory (issue 3, §2).

The Anlage is a generated ~48 MiB PDF of incompressible images; the bundle is
built in child processes (so that their peak RSS can be measured) through
:func:`ratsdok.pdf.bundling.bundle_to_file`, which streams files of at least
``STREAM_THRESHOLD`` bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest

import ratsdok
from bench.bench_pdf import big_vorlage, make_big_pdf
from ratsdok.pdf.bundling import STREAM_THRESHOLD, XML_NAME
from tests.conftest import require_tool
from tests.factories import pdfa_problems

pytestmark = pytest.mark.slow

SIZE_MB = 48

_CHILD = """
import json, resource, sys
from pathlib import Path
import ratsdok
from ratsdok.pdf.bundling import bundle_to_file
v = ratsdok.from_xml(Path(sys.argv[1]).read_bytes())
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
bundle_to_file(v, sys.argv[2], sys.argv[3])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before_kib": before, "after_kib": after}))
"""


def _bundle_in_child(v: ratsdok.Vorlage, folder: Path, out: Path) -> int:
    """Bundle *v* in a child process; how much its peak RSS grew while bundling (bytes)."""
    xml = folder / "vorlage.xml"
    xml.write_bytes(ratsdok.to_xml(v))
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(xml), str(folder), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    return (int(figures["after_kib"]) - int(figures["before_kib"])) * 1024


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ratsdok.Vorlage, list[int]]:
    folder = tmp_path_factory.mktemp("large")
    size = make_big_pdf(folder / "gross.pdf", SIZE_MB)
    assert size >= STREAM_THRESHOLD
    v = big_vorlage(folder / "gross.pdf")
    growth = [_bundle_in_child(v, folder, folder / f"bundle-{i}.pdf") for i in range(2)]
    return folder, v, growth


def test_memory_stays_well_below_the_input_size(
    large: tuple[Path, ratsdok.Vorlage, list[int]],
) -> None:
    folder, _, growth = large
    size = (folder / "gross.pdf").stat().st_size
    # The in-memory pipeline grows by several times the Anlage size.
    assert max(growth) < size // 2, (growth, size)


def test_bundle_is_deterministic(large: tuple[Path, ratsdok.Vorlage, list[int]]) -> None:
    folder, _, _ = large
    first = hashlib.sha256((folder / "bundle-0.pdf").read_bytes()).hexdigest()
    second = hashlib.sha256((folder / "bundle-1.pdf").read_bytes()).hexdigest()
    assert first == second


def test_bundle_is_valid_pdfa_and_passes_qpdf(
    large: tuple[Path, ratsdok.Vorlage, list[int]],
) -> None:
    folder, _, _ = large
    out = folder / "bundle-0.pdf"
    assert pdfa_problems(out) == []
    qpdf = require_tool("qpdf")
    proc = subprocess.run([qpdf, "--check", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # The large file went through the streaming path (an incremental update).
    with out.open("rb") as f:
        f.seek(-1024, 2)
        assert b"/Prev" in f.read()


def test_anlage_is_embedded_byte_exact(large: tuple[Path, ratsdok.Vorlage, list[int]]) -> None:
    folder, v, _ = large
    original = (folder / "gross.pdf").read_bytes()
    with pikepdf.open(folder / "bundle-0.pdf") as pdf:
        spec = pdf.attachments["gross.pdf"]
        assert spec.obj.AFRelationship == pikepdf.Name.Source
        ef = spec.get_file()
        assert ef.read_bytes() == original
        assert ef.size == len(original)
        assert ef.md5 == hashlib.md5(original, usedforsecurity=False).digest()
        xml = pdf.attachments[XML_NAME].get_file().read_bytes()
    assert ratsdok.from_xml(xml) == v


def test_pages_outline_and_labels(large: tuple[Path, ratsdok.Vorlage, list[int]]) -> None:
    folder, v, _ = large
    with pikepdf.open(folder / "gross.pdf") as src:
        n_anlage = len(src.pages)
    n_vorlage = len(pikepdf.open(io.BytesIO(ratsdok.render_pdf(v))).pages)
    with pikepdf.open(folder / "bundle-0.pdf") as pdf:
        assert len(pdf.pages) == n_vorlage + n_anlage
        with pdf.open_outline() as ol:
            titles = [item.title for item in ol.root]
        assert titles == ["Beschlussvorlage KT 0134/2020", "Anlage 1 – Großer Plan"]
        labels = pikepdf.NumberTree(pdf.Root.PageLabels)
        assert labels[n_vorlage].P == "A1-"


def _structure(pdf: pikepdf.Pdf) -> object:
    index = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}

    def walk(items: list[pikepdf.OutlineItem]) -> list[object]:
        result: list[object] = []
        for item in items:
            dest = item.destination
            page = index[dest[0].objgen] if isinstance(dest, pikepdf.Array) else None
            result.append((item.title, page, walk(item.children)))
        return result

    with pdf.open_outline() as ol:
        outline = walk(list(ol.root))
    files = {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}
    rels = {name: str(spec.obj.AFRelationship) for name, spec in pdf.attachments.items()}
    labels = [(k, repr(val)) for k, val in pikepdf.NumberTree(pdf.Root.PageLabels).items()]
    return outline, len(pdf.pages), files, rels, labels


def test_streaming_path_matches_the_in_memory_bundle(tmp_path: Path) -> None:
    """With threshold 0 every Anlage file of the example is streamed: same content."""
    from ratsdok.pdf.bundling import build_bundle, bundle_to_file
    from tests.conftest import EXAMPLE_DIR, EXAMPLE_XML

    v = ratsdok.load(EXAMPLE_XML)
    out = tmp_path / "b.pdf"
    bundle_to_file(v, EXAMPLE_DIR, out, stream_threshold=0)
    assert pdfa_problems(out) == []
    with out.open("rb") as f:
        f.seek(-1024, 2)
        assert b"/Prev" in f.read()
    with (
        pikepdf.open(out) as streamed,
        pikepdf.open(io.BytesIO(build_bundle(v, EXAMPLE_DIR).data)) as mem,
    ):
        assert _structure(streamed) == _structure(mem)


# --------------------------------------------------------------------------- interrupted runs


_RATSDOK = (sys.executable, "-m", "ratsdok")


def _start_bundle(folder: Path, out_dir: Path) -> subprocess.Popen[bytes]:
    """``ratsdok bundle`` of the large Vorlage into *out_dir*, as a child process."""
    return subprocess.Popen(
        [*_RATSDOK, "bundle", str(folder / "vorlage.xml"), "-o", str(out_dir / "bundle.pdf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _when_working(proc: subprocess.Popen[bytes], out_dir: Path) -> list[str]:
    """Wait until *proc* has its work folder in *out_dir*; return the names there."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        names = [p.name for p in out_dir.iterdir()]
        if any(n.startswith(".ratsdok-") for n in names):
            return names
        time.sleep(0.02)
    proc.kill()
    raise AssertionError(f"no work folder appeared (exit status {proc.poll()})")


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGTERM, 128 + 15), (signal.SIGINT, 130)], ids=["TERM", "INT"]
)
def test_signal_mid_run_leaves_nothing(
    large: tuple[Path, ratsdok.Vorlage, list[int]], tmp_path: Path, signum: int, status: int
) -> None:
    # issue #13: SIGTERM left a 121 MB .ratsdok-* work folder beside the output
    folder, _, _ = large
    proc = _start_bundle(folder, tmp_path)
    _when_working(proc, tmp_path)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == status, err
    assert b"Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # no work folder, no .part, no half a bundle


def test_leftover_of_a_killed_run_is_removed_by_the_next(
    large: tuple[Path, ratsdok.Vorlage, list[int]], tmp_path: Path
) -> None:
    folder, _, _ = large
    proc = _start_bundle(folder, tmp_path)
    (work,) = _when_working(proc, tmp_path)
    proc.kill()
    proc.communicate(timeout=120)
    assert [p.name for p in tmp_path.iterdir()] == [work]  # SIGKILL cannot clean up
    again = _start_bundle(folder, tmp_path)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert [p.name for p in tmp_path.iterdir()] == ["bundle.pdf"]


def test_work_folder_of_a_live_run_is_left_alone(tmp_path: Path) -> None:
    # A run in progress (this process holds its work folder) beside a leftover whose
    # owner is gone: writing an output into the folder removes only the leftover.
    from ratsdok.store.atomic import work_folder
    from tests.conftest import EXAMPLE_XML

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    with work_folder(tmp_path) as live:
        stale = tmp_path / live.name.replace(f"-{os.getpid()}-", f"-{ended.pid}-")
        stale.mkdir()
        proc = subprocess.run(
            [*_RATSDOK, "seal", str(EXAMPLE_XML), "-o", str(tmp_path / "sealed.xml")],
            capture_output=True,
        )
        assert proc.returncode == 0, proc.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, "sealed.xml"])
    assert [p.name for p in tmp_path.iterdir()] == ["sealed.xml"]
