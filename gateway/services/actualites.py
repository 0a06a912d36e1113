"""Caisse agents publish and withdraw news items (SPEC §1: the caisse's news).

An agent acts for their own caisse only: an item of another caisse is NOT_FOUND,
exactly like an unknown one. The checks and the targeting rule are
``domain.actualites``; this module stores the item with one targeting row per value
(label and normalised key) so the workers' feed filters in SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from domain.actualites import Publication, StatutCible, verifier_publication
from domain.errors import DomainError
from domain.nomenclatures import Role
from gateway.auth.principal import Principal
from gateway.context import Context
from gateway.db.models import Base
from gateway.db.models_caisse import Actualite, CibleActualite
from gateway.db.repositories import actualites as repository
from gateway.global_ids import decode_int_id
from gateway.services.unit_of_work import NotFound, Outcome, run_mutation


def _caisse_of(principal: Principal) -> int:
    if principal.caisse_id is None:  # an agent account without a caisse: a data error
        raise DomainError(
            "Votre compte d'agent n'est rattaché à aucune caisse.",
            code="AGENT_SANS_CAISSE",
        )
    return principal.caisse_id


#: Checks an item's extra input (inside the transaction, before anything is written)
#: and returns the rows completing the stored item, given its id.
Complement = Callable[[], Callable[[int], list[Base]]]


async def publish_actualite(
    ctx: Context,
    *,
    titre: str,
    contenu: str,
    date_publication: date | None,
    date_fin: date | None,
    regions: Sequence[str],
    statuts: Sequence[StatutCible],
    professions: Sequence[str],
    idempotency_key: str | None,
    operation: str = "publishActualite",
    complement: Complement | None = None,
) -> Outcome:
    """An agent's item for their caisse: news, or with ``complement`` another kind of
    item sharing the news checks and targeting (prevention advice)."""
    principal = ctx.require_role(Role.AGENT)
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        publication = verifier_publication(
            titre=titre,
            contenu=contenu,
            date_publication=date_publication,
            date_fin=date_fin,
            regions=regions,
            statuts=statuts,
            professions=professions,
            today=today,
        )
        completer = None if complement is None else complement()
        row = await add_item(session, principal, publication)
        if completer is not None:
            session.add_all(completer(row.id))
        return Outcome(reference={"actualite_id": row.id})

    return await run_mutation(
        ctx,
        operation,
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"titre={titre.strip()[:100]}",
    )


async def add_item(
    session: AsyncSession, principal: Principal, publication: Publication
) -> Actualite:
    """Store a checked item of the agent's caisse with one targeting row per value."""
    row = Actualite(
        caisse_id=_caisse_of(principal),
        titre=publication.titre,
        contenu=publication.contenu,
        date_publication=publication.date_publication,
        date_fin=publication.date_fin,
        auteur_id=principal.utilisateur_id,
    )
    session.add(row)
    await session.flush()
    session.add_all(CibleActualite.rows_for(row.id, publication.ciblage))
    return row


async def withdraw_actualite(
    ctx: Context, *, actualite_id: str, idempotency_key: str | None
) -> Outcome:
    return await withdraw_item(
        ctx,
        actualite_id,
        operation="withdrawActualite",
        type_name="Actualite",
        field="actualiteId",
        libelle="actualité",
        idempotency_key=idempotency_key,
    )


async def withdraw_item(
    ctx: Context,
    global_id: str,
    *,
    operation: str,
    type_name: str,
    field: str,
    libelle: str,
    idempotency_key: str | None,
    conseils: bool = False,
) -> Outcome:
    """Withdraw an item of the agent's caisse (a news item or prevention advice, whose
    global IDs are of ``type_name``; ``conseils`` for advice): workers no longer see it."""
    principal = ctx.require_role(Role.AGENT)
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        key = decode_int_id(global_id, type_name)
        row = (
            None
            if key is None
            else await repository.for_update(session, _caisse_of(principal), key, conseils=conseils)
        )
        if row is None:
            raise NotFound(f"Aucune {libelle} ne correspond à cet identifiant.", field=field)
        if row.date_retrait is not None:
            raise DomainError(
                f"Cette {libelle} est déjà retirée depuis le {row.date_retrait:%d/%m/%Y}.",
                field=field,
                code="DEJA_RETIREE",
            )
        row.date_retrait, row.retire_par_id = today, principal.utilisateur_id
        return Outcome(reference={"actualite_id": row.id})

    return await run_mutation(
        ctx,
        operation,
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"{type_name[0].lower()}{type_name[1:]}={global_id}",
    )
