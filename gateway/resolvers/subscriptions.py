"""Subscriptions: thin resolvers over ``gateway.live.streams``."""

from __future__ import annotations

from collections.abc import AsyncIterator

from domain.evenements import TypeEvenement
from domain.nomenclatures import Role
from gateway.auth.principal import Principal, Scope
from gateway.context import Context
from gateway.events.models import Evenement as EvenementRow
from gateway.global_ids import decode_int_id
from gateway.live.streams import event_stream, worker_visible
from gateway.live.websocket import LiveContext
from gateway.resolvers.evenements import decode_sequence_cursor
from gateway.schema.errors import ApiError, ErrorCode, bad_user_input
from gateway.schema.evenements import Evenement

NOT_FOUND = "Travailleur introuvable."


def _live(ctx: Context) -> LiveContext:
    if not isinstance(ctx, LiveContext):
        raise bad_user_input(
            "Les abonnements passent par WebSocket (protocole graphql-transport-ws) sur /graphql.",
        )
    return ctx


def _reader(ctx: Context) -> Principal:
    # An OAuth client needs the read scope, as for queries.
    return ctx.require_scope(Scope.READ)


def _after(depuis: str | None) -> int | None:
    if depuis is None:
        return None
    after = decode_sequence_cursor(depuis)
    if after is None:
        raise bad_user_input("depuis : curseur invalide.", "depuis")
    return after


async def evenements_compte(
    ctx: Context, travailleur_id: str, types: list[TypeEvenement] | None, depuis: str | None
) -> AsyncIterator[Evenement]:
    """Checks first (a refusal is the operation's error), then the stream."""
    live = _live(ctx)
    principal = _reader(ctx)
    after = _after(depuis)
    key = decode_int_id(travailleur_id, "Travailleur")
    # Unknown, malformed and not visible look the same.
    if key is None or not await worker_visible(live.db, principal, key):
        raise ApiError(NOT_FOUND, ErrorCode.NOT_FOUND)
    return _events(event_stream(live, principal, travailleur_id=key, types=types, after=after))


async def evenements_portefeuille(
    ctx: Context, types: list[TypeEvenement] | None, depuis: str | None
) -> AsyncIterator[Evenement]:
    live = _live(ctx)
    ctx.require_role(Role.EXPERT_COMPTABLE)
    principal = _reader(ctx)
    after = _after(depuis)
    return _events(event_stream(live, principal, types=types, after=after))


async def _events(rows: AsyncIterator[EvenementRow]) -> AsyncIterator[Evenement]:
    async for row in rows:
        yield Evenement.from_row(row)
