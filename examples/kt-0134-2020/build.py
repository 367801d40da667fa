"""Build Beschlussvorlage KT 0134/2020 of the Wartburgkreis through the ratsdok API.

Writes ``vorlage.xml`` next to this script; the result is byte-identical to the
committed file (a test checks that).

    python examples/kt-0134-2020/build.py [OUTPUT.xml]
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from uuid import UUID

import ratsdok
from ratsdok import (
    Abschnitt,
    Abschnittsart,
    Anlage,
    Behoerde,
    Beratung,
    Nachricht,
    Nachrichtenkopf,
    Sitzungsart,
    Unterzeichnung,
    Vermerk,
    Vorlage,
    Vorlagenart,
    Zustaendigkeit,
)
from ratsdok.store.hashing import digest_bytes

HERE = Path(__file__).resolve().parent
MESZ = timezone(timedelta(hours=2))

BEGRUENDUNG = (
    "Gemäß der Richtlinie über die Gewährung von Zuschüssen aus Mitteln des Europäischen "
    "Sozialfonds und des Freistaats Thüringen zur Förderung der Kompetenz lokaler Akteure in "
    "der Armutsprävention – Förderrichtlinie gemäß Prioritätsachse B, Förderung der sozialen "
    "Inklusion und Bekämpfung von Armut und jeglicher Diskriminierung, des Programms "
    "Europäischer Sozialfonds 2014 bis 2020 im Freistaat Thüringen "
    "(Armutspräventionsrichtlinie), erhielt der Wartburgkreis seit 01.01.2018 Zuwendungen aus "
    "Landesmitteln für die „Thüringer Initiative für lokales Integrationsmanagement in den "
    "Kommunen“ (ThILIK), als Maßnahme im Rahmen des Thüringer Integrationskonzeptes, zur "
    "„Förderung [...] der Unterstützung kommunaler Gebietskörperschaften bei der nachhaltigen "
    "Etablierung eines lokal abgestimmten Integrationsmanagements zur sozialen, schulischen und "
    "beruflichen Integration von Menschen mit Migrationshintergrund, mit dem Ziel, zum Abbau "
    "individueller Armutslagen der Bevölkerungsgruppe beizutragen“ (Ziffer 2.4 "
    "Armutspräventionsrichtlinie).",
    "Die Umsetzung des Projektes begann im Wartburgkreis am 01.01.2018. Die Projektlaufzeit der "
    "Förderphase betrug zwei Jahre und wurde Ende 2019 um ein weiteres Jahr verlängert. Somit "
    "endet das Projekt am 31.12.2020. Das Ziel des Projektes ist, die Erfassung der Bedarfe und "
    "Angebote für Integrations- und Bildungsangebote im Wartburgkreis als Basis für ein "
    "integriertes fachvernetztes Integrationskonzept und die Koordination der einzelnen Akteure "
    "der Flüchtlingshilfe.",
    "Das vorliegende Konzept bildet folglich das Ergebnis des Planungsprozesses. Gemäß Ziffer 2.4 "
    "Armutspräventionsrichtlinie ist diese, als erfolgreicher Abschluss des Projektes, durch den "
    "Kreistag zu legitimieren.",
)


def build_vorlage(folder: Path = HERE) -> Vorlage:
    """The Vorlage as in the original; Anlage size and digest come from its file."""
    konzept = (folder / "integrationskonzept.pdf").read_bytes()
    digest = digest_bytes(konzept)
    return Vorlage(
        uuid=UUID("3f6d2a5e-8c1b-4e7a-9b0d-2c4e6a8f0b13"),
        nummer="KT 0134/2020",
        art=Vorlagenart.BESCHLUSSVORLAGE,
        betreff=(
            "Legitimation des kommunalen Integrationskonzeptes, welches im Rahmen der "
            '"Thüringer Initiative für lokales Integrationsmanagement der Kommunen" (ThILIK) '
            "im Projekt Integrationsmanagement der Wartburgregion erstellt wurde"
        ),
        koerperschaft="Wartburgkreis",
        beratungsfolge=[
            Beratung(
                gremium="Kreisausschuss",
                sitzungstermin=date(2020, 5, 25),
                sitzungsart=Sitzungsart.OEFFENTLICH,
                zustaendigkeit=Zustaendigkeit.VORBERATUNG,
            ),
            Beratung(
                gremium="Kreistag",
                sitzungstermin=date(2020, 5, 26),
                sitzungsart=Sitzungsart.OEFFENTLICH,
                zustaendigkeit=Zustaendigkeit.ENTSCHEIDUNG,
            ),
        ],
        abschnitte=[
            Abschnitt(
                art=Abschnittsart.BESCHLUSSVORSCHLAG,
                absaetze=[
                    "Der Kreistag beschließt das vorliegende Integrationskonzept zur "
                    "gesellschaftlichen Teilhabe von Menschen mit Migrationshintergrund."
                ],
            ),
            Abschnitt(art=Abschnittsart.BEGRUENDUNG, absaetze=BEGRUENDUNG),
        ],
        unterzeichnungen=[
            Unterzeichnung(vermerk=Vermerk.GEZ, name="Krebs", funktion="Landrat"),
            Unterzeichnung(vermerk=Vermerk.GEZ, name="Rosenstengel", funktion="Kreisbeigeordneter"),
        ],
        anlagen=[
            Anlage(
                nummer=1,
                titel="Integrationskonzept",
                dateiname="integrationskonzept.pdf",
                medientyp="application/pdf",
                groesse=digest.groesse,
                sha256=digest.sha256,
                oeffentlich=True,
            )
        ],
    )


def build(folder: Path = HERE) -> Nachricht:
    """The example message. It is marked as a test message: the header is illustrative."""
    kopf = Nachrichtenkopf(
        nachrichten_uuid=UUID("b6a0e1d2-7f3c-4a59-8e21-5d9c0f4b7a36"),
        erstellungszeitpunkt=datetime(2020, 5, 15, 10, 0, tzinfo=MESZ),
        autor=Behoerde(name="Landratsamt Wartburgkreis"),
        leser=Behoerde(name="Kreistag Wartburgkreis"),
        test=True,
    )
    return Nachricht(kopf=kopf, vorlage=build_vorlage(folder))


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else HERE / "vorlage.xml"
    ratsdok.save(build(), out)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
