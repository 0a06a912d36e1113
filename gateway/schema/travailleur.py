"""The worker and what hangs off them; every relation goes through a DataLoader."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry
from strawberry.types import Info

from domain.base_provisionnelle import is_taxation_d_office
from domain.echeancier import Periodicite, periodicite_effective
from domain.micro import ActiviteMicro
from domain.nomenclatures import (
    NatureRevenu,
    PeriodiciteDeclaration,
    Regime,
    Situation,
    StatutEcheance,
    StatutProfessionnel,
)
from gateway.context import Context
from gateway.db import models
from gateway.db.json_values import JsonItems, JsonShape
from gateway.resolvers import account_reads
from gateway.schema.attestations import ReleveCarriere
from gateway.schema.batched_lists import batched, selected_names
from gateway.schema.compte import (
    Attestation,
    CompteResume,
    Cotisation,
    DelaiPaiement,
    Echeance,
    Paiement,
    Revenu,
)
from gateway.schema.json_lists import JsonResolver, as_json
from gateway.schema.micro import DeclarationMicro
from gateway.schema.references import Adresse, Caisse, CoordonneesBancaires, Etablissement
from gateway.schema.relay import (
    After,
    Au,
    Before,
    Connection,
    Du,
    First,
    Last,
    Node,
    Pagination,
)

if TYPE_CHECKING:
    from gateway.schema.lifecycle import AvisAppel
    from gateway.schema.workspace_types import EvenementAudit, Mandat

ContextInfo = Info[Context, None]
AvisAppelType = Annotated["AvisAppel", strawberry.lazy("gateway.schema.lifecycle")]
MandatType = Annotated["Mandat", strawberry.lazy("gateway.schema.workspace_types")]
EvenementAuditType = Annotated["EvenementAudit", strawberry.lazy("gateway.schema.workspace_types")]


@strawberry.type(description="Direct debit (prélèvement automatique) and its periodicity.")
class Prelevement:
    actif: bool = strawberry.field(description="A SEPA mandate is in force.")
    periodicite: Periodicite = strawberry.field(
        description="Periodicity of the instalments (TRIMESTRIEL without direct debit)."
    )
    coordonnees_bancaires: CoordonneesBancaires | None = strawberry.field(
        description="Bank details of the mandate, IBAN masked."
    )


async def prelevement_of(ctx: Context, row: models.Travailleur) -> Prelevement:
    return prelevement_from(row, await ctx.loaders.coordonnees_bancaires.load(row.id))


def prelevement_from(row: models.Travailleur, banks: Sequence[Any]) -> Prelevement:
    return Prelevement(
        actif=bool(banks),
        periodicite=periodicite_effective(row.periodicite, bool(banks)),
        coordonnees_bancaires=CoordonneesBancaires.from_row(banks[-1]) if banks else None,
    )


@strawberry.interface(
    description=(
        "A self-employed worker's account. Régime classique workers are "
        "`TravailleurClassique` (revenus, cotisations, échéances); micro-entrepreneurs are "
        "`MicroEntrepreneur` (turnover declarations instead)."
    )
)
class Travailleur(Node):
    nir: str = strawberry.field(description="Social security number (15 characters).")
    civilite: str = strawberry.field(description="M. or Mme.")
    nom: str = strawberry.field(description="Family name.")
    prenom: str = strawberry.field(description="First name.")
    date_naissance: date = strawberry.field(description="Date of birth.")
    courriel: str = strawberry.field(description="Contact e-mail address.")
    telephone: str | None = strawberry.field(description="Contact phone number.")
    adresse: Adresse = strawberry.field(description="Personal address.")
    statut: StatutProfessionnel = strawberry.field(description="Artisan, commerçant or industriel.")
    profession: str = strawberry.field(description="Profession.")
    regime: Regime = strawberry.field(description="Régime classique or micro-entrepreneur.")
    situation: Situation = strawberry.field(description="Active, struck off or retired.")
    date_debut_activite: date = strawberry.field(description="Start of activity.")
    date_fin_activite: date | None = strawberry.field(description="End of activity, if struck off.")
    row: strawberry.Private[models.Travailleur]

    @strawberry.field(
        description=(
            "When the worker's own record last changed (periodicity, situation, contact; "
            "UTC); null if unchanged since before changes were dated."
        )
    )
    def updated_at(self) -> datetime | None:
        return self.row.modifie_le

    @strawberry.field(description="The caisse that manages the account.")
    async def caisse(self, info: ContextInfo) -> Caisse:
        return (await caisses_of(info.context, [self]))[0]

    @strawberry.field(description="Places of business, the principal one first.")
    async def etablissements(self, info: ContextInfo) -> list[Etablissement]:
        return (await etablissements_of(info.context, [self]))[0]

    @strawberry.field(description="Direct debit and periodicity.")
    async def prelevement(self, info: ContextInfo) -> Prelevement:
        return (await prelevements_of(info.context, [self]))[0]

    @strawberry.field(description="Payments received, most recent last; filter by date range.")
    async def paiements(
        self,
        info: ContextInfo,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        du: Du = None,
        au: Au = None,
        updated_since: Annotated[
            datetime | None,
            strawberry.argument(description="Only payments changed at or after this time."),
        ] = None,
    ) -> Connection[Paiement]:
        return (
            await paiements_of(
                info.context,
                [self],
                first=first,
                after=after,
                last=last,
                before=before,
                du=du,
                au=au,
                updated_since=updated_since,
            )
        )[0]

    @strawberry.field(description="Payment plans requested, oldest first.")
    async def delais_paiement(self, info: ContextInfo) -> list[DelaiPaiement]:
        rows = await info.context.loaders.delais.load(self.row.id)
        return [DelaiPaiement.from_row(r) for r in rows]

    @strawberry.field(description="Attestations issued, most recent first.")
    async def attestations(
        self,
        info: ContextInfo,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Attestation]:
        return (
            await attestations_of(
                info.context, [self], first=first, after=after, last=last, before=before
            )
        )[0]

    @strawberry.field(description="Account summary: balance, surcharges, detail per month.")
    async def compte(self, info: ContextInfo) -> CompteResume:
        return (await comptes_of(info.context, [self], selected=selected_names(info)))[0]

    @strawberry.field(
        description=(
            "Mandates given to cabinets on this account, newest first; the worker revokes "
            "them with revokeMandat. An accountant sees their own cabinet's only."
        )
    )
    async def mandats(self, info: ContextInfo) -> list[MandatType]:
        from gateway.resolvers.workspace import mandats_of

        return await mandats_of(info.context, self.row.id)

    @strawberry.field(
        description=(
            "Who acted on this account and for which cabinet: every audited operation, "
            "newest first, optionally one `operation`. An accountant sees their own "
            "cabinet's only."
        )
    )
    async def journal(
        self,
        info: ContextInfo,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        operation: Annotated[
            str | None,
            strawberry.argument(
                description="Only this operation (a mutation's name, e.g. estimateRevenue)."
            ),
        ] = None,
    ) -> Connection[EvenementAuditType]:
        from gateway.resolvers.workspace import journal

        pages = Pagination(first, after, last, before)
        return await journal(info.context, self.row.id, pages, operation)


def _common(row: models.Travailleur) -> dict[str, object]:
    from gateway.schema.relay import encode_global_id

    return {
        "id": strawberry.ID(encode_global_id("Travailleur", row.id)),
        "nir": row.nir,
        "civilite": row.civilite,
        "nom": row.nom,
        "prenom": row.prenom,
        "date_naissance": row.date_naissance,
        "courriel": row.courriel,
        "telephone": row.telephone,
        "adresse": Adresse(ligne=row.adresse, code_postal=row.code_postal, ville=row.ville),
        "statut": row.statut,
        "profession": row.profession,
        "regime": row.regime,
        "situation": row.situation,
        "date_debut_activite": row.date_debut_activite,
        "date_fin_activite": row.date_fin_activite,
        "row": row,
    }


@strawberry.type(description="A worker under the régime classique: contributions on income.")
class TravailleurClassique(Travailleur):
    @strawberry.field(
        description=(
            "True when contributions are assessed by the caisse because past incomes were "
            "not declared (derived from the declarations)."
        )
    )
    async def taxation_d_office(self, info: ContextInfo) -> bool:
        return (await taxations_d_office_of(info.context, [self]))[0]

    @strawberry.field(description="Incomes per year, declared and estimated, oldest first.")
    async def revenus(self, info: ContextInfo) -> list[Revenu]:
        return [Revenu.from_row(r) for r in await info.context.loaders.revenus.load(self.row.id)]

    @strawberry.field(
        description="Contributions per year (oldest first); `annee` selects one year."
    )
    async def cotisations(
        self,
        info: ContextInfo,
        annee: Annotated[
            int | None, strawberry.argument(description="Only this year; omitted: every year.")
        ] = None,
    ) -> list[Cotisation]:
        return (await cotisations_of(info.context, [self], annee))[0]

    @strawberry.field(
        description=(
            "Instalments in due-date order; filter by due-date range (`du`, `au`, inclusive) "
            "and status. Cancelled instalments appear only when asked for with statut ANNULEE."
        )
    )
    async def echeances(
        self,
        info: ContextInfo,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        du: Du = None,
        au: Au = None,
        statut: Annotated[
            StatutEcheance | None,
            strawberry.argument(description="Only instalments in this state."),
        ] = None,
        updated_since: Annotated[
            datetime | None,
            strawberry.argument(
                description="Only instalments changed at or after this time (sync by updatedAt)."
            ),
        ] = None,
    ) -> Connection[Echeance]:
        return (
            await echeances_of(
                info.context,
                [self],
                first=first,
                after=after,
                last=last,
                before=before,
                du=du,
                au=au,
                statut=statut,
                updated_since=updated_since,
            )
        )[0]

    @strawberry.field(
        description="Avis d'appel rectificatif issued after estimates, most recent first."
    )
    async def avis_appel(self, info: ContextInfo) -> list[AvisAppelType]:
        from gateway.resolvers.lifecycle import avis_type

        rows = await info.context.loaders.avis_appel.load(self.row.id)
        return [avis_type(info.context, r) for r in rows]

    @strawberry.field(
        description=(
            "Relevé de carrière: per year of activity, the income on which "
            "retirement contributions were paid (RETRAITE_BASE paid / 17.75 %, at most the "
            "PASS) and the quarters validated; also as a PDF (`url`)."
        )
    )
    async def releve_carriere(self, info: ContextInfo) -> ReleveCarriere:
        from gateway.resolvers.delais import releve

        return await releve(info.context, self.row)

    @staticmethod
    def from_row(row: models.Travailleur) -> TravailleurClassique:
        return TravailleurClassique(**_common(row))  # type: ignore[arg-type]


@strawberry.type(
    description=(
        "A micro-entrepreneur: contributions are a rate × declared turnover; no revenus, "
        "annual cotisations nor échéances."
    )
)
class MicroEntrepreneur(Travailleur):
    activite: ActiviteMicro | None = strawberry.field(description="Main activity.")
    periodicite_declaration: PeriodiciteDeclaration | None = strawberry.field(
        description="Monthly or quarterly declarations."
    )

    @strawberry.field(description="Turnover declarations, most recent period first.")
    async def declarations(
        self,
        info: ContextInfo,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DeclarationMicro]:
        return (
            await declarations_of(
                info.context, [self], first=first, after=after, last=last, before=before
            )
        )[0]

    @staticmethod
    def from_row(row: models.Travailleur) -> MicroEntrepreneur:
        return MicroEntrepreneur(
            **_common(row),  # type: ignore[arg-type]
            activite=row.activite_micro,
            periodicite_declaration=row.periodicite_declaration,
        )


def travailleur_type(row: models.Travailleur) -> Travailleur:
    if row.regime is Regime.MICRO:
        return MicroEntrepreneur.from_row(row)
    return TravailleurClassique.from_row(row)


# -- the relations of a whole list of workers at once (``gateway.schema.batched_lists``):
# each field above calls its batch form with one worker, so both answer alike.

Workers = Sequence[Travailleur]
N = TypeVar("N")


def _ids(travailleurs: Workers) -> list[int]:
    return [t.row.id for t in travailleurs]


@batched("Travailleur", "caisse")
async def caisses_of(ctx: Context, travailleurs: Workers) -> list[Caisse]:
    rows = await ctx.loaders.caisse.load_many([t.row.caisse_id for t in travailleurs])
    return [Caisse.from_row(row) for row in rows]


@batched("Travailleur", "etablissements")
async def etablissements_of(ctx: Context, travailleurs: Workers) -> list[list[Etablissement]]:
    rows = await ctx.loaders.etablissements.load_many(_ids(travailleurs))
    return [[Etablissement.from_row(r) for r in of_one] for of_one in rows]


@batched("Travailleur", "prelevement")
async def prelevements_of(ctx: Context, travailleurs: Workers) -> list[Prelevement]:
    banks = await ctx.loaders.coordonnees_bancaires.load_many(_ids(travailleurs))
    return [prelevement_from(t.row, b) for t, b in zip(travailleurs, banks, strict=True)]


def _paged(
    read: Callable[..., Awaitable[list[Connection[N]]]],
) -> Callable[..., Awaitable[list[Connection[N]]]]:
    """The batch form of a connection of the worker: its paging arguments as one
    ``Pagination``, its filters (``du``, ``au``, ``statut``, ``updated_since``) passed on
    by name to ``read``, which pages every worker in one statement."""

    async def batch(
        ctx: Context,
        travailleurs: Workers,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        **filters: Any,
    ) -> list[Connection[N]]:
        pages = Pagination(first, after, last, before)
        return await read(ctx, _ids(travailleurs), pages, **filters)

    return batch


paiements_of = batched("Travailleur", "paiements")(_paged(account_reads.paiements))
attestations_of = batched("Travailleur", "attestations")(_paged(account_reads.attestations))
echeances_of = batched("TravailleurClassique", "echeances")(_paged(account_reads.echeances))
declarations_of = batched("MicroEntrepreneur", "declarations")(_paged(account_reads.declarations))


# -- the same relations as JSON the database writes (``gateway.schema.json_lists``) --


@as_json("Travailleur", "etablissements")
async def etablissements_as_json(
    ctx: Context, travailleurs: Workers, shape: JsonShape
) -> list[JsonItems]:
    loader = ctx.loaders.etablissements_as_json(shape)
    return list(await loader.load_many(_ids(travailleurs)))


def _shaped(batch: Callable[..., Awaitable[list[Any]]]) -> JsonResolver:
    """The JSON form of a paged relation: its batch form, asked for the nodes as the
    JSON texts of ``shape`` (``as_json`` reaches the list's read with the filters)."""

    async def json_form(
        ctx: Context, travailleurs: Workers, shape: JsonShape, **arguments: Any
    ) -> list[JsonItems]:
        return await batch(ctx, travailleurs, as_json=shape, **arguments)

    return json_form


as_json("Travailleur", "paiements")(_shaped(paiements_of))
as_json("TravailleurClassique", "echeances")(_shaped(echeances_of))


@batched("Travailleur", "compte", selection=True)
async def comptes_of(
    ctx: Context, travailleurs: Workers, selected: frozenset[str]
) -> list[CompteResume]:
    # The monthly detail reads the whole account: the summary then comes from it too.
    whole = "detail" in selected
    return await account_reads.comptes_resumes(
        ctx, [t.row for t in travailleurs], whole_account=whole
    )


@batched("TravailleurClassique", "cotisations")
async def cotisations_of(
    ctx: Context, travailleurs: Workers, annee: int | None = None
) -> list[list[Cotisation]]:
    return await account_reads.cotisations(ctx, _ids(travailleurs), annee)


@batched("TravailleurClassique", "taxationDOffice")
async def taxations_d_office_of(ctx: Context, travailleurs: Workers) -> list[bool]:
    revenus = await ctx.loaders.revenus.load_many(_ids(travailleurs))
    year = ctx.clock.today().year
    return [
        is_taxation_d_office(
            year,
            {r.annee for r in of_one if r.nature is NatureRevenu.DECLARE},
            t.row.date_debut_activite,
        )
        for t, of_one in zip(travailleurs, revenus, strict=True)
    ]
