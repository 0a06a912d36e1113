"""What was called for a year, per worker, summed by the database (SPEC §4, "Schedule").

The contributions view of one year shows its provisional total as
``domain.appel_provisionnel.provisional_called``: the own amounts of the year's
provisional instalments not cancelled, minus the year's credit. A page of clients'
``cotisations(annee:)`` read every such instalment (and each instalment carrying an
amount into one of them) to add them up in Python; this is the same sum written in SQL,
one integer per worker. A test checks it against the domain rule on random accounts
with rejected debits carried between instalments.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Integer, bindparam, case, literal, select
from sqlalchemy.orm import aliased, join

from domain.echeancier import NatureEcheance
from domain.money import from_cents
from gateway.auth.principal import Principal
from gateway.auth.visibility import visibility_kind
from gateway.db.built_once import BuiltOnce
from gateway.db.engine import RequestSession
from gateway.db.models import Echeance, Paiement, Travailleur
from gateway.db.repositories.by_travailleur import given_values, given_visible
from gateway.db.repositories.compte import worker_sum
from gateway.db.types import raw_cents

# Each sum reads its own aliases, correlated to the worker only.
_OWN = aliased(Echeance, name="echeance_appelee")
_CARRIER = aliased(Echeance, name="echeance_reportee")
_TARGET = aliased(Echeance, name="echeance_cible")
_CREDIT = aliased(Paiement, name="credit_annee")

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


async def provisional_called_by_worker(
    db: RequestSession, principal: Principal | None, travailleur_ids: Sequence[int], annee: int
) -> dict[int, Decimal]:
    """Each visible worker's provisional contributions called for ``annee``."""
    kind, dialect = visibility_kind(principal), db.dialect

    def build() -> Any:
        called = _called_cents(bindparam("appel_annee", type_=Integer))
        return select(Travailleur.id, called).where(*given_visible(Travailleur.id, kind, dialect))

    statement = _CALLED.get((kind, dialect), build)
    values = {"appel_annee": annee, **given_values(principal, travailleur_ids)}
    return {ident: from_cents(int(cents)) for ident, cents in await db.rows(statement, values)}


#: ``provisional_called_by_worker``'s statement, by kind of principal and database
#: (built once: the year and the workers are named parameters).
_CALLED: BuiltOnce[Any] = BuiltOnce()
