"""What each document shows, as plain frozen values (SPEC §4 "Income estimate", §6).

The renderers take these and nothing else: no session, no ORM object, no rule. The
caller (a service) computes amounts, dates and codes with the domain and fills these
in, so a PDF can be tested from literal data and re-rendered identically later.
Money is ``Decimal`` euros, as everywhere in the domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.nomenclatures import StatutEcheance


@dataclass(frozen=True, slots=True)
class CaisseEmettrice:
    """The issuing caisse, printed in every page header."""

    nom: str
    adresse: str  # one line, or several separated by "\n"
    telephone: str | None = None
    courriel: str | None = None


@dataclass(frozen=True, slots=True)
class IdentiteTravailleur:
    civilite: str  # "M." / "Mme"
    prenom: str
    nom: str
    nir: str  # 15 characters (13 + key), printed grouped
    siret: str | None = None  # 14 digits; a worker without an activity has none
    adresse: tuple[str, ...] = ()

    @property
    def nom_complet(self) -> str:
        return f"{self.civilite} {self.prenom} {self.nom.upper()}"


@dataclass(frozen=True, slots=True)
class Entreprise:
    """The business as a client company knows it (SPEC §6): its name, SIREN/SIRET and
    address, and the entrepreneur's name — never the NIR, which is personal."""

    denomination: str  # the établissement's enseigne, else the entrepreneur's name
    titulaire: str  # "Mme Claire LEFEBVRE"
    siret: str | None = None  # 14 digits; a worker without an établissement has none
    adresse: tuple[str, ...] = ()

    @property
    def siren(self) -> str | None:
        return self.siret[:9] if self.siret else None


# --- Avis d'appel rectificatif (after an income estimate, SPEC §4) -----------------


@dataclass(frozen=True, slots=True)
class LigneAppel:
    """One recomputed provisional contribution line."""

    libelle: str
    assiette: Decimal
    montant: Decimal


@dataclass(frozen=True, slots=True)
class EcheanceAppel:
    """One instalment of the rebuilt schedule."""

    date: date
    montant: Decimal
    statut: StatutEcheance


@dataclass(frozen=True, slots=True)
class AvisAppelRectificatif:
    caisse: CaisseEmettrice
    identite: IdentiteTravailleur
    emis_le: date
    annee: int
    revenu_estime: Decimal
    lignes: tuple[LigneAppel, ...]
    echeances: tuple[EcheanceAppel, ...]
    reference: str | None = None  # the document's number, for the worker's questions

    @property
    def total(self) -> Decimal:
        return sum((ligne.montant for ligne in self.lignes), Decimal(0))


# --- Attestations (SPEC §6) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttestationVigilance:
    """Up to date (or a respected payment plan); valid 6 months; verifiable by code.
    Meant for client companies: it shows the business, not the person."""

    caisse: CaisseEmettrice
    entreprise: Entreprise
    emise_le: date
    valide_du: date
    valide_au: date
    code_verification: str
    url_verification: str | None = None
    #: True when the worker is covered by an accepted, respected payment plan rather
    #: than having nothing overdue: the attestation says so.
    sous_plan_apurement: bool = False


@dataclass(frozen=True, slots=True)
class AttestationMarchePublic:
    """Same conditions as vigilance, assessed at 31 December of the previous year;
    meant for public buyers: it shows the business, not the person."""

    caisse: CaisseEmettrice
    entreprise: Entreprise
    emise_le: date
    situation_au: date
    sous_plan_apurement: bool = False


@dataclass(frozen=True, slots=True)
class AttestationCsgCrds:
    """Deductible and non-deductible CSG-CRDS of a closed year (definitive amounts)."""

    caisse: CaisseEmettrice
    identite: IdentiteTravailleur
    emise_le: date
    annee: int
    csg_deductible: Decimal
    csg_crds_non_deductible: Decimal

    @property
    def total(self) -> Decimal:
        return self.csg_deductible + self.csg_crds_non_deductible


@dataclass(frozen=True, slots=True)
class AttestationFormation:
    """The CFP due for a year and what was paid of it by the issue date (from 1 January
    of the next year); verifiable by code."""

    caisse: CaisseEmettrice
    identite: IdentiteTravailleur
    emise_le: date
    annee: int
    cfp_due: Decimal
    cfp_payee: Decimal
    code_verification: str
    url_verification: str | None = None


Attestation = (
    AttestationVigilance | AttestationMarchePublic | AttestationCsgCrds | AttestationFormation
)


# --- Relevé de carrière (SPEC §6) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnneeCarriere:
    annee: int
    #: Income on which retirement contributions were paid: RETRAITE_BASE paid / 17.75 %,
    #: at most the year's assiette and the PASS; None for a year the caisse cannot
    #: compute (no barème), printed "non calculé".
    revenu_cotise: Decimal | None
    trimestres: int | None


@dataclass(frozen=True, slots=True)
class ReleveCarriere:
    caisse: CaisseEmettrice
    identite: IdentiteTravailleur
    emis_le: date
    annees: tuple[AnneeCarriere, ...]

    @property
    def total_trimestres(self) -> int:
        return sum(annee.trimestres or 0 for annee in self.annees)
