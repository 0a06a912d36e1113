"""GraphQL enums: the domain's enumerations, exposed with every value described."""

from __future__ import annotations

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
from gateway.schema.described_enum import described_enum

NatureActiviteEnum = described_enum(
    NatureActivite,
    description="Nature of the activity: artisanal, or commercial/industrial.",
    values={
        "ARTISANALE": "Artisanal activity (artisan, registered with the chambre de métiers).",
        "COMMERCIALE": "Commercial or industrial activity (commerçant, industriel).",
    },
)
CotisationCodeEnum = described_enum(
    CotisationCode,
    description="A contribution line of the régime classique.",
    values={
        "MALADIE": "Health and maternity insurance (maladie-maternité), progressive rate.",
        "INDEMNITES_JOURNALIERES": "Daily sickness allowances (indemnités journalières).",
        "RETRAITE_BASE": "Basic pension (retraite de base), up to and above the PASS.",
        "RETRAITE_COMPLEMENTAIRE": "Complementary pension (retraite complémentaire).",
        "INVALIDITE_DECES": "Invalidity and death insurance (invalidité-décès).",
        "ALLOCATIONS_FAMILIALES": "Family allowances (allocations familiales), progressive.",
        "CSG_CRDS_DEDUCTIBLE": "Tax-deductible part of the CSG-CRDS.",
        "CSG_CRDS_NON_DEDUCTIBLE": "Non-deductible part of the CSG and the CRDS.",
        "FORMATION_PROFESSIONNELLE": (
            "Contribution to vocational training (contribution à la formation "
            "professionnelle, CFP), on the PASS."
        ),
    },
)
PeriodiciteEnum = described_enum(
    Periodicite,
    description=(
        "Direct-debit periodicity: monthly on the 5th, monthly on the 20th, or quarterly "
        "(5 Feb, 5 May, 5 Aug, 5 Nov). Without direct debit, payment is quarterly."
    ),
    values={
        "MENSUEL_5": "Direct debit every month on the 5th.",
        "MENSUEL_20": "Direct debit every month on the 20th.",
        "TRIMESTRIEL": "Quarterly: 5 February, 5 May, 5 August, 5 November.",
    },
)
NatureEcheanceEnum = described_enum(
    NatureEcheance,
    description="What an instalment collects: provisional contributions or a régularisation.",
    values={
        "PROVISIONNELLE": "Provisional contributions of the year, called on a basis.",
        "REGULARISATION": (
            "Régularisation of a closed year: definitive minus provisional contributions."
        ),
    },
)
ActiviteMicroEnum = described_enum(
    ActiviteMicro,
    description="Micro-entrepreneur activity: BIC sales, BIC services, or BNC services.",
    values={
        "BIC_VENTE": "Sale of goods, food or lodging (BIC vente).",
        "BIC_SERVICES": "Commercial or artisanal services (BIC prestations de services).",
        "BNC": "Liberal professions' services (BNC).",
    },
)
ModePaiementEnum = described_enum(
    ModePaiement,
    description="How a payment was made.",
    values={
        "PRELEVEMENT": "Direct debit (prélèvement SEPA).",
        "VIREMENT": "Bank transfer.",
        "CHEQUE": "Cheque.",
        "CARTE": "Bank card, online.",
        "CREDIT": (
            "The credit of a year left by a lower recomputation, allocated like a payment "
            "dated on that recomputation."
        ),
    },
)
NatureCotisationEnum = described_enum(
    NatureCotisation,
    description="Provisional (called on a basis) or definitive (on the declared income).",
    values={
        "PROVISIONNELLE": "Called during the year on an earlier income or an estimate.",
        "DEFINITIVE": "Computed on the income declared for the year.",
    },
)
NatureRevenuEnum = described_enum(
    NatureRevenu,
    description="Declared income of a closed year, or online estimate of the current year.",
    values={
        "DECLARE": "Income declared for a closed year (déclaration de revenus).",
        "ESTIME": "Online estimate of the current year's income (estimation en ligne).",
    },
)
PeriodiciteDeclarationEnum = described_enum(
    PeriodiciteDeclaration,
    description="Micro-entrepreneur turnover declarations: monthly or quarterly.",
    values={
        "MENSUELLE": "One turnover declaration per month.",
        "TRIMESTRIELLE": "One turnover declaration per quarter.",
    },
)
RegimeEnum = described_enum(
    Regime,
    description="Régime classique or micro-entrepreneur.",
    values={
        "CLASSIQUE": "Contributions on the yearly professional income (régime classique).",
        "MICRO": "Contributions as a rate of the declared turnover (micro-entrepreneur).",
    },
)
RoleEnum = described_enum(
    Role,
    description="Kind of principal.",
    values={
        "TRAVAILLEUR": "A self-employed worker, on their own account.",
        "EXPERT_COMPTABLE": "A member of an accounting firm (admin or collaborator).",
        "AGENT": "An agent of the caisse.",
    },
)
SituationEnum = described_enum(
    Situation,
    description="Active, struck off (radié) or retired.",
    values={
        "ACTIF": "In activity.",
        "RADIE": "Struck off (radié): the activity ended.",
        "RETRAITE": "Retired.",
    },
)
StatutEcheanceEnum = described_enum(
    StatutEcheance,
    description="State of an instalment on the clock's today.",
    values={
        "A_VENIR": "Not fully paid, due today or later.",
        "EN_RETARD": "Not fully paid and past its due date.",
        "PAYEE": "Fully paid.",
        "ANNULEE": "Cancelled (schedule rebuilt, or radiation).",
        "REJETE": (
            "Its direct debit was rejected by the bank and it is not settled on its own: its "
            "amount is carried to the next instalment (see `montantReporte`) or still unpaid; "
            "never shown as paid."
        ),
    },
)
StatutMandatEnum = described_enum(
    StatutMandat,
    description="State of a cabinet's mandate.",
    values={
        "EN_ATTENTE": "Requested; waits for the activation key the worker received.",
        "ACTIF": "Active: the cabinet sees and acts on the account.",
        "REVOQUE": "Revoked by the worker.",
        "ANNULE": "Never activated: cancelled after too many wrong activation keys.",
    },
)
StatutProfessionnelEnum = described_enum(
    StatutProfessionnel,
    description="Artisan, commerçant or industriel.",
    values={
        "ARTISAN": "Artisan.",
        "COMMERCANT": "Commerçant (trader).",
        "INDUSTRIEL": "Industriel (manufacturer).",
    },
)
TypeAttestationEnum = described_enum(
    TypeAttestation,
    description="Kind of attestation.",
    values={
        "VIGILANCE": (
            "Attestation de vigilance: declarations up to date and nothing overdue outside "
            "an accepted, respected payment plan."
        ),
        "MARCHE_PUBLIC": (
            "Attestation for a public procurement bid (marché public): the same conditions "
            "as vigilance, as of 31 December of the previous year."
        ),
        "CSG_CRDS": (
            "The deductible and non-deductible CSG-CRDS of a closed year, from its "
            "definitive contributions."
        ),
        "FORMATION_PROFESSIONNELLE": (
            "The vocational-training contribution (CFP) paid for a year, from 1 January of "
            "the next year."
        ),
    },
)
