"""Clients of a portfolio: who they are, what happened to them, and their rows.

A :class:`Client` is an identity plus a profile of facts (``ProfilCompte`` or
``ProfilMicro``); :func:`random_client` draws one for a :class:`Scenario` so that a
portfolio covers the situations an accountant meets (up to date, late payers,
taxation d'office, start of activity on the forfait, radiés, retraités,
micro-entrepreneurs); :func:`add_client` turns it into rows, the account being
replayed by the domain rules (``gateway.seed.history``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from domain.echeancier import Periodicite
from domain.micro import ActiviteMicro
from domain.nomenclatures import (
    PeriodiciteDeclaration,
    Regime,
    Role,
    Situation,
    StatutMandat,
    StatutProfessionnel,
)
from gateway.db import models
from gateway.seed.history import ProfilCompte, generate_account
from gateway.seed.history_micro import ProfilMicro, generate_micro_account
from gateway.seed.identites import (
    METIERS,
    METIERS_MICRO,
    Identifiants,
    Metier,
    Personne,
    siret_from,
)
from gateway.seed.rows import Lignes

REGION = "Île-de-France"
PREMIERE_ANNEE_REVENUS = 2021  # N-2 of 2023, the first year with a barème


class Scenario(StrEnum):
    """Situations a portfolio mixes."""

    A_JOUR = "A_JOUR"  # declares on time, pays every instalment
    RETARD = "RETARD"  # stopped paying some months ago
    TAXATION_OFFICE = "TAXATION_OFFICE"  # has not declared the last two incomes
    CREATION_ANNEE = "CREATION_ANNEE"  # created this year: forfait
    CREATION_ANNEE_PRECEDENTE = "CREATION_ANNEE_PRECEDENTE"  # created last year: forfait then N-1
    RADIE = "RADIE"  # activity ended
    RETRAITE = "RETRAITE"  # retired
    MICRO = "MICRO"  # micro-entrepreneur


@dataclass(frozen=True, slots=True)
class Client:
    """A worker to seed: identity, activity, and the facts their account replays."""

    personne: Personne
    metier: Metier
    situation: Situation
    profil: ProfilCompte | ProfilMicro
    siren: str  # the 8-digit SIREN body (check digit added by ``siret_from``)
    iban: tuple[str, str] | None  # (IBAN, BIC) of the direct debit, None without one
    adresses_etablissements: tuple[str, ...]  # the principal one first
    date_fin_activite: date | None = None

    @property
    def statut(self) -> StatutProfessionnel:
        return self.profil.statut

    @property
    def micro(self) -> bool:
        return isinstance(self.profil, ProfilMicro)


# --- drawing a client -------------------------------------------------------------


def _jour_entre(ident: Identifiants, debut: date, fin: date) -> date:
    """A day in [debut, fin] (debut when the range is empty)."""
    return debut + timedelta(days=ident.rng.randint(0, max(0, (fin - debut).days)))


def _periodicite(ident: Identifiants) -> tuple[Periodicite, bool]:
    """Monthly on the 5th is the most common; a fifth pay by transfer (quarterly)."""
    tirage = ident.rng.random()
    if tirage < 0.45:
        return Periodicite.MENSUEL_5, True
    if tirage < 0.65:
        return Periodicite.MENSUEL_20, True
    return Periodicite.TRIMESTRIEL, tirage < 0.8


def _revenus(ident: Identifiants, creation: date, derniere: date) -> dict[int, Decimal]:
    """Yearly incomes from 2021 (or the creation) to the year before ``derniere``'s,
    around a median of 32 000 €, drifting year to year; the first and last years are
    part-years; now and then a loss."""
    rng = ident.rng
    niveau = min(180_000.0, max(6_000.0, rng.lognormvariate(math.log(32_000), 0.55)))
    revenus: dict[int, Decimal] = {}
    for annee in range(max(PREMIERE_ANNEE_REVENUS, creation.year), derniere.year + 1):
        niveau *= rng.uniform(0.88, 1.15)
        part = 1.0
        if annee == creation.year:
            part = ((date(annee, 12, 31) - creation).days + 1) / 365
        if annee == derniere.year:
            part = min(part, derniere.timetuple().tm_yday / 365)
        montant = (
            niveau * part * rng.uniform(0.55, 0.8) if annee == creation.year else niveau * part
        )
        if rng.random() < 0.03:
            montant = -rng.uniform(2_000, 15_000)
        revenus[annee] = Decimal(round(montant))
    return revenus


def _declarations(ident: Identifiants, annees: range | list[int]) -> dict[int, date]:
    """Each income declared between 20 April and 10 June of the next year."""
    return {a: date(a + 1, 4, 20) + timedelta(days=ident.rng.randint(0, 51)) for a in annees}


def random_client(ident: Identifiants, today: date, scenario: Scenario) -> Client:
    """Draw a client in ``scenario`` whose account stands on ``today``."""
    if scenario is Scenario.MICRO:
        return _random_micro(ident, today)
    rng, annee = ident.rng, today.year
    statut = rng.choices(list(METIERS), weights=(50, 40, 10))[0]
    personne = ident.personne(1955, 1966) if scenario is Scenario.RETRAITE else ident.personne()
    periodicite, prelevement = _periodicite(ident)
    creation = _jour_entre(
        ident, date(max(1990, personne.date_naissance.year + 20), 1, 1), date(annee - 4, 12, 31)
    )
    fin: date | None = None
    impayes: date | None = None
    if scenario is Scenario.CREATION_ANNEE:
        creation = min(
            _jour_entre(ident, date(annee, 1, 1), today - timedelta(days=20)),
            today - timedelta(days=1),
        )
    elif scenario is Scenario.CREATION_ANNEE_PRECEDENTE:
        creation = _jour_entre(ident, date(annee - 1, 1, 1), date(annee - 1, 12, 31))
    elif scenario in (Scenario.RADIE, Scenario.RETRAITE):
        fin = _jour_entre(ident, date(annee - 1, 1, 31), today - timedelta(days=10))
    elif scenario is Scenario.RETARD:
        impayes = today - timedelta(days=rng.randint(25, 250))
    ancien = creation.year <= annee - 4
    derniere = fin or date(annee - 1, 12, 31)
    revenus = _revenus(ident, creation, derniere)
    declarees = [a for a in revenus if scenario is not Scenario.TAXATION_OFFICE or a <= annee - 3]
    if scenario is Scenario.TAXATION_OFFICE and rng.random() < 0.4:
        impayes = today - timedelta(days=rng.randint(40, 300))
    profil = ProfilCompte(
        statut=statut,
        date_creation=creation,
        periodicite=periodicite,
        prelevement=prelevement,
        revenus=revenus,
        declarations=_declarations(ident, declarees),
        date_radiation=fin,
        impayes_depuis=impayes,
    )
    situation = {Scenario.RADIE: Situation.RADIE, Scenario.RETRAITE: Situation.RETRAITE}.get(
        scenario, Situation.ACTIF
    )
    return Client(
        personne=personne,
        metier=rng.choice(METIERS[statut]),
        situation=situation,
        profil=profil,
        siren=ident.siren(),
        iban=ident.iban() if prelevement else None,
        adresses_etablissements=_adresses(ident, 2 if ancien and rng.random() < 0.08 else 1),
        date_fin_activite=fin,
    )


def _random_micro(ident: Identifiants, today: date) -> Client:
    rng = ident.rng
    statut, metier, activite = rng.choice(METIERS_MICRO)
    personne = ident.personne(1970, 2003)
    creation = _jour_entre(ident, date(2018, 1, 1), today - timedelta(days=90))
    mensuel = {activite: Decimal(rng.randrange(900, 7_000, 50))}
    if rng.random() < 0.1:
        autre = (
            ActiviteMicro.BIC_VENTE
            if activite is ActiviteMicro.BIC_SERVICES
            else ActiviteMicro.BIC_SERVICES
        )
        mensuel[autre] = Decimal(rng.randrange(300, 1_500, 50))
    profil = ProfilMicro(
        statut=statut,
        date_creation=creation,
        periodicite=rng.choice(
            (PeriodiciteDeclaration.MENSUELLE,) * 3 + (PeriodiciteDeclaration.TRIMESTRIELLE,) * 2
        ),
        chiffre_affaires_mensuel=mensuel,
        prelevement=True,
        graine=rng.randrange(2**31),
        delai_declaration=rng.randint(3, 28),
    )
    return Client(
        personne, metier, Situation.ACTIF, profil, ident.siren(), ident.iban(), _adresses(ident, 1)
    )


def _adresses(ident: Identifiants, nombre: int) -> tuple[str, ...]:
    return tuple(ident.adresse() for _ in range(nombre))


# --- rows -------------------------------------------------------------------------


def add_client(
    lignes: Lignes,
    client: Client,
    *,
    caisse_id: int,
    today: date,
    mot_de_passe_hash: str,
    code_caisse: str,
) -> int:
    """Append the worker, their établissements, bank details, login and account rows;
    returns the worker's id."""
    p, profil = client.personne, client.profil
    micro = isinstance(profil, ProfilMicro)
    if isinstance(profil, ProfilMicro):
        periodicite = (
            Periodicite.MENSUEL_5
            if profil.periodicite is PeriodiciteDeclaration.MENSUELLE
            else Periodicite.TRIMESTRIEL
        )
        activite: ActiviteMicro | None = next(iter(profil.chiffre_affaires_mensuel))
    else:
        periodicite, activite = profil.periodicite, None
    travailleur_id = lignes.add(
        models.Travailleur,
        caisse_id=caisse_id,
        nir=p.nir,
        civilite=p.civilite,
        nom=p.nom,
        prenom=p.prenom,
        date_naissance=p.date_naissance,
        courriel=p.courriel,
        telephone=p.telephone,
        adresse=p.adresse,
        code_postal=p.code_postal,
        ville=p.ville,
        region=REGION,
        statut=profil.statut,
        profession=client.metier.profession,
        regime=Regime.MICRO if micro else Regime.CLASSIQUE,
        situation=client.situation,
        date_debut_activite=profil.date_creation,
        date_fin_activite=client.date_fin_activite,
        periodicite=periodicite,
        date_changement_periodicite=None,
        activite_micro=activite,
        periodicite_declaration=profil.periodicite if isinstance(profil, ProfilMicro) else None,
    )
    _add_etablissements(lignes, client, travailleur_id)
    if client.iban is not None:
        iban, bic = client.iban
        lignes.add(
            models.CoordonneesBancaires,
            travailleur_id=travailleur_id,
            iban=iban,
            bic=bic,
            titulaire=f"{p.prenom} {p.nom}".upper(),
            reference_mandat_sepa=f"{code_caisse}-{travailleur_id:010d}",
            date_signature=max(profil.date_creation, date(2014, 2, 1)),
            actif=client.situation is Situation.ACTIF,
            # The mandate of a radié or retraité stopped with the activity.
            date_fin=None if client.situation is Situation.ACTIF else client.date_fin_activite,
        )
    add_utilisateur(
        lignes,
        identifiant=p.nir,
        role=Role.TRAVAILLEUR,
        nom_affiche=f"{p.prenom} {p.nom}",
        mot_de_passe_hash=mot_de_passe_hash,
        travailleur_id=travailleur_id,
    )
    if isinstance(profil, ProfilMicro):
        generate_micro_account(travailleur_id, profil, today, lignes)
    else:
        generate_account(travailleur_id, profil, today, lignes)
    return travailleur_id


