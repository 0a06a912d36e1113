"""Root resolvers of micro-entrepreneur declarations and caisse information."""

from __future__ import annotations

from typing import Any

from gateway.context import Context
from gateway.db.keyset import EMPTY
from gateway.db.repositories import actualites as repository
from gateway.global_ids import parse_key
from gateway.resolvers.payloads import travailleur_of, user_errors
from gateway.schema.caisse import (
    Actualite,
    PublishActualiteInput,
    PublishActualitePayload,
    WithdrawActualiteInput,
    WithdrawActualitePayload,
    fil_of,
)
from gateway.schema.micro import (
    DeclarationChiffreAffaires,
    DeclareChiffreAffairesInput,
    DeclareChiffreAffairesPayload,
)
from gateway.schema.references import Caisse
from gateway.schema.relay import Connection, Pagination, connection, window_from
from gateway.services import actualites, micro
from gateway.services.unit_of_work import Outcome


async def declare_chiffre_affaires(
    ctx: Context, data: DeclareChiffreAffairesInput
) -> DeclareChiffreAffairesPayload:
    outcome = await micro.declare_chiffre_affaires(
        ctx,
        travailleur_id=data.travailleur_id,
        periode=data.periode,
        montants=[(ligne.activite, ligne.montant) for ligne in data.montants],
        idempotency_key=data.idempotency_key,
    )
    declaration = None
    reference = outcome.reference
    if reference.get("travailleur_id") is not None and reference.get("periode") is not None:
        rows = await ctx.loaders.declarations.load(int(reference["travailleur_id"]))
        lignes = [r for r in rows if r.periode == reference["periode"]]
        declaration = DeclarationChiffreAffaires.from_rows(lignes) if lignes else None
    return DeclareChiffreAffairesPayload(
        declaration=declaration,
        travailleur=await travailleur_of(ctx, outcome),
        user_errors=user_errors(outcome),
    )


async def caisse(ctx: Context) -> Caisse | None:
    """The caller's caisse: a worker's, an agent's; none for an accountant."""
    principal = ctx.require_principal()
    caisse_id = principal.caisse_id
    if principal.travailleur_id is not None:
        row = await ctx.loaders.travailleur.load(principal.travailleur_id)
        caisse_id = None if row is None else row.caisse_id
    if caisse_id is None:
        return None
    found = await ctx.loaders.caisse.load(caisse_id)
    return None if found is None else Caisse.from_row(found)


async def actualites_page(ctx: Context, pagination: Pagination) -> Connection[Actualite]:
    """A worker's feed, or an agent's whole list; nothing for others (no caisse)."""
    ctx.require_principal()
    ordre = repository.ORDRE_ACTUALITES
    window = window_from(ordre, pagination)
    fil = await fil_of(ctx)
    if fil is None:
        return connection([], EMPTY, window, ordre)
    page = await repository.page(ctx.loaders.db, fil, window)
    today = ctx.clock.today()
    return connection([Actualite.from_row(r, today) for r in page.items], page, window, ordre)


async def actualite_node(ctx: Context, key: str) -> Actualite | None:
    """``node(id)`` of an item: only one the caller reads (a worker: in their feed)."""
    ident = parse_key(key)
    if ident is None:
        return None
    row = await _actualite_loader(ctx).load(ident)
    return None if row is None else Actualite.from_row(row, ctx.clock.today())


def _actualite_loader(ctx: Context) -> Any:
    """Items by id within the caller's feed: ``nodes`` costs one statement, not one per id."""

    async def batch_load(ids: list[int]) -> list[Any]:
        found = await repository.by_ids(ctx.loaders.db, await fil_of(ctx), ids)
        return [found.get(i) for i in ids]

    return ctx.loaders.custom("actualite", batch_load)


async def _actualite_of(ctx: Context, outcome: Outcome) -> Actualite | None:
    actualite_id = outcome.reference.get("actualite_id")
    return None if actualite_id is None else await actualite_node(ctx, str(actualite_id))


async def publish_actualite(ctx: Context, data: PublishActualiteInput) -> PublishActualitePayload:
    outcome = await actualites.publish_actualite(
        ctx,
        titre=data.titre,
        contenu=data.contenu,
        date_publication=data.date_publication,
        date_fin=data.date_fin,
        regions=data.regions,
        statuts=data.statuts,
        professions=data.professions,
        idempotency_key=data.idempotency_key,
    )
    return PublishActualitePayload(
        actualite=await _actualite_of(ctx, outcome), user_errors=user_errors(outcome)
    )


async def withdraw_actualite(
    ctx: Context, data: WithdrawActualiteInput
) -> WithdrawActualitePayload:
    outcome = await actualites.withdraw_actualite(
        ctx, actualite_id=data.actualite_id, idempotency_key=data.idempotency_key
    )
    return WithdrawActualitePayload(
        actualite=await _actualite_of(ctx, outcome), user_errors=user_errors(outcome)
    )
