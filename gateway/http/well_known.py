"""Discovery documents: the public signing keys (RFC 7517) and the OAuth2 authorization
server metadata (RFC 8414), so integrators verify tokens and find endpoints themselves."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.auth.oauth_server import AUTH_METHODS
from gateway.auth.principal import Scope
from gateway.context import AppServices
from gateway.http.oauth_tokens import PATHS


async def jwks(request: Request) -> Response:
    services: AppServices = request.app.state.services
    await services.signer.keys.ready(services.clock.now())
    # Short cache: clients pick up a rotated key within minutes, and they refetch on an
    # unknown kid anyway.
    return JSONResponse(services.signer.keys.jwks(), headers={"Cache-Control": "max-age=300"})


async def authorization_server_metadata(request: Request) -> Response:
    services: AppServices = request.app.state.services
    issuer = services.signer.issuer
    return JSONResponse(
        {
            "issuer": issuer,
            "token_endpoint": f"{issuer}/oauth/token",
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "grant_types_supported": ["client_credentials"],
            "response_types_supported": [],
            "token_endpoint_auth_methods_supported": list(AUTH_METHODS),
            "scopes_supported": sorted(Scope.ALL),
            "revocation_endpoint": f"{issuer}{PATHS['revocation']}",
            "revocation_endpoint_auth_methods_supported": list(AUTH_METHODS),
            "introspection_endpoint": f"{issuer}{PATHS['introspection']}",
            "introspection_endpoint_auth_methods_supported": list(AUTH_METHODS),
            "service_documentation": f"{issuer}/graphql",
        },
        headers={"Cache-Control": "max-age=3600"},
    )
