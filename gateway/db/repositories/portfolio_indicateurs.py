"""Per-client indicators of the portfolio as one SQL subquery (SPEC §4–§7, issue 4).

``indicators(today, scope)`` gives one row per worker of the scope with the figures
the portfolio filters, sorts and totals on; see :mod:`gateway.db.repositories.portfolio`.
Every rule is the SQL form of a pure rule: the overdue amount of
``gateway.resolvers.account_reads.comptes_resumes``, and :mod:`domain.vigilance` for
missing declarations, denounced plans and the attestation de vigilance.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Subquery,
    and_,
    case,
    cast,
    exists,
    extract,
    false,
    func,
    literal,
    or_,
    select,
)

from domain.calendrier_declarations import annees_exigibles
from domain.delais import DELAI_DENONCIATION_JOURS, StatutDelai
from domain.micro import Periode, TypePeriode
from domain.nomenclatures import NatureRevenu, PeriodiciteDeclaration, Regime
from domain.vigilance import derniere_periode_exigible, premiere_periode_controlee
from gateway.db import echeance_sql
from gateway.db.models import (
    DeclarationMicro,
    DelaiEcheanceCouverte,
    DelaiPaiement,
    Echeance,
    EcheanceDelai,
    Paiement,
    Revenu,
    Travailleur,
)
from gateway.db.types import raw_cents


@dataclass(frozen=True, slots=True)
class Horizon:
    """The dates the indicators depend on, all derived from the clock's today."""

    today: date
    debut_mois: date
    fin_mois: date
    limite_denonciation: date
    annees: range
    mois: tuple[int, int]
    trimestres: tuple[int, int]

    @staticmethod
    def of(today: date) -> Horizon:
        def window(type_periode: TypePeriode) -> tuple[int, int]:
            return (
                _index(premiere_periode_controlee(today, type_periode)),
                _index(derniere_periode_exigible(today, type_periode)),
            )

        last_day = calendar.monthrange(today.year, today.month)[1]
        return Horizon(
            today=today,
            debut_mois=today.replace(day=1),
            fin_mois=today.replace(day=last_day),
            # A plan instalment unpaid on a date before this one denounces its plan.
            limite_denonciation=today - timedelta(days=DELAI_DENONCIATION_JOURS),
            # Years whose deadline has passed; each client owes those of its activity.
            annees=annees_exigibles(today),
            mois=window(TypePeriode.MOIS),
            trimestres=window(TypePeriode.TRIMESTRE),
        )


def _index(periode: Periode) -> int:
    """Months (or quarters) since year 0: consecutive periods have consecutive indexes."""
    par_an = 12 if periode.type is TypePeriode.MOIS else 4
    return periode.annee * par_an + periode.numero - 1


#: Which workers a statement covers, as a condition on a column holding a worker id.
Scope = Callable[[Any], ColumnElement[bool]]


# --- SQL building blocks ----------------------------------------------------------------


