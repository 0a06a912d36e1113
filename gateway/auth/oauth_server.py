"""The OAuth2 token endpoint's protocol logic, delegated to authlib (RFC 6749 §4.4).

authlib's server side is synchronous and has no Starlette integration. The HTTP
adapter (``gateway/http/oauth.py``) therefore loads the client asynchronously first,
then runs this server in a worker thread: authlib authenticates the client
(``client_secret_basic`` or ``client_secret_post``), checks the grant type and the
requested scopes, and shapes the success and error responses (RFC 6749 §5.1, §5.2).
Tokens are signed JWTs from the same ``TokenSigner`` as interactive logins (joserfc);
nothing is stored, and the client's revocation is checked on every use of the token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from authlib.oauth2 import rfc7009, rfc7662
from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientMixin,
    InvalidRequestError,
    InvalidScopeError,
    OAuth2Error,
    OAuth2Request,
    grants,
)
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6749.util import scope_to_list

from gateway.auth.passwords import Passwords
from gateway.auth.principal import Scope
from gateway.auth.tokens import TokenClaims, TokenSigner

AUTH_METHODS = ("client_secret_basic", "client_secret_post")
# Where a client authenticates: the token endpoint, revocation (RFC 7009) and
# introspection (RFC 7662).
ENDPOINTS = ("token", "revocation", "introspection")
Headers = list[tuple[str, str]]


def rfc6749_text(text: str) -> str:
    """Error descriptions may only use printable ASCII without " and \\ (RFC 6749 §5.2):
    whatever the client sent is echoed with other characters replaced by '?'."""
    return "".join(ch if 0x20 <= ord(ch) <= 0x7E and ch not in {'"', "\\"} else "?" for ch in text)


@dataclass(frozen=True, slots=True)
class TokenResponse:
    status: int
    body: dict[str, Any]
    headers: Headers
    client_id: str | None  # the authenticated client, when the token was issued


class RegisteredClient(ClientMixin):  # type: ignore[misc]
    """An active client of a cabinet, as authlib sees it. ``secret_hash`` None stands
    for an unknown or revoked client: verification still runs (against a decoy hash) so
    the answer takes as long, and fails the same way."""

    def __init__(
        self,
        passwords: Passwords,
        client_id: str,
        secret_hash: str | None,
        scopes: frozenset[str],
    ) -> None:
        self._passwords = passwords
        self.client_id = client_id
        self.secret_hash = secret_hash
        self.scopes = scopes

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        requested = scope_to_list(scope) or sorted(self.scopes)
        return " ".join(sorted(s for s in requested if s in self.scopes))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return self._passwords.verify(self.secret_hash, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint in ENDPOINTS and method in AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"


class ClientCredentialsGrant(grants.ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)

    def validate_requested_scope(self) -> None:
        """A ``scope`` parameter may narrow the client's scopes, never widen them."""
        requested = scope_to_list(self.request.payload.scope) or []
        refused = sorted(set(requested) - self.request.client.scopes)
        if refused:
            granted = " ".join(sorted(self.request.client.scopes))
            raise InvalidScopeError(
                description=rfc6749_text(
                    f"Scope hors des droits du client : {' '.join(refused)} "
                    f"(droits du client : {granted})."
                )
            )


class FormRequest(OAuth2Request):  # type: ignore[misc]
    """An already-parsed token request (form fields and headers)."""

    def __init__(self, uri: str, form: Mapping[str, str], headers: Mapping[str, str]) -> None:
        super().__init__("POST", uri, headers=headers)
        self._form = dict(form)
        self.payload = BasicOAuth2Payload(self._form)

    @property
    def form(self) -> dict[str, str]:
        return self._form

    @property
    def args(self) -> dict[str, str]:
        return {}


class TokenServer(AuthorizationServer):  # type: ignore[misc]
    """One token request, with its client already loaded (``None``: unknown client)."""

    def __init__(
        self,
        client: RegisteredClient | None,
        passwords: Passwords,
        signer: TokenSigner,
        now: datetime,
    ) -> None:
        super().__init__(scopes_supported=sorted(Scope.ALL))
        self._client = client
        self._passwords = passwords
        self._signer = signer
        self._now = now
        self.issued_to: str | None = None
        self.register_grant(ClientCredentialsGrant)
        self.register_token_generator("default", self._bearer_token)

    def query_client(self, client_id: str) -> RegisteredClient:
        if self._client is not None and self._client.client_id == client_id:
            return self._client
        return RegisteredClient(self._passwords, client_id, None, frozenset())

    def _bearer_token(
        self,
        grant_type: str,
        client: RegisteredClient,
        user: object = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = False,
    ) -> dict[str, Any]:
        scopes = frozenset(scope_to_list(client.get_allowed_scope(scope)))
        self.issued_to = client.client_id
        return {
            "access_token": self._signer.sign(f"client:{client.client_id}", self._now, scopes),
            "token_type": "Bearer",
            "expires_in": self._signer.ttl_seconds,
            "scope": " ".join(sorted(scopes)),
        }

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        """Nothing to store: the token is a signed JWT checked against the client."""

    def send_signal(self, name: str, *args: object, **kwargs: object) -> None:
        """No signal system here."""

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def handle_response(
        self, status: int, body: dict[str, Any], headers: Headers
    ) -> tuple[int, dict[str, Any], Headers]:
        return status, body, headers


