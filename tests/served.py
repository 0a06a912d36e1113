"""``gateway serve`` as a real process on a migrated SQLite database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from gateway.db.migrate import upgrade

GATEWAY = Path(sys.executable).parent / "gateway"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serve(folder: Path, env: dict[str, str] | None = None) -> Iterator[tuple[str, Path]]:
    """Yields (base URL, file receiving the server's stderr)."""
    url = f"sqlite+aiosqlite:///{folder / 'gateway.sqlite3'}"
    upgrade(url)
    port = free_port()
    environment = (
        os.environ
        | {
            "DATABASE_URL": url,
            "GATEWAY_TODAY": "2026-11-23",
            "GATEWAY_MAIL_DIR": str(folder / "mail"),
        }
        | (env or {})
    )
    stderr = folder / "stderr.log"
    with stderr.open("wb") as sink:
        process = subprocess.Popen(
            [str(GATEWAY), "serve", "--port", str(port)], env=environment, stderr=sink, cwd=folder
        )
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
            yield base, stderr
        finally:
            process.terminate()
            process.wait(10)
