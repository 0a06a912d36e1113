"""The accountant's portfolio: the clients the principal sees, one page."""

from __future__ import annotations

from domain.nomenclatures import Role
from gateway.context import Context
from gateway.db.repositories import travailleurs
from gateway.schema.relay import Connection, connection, page_from
from gateway.schema.travailleur import Travailleur, travailleur_type

MAX_PORTFOLIO_PAGE = 500


async def portfolio(ctx: Context, first: int | None, after: str | None) -> Connection[Travailleur]:
    principal = ctx.require_role(Role.EXPERT_COMPTABLE)
    page = page_from(first, after, maximum=MAX_PORTFOLIO_PAGE, default=50)
    rows, total = await travailleurs.portfolio_page(
        ctx.db, principal, offset=page.offset, limit=page.limit
    )
    for row in rows:
        # Prime the loader: nested fields asking for the worker again cost no query.
        ctx.loaders.travailleur.prime(row.id, row)
    return connection([travailleur_type(r) for r in rows], total, page)
