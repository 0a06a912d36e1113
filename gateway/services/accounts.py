"""Loading the account a mutation acts on, locked and authorized."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.echeancier import Periodicite, periodicite_effective
from gateway.auth.principal import Principal
from gateway.auth.visibility import is_visible
from gateway.db.models import Echeance, Travailleur
from gateway.db.repositories import account
from gateway.global_ids import decode_int_id
from gateway.services.unit_of_work import NotFound


def not_found(field: str = "travailleurId") -> NotFound:
    return NotFound("Aucun travailleur ne correspond à cet identifiant.", field=field)


async def travailleur_for_update(
    session: AsyncSession, principal: Principal, travailleur_global_id: str
) -> Travailleur:
    """The worker, row-locked for the transaction (PostgreSQL ``FOR UPDATE``).

    Unknown, malformed and invisible IDs all raise the same NOT_FOUND refusal.
    The lock serializes concurrent mutations of one account so none is lost.
    """
    travailleur_id = decode_int_id(travailleur_global_id, "Travailleur")
    if travailleur_id is None:
        raise not_found()
    return await lock_travailleur(session, principal, travailleur_id)


async def lock_travailleur(
    session: AsyncSession, principal: Principal, travailleur_id: int
) -> Travailleur:
    """Same as ``travailleur_for_update``, from an internal id."""
    row: Travailleur | None = await session.scalar(
        select(Travailleur)
        .where(Travailleur.id == travailleur_id, is_visible(Travailleur.id, principal))
        .with_for_update()
    )
    if row is None:
        raise not_found()
    return row


async def echeance_for_update(
    session: AsyncSession, principal: Principal, echeance_global_id: str
) -> Echeance:
    """A visible instalment (cancelled ones included), or NOT_FOUND on ``echeanceId``."""
    echeance_id = decode_int_id(echeance_global_id, "Echeance")
    row: Echeance | None = None
    if echeance_id is not None:
        row = await session.scalar(
            select(Echeance).where(
                Echeance.id == echeance_id, is_visible(Echeance.travailleur_id, principal)
            )
        )
    if row is None:
        raise NotFound("Aucune échéance ne correspond à cet identifiant.", field="echeanceId")
    return row


async def schedule_periodicite(session: AsyncSession, travailleur: Travailleur) -> Periodicite:
    """The periodicity the worker's instalments follow: the one chosen while a direct
    debit is active, TRIMESTRIEL otherwise (``periodicite_effective``)."""
    actif = bool(await account.active_bank_details(session, travailleur.id))
    return periodicite_effective(travailleur.periodicite, actif)
