"""Relevé de carrière through the API and as a PDF (SPEC §6)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pypdf
import pytest

from domain import cotisations as engine
from domain.cotisations import CotisationCode, NatureActivite
from domain.echeancier import NatureEcheance
from domain.nomenclatures import NatureCotisation, Regime, Role
from gateway.db import models
from gateway.db.repositories.delais import principal_siret
from gateway.schema.relay import encode_global_id
from gateway.services.ledger import reallocate_payments
from tests import builders
from tests.api.client import api_for
from tests.conftest import Database

TODAY = date(2026, 6, 10)
RELEVE = """query($id: ID!) { node(id: $id) { ... on TravailleurClassique { releveCarriere {
  totalTrimestres url
  annees { annee calcule retraiteBasePayee revenuCotise seuilTrimestre trimestres } } } } }"""
D = Decimal


def line(travailleur_id: int, annee: int, nature: NatureCotisation, code: CotisationCode, montant):
    return models.Cotisation(
        travailleur_id=travailleur_id,
        annee=annee,
        nature=nature,
        code=code,
        montant=D(montant),
        # The base a retraite de base line was computed on (17.75 %), as the engine records.
        assiette=(D(montant) / D("0.1775")).quantize(D(1))
        if code is CotisationCode.RETRAITE_BASE
        else D(0),
        detail={
            "tranches": [{"de": "0", "a": None, "taux": "17.75"}],
            "plancher": None,
            "plafond": None,
            "deduction": "0",
        },
        base_calcul="test",
        date_calcul=date(annee, 1, 1),
    )


async def year(session, worker, annee, nature, lines: dict[CotisationCode, str], instalments):
    session.add_all(line(worker.id, annee, nature, code, m) for code, m in lines.items())
    for day, montant, kind in instalments:
        await builders.echeance(
            session, travailleur_id=worker.id, date_echeance=day, montant=D(montant), nature=kind
        )


@pytest.fixture
async def setting(db: Database):
    """2023: declared, provisional + régularisation paid (definitive RETRAITE_BASE 3 550 of
    10 000); 2024: a high income, paid; 2025: one quarter of four paid; 2026: nothing."""
    P, R = NatureEcheance.PROVISIONNELLE, NatureEcheance.REGULARISATION
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await builders.travailleur(session, caisse_id=caisse.id, nom="Lefebvre")
            other = await builders.travailleur(session, caisse_id=caisse.id, nom="Autre")
            await builders.user(
                session, identifiant="agent@caisse.fr", role=Role.AGENT, caisse_id=caisse.id
            )
            base = {CotisationCode.MALADIE: "6450", CotisationCode.RETRAITE_BASE: "3550"}
            await year(
                session,
                worker,
                2023,
                NatureCotisation.PROVISIONNELLE,
                {CotisationCode.MALADIE: "6000", CotisationCode.RETRAITE_BASE: "3000"},
                [(date(2023, m, 5), "2250", P) for m in (2, 5, 8, 11)],
            )
            await year(session, worker, 2023, NatureCotisation.DEFINITIVE, base, [])
            # The 2023 régularisation falls due in 2024 but belongs to 2023.
            session.add(
                models.Echeance(
                    travailleur_id=worker.id,
                    annee=2023,
                    nature=R,
                    date_echeance=date(2024, 8, 5),
                    montant=D("1000"),
                    montant_paye=D(0),
                    annulee=False,
                )
            )
            high = engine.compute_cotisations(2024, NatureActivite.ARTISANALE, D("150000"))
            await year(
                session,
                worker,
                2024,
                NatureCotisation.PROVISIONNELLE,
                {ligne.code: str(ligne.montant) for ligne in high.lignes},
                [(date(2024, 12, 5), str(high.total), P)],
            )
            await year(
                session,
                worker,
                2025,
                NatureCotisation.PROVISIONNELLE,
                base,
                [(date(2025, m, 5), "2500", P) for m in (2, 5, 8, 11)],
            )
            await year(
                session,
                worker,
                2026,
                NatureCotisation.PROVISIONNELLE,
                base,
                [(date(2026, m, 5), "2500", P) for m in (2, 5, 8, 11)],
            )
            paid = D("10000") + high.total + D("2500")
            await builders.paiement(
                session, travailleur_id=worker.id, date_paiement=date(2025, 3, 1), montant=paid
            )
            await reallocate_payments(session, worker.id)
            await session.commit()
        token = await api.login(worker.nir, "secret-travailleur")
        yield api, worker, other, token, high


async def test_the_releve_gives_per_year_the_income_credited_and_the_quarters(setting) -> None:
    api, worker, _, token, high = setting
    gid = encode_global_id("Travailleur", worker.id)
    releve = (await api.data(RELEVE, {"id": gid}, token))["node"]["releveCarriere"]
    retraite_2024 = next(
        li.montant for li in high.lignes if li.code is CotisationCode.RETRAITE_BASE
    )
    assert releve["annees"] == [
        # Years of activity before the first barème the caisse has: listed, not computed.
        *(
            {
                "annee": annee,
                "calcule": False,
                "retraiteBasePayee": "0.00",
                "revenuCotise": None,
                "seuilTrimestre": None,
                "trimestres": None,
            }
            for annee in range(2015, 2023)
        ),
        # Definitive lines once declared: 3 550 of 10 000 paid → 20 000 €.
        {
            "annee": 2023,
            "calcule": True,
            "retraiteBasePayee": "3550.00",
            "revenuCotise": "20000.00",
            "seuilTrimestre": "1690.50",
            "trimestres": 4,
        },
        # Above the PASS: credited at the PASS.
        {
            "annee": 2024,
            "calcule": True,
            "retraiteBasePayee": f"{retraite_2024:.2f}",
            "revenuCotise": "46368.00",
            "seuilTrimestre": "1747.50",
            "trimestres": 4,
        },
        # 2 500 of 10 000 paid → 887.50 → 5 000 € → 5 000 / 1 782 = 2.8 → 2 quarters.
        {
            "annee": 2025,
            "calcule": True,
            "retraiteBasePayee": "887.50",
            "revenuCotise": "5000.00",
            "seuilTrimestre": "1782.00",
            "trimestres": 2,
        },
        {
            "annee": 2026,
            "calcule": True,
            "retraiteBasePayee": "0.00",
            "revenuCotise": "0.00",
            "seuilTrimestre": "1803.00",
            "trimestres": 0,
        },
    ]
    assert releve["totalTrimestres"] == 10
    rc = encode_global_id("ReleveCarriere", worker.id)
    assert releve["url"] == f"http://127.0.0.1:8000/documents/{rc}.pdf"


async def test_the_releve_pdf_shows_the_same_figures(setting) -> None:
    api, worker, _, token, _ = setting
    path = f"/documents/{encode_global_id('ReleveCarriere', worker.id)}.pdf"
    response = await api.http.get(path, headers={"Authorization": f"Bearer {token}"})
    assert (response.status_code, response.headers["content-type"]) == (200, "application/pdf")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    lines = [li.strip() for page in reader.pages for li in page.extract_text().splitlines()]
    assert response.headers["cache-control"] == "private, no-store"
    async with api.session() as session:
        siren = (await principal_siret(session, worker.id))[:9]
    assert response.headers["content-disposition"] == (
        f'inline; filename="releve-carriere-{siren}-2026-06-10.pdf"'
    )
    for expected in (
        "Relevé de carrière",
        "2015 non calculé non calculé",
        "2022 non calculé non calculé",
        "2023 20 000,00 EUR 4",
        "2024 46 368,00 EUR 4",
        "2025 5 000,00 EUR 2",
        "2026 0,00 EUR 0",
        "Total validé : 10 trimestres",
    ):
        assert expected in lines, (expected, lines)
    text = " ".join(lines)
    assert "Périodes d'activité indépendante de 2015 à 2026" in text
    assert "émis le 10/06/2026" in text


async def test_the_income_credited_never_exceeds_the_assiette_of_the_year(db: Database) -> None:
    """38 940 € declared: RETRAITE_BASE = round(17.75 % × 38 940) = 6 912 €, paid in full;
    6 912 / 17.75 % = 38 940.85, but the income credited is the assiette, 38 940."""
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await builders.travailleur(
                session, caisse_id=caisse.id, date_debut_activite=date(2025, 1, 1)
            )
            cotisation = line(
                worker.id, 2025, NatureCotisation.DEFINITIVE, CotisationCode.RETRAITE_BASE, "6912"
            )
            cotisation.assiette = D("38940")
            session.add(cotisation)
            await builders.echeance(
                session,
                travailleur_id=worker.id,
                date_echeance=date(2025, 11, 5),
                montant=D("6912"),
                montant_paye=D("6912"),
                nature=NatureEcheance.PROVISIONNELLE,
            )
            await session.commit()
        token = await api.login(worker.nir, "secret-travailleur")
        gid = encode_global_id("Travailleur", worker.id)
        releve = (await api.data(RELEVE, {"id": gid}, token))["node"]["releveCarriere"]
    assert releve["annees"][0] == {
        "annee": 2025,
        "calcule": True,
        "retraiteBasePayee": "6912.00",
        "revenuCotise": "38940.00",
        "seuilTrimestre": "1782.00",
        "trimestres": 4,
    }


async def test_the_releve_pdf_is_for_those_who_may_see_the_worker(setting) -> None:
    api, worker, other, _, _ = setting
    path = f"/documents/{encode_global_id('ReleveCarriere', worker.id)}.pdf"
    outsider = await api.login(other.nir, "secret-travailleur")
    agent = await api.login("agent@caisse.fr", "secret-utilisateur")

    async def status(token: str | None) -> int:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return (await api.http.get(path, headers=headers)).status_code

    assert [await status(t) for t in (agent, outsider, None)] == [200, 404, 401]


async def test_a_micro_entrepreneur_has_no_releve_here(setting) -> None:
    api, worker, _, _, _ = setting
    async with api.session() as session:
        micro = await builders.travailleur(
            session, caisse_id=worker.caisse_id, regime=Regime.MICRO, nom="Micro"
        )
        await session.commit()
    token = await api.login(micro.nir, "secret-travailleur")
    path = f"/documents/{encode_global_id('ReleveCarriere', micro.id)}.pdf"
    response = await api.http.get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404
    data = await api.data(RELEVE, {"id": encode_global_id("Travailleur", micro.id)}, token)
    assert data["node"] == {}


async def test_a_worker_who_started_this_year_has_one_line(db: Database) -> None:
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await builders.travailleur(
                session, caisse_id=caisse.id, date_debut_activite=date(2026, 2, 1)
            )
            await session.commit()
        token = await api.login(worker.nir, "secret-travailleur")
        gid = encode_global_id("Travailleur", worker.id)
        releve = (await api.data(RELEVE, {"id": gid}, token))["node"]["releveCarriere"]
    assert [(a["annee"], a["trimestres"]) for a in releve["annees"]] == [(2026, 0)]
