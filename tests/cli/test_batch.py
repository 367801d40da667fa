"""Options the batch commands share (cli/_batch.py)."""

from __future__ import annotations

import pytest

from ratsdok.cli import build_parser
from ratsdok.cli._batch import DASK_CHUNK, chunk_size


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["archive", "x.xml", "-o", "out"], 1),
        (["archive", "x.xml", "-o", "out", "--dask", "tcp://s:8786"], DASK_CHUNK),
        (["archive", "x.xml", "-o", "out", "--dask", "tcp://s:8786", "--chunk", "2"], 2),
        (["oparl", "import-dump", "d", "-o", "out"], 16),
        (["oparl", "import-dump", "d", "-o", "out", "--dask", "tcp://s:8786"], 16),
        (["pdf-batch", "x.xml", "-d", "out", "--chunk", "3"], 3),
    ],
)
def test_dask_gets_batched_units_unless_told_otherwise(argv: list[str], expected: int) -> None:
    """One Vorlage per Dask task cost 1.56x the local pool (docs/batch.md); eight, 1.20x."""
    assert chunk_size(build_parser().parse_args(argv)) == expected
