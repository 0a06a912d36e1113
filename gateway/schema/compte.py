"""Account types: revenus, cotisations, échéances, paiements, payment plans, attestations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

import strawberry
from strawberry.types import Info

from domain import compte as compte_rules
from domain.cotisations import LIBELLES, CotisationCode
from domain.delais import StatutDelai
from domain.echeancier import Instalment, NatureEcheance
from domain.nomenclatures import ModePaiement, NatureCotisation, NatureRevenu, StatutEcheance
from domain.suivi_delais import SuiviDelai
from gateway.context import Context
from gateway.db import echeance_sql, models
from gateway.db.json_values import (
    JsonItems,
    JsonShape,
    global_id,
    money,
    money_of_cents,
    plain,
    reading,
)
from gateway.db.repositories.appel import YearTotals
from gateway.schema.attestations import Attestation as Attestation  # re-exported
from gateway.schema.batched_lists import batched
from gateway.schema.cotisations import LigneCotisation, stored_ligne_type
from gateway.schema.described_enum import described_enum
from gateway.schema.json_lists import as_json, stored_fields
from gateway.schema.relay import Node, encode_global_id
from gateway.schema.scalars import Money

T = TypeVar("T")

StatutDelaiEnum = described_enum(
    StatutDelai,
    description="State of a payment plan (délai de paiement).",
    values={
        "DEMANDE": "Requested, awaiting an agent's decision (13 to 24 instalments).",
        "ACCEPTE": "Accepted and followed.",
        "REFUSE": "Refused by an agent.",
        "SOLDE": "Fully paid.",
        "DENONCE": "Denounced: one of its instalments was still unpaid 30 days after its date.",
        "RENEGOCIE": "Replaced by a new plan.",
    },
)


@strawberry.type(description="A yearly professional income, declared or estimated.")
class Revenu(Node):
    annee: int = strawberry.field(description="Year of the income.")
    montant: Money = strawberry.field(description="Amount in euros (negative for a loss).")
    nature: NatureRevenu = strawberry.field(description="Declared, or online estimate.")
    date_saisie: date = strawberry.field(description="When it was entered.")
    updated_at: datetime | None = strawberry.field(
        description="When it last changed (UTC); null if unchanged since before changes were dated."
    )

    @staticmethod
    def from_row(row: models.Revenu) -> Revenu:
        return Revenu(
            id=strawberry.ID(encode_global_id("Revenu", row.id)),
            annee=row.annee,
            montant=Money(row.montant),
            nature=row.nature,
            date_saisie=row.date_saisie,
            updated_at=row.modifie_le,
        )


@strawberry.type(description="Provisional against definitive amount of one line, for a year.")
class EcartCotisation:
    code: CotisationCode = strawberry.field(description="Line code.")
    libelle: str = strawberry.field(description="French label of the line.")
    provisionnel: Money = strawberry.field(description="Provisional amount called.")
    definitif: Money = strawberry.field(description="Definitive amount on the declared income.")
    regularisation: Money = strawberry.field(
        description="definitif − provisionnel: positive is due, negative is a credit."
    )


async def _provisionnelles(root: Cotisation, info: Info[Context, None]) -> list[LigneCotisation]:
    return (await provisionnelles_of(info.context, [root]))[0]


async def _definitives(root: Cotisation, info: Info[Context, None]) -> list[LigneCotisation] | None:
    return (await definitives_of(info.context, [root]))[0]


async def _ecarts(root: Cotisation, info: Info[Context, None]) -> list[EcartCotisation] | None:
    return (await ecarts_of(info.context, [root]))[0]


@strawberry.type(
    description=(
        "Contributions of one year: provisional, definitive once the income is declared, "
        "and the régularisation between them, per line."
    )
)
class Cotisation(Node):
    annee: int = strawberry.field(description="Year of the contributions.")
    base_provisionnelle: str | None = strawberry.field(
        description="What the provisional contributions were computed on (estimate, N-1, forfait…)."
    )

    provisionnelles: list[LigneCotisation] = strawberry.field(
        description="Provisional lines, as computed on the provisional basis for the whole year.",
        resolver=_provisionnelles,
    )
    total_provisionnel: Money | None = strawberry.field(
        description=(
            "Provisional contributions called for the year: its provisional instalments not "
            "cancelled (amounts carried in from a rejected direct debit excluded), minus the "
            "year's credit. The sum of the provisional lines, unless instalments were "
            "cancelled (a radiation year shows what was really called). Null without lines."
        )
    )

    definitives: list[LigneCotisation] | None = strawberry.field(
        description="Definitive lines, once the year's income is declared; null before.",
        resolver=_definitives,
    )
    total_definitif: Money | None = strawberry.field(description="Sum of the definitive lines.")
    regularisation: Money | None = strawberry.field(
        description=(
            "totalDefinitif − totalProvisionnel, the amount the account regularised: positive "
            "is due, negative a credit; null before the declaration."
        )
    )
    ecarts: list[EcartCotisation] | None = strawberry.field(
        description=(
            "Régularisation per line, what was called being attributed to the lines pro rata; "
            "null until the definitive contributions exist."
        ),
        resolver=_ecarts,
    )
    travailleur_id: strawberry.Private[int]
    appele: strawberry.Private[Decimal]
    has_definitives: strawberry.Private[bool]
    # The year's stored lines when the view was built from them (every year of an
    # account); otherwise they are read only when a field showing them is selected.
    rows: strawberry.Private[list[models.Cotisation] | None]

    @staticmethod
    def from_totals(
        travailleur_id: int,
        annee: int,
        totals: YearTotals,
        rows: list[models.Cotisation] | None = None,
    ) -> Cotisation:
        """The view of one year from its totals (``rows``: its lines, if already read)."""
        total_p = totals.appele if totals.provisionnelles else None
        total_d = totals.total_definitif if totals.definitives else None
        return Cotisation(
            id=strawberry.ID(encode_global_id("Cotisation", f"{travailleur_id}:{annee}")),
            annee=annee,
            base_provisionnelle=totals.base_provisionnelle,
            total_provisionnel=Money(total_p) if total_p is not None else None,
            total_definitif=Money(total_d) if total_d is not None else None,
            regularisation=(
                Money(total_d - (total_p or Decimal(0))) if total_d is not None else None
            ),
            travailleur_id=travailleur_id,
            appele=totals.appele,
            has_definitives=bool(totals.definitives),
            rows=rows,
        )

    @staticmethod
    def from_rows(
        travailleur_id: int, annee: int, rows: list[models.Cotisation], appele: Decimal
    ) -> Cotisation:
        """The view of one year from its lines; ``appele`` is its provisional called
        (``domain.appel_provisionnel.provisional_called``), as the account uses it."""
        provisional = _of_nature(rows, NatureCotisation.PROVISIONNELLE)
        definitive = _of_nature(rows, NatureCotisation.DEFINITIVE)
        totals = YearTotals(
            appele=appele,
            provisionnelles=len(provisional),
            base_provisionnelle=provisional[0].base_calcul if provisional else None,
            definitives=len(definitive),
            total_definitif=sum((r.montant for r in definitive), Decimal(0)),
        )
        return Cotisation.from_totals(travailleur_id, annee, totals, rows)


def _of_nature(
    rows: Sequence[models.Cotisation], nature: NatureCotisation
) -> list[models.Cotisation]:
    return [r for r in rows if r.nature is nature]


def _lines(rows: list[models.Cotisation]) -> list[LigneCotisation]:
    """The stored lines, now that they are selected."""
    return [stored_ligne_type(r) for r in rows]


def _called_per_line(provisional: list[models.Cotisation], appele: Decimal) -> dict[str, Decimal]:
    """What was called, per line: the year's provisional called attributed pro rata to
    its provisional lines (exactly the lines when nothing was cancelled)."""
    lignes: dict[str, Decimal] = {r.code: r.montant for r in provisional}
    if sum(lignes.values(), Decimal(0)) == Decimal(0):
        return {}
    return compte_rules.attribute_to_lines(appele, lignes)


async def _per_year(
    views: Sequence[Cotisation], read: Callable[[int, list[int]], Awaitable[Sequence[T]]]
) -> list[T]:
    """Each view's value, read for its year: ``read(annee, workers)`` once per year, for
    all the views of that year."""
    by_year: dict[int, list[int]] = {}
    for view in views:
        by_year.setdefault(view.annee, []).append(view.travailleur_id)
    found: dict[tuple[int, int], T] = {}
    for annee, ids in by_year.items():
        values = await read(annee, ids)
        found.update(((annee, i), value) for i, value in zip(ids, values, strict=True))
    return [found[(view.annee, view.travailleur_id)] for view in views]


async def _year_rows(ctx: Context, views: Sequence[Cotisation]) -> list[list[models.Cotisation]]:
    """Each view's lines: those it was built from, or its year's read now (one statement
    per year for all the views)."""
    missing = [view for view in views if view.rows is None]
    read = iter(
        await _per_year(
            missing, lambda annee, ids: ctx.loaders.of_year(annee).cotisations.load_many(ids)
        )
    )
    return [view.rows if view.rows is not None else next(read) for view in views]


@batched("Cotisation", "provisionnelles")
async def provisionnelles_of(
    ctx: Context, views: Sequence[Cotisation]
) -> list[list[LigneCotisation]]:
    rows = await _year_rows(ctx, views)
    return [_lines(_of_nature(of_one, NatureCotisation.PROVISIONNELLE)) for of_one in rows]


@batched("Cotisation", "definitives")
async def definitives_of(
    ctx: Context, views: Sequence[Cotisation]
) -> list[list[LigneCotisation] | None]:
    declared = await _rows_once_declared(ctx, views)
    return [
        None if rows is None else _lines(_of_nature(rows, NatureCotisation.DEFINITIVE))
        for rows in declared
    ]


@batched("Cotisation", "ecarts")
async def ecarts_of(
    ctx: Context, views: Sequence[Cotisation]
) -> list[list[EcartCotisation] | None]:
    declared = await _rows_once_declared(ctx, views)
    return [
        None if rows is None else _ecarts_of(view, rows)
        for view, rows in zip(views, declared, strict=True)
    ]


async def _rows_once_declared(
    ctx: Context, views: Sequence[Cotisation]
) -> list[list[models.Cotisation] | None]:
    """Each view's lines once its year has definitive ones; None before (nothing read)."""
    declared = [view for view in views if view.has_definitives]
    rows = iter(await _year_rows(ctx, declared))
    return [next(rows) if view.has_definitives else None for view in views]


