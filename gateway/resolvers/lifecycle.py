"""Root resolvers of the account lifecycle: call the service, build the payload."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from gateway.context import Context
from gateway.db import models
from gateway.resolvers.payloads import travailleur_of, user_errors
from gateway.schema.compte import Paiement, echeance_type
from gateway.schema.cotisations import ligne_type
from gateway.schema.lifecycle import (
    AvisAppel,
    DeclareRevenuInput,
    DeclareRevenuPayload,
    EstimateRevenueInput,
    EstimateRevenuePayload,
    LigneEcheancier,
    PrelevementPayload,
    RecordPaiementInput,
    RecordPaiementPayload,
    RecordPrelevementRejeteInput,
    RecordPrelevementRejetePayload,
    RemovePrelevementAutomatiqueInput,
    SetPrelevementAutomatiqueInput,
    SetPrelevementPeriodiciteInput,
    SetPrelevementPeriodicitePayload,
)
from gateway.schema.relay import encode_global_id
from gateway.schema.scalars import Money
from gateway.schema.travailleur import prelevement_of
from gateway.services import paiements, prelevement, revenus
from gateway.services.contributions import ligne_from_snapshot
from gateway.services.revenus import AVERTISSEMENT
from gateway.services.unit_of_work import Outcome


def avis_type(ctx: Context, row: models.AvisAppel) -> AvisAppel:
    gid = encode_global_id("AvisAppel", row.id)
    return AvisAppel(
        id=strawberry.ID(gid),
        annee=row.annee,
        date_emission=row.date_emission,
        revenu_estime=Money(row.revenu_estime),
        url=f"{ctx.services.settings.public_base_url}/documents/{gid}.pdf",
    )


async def estimate_revenue(ctx: Context, data: EstimateRevenueInput) -> EstimateRevenuePayload:
    outcome = await revenus.estimate_revenue(
        ctx,
        travailleur_id=data.travailleur_id,
        annee=data.annee,
        montant=data.montant,
        courriel=data.courriel,
        jai_ete_informe=data.jai_ete_informe,
        previsualisation=data.previsualisation,
        idempotency_key=data.idempotency_key,
    )
    ref = outcome.reference
    avis = None
    if ref.get("avis_id") is not None:
        row = await ctx.loaders.by_id(models.AvisAppel).load(int(ref["avis_id"]))
        avis = None if row is None else avis_type(ctx, row)
    return EstimateRevenuePayload(
        travailleur=await travailleur_of(ctx, outcome) if not data.previsualisation else None,
        previsualisation=data.previsualisation,
        base_calcul=ref.get("base"),
        cotisations=[ligne_type(ligne_from_snapshot(line)) for line in ref["lignes"]]
        if outcome.ok
        else None,
        total_cotisations=Money(Decimal(ref["total"])) if outcome.ok else None,
        echeancier=[
            LigneEcheancier(
                date_echeance=date.fromisoformat(e["date"]),
                montant=Money(Decimal(e["montant"])),
                montant_paye=Money(Decimal(e["montant_paye"])),
                nature=e["nature"],
            )
            for e in ref["echeancier"]
        ]
        if outcome.ok
        else None,
        credit=Money(Decimal(ref["credit"])) if outcome.ok else None,
        avertissement=AVERTISSEMENT if outcome.ok else None,
        avis_appel=avis,
        user_errors=user_errors(outcome),
    )


async def declare_revenu(ctx: Context, data: DeclareRevenuInput) -> DeclareRevenuPayload:
    outcome = await revenus.declare_revenu(
        ctx,
        travailleur_id=data.travailleur_id,
        annee=data.annee,
        montant=data.montant,
        idempotency_key=data.idempotency_key,
    )
    regularisation = outcome.reference.get("regularisation")
    return DeclareRevenuPayload(
        travailleur=await travailleur_of(ctx, outcome),
        regularisation=None if regularisation is None else Money(Decimal(regularisation)),
        user_errors=user_errors(outcome),
    )


async def set_periodicite(
    ctx: Context, data: SetPrelevementPeriodiciteInput
) -> SetPrelevementPeriodicitePayload:
    outcome = await prelevement.set_periodicite(
        ctx,
        travailleur_id=data.travailleur_id,
        periodicite=data.periodicite,
        idempotency_key=data.idempotency_key,
    )
    echeancier = []
    travailleur_id = outcome.reference.get("travailleur_id")
    if travailleur_id is not None:
        today = ctx.clock.today()
        rows = await ctx.loaders.echeances_actives.load(int(travailleur_id))
        echeancier = [echeance_type(r, today) for r in rows if r.annee == today.year]
    return SetPrelevementPeriodicitePayload(
        travailleur=await travailleur_of(ctx, outcome),
        modifiee=bool(outcome.reference.get("modifiee", False)),
        echeancier=echeancier,
        user_errors=user_errors(outcome),
    )


async def _prelevement_payload(ctx: Context, outcome: Outcome) -> PrelevementPayload:
    travailleur = await travailleur_of(ctx, outcome)
    return PrelevementPayload(
        travailleur=travailleur,
        prelevement=None if travailleur is None else await prelevement_of(ctx, travailleur.row),
        user_errors=user_errors(outcome),
    )


async def set_prelevement_automatique(
    ctx: Context, data: SetPrelevementAutomatiqueInput
) -> PrelevementPayload:
    outcome = await prelevement.set_prelevement_automatique(
        ctx,
        travailleur_id=data.travailleur_id,
        iban=data.iban,
        bic=data.bic,
        titulaire=data.titulaire,
        idempotency_key=data.idempotency_key,
    )
    return await _prelevement_payload(ctx, outcome)


async def remove_prelevement_automatique(
    ctx: Context, data: RemovePrelevementAutomatiqueInput
) -> PrelevementPayload:
    outcome = await prelevement.remove_prelevement_automatique(
        ctx, travailleur_id=data.travailleur_id, idempotency_key=data.idempotency_key
    )
    return await _prelevement_payload(ctx, outcome)


async def record_paiement(ctx: Context, data: RecordPaiementInput) -> RecordPaiementPayload:
    outcome = await paiements.record_paiement(
        ctx,
        travailleur_id=data.travailleur_id,
        montant=data.montant,
        date_paiement=data.date_paiement,
        mode=data.mode,
        reference=data.reference,
        idempotency_key=data.idempotency_key,
    )
    paiement = None
    if outcome.reference.get("paiement_id") is not None:
        row = await ctx.loaders.by_id(models.Paiement).load(int(outcome.reference["paiement_id"]))
        paiement = None if row is None else Paiement.from_row(row)
    return RecordPaiementPayload(
        travailleur=await travailleur_of(ctx, outcome),
        paiement=paiement,
        user_errors=user_errors(outcome),
    )


async def record_prelevement_rejete(
    ctx: Context, data: RecordPrelevementRejeteInput
) -> RecordPrelevementRejetePayload:
    outcome = await paiements.record_prelevement_rejete(
        ctx, echeance_id=data.echeance_id, idempotency_key=data.idempotency_key
    )
    reporte = None
    if outcome.reference.get("reporte_sur") is not None:
        row = await ctx.loaders.by_id(models.Echeance).load(int(outcome.reference["reporte_sur"]))
        reporte = None if row is None else echeance_type(row, ctx.clock.today())
    return RecordPrelevementRejetePayload(
        travailleur=await travailleur_of(ctx, outcome),
        reporte_sur=reporte,
        passage_trimestriel=bool(outcome.reference.get("passage_trimestriel", False)),
        user_errors=user_errors(outcome),
    )
