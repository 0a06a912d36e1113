"""The declaration calendar of the régime classique — SPEC §4 "Declaring income", §6.

The income of year N-1 is declared during year N, by the annual deadline of 31 May of
N (the annual income declaration of the self-employed, made with the income tax
return since 2021: Urssaf, "Déclaration de revenus des indépendants"). Before that
deadline an undeclared N-1 is not late: it does not count as a missing declaration
(attestations, payment plans, attention flags, taxation d'office) until 1 June of N.

This module is the one place that says which years must have been declared on a day
(:func:`annees_a_declarer`) and which years may still be declared
(:func:`check_annee_declarable`). The portfolio's SQL filter takes its years from
:func:`annees_exigibles`; attestations, payment plans and taxation d'office call these
functions directly.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from domain.errors import DomainError

#: The first year the caisse keeps accounts for: older years are never asked for.
PREMIERE_ANNEE_COUVERTE = 2023
#: Day and month of the annual deadline for the previous year's income.
JOUR_LIMITE, MOIS_LIMITE = 31, 5


def date_limite_declaration(annee: int) -> date:
    """Last day to declare the income of ``annee``: 31 May of the next year."""
    return date(annee + 1, MOIS_LIMITE, JOUR_LIMITE)


def derniere_annee_echue(jour: date) -> int:
    """The latest year whose declaration deadline has passed on ``jour`` (N-1 from
    1 June of N, N-2 before)."""
    return jour.year - 1 if jour > date_limite_declaration(jour.year - 1) else jour.year - 2


def annees_exigibles(jour: date) -> range:
    """Every year whose income must have been declared on ``jour``, whoever the worker:
    from the first covered year to :func:`derniere_annee_echue` (the activity bounds
    are applied by :func:`annees_a_declarer`)."""
    return range(PREMIERE_ANNEE_COUVERTE, derniere_annee_echue(jour) + 1)


def _annees_d_activite(date_debut: date, date_fin: date | None, jusqu_a: int) -> range:
    """Covered years of the activity up to ``jusqu_a``: the creation year and the year
    of the radiation count, the years after it do not."""
    derniere = jusqu_a if date_fin is None else min(jusqu_a, date_fin.year)
    return range(max(date_debut.year, PREMIERE_ANNEE_COUVERTE), derniere + 1)


def annees_a_declarer(jour: date, date_debut: date, date_fin: date | None) -> range:
    """The years (oldest first) whose income must have been declared on ``jour``: the
    years of :func:`annees_exigibles` within the activity."""
    return _annees_d_activite(date_debut, date_fin, annees_exigibles(jour).stop - 1)


def annees_non_declarees(
    jour: date, date_debut: date, date_fin: date | None, annees_declarees: Collection[int]
) -> tuple[int, ...]:
    """The years of :func:`annees_a_declarer` without a declared income."""
    return tuple(
        a for a in annees_a_declarer(jour, date_debut, date_fin) if a not in annees_declarees
    )


def annees_devenues_manquantes(
    avant: date,
    jour: date,
    date_debut: date,
    date_fin: date | None,
    annees_declarees: Collection[int],
) -> tuple[int, ...]:
    """The years that became missing between ``avant`` and ``jour``: owed and undeclared
    on ``jour`` (:func:`annees_non_declarees`), and whose deadline passed after ``avant``
    (on or before ``avant`` they were already missing then, or not owed). Nothing when
    ``jour`` is not after ``avant``."""
    deja_echue = derniere_annee_echue(avant)
    return tuple(
        a
        for a in annees_non_declarees(jour, date_debut, date_fin, annees_declarees)
        if a > deja_echue
    )


def annees_declarables(today: date, date_debut: date, date_fin: date | None) -> range:
    """Years whose income may be declared on ``today``: every covered past year of the
    activity (N-1 during N, and any earlier year late), declared or not."""
    return _annees_d_activite(date_debut, date_fin, today.year - 1)


def check_annee_declarable(
    annee: int,
    today: date,
    date_debut: date,
    date_fin: date | None,
    annees_declarees: Collection[int],
) -> None:
    """Refuse a declaration of ``annee`` that §4 does not allow: the current or a future
    year, a year before the first covered one or outside the activity, a year already
    declared (a correction is not possible yet)."""
    if annee >= today.year:
        raise DomainError(
            f"Le revenu {annee} ne peut pas encore être déclaré : le revenu d'une année se "
            f"déclare à partir du 1er janvier de l'année suivante ({annee + 1}).",
            field="annee",
            code="ANNEE_NON_CLOSE",
        )
    premiere = max(date_debut.year, PREMIERE_ANNEE_COUVERTE)
    if annee < premiere:
        raise DomainError(
            f"Le revenu {annee} ne peut pas être déclaré : seules les années d'activité à "
            f"partir de {premiere} sont couvertes.",
            field="annee",
            code="ANNEE_NON_COUVERTE",
        )
    if annee not in annees_declarables(today, date_debut, date_fin):
        fin = "" if date_fin is None else date_fin.strftime("%d/%m/%Y")
        raise DomainError(
            f"Le revenu {annee} ne peut pas être déclaré : l'activité a été radiée le {fin}.",
            field="annee",
            code="ANNEE_NON_COUVERTE",
        )
    if annee in annees_declarees:
        raise DomainError(
            f"Le revenu {annee} est déjà déclaré.", field="annee", code="DEJA_DECLARE"
        )


__all__ = [
    "PREMIERE_ANNEE_COUVERTE",
    "annees_a_declarer",
    "annees_declarables",
    "annees_devenues_manquantes",
    "annees_exigibles",
    "annees_non_declarees",
    "check_annee_declarable",
    "date_limite_declaration",
    "derniere_annee_echue",
]