def _ecarts_of(view: Cotisation, rows: list[models.Cotisation]) -> list[EcartCotisation]:
    called = _called_per_line(_of_nature(rows, NatureCotisation.PROVISIONNELLE), view.appele)
    return [
        EcartCotisation(
            code=r.code,
            libelle=LIBELLES[r.code],
            provisionnel=Money(called.get(r.code, Decimal(0))),
            definitif=Money(r.montant),
            regularisation=Money(r.montant - called.get(r.code, Decimal(0))),
        )
        for r in _of_nature(rows, NatureCotisation.DEFINITIVE)
    ]


@as_json("Cotisation", "provisionnelles")
async def provisionnelles_as_json(
    ctx: Context, views: Sequence[Cotisation], shape: JsonShape
) -> list[JsonItems] | None:
    """The provisional lines as the JSON objects of ``shape``, for views of one year
    asked alone (one statement per year); views of every year, built from lines
    already read, show them as objects (None: the batch form answers)."""
    if any(view.rows is not None for view in views):
        return None
    nature = NatureCotisation.PROVISIONNELLE
    return await _per_year(
        views, lambda annee, ids: ctx.loaders.lignes_as_json(annee, nature, shape).load_many(ids)
    )


@strawberry.type(description="One instalment of the schedule (échéancier).")
class Echeance(Node):
    annee: int = strawberry.field(description="Contribution year the instalment belongs to.")
    nature: NatureEcheance = strawberry.field(description="Provisional or régularisation.")
    date_echeance: date = strawberry.field(description="Due date.")
    montant: Money = strawberry.field(
        description=(
            "Amount called on the due date. After a rejected direct debit, the part in "
            "`montantReporte` was carried to a later instalment and is due there."
        )
    )
    montant_paye: Money = strawberry.field(description="Amount paid so far.")
    montant_reporte: Money = strawberry.field(
        description=(
            "Part of the amount carried to the next instalment after its direct debit was "
            "rejected (collected with that instalment's debit); 0.00 otherwise."
        )
    )
    row: strawberry.Private[models.Echeance]
    today: strawberry.Private[date]

    # Computed when selected: a page of 500 clients' instalments often shows neither.
    @strawberry.field(
        description="Still due on this instalment: montant − montantReporte − montantPaye."
    )
    def reste_du(self) -> Money:
        row = self.row
        return Money(Instalment(row.id, row.date_echeance, row.montant, row.montant_paye).reste_du)

    @strawberry.field(description="Status on the clock's date.")
    def statut(self) -> StatutEcheance:
        return statut_of(self.row, self.today)

    @strawberry.field(
        description=(
            "When it last changed (UTC); null if unchanged since before changes were dated."
        )
    )
    def updated_at(self) -> datetime | None:
        return self.row.modifie_le

    @strawberry.field(
        description=(
            "True while the instalment is covered by an accepted payment plan that is "
            "respected: it then carries no majorations. False again once the plan "
            "is denounced: majorations apply back to the original due date."
        )
    )
    async def exoneree(self, info: Info[Context, None]) -> bool:
        return (await exonerees_of(info.context, [self]))[0]

    @strawberry.field(
        description=(
            "Late-payment surcharges on the unpaid part today: 5 % plus 0.2 % per month "
            "or part of a month since the due date; shown beside the balance. "
            "Zero while covered by an accepted, respected payment plan (see `exoneree`)."
        )
    )
    async def majorations(self, info: Info[Context, None]) -> Money:
        return (await majorations_of(info.context, [self]))[0]

    @strawberry.field(
        description="The payment plan that covers this instalment (the latest one), if any."
    )
    async def delai_paiement(self, info: Info[Context, None]) -> DelaiPaiement | None:
        from gateway.resolvers.delais import plans_compte

        etat = await plans_compte(info.context, self.row.travailleur_id)
        delai_id = etat.couverture.get(self.row.id)
        if delai_id is None:
            return None
        row = await info.context.loaders.by_id(models.DelaiPaiement).load(delai_id)
        return None if row is None else DelaiPaiement.from_row(row)


