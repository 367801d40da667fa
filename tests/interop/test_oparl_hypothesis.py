"""Property tests (fuzzing) of the OParl import and export.

* Import: structured mutations of real Papers (Karlsruhe 1.1, Hürtgenwald 1.0, spec
  examples) and of Papers ratsdok exported itself either raise a RatsdokError or give
  Vorlagen that are XSD-valid, round-trip through XML, have safe bare file names and
  invent nothing.
* Export: generated Vorlagen give schema-valid OParl 1.1 JSON, and import(export(v)) is v
  minus the documented losses (non-public Anlagen, inline bytes, Erweiterungen that are
  not vendor keys; kept values are re-serialised as compact sorted JSON).
* Bad input (random bytes, truncated or deeply nested JSON) gives a clean ratsdok error,
  also in the CLI (no traceback, exit status 1).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import re
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

import ratsdok
from ratsdok.cli import main
from ratsdok.interop.oparl.common import is_vendor_key
from ratsdok.interop.oparl.importer import _compact_json, load_json
from ratsdok.model.dateiname import portability_problem, unsafe_problem
from ratsdok.oparl import EXTENSION_KEY, dump_json, export_paper, import_paper
from ratsdok.xml.schema import schema_problems
from tests.conftest import EXAMPLE_XML, ROOT, require_corpus
from tests.factories import (
    BASE,
    EXAMPLES,
    FUZZ,
    HW,
    KA,
    KA_PAPERS,
    ORGS,
    SPEC_PAPERS,
    any_chars,
    consultation,
    not_exportable,
    paper,
    strict_schema_errors,
    vendor_erweiterungen,
    vorlagen,
)

# --------------------------------------------------------------------------- base Papers


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _karlsruhe_lookups() -> tuple[dict[str, Any], dict[str, Any]]:
    """Meetings and Organizations of the Karlsruhe corpus as id → object (read once)."""
    meetings: dict[str, Any] = {}
    for path in sorted(require_corpus(f"{KA}/meetings").glob("*.json")):
        m = _json(path)
        meetings[m["id"]] = m
    orgs = {o["id"]: o for o in _json(require_corpus(f"{KA}/organizations.json"))}
    return meetings, orgs


@cache
def _base_papers() -> tuple[tuple[str, Any], ...]:
    """(label, Paper) pairs: real Papers and Papers exported by ratsdok."""
    out: list[tuple[str, Any]] = []
    for n in KA_PAPERS:
        out.append((f"karlsruhe {n}", _json(require_corpus(f"{KA}/papers/{n}.json"))))
    for page in ("63", "72"):
        data = _json(require_corpus(f"{HW}/body/1/paper?page={page}.json"))["data"]
        out += [(f"huertgenwald {page}[{i}]", p) for i, p in enumerate(data[:4])]
    out += [(rel, _json(require_corpus(rel))) for rel in SPEC_PAPERS]
    stand = datetime(2024, 1, 2, tzinfo=UTC)
    example = ratsdok.load(EXAMPLE_XML)
    out.append(("export example", export_paper(example, base_url=BASE, stand=stand)))
    meetings, orgs = _karlsruhe_lookups()
    for n in ("51815", "50461"):
        v = import_paper(
            _json(require_corpus(f"{KA}/papers/{n}.json")),
            meetings=meetings,
            organizations=orgs,
        ).vorlage
        out.append((f"export karlsruhe {n}", export_paper(v, base_url=BASE, stand=stand)))
    return tuple(out)


# --------------------------------------------------------------------------- mutations

HUGE = "\x00huge-int\x00"  # replaced by a 5000-digit integer (json.dumps cannot write one)

ODD_DATES = [
    "2025-04-17",
    "2025-04-17T10:00:00",
    "2025-04-17T23:30:00Z",
    "2025-04-17T23:30:00+14:00",
    "2025-04-17T00:30:00-12:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "2025-02-30",
    "2025-13-01",
    "2025-W16-4",
    "20250417",
    "2025-04-17T24:00:00",
    "17.04.2025",
    "morgen",
]
ODD_NAMES = [
    "../../etc/passwd",
    "/absolut/plan.pdf",
    "C:\\Windows\\plan.pdf",
    "a\x00b.pdf",
    "CON",
    "nul.pdf",
    "Com1.txt",
    "LPT9",
    "x" * 300 + ".pdf",
    "a." + "x" * 300,
    "ä" * 150 + ".pdf",
    ".",
    "..",
    "...pdf",
    " .pdf",
    "a.\u0301.pdf",
    "plan\ud800.pdf",
    "\u202etxt.exe",
    "a\x85b.pdf",
    "\ufffe.pdf",
    "Plan.PDF",
    "plan.pdf",
]
ODD_WORDS = [
    "Beschlussvorlage",
    "beschlussfassung",
    "ENTSCHEIDUNG",
    "unbekannt",
    "Tischvorlage",
    "Vorberatung",
    "https://schema.oparl.org/1.0/Paper",
    "https://schema.oparl.org/1.1/File",
    "application/pdf",
    "Text/HTML; charset=utf-8",
    "not a mime",
    "true",
    "false",
    "12",
    "-1",
    "1e3",
    "²",
    "٣",
    "null",
    "NaN",
    HUGE,
]

scalars = st.one_of(
    st.none(),
    st.sampled_from(["", "  ", "\t\n", "\u00a0"]),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(ODD_DATES + ODD_NAMES + ODD_WORDS),
    st.text(any_chars, max_size=12),
    st.just("Lang " * 2000),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=6,
)
KNOWN_KEYS = [
    "id",
    "type",
    "name",
    "reference",
    "date",
    "paperType",
    "deleted",
    "consultation",
    "mainFile",
    "auxiliaryFile",
    "relatedPaper",
    "underDirectionOf",
    "originatorOrganization",
    "organization",
    "meeting",
    "agendaItem",
    "role",
    "authoritative",
    "fileName",
    "mimeType",
    "size",
    "accessUrl",
    "downloadUrl",
    "web",
    "created",
    "modified",
    EXTENSION_KEY,
    "uuid",
    "art",
    "koerperschaft",
    "beratungsfolge",
    "anlagen",
    "bezuege",
    "nummer",
    "dateiname",
]
new_keys = st.one_of(
    st.sampled_from(KNOWN_KEYS),
    st.builds(lambda s: "ris:" + s, st.text(any_chars, max_size=8)),
    st.sampled_from(["ris:x", "STERNBERG:RIMVersion", "ris:x ", "ris:\x85", "http://x", ":"]),
)


def _locations(value: Any, out: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key/index) inside *value*; a walk without recursion limits."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            out += [(node, k) for k in node]
            stack += list(node.values())
        elif isinstance(node, list):
            out += [(node, i) for i in range(len(node))]
            stack += node
    return out


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 6))):
        spots = _locations(doc, [])
        if not spots:
            break
        parent, key = draw(st.sampled_from(spots))
        op = draw(st.integers(0, 7))
        if op == 0:  # drop
            del parent[key]
        elif op == 1:  # odd value
            parent[key] = draw(json_values)
        elif op == 2:  # wrong container type
            v = parent[key]
            parent[key] = draw(
                st.sampled_from([[v], {"x": v}, json.dumps(v), len(str(v)), 1.5, True])
            )
        elif op == 3:  # nest deeper
            v = parent[key]
            for _ in range(draw(st.integers(1, 40))):
                v = [v] if draw(st.booleans()) else {"data": v}
            parent[key] = v
        elif op == 4 and isinstance(parent[key], list) and parent[key]:  # duplicate entries
            items = parent[key]
            items += [copy.deepcopy(draw(st.sampled_from(items))) for _ in range(2)]
        elif op == 5 and isinstance(parent, dict):  # new (known or vendor) key in this object
            parent[draw(new_keys)] = draw(json_values)
        elif op == 6 and isinstance(parent[key], str):  # the string, stretched or spiced
            parent[key] = draw(
                st.sampled_from(
                    [
                        parent[key] * 50,
                        parent[key] + "\x01",
                        parent[key] + "\ud800",
                        "\udc00" + parent[key],
                        parent[key] + "\x7f\x9f",
                        " " + parent[key] + " ",
                        parent[key] + "\r\n" + parent[key],
                    ]
                )
            )
        elif isinstance(doc, dict):  # vendor key with an odd value on the Paper
            doc[draw(new_keys)] = draw(json_values)
    return doc


def _huge_python(value: Any) -> Any:
    if value == HUGE:
        return 10**5000
    if isinstance(value, list):
        return [_huge_python(v) for v in value]
    if isinstance(value, dict):
        return {k: _huge_python(v) for k, v in value.items()}
    return value


def _as_bytes(value: Any) -> bytes:
    """JSON text (surrogates as \\u escapes, NaN as NaN) with HUGE as a 5000-digit number."""
    text = json.dumps(value, ensure_ascii=True)
    return text.replace(json.dumps(HUGE), "9" * 5000).encode("ascii")


# --------------------------------------------------------------------------- properties

_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)", re.IGNORECASE)
_XSD_NAME = re.compile(r"\.?[^/\\.\x00-\x1f\x7f-\x9f](\.?[^/\\.\x00-\x1f\x7f-\x9f])*\.?")


def assert_safe_name(name: str) -> None:
    assert name == Path(name).name and name not in ("", ".", "..")
    assert "/" not in name and "\\" not in name and ".." not in name
    assert not re.search('[\x00-\x1f\x7f-\x9f\ud800-\udfff<>:"|?*]', name), name
    assert not _RESERVED.match(name), name
    assert name == name.strip(" .") and len(name.encode("utf-8")) <= 255
    assert _XSD_NAME.fullmatch(name), name
    # the one rule new documents follow (issue #13): the importer cleans by it
    assert portability_problem(name) is None and unsafe_problem(name) is None, name


def check_import(source: Any, raw: Any, **lookups: Any) -> ratsdok.oparl.ImportResult | None:
    """import_paper raises a RatsdokError or gives valid Vorlagen that invent nothing."""
    try:
        result = import_paper(source, **lookups)
    except ratsdok.RatsdokError:
        return None  # a RatsdokError always carries at least one Problem
    assert len(result.vorlagen) <= (1 if isinstance(raw, dict) and "data" not in raw else 10**6)
    for u in result.unmapped:
        assert isinstance(u.path, str) and u.path.startswith("$") and u.reason
    for v in result.vorlagen:
        data = ratsdok.to_xml(v)
        assert schema_problems(etree.fromstring(data).getroottree()) == []
        assert ratsdok.from_xml(data) == v
        for a in v.anlagen:
            if a.dateiname is not None:  # a File without a URL is an Anlage without a file
                assert_safe_name(a.dateiname)
            assert a.inhalt is None
        if v.hauptdokument is not None:
            assert_safe_name(v.hauptdokument.dateiname)
            assert v.hauptdokument.inhalt is None
    if isinstance(raw, dict) and result.vorlagen:
        (v,) = result.vorlagen
        if not isinstance(raw.get("date"), str):
            assert v.datum is None  # no date in the input: none invented
        ext = raw.get(EXTENSION_KEY)
        if not isinstance(ext, dict):
            if not isinstance(raw.get("paperType"), str):
                assert v.art is None
            if "consultation" not in raw:
                assert v.beratungsfolge == ()
            if not lookups.get("meetings"):
                assert all(b.sitzungstermin is None for b in v.beratungsfolge)
                assert all(b.sitzungsart is None for b in v.beratungsfolge)
            if "mainFile" not in raw and "auxiliaryFile" not in raw:
                assert v.anlagen == ()
            if "mainFile" not in raw:
                assert v.hauptdokument is None
            assert len(v.anlagen) <= len(_as_list(raw.get("auxiliaryFile")))
            assert len(v.beratungsfolge) <= len(_as_list(raw.get("consultation")))
            sizes = [f.get("size") for f in _files(raw) if isinstance(f, dict)]
            dateien: list[ratsdok.Anlage | ratsdok.Hauptdokument] = [*v.anlagen]
            if v.hauptdokument is not None:
                dateien.append(v.hauptdokument)
            if all(s is None for s in sizes):
                assert all(a.groesse is None for a in dateien)
            assert all(a.sha256 is None for a in dateien)  # OParl has no SHA-256
            if not lookups.get("meetings"):  # no AgendaItem, no result: none invented
                assert all(b.ergebnis is None for b in v.beratungsfolge)
            for key, name in (("web", "web"), ("created", "erstellt"), ("modified", "geaendert")):
                if not isinstance(raw.get(key), str):  # none invented, no number as Unix time
                    assert v.quelle is None or getattr(v.quelle, name) is None
    return result


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _files(raw: dict[str, Any]) -> list[Any]:
    return _as_list(raw.get("mainFile")) + _as_list(raw.get("auxiliaryFile"))


@FUZZ
@given(st.data())
def test_mutated_papers_import_to_valid_vorlagen(data: st.DataObject) -> None:
    _, base = data.draw(st.sampled_from(_base_papers()), label="base")
    doc = data.draw(mutated(base), label="mutated")
    meetings, orgs = _karlsruhe_lookups()
    lookups = data.draw(st.sampled_from([{}, {"meetings": meetings, "organizations": orgs}]))
    check_import(_as_bytes(doc), doc, **lookups)
    python = _huge_python(doc)
    check_import(python, python, **lookups)


@FUZZ
@given(st.data())
def test_mutated_lookups_do_not_break_the_import(data: st.DataObject) -> None:
    """Odd Meetings, AgendaItems and Organizations are reported, never raised."""
    meetings, orgs = _karlsruhe_lookups()
    raw = _json(require_corpus(f"{KA}/papers/51815.json"))
    ids = {c.get("meeting") for c in raw["consultation"]}
    used = [meetings[i] for i in sorted(ids) if i in meetings]
    org_ids = {o for c in raw["consultation"] for o in c.get("organization", [])}
    org_ids |= set(raw.get("underDirectionOf", []))
    org_objs = [orgs[o] for o in sorted(org_ids) if o in orgs]
    bad_meetings = [data.draw(mutated(m)) for m in used]
    bad_orgs = [data.draw(mutated(o)) for o in org_objs]
    raw["originatorOrganization"] = [o["id"] for o in org_objs[:2]]
    check_import(raw, raw, meetings=bad_meetings, organizations=bad_orgs)


# Regressions found by the fuzzing above (each once raised a bare Python exception or
# lost data it should have kept).


@pytest.mark.parametrize(
    "extra",
    [
        {"date": "0001-01-01T00:00:00+14:00"},  # OverflowError
        {"date": "9999-12-31T23:59:59-14:00"},  # OverflowError
        {"auxiliaryFile": [{"fileName": "a.pdf", "size": "²"}]},  # ValueError from int()
        {"auxiliaryFile": [{"fileName": "plan\ud800.pdf"}]},  # UnicodeEncodeError
        {1: "non-string key of a Python mapping"},  # TypeError in sorted()
        {"ris:nan": math.nan},  # "NaN" kept as if it were JSON
        {"id": "https://o.example/paper/1\ud800"},  # UnicodeEncodeError in uuid5
    ],
)
def test_regression_odd_values_are_reported_not_raised(extra: dict[Any, Any]) -> None:
    raw = {**paper(), **extra}
    result = check_import(raw, raw)
    assert result is not None and len(result.vorlagen) == 1
    assert result.vorlage.datum is None and result.vorlage.erweiterungen == ()
    assert all(a.groesse is None for a in result.vorlage.anlagen)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b'{"id": "x", "size": ' + b"9" * 5000 + b"}", "too long"),  # ValueError
        (b'{"id": "x", "ris:x": NaN}', "NaN"),
        (b'{"id": "x", "ris:x": -Infinity}', "Infinity"),
        (b'{"id": "x", "foo": ' + b"[" * 900 + b"]" * 900 + b"}", "nested"),  # RecursionError
        # issue #13: two "name" keys; Python kept the last silently, other readers the first
        (b'{"id": "x", "name": "Echt", "name": "Fake"}', "'name' occurs twice"),
        (b'{"id": "x", "consultation": [{"role": "a", "role": "b"}]}', "'role' occurs twice"),
    ],
)
def test_regression_bad_json_values_are_ratsdok_errors(text: bytes, message: str) -> None:
    with pytest.raises(ratsdok.InvalidDocumentError, match=message):
        import_paper(text)


def test_regression_deep_python_object_is_a_ratsdok_error() -> None:
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(ratsdok.InvalidDocumentError, match="nested"):
        import_paper(paper(foo=deep))


def test_regression_long_and_reserved_file_names() -> None:
    files = [
        {"fileName": n, "accessUrl": "https://o.example/f"}
        for n in [
            "CON",
            "nul.pdf",
            "a." + "x" * 300,
            "b" * 199 + ".c" + "d" * 5 + ".pdf",
            # issue #13: the names the model refuses in new documents
            "RATSDOK.XML",
            "a.pdf:Zone.Identifier",
            "Com¹ .txt",
            "x<y>|?.pdf",
        ]
    ]
    v = import_paper(paper(auxiliaryFile=files)).vorlage
    names = [a.dateiname for a in v.anlagen]
    assert len(names) == 8  # the long ones were once skipped as invalid Anlagen
    assert names[:2] == ["_CON", "_nul.pdf"]
    assert names[4:] == ["_RATSDOK.XML", "a.pdf_Zone.Identifier", "_Com¹.txt", "x_y___.pdf"]
    for name in names:
        assert_safe_name(name or "")


def test_regression_non_text_values_are_not_turned_into_python_text() -> None:
    result = import_paper(paper(reference={"nr": 1}))
    assert result.vorlagen == ()
    assert "reference" in result.unmapped[-1].reason
    assert str(import_paper(paper(reference=12)).vorlage.nummer) == "12"
    item = {"id": "https://o.example/ai/1", "number": {"x": 1}, "result": "beschlossen"}
    item["resolutionText"] = "Text\x01"
    meeting = {"id": "https://o.example/m/1", "start": "2025-01-02", "agendaItem": [item]}
    c = consultation(1, meeting=meeting["id"], agendaItem=item["id"])
    result = import_paper(paper(consultation=[c]), meetings=[meeting], organizations=ORGS)
    (b,) = result.vorlage.beratungsfolge
    assert b.tagesordnungspunkt is None
    assert b.ergebnis is not None and b.ergebnis.beschlusstext is None
    why = {u.path: u.reason for u in result.unmapped}
    assert why["$.consultation[0].agendaItem.resolutionText"] == "not usable text"


def test_regression_unusable_organization_names_are_reported() -> None:
    orgs = {"https://o.example/o/1": {"id": "https://o.example/o/1", "name": "Amt\x01"}}
    p = paper(underDirectionOf=["https://o.example/o/1"])
    p["originatorOrganization"] = ["https://o.example/o/1"]
    result = import_paper(p, organizations=orgs)
    v = result.vorlage  # once: a ValidationError, or no Vorlage at all
    assert v.federfuehrung is None and v.einreicher is None
    assert {"$.underDirectionOf", "$.originatorOrganization"} <= {u.path for u in result.unmapped}


@pytest.mark.parametrize(
    "ext",
    [
        {"art": 5},
        {"koerperschaft": "\x01"},
        {"bezuege": [{"art": "bezieht-sich-auf", "nummer": "BV 12/2021"}]},  # itself
    ],
)
def test_regression_unusable_extension_falls_back_to_oparl_fields(ext: dict[str, Any]) -> None:
    result = import_paper(paper(paperType="Antrag", **{EXTENSION_KEY: ext}))
    v = result.vorlage  # once: the whole Paper was skipped
    assert v.art is ratsdok.Vorlagenart.ANTRAG and v.koerperschaft is None and v.bezuege == ()
    assert (
        "extension not usable" in {u.path: u.reason for u in result.unmapped}[f"$.{EXTENSION_KEY}"]
    )


# --------------------------------------------------------------------------- export


def _strict_loads(data: bytes) -> Any:
    def refuse(word: str) -> Any:
        raise AssertionError(f"{word} in the output is not JSON")

    return json.loads(data.decode("utf-8"), parse_constant=refuse)


def _kept(erweiterungen: tuple[ratsdok.Erweiterung, ...]) -> tuple[ratsdok.Erweiterung, ...]:
    """What export → import keeps (module doc of ratsdok.interop.oparl.exporter): vendor keys
    but the ratsdok one, the first of equal keys, sorted, the value as compact JSON."""
    out: dict[str, ratsdok.Erweiterung] = {}
    for e in erweiterungen:
        key = e.schluessel
        # The first of equal keys wins: the object has the key then.
        if is_vendor_key(key) and key != EXTENSION_KEY and key not in out:
            wert = _compact_json(json.loads(e.wert))
            assert json.loads(wert) == json.loads(e.wert)  # the value itself is kept
            out[key] = ratsdok.Erweiterung(schluessel=key, wert=wert)
    return tuple(out[k] for k in sorted(out))


def expected_after_round_trip(v: ratsdok.Vorlage) -> ratsdok.Vorlage:
    """import(export(v)): minus non-public Anlagen, inline bytes, unkept Erweiterungen and
    the Ergebnisse of Beratungen in nichtöffentlicher Sitzung.

    An Anlage without a file has no File; the extension carries it whole."""
    anlagen = [
        a.model_dump()
        if a.dateiname is None
        else {**a.model_dump(exclude={"inhalt"}), "erweiterungen": _kept(a.erweiterungen)}
        for a in v.anlagen
        if a.oeffentlich
    ]
    beratungen = [
        # OParl is public: of a Beratung in nichtöffentlicher Sitzung no Ergebnis but
        # that it was put off (tests/model: beratungsfolge_oeffentlich).
        b.model_copy(update={"erweiterungen": _kept(b.erweiterungen)})
        for b in v.beratungsfolge_oeffentlich
    ]
    values = {**v.model_dump(), "anlagen": anlagen, "beratungsfolge": beratungen}
    values["erweiterungen"] = _kept(v.erweiterungen)
    if v.hauptdokument is not None:
        values["hauptdokument"] = {
            **v.hauptdokument.model_dump(exclude={"inhalt"}),
            "erweiterungen": _kept(v.hauptdokument.erweiterungen),
        }
    return ratsdok.Vorlage.model_validate(values)


def _check_export(v: ratsdok.Vorlage) -> None:
    has_date = v.datum is not None or any(b.sitzungstermin for b in v.beratungsfolge)
    stand = None if has_date else datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    if v.nichtoeffentlich:  # OParl publishes public data only: refused, unless released
        with pytest.raises(ratsdok.InvalidDocumentError, match="nichtoeffentlich_freigeben"):
            export_paper(v, base_url=BASE, stand=stand)
    if not_exportable(v):
        with pytest.raises(ratsdok.InvalidDocumentError):
            export_paper(v, base_url=BASE, stand=stand, nichtoeffentlich_freigeben=True)
        return
    out = export_paper(v, base_url=BASE, stand=stand, nichtoeffentlich_freigeben=True)
    text = dump_json(out)
    assert _strict_loads(text) == out
    assert strict_schema_errors(out) == []
    main = [out["mainFile"]] if "mainFile" in out else []
    for obj in [out, *out.get("consultation", []), *out.get("auxiliaryFile", []), *main]:
        assert all(obj[k] not in (None, "", []) for k in obj if not is_vendor_key(k))
    # A File is named as the Anlage is everywhere ("Anlage 2: Lageplan" only once); an
    # Anlage without a file has none (OParl requires accessUrl).
    names = [f["name"] for f in out.get("auxiliaryFile", [])]
    assert names == [a.bezeichnung for a in v.anlagen if a.oeffentlich and a.hat_datei]
    # The Hauptdokument is the mainFile.
    assert ("mainFile" in out) == (v.hauptdokument is not None)
    result = import_paper(text)
    back = result.vorlage
    assert back == expected_after_round_trip(v)
    # The seal: unedited, import finds no mismatch, also when the Paper is not all of v.
    assert not any("pruefsumme" in u.path for u in result.unmapped)
    assert ("pruefsumme_oparl" in out[EXTENSION_KEY]) == (back != v)


@settings(max_examples=2 * EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vorlagen())
def test_export_of_generated_vorlagen(v: ratsdok.Vorlage) -> None:
    _check_export(v)


@settings(max_examples=2 * EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vorlagen(neu=True))
def test_export_of_generated_vorlagen_with_the_content_of_format_1_1(v: ratsdok.Vorlage) -> None:
    """Sections of blocks, Finanzen, votes, Beteiligte, Öffentlichkeit, Hauptdokument,
    Anlagen without a file: OParl carries what it can, the extension the rest."""
    _check_export(v)


@FUZZ
@given(
    vorlagen() | vorlagen(neu=True),
    vendor_erweiterungen,
    vendor_erweiterungen,
    vendor_erweiterungen,
)
@example(  # regression: dates before 1893 had the offset +00:53:28, not RFC 3339
    ratsdok.Vorlage(nummer="KT 1/1850", betreff="Alt", datum=date(1850, 1, 1)), [], [], []
)
@example(  # regression: a lone surrogate in a kept value made dump_json raise
    ratsdok.Vorlage(nummer="KT 1/2020", betreff="x", datum=date(2020, 1, 1)),
    [ratsdok.Erweiterung(schluessel="ris:a", wert='"\\ud800"')],
    [],
    [],
)
def test_export_of_vendor_erweiterungen(
    v: ratsdok.Vorlage,
    on_vorlage: list[ratsdok.Erweiterung],
    on_beratung: list[ratsdok.Erweiterung],
    on_anlage: list[ratsdok.Erweiterung],
) -> None:
    values = v.model_dump()
    values["erweiterungen"] = on_vorlage
    for b in values["beratungsfolge"]:
        b["erweiterungen"] = on_beratung
    for a in values["anlagen"]:
        a["erweiterungen"] = on_anlage
    if values["hauptdokument"] is not None:
        values["hauptdokument"]["erweiterungen"] = on_anlage
    _check_export(ratsdok.Vorlage.model_validate(values))


@pytest.mark.parametrize("wert", ["NaN", "[-Infinity]", "[" * 100_000 + "]" * 100_000])
def test_regression_erweiterung_that_is_not_strict_json_is_an_export_error(wert: str) -> None:
    v = ratsdok.Vorlage(
        nummer="BV 1/2021",
        betreff="x",
        datum=date(2021, 1, 1),
        erweiterungen=[ratsdok.Erweiterung(schluessel="ris:x", wert=wert)],
    )
    with pytest.raises(ratsdok.InvalidDocumentError, match="not JSON text"):
        export_paper(v, base_url=BASE)


# --------------------------------------------------------------------------- bad input, CLI


def _cli_import(path: Path, out: Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["oparl", "import", str(path), "-o", str(out), "-q"])
    return status, err.getvalue()


def _truncated(data: bytes) -> st.SearchStrategy[bytes]:
    return st.integers(0, len(data) - 2).map(lambda n: data[:n])


@cache
def _karlsruhe_bytes() -> bytes:
    return require_corpus(f"{KA}/papers/51815.json").read_bytes()


@FUZZ
@given(st.data())
def test_bad_bytes_give_ratsdok_errors_and_a_clean_cli(data: st.DataObject) -> None:
    blob = data.draw(
        st.one_of(
            st.binary(max_size=200),
            _truncated(_karlsruhe_bytes()),
            st.integers(1, 3000).map(lambda n: b"[" * n),
            st.integers(1, 3000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
            st.sampled_from([b"", b"null", b"1", b'"x"', b"[]", b"{}", b"\xef\xbb\xbf{}", b"[1]"]),
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "paper.json"
        path.write_bytes(blob)
        error: ratsdok.RatsdokError | None = None
        try:
            result = import_paper(path)
        except ratsdok.RatsdokError as exc:
            error, result = exc, None
        assert error is None or error.problems[0].file == str(path)
        status, err = _cli_import(path, Path(tmp) / "v.xml")
        if result is None or not result.vorlagen:
            assert status == 1 and str(path) in err
            assert not (Path(tmp) / "v.xml").exists()
        else:
            assert status == 0
    with contextlib.suppress(ratsdok.RatsdokError):
        load_json(blob)


def test_truncated_json_names_the_line() -> None:
    data = _karlsruhe_bytes()
    with pytest.raises(ratsdok.InvalidDocumentError) as info:
        import_paper(data[: len(data) // 2])
    assert info.value.problems[0].line is not None and info.value.problems[0].line > 1


@pytest.mark.parametrize(
    "blob",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"id":"x","name":"n","reference":"r","x":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b"\xff\xfe{}",
        b'{"id":"x","name":"n","reference":"r","size":' + b"9" * 5000 + b"}",
    ],
    ids=["deep", "deep-in-paper", "utf16-bom", "huge-int"],
)
def test_cli_subprocess_prints_no_traceback(blob: bytes, tmp_path: Path) -> None:
    path = tmp_path / "paper.json"
    path.write_bytes(blob)
    proc = subprocess.run(
        [sys.executable, "-m", "ratsdok", "oparl", "import", str(path), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert str(path) in proc.stderr


def test_regression_non_breaking_space_is_text_not_blank() -> None:
    # Export wrote betreff "\xa0" (valid ratsdok text); import dropped it as blank.
    v = ratsdok.Vorlage(nummer="KT 1/2020", betreff="\xa0", datum=date(2020, 1, 1))
    assert import_paper(dump_json(export_paper(v, base_url=BASE))).vorlage == v


def test_regression_vendor_value_that_is_not_nfc_is_kept_exactly() -> None:
    # "e\u0301" once came back as "é": the Erweiterung text was NFC-normalised.
    result = import_paper(paper(**{"ris:x": "e\u0301", "ris:y": ["Å"]}))
    assert [json.loads(e.wert) for e in result.vorlage.erweiterungen] == ["e\u0301", ["Å"]]
