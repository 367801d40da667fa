"""The ``ratsdok`` command line: validate and show."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ratsdok.cli import main
from tests.conftest import line_of
from tests.factories import altes_dokument

PROBLEM_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<message>\S.*)$")


def test_validate_example(example_xml: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(example_xml)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{example_xml}: valid" in err


def test_validate_quiet(example_xml: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "-q", str(example_xml)]) == 0
    assert capsys.readouterr() == ("", "")


def test_validate_broken_file(
    tmp_path: Path, example_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text(
        example_text.replace("2020-05-25", "2020-13-45").replace(
            "<code>vorberatung</code>", "<code>beraten</code>"
        ),
        encoding="utf-8",
    )
    assert main(["validate", str(bad)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 2
    matches = [PROBLEM_LINE.match(line) for line in lines]
    assert all(m is not None for m in matches)
    assert [m.group("file") for m in matches if m] == [str(bad)] * 2
    assert [int(m.group("line")) for m in matches if m] == [
        line_of(example_text, "2020-05-25"),
        line_of(example_text, "<code>vorberatung</code>"),
    ]
    assert "Traceback" not in out + err


def test_validate_rule_violation_and_good_file_together(
    tmp_path: Path, example_xml: Path, example_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "order.xml"
    bad.write_text(example_text.replace("2020-05-26", "2020-05-01"), encoding="utf-8")
    assert main(["validate", str(example_xml), str(bad)]) == 1
    out, _ = capsys.readouterr()
    (line,) = out.splitlines()
    m = PROBLEM_LINE.match(line)
    assert m is not None
    assert m.group("file") == str(bad)
    assert int(m.group("line")) == line_of(example_text, "2020-05-26")
    assert "beratungsfolge[1].sitzungstermin" in m.group("message")


def test_validate_tampered_anlage(example_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = example_copy.parent / "integrationskonzept.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"x")
    assert main(["validate", str(example_copy)]) == 1
    out, _ = capsys.readouterr()
    (line,) = out.splitlines()
    m = PROBLEM_LINE.match(line)
    assert m is not None
    assert "anlagen[0]" in m.group("message")
    assert main(["validate", "--anlagen", "ignore", str(example_copy)]) == 0


def test_validate_require_missing_anlage(
    example_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (example_copy.parent / "integrationskonzept.pdf").unlink()
    assert main(["validate", str(example_copy)]) == 0
    assert main(["validate", "--anlagen", "require", str(example_copy)]) == 1
    out, _ = capsys.readouterr()
    assert "not found" in out


def test_validate_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "fehlt.xml"
    assert main(["validate", str(missing)]) == 1
    out, err = capsys.readouterr()
    assert str(missing) in out
    assert "not found" in out
    assert "Traceback" not in out + err


def test_show_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "fehlt.xml"
    assert main(["show", str(missing)]) == 1
    out, err = capsys.readouterr()
    assert str(missing) in err
    assert "Traceback" not in out + err


def test_show_example(example_xml: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(example_xml)]) == 0
    out = capsys.readouterr().out
    assert "KT 0134/2020" in out
    assert "Beschlussvorlage" in out
    assert "Legitimation des kommunalen Integrationskonzeptes" in out
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith("  Kreis")}
    for gremium, datum, zustaendigkeit in [
        ("Kreisausschuss", "25.05.2020", "Vorberatung"),
        ("Kreistag", "26.05.2020", "Entscheidung"),
    ]:
        row = rows[gremium]
        assert datum in row
        assert "öffentlich" in row
        assert zustaendigkeit in row
    (anlage_row,) = [line for line in out.splitlines() if "integrationskonzept.pdf" in line]
    assert "43,9 KiB" in anlage_row
    assert anlage_row.rstrip().endswith("ok")
    assert "GEÄNDERT" not in out


def test_show_tampered_copy(example_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = example_copy.parent / "integrationskonzept.pdf"
    data = bytearray(pdf.read_bytes())
    data[-5] ^= 0xFF
    pdf.write_bytes(bytes(data))
    assert main(["show", str(example_copy)]) == 0
    out = capsys.readouterr().out
    (anlage_row,) = [line for line in out.splitlines() if "integrationskonzept.pdf" in line]
    assert "GEÄNDERT" in anlage_row
    assert "SHA-256" in out


def test_show_broken_file(
    tmp_path: Path, example_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text(example_text.replace("</ratsdok:betreff>", ""), encoding="utf-8")
    assert main(["show", str(bad)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert PROBLEM_LINE.match(err.splitlines()[0])


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["validate"])
    assert info.value.code == 2
    capsys.readouterr()


def test_subprocess(example_xml: Path, tmp_path: Path, example_text: str) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "ratsdok", "validate", str(example_xml)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    bad = tmp_path / "bad.xml"
    bad.write_text(example_text.replace("2020-05-25", "2020-13-45"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "ratsdok", "validate", str(bad), str(tmp_path / "fehlt.xml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    first = result.stdout.splitlines()[0]
    m = PROBLEM_LINE.match(first)
    assert m is not None
    assert int(m.group("line")) == line_of(example_text, "2020-05-25")
    shown = subprocess.run(
        [sys.executable, "-m", "ratsdok", "show", str(example_xml)],
        capture_output=True,
        check=False,
    )
    assert shown.returncode == 0
    assert "Kreisausschuss" in shown.stdout.decode("utf-8")


def test_errors_without_a_file_are_given_the_input_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """bundle seals from bytes; its error about the broken seal names the input file."""
    from ratsdok.integrity.seal import seal
    from tests.conftest import EXAMPLE_XML

    doc = tmp_path / "v.xml"
    sealed = seal(EXAMPLE_XML.read_bytes())
    doc.write_bytes(sealed.replace(b"Legitimation des", b"Bestaetigung des"))
    shutil.copy(EXAMPLE_XML.parent / "integrationskonzept.pdf", tmp_path)
    out = tmp_path / "b.pdf"
    assert main(["bundle", str(doc), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    line = line_of(doc.read_text(encoding="utf-8"), "<ratsdok:pruefsumme>")
    assert err.startswith(f"{doc}:{line}: the Vorlage was changed after it was sealed")
    assert not out.exists()


def test_seal_of_a_pdf_says_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = tmp_path / "bundle.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    assert main(["seal", str(pdf), "-o", str(tmp_path / "x.xml")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{pdf}: this is a PDF") and "ratsdok extract" in err
    assert "Traceback" not in err and not (tmp_path / "x.xml").exists()


def test_archive_creates_its_output_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import EXAMPLE_XML

    out = tmp_path / "neu" / "abgabe"
    assert main(["archive", str(EXAMPLE_XML), "-o", str(out)]) == 0
    (made,) = out.glob("*.zip")  # beside it the run's state and index (issue #14)
    assert capsys.readouterr().out.strip() == str(made)
    assert made.name.endswith("_Aussonderung.Aussonderung.0503.zip")
    assert main(["verify", str(made)]) == 0
    assert capsys.readouterr().out.startswith(f"{made}: xdomea 0503 archive\n")


# --- bad option values give a one-line error, never a traceback (issue #13) --------


def _value_options() -> list[tuple[str, str, list[str], list[str]]]:
    """(command, option, positional arguments, required options) for every option
    that takes a value."""
    import argparse

    from ratsdok.cli import build_parser

    out = []
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, p in sub.choices.items():
        positionals = [a for a in p._actions if not a.option_strings]
        if any(isinstance(a, argparse._SubParsersAction) for a in positionals):
            continue  # a command group (oparl): its commands are listed as their own
        args = ["nicht-da.xml" for _ in positionals]
        required = [a.option_strings[-1] for a in p._actions if a.option_strings and a.required]
        for action in p._actions:
            if action.option_strings and action.nargs != 0 and action.dest != "help":
                out.append((name, action.option_strings[-1], args, required))
    return out


@pytest.mark.parametrize("value", ["gestern", "", "\udcff"])
def test_every_option_with_a_bad_value_gives_no_traceback(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found: archive --zeitpunkt gestern and --prozess-id xyz printed tracebacks.
    Each command runs with a bad value for one option (the other required options
    given), so that the command itself, not just the parser, sees the value."""
    monkeypatch.chdir(tmp_path)  # "-o gestern" is a folder name: never in the checkout
    cases = _value_options()
    assert len(cases) >= 10
    for command, option, positionals, required in cases:
        argv = [command, *positionals, option, value]
        for other in required:
            if other != option:
                argv += [other, str(tmp_path / "out")]
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse's own error exit
            status = exc.code if isinstance(exc.code, int) else 2
        err = capsys.readouterr().err
        assert "Traceback" not in err, (argv, err)
        assert status != 0, (argv, err)


def test_archive_to_an_existing_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import EXAMPLE_XML

    target = tmp_path / "datei.txt"
    target.write_text("x")
    assert main(["archive", str(EXAMPLE_XML), "-o", str(target)]) == 1
    assert "not a folder" in capsys.readouterr().err
    assert target.read_text() == "x"


def test_validate_warns_about_a_file_name_that_is_not_portable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue #13: an old document with CON.pdf is valid; validate says why it would
    not be as a new one, on stderr, and exits 0."""
    doc = altes_dokument(tmp_path / "alt", "CON.pdf")
    assert main(["validate", "--anlagen", "require", str(doc)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    first, second = err.splitlines()
    assert first.startswith(f"Hinweis: {doc}:")
    assert "anlagen[0].dateiname: the file name 'CON.pdf' is not portable" in first
    assert second == f"{doc}: valid"