@strawberry.type(description="A payment received, allocated to the oldest unpaid instalments.")
class Paiement(Node):
    date_paiement: date = strawberry.field(description="Date received.")
    montant: Money = strawberry.field(description="Amount received.")
    mode: ModePaiement = strawberry.field(description="Direct debit, transfer, cheque or card.")
    reference: str = strawberry.field(description="Payment reference.")
    updated_at: datetime | None = strawberry.field(
        description="When it last changed (UTC); null if unchanged since before changes were dated."
    )

    @staticmethod
    def from_row(row: models.Paiement) -> Paiement:
        return Paiement(
            id=strawberry.ID(encode_global_id("Paiement", row.id)),
            date_paiement=row.date_paiement,
            montant=Money(row.montant),
            mode=row.mode,
            reference=row.reference,
            updated_at=row.modifie_le,
        )


# What the database writes as ``Paiement.from_row`` shows it (``gateway.schema.json_lists``).
stored_fields(
    "Paiement",
    {
        "id": global_id("Paiement", models.Paiement.id),
        "datePaiement": plain(models.Paiement.date_paiement),
        "montant": money(models.Paiement.montant),
        "mode": plain(models.Paiement.mode),
        "reference": plain(models.Paiement.reference),
    },
)


@strawberry.type(description="A monthly instalment of a payment plan.")
class EcheanceDelai:
    numero: int = strawberry.field(description="Rank in the plan, from 1.")
    date_echeance: date = strawberry.field(description="Due date.")
    montant: Money = strawberry.field(description="Amount due.")
    montant_paye: Money = strawberry.field(
        description=(
            "Amount met so far: what the plan collected (payments on the instalments it "
            "covers, allocated oldest first) meets its instalments in order."
        )
    )


