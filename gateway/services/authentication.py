"""Login: credentials checked with argon2, a short-lived signed access token issued."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from gateway.auth.authenticate import principal_for
from gateway.context import Context
from gateway.db.models import Utilisateur
from gateway.db.repositories import travailleurs
from gateway.services.unit_of_work import Outcome, run_mutation


class InvalidCredentials(DomainError):
    code = "INVALID_CREDENTIALS"


@dataclass(frozen=True, slots=True)
class LoginResult:
    outcome: Outcome
    access_token: str | None
    expires_in: int | None
    user: Utilisateur | None


def normalize_identifiant(identifiant: str) -> str:
    """NIRs are compared without spaces; e-mails case-insensitively."""
    cleaned = identifiant.strip()
    if "@" in cleaned:
        return cleaned.lower()
    return cleaned.replace(" ", "").upper()


async def login(ctx: Context, identifiant: str, mot_de_passe: str) -> LoginResult:
    identifiant = normalize_identifiant(identifiant)
    found: dict[str, Utilisateur] = {}

    async def action(_session: AsyncSession) -> Outcome:
        user = await travailleurs.utilisateur_by_identifiant(ctx.db, identifiant)
        valid = ctx.services.passwords.verify(
            user.mot_de_passe_hash if user is not None and user.actif else None, mot_de_passe
        )
        if user is None or not valid:
            # Same message for an unknown identifier and a wrong password.
            raise InvalidCredentials("Identifiant ou mot de passe incorrect.", field="motDePasse")
        found["user"] = user
        return Outcome(reference={"utilisateur_id": user.id}, travailleur_id=user.travailleur_id)

    outcome = await run_mutation(
        ctx,
        "login",
        action,
        audit_detail=f"identifiant={identifiant}",
        actor=lambda: principal_for(found["user"]) if found else None,
    )
    user = found.get("user")
    if not outcome.ok or user is None:
        return LoginResult(outcome, None, None, None)
    signer = ctx.services.signer
    token = signer.issue(f"user:{user.id}", ctx.clock.now())
    return LoginResult(outcome, token, signer.ttl_seconds, user)