def _positive(value: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((value > 0, value), else_=literal(0, BigInteger))


def _greatest(a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((a > b, a), else_=b)


def _least(a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((a < b, a), else_=b)


def _year(column: Any) -> ColumnElement[int]:
    return cast(extract("year", column), Integer)


def _month(column: Any) -> ColumnElement[int]:
    return cast(extract("month", column), Integer)


def _late_plan_instalment(h: Horizon, delai_id: Any) -> ColumnElement[bool]:
    """The plan has an instalment unpaid more than 30 days after its date (SPEC §5)."""
    return exists(
        select(EcheanceDelai.id).where(
            EcheanceDelai.delai_id == delai_id,
            raw_cents(EcheanceDelai.montant_paye) < raw_cents(EcheanceDelai.montant),
            EcheanceDelai.date_echeance < h.limite_denonciation,
        )
    )


def _instalments(scope: Scope, h: Horizon) -> Subquery:
    """Régime classique: per worker, from the unpaid instalments not cancelled."""
    reste = raw_cents(Echeance.montant) - raw_cents(Echeance.montant_paye)
    due = Echeance.date_echeance
    respected = select(DelaiPaiement.id).where(
        DelaiPaiement.statut == StatutDelai.ACCEPTE,
        ~_late_plan_instalment(h, DelaiPaiement.id),
        scope(DelaiPaiement.travailleur_id),
    )
    covered = select(DelaiEcheanceCouverte.echeance_id).where(
        DelaiEcheanceCouverte.delai_id.in_(respected)
    )
    zero = literal(0, BigInteger)
    return (
        select(
            Echeance.travailleur_id.label("travailleur_id"),
            func.sum(case((due < h.today, reste), else_=zero)).label("retard"),
            func.sum(
                case((and_(due < h.today, Echeance.id.not_in(covered)), reste), else_=zero)
            ).label("retard_non_couvert"),
            func.sum(case((due.between(h.debut_mois, h.fin_mois), reste), else_=zero)).label(
                "du_mois"
            ),
            func.min(case((due >= h.today, due))).label("prochaine"),
        )
        .where(
            echeance_sql.not_cancelled(),
            echeance_sql.something_unpaid(),
            scope(Echeance.travailleur_id),
        )
        .group_by(Echeance.travailleur_id)
        .subquery("echeances")
    )


def _micro_dues(scope: Scope, h: Horizon) -> Subquery:
    """Micro-entrepreneurs: declared contributions (and CFP) by due date, paid oldest
    first by every payment received, as the account summary does (SPEC §7)."""
    per_date = (
        select(
            DeclarationMicro.travailleur_id.label("travailleur_id"),
            DeclarationMicro.date_exigibilite.label("due"),
            func.sum(
                raw_cents(DeclarationMicro.cotisations)
                + raw_cents(DeclarationMicro.formation_professionnelle)
            ).label("montant"),
        )
        .where(scope(DeclarationMicro.travailleur_id))
        .group_by(DeclarationMicro.travailleur_id, DeclarationMicro.date_exigibilite)
        .subquery("dues")
    )
    running = select(
        per_date.c.travailleur_id,
        per_date.c.due,
        per_date.c.montant,
        func.sum(per_date.c.montant)
        .over(partition_by=per_date.c.travailleur_id, order_by=per_date.c.due)
        .label("cumul"),
    ).subquery("cumul")
    paid = (
        select(
            Paiement.travailleur_id.label("travailleur_id"),
            func.sum(raw_cents(Paiement.montant)).label("paye"),
        )
        .where(raw_cents(Paiement.montant) > 0, scope(Paiement.travailleur_id))
        .group_by(Paiement.travailleur_id)
        .subquery("payes")
    )
    zero = literal(0, BigInteger)
    paye = func.coalesce(paid.c.paye, zero)

    def called(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((condition, running.c.montant), else_=zero)), zero)

    return (
        select(
            running.c.travailleur_id,
            _positive(called(running.c.due < h.today) - paye).label("retard"),
            _positive(
                called(running.c.due <= h.fin_mois)
                - _greatest(paye, called(running.c.due < h.debut_mois))
            ).label("du_mois"),
            func.min(
                case((and_(running.c.due >= h.today, running.c.cumul > paye), running.c.due))
            ).label("prochaine"),
        )
        .select_from(running.outerjoin(paid, paid.c.travailleur_id == running.c.travailleur_id))
        .group_by(running.c.travailleur_id, paid.c.paye)
        .subquery("micro")
    )


def _missing_incomes(h: Horizon) -> ColumnElement[bool]:
    """Régime classique: fewer incomes declared than years owed, the years of
    ``annees_exigibles`` within the activity (the creation year and the radiation year
    count), as :func:`domain.calendrier_declarations.annees_a_declarer` bounds them."""
    if not h.annees:
        return false()
    fin = Travailleur.date_fin_activite
    last = literal(h.annees[-1])
    low = _greatest(literal(h.annees[0]), _year(Travailleur.date_debut_activite))
    high = _least(last, case((fin.is_(None), last), else_=_year(fin)))
    declared = (
        select(func.count(func.distinct(Revenu.annee)))
        .where(
            Revenu.travailleur_id == Travailleur.id,
            Revenu.nature == NatureRevenu.DECLARE,
            Revenu.annee.between(low, high),
        )
        .scalar_subquery()
    )
    return high - low + 1 > declared


def _missing_periods(type_periode: TypePeriode, window: tuple[int, int]) -> ColumnElement[bool]:
    """Micro-entrepreneurs: fewer periods declared than periods due in the window,
    bounded by the creation and the radiation (see :func:`domain.vigilance.periodes_a_declarer`).
    """
    par_an = 12 if type_periode is TypePeriode.MOIS else 4

    def index(day: Any) -> ColumnElement[int]:
        if type_periode is TypePeriode.MOIS:
            return _year(day) * 12 + _month(day) - 1
        return _year(day) * 4 + (_month(day) - 1) // 3

    first, last = window
    fin = Travailleur.date_fin_activite
    low = _greatest(literal(first), index(Travailleur.date_debut_activite))
    high = _least(literal(last), case((fin.is_(None), literal(last)), else_=index(fin)))
    periode = DeclarationMicro.periode
    quarterly = periode.like("%-T%")
    number = (
        cast(func.substr(periode, 6, 2), Integer)
        if type_periode is TypePeriode.MOIS
        else cast(func.substr(periode, 7, 1), Integer)
    )
    # CASE first: only well-formed periods of this kind are cast to numbers.
    declared_index = case(
        (quarterly if type_periode is TypePeriode.MOIS else ~quarterly, literal(-1)),
        else_=cast(func.substr(periode, 1, 4), Integer) * par_an + number - 1,
    )
    declared = (
        select(func.count(func.distinct(periode)))
        .where(
            DeclarationMicro.travailleur_id == Travailleur.id,
            declared_index.between(low, high),
        )
        .scalar_subquery()
    )
    return high - low + 1 > declared


def _missing_declarations(h: Horizon) -> ColumnElement[bool]:
    micro = Travailleur.regime == Regime.MICRO
    periodicite = Travailleur.periodicite_declaration
    return or_(
        and_(~micro, _missing_incomes(h)),
        and_(
            micro,
            periodicite == PeriodiciteDeclaration.MENSUELLE,
            _missing_periods(TypePeriode.MOIS, h.mois),
        ),
        and_(
            micro,
            periodicite == PeriodiciteDeclaration.TRIMESTRIELLE,
            _missing_periods(TypePeriode.TRIMESTRE, h.trimestres),
        ),
    )


def _denounced_plan(h: Horizon) -> ColumnElement[bool]:
    return exists(
        select(DelaiPaiement.id).where(
            DelaiPaiement.travailleur_id == Travailleur.id,
            or_(
                DelaiPaiement.statut == StatutDelai.DENONCE,
                and_(
                    DelaiPaiement.statut == StatutDelai.ACCEPTE,
                    _late_plan_instalment(h, DelaiPaiement.id),
                ),
            ),
        )
    )


def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, literal(1)), else_=literal(0))