@strawberry.type(
    description=(
        "A payment plan (délai de paiement) over overdue instalments. Payments "
        "are allocated as always to the oldest unpaid instalments; the plan collects what is "
        "paid on the instalments it covers, and its monthly instalments are met in order. "
        "States follow from the decisions, the payments and the clock: SOLDE once fully "
        "collected, DENONCE from the 31st day after a plan instalment not met."
    )
)
class DelaiPaiement(Node):
    date_demande: date = strawberry.field(description="When it was requested.")
    montant: Money = strawberry.field(
        description="Overdue amount the plan covers (what the covered instalments owed)."
    )
    nombre_echeances: int = strawberry.field(description="Number of monthly instalments.")
    premiere_echeance: date = strawberry.field(description="Due date of the first instalment.")
    motif: str = strawberry.field(description="Reason given by the worker.")
    date_decision: date | None = strawberry.field(
        description="When it was accepted (the request date, up to 12 instalments) or refused."
    )
    motif_decision: str | None = strawberry.field(
        description="The agent's reason (required for a refusal)."
    )
    row: strawberry.Private[models.DelaiPaiement]

    @strawberry.field(
        description=(
            "When it last changed (UTC); null if unchanged since before changes were dated."
        )
    )
    def updated_at(self) -> datetime | None:
        return self.row.modifie_le

    @strawberry.field(description="State of the plan today.")
    async def statut(self, info: Info[Context, None]) -> StatutDelai:
        return (await self._suivi(info)).statut

    @strawberry.field(
        description="When the plan ended: fully paid (SOLDE), denounced, or replaced (RENEGOCIE)."
    )
    async def date_cloture(self, info: Info[Context, None]) -> date | None:
        return (await self._suivi(info)).date_cloture

    @strawberry.field(description="What the plan has collected so far.")
    async def montant_paye(self, info: Info[Context, None]) -> Money:
        return Money((await self._suivi(info)).collecte)

    @strawberry.field(description="The plan's monthly instalments, in order.")
    async def echeances(self, info: Info[Context, None]) -> list[EcheanceDelai]:
        rows = await info.context.loaders.echeances_delai.load(self.row.id)
        suivi = await self._suivi(info)
        return [
            EcheanceDelai(
                numero=r.numero,
                date_echeance=r.date_echeance,
                montant=Money(r.montant),
                montant_paye=Money(suivi.echeances[r.numero - 1].montant_paye),
            )
            for r in rows
        ]

    @strawberry.field(description="The overdue instalments of the schedule the plan covers.")
    async def echeances_couvertes(self, info: Info[Context, None]) -> list[Echeance]:
        from gateway.resolvers.delais import covered_instalments

        return await covered_instalments(info.context, self.row)

    @strawberry.field(description="The plan this one renegotiates, if any.")
    async def remplace(self, info: Info[Context, None]) -> DelaiPaiement | None:
        if self.row.remplace_id is None:
            return None
        row = await info.context.loaders.by_id(models.DelaiPaiement).load(self.row.remplace_id)
        return None if row is None else DelaiPaiement.from_row(row)

    async def _suivi(self, info: Info[Context, None]) -> SuiviDelai:
        from gateway.resolvers.delais import plans_compte

        etat = await plans_compte(info.context, self.row.travailleur_id)
        return etat.suivis[self.row.id]

    @staticmethod
    def from_row(row: models.DelaiPaiement) -> DelaiPaiement:
        return DelaiPaiement(
            row=row,
            id=strawberry.ID(encode_global_id("DelaiPaiement", row.id)),
            date_demande=row.date_demande,
            montant=Money(row.montant),
            nombre_echeances=row.nombre_echeances,
            premiere_echeance=row.premiere_echeance,
            motif=row.motif,
            date_decision=row.date_decision,
            motif_decision=row.motif_decision,
        )


