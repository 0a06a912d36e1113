"""Caisse information: news items (actualités), their targeting, publication by agents."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from domain.actualites import Axe, EtatActualite, StatutCible, etat
from gateway.context import Context
from gateway.db.models_caisse import Actualite as ActualiteRow
from gateway.db.models_caisse import CibleActualite
from gateway.db.repositories import actualites as repository
from gateway.schema.described_enum import described_enum
from gateway.schema.errors import UserError
from gateway.schema.relay import Node, encode_global_id

IDEMPOTENCY = (
    "Any unique string: a retry with the same key by the same caller returns the first "
    "result and changes nothing more."
)

StatutCibleEnum = described_enum(
    StatutCible,
    description=(
        "Reader categories of the caisse's news. A worker is in one: retired first, then "
        "micro-entrepreneur, then artisan or commerçant."
    ),
    values={
        "ARTISAN": "Artisans.",
        "COMMERCANT": "Commerçants, industriels included.",
        "MICRO": "Micro-entrepreneurs.",
        "RETRAITE": "Retired workers.",
    },
)
EtatActualiteEnum = described_enum(
    EtatActualite,
    description="State of a news item on the clock's today.",
    values={
        "PROGRAMMEE": "Its publication date is to come.",
        "EN_LIGNE": "Shown to the workers it targets.",
        "EXPIREE": "Past its end date.",
        "RETIREE": "Withdrawn by an agent.",
    },
)


@strawberry.type(
    description="Who a news item is for; an empty list means everyone on that criterion."
)
class CiblageActualite:
    regions: list[str] = strawberry.field(description="Regions of the workers targeted.")
    statuts: list[StatutCible] = strawberry.field(description="Categories of workers targeted.")
    professions: list[str] = strawberry.field(description="Professions targeted.")


async def fil_of(ctx: Context) -> repository.Fil | None:
    """What the caller reads (``repository.fil_for``), worked out once per request."""

    async def batch(keys: list[str]) -> list[repository.Fil | None]:
        fil = await repository.fil_for(ctx.loaders.db, ctx.principal, ctx.clock.today())
        return [fil for _ in keys]

    fil: repository.Fil | None = await ctx.loaders.custom("actualites_fil", batch).load("fil")
    return fil


def _loader_cibles(ctx: Context) -> Any:
    """Targeting rows of many items in one statement, among those the caller may read."""

    async def batch(ids: list[int]) -> list[list[CibleActualite]]:
        grouped = await repository.cibles(ctx.loaders.db, await fil_of(ctx), ids)
        return [grouped.get(i, []) for i in ids]

    return ctx.loaders.custom("actualite_cibles", batch)


@strawberry.type(description="A news item of the caisse (actualité).")
class Actualite(Node):
    titre: str = strawberry.field(description="Title.")
    contenu: str = strawberry.field(description="Text of the item.")
    date_publication: date = strawberry.field(description="Shown from this day on.")
    date_fin: date | None = strawberry.field(
        description="Last day it is shown (null: until withdrawn)."
    )
    etat: EtatActualite = strawberry.field(description="Where the item stands today.")
    date_retrait: date | None = strawberry.field(
        description="When an agent withdrew it (null while not withdrawn)."
    )
    row_id: strawberry.Private[int]

    @strawberry.field(description="Who it is for: regions, categories and professions.")
    async def ciblage(self, info: Info[Context, None]) -> CiblageActualite:
        rows: list[CibleActualite] = await _loader_cibles(info.context).load(self.row_id)

        def valeurs(axe: Axe) -> list[str]:
            return [r.valeur for r in rows if r.axe is axe]

        return CiblageActualite(
            regions=valeurs(Axe.REGION),
            statuts=[StatutCible(v) for v in valeurs(Axe.STATUT)],
            professions=valeurs(Axe.PROFESSION),
        )

    @staticmethod
    def from_row(row: ActualiteRow, today: date) -> Actualite:
        return Actualite(
            id=strawberry.ID(encode_global_id("Actualite", row.id)),
            titre=row.titre,
            contenu=row.contenu,
            date_publication=row.date_publication,
            date_fin=row.date_fin,
            etat=etat(row.date_publication, row.date_fin, row.date_retrait, today),
            date_retrait=row.date_retrait,
            row_id=row.id,
        )


@strawberry.input(description="A news item an agent publishes for the workers of their caisse.")
class PublishActualiteInput:
    titre: str = strawberry.field(description="Title, required, at most 200 characters.")
    contenu: str = strawberry.field(description="Text, required.")
    date_publication: date | None = strawberry.field(
        default=None, description="First day shown: today (the default) or later."
    )
    date_fin: date | None = strawberry.field(
        default=None,
        description="Last day shown, not before the publication date; null: until withdrawn.",
    )
    regions: list[str] = strawberry.field(
        default_factory=list,
        description=(
            "Regions targeted, among the 18 French regions (« Île-de-France », « Bretagne »…; "
            "case and accents are ignored). Empty: every region."
        ),
    )
    statuts: list[StatutCible] = strawberry.field(
        default_factory=list, description="Categories targeted. Empty: every category."
    )
    professions: list[str] = strawberry.field(
        default_factory=list,
        description=(
            "Professions targeted, as workers' profiles name them (« Boulanger-pâtissier »; "
            "case, accents and hyphens are ignored). Empty: every profession."
        ),
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of publishing a news item.")
class PublishActualitePayload:
    actualite: Actualite | None = strawberry.field(
        description="The item published (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.input(description="Withdraw a news item of your caisse: workers no longer see it.")
class WithdrawActualiteInput:
    actualite_id: strawberry.ID = strawberry.field(description="Global ID of the item.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of withdrawing a news item.")
class WithdrawActualitePayload:
    actualite: Actualite | None = strawberry.field(
        description="The item, now RETIREE (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")
