"""Resolvers of the portfolio-wide batch mutations: one result per item (issue 4).

The caller's kind and OAuth scope are checked once for the whole request, and the
number of items bounded, before any item runs; each item then goes through the
single-client service on its own (``gateway.services.batch``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from aiodataloader import DataLoader

from domain.nomenclatures import Role
from gateway.auth.principal import Scope
from gateway.context import Context
from gateway.db import models
from gateway.resolvers.lifecycle import avis_type
from gateway.schema.error_codes import user_error_code
from gateway.schema.errors import UserError, bad_user_input
from gateway.schema.scalars import Money
from gateway.schema.travailleur import Travailleur, travailleur_type
from gateway.schema.workspace_types import (
    EstimateRevenueResult,
    EstimateRevenuesInput,
    EstimateRevenuesPayload,
    SetPrelevementPeriodiciteResult,
    SetPrelevementPeriodicitesInput,
    SetPrelevementPeriodicitesPayload,
)
from gateway.services import batch
from gateway.services.unit_of_work import Outcome


def check_items(items: Sequence[object]) -> None:
    if len(items) > batch.MAX_ITEMS:
        raise bad_user_input(
            f"items : au plus {batch.MAX_ITEMS} éléments par requête (reçu {len(items)}) ; "
            "découpez le lot.",
            "items",
        )


def item_errors(outcome: Outcome, index: int) -> list[UserError]:
    return [
        UserError(
            field=["input", "items", str(index), *str(e["field"]).split(".")]
            if e.get("field")
            else ["input", "items", str(index)],
            message=str(e["message"]),
            code=user_error_code(str(e["code"])),
        )
        for e in outcome.errors
    ]


async def referenced_rows(
    loader: DataLoader[Any, Any], outcomes: Sequence[Outcome], key: str
) -> list[Any | None]:
    """The row each successful item's outcome names under ``key`` (None for the others),
    read in one batch (after the last item: fresh loaders)."""
    ids = [o.reference.get(key) if o.ok else None for o in outcomes]
    found = iter(await loader.load_many([int(i) for i in ids if i is not None]))
    return [None if i is None else next(found) for i in ids]


def successes(outcomes: Sequence[Outcome]) -> tuple[int, int]:
    """How many items succeeded, and how many were refused."""
    succes = sum(1 for o in outcomes if o.ok)
    return succes, len(outcomes) - succes


async def travailleurs_of(ctx: Context, outcomes: Sequence[Outcome]) -> list[Travailleur | None]:
    """The items' workers in one batch."""
    rows = await referenced_rows(ctx.loaders.travailleur, outcomes, "travailleur_id")
    return [_typed(row) for row in rows]


def _typed(row: models.Travailleur | None) -> Travailleur | None:
    return None if row is None else travailleur_type(row)


async def estimate_revenues(ctx: Context, data: EstimateRevenuesInput) -> EstimateRevenuesPayload:
    ctx.require_role(Role.EXPERT_COMPTABLE)
    ctx.require_scope(Scope.REVENUS_WRITE)
    check_items(data.items)
    outcomes = await batch.estimate_revenues(
        ctx,
        [
            batch.EstimationItem(
                travailleur_id=item.travailleur_id,
                annee=item.annee,
                montant=item.montant,
                courriel=item.courriel,
                jai_ete_informe=item.jai_ete_informe,
                idempotency_key=item.idempotency_key,
            )
            for item in data.items
        ],
    )
    travailleurs = await travailleurs_of(ctx, outcomes)
    avis = await referenced_rows(ctx.loaders.by_id(models.AvisAppel), outcomes, "avis_id")
    results = []
    for index, (item, outcome, travailleur, avis_row) in enumerate(
        zip(data.items, outcomes, travailleurs, avis, strict=True)
    ):
        total = outcome.reference.get("total")
        results.append(
            EstimateRevenueResult(
                index=index,
                travailleur_id=item.travailleur_id,
                travailleur=travailleur,
                total_cotisations=Money(Decimal(total)) if outcome.ok and total else None,
                avis_appel=None if avis_row is None else avis_type(ctx, avis_row),
                user_errors=item_errors(outcome, index),
            )
        )
    succes, echecs = successes(outcomes)
    return EstimateRevenuesPayload(results=results, nombre_succes=succes, nombre_echecs=echecs)


async def set_periodicites(
    ctx: Context, data: SetPrelevementPeriodicitesInput
) -> SetPrelevementPeriodicitesPayload:
    ctx.require_role(Role.EXPERT_COMPTABLE)
    ctx.require_scope(Scope.PRELEVEMENT_WRITE)
    check_items(data.items)
    outcomes = await batch.set_periodicites(
        ctx,
        [
            batch.PeriodiciteItem(
                travailleur_id=item.travailleur_id,
                periodicite=item.periodicite,
                idempotency_key=item.idempotency_key,
            )
            for item in data.items
        ],
    )
    travailleurs = await travailleurs_of(ctx, outcomes)
    results = [
        SetPrelevementPeriodiciteResult(
            index=index,
            travailleur_id=item.travailleur_id,
            travailleur=travailleur,
            modifiee=outcome.ok and bool(outcome.reference.get("modifiee", False)),
            user_errors=item_errors(outcome, index),
        )
        for index, (item, outcome, travailleur) in enumerate(
            zip(data.items, outcomes, travailleurs, strict=True)
        )
    ]
    succes, echecs = successes(outcomes)
    return SetPrelevementPeriodicitesPayload(
        results=results, nombre_succes=succes, nombre_echecs=echecs
    )
