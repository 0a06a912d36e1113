"""``gateway mail send``: deliver the outbox from the command line.

Useful when the server is not running (cron, a one-off after an SMTP outage) and in
``make run`` to flush mail to the folder. Safe next to a running server on
PostgreSQL: rows are claimed with SKIP LOCKED (see ``gateway.mail.sender``).
"""

from __future__ import annotations

import asyncio
import logging
import signal

from gateway.config import Settings
from gateway.db.engine import create_engine, session_factory
from gateway.mail.sender import DeliveryReport, deliver_pending, run_sender_loop
from gateway.mail.transport import transport_for

log = logging.getLogger(__name__)


async def send_mail_command(
    settings: Settings, *, watch: bool = False, interval_seconds: float = 5
) -> DeliveryReport:
    """One pass draining every due message (default), or a loop until Ctrl-C (``watch``)."""
    from gateway.app import clock_for  # the app's date rules; imported late (heavy module)

    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    transport = transport_for(settings)
    clock = clock_for(settings)
    try:
        if watch:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            await run_sender_loop(
                sessions, transport, clock, interval_seconds=interval_seconds, stop_event=stop
            )
            return DeliveryReport()
        sent = failed = abandoned = 0
        batch_size = 50
        while True:  # full batches mean more may be due
            report = await deliver_pending(sessions, transport, clock, batch_size=batch_size)
            sent, failed = sent + report.sent, failed + report.failed
            abandoned += report.abandoned
            if report.attempted < batch_size:
                break
        total = DeliveryReport(sent=sent, failed=failed, abandoned=abandoned)
        log.info("%s sent, %s failed (%s abandoned) via %r", sent, failed, abandoned, transport)
        return total
    finally:
        await engine.dispose()
