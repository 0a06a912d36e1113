"""The accountant's portfolio in SQL: per-client indicators, filters, sorting and totals.

Everything a dashboard filters or sorts on is computed by the database, for the
visible clients only (``is_visible``), in two statements per request whatever the
page size: one for the page (clients and their indicators), one for the totals of
the filtered portfolio (SPEC §9–§10, issue 4). Nothing loads the whole portfolio into
Python.

The indicators follow the account rules exactly as the API shows them elsewhere:

* overdue amount: what ``compte.montantEnRetard`` shows — unpaid instalments due
  before today (régime classique), or for a micro-entrepreneur the declared
  contributions due before today minus every payment, payments going to the oldest
  dues first (SPEC §4, §7);
* due this month: the unpaid part of what falls due in the current calendar month;
* next due date: the first unpaid due date from today on;
* missing declarations, denounced plan and attestation de vigilance: the rules of
  :mod:`domain.vigilance`, translated one to one (SPEC §5, §6).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)

from domain.money import from_cents, to_cents
from domain.nomenclatures import Regime, Situation
from domain.recherche import search_key
from gateway.auth.principal import Principal
from gateway.auth.visibility import is_visible
from gateway.cursors import Part, Window
from gateway.db.engine import RequestSession
from gateway.db.keyset import Cle, Ordre
from gateway.db.models import AffectationCollaborateur, Etablissement, Travailleur, Utilisateur
from gateway.db.models_situation import SituationCompte as S
from gateway.db.records import columns, record_type
from gateway.db.repositories.portfolio_situation import stale, with_situation
from gateway.events.models import Evenement


class Tri(StrEnum):
    """How the portfolio is sorted (ties: name, first name, then id)."""

    NOM = "NOM"
    MONTANT_EN_RETARD = "MONTANT_EN_RETARD"
    PROCHAINE_ECHEANCE = "PROCHAINE_ECHEANCE"


@dataclass(frozen=True, slots=True)
class Filtres:
    """The portfolio filters; None means "not filtered on"."""

    situations: tuple[Situation, ...] | None = None
    regime: Regime | None = None
    en_retard: bool | None = None
    prochaine_echeance_avant: date | None = None
    vigilance_obtenable: bool | None = None
    a_surveiller: bool | None = None
    collaborateur_id: int | None = None
    recherche: str | None = None
    # Clients with an event (any change of their account) at or after this time.
    modifie_depuis: datetime | None = None


@dataclass(frozen=True, slots=True)
class Indicateurs:
    """One client's follow-up figures, as the filters see them."""

    montant_en_retard: Decimal
    du_ce_mois: Decimal
    prochaine_echeance: date | None
    declarations_manquantes: bool
    plan_denonce: bool
    vigilance_obtenable: bool
    a_surveiller: bool


@dataclass(frozen=True, slots=True)
class Resume:
    """Totals over the whole filtered portfolio (not only the page)."""

    nombre_clients: int
    montant_en_retard: Decimal
    du_ce_mois: Decimal
    clients_en_retard: int
    clients_declarations_manquantes: int
    clients_plan_denonce: int
    clients_a_surveiller: int
    clients_vigilance_obtenable: int


def _search(texte: str) -> ColumnElement[bool] | None:
    """Digits: a part of the NIR or of a SIRET (spaces ignored). Words: each word a part
    of the name or first name, accents and case ignored (both sides folded by
    ``domain.recherche``, so SQLite and PostgreSQL answer alike)."""
    compact = re.sub(r"\s+", "", texte).upper()
    if not compact:
        return None
    if any(c.isdigit() for c in compact):
        siret = exists(
            select(Etablissement.id).where(
                Etablissement.travailleur_id == Travailleur.id,
                Etablissement.siret.contains(compact, autoescape=True),
            )
        )
        return or_(Travailleur.nir.contains(compact, autoescape=True), siret)
    words = search_key(texte).split()
    if not words:
        return None
    return and_(*(Travailleur.cle_recherche.contains(word, autoescape=True) for word in words))


