"""Access tokens: short-lived JWTs signed with ES256 by the stored key ring (joserfc).

Each token names its key (``kid`` header), its issuer and audience, and carries a
unique ``jti`` so that an OAuth2 client can revoke it (RFC 7009). Anyone can verify a
token with the public keys served at /.well-known/jwks.json.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
        self.verified = VerifiedTokens()

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
        """The token's claims, checked against ``now``; the signature of a token seen
        before (``verified``) is not checked again: its claims are."""
        seen = self.verified.get(token)
        if seen is not None:
            await self.keys.ready(now)  # the ring reloads as often as before
        if seen is not None and self.keys.find(seen.kid) is not None:
            try:
                self._validate(seen.claims, now)
            except InvalidToken:
                self.verified.forget(token)
                raise
            return seen.token_claims
        try:
            kid = jws.extract_compact(token.encode()).headers().get("kid")
        except (JoseError, ValueError) as error:
            raise InvalidToken(str(error)) from error
        key = await self.keys.find_or_reload(kid, now) if isinstance(kid, str) else None
        if key is None:
            raise InvalidToken("unknown signing key")
        try:
            decoded = jwt.decode(token, key, algorithms=[ALGORITHM])
        except (JoseError, ValueError) as error:
            raise InvalidToken(str(error)) from error
        claims = decoded.claims
        self._validate(claims, now)
        scope = claims.get("scope")
        token_claims = TokenClaims(
            subject=str(claims["sub"]),
            scopes=frozenset(scope.split()) if isinstance(scope, str) else None,
            token_id=str(claims["jti"]),
            issued_at=int(claims["iat"]),
            expires_at=int(claims["exp"]),
        )
        self.verified.remember(token, VerifiedToken(str(kid), claims, token_claims))
        return token_claims

    def _validate(self, claims: dict[str, Any], now: datetime) -> None:
        try:
            registry = jwt.JWTClaimsRegistry(
                now=int(now.timestamp()),
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.audience},
                sub={"essential": True},
                exp={"essential": True},
                jti={"essential": True},
            )
            registry.validate(claims)
        except ExpiredTokenError as error:
            raise ExpiredToken(str(error)) from error
        except (JoseError, ValueError) as error:
            raise InvalidToken(str(error)) from error


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    kid: str
    claims: dict[str, Any]
    token_claims: TokenClaims


class VerifiedTokens:
    """Tokens whose signature was verified, so that a client's next requests skip the
    ES256 check (about a tenth of a small query's CPU). Only the signature is taken
    as known: every use validates the claims against the time again (an expired token
    is refused and forgotten) and needs its key still in the ring; whether the user or
    OAuth2 client may still use it is checked in the database on every request, as
    before. Bounded: beyond ``size`` tokens the oldest are forgotten."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._tokens: dict[str, VerifiedToken] = {}

    def get(self, token: str) -> VerifiedToken | None:
        return self._tokens.get(token)

    def forget(self, token: str) -> None:
        self._tokens.pop(token, None)

    def remember(self, token: str, verified: VerifiedToken) -> None:
        tokens = self._tokens
        tokens[token] = verified
        while len(tokens) > self.size:
            del tokens[next(iter(tokens))]  # dicts keep insertion order: the oldest
