"""Which declaration deadlines fall in a window of dates (the cabinet's calendar).

Two kinds of declarations have a deadline: the annual income of year N, due by
31 May of N+1 (``calendrier_declarations.date_limite_declaration``; Urssaf,
« Déclaration de revenus des indépendants »), and a micro-entrepreneur's turnover of
a month or a quarter, due by the last day of the following month (SPEC §7,
``micro.Periode.echeance``). The window is bounded so that the candidates stay few.
"""

from __future__ import annotations

from datetime import date

from domain.calendrier_declarations import PREMIERE_ANNEE_COUVERTE, date_limite_declaration
from domain.errors import DomainError
from domain.micro import Periode, TypePeriode

#: Longest window, in days: a year and a day (a leap year's whole calendar).
FENETRE_MAXIMALE = 366


def verifier_fenetre(du: date, au: date) -> None:
    """Refuse a window that ends before it starts or spans more than a year."""
    if au < du:
        raise DomainError(
            f"la fin de la période ({au:%d/%m/%Y}) précède son début ({du:%d/%m/%Y}).",
            field="au",
            code="PERIODE_INVALIDE",
        )
    if (au - du).days + 1 > FENETRE_MAXIMALE:
        raise DomainError(
            f"la période couvre au plus {FENETRE_MAXIMALE} jours "
            f"(reçu {(au - du).days + 1}) ; découpez-la.",
            field="au",
            code="PERIODE_INVALIDE",
        )


def annees_a_declarer_entre(du: date, au: date) -> list[int]:
    """Income years whose declaration deadline falls within ``[du, au]``."""
    return [
        annee
        for annee in range(max(du.year - 1, PREMIERE_ANNEE_COUVERTE), au.year)
        if du <= date_limite_declaration(annee) <= au
    ]


def periodes_a_declarer_entre(du: date, au: date) -> list[Periode]:
    """Months and quarters (from the first covered year) due within ``[du, au]``."""
    periodes: list[Periode] = []
    for annee in range(max(du.year - 1, PREMIERE_ANNEE_COUVERTE), au.year + 1):
        for type_periode, nombre in ((TypePeriode.MOIS, 12), (TypePeriode.TRIMESTRE, 4)):
            for numero in range(1, nombre + 1):
                periode = Periode(annee, type_periode, numero)
                if du <= periode.echeance <= au:
                    periodes.append(periode)
    return periodes


__all__ = [
    "FENETRE_MAXIMALE",
    "annees_a_declarer_entre",
    "periodes_a_declarer_entre",
    "verifier_fenetre",
]
