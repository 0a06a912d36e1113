"""Reading events for a principal: the one filter every channel (feed, webhooks,
subscriptions) applies, at read time.

An event is visible to whoever may see its worker *now* (``is_visible``: a revoked
mandate stops the flow at once), and a mandate event also to the cabinet it concerns
when that cabinet sees its whole portfolio (its administrators and OAuth clients), so
a cabinet learns that it lost a client. Such an event then shows ids only: the worker
itself is no longer visible to it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select

from domain.evenements import MANDAT_EVENTS, TypeEvenement
from domain.nomenclatures import Role
from gateway.auth.principal import Principal
from gateway.auth.visibility import is_visible
from gateway.events.models import Evenement

#: The most events one read returns (the feed's ``first`` maximum).
MAX_EVENTS = 500


def visible_to(principal: Principal | None) -> ColumnElement[bool]:
    """The SQL condition on ``evenement`` rows the principal may read."""
    if principal is None:
        return false()
    seen = is_visible(Evenement.travailleur_id, principal)
    if (
        principal.role is Role.EXPERT_COMPTABLE
        and principal.sees_whole_cabinet
        and principal.cabinet_id is not None
    ):
        return or_(
            seen,
            and_(
                Evenement.cabinet_id == principal.cabinet_id,
                Evenement.type.in_(sorted(MANDAT_EVENTS)),
            ),
        )
    return seen


async def events_for(
    session: Any,
    principal: Principal | None,
    *,
    after: int = 0,
    types: Collection[TypeEvenement] | None = None,
    limit: int = MAX_EVENTS,
    travailleur_id: int | None = None,
) -> Sequence[Evenement]:
    """The principal's events of sequence above ``after``, in sequence order.

    ``session``: an ``AsyncSession`` or the request's ``RequestSession`` (both have
    ``scalars``). Sequences are gap-free as read (``gateway.events.writing``), so
    resuming after the last sequence seen misses nothing and repeats nothing.
    """
    statement = (
        select(Evenement)
        .where(Evenement.sequence > after, visible_to(principal))
        .order_by(Evenement.sequence)
        .limit(limit)
    )
    if types:
        statement = statement.where(Evenement.type.in_(sorted(types)))
    if travailleur_id is not None:
        statement = statement.where(Evenement.travailleur_id == travailleur_id)
    result = await session.scalars(statement)
    return list(result)


async def visible_event(
    session: Any, principal: Principal | None, sequence: int
) -> Evenement | None:
    """The event of ``sequence`` if the principal may read it now, else None."""
    rows = await session.scalars(
        select(Evenement).where(Evenement.sequence == sequence, visible_to(principal))
    )
    found = list(rows)
    return found[0] if found else None


async def payloads_of(
    session: Any, kind: TypeEvenement, travailleur_ids: Collection[int]
) -> list[tuple[int, dict[str, Any]]]:
    """Every event of ``kind`` ever written for these workers, whoever may see it:
    (worker, payload) pairs, for code that must not write the same event twice."""
    rows = await session.execute(
        select(Evenement.travailleur_id, Evenement.donnees).where(
            Evenement.type == kind, Evenement.travailleur_id.in_(sorted(set(travailleur_ids)))
        )
    )
    return [(int(ident), dict(donnees)) for ident, donnees in rows]
