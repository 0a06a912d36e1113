"""Keyword-only builders of realistic rows, with sensible defaults (STYLE §10).

NIR, SIRET and IBAN defaults are valid (python-stdnum); each builder inserts and
returns the row.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.fr import nir as nir_check
from stdnum.fr import siret as siret_check
from stdnum.luhn import calc_check_digit

from domain.echeancier import NatureEcheance, Periodicite
from domain.nomenclatures import (
    ModePaiement,
    NatureRevenu,
    Regime,
    Role,
    Situation,
    StatutMandat,
    StatutProfessionnel,
)
from gateway.auth.passwords import Passwords
from gateway.db import models

PASSWORDS = Passwords(time_cost=1, memory_cost=1024)
_sequence = itertools.count(1)
_hashes: dict[str, str] = {}


def password_hash(password: str) -> str:
    if password not in _hashes:
        _hashes[password] = PASSWORDS.hash(password)
    return _hashes[password]


def valid_nir(sex: int, year: int, month: int, department: str, serial: int) -> str:
    body = f"{sex}{year % 100:02d}{month:02d}{department}{serial:06d}"
    return body + nir_check.calc_check_digits(body)


def valid_siret(n: int) -> str:
    siren_body = f"{80000000 + n:08d}"
    siren = siren_body + calc_check_digit(siren_body)
    nic_body = "0001"
    body = siren + nic_body
    return body + calc_check_digit(body)


async def caisse(
    session: AsyncSession, *, code: str | None = None, region: str = "Île-de-France"
) -> models.Caisse:
    n = next(_sequence)
    row = models.Caisse(
        code=code or f"C{n:03d}",
        nom=f"Urssaf {region}",
        region=region,
        adresse="22 rue de Lagny, 93100 Montreuil",
        telephone="3698",
        courriel="contact@urssaf-idf.example",
        horaires="Du lundi au vendredi, 8h30–17h00",
    )
    session.add(row)
    await session.flush()
    return row


async def travailleur(
    session: AsyncSession,
    *,
    caisse_id: int,
    nom: str = "Martin",
    prenom: str = "Claire",
    statut: StatutProfessionnel = StatutProfessionnel.ARTISAN,
    regime: Regime = Regime.CLASSIQUE,
    situation: Situation = Situation.ACTIF,
    date_debut_activite: date = date(2015, 3, 1),
    periodicite: Periodicite = Periodicite.MENSUEL_5,
    nir: str | None = None,
    with_user: bool = True,
    password: str = "secret-travailleur",
) -> models.Travailleur:
    n = next(_sequence)
    row = models.Travailleur(
        caisse_id=caisse_id,
        nir=nir or valid_nir(2, 80, 5, "75", 100000 + n),
        civilite="Mme",
        nom=nom,
        prenom=prenom,
        date_naissance=date(1980, 5, 14),
        courriel=f"{prenom.lower()}.{nom.lower()}{n}@example.fr",
        telephone="0601020304",
        adresse="12 rue des Lilas",
        code_postal="75011",
        ville="Paris",
        region="Île-de-France",
        statut=statut,
        profession="Boulangère",
        regime=regime,
        situation=situation,
        date_debut_activite=date_debut_activite,
        periodicite=periodicite,
    )
    session.add(row)
    await session.flush()
    session.add(
        models.Etablissement(
            travailleur_id=row.id,
            siret=valid_siret(n),
            enseigne=f"Maison {nom}",
            adresse="12 rue des Lilas",
            code_postal="75011",
            ville="Paris",
            code_activite="1071C",
            libelle_activite="Boulangerie et boulangerie-pâtisserie",
            principal=True,
            date_ouverture=date_debut_activite,
        )
    )
    if with_user:
        session.add(
            models.Utilisateur(
                identifiant=row.nir,
                role=Role.TRAVAILLEUR,
                nom_affiche=f"{prenom} {nom}",
                mot_de_passe_hash=password_hash(password),
                travailleur_id=row.id,
            )
        )
    await session.flush()
    return row


async def cabinet(session: AsyncSession, *, nom: str = "Cabinet Test") -> models.Cabinet:
    n = next(_sequence)
    row = models.Cabinet(
        nom=nom, siret=valid_siret(5000 + n), adresse="1 place de la Bourse, 75002 Paris"
    )
    session.add(row)
    await session.flush()
    return row


async def user(
    session: AsyncSession,
    *,
    identifiant: str,
    role: Role,
    password: str = "secret-utilisateur",
    cabinet_id: int | None = None,
    administrateur_cabinet: bool = False,
    caisse_id: int | None = None,
) -> models.Utilisateur:
    row = models.Utilisateur(
        identifiant=identifiant,
        role=role,
        nom_affiche=identifiant.split("@")[0],
        mot_de_passe_hash=password_hash(password),
        cabinet_id=cabinet_id,
        administrateur_cabinet=administrateur_cabinet,
        caisse_id=caisse_id,
    )
    session.add(row)
    await session.flush()
    return row


async def mandat(
    session: AsyncSession,
    *,
    cabinet_id: int,
    travailleur_id: int,
    statut: StatutMandat = StatutMandat.ACTIF,
    assigned_to: int | None = None,
) -> models.Mandat:
    row = models.Mandat(
        cabinet_id=cabinet_id,
        travailleur_id=travailleur_id,
        statut=statut,
        date_demande=date(2024, 1, 10),
        date_activation=date(2024, 1, 12) if statut is StatutMandat.ACTIF else None,
    )
    session.add(row)
    if assigned_to is not None:
        session.add(
            models.AffectationCollaborateur(
                utilisateur_id=assigned_to, travailleur_id=travailleur_id
            )
        )
    await session.flush()
    return row


async def echeance(
    session: AsyncSession,
    *,
    travailleur_id: int,
    date_echeance: date,
    montant: Decimal,
    montant_paye: Decimal = Decimal(0),
    nature: NatureEcheance = NatureEcheance.PROVISIONNELLE,
    annulee: bool = False,
) -> models.Echeance:
    row = models.Echeance(
        travailleur_id=travailleur_id,
        annee=date_echeance.year,
        nature=nature,
        date_echeance=date_echeance,
        montant=montant,
        montant_paye=montant_paye,
        annulee=annulee,
    )
    session.add(row)
    await session.flush()
    return row


async def paiement(
    session: AsyncSession, *, travailleur_id: int, date_paiement: date, montant: Decimal
) -> models.Paiement:
    row = models.Paiement(
        travailleur_id=travailleur_id,
        date_paiement=date_paiement,
        montant=montant,
        mode=ModePaiement.PRELEVEMENT,
        reference=f"PRLV-{next(_sequence):06d}",
    )
    session.add(row)
    await session.flush()
    return row


async def revenu(
    session: AsyncSession,
    *,
    travailleur_id: int,
    annee: int,
    montant: Decimal,
    nature: NatureRevenu = NatureRevenu.DECLARE,
) -> models.Revenu:
    row = models.Revenu(
        travailleur_id=travailleur_id,
        annee=annee,
        nature=nature,
        montant=montant,
        date_saisie=date(annee + 1, 5, 15),
    )
    session.add(row)
    await session.flush()
    return row


def assert_valid_identifiers(nir: str, siret: str) -> None:
    assert nir_check.is_valid(nir), nir
    assert siret_check.is_valid(siret), siret
