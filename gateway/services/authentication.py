"""Interactive sessions: login (throttled), refresh-token rotation, logout (SPEC §9–§10).

A login gives a short-lived signed access token and an opaque refresh token (30 days,
stored as a digest). Each refresh revokes the token used and issues the next one of
the same family; a revoked token presented again means it was stolen or replayed, so
the whole family is revoked (OAuth 2.0 Security BCP, refresh token rotation).

Both races are closed by single statements: a password check first claims a throttling
slot (``gateway.limiter``), and a refresh token is spent by one conditional UPDATE
(``records.spend_refresh_token``): of concurrent uses of one token, exactly one wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from gateway import limiter
from gateway.auth import opaque, records
from gateway.auth.authenticate import principal_for
from gateway.auth.throttling import (
    LOGIN_PER_ADRESSE,
    LOGIN_PER_IDENTIFIANT,
    client_address,
    throttled_message,
)
from gateway.context import Context
from gateway.db.models import Utilisateur
from gateway.db.models_access import JetonRafraichissement
from gateway.db.repositories import travailleurs
from gateway.services.unit_of_work import Outcome, run_mutation

REFRESH_TTL = timedelta(days=30)
INVALID_REFRESH = "Jeton de rafraîchissement invalide, expiré ou révoqué : reconnectez-vous."


class InvalidCredentials(DomainError):
    code = "INVALID_CREDENTIALS"


class Throttled(DomainError):
    code = "THROTTLED"


class InvalidRefreshToken(DomainError):
    code = "INVALID_REFRESH_TOKEN"


@dataclass(slots=True)
class IssuedSession:
    """What a successful login or refresh hands back (never stored in an Outcome)."""

    outcome: Outcome
    user: Utilisateur | None = None
    access_token: str | None = None
    expires_in: int | None = None
    refresh_token: str | None = None
    retry_after: int | None = None
    issued: dict[str, str] = field(default_factory=dict)


def normalize_identifiant(identifiant: str) -> str:
    """NIRs are compared without spaces; e-mails case-insensitively."""
    cleaned = identifiant.strip()
    if "@" in cleaned:
        return cleaned.lower()
    return cleaned.replace(" ", "").upper()


def start_refresh_family(session: AsyncSession, ctx: Context, utilisateur_id: int) -> str:
    """A new refresh token (new family): the clear value, to hand back once."""
    return _add_refresh_token(session, ctx, utilisateur_id, opaque.new_family())


def _add_refresh_token(
    session: AsyncSession, ctx: Context, utilisateur_id: int, famille: str
) -> str:
    token = opaque.new_token()
    now = ctx.clock.now()
    session.add(
        JetonRafraichissement(
            utilisateur_id=utilisateur_id,
            famille=famille,
            empreinte=opaque.digest(token),
            cree_le=now,
            expire_le=now + REFRESH_TTL,
        )
    )
    return token


async def _with_access_token(ctx: Context, result: IssuedSession) -> IssuedSession:
    if result.outcome.ok and result.user is not None:
        signer = ctx.services.signer
        result.access_token = await signer.issue(f"user:{result.user.id}", ctx.clock.now())
        result.expires_in = signer.ttl_seconds
        result.refresh_token = result.issued.get("refresh")
    return result


async def claim_attempt(ctx: Context, *limits: tuple[limiter.Limit, str]) -> limiter.Claim:
    """Claim a throttling slot under each limit, committed at once (before the guarded
    work, so that concurrent requests see it and a refusal cannot roll it back)."""
    session = ctx.db.session
    claim = await limiter.claim_all(session, limits, now=ctx.clock.now())
    await session.commit()
    return claim


def refuse_if_throttled(claim: limiter.Claim, *, field: str | None) -> None:
    if not claim.allowed:
        raise Throttled(throttled_message(claim.retry_after), field=field)


async def login(ctx: Context, identifiant: str, mot_de_passe: str) -> IssuedSession:
    identifiant = normalize_identifiant(identifiant)
    result = IssuedSession(Outcome())
    claim = await claim_attempt(
        ctx,
        (LOGIN_PER_IDENTIFIANT, identifiant),
        (LOGIN_PER_ADRESSE, client_address(ctx.request)),
    )
    if not claim.allowed:
        result.retry_after = claim.retry_after

    async def action(session: AsyncSession) -> Outcome:
        # Refused before the password is even looked at.
        refuse_if_throttled(claim, field="identifiant")
        user = await travailleurs.utilisateur_by_identifiant(ctx.db, identifiant)
        valid = await ctx.services.passwords.verify_async(
            user.mot_de_passe_hash if user is not None and user.actif else None, mot_de_passe
        )
        if user is None or not valid:
            # Same message for an unknown identifier and a wrong password.
            raise InvalidCredentials("Identifiant ou mot de passe incorrect.", field="motDePasse")
        result.user = user
        result.issued["refresh"] = start_refresh_family(session, ctx, user.id)
        return Outcome(reference={"utilisateur_id": user.id}, travailleur_id=user.travailleur_id)

    result.outcome = await run_mutation(
        ctx,
        "login",
        action,
        audit_detail=f"identifiant={identifiant}",
        actor=lambda: principal_for(result.user) if result.user is not None else None,
    )
    if result.outcome.ok:
        # Only failures count: a success clears its identifier's failures and gives
        # its address slot back.
        session = ctx.db.session
        await limiter.forget(session, LOGIN_PER_IDENTIFIANT, identifiant)
        await limiter.release(session, claim)
        await session.commit()
    else:
        result.user = None
    return await _with_access_token(ctx, result)


async def refresh(ctx: Context, refresh_token: str) -> IssuedSession:
    """Rotate a refresh token: a new access token and the family's next refresh token."""
    now = ctx.clock.now()
    result = IssuedSession(Outcome())
    reused: dict[str, str] = {}
    empreinte = opaque.digest(refresh_token)

    async def action(session: AsyncSession) -> Outcome:
        # Spent by one conditional UPDATE: of concurrent uses, exactly one gets the row.
        row = await records.spend_refresh_token(session, empreinte, now, "ROTATION")
        if row is None:
            spent = await records.refresh_token(session, empreinte)
            if spent is not None and spent.revoque_le is not None:
                reused["famille"] = spent.famille
            raise InvalidRefreshToken(INVALID_REFRESH, field="refreshToken")
        user = await travailleurs.utilisateur_by_id(ctx.db, row.utilisateur_id)
        if user is None:
            raise InvalidRefreshToken(INVALID_REFRESH, field="refreshToken")
        result.user = user
        result.issued["refresh"] = _add_refresh_token(session, ctx, user.id, row.famille)
        return Outcome(reference={"utilisateur_id": user.id}, travailleur_id=user.travailleur_id)

    result.outcome = await run_mutation(
        ctx,
        "refreshToken",
        action,
        actor=lambda: principal_for(result.user) if result.user is not None else None,
    )
    if "famille" in reused:
        # Kept even though the mutation is refused: a replayed token ends the family.
        session = ctx.db.session
        await records.revoke_refresh_tokens(
            session, now, "REUTILISATION", famille=reused["famille"]
        )
        await session.commit()
    if not result.outcome.ok:
        result.user = None
    return await _with_access_token(ctx, result)


async def logout(ctx: Context, refresh_token: str) -> Outcome:
    """Revoke a refresh token. The access token in hand stays valid until it expires
    (minutes): it is a signed token, not a session."""
    now = ctx.clock.now()

    async def action(session: AsyncSession) -> Outcome:
        row = await records.spend_refresh_token(
            session, opaque.digest(refresh_token), now, "DECONNEXION", even_expired=True
        )
        if row is None:
            raise InvalidRefreshToken(INVALID_REFRESH, field="refreshToken")
        return Outcome(reference={"utilisateur_id": row.utilisateur_id})

    return await run_mutation(ctx, "logout", action)
