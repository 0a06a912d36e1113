"""Resolver of ``generateAttestations``: the caller's kind and scope and the number of
items checked once, before any item runs; the issued attestations and their clients
then read in one batch each."""

from __future__ import annotations

from domain.nomenclatures import Role
from gateway.auth.principal import Scope
from gateway.context import Context
from gateway.db import models
from gateway.resolvers.batch import (
    check_items,
    item_errors,
    referenced_rows,
    successes,
    travailleurs_of,
)
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
    rows = await referenced_rows(ctx.loaders.by_id(models.Attestation), outcomes, "attestation_id")
    results = [
        GenerateAttestationResult(
            index=index,
            travailleur_id=item.travailleur_id,
            travailleur=travailleur,
            attestation=None if row is None else Attestation.from_row(row),
            user_errors=item_errors(outcome, index),
        )
        for index, (item, outcome, travailleur, row) in enumerate(
            zip(data.items, outcomes, travailleurs, rows, strict=True)
        )
    ]
    succes, echecs = successes(outcomes)
    return GenerateAttestationsPayload(results=results, nombre_succes=succes, nombre_echecs=echecs)
