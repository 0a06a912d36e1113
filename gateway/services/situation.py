"""A worker's situation as several areas need it: plans followed today, the instalments
they exempt from majorations, the years not declared (SPEC §4–§6).

Payment plans, attestations (vigilance: "nothing overdue unless under a respected
plan") and the account reads (majorations) all ask the same questions; they are
answered here once, from rows, with the rules of ``domain.suivi_delais``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from domain import compte as compte_rules
from domain.attestations import declared_before
from domain.calendrier_declarations import annees_a_declarer
from domain.delais import EcheanceDelai as EcheancePlan
from domain.delais import PlanExistant, StatutDelai
from domain.echeancier import Instalment
from domain.nomenclatures import NatureRevenu
from domain.suivi_delais import PlanCompte, SuiviDelai, exempt_instalments, follow_plans
from gateway.db import models
from gateway.db.repositories import account
from gateway.db.repositories import delais as repository

# --- the plans of one account, as rows and as followed today --------------------------


def instalment_of(row: models.Echeance) -> Instalment:
    return Instalment(row.id, row.date_echeance, row.montant, row.montant_paye, row.nature)


def paiement_of(row: models.Paiement) -> compte_rules.Paiement:
    return compte_rules.Paiement(row.id, row.date_paiement, row.montant)


def plan_of(
    row: models.DelaiPaiement, echeances: list[models.EcheanceDelai], couvertes: list[int]
) -> PlanCompte:
    return PlanCompte(
        id=row.id,
        statut=row.statut,
        montant=row.montant,
        echeances=tuple(EcheancePlan(e.date_echeance, e.montant) for e in echeances),
        couvertes=frozenset(couvertes),
        date_demande=row.date_demande,
        date_decision=row.date_decision,
        date_cloture=row.date_cloture,
    )


@dataclass(frozen=True, slots=True)
class PlansCompte:
    """The plans of one account followed on a day, and the instalments they exempt."""

    plans: dict[int, PlanCompte]
    suivis: dict[int, SuiviDelai]
    exemptes: frozenset[int]

    @property
    def couverture(self) -> dict[int, int]:
        """Instalment id → the latest plan covering it."""
        return {i: p.id for p in self.plans.values() for i in sorted(p.couvertes)}

    def existants(self) -> list[PlanExistant]:
        """What eligibility needs: each plan's state today, and when it was denounced."""
        return [
            PlanExistant(
                id=ident,
                statut=suivi.statut,
                date_denonciation=(
                    suivi.date_cloture if suivi.statut is StatutDelai.DENONCE else None
                ),
            )
            for ident, suivi in self.suivis.items()
        ]


NO_PLANS = PlansCompte({}, {}, frozenset())


def follow(
    plans: list[PlanCompte],
    echeances: list[Instalment],
    paiements: list[compte_rules.Paiement],
    today: date,
) -> PlansCompte:
    if not plans:
        return NO_PLANS
    suivis = follow_plans(plans, echeances, paiements, today)
    return PlansCompte({p.id: p for p in plans}, suivis, exempt_instalments(plans, suivis))


async def load_plans(
    session: AsyncSession,
    travailleur_id: int,
    echeances: list[Instalment],
    paiements: list[compte_rules.Paiement],
    today: date,
) -> tuple[PlansCompte, list[models.DelaiPaiement], dict[int, list[models.EcheanceDelai]]]:
    rows = await repository.plans(session, travailleur_id)
    ids = [r.id for r in rows]
    instalments = await repository.plan_instalments(session, ids)
    couvertes = await repository.covered(session, ids)
    plans = [plan_of(r, instalments.get(r.id, []), couvertes.get(r.id, [])) for r in rows]
    return follow(plans, echeances, paiements, today), rows, instalments


async def observe_plans(
    session: AsyncSession, travailleur_id: int, today: date
) -> tuple[PlansCompte, list[models.DelaiPaiement], list[models.Echeance]]:
    """Follow the worker's plans today and store what changed by itself: SOLDE or
    DENONCE (with the day), and what each plan instalment has collected."""
    echeances = await account.instalments(session, travailleur_id)
    paiements = [paiement_of(p) for p in await account.payments(session, travailleur_id)]
    etat, rows, instalments = await load_plans(
        session, travailleur_id, [instalment_of(e) for e in echeances], paiements, today
    )
    for row in rows:
        suivi = etat.suivis[row.id]
        if row.statut is StatutDelai.ACCEPTE and suivi.statut is not StatutDelai.ACCEPTE:
            row.statut, row.date_cloture = suivi.statut, suivi.date_cloture
        for stored, followed in zip(instalments.get(row.id, []), suivi.echeances, strict=True):
            stored.montant_paye = followed.montant_paye
    return etat, rows, echeances


def annees_non_declarees(
    travailleur: models.Travailleur, revenus: list[models.Revenu], jour: date
) -> set[int]:
    """Past years whose income was not declared by the end of ``jour`` (SPEC §5, §6:
    "every past income declared"): the years of ``domain.calendrier_declarations``
    whose deadline has passed, as the portfolio's "vigilance obtainable" counts them."""
    declarees = declared_before(
        ((str(r.annee), r.date_saisie) for r in revenus if r.nature is NatureRevenu.DECLARE), jour
    )
    annees = annees_a_declarer(jour, travailleur.date_debut_activite, travailleur.date_fin_activite)
    return {a for a in annees if str(a) not in declarees}
