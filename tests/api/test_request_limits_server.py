"""The request body limit and deep JSON against a real uvicorn server (issue 9, item 9):
HTTP 413 before parsing, with or without Content-Length; 400 for JSON nested too deep."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from gateway.app import create_app
from gateway.config import Settings
from tests.conftest import Database
from tests.conftest import test_settings as settings_for

LIMIT = 1_048_576


@pytest.fixture
def server(db: Database) -> Iterator[int]:
    """A uvicorn server on a free port, in a thread with its own event loop."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(settings=settings_for(db.url))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield port
    instance.should_exit = True
    thread.join(20)


def exchange(port: int, head: str, body_parts: list[bytes], pause: float = 0) -> tuple[int, bytes]:
    """Send a raw request, return (status, body) of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
        connection.sendall(head.encode())
        try:
            for part in body_parts:
                connection.sendall(part)
                if pause:
                    time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed without reading the rest
        answer = b""
        while b"\r\n\r\n" not in answer or not _complete(answer):
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def _complete(answer: bytes) -> bool:
    headers, _, body = answer.partition(b"\r\n\r\n")
    for line in headers.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def post_head(length: int | None) -> str:
    framing = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    return (
        "POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        f"{framing}\r\n\r\n"
    )


def graphql_body(size: int) -> bytes:
    """A query padded with a comment to ``size`` bytes (comments are not tokens)."""
    start = b'{"query": "# '
    end = b'\\n{ __typename }"}'
    return start + b"x" * (size - len(start) - len(end)) + end


def refusal() -> dict:
    return {
        "errors": [
            {
                "message": f"Corps de requête trop volumineux : au plus {LIMIT} octets.",
                "extensions": {"code": "REQUEST_TOO_LARGE", "limit": LIMIT},
            }
        ]
    }


def test_the_default_limit_is_1_mb_and_configurable(monkeypatch) -> None:
    assert Settings().max_body_bytes == LIMIT
    monkeypatch.setenv("GATEWAY_MAX_BODY_BYTES", "2048")
    assert Settings.from_environment().max_body_bytes == 2048


def test_a_body_at_the_limit_is_served(server: int) -> None:
    body = graphql_body(LIMIT)
    status, answer = exchange(server, post_head(len(body)), [body])
    assert status == 200
    assert json.loads(answer)["data"] == {"__typename": "Query"}


def test_a_declared_30_mb_body_is_refused_before_it_is_sent(server: int) -> None:
    started = time.monotonic()
    # Only the headers and a first chunk are sent: the answer comes without the rest.
    status, answer = exchange(server, post_head(30 * LIMIT), [graphql_body(1000)[:-2]])
    assert status == 413
    assert json.loads(answer) == refusal()
    assert time.monotonic() - started < 5


def test_a_chunked_body_over_the_limit_is_refused(server: int) -> None:
    body = graphql_body(LIMIT + 1)
    parts = [
        f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        for piece in (body[i : i + 65536] for i in range(0, len(body), 65536))
    ]
    status, answer = exchange(server, post_head(None), [*parts, b"0\r\n\r\n"])
    assert status == 413
    assert json.loads(answer) == refusal()
    # Just under the limit, chunked, is served.
    body = graphql_body(LIMIT)
    parts = [f"{len(body):x}\r\n".encode() + body + b"\r\n", b"0\r\n\r\n"]
    status, answer = exchange(server, post_head(None), parts)
    assert status == 200


def test_json_nested_5000_deep_is_a_400(server: int) -> None:
    body = b'{"query": "{ __typename }", "variables": {"v": ' + b"[" * 5000 + b"]" * 5000 + b"}}"
    status, answer = exchange(server, post_head(len(body)), [body])
    assert status == 400
    assert "trop imbriqué" in answer.decode()


def test_other_routes_are_limited_too(server: int) -> None:
    head = (
        "POST /oauth/token HTTP/1.1\r\nHost: test\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {2 * LIMIT}\r\n\r\n"
    )
    status, _ = exchange(server, head, [b"grant_type=client_credentials&x="])
    assert status == 413
