"""The demo portfolio (``gateway seed demo``): deterministic, realistic, listed in the README.

One caisse, the cabinet "Cabinet Démo Expertise" (an admin and a collaborator), a
caisse agent, the identities of ``demo_identites`` and 49 more clients in varied
situations. Everything depends only on the demo date (SPEC §4 "Dates") and on
``random.Random(2026)``; amounts come from the domain rules via ``history``.
Passwords are demo-only.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.echeancier import Periodicite, due_dates
from domain.nomenclatures import Role
from gateway.app import clock_for
from gateway.auth.passwords import Passwords
from gateway.config import Settings
from gateway.db import models
from gateway.seed.actualites import add_demo_actualites
from gateway.seed.demo_identites import (
    AGENT,
    CABINET,
    COLLABORATEUR,
    EXPERT,
    MOT_DE_PASSE_TRAVAILLEUR,
    NIR_ARTISAN,
    NIR_COMMERCANT,
    NIR_HORS_CABINET,
    fixed_clients,
)
from gateway.seed.identites import Identifiants
from gateway.seed.portfolio import (
    Scenario,
    add_client,
    add_mandat,
    add_utilisateur,
    random_client,
)
from gateway.seed.prevention import add_demo_prevention
from gateway.seed.references import CODE_CAISSE, caisse_id_for, run_in_transaction
from gateway.seed.rows import Lignes, insert_all, load_next_ids

log = logging.getLogger(__name__)

GRAINE = 2026
#: Generated clients of the cabinet, by situation (the three fixed clients come on top).
SCENARIOS_DEMO: tuple[tuple[Scenario, int], ...] = (
    (Scenario.A_JOUR, 15),
    (Scenario.RETARD, 7),
    (Scenario.TAXATION_OFFICE, 5),
    (Scenario.CREATION_ANNEE, 4),
    (Scenario.CREATION_ANNEE_PRECEDENTE, 4),
    (Scenario.RADIE, 4),
    (Scenario.RETRAITE, 3),
    (Scenario.MICRO, 7),
)
#: The collaborator follows this many clients (the artisan identity among them).
CLIENTS_DU_COLLABORATEUR = 10


@dataclass(slots=True)
class Demo:
    """The demo rows and where the documented identities landed."""

    lignes: Lignes
    caisse_id: int
    cabinet_id: int
    travailleurs: dict[str, int] = field(default_factory=dict)  # NIR → travailleur id
    clients_cabinet: list[int] = field(default_factory=list)
    affectes_collaborateur: list[int] = field(default_factory=list)
    utilisateurs: dict[str, int] = field(default_factory=dict)  # e-mail → utilisateur id


def impayes_commercant(today: date) -> date:
    """The third most recent monthly due date (MENSUEL_5) before ``today``: from it on
    the commerçant of the demo stopped paying (issue 2: three unpaid instalments)."""
    passees = [d for a in (today.year - 1, today.year) for d in due_dates(a, Periodicite.MENSUEL_5)]
    return [d for d in passees if d < today][-3]


def build_demo(today: date, hacher: Callable[[str], str], lignes: Lignes, caisse_id: int) -> Demo:
    """Every demo row for an account standing on ``today``. ``hacher`` hashes a
    password (argon2 is slow: it is called once per distinct password)."""
    demo = Demo(lignes, caisse_id, lignes.add(models.Cabinet, **CABINET))
    hash_travailleur = hacher(MOT_DE_PASSE_TRAVAILLEUR)
    rng = random.Random(GRAINE)
    ident = Identifiants(rng)
    fixes = fixed_clients(ident, today, impayes_commercant(today))
    generes = [
        random_client(ident, today, scenario)
        for scenario, nombre in SCENARIOS_DEMO
        for _ in range(nombre)
    ]
    rng.shuffle(generes)
    for client in [*fixes, *generes]:
        travailleur_id = add_client(
            lignes,
            client,
            caisse_id=caisse_id,
            today=today,
            mot_de_passe_hash=hash_travailleur,
            code_caisse=CODE_CAISSE,
        )
        demo.travailleurs[client.personne.nir] = travailleur_id
        if client.personne.nir != NIR_HORS_CABINET:
            demo.clients_cabinet.append(travailleur_id)
            depuis = max(client.profil.date_creation, date(2022, 1, 3))
            depuis = min(depuis + timedelta(rng.randint(0, 60)), today - timedelta(days=4))
            add_mandat(lignes, demo.cabinet_id, travailleur_id, depuis)
    _add_staff(demo, hacher)
    _assign_collaborator(demo)
    return demo


def _add_staff(demo: Demo, hacher: Callable[[str], str]) -> None:
    """The cabinet's admin and collaborator, and the caisse agent."""
    for personne, admin in ((EXPERT, True), (COLLABORATEUR, False)):
        demo.utilisateurs[personne.courriel] = add_utilisateur(
            demo.lignes,
            identifiant=personne.courriel,
            role=Role.EXPERT_COMPTABLE,
            nom_affiche=personne.nom_affiche,
            mot_de_passe_hash=hacher(personne.mot_de_passe),
            cabinet_id=demo.cabinet_id,
            administrateur_cabinet=admin,
        )
    demo.utilisateurs[AGENT.courriel] = add_utilisateur(
        demo.lignes,
        identifiant=AGENT.courriel,
        role=Role.AGENT,
        nom_affiche=AGENT.nom_affiche,
        mot_de_passe_hash=hacher(AGENT.mot_de_passe),
        caisse_id=demo.caisse_id,
    )


