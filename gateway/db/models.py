"""SQLAlchemy models of the account.

Relationships are ``lazy="raise"``: nothing loads behind a resolver's back; every
relation goes through a repository query batched by a DataLoader (STYLE §2).
Money columns are integer cents (``Cents``); timestamps are timezone-aware.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

from domain.cotisations import CotisationCode
from domain.delais import StatutDelai
from domain.echeancier import NatureEcheance, Periodicite
from domain.micro import ActiviteMicro
from domain.nomenclatures import (
    IssueAudit,
    ModePaiement,
    NatureCotisation,
    NatureRevenu,
    PeriodiciteDeclaration,
    Regime,
    Role,
    Situation,
    StatutMandat,
    StatutProfessionnel,
    TypeAttestation,
)
from domain.recherche import name_search_key
from gateway.db.cotisation_detail import stored_explication
from gateway.db.types import Cents, ExactDecimal, UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def enum_column(enum_type: type[enum.Enum]) -> Enum:
    """Enums as plain strings: portable, and readable in either database."""
    return Enum(enum_type, native_enum=False, length=40, validate_strings=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Caisse(Base):
    __tablename__ = "caisse"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    nom: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(100))
    adresse: Mapped[str] = mapped_column(String(300))
    telephone: Mapped[str] = mapped_column(String(30))
    courriel: Mapped[str] = mapped_column(String(200))
    horaires: Mapped[str] = mapped_column(Text)


def _inserted_name_search_key(context: DefaultExecutionContext) -> str:
    """The search key of a row inserted without one (the seed's bulk inserts)."""
    row = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return name_search_key(row["nom"], row["prenom"])


def _inserted_explication(context: DefaultExecutionContext) -> str:
    """The explanation of a contribution line, from the very values its row stores:
    written at every insert (lines are replaced, never updated), so it cannot differ
    from the detail it explains."""
    row = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return stored_explication(row["code"], row["montant"], row["assiette"], row["detail"])


class Travailleur(Base):
    __tablename__ = "travailleur"

    id: Mapped[int] = mapped_column(primary_key=True)
    caisse_id: Mapped[int] = mapped_column(ForeignKey("caisse.id"), index=True)
    nir: Mapped[str] = mapped_column(String(15), unique=True)
    civilite: Mapped[str] = mapped_column(String(10))
    nom: Mapped[str] = mapped_column(String(100), index=True)
    prenom: Mapped[str] = mapped_column(String(100))
    # Family and first name folded by ``domain.recherche.name_search_key``: kept on
    # every write of the names (the default below for rows inserted without it, the
    # validator for names set on an object), compared with the folded search text.
    cle_recherche: Mapped[str] = mapped_column(
        String(220), index=True, default=_inserted_name_search_key
    )
    date_naissance: Mapped[date] = mapped_column(Date)
    courriel: Mapped[str] = mapped_column(String(200))
    telephone: Mapped[str | None] = mapped_column(String(30))
    adresse: Mapped[str] = mapped_column(String(300))
    code_postal: Mapped[str] = mapped_column(String(5))
    ville: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(100))
    statut: Mapped[StatutProfessionnel] = mapped_column(enum_column(StatutProfessionnel))
    profession: Mapped[str] = mapped_column(String(200))
    regime: Mapped[Regime] = mapped_column(enum_column(Regime))
    situation: Mapped[Situation] = mapped_column(enum_column(Situation))
    date_debut_activite: Mapped[date] = mapped_column(Date)
    date_fin_activite: Mapped[date | None] = mapped_column(Date)
    periodicite: Mapped[Periodicite] = mapped_column(enum_column(Periodicite))
    # Last voluntary periodicity change: at most one per calendar year (SPEC §4).
    date_changement_periodicite: Mapped[date | None] = mapped_column(Date)
    activite_micro: Mapped[ActiviteMicro | None] = mapped_column(enum_column(ActiviteMicro))
    periodicite_declaration: Mapped[PeriodiciteDeclaration | None] = mapped_column(
        enum_column(PeriodiciteDeclaration)
    )
    # Last change through a unit of work (set at flush, gateway.events.writing); None
    # for rows untouched since they were loaded or seeded.
    modifie_le: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @validates("nom", "prenom")
    def _refresh_search_key(self, attribute: str, value: str) -> str:
        nom = value if attribute == "nom" else self.nom
        prenom = value if attribute == "prenom" else self.prenom
        if nom is not None and prenom is not None:
            self.cle_recherche = name_search_key(nom, prenom)
        return value


