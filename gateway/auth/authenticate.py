"""From a bearer token to a typed ``Principal``."""

from __future__ import annotations

from domain.nomenclatures import Role
from gateway.auth.principal import Principal
from gateway.auth.tokens import InvalidToken, TokenSigner
from gateway.clock import Clock
from gateway.db.engine import RequestSession
from gateway.db.models import Utilisateur
from gateway.db.repositories import travailleurs


def principal_for(user: Utilisateur) -> Principal:
    return Principal(
        role=user.role,
        label=user.nom_affiche,
        utilisateur_id=user.id,
        travailleur_id=user.travailleur_id if user.role is Role.TRAVAILLEUR else None,
        cabinet_id=user.cabinet_id,
        administrateur_cabinet=user.administrateur_cabinet,
        caisse_id=user.caisse_id,
    )


async def authenticate(
    authorization: str | None, signer: TokenSigner, clock: Clock, db: RequestSession
) -> tuple[Principal | None, str | None]:
    """``(principal, None)``, ``(None, reason)`` for a bad token, ``(None, None)`` if absent."""
    if not authorization:
        return None, None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, "En-tête Authorization invalide : attendu 'Bearer <jeton>'."
    try:
        claims = signer.verify(token.strip(), clock.now())
    except InvalidToken:
        return None, "Jeton invalide ou expiré : reconnectez-vous."
    kind, _, key = claims.subject.partition(":")
    if kind == "user" and key.isdigit():
        user = await travailleurs.utilisateur_by_id(db, int(key))
        if user is not None:
            return principal_for(user), None
    return None, "Jeton invalide ou expiré : reconnectez-vous."
