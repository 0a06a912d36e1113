"""The event streams behind the subscriptions, read from the event table.

A stream starts after the last event written when it is subscribed, then, each time
the broker wakes it (a notification from any process, or every ``RECHECK_SECONDS``),
reads the events after its cursor that its principal may see *now* (the visibility of
the change feed and the webhooks: ``gateway.events.reading``), oldest first. Hence:

- no event is lost or repeated between wake-ups: sequences are gap-free as read, and
  the cursor only moves past events actually read;
- a mandate revoked, a user deactivated or an OAuth client revoked stops the flow at
  the next read; a stream on one worker (``evenementsCompte``) that no longer sees
  it closes the connection (4403), and the token's validity is checked again every
  ``RECHECK_SECONDS`` (4401 when it no longer holds);
- between events the stream holds no database connection (its session is closed), and
  its own checks (token, worker still visible) take turns with the other streams' in
  the process (``MAX_CONCURRENT_CHECKS`` at once), so an event waking a hundred streams
  does not empty the pool;
- streams whose principals see the same events (``visibility_group``), with the same
  filters and cursor, share one read per wake-up: a hundred dashboards of one cabinet
  cost one statement per event and process, not a hundred.
"""

from __future__ import annotations

import random
import time
from collections.abc import AsyncIterator, Collection, Hashable
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.evenements import TypeEvenement
from domain.nomenclatures import Role
from gateway.auth.principal import Principal
from gateway.auth.visibility import is_visible
from gateway.db.engine import RequestSession
from gateway.db.models import Travailleur
from gateway.events.models import Evenement
from gateway.events.reading import events_for
from gateway.live.websocket import FORBIDDEN, LiveContext, subscription_slot
from gateway.schema.errors import bad_user_input

#: How often a stream re-checks its token and visibility with no event (seconds).
RECHECK_SECONDS = 5.0
#: Subscriptions one principal may hold at once in one process.
MAX_SUBSCRIPTIONS_PER_PRINCIPAL = 10
#: Events read at once; a larger backlog is read in several rounds.
BATCH = 200

LOST_WORKER = "Ce travailleur n'est plus visible (mandat révoqué) : abonnement fermé."


async def latest_sequence(session: AsyncSession | RequestSession) -> int:
    found = await session.scalar(select(func.max(Evenement.sequence)))
    return int(found or 0)


async def worker_visible(db: RequestSession, principal: Principal, travailleur_id: int) -> bool:
    found = await db.scalar(
        select(Travailleur.id).where(
            Travailleur.id == travailleur_id, is_visible(Travailleur.id, principal)
        )
    )
    return found is not None


def visibility_group(principal: Principal) -> Hashable:
    """Principals of one group see exactly the same events, so their streams may share
    reads: what ``is_visible`` and ``gateway.events.reading.visible_to`` depend on
    (keep in step with them; the tests of who receives what cover every kind)."""
    if principal.role is Role.TRAVAILLEUR:
        return ("travailleur", principal.travailleur_id)
    if principal.role is Role.AGENT:
        return ("caisse", principal.caisse_id)
    if principal.sees_whole_cabinet:
        return ("cabinet", principal.cabinet_id)
    return ("collaborateur", principal.cabinet_id, principal.utilisateur_id)


async def event_stream(
    context: LiveContext,
    principal: Principal,
    *,
    travailleur_id: int | None = None,
    types: Collection[TypeEvenement] | None = None,
    after: int | None = None,
) -> AsyncIterator[Evenement]:
    """The principal's events after sequence ``after``, by default from now on (see
    the module docstring)."""
    connection = context.connection
    assert connection is not None, "subscriptions run on a WebSocket"
    broker = context.services.broker
    with subscription_slot(broker.slots, principal, MAX_SUBSCRIPTIONS_PER_PRINCIPAL) as taken:
        if not taken:
            raise bad_user_input(
                f"Trop d'abonnements simultanés : au plus {MAX_SUBSCRIPTIONS_PER_PRINCIPAL} "
                "par compte ; fermez-en un d'abord.",
                field="subscription",
            )
        group = visibility_group(principal)
        wanted = tuple(sorted(types)) if types else None
        generation = broker.generation
        if after is None:
            # Shared too: subscriptions opened together ask the database once. Never
            # wait for a shared read holding a connection (the reader needs one too).
            await context.db.session.close()
            cursor = await broker.shared_read(("dernière séquence",), latest_sequence)
        else:
            cursor = after
        # Events already written after ``after`` are read at once.
        more = after is not None
        # Spread over the period: subscriptions opened together do not all check at once.
        checked = time.monotonic() - random.uniform(0, RECHECK_SECONDS)
        broker.subscribers += 1
        try:
            while not connection.closed.is_set():
                # No connection held while waiting (a socket lives for hours).
                await context.db.session.close()
                if not more:
                    generation = await broker.wait(generation, RECHECK_SECONDS)
                if connection.closed.is_set():
                    return
                context.fresh_loaders()
                due = time.monotonic() - checked >= RECHECK_SECONDS
                if due or travailleur_id is not None:
                    # One event wakes every subscription: their checks take turns
                    # (``broker.checks``) rather than the whole pool at once.
                    async with broker.checks:
                        try:
                            if due:
                                checked = time.monotonic()
                                if not await connection.still_valid(context.db):
                                    return
                            if travailleur_id is not None and not await worker_visible(
                                context.db, principal, travailleur_id
                            ):
                                await connection.close(FORBIDDEN, LOST_WORKER)
                                return
                        finally:
                            # Given back before the next turn, and before the shared
                            # read below (no hold-and-wait).
                            await context.db.session.close()
                events = await broker.shared_read(
                    (group, travailleur_id, wanted, cursor),
                    partial(
                        events_for,
                        principal=principal,
                        after=cursor,
                        types=types,
                        limit=BATCH,
                        travailleur_id=travailleur_id,
                    ),
                )
                more = len(events) == BATCH
                for event in events:
                    cursor = event.sequence
                    yield event
        finally:
            broker.subscribers -= 1
