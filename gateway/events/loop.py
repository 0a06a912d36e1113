"""The webhook delivery loop beside the server (``webhooks_in_server``)."""

from __future__ import annotations

import asyncio
from typing import Any

from gateway.events.delivery import TRANSPORT_CLOCK, options_for, run_delivery_loop
from gateway.events.writing import on_committed


def start_webhook_loop(services: Any, stop: asyncio.Event) -> asyncio.Task[None] | None:
    """Start delivering (woken at once by this process's commits); None when off."""
    if not services.settings.webhooks_in_server:
        return None
    wake = asyncio.Event()
    unregister = on_committed(lambda _sequence: wake.set())

    async def run() -> None:
        try:
            await run_delivery_loop(
                services.sessions,
                TRANSPORT_CLOCK,
                options_for(services.settings),
                stop_event=stop,
                wake=wake,
            )
        finally:
            unregister()

    return asyncio.create_task(run(), name="webhook-sender")