@strawberry.type(description="Called, paid and remaining amounts of one month.")
class PeriodeCompte:
    annee: int = strawberry.field(description="Year.")
    mois: int = strawberry.field(description="Month, 1–12.")
    appele: Money = strawberry.field(description="Instalments due that month.")
    paye: Money = strawberry.field(description="Amounts paid on those instalments.")
    reste: Money = strawberry.field(description="appele − paye.")


@strawberry.type(description="Account summary at the last accounting day.")
class CompteResume:
    date_arrete: date = strawberry.field(
        description="Last accounting day: the last weekday before today."
    )
    solde: Money = strawberry.field(
        description=(
            "Balance at the last accounting day: instalments due on or before it minus "
            "payments received on or before it. Positive: owed by the worker."
        )
    )
    majorations_de_retard: Money = strawberry.field(
        description="Late-payment surcharges on overdue instalments, shown beside the balance."
    )
    montant_en_retard: Money = strawberry.field(
        description="Unpaid part of the instalments past their due date."
    )
    periodes: strawberry.Private[Callable[[], Awaitable[Sequence[compte_rules.PeriodeDetail]]]]

    # Computed when selected: it reads the whole account and allocates every payment
    # again, and a portfolio page's summaries rarely show it.
    @strawberry.field(description="Per month: called, paid, remaining.")
    async def detail(self) -> list[PeriodeCompte]:
        return [
            PeriodeCompte(
                annee=p.annee,
                mois=p.mois,
                appele=Money(p.appele),
                paye=Money(p.paye),
                reste=Money(p.reste),
            )
            for p in await self.periodes()
        ]


