"""The account summaries of many régime classique workers, in one statement (SPEC §4).

An account holds years of instalments and payments, and its summary needs only their
sums up to the accounting day and the few instalments overdue: this read gives exactly
that, so a portfolio page's summaries no longer read every row of every account (the
monthly detail still does, when it is selected).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Date, bindparam, func, literal, select
from sqlalchemy.orm import aliased

from domain.money import from_cents
from gateway.auth.principal import Principal
from gateway.auth.visibility import (
    VisibilityKind,
    visibility_kind,
)
from gateway.db import echeance_sql
from gateway.db.built_once import BuiltOnce
from gateway.db.engine import RequestSession
from gateway.db.models import Echeance, Paiement, Travailleur
from gateway.db.records import columns, record_type
from gateway.db.repositories.by_travailleur import given_values, given_visible
from gateway.db.types import raw_cents

# The sums read their own aliases: they never correlate with the overdue instalments
# joined to the same worker.
_DUE = aliased(Echeance, name="echeance_due")
_RECU = aliased(Paiement, name="paiement_recu")


@dataclass(frozen=True, slots=True)
class SummaryRows:
    """What a régime classique summary is computed on."""

    balance: Decimal
    overdue: list[Any] = field(default_factory=list)  # records of ``Echeance``, oldest first


def worker_sum(cents: Any, *where: Any, source: Any = None) -> Any:
    """The worker's sum of ``cents`` (integer cents) over the rows of ``where``, zero
    when none: a subquery correlated to the enclosing ``Travailleur``."""
    zero = literal(0, BigInteger)
    total = select(func.coalesce(func.sum(cents), zero))
    if source is not None:
        total = total.select_from(source)
    return total.where(*where).correlate(Travailleur).scalar_subquery()


async def summaries(
    db: RequestSession,
    principal: Principal | None,
    travailleur_ids: Sequence[int],
    today: date,
    as_of: date,
) -> dict[int, SummaryRows]:
    """Each worker's balance on ``as_of`` — instalments (not cancelled) due on or before
    it minus payments received on or before it, the SQL form of
    ``domain.compte.balance`` — and their instalments (not cancelled) past due on
    ``today`` with something unpaid."""
    kind = visibility_kind(principal)
    statement = _SUMMARIES.get((kind, db.dialect), lambda: _summaries(kind, db.dialect))
    values = {"compte_today": today, "compte_as_of": as_of}
    values.update(given_values(principal, travailleur_ids))
    make = record_type(Echeance)
    found: dict[int, SummaryRows] = {}
    for ident, cents, *instalment in await db.rows(statement, values):
        summary = found.get(ident)
        if summary is None:
            summary = found[ident] = SummaryRows(from_cents(int(cents)))
        if instalment[0] is not None:
            summary.overdue.append(make(*instalment))
    return found


#: ``summaries``' statement, by kind of principal and database (built once: the days
#: and the workers are named parameters).
_SUMMARIES: BuiltOnce[Any] = BuiltOnce()


def _summaries(kind: VisibilityKind | None, dialect: str) -> Any:
    today = bindparam("compte_today", type_=Date)
    as_of = bindparam("compte_as_of", type_=Date)
    due = worker_sum(
        raw_cents(_DUE.montant),
        _DUE.travailleur_id == Travailleur.id,
        _DUE.annulee.is_(False),
        _DUE.date_echeance <= as_of,
    )
    received = worker_sum(
        raw_cents(_RECU.montant),
        _RECU.travailleur_id == Travailleur.id,
        _RECU.date_paiement <= as_of,
    )
    return (
        select(Travailleur.id, due - received, *columns(Echeance))
        .select_from(Travailleur)
        .outerjoin(
            Echeance,
            (Echeance.travailleur_id == Travailleur.id)
            & echeance_sql.not_cancelled()
            & (Echeance.date_echeance < today)
            & echeance_sql.something_unpaid(),
        )
        .where(*given_visible(Travailleur.id, kind, dialect))
        .order_by(Travailleur.id, Echeance.date_echeance, Echeance.id)
    )
