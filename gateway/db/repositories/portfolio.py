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
    Date,
    Integer,
    String,
    and_,
    bindparam,
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
from gateway.auth.visibility import (
    VisibilityKind,
    is_visible,
    visibility_kind,
    visibility_parameters,
    visible_to_kind,
)
from gateway.cursors import Part, Window
from gateway.db.built_once import BuiltOnce
from gateway.db.engine import RequestSession
from gateway.db.keyset import Cle, Ordre, bound_values, window_form
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


#: The portfolio's statements, by shape (see ``gateway.db.built_once``): a shape is the
#: kind of principal, which filters are set, the order and the window's form; the
#: values (the principal's ids, today, the filters' values, the cursor) are named
#: parameters (``_filtered``).
_STATEMENTS: BuiltOnce[Any] = BuiltOnce()


@dataclass(frozen=True, slots=True)
class FilterForm:
    """Which filters are set (the boolean ones with their value, which chooses the SQL),
    and the search's kind and number of terms: what the statement depends on."""

    situations: bool
    regime: bool
    en_retard: bool | None
    prochaine: bool
    vigilance: bool | None
    attention: bool | None
    modifie: bool
    collaborateur: bool
    search: tuple[str, int] | None


def _search_terms(texte: str) -> tuple[str, list[str]] | None:
    """Digits: a part of the NIR or of a SIRET (spaces ignored). Words: each word a part
    of the name or first name, accents and case ignored (both sides folded by
    ``domain.recherche``, so SQLite and PostgreSQL answer alike)."""
    compact = re.sub(r"\s+", "", texte).upper()
    if not compact:
        return None
    if any(c.isdigit() for c in compact):
        return "digits", [compact]
    words = search_key(texte).split()
    return ("words", words) if words else None


def _containing(part: str) -> str:
    """A LIKE pattern (escape character ``/``) matching texts that contain ``part``."""
    escaped = part.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _filtered(principal: Principal, today: date, f: Filtres) -> tuple[FilterForm, dict[str, Any]]:
    """The form of the filters (what the statement depends on) and the values of the
    named parameters of ``_conditions``."""
    terms = None if f.recherche is None else _search_terms(f.recherche)
    form = FilterForm(
        situations=f.situations is not None,
        regime=f.regime is not None,
        en_retard=f.en_retard,
        prochaine=f.prochaine_echeance_avant is not None,
        vigilance=f.vigilance_obtenable,
        attention=f.a_surveiller,
        modifie=f.modifie_depuis is not None,
        collaborateur=f.collaborateur_id is not None,
        search=None if terms is None else (terms[0], len(terms[1])),
    )
    values: dict[str, Any] = {"portfolio_today": today, **visibility_parameters(principal)}
    if f.situations is not None:
        values["situations"] = list(f.situations)
    if f.regime is not None:
        values["regime"] = f.regime
    if f.prochaine_echeance_avant is not None:
        values["prochaine_avant"] = f.prochaine_echeance_avant
    if f.modifie_depuis is not None:
        values["modifie_depuis"] = f.modifie_depuis
    if f.collaborateur_id is not None:
        values["collaborateur"] = f.collaborateur_id
        values["collaborateur_cabinet"] = principal.cabinet_id
    for i, term in enumerate(terms[1] if terms is not None else ()):
        values[f"recherche_{i}"] = _containing(term)
    return form, values


def _today() -> Any:
    return bindparam("portfolio_today", type_=Date)


def _conditions(kind: VisibilityKind | None, form: FilterForm) -> list[ColumnElement[bool]]:
    """The visible workers whose stored situation is valid today, then the filters set
    in ``form``, their values named parameters (``_filtered``)."""
    where: list[ColumnElement[bool]] = [
        visible_to_kind(Travailleur.id, kind),
        # Never a row computed for another day (they are refreshed before the read).
        S.valide_le == _today(),
    ]
    if form.situations:
        where.append(
            Travailleur.situation.in_(
                bindparam("situations", expanding=True, type_=Travailleur.situation.type)
            )
        )
    if form.regime:
        where.append(Travailleur.regime == bindparam("regime", type_=Travailleur.regime.type))
    if form.en_retard is not None:
        where.append(S.retard > 0 if form.en_retard else S.retard <= 0)
    if form.prochaine:
        where.append(S.prochaine < bindparam("prochaine_avant", type_=Date))
    if form.vigilance is not None:
        where.append(S.vigilance.is_(form.vigilance))
    if form.attention is not None:
        where.append(S.attention.is_(form.attention))
    if form.modifie:
        since = bindparam("modifie_depuis", type_=Evenement.horodatage.type)
        where.append(
            exists(
                select(Evenement.id).where(
                    Evenement.travailleur_id == Travailleur.id, Evenement.horodatage >= since
                )
            )
        )
    if form.collaborateur:
        where.append(
            Travailleur.id.in_(
                select(AffectationCollaborateur.travailleur_id)
                .join(Utilisateur, Utilisateur.id == AffectationCollaborateur.utilisateur_id)
                .where(
                    AffectationCollaborateur.utilisateur_id
                    == bindparam("collaborateur", type_=Integer),
                    Utilisateur.cabinet_id == bindparam("collaborateur_cabinet", type_=Integer),
                )
            )
        )
    if form.search is not None:
        where.append(_search(*form.search))
    return where


