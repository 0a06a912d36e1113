"""Resolver of ``generateAttestations``: the caller's kind and scope and the number of
items checked once, before any item runs; the issued attestations and their clients
then read in one batch each."""

from __future__ import annotations

from domain.nomenclatures import Role
from gateway.auth.principal import Scope
from gateway.context import Context
from gateway.db import models
from gateway.resolvers.batch import check_items, item_errors, travailleurs_of
from gateway.schema.attestations import Attestation
from gateway.schema.attestations_batch import (
    GenerateAttestationResult,
    GenerateAttestationsInput,
    GenerateAttestationsPayload,
)
from gateway.services import batch_attestations


async def generate_attestations(
    ctx: Context, data: GenerateAttestationsInput
) -> GenerateAttestationsPayload:
    ctx.require_role(Role.EXPERT_COMPTABLE)
    ctx.require_scope(Scope.ATTESTATIONS_WRITE)
    check_items(data.items)
    outcomes = await batch_attestations.generate_attestations(
        ctx,
        [
            batch_attestations.AttestationItem(
                travailleur_id=item.travailleur_id,
                type_attestation=item.type,
                annee=item.annee,
                idempotency_key=item.idempotency_key,
            )
            for item in data.items
        ],
    )
    travailleurs = await travailleurs_of(ctx, outcomes)
    ids = [o.reference.get("attestation_id") if o.ok else None for o in outcomes]
    rows = iter(
        await ctx.loaders.by_id(models.Attestation).load_many(
            [int(i) for i in ids if i is not None]
        )
    )
    results = []
    for index, (item, outcome, travailleur) in enumerate(
        zip(data.items, outcomes, travailleurs, strict=True)
    ):
        row = next(rows) if ids[index] is not None else None
        results.append(
            GenerateAttestationResult(
                index=index,
                travailleur_id=item.travailleur_id,
                travailleur=travailleur,
                attestation=None if row is None else Attestation.from_row(row),
                user_errors=item_errors(outcome, index),
            )
        )
    succes = sum(1 for o in outcomes if o.ok)
    return GenerateAttestationsPayload(
        results=results, nombre_succes=succes, nombre_echecs=len(outcomes) - succes
    )
