"""The public contribution simulator (SPEC §3, §7): no login needed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from domain import cotisations as engine
from domain import micro
from domain.cotisations import NatureActivite
from domain.micro import ActiviteMicro
from gateway.schema.cotisations import LigneCotisation, ligne_type
from gateway.schema.scalars import Money, Rate


@strawberry.input(
    description="A simulation of the contributions of artisans and commerçants (régime classique)."
)
class SimulationInput:
    annee: int = strawberry.field(description="Year, 2023 to 2026 (years with a barème).")
    nature: NatureActivite = strawberry.field(description="Artisanal or commercial activity.")
    revenu_professionnel: Money = strawberry.field(
        description="Yearly professional income in euros; negative for a loss."
    )
    date_creation: date | None = strawberry.field(
        default=None,
        description=(
            "Start of activity: prorates the year when it falls in it, and gives the forfait."
        ),
    )


#: The prorata is shown to 4 decimals (it is kept exact for the computations).
PRORATA_AFFICHE = Decimal("0.0001")


@strawberry.type(
    description="Contributions computed for one year, line by line, with explanations."
)
class Simulation:
    annee: int = strawberry.field(description="Year simulated.")
    nature: NatureActivite = strawberry.field(description="Nature of the activity.")
    revenu_professionnel: Money = strawberry.field(
        description="Income the lines were computed on (for the forfait: the flat basis)."
    )
    prorata: Rate = strawberry.field(
        description=(
            "Share of the year covered, in percent, always shown with 4 decimals (100.0000 "
            "for a full year; from 1 January of a leap year: 366/365 → 100.2740). "
            "Computations use it exact."
        )
    )
    lignes: list[LigneCotisation] = strawberry.field(description="The contribution lines.")
    total: Money = strawberry.field(description="Sum of the lines.")
    forfait_debut_activite: Simulation | None = strawberry.field(
        description=(
            "When the activity starts in `annee`: the flat start-of-activity contributions "
            "called provisionally that year (regularised later on the real income)."
        )
    )


def simulation_type(
    resultat: engine.ResultatCotisations, forfait: engine.ResultatCotisations | None = None
) -> Simulation:
    return Simulation(
        annee=resultat.annee,
        nature=resultat.nature,
        revenu_professionnel=Money(resultat.revenu),
        prorata=Rate((resultat.prorata * 100).quantize(PRORATA_AFFICHE)),
        lignes=[ligne_type(ligne) for ligne in resultat.lignes],
        total=Money(resultat.total),
        forfait_debut_activite=None if forfait is None else simulation_type(forfait),
    )


@strawberry.input(description="Turnover per activity, for the micro-entrepreneur simulator.")
class ChiffreAffairesInput:
    activite: ActiviteMicro = strawberry.field(description="BIC sales, BIC services or BNC.")
    montant: Money = strawberry.field(
        description="Turnover of the period for that activity, in euros."
    )


@strawberry.input(description="A micro-entrepreneur simulation for one period.")
class SimulationMicroInput:
    periode: str = strawberry.field(description='A month ("2026-03") or a quarter ("2026-T1").')
    nature: NatureActivite = strawberry.field(
        description="Artisan (CFP 0.3 % of BIC turnover) or commerçant (0.1 %)."
    )
    montants: list[ChiffreAffairesInput] = strawberry.field(description="Turnover per activity.")


@strawberry.type(description="Contributions of one activity for the period.")
class LigneMicro:
    activite: ActiviteMicro = strawberry.field(description="Activity.")
    libelle: str = strawberry.field(description="French label of the activity.")
    chiffre_affaires: Money = strawberry.field(description="Turnover declared.")
    taux: Rate = strawberry.field(description="Rate in force on the first day of the period.")
    cotisations: Money = strawberry.field(description="Contributions, rounded to the euro half up.")
    taux_formation_professionnelle: Rate = strawberry.field(
        description=(
            "CFP rate on this turnover (0.3 % artisans / 0.1 % commerçants on BIC, 0.2 % on BNC)."
        )
    )
    explication: str = strawberry.field(
        description="E.g. « chiffre d'affaires 10 000,00 € × 23,1 % = 2 310 € »."
    )


@strawberry.type(description="Micro-entrepreneur contributions for one period.")
class SimulationMicro:
    periode: str = strawberry.field(description="Period simulated.")
    date_debut: date = strawberry.field(description="First day of the period.")
    date_fin: date = strawberry.field(description="Last day of the period.")
    date_exigibilite: date = strawberry.field(
        description="Due by: end of the month after the period."
    )
    lignes: list[LigneMicro] = strawberry.field(description="One line per activity.")
    total_cotisations: Money = strawberry.field(description="Sum of the contributions.")
    formation_professionnelle: Money = strawberry.field(
        description="CFP on the whole turnover, rounded once to the cent."
    )
    total: Money = strawberry.field(description="Contributions + CFP.")


def simulation_micro_type(resultat: micro.ResultatMicro) -> SimulationMicro:
    return SimulationMicro(
        periode=str(resultat.periode),
        date_debut=resultat.periode.debut,
        date_fin=resultat.periode.fin,
        date_exigibilite=resultat.echeance,
        lignes=[
            LigneMicro(
                activite=ligne.activite,
                libelle=ligne.libelle,
                chiffre_affaires=Money(ligne.chiffre_affaires),
                taux=Rate(ligne.taux),
                cotisations=Money(ligne.cotisations),
                taux_formation_professionnelle=Rate(ligne.taux_cfp),
                explication=ligne.explication,
            )
            for ligne in resultat.lignes
        ],
        total_cotisations=Money(resultat.total_cotisations),
        formation_professionnelle=Money(resultat.cfp),
        total=Money(resultat.total),
    )
