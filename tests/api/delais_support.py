"""Accounts, callers and queries shared by the payment-plan and attestation API tests."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

import pypdf
from sqlalchemy import func, select

from domain import cotisations as engine
from domain.cotisations import NatureActivite
from domain.echeancier import Periodicite, initial_schedule
from domain.nomenclatures import ModePaiement, NatureCotisation, Role
from gateway.db import models
from gateway.schema.relay import encode_global_id
from gateway.services.contributions import cotisation_rows
from gateway.services.ledger import reallocate_payments
from tests import builders
from tests.accounts import classique_account
from tests.api.client import Api, api_for
from tests.conftest import Database

TODAY = date(2026, 6, 10)  # a Wednesday
PASSWORD = "secret-travailleur"
STAFF_PASSWORD = "secret-utilisateur"
REVENUS = {2023: Decimal("40000"), 2024: Decimal("41570"), 2025: Decimal("43000")}
#: The 2026 provisional contributions on the 2025 income, and each monthly instalment.
TOTAL_2026 = engine.compute_cotisations(2026, NatureActivite.ARTISANALE, REVENUS[2025]).total
MENSUALITE = (TOTAL_2026 / 12).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
#: 5 March, 5 April, 5 May and 5 June are unpaid on 10 June.
OVERDUE_DATES = ["2026-03-05", "2026-04-05", "2026-05-05", "2026-06-05"]
OVERDUE = 4 * MENSUALITE

PLAN = """fragment Plan on DelaiPaiement {
  id statut dateDemande montant nombreEcheances premiereEcheance motif dateDecision
  motifDecision dateCloture montantPaye
  echeances { numero dateEcheance montant montantPaye }
  echeancesCouvertes { dateEcheance resteDu exoneree }
  remplace { id statut }
}"""
REQUEST = (
    """mutation($i: RequestDelaiPaiementInput!) { requestDelaiPaiement(input: $i) {
  delaiPaiement { ...Plan } userErrors { field message code } } }"""
    + PLAN
)
RENEGOTIATE = (
    """mutation($i: RenegotiateDelaiPaiementInput!) { renegotiateDelaiPaiement(input: $i) {
  delaiPaiement { ...Plan } userErrors { field message code } } }"""
    + PLAN
)
DECIDE = (
    """mutation($i: DecideDelaiPaiementInput!) { decideDelaiPaiement(input: $i) {
  delaiPaiement { ...Plan } userErrors { field message code } } }"""
    + PLAN
)
PLANS = (
    """query($id: ID!) { node(id: $id) { ... on Travailleur { delaisPaiement { ...Plan } } } }"""
    + PLAN
)
ACCOUNT = """query($id: ID!) { node(id: $id) { ... on TravailleurClassique {
  compte { majorationsDeRetard montantEnRetard }
  echeances(first: 20, statut: EN_RETARD) { nodes { id dateEcheance resteDu majorations exoneree
    delaiPaiement { statut } } }
} } }"""
PAY = """mutation($i: RecordPaiementInput!) { recordPaiement(input: $i) { userErrors { code } } }"""


@dataclass
class Setting:
    api: Api
    db: Database
    worker: models.Travailleur
    other: models.Travailleur
    token: str
    agent: str
    accountant: str

    @property
    def gid(self) -> str:
        return encode_global_id("Travailleur", self.worker.id)


async def build_setting(api: Api, db: Database) -> Setting:
    """An artisan with 2023–2025 declared, January and February paid, March to June
    overdue; a mandated accountant, an agent of the caisse and another worker."""
    async with api.session() as session:
        caisse = await builders.caisse(session)
        worker = await classique_account(
            session,
            caisse_id=caisse.id,
            today=TODAY,
            revenus_declares=REVENUS,
            paid_until=date(2026, 3, 1),
            nom="Lefebvre",
        )
        other = await builders.travailleur(session, caisse_id=caisse.id, nom="Autre")
        cabinet = await builders.cabinet(session)
        await builders.user(
            session,
            identifiant="expert@cabinet.fr",
            role=Role.EXPERT_COMPTABLE,
            cabinet_id=cabinet.id,
            administrateur_cabinet=True,
        )
        await builders.mandat(session, cabinet_id=cabinet.id, travailleur_id=worker.id)
        await builders.user(
            session, identifiant="agent@caisse.fr", role=Role.AGENT, caisse_id=caisse.id
        )
        await session.commit()
    return Setting(
        api=api,
        db=db,
        worker=worker,
        other=other,
        token=await api.login(worker.nir, PASSWORD),
        agent=await api.login("agent@caisse.fr", STAFF_PASSWORD),
        accountant=await api.login("expert@cabinet.fr", STAFF_PASSWORD),
    )


@asynccontextmanager
async def on(setting: Setting, day: date) -> AsyncIterator[Setting]:
    """The same database seen by a server whose clock says ``day`` (fresh logins)."""
    async with api_for(setting.db, today=day) as api:
        yield Setting(
            api=api,
            db=setting.db,
            worker=setting.worker,
            other=setting.other,
            token=await api.login(setting.worker.nir, PASSWORD),
            agent=await api.login("agent@caisse.fr", STAFF_PASSWORD),
            accountant=await api.login("expert@cabinet.fr", STAFF_PASSWORD),
        )


async def overdue_ids(s: Setting) -> list[str]:
    data = await s.api.data(ACCOUNT, {"id": s.gid}, s.token)
    return [e["id"] for e in data["node"]["echeances"]["nodes"]]


async def request_plan(s: Setting, token: str | None = None, **overrides: Any) -> dict[str, Any]:
    variables = {
        "travailleurId": s.gid,
        "echeanceIds": await overdue_ids(s),
        "nombreEcheances": 4,
        "premiereEcheance": "2026-07-10",
        "motif": "Baisse d'activité après un sinistre",
        **overrides,
    }
    body = await s.api.data(REQUEST, {"i": variables}, token or s.token)
    result: dict[str, Any] = body["requestDelaiPaiement"]
    return result


async def pay(s: Setting, montant: Decimal, day: date) -> None:
    variables = {
        "i": {
            "travailleurId": s.gid,
            "montant": str(montant),
            "datePaiement": day.isoformat(),
            "mode": "VIREMENT",
        }
    }
    data = await s.api.data(PAY, variables, s.agent)
    assert data["recordPaiement"]["userErrors"] == []


async def plans(s: Setting) -> list[dict[str, Any]]:
    data = await s.api.data(PLANS, {"id": s.gid}, s.token)
    result: list[dict[str, Any]] = data["node"]["delaisPaiement"]
    return result


async def stored(api: Api) -> tuple[Any, ...]:
    """Everything a refused plan request or decision must leave untouched."""
    async with api.session() as session:
        delais = (
            await session.execute(
                select(
                    models.DelaiPaiement.id,
                    models.DelaiPaiement.statut,
                    models.DelaiPaiement.date_decision,
                    models.DelaiPaiement.date_cloture,
                    models.DelaiPaiement.motif_decision,
                ).order_by(models.DelaiPaiement.id)
            )
        ).all()
        counts = [
            await session.scalar(select(func.count()).select_from(model))
            for model in (
                models.EcheanceDelai,
                models.DelaiEcheanceCouverte,
                models.CourrielSortant,
                models.Attestation,
            )
        ]
        return tuple(delais), tuple(counts)


def euros(amount: Decimal) -> str:
    return f"{amount:.2f}"


# --- attestations ------------------------------------------------------------------------

GENERATE = """mutation($i: GenerateAttestationInput!) { generateAttestation(input: $i) {
  attestation { id type annee dateEmission dateFinValidite codeVerification sousPlanApurement
    valide url montants { libelle montant } }
  userErrors { field message code } } }"""
VERIFY = """query($code: String!) { verifyAttestation(code: $code) {
  type nom prenom siret entreprise siren dateEmission dateFinValidite valide } }"""


async def generate(s: Setting, type_: str, token: str | None = None, **extra) -> dict:
    variables = {"i": {"travailleurId": s.gid, "type": type_, **extra}}
    return (await s.api.data(GENERATE, variables, token or s.token))["generateAttestation"]


async def pdf_text(s: Setting, url: str, token: str | None = None) -> str:
    response = await s.api.http.get(
        url.removeprefix("http://127.0.0.1:8000"),
        headers={"Authorization": f"Bearer {token or s.token}"},
    )
    assert (response.status_code, response.headers["content-type"]) == (200, "application/pdf")
    pages = pypdf.PdfReader(io.BytesIO(response.content)).pages
    return " ".join("\n".join(page.extract_text() for page in pages).split())


async def siret_of(s: Setting) -> str:
    async with s.api.session() as session:
        return await session.scalar(
            select(models.Etablissement.siret).where(
                models.Etablissement.travailleur_id == s.worker.id
            )
        )


def french(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",")


async def add_year(s: Setting, annee: int, nature: NatureCotisation, paid_months: int) -> Decimal:
    """Contribution lines of ``annee`` on the 2024 income and its 12 monthly instalments,
    the first ``paid_months`` paid on their date; returns the year's total."""
    resultat = engine.compute_cotisations(annee, NatureActivite.ARTISANALE, Decimal("41570"))
    async with s.api.session() as session:
        session.add_all(
            cotisation_rows(
                travailleur_id=s.worker.id,
                nature=nature,
                resultat=resultat,
                base_calcul="Revenu 2024 déclaré",
                date_calcul=date(annee, 1, 1),
            )
        )
        for rank, plan in enumerate(
            initial_schedule(annee, Periodicite.MENSUEL_5, resultat.total, None)
        ):
            session.add(
                models.Echeance(
                    travailleur_id=s.worker.id,
                    annee=annee,
                    nature=plan.nature,
                    date_echeance=plan.date_echeance,
                    montant=plan.montant,
                    montant_paye=Decimal(0),
                    annulee=False,
                    rejets=0,
                    montant_reporte=Decimal(0),
                )
            )
            if rank < paid_months:
                session.add(
                    models.Paiement(
                        travailleur_id=s.worker.id,
                        date_paiement=plan.date_echeance,
                        montant=plan.montant,
                        mode=ModePaiement.PRELEVEMENT,
                        reference=f"PRLV-{plan.date_echeance:%Y%m}",
                    )
                )
        await session.flush()
        await reallocate_payments(session, s.worker.id)
        await session.commit()
    return resultat.total


async def attestation_count(s: Setting) -> int:
    async with s.api.session() as session:
        return await session.scalar(select(func.count()).select_from(models.Attestation))
