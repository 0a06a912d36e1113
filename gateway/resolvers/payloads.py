"""Turning a service ``Outcome`` into payload parts."""

from __future__ import annotations

from gateway.context import Context
from gateway.schema.error_codes import user_error_code
from gateway.schema.errors import UserError
from gateway.schema.travailleur import Travailleur, travailleur_type
from gateway.services.unit_of_work import Outcome


def user_errors(outcome: Outcome) -> list[UserError]:
    return [
        UserError(
            field=["input", *str(e["field"]).split(".")] if e.get("field") else None,
            message=str(e["message"]),
            code=user_error_code(str(e["code"])),
        )
        for e in outcome.errors
    ]


async def travailleur_of(ctx: Context, outcome: Outcome) -> Travailleur | None:
    travailleur_id = outcome.reference.get("travailleur_id")
    if travailleur_id is None:
        return None
    row = await ctx.loaders.travailleur.load(int(travailleur_id))
    return None if row is None else travailleur_type(row)