def _assign_collaborator(demo: Demo) -> None:
    """The artisan identity and the first clients after it, never the commerçant."""
    artisan, commercant = demo.travailleurs[NIR_ARTISAN], demo.travailleurs[NIR_COMMERCANT]
    autres = [t for t in demo.clients_cabinet if t not in (artisan, commercant)]
    demo.affectes_collaborateur = [artisan, *autres[: CLIENTS_DU_COLLABORATEUR - 1]]
    collaborateur = demo.utilisateurs[COLLABORATEUR.courriel]
    for travailleur_id in demo.affectes_collaborateur:
        demo.lignes.add_sans_id(
            models.AffectationCollaborateur,
            utilisateur_id=collaborateur,
            travailleur_id=travailleur_id,
        )


async def seed_demo(session: AsyncSession, today: date, hacher: Callable[[str], str]) -> Demo:
    """Insert the demo in the session's transaction (ids after the current maxima)."""
    lignes = Lignes(await load_next_ids(session))
    demo = build_demo(today, hacher, lignes, await caisse_id_for(session, lignes))
    await insert_all(session, lignes)
    agent = demo.utilisateurs[AGENT.courriel]
    await add_demo_actualites(session, demo.caisse_id, today, agent)
    await add_demo_prevention(session, demo.caisse_id, demo.travailleurs, today, agent)
    return demo


async def seed_demo_command(settings: Settings, only_if_empty: bool) -> None:
    """``gateway seed demo [--if-empty]``: load the demo in one transaction."""
    today = clock_for(settings).today()
    passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_cost)

    async def work(session: AsyncSession) -> Demo | None:
        if only_if_empty and await session.scalar(select(models.Caisse.id).limit(1)) is not None:
            log.info("database not empty: demo data not loaded")
            return None
        deja = select(models.Utilisateur.id).where(
            models.Utilisateur.identifiant == EXPERT.courriel
        )
        if await session.scalar(deja) is not None:
            raise SystemExit("Les données de démonstration sont déjà chargées dans cette base.")
        return await seed_demo(session, today, passwords.hash)

    demo = await run_in_transaction(settings, work)
    if demo is None:
        return
    comptes = ", ".join(f"{n} {table}" for table, n in demo.lignes.counts().items())
    print(f"Démo chargée au {today:%d/%m/%Y} : {comptes}.")
    print(
        f"Cabinet Démo Expertise : {len(demo.clients_cabinet)} clients, "
        f"{len(demo.affectes_collaborateur)} suivis par {COLLABORATEUR.courriel}."
    )
