"""Real ``gateway serve`` processes on one database, and a graphql-transport-ws client."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import websockets

from tests.served import GATEWAY, free_port

PROTOCOL = "graphql-transport-ws"


@dataclass
class Served:
    base: str
    mail_dir: Path
    stderr: Path

    @property
    def ws(self) -> str:
        return self.base.replace("http://", "ws://") + "/graphql"


@contextmanager
def serve_on(
    database_url: str, folder: Path, env: dict[str, str] | None = None, workers: int = 1
) -> Iterator[Served]:
    """``gateway serve`` on ``database_url`` (migrated) until the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    environment = (
        os.environ
        | {
            "DATABASE_URL": database_url,
            "GATEWAY_TODAY": "2026-11-23",
            "GATEWAY_MAIL_DIR": str(folder / "mail"),
            "GATEWAY_LOG_FORMAT": "text",
            "GATEWAY_LOG_LEVEL": "WARNING",
        }
        | (env or {})
    )
    stderr = folder / "stderr.log"
    command = [str(GATEWAY), "serve", "--port", str(port), "--workers", str(workers)]
    with stderr.open("wb") as sink:
        process = subprocess.Popen(command, env=environment, stderr=sink, cwd=folder)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120  # a loaded 2-core machine starts slowly
            while True:
                try:
                    httpx.get(f"{base}/health", timeout=1)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError(stderr.read_text()) from None
                    time.sleep(0.1)
            yield Served(base, folder / "mail", stderr)
        finally:
            process.terminate()
            process.wait(20)


def graphql(
    base: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers,
        timeout=30,
    )
    body: dict[str, Any] = response.json()
    return body


def login(base: str, identifiant: str, mot_de_passe: str) -> str:
    body = graphql(
        base,
        """mutation($i: String!, $m: String!) {
             login(input: {identifiant: $i, motDePasse: $m}) { accessToken userErrors { code } }
           }""",
        {"i": identifiant, "m": mot_de_passe},
    )
    token = body["data"]["login"]["accessToken"]
    assert token, body
    return str(token)


class Subscriber:
    """One graphql-transport-ws connection (the `websockets` client)."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.next_id = 0

    @classmethod
    async def open(
        cls, url: str, token: str | None, payload: dict[str, Any] | None = None
    ) -> Subscriber:
        connection = await websockets.connect(url, subprotocols=[PROTOCOL])  # type: ignore[list-item]
        init = payload if payload is not None else {"Authorization": f"Bearer {token}"}
        await connection.send(json.dumps({"type": "connection_init", "payload": init}))
        return cls(connection)

    async def acknowledged(self) -> None:
        message = await self.receive()
        assert message["type"] == "connection_ack", message

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self.next_id += 1
        op = str(self.next_id)
        await self.connection.send(
            json.dumps(
                {
                    "id": op,
                    "type": "subscribe",
                    "payload": {"query": query, "variables": variables or {}},
                }
            )
        )
        return op

    async def receive(self, within: float = 15) -> dict[str, Any]:
        while True:
            raw = await asyncio.wait_for(self.connection.recv(), within)
            message: dict[str, Any] = json.loads(raw)
            if message["type"] == "ping":
                await self.connection.send(json.dumps({"type": "pong"}))
                continue
            return message

    async def closed(self, within: float = 10) -> tuple[int, str]:
        """Waits for the server to close the connection: (code, reason)."""
        try:
            async with asyncio.timeout(within):
                while True:
                    await self.connection.recv()
        except websockets.ConnectionClosed as closed:
            assert closed.rcvd is not None
            return closed.rcvd.code, closed.rcvd.reason
        raise AssertionError("unreachable")

    async def close(self) -> None:
        await self.connection.close()
