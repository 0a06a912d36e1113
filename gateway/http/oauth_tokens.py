"""POST /oauth/revoke (RFC 7009) and POST /oauth/introspect (RFC 7662) for OAuth2 clients.

Like the token endpoint: an async adapter verifies the presented token with the key
ring and loads the client, then authlib authenticates the client and shapes the answer
in a worker thread (argon2 is CPU-bound). A revoked token's ``jti`` is stored until the
token expires; every request with it is refused from then on.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.auth import records
from gateway.auth.oauth_server import (
    ManagementResponse,
    PresentedToken,
    RegisteredClient,
    error_response,
    manage_token,
)
from gateway.auth.tokens import InvalidToken
from gateway.context import AppServices
from gateway.db.models_keys import JetonRevoque
from gateway.http.oauth import parse_form
from gateway.services.unit_of_work import write_transaction

PATHS = {"revocation": "/oauth/revoke", "introspection": "/oauth/introspect"}


async def revocation_endpoint(request: Request) -> Response:
    return await _token_management(request, "revocation")


async def introspection_endpoint(request: Request) -> Response:
    return await _token_management(request, "introspection")


async def _token_management(request: Request, endpoint: str) -> Response:
    services: AppServices = request.app.state.services
    now = services.clock.now()
    try:
        form = parse_form(request.headers.get("content-type", ""), await request.body())
    except InvalidRequestError as error:
        refused = error_response(error)
        return _json(refused.body, refused.status, dict(refused.headers))
    presented = await _presented(services, form.get("token"), now)
    basic_id, _ = extract_basic_authorization(request.headers)
    client_id = basic_id or form.get("client_id")
    async with services.sessions() as session:
        row = await records.active_client(session, client_id) if client_id else None
        client = (
            RegisteredClient(services.passwords, row.client_id, row.secret_hash, row.scope_set)
            if row is not None
            else None
        )
        if presented is not None and presented.claims.token_id:
            revoked = await session.scalar(
                select(JetonRevoque.jti).where(JetonRevoque.jti == presented.claims.token_id)
            )
            presented = PresentedToken(presented.claims, presented.client_id, revoked is not None)
        result: ManagementResponse = await asyncio.to_thread(
            manage_token,
            endpoint,
            f"{services.signer.issuer}{PATHS[endpoint]}",
            form,
            request.headers,
            client,
            services.passwords,
            services.signer,
            now,
            presented,
        )
        if result.to_revoke is not None and not result.to_revoke.revoked:
            claims = result.to_revoke.claims
            revocation = JetonRevoque(
                jti=claims.token_id,
                client_id=result.to_revoke.client_id or "",
                expire_le=datetime.fromtimestamp(claims.expires_at, UTC),
            )
            await write_transaction(session, lambda s: _store(s, revocation))
    return _json(result.response.body, result.response.status, dict(result.response.headers))


async def _store(session: AsyncSession, revoked: JetonRevoque) -> None:
    # The token may have been revoked by a concurrent request since it was read.
    if await session.get(JetonRevoque, revoked.jti) is None:
        session.add(revoked)


async def _presented(
    services: AppServices, token: str | None, now: datetime
) -> PresentedToken | None:
    """The token if it is one of ours and still valid, else None (an unknown, forged or
    expired token is answered like an inactive one)."""
    if not token:
        return None
    try:
        claims = await services.signer.verify(token, now)
    except InvalidToken:
        return None
    kind, _, key = claims.subject.partition(":")
    return PresentedToken(claims, key if kind == "client" else None, revoked=False)


def _json(body: dict[str, object], status: int, headers: dict[str, str] | None = None) -> Response:
    answer = JSONResponse(body, status_code=status, headers=headers)
    answer.headers["Cache-Control"] = "no-store"
    return answer
