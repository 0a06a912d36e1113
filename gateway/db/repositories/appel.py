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

        def of_nature(nature: NatureCotisation) -> list[Any]:
            return [
                _LINE.travailleur_id == Travailleur.id,
                _LINE.annee == year,
                _LINE.nature == nature,
            ]

        def count(nature: NatureCotisation) -> Any:
            counted = select(func.count()).select_from(_LINE).where(*of_nature(nature))
            return counted.correlate(Travailleur).scalar_subquery()

        first_base = (
            select(_LINE.base_calcul)
            .where(*of_nature(NatureCotisation.PROVISIONNELLE))
            .order_by(_LINE.id)
            .limit(1)
            .correlate(Travailleur)
            .scalar_subquery()
        )
        definitive = worker_sum(raw_cents(_LINE.montant), *of_nature(NatureCotisation.DEFINITIVE))
        return select(
            Travailleur.id,
            _called_cents(year),
            count(NatureCotisation.PROVISIONNELLE),
            first_base,
            count(NatureCotisation.DEFINITIVE),
            definitive,
        ).where(*given_visible(Travailleur.id, kind, dialect))

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