def add_utilisateur(
    lignes: Lignes,
    *,
    identifiant: str,
    role: Role,
    nom_affiche: str,
    mot_de_passe_hash: str,
    travailleur_id: int | None = None,
    cabinet_id: int | None = None,
    administrateur_cabinet: bool = False,
    caisse_id: int | None = None,
) -> int:
    """A login: workers by NIR, everyone else by lower-case e-mail (issue 2)."""
    return lignes.add(
        models.Utilisateur,
        identifiant=identifiant if role is Role.TRAVAILLEUR else identifiant.lower(),
        role=role,
        nom_affiche=nom_affiche,
        mot_de_passe_hash=mot_de_passe_hash,
        mot_de_passe_a_changer=False,
        travailleur_id=travailleur_id,
        cabinet_id=cabinet_id,
        administrateur_cabinet=administrateur_cabinet,
        caisse_id=caisse_id,
        actif=True,
    )


def add_mandat(lignes: Lignes, cabinet_id: int, travailleur_id: int, depuis: date) -> None:
    """An active mandate, activated a few days after the request (SPEC §10)."""
    lignes.add(
        models.Mandat,
        cabinet_id=cabinet_id,
        travailleur_id=travailleur_id,
        statut=StatutMandat.ACTIF,
        cle_activation_hash=None,
        date_demande=depuis,
        date_activation=depuis + timedelta(days=3),
        date_revocation=None,
    )


def _add_etablissements(lignes: Lignes, client: Client, travailleur_id: int) -> None:
    p, metier = client.personne, client.metier
    enseigne = metier.enseigne.format(nom=p.nom, prenom=p.prenom)
    for numero, adresse in enumerate(client.adresses_etablissements, start=1):
        ouverture = client.profil.date_creation + timedelta(days=400 * (numero - 1))
        lignes.add(
            models.Etablissement,
            travailleur_id=travailleur_id,
            siret=siret_from(client.siren, numero),
            enseigne=enseigne if numero == 1 else f"{enseigne} ({numero})",
            adresse=adresse,
            code_postal=p.code_postal,
            ville=p.ville,
            code_activite=metier.code_ape,
            libelle_activite=metier.libelle_ape,
            principal=numero == 1,
            date_ouverture=ouverture,
        )
