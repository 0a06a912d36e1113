"""The public contribution simulator (SPEC §3, §7): no login needed."""

from __future__ import annotations

from datetime import date

import strawberry

from domain import cotisations as engine
from domain.cotisations import NatureActivite
from domain.micro import ActiviteMicro
from gateway.schema.cotisations import LigneCotisation, ligne_type
from gateway.schema.scalars import Money, Rate


@strawberry.input(description="A simulation of the contributions of artisans and commerçants (régime classique).")
class SimulationInput:
    annee: int = strawberry.field(description="Year, 2023 to 2026 (years with a barème).")
    nature: NatureActivite = strawberry.field(description="Artisanal or commercial activity.")
    revenu_professionnel: Money = strawberry.field(
        description="Yearly professional income in euros; negative for a loss."
    )
    date_creation: date | None = strawberry.field(
        default=None,
        description="Start of activity: prorates the year when it falls in it, and gives the forfait.",
    )


@strawberry.type(description="Contributions computed for one year, line by line, with explanations.")
class Simulation:
    annee: int = strawberry.field(description="Year simulated.")
    nature: NatureActivite = strawberry.field(description="Nature of the activity.")
    revenu_professionnel: Money = strawberry.field(
        description="Income the lines were computed on (for the forfait: the flat basis)."
    )
    prorata: Rate = strawberry.field(
        description="Share of the year covered, in percent (100 for a full year; 366/365 → 100.27… in a leap creation year)."
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
        prorata=Rate(resultat.prorata * 100),
        lignes=[ligne_type(ligne) for ligne in resultat.lignes],
        total=Money(resultat.total),
        forfait_debut_activite=None if forfait is None else simulation_type(forfait),
    )


@strawberry.input(description="Turnover per activity, for the micro-entrepreneur simulator.")
class ChiffreAffairesInput:
    activite: ActiviteMicro = strawberry.field(description="BIC sales, BIC services or BNC.")
    montant: Money = strawberry.field(description="Turnover of the period for that activity, in euros.")


@strawberry.input(description="A micro-entrepreneur simulation for one period.")
class SimulationMicroInput:
    periode: str = strawberry.field(description='A month ("2026-03") or a quarter ("2026-T1").')
    nature: NatureActivite = strawberry.field(description="Artisan (CFP 0.3 % of BIC turnover) or commerçant (0.1 %).")
    montants: list[ChiffreAffairesInput] = strawberry.field(description="Turnover per activity.")


@strawberry.type(description="Contributions of one activity for the period.")
class LigneMicro:
    activite: ActiviteMicro = strawberry.field(description="Activity.")
    chiffre_affaires: Money = strawberry.field(description="Turnover declared.")
    taux: Rate = strawberry.field(description="Rate in force on the first day of the period.")
    cotisations: Money = strawberry.field(description="Contributions, rounded to the euro half up.")
    formation_professionnelle: Money = strawberry.field(description="CFP on this turnover, to the cent.")


@strawberry.type(description="Micro-entrepreneur contributions for one period (SPEC §7).")
class SimulationMicro:
    periode: str = strawberry.field(description="Period simulated.")
    date_debut: date = strawberry.field(description="First day of the period.")
    date_fin: date = strawberry.field(description="Last day of the period.")
    date_exigibilite: date = strawberry.field(description="Due by: end of the month after the period.")
    lignes: list[LigneMicro] = strawberry.field(description="One line per activity.")
    total_cotisations: Money = strawberry.field(description="Sum of the contributions.")
    total_formation_professionnelle: Money = strawberry.field(description="Sum of the CFP.")
    total: Money = strawberry.field(description="Contributions + CFP.")
