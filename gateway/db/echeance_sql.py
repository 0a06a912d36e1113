"""The instalment rules of ``domain.compte`` written in SQL, for both databases.

One definition serves the list filter (``echeances(statut: …)``) and the values the
database writes for a page of instalments (``gateway.db.json_values``): the status on a
day (``statut_echeance``), the unpaid part (``Instalment.reste_du``) and the late-payment
majorations (``majorations``, SPEC §4: 5 % of the unpaid part plus 0.2 % per month or part
of a month since the due date, each part rounded to the cent half up). Each mirrors its
domain function test for test; a test compares them with it on both databases, over
random instalments and days.

The day and the instalments a payment plan exempts are parameters of the statement
(``TODAY``, ``EXEMPTED``): the expressions are built once, their values given with each
statement.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, and_, bindparam, case, cast, extract, or_
from sqlalchemy import literal_column as _sql

from domain.compte import TAUX_MAJORATION, TAUX_MAJORATION_MENSUELLE
from domain.nomenclatures import StatutEcheance
from gateway.db.models import Echeance
from gateway.db.types import raw_cents

#: Names of the statement parameters the values below read.
TODAY = "echeance_today"
EXEMPTED = "echeance_exempted"

_TODAY = bindparam(TODAY, type_=Date)
_EXEMPTED = bindparam(EXEMPTED, expanding=True, type_=Integer)

_MONTANT = raw_cents(Echeance.montant)
_PAYE = raw_cents(Echeance.montant_paye)

# The tests of ``domain.compte.statut_echeance``, in its order.
_CANCELLED = Echeance.annulee.is_(True)
_LIVE = Echeance.annulee.is_(False)
_PAID = _PAYE >= _MONTANT
_SOMETHING_UNPAID = _PAYE < _MONTANT
_REJECTED = and_(
    Echeance.rejets > _sql("0"),
    or_(raw_cents(Echeance.montant_reporte) > _sql("0"), _SOMETHING_UNPAID),
)
_UNPAID = and_(_LIVE, _SOMETHING_UNPAID, Echeance.rejets == _sql("0"))


def has_statut(statut: StatutEcheance, today: Any) -> ColumnElement[bool]:
    """The instalment's status on ``today`` is ``statut`` (a filter)."""
    if statut is StatutEcheance.ANNULEE:
        return _CANCELLED
    if statut is StatutEcheance.REJETE:
        return and_(_LIVE, _REJECTED)
    if statut is StatutEcheance.PAYEE:
        return and_(_LIVE, _PAID, ~_REJECTED)
    if statut is StatutEcheance.EN_RETARD:
        return and_(_UNPAID, Echeance.date_echeance < today)
    return and_(_UNPAID, Echeance.date_echeance >= today)


def not_cancelled() -> ColumnElement[bool]:
    return _LIVE


def something_unpaid() -> ColumnElement[bool]:
    """Less paid than called (whatever the day and the status)."""
    return _SOMETHING_UNPAID


def statut_on_today() -> ColumnElement[str]:
    """The status on the ``TODAY`` parameter, by its name."""
    return case(
        (_CANCELLED, _name(StatutEcheance.ANNULEE)),
        (_REJECTED, _name(StatutEcheance.REJETE)),
        (_PAID, _name(StatutEcheance.PAYEE)),
        (Echeance.date_echeance < _TODAY, _name(StatutEcheance.EN_RETARD)),
        else_=_name(StatutEcheance.A_VENIR),
    )


def reste_du_cents() -> ColumnElement[int]:
    """The unpaid part in cents, never negative."""
    unpaid = _MONTANT - _PAYE
    return case((unpaid > _sql("0"), unpaid), else_=_sql("0"))


def months_of_delay_on_today() -> ColumnElement[int]:
    """``domain.compte.months_of_delay`` on the ``TODAY`` parameter, for a day after the
    due date: whole calendar months between them, plus one when today's day of the month
    is later than the due date's (month m ends on the due date's day, clamped to the
    month's end, so it ends before today exactly then)."""
    months = cast(
        (extract("year", _TODAY) - extract("year", Echeance.date_echeance)) * _sql("12")
        + extract("month", _TODAY)
        - extract("month", Echeance.date_echeance),
        Integer,
    )
    started = case(
        (extract("day", Echeance.date_echeance) < extract("day", _TODAY), _sql("1")),
        else_=_sql("0"),
    )
    return months + started


def majorations_cents_on_today() -> ColumnElement[int]:
    """The majorations in cents on the ``TODAY`` parameter; none for a cancelled
    instalment, one in ``EXEMPTED`` (covered by a respected plan), one not yet overdue
    or fully paid."""
    due = reste_du_cents()
    none = or_(
        _CANCELLED,
        Echeance.id.in_(_EXEMPTED),
        Echeance.date_echeance >= _TODAY,
        due <= _sql("0"),
    )
    surcharge = _rounded_cents(due, TAUX_MAJORATION) + _rounded_cents(
        due * months_of_delay_on_today(), TAUX_MAJORATION_MENSUELLE
    )
    return case((none, _sql("0")), else_=surcharge)


def _rounded_cents(cents: ColumnElement[int], rate: Decimal) -> ColumnElement[int]:
    """``round_cent(cents × rate)`` for cents ≥ 0, in integers: with rate = p / q,
    floor((2·cents·p + q) / 2q), the SQL ``/`` of integers on both databases."""
    p, q = rate.as_integer_ratio()
    numerator = (cents * _sql(str(2 * p)) + _sql(str(q))).self_group()  # in parentheses
    return numerator.op("/")(_sql(str(2 * q)))


def _name(statut: StatutEcheance) -> ColumnElement[str]:
    return _sql(f"'{statut.name}'")
