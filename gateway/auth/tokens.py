"""Access tokens: short-lived JWTs signed with ES256 by the stored key ring (joserfc).

Each token names its key (``kid`` header), its issuer and audience, and carries a
unique ``jti`` so that an OAuth2 client can revoke it (RFC 7009). Anyone can verify a
token with the public keys served at /.well-known/jwks.json.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from joserfc import jws, jwt
from joserfc.errors import ExpiredTokenError, JoseError

from gateway.auth.keys import ALGORITHM, KeyRing


class InvalidToken(Exception):
    """The bearer token is malformed, forged, for another audience or expired."""


class ExpiredToken(InvalidToken):
    """The token was valid but its lifetime is over: refresh it or ask for a new one."""


@dataclass(frozen=True, slots=True)
class TokenClaims:
    subject: str  # "user:<id>" or "client:<client_id>"
    scopes: frozenset[str] | None
    token_id: str
    issued_at: int
    expires_at: int


class TokenSigner:
    def __init__(self, keys: KeyRing, ttl_seconds: int, issuer: str) -> None:
        self.keys = keys
        self.ttl_seconds = ttl_seconds
        self.issuer = issuer
        # Tokens are for this gateway's API only.
        self.audience = f"{issuer}/graphql"

    async def issue(self, subject: str, now: datetime, scopes: frozenset[str] | None = None) -> str:
        await self.keys.ready(now)
        return self.sign(subject, now, scopes)

    def sign(self, subject: str, now: datetime, scopes: frozenset[str] | None = None) -> str:
        """Same as ``issue`` for code that cannot await (the ring must be ready)."""
        signing = self.keys.signing_key
        issued = int(now.timestamp())
        claims: dict[str, object] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": issued,
            "exp": issued + self.ttl_seconds,
            "jti": uuid.uuid4().hex,
        }
        if scopes is not None:
            claims["scope"] = " ".join(sorted(scopes))
        header = {"alg": ALGORITHM, "kid": signing.kid, "typ": "at+jwt"}
        return jwt.encode(header, claims, signing.key, algorithms=[ALGORITHM])

    async def verify(self, token: str, now: datetime) -> TokenClaims:
        try:
            kid = jws.extract_compact(token.encode()).headers().get("kid")
        except (JoseError, ValueError) as error:
            raise InvalidToken(str(error)) from error
        key = await self.keys.find_or_reload(kid, now) if isinstance(kid, str) else None
        if key is None:
            raise InvalidToken("unknown signing key")
        try:
            decoded = jwt.decode(token, key, algorithms=[ALGORITHM])
            registry = jwt.JWTClaimsRegistry(
                now=int(now.timestamp()),
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.audience},
                sub={"essential": True},
                exp={"essential": True},
                jti={"essential": True},
            )
            registry.validate(decoded.claims)
        except ExpiredTokenError as error:
            raise ExpiredToken(str(error)) from error
        except (JoseError, ValueError) as error:
            raise InvalidToken(str(error)) from error
        claims = decoded.claims
        scope = claims.get("scope")
        return TokenClaims(
            subject=str(claims["sub"]),
            scopes=frozenset(scope.split()) if isinstance(scope, str) else None,
            token_id=str(claims["jti"]),
            issued_at=int(claims["iat"]),
            expires_at=int(claims["exp"]),
        )
