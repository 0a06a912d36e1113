"""Access tokens: short-lived JWTs signed with joserfc (HS256)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

ISSUER = "moncompte-gateway"


class InvalidToken(Exception):
    """The bearer token is malformed, forged or expired."""


@dataclass(frozen=True, slots=True)
class TokenClaims:
    subject: str  # "user:<id>" or "client:<client_id>"
    scopes: frozenset[str] | None


class TokenSigner:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._key = OctKey.import_key(secret.encode())
        self.ttl_seconds = ttl_seconds

    def issue(self, subject: str, now: datetime, scopes: frozenset[str] | None = None) -> str:
        issued = int(now.timestamp())
        claims: dict[str, object] = {
            "iss": ISSUER,
            "sub": subject,
            "iat": issued,
            "exp": issued + self.ttl_seconds,
        }
        if scopes is not None:
            claims["scope"] = " ".join(sorted(scopes))
        return jwt.encode({"alg": "HS256"}, claims, self._key)

    def verify(self, token: str, now: datetime) -> TokenClaims:
        try:
            decoded = jwt.decode(token, self._key, algorithms=["HS256"])
            registry = jwt.JWTClaimsRegistry(
                now=int(now.timestamp()),
                iss={"essential": True, "value": ISSUER},
                sub={"essential": True},
                exp={"essential": True},
            )
            registry.validate(decoded.claims)
        except (JoseError, ValueError) as error:
            raise InvalidToken(str(error)) from error
        scope = decoded.claims.get("scope")
        return TokenClaims(
            subject=str(decoded.claims["sub"]),
            scopes=frozenset(scope.split()) if isinstance(scope, str) else None,
        )
