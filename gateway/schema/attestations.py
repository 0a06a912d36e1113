"""Attestations, their public verification, and the relevé de carrière."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry.types import Info

from domain.nomenclatures import TypeAttestation
from gateway.context import Context
from gateway.db import models
from gateway.schema.relay import Node, encode_global_id
from gateway.schema.scalars import Money


@strawberry.type(description="An attestation issued to the worker, as a PDF.")
class Attestation(Node):
    type: TypeAttestation = strawberry.field(description="Kind of attestation.")
    annee: int | None = strawberry.field(
        description=(
            "Year it concerns: CSG-CRDS and CFP, the closed year; marché public, the year "
            "at whose 31 December the situation is stated; null for vigilance."
        )
    )
    date_emission: date = strawberry.field(description="Issue date.")
    date_fin_validite: date | None = strawberry.field(
        description="Last day of validity (vigilance: 6 months); null when not limited."
    )
    code_verification: str | None = strawberry.field(
        description=(
            "Code a third party checks on the public verification page (`/verification`, "
            "also reached by the QR code printed on the PDF) or with the public "
            "`verifyAttestation` query (vigilance and formation professionnelle)."
        )
    )
    sous_plan_apurement: bool = strawberry.field(
        description=(
            "Vigilance and marché public: up to date thanks to an accepted, respected "
            "payment plan (the document says so)."
        )
    )
    montants: list[MontantAttestation] = strawberry.field(
        description=(
            "The amounts the attestation certifies (CSG-CRDS; CFP due for the year and "
            "CFP paid of it by the issue date)."
        )
    )
    row_id: strawberry.Private[int]

    @strawberry.field(
        description=(
            "Download link of the PDF (send your bearer token; only those who may see the "
            "worker can)."
        )
    )
    def url(self, info: Info[Context, None]) -> str:
        base = info.context.services.settings.public_base_url
        return f"{base}/documents/{self.id}.pdf"

    @strawberry.field(description="Still valid on the clock's date.")
    def valide(self, info: Info[Context, None]) -> bool:
        fin = self.date_fin_validite
        return fin is None or info.context.clock.today() <= fin

    @staticmethod
    def from_row(row: models.Attestation) -> Attestation:
        contenu = row.contenu
        montants = [
            MontantAttestation(libelle=libelle, montant=Money(Decimal(contenu[cle])))
            for cle, libelle in MONTANTS_ATTESTATION
            if cle in contenu
        ]
        return Attestation(
            row_id=row.id,
            id=strawberry.ID(encode_global_id("Attestation", row.id)),
            type=row.type,
            annee=row.annee,
            date_emission=row.date_emission,
            date_fin_validite=row.date_fin_validite,
            code_verification=row.code_verification,
            sous_plan_apurement=bool(contenu.get("sous_plan_apurement", False)),
            montants=montants,
        )


@strawberry.type(description="An amount an attestation certifies.")
class MontantAttestation:
    libelle: str = strawberry.field(description="What the amount is, in French.")
    montant: Money = strawberry.field(description="The amount.")


MONTANTS_ATTESTATION = (
    ("csg_deductible", "CSG déductible"),
    ("csg_crds_non_deductible", "CSG-CRDS non déductible"),
    ("cfp_due", "CFP due"),
    ("cfp_payee", "CFP payée"),
)


@strawberry.type(
    description=(
        "What the public verification of an attestation shows, and nothing else of the "
        "worker's account."
    )
)
class VerificationAttestation:
    type: TypeAttestation = strawberry.field(description="Kind of attestation.")
    nom: str = strawberry.field(description="The worker's family name.")
    prenom: str = strawberry.field(description="The worker's first name.")
    siret: str | None = strawberry.field(
        description="SIRET of the worker's principal établissement, as printed."
    )
    entreprise: str = strawberry.field(
        description=(
            "The business as printed on the attestation: the établissement's enseigne, "
            "else the entrepreneur's name."
        )
    )
    siren: str | None = strawberry.field(description="SIREN of the business, as printed.")
    date_emission: date = strawberry.field(description="Issue date.")
    date_fin_validite: date | None = strawberry.field(
        description="Last day of validity; null when not limited."
    )
    valide: bool = strawberry.field(description="Still valid on the clock's date.")


@strawberry.type(description="One year of the relevé de carrière.")
class AnneeCarriere:
    annee: int = strawberry.field(description="Year.")
    calcule: bool = strawberry.field(
        description=(
            "False for a year of activity the caisse has no barème for (PASS, SMIC): its "
            "income credited and quarters are not computed (null), shown as « non calculé »."
        )
    )
    retraite_base_payee: Money = strawberry.field(
        description=(
            "Retraite de base contribution paid for the year: each instalment's paid amount "
            "attributed pro rata to the year's lines (definitive once declared), at most the "
            "line."
        )
    )
    revenu_cotise: Money | None = strawberry.field(
        description=(
            "Income credited: retraiteBasePayee / 17.75 %, at most the assiette of the "
            "retraite de base line of the year and the PASS; null when not computed."
        )
    )
    seuil_trimestre: Money | None = strawberry.field(
        description=(
            "Income validating one quarter: 150 × SMIC horaire at 1 January; null when not "
            "computed."
        )
    )
    trimestres: int | None = strawberry.field(
        description=(
            "Quarters validated: min(4, floor(revenuCotise / seuilTrimestre)); null when "
            "not computed."
        )
    )


@strawberry.type(
    description=(
        "Relevé de carrière: per year of activity, the income on which retirement "
        "contributions were paid and the quarters validated."
    )
)
class ReleveCarriere:
    annees: list[AnneeCarriere] = strawberry.field(
        description="Every year of activity, from its start, oldest first."
    )
    total_trimestres: int = strawberry.field(description="Quarters validated in all.")
    url: str = strawberry.field(
        description=(
            "Download link of the PDF, as of today (send your bearer token; only those who "
            "may see the worker can)."
        )
    )
