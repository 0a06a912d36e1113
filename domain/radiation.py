"""Radiation (end of activity) recorded by the caisse — SPEC §4 "Radiation".

An agent of the worker's caisse records the radiation with its date, not before the
start of activity nor after today. The provisional instalments due after that date
are cancelled: the year's income is no longer earned past it, and the last year is
regularised on its declared income (no end-of-activity prorata for now). What is owed
for the past stays due: régularisations of earlier years and payment-plan
instalments. A micro-entrepreneur declares the periods up to the radiation date and
nothing after (``domain.micro.verifier_periode_declarable``). The radié keeps read
access, payments, attestations and the relevé de carrière.

The service (``recordRadiation``) and the demo seed both go through :func:`radiate`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date

from domain.echeancier import Instalment, NatureEcheance
from domain.errors import DomainError
from domain.nomenclatures import Situation


def check_radiation(
    date_radiation: date, *, date_debut: date, today: date, situation: Situation
) -> None:
    """Refuse a radiation of a worker already radié, or dated before the start of the
    activity or after today."""
    if situation is Situation.RADIE:
        raise DomainError(
            "Ce travailleur est déjà radié : la radiation ne s'enregistre qu'une fois.",
            field="travailleurId",
            code="DEJA_RADIE",
        )
    if date_radiation < date_debut:
        raise DomainError(
            f"La date de radiation ({date_radiation:%d/%m/%Y}) précède le début d'activité "
            f"({date_debut:%d/%m/%Y}).",
            field="dateRadiation",
            code="AVANT_DEBUT_ACTIVITE",
        )
    if date_radiation > today:
        raise DomainError(
            f"La date de radiation ({date_radiation:%d/%m/%Y}) ne peut pas être postérieure "
            f"à aujourd'hui ({today:%d/%m/%Y}).",
            field="dateRadiation",
            code="DATE_FUTURE",
        )


def cancelled_by_radiation(
    echeances: Iterable[Instalment],
    date_radiation: date,
    couvertes_par_plan: Collection[int] = frozenset(),
) -> list[int]:
    """Ids of the provisional instalments due strictly after the radiation date: they
    are cancelled. Régularisation instalments (earlier years' debts) stay due, and so
    do the instalments a payment plan in progress covers (its instalments are owed)."""
    return [
        e.id
        for e in echeances
        if e.nature is NatureEcheance.PROVISIONNELLE
        and e.date_echeance > date_radiation
        and e.id not in couvertes_par_plan
    ]


def radiate(
    date_radiation: date,
    *,
    date_debut: date,
    today: date,
    situation: Situation,
    echeances: Iterable[Instalment],
    couvertes_par_plan: Collection[int] = frozenset(),
) -> list[int]:
    """Check the radiation and give the ids of the instalments it cancels."""
    check_radiation(date_radiation, date_debut=date_debut, today=today, situation=situation)
    return cancelled_by_radiation(echeances, date_radiation, couvertes_par_plan)


__all__ = ["cancelled_by_radiation", "check_radiation", "radiate"]
