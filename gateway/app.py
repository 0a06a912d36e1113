"""Starlette application factory: /graphql (GraphiQL on GET), /health."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError, get_operation_ast, parse
from sqlalchemy import event, text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute, request_response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from domain.baremes import ANNEES_COUVERTES
from gateway.auth.authenticate import EXPIRED, authenticate, authentication
from gateway.auth.keys import KeyRing
from gateway.auth.passwords import Passwords
from gateway.auth.principal import Principal, Scope
from gateway.auth.tokens import TokenSigner
from gateway.clock import Clock
from gateway.config import Settings
from gateway.context import AppServices, Context
from gateway.db.engine import RequestSession, create_engine, session_factory
from gateway.db.failures import is_unavailable
from gateway.events.loop import start_webhook_loop
from gateway.http import graphql_http, operations, persisted, rate_limit
from gateway.http.deadline import discard_session, within_deadline
from gateway.http.oauth import token_endpoint
from gateway.http.oauth_tokens import introspection_endpoint, revocation_endpoint
from gateway.http.outage import DatabaseUnavailable, OutageGuard, graphql_body
from gateway.http.request_limits import BodyLimit, decode_json
from gateway.http.verification import verification_routes
from gateway.http.well_known import authorization_server_metadata, jwks
from gateway.live.broker import EventBroker
from gateway.live.websocket import MAX_OPERATIONS_PER_CONNECTION, LiveHandler, live_connection
from gateway.mail.sender import run_sender_loop
from gateway.mail.transport import transport_for
from gateway.memory import settle_long_lived_objects
from gateway.observability.graphql import observe_result
from gateway.observability.middleware import ObservabilityMiddleware
from gateway.observability.requests import count_sql_statement
from gateway.observability.requests import current as current_observation
from gateway.observability.tracing import instrument, otlp_tracer_provider, tracing_enabled
from gateway.schema.assembly import build_schema
from gateway.schema.limits import MAX_TOKENS
from gateway.services import documents
from gateway.web.pages import app_page, assets, graphiql_page

log = logging.getLogger(__name__)


def clock_for(settings: Settings) -> Clock:
    """The configured date; else the real one when its year has a barème; else
    15 November of the last covered year, with a warning (SPEC §4 "Dates")."""
    if settings.today is not None:
        return Clock.at(settings.today)
    real = Clock().today()
    if real.year in ANNEES_COUVERTES:
        return Clock()
    fallback = date(max(ANNEES_COUVERTES), 11, 15)
    log.warning(
        "no barème for %s: running on %s (set GATEWAY_TODAY to choose)", real.year, fallback
    )
    return Clock.at(fallback)


def build_services(settings: Settings) -> AppServices:
    engine = create_engine(settings.database_url, settings.db_pool_size)
    event.listen(engine.sync_engine, "before_cursor_execute", count_sql_statement)
    sessions = session_factory(engine)
    keys = KeyRing(sessions, settings.access_token_ttl_seconds)
    broker = EventBroker(engine, sessions)
    return AppServices(
        settings=settings,
        engine=engine,
        sessions=sessions,
        clock=clock_for(settings),
        passwords=Passwords(
            settings.argon2_time_cost, settings.argon2_memory_cost, settings.argon2_threads
        ),
        signer=TokenSigner(
            keys, settings.access_token_ttl_seconds, settings.public_base_url.rstrip("/")
        ),
        broker=broker,
    )


def principal_kind(principal: Principal | None) -> str:
    """How the request log names the caller (never the token or the identity)."""
    if principal is None:
        return "anonyme"
    if principal.oauth_client_id is not None:
        return "client_oauth"
    return principal.role.value.lower()


def observe_refused(request_data: Any) -> None:
    """The operation's name and type in the request log, for a request refused before
    strawberry parsed it (its extension records them otherwise)."""
    observation = current_observation()
    if observation is None or not isinstance(request_data, GraphQLRequestData):
        return
    observation.operation = request_data.operation_name
    try:
        document = parse(request_data.query or "", max_tokens=MAX_TOKENS)
        operation = get_operation_ast(document, request_data.operation_name)
    except GraphQLError:
        return
    if operation is not None:
        observation.operation_type = operation.operation.value


SUB_RESPONSE = "gateway_sub_response"
TOKEN_REFUSED = "gateway_token_refused"
#: The request's serialized database session (``SessionMiddleware``), in ``scope["state"]``.
REQUEST_DB = "gateway_db"


class MutationOverGet(HTTPException):
    """A mutation sent with GET: 405, ``Allow: POST`` (GraphQL over HTTP)."""

    MESSAGE = "Une mutation ne s'envoie pas en GET : envoyez-la en POST."

    def __init__(self) -> None:
        super().__init__(405, self.MESSAGE)


class GatewayGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI view with our per-request context.

    The request's session is opened here and closed by ``SessionMiddleware`` once the
    response is sent.
    """

    # Subscriptions: graphql-transport-ws only (the legacy graphql-ws protocol has no
    # way to authenticate before subscribing), with our authentication and contexts.
    graphql_transport_ws_handler_class = LiveHandler

    def __init__(self, services: AppServices, tracer_provider: Any = None) -> None:
        super().__init__(
            build_schema(tracer_provider, attribute_fields=services.settings.attribute_fields),
            graphql_ide="graphiql",
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=MAX_OPERATIONS_PER_CONNECTION,
        )
        self.services = services
        self.documents = persisted.DocumentCache()

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from the gateway's own files (no CDN), with its own CSP."""
        return graphiql_page()

    async def process_result(self, request: Request, result: ExecutionResult) -> Any:
        observe_result(result)
        body = await super().process_result(request, result)
        state = request.scope.setdefault("state", {})
        media_type = graphql_http.negotiate(request.headers.get("accept"))
        answer = graphql_http.outcome(
            list(result.errors or ()),
            result.data is not None,
            media_type,
            token_refused=state.get(TOKEN_REFUSED, False),
        )
        if answer.request_error:
            body.pop("data", None)  # GraphQL over HTTP: no data entry, nothing ran
        sub_response: Response | None = state.get(SUB_RESPONSE)
        if sub_response is not None:
            sub_response.status_code = answer.status
            sub_response.media_type = media_type
            if answer.www_authenticate is not None:
                sub_response.headers["WWW-Authenticate"] = answer.www_authenticate
            level = state.get(rate_limit.STATE_KEY)
            if level is not None:
                sub_response.headers.update(rate_limit.headers(level))
        return body

    def encode_json(self, data: object) -> str:
        # orjson: a 500-client page is 600 kB of JSON, a tenth of its CPU time with json.
        # As text: strawberry sends bytes over a WebSocket as binary frames, which the
        # browsers' graphql-ws client cannot read.
        return orjson.dumps(data).decode()

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        """strawberry's response with the negotiated media type and status."""
        response = Response(
            self.encode_json(response_data),
            status_code=sub_response.status_code or 200,
            media_type=sub_response.media_type or graphql_http.JSON,
        )
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        return response

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """strawberry's HTTP refusals (bad JSON, no query, a mutation over GET) as
        GraphQL error bodies rather than text/plain."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as error:
            status, reason, headers = error.status_code, error.reason, {}
            if isinstance(error, MutationOverGet):
                status, reason, headers = 405, MutationOverGet.MESSAGE, {"Allow": "POST"}
            response = JSONResponse(
                graphql_http.http_error_body(status, reason),
                status,
                headers=headers,
                media_type=graphql_http.negotiate(request.headers.get("accept")),
            )
        await response(scope, receive, send)

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        """An unavailable database fails the whole request (503, see ``OutageGuard``)
        rather than leaving fields null with a masked error."""
        try:
            result = await super().execute_single(*args, **kwargs)
        except HTTPException as refusal:
            if isinstance(refusal.__cause__, InvalidOperationTypeError):
                raise MutationOverGet from refusal
            raise
        for error in result.errors or ():
            if error.original_error is not None and is_unavailable(error.original_error):
                raise DatabaseUnavailable from error.original_error
        return result

    def decode_json(self, data: str | bytes) -> object:
        return decode_json(data)

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        seconds = self.services.settings.request_timeout_seconds
        context: Context = kwargs["context"]
        if context.auth_error is not None:
            # A token presented and refused fails the request before anything runs
            # (RFC 6750): the client must not mistake it for an anonymous call.
            expired = context.auth_error == EXPIRED
            observe_refused(kwargs["request_data"])
            return ExecutionResult(None, [graphql_http.refused_token(context.auth_error, expired)])
        request_data = kwargs["request_data"]
        if isinstance(request_data, GraphQLRequestData):
            resolved = await persisted.resolve(
                request_data, self.services.settings, self.documents, context.db
            )
            if isinstance(resolved, persisted.Refusal):
                return ExecutionResult(None, [resolved.error])
            kwargs["request_data"] = resolved
        return await within_deadline(
            seconds,
            super().execute_operation(*args, **kwargs),
            lambda: discard_session(context.db.session),
        )

    async def get_context(self, request: Request | WebSocket, response: Any) -> Any:
        if isinstance(request, WebSocket):
            # A connection's context; each operation gets its own (gateway.live.websocket).
            return live_connection(self.services, self.services.broker, request)
        db = request.scope["state"][REQUEST_DB]
        found = await authentication(
            request.headers.get("authorization"), self.services.signer, self.services.clock, db
        )
        principal, auth_error = found.principal, found.error
        observation = current_observation()
        if observation is not None:
            observation.principal = principal_kind(principal)
        state = request.scope.setdefault("state", {})
        state[SUB_RESPONSE] = response
        state[TOKEN_REFUSED] = auth_error is not None
        context = Context(
            request=request if isinstance(request, Request) else None,
            services=self.services,
            db=db,
            principal=principal,
            request_id=observation.request_id if observation else uuid.uuid4().hex,
            auth_error=auth_error,
            splices_json=True,
        )
        if found.own_worker is not None:  # read with the user: no statement of its own
            context.loaders.travailleur.prime(found.own_worker.id, found.own_worker)
        return context


class SessionMiddleware:
    """One database session per request, closed (rolled back if uncommitted) at the end,
    once no statement of the request runs any more (``RequestSession.finish``)."""

    def __init__(self, app: Any, services: AppServices) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with self.services.sessions() as session:
            db = RequestSession(session)
            scope.setdefault("state", {})[REQUEST_DB] = db
            try:
                await self.app(scope, receive, send)
            finally:
                await db.finish()


def cors_middleware(settings: Settings) -> list[Middleware]:
    if not settings.cors_origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Accept", "X-Request-Id"],
            expose_headers=[
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                "RateLimit-Policy",
                "Retry-After",
                "WWW-Authenticate",
                "X-Request-Id",
            ],
            max_age=600,
        )
    ]


def create_app(
    settings: Settings | None = None,
    services: AppServices | None = None,
    tracer_provider: Any = None,
) -> Starlette:
    """``tracer_provider``: where spans go; by default OTLP when configured, else none."""
    services = services or build_services(settings or Settings.from_environment())
    if tracer_provider is None and tracing_enabled():
        tracer_provider = otlp_tracer_provider()
    view = GatewayGraphQL(services, tracer_provider)
    graphql = OutageGuard(SessionMiddleware(view, services), graphql_body)

    async def health(_request: Request) -> Response:
        try:
            async with services.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:  # any database failure means "not healthy"
            log.warning("health check failed: %s", error)
            return JSONResponse({"status": "indisponible", "database": "injoignable"}, 503)
        return JSONResponse({"status": "ok", "database": "ok"})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # The outbox sender runs beside the server; stopped before the engine goes.
        stop = asyncio.Event()
        sender = asyncio.create_task(
            run_sender_loop(
                services.sessions, transport_for(services.settings), services.clock, stop_event=stop
            ),
            name="mail-sender",
        )
        webhooks = start_webhook_loop(services, stop)
        await services.broker.start()
        settle_long_lived_objects()
        try:
            yield
        finally:
            stop.set()
            await sender
            if webhooks is not None:
                await webhooks
            await services.broker.stop()
            await services.engine.dispose()

    async def document(request: Request) -> Response:
        """GET /documents/{id}.pdf with the bearer token: 404 for anything not visible."""
        async with services.sessions() as session:
            db = RequestSession(session)
            principal, _ = await authenticate(
                request.headers.get("authorization"), services.signer, services.clock, db
            )
            if principal is None:
                return JSONResponse(
                    {
                        "error": "UNAUTHENTICATED",
                        "message": "Jeton requis (Authorization: Bearer).",
                    },
                    401,
                    headers={"WWW-Authenticate": f'Bearer realm="{graphql_http.REALM}"'},
                )
            if principal.mot_de_passe_a_changer:
                return JSONResponse(
                    {
                        "error": "FORBIDDEN",
                        "message": (
                            "Changez d'abord votre mot de passe provisoire (changeMotDePasse)."
                        ),
                    },
                    403,
                )
            if not principal.has_scope(Scope.READ):
                return JSONResponse(
                    {
                        "error": "FORBIDDEN",
                        "message": f"Ce client OAuth2 n'a pas le scope « {Scope.READ} ».",
                        "scope": Scope.READ,
                    },
                    403,
                )
            found = await documents.document_pdf(
                db, principal, request.path_params["id"], services.clock.today()
            )
        if found is None:
            return JSONResponse({"error": "NOT_FOUND", "message": "Document introuvable."}, 404)
        return Response(
            found.pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'inline; filename="{found.nom_fichier}"',
                # Personal documents: no shared cache keeps them, no browser stores them.
                "Cache-Control": "private, no-store",
            },
        )

    async def home(_request: Request) -> Response:
        return app_page()

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            # Subscriptions: each operation opens its own session (no request session).
            WebSocketRoute("/graphql", view),
            Route("/health", health),
            Mount("/static", app=assets(), name="static"),
            Route("/ready", operations.readiness),
            Route("/metrics", operations.metrics_endpoint),
            Route("/graphql/schema.graphql", operations.schema_sdl),
            Route("/documents/{id}.pdf", OutageGuard(request_response(document))),
            Route("/oauth/token", OutageGuard(request_response(token_endpoint)), methods=["POST"]),
            Route("/oauth/revoke", revocation_endpoint, methods=["POST"]),
            Route("/oauth/introspect", introspection_endpoint, methods=["POST"]),
            Route("/.well-known/jwks.json", jwks),
            Route("/.well-known/oauth-authorization-server", authorization_server_metadata),
            *verification_routes(services),
        ],
        lifespan=lifespan,
        middleware=[
            Middleware(ObservabilityMiddleware),
            # Browser pages of the configured origins only (none by default); the web
            # face is served from the gateway's own origin and needs none.
            *cors_middleware(services.settings),
            Middleware(BodyLimit, max_bytes=services.settings.max_body_bytes),
        ],
    )
    app.state.services = services
    if tracer_provider is not None:
        instrument(app, services.engine, tracer_provider)
    return app