def _search(kind: str, count: int) -> ColumnElement[bool]:
    """The search of ``_search_terms``' kind and number of terms (``recherche_<i>``)."""
    terms = [bindparam(f"recherche_{i}", type_=String) for i in range(count)]
    if kind == "digits":
        siret = exists(
            select(Etablissement.id).where(
                Etablissement.travailleur_id == Travailleur.id,
                Etablissement.siret.like(terms[0], escape="/"),
            )
        )
        return or_(Travailleur.nir.like(terms[0], escape="/"), siret)
    return and_(*(Travailleur.cle_recherche.like(term, escape="/") for term in terms))


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


def _stale_count(kind: VisibilityKind | None) -> Any:
    return (
        with_situation(select(func.count()).select_from(Travailleur))
        .where(visible_to_kind(Travailleur.id, kind), stale(_today()))
        .scalar_subquery()
    )


async def stale_clients(db: RequestSession, principal: Principal, today: date) -> int:
    """How many visible clients have no stored situation valid today."""
    kind = visibility_kind(principal)
    statement = _STATEMENTS.get(("stale", kind), lambda: select(_stale_count(kind)))
    _, values = _filtered(principal, today, Filtres())
    return int((await db.rows(statement, values))[0][0])


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
    if any_day:
        assert not reads_indicators(tri, filtres)
    kind = visibility_kind(principal)
    form, values = _filtered(principal, today, filtres)
    shape = ("page", kind, form, tri, descending, window_form(window), any_day)
    statement = _STATEMENTS.get(
        shape, lambda: _page_statement(kind, form, tri, descending, window, any_day)
    )
    values.update(bound_values(window), page_limit=window.limit + 1)
    make = record_type(Travailleur)
    width = len(columns(Travailleur))
    page: list[tuple[Any, Indicateurs]] = []
    stale_ids: list[int] = []
    rows: Sequence[Any] = await db.rows(statement, values)
    for found in rows:
        row = make(*found[:width])
        retard, du_mois, prochaine, manquantes, denonce, vigilance, attention, jour = found[width:]
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
    if window.backward:
        page.reverse()
    return PageClients(page, stale_ids)


def _page_statement(
    kind: VisibilityKind | None,
    form: FilterForm,
    tri: Tri,
    descending: bool,
    window: Window,
    any_day: bool,
) -> Any:
    """The page statement of its shape (only the form of ``window`` is read: its keys
    are the parameters ``after_<i>``/``before_<i>``, its limit ``page_limit``)."""
    ordre = order_of(tri, descending)
    where = _conditions(kind, form)
    if any_day:
        del where[1]  # the day of the rows
    where.extend(ordre.named_bounds(window_form(window)))
    indicators = (S.retard, S.du_mois, S.prochaine, S.manquantes, S.denonce, S.vigilance)
    # The workers as read-only records (gateway.db.records): no ORM instance per row.
    statement = select(*columns(Travailleur), *indicators, S.attention, S.valide_le)
    if any_day:
        statement = with_situation(statement.select_from(Travailleur))
    else:
        statement = statement.join(S, S.travailleur_id == Travailleur.id)
    return (
        statement.where(*where)
        .order_by(*ordre.order_by(window.backward))
        .limit(bindparam("page_limit", type_=Integer))
    )


async def portfolio_summary(
    db: RequestSession, principal: Principal, today: date, filtres: Filtres
) -> tuple[Resume, int]:
    """Totals over the filtered portfolio from the stored situations, and how many
    visible clients have none valid today (the totals are right only when none)."""
    kind = visibility_kind(principal)
    form, values = _filtered(principal, today, filtres)
    statement = _STATEMENTS.get(("summary", kind, form), lambda: _summary_statement(kind, form))
    totals: Any = (await db.rows(statement, values))[0]
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


def _summary_statement(kind: VisibilityKind | None, form: FilterForm) -> Any:
    # One pass over the visible clients: the filtered clients with a row valid today
    # are totalled, the clients without one counted.
    where = _conditions(kind, form)
    kept = and_(*where[1:])
    zero = literal(0, BigInteger)

    def count(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((and_(kept, condition), 1), else_=0)), 0)

    def total(column: Any) -> Any:
        return func.coalesce(func.sum(case((kept, column), else_=zero)), zero)

    return with_situation(
        select(
            count(literal(True)),
            total(S.retard),
            total(S.du_mois),
            count(S.retard > 0),
            count(S.manquantes.is_(True)),
            count(S.denonce.is_(True)),
            count(S.attention.is_(True)),
            count(S.vigilance.is_(True)),
            func.coalesce(func.sum(case((stale(_today()), 1), else_=0)), 0),
        ).select_from(Travailleur)
    ).where(where[0])
