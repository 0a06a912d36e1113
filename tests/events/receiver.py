"""A real HTTP webhook receiver for the tests: verifies each delivery's signature with
the reference Standard Webhooks library, as an integrator would, and can be down."""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    webhook_id: str
    timestamp: str
    body: dict[str, Any]


@dataclass
class Receiver:
    port: int = 0
    secret: str | None = None
    #: Answer 503 instead of accepting (the receiver's application is failing).
    failing: bool = False
    received: list[Received] = field(default_factory=list)
    refused_signatures: int = 0
    answered_503: int = 0
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        status = 204
        if self.failing:
            self.answered_503 += 1
            status = 503
        else:
            try:
                assert self.secret is not None
                Webhook(self.secret).verify(body, headers)
            except (WebhookVerificationError, AssertionError):
                self.refused_signatures += 1
                status = 400
            else:
                self.received.append(
                    Received(headers["webhook-id"], headers["webhook-timestamp"], json.loads(body))
                )
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def start(self) -> None:
        """Listen (again on the same port after a stop: the endpoint URL stays valid)."""
        listening = socket.socket()
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(("127.0.0.1", self.port))
        self.port = listening.getsockname()[1]
        self._server = uvicorn.Server(
            uvicorn.Config(self.app, lifespan="off", log_level="warning", interface="asgi3")
        )
        self._task = asyncio.create_task(self._server.serve(sockets=[listening]))
        async with asyncio.timeout(10):
            while not self._server.started:
                if self._task.done():
                    self._task.result()  # the server failed to start: show why
                await asyncio.sleep(0.01)

    async def stop(self) -> None:
        """Close the port: deliveries meet a refused connection."""
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
            self._server = self._task = None

    def ids(self) -> list[str]:
        return [r.webhook_id for r in self.received]
