"""SQL of the account mutations: one worker's rows, read and rewritten in its transaction.

The worker row is locked first (``services.accounts.travailleur_for_update``); these
functions then work on that worker only, so they take its id, not a principal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.nomenclatures import NatureCotisation, NatureRevenu
from gateway.db.models import (
    AffectationPaiement,
    CoordonneesBancaires,
    Cotisation,
    Echeance,
    Paiement,
    Revenu,
)


async def instalments(session: AsyncSession, travailleur_id: int) -> list[Echeance]:
    """Every instalment of the worker not cancelled, oldest due date first."""
    rows = await session.scalars(
        select(Echeance)
        .where(Echeance.travailleur_id == travailleur_id, Echeance.annulee.is_(False))
        .order_by(Echeance.date_echeance, Echeance.id)
    )
    return list(rows)


async def payments(session: AsyncSession, travailleur_id: int) -> list[Paiement]:
    rows = await session.scalars(
        select(Paiement)
        .where(Paiement.travailleur_id == travailleur_id)
        .order_by(Paiement.date_paiement, Paiement.id)
    )
    return list(rows)


async def year_credit(session: AsyncSession, travailleur_id: int, annee: int) -> Paiement | None:
    """The credit of ``annee`` (at most one row, unique index), if any."""
    row: Paiement | None = await session.scalar(
        select(Paiement).where(
            Paiement.travailleur_id == travailleur_id, Paiement.annee_credit == annee
        )
    )
    return row


async def clear_allocations(session: AsyncSession, payment_ids: Sequence[int]) -> None:
    if payment_ids:
        await session.execute(
            delete(AffectationPaiement).where(AffectationPaiement.paiement_id.in_(payment_ids))
        )


async def revenus(session: AsyncSession, travailleur_id: int) -> list[Revenu]:
    rows = await session.scalars(
        select(Revenu).where(Revenu.travailleur_id == travailleur_id).order_by(Revenu.annee)
    )
    return list(rows)


async def revenu(
    session: AsyncSession, travailleur_id: int, annee: int, nature: NatureRevenu
) -> Revenu | None:
    row: Revenu | None = await session.scalar(
        select(Revenu).where(
            Revenu.travailleur_id == travailleur_id, Revenu.annee == annee, Revenu.nature == nature
        )
    )
    return row


async def cotisations(
    session: AsyncSession, travailleur_id: int, annee: int, nature: NatureCotisation
) -> list[Cotisation]:
    rows = await session.scalars(
        select(Cotisation)
        .where(
            Cotisation.travailleur_id == travailleur_id,
            Cotisation.annee == annee,
            Cotisation.nature == nature,
        )
        .order_by(Cotisation.id)
    )
    return list(rows)


async def delete_cotisations(
    session: AsyncSession, travailleur_id: int, annee: int, nature: NatureCotisation
) -> None:
    await session.execute(
        delete(Cotisation).where(
            Cotisation.travailleur_id == travailleur_id,
            Cotisation.annee == annee,
            Cotisation.nature == nature,
        )
    )


async def active_bank_details(
    session: AsyncSession, travailleur_id: int
) -> list[CoordonneesBancaires]:
    rows = await session.scalars(
        select(CoordonneesBancaires).where(
            CoordonneesBancaires.travailleur_id == travailleur_id,
            CoordonneesBancaires.actif.is_(True),
        )
    )
    return list(rows)


async def mandate_periods(
    session: AsyncSession, travailleur_id: int
) -> list[tuple[date, date | None]]:
    """(signature, end) of every SEPA mandate the worker ever had, in force or not."""
    rows = await session.execute(
        select(CoordonneesBancaires.date_signature, CoordonneesBancaires.date_fin)
        .where(CoordonneesBancaires.travailleur_id == travailleur_id)
        .order_by(CoordonneesBancaires.id)
    )
    return [(debut, fin) for debut, fin in rows]


async def bank_details_count(session: AsyncSession, travailleur_id: int) -> int:
    """How many SEPA mandates the worker ever had (the next RUM's sequence)."""
    count = await session.scalar(
        select(func.count()).where(CoordonneesBancaires.travailleur_id == travailleur_id)
    )
    return int(count or 0)
