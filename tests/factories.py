"""Builders shared by the tests: Vorlagen, Anlagen, the test PKI and signing, PDFs,
OParl Papers, xdomea archives, the text source of ``ratsdok build`` and the Hypothesis
strategies and settings.

One place per builder: a test module imports what it builds from here (fixtures
stay in tests/conftest.py). The test PKI itself lives in tests/pki.py, the rich format
1.1 Vorlage (with the words its PDF must show) in tests/vorlage11.py, and the
Hypothesis strategies in tests/strategies.py (the PKI and the strategies are re-exported here).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from html import unescape as html_unescape
from pathlib import Path
from typing import Any
from uuid import UUID
from xml.sax.saxutils import escape as xml_escape

import jsonschema  # type: ignore[import-untyped,unused-ignore]
import pikepdf
from hypothesis import HealthCheck, settings
from lxml import etree
from pikepdf.models.metadata import decode_pdf_date

import ratsdok
from ratsdok import (
    Abschnitt,
    Abschnittsart,
    Abstimmung,
    Anlage,
    Beratung,
    Beschlussergebnis,
    Bezug,
    Bezugsart,
    Ergebnis,
    Erweiterung,
    Organisationseinheit,
    Quelle,
    Sitzungsart,
    Unterzeichnung,
    Vermerk,
    Vorlage,
    Vorlagenart,
    Zustaendigkeit,
)
from ratsdok.integrity.sign import sign
from ratsdok.interop.oparl.common import is_vendor_key
from ratsdok.interop.xdomea import XDOMEA_NS, archive
from ratsdok.model._base import GELESEN
from ratsdok.oparl import EXTENSION_KEY
from ratsdok.pdf.render import render_pdf
from ratsdok.xml.schema import schema_problems
from tests.conftest import EXAMPLE_XML, require_corpus, require_tool
from tests.pki import Identity, make_ca, make_signer, pki
from tests.strategies import (
    XML_WS,
    anlagen_listen,
    any_chars,
    beratungsfolgen,
    json_texts,
    texts,
    vendor_erweiterungen,
    vorlagen,
)

__all__ = [
    "BASE",
    "BEISPIEL",
    "EXAMPLES",
    "FORMATS",
    "FUZZ",
    "HW",
    "HW_PAGES",
    "KA",
    "KA_DELETED",
    "KA_PAPERS",
    "ORGS",
    "PID",
    "SECRET_MARKER",
    "SECRET_TITLE",
    "SPEC_PAPERS",
    "UMLAUTS",
    "WHEN",
    "XML_WS",
    "Identity",
    "X",
    "all_fonts_embedded",
    "anlage",
    "anlage_pdf",
    "anlagen_listen",
    "any_chars",
    "archive_message",
    "assert_xsd_valid",
    "beratungsfolgen",
    "consultation",
    "example_digests",
    "full_vorlage",
    "helvetica_pdf",
    "huertgenwald_lookups",
    "javascript_pdf",
    "json_texts",
    "karlsruhe_lookups",
    "make_archive",
    "make_ca",
    "make_signer",
    "minimal_vorlage",
    "not_exportable",
    "oparl_schema",
    "paper",
    "pdf_dates",
    "pdffonts_rows",
    "pdftotext",
    "pki",
    "reasons",
    "rewrite_zip",
    "schema_errors",
    "signed_by",
    "strict_schema_errors",
    "texts",
    "uncompressed",
    "unembedded_font_pdf",
    "vendor_erweiterungen",
    "vorlage",
    "vorlagen",
    "with_anlagen",
    "write_ca",
    "xdomea_xsd",
]

SECRET_TITLE = "Gutachten Zaunkönig-Grundstück"
SECRET_MARKER = b"ZAUNKOENIG-7f3a9c"
UMLAUTS = "Äußerst „große“ Maßnahme – § 5 kostet 1.000 € für Öl, Übung, ähnlich, öde, über, süß"


# --------------------------------------------------------------------------- Vorlagen, Anlagen


def minimal_vorlage(*anlagen: Anlage, **changes: Any) -> Vorlage:
    """A Vorlage with only the required fields (and *anlagen*); keyword arguments replace fields."""
    data: dict[str, Any] = {"nummer": "KT 0001/2024", "betreff": "Test", "anlagen": anlagen}
    data.update(changes)
    return Vorlage(**data)


def vorlage(**changes: Any) -> ratsdok.Vorlage:
    """A small but complete Vorlage (KT 0200/2021: two Beratungen, two Abschnitte, two
    Unterzeichnungen, German typography in the Betreff), as the PDF and archive tests use
    it; keyword arguments replace fields."""
    data: dict[str, Any] = {
        "nummer": "KT 0200/2021",
        "art": ratsdok.Vorlagenart.BESCHLUSSVORLAGE,
        "betreff": UMLAUTS,
        "koerperschaft": "Wartburgkreis",
        "datum": date(2021, 3, 4),
        "beratungsfolge": [
            ratsdok.Beratung(
                gremium="Kreisausschuss",
                sitzungstermin=date(2021, 3, 20),
                sitzungsart=ratsdok.Sitzungsart.OEFFENTLICH,
                zustaendigkeit=ratsdok.Zustaendigkeit.VORBERATUNG,
            ),
            ratsdok.Beratung(
                gremium="Kreistag",
                sitzungstermin=date(2021, 3, 30),
                sitzungsart=ratsdok.Sitzungsart.OEFFENTLICH,
                zustaendigkeit=ratsdok.Zustaendigkeit.ENTSCHEIDUNG,
            ),
        ],
        "abschnitte": [
            ratsdok.Abschnitt(
                art=ratsdok.Abschnittsart.BESCHLUSSVORSCHLAG,
                absaetze=["Der Kreistag beschließt die Maßnahme."],
            ),
            ratsdok.Abschnitt(
                art=ratsdok.Abschnittsart.BEGRUENDUNG,
                absaetze=["Die Begründung ergibt sich aus § 5 ThürKO."],
            ),
        ],
        "unterzeichnungen": [
            ratsdok.Unterzeichnung(name="Krebs", funktion="Landrat"),
            ratsdok.Unterzeichnung(name="Rosenstengel", funktion="Kreisbeigeordneter"),
        ],
    }
    data.update(changes)
    return ratsdok.Vorlage(**data)


def full_vorlage() -> Vorlage:
    """A Vorlage using every optional field, with text that needs escaping."""
    return Vorlage(
        uuid=UUID("11111111-2222-4333-8444-555555555555"),
        nummer="BV 12/2021-1",
        art=Vorlagenart.AENDERUNGSVORLAGE,
        betreff='Änderung <Satzung> & "Gebühren" für 2021',
        datum=date(2021, 3, 4),
        koerperschaft="Stadt Karlsruhe",
        federfuehrung=Organisationseinheit(name="Amt für Stadtentwicklung", kennung="61"),
        einreicher="Fraktion A & B",
        beratungsfolge=[
            Beratung(
                gremium="Hauptausschuss",
                sitzungstermin=date(2021, 3, 10),
                sitzungsart=Sitzungsart.NICHTOEFFENTLICH,
                zustaendigkeit=Zustaendigkeit.VORBERATUNG,
                tagesordnungspunkt="TOP 4.1",
                ergebnis=Ergebnis(
                    beschlussergebnis=Beschlussergebnis.GEAENDERT_BESCHLOSSEN,
                    abstimmung=Abstimmung(ja=10, nein=2, enthaltung=0),
                    beschlusstext="Wie vorgeschlagen,\nmit Änderung.",
                ),
                erweiterungen=[
                    Erweiterung(schluessel="ris:raum", wert='{"name":"Saal <A> & B"}'),
                    Erweiterung(schluessel="ris:x", wert="1"),
                ],
            ),
            Beratung(
                gremium="Gemeinderat",
                zustaendigkeit=Zustaendigkeit.ENTSCHEIDUNG,
                quelle=Quelle(
                    kennung="https://o.example/consultation/7",
                    geaendert=datetime(2021, 3, 12, 18, 5, tzinfo=timezone(-timedelta(hours=5.5))),
                ),
            ),
        ],
        abschnitte=[
            Abschnitt(art=Abschnittsart.BESCHLUSSVORSCHLAG, absaetze=["Der Rat beschließt."]),
            Abschnitt(
                art=Abschnittsart.SONSTIGES,
                ueberschrift="III. Anhang ]]> <!-- x -->",
                absaetze=["a\tb", "zweiter\nAbsatz"],
            ),
        ],
        unterzeichnungen=[
            Unterzeichnung(name="Müller", funktion="Oberbürgermeister", datum=date(2021, 3, 4)),
            Unterzeichnung(vermerk=Vermerk.I_V, name="Schmidt"),
        ],
        anlagen=[
            Anlage(
                nummer=1,
                titel="Plan",
                dateiname="plan.pdf",
                medientyp="application/pdf",
                groesse=10,
                sha256="ab" * 32,
                oeffentlich=False,
                quelle=Quelle(kennung="urn:ris:file:1", web="https://o.example/file/1"),
            ),
            Anlage(
                nummer=2,
                titel="Inline",
                dateiname="inline.txt",
                medientyp="text/plain",
                oeffentlich=True,
                inhalt=b"\x00\x01binary\xff",
                erweiterungen=[
                    Erweiterung(schluessel="vendor:seiten", wert="12"),
                    Erweiterung(schluessel="vendor:intern", wert='"nur „intern“"'),
                ],
            ),
        ],
        bezuege=[
            Bezug(art=Bezugsart.AENDERT, nummer="2020/0001"),
            Bezug(
                art=Bezugsart.FOLGT_AUF,
                nummer="BV 1/2020",
                uuid=UUID("99999999-2222-4333-8444-555555555555"),
            ),
        ],
        quelle=Quelle(
            kennung="https://o.example/paper/1?a=1&b=<2>",
            web="https://o.example/vo/1",
            erstellt=datetime(2021, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=1))),
            geaendert=datetime(2021, 3, 4, 12, 0, 0, 250000, tzinfo=UTC),
        ),
        erweiterungen=[Erweiterung(schluessel="sternberg:intern", wert="[1,null]")],
    )


def anlage(
    nummer: int = 1, dateiname: str = "a.pdf", *, gelesen: bool = False, **changes: Any
) -> Anlage:
    """A public PDF Anlage with neither size nor digest; keyword arguments replace fields.

    *gelesen*: as read from an existing document, which may keep a file name a new
    one may not have (``RATSDOK.XML``, ``CON.pdf``)."""
    data: dict[str, Any] = {
        "nummer": nummer,
        "titel": "Anlage",
        "dateiname": dateiname,
        "medientyp": "application/pdf",
        "oeffentlich": True,
    }
    data.update(changes)
    return Anlage.model_validate(data, context=GELESEN if gelesen else None)


def with_anlagen() -> ratsdok.Vorlage:
    """A Vorlage with a public PDF, a public CSV and a non-public PDF and CSV (inline)."""
    return vorlage(
        anlagen=[
            anlage(
                nummer=1,
                titel="Lageplan",
                dateiname="lageplan.pdf",
                inhalt=anlage_pdf("Lageplan der Brücke"),
            ),
            anlage(
                nummer=2,
                titel="Kostenaufstellung",
                dateiname="kosten.csv",
                medientyp="text/csv",
                inhalt="Posten;Betrag\nBrücke;1.000 €\n".encode(),
            ),
            anlage(
                nummer=3,
                titel=SECRET_TITLE,
                dateiname="gutachten-geheim.pdf",
                oeffentlich=False,
                inhalt=anlage_pdf("Vertrauliches Gutachten Grundstückswert"),
            ),
            anlage(
                nummer=4,
                titel="Angebote der Bieter",
                dateiname="angebote-geheim.csv",
                medientyp="text/csv",
                oeffentlich=False,
                inhalt=b"Bieter;Preis\n" + SECRET_MARKER + b";99\n",
            ),
        ]
    )


# --------------------------------------------------------------------------- signing


def signed_by(data: bytes, *which: int) -> bytes:
    """*data* sealed and signed: Unterzeichnung 1 by the Landrat (RSA), 2 by the
    Beigeordneter (ECDSA); *which* picks Unterzeichnungen, in order (default: both)."""
    p = pki()
    signers = {1: p["landrat"], 2: p["beigeordneter"]}
    for n in which or (1, 2):
        data = sign(data, key=signers[n].key, cert=signers[n].cert, unterzeichnung=n)
    return data


def write_ca(folder: Path) -> Path:
    """The test CA's certificate written to *folder*/ca.pem; returns its path."""
    path = folder / "ca.pem"
    path.write_bytes(pki()["ca"].cert_pem)
    return path


