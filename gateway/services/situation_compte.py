"""Keeping the stored account situation (``situation_compte``) equal to the computed one.

Three ways a row changes (issue 11):

* every write transaction: the workers it touched are collected from the rows it
  flushed (or marked with :func:`mark` by a service writing with core statements),
  and their rows are refreshed just before the commit, in the same transaction
  (:func:`refresh_touched`, called by the unit of work);
* a read for another day than the rows' (the clock moved): the stale rows the request
  needs are refreshed first, in a write transaction of their own (:func:`ensure_fresh`);
* ``gateway accounting-day``: every row refreshed to today, after storing what the date
  alone changes (a payment plan denounced 30 days after an unpaid instalment), one
  process at a time (:func:`accounting_day`).

Whichever of the three first stores a row past a declaration deadline also writes the
events of the declarations that became missing (:func:`refresh`,
``gateway.services.declarations_manquantes``): a read before the job does not swallow them.

A commit that did not go through the unit of work (a script, a seed) still never
leaves a wrong row behind: the touched workers' rows are deleted, so the next read
computes them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, delete, event, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from domain.delais import StatutDelai
from gateway.auth.principal import Principal
from gateway.auth.visibility import is_visible
from gateway.clock import Clock
from gateway.db import models
from gateway.db.engine import RequestSession
from gateway.db.models_situation import SituationCompte
from gateway.db.repositories import portfolio_situation as repository
from gateway.services.declarations_manquantes import tell_missing_declarations

log = logging.getLogger(__name__)

#: ``session.info`` keys: the workers touched by the transaction, the payment plans
#: touched (their worker is looked up at refresh), and the clock of the unit of work.
TOUCHED = "situation.travailleurs"
TOUCHED_PLANS = "situation.delais"
CLOCK = "situation.clock"

# Rows whose worker's indicators they feed (portfolio_indicateurs reads these tables).
_BY_WORKER: tuple[type[Any], ...] = (
    models.Echeance,
    models.DelaiPaiement,
    models.DeclarationMicro,
    models.Paiement,
    models.Revenu,
)
_BY_PLAN: tuple[type[Any], ...] = (models.EcheanceDelai, models.DelaiEcheanceCouverte)


def _sets(info: dict[str, Any]) -> tuple[set[int], set[int]]:
    return info.setdefault(TOUCHED, set()), info.setdefault(TOUCHED_PLANS, set())


def mark(session: AsyncSession | Session, *travailleur_ids: int) -> None:
    """Mark workers whose situation this transaction changes by core statements (the
    ORM rows a transaction flushes are found by themselves)."""
    _sets(session.info)[0].update(travailleur_ids)


def touched(session: AsyncSession | Session) -> set[int]:
    return set(_sets(session.info)[0])


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    workers, plans = _sets(session.info)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, models.Travailleur):
            if obj.id is not None:
                workers.add(obj.id)
        elif isinstance(obj, _BY_WORKER):
            if obj.travailleur_id is not None:
                workers.add(obj.travailleur_id)
        elif isinstance(obj, _BY_PLAN) and obj.delai_id is not None:
            plans.add(obj.delai_id)


@event.listens_for(Session, "before_commit")
def _invalidate_unrefreshed(session: Session) -> None:
    """A commit outside the unit of work: drop the rows it may have made wrong."""
    if session.in_nested_transaction():
        return  # a savepoint released: the transaction goes on (this hook fires for both)
    session.flush()
    workers, plans = _sets(session.info)
    if not workers and not plans:
        return
    owners = select(models.DelaiPaiement.travailleur_id).where(
        models.DelaiPaiement.id.in_(sorted(plans))
    )
    session.execute(
        delete(SituationCompte).where(
            SituationCompte.travailleur_id.in_(sorted(workers))
            | SituationCompte.travailleur_id.in_(owners)
        )
    )
    workers.clear()
    plans.clear()


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed or rolled back
        workers, plans = _sets(session.info)
        workers.clear()
        plans.clear()


async def refresh(session: AsyncSession, today: date, travailleur_ids: list[int]) -> int:
    """Every refresh of stored rows goes through here: the rows are recomputed for
    ``today``, and what the date alone changed since the rows' own day is told as events
    in the same transaction (declarations gone missing); how many were told."""
    replaced = await repository.refresh(session, today, travailleur_ids)
    return await tell_missing_declarations(session, today, replaced)


async def refresh_touched(session: AsyncSession) -> None:
    """Refresh, in the current transaction, the rows of the workers it touched, for the
    unit of work's today (no clock known: leave them to the commit, which drops them)."""
    clock: Clock | None = session.info.get(CLOCK)
    if clock is None:
        return
    await session.flush()
    workers, plans = _sets(session.info)
    if not workers and not plans:
        return
    ids = workers | await repository.workers_of_plans(session, plans)
    await refresh(session, clock.today(), sorted(ids))
    workers.clear()
    plans.clear()


