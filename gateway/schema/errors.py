"""Error conventions (SPEC §9).

Business refusals are ``userErrors`` in mutation payloads. Top-level errors carry an
``extensions.code``: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, or a limit; anything
else is unexpected and masked.
"""

from __future__ import annotations

from enum import StrEnum

import strawberry
from graphql import GraphQLError

from domain.errors import DomainError
from gateway.db.failures import is_unavailable
from gateway.schema.error_codes import UserErrorCode, user_error_code


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"


class ApiError(GraphQLError):
    """A top-level error meant for the client: never masked."""

    def __init__(self, message: str, code: ErrorCode, **extensions: object) -> None:
        super().__init__(message, extensions={"code": code.value, **extensions})


def unauthenticated(
    reason: str = "Authentification requise : envoyez 'Authorization: Bearer <jeton>'.",
) -> ApiError:
    return ApiError(reason, ErrorCode.UNAUTHENTICATED)


def forbidden(message: str, scope: str | None = None) -> ApiError:
    if scope is not None:
        return ApiError(message, ErrorCode.FORBIDDEN, scope=scope)
    return ApiError(message, ErrorCode.FORBIDDEN)


def bad_user_input(message: str, field: str | None = None) -> ApiError:
    if field is not None:
        return ApiError(message, ErrorCode.BAD_USER_INPUT, field=field)
    return ApiError(message, ErrorCode.BAD_USER_INPUT)


def bad_input_from(error: DomainError) -> ApiError:
    """A domain refusal met while answering a query: BAD_USER_INPUT naming the field."""
    message = f"{error.field} : {error.message}" if error.field else error.message
    return bad_user_input(message, error.field)


def should_mask(error: GraphQLError) -> bool:
    """Mask unexpected exceptions raised while executing; keep validation errors (no
    path: the document or its values were refused before execution) and our own. An
    unavailable database is kept for the HTTP layer, which answers 503 instead."""
    original = error.original_error
    return (
        error.path is not None
        and original is not None
        and not isinstance(original, GraphQLError)
        and not is_unavailable(original)
    )


@strawberry.type(description="Why a mutation (or one item of a batch) was refused.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path of the input field the error is about, e.g. ["input", "montant"].'
    )
    message: str = strawberry.field(description="Human-readable reason, in French.")
    code: UserErrorCode = strawberry.field(description="Stable machine-readable reason.")

    @staticmethod
    def from_domain(error: DomainError) -> UserError:
        path = ["input", *error.field.split(".")] if error.field else None
        return UserError(field=path, message=error.message, code=user_error_code(error.code))


def with_error_code(error: GraphQLError) -> GraphQLError:
    """Give graphql-core's own errors a code: bad argument values are BAD_USER_INPUT,
    other document errors GRAPHQL_VALIDATION_FAILED."""
    if (error.extensions or {}).get("code") or should_mask(error):
        return error
    original = error.original_error
    bad_value = isinstance(original, ValueError | TypeError) or any(
        marker in error.message
        for marker in ("got invalid value", "Expected value of type", "Expected type")
    )
    code = ErrorCode.BAD_USER_INPUT.value if bad_value else "GRAPHQL_VALIDATION_FAILED"
    error.extensions = {**(error.extensions or {}), "code": code}
    return error
