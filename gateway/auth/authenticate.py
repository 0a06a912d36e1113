"""From a bearer token to a typed ``Principal``.

Two kinds of tokens share the signer: ``user:<id>`` for interactive logins and
``client:<client_id>`` for OAuth2 clients of a cabinet (SPEC §10). Both are checked
against the database on every request, so a deactivated user or a revoked client loses
access at once, whatever the token's expiry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.nomenclatures import Role
from gateway.auth import records
from gateway.auth.principal import Principal
from gateway.auth.tokens import ExpiredToken, InvalidToken, TokenSigner
from gateway.clock import Clock
from gateway.db.engine import RequestSession
from gateway.db.models import Utilisateur
from gateway.db.models_access import ClientOAuth
from gateway.db.repositories import travailleurs

INVALID = "Jeton invalide : reconnectez-vous."
EXPIRED = "Jeton expiré : renouvelez-le (refreshToken) ou demandez-en un nouveau."


def principal_for(user: Utilisateur) -> Principal:
    return Principal(
        role=user.role,
        label=user.nom_affiche,
        utilisateur_id=user.id,
        travailleur_id=user.travailleur_id if user.role is Role.TRAVAILLEUR else None,
        cabinet_id=user.cabinet_id,
        administrateur_cabinet=user.administrateur_cabinet,
        caisse_id=user.caisse_id,
        mot_de_passe_a_changer=user.mot_de_passe_a_changer,
        identifiant=user.identifiant,
    )


def principal_for_client(client: ClientOAuth, granted: frozenset[str] | None) -> Principal:
    """An OAuth2 client acts as its cabinet (like its admin), limited to the scopes of
    its token, themselves within those the client still holds."""
    scopes = client.scope_set if granted is None else granted & client.scope_set
    return Principal(
        role=Role.EXPERT_COMPTABLE,
        label=f"{client.nom} (client OAuth2 {client.client_id})",
        cabinet_id=client.cabinet_id,
        oauth_client_id=client.client_id,
        scopes=scopes,
    )


@dataclass(frozen=True, slots=True)
class Authentication:
    """Who a request's token names: ``principal``, or None with the ``error`` that
    refused the token (both None without a token); for a worker's login, ``own_worker``:
    the record of their account, read with the user."""

    principal: Principal | None
    error: str | None = None
    own_worker: Any | None = None


async def authenticate(
    authorization: str | None, signer: TokenSigner, clock: Clock, db: RequestSession
) -> tuple[Principal | None, str | None]:
    """``(principal, None)``, ``(None, reason)`` for a bad token, ``(None, None)`` if absent."""
    found = await authentication(authorization, signer, clock, db)
    return found.principal, found.error


async def authentication(
    authorization: str | None, signer: TokenSigner, clock: Clock, db: RequestSession
) -> Authentication:
    """:func:`authenticate`, with a worker's own account record."""
    if not authorization:
        return Authentication(None)
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return Authentication(None, "En-tête Authorization invalide : attendu 'Bearer <jeton>'.")
    try:
        claims = await signer.verify(token.strip(), clock.now())
    except ExpiredToken:
        return Authentication(None, EXPIRED)
    except InvalidToken:
        return Authentication(None, INVALID)
    kind, _, key = claims.subject.partition(":")
    if kind == "user" and key.isdigit():
        found = await travailleurs.active_user_and_worker(db, int(key))
        if found is not None:
            user, worker = found
            principal = principal_for(user)
            own = worker if worker is not None and principal.travailleur_id == worker.id else None
            return Authentication(principal, None, own)
    if kind == "client" and key:
        client = await records.active_client_for_token(db, key, claims.token_id)
        if client is not None:
            return Authentication(principal_for_client(client, claims.scopes))
        return Authentication(None, "Client OAuth2 ou jeton révoqué : ce jeton n'est plus valable.")
    return Authentication(None, INVALID)
