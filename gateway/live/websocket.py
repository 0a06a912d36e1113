"""GraphQL over WebSocket (``graphql-transport-ws``): authentication and contexts.

- The token travels in ``connection_init``'s payload (``{"Authorization": "Bearer …"}``,
  as the HTTP header; a browser cannot set headers on a WebSocket). A missing, invalid
  or expired token closes the connection (4401) before any operation runs.
- The connection closes (4401) when the token expires, and when a periodic check finds
  the user deactivated or the OAuth client revoked; a subscription whose worker is no
  longer visible (mandate revoked) closes it too (4403), see ``gateway.live.streams``.
- Each operation gets its own ``Context`` and database session (an HTTP request's
  session lives as long as the request; a WebSocket lives for hours): a query sent
  over the socket behaves as over HTTP, and a subscription releases its database
  connection between events. Mutations are refused there: HTTP applies their
  deadline, body limits and the client's address (login throttling).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.websockets import WebSocket
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    _OperationStreamClosed,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    CompleteMessage,
    ConnectionInitMessage,
)
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.utils.aio import aclosing

from gateway.auth.authenticate import EXPIRED, INVALID, authenticate
from gateway.auth.principal import Principal
from gateway.auth.tokens import ExpiredToken, InvalidToken
from gateway.context import AppServices, Context
from gateway.db.engine import RequestSession
from gateway.live.broker import EventBroker
from gateway.schema.errors import bad_user_input

log = logging.getLogger(__name__)

#: Close codes (graphql-transport-ws reserves 4400-4499 for the server's reasons).
UNAUTHORIZED = 4401
FORBIDDEN = 4403
#: Operations at once on one connection (strawberry refuses more).
MAX_OPERATIONS_PER_CONNECTION = 20
#: A WebSocket close reason is at most 123 bytes.
MAX_REASON_BYTES = 123


def close_reason(text: str) -> str:
    encoded = text.encode()[:MAX_REASON_BYTES]
    return encoded.decode(errors="ignore")


@dataclass(slots=True)
class LiveConnection:
    """What a WebSocket connection knows: set by ``connection_init``, shared by its
    operations (each has its own ``LiveContext``)."""

    services: AppServices
    broker: EventBroker
    websocket: WebSocket
    connection_params: dict[str, Any] | None = None
    authorization: str | None = None
    principal: Principal | None = None
    expires_at: float | None = None
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    handler: LiveHandler | None = None

    async def close(self, code: int, reason: str) -> None:
        """Close the socket (once); its operations end with it."""
        if self.closed.is_set():
            return
        self.closed.set()
        if self.handler is not None:
            with contextlib.suppress(Exception):
                await self.handler.websocket.close(code=code, reason=close_reason(reason))

    async def still_valid(self, db: RequestSession) -> bool:
        """Re-checks the token (expiry, user, OAuth client) in ``db``; closes if not."""
        principal, error = await authenticate(
            self.authorization, self.services.signer, self.services.clock, db
        )
        if principal is None:
            await self.close(UNAUTHORIZED, error or INVALID)
            return False
        return True


@dataclass(slots=True)
class LiveContext(Context):
    """An operation's context on a WebSocket: its own session, the connection."""

    connection: LiveConnection | None = None

    def fresh_loaders(self) -> None:
        """Forget what the loaders cached: the next event is read anew."""
        from gateway.loaders import Loaders

        self.loaders = Loaders(self.db, self.principal)


def _authorization(payload: dict[str, Any]) -> str | None:
    for key in ("Authorization", "authorization"):
        value = payload.get(key)
        if isinstance(value, str):
            return value
    token = payload.get("token")
    return f"Bearer {token}" if isinstance(token, str) else None