class Etablissement(Base):
    __tablename__ = "etablissement"

    id: Mapped[int] = mapped_column(primary_key=True)
    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"), index=True)
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    enseigne: Mapped[str] = mapped_column(String(200))
    adresse: Mapped[str] = mapped_column(String(300))
    code_postal: Mapped[str] = mapped_column(String(5))
    ville: Mapped[str] = mapped_column(String(100))
    code_activite: Mapped[str] = mapped_column(String(6))
    libelle_activite: Mapped[str] = mapped_column(String(200))
    principal: Mapped[bool] = mapped_column(Boolean)
    date_ouverture: Mapped[date] = mapped_column(Date)


class CoordonneesBancaires(Base):
    """Bank details with the SEPA mandate; at most one active set per worker."""

    __tablename__ = "coordonnees_bancaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"), index=True)
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str] = mapped_column(String(11))
    titulaire: Mapped[str] = mapped_column(String(200))
    reference_mandat_sepa: Mapped[str] = mapped_column(String(35), unique=True)
    date_signature: Mapped[date] = mapped_column(Date)
    actif: Mapped[bool] = mapped_column(Boolean)
    # When the mandate stopped (removed, replaced, activity ended); None while in force.
    # A rejected debit is accepted only on an instalment due while a mandate was in force.
    date_fin: Mapped[date | None] = mapped_column(Date)