def _conditions(principal: Principal, today: date, f: Filtres) -> list[ColumnElement[bool]]:
    """The visible workers whose stored situation is valid today, then the filters."""
    where: list[ColumnElement[bool]] = [
        is_visible(Travailleur.id, principal),
        # Never a row computed for another day (they are refreshed before the read).
        S.valide_le == today,
    ]
    if f.situations is not None:
        where.append(Travailleur.situation.in_(f.situations))
    if f.regime is not None:
        where.append(Travailleur.regime == f.regime)
    if f.en_retard is not None:
        where.append(S.retard > 0 if f.en_retard else S.retard <= 0)
    if f.prochaine_echeance_avant is not None:
        where.append(S.prochaine < f.prochaine_echeance_avant)
    if f.vigilance_obtenable is not None:
        where.append(S.vigilance.is_(f.vigilance_obtenable))
    if f.a_surveiller is not None:
        where.append(S.attention.is_(f.a_surveiller))
    if f.modifie_depuis is not None:
        where.append(
            exists(
                select(Evenement.id).where(
                    Evenement.travailleur_id == Travailleur.id,
                    Evenement.horodatage >= f.modifie_depuis,
                )
            )
        )
    if f.collaborateur_id is not None:
        where.append(
            Travailleur.id.in_(
                select(AffectationCollaborateur.travailleur_id)
                .join(Utilisateur, Utilisateur.id == AffectationCollaborateur.utilisateur_id)
                .where(
                    AffectationCollaborateur.utilisateur_id == f.collaborateur_id,
                    Utilisateur.cabinet_id == principal.cabinet_id,
                )
            )
        )
    if f.recherche is not None:
        search = _search(f.recherche)
        if search is not None:
            where.append(search)
    return where


NAMES = ((Travailleur.nom, Part.TEXT), (Travailleur.prenom, Part.TEXT), (Travailleur.id, Part.ID))


def order_of(tri: Tri, descending: bool) -> Ordre:
    """Name, first name, id (ties); an indicator sort puts its key first, NULLs last, and
    keeps the names ascending. Its cursors name the sort and its direction."""
    kind = f"portfolio.{tri.value}.{'desc' if descending else 'asc'}"
    if tri is Tri.NOM:
        return Ordre(kind, tuple(Cle(c, p, descending) for c, p in NAMES))
    key = (
        Cle(S.retard, Part.CENTS, descending)
        if tri is Tri.MONTANT_EN_RETARD
        else Cle(S.prochaine, Part.DATE_OR_NONE, descending, nullable=True)
    )
    return Ordre(kind, (key, *(Cle(c, p) for c, p in NAMES)))


def key_of(tri: Tri, row: Travailleur, situation: Indicateurs) -> tuple[Any, ...]:
    """The sort key of one client, as :func:`order_of` orders (money in cents)."""
    names = (row.nom, row.prenom, row.id)
    if tri is Tri.NOM:
        return names
    if tri is Tri.MONTANT_EN_RETARD:
        return (to_cents(situation.montant_en_retard), *names)
    return (situation.prochaine_echeance, *names)


async def visible_clients(db: RequestSession, principal: Principal) -> int:
    """How many workers the principal sees: the size of the portfolio a request may read."""
    return int(
        await db.scalar(
            select(func.count())
            .select_from(Travailleur)
            .where(is_visible(Travailleur.id, principal))
        )
    )


def _stale_count(principal: Principal, today: date) -> Any:
    return (
        with_situation(select(func.count()).select_from(Travailleur))
        .where(is_visible(Travailleur.id, principal), stale(today))
        .scalar_subquery()
    )


async def stale_clients(db: RequestSession, principal: Principal, today: date) -> int:
    """How many visible clients have no stored situation valid today."""
    return int(await db.scalar(select(_stale_count(principal, today))))


def reads_indicators(tri: Tri, f: Filtres) -> bool:
    """Whether the order or the filters read the stored indicators (then every visible
    client's row must be valid today, not only the page's)."""
    indicator_filters = (f.en_retard, f.prochaine_echeance_avant, f.vigilance_obtenable)
    return tri is not Tri.NOM or any(v is not None for v in (*indicator_filters, f.a_surveiller))


@dataclass(frozen=True, slots=True)
class PageClients:
    """A page of clients, and those of them whose stored situation is not valid today
    (read with ``any_day``: the page is then to be read again once they are refreshed)."""

    clients: list[tuple[Any, Indicateurs]]  # (a worker's record, its indicators)
    stale: list[int]


