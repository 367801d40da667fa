"""Round trip to_xml + from_xml (with XSD validation) against the raw lxml floor.

Floor: safe-parse the same bytes with lxml and serialise them again, in the same
process. Targets (issues 2 and 10): ≤ 6× on the examples (the seed and the format 1.1
example), ≤ 8× on the large document.

    .venv/bin/python -m bench.bench_xml
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable

from lxml import etree

import ratsdok
from bench.documents import example, example_11, large
from ratsdok.xml.parser import parse_xml

TARGETS = {
    "example": 6.0,
    "example 1.1 (BV 0123/2024)": 6.0,
    "large (1,000 Beratungen, 1,000 Anlagen)": 8.0,
}


def best_per_call(fn: Callable[[], object], min_time: float = 0.5, repeat: int = 7) -> float:
    """Best time per call in seconds over *repeat* loops of at least *min_time*."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    number = max(1, int(number * min_time / 0.2))
    return min(timer.repeat(repeat=repeat, number=number)) / number


def measure(v: ratsdok.Vorlage) -> tuple[float, float, int]:
    data = ratsdok.to_xml(v)
    assert ratsdok.from_xml(data) == v

    def floor() -> None:
        etree.tostring(parse_xml(data).getroot())

    def roundtrip() -> None:
        ratsdok.from_xml(ratsdok.to_xml(v))

    return best_per_call(floor), best_per_call(roundtrip), len(data)


def main() -> int:
    failed = False
    print(
        f"{'document':42} {'bytes':>9} {'floor µs':>10} {'ratsdok µs':>11}"
        f" {'ratio':>6} {'target':>7}"
    )
    documents = (example(), example_11(), large())
    for (name, target), v in zip(TARGETS.items(), documents, strict=True):
        f, r, size = measure(v)
        ratio = r / f
        failed |= ratio > target
        print(f"{name:42} {size:9,} {f * 1e6:10.1f} {r * 1e6:11.1f} {ratio:6.2f} {target:6.1f}×")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
