"""The boundary every mutation goes through: transaction, idempotency, audit.

Services never commit; this runner does, once, at the end (STYLE §3). A domain
refusal rolls back everything the action wrote, then the refusal itself is audited.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.nomenclatures import IssueAudit
from gateway.auth.principal import Principal
from gateway.clock import Clock
from gateway.context import Context
from gateway.db.engine import WRITE_TRANSACTION, writer_queue
from gateway.db.failures import is_lock_conflict
from gateway.db.models import EvenementAudit, Idempotence
from gateway.events import writing as events
from gateway.loaders import Loaders

log = logging.getLogger(__name__)


class NotFound(DomainError):
    """The worker (or object) is unknown, or the caller may not see it: same answer."""

    code = "NOT_FOUND"


@dataclass(slots=True)
class Outcome:
    """What a mutation produced, JSON-able so a retry can replay it.

    ``reference`` names the objects the payload shows (ids); ``errors`` the refusals.
    """

    reference: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    travailleur_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "errors": self.errors,
            "travailleur_id": self.travailleur_id,
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Outcome:
        return Outcome(
            reference=data.get("reference", {}),
            errors=data.get("errors", []),
            travailleur_id=data.get("travailleur_id"),
        )

    @staticmethod
    def refused(error: DomainError, travailleur_id: int | None = None) -> Outcome:
        return Outcome(
            errors=[{"field": error.field, "message": error.message, "code": error.code}],
            travailleur_id=travailleur_id,
        )


Action = Callable[[AsyncSession], Awaitable[Outcome]]
T = TypeVar("T")

#: A unit of work that lost a race for a lock is run again, at most this many times in all.
MAX_ATTEMPTS = 6
FIRST_BACKOFF_SECONDS = 0.02
MAX_BACKOFF_SECONDS = 0.5


async def run_mutation(
    ctx: Context,
    operation: str,
    action: Action,
    *,
    idempotency_key: str | None = None,
    actor: Callable[[], Principal | None] | None = None,
    audit_detail: str = "",
    audit_errors: bool = True,
    dry_run: bool = False,
) -> Outcome:
    """Run ``action`` in one write transaction, idempotently, and audit it.

    ``actor`` names who acted when it is only known afterwards (a login). A
    ``dry_run`` (preview) runs the same action and rolls it all back: nothing is
    written, audited or remembered. ``audit_errors=False`` keeps the refusal's text out
    of the audit event (health data: the operation and its result only). The idempotency
    key is claimed first, in the same
    transaction: a concurrent call with the same key waits for this one to end, then
    replays its result.
    """

    async def unit(session: AsyncSession) -> Outcome:
        claim: int | None = None
        if idempotency_key is not None and ctx.principal is not None:
            claim = await _claim_key(ctx, session, ctx.principal, idempotency_key, operation)
            if claim is None:
                return await _recorded_outcome(session, ctx.principal, idempotency_key, operation)
        outcome = await _attempt(session, action, keep_travailleur=True)
        who = actor() if actor is not None else ctx.principal
        _audit(ctx, session, who, operation, outcome, audit_detail, audit_errors=audit_errors)
        if claim is not None:
            recorded = outcome.to_json()
            await session.execute(
                update(Idempotence).where(Idempotence.id == claim).values(resultat=recorded)
            )
        return outcome

    if dry_run:
        return await in_write_transaction(
            ctx, lambda session: _attempt(session, action, keep_travailleur=False), commit=False
        )
    return await in_write_transaction(ctx, unit)


async def in_write_transaction(
    ctx: Context, work: Callable[[AsyncSession], Awaitable[T]], *, commit: bool = True
) -> T:
    """Run ``work`` on the request's session in a transaction of its own that holds the
    write lock from its start, then commit it (or roll it back: ``commit=False``).

    What the request read before ends first (its snapshot must not be written from).
    On SQLite the transaction waits its turn among this process's writers
    (``writer_queue``), then begins IMMEDIATE: it holds the database's one write lock
    before its first read, so no other writer can slip in between
    its reads and its writes. A unit that still lost a race for a lock (the busy
    timeout ran out on SQLite, a deadlock or serialization failure on PostgreSQL) is
    rolled back and run again whole, after a growing pause, ``MAX_ATTEMPTS`` times at
    most; loaders are rebuilt each time, so nothing read by a failed attempt is reused.
    """

    def fresh_loaders() -> None:
        ctx.loaders = Loaders(ctx.db, ctx.principal)

    ctx.db.writing = True
    try:
        result = await write_transaction(
            ctx.db.session, work, commit=commit, before_attempt=fresh_loaders, clock=ctx.clock
        )
    finally:
        ctx.db.writing = False
    # Payloads must show the state after the change, not what loaders cached before.
    fresh_loaders()
    return result


async def write_transaction(
    session: AsyncSession,
    work: Callable[[AsyncSession], Awaitable[T]],
    *,
    commit: bool = True,
    before_attempt: Callable[[], None] | None = None,
    clock: Clock | None = None,
) -> T:
    """``work`` in a write transaction of its own, retried whole on a lock conflict (see
    ``in_write_transaction``); for code with a session but no request context, such as
    the OAuth endpoints.

    The account changes it makes are captured as events and written, numbered, just
    before COMMIT (``gateway.events.writing``); a rolled-back attempt writes none."""
    attempt = 1
    while True:
        if session.in_transaction():
            await session.commit()
        if before_attempt is not None:
            before_attempt()
        last: int | None = None
        try:
            async with writer_queue(session.get_bind()) or contextlib.nullcontext():
                await session.connection(execution_options=WRITE_TRANSACTION)
                events.begin_capture(session, clock)
                try:
                    result = await work(session)
                    if commit:
                        last = await events.write_pending(session)
                        await session.commit()
                    else:
                        await session.rollback()
                finally:
                    events.end_capture(session)
        except Exception as error:
            await session.rollback()
            if not is_lock_conflict(error) or attempt >= MAX_ATTEMPTS:
                raise
            log.info("unit of work lost a lock race (attempt %d): %s", attempt, error.args[0])
        else:
            events.committed(last)
            return result
        await asyncio.sleep(_backoff(attempt))
        attempt += 1


def _backoff(attempt: int) -> float:
    """Exponential with jitter, so that the losers of one race do not meet again."""
    ceiling = min(FIRST_BACKOFF_SECONDS * (2 ** (attempt - 1)), MAX_BACKOFF_SECONDS)
    return random.uniform(ceiling / 2, ceiling)


async def _attempt(session: AsyncSession, action: Action, *, keep_travailleur: bool) -> Outcome:
    """The action inside a savepoint: a refusal undoes all it wrote, and only that (the
    claimed idempotency key and the write lock stay until the audit is committed)."""
    savepoint = await session.begin_nested()
    mark = events.pending_mark(session)
    try:
        outcome = await action(session)
    except DomainError as refusal:
        await savepoint.rollback()
        events.discard_since(session, mark)
        travailleur_id = getattr(refusal, "travailleur_id", None) if keep_travailleur else None
        return Outcome.refused(refusal, travailleur_id)
    if outcome.ok:
        await savepoint.commit()
    else:
        await savepoint.rollback()
        events.discard_since(session, mark)
    return outcome


async def _claim_key(
    ctx: Context, session: AsyncSession, who: Principal, key: str, operation: str
) -> int | None:
    """Insert the key's row (its result is filled in before commit): its id, or None
    when the key is already taken. On PostgreSQL a concurrent claim of the same key
    waits here until the first transaction ends; on SQLite the write lock already
    serialized them."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    statement = (
        insert(Idempotence)
        .values(
            principal=who.key,
            cle=key,
            operation=operation,
            resultat={},
            horodatage=ctx.clock.now(),
        )
        .on_conflict_do_nothing(index_elements=["principal", "cle"])
        .returning(Idempotence.id)
    )
    claimed: int | None = await session.scalar(statement)
    return claimed


