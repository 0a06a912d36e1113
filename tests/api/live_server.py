"""A real uvicorn server on a free port, for what only a real server shows (HTTP status
and headers as sent on the wire, a database going away under it)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn

from gateway.app import create_app
from gateway.config import Settings
from gateway.context import AppServices


def free_port() -> int:
    """A port nothing listens on (bound then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def live_server(
    settings: Settings, services: AppServices | None = None
) -> AsyncIterator[str]:
    """Serve the app (with its lifespan) until the block ends; yields its base URL.
    ``services``: the app's, when the test looks inside the server (its pool)."""
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, services=services), lifespan="on", log_level="warning")
    )
    task = asyncio.create_task(server.serve(sockets=[listening]))
    try:
        async with asyncio.timeout(20):
            while not server.started:
                if task.done():
                    task.result()  # the server failed to start: show why
                await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        listening.close()