class LiveHandler(BaseGraphQLTransportWSHandler[Any, None]):
    """strawberry's protocol handler with our authentication and per-operation contexts."""

    _expiry: asyncio.Task[None] | None = None

    @property
    def connection(self) -> LiveConnection:
        connection: LiveConnection = self.context
        return connection

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload") or {}
        if isinstance(payload, dict) and not self.connection_init_received:
            connection = self.connection
            connection.handler = self
            refusal = await self._authenticate(connection, _authorization(payload))
            if refusal is not None:
                if self.connection_init_timeout_task:
                    self.connection_init_timeout_task.cancel()
                self.connection_init_received = True
                await connection.close(UNAUTHORIZED, refusal)
                return
            self._expiry = asyncio.create_task(self._close_at_expiry(connection))
        await super().handle_connection_init(message)

    async def _authenticate(
        self, connection: LiveConnection, authorization: str | None
    ) -> str | None:
        """None when the token is good (the connection then knows its principal)."""
        services = connection.services
        if authorization is None:
            return 'Jeton requis dans connection_init : {"Authorization": "Bearer <jeton>"}.'
        _, _, token = authorization.partition(" ")
        try:
            claims = await services.signer.verify(token.strip(), services.clock.now())
        except ExpiredToken:
            return EXPIRED
        except InvalidToken:
            return INVALID
        async with services.sessions() as session:
            principal, error = await authenticate(
                authorization, services.signer, services.clock, RequestSession(session)
            )
        if principal is None:
            return error or INVALID
        if principal.mot_de_passe_a_changer:
            return "Changez d'abord votre mot de passe provisoire (changeMotDePasse)."
        connection.authorization = authorization
        connection.principal = principal
        connection.expires_at = float(claims.expires_at)
        return None

    async def _close_at_expiry(self, connection: LiveConnection) -> None:
        assert connection.expires_at is not None
        delay = connection.expires_at - connection.services.clock.now().timestamp()
        await asyncio.sleep(max(delay, 0.0))
        await connection.close(UNAUTHORIZED, EXPIRED)

    async def shutdown(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._expiry
        self.connection.closed.set()
        await super().shutdown()

    @contextlib.asynccontextmanager
    async def _operation_context(self) -> Any:
        connection = self.connection
        services = connection.services
        async with services.sessions() as session:
            yield self._context_for(connection, session)

    def _context_for(self, connection: LiveConnection, session: AsyncSession) -> LiveContext:
        return LiveContext(
            request=None,
            services=connection.services,
            db=RequestSession(session),
            principal=connection.principal,
            request_id=uuid.uuid4().hex,
            connection=connection,
        )

    async def run_operation(self, operation: Any) -> None:
        """strawberry's, with a context (and session) of the operation's own."""
        if _is_mutation(operation.query, operation.operation_name):
            await operation.send_initial_errors([bad_user_input(MUTATIONS_OVER_HTTP)])
            self.operations.pop(operation.id, None)
            return
        try:
            async with self._operation_context() as context:
                result_source = await self.schema.stream(
                    operation.query,
                    variable_values=operation.variables,
                    context_value=context,
                    root_value=self.root_value,
                    operation_name=operation.operation_name,
                )
                async with aclosing(result_source):
                    await self._send_results(operation, result_source, context)
            await operation.send_operation_message(
                CompleteMessage(id=operation.id, type="complete")
            )
        except _OperationStreamClosed:
            return
        except Exception as error:
            await self.handle_task_exception(error)
            with contextlib.suppress(Exception):
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
            self.operations.pop(operation.id, None)
            raise

    async def _send_results(self, operation: Any, results: Any, context: LiveContext) -> None:
        """strawberry's ``_send_result_stream``, giving the database connection back
        before each send: a slow client (TCP backpressure) must not hold it."""
        first = True
        async for result in results:
            await context.db.session.close()
            if first and isinstance(result, PreExecutionError):
                await self._handle_pre_execution_error(operation, result)
                return
            if not isinstance(result, ExecutionResult):
                await self._reject_incremental_delivery(operation)
                return
            await operation.send_next(result)
            first = False


MUTATIONS_OVER_HTTP = (
    "Les mutations passent par HTTP (POST /graphql) : leur délai, leurs limites et "
    "l'adresse du client y sont appliqués ; le WebSocket sert aux abonnements et aux lectures."
)


def _is_mutation(query: str, operation_name: str | None) -> bool:
    try:
        operation = get_operation_ast(parse(query), operation_name)
    except GraphQLError:
        return False  # strawberry reports the syntax error
    return operation is not None and operation.operation is OperationType.MUTATION


def live_connection(
    services: AppServices, broker: EventBroker, websocket: WebSocket
) -> LiveConnection:
    return LiveConnection(services=services, broker=broker, websocket=websocket)


@contextlib.contextmanager
def subscription_slot(
    registry: dict[str, int], principal: Principal, maximum: int
) -> Iterator[bool]:
    """Takes one of the principal's ``maximum`` subscriptions in this process; yields
    False (taking nothing) when all are in use."""
    key = principal.key
    if registry.get(key, 0) >= maximum:
        yield False
        return
    registry[key] = registry.get(key, 0) + 1
    try:
        yield True
    finally:
        registry[key] -= 1
        if not registry[key]:
            del registry[key]
