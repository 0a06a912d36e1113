"""POST /oauth/token: the client_credentials grant for practice-management tools (SPEC §10).

A thin async adapter around authlib (``gateway.auth.oauth_server``): parse the form,
refuse two authentication methods at once (RFC 6749 §2.3), claim a throttling slot
(failed client authentications per client id and per address), load the client
asynchronously, let authlib decide in the bounded argon2 worker pool, audit the
outcome, answer JSON as RFC 6749 §5 says.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import parse_qsl

from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.nomenclatures import IssueAudit, Role
from gateway import limiter
from gateway.auth import records
from gateway.auth.oauth_server import (
    RegisteredClient,
    TokenResponse,
    error_response,
    issue_token,
    rfc6749_text,
    throttled_response,
    uses_two_auth_methods,
)
from gateway.auth.throttling import TOKEN_PER_ADRESSE, TOKEN_PER_CLIENT, client_address
from gateway.context import AppServices
from gateway.db.models import EvenementAudit
from gateway.db.models_access import ClientOAuth
from gateway.services.unit_of_work import write_transaction

FORM = "application/x-www-form-urlencoded"


def parse_form(content_type: str, body: bytes) -> dict[str, str]:
    """The request's parameters; empty ones count as absent (RFC 6749 §3.1), repeated
    ones are refused (§3.2)."""
    if content_type.split(";")[0].strip().lower() != FORM:
        raise InvalidRequestError(description=f"Content-Type attendu : {FORM}.")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        raise InvalidRequestError(description="Corps de requete illisible.") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if key in form:
            raise InvalidRequestError(description=rfc6749_text(f"Parametre repete : {key}."))
        if value:
            form[key] = value
    return form


async def token_endpoint(request: Request) -> Response:
    services: AppServices = request.app.state.services
    now = services.clock.now()
    try:
        form = parse_form(request.headers.get("content-type", ""), await request.body())
    except InvalidRequestError as error:
        return _response(error_response(error))
    if "grant_type" not in form:
        return _response(
            error_response(InvalidRequestError(description="Parametre grant_type manquant."))
        )
    if uses_two_auth_methods(form, request.headers):
        return _response(
            error_response(
                InvalidRequestError(
                    description=(
                        "Une seule methode d'authentification par requete : "
                        "client_secret_basic ou client_secret_post (RFC 6749 section 2.3)."
                    )
                )
            )
        )
    basic_id, _ = extract_basic_authorization(request.headers)
    client_id = basic_id or form.get("client_id")
    await services.signer.keys.ready(now)
    async with services.sessions() as session:
        # A secret is checked only after a throttling slot is claimed (committed at once).
        claim = (
            await write_transaction(
                session,
                lambda s: limiter.claim_all(
                    s,
                    [(TOKEN_PER_CLIENT, client_id), (TOKEN_PER_ADRESSE, client_address(request))],
                    now=now,
                ),
            )
            if client_id
            else None
        )
        if claim is not None and not claim.allowed:
            refused = throttled_response(claim.retry_after)
            await write_transaction(
                session,
                lambda s: _add(s, _audit_event(request, None, client_id, refused, services)),
            )
            return _response(refused)
        row = await records.active_client(session, client_id) if client_id else None
        client = (
            RegisteredClient(services.passwords, row.client_id, row.secret_hash, row.scope_set)
            if row is not None
            else None
        )
        result = await services.passwords.in_worker_thread(
            issue_token,
            f"{services.settings.public_base_url.rstrip('/')}/oauth/token",
            form,
            request.headers,
            client,
            services.passwords,
            services.signer,
            now,
        )
        await session.commit()  # end the read before the write transaction

        async def record(s: AsyncSession) -> None:
            if claim is not None and client_id is not None and result.client_id is not None:
                # Only failures count, as for logins.
                await limiter.forget(s, TOKEN_PER_CLIENT, client_id)
                await limiter.release(s, claim)
            s.add(_audit_event(request, row, client_id, result, services))

        await write_transaction(session, record)
    return _response(result)


async def _add(session: AsyncSession, row: object) -> None:
    session.add(row)


def _audit_event(
    request: Request,
    row: ClientOAuth | None,
    client_id: str | None,
    result: TokenResponse,
    services: AppServices,
) -> EvenementAudit:
    issued = result.client_id is not None and row is not None
    detail: dict[str, str] = {"client_id": client_id or ""}
    if not issued:
        detail["erreurs"] = str(result.body.get("error", ""))
    else:
        detail["scope"] = str(result.body.get("scope", ""))
    return EvenementAudit(
        horodatage=services.clock.now(),
        request_id=request.headers.get("x-request-id") or uuid.uuid4().hex,
        acteur_id=None,
        acteur=f"{row.nom} (client OAuth2 {row.client_id})" if issued and row else "anonyme",
        role=Role.EXPERT_COMPTABLE if issued else None,
        cabinet_id=row.cabinet_id if issued and row else None,
        travailleur_id=None,
        operation="oauthToken",
        issue=IssueAudit.SUCCES if issued else IssueAudit.REFUS,
        detail=json.dumps(detail, ensure_ascii=False),
    )


def _response(result: TokenResponse) -> Response:
    return JSONResponse(result.body, status_code=result.status, headers=dict(result.headers))