def indicators(today: date, scope: Scope) -> Subquery:
    """One row per worker of ``scope`` (a condition on a worker id column: the
    principal's visible workers, or the workers whose stored situation is refreshed):
    the indicators of :class:`Indicateurs`, as columns."""
    h = Horizon.of(today)
    ech = _instalments(scope, h)
    micro = _micro_dues(scope, h)
    is_micro = Travailleur.regime == Regime.MICRO
    zero = literal(0, BigInteger)

    def pick(name: str, default: ColumnElement[Any] | None = zero) -> ColumnElement[Any]:
        micro_value: ColumnElement[Any] = micro.c[name]
        classique_value: ColumnElement[Any] = ech.c[name]
        if default is not None:
            micro_value = func.coalesce(micro_value, default)
            classique_value = func.coalesce(classique_value, default)
        return case((is_micro, micro_value), else_=classique_value)

    return (
        select(
            Travailleur.id.label("travailleur_id"),
            pick("retard").label("retard"),
            case(
                (is_micro, func.coalesce(micro.c.retard, zero)),
                else_=func.coalesce(ech.c.retard_non_couvert, zero),
            ).label("retard_non_couvert"),
            pick("du_mois").label("du_mois"),
            pick("prochaine", None).label("prochaine"),
            flag(_missing_declarations(h)).label("manquantes"),
            flag(_denounced_plan(h)).label("denonce"),
        )
        .select_from(Travailleur)
        .outerjoin(ech, ech.c.travailleur_id == Travailleur.id)
        .outerjoin(micro, micro.c.travailleur_id == Travailleur.id)
        .where(scope(Travailleur.id))
        .subquery("indicateurs")
    )
