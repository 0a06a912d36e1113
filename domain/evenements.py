"""The kinds of change an account's followers are told about (change feed, webhooks,
subscriptions): one vocabulary for every channel."""

from __future__ import annotations

from enum import StrEnum


class TypeEvenement(StrEnum):
    """What changed. Each effective change of an account writes exactly one event."""

    ECHEANCE_CREEE = "ECHEANCE_CREEE"
    ECHEANCE_MODIFIEE = "ECHEANCE_MODIFIEE"
    ECHEANCE_ANNULEE = "ECHEANCE_ANNULEE"
    PAIEMENT_ENREGISTRE = "PAIEMENT_ENREGISTRE"
    PRELEVEMENT_REJETE = "PRELEVEMENT_REJETE"
    REVENU_ESTIME = "REVENU_ESTIME"
    REVENU_DECLARE = "REVENU_DECLARE"
    CHIFFRE_AFFAIRES_DECLARE = "CHIFFRE_AFFAIRES_DECLARE"
    COTISATIONS_RECALCULEES = "COTISATIONS_RECALCULEES"
    DELAI_DEMANDE = "DELAI_DEMANDE"
    DELAI_ACCORDE = "DELAI_ACCORDE"
    DELAI_REFUSE = "DELAI_REFUSE"
    DELAI_DENONCE = "DELAI_DENONCE"
    DELAI_SOLDE = "DELAI_SOLDE"
    DELAI_RENEGOCIE = "DELAI_RENEGOCIE"
    ATTESTATION_EMISE = "ATTESTATION_EMISE"
    AVIS_APPEL_EMIS = "AVIS_APPEL_EMIS"
    MANDAT_DEMANDE = "MANDAT_DEMANDE"
    MANDAT_ACTIVE = "MANDAT_ACTIVE"
    MANDAT_REVOQUE = "MANDAT_REVOQUE"
    MANDAT_ANNULE = "MANDAT_ANNULE"
    PERIODICITE_MODIFIEE = "PERIODICITE_MODIFIEE"
    PRELEVEMENT_AUTOMATIQUE_MODIFIE = "PRELEVEMENT_AUTOMATIQUE_MODIFIE"
    RADIATION = "RADIATION"
    DECLARATION_MANQUANTE = "DECLARATION_MANQUANTE"


#: Mandate events are also shown, ids only, to the cabinet the mandate concerns: a
#: cabinet learns that it lost a client although it no longer sees that client.
MANDAT_EVENTS = frozenset(
    {
        TypeEvenement.MANDAT_DEMANDE,
        TypeEvenement.MANDAT_ACTIVE,
        TypeEvenement.MANDAT_REVOQUE,
        TypeEvenement.MANDAT_ANNULE,
    }
)
