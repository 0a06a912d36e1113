"""recordRadiation: parse the input, call the service, map the outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gateway.context import Context
from gateway.db import models
from gateway.resolvers.payloads import travailleur_of, user_errors
from gateway.schema.compte import echeance_type
from gateway.services import radiation

if TYPE_CHECKING:
    from gateway.schema.radiation import RecordRadiationInput


async def record_radiation(ctx: Context, data: RecordRadiationInput) -> dict[str, Any]:
    outcome = await radiation.record_radiation(
        ctx,
        travailleur_id=data.travailleur_id,
        date_radiation=data.date_radiation,
        idempotency_key=data.idempotency_key,
    )
    ids = [int(i) for i in outcome.reference.get("echeances_annulees", [])]
    rows = await ctx.loaders.by_id(models.Echeance).load_many(ids)
    today = ctx.clock.today()
    return {
        "travailleur": await travailleur_of(ctx, outcome),
        "echeances_annulees": [echeance_type(r, today) for r in rows if r is not None],
        "user_errors": user_errors(outcome),
    }
