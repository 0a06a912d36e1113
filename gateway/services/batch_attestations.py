"""``generateAttestations``: the single-client ``attestations.generate_attestation`` for
each item, one after the other, in its own ``run_mutation`` (transaction, audit event,
idempotency, authorization); an item's refusal or failure leaves the others as they
are (SPEC §9, like ``gateway.services.batch``)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from domain.nomenclatures import TypeAttestation
from gateway.context import Context
from gateway.services import attestations
from gateway.services.batch import unexpected_failure
from gateway.services.unit_of_work import Outcome

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AttestationItem:
    travailleur_id: str
    type_attestation: TypeAttestation
    annee: int | None = None
    idempotency_key: str | None = None


async def generate_attestations(ctx: Context, items: Sequence[AttestationItem]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for position, item in enumerate(items):
        try:
            outcomes.append(
                await attestations.generate_attestation(
                    ctx,
                    travailleur_id=item.travailleur_id,
                    type_attestation=item.type_attestation,
                    annee=item.annee,
                    idempotency_key=item.idempotency_key,
                )
            )
        except Exception:  # the item's transaction is rolled back by run_mutation
            log.exception("attestation batch item %d failed unexpectedly", position)
            outcomes.append(unexpected_failure())
    return outcomes