async def _recorded_outcome(
    session: AsyncSession, who: Principal, key: str, operation: str
) -> Outcome:
    record = await session.scalar(
        select(Idempotence).where(Idempotence.principal == who.key, Idempotence.cle == key)
    )
    assert record is not None, "claimed by a committed transaction"
    if record.operation != operation:
        return Outcome(
            errors=[
                {
                    "field": "idempotencyKey",
                    "message": (
                        f"Cette clé d'idempotence a déjà servi pour l'opération {record.operation}."
                    ),
                    "code": "IDEMPOTENCY_KEY_REUSED",
                }
            ]
        )
    return Outcome.from_json(record.resultat)


def _audit(
    ctx: Context,
    session: AsyncSession,
    who: Principal | None,
    operation: str,
    outcome: Outcome,
    detail: str,
    *,
    audit_errors: bool = True,
) -> None:
    summary = {"detail": detail} if detail else {}
    if outcome.errors and audit_errors:
        summary["erreurs"] = "; ".join(str(e["message"]) for e in outcome.errors)
    session.add(
        EvenementAudit(
            horodatage=ctx.clock.now(),
            request_id=ctx.request_id,
            acteur_id=who.utilisateur_id if who else None,
            acteur=who.label if who else "anonyme",
            role=who.role if who else None,
            cabinet_id=who.cabinet_id if who else None,
            travailleur_id=outcome.travailleur_id,
            operation=operation,
            issue=IssueAudit.SUCCES if outcome.ok else IssueAudit.REFUS,
            detail=json.dumps(summary, ensure_ascii=False),
        )
    )
