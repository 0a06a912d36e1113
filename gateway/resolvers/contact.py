"""Root resolver of updateContact."""

from __future__ import annotations

from gateway.context import Context
from gateway.resolvers.payloads import travailleur_of, user_errors
from gateway.schema.contact import UpdateContactInput, UpdateContactPayload
from gateway.services import contact


async def update_contact(ctx: Context, data: UpdateContactInput) -> UpdateContactPayload:
    outcome = await contact.update_contact(
        ctx, data.travailleur_id, data.courriel, data.telephone, data.idempotency_key
    )
    return UpdateContactPayload(
        travailleur=await travailleur_of(ctx, outcome), user_errors=user_errors(outcome)
    )
