"""Shared fixtures and helpers for the ratsdok tests."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

import ratsdok
from tests.pki import pki
from tests.tsa import LoopbackTsa

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = ROOT / "examples" / "kt-0134-2020"
EXAMPLE_XML = EXAMPLE_DIR / "vorlage.xml"
CORPUS = ROOT.parent / "shared" / "corpus"


def mutate_bytes(data: st.DataObject, original: bytes, *, truncate: bool = True) -> bytes:
    """Flip a bit, insert or delete one byte at a drawn position, or cut the bytes there."""
    out = bytearray(original)
    pos = data.draw(st.integers(0, len(out) - 1), label="pos")
    ops = ["flip", "insert", "delete"] + (["truncate"] if truncate else [])
    op = data.draw(st.sampled_from(ops), label="op")
    if op == "flip":
        out[pos] ^= 1 << data.draw(st.integers(0, 7), label="bit")
    elif op == "insert":
        out.insert(pos, data.draw(st.integers(0, 255), label="byte"))
    elif op == "delete":
        del out[pos]
    else:
        del out[pos:]
    return bytes(out)


def require_tool(name: str) -> str:
    """Path of an external tool; skip locally when missing, fail in CI (CI=true)."""
    path = shutil.which(name)
    if path is None:
        message = f"external tool {name!r} is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI must install it, see .ci/run)")
        pytest.skip(message)
    return path


def require_module(name: str) -> None:
    """Skip locally when the optional module *name* is missing, fail in CI (CI=true)."""
    if importlib.util.find_spec(name) is None:
        message = f"optional module {name!r} is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI installs the dev extra, see .ci/run)")
        pytest.skip(message)


def require_corpus(relative: str) -> Path:
    """A file or folder of ../shared/corpus; skip locally when absent, fail in CI."""
    path = CORPUS / relative
    if not path.exists():
        message = f"corpus path {path} is missing"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def example_xml() -> Path:
    """The committed KT 0134/2020 example file (do not modify it)."""
    return EXAMPLE_XML


@pytest.fixture
def example() -> ratsdok.Vorlage:
    """The KT 0134/2020 Vorlage, loaded from the example file."""
    return ratsdok.load(EXAMPLE_XML)


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A copy of the example folder in a temporary directory; returns the XML path."""
    target = tmp_path / "kt-0134-2020"
    shutil.copytree(EXAMPLE_DIR, target)
    return target / "vorlage.xml"


def readme_sh_block(after: str) -> str:
    """The first ```sh block of the README after the text *after* (tests run such
    blocks as printed)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"```sh\n(.*?)```", readme[readme.index(after) :], re.S)
    assert m is not None, f"README lost its sh block after {after!r}"
    return m.group(1)


def line_of(text: str, needle: str, start: int = 1) -> int:
    """1-based number of the first line at or after *start* that contains *needle*."""
    for number, line in enumerate(text.splitlines(), 1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not found in the text")


@pytest.fixture
def example_text() -> str:
    """The example XML as text (edit it with str.replace to build bad inputs)."""
    return EXAMPLE_XML.read_text(encoding="utf-8")


@pytest.fixture
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackTsa]:
    """A loopback RFC 3161 TSA (``openssl ts -reply``) with the test PKI's TSA certificate."""
    server = LoopbackTsa(require_tool("openssl"), pki()["tsa"], tmp_path_factory.mktemp("tsa"))
    yield server
    server.close()


@pytest.fixture
def tsa_down() -> str:
    """The URL of a TSA that is not there: a loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsa"


@pytest.fixture(scope="session")
def dask_client() -> Iterator[Any]:
    """A Dask client of a LocalCluster with two worker processes (optional extra:
    skipped locally without it, failing in CI)."""
    require_module("distributed")
    distributed: Any = importlib.import_module("distributed")  # optional: typed as Any
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()
