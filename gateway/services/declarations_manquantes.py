"""The income declarations the date alone makes missing, told as events (issue 13).

On 1 June of N the income of N-1 becomes missing for every régime classique worker who
has not declared it (SPEC §4): no row changes that day, so no flush shows it. The
change is stored when the worker's situation (``situation_compte``) is next refreshed
for a day past the deadline: by the accounting day, by a read on the new day or by a
write, whichever comes first. That refresh knows the day of the row it replaces; the
years whose deadline fell in between and that are still undeclared became missing, and
each is written as a ``DECLARATION_MANQUANTE`` event in the refresh's transaction.

Once per worker and year: the next refresh replaces a row already past the deadline,
and a year already told (a clock set back, then forward again) is not told again. A
worker without a stored row (new, or dropped by a commit outside the unit of work) has
no earlier day to compare with: nothing is told for it, its flags still show the year.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendrier_declarations import (
    annees_devenues_manquantes,
    date_limite_declaration,
    derniere_annee_echue,
)
from domain.evenements import TypeEvenement
from gateway.db.repositories import portfolio_situation as repository
from gateway.events.reading import payloads_of
from gateway.events.writing import declaration_manquante, queue


async def tell_missing_declarations(
    session: AsyncSession, today: date, replaced: Mapping[int, date]
) -> int:
    """Queue, in the current write transaction, the events of the declarations that
    became missing since each replaced row's day (``replaced``: worker → that day);
    how many."""
    echue = derniere_annee_echue(today)
    # A deadline passed since the row's day: the only workers worth a look (once a year).
    crossed = {ident: day for ident, day in replaced.items() if derniere_annee_echue(day) < echue}
    if not crossed:
        return 0
    told = {
        (ident, donnees.get("annee"))
        for ident, donnees in await payloads_of(
            session, TypeEvenement.DECLARATION_MANQUANTE, crossed
        )
    }
    events = [
        declaration_manquante(ident, annee, date_limite_declaration(annee))
        for ident, debut, fin, declarees in await repository.declarations_of(session, crossed)
        for annee in annees_devenues_manquantes(crossed[ident], today, debut, fin, declarees)
        if (ident, annee) not in told
    ]
    queue(session, events)
    return len(events)