async def portfolio_page(
    db: RequestSession,
    principal: Principal,
    today: date,
    filtres: Filtres,
    *,
    tri: Tri,
    descending: bool,
    window: Window,
    any_day: bool = False,
) -> PageClients:
    """Up to ``window.limit`` + 1 clients of the filtered, sorted portfolio between the
    window's keys (those of :func:`key_of`), with their stored indicators: the one more
    tells whether another page follows. From the end when the window is backward
    (``last``), the page still in the portfolio's order. ``any_day`` (only when neither
    the order nor the filters read the indicators): the page whatever the day of its
    rows, which ones are stale said beside it."""
    ordre = order_of(tri, descending)
    backward = window.backward
    where = _conditions(principal, today, filtres)
    if any_day:
        assert not reads_indicators(tri, filtres)
        del where[1]  # the day of the rows
    where.extend(ordre.bounds(window))
    indicators = (S.retard, S.du_mois, S.prochaine, S.manquantes, S.denonce, S.vigilance)
    # The workers as read-only records (gateway.db.records): no ORM instance per row.
    statement = select(*columns(Travailleur), *indicators, S.attention, S.valide_le)
    if any_day:
        statement = with_situation(statement.select_from(Travailleur))
    else:
        statement = statement.join(S, S.travailleur_id == Travailleur.id)
    statement = statement.where(*where).order_by(*ordre.order_by(backward)).limit(window.limit + 1)
    page: list[tuple[Any, Indicateurs]] = []
    stale_ids: list[int] = []
    make = record_type(Travailleur)
    width = len(columns(Travailleur))
    rows: Sequence[Any] = await db.rows(statement)
    for values in rows:
        row = make(*values[:width])
        retard, du_mois, prochaine, manquantes, denonce, vigilance, attention, jour = values[width:]
        if jour != today:
            stale_ids.append(row.id)
            continue
        page.append(
            (
                row,
                Indicateurs(
                    montant_en_retard=from_cents(int(retard)),
                    du_ce_mois=from_cents(int(du_mois)),
                    prochaine_echeance=prochaine,
                    declarations_manquantes=bool(manquantes),
                    plan_denonce=bool(denonce),
                    vigilance_obtenable=bool(vigilance),
                    a_surveiller=bool(attention),
                ),
            )
        )
    if backward:
        page.reverse()
    return PageClients(page, stale_ids)


async def portfolio_summary(
    db: RequestSession, principal: Principal, today: date, filtres: Filtres
) -> tuple[Resume, int]:
    """Totals over the filtered portfolio from the stored situations, and how many
    visible clients have none valid today (the totals are right only when none)."""
    # One pass over the visible clients: the filtered clients with a row valid today
    # are totalled, the clients without one counted.
    where = _conditions(principal, today, filtres)
    kept = and_(*where[1:])
    zero = literal(0, BigInteger)

    def count(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((and_(kept, condition), 1), else_=0)), 0)

    def total(column: Any) -> Any:
        return func.coalesce(func.sum(case((kept, column), else_=zero)), zero)

    statement = with_situation(
        select(
            count(literal(True)),
            total(S.retard),
            total(S.du_mois),
            count(S.retard > 0),
            count(S.manquantes.is_(True)),
            count(S.denonce.is_(True)),
            count(S.attention.is_(True)),
            count(S.vigilance.is_(True)),
            func.coalesce(func.sum(case((stale(today), 1), else_=0)), 0),
        ).select_from(Travailleur)
    ).where(where[0])
    totals: Any = (await db.execute(statement)).one()
    (count_, retard, du_mois, en_retard, manquantes, denonce, attention, vigilance, stale_) = totals
    resume = Resume(
        nombre_clients=int(count_),
        montant_en_retard=from_cents(int(retard)),
        du_ce_mois=from_cents(int(du_mois)),
        clients_en_retard=int(en_retard),
        clients_declarations_manquantes=int(manquantes),
        clients_plan_denonce=int(denonce),
        clients_a_surveiller=int(attention),
        clients_vigilance_obtenable=int(vigilance),
    )
    return resume, int(stale_)
