"""Enumerations of the account (statuses, kinds, modes) shared by every layer.

Values equal names so they travel unchanged between the database, the domain and the
GraphQL enums (SPEC §9: enum values UPPER_SNAKE).
"""

from __future__ import annotations

from enum import StrEnum

from domain.cotisations import NatureActivite


class StatutProfessionnel(StrEnum):
    """Status of the worker: it decides the nature of the activity (SPEC §2)."""

    ARTISAN = "ARTISAN"
    COMMERCANT = "COMMERCANT"
    INDUSTRIEL = "INDUSTRIEL"

    @property
    def nature(self) -> NatureActivite:
        """Artisans exercise an artisanal activity; commerçants and industriels a commercial one."""
        if self is StatutProfessionnel.ARTISAN:
            return NatureActivite.ARTISANALE
        return NatureActivite.COMMERCIALE


class Regime(StrEnum):
    """Régime classique (income-based contributions) or micro-entrepreneur (SPEC §7)."""

    CLASSIQUE = "CLASSIQUE"
    MICRO = "MICRO"


class Situation(StrEnum):
    """Where the worker stands: active, struck off (radié), or retired (SPEC §2)."""

    ACTIF = "ACTIF"
    RADIE = "RADIE"
    RETRAITE = "RETRAITE"


class NatureRevenu(StrEnum):
    """How a yearly income became known."""

    DECLARE = "DECLARE"  # declared by the worker for a closed year
    ESTIME = "ESTIME"  # online estimate for the current year (SPEC §4)


class NatureCotisation(StrEnum):
    """Provisional contributions are called on a basis; definitive ones on the declared income."""

    PROVISIONNELLE = "PROVISIONNELLE"
    DEFINITIVE = "DEFINITIVE"


class ModePaiement(StrEnum):
    """How an amount came in. CREDIT is not money received: a credit of the account
    (régularisation or recomputation in the worker's favour) set against the oldest
    debts first, the rest refundable (SPEC §4)."""

    PRELEVEMENT = "PRELEVEMENT"
    VIREMENT = "VIREMENT"
    CHEQUE = "CHEQUE"
    CARTE = "CARTE"
    CREDIT = "CREDIT"


class TypeAttestation(StrEnum):
    VIGILANCE = "VIGILANCE"
    MARCHE_PUBLIC = "MARCHE_PUBLIC"
    CSG_CRDS = "CSG_CRDS"
    FORMATION_PROFESSIONNELLE = "FORMATION_PROFESSIONNELLE"


class PeriodiciteDeclaration(StrEnum):
    """A micro-entrepreneur declares turnover monthly or quarterly (SPEC §7)."""

    MENSUELLE = "MENSUELLE"
    TRIMESTRIELLE = "TRIMESTRIELLE"


class StatutMandat(StrEnum):
    """A cabinet's mandate: pending until the client's activation key is entered (SPEC §10)."""

    EN_ATTENTE = "EN_ATTENTE"
    ACTIF = "ACTIF"
    REVOQUE = "REVOQUE"
    ANNULE = "ANNULE"  # never activated: too many wrong keys


class Role(StrEnum):
    """Who a principal is (SPEC §10)."""

    TRAVAILLEUR = "TRAVAILLEUR"
    EXPERT_COMPTABLE = "EXPERT_COMPTABLE"
    AGENT = "AGENT"


class IssueAudit(StrEnum):
    """Outcome of an audited operation."""

    SUCCES = "SUCCES"
    REFUS = "REFUS"


class StatutEcheance(StrEnum):
    """Where an instalment stands on a given day (derived, never stored)."""

    A_VENIR = "A_VENIR"
    EN_RETARD = "EN_RETARD"
    PAYEE = "PAYEE"
    ANNULEE = "ANNULEE"
    REJETE = "REJETE"
