"""The account summaries of many workers, one statement per régime (SPEC §4, §7).

An account holds years of instalments (or declarations) and payments, and its summary
needs only their sums up to the accounting day and the few dues overdue: these reads
give exactly that, so a portfolio page's summaries no longer read every row of every
account (the monthly detail still does, when it is selected).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Date, and_, bindparam, case, func, literal, select
from sqlalchemy.orm import aliased

from domain.echeancier import Instalment
from domain.money import from_cents
from gateway.auth.principal import Principal
from gateway.auth.visibility import (
    VisibilityKind,
    visibility_kind,
)
from gateway.db import echeance_sql
from gateway.db.built_once import BuiltOnce
from gateway.db.engine import RequestSession
from gateway.db.models import DeclarationMicro, Echeance, Paiement, Travailleur
from gateway.db.records import among
from gateway.db.repositories.by_travailleur import given_values, given_visible
from gateway.db.types import raw_cents

# The sums read their own aliases: they never correlate with the overdue instalments
# joined to the same worker.
_DUE = aliased(Echeance, name="echeance_due")
_RECU = aliased(Paiement, name="paiement_recu")
_DECLARE = aliased(DeclarationMicro, name="declaration_due")


@dataclass(frozen=True, slots=True)
class SummaryRows:
    """What an account summary is computed on: the balance on the accounting day and
    the dues past due with something unpaid, oldest first."""

    balance: Decimal
    overdue: list[Instalment] = field(default_factory=list)


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
    *,
    micro: bool = False,
) -> dict[int, SummaryRows]:
    """Each worker's balance on ``as_of`` and their dues past due on ``today`` with
    something unpaid.

    Régime classique: instalments (not cancelled) due on or before ``as_of`` minus
    payments received on or before it, the SQL form of ``domain.compte.balance``, and
    the instalments (not cancelled) overdue. Micro-entrepreneurs (``micro``): declared
    contributions and CFP due on or before ``as_of`` minus payments received on or
    before it, and the dues overdue, the SQL form of ``domain.compte.micro_dues`` (one
    due per period and due date, every payment allocated oldest due first)."""
    kind = visibility_kind(principal)
    build = _micro_summaries if micro else _summaries
    statement = _SUMMARIES.get((micro, kind, db.dialect), lambda: build(kind, db.dialect))
    values = {"compte_today": today, "compte_as_of": as_of}
    values.update(given_values(principal, travailleur_ids))
    found: dict[int, SummaryRows] = {}
    # Rows of (worker, balance in cents, then an overdue due's id, date, amount and paid
    # in cents, or nulls).
    for ident, cents, due_id, due_le, montant, paye in await db.rows(statement, values):
        summary = found.get(ident)
        if summary is None:
            summary = found[ident] = SummaryRows(from_cents(int(cents)))
        if due_id is not None:
            summary.overdue.append(
                Instalment(due_id, due_le, from_cents(int(montant)), from_cents(int(paye)))
            )
    return found


#: ``summaries``' statements, by regime, kind of principal and database (built once:
#: the days and the workers are named parameters).
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
        select(
            Travailleur.id,
            due - received,
            Echeance.id,
            Echeance.date_echeance,
            raw_cents(Echeance.montant),
            raw_cents(Echeance.montant_paye),
        )
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


def _micro_summaries(kind: VisibilityKind | None, dialect: str) -> Any:
    today = bindparam("compte_today", type_=Date)
    as_of = bindparam("compte_as_of", type_=Date)
    zero = literal(0, BigInteger)
    cents = raw_cents(DeclarationMicro.cotisations) + raw_cents(
        DeclarationMicro.formation_professionnelle
    )
    # One due per (due date, period), its activities summed; numbered in the order
    # ``micro_dues`` sorts them (period codes by code point, as Python compares them),
    # and paid in the order of ``replay_allocations``: due date, then id (the later
    # period first when two fall due on one date, their ids being minus the number).
    dues = (
        select(
            DeclarationMicro.travailleur_id.label("travailleur_id"),
            DeclarationMicro.date_exigibilite.label("due"),
            DeclarationMicro.periode.label("periode"),
            func.sum(cents).label("montant"),
        )
        .where(among(DeclarationMicro.travailleur_id, "worker_ids", dialect))
        .group_by(
            DeclarationMicro.travailleur_id,
            DeclarationMicro.date_exigibilite,
            DeclarationMicro.periode,
        )
        .subquery("du")
    )
    periode = dues.c.periode.collate("C") if dialect == "postgresql" else dues.c.periode
    worker = dues.c.travailleur_id
    numbered, paid_in = (dues.c.due, periode), (dues.c.due, periode.desc())
    ranked = select(
        dues.c.travailleur_id,
        dues.c.due,
        dues.c.montant,
        func.row_number().over(partition_by=worker, order_by=numbered).label("rang"),
        # What the dues up to this one can absorb (a due of zero or less absorbs nothing).
        func.sum(case((dues.c.montant > 0, dues.c.montant), else_=zero))
        .over(partition_by=worker, order_by=paid_in, rows=(None, 0))
        .label("cumul"),
    ).subquery("rang_du")
    paid = (
        select(
            Paiement.travailleur_id.label("travailleur_id"),
            func.sum(raw_cents(Paiement.montant)).label("paye"),
        )
        .where(
            among(Paiement.travailleur_id, "worker_ids", dialect), raw_cents(Paiement.montant) > 0
        )
        .group_by(Paiement.travailleur_id)
        .subquery("paye")
    )
    paye = func.coalesce(paid.c.paye, zero)
    due = worker_sum(
        raw_cents(_DECLARE.cotisations) + raw_cents(_DECLARE.formation_professionnelle),
        _DECLARE.travailleur_id == Travailleur.id,
        _DECLARE.date_exigibilite <= as_of,
    )
    received = worker_sum(
        raw_cents(_RECU.montant),
        _RECU.travailleur_id == Travailleur.id,
        _RECU.date_paiement <= as_of,
    )
    # Every payment fills the oldest due first: a due is paid what the payments leave
    # after the dues before it, and something of it is unpaid while they fall short of
    # its cumulative amount.
    paid_on_due = ranked.c.montant - ranked.c.cumul + paye
    return (
        select(
            Travailleur.id,
            due - received,
            -ranked.c.rang,
            ranked.c.due,
            ranked.c.montant,
            case((paid_on_due > 0, paid_on_due), else_=zero),
        )
        .select_from(Travailleur)
        .outerjoin(paid, paid.c.travailleur_id == Travailleur.id)
        .outerjoin(
            ranked,
            and_(
                ranked.c.travailleur_id == Travailleur.id,
                ranked.c.due < today,
                ranked.c.montant > 0,
                ranked.c.cumul > paye,
            ),
        )
        .where(*given_visible(Travailleur.id, kind, dialect))
        .order_by(Travailleur.id, ranked.c.rang)
    )
