"""Reads of a worker's account that need arguments (pages, filters, the clock)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, String, cast

from domain import compte as compte_rules
from domain.appel_provisionnel import provisional_called
from domain.echeancier import Instalment
from domain.money import ZERO
from domain.nomenclatures import Regime, StatutEcheance
from gateway.context import Context
from gateway.cursors import Part, Window
from gateway.db import echeance_sql
from gateway.db.json_values import JsonShape
from gateway.db.keyset import Cle, Ordre, newest_first
from gateway.db.models import (
    Attestation,
    Cotisation,
    DeclarationMicro,
    Echeance,
    Paiement,
    Travailleur,
)
from gateway.loaders import PageQuery
from gateway.schema.compte import Attestation as AttestationType
from gateway.schema.compte import CompteResume, compte_type, echeance_type
from gateway.schema.compte import Cotisation as CotisationType
from gateway.schema.compte import Paiement as PaiementType
from gateway.schema.errors import bad_user_input
from gateway.schema.micro import DeclarationMicro as DeclarationMicroType
from gateway.schema.relay import Connection, Pagination, connection, window_from
from gateway.services.attestations import declaration_dues
from gateway.services.ledger import called_instalments, credit_of_year

T = TypeVar("T")


async def cotisations(
    ctx: Context, travailleur_ids: Sequence[int], annee: int | None
) -> list[list[CotisationType]]:
    """Each worker's contributions view per year (all years, or ``annee``), each with
    what was really called for it — the definition the account uses
    (``provisional_called``). One year asked for reads its totals summed by the
    database, and its lines only when a field showing them is selected."""
    loaders = ctx.loaders
    if annee is not None:
        totals = await loaders.of_year(annee).totals.load_many(travailleur_ids)
        return [
            [CotisationType.from_totals(i, annee, of_one)]
            if of_one.provisionnelles or of_one.definitives
            else []
            for i, of_one in zip(travailleur_ids, totals, strict=True)
        ]
    lines, echeances, paiements = await asyncio.gather(
        loaders.cotisations.load_many(travailleur_ids),
        loaders.echeances_actives.load_many(travailleur_ids),
        loaders.paiements.load_many(travailleur_ids),
    )
    return [
        _years(*of_one) for of_one in zip(travailleur_ids, lines, echeances, paiements, strict=True)
    ]


def _years(
    travailleur_id: int,
    rows: Sequence[Cotisation],
    echeances: Sequence[Echeance],
    paiements: Sequence[Paiement],
) -> list[CotisationType]:
    by_year: dict[int, list[Cotisation]] = defaultdict(list)
    for r in rows:
        by_year[r.annee].append(r)
    appelees = called_instalments(echeances)
    return [
        CotisationType.from_rows(
            travailleur_id,
            y,
            by_year[y],
            provisional_called(y, appelees, credit_of_year(paiements, y)),
        )
        for y in sorted(by_year)
    ]


def check_aware(updated_since: datetime | None, field: str = "updatedSince") -> None:
    """An ``updatedSince`` time must carry its offset (a naive time is ambiguous)."""
    if updated_since is not None and updated_since.utcoffset() is None:
        raise bad_user_input(
            f"{field} : indiquez le fuseau horaire (par exemple 2026-11-23T10:00:00Z).",
            field,
        )


def _echeance_filters(filters: tuple[Hashable, ...]) -> Sequence[ColumnElement[bool]]:
    du, au, statut, today, updated_since = filters
    where: list[ColumnElement[bool]] = []
    if isinstance(updated_since, datetime):
        where.append(Echeance.modifie_le >= updated_since)
    if du is not None:
        where.append(Echeance.date_echeance >= du)
    if au is not None:
        where.append(Echeance.date_echeance <= au)
    if isinstance(statut, StatutEcheance):
        where.append(echeance_sql.has_statut(statut, today))
    else:
        where.append(echeance_sql.not_cancelled())
    return where


def _echeance_parameters(values: tuple[Hashable, ...]) -> dict[str, Any]:
    """What the values the database writes for instalments read: the day, and the
    instalments exempted by a plan (see ``gateway.db.echeance_sql``)."""
    today, exempted = values
    assert isinstance(exempted, frozenset)
    return {echeance_sql.TODAY: today, echeance_sql.EXEMPTED: sorted(exempted)}


ORDRE_ECHEANCES = Ordre(
    "echeances", (Cle(Echeance.date_echeance, Part.DATE), Cle(Echeance.id, Part.ID))
)
ORDRE_PAIEMENTS = Ordre(
    "paiements", (Cle(Paiement.date_paiement, Part.DATE), Cle(Paiement.id, Part.ID))
)
# Most recent period first; (period, activity) is unique for a worker.
ORDRE_DECLARATIONS = Ordre(
    "declarations",
    (
        Cle(DeclarationMicro.periode, Part.TEXT, descending=True),
        Cle(cast(DeclarationMicro.activite, String), Part.TEXT),
    ),
)
ORDRE_ATTESTATIONS = newest_first(
    "attestations", Attestation.date_emission, Part.DATE, Attestation.id
)


async def echeances(
    ctx: Context,
    travailleur_ids: Sequence[int],
    pagination: Pagination,
    du: date | None = None,
    au: date | None = None,
    statut: StatutEcheance | None = None,
    updated_since: datetime | None = None,
    *,
    as_json: JsonShape | None = None,
) -> list[Any]:
    """Each worker's page of instalments (one statement for all of them);
    ``as_json``: their JSON objects of that shape, written by the database."""
    window = window_from(ORDRE_ECHEANCES, pagination)
    check_aware(updated_since)
    today = ctx.clock.today()
    exempted: frozenset[int] = frozenset()
    if as_json is not None and echeance_sql.EXEMPTED in as_json.parameters:
        exempted = await _exempted_by_plans(ctx, travailleur_ids)
    return await _pages(
        ctx,
        travailleur_ids,
        window,
        (du, au, statut, today, updated_since),
        values=(today, exempted),
        model=Echeance,
        ordre=ORDRE_ECHEANCES,
        filters_to_where=_echeance_filters,
        parameters=_echeance_parameters,
        as_json=as_json,
        build=lambda row: echeance_type(row, today),
    )


async def _exempted_by_plans(ctx: Context, travailleur_ids: Sequence[int]) -> frozenset[int]:
    """The instalments of these workers that a respected payment plan exempts from
    majorations today (the plans followed as for each instalment's ``exoneree``)."""
    from gateway.resolvers.delais import plans_comptes  # the plans' module reads accounts

    etats = await plans_comptes(ctx, travailleur_ids)
    return frozenset().union(*(etat.exemptes for etat in etats))


def _paiement_filters(filters: tuple[Hashable, ...]) -> Sequence[ColumnElement[bool]]:
    du, au, updated_since = filters
    where: list[ColumnElement[bool]] = []
    if isinstance(updated_since, datetime):
        where.append(Paiement.modifie_le >= updated_since)
    if du is not None:
        where.append(Paiement.date_paiement >= du)
    if au is not None:
        where.append(Paiement.date_paiement <= au)
    return where


async def paiements(
    ctx: Context,
    travailleur_ids: Sequence[int],
    pagination: Pagination,
    du: date | None = None,
    au: date | None = None,
    updated_since: datetime | None = None,
    *,
    as_json: JsonShape | None = None,
) -> list[Any]:
    """Each worker's page of payments (one statement for all of them);
    ``as_json``: their JSON objects of that shape, written by the database."""
    window = window_from(ORDRE_PAIEMENTS, pagination)
    check_aware(updated_since)
    return await _pages(
        ctx,
        travailleur_ids,
        window,
        (du, au, updated_since),
        model=Paiement,
        ordre=ORDRE_PAIEMENTS,
        filters_to_where=_paiement_filters,
        as_json=as_json,
        build=PaiementType.from_row,
    )


async def _dues(ctx: Context, travailleur: Travailleur) -> list[Instalment]:
    """What the worker owes and when: instalments, or a micro-entrepreneur's declarations
    (each period's contributions and CFP, due at the end of the following month)."""
    if travailleur.regime is not Regime.MICRO:
        rows = await ctx.loaders.echeances_actives.load(travailleur.id)
        return [
            Instalment(r.id, r.date_echeance, r.montant, r.montant_paye, r.nature) for r in rows
        ]
    declarations = await ctx.loaders.declarations.load(travailleur.id)
    payments = await ctx.loaders.paiements.load(travailleur.id)
    dues, _detail = compte_rules.micro_dues(
        declaration_dues(declarations),
        [compte_rules.Paiement(p.id, p.date_paiement, p.montant) for p in payments],
    )
    return dues


async def comptes_resumes(
    ctx: Context, travailleurs: Sequence[Travailleur], *, whole_account: bool
) -> list[CompteResume]:
    """Each worker's balance at the last accounting day, surcharges today and monthly
    detail (SPEC §4), the page's reads batched together.

    Without ``whole_account`` (the detail is not selected): the balance summed in SQL
    and the overdue dues only (instalments, or a micro-entrepreneur's declarations paid
    oldest first by every payment), an account holding years of rows, read for the
    whole page at once. Otherwise the whole account is read."""
    from gateway.resolvers.delais import plans_comptes

    today = ctx.clock.today()
    arrete = compte_rules.last_accounting_day(today)
    # Instalments covered by an accepted, respected payment plan carry none (SPEC §5).
    # Asked now, before any await: the page's plans join those its instalments ask for
    # in this turn (one statement for both).
    plans = plans_comptes(ctx, [t.id for t in travailleurs])
    whole = list(travailleurs) if whole_account else []
    summed = [] if whole_account else travailleurs
    micro = [t.id for t in summed if t.regime is Regime.MICRO]
    classique = [t.id for t in summed if t.regime is not Regime.MICRO]
    etats, micro_rows, classique_rows, accounts = await asyncio.gather(
        plans,
        ctx.loaders.summaries(today, micro=True).load_many(micro),
        ctx.loaders.summaries(today, micro=False).load_many(classique),
        asyncio.gather(*(_account(ctx, t) for t in whole)),
    )
    by_summary = dict(zip(micro + classique, micro_rows + classique_rows, strict=True))
    by_account = {t.id: account for t, account in zip(whole, accounts, strict=True)}
    resumes = []
    for travailleur, etat in zip(travailleurs, etats, strict=True):
        if travailleur.id in by_account:
            instalments, received = by_account[travailleur.id]
            solde = compte_rules.balance(instalments, received, arrete)
            overdue = [i for i in instalments if i.date_echeance < today and i.reste_du > ZERO]
            detail = _detail_of(instalments, received, arrete)  # the account already read
        else:
            summary = by_summary[travailleur.id]
            solde = summary.balance
            overdue = summary.overdue
            detail = _detail_read_later(ctx, travailleur, arrete)
        majorations = sum(
            (compte_rules.majorations(i, today, exoneree=i.id in etat.exemptes) for i in overdue),
            Decimal(0),
        )
        en_retard = sum((i.reste_du for i in overdue), Decimal(0))
        resumes.append(compte_type(arrete, solde, detail, majorations, en_retard))
    return resumes


async def _account(
    ctx: Context, travailleur: Travailleur
) -> tuple[list[Instalment], list[compte_rules.Paiement]]:
    """The whole account: what the worker owes and every payment received."""
    payments = await ctx.loaders.paiements.load(travailleur.id)
    received = [compte_rules.Paiement(p.id, p.date_paiement, p.montant) for p in payments]
    return await _dues(ctx, travailleur), received


def _detail_read_later(
    ctx: Context, travailleur: Travailleur, arrete: date
) -> Callable[[], Awaitable[Sequence[compte_rules.PeriodeDetail]]]:
    async def detail() -> Sequence[compte_rules.PeriodeDetail]:
        return compte_rules.period_detail(*await _account(ctx, travailleur), arrete)

    return detail


def _detail_of(
    instalments: list[Instalment], received: list[compte_rules.Paiement], arrete: date
) -> Callable[[], Awaitable[Sequence[compte_rules.PeriodeDetail]]]:
    async def detail() -> Sequence[compte_rules.PeriodeDetail]:
        return compte_rules.period_detail(instalments, received, arrete)

    return detail


def _no_filter(_filters: tuple[Hashable, ...]) -> Sequence[ColumnElement[bool]]:
    return ()


def _no_parameters(_values: tuple[Hashable, ...]) -> dict[str, Any]:
    return {}


async def _pages(
    ctx: Context,
    travailleur_ids: Sequence[int],
    window: Window,
    filters: tuple[Hashable, ...],
    *,
    values: tuple[Hashable, ...] = (),
    model: type[Any],
    ordre: Ordre,
    build: Callable[[Any], T],
    filters_to_where: Callable[[tuple[Hashable, ...]], Sequence[ColumnElement[bool]]] = _no_filter,
    parameters: Callable[[tuple[Hashable, ...]], dict[str, Any]] = _no_parameters,
    as_json: JsonShape | None = None,
) -> list[Any]:
    """Each worker's keyset page of one of their lists (a ``Connection`` of ``build``'s
    objects), through the request's loader of that list (one statement for every worker
    asking the same window and filters). ``as_json``: each page as the JSON objects of
    that shape the database writes (``JsonItems``), the values it reads given by
    ``parameters`` from ``values`` (which, unlike the filters, leave the statement as
    it is: it is built once for its filters and window)."""
    query = PageQuery(window, filters, values)
    loaders = ctx.loaders
    if as_json is not None:
        json_loader = loaders.paged_as_json(
            ordre.kind,
            model,
            query,
            filters_to_where=filters_to_where,
            parameters=parameters,
            ordre=ordre,
            shape=as_json,
        )
        return await json_loader.load_many(travailleur_ids)
    loader = loaders.paged(ordre.kind, model, query, filters_to_where=filters_to_where, ordre=ordre)
    pages = await loader.load_many(travailleur_ids)
    return [connection([build(r) for r in page.items], page, window, ordre) for page in pages]


async def declarations(
    ctx: Context, travailleur_ids: Sequence[int], pagination: Pagination
) -> list[Connection[DeclarationMicroType]]:
    """Each micro-entrepreneur's page of declarations (one statement for all)."""
    window = window_from(ORDRE_DECLARATIONS, pagination)
    return await _pages(
        ctx,
        travailleur_ids,
        window,
        (),
        model=DeclarationMicro,
        ordre=ORDRE_DECLARATIONS,
        build=DeclarationMicroType.from_row,
    )


async def attestations(
    ctx: Context, travailleur_ids: Sequence[int], pagination: Pagination
) -> list[Connection[AttestationType]]:
    """Each worker's page of attestations (one statement for all of them)."""
    window = window_from(ORDRE_ATTESTATIONS, pagination)
    return await _pages(
        ctx,
        travailleur_ids,
        window,
        (),
        model=Attestation,
        ordre=ORDRE_ATTESTATIONS,
        build=AttestationType.from_row,
    )
