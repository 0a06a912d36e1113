"""Reference data of an account: caisse, établissements, bank details, address."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy import func

from gateway.db import models
from gateway.db.json_values import boolean, global_id, plain
from gateway.schema.json_lists import stored_fields
from gateway.schema.relay import Node, encode_global_id


@strawberry.type(description="A postal address.")
class Adresse:
    ligne: str = strawberry.field(description="Street line.")
    code_postal: str = strawberry.field(description="Postal code.")
    ville: str = strawberry.field(description="Town.")


@strawberry.type(description="The caisse managing accounts: contact details and opening hours.")
class Caisse(Node):
    code: str = strawberry.field(description="Short code of the caisse.")
    nom: str = strawberry.field(description="Name.")
    region: str = strawberry.field(description="Region it covers.")
    adresse: str = strawberry.field(description="Postal address.")
    telephone: str = strawberry.field(description="Phone number.")
    courriel: str = strawberry.field(description="Contact e-mail address.")
    horaires: str = strawberry.field(description="Opening hours.")

    @staticmethod
    def from_row(row: models.Caisse) -> Caisse:
        return Caisse(
            id=strawberry.ID(encode_global_id("Caisse", row.id)),
            code=row.code,
            nom=row.nom,
            region=row.region,
            adresse=row.adresse,
            telephone=row.telephone,
            courriel=row.courriel,
            horaires=row.horaires,
        )


@strawberry.type(description="A place of business (établissement), identified by its SIRET.")
class Etablissement(Node):
    siret: str = strawberry.field(description="SIRET (14 digits: SIREN + NIC).")
    siren: str = strawberry.field(description="SIREN (first 9 digits of the SIRET).")
    enseigne: str = strawberry.field(description="Trading name.")
    adresse: Adresse = strawberry.field(description="Address of the établissement.")
    code_activite: str = strawberry.field(description="Activity code (APE/NAF).")
    libelle_activite: str = strawberry.field(description="Activity label.")
    principal: bool = strawberry.field(description="The principal établissement.")
    date_ouverture: date = strawberry.field(description="Opening date.")

    @staticmethod
    def from_row(row: models.Etablissement) -> Etablissement:
        return Etablissement(
            id=strawberry.ID(encode_global_id("Etablissement", row.id)),
            siret=row.siret,
            siren=row.siret[:9],
            enseigne=row.enseigne,
            adresse=Adresse(ligne=row.adresse, code_postal=row.code_postal, ville=row.ville),
            code_activite=row.code_activite,
            libelle_activite=row.libelle_activite,
            principal=row.principal,
            date_ouverture=row.date_ouverture,
        )


# What the database writes as ``Etablissement.from_row`` shows it
# (``gateway.schema.json_lists``).
stored_fields(
    "Etablissement",
    {
        "id": global_id("Etablissement", models.Etablissement.id),
        "siret": plain(models.Etablissement.siret),
        "siren": plain(func.substr(models.Etablissement.siret, 1, 9)),
        "enseigne": plain(models.Etablissement.enseigne),
        "codeActivite": plain(models.Etablissement.code_activite),
        "libelleActivite": plain(models.Etablissement.libelle_activite),
        "principal": boolean(models.Etablissement.principal),
        "dateOuverture": plain(models.Etablissement.date_ouverture),
    },
)


def mask_iban(iban: str) -> str:
    """Only the last 4 characters stay readable; the country code keeps the format clear."""
    return iban[:2] + "*" * (len(iban) - 6) + iban[-4:]


@strawberry.type(description="Bank details of the direct debit; the IBAN is masked.")
class CoordonneesBancaires:
    iban_masque: str = strawberry.field(
        description="IBAN with all but the last 4 characters masked."
    )
    bic: str = strawberry.field(description="BIC of the bank.")
    titulaire: str = strawberry.field(description="Account holder.")
    reference_mandat_sepa: str = strawberry.field(description="SEPA mandate reference (RUM).")
    date_signature: date = strawberry.field(description="Date the mandate was signed.")

    @staticmethod
    def from_row(row: models.CoordonneesBancaires) -> CoordonneesBancaires:
        return CoordonneesBancaires(
            iban_masque=mask_iban(row.iban),
            bic=row.bic,
            titulaire=row.titulaire,
            reference_mandat_sepa=row.reference_mandat_sepa,
            date_signature=row.date_signature,
        )
