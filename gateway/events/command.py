"""``gateway webhooks deliver [--watch]``: webhook deliveries from the command line.

Safe beside running servers: on PostgreSQL endpoints and deliveries are claimed with
``FOR UPDATE SKIP LOCKED`` and a lease (see ``gateway.events.delivery``).
"""

from __future__ import annotations

import asyncio
import signal

from gateway.config import Settings
from gateway.db.engine import create_engine, session_factory
from gateway.events.delivery import (
    TRANSPORT_CLOCK,
    DeliveryReport,
    deliver_all,
    options_for,
    run_delivery_loop,
)


async def deliver_command(settings: Settings, *, watch: bool = False) -> DeliveryReport:
    """Deliver until nothing is due (default), or until Ctrl-C (``watch``)."""
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    clock = TRANSPORT_CLOCK
    options = options_for(settings)
    try:
        if watch:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            await run_delivery_loop(sessions, clock, options, stop_event=stop)
            return DeliveryReport()
        return await deliver_all(sessions, clock, options)
    finally:
        await engine.dispose()