# --- reads -------------------------------------------------------------------------------


async def refresh_stale(
    session: AsyncSession,
    today: date,
    principal: Principal | None,
    *,
    limit: int | None = None,
    among: list[int] | None = None,
) -> int:
    """Refresh the rows of the principal's visible workers (every worker: None), or of
    those ``among`` them, that are not valid for ``today``, at most ``limit`` of them;
    how many were refreshed."""

    def scope(column: Any) -> Any:
        visible = is_visible(column, principal) if principal is not None else column.is_not(None)
        return visible if among is None else and_(visible, column.in_(among))

    ids = await repository.stale_ids(session, today, scope)
    if limit is not None:
        ids = ids[:limit]
    await refresh(session, today, ids)
    return len(ids)


async def ensure_fresh(
    db: RequestSession, today: date, principal: Principal, among: list[int] | None = None
) -> None:
    """Refresh the principal's stale rows before a read, in write transactions of their
    own on the request's session, ``repository.CHUNK`` workers each: what a request cut
    short by its deadline had done stays done. The request's lock is held all along: the
    sibling fields resolved concurrently neither read in between nor see a transaction
    commit under them, and their next read starts after it (a new snapshot)."""
    from gateway.services.unit_of_work import write_transaction

    async with db.lock:
        refreshed = repository.CHUNK
        while refreshed == repository.CHUNK:  # a shorter batch was the last one
            refreshed = await write_transaction(
                db.session,
                lambda session: refresh_stale(
                    session, today, principal, limit=repository.CHUNK, among=among
                ),
                clock=Clock.at(today),  # the events it writes are of this day
            )


# --- the accounting day ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RapportJourneeComptable:
    """What ``gateway accounting-day`` did."""

    jour: date
    plans_denonces: int
    situations: int
    #: Income declarations that became missing (their deadline passed) and were told.
    declarations_manquantes: int = 0


async def _denounce_overdue_plans(session: AsyncSession, today: date) -> None:
    """Store the plans the date alone ended (denounced 30 days after an unpaid
    instalment, or paid off), as a read of the account on this day would (SPEC §5)."""
    from gateway.services.situation import observe_plans  # the plans' own rules

    owners = sorted(
        set(
            await session.scalars(
                select(models.DelaiPaiement.travailleur_id).where(
                    models.DelaiPaiement.statut == StatutDelai.ACCEPTE
                )
            )
        )
    )
    for travailleur_id in owners:
        await observe_plans(session, travailleur_id, today)
    await session.flush()


async def accounting_day(session: AsyncSession, clock: Clock) -> RapportJourneeComptable:
    """The accounting day, in one write transaction on ``session`` (the caller holds the
    write lock): plans the date ended are stored, then every worker's situation is
    computed for today. Running it again the same day changes nothing."""
    today = clock.today()
    session.info[CLOCK] = clock
    before = await session.scalar(
        select(_count()).where(models.DelaiPaiement.statut == StatutDelai.DENONCE)
    )
    await _denounce_overdue_plans(session, today)
    after = await session.scalar(
        select(_count()).where(models.DelaiPaiement.statut == StatutDelai.DENONCE)
    )
    # The plans observed were marked as touched: refresh them with everyone else.
    await session.flush()
    _sets(session.info)[0].clear()
    _sets(session.info)[1].clear()
    ids = await repository.all_ids(session)
    missing = await refresh(session, today, ids)
    return RapportJourneeComptable(
        today, int(after or 0) - int(before or 0), len(ids), declarations_manquantes=missing
    )


def _count() -> Any:
    return func.count(models.DelaiPaiement.id)


async def _advisory_lock(session: AsyncSession) -> bool:
    """PostgreSQL: one accounting day at a time, across processes and hosts (released
    at the end of the transaction). SQLite: the write transaction already is."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    got = await session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    return bool(got)


#: The advisory lock of the accounting day (an arbitrary constant of this application).
LOCK_KEY = 1_103_011


class AccountingDayRunning(RuntimeError):
    """Another process is running the accounting day."""


async def accounting_day_in(session: AsyncSession, clock: Clock) -> RapportJourneeComptable:
    """The accounting day in a write transaction of its own, committed."""
    from gateway.services.unit_of_work import write_transaction

    async def work(s: AsyncSession) -> RapportJourneeComptable:
        if not await _advisory_lock(s):
            raise AccountingDayRunning("Une journée comptable est déjà en cours.")
        return await accounting_day(s, clock)

    # Through the unit of work: what the date alone changed (a plan denounced) is written
    # as events, like any change.
    return await write_transaction(session, work, clock=clock)


async def accounting_day_command(settings: Any) -> RapportJourneeComptable:
    """``gateway accounting-day``."""
    from gateway.app import clock_for  # the app's date rules; imported late (heavy module)
    from gateway.db.engine import create_engine, session_factory

    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            return await accounting_day_in(session, clock_for(settings))
    finally:
        await engine.dispose()
