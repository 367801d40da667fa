"""JSON Lines indexes, run state files and the folder lock of batch runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from ratsdok.errors import InvalidDocumentError, OutputError
from ratsdok.store.index import (
    JsonLines,
    ends_cleanly,
    folder_lock,
    json_line,
    read_json,
    read_lines,
    rewrite_lines,
    write_json,
)


def test_lines_are_deterministic_utf8() -> None:
    assert json_line({"b": 1, "a": "Ä"}) == '{"a":"Ä","b":1}\n'.encode()


def test_append_commit_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "i.jsonl"
    assert list(read_lines(path)) == []
    w = JsonLines(path)
    w.add({"n": 1})
    w.add({"n": 2})
    w.commit()
    w.close()
    assert [o["n"] for o in read_lines(path)] == [1, 2]
    assert ends_cleanly(path)


def test_a_torn_last_line_is_skipped_and_rewriting_drops_it(tmp_path: Path) -> None:
    path = tmp_path / "i.jsonl"
    path.write_bytes(b'{"n":1}\n{"n":')
    assert not ends_cleanly(path)
    assert list(read_lines(path)) == [{"n": 1}]
    rewrite_lines(path, read_lines(path))
    assert path.read_bytes() == b'{"n":1}\n'


@pytest.mark.parametrize("bad", [b"nonsense\n", b"[1]\n"])
def test_a_bad_line_in_the_middle_is_an_error_with_its_line(tmp_path: Path, bad: bytes) -> None:
    path = tmp_path / "i.jsonl"
    path.write_bytes(b'{"n":1}\n' + bad + b'{"n":3}\n')
    with pytest.raises(InvalidDocumentError) as info:
        list(read_lines(path))
    (p,) = info.value.problems
    assert (p.file, p.line) == (str(path), 2)


def test_state_round_trip_and_bad_state(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    assert read_json(path) is None
    write_json(path, {"prozess_id": "x", "n": None})
    assert read_json(path) == {"prozess_id": "x", "n": None}
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(InvalidDocumentError, match="not a JSON object"):
        read_json(path)


def test_a_second_run_in_the_same_folder_is_refused(tmp_path: Path) -> None:
    with (
        folder_lock(tmp_path, ".lock"),
        pytest.raises(OutputError, match="another run is writing into this folder"),
        folder_lock(tmp_path, ".lock"),
    ):
        pass
    with folder_lock(tmp_path, ".lock"):  # released
        pass
