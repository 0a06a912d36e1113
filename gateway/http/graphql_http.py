"""GraphQL over HTTP: media types, status codes and authentication challenges.

Follows the GraphQL-over-HTTP specification: a client that accepts
``application/graphql-response+json`` gets it, with a 4xx status for a request that
fails before execution (a document that does not parse or validate, a limit, an
untrusted document: 400; refused by its role before execution: 403); once execution has
started the status is 200, errors or not. Older clients (``application/json``, or no
preference) get 200 for every well-formed request, as before.

For both media types: 401 with ``WWW-Authenticate`` (RFC 6750 §3) when a token was
presented and refused (``error="invalid_token"``), or when the operation needs a
principal and none was given (no error attribute, as §3.1 says for a request without
credentials); 429 with ``Retry-After`` when the rate limit refuses the operation;
405 with ``Allow: POST`` for a mutation sent with GET.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graphql import GraphQLError

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
REALM = "moncompte-independant"

TOKEN_EXPIRED = "TOKEN_EXPIRED"
UNAUTHENTICATED = "UNAUTHENTICATED"
RATE_LIMITED = "RATE_LIMITED"
#: Errors without a path that do not mean "refused before execution".
_DURING_EXECUTION = frozenset(
    {"REQUEST_TIMEOUT", "SERVICE_UNAVAILABLE", "INTERNAL_SERVER_ERROR", "PERSISTED_QUERY_NOT_FOUND"}
)
#: What RFC 6750's error_description says (ASCII only there) for each refusal.
DESCRIPTIONS = {
    TOKEN_EXPIRED: "The access token expired",
    UNAUTHENTICATED: "The access token is invalid",
}


def negotiate(accept: str | None) -> str:
    """The media type of the answer: graphql-response+json when the client prefers it
    (or likes it as much as application/json), else application/json."""
    if not accept:
        return JSON
    weights: dict[str, float] = {}
    for item in accept.split(","):
        media, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        weights[media.lower()] = max(quality, weights.get(media.lower(), 0.0))
    preferred = weights.get(GRAPHQL_RESPONSE, 0.0)
    json = max(weights.get(JSON, 0.0), weights.get("application/*", 0.0), weights.get("*/*", 0.0))
    return GRAPHQL_RESPONSE if preferred > 0 and preferred >= json else JSON


def codes(errors: Iterable[GraphQLError]) -> list[str]:
    return [str((e.extensions or {}).get("code", "")) for e in errors]


@dataclass(frozen=True, slots=True)
class Outcome:
    status: int
    # Whether the answer carries no ``data`` entry (a request error, GraphQL over HTTP).
    request_error: bool
    www_authenticate: str | None = None


def challenge(error_codes: list[str], token_refused: bool) -> str:
    """The ``WWW-Authenticate`` value of a 401."""
    if not token_refused:
        return f'Bearer realm="{REALM}"'
    code = TOKEN_EXPIRED if TOKEN_EXPIRED in error_codes else UNAUTHENTICATED
    return (
        f'Bearer realm="{REALM}", error="invalid_token", error_description="{DESCRIPTIONS[code]}"'
    )


def outcome(
    errors: list[GraphQLError], has_data: bool, media_type: str, token_refused: bool
) -> Outcome:
    """The HTTP status of a GraphQL result."""
    found = codes(errors)
    request_error = (
        bool(errors)
        and not has_data
        and all(e.path is None for e in errors)
        and not _DURING_EXECUTION.intersection(found)
    )
    if RATE_LIMITED in found:
        return Outcome(429, request_error)
    if TOKEN_EXPIRED in found or UNAUTHENTICATED in found:
        return Outcome(401, request_error, challenge(found, token_refused))
    if media_type != GRAPHQL_RESPONSE or not request_error:
        return Outcome(200, False)
    return Outcome(403 if found and all(c == "FORBIDDEN" for c in found) else 400, True)


def refused_token(reason: str, expired: bool) -> GraphQLError:
    """The error of a request whose bearer token was refused (before execution)."""
    return GraphQLError(reason, extensions={"code": TOKEN_EXPIRED if expired else UNAUTHENTICATED})


#: strawberry's HTTP-level refusals, in French.
_MESSAGES = {
    "Unable to parse request body as JSON": "Corps de requête illisible : JSON attendu.",
    "No GraphQL query found in the request": "Aucune requête GraphQL : envoyez `query`.",
    "Unsupported content type": ("Type de contenu non pris en charge : envoyez application/json."),
}


def http_error_body(status: int, reason: str) -> dict[str, object]:
    code = {405: "METHOD_NOT_ALLOWED", 413: "REQUEST_TOO_LARGE"}.get(status, "BAD_REQUEST")
    return {"errors": [{"message": _MESSAGES.get(reason, reason), "extensions": {"code": code}}]}
