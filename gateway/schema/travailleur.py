"""The worker and what hangs off them; every relation goes through a DataLoader."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

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
from gateway.resolvers import account_reads
from gateway.schema.attestations import ReleveCarriere
from gateway.schema.compte import (
    Attestation,
    CompteResume,
    Cotisation,
    DelaiPaiement,
    Echeance,
    Paiement,
    Revenu,
)
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
    banks = await ctx.loaders.coordonnees_bancaires.load(row.id)
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
        return Caisse.from_row(await info.context.loaders.caisse.load(self.row.caisse_id))

    @strawberry.field(description="Places of business, the principal one first.")
    async def etablissements(self, info: ContextInfo) -> list[Etablissement]:
        rows = await info.context.loaders.etablissements.load(self.row.id)
        return [Etablissement.from_row(r) for r in rows]

    @strawberry.field(description="Direct debit and periodicity.")
    async def prelevement(self, info: ContextInfo) -> Prelevement:
        return await prelevement_of(info.context, self.row)

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
        pages = Pagination(first, after, last, before)
        return await account_reads.paiements(
            info.context, self.row.id, pages, du, au, updated_since
        )

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
        pages = Pagination(first, after, last, before)
        return await account_reads.attestations(info.context, self.row.id, pages)

    @strawberry.field(description="Account summary: balance, surcharges, detail per month.")
    async def compte(self, info: ContextInfo) -> CompteResume:
        return await account_reads.compte_resume(info.context, self.row)

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
        revenus = await info.context.loaders.revenus.load(self.row.id)
        declared = {r.annee for r in revenus if r.nature is NatureRevenu.DECLARE}
        return is_taxation_d_office(
            info.context.clock.today().year, declared, self.row.date_debut_activite
        )

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
        return await account_reads.cotisations(info.context, self.row.id, annee)

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
        pages = Pagination(first, after, last, before)
        return await account_reads.echeances(
            info.context, self.row.id, pages, du, au, statut, updated_since
        )

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
        pages = Pagination(first, after, last, before)
        return await account_reads.declarations(info.context, self.row.id, pages)

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
