"""Mutation types for the worker's contact details."""

from __future__ import annotations

import strawberry

from gateway.schema.errors import UserError
from gateway.schema.travailleur import Travailleur


@strawberry.input(description="New contact details of a worker; omit what does not change.")
class UpdateContactInput:
    travailleur_id: strawberry.ID = strawberry.field(description="Global ID of the worker.")
    courriel: str | None = strawberry.field(default=None, description="New contact e-mail address.")
    telephone: str | None = strawberry.field(
        default=None, description="New phone number (0XXXXXXXXX or +33XXXXXXXXX)."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description=(
            "Any unique string: a retry with the same key returns the first result and "
            "changes nothing more."
        ),
    )


@strawberry.type(description="Result of updateContact.")
class UpdateContactPayload:
    travailleur: Travailleur | None = strawberry.field(description="The worker after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the change was refused.")
