"""The income on which the provisional contributions of a year are called — SPEC §4
"Provisional basis for year N, in order" — and the taxation d'office derived from it.

The PASS of the year is a parameter (the barème lives elsewhere), so this module
stays a pure rule over declared incomes and dates.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, Inexact, localcontext
from enum import StrEnum

from domain.calendrier_declarations import PREMIERE_ANNEE_COUVERTE, derniere_annee_echue
from domain.money import ZERO, round_euro

TAUX_MAJORATION_TAXATION = Decimal("1.25")
PART_PASS_TAXATION = Decimal("0.5")


class NatureBase(StrEnum):
    """Which rule of §4 gave the provisional basis."""

    ESTIMATION = "ESTIMATION"
    REVENU_N_1 = "REVENU_N_1"
    REVENU_N_2 = "REVENU_N_2"
    FORFAIT_DEBUT_ACTIVITE = "FORFAIT_DEBUT_ACTIVITE"
    TAXATION_OFFICE = "TAXATION_OFFICE"


@dataclass(frozen=True, slots=True)
class BaseProvisionnelle:
    """The provisional basis of year ``annee``.

    ``revenu`` is None for the forfait (the caller then computes the forfait de début
    d'activité, SPEC §3); ``k`` is set only for taxation d'office.
    """

    annee: int
    nature: NatureBase
    revenu: Decimal | None
    k: int | None
    explication: str


def undeclared_years(
    annee: int, annees_declarees: Collection[int], date_creation: date, jour: date
) -> int:
    """Consecutive years up to N-1 left undeclared past their deadline on ``jour`` (the
    ``k`` of taxation d'office, ≥ 0).

    Counting starts at the latest year up to N-1 whose deadline (31 May of the next
    year) has passed, and goes back while the year is not declared, stopping at the
    first declared year or before max(creation year, first covered year): an undeclared
    N-1 is not late before 1 June of N, and years before the activity or the caisse's
    records don't count (the creation year itself does).
    """
    premiere = max(date_creation.year, PREMIERE_ANNEE_COUVERTE)
    derniere = min(annee - 1, derniere_annee_echue(jour))
    k = 0
    while derniere - k >= premiere and (derniere - k) not in annees_declarees:
        k += 1
    return k


def _in_forfait_years(annee: int, date_creation: date) -> bool:
    """The forfait applies in the creation year and the next one (§3)."""
    return annee in (date_creation.year, date_creation.year + 1)


def is_taxation_d_office(
    annee: int, annees_declarees: Collection[int], date_creation: date
) -> bool:
    """Whether the worker is in taxation d'office for year ``annee`` (never typed in).

    It is the provisional-basis rule without the estimate (an estimate is refused to a
    worker in taxation d'office): no income of N-1 nor N-2 declared and N is neither the
    creation year nor the next one.
    """
    _check_activity(annee, date_creation)
    return (
        annee - 1 not in annees_declarees
        and annee - 2 not in annees_declarees
        and not _in_forfait_years(annee, date_creation)
    )


def _check_activity(annee: int, date_creation: date) -> None:
    if date_creation.year > annee:
        raise ValueError(f"activity created on {date_creation}: nothing is due for {annee}")


def _euros(montant: Decimal) -> str:
    """French display: '30 000 €', '1 234,50 €'."""
    texte = f"{montant:,.2f}".replace(",", " ").replace(".", ",")
    return f"{texte.removesuffix(',00')} €"


def average_last_two(revenus_declares: Mapping[int, Decimal], annee: int) -> Decimal | None:
    """Exact average of the two most recent declared incomes before ``annee``; the only
    one when a single income is declared; None when none is."""
    annees = sorted((a for a in revenus_declares if a < annee), reverse=True)[:2]
    if not annees:
        return None
    return sum((revenus_declares[a] for a in annees), ZERO) / len(annees)


def taxation_d_office_income(
    revenus_declares: Mapping[int, Decimal], annee: int, k: int, pass_annuel: Decimal
) -> Decimal:
    """max(average of the last two declared incomes, 50 % of the PASS of N) × 1.25^(k−1),
    computed exactly and rounded to the euro half up (§4). No income declared: 50 % PASS."""
    if k < 1:
        raise ValueError("taxation d'office needs at least one undeclared year")
    plancher = pass_annuel * PART_PASS_TAXATION
    moyenne = average_last_two(revenus_declares, annee)
    base = plancher if moyenne is None else max(moyenne, plancher)
    with localcontext() as ctx:
        ctx.prec = 60 + 2 * k  # 1.25^m has 2m decimals: enough digits to stay exact
        ctx.traps[Inexact] = True
        revenu = base * TAUX_MAJORATION_TAXATION ** (k - 1)
    return round_euro(revenu)


def provisional_basis(
    annee: int,
    revenus_declares: Mapping[int, Decimal],
    estimation: Decimal | None,
    date_creation: date,
    pass_annuel: Decimal,
    *,
    jour: date,
) -> BaseProvisionnelle:
    """The first rule that applies, in the order of §4: the estimate for N; the declared
    income of N-1; that of N-2; the forfait in the creation year and the next; else
    taxation d'office, its ``k`` counted on ``jour`` (the day of the computation: a
    deadline passing later changes nothing until the next recomputation).
    ``revenus_declares`` maps a year to its declared income (a loss is a negative, but
    declared, income)."""
    _check_activity(annee, date_creation)
    if estimation is not None:
        texte = f"Estimation de votre revenu {annee} : {_euros(estimation)}."
        return BaseProvisionnelle(annee, NatureBase.ESTIMATION, estimation, None, texte)
    for ecart, nature in ((1, NatureBase.REVENU_N_1), (2, NatureBase.REVENU_N_2)):
        revenu = revenus_declares.get(annee - ecart)
        if revenu is not None:
            texte = f"Revenu {annee - ecart} déclaré : {_euros(revenu)}."
            return BaseProvisionnelle(annee, nature, revenu, None, texte)
    if _in_forfait_years(annee, date_creation):
        texte = (
            f"Début d'activité le {date_creation.strftime('%d/%m/%Y')} : cotisations "
            f"provisionnelles calculées sur la base forfaitaire."
        )
        return BaseProvisionnelle(annee, NatureBase.FORFAIT_DEBUT_ACTIVITE, None, None, texte)
    return _taxation_d_office(annee, revenus_declares, date_creation, pass_annuel, jour)


def _taxation_d_office(
    annee: int,
    revenus_declares: Mapping[int, Decimal],
    date_creation: date,
    pass_annuel: Decimal,
    jour: date,
) -> BaseProvisionnelle:
    # Only in 2024 can no covered year be late yet (2022 is not covered, 2023 is due by
    # 31 May 2024): the first degree of the taxation d'office applies then.
    k = max(1, undeclared_years(annee, revenus_declares.keys(), date_creation, jour))
    revenu = taxation_d_office_income(revenus_declares, annee, k, pass_annuel)
    pluriel = "s" if k > 1 else ""
    texte = (
        f"Taxation d'office : {k} année{pluriel} consécutive{pluriel} sans revenu déclaré "
        f"dans les délais jusqu'en {min(annee - 1, derniere_annee_echue(jour))} ; revenu "
        f"retenu {_euros(revenu)} "
        f"(max(moyenne des deux derniers revenus déclarés, 50 % du PASS) × 1,25^{k - 1})."
    )
    return BaseProvisionnelle(annee, NatureBase.TAXATION_OFFICE, revenu, k, texte)
