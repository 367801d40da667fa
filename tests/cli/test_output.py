"""``-o -``: a command that writes one file writes it to standard output instead."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from ratsdok.cli import main
from tests.conftest import EXAMPLE_DIR, ROOT
from tests.factories import BASE, paper

MARKDOWN = ROOT / "examples" / "bv-0123-2024" / "vorlage.md"

COMMANDS = {
    "seal": ["seal", str(EXAMPLE_DIR / "vorlage.xml")],
    "build": ["build", "-q", str(MARKDOWN)],
    "oparl-export": ["oparl", "export", str(EXAMPLE_DIR / "vorlage.xml"), "--base-url", BASE],
    "render": ["render", str(EXAMPLE_DIR / "vorlage.xml")],
    "bundle": ["bundle", str(EXAMPLE_DIR / "vorlage.xml")],
    "bundle-barrierefrei": ["bundle", "--barrierefrei", str(EXAMPLE_DIR / "vorlage.xml")],
}


@pytest.mark.parametrize("command", list(COMMANDS.values()), ids=list(COMMANDS))
def test_stdout_gets_the_bytes_the_file_gets(
    command: list[str], tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    out = tmp_path / "out"
    assert main([*command, "-o", str(out)]) == 0
    capsysbinary.readouterr()
    assert main([*command, "-o", "-"]) == 0
    stdout, _ = capsysbinary.readouterr()
    assert stdout == out.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing else written


def test_oparl_import_to_stdout_keeps_its_notes_on_stderr(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    source = tmp_path / "paper.json"
    source.write_text(json.dumps(paper(**{"x:unbekannt": 1, "keyword": ["Radweg"]})))
    assert main(["oparl", "import", str(source), "-o", str(tmp_path / "v.xml")]) == 0
    file_err = capsysbinary.readouterr().err
    assert main(["oparl", "import", str(source), "-o", "-"]) == 0
    stdout, stderr = capsysbinary.readouterr()
    assert stdout == (tmp_path / "v.xml").read_bytes()
    assert etree.fromstring(stdout) is not None  # nothing but the XML on stdout
    assert stderr == file_err != b""  # the unmapped values, where they always go


def test_failure_writes_nothing_to_stdout(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    broken = tmp_path / "v.xml"
    broken.write_bytes((EXAMPLE_DIR / "vorlage.xml").read_bytes().replace(b"2020-05-25", b"2020"))
    for command in (["seal", str(broken)], ["render", str(broken)], ["bundle", str(broken)]):
        assert main([*command, "-o", "-"]) == 1
        stdout, stderr = capsysbinary.readouterr()
        assert stdout == b""
        assert str(broken).encode() in stderr


def test_pdf_is_not_written_to_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    for command in (COMMANDS["render"], COMMANDS["bundle"]):
        assert main([*command, "-o", "-"]) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert "will not write a PDF to a terminal" in err
    assert main([*COMMANDS["seal"], "-o", "-"]) == 0  # XML is text: shown
    assert "<ratsdok:" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("value", "message"),
    [("-", "standard output takes one file only"), ("", "is empty: name a folder")],
    ids=["stdout", "empty"],
)
@pytest.mark.parametrize(
    "command",
    [
        ["archive", str(EXAMPLE_DIR / "vorlage.xml"), "-o"],
        ["extract", str(EXAMPLE_DIR / "integrationskonzept.pdf"), "-d"],
    ],
    ids=["archive", "extract"],
)
def test_folder_options_refuse_stdout_and_nothing(
    command: list[str],
    value: str,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([*command, value]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert message in err
    assert list(tmp_path.iterdir()) == []  # neither a folder called - nor files in .


def test_oparl_import_of_several_papers_refuses_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = {"data": [paper(), paper(id="https://oparl.example.org/paper/2")]}
    source = tmp_path / "page.json"
    source.write_text(json.dumps(page))
    assert main(["oparl", "import", str(source), "-o", "-"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "standard output takes one file only" in err
