"""Builders shared by the tests (for now the PDF ones: render, bundle, extract)."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pikepdf
from reportlab.pdfgen.canvas import Canvas

import ratsdok
from ratsdok.pdf.render import render_pdf
from tests.conftest import require_tool

SECRET_TITLE = "Gutachten Zaunkönig-Grundstück"
SECRET_MARKER = b"ZAUNKOENIG-7f3a9c"
UMLAUTS = "Äußerst „große“ Maßnahme – § 5 kostet 1.000 € für Öl, Übung, ähnlich, öde, über, süß"


def vorlage(**changes: Any) -> ratsdok.Vorlage:
    """A small valid Vorlage; keyword arguments replace fields."""
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


def anlage_pdf(text: str) -> bytes:
    """A small PDF/A-compatible Anlage (rendered by ratsdok itself)."""
    return render_pdf(vorlage(nummer="KT 0999/2021", betreff=text, beratungsfolge=[]))


def helvetica_pdf() -> bytes:
    """A PDF using the unembedded standard font Helvetica (breaks PDF/A)."""
    buf = io.BytesIO()
    c = Canvas(buf, invariant=1)
    c.setFont("Helvetica", 12)
    c.drawString(72, 720, "Fremde Anlage mit Helvetica")
    c.showPage()
    c.save()
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


def with_anlagen() -> ratsdok.Vorlage:
    """A Vorlage with a public PDF, a public CSV and a non-public PDF and CSV (inline)."""
    return vorlage(
        anlagen=[
            ratsdok.Anlage(
                nummer=1,
                titel="Lageplan",
                dateiname="lageplan.pdf",
                medientyp="application/pdf",
                oeffentlich=True,
                inhalt=anlage_pdf("Lageplan der Brücke"),
            ),
            ratsdok.Anlage(
                nummer=2,
                titel="Kostenaufstellung",
                dateiname="kosten.csv",
                medientyp="text/csv",
                oeffentlich=True,
                inhalt="Posten;Betrag\nBrücke;1.000 €\n".encode(),
            ),
            ratsdok.Anlage(
                nummer=3,
                titel=SECRET_TITLE,
                dateiname="gutachten-geheim.pdf",
                medientyp="application/pdf",
                oeffentlich=False,
                inhalt=anlage_pdf("Vertrauliches Gutachten Grundstückswert"),
            ),
            ratsdok.Anlage(
                nummer=4,
                titel="Angebote der Bieter",
                dateiname="angebote-geheim.csv",
                medientyp="text/csv",
                oeffentlich=False,
                inhalt=b"Bieter;Preis\n" + SECRET_MARKER + b";99\n",
            ),
        ]
    )


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
