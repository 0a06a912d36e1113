"""The demo caisse's news items, personalised as the portal did (region, status, profession).

Dates are relative to the demo date so the feed always looks alive: most items are
online, one is scheduled, one has expired. Each demo identity sees a different feed
(the artisan plumbers' item, the micro-entrepreneurs' reminder, the retirees' one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.actualites import Ciblage, StatutCible
from gateway.db.models_caisse import Actualite, CibleActualite


@dataclass(frozen=True, slots=True)
class ActualiteDemo:
    titre: str
    contenu: str
    publiee_il_y_a: int  # days before the demo date (negative: scheduled)
    duree: int | None  # days online, None: until withdrawn
    ciblage: Ciblage = field(default_factory=Ciblage)


BATIMENT = ("Plombier chauffagiste", "Électricien", "Menuisier", "Maçon", "Peintre en bâtiment")
ACTUALITES: tuple[ActualiteDemo, ...] = (
    ActualiteDemo(
        "Votre espace en ligne évolue",
        "Retrouvez désormais vos attestations, vos échéances et vos paiements sur une seule "
        "page. Votre expert-comptable peut accéder à votre compte dès que vous lui avez "
        "transmis votre clé d'activation.",
        40,
        None,
    ),
    ActualiteDemo(
        "Fermeture de l'accueil pendant les fêtes",
        "L'accueil physique de Montreuil sera fermé du 24 décembre au 1er janvier. Le 36 98 "
        "reste joignable aux horaires habituels, hors jours fériés.",
        5,
        60,
    ),
    ActualiteDemo(
        "Micro-entrepreneurs : déclarez votre chiffre d'affaires à temps",
        "Votre chiffre d'affaires se déclare chaque mois ou chaque trimestre, au plus tard le "
        "dernier jour du mois qui suit la période, même s'il est nul. Sans déclaration, des "
        "majorations de retard s'appliquent.",
        12,
        None,
        Ciblage(statuts=(StatutCible.MICRO,)),
    ),
    ActualiteDemo(
        "Artisans du bâtiment : permanence à la Chambre de métiers",
        "Un conseiller de la caisse vous reçoit sans rendez-vous à la Chambre de métiers et de "
        "l'artisanat de Bobigny le premier mardi du mois, de 9 h à 12 h : cotisations, délais "
        "de paiement, prélèvement automatique.",
        20,
        90,
        Ciblage(regions=("Île-de-France",), statuts=(StatutCible.ARTISAN,), professions=BATIMENT),
    ),
    ActualiteDemo(
        "Difficultés de paiement : demandez un délai en ligne",
        "Si vous ne pouvez pas régler vos échéances, demandez un échéancier de paiement depuis "
        "votre espace avant que les majorations ne s'accumulent. Jusqu'à 12 mensualités, "
        "l'accord est immédiat.",
        8,
        None,
        Ciblage(statuts=(StatutCible.ARTISAN, StatutCible.COMMERCANT)),
    ),
    ActualiteDemo(
        "Retraités : votre relevé de carrière en ligne",
        "Vos revenus soumis à cotisations de retraite et vos trimestres validés, année par "
        "année, sont disponibles dans votre espace, au format PDF.",
        30,
        None,
        Ciblage(statuts=(StatutCible.RETRAITE,)),
    ),
    ActualiteDemo(
        "Estimez vos revenus pour ajuster vos cotisations",
        "Vos revenus sont à la hausse ou à la baisse ? Adaptez le montant de vos cotisations "
        "provisionnelles en estimant votre revenu de l'année.",
        -7,
        45,
        Ciblage(statuts=(StatutCible.ARTISAN, StatutCible.COMMERCANT)),
    ),
    ActualiteDemo(
        "Journée d'information des créateurs d'entreprise",
        "La caisse présentait ses services aux créateurs lors d'une demi-journée d'information.",
        75,
        30,
    ),
)


async def add_demo_actualites(
    session: AsyncSession, caisse_id: int, today: date, agent_id: int | None
) -> int:
    """Insert the demo items of the caisse, as published by the demo agent; returns how many."""
    for demo in ACTUALITES:
        publication = today - timedelta(days=demo.publiee_il_y_a)
        row = Actualite(
            caisse_id=caisse_id,
            titre=demo.titre,
            contenu=demo.contenu,
            date_publication=publication,
            date_fin=None if demo.duree is None else publication + timedelta(days=demo.duree),
            auteur_id=agent_id,
        )
        session.add(row)
        await session.flush()
        session.add_all(CibleActualite.rows_for(row.id, demo.ciblage))
    await session.flush()
    return len(ACTUALITES)
