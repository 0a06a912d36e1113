"""SQL of the access records: OAuth2 clients, refresh tokens, reset codes.

Kept beside the rest of authentication (like ``visibility``); services call these
inside their transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.db.engine import RequestSession
from gateway.db.models import Utilisateur
from gateway.db.models_access import (
    ClientOAuth,
    CodeReinitialisation,
    JetonRafraichissement,
)
from gateway.db.models_keys import JetonRevoque

# --- OAuth2 clients ------------------------------------------------------------------


async def active_client(db: RequestSession | AsyncSession, client_id: str) -> ClientOAuth | None:
    """The client if it exists and is not revoked (a revoked client is unknown)."""
    statement = select(ClientOAuth).where(
        ClientOAuth.client_id == client_id, ClientOAuth.revoque_le.is_(None)
    )
    result: ClientOAuth | None = await db.scalar(statement)
    return result


async def active_client_for_token(
    db: RequestSession | AsyncSession, client_id: str, token_id: str
) -> ClientOAuth | None:
    """The client of a presented token, if neither the client nor that token (by its
    ``jti``, RFC 7009) is revoked: one statement."""
    token_revoked = select(JetonRevoque.jti).where(JetonRevoque.jti == token_id).exists()
    statement = select(ClientOAuth).where(
        ClientOAuth.client_id == client_id, ClientOAuth.revoque_le.is_(None), ~token_revoked
    )
    result: ClientOAuth | None = await db.scalar(statement)
    return result


async def cabinet_clients(
    db: RequestSession, cabinet_id: int, *, include_revoked: bool
) -> list[ClientOAuth]:
    statement = select(ClientOAuth).where(ClientOAuth.cabinet_id == cabinet_id)
    if not include_revoked:
        statement = statement.where(ClientOAuth.revoque_le.is_(None))
    return list(await db.scalars(statement.order_by(ClientOAuth.cree_le, ClientOAuth.id)))


async def cabinet_client_for_update(
    session: AsyncSession, cabinet_id: int, client_id: str
) -> ClientOAuth | None:
    result: ClientOAuth | None = await session.scalar(
        select(ClientOAuth)
        .where(ClientOAuth.client_id == client_id, ClientOAuth.cabinet_id == cabinet_id)
        .with_for_update()
    )
    return result


# --- Users ---------------------------------------------------------------------------


async def active_user_for_update(session: AsyncSession, **criteria: object) -> Utilisateur | None:
    statement = select(Utilisateur).where(Utilisateur.actif.is_(True)).with_for_update()
    for column, value in criteria.items():
        statement = statement.where(getattr(Utilisateur, column) == value)
    result: Utilisateur | None = await session.scalar(statement)
    return result


# --- Refresh tokens ------------------------------------------------------------------


async def spend_refresh_token(
    session: AsyncSession, empreinte: str, now: datetime, motif: str, *, even_expired: bool = False
) -> JetonRafraichissement | None:
    """Revoke the live token with this digest and return it; None when there is none
    (unknown, already revoked or expired). One conditional UPDATE: of concurrent calls
    with one token, exactly one gets it, on SQLite as on PostgreSQL."""
    statement = update(JetonRafraichissement).where(
        JetonRafraichissement.empreinte == empreinte, JetonRafraichissement.revoque_le.is_(None)
    )
    if not even_expired:
        statement = statement.where(JetonRafraichissement.expire_le > now)
    result = await session.execute(
        statement.values(revoque_le=now, motif_revocation=motif).returning(JetonRafraichissement)
    )
    row: JetonRafraichissement | None = result.scalar_one_or_none()
    return row


async def refresh_token(session: AsyncSession, empreinte: str) -> JetonRafraichissement | None:
    result: JetonRafraichissement | None = await session.scalar(
        select(JetonRafraichissement).where(JetonRafraichissement.empreinte == empreinte)
    )
    return result


async def revoke_refresh_tokens(
    session: AsyncSession,
    now: datetime,
    motif: str,
    *,
    famille: str | None = None,
    utilisateur_id: int | None = None,
) -> None:
    """Revoke the live tokens of a family, or of a user."""
    statement = update(JetonRafraichissement).where(JetonRafraichissement.revoque_le.is_(None))
    if famille is not None:
        statement = statement.where(JetonRafraichissement.famille == famille)
    if utilisateur_id is not None:
        statement = statement.where(JetonRafraichissement.utilisateur_id == utilisateur_id)
    await session.execute(statement.values(revoque_le=now, motif_revocation=motif))


# --- Password-reset codes ------------------------------------------------------------


async def usable_reset_code(
    session: AsyncSession, utilisateur_id: int, empreinte: str, now: datetime
) -> CodeReinitialisation | None:
    result: CodeReinitialisation | None = await session.scalar(
        select(CodeReinitialisation)
        .where(
            CodeReinitialisation.utilisateur_id == utilisateur_id,
            CodeReinitialisation.empreinte == empreinte,
            CodeReinitialisation.utilise_le.is_(None),
            CodeReinitialisation.expire_le > now,
        )
        .with_for_update()
    )
    return result


async def retire_reset_codes(session: AsyncSession, utilisateur_id: int, now: datetime) -> None:
    """A new code (or a successful reset) makes the earlier ones unusable."""
    await session.execute(
        update(CodeReinitialisation)
        .where(
            CodeReinitialisation.utilisateur_id == utilisateur_id,
            CodeReinitialisation.utilise_le.is_(None),
        )
        .values(utilise_le=now)
    )


async def cabinet_client(db: RequestSession, cabinet_id: int, client_id: str) -> ClientOAuth | None:
    """A client of the cabinet, revoked or not (to show it after a change)."""
    result: ClientOAuth | None = await db.scalar(
        select(ClientOAuth).where(
            ClientOAuth.client_id == client_id, ClientOAuth.cabinet_id == cabinet_id
        )
    )
    return result
