"""SQL of payment plans, attestations and the relevé de carrière (SPEC §5, §6).

Reads for the API take the principal and filter on the plan's worker; the mutation
side works on one worker already locked (``services.accounts``), so it takes its id.
``attestation_by_code`` is the one public read: a third party checks a code without
logging in, and gets only what the verification query shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.principal import Principal
from gateway.auth.visibility import is_visible
from gateway.db.engine import RequestSession
from gateway.db.models import (
    Attestation,
    Cotisation,
    DeclarationMicro,
    DelaiEcheanceCouverte,
    DelaiPaiement,
    EcheanceDelai,
    Etablissement,
)


async def covered_visible(
    db: RequestSession, principal: Principal | None, delai_ids: Sequence[int]
) -> dict[int, list[int]]:
    """Ids of the instalments each plan covers, visible through the plan's worker."""
    statement = (
        select(DelaiEcheanceCouverte.delai_id, DelaiEcheanceCouverte.echeance_id)
        .join(DelaiPaiement, DelaiPaiement.id == DelaiEcheanceCouverte.delai_id)
        .where(
            DelaiEcheanceCouverte.delai_id.in_(delai_ids),
            is_visible(DelaiPaiement.travailleur_id, principal),
        )
        .order_by(DelaiEcheanceCouverte.delai_id, DelaiEcheanceCouverte.echeance_id)
    )
    grouped: dict[int, list[int]] = defaultdict(list)
    for row in (await db.execute(statement)).all():
        grouped[row.delai_id].append(row.echeance_id)
    return grouped


async def attestation_by_code(db: RequestSession, code: str) -> Attestation | None:
    """The attestation carrying a verification code (public, no principal)."""
    row: Attestation | None = await db.scalar(
        select(Attestation).where(Attestation.code_verification == code)
    )
    return row


# --- one locked worker ----------------------------------------------------------------


async def plans(session: AsyncSession, travailleur_id: int) -> list[DelaiPaiement]:
    rows = await session.scalars(
        select(DelaiPaiement)
        .where(DelaiPaiement.travailleur_id == travailleur_id)
        .order_by(DelaiPaiement.date_demande, DelaiPaiement.id)
    )
    return list(rows)


async def plan_instalments(
    session: AsyncSession, delai_ids: Sequence[int]
) -> dict[int, list[EcheanceDelai]]:
    grouped: dict[int, list[EcheanceDelai]] = defaultdict(list)
    if delai_ids:
        rows = await session.scalars(
            select(EcheanceDelai)
            .where(EcheanceDelai.delai_id.in_(delai_ids))
            .order_by(EcheanceDelai.delai_id, EcheanceDelai.numero)
        )
        for row in rows:
            grouped[row.delai_id].append(row)
    return grouped


async def covered(session: AsyncSession, delai_ids: Sequence[int]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    if delai_ids:
        rows = await session.execute(
            select(DelaiEcheanceCouverte.delai_id, DelaiEcheanceCouverte.echeance_id)
            .where(DelaiEcheanceCouverte.delai_id.in_(delai_ids))
            .order_by(DelaiEcheanceCouverte.delai_id, DelaiEcheanceCouverte.echeance_id)
        )
        for row in rows.all():
            grouped[row.delai_id].append(row.echeance_id)
    return grouped


async def cotisations(session: AsyncSession, travailleur_id: int) -> list[Cotisation]:
    """Every contribution line of the worker, all years and natures."""
    rows = await session.scalars(
        select(Cotisation)
        .where(Cotisation.travailleur_id == travailleur_id)
        .order_by(Cotisation.annee, Cotisation.nature, Cotisation.id)
    )
    return list(rows)


async def declarations_micro(session: AsyncSession, travailleur_id: int) -> list[DeclarationMicro]:
    rows = await session.scalars(
        select(DeclarationMicro)
        .where(DeclarationMicro.travailleur_id == travailleur_id)
        .order_by(DeclarationMicro.periode, DeclarationMicro.activite)
    )
    return list(rows)


async def principal_etablissement(
    session: AsyncSession, travailleur_id: int
) -> Etablissement | None:
    """The worker's principal établissement (the first one otherwise)."""
    found: Etablissement | None = await session.scalar(
        select(Etablissement)
        .where(Etablissement.travailleur_id == travailleur_id)
        .order_by(Etablissement.principal.desc(), Etablissement.id)
        .limit(1)
    )
    return found


async def principal_siret(session: AsyncSession, travailleur_id: int) -> str | None:
    """SIRET of the worker's principal établissement (the first one otherwise)."""
    etablissement = await principal_etablissement(session, travailleur_id)
    return None if etablissement is None else etablissement.siret
