"""Per-principal rate limit: a leaky bucket of query cost (Shopify's model).

Each principal (a user, an OAuth2 client; an anonymous caller by its address) has a
bucket of ``GATEWAY_RATE_LIMIT_BUCKET`` points restored at
``GATEWAY_RATE_LIMIT_RESTORE_RATE`` points per second. An operation pours its
*requested* cost in before it executes (refused with RATE_LIMITED, HTTP 429, when it
does not fit). Unlike Shopify, the difference with the *actual* cost is not given
back afterwards: the actual cost counts the fields returned, not the work of reading a
whole portfolio. The bucket lives in the database (``limiter.pour``): every process
sharing it shares the limit. Each process pours a lease of 1 % of the bucket at a time
and spends it on the principal's next requests for up to a second
(``gateway.limiter_lease``), so most requests pour nothing; the shared limit holds
within one lease per process. A query costing more than the whole bucket needs a full
one.

The answer reports the bucket in ``extensions.cost.throttleStatus`` and in the
``RateLimit-Limit``/``RateLimit-Remaining``/``RateLimit-Reset`` headers (IETF
draft-ietf-httpapi-ratelimit-headers), with ``Retry-After`` on a refusal.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import AsyncIterator
from typing import Any

from graphql import GraphQLError
from strawberry.types import ExecutionResult

from gateway import limiter
from gateway.auth.throttling import client_address
from gateway.context import Context
from gateway.db.engine import WRITE_TRANSACTION, writer_queue
from gateway.observability import metrics
from gateway.schema.limits import QueryCostLimiter

POLICY = "graphql.cout"
RATE_LIMITED = "RATE_LIMITED"
#: Where the request's bucket level is left for the HTTP layer (its headers).
STATE_KEY = "gateway_throttle"


def principal_key(ctx: Context) -> str:
    principal = ctx.principal
    if principal is None:
        return f"adresse:{client_address(ctx.request)}"
    if principal.oauth_client_id is not None:
        return f"client:{principal.oauth_client_id}"
    return f"user:{principal.utilisateur_id}"


def bucket_for(ctx: Context) -> limiter.Bucket | None:
    settings = ctx.services.settings
    if settings.rate_limit_bucket <= 0:
        return None
    return limiter.Bucket(POLICY, settings.rate_limit_bucket, settings.rate_limit_restore_rate)


def rate_limited(level: limiter.Level, cost: int) -> GraphQLError:
    return GraphQLError(
        f"Limite de débit atteinte : cette requête coûte {cost} points, "
        f"{math.floor(level.available)} sont disponibles ({level.restore_rate:g} rendus "
        f"par seconde). Réessayez dans {level.retry_after} s.",
        extensions={
            "code": RATE_LIMITED,
            "retryAfter": level.retry_after,
            "cost": cost,
            "throttleStatus": throttle_status(level),
        },
    )


def throttle_status(level: limiter.Level) -> dict[str, Any]:
    return {
        "maximumAvailable": level.size,
        "currentlyAvailable": math.floor(level.available),
        "restoreRate": level.restore_rate,
    }


def headers(level: limiter.Level) -> dict[str, str]:
    """The RateLimit-* headers (and Retry-After on a refusal) of a bucket's level."""
    window = math.ceil(level.size / level.restore_rate)
    values = {
        "RateLimit-Limit": str(level.size),
        "RateLimit-Remaining": str(math.floor(level.available)),
        "RateLimit-Reset": str(level.retry_after or level.seconds_to_full),
        "RateLimit-Policy": f"{level.size};w={window}",
    }
    if not level.allowed:
        values["Retry-After"] = str(level.retry_after)
    return values


@contextlib.asynccontextmanager
async def _connection(ctx: Context) -> AsyncIterator[Any]:
    """A connection of its own, committed at once: the bucket is not part of the
    request's transaction (a read stays a read; on SQLite writes take turns)."""
    engine = ctx.services.engine
    # The same queue as the write transactions (keyed by the sync engine, as theirs).
    queue = writer_queue(engine.sync_engine)
    async with queue or contextlib.nullcontext(), engine.connect() as connection:
        connection = await connection.execution_options(**WRITE_TRANSACTION)
        yield connection
        await connection.commit()


class RateLimitedCost(QueryCostLimiter):
    """The cost limiter, then the principal's bucket, before execution: a statement
    only when this process's lease of the bucket is spent."""

    def __init__(self) -> None:
        super().__init__()
        self.level: limiter.Level | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        steps = super().on_execute()
        await steps.__anext__()  # the cost is known, the operation not yet run
        context = self.execution_context
        ctx = context.context
        bucket = bucket_for(ctx) if isinstance(ctx, Context) else None
        if bucket is not None and self.requested is not None and context.result is None:
            key = principal_key(ctx)
            cost = min(self.requested, bucket.size)
            now = ctx.clock.now()

            async def pour(amount: int) -> limiter.Level:
                await ctx.db.release()  # one connection at a time per request
                async with _connection(ctx) as connection:
                    return await limiter.pour(connection, bucket, key, amount, now=now)

            self.level = await ctx.services.leases.pour(bucket, key, cost, now=now, pour=pour)
            if ctx.request is not None:
                ctx.request.scope.setdefault("state", {})[STATE_KEY] = self.level
            if not self.level.allowed:
                metrics.THROTTLED.labels(limit=POLICY).inc()
                context.result = ExecutionResult(None, [rate_limited(self.level, cost)])
        yield
        with contextlib.suppress(StopAsyncIteration):
            await steps.__anext__()

    def get_results(self) -> dict[str, Any]:
        results = super().get_results()
        if self.level is not None and "cost" in results:
            results["cost"]["throttleStatus"] = throttle_status(self.level)
        return results
