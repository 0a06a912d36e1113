"""Login and the current principal."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.nomenclatures import Role
from gateway.context import Context
from gateway.db import models
from gateway.schema.errors import UserError
from gateway.schema.references import Caisse
from gateway.schema.relay import Node, encode_global_id
from gateway.schema.travailleur import Travailleur, travailleur_type


@strawberry.type(description="An accounting firm (cabinet d'expertise comptable).")
class Cabinet(Node):
    nom: str = strawberry.field(description="Name of the firm.")
    siret: str = strawberry.field(description="SIRET of the firm.")
    adresse: str = strawberry.field(description="Postal address.")

    @staticmethod
    def from_row(row: models.Cabinet) -> Cabinet:
        return Cabinet(
            id=strawberry.ID(encode_global_id("Cabinet", row.id)),
            nom=row.nom,
            siret=row.siret,
            adresse=row.adresse,
        )


@strawberry.type(description="The authenticated caller.")
class Me:
    role: Role = strawberry.field(description="TRAVAILLEUR, EXPERT_COMPTABLE or AGENT.")
    nom_affiche: str = strawberry.field(description="Display name.")
    administrateur_cabinet: bool = strawberry.field(
        description="For an expert-comptable: administrator of the cabinet (sees all its clients)."
    )
    travailleur_id: strawberry.Private[int | None]
    cabinet_id: strawberry.Private[int | None]
    caisse_id: strawberry.Private[int | None]

    @strawberry.field(description="The worker's own account, for a TRAVAILLEUR.")
    async def travailleur(self, info: Info[Context, None]) -> Travailleur | None:
        if self.travailleur_id is None:
            return None
        row = await info.context.loaders.travailleur.load(self.travailleur_id)
        return None if row is None else travailleur_type(row)

    @strawberry.field(description="The cabinet, for an EXPERT_COMPTABLE.")
    async def cabinet(self, info: Info[Context, None]) -> Cabinet | None:
        if self.cabinet_id is None:
            return None
        return Cabinet.from_row(await info.context.loaders.cabinet.load(self.cabinet_id))

    @strawberry.field(description="The caisse, for an AGENT.")
    async def caisse(self, info: Info[Context, None]) -> Caisse | None:
        if self.caisse_id is None:
            return None
        return Caisse.from_row(await info.context.loaders.caisse.load(self.caisse_id))


@strawberry.input(
    description="Credentials: a worker's NIR, or the e-mail of an accountant or agent."
)
class LoginInput:
    identifiant: str = strawberry.field(description="NIR (15 characters) or e-mail address.")
    mot_de_passe: str = strawberry.field(description="Password.")


@strawberry.type(description="Result of a login: a short-lived bearer token, or why not.")
class LoginPayload:
    access_token: str | None = strawberry.field(
        description="Send as 'Authorization: Bearer <accessToken>'. Null when refused."
    )
    expires_in: int | None = strawberry.field(description="Lifetime of the token in seconds.")
    me: Me | None = strawberry.field(description="Who is now logged in.")
    user_errors: list[UserError] = strawberry.field(
        description="Why the login was refused (INVALID_CREDENTIALS)."
    )
