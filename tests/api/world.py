"""A small world of callers and accounts, shared by the authorization tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.nomenclatures import Role, StatutMandat, StatutProfessionnel
from gateway.db import models
from tests import builders
from tests.api.client import Api

PASSWORD = "secret-utilisateur"
WORKER_PASSWORD = "secret-travailleur"


@dataclass
class World:
    caisse: models.Caisse
    other_caisse: models.Caisse
    assigned: models.Travailleur  # mandated, assigned to the collaborator
    unassigned: models.Travailleur  # mandated, not assigned
    revoked: models.Travailleur  # mandate revoked, other caisse
    unmandated: models.Travailleur  # no mandate at all


async def build_world(api: Api) -> World:
    async with api.session() as session:
        caisse = await builders.caisse(session, code="IDF")
        other = await builders.caisse(session, code="BRE", region="Bretagne")
        cabinet = await builders.cabinet(session, nom="Cabinet Alpha")
        other_cabinet = await builders.cabinet(session, nom="Cabinet Beta")
        await builders.user(
            session,
            identifiant="admin@alpha.fr",
            role=Role.EXPERT_COMPTABLE,
            cabinet_id=cabinet.id,
            administrateur_cabinet=True,
        )
        collab = await builders.user(
            session,
            identifiant="collab@alpha.fr",
            role=Role.EXPERT_COMPTABLE,
            cabinet_id=cabinet.id,
        )
        await builders.user(
            session,
            identifiant="admin@beta.fr",
            role=Role.EXPERT_COMPTABLE,
            cabinet_id=other_cabinet.id,
            administrateur_cabinet=True,
        )
        await builders.user(
            session, identifiant="agent@idf.fr", role=Role.AGENT, caisse_id=caisse.id
        )
        assigned = await builders.travailleur(
            session, caisse_id=caisse.id, nom="Bernard", prenom="Luc"
        )
        unassigned = await builders.travailleur(
            session,
            caisse_id=caisse.id,
            nom="Dubois",
            prenom="Anne",
            statut=StatutProfessionnel.COMMERCANT,
        )
        revoked = await builders.travailleur(session, caisse_id=other.id, nom="Roux", prenom="Marc")
        unmandated = await builders.travailleur(
            session, caisse_id=caisse.id, nom="Petit", prenom="Julie"
        )
        await builders.mandat(
            session, cabinet_id=cabinet.id, travailleur_id=assigned.id, assigned_to=collab.id
        )
        await builders.mandat(session, cabinet_id=cabinet.id, travailleur_id=unassigned.id)
        await builders.mandat(
            session, cabinet_id=cabinet.id, travailleur_id=revoked.id, statut=StatutMandat.REVOQUE
        )
        # Luc Bernard: two instalments paid, one overdue, one to come.
        for day, paid in (
            (date(2026, 9, 5), "250.00"),
            (date(2026, 10, 5), "250.00"),
            (date(2026, 11, 5), "0"),
            (date(2026, 12, 5), "0"),
        ):
            await builders.echeance(
                session,
                travailleur_id=assigned.id,
                date_echeance=day,
                montant=Decimal("250.00"),
                montant_paye=Decimal(paid),
            )
        await builders.paiement(
            session,
            travailleur_id=assigned.id,
            date_paiement=date(2026, 9, 5),
            montant=Decimal("250.00"),
        )
        await builders.paiement(
            session,
            travailleur_id=assigned.id,
            date_paiement=date(2026, 10, 5),
            montant=Decimal("250.00"),
        )
        await builders.revenu(
            session, travailleur_id=assigned.id, annee=2024, montant=Decimal("41570")
        )
        await builders.revenu(
            session, travailleur_id=assigned.id, annee=2025, montant=Decimal("43000")
        )
        await builders.echeance(
            session,
            travailleur_id=unassigned.id,
            date_echeance=date(2026, 11, 5),
            montant=Decimal("100.00"),
        )
        await session.commit()
        return World(caisse, other, assigned, unassigned, revoked, unmandated)
