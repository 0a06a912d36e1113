"""« Ma prévention santé »: the worker declares ayants droit, records vaccinations and
screenings, opts in to reminders (domain/prevention.py has the rules).

Only the worker acts here: any other role is refused before anything runs, and an
ayant droit of another worker is NOT_FOUND, exactly like an unknown one. Every write
is audited in the worker's journal with the operation and its result only: no name,
no programme, no date, no refusal text (health data, GDPR art. 9); the journal
readers hide these events from everyone but the worker
(``gateway.db.repositories.prevention.journal_visible_to``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.nomenclatures import Role
from domain.prevention import (
    AYANTS_DROIT_MAX,
    DEFINITIONS,
    LienAyantDroit,
    Nature,
    Personne,
    Programme,
    Sexe,
    verifier_naissance,
    verifier_numero_lot,
    verifier_prenom,
    verifier_profil_conseil,
    verifier_realisation,
)
from gateway.context import Context
from gateway.db.models import Base, Travailleur
from gateway.db.models_prevention import (
    ActePrevention,
    AyantDroit,
    ConseilPrevention,
)
from gateway.db.repositories import prevention as repository
from gateway.global_ids import decode_int_id
from gateway.services import actualites
from gateway.services.unit_of_work import Action, NotFound, Outcome, run_mutation


async def _run(
    ctx: Context, operation: str, action: Action, idempotency_key: str | None
) -> Outcome:
    """The worker's own mutation: audited without detail nor refusal text."""
    principal = ctx.require_role(Role.TRAVAILLEUR)
    owner = repository.owner_of(principal)

    async def owned(session: AsyncSession) -> Outcome:
        try:
            outcome = await action(session)
        except DomainError as refusal:  # rolled back by the runner, kept in the journal
            return Outcome.refused(refusal, owner)
        outcome.travailleur_id = owner
        return outcome

    return await run_mutation(
        ctx, operation, owned, idempotency_key=idempotency_key, audit_errors=False
    )


async def _titulaire(session: AsyncSession, ctx: Context) -> Travailleur:
    """The account holder's row, locked: a check on the account's rows (at most
    AYANTS_DROIT_MAX ayants droit) and the write it allows then happen one at a time."""
    owner = repository.owner_of(ctx.principal)
    row = None if owner is None else await session.get(Travailleur, owner, with_for_update=True)
    if row is None:
        raise NotFound("Compte introuvable.")
    return row


async def _ayant_droit(ctx: Context, session: AsyncSession, global_id: str) -> AyantDroit:
    key = decode_int_id(global_id, "AyantDroit")
    principal = ctx.require_principal()
    row = None if key is None else await repository.ayant_droit_for_update(session, principal, key)
    if row is None:
        raise NotFound("Aucun ayant droit ne correspond à cet identifiant.", field="ayantDroitId")
    return row


async def add_ayant_droit(
    ctx: Context,
    *,
    prenom: str,
    date_naissance: date,
    sexe: Sexe,
    lien: LienAyantDroit,
    idempotency_key: str | None,
) -> Outcome:
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        titulaire = await _titulaire(session, ctx)
        propre = verifier_prenom(prenom)
        naissance = verifier_naissance(date_naissance, today)
        if await repository.count_ayants_droit(session, titulaire.id) >= AYANTS_DROIT_MAX:
            raise DomainError(
                f"Au plus {AYANTS_DROIT_MAX} ayants droit par compte.",
                code="TROP_D_AYANTS_DROIT",
            )
        row = AyantDroit(
            travailleur_id=titulaire.id,
            prenom=propre,
            date_naissance=naissance,
            sexe=sexe,
            lien=lien,
        )
        session.add(row)
        await session.flush()
        return Outcome(reference={"ayant_droit_id": row.id})

    return await _run(ctx, "addAyantDroit", action, idempotency_key)


