"""Payment plans, attestations and the relevé de carrière: reads and root resolvers.

The plans of an account are followed once per request and worker
(:func:`plans_compte`, a DataLoader over the loaders the account summary uses anyway),
so a plan's state, its instalments' paid parts, the majorations exemption of the
instalments it covers and the vigilance condition all come from the same figures.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from functools import partial
from typing import Any

from gateway.context import Context
from gateway.db import models
from gateway.db.repositories import delais as repository
from gateway.global_ids import encode_global_id
from gateway.loaders import Loaders
from gateway.resolvers.payloads import travailleur_of, user_errors
from gateway.schema.attestations import (
    AnneeCarriere,
    Attestation,
    ReleveCarriere,
    VerificationAttestation,
)
from gateway.schema.compte import DelaiPaiement, Echeance, echeance_type
from gateway.schema.scalars import Money
from gateway.services import attestations, delais
from gateway.services.carriere import releve_carriere
from gateway.services.situation import (
    NO_PLANS,
    PlansCompte,
    follow,
    instalment_of,
    paiement_of,
    plan_of,
)
from gateway.services.unit_of_work import Outcome

# --- reads ---------------------------------------------------------------------------


async def _plans_batch(loaders: Loaders, ctx: Context, ids: list[int]) -> list[PlansCompte]:
    """One pass for many workers: their plans (already loaded for the account), then,
    only for workers that have plans, plan instalments, covered instalments,
    instalments and payments — one statement each, whatever the number of workers."""
    lists = await loaders.delais.load_many(ids)
    rows = {i: r for i, r in zip(ids, lists, strict=True) if r}
    if not rows:
        return [NO_PLANS for _ in ids]
    plan_ids = [p.id for plans in rows.values() for p in plans]
    couvertes = loaders.custom("delais_couvertes", partial(_covered_batch, loaders))
    instalments, covered = await asyncio.gather(
        loaders.echeances_delai.load_many(plan_ids), couvertes.load_many(plan_ids)
    )
    by_plan = dict(zip(plan_ids, zip(instalments, covered, strict=True), strict=True))
    # Instalments and payments (already loaded for the account summary) only matter for
    # plans that cover something.
    suivis = [t for t, plans in rows.items() if any(by_plan[p.id][1] for p in plans)]
    echeances, paiements = await asyncio.gather(
        loaders.echeances_actives.load_many(suivis), loaders.paiements.load_many(suivis)
    )
    comptes = dict(zip(suivis, zip(echeances, paiements, strict=True), strict=True))
    today = ctx.clock.today()
    result: dict[int, PlansCompte] = {}
    for travailleur_id, plans in rows.items():
        lignes, recus = comptes.get(travailleur_id, ([], []))
        result[travailleur_id] = follow(
            [plan_of(p, *by_plan[p.id]) for p in plans],
            [instalment_of(e) for e in lignes],
            [paiement_of(p) for p in recus],
            today,
        )
    return [result.get(i, NO_PLANS) for i in ids]


async def _covered_batch(loaders: Loaders, keys: list[int]) -> list[list[int]]:
    found = await repository.covered_visible(loaders.db, loaders.principal, keys)
    return [found.get(k, []) for k in keys]


async def plans_compte(ctx: Context, travailleur_id: int) -> PlansCompte:
    """The worker's plans followed today (visibility applied by the loaders)."""
    return (await plans_comptes(ctx, [travailleur_id]))[0]


def plans_comptes(ctx: Context, travailleur_ids: Sequence[int]) -> Awaitable[list[PlansCompte]]:
    """Each worker's plans followed today, read together. Asked when called, not when
    awaited: callers started in one turn (a page's instalments and its summaries) share
    one batch."""
    loaders = ctx.loaders
    loader = loaders.custom("plans_compte", partial(_plans_batch, loaders, ctx))
    etats: Awaitable[list[PlansCompte]] = loader.load_many(travailleur_ids)
    return etats


async def covered_instalments(ctx: Context, row: models.DelaiPaiement) -> list[Echeance]:
    etat = await plans_compte(ctx, row.travailleur_id)
    couvertes = etat.plans[row.id].couvertes if row.id in etat.plans else frozenset()
    today = ctx.clock.today()
    echeances = await ctx.loaders.echeances_actives.load(row.travailleur_id)
    return [echeance_type(e, today) for e in echeances if e.id in couvertes]