def statut_of(row: models.Echeance, today: date) -> StatutEcheance:
    """Status of an instalment on ``today`` (see ``StatutEcheance``)."""
    return compte_rules.statut_echeance(
        row.montant,
        row.montant_paye,
        row.date_echeance,
        today,
        annulee=row.annulee,
        rejets=row.rejets,
        montant_reporte=row.montant_reporte,
    )


def echeance_type(row: models.Echeance, today: date) -> Echeance:
    """The instalment as the API shows it on ``today`` (majorations and the plan
    exemption are resolved on demand)."""
    return Echeance(
        id=strawberry.ID(encode_global_id("Echeance", row.id)),
        annee=row.annee,
        nature=row.nature,
        date_echeance=row.date_echeance,
        # Stored, ``montant`` is what is still called on this instalment (the carried part
        # moved to the next one, so balances and allocation need no special case); shown,
        # it is what was called on the due date, the carried part beside it.
        montant=Money(row.montant + row.montant_reporte),
        montant_paye=Money(row.montant_paye),
        montant_reporte=Money(row.montant_reporte),
        row=row,
        today=today,
    )


# What the database writes as ``echeance_type`` shows it (``gateway.schema.json_lists``).
stored_fields(
    "Echeance",
    {
        "id": global_id("Echeance", models.Echeance.id),
        "annee": plain(models.Echeance.annee),
        "nature": plain(models.Echeance.nature),
        "dateEcheance": plain(models.Echeance.date_echeance),
        "montant": money(models.Echeance.montant, models.Echeance.montant_reporte),
        "montantPaye": money(models.Echeance.montant_paye),
        "montantReporte": money(models.Echeance.montant_reporte),
        # Computed, by the same rules written in SQL, on the request's day.
        "resteDu": money_of_cents(echeance_sql.reste_du_cents),
        "statut": reading(echeance_sql.TODAY)(lambda _dialect: echeance_sql.statut_on_today()),
        "majorations": reading(echeance_sql.TODAY, echeance_sql.EXEMPTED)(
            money_of_cents(echeance_sql.majorations_cents_on_today)
        ),
    },
)


def compte_type(
    date_arrete: date,
    solde: Decimal,
    periodes: Callable[[], Awaitable[Sequence[compte_rules.PeriodeDetail]]],
    majorations: Decimal,
    en_retard: Decimal,
) -> CompteResume:
    return CompteResume(
        date_arrete=date_arrete,
        solde=Money(solde),
        majorations_de_retard=Money(majorations),
        montant_en_retard=Money(en_retard),
        periodes=periodes,
    )


@batched("Echeance", "exoneree")
async def exonerees_of(ctx: Context, echeances: Sequence[Echeance]) -> list[bool]:
    """Whether each instalment is exempted by its worker's plans (read for all the
    workers at once)."""
    from gateway.resolvers.delais import plans_comptes

    owners = list(dict.fromkeys(e.row.travailleur_id for e in echeances))
    etats = dict(zip(owners, await plans_comptes(ctx, owners), strict=True))
    return [e.row.id in etats[e.row.travailleur_id].exemptes for e in echeances]


@batched("Echeance", "majorations")
async def majorations_of(ctx: Context, echeances: Sequence[Echeance]) -> list[Money]:
    exonerees = await exonerees_of(ctx, echeances)
    return [_majorations(e, exoneree) for e, exoneree in zip(echeances, exonerees, strict=True)]


def _majorations(echeance: Echeance, exoneree: bool) -> Money:
    row = echeance.row
    if row.annulee:
        return Money(Decimal(0))
    instalment = Instalment(row.id, row.date_echeance, row.montant, row.montant_paye)
    return Money(compte_rules.majorations(instalment, echeance.today, exoneree=exoneree))
