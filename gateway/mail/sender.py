"""Delivers the e-mail outbox (``courriel_sortant``) with retries.

Guarantees:
- A row is marked sent only after the transport returned, i.e. the SMTP server
  accepted the message. A crash between acceptance and the commit means the message
  is sent again on restart (at least once, never zero times); its Message-ID is
  derived from the row so the duplicate is recognisable.
- Each row is claimed, sent and updated in its own transaction: a failure on one row
  never undoes another row's "sent".
- On PostgreSQL the row is claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` and the
  lock is held until the row's outcome is committed, so two senders (two server
  processes, or the server and ``gateway mail send``) never send the same row. SQLite
  has no row locks (the clause is compiled away): there the row's transaction is a
  write transaction from its start (BEGIN IMMEDIATE), so senders take turns; it holds
  the database's write lock while the message is handed to the transport.
- A failure increments ``tentatives``, keeps the error and schedules the next try with
  exponential backoff; after ``max_attempts`` the row stays unsent with its error and
  no next try (``prochaine_tentative`` NULL), visible to an operator, who can retry it
  by setting ``prochaine_tentative`` again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.db.engine import WRITE_TRANSACTION, writer_queue
from gateway.db.models import CourrielSortant
from gateway.mail.transport import MailTransport, OutgoingMail

log = logging.getLogger(__name__)

FIRST_RETRY_DELAY = timedelta(minutes=1)
MAX_RETRY_DELAY = timedelta(hours=1)
#: Errors can be long (a server's multi-line reply, a traceback-like message): keep
#: enough to diagnose without bloating the table.
MAX_ERROR_LENGTH = 2000


class SupportsNow(Protocol):
    """What the sender needs of a clock (``gateway.clock.Clock`` or a test's fake)."""

    def now(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What one ``deliver_pending`` pass did, for logs and the CLI."""

    sent: int = 0
    failed: int = 0
    #: Failures that used up the last attempt: no further retry is scheduled.
    abandoned: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.failed


def retry_delay(tentatives: int) -> timedelta:
    """Wait after the ``tentatives``-th failure: 1, 2, 4 … minutes, at most one hour."""
    doublings = min(max(tentatives - 1, 0), 16)  # bounded: the cap is reached long before
    return min(FIRST_RETRY_DELAY * (1 << doublings), MAX_RETRY_DELAY)


def _describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text[:MAX_ERROR_LENGTH]


async def _claim_next(
    session: AsyncSession, now: datetime, max_attempts: int, skip: Collection[int]
) -> CourrielSortant | None:
    """The oldest due unsent row, locked on PostgreSQL; rows locked by another sender
    are skipped rather than waited for."""
    query = (
        select(CourrielSortant)
        .where(
            CourrielSortant.envoye_le.is_(None),
            CourrielSortant.prochaine_tentative.is_not(None),
            CourrielSortant.prochaine_tentative <= now,
            CourrielSortant.tentatives < max_attempts,
        )
        .order_by(CourrielSortant.horodatage, CourrielSortant.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if skip:
        # Already tried in this pass: never twice in one pass, whatever the clock does.
        query = query.where(CourrielSortant.id.not_in(skip))
    return (await session.scalars(query)).first()


def _write_turn(session: AsyncSession) -> contextlib.AbstractAsyncContextManager[object]:
    queue = writer_queue(session.get_bind())
    return queue if queue is not None else contextlib.nullcontext()


async def deliver_pending(
    sessions: async_sessionmaker[AsyncSession],
    transport: MailTransport,
    clock: SupportsNow,
    *,
    batch_size: int = 50,
    max_attempts: int = 8,
) -> DeliveryReport:
    """Send up to ``batch_size`` due messages, oldest first; see the module docstring."""
    now = clock.now()
    tried: list[int] = []
    sent = failed = abandoned = 0
    while len(tried) < batch_size:
        async with sessions() as session, _write_turn(session), session.begin():
            await session.connection(execution_options=WRITE_TRANSACTION)
            row = await _claim_next(session, now, max_attempts, tried)
            if row is None:
                break
            tried.append(row.id)
            mail = OutgoingMail(row.id, row.destinataire, row.sujet, row.corps, row.horodatage)
            try:
                await transport.send(mail)
            except Exception as error:  # any failure is retried; nothing is dropped
                row.tentatives += 1
                row.derniere_erreur = _describe(error)
                failed += 1
                if row.tentatives >= max_attempts:
                    row.prochaine_tentative = None
                    abandoned += 1
                    # Ids only in logs: addresses are personal data and stay in the table.
                    log.error(
                        "courriel %s abandoned after %s attempts: %s",
                        row.id,
                        row.tentatives,
                        row.derniere_erreur,
                    )
                else:
                    row.prochaine_tentative = clock.now() + retry_delay(row.tentatives)
                    log.warning(
                        "courriel %s not sent (attempt %s), next try at %s: %s",
                        row.id,
                        row.tentatives,
                        row.prochaine_tentative,
                        row.derniere_erreur,
                    )
            else:
                # tentatives and derniere_erreur stay as the record of earlier failures.
                row.envoye_le = clock.now()
                row.prochaine_tentative = None
                sent += 1
    return DeliveryReport(sent=sent, failed=failed, abandoned=abandoned)


async def run_sender_loop(
    sessions: async_sessionmaker[AsyncSession],
    transport: MailTransport,
    clock: SupportsNow,
    *,
    interval_seconds: float = 5,
    stop_event: asyncio.Event | None = None,
    batch_size: int = 50,
    max_attempts: int = 8,
) -> None:
    """Deliver the outbox until ``stop_event`` is set (or the task is cancelled).

    A full batch is followed immediately by the next one (a backlog drains fast);
    otherwise the loop sleeps ``interval_seconds``, waking early on ``stop_event``.
    An error of the pass itself (database unreachable…) is logged and retried on the
    next tick: the background task must outlive a database restart.
    """
    stop = stop_event or asyncio.Event()
    log.info("mail sender started (%r, every %ss)", transport, interval_seconds)
    while not stop.is_set():
        try:
            report = await deliver_pending(
                sessions, transport, clock, batch_size=batch_size, max_attempts=max_attempts
            )
        except Exception:
            log.exception("mail sender pass failed; retrying in %ss", interval_seconds)
            report = DeliveryReport()
        if report.attempted:
            log.info("mail sender: %s sent, %s failed", report.sent, report.failed)
        if report.attempted >= batch_size:
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval_seconds)
    log.info("mail sender stopped")