async def releve(ctx: Context, travailleur: models.Travailleur) -> ReleveCarriere:
    cotisations, echeances = await asyncio.gather(
        ctx.loaders.cotisations.load(travailleur.id),
        ctx.loaders.echeances_actives.load(travailleur.id),
    )
    annees = releve_carriere(travailleur, cotisations, echeances, ctx.clock.today())
    gid = encode_global_id("ReleveCarriere", travailleur.id)
    return ReleveCarriere(
        annees=[
            AnneeCarriere(
                annee=a.annee,
                calcule=a.calcule,
                retraite_base_payee=Money(a.retraite_base_payee),
                revenu_cotise=None if a.revenu_cotise is None else Money(a.revenu_cotise),
                seuil_trimestre=None if a.seuil_trimestre is None else Money(a.seuil_trimestre),
                trimestres=a.trimestres,
            )
            for a in annees
        ],
        total_trimestres=sum(a.trimestres or 0 for a in annees),
        url=f"{ctx.services.settings.public_base_url}/documents/{gid}.pdf",
    )


async def verify_attestation(ctx: Context, code: str) -> VerificationAttestation | None:
    """Public: no principal needed, nothing but what the verification shows."""
    found = await attestations.verify(ctx.db, code, ctx.clock.today())
    if found is None:
        return None
    return VerificationAttestation(
        type=found.type,
        nom=found.nom,
        prenom=found.prenom,
        siret=found.siret,
        entreprise=found.entreprise,
        siren=found.siren,
        date_emission=found.date_emission,
        date_fin_validite=found.date_fin_validite,
        valide=found.valide,
    )


# --- mutations -----------------------------------------------------------------------


async def _delai_of(ctx: Context, outcome: Outcome) -> DelaiPaiement | None:
    delai_id = outcome.reference.get("delai_id")
    if delai_id is None:
        return None
    row = await ctx.loaders.by_id(models.DelaiPaiement).load(int(delai_id))
    return None if row is None else DelaiPaiement.from_row(row)


async def delai_payload(ctx: Context, outcome: Outcome) -> dict[str, Any]:
    return {
        "travailleur": await travailleur_of(ctx, outcome),
        "delai_paiement": await _delai_of(ctx, outcome),
        "user_errors": user_errors(outcome),
    }


async def attestation_payload(ctx: Context, outcome: Outcome) -> dict[str, Any]:
    attestation = None
    ident = outcome.reference.get("attestation_id")
    if ident is not None:
        row = await ctx.loaders.by_id(models.Attestation).load(int(ident))
        attestation = None if row is None else Attestation.from_row(row)
    return {
        "travailleur": await travailleur_of(ctx, outcome),
        "attestation": attestation,
        "user_errors": user_errors(outcome),
    }


async def request_delai(ctx: Context, data: Any) -> dict[str, Any]:
    outcome = await delais.request_delai(
        ctx,
        travailleur_id=data.travailleur_id,
        echeance_ids=list(data.echeance_ids),
        nombre_echeances=data.nombre_echeances,
        premiere_echeance=data.premiere_echeance,
        motif=data.motif,
        idempotency_key=data.idempotency_key,
    )
    return await delai_payload(ctx, outcome)


async def renegotiate_delai(ctx: Context, data: Any) -> dict[str, Any]:
    outcome = await delais.renegotiate_delai(
        ctx,
        delai_id=data.delai_id,
        nombre_echeances=data.nombre_echeances,
        premiere_echeance=data.premiere_echeance,
        motif=data.motif,
        idempotency_key=data.idempotency_key,
    )
    return await delai_payload(ctx, outcome)


async def decide_delai(ctx: Context, data: Any) -> dict[str, Any]:
    outcome = await delais.decide_delai(
        ctx,
        delai_id=data.delai_id,
        decision=data.decision,
        motif=data.motif,
        idempotency_key=data.idempotency_key,
    )
    return await delai_payload(ctx, outcome)


async def generate_attestation(ctx: Context, data: Any) -> dict[str, Any]:
    outcome = await attestations.generate_attestation(
        ctx,
        travailleur_id=data.travailleur_id,
        type_attestation=data.type,
        annee=data.annee,
        idempotency_key=data.idempotency_key,
    )
    return await attestation_payload(ctx, outcome)
