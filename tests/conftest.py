"""Shared fixtures and helpers for the ratsdok tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import strategies as st

import ratsdok

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
