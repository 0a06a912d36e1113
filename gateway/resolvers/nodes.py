"""``node(id)`` and ``nodes(ids)``: global IDs resolved through the per-type loaders.

An ID that is malformed, of an unknown type, or of an object the caller may not see
all resolve to null: the three cases are indistinguishable (SPEC §10).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from gateway.context import Context
from gateway.db import models
from gateway.global_ids import parse_key
from gateway.resolvers import evenements, prevention
from gateway.resolvers.account_reads import cotisations
from gateway.resolvers.declarations import actualite_node
from gateway.resolvers.lifecycle import avis_type
from gateway.resolvers.workspace import workspace_node
from gateway.schema.compte import (
    Attestation,
    DelaiPaiement,
    Paiement,
    Revenu,
    echeance_type,
)
from gateway.schema.errors import bad_user_input
from gateway.schema.micro import DeclarationMicro
from gateway.schema.references import Caisse, Etablissement
from gateway.schema.relay import Node, decode_global_id
from gateway.schema.travailleur import travailleur_type

MAX_NODES = 100


async def _owned(
    ctx: Context, model: type[Any], key: str, to_type: Callable[[Any], Node]
) -> Node | None:
    ident = parse_key(key)
    if ident is None:
        return None
    row = await ctx.loaders.by_id(model).load(ident)
    return None if row is None else to_type(row)


async def _travailleur(ctx: Context, key: str) -> Node | None:
    ident = parse_key(key)
    if ident is None:
        return None
    row = await ctx.loaders.travailleur.load(ident)
    return None if row is None else travailleur_type(row)


async def _cotisation(ctx: Context, key: str) -> Node | None:
    travailleur_key, _, annee_key = key.partition(":")
    travailleur, annee = parse_key(travailleur_key), parse_key(annee_key)
    if travailleur is None or annee is None:
        return None
    (found,) = await cotisations(ctx, [int(travailleur)], int(annee))
    return found[0] if found else None


async def _caisse(ctx: Context, key: str) -> Node | None:
    ident = parse_key(key)
    row = None if ident is None else await ctx.loaders.caisse.load(ident)
    return None if row is None else Caisse.from_row(row)


def _resolvers(ctx: Context) -> dict[str, Callable[[str], Awaitable[Node | None]]]:
    today = ctx.clock.today()
    return {
        "Travailleur": lambda k: _travailleur(ctx, k),
        "Cotisation": lambda k: _cotisation(ctx, k),
        "Caisse": lambda k: _caisse(ctx, k),
        "Etablissement": lambda k: _owned(ctx, models.Etablissement, k, Etablissement.from_row),
        "Revenu": lambda k: _owned(ctx, models.Revenu, k, Revenu.from_row),
        "Echeance": lambda k: _owned(ctx, models.Echeance, k, lambda r: echeance_type(r, today)),
        "Paiement": lambda k: _owned(ctx, models.Paiement, k, Paiement.from_row),
        "DelaiPaiement": lambda k: _owned(ctx, models.DelaiPaiement, k, DelaiPaiement.from_row),
        "Attestation": lambda k: _owned(ctx, models.Attestation, k, Attestation.from_row),
        "AvisAppel": lambda k: _owned(ctx, models.AvisAppel, k, lambda r: avis_type(ctx, r)),
        "DeclarationMicro": lambda k: _owned(
            ctx, models.DeclarationMicro, k, DeclarationMicro.from_row
        ),
        "Actualite": lambda k: actualite_node(ctx, k),
        "Mandat": lambda k: workspace_node(ctx, "Mandat", k),
        "Collaborateur": lambda k: workspace_node(ctx, "Collaborateur", k),
        "EvenementAudit": lambda k: workspace_node(ctx, "EvenementAudit", k),
        "AyantDroit": lambda k: prevention.ayant_droit_node(ctx, k),
        "ConseilPrevention": lambda k: prevention.conseil_node(ctx, k),
        "Evenement": lambda k: evenements.evenement_node(ctx, k),
    }


async def node(ctx: Context, global_id: str) -> Node | None:
    ctx.require_principal()
    decoded = decode_global_id(global_id)
    if decoded is None:
        return None
    resolver = _resolvers(ctx).get(decoded[0])
    return None if resolver is None else await resolver(decoded[1])


async def nodes(ctx: Context, global_ids: list[str]) -> list[Node | None]:
    ctx.require_principal()
    if len(global_ids) > MAX_NODES:
        raise bad_user_input(f"ids : au plus {MAX_NODES} identifiants par requête.", "ids")
    return list(await asyncio.gather(*(node(ctx, gid) for gid in global_ids)))
