"""SQL of the access records: OAuth2 clients, refresh tokens, login attempts, reset codes.

Kept beside the rest of authentication (like ``visibility``); services call these
inside their transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.throttling import ADRESSE_LIMIT, WINDOW
from gateway.db.engine import RequestSession
from gateway.db.models import Utilisateur
from gateway.db.models_access import (
    ClientOAuth,
    CodeReinitialisation,
    JetonRafraichissement,
    TentativeConnexion,
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


async def refresh_token_for_update(
    session: AsyncSession, empreinte: str
) -> JetonRafraichissement | None:
    result: JetonRafraichissement | None = await session.scalar(
        select(JetonRafraichissement)
        .where(JetonRafraichissement.empreinte == empreinte)
        .with_for_update()
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


# --- Login attempts ------------------------------------------------------------------


async def recent_failures(
    session: AsyncSession, identifiant: str, adresse: str, now: datetime
) -> tuple[list[datetime], list[datetime]]:
    """Failures within the window: for the identifier since its last success, and
    from the address (the most recent ones only: the limit is all that matters)."""
    since = now - WINDOW
    rows = await session.execute(
        select(TentativeConnexion.horodatage, TentativeConnexion.succes)
        .where(
            TentativeConnexion.identifiant == identifiant,
            TentativeConnexion.horodatage > since,
        )
        .order_by(TentativeConnexion.horodatage, TentativeConnexion.id)
    )
    by_identifiant: list[datetime] = []
    for horodatage, succes in rows:
        if succes:
            by_identifiant = []
        else:
            by_identifiant.append(horodatage)
    by_adresse: Sequence[datetime] = (
        await session.scalars(
            select(TentativeConnexion.horodatage)
            .where(
                TentativeConnexion.adresse == adresse,
                TentativeConnexion.succes.is_(False),
                TentativeConnexion.horodatage > since,
            )
            .order_by(TentativeConnexion.horodatage.desc())
            .limit(ADRESSE_LIMIT)
        )
    ).all()
    return by_identifiant, list(by_adresse)


async def record_attempt(
    session: AsyncSession, *, identifiant: str, adresse: str, succes: bool, now: datetime
) -> None:
    """Record one attempt; attempts older than the window are of no use any more."""
    await session.execute(
        delete(TentativeConnexion).where(TentativeConnexion.horodatage <= now - WINDOW)
    )
    session.add(
        TentativeConnexion(horodatage=now, identifiant=identifiant, adresse=adresse, succes=succes)
    )


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
