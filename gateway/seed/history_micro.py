"""A micro-entrepreneur's declarations and payments as they stand on a given day.

A micro-entrepreneur has no revenus, annual cotisations nor échéances (SPEC §7): only
turnover declarations, each computed with ``compute_cotisations_micro`` and paid on
its due date. Turnover varies from period to period (seasons, quiet months) around
the profile's typical monthly figure, reproducibly from the profile's seed.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domain.micro import ActiviteMicro, Periode, TypePeriode, compute_cotisations_micro
from domain.money import ONE_EURO, ZERO, round_cent
from domain.nomenclatures import ModePaiement, PeriodiciteDeclaration, StatutProfessionnel
from gateway.db import models
from gateway.seed.history import PREMIERE_ANNEE
from gateway.seed.rows import Lignes

#: Seasonal factor of the turnover per calendar month (a quiet August, a busy December).
SAISONS = (0.85, 0.9, 1.0, 1.0, 1.05, 1.05, 0.95, 0.6, 1.05, 1.1, 1.1, 1.25)


@dataclass(frozen=True, slots=True)
class ProfilMicro:
    """What a micro-entrepreneur does: typical monthly turnover per activity, how
    often they declare, how many days after the end of a period they usually do."""

    statut: StatutProfessionnel
    date_creation: date
    periodicite: PeriodiciteDeclaration
    chiffre_affaires_mensuel: Mapping[ActiviteMicro, Decimal]
    prelevement: bool = True
    graine: int = 0
    delai_declaration: int = 12

    def __post_init__(self) -> None:
        if not self.chiffre_affaires_mensuel:
            raise ValueError("a micro-entrepreneur has at least one activity")


def periods_to_declare(profil: ProfilMicro, today: date) -> list[Periode]:
    """Periods from January of the previous year (or the creation) up to the last one
    complete before ``today`` (a period ending yesterday cannot be declared yet)."""
    type_periode = (
        TypePeriode.MOIS
        if profil.periodicite is PeriodiciteDeclaration.MENSUELLE
        else TypePeriode.TRIMESTRE
    )
    debut = max(date(max(PREMIERE_ANNEE, today.year - 1), 1, 1), profil.date_creation)
    periodes: list[Periode] = []
    for annee in range(debut.year, today.year + 1):
        for numero in range(1, 13 if type_periode is TypePeriode.MOIS else 5):
            periode = Periode(annee, type_periode, numero)
            if periode.fin >= debut and periode.fin < today - timedelta(days=1):
                periodes.append(periode)
    return periodes


def _turnover(
    profil: ProfilMicro, periode: Periode, rng: random.Random
) -> dict[ActiviteMicro, Decimal]:
    """Turnover of a period: months × seasons × ±25 %, in whole euros; sometimes none."""
    mois = range(periode.debut.month, periode.fin.month + 1)
    debut_activite = profil.date_creation
    montants: dict[ActiviteMicro, Decimal] = {}
    for activite, mensuel in profil.chiffre_affaires_mensuel.items():
        total = ZERO
        for m in mois:
            if date(periode.annee, m, 28) < debut_activite or rng.random() < 0.04:
                continue
            facteur = Decimal(str(round(SAISONS[m - 1] * rng.uniform(0.75, 1.25), 3)))
            total += (mensuel * facteur).quantize(ONE_EURO)
        montants[activite] = total
    return montants


def generate_micro_account(
    travailleur_id: int, profil: ProfilMicro, today: date, lignes: Lignes
) -> Decimal:
    """Append the declarations and payments of one micro-entrepreneur; returns what
    is declared but not yet due on ``today``."""
    rng = random.Random(profil.graine)
    nature = profil.statut.nature
    mode = ModePaiement.PRELEVEMENT if profil.prelevement else ModePaiement.VIREMENT
    a_venir = ZERO
    for periode in periods_to_declare(profil, today):
        resultat = compute_cotisations_micro(periode, nature, _turnover(profil, periode, rng))
        declaration = min(
            periode.fin + timedelta(days=profil.delai_declaration), today - timedelta(days=1)
        )
        # The CFP is rounded once on the whole turnover; each activity's row shows its
        # share to the cent, the last one the rest, so the rows add up to the result.
        reste_cfp = resultat.cfp
        for rang, ligne in enumerate(resultat.lignes):
            dernier = rang == len(resultat.lignes) - 1
            cfp = (
                reste_cfp if dernier else round_cent(ligne.chiffre_affaires * ligne.taux_cfp / 100)
            )
            reste_cfp -= cfp
            lignes.add(
                models.DeclarationMicro,
                travailleur_id=travailleur_id,
                periode=str(periode),
                activite=ligne.activite,
                chiffre_affaires=ligne.chiffre_affaires,
                taux=ligne.taux,
                cotisations=ligne.cotisations,
                formation_professionnelle=cfp,
                date_declaration=declaration,
                date_exigibilite=resultat.echeance,
            )
        if resultat.total == ZERO:
            continue
        if resultat.echeance < today:
            libelle = "Prélèvement SEPA" if profil.prelevement else "Virement"
            lignes.add(
                models.Paiement,
                travailleur_id=travailleur_id,
                date_paiement=resultat.echeance,
                montant=resultat.total,
                mode=mode,
                reference=f"{libelle} déclaration {periode}",
                annee_credit=None,
            )
        else:
            a_venir += resultat.total
    return a_venir