async def update_ayant_droit(
    ctx: Context,
    *,
    ayant_droit_id: str,
    prenom: str | None,
    date_naissance: date | None,
    sexe: Sexe | None,
    lien: LienAyantDroit | None,
    idempotency_key: str | None,
) -> Outcome:
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        row = await _ayant_droit(ctx, session, ayant_droit_id)
        propre = None if prenom is None else verifier_prenom(prenom)
        naissance = None if date_naissance is None else verifier_naissance(date_naissance, today)
        faits = await repository.actes_of(session, row.travailleur_id, row.id)
        if naissance is not None and any(a.date_realisation < naissance for a in faits):
            raise DomainError(
                "Une vaccination ou un dépistage enregistré précède cette date de naissance.",
                field="dateNaissance",
                code="DATE_APRES_REALISATION",
            )
        if sexe is not None:
            personne = Personne(naissance or row.date_naissance, sexe)
            for fait in faits:  # a record must stay one that fits the person
                verifier_realisation(
                    fait.programme,
                    _nature(fait.programme),
                    "sexe",
                    personne,
                    fait.date_realisation,
                    today,
                )
        row.prenom = propre or row.prenom
        row.date_naissance = naissance or row.date_naissance
        row.sexe = sexe or row.sexe
        row.lien = lien or row.lien
        return Outcome(reference={"ayant_droit_id": row.id})

    return await _run(ctx, "updateAyantDroit", action, idempotency_key)


def _nature(programme: Programme) -> Nature:
    return DEFINITIONS[programme].nature


async def remove_ayant_droit(
    ctx: Context, *, ayant_droit_id: str, idempotency_key: str | None
) -> Outcome:
    async def action(session: AsyncSession) -> Outcome:
        row = await _ayant_droit(ctx, session, ayant_droit_id)
        await repository.remove_ayant_droit(session, row)
        return Outcome(reference={"removed": True})

    return await _run(ctx, "removeAyantDroit", action, idempotency_key)


async def record_realisation(
    ctx: Context,
    *,
    operation: str,
    nature: Nature,
    champ: str,
    ayant_droit_id: str | None,
    programme: Programme,
    quand: date,
    numero_lot: str | None,
    idempotency_key: str | None,
) -> Outcome:
    """A vaccination (``recordVaccination``) or a screening (``recordDepistage``) done by
    the worker (no ``ayant_droit_id``) or one of their ayants droit."""
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        titulaire = await _titulaire(session, ctx)
        membre = None
        if ayant_droit_id is None:
            personne = repository.personne_of(titulaire)
        else:
            membre = await _ayant_droit(ctx, session, ayant_droit_id)
            personne = repository.personne_of(membre)
        verifier_realisation(programme, nature, champ, personne, quand, today)
        lot = verifier_numero_lot(numero_lot)
        session.add(
            ActePrevention(
                travailleur_id=titulaire.id,
                ayant_droit_id=None if membre is None else membre.id,
                programme=programme,
                date_realisation=quand,
                numero_lot=lot,
                enregistre_le=ctx.clock.now(),
            )
        )
        return Outcome(reference={"ayant_droit_id": None if membre is None else membre.id})

    return await _run(ctx, operation, action, idempotency_key)


async def set_rappels(ctx: Context, *, actifs: bool, idempotency_key: str | None) -> Outcome:
    async def action(session: AsyncSession) -> Outcome:
        titulaire = await _titulaire(session, ctx)
        await repository.set_rappels(session, titulaire.id, actifs)
        return Outcome()

    return await _run(ctx, "setRappelsPrevention", action, idempotency_key)


# --- prevention advice, published by caisse agents ---------------------------------------


async def publish_conseil(
    ctx: Context,
    *,
    titre: str,
    contenu: str,
    date_publication: date | None,
    date_fin: date | None,
    professions: list[str],
    age_min: int | None,
    age_max: int | None,
    sexe: Sexe | None,
    idempotency_key: str | None,
) -> Outcome:
    """A caisse's item published as prevention advice: the news checks and targeting
    (professions), plus an age band and a sex."""

    def complement() -> Callable[[int], list[Base]]:
        profil = verifier_profil_conseil(age_min, age_max, sexe)
        return lambda actualite_id: [
            ConseilPrevention(
                actualite_id=actualite_id,
                age_min=profil.age_min,
                age_max=profil.age_max,
                sexe=profil.sexe,
            )
        ]

    return await actualites.publish_actualite(
        ctx,
        titre=titre,
        contenu=contenu,
        date_publication=date_publication,
        date_fin=date_fin,
        regions=(),
        statuts=(),
        professions=professions,
        idempotency_key=idempotency_key,
        operation="publishConseilPrevention",
        complement=complement,
    )


async def withdraw_conseil(
    ctx: Context, *, conseil_id: str, idempotency_key: str | None
) -> Outcome:
    return await actualites.withdraw_item(
        ctx,
        conseil_id,
        operation="withdrawConseilPrevention",
        type_name="ConseilPrevention",
        field="conseilId",
        libelle="fiche de prévention",
        idempotency_key=idempotency_key,
        conseils=True,
    )
