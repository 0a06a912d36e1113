"""The identities the README documents (issue 2), spelled out rather than drawn.

Their NIRs are given by the issue; everything else about them is chosen so that what
the README promises holds on any demo date: incomes up to last year declared (an
income of last year is declared on the usual day in May, or the day before the demo
date when that comes first), the artisan owes nothing, the commerçant owes exactly
the three most recent monthly instalments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domain.echeancier import Periodicite
from domain.micro import ActiviteMicro
from domain.nomenclatures import PeriodiciteDeclaration, Situation, StatutProfessionnel
from gateway.seed.history import ProfilCompte
from gateway.seed.history_micro import ProfilMicro
from gateway.seed.identites import (
    METIERS,
    METIERS_MICRO,
    Identifiants,
    Metier,
    Personne,
    siret_from,
)
from gateway.seed.portfolio import Client

MOT_DE_PASSE_TRAVAILLEUR = "demo-travailleur-2026"
NIR_ARTISAN = "184127510804231"
NIR_COMMERCANT = "295101305502176"
NIR_MICRO = "178083301234592"
NIR_HORS_CABINET = "291056912345685"


@dataclass(frozen=True, slots=True)
class Personnel:
    """Someone who logs in with an e-mail: accountant or caisse agent."""

    courriel: str
    nom_affiche: str
    mot_de_passe: str


EXPERT = Personnel("expert@cabinet-demo.fr", "Hélène Garnier", "demo-expert-2026")
COLLABORATEUR = Personnel("collab@cabinet-demo.fr", "Thomas Perrin", "demo-collab-2026")
AGENT = Personnel("agent@caisse-demo.fr", "Claire Fontaine", "demo-agent-2026")
SIREN_CABINET = "81264377"  # body; siret_from adds the check digits
CABINET = {
    "nom": "Cabinet Démo Expertise",
    "siret": siret_from(SIREN_CABINET, 1),
    "adresse": "12 rue de la Chaussée-d'Antin, 75009 Paris",
}


def _metier(statut: StatutProfessionnel, profession: str) -> Metier:
    return next(m for m in METIERS[statut] if m.profession == profession)


def _revenus(*montants: int) -> dict[int, Decimal]:
    """Incomes of 2021, 2022, … in that order."""
    return {2021 + rang: Decimal(montant) for rang, montant in enumerate(montants)}


def _declarations(today: date, jours: dict[int, date]) -> dict[int, date]:
    """The usual declaration days, the latest brought before the demo date if needed
    (never before 1 January of the year after the income)."""
    resultat: dict[int, date] = {}
    for annee, jour in jours.items():
        if jour >= today and today.year == annee + 1 and today > date(today.year, 1, 1):
            jour = today - timedelta(days=1)
        resultat[annee] = jour
    return resultat


def _personne(
    nir: str, civilite: str, prenom: str, nom: str, naissance: date, adresse: str, ville: str
) -> Personne:
    code_postal, commune = ville.split(" ", 1)
    courriel = f"{prenom.lower()}.{nom.lower()}@independant-demo.fr".replace("é", "e")
    telephone = f"06 {nir[3:5]} {nir[5:7]} {nir[7:9]} {nir[9:11]}"
    return Personne(
        civilite, prenom, nom, naissance, nir, courriel, telephone, adresse, code_postal, commune
    )


def fixed_clients(ident: Identifiants, today: date, impayes_depuis: date) -> list[Client]:
    """The artisan, the commerçant, the micro-entrepreneur and the worker without a
    cabinet, in that order. ``impayes_depuis``: when the commerçant stopped paying."""
    for nir in (NIR_ARTISAN, NIR_COMMERCANT, NIR_MICRO, NIR_HORS_CABINET):
        ident.reserve(nir)
    ident.reserve(SIREN_CABINET)
    mai = {a: date(a + 1, 5, 12 + a % 5) for a in range(2021, 2026)}
    artisan = Client(
        personne=_personne(
            NIR_ARTISAN,
            "M.",
            "Julien",
            "Moreau",
            date(1984, 12, 3),
            "14 rue Oberkampf",
            "75011 Paris",
        ),
        metier=_metier(StatutProfessionnel.ARTISAN, "Menuisier"),
        situation=Situation.ACTIF,
        profil=ProfilCompte(
            statut=StatutProfessionnel.ARTISAN,
            date_creation=date(2015, 3, 2),
            periodicite=Periodicite.MENSUEL_5,
            prelevement=True,
            revenus=_revenus(34_480, 36_215, 38_940, 40_160, 42_310),
            declarations=_declarations(today, mai),
        ),
        siren=ident.siren(),
        iban=ident.iban(),
        adresses_etablissements=("27 rue de la Roquette",),
    )
    # Same income 2022–2025: every régularisation is zero, so no régularisation
    # instalment shares a due date with the three unpaid provisional ones.
    commercant = Client(
        personne=_personne(
            NIR_COMMERCANT,
            "Mme",
            "Camille",
            "Roux",
            date(1995, 10, 21),
            "8 rue des Martyrs",
            "75009 Paris",
        ),
        metier=_metier(StatutProfessionnel.COMMERCANT, "Fleuriste"),
        situation=Situation.ACTIF,
        profil=ProfilCompte(
            statut=StatutProfessionnel.COMMERCANT,
            date_creation=date(2019, 9, 16),
            periodicite=Periodicite.MENSUEL_5,
            prelevement=True,
            revenus=_revenus(26_840, 31_250, 31_250, 31_250, 31_250),
            declarations=_declarations(today, mai),
            impayes_depuis=impayes_depuis,
        ),
        siren=ident.siren(),
        iban=ident.iban(),
        adresses_etablissements=("41 rue des Martyrs",),
    )
    statut_micro, metier_micro, _ = next(
        m for m in METIERS_MICRO if m[2] is ActiviteMicro.BIC_SERVICES
    )
    micro = Client(
        personne=_personne(
            NIR_MICRO,
            "M.",
            "Karim",
            "Haddad",
            date(1978, 8, 14),
            "63 avenue Jean Jaurès",
            "93100 Montreuil",
        ),
        metier=metier_micro,
        situation=Situation.ACTIF,
        profil=ProfilMicro(
            statut=statut_micro,
            date_creation=date(2021, 4, 12),
            periodicite=PeriodiciteDeclaration.MENSUELLE,
            chiffre_affaires_mensuel={ActiviteMicro.BIC_SERVICES: Decimal(3_400)},
            graine=178083,
            delai_declaration=9,
        ),
        siren=ident.siren(),
        iban=ident.iban(),
        adresses_etablissements=("63 avenue Jean Jaurès",),
    )
    hors_cabinet = Client(
        personne=_personne(
            NIR_HORS_CABINET,
            "Mme",
            "Léa",
            "Girard",
            date(1991, 5, 9),
            "5 place du Marché",
            "94300 Vincennes",
        ),
        metier=_metier(StatutProfessionnel.ARTISAN, "Coiffeur"),
        situation=Situation.ACTIF,
        profil=ProfilCompte(
            statut=StatutProfessionnel.ARTISAN,
            date_creation=date(2018, 6, 4),
            periodicite=Periodicite.MENSUEL_20,
            prelevement=True,
            revenus=_revenus(22_350, 24_900, 26_120, 27_480, 28_730),
            declarations=_declarations(today, mai),
        ),
        siren=ident.siren(),
        iban=ident.iban(),
        adresses_etablissements=("5 place du Marché",),
    )
    return [artisan, commercant, micro, hors_cabinet]