def issue_token(
    uri: str,
    form: Mapping[str, str],
    headers: Mapping[str, str],
    client: RegisteredClient | None,
    passwords: Passwords,
    signer: TokenSigner,
    now: datetime,
) -> TokenResponse:
    """Run the token endpoint (blocking: argon2 verification); never raises OAuth errors."""
    server = TokenServer(client, passwords, signer, now)
    try:
        request = FormRequest(uri, form, headers)
    except OAuth2Error as error:  # insecure transport
        status, body, error_headers = error()
        return TokenResponse(status, body, error_headers, None)
    status, body, response_headers = server.create_token_response(request)
    return TokenResponse(status, body, response_headers, server.issued_to)


def error_response(error: OAuth2Error) -> TokenResponse:
    status, body, headers = error()
    return TokenResponse(status, body, headers, None)


# --- Revocation (RFC 7009) and introspection (RFC 7662) ------------------------------


@dataclass(frozen=True, slots=True)
class PresentedToken:
    """An access token of ours, already verified (signature, issuer, audience, expiry)
    by the HTTP adapter, which can await the key ring."""

    claims: TokenClaims
    client_id: str | None  # None for a worker's or an accountant's login token
    revoked: bool

    def check_client(self, client: RegisteredClient) -> bool:
        return self.client_id is not None and self.client_id == client.client_id

    def is_expired(self) -> bool:
        return False  # verification refused expired tokens already

    def is_revoked(self) -> bool:
        return self.revoked


class _Revocation(rfc7009.RevocationEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)
    SUPPORTED_TOKEN_TYPES = ("access_token",)

    def __init__(self, presented: PresentedToken | None) -> None:
        self.presented = presented
        self.to_revoke: PresentedToken | None = None

    def check_params(self, request: OAuth2Request, client: RegisteredClient) -> None:
        # A hint we do not support is only a hint (RFC 7009 §2.1): ignored.
        if "token" not in request.form:
            raise InvalidRequestError(description="Parametre token manquant.")

    def query_token(self, token_string: str, token_type_hint: str | None) -> PresentedToken | None:
        return self.presented

    def revoke_token(self, token: PresentedToken, request: OAuth2Request) -> None:
        self.to_revoke = token


class _Introspection(rfc7662.IntrospectionEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)

    def __init__(self, presented: PresentedToken | None, issuer: str, audience: str) -> None:
        self.presented = presented
        self.issuer = issuer
        self.audience = audience

    def check_params(self, request: OAuth2Request, client: RegisteredClient) -> None:
        if "token" not in request.form:
            raise InvalidRequestError(description="Parametre token manquant.")

    def query_token(self, token_string: str, token_type_hint: str | None) -> PresentedToken | None:
        return self.presented

    def check_permission(
        self, token: PresentedToken, client: RegisteredClient, request: OAuth2Request
    ) -> bool:
        """A client may introspect only its own tokens: any other is "not active"."""
        return token.check_client(client)

    def introspect_token(self, token: PresentedToken) -> dict[str, Any]:
        claims = token.claims
        return {
            "active": True,
            "scope": " ".join(sorted(claims.scopes or ())),
            "client_id": token.client_id,
            "token_type": "Bearer",
            "exp": claims.expires_at,
            "iat": claims.issued_at,
            "sub": claims.subject,
            "aud": self.audience,
            "iss": self.issuer,
            "jti": claims.token_id,
        }


@dataclass(frozen=True, slots=True)
class ManagementResponse:
    response: TokenResponse
    to_revoke: PresentedToken | None


def manage_token(
    endpoint: str,
    uri: str,
    form: Mapping[str, str],
    headers: Mapping[str, str],
    client: RegisteredClient | None,
    passwords: Passwords,
    signer: TokenSigner,
    now: datetime,
    presented: PresentedToken | None,
) -> ManagementResponse:
    """Run the revocation or introspection endpoint (blocking: argon2 verification)."""
    server = TokenServer(client, passwords, signer, now)
    revocation = _Revocation(presented)
    server.register_endpoint(revocation)
    server.register_endpoint(_Introspection(presented, signer.issuer, signer.audience))
    try:
        request = FormRequest(uri, form, headers)
    except OAuth2Error as error:
        return ManagementResponse(error_response(error), None)
    status, body, response_headers = server.create_endpoint_response(endpoint, request)
    response = TokenResponse(status, body, response_headers, None)
    return ManagementResponse(response, revocation.to_revoke if status == 200 else None)


def throttled_response(seconds: int) -> TokenResponse:
    """Too many failed client authentications: 429 with Retry-After, the same answer
    whether the client exists or not."""
    return TokenResponse(
        429,
        {
            "error": "temporarily_unavailable",
            "error_description": (
                f"Trop d'echecs d'authentification : reessayez dans {seconds} secondes."
            ),
        },
        [("Retry-After", str(seconds))],
        None,
    )


def uses_two_auth_methods(form: Mapping[str, str], headers: Mapping[str, str]) -> bool:
    """HTTP Basic credentials and a ``client_secret`` in the body: RFC 6749 §2.3 says a
    client MUST NOT use more than one authentication method in a request."""
    scheme = headers.get("authorization", "").strip().split(" ")[0].lower()
    return scheme == "basic" and "client_secret" in form
