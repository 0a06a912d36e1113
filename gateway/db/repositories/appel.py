"""What was called for a year, per worker, summed by the database (SPEC §4, "Schedule").

The contributions view of one year shows its provisional total as
``domain.appel_provisionnel.provisional_called``: the own amounts of the year's
provisional instalments not cancelled, minus the year's credit. A page of clients'
``cotisations(annee:)`` read every such instalment (and each instalment carrying an
amount into one of them) to add them up in Python; this is the same sum written in SQL,
one integer per worker. A test checks it against the domain rule on random accounts
with rejected debits carried between instalments. The same statement gives the rest of
what the view shows without its lines (their number per nature, the provisional basis,
the definitive total), so that a page showing a year's totals reads no line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Integer, bindparam, case, func, literal, select
from sqlalchemy.orm import aliased, join

from domain.echeancier import NatureEcheance
from domain.money import from_cents
from domain.nomenclatures import NatureCotisation
from gateway.auth.principal import Principal
from gateway.auth.visibility import visibility_kind
from gateway.db.built_once import BuiltOnce
from gateway.db.engine import RequestSession
from gateway.db.models import Cotisation, Echeance, Paiement, Travailleur
from gateway.db.records import among
from gateway.db.repositories.by_travailleur import given_values, given_visible
from gateway.db.repositories.compte import worker_sum
from gateway.db.types import raw_cents

# Each sum reads its own aliases, correlated to the worker only.
_OWN = aliased(Echeance, name="echeance_appelee")
_CARRIER = aliased(Echeance, name="echeance_reportee")
_TARGET = aliased(Echeance, name="echeance_cible")
_CREDIT = aliased(Paiement, name="credit_annee")
_LINE = aliased(Cotisation, name="ligne_annee")

_ZERO = literal(0, BigInteger)


def _called_cents(annee: Any) -> Any:
    """``provisional_called(annee, called_instalments(rows), credit)`` in integer cents.

    An instalment's own amount is ``montant − carried in + carried out``
    (``EcheanceAppelee.montant_propre``): what its own rejected debit carried to a
    later instalment (``montant_reporte`` when ``report_vers_id`` is set) is added
    back, and what rejected debits of other instalments carried into it is taken out."""

    def of_year(instalment: Any) -> list[Any]:
        return [
            instalment.travailleur_id == Travailleur.id,
            instalment.annulee.is_(False),
            instalment.annee == annee,
            instalment.nature == NatureEcheance.PROVISIONNELLE,
        ]

    carried_out = case(
        (_OWN.report_vers_id.is_not(None), raw_cents(_OWN.montant_reporte)), else_=_ZERO
    )
    own = worker_sum(raw_cents(_OWN.montant) + carried_out, *of_year(_OWN))
    carried_in = worker_sum(
        raw_cents(_CARRIER.montant_reporte),
        _CARRIER.travailleur_id == Travailleur.id,
        _CARRIER.annulee.is_(False),
        *of_year(_TARGET),
        source=join(_CARRIER, _TARGET, _TARGET.id == _CARRIER.report_vers_id),
    )
    credit = worker_sum(
        raw_cents(_CREDIT.montant),
        _CREDIT.travailleur_id == Travailleur.id,
        _CREDIT.annee_credit == annee,
    )
    return own - carried_in - credit


@dataclass(frozen=True, slots=True)
class YearTotals:
    """What a worker's view of one year shows without its lines: the provisional
    contributions called, how many lines of each nature, the provisional basis (that of
    the first provisional line) and the definitive total."""

    appele: Decimal
    provisionnelles: int
    base_provisionnelle: str | None
    definitives: int
    total_definitif: Decimal


async def year_totals_by_worker(
    db: RequestSession, principal: Principal | None, travailleur_ids: Sequence[int], annee: int
) -> dict[int, YearTotals]:
    """Each visible worker's totals of ``annee`` (one statement for all of them)."""
    kind, dialect = visibility_kind(principal), db.dialect

    def build() -> Any:
        year = bindparam("appel_annee", type_=Integer)
        zero = literal(0, BigInteger)
        provisional = _LINE.nature == NatureCotisation.PROVISIONNELLE
        definitive = _LINE.nature == NatureCotisation.DEFINITIVE
        # The year's lines of the given workers, in one pass (through the index on
        # worker, year and nature), rather than a subquery per total and worker.
        lines = (
            select(
                _LINE.travailleur_id.label("travailleur_id"),
                func.sum(case((provisional, 1), else_=0)).label("provisionnelles"),
                func.min(case((provisional, _LINE.id))).label("premiere"),
                func.sum(case((definitive, 1), else_=0)).label("definitives"),
                func.sum(case((definitive, raw_cents(_LINE.montant)), else_=zero)).label("total"),
            )
            .where(among(_LINE.travailleur_id, "worker_ids", dialect), _LINE.annee == year)
            .group_by(_LINE.travailleur_id)
            .subquery("lignes")
        )
        first = aliased(Cotisation, name="premiere_ligne")
        return (
            select(
                Travailleur.id,
                _called_cents(year),
                func.coalesce(lines.c.provisionnelles, 0),
                first.base_calcul,
                func.coalesce(lines.c.definitives, 0),
                func.coalesce(lines.c.total, zero),
            )
            .select_from(Travailleur)
            .outerjoin(lines, lines.c.travailleur_id == Travailleur.id)
            .outerjoin(first, first.id == lines.c.premiere)
            .where(*given_visible(Travailleur.id, kind, dialect))
        )

    statement = _TOTALS.get((kind, dialect), build)
    values = {"appel_annee": annee, **given_values(principal, travailleur_ids)}
    return {
        ident: YearTotals(
            from_cents(int(called)),
            int(provisionnelles),
            base,
            int(definitives),
            from_cents(int(definitive)),
        )
        for ident, called, provisionnelles, base, definitives, definitive in await db.rows(
            statement, values
        )
    }


#: ``year_totals_by_worker``'s statement, by kind of principal and database
#: (built once: the year and the workers are named parameters).
_TOTALS: BuiltOnce[Any] = BuiltOnce()
