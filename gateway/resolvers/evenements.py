"""The change feed: a page of the principal's events after a cursor."""

from __future__ import annotations

from sqlalchemy import select

from domain.evenements import TypeEvenement
from gateway.context import Context
from gateway.events.models import Evenement as EvenementRow
from gateway.events.reading import MAX_EVENTS, events_for, visible_to
from gateway.global_ids import decode_int_id, encode_global_id, parse_key
from gateway.live.streams import latest_sequence
from gateway.schema.errors import bad_user_input
from gateway.schema.evenements import (
    Evenement,
    EvenementConnection,
    EvenementEdge,
    EvenementPageInfo,
)

CURSOR_KIND = "sequence"


def encode_sequence_cursor(sequence: int) -> str:
    return encode_global_id(CURSOR_KIND, sequence)


def decode_sequence_cursor(cursor: str) -> int | None:
    return decode_int_id(cursor, CURSOR_KIND)


async def feed(
    ctx: Context,
    depuis: str | None,
    types: list[TypeEvenement] | None,
    travailleur_id: str | None,
    first: int,
) -> EvenementConnection:
    principal = ctx.require_principal()
    if not 0 <= first <= MAX_EVENTS:
        raise bad_user_input(
            f"first : doit être compris entre 0 et {MAX_EVENTS} (reçu {first}).", "first"
        )
    after = 0
    if depuis is not None:
        decoded = decode_sequence_cursor(depuis)
        if decoded is None:
            raise bad_user_input("depuis : curseur invalide.", "depuis")
        after = decoded
    worker: int | None = None
    if travailleur_id is not None:
        worker = decode_int_id(travailleur_id, "Travailleur")
        if worker is None:
            raise bad_user_input(
                "travailleurId : identifiant de travailleur invalide.", "travailleurId"
            )
    rows = await events_for(
        ctx.db, principal, after=after, types=types, limit=first + 1, travailleur_id=worker
    )
    page = [Evenement.from_row(r) for r in rows[:first]]
    edges = [EvenementEdge(node=e, cursor=encode_sequence_cursor(e.sequence)) for e in page]
    end = edges[-1].cursor if edges else encode_sequence_cursor(after)
    return EvenementConnection(
        edges=edges,
        nodes=page,
        page_info=EvenementPageInfo(has_next_page=len(rows) > first, end_cursor=end),
    )


async def current_cursor(ctx: Context) -> str:
    """The cursor after the last event committed (as read: sequences are handed out in
    commit order, so every event below it is already visible)."""
    ctx.require_principal()
    return encode_sequence_cursor(await latest_sequence(ctx.db))


async def evenement_node(ctx: Context, key: str) -> Evenement | None:
    """``node(id)`` of an event: null unless the caller may read it now (batched: the
    delivery log resolves many at once in one statement)."""
    sequence = parse_key(key)
    if sequence is None:
        return None

    async def batch(sequences: list[int]) -> list[EvenementRow | None]:
        rows = await ctx.db.scalars(
            select(EvenementRow).where(
                EvenementRow.sequence.in_(sequences), visible_to(ctx.principal)
            )
        )
        found = {row.sequence: row for row in rows}
        return [found.get(s) for s in sequences]

    row = await ctx.loaders.custom("evenements.par_sequence", batch).load(sequence)
    return None if row is None else Evenement.from_row(row)
