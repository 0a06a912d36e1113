"""The event model in the schema: ``Evenement`` and the change feed ``evenements``.

One type serves the three ways of following an account (this feed, webhooks, and
subscriptions): a webhook's body is the same fields as JSON.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from domain.evenements import TypeEvenement
from gateway.context import Context
from gateway.events.models import Evenement as EvenementRow
from gateway.schema.described_enum import described_enum
from gateway.schema.relay import Node, encode_global_id
from gateway.schema.scalars import Money

if TYPE_CHECKING:
    from gateway.schema.travailleur import Travailleur

TravailleurType = Annotated["Travailleur", strawberry.lazy("gateway.schema.travailleur")]
ContextInfo = Info[Context, None]

_DESCRIPTIONS = {
    TypeEvenement.ECHEANCE_CREEE: "An instalment was added to the schedule.",
    TypeEvenement.ECHEANCE_MODIFIEE: "An instalment's amount or due date changed.",
    TypeEvenement.ECHEANCE_ANNULEE: "An instalment was cancelled.",
    TypeEvenement.PAIEMENT_ENREGISTRE: "A payment was recorded.",
    TypeEvenement.PRELEVEMENT_REJETE: "The direct debit of an instalment was rejected.",
    TypeEvenement.REVENU_ESTIME: "An income estimate of the current year was entered.",
    TypeEvenement.REVENU_DECLARE: "The income of a closed year was declared.",
    TypeEvenement.CHIFFRE_AFFAIRES_DECLARE: "A micro-entrepreneur declared a turnover.",
    TypeEvenement.COTISATIONS_RECALCULEES: "The contributions of a year were recomputed.",
    TypeEvenement.DELAI_DEMANDE: "A payment plan was requested.",
    TypeEvenement.DELAI_ACCORDE: "A payment plan was granted.",
    TypeEvenement.DELAI_REFUSE: "A payment plan was refused.",
    TypeEvenement.DELAI_DENONCE: "A payment plan was denounced (an instalment was missed).",
    TypeEvenement.DELAI_SOLDE: "A payment plan was fully paid.",
    TypeEvenement.DELAI_RENEGOCIE: "A payment plan was replaced by a renegotiated one.",
    TypeEvenement.ATTESTATION_EMISE: "An attestation was issued.",
    TypeEvenement.AVIS_APPEL_EMIS: "An avis d'appel (rectificatif) was issued.",
    TypeEvenement.MANDAT_DEMANDE: "A cabinet requested a mandate on the account.",
    TypeEvenement.MANDAT_ACTIVE: "A mandate was activated with the client's key.",
    TypeEvenement.MANDAT_REVOQUE: "A mandate was revoked.",
    TypeEvenement.MANDAT_ANNULE: "A pending mandate was cancelled (too many wrong keys).",
    TypeEvenement.PERIODICITE_MODIFIEE: "The direct-debit periodicity changed.",
    TypeEvenement.PRELEVEMENT_AUTOMATIQUE_MODIFIE: "Direct debit was set up, changed or removed.",
    TypeEvenement.RADIATION: "The worker was struck off (radiation).",
    TypeEvenement.DECLARATION_MANQUANTE: (
        "The income declaration of a year became missing: its deadline (31 May of the "
        "next year) passed without it (`donnees.annee`). Written once per worker and year, "
        "by the first refresh of the account on or after 1 June; nothing when declared in time."
    ),
}

TypeEvenementEnum = described_enum(
    TypeEvenement,
    description=(
        "What changed on an account. Each effective change writes exactly one event; a "
        "refused or previewed mutation writes none."
    ),
    values={kind.name: text for kind, text in _DESCRIPTIONS.items()},
)


@strawberry.type(
    description=(
        "The small payload of an event: only the fields that apply to its type are set "
        "(ids are in `objetIds`)."
    )
)
class DonneesEvenement:
    montant: Money | None = strawberry.field(
        default=None, description="Amount concerned (instalment, payment, income, plan)."
    )
    annee: int | None = strawberry.field(default=None, description="Year concerned.")
    date_echeance: date | None = strawberry.field(
        default=None, description="Due date of the instalment."
    )
    date_paiement: date | None = strawberry.field(default=None, description="Date of payment.")
    statut: str | None = strawberry.field(
        default=None, description="New status of the plan or mandate."
    )
    rejets: int | None = strawberry.field(
        default=None, description="Rejected debits on the instalment so far."
    )
    actif: bool | None = strawberry.field(
        default=None, description="Whether direct debit is in place after the change."
    )
    ancienne_periodicite: str | None = strawberry.field(
        default=None, description="Periodicity before the change."
    )
    nouvelle_periodicite: str | None = strawberry.field(
        default=None, description="Periodicity after the change."
    )
    type_attestation: str | None = strawberry.field(
        default=None, description="Kind of attestation issued."
    )
    periode: str | None = strawberry.field(
        default=None, description="Declared period (YYYY-MM, or YYYY-Tn for a quarter)."
    )
    date_fin_activite: date | None = strawberry.field(
        default=None, description="End of activity of a radiation."
    )
    date_limite: date | None = strawberry.field(
        default=None, description="Deadline that passed without the declaration."
    )

    @staticmethod
    def from_json(data: dict[str, object]) -> DonneesEvenement:
        def text(key: str) -> str | None:
            value = data.get(key)
            return None if value is None else str(value)

        def day(key: str) -> date | None:
            value = text(key)
            return None if value is None else date.fromisoformat(value)

        amount = data.get("montant", data.get("chiffreAffaires", data.get("revenuEstime")))
        annee = data.get("annee")
        rejets = data.get("rejets")
        actif = data.get("actif")
        from decimal import Decimal

        return DonneesEvenement(
            montant=None if amount is None else Money(Decimal(str(amount))),
            annee=annee if isinstance(annee, int) else None,
            date_echeance=day("dateEcheance"),
            date_paiement=day("datePaiement"),
            statut=text("statut"),
            rejets=rejets if isinstance(rejets, int) else None,
            actif=actif if isinstance(actif, bool) else None,
            ancienne_periodicite=text("ancienne"),
            nouvelle_periodicite=text("nouvelle"),
            type_attestation=text("typeAttestation"),
            periode=text("periode"),
            date_fin_activite=day("dateFinActivite"),
            date_limite=day("dateLimite"),
        )


@strawberry.type(
    description=(
        "One change of an account, numbered in commit order. Seen by whoever may see the "
        "worker at read time; mandate events also by the cabinet concerned (ids only)."
    )
)
class Evenement(Node):
    sequence: int = strawberry.field(
        description="Position in the change feed: increasing, gap-free in commit order."
    )
    type: TypeEvenement = strawberry.field(description="What changed.")
    horodatage: datetime = strawberry.field(description="When the change was committed.")
    travailleur_id: strawberry.ID = strawberry.field(
        description="Global ID of the worker whose account changed."
    )
    objet_ids: list[strawberry.ID] = strawberry.field(
        description="Global IDs of the objects concerned (instalment, payment, plan, …)."
    )
    donnees: DonneesEvenement = strawberry.field(description="Small typed payload.")
    row: strawberry.Private[EvenementRow]

    @strawberry.field(
        description="The worker, when you may still see them (null for a cabinet that lost them)."
    )
    async def travailleur(self, info: ContextInfo) -> TravailleurType | None:
        from gateway.schema.travailleur import travailleur_type

        row = await info.context.loaders.travailleur.load(self.row.travailleur_id)
        return None if row is None else travailleur_type(row)

    @strawberry.field(description="The objects concerned that you may see, in `objetIds` order.")
    async def objets(self, info: ContextInfo) -> list[Node]:
        from gateway.resolvers.nodes import node

        found = [await node(info.context, str(global_id)) for global_id in self.objet_ids]
        return [n for n in found if n is not None]

    @staticmethod
    def from_row(row: EvenementRow) -> Evenement:
        return Evenement(
            id=strawberry.ID(encode_global_id("Evenement", row.sequence)),
            sequence=row.sequence,
            type=row.type,
            horodatage=row.horodatage,
            travailleur_id=strawberry.ID(encode_global_id("Travailleur", row.travailleur_id)),
            objet_ids=[
                strawberry.ID(encode_global_id(str(kind), int(key))) for kind, key in row.objets
            ],
            donnees=DonneesEvenement.from_json(row.donnees),
            row=row,
        )


@strawberry.type(description="An event of the feed with its cursor.")
class EvenementEdge:
    node: Evenement = strawberry.field(description="The event.")
    cursor: str = strawberry.field(
        description="Pass as `depuis` to resume after this event (stable across sessions)."
    )


@strawberry.type(description="Where the feed page ends.")
class EvenementPageInfo:
    has_next_page: bool = strawberry.field(
        description="More events already follow this page: ask again at once."
    )
    end_cursor: str = strawberry.field(
        description=(
            "Pass as `depuis` next time: the last event's cursor, or the given `depuis` "
            "when the page is empty (keep polling with it)."
        )
    )


@strawberry.type(description="A page of the change feed, in sequence order.")
class EvenementConnection:
    edges: list[EvenementEdge] = strawberry.field(description="Events with their cursors.")
    nodes: list[Evenement] = strawberry.field(description="The events of this page.")
    page_info: EvenementPageInfo = strawberry.field(description="Where to resume.")


@strawberry.type
class EvenementsQuery:
    @strawberry.field(
        description=(
            "The change feed: the events of the accounts you may see, in sequence (commit) "
            "order. Resume after a crash with the last `endCursor`: no event is skipped or "
            "repeated, even those committed while you read."
        )
    )
    async def evenements(
        self,
        info: ContextInfo,
        depuis: Annotated[
            str | None,
            strawberry.argument(
                description="A cursor from an earlier page; omit to start from the beginning."
            ),
        ] = None,
        types: Annotated[
            list[TypeEvenement] | None,
            strawberry.argument(description="Only these kinds of event (default: all)."),
        ] = None,
        travailleur_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the events of this worker's account."),
        ] = None,
        first: Annotated[
            int, strawberry.argument(description="Events per page, at most 500.")
        ] = 100,
    ) -> EvenementConnection:
        from gateway.resolvers.evenements import feed

        return await feed(info.context, depuis, types, travailleur_id, first)

    @strawberry.field(
        description=(
            "Where the change feed ends now: pass it as `depuis` to `evenements` or to a "
            "subscription to follow from this moment with no gap. Read it before loading "
            "a page, then subscribe from it: a change committed while the page loads is "
            "still delivered."
        )
    )
    async def curseur_evenements(self, info: ContextInfo) -> str:
        from gateway.resolvers.evenements import current_cursor

        return await current_cursor(info.context)


TYPES: list[type] = [Evenement]