class Revenu(Base):
    __tablename__ = "revenu"
    __table_args__ = (UniqueConstraint("travailleur_id", "annee", "nature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"), index=True)
    annee: Mapped[int] = mapped_column(Integer)
    nature: Mapped[NatureRevenu] = mapped_column(enum_column(NatureRevenu))
    montant: Mapped[Decimal] = mapped_column(Cents)
    date_saisie: Mapped[date] = mapped_column(Date)
    # Last change through a unit of work (set at flush, gateway.events.writing); None
    # for rows untouched since they were loaded or seeded.
    modifie_le: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Cotisation(Base):
    """One contribution line of a year, with the base and rate that produced it."""

    __tablename__ = "cotisation"
    __table_args__ = (UniqueConstraint("travailleur_id", "annee", "nature", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"), index=True)
    annee: Mapped[int] = mapped_column(Integer)
    nature: Mapped[NatureCotisation] = mapped_column(enum_column(NatureCotisation))
    code: Mapped[CotisationCode] = mapped_column(enum_column(CotisationCode))
    montant: Mapped[Decimal] = mapped_column(Cents)
    assiette: Mapped[Decimal] = mapped_column(Cents)
    # Rate slices, floor/ceiling and deduction as the engine produced them, so the stored
    # line explains itself exactly like a simulation (``gateway.db.cotisation_detail``).
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Shown for every line of a page of accounts: read as it is, the detail not decoded.
    explication: Mapped[str] = mapped_column(Text, default=_inserted_explication)
    # What the amounts were computed on (e.g. "revenu estimé 2026", "forfait").
    base_calcul: Mapped[str] = mapped_column(String(200))
    date_calcul: Mapped[date] = mapped_column(Date)


class Echeance(Base):
    __tablename__ = "echeance"
    __table_args__ = (Index("ix_echeance_travailleur_date", "travailleur_id", "date_echeance"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"))
    annee: Mapped[int] = mapped_column(Integer)
    nature: Mapped[NatureEcheance] = mapped_column(enum_column(NatureEcheance))
    date_echeance: Mapped[date] = mapped_column(Date)
    montant: Mapped[Decimal] = mapped_column(Cents)
    montant_paye: Mapped[Decimal] = mapped_column(Cents, default=Decimal(0))
    annulee: Mapped[bool] = mapped_column(Boolean, default=False)
    # Rejected direct debits on this instalment (SPEC §4).
    rejets: Mapped[int] = mapped_column(Integer, default=0)
    # A rejected debit's amount carried to the next instalment (undone after a second
    # rejection, so each amount stays overdue from its own due date).
    report_vers_id: Mapped[int | None] = mapped_column(ForeignKey("echeance.id"))
    montant_reporte: Mapped[Decimal] = mapped_column(Cents, default=Decimal(0))
    # Last change through a unit of work (set at flush, gateway.events.writing); None
    # for rows untouched since they were loaded or seeded.
    modifie_le: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Paiement(Base):
    __tablename__ = "paiement"
    __table_args__ = (
        Index("ix_paiement_travailleur_date", "travailleur_id", "date_paiement"),
        # At most one credit of a year per worker (SPEC §4: state, not a history).
        Index(
            "uq_paiement_travailleur_annee_credit", "travailleur_id", "annee_credit", unique=True
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"))
    date_paiement: Mapped[date] = mapped_column(Date)
    montant: Mapped[Decimal] = mapped_column(Cents)
    mode: Mapped[ModePaiement] = mapped_column(enum_column(ModePaiement))
    reference: Mapped[str] = mapped_column(String(50))
    # Set only on the CREDIT row that is the credit of that year left by its last
    # recomputation (replaced at each one); null on payments and régularisation credits.
    annee_credit: Mapped[int | None] = mapped_column(Integer)
    # Last change through a unit of work (set at flush, gateway.events.writing); None
    # for rows untouched since they were loaded or seeded.
    modifie_le: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AffectationPaiement(Base):
    """The part of a payment allocated to one instalment (oldest first, SPEC §4)."""

    __tablename__ = "affectation_paiement"

    id: Mapped[int] = mapped_column(primary_key=True)
    paiement_id: Mapped[int] = mapped_column(ForeignKey("paiement.id"), index=True)
    echeance_id: Mapped[int] = mapped_column(ForeignKey("echeance.id"), index=True)
    montant: Mapped[Decimal] = mapped_column(Cents)


class DelaiPaiement(Base):
    __tablename__ = "delai_paiement"

    id: Mapped[int] = mapped_column(primary_key=True)
    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"), index=True)
    statut: Mapped[StatutDelai] = mapped_column(enum_column(StatutDelai))
    date_demande: Mapped[date] = mapped_column(Date)
    montant: Mapped[Decimal] = mapped_column(Cents)
    nombre_echeances: Mapped[int] = mapped_column(Integer)
    premiere_echeance: Mapped[date] = mapped_column(Date)
    motif: Mapped[str] = mapped_column(Text)
    date_decision: Mapped[date | None] = mapped_column(Date)
    motif_decision: Mapped[str | None] = mapped_column(Text)
    # A renegotiation links the new request to the plan it replaces (SPEC §5).
    remplace_id: Mapped[int | None] = mapped_column(ForeignKey("delai_paiement.id"))
    # When the plan ended: fully paid (SOLDE), denounced (DENONCE) or replaced (RENEGOCIE).
    date_cloture: Mapped[date | None] = mapped_column(Date)
    # Last change through a unit of work (set at flush, gateway.events.writing); None
    # for rows untouched since they were loaded or seeded.
    modifie_le: Mapped[datetime | None] = mapped_column(UtcDateTime)


class EcheanceDelai(Base):
    """One monthly instalment of a payment plan."""

    __tablename__ = "echeance_delai"

    id: Mapped[int] = mapped_column(primary_key=True)
    delai_id: Mapped[int] = mapped_column(ForeignKey("delai_paiement.id"), index=True)
    numero: Mapped[int] = mapped_column(Integer)
    date_echeance: Mapped[date] = mapped_column(Date)
    montant: Mapped[Decimal] = mapped_column(Cents)
    montant_paye: Mapped[Decimal] = mapped_column(Cents, default=Decimal(0))


class DelaiEcheanceCouverte(Base):
    """Which overdue instalments a payment plan covers."""

    __tablename__ = "delai_echeance_couverte"

    delai_id: Mapped[int] = mapped_column(ForeignKey("delai_paiement.id"), primary_key=True)
    echeance_id: Mapped[int] = mapped_column(ForeignKey("echeance.id"), primary_key=True)


class AvisAppel(Base):
    """Avis d'appel rectificatif issued after an income estimate (SPEC §4, §6).

    ``contenu`` freezes what the notice shows (lines, schedule) so the PDF is the same
    whenever it is downloaded.
    """

    __tablename__ = "avis_appel"

    id: Mapped[int] = mapped_column(primary_key=True)
    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"), index=True)
    annee: Mapped[int] = mapped_column(Integer)
    date_emission: Mapped[date] = mapped_column(Date)
    revenu_estime: Mapped[Decimal] = mapped_column(Cents)
    contenu: Mapped[dict[str, Any]] = mapped_column(JSON)


class Attestation(Base):
    __tablename__ = "attestation"

    id: Mapped[int] = mapped_column(primary_key=True)
    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"), index=True)
    type: Mapped[TypeAttestation] = mapped_column(enum_column(TypeAttestation))
    annee: Mapped[int | None] = mapped_column(Integer)
    date_emission: Mapped[date] = mapped_column(Date)
    date_fin_validite: Mapped[date | None] = mapped_column(Date)
    code_verification: Mapped[str | None] = mapped_column(String(32), unique=True)
    # The figures printed on the document, frozen at issue time.
    contenu: Mapped[dict[str, Any]] = mapped_column(JSON)


class DeclarationMicro(Base):
    """A micro-entrepreneur's turnover for one period and activity (SPEC §7)."""

    __tablename__ = "declaration_micro"
    __table_args__ = (UniqueConstraint("travailleur_id", "periode", "activite"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"), index=True)
    periode: Mapped[str] = mapped_column(String(7))
    activite: Mapped[ActiviteMicro] = mapped_column(enum_column(ActiviteMicro))
    chiffre_affaires: Mapped[Decimal] = mapped_column(Cents)
    taux: Mapped[Decimal] = mapped_column(ExactDecimal)
    cotisations: Mapped[Decimal] = mapped_column(Cents)
    formation_professionnelle: Mapped[Decimal] = mapped_column(Cents)
    date_declaration: Mapped[date] = mapped_column(Date)
    date_exigibilite: Mapped[date] = mapped_column(Date)


class Cabinet(Base):
    __tablename__ = "cabinet"

    id: Mapped[int] = mapped_column(primary_key=True)
    nom: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    adresse: Mapped[str] = mapped_column(String(300))


class Utilisateur(Base):
    """Anyone who logs in: a worker (by NIR), an accountant or an agent (by e-mail)."""

    __tablename__ = "utilisateur"

    id: Mapped[int] = mapped_column(primary_key=True)
    identifiant: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    nom_affiche: Mapped[str] = mapped_column(String(200))
    mot_de_passe_hash: Mapped[str] = mapped_column(String(200))
    mot_de_passe_a_changer: Mapped[bool] = mapped_column(Boolean, default=False)
    travailleur_id: Mapped[int | None] = mapped_column(ForeignKey("travailleur.id"), unique=True)
    cabinet_id: Mapped[int | None] = mapped_column(ForeignKey("cabinet.id"), index=True)
    administrateur_cabinet: Mapped[bool] = mapped_column(Boolean, default=False)
    caisse_id: Mapped[int | None] = mapped_column(ForeignKey("caisse.id"))
    actif: Mapped[bool] = mapped_column(Boolean, default=True)


class Mandat(Base):
    __tablename__ = "mandat"
    __table_args__ = (Index("ix_mandat_cabinet_statut", "cabinet_id", "statut"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cabinet_id: Mapped[int] = mapped_column(ForeignKey("cabinet.id"))
    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"), index=True)
    statut: Mapped[StatutMandat] = mapped_column(enum_column(StatutMandat))
    cle_activation_hash: Mapped[str | None] = mapped_column(String(200))
    date_demande: Mapped[date] = mapped_column(Date)
    date_activation: Mapped[date | None] = mapped_column(Date)
    date_revocation: Mapped[date | None] = mapped_column(Date)
    # Wrong activation keys entered; the pending mandate is cancelled at the limit.
    tentatives_echouees: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Last change through a unit of work (set at flush, gateway.events.writing); None
    # for rows untouched since they were loaded or seeded.
    modifie_le: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AffectationCollaborateur(Base):
    """A client of the cabinet assigned to one of its collaborators."""

    __tablename__ = "affectation_collaborateur"

    utilisateur_id: Mapped[int] = mapped_column(ForeignKey("utilisateur.id"), primary_key=True)
    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"), primary_key=True)


class EvenementAudit(Base):
    """Who did what, on behalf of which worker, when, with what result (SPEC §10)."""

    __tablename__ = "evenement_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    horodatage: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    request_id: Mapped[str] = mapped_column(String(64))
    acteur_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"), index=True)
    acteur: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role | None] = mapped_column(enum_column(Role))
    cabinet_id: Mapped[int | None] = mapped_column(ForeignKey("cabinet.id"), index=True)
    travailleur_id: Mapped[int | None] = mapped_column(ForeignKey("travailleur.id"), index=True)
    operation: Mapped[str] = mapped_column(String(100))
    issue: Mapped[IssueAudit] = mapped_column(enum_column(IssueAudit))
    detail: Mapped[str] = mapped_column(Text)


class Idempotence(Base):
    """First result of a mutation, replayed for a retry with the same key (SPEC §9)."""

    __tablename__ = "idempotence"
    __table_args__ = (UniqueConstraint("principal", "cle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    principal: Mapped[str] = mapped_column(String(100))
    cle: Mapped[str] = mapped_column(String(200))
    operation: Mapped[str] = mapped_column(String(100))
    resultat: Mapped[dict[str, Any]] = mapped_column(JSON)
    horodatage: Mapped[datetime] = mapped_column(UtcDateTime)


class CourrielSortant(Base):
    """E-mail outbox, written in the same transaction as the change it reports."""

    __tablename__ = "courriel_sortant"

    id: Mapped[int] = mapped_column(primary_key=True)
    horodatage: Mapped[datetime] = mapped_column(UtcDateTime)
    destinataire: Mapped[str] = mapped_column(String(200))
    sujet: Mapped[str] = mapped_column(String(300))
    corps: Mapped[str] = mapped_column(Text)
    travailleur_id: Mapped[int | None] = mapped_column(ForeignKey("travailleur.id"), index=True)
    envoye_le: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    tentatives: Mapped[int] = mapped_column(Integer, default=0)
    prochaine_tentative: Mapped[datetime | None] = mapped_column(UtcDateTime)
    derniere_erreur: Mapped[str | None] = mapped_column(Text)


# Area models live in their own modules; importing them here registers their tables on
# ``Base.metadata`` for Alembic and the app (they import this module, hence at the end).
from gateway.db import (  # noqa: E402
    models_access,  # noqa: F401
    models_caisse,  # noqa: F401
    models_http,  # noqa: F401
    models_keys,  # noqa: F401
    models_prevention,  # noqa: F401
    models_situation,  # noqa: F401
)
from gateway.events import models as models_events  # noqa: E402, F401
