"""A cabinet's portfolio in every situation a dashboard filters on, and its callers.

Today is Monday 23 November 2026 (``tests.conftest.TODAY``). Cabinet Alpha has seven
clients with an active mandate; Beta has one; one mandate of Alpha was revoked.

| client | situation | overdue | due in November | next due | missing | plan |
|---|---|---|---|---|---|---|
| Bernard Luc (assigned to collab) | classique | 350 | 350 | 05/12 | — | — |
| Dubois Anne | classique | 0 | 200 | 30/11 | — | — |
| Fontaine Rémi | radié mid-2024 | 0 | 0 | — | — (2025 not owed) | — |
| Garcia Léa | micro, monthly | 202 | 101 | 30/11 | 2025-06 | — |
| Lefebvre Marc | classique | 300 | 0 | — | — | accepted, unpaid > 30 days: denounced |
| Moreau Paul | classique | 500 | 0 | — | — | accepted, respected, covers the 500 |
| Petit Julie | classique | 0 | 0 | — | income 2024 | — |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from domain.delais import StatutDelai
from domain.micro import ActiviteMicro, Periode, TypePeriode
from domain.nomenclatures import (
    PeriodiciteDeclaration,
    Regime,
    Role,
    Situation,
    StatutMandat,
    StatutProfessionnel,
)
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.api.client import Api

PASSWORD = "secret-utilisateur"
WORKER_PASSWORD = "secret-travailleur"


@dataclass
class PortfolioWorld:
    alpha: models.Cabinet
    beta: models.Cabinet
    collab: models.Utilisateur
    collab2: models.Utilisateur
    clients: dict[str, models.Travailleur]  # by family name
    revoked: models.Travailleur  # Roux: Alpha's mandate revoked, Beta's active
    unmandated: models.Travailleur  # Martin: no mandate

    def gid(self, nom: str) -> str:
        return encode_global_id("Travailleur", self.clients[nom].id)


async def _echeance(
    session: AsyncSession, travailleur: models.Travailleur, day: date, montant: str, paye: str = "0"
) -> models.Echeance:
    return await builders.echeance(
        session,
        travailleur_id=travailleur.id,
        date_echeance=day,
        montant=Decimal(montant),
        montant_paye=Decimal(paye),
    )


async def _plan(
    session: AsyncSession,
    travailleur: models.Travailleur,
    covers: list[models.Echeance],
    instalments: list[tuple[date, str, str]],
    statut: StatutDelai = StatutDelai.ACCEPTE,
) -> models.DelaiPaiement:
    plan = models.DelaiPaiement(
        travailleur_id=travailleur.id,
        statut=statut,
        date_demande=date(2026, 9, 20),
        montant=sum((e.montant for e in covers), Decimal(0)),
        nombre_echeances=len(instalments),
        premiere_echeance=instalments[0][0],
        motif="Trésorerie tendue",
        date_decision=date(2026, 9, 20),
    )
    session.add(plan)
    await session.flush()
    for numero, (day, montant, paye) in enumerate(instalments, start=1):
        session.add(
            models.EcheanceDelai(
                delai_id=plan.id,
                numero=numero,
                date_echeance=day,
                montant=Decimal(montant),
                montant_paye=Decimal(paye),
            )
        )
    for echeance in covers:
        session.add(models.DelaiEcheanceCouverte(delai_id=plan.id, echeance_id=echeance.id))
    await session.flush()
    return plan


async def _declared(session: AsyncSession, travailleur: models.Travailleur, *annees: int) -> None:
    for annee in annees:
        await builders.revenu(
            session, travailleur_id=travailleur.id, annee=annee, montant=Decimal("38000")
        )


def _periods() -> list[Periode]:
    """Months 2025-01 to 2026-10 except 2025-06."""
    months = [(2025, m) for m in range(1, 13) if m != 6] + [(2026, m) for m in range(1, 11)]
    return [Periode(annee, TypePeriode.MOIS, mois) for annee, mois in months]


async def _micro(session: AsyncSession, caisse_id: int) -> models.Travailleur:
    worker = await builders.travailleur(
        session,
        caisse_id=caisse_id,
        nom="Garcia",
        prenom="Léa",
        regime=Regime.MICRO,
        statut=StatutProfessionnel.COMMERCANT,
        date_debut_activite=date(2024, 6, 1),
    )
    worker.activite_micro = ActiviteMicro.BIC_SERVICES
    worker.periodicite_declaration = PeriodiciteDeclaration.MENSUELLE
    for periode in _periods():
        due = periode.echeance
        session.add(
            models.DeclarationMicro(
                travailleur_id=worker.id,
                periode=str(periode),
                activite=ActiviteMicro.BIC_SERVICES,
                chiffre_affaires=Decimal("471.70"),
                taux=Decimal("21.2"),
                cotisations=Decimal("100.00"),
                formation_professionnelle=Decimal("1.00"),
                date_declaration=due.replace(day=10),
                date_exigibilite=due,
            )
        )
    # 18 periods paid (up to 2026-07): 2026-08 and 2026-09 overdue, 2026-10 due on 30/11.
    await builders.paiement(
        session,
        travailleur_id=worker.id,
        date_paiement=date(2026, 8, 31),
        montant=Decimal("101.00") * 18,
    )
    await session.flush()
    return worker


async def build_portfolio_world(api: Api) -> PortfolioWorld:
    async with api.session() as session:
        caisse = await builders.caisse(session, code="IDF")
        other = await builders.caisse(session, code="BRE", region="Bretagne")
        alpha = await builders.cabinet(session, nom="Cabinet Alpha")
        beta = await builders.cabinet(session, nom="Cabinet Beta")
        await builders.user(
            session,
            identifiant="admin@alpha.fr",
            role=Role.EXPERT_COMPTABLE,
            cabinet_id=alpha.id,
            administrateur_cabinet=True,
        )
        collab = await builders.user(
            session, identifiant="collab@alpha.fr", role=Role.EXPERT_COMPTABLE, cabinet_id=alpha.id
        )
        collab2 = await builders.user(
            session, identifiant="collab2@alpha.fr", role=Role.EXPERT_COMPTABLE, cabinet_id=alpha.id
        )
        await builders.user(
            session,
            identifiant="admin@beta.fr",
            role=Role.EXPERT_COMPTABLE,
            cabinet_id=beta.id,
            administrateur_cabinet=True,
        )
        await builders.user(
            session, identifiant="agent@idf.fr", role=Role.AGENT, caisse_id=caisse.id
        )

        def worker(nom: str, prenom: str, **kw: object):
            return builders.travailleur(session, caisse_id=caisse.id, nom=nom, prenom=prenom, **kw)

        bernard = await worker("Bernard", "Luc")
        await _declared(session, bernard, 2023, 2024, 2025)
        await _echeance(session, bernard, date(2026, 10, 5), "250.00", "250.00")
        await _echeance(session, bernard, date(2026, 11, 5), "250.00")
        await _echeance(session, bernard, date(2026, 11, 20), "100.00")
        await _echeance(session, bernard, date(2026, 12, 5), "250.00")

        dubois = await worker("Dubois", "Anne", statut=StatutProfessionnel.COMMERCANT)
        await _declared(session, dubois, 2023, 2024, 2025)
        await _echeance(session, dubois, date(2026, 10, 30), "200.00", "200.00")
        await _echeance(session, dubois, date(2026, 11, 30), "200.00")

        fontaine = await worker(
            "Fontaine", "Rémi", situation=Situation.RADIE, date_debut_activite=date(2012, 4, 1)
        )
        fontaine.date_fin_activite = date(2024, 6, 30)
        await _declared(session, fontaine, 2023, 2024)

        garcia = await _micro(session, caisse.id)

        lefebvre = await worker("Lefebvre", "Marc")
        await _declared(session, lefebvre, 2023, 2024, 2025)
        unpaid = await _echeance(session, lefebvre, date(2026, 8, 5), "300.00")
        await _plan(
            session,
            lefebvre,
            [unpaid],
            [(date(2026, 10, 1), "150.00", "0"), (date(2026, 11, 1), "150.00", "0")],
        )

        moreau = await worker("Moreau", "Paul")
        await _declared(session, moreau, 2023, 2024, 2025)
        covered = await _echeance(session, moreau, date(2026, 9, 5), "500.00")
        await _plan(
            session,
            moreau,
            [covered],
            [(date(2026, 10, 15), "250.00", "250.00"), (date(2026, 11, 15), "250.00", "0")],
        )

        petit = await worker("Petit", "Julie")
        await _declared(session, petit, 2025)

        roux = await builders.travailleur(session, caisse_id=other.id, nom="Roux", prenom="Marc")
        martin = await worker("Martin", "Zoé")
        clients = {w.nom: w for w in (bernard, dubois, fontaine, garcia, lefebvre, moreau, petit)}
        for client in clients.values():
            await builders.mandat(
                session,
                cabinet_id=alpha.id,
                travailleur_id=client.id,
                assigned_to=collab.id if client is bernard else None,
            )
        await builders.mandat(
            session, cabinet_id=alpha.id, travailleur_id=roux.id, statut=StatutMandat.REVOQUE
        )
        await builders.mandat(session, cabinet_id=beta.id, travailleur_id=roux.id)
        await session.commit()
        return PortfolioWorld(alpha, beta, collab, collab2, clients, roux, martin)
