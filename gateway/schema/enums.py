"""GraphQL enums: the domain's enumerations, exposed with descriptions (SPEC §9)."""

from __future__ import annotations

import strawberry

from domain.cotisations import CotisationCode, NatureActivite
from domain.echeancier import NatureEcheance, Periodicite
from domain.micro import ActiviteMicro
from domain.nomenclatures import (
    ModePaiement,
    NatureCotisation,
    NatureRevenu,
    PeriodiciteDeclaration,
    Regime,
    Role,
    Situation,
    StatutEcheance,
    StatutMandat,
    StatutProfessionnel,
    TypeAttestation,
)

NatureActiviteEnum = strawberry.enum(
    NatureActivite, description="Nature of the activity: artisanal, or commercial/industrial."
)
CotisationCodeEnum = strawberry.enum(CotisationCode, description="A contribution line (SPEC §3).")
PeriodiciteEnum = strawberry.enum(
    Periodicite,
    description=(
        "Direct-debit periodicity: monthly on the 5th, monthly on the 20th, or quarterly "
        "(5 Feb, 5 May, 5 Aug, 5 Nov). Without direct debit, payment is quarterly."
    ),
)
NatureEcheanceEnum = strawberry.enum(
    NatureEcheance,
    description="What an instalment collects: provisional contributions or a régularisation.",
)
ActiviteMicroEnum = strawberry.enum(
    ActiviteMicro,
    description="Micro-entrepreneur activity: BIC sales, BIC services, or BNC services.",
)
ModePaiementEnum = strawberry.enum(ModePaiement, description="How a payment was made.")
NatureCotisationEnum = strawberry.enum(
    NatureCotisation,
    description="Provisional (called on a basis) or definitive (on the declared income).",
)
NatureRevenuEnum = strawberry.enum(
    NatureRevenu,
    description="Declared income of a closed year, or online estimate of the current year.",
)
PeriodiciteDeclarationEnum = strawberry.enum(
    PeriodiciteDeclaration,
    description="Micro-entrepreneur turnover declarations: monthly or quarterly.",
)
RegimeEnum = strawberry.enum(Regime, description="Régime classique or micro-entrepreneur.")
RoleEnum = strawberry.enum(Role, description="Kind of principal.")
SituationEnum = strawberry.enum(Situation, description="Active, struck off (radié) or retired.")
StatutEcheanceEnum = strawberry.enum(
    StatutEcheance,
    description=(
        "A_VENIR: not fully paid, due today or later; EN_RETARD: not fully paid and past "
        "its due date; PAYEE: fully paid; ANNULEE: cancelled (schedule rebuilt or radiation); "
        "REJETE: its direct debit was rejected by the bank and it is not settled on its own "
        "(its amount carried to the next instalment, see `montantReporte`, or still unpaid), "
        "never shown as paid."
    ),
)
StatutMandatEnum = strawberry.enum(StatutMandat, description="State of a cabinet's mandate.")
StatutProfessionnelEnum = strawberry.enum(
    StatutProfessionnel, description="Artisan, commerçant or industriel."
)
TypeAttestationEnum = strawberry.enum(TypeAttestation, description="Kind of attestation (SPEC §6).")