# --------------------------------------------------------------------------- PDFs


def anlage_pdf(text: str) -> bytes:
    """A small PDF/A-compatible Anlage (rendered by ratsdok itself)."""
    return render_pdf(vorlage(nummer="KT 0999/2021", betreff=text, beratungsfolge=[]))


def helvetica_pdf() -> bytes:
    """A PDF using the unembedded standard font Helvetica (breaks PDF/A; as an Anlage,
    ratsdok adds a font to its merged pages)."""
    return unembedded_font_pdf("Helvetica")


def unembedded_font_pdf(basefont: str) -> bytes:
    """A PDF showing text in the unembedded font *basefont* (breaks PDF/A; "Wingdings"
    cannot be repaired either)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name("/" + basefont),
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    text = f"BT /F1 12 Tf 72 720 Td (Fremde Anlage mit {basefont}) Tj ET"
    page = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 595, 842],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream(text.encode("ascii")),
        )
    )
    pdf.pages.append(page)
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True)
    return buf.getvalue()


def javascript_pdf() -> bytes:
    """A ratsdok-rendered PDF with a JavaScript link annotation (breaks PDF/A)."""
    with pikepdf.open(io.BytesIO(anlage_pdf("Mit Skript"))) as pdf:
        action = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        annot = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Link,
                Rect=[0, 0, 100, 100],
                F=4,
                A=action,
            )
        )
        pdf.pages[0].obj.Annots = pikepdf.Array([annot])
        buf = io.BytesIO()
        pdf.save(buf)
    return buf.getvalue()


def pdftotext(path: Path) -> str:
    """Text of a PDF via poppler's pdftotext (UTF-8, layout off)."""
    tool = require_tool("pdftotext")
    return subprocess.run(
        [tool, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")


def pdffonts_rows(path: Path) -> list[list[str]]:
    """The font table of pdffonts (one split row per font)."""
    tool = require_tool("pdffonts")
    out = subprocess.run([tool, str(path)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def word_boxes(path: Path) -> dict[str, tuple[float, float, float, float]]:
    """xMin, yMin, xMax, yMax of the first occurrence of every word (pdftotext -bbox)."""
    html = subprocess.run(
        [require_tool("pdftotext"), "-bbox", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    out: dict[str, tuple[float, float, float, float]] = {}
    pattern = (
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>'
    )
    for m in re.finditer(pattern, html):
        box = (float(m.group(1)), float(m.group(2)), float(m.group(3)), float(m.group(4)))
        out.setdefault(html_unescape(m.group(5)), box)
    return out


def struct_cells(data: bytes) -> list[tuple[str, str]]:
    """(structure type, text) of every TH and TD cell of a tagged PDF, in tree order.

    The text is read through the marked-content ids of the cell's page content."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        texts = _mcid_texts(pdf)
        out: list[tuple[str, str]] = []

        def walk(node: Any, page: Any) -> list[str]:
            if isinstance(node, int):
                return [texts.get((page.objgen if page is not None else None, node), "")]
            if not isinstance(node, pikepdf.Dictionary):
                return []
            page = node.get("/Pg", page)
            if node.get("/Type") == pikepdf.Name.MCR:
                return [texts.get((node.Pg.objgen, int(node.MCID)), "")]
            kids = node.get("/K")
            items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            parts = [t for k in items if k is not None for t in walk(k, page)]
            if node.get("/S") in (pikepdf.Name.TH, pikepdf.Name.TD):
                # a hyphenation point (soft hyphen) at a line end inside the cell joined
                cell = "".join(parts).replace("\u00ad", "")
                out.append((str(node.S), " ".join(cell.split())))
            return parts

        walk(pdf.Root.StructTreeRoot, None)
        return out


def _mcid_texts(pdf: pikepdf.Pdf) -> dict[tuple[Any, int], str]:
    """Text shown inside each marked-content sequence, by (page, MCID), decoded
    through the fonts' ToUnicode maps."""
    out: dict[tuple[Any, int], str] = {}
    for page in pdf.pages:
        fonts: Any = page.obj.Resources.get("/Font", pikepdf.Dictionary())
        maps = {name: _to_unicode(f) for name, f in fonts.items()}
        stack: list[int | None] = []
        font: dict[bytes, str] = {}
        for instruction in pikepdf.parse_content_stream(page):
            if not isinstance(instruction, pikepdf.ContentStreamInstruction):
                continue
            operands, name = instruction.operands, str(instruction.operator)
            if name == "BDC":
                props = operands[1]
                mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
                stack.append(int(mcid) if mcid is not None else None)
            elif name == "BMC":
                stack.append(None)
            elif name == "EMC" and stack:
                stack.pop()
            elif name == "Tf":
                font = maps.get(str(operands[0]), {})
            elif name in ("Tj", "TJ") and stack and stack[-1] is not None:
                items = operands[0] if name == "TJ" else [operands[0]]
                raw = b"".join(bytes(x) for x in items if isinstance(x, pikepdf.String))
                text = "".join(font.get(raw[i : i + 2], "") for i in range(0, len(raw), 2))
                key = (page.obj.objgen, stack[-1])
                out[key] = out.get(key, "") + text
    return out


def _to_unicode(font: Any) -> dict[bytes, str]:
    """The two-byte code → text map of a Type0 font's ToUnicode CMap."""
    cmap = font.get("/ToUnicode")
    if cmap is None:
        return {}
    text = cmap.read_bytes().decode("latin-1")
    out: dict[bytes, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[bytes.fromhex(src)] = bytes.fromhex(dst).decode("utf-16-be")
    return out


def pdfa_problems(source: bytes | Path, profil: str = "3b") -> list[str]:
    """What page-validation and pikepdf.pdfa find in *source* at *profil*, with
    ratsdok's documented exceptions applied (empty: both accept it)."""
    from ratsdok.pdf.validation import cross_check

    return [str(b) for r in cross_check(source, [profil]) for b in r.befunde]  # type: ignore[list-item]


def all_fonts_embedded(path: Path) -> bool:
    """True if pdffonts lists at least one font and every one is embedded."""
    rows = pdffonts_rows(path)
    # columns from the right: emb sub uni objnum gen
    return bool(rows) and all(r[-5] == "yes" for r in rows)


def uncompressed(data: bytes, tmp: Path) -> bytes:
    """The PDF with every stream decompressed (qpdf --qdf), for byte searches."""
    src = tmp / "in.pdf"
    dst = tmp / "qdf.pdf"
    src.write_bytes(data)
    with pikepdf.open(src) as pdf:
        pdf.save(
            dst,
            qdf=True,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            stream_decode_level=pikepdf.StreamDecodeLevel.all,
            compress_streams=False,
        )
    return dst.read_bytes()


def pdf_dates(data: bytes) -> dict[str, date]:
    """The dates a PDF states: DocInfo CreationDate/ModDate and the XMP dates."""
    found: dict[str, date] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for key in ("/CreationDate", "/ModDate"):
            if key in pdf.docinfo:
                found[key] = decode_pdf_date(str(pdf.docinfo[key])).date()
        if "/Metadata" in pdf.Root:
            meta = pdf.open_metadata()
            for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
                if key in meta:
                    found[key] = date.fromisoformat(str(meta[key])[:10])
    return found


def example_digests(setup: str, expr: str) -> set[str]:
    """SHA-256 of the bytes *expr* gives for ``v`` (the example Vorlage), each computed
    in a fresh interpreter with another hash seed; *setup* runs first (imports)."""
    code = (
        f"import sys, hashlib, ratsdok; {setup}; v = ratsdok.load({str(EXAMPLE_XML)!r}); "
        f"sys.stdout.write(hashlib.sha256({expr}).hexdigest())"
    )
    return {
        subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            capture_output=True,
            text=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
        ).stdout
        for seed in ("0", "12345")
    }


# --------------------------------------------------------------------------- OParl

BASE = "https://ris.example.de/oparl"
KA = "oparl/maxliesegang+karlsruhe-oparl-syndication/docs"
HW = "oparl/konstin+oparl-validator-rs/test-data/cache_huertgenwald"
KA_PAPERS = ["1", "34118", "40065", "414", "49921", "50461", "50888", "50957", "51815", "52156"]
KA_PAPERS += ["52888"]
KA_DELETED = {"414", "52156"}
HW_PAGES = ["63", "72", "73"]
SPEC_PAPERS = [
    "oparl/oparl+spec/examples/Paper-01.json",
    "oparl/oparl+spec/1.0/examples/Paper-01.json",
]


def schema_errors(paper: dict[str, Any]) -> list[str]:
    """Validate the Paper and, explicitly, its embedded Consultations and Files."""
    checks: list[tuple[str, Any]] = [("Paper", paper)]
    checks += [("Consultation", c) for c in paper.get("consultation", [])]
    checks += [("File", f) for f in paper.get("auxiliaryFile", [])]
    if "mainFile" in paper:
        checks.append(("File", paper["mainFile"]))
    out = []
    for name, obj in checks:
        validator = jsonschema.Draft4Validator(oparl_schema(name))
        out += [f"{name}: {e.message}" for e in validator.iter_errors(obj)]
    return out


def oparl_schema(name: str) -> dict[str, Any]:
    path = require_corpus(f"oparl/oparl+spec/schema/{name}.json")
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def paper(**extra: Any) -> dict[str, Any]:
    """A minimal OParl 1.1 Paper for quirk tests."""
    obj: dict[str, Any] = {
        "id": "https://oparl.example.org/paper/1",
        "type": "https://schema.oparl.org/1.1/Paper",
        "name": "Radweg Hauptstraße",
        "reference": "BV 12/2021",
    }
    obj.update(extra)
    return obj


def consultation(n: int, **extra: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": f"https://oparl.example.org/consultation/{n}",
        "type": "https://schema.oparl.org/1.1/Consultation",
        "organization": [f"https://oparl.example.org/organization/{n}"],
    }
    obj.update(extra)
    return obj


ORGS = {
    f"https://oparl.example.org/organization/{n}": {
        "id": f"https://oparl.example.org/organization/{n}",
        "type": "https://schema.oparl.org/1.1/Organization",
        "name": name,
    }
    for n, name in [(1, "Bauausschuss"), (2, "Hauptausschuss"), (3, "Stadtrat")]
}


def karlsruhe_lookups() -> dict[str, Any]:
    meetings = sorted(require_corpus(f"{KA}/meetings").glob("*.json"))
    assert meetings
    return {"meetings": meetings, "organizations": [require_corpus(f"{KA}/organizations.json")]}


def huertgenwald_lookups() -> dict[str, Any]:
    return {
        "meetings": [require_corpus(f"{HW}/body/1/meeting?page=13.json")],
        "organizations": [require_corpus(f"{HW}/body/1/organization.json")],
    }


def assert_xsd_valid(v: ratsdok.Vorlage) -> None:
    data = ratsdok.to_xml(v)
    tree = etree.ElementTree(etree.fromstring(data))
    assert schema_problems(tree) == []
    assert ratsdok.from_xml(data) == v


def reasons(result: ratsdok.oparl.ImportResult) -> dict[str, str]:
    return {u.path: u.reason for u in result.unmapped}


def _is_datetime(value: object) -> bool:
    pattern = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})"
    return isinstance(value, str) and re.fullmatch(pattern, value) is not None


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    date.fromisoformat(value)
    return True


def _is_url(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(r"https?://[!-~]+", value) is not None


FORMATS = jsonschema.FormatChecker()
FORMATS.checks("date-time")(_is_datetime)
FORMATS.checks("date")(_is_date)
FORMATS.checks("url")(_is_url)


def strict_schema_errors(out: dict[str, Any]) -> list[str]:
    """Errors of the Paper and its embedded objects, with date, date-time and url checked."""
    checks: list[tuple[str, Any]] = [("Paper", out)]
    checks += [("Consultation", c) for c in out.get("consultation", [])]
    checks += [("File", f) for f in out.get("auxiliaryFile", [])]
    if "mainFile" in out:
        checks.append(("File", out["mainFile"]))
    errors = []
    for name, obj in checks:
        validator = jsonschema.Draft4Validator(oparl_schema(name), format_checker=FORMATS)
        errors += [f"{name}: {e.message}" for e in validator.iter_errors(obj)]
    return errors


# --------------------------------------------------------------------------- OParl fuzzing

# RATSDOK_FUZZ=2000 for a longer run; the default keeps the suite fast.
EXAMPLES = int(os.environ.get("RATSDOK_FUZZ", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def not_exportable(v: ratsdok.Vorlage) -> bool:
    """A vendor-key Erweiterung whose value is not JSON text (documented export error)."""
    groups = [v.erweiterungen, *(b.erweiterungen for b in v.beratungsfolge)]
    groups += [a.erweiterungen for a in v.anlagen if a.oeffentlich and a.dateiname is not None]
    if v.hauptdokument is not None:
        groups.append(v.hauptdokument.erweiterungen)
    for group in groups:
        for e in group:
            if is_vendor_key(e.schluessel) and e.schluessel != EXTENSION_KEY:
                try:
                    json.loads(e.wert, parse_constant=_refuse)
                except (ValueError, RecursionError):
                    return True
    return False


def _refuse(word: str) -> Any:
    raise ValueError(word)


# --------------------------------------------------------------------------- xdomea archives

PID = UUID("9fde4e7a-b41b-11ec-9225-005056871b7c")
WHEN = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
X = f"{{{XDOMEA_NS}}}"


def xdomea_xsd() -> Path:
    return require_corpus("xoev/schemas/xdomea_3.0.0/xdomea.xsd")


def make_archive(tmp_path: Path, *vs: Vorlage, name: str = "out") -> Path:
    out = tmp_path / name
    out.mkdir()
    return archive([(v, None) for v in vs], out, prozess_id=PID, zeitpunkt=WHEN, workers=1)


def archive_message(zip_path: Path) -> bytes:
    with zipfile.ZipFile(zip_path) as zf:
        return zf.read(f"{PID}_Aussonderung.Aussonderung.0503.xml")


def rewrite_zip(
    src: Path, dst: Path, change: Callable[[str, bytes], tuple[str, bytes] | None]
) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            res = change(info.filename, zin.read(info))
            if res is not None:
                zout.writestr(res[0], res[1])


def altes_dokument(folder: Path, dateiname: str = "CON.pdf") -> Path:
    """The example (format 1.0.0, which allowed any safe file name) copied into
    *folder* with its Anlage file named *dateiname*, which is not portable."""
    shutil.copytree(EXAMPLE_XML.parent, folder)
    (folder / "integrationskonzept.pdf").rename(folder / dateiname)
    doc = folder / EXAMPLE_XML.name
    old = b"<ratsdok:dateiname>integrationskonzept.pdf</ratsdok:dateiname>"
    new = f"<ratsdok:dateiname>{xml_escape(dateiname)}</ratsdok:dateiname>".encode()
    assert doc.read_bytes().count(old) == 1 and b'version="1.0.0"' in doc.read_bytes()
    doc.write_bytes(doc.read_bytes().replace(old, new))
    return doc


# ZIP byte surgery, as an attacker does it (no ZIP64, no comment: ratsdok's small archives).


def zip_end(data: bytes) -> tuple[int, int]:
    """Offset of the central directory and its number of records, from the end record."""
    assert data[-22:-18] == b"PK\x05\x06" and b"PK\x06\x07" not in data[-42:-22]
    return int.from_bytes(data[-6:-2], "little"), int.from_bytes(data[-12:-10], "little")


def local_offsets(data: bytes) -> dict[str, int]:
    """Name → offset of its local record, as the central directory lists them."""
    pos, count = zip_end(data)
    out: dict[str, int] = {}
    for _ in range(count):
        assert data[pos : pos + 4] == b"PK\x01\x02"
        n, m, k = (int.from_bytes(data[pos + i : pos + i + 2], "little") for i in (28, 30, 32))
        out[data[pos + 46 : pos + 46 + n].decode()] = int.from_bytes(
            data[pos + 42 : pos + 46], "little"
        )
        pos += 46 + n + m + k
    return out


def splice_zip(data: bytes, at: int, insert: bytes, *, move_offsets: bool = True) -> bytes:
    """*data* with *insert* at offset *at*; with *move_offsets*, every offset the central
    directory and the end record give at or after *at* is moved along, so that
    :mod:`zipfile` reads the same entries as before."""
    cd, count = zip_end(data)
    out = bytearray(data[:at] + insert + data[at:])
    if not move_offsets:
        return bytes(out)
    shift = len(insert)
    pos = cd + shift if at <= cd else cd
    for _ in range(count):
        n, m, k = (int.from_bytes(out[pos + i : pos + i + 2], "little") for i in (28, 30, 32))
        offset = int.from_bytes(out[pos + 42 : pos + 46], "little")
        if offset >= at:
            out[pos + 42 : pos + 46] = (offset + shift).to_bytes(4, "little")
        pos += 46 + n + m + k
    if at <= cd:
        out[-6:-2] = (cd + shift).to_bytes(4, "little")
    return bytes(out)


def stored_local_record(name: str, content: bytes) -> bytes:
    """A local file record (header and data, stored) for *name*."""
    raw = name.encode()
    crc = zlib.crc32(content)
    head = struct.pack(
        "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0x800, 0, 0, 0x21, crc, len(content),
        len(content), len(raw), 0,
    )  # fmt: skip
    return head + raw + content


class Pipe(io.RawIOBase):
    """A write-only stream that cannot seek, as a pipe: zipfile writes CRC and sizes
    into data descriptors after each entry's data there."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self.data += b
        return len(b)


def streamed_entries(data: bytes) -> dict[str, bytes]:
    """The entries a streaming reader (Java's ZipInputStream, ``unzip -`` and the like)
    extracts: local records read from offset 0 in order, a later one of the same
    name overwriting an earlier one (no data descriptors)."""
    out: dict[str, bytes] = {}
    pos = 0
    while data[pos : pos + 4] == b"PK\x03\x04":
        method, size = struct.unpack("<H8xI", data[pos + 8 : pos + 22])
        n, m = struct.unpack("<HH", data[pos + 26 : pos + 30])
        name = data[pos + 30 : pos + 30 + n].decode()
        if size == 0xFFFFFFFF:  # ZIP64: both sizes in the extra field, which comes first
            assert data[pos + 30 + n : pos + 32 + n] == b"\x01\x00"
            size = int.from_bytes(data[pos + 42 + n : pos + 50 + n], "little")
        start = pos + 30 + n + m
        body = data[start : start + size]
        out[name] = zlib.decompress(body, -15) if method == 8 else body
        pos = start + size
    return out


# --------------------------------------------------------------------------- text source

# A whole Vorlage as one text file (TOML front matter, Markdown sections), for ``ratsdok build``.
BEISPIEL = """\
+++
nummer = "KT 2014/16"
art = "beschlussvorlage"
betreff = "ALB FILS KLINIKEN GmbH – Jahresabschluss 2013"
datum = 2014-07-10
koerperschaft = "Landkreis Göppingen"
federfuehrung = "Finanzen, Schulen und Beteiligungen"
aktenzeichen = "GZ: 20.21"
oeffentlichkeit = true
gliederung = "roemisch"

[[beratung]]
gremium = "Verwaltungsausschuss"
sitzungstermin = 2014-07-14
sitzungsart = "oeffentlich"
zustaendigkeit = "vorberatung"

[[beratung]]
gremium = "Kreistag"
sitzungstermin = 2014-07-25
sitzungsart = "oeffentlich"
zustaendigkeit = "entscheidung"

[beratung.ergebnis]
beschlussergebnis = "beschlossen"

[[beratung.ergebnis.abstimmungen]]
ja = 40
nein = 2
enthaltung = 1

[[unterzeichnung]]
name = "Wolff"
funktion = "Landrat"

[[beteiligung]]
rolle = "sachbearbeitung"
name = "Frau Muster"

[[anlage]]
titel = "Jahresabschluss 2013"
dateiname = "jahresabschluss.pdf"
oeffentlich = true

[[anlage]]
titel = "Prüfbericht"
hinweis = "liegt in der Sitzung zur Einsicht aus"
oeffentlich = false

[[bezug]]
art = "bezieht-sich-auf"
nummer = "KT 2013/20"

[finanzen]
auswirkungen = true
erlaeuterung = "Deckung aus Mehrerträgen"

[[finanzen.position]]
haushaltsjahr = 2014
produkt = "1.11.01"
betrag = 1549229.42
planmaessigkeit = "ueberplanmaessig"
+++

# I. Beschlussanträge

1. Der Kreistag weist die Gesellschafterversammlung der AFK GmbH an, wie folgt zu beschließen:
   a. Dem Jahresabschluss der AFK GmbH für das Geschäftsjahr 2013 wird zugestimmt.
   b. Der Jahresabschluss 2013 der AFK GmbH wird festgestellt.
   c. Die Geschäftsführung und der Aufsichtsrat werden entlastet.
2. Der Kreistag stimmt der überplanmäßigen Ausgabe in Höhe von 1.549.229,42 € zu.

# II. Sach- und Rechtslage, Begründung

## Kommunal-/gesellschaftsrechtliche Grundlagen

Nach dem aktuellen Gesellschaftsvertrag hat die Gesellschafterversammlung
über die Feststellung des Jahresabschlusses zu entscheiden.

| Jahr | Ergebnis |
|---|---|
| 2012 | -2.440.000 € |
| 2013 | -3.989.229,42 € |

# Finanzielle Auswirkungen

Überplanmäßige Ausgabe von 1.549.229,42 €.
"""
