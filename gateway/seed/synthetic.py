"""Synthetic portfolios for benchmarks (``gateway seed synthetic --clients N --seed S``).

One cabinet "Cabinet Synthétique <S>" with N clients drawn with the demo's generator
(same scenarios, same domain rules), reproducible from the seed: the same N and S on
the same date give the same rows. Collaborators follow slices of the portfolio so
collaborator-scoped queries can be measured too. Rows go in with bulk inserts, ids
allocated after the current maxima: 10 000 clients load in well under a minute on
SQLite.
"""

from __future__ import annotations

import gc
import logging
import random
import time
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.nomenclatures import Role
from gateway.app import clock_for
from gateway.auth.passwords import Passwords
from gateway.config import Settings
from gateway.db import models
from gateway.seed.identites import Identifiants, siret_from
from gateway.seed.portfolio import Scenario, add_client, add_mandat, add_utilisateur, random_client
from gateway.seed.references import CODE_CAISSE, caisse_id_for, run_in_transaction
from gateway.seed.rows import Lignes, insert_all, load_next_ids

log = logging.getLogger(__name__)

MOT_DE_PASSE_ADMIN = "synthetic-admin"
MOT_DE_PASSE_TRAVAILLEUR = "synthetic-travailleur"
#: Share of each situation in a synthetic portfolio (a typical cabinet's mix).
POIDS_SCENARIOS: dict[Scenario, int] = {
    Scenario.A_JOUR: 48,
    Scenario.RETARD: 10,
    Scenario.TAXATION_OFFICE: 5,
    Scenario.CREATION_ANNEE: 5,
    Scenario.CREATION_ANNEE_PRECEDENTE: 6,
    Scenario.RADIE: 4,
    Scenario.RETRAITE: 3,
    Scenario.MICRO: 19,
}
#: One collaborator per this many clients, each following one slice of the portfolio.
CLIENTS_PAR_COLLABORATEUR = 250


def admin_email(seed: int) -> str:
    return f"admin@synthetique-{seed}.fr"


def build_synthetic(
    lignes: Lignes,
    *,
    today: date,
    clients: int,
    seed: int,
    caisse_id: int,
    hashes: tuple[str, str],
    taken: set[str],
) -> int:
    """Append a cabinet, its staff and ``clients`` clients; returns the cabinet id.
    ``hashes``: (admin, worker) password hashes; ``taken``: identifiers already used."""
    rng = random.Random(seed)
    ident = Identifiants(rng, taken)
    hash_admin, hash_travailleur = hashes
    cabinet_id = lignes.add(
        models.Cabinet,
        nom=f"Cabinet Synthétique {seed}",
        siret=siret_from(ident.siren(), 1),
        adresse=f"{ident.adresse()}, 75008 Paris",
    )
    add_utilisateur(
        lignes,
        identifiant=admin_email(seed),
        role=Role.EXPERT_COMPTABLE,
        nom_affiche=f"Administrateur synthétique {seed}",
        mot_de_passe_hash=hash_admin,
        cabinet_id=cabinet_id,
        administrateur_cabinet=True,
    )
    collaborateurs = [
        add_utilisateur(
            lignes,
            identifiant=f"collab-{numero}@synthetique-{seed}.fr",
            role=Role.EXPERT_COMPTABLE,
            nom_affiche=f"Collaborateur {numero}",
            mot_de_passe_hash=hash_admin,
            cabinet_id=cabinet_id,
        )
        for numero in range(1, max(1, clients // CLIENTS_PAR_COLLABORATEUR) + 1)
    ]
    scenarios, poids = list(POIDS_SCENARIOS), list(POIDS_SCENARIOS.values())
    for rang in range(clients):
        client = random_client(ident, today, rng.choices(scenarios, poids)[0])
        travailleur_id = add_client(
            lignes,
            client,
            caisse_id=caisse_id,
            today=today,
            mot_de_passe_hash=hash_travailleur,
            code_caisse=CODE_CAISSE,
        )
        depuis = max(client.profil.date_creation, date(2020, 1, 6))
        add_mandat(lignes, cabinet_id, travailleur_id, min(depuis, today - timedelta(days=4)))
        lignes.add_sans_id(
            models.AffectationCollaborateur,
            utilisateur_id=collaborateurs[rang * len(collaborateurs) // clients],
            travailleur_id=travailleur_id,
        )
    return cabinet_id


async def _taken_identifiers(session: AsyncSession) -> set[str]:
    """NIRs and SIREN bodies already in the database, so none is issued twice."""
    nirs = (await session.scalars(select(models.Travailleur.nir))).all()
    sirets = (await session.scalars(select(models.Etablissement.siret))).all()
    cabinets = (await session.scalars(select(models.Cabinet.siret))).all()
    return {*nirs, *(s[:8] for s in [*sirets, *cabinets])}


async def seed_synthetic_command(settings: Settings, clients: int, seed: int) -> None:
    """``gateway seed synthetic``: load the portfolio in one transaction and say how long
    it took."""
    if clients < 1:
        raise SystemExit("--clients doit être au moins 1")
    today = clock_for(settings).today()
    passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_cost)
    debut = time.perf_counter()

    async def work(session: AsyncSession) -> Lignes:
        existe = select(models.Utilisateur.id).where(
            models.Utilisateur.identifiant == admin_email(seed)
        )
        if await session.scalar(existe) is not None:
            raise SystemExit(
                f"Le portefeuille synthétique {seed} est déjà chargé : choisissez un autre --seed."
            )
        lignes = Lignes(await load_next_ids(session))
        build_synthetic(
            lignes,
            today=today,
            clients=clients,
            seed=seed,
            caisse_id=await caisse_id_for(session, lignes),
            hashes=(passwords.hash(MOT_DE_PASSE_ADMIN), passwords.hash(MOT_DE_PASSE_TRAVAILLEUR)),
            taken=await _taken_identifiers(session),
        )
        genere = time.perf_counter()
        await insert_all(session, lignes)
        log.info(
            "generated in %.1f s, inserted in %.1f s", genere - debut, time.perf_counter() - genere
        )
        return lignes

    # A million and more small dicts make the cyclic garbage collector rescan the heap
    # over and over for nothing (rows hold no cycles): pause it for the load.
    gc.disable()
    try:
        lignes = await run_in_transaction(settings, work)
    finally:
        gc.enable()
    total = sum(lignes.counts().values())
    # The stored account situations, as the nightly accounting day leaves them.
    from gateway.services.situation_compte import accounting_day_command

    await accounting_day_command(settings)
    print(
        f"Cabinet Synthétique {seed} : {clients} clients au {today:%d/%m/%Y}, "
        f"{total} lignes en {time.perf_counter() - debut:.1f} s "
        f"(administrateur {admin_email(seed)} / {MOT_DE_PASSE_ADMIN})."
    )
