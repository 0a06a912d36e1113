"""Per-request context: principal, the serialized DB session, DataLoaders, clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import Request

from domain.nomenclatures import Role
from gateway.auth.passwords import Passwords
from gateway.auth.principal import Principal
from gateway.auth.tokens import TokenSigner
from gateway.clock import Clock
from gateway.config import Settings
from gateway.db.engine import RequestSession
from gateway.limiter_lease import BucketLeases
from gateway.live.broker import EventBroker
from gateway.loaders import Loaders
from gateway.schema.errors import forbidden, unauthenticated


@dataclass(slots=True)
class AppServices:
    """Process-wide collaborators, built once by the app factory."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    passwords: Passwords
    signer: TokenSigner
    #: Wakes this process's subscriptions when events are written (by any process).
    broker: EventBroker
    #: This process's leases of the rate-limit buckets (see ``gateway.limiter_lease``).
    leases: BucketLeases = field(default_factory=BucketLeases)


@dataclass(slots=True)
class Context:
    request: Request | None
    services: AppServices
    db: RequestSession
    principal: Principal | None
    request_id: str
    # Why the bearer token was refused, reported only where a principal is needed.
    auth_error: str | None = None
    loaders: Loaders = field(init=False)
    # Fields of the result, counted during execution (the actual query cost).
    fields_answered: int | None = None
    # The answer is sent as JSON (an HTTP response): lists the database wrote as JSON
    # may go into it as they are (``gateway.schema.json_lists``).
    splices_json: bool = False

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.db, self.principal)

    @property
    def clock(self) -> Clock:
        return self.services.clock

    def require_principal(self) -> Principal:
        if self.principal is None:
            if self.auth_error is not None:
                raise unauthenticated(self.auth_error)
            raise unauthenticated()
        return self.principal

    def require_role(self, *roles: Role) -> Principal:
        principal = self.require_principal()
        if principal.role not in roles:
            allowed = ", ".join(role.value for role in roles)
            raise forbidden(f"Opération réservée aux rôles : {allowed}.")
        return principal

    def require_scope(self, scope: str) -> Principal:
        principal = self.require_principal()
        if not principal.has_scope(scope):
            raise forbidden(f"Ce client OAuth2 n'a pas le scope « {scope} ».", scope=scope)
        return principal
