"""Property tests: every valid Vorlage survives to_xml/from_xml and gives schema-valid XML."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from lxml import etree

import ratsdok
from ratsdok import Vorlage
from ratsdok.xml.mapping import to_xml
from ratsdok.xml.schema import schema_problems
from tests.factories import XML_WS, texts, vorlagen


def test_strategy_builds_valid_vorlagen() -> None:
    # The generator itself must not silently reject everything.
    @settings(max_examples=30, deadline=None)
    @given(vorlagen())
    def check(v: Vorlage) -> None:
        assert isinstance(v, Vorlage)

    check()


def test_strategy_reaches_nested_erweiterungen_and_quellen() -> None:
    # Without this the round-trip tests could pass without ever writing one. About
    # half the examples carry some, so 150 without any would be a broken strategy.
    seen: set[str] = set()

    @settings(max_examples=150, deadline=None, database=None)
    @given(vorlagen())
    def check(v: Vorlage) -> None:
        seen.update(["beratung"] if any(b.erweiterungen for b in v.beratungsfolge) else [])
        seen.update(["anlage"] if any(a.erweiterungen for a in v.anlagen) else [])
        seen.update(["quelle"] if v.quelle is not None else [])
        seen.update(["beratung.quelle"] if any(b.quelle for b in v.beratungsfolge) else [])
        seen.update(["anlage.quelle"] if any(a.quelle for a in v.anlagen) else [])
        if v.quelle is not None and v.quelle.erstellt is not None:
            seen.add("zeitpunkt")

    check()
    assert seen == {"beratung", "anlage", "quelle", "beratung.quelle", "anlage.quelle", "zeitpunkt"}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vorlagen())
def test_round_trip(v: Vorlage) -> None:
    data = to_xml(v)
    assert ratsdok.from_xml(data) == v


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vorlagen())
def test_generated_xml_is_schema_valid(v: Vorlage) -> None:
    tree = etree.fromstring(to_xml(v)).getroottree()
    assert schema_problems(tree) == []


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vorlagen())
def test_output_is_a_fixed_point(v: Vorlage) -> None:
    data = to_xml(v)
    assert to_xml(ratsdok.from_xml(data)) == data


@settings(max_examples=200, deadline=None)
@given(texts)
def test_text_normalisation_is_idempotent(raw: str) -> None:
    once = Vorlage(nummer="X", betreff=raw).betreff
    assert Vorlage(nummer="X", betreff=once).betreff == once
    assert once == once.strip(XML_WS)
    assert "\r" not in once
