"""The cabinet's calendar: instalments and declaration deadlines of every visible
client within a window of dates, as one planned statement (plus its count).

Three kinds of rows, united in SQL so that the page is ordered and cut by the
database: the instalments due in the window (not cancelled); the income years whose
31 May deadline falls in it, for each client of the régime classique active that year
with no declared income for it; the months or quarters whose deadline falls in it,
for each micro-entrepreneur with that declaration rhythm, active during the period
and without a declaration of it. The candidate years and periods come from
``domain.calendrier_cabinet`` (a bounded window keeps them few). Every branch filters
on the principal's visible workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql.selectable import CompoundSelect

from domain.calendrier_cabinet import annees_a_declarer_entre, periodes_a_declarer_entre
from domain.calendrier_declarations import date_limite_declaration
from domain.micro import TypePeriode
from domain.nomenclatures import NatureRevenu, PeriodiciteDeclaration, Regime
from gateway.auth.principal import Principal
from gateway.auth.visibility import is_visible
from gateway.cursors import Part, Window
from gateway.db import keyset
from gateway.db.engine import RequestSession
from gateway.db.keyset import Cle, Ordre, Page
from gateway.db.models import DeclarationMicro, Echeance, Revenu, Travailleur

#: The columns of every branch: day, kind, worker, year, instalment, period.
Row = Select[date, int, int, int, int, str]

ECHEANCE = "ECHEANCE_COTISATIONS"
DECLARATION_REVENUS = "DECLARATION_REVENUS"
DECLARATION_MICRO = "DECLARATION_MICRO"
#: Order of the kinds on a same day and for a same client.
_RANG = {ECHEANCE: 0, DECLARATION_REVENUS: 1, DECLARATION_MICRO: 2}


@dataclass(frozen=True, slots=True)
class LigneCalendrier:
    jour: date
    type: str
    travailleur_id: int
    annee: int
    echeance_id: int | None
    periode: str | None


def _echeances(principal: Principal | None, du: date, au: date) -> Row:
    return select(
        Echeance.date_echeance.label("jour"),
        literal(_RANG[ECHEANCE], Integer).label("rang"),
        Echeance.travailleur_id.label("travailleur_id"),
        Echeance.annee.label("annee"),
        Echeance.id.label("echeance_id"),
        null().cast(String).label("periode"),
    ).where(
        is_visible(Echeance.travailleur_id, principal),
        Echeance.annulee.is_(False),
        Echeance.date_echeance.between(du, au),
    )


def _revenus(principal: Principal | None, annee: int, limite: date) -> Row:
    declared = exists().where(
        Revenu.travailleur_id == Travailleur.id,
        Revenu.annee == annee,
        Revenu.nature == NatureRevenu.DECLARE,
    )
    return select(
        literal(limite, Date).label("jour"),
        literal(_RANG[DECLARATION_REVENUS], Integer).label("rang"),
        Travailleur.id.label("travailleur_id"),
        literal(annee, Integer).label("annee"),
        null().cast(Integer).label("echeance_id"),
        null().cast(String).label("periode"),
    ).where(
        is_visible(Travailleur.id, principal),
        Travailleur.regime == Regime.CLASSIQUE,
        Travailleur.date_debut_activite <= date(annee, 12, 31),
        or_(
            Travailleur.date_fin_activite.is_(None),
            Travailleur.date_fin_activite >= date(annee, 1, 1),
        ),
        ~declared,
    )


def _periodes(principal: Principal | None, du: date, au: date) -> list[Row]:
    branches = []
    for periode in periodes_a_declarer_entre(du, au):
        rythme = (
            PeriodiciteDeclaration.MENSUELLE
            if periode.type is TypePeriode.MOIS
            else PeriodiciteDeclaration.TRIMESTRIELLE
        )
        declared = exists().where(
            DeclarationMicro.travailleur_id == Travailleur.id,
            DeclarationMicro.periode == str(periode),
        )
        branches.append(
            select(
                literal(periode.echeance, Date).label("jour"),
                literal(_RANG[DECLARATION_MICRO], Integer).label("rang"),
                Travailleur.id.label("travailleur_id"),
                literal(periode.annee, Integer).label("annee"),
                null().cast(Integer).label("echeance_id"),
                literal(str(periode), String).label("periode"),
            ).where(
                is_visible(Travailleur.id, principal),
                Travailleur.regime == Regime.MICRO,
                Travailleur.periodicite_declaration == rythme,
                Travailleur.date_debut_activite <= periode.fin,
                or_(
                    Travailleur.date_fin_activite.is_(None),
                    Travailleur.date_fin_activite >= periode.debut,
                ),
                ~declared,
            )
        )
    return branches


def calendrier_statement(
    principal: Principal | None, du: date, au: date
) -> CompoundSelect[date, int, int, int, int, str]:
    """Every row of the window, unordered (the caller orders and pages)."""
    branches = [_echeances(principal, du, au)]
    branches += [
        _revenus(principal, annee, date_limite_declaration(annee))
        for annee in annees_a_declarer_entre(du, au)
    ]
    branches += _periodes(principal, du, au)
    return union_all(*branches)


def _column(name: str, kind: Any) -> Any:
    """A column of the window's rows (the subquery named ``calendrier``)."""
    return literal_column(f"calendrier.{name}", kind)


#: By day, client name, kind, period, year and instalment (NULLs read as empty: within
#: one kind they are all NULL or none is).
ORDRE_CALENDRIER = Ordre(
    "calendrier",
    (
        Cle(_column("jour", Date()), Part.DATE),
        Cle(Travailleur.nom, Part.TEXT),
        Cle(Travailleur.prenom, Part.TEXT),
        Cle(_column("travailleur_id", Integer()), Part.ID),
        Cle(_column("rang", Integer()), Part.ID),
        Cle(func.coalesce(_column("periode", String()), ""), Part.TEXT),
        Cle(_column("annee", Integer()), Part.ID),
        Cle(func.coalesce(_column("echeance_id", Integer()), 0), Part.ID),
    ),
)


async def page(
    db: RequestSession, principal: Principal | None, du: date, au: date, window: Window
) -> Page[LigneCalendrier]:
    """The total and one keyset page, by day, client name, kind and instalment: two
    statements."""
    rows = calendrier_statement(principal, du, au).subquery("calendrier")
    total = int(await db.scalar(select(func.count()).select_from(rows)) or 0)
    if total == 0:
        return keyset.EMPTY
    statement = select(
        rows.c.jour,
        rows.c.rang,
        rows.c.travailleur_id,
        rows.c.annee,
        rows.c.echeance_id,
        rows.c.periode,
    ).join(Travailleur, Travailleur.id == rows.c.travailleur_id)
    kinds = {rang: kind for kind, rang in _RANG.items()}

    def ligne(row: Sequence[Any]) -> LigneCalendrier:
        jour, rang, travailleur_id, annee, echeance_id, periode = row
        return LigneCalendrier(
            jour=jour if isinstance(jour, date) else date.fromisoformat(str(jour)),
            type=kinds[int(rang)],
            travailleur_id=int(travailleur_id),
            annee=int(annee),
            echeance_id=None if echeance_id is None else int(echeance_id),
            periode=periode,
        )

    return await keyset.page(db, statement, ORDRE_CALENDRIER, window, total=total, make=ligne)


__all__ = ["LigneCalendrier", "calendrier_statement", "page"]
