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
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Subquery, and_, exists, func, literal, or_, select

from domain.money import from_cents
from domain.nomenclatures import Regime, Situation
from domain.recherche import search_key
from gateway.auth.principal import Principal
from gateway.auth.visibility import is_visible
from gateway.db.engine import RequestSession
from gateway.db.models import AffectationCollaborateur, Etablissement, Travailleur, Utilisateur
from gateway.db.repositories.portfolio_indicateurs import flag, indicators


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


def _vigilance(ind: Subquery) -> ColumnElement[bool]:
    return and_(ind.c.manquantes == 0, ind.c.retard_non_couvert <= 0)


def _attention(ind: Subquery) -> ColumnElement[bool]:
    return or_(ind.c.retard > 0, ind.c.manquantes == 1, ind.c.denonce == 1)


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


def _conditions(principal: Principal, ind: Subquery, f: Filtres) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.situations is not None:
        where.append(Travailleur.situation.in_(f.situations))
    if f.regime is not None:
        where.append(Travailleur.regime == f.regime)
    if f.en_retard is not None:
        where.append(ind.c.retard > 0 if f.en_retard else ind.c.retard <= 0)
    if f.prochaine_echeance_avant is not None:
        where.append(ind.c.prochaine < f.prochaine_echeance_avant)
    if f.vigilance_obtenable is not None:
        where.append(_vigilance(ind) if f.vigilance_obtenable else ~_vigilance(ind))
    if f.a_surveiller is not None:
        where.append(_attention(ind) if f.a_surveiller else ~_attention(ind))
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


def _order(ind: Subquery, tri: Tri, descending: bool) -> list[Any]:
    names = [Travailleur.nom, Travailleur.prenom, Travailleur.id]
    if tri is Tri.NOM:
        return [c.desc() for c in names] if descending else names
    key = ind.c.retard if tri is Tri.MONTANT_EN_RETARD else ind.c.prochaine
    return [(key.desc() if descending else key.asc()).nulls_last(), *names]


async def visible_clients(db: RequestSession, principal: Principal) -> int:
    """How many workers the principal sees: the size of the portfolio a request may read."""
    return int(
        await db.scalar(
            select(func.count())
            .select_from(Travailleur)
            .where(is_visible(Travailleur.id, principal))
        )
    )


async def portfolio_page(
    db: RequestSession,
    principal: Principal,
    today: date,
    filtres: Filtres,
    *,
    tri: Tri,
    descending: bool,
    offset: int,
    limit: int,
) -> list[tuple[Travailleur, Indicateurs]]:
    """One page of the filtered, sorted portfolio with each client's indicators."""
    ind = indicators(principal, today)
    statement = (
        select(
            Travailleur,
            ind.c.retard,
            ind.c.du_mois,
            ind.c.prochaine,
            ind.c.manquantes,
            ind.c.denonce,
            flag(_vigilance(ind)),
            flag(_attention(ind)),
        )
        .join(ind, ind.c.travailleur_id == Travailleur.id)
        .where(*_conditions(principal, ind, filtres))
        .order_by(*_order(ind, tri, descending))
        .offset(offset)
        .limit(limit)
    )
    page: list[tuple[Travailleur, Indicateurs]] = []
    rows: Sequence[Any] = (await db.execute(statement)).all()
    for row, retard, du_mois, prochaine, manquantes, denonce, vigilance, attention in rows:
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
    return page


async def portfolio_summary(
    db: RequestSession, principal: Principal, today: date, filtres: Filtres
) -> Resume:
    """Totals over the filtered portfolio, in one statement."""
    ind = indicators(principal, today)
    zero = literal(0, BigInteger)
    statement = (
        select(
            func.count(),
            func.coalesce(func.sum(ind.c.retard), zero),
            func.coalesce(func.sum(ind.c.du_mois), zero),
            func.coalesce(func.sum(flag(ind.c.retard > 0)), 0),
            func.coalesce(func.sum(ind.c.manquantes), 0),
            func.coalesce(func.sum(ind.c.denonce), 0),
            func.coalesce(func.sum(flag(_attention(ind))), 0),
            func.coalesce(func.sum(flag(_vigilance(ind))), 0),
        )
        .select_from(Travailleur)
        .join(ind, ind.c.travailleur_id == Travailleur.id)
        .where(*_conditions(principal, ind, filtres))
    )
    totals: Any = (await db.execute(statement)).one()
    (count, retard, du_mois, en_retard, manquantes, denonce, attention, vigilance) = totals
    return Resume(
        nombre_clients=int(count),
        montant_en_retard=from_cents(int(retard)),
        du_ce_mois=from_cents(int(du_mois)),
        clients_en_retard=int(en_retard),
        clients_declarations_manquantes=int(manquantes),
        clients_plan_denonce=int(denonce),
        clients_a_surveiller=int(attention),
        clients_vigilance_obtenable=int(vigilance),
    )
