"""Portfolio-wide batch mutations: one result per item (SPEC §9, issue 4).

Each item goes through the single-client service (``revenus.estimate_revenue``,
``prelevement.set_periodicite``), which runs it in its own ``run_mutation``: its own
transaction, its own audit event, its own idempotency key, and its own authorization
(a worker the caller may not see is that item's NOT_FOUND). So an item's refusal —
or even an unexpected failure — leaves the items before and after it as they are.
The number of items is bounded by the resolver (``MAX_ITEMS``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from domain.echeancier import Periodicite
from gateway.context import Context
from gateway.services import prelevement, revenus
from gateway.services.unit_of_work import Outcome

log = logging.getLogger(__name__)

#: Most items in one batch request.
MAX_ITEMS = 500

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class EstimationItem:
    travailleur_id: str
    annee: int
    montant: Decimal
    courriel: str
    jai_ete_informe: bool
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class PeriodiciteItem:
    travailleur_id: str
    periodicite: Periodicite
    idempotency_key: str | None = None


def unexpected_failure() -> Outcome:
    return Outcome(
        errors=[
            {
                "field": None,
                "message": (
                    "Erreur inattendue : cet élément n'a pas été traité (les autres ne sont "
                    "pas concernés). Réessayez avec la même clé d'idempotence."
                ),
                "code": "ERREUR_INTERNE",
            }
        ]
    )


async def _each(items: Sequence[T], run: Callable[[T], Awaitable[Outcome]]) -> list[Outcome]:
    """Run the items one after the other; one failure never stops the others."""
    outcomes: list[Outcome] = []
    for position, item in enumerate(items):
        try:
            outcomes.append(await run(item))
        except Exception:  # the item's transaction is rolled back by run_mutation
            log.exception("batch item %d failed unexpectedly", position)
            outcomes.append(unexpected_failure())
    return outcomes


async def estimate_revenues(ctx: Context, items: Sequence[EstimationItem]) -> list[Outcome]:
    """``estimateRevenue`` for each item (saved, never a preview)."""

    def run(item: EstimationItem) -> Awaitable[Outcome]:
        return revenus.estimate_revenue(
            ctx,
            travailleur_id=item.travailleur_id,
            annee=item.annee,
            montant=item.montant,
            courriel=item.courriel,
            jai_ete_informe=item.jai_ete_informe,
            previsualisation=False,
            idempotency_key=item.idempotency_key,
        )

    return await _each(items, run)


async def set_periodicites(ctx: Context, items: Sequence[PeriodiciteItem]) -> list[Outcome]:
    """``setPrelevementPeriodicite`` for each item."""

    def run(item: PeriodiciteItem) -> Awaitable[Outcome]:
        return prelevement.set_periodicite(
            ctx,
            travailleur_id=item.travailleur_id,
            periodicite=item.periodicite,
            idempotency_key=item.idempotency_key,
        )

    return await _each(items, run)
