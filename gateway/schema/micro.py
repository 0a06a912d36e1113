"""Micro-entrepreneur types: turnover declarations (SPEC §7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.micro import LIBELLES_ACTIVITES, ActiviteMicro, Periode, explication_micro
from gateway.db import models
from gateway.schema.errors import UserError
from gateway.schema.relay import Node, encode_global_id
from gateway.schema.scalars import Money, Rate

if TYPE_CHECKING:
    from gateway.schema.travailleur import Travailleur

# travailleur.py imports this module: the payload refers to the worker lazily.
TravailleurType = Annotated["Travailleur", strawberry.lazy("gateway.schema.travailleur")]

IDEMPOTENCY = (
    "Any unique string: a retry with the same key by the same caller returns the first "
    "result and changes nothing more."
)


@strawberry.type(description="Turnover declared for one period and activity, and what it costs.")
class DeclarationMicro(Node):
    periode: str = strawberry.field(
        description='Period: a month ("2026-03") or a quarter ("2026-T1").'
    )
    activite: ActiviteMicro = strawberry.field(description="Activity the turnover belongs to.")
    libelle: str = strawberry.field(description="French label of the activity.")
    chiffre_affaires: Money = strawberry.field(description="Turnover declared.")
    taux: Rate = strawberry.field(description="Rate in force on the first day of the period.")
    cotisations: Money = strawberry.field(description="Contributions (rounded to the euro).")
    formation_professionnelle: Money = strawberry.field(
        description=(
            "This activity's share of the CFP, to the cent (the CFP is rounded once on the "
            "period's whole turnover; the shares add up to it)."
        )
    )
    explication: str = strawberry.field(
        description="E.g. « chiffre d'affaires 10 000,00 € × 23,1 % = 2 310 € »."
    )
    date_declaration: date = strawberry.field(description="When it was declared.")
    date_exigibilite: date = strawberry.field(
        description="Due by (end of the month after the period)."
    )

    @staticmethod
    def from_row(row: models.DeclarationMicro) -> DeclarationMicro:
        return DeclarationMicro(
            id=strawberry.ID(encode_global_id("DeclarationMicro", row.id)),
            periode=row.periode,
            activite=row.activite,
            libelle=LIBELLES_ACTIVITES[row.activite],
            chiffre_affaires=Money(row.chiffre_affaires),
            taux=Rate(row.taux),
            cotisations=Money(row.cotisations),
            formation_professionnelle=Money(row.formation_professionnelle),
            explication=explication_micro(row.chiffre_affaires, row.taux, row.cotisations),
            date_declaration=row.date_declaration,
            date_exigibilite=row.date_exigibilite,
        )


@strawberry.type(
    description="The declaration of one period: its lines (one per activity) and totals."
)
class DeclarationChiffreAffaires:
    periode: str = strawberry.field(description='The month ("2026-03") or quarter ("2026-T1").')
    date_debut: date = strawberry.field(description="First day of the period.")
    date_fin: date = strawberry.field(description="Last day of the period.")
    date_declaration: date = strawberry.field(description="When it was declared.")
    date_exigibilite: date = strawberry.field(
        description="Due by: the last day of the month after the period."
    )
    lignes: list[DeclarationMicro] = strawberry.field(description="One line per activity.")
    chiffre_affaires: Money = strawberry.field(description="Turnover of all activities.")
    total_cotisations: Money = strawberry.field(description="Sum of the contributions.")
    formation_professionnelle: Money = strawberry.field(
        description="CFP on the whole turnover, rounded once to the cent."
    )
    total: Money = strawberry.field(description="Contributions + CFP: the amount due.")

    @staticmethod
    def from_rows(rows: list[models.DeclarationMicro]) -> DeclarationChiffreAffaires:
        """The lines of one period (at least one), in activity order."""
        periode = Periode.parse(rows[0].periode)
        lignes = sorted(rows, key=lambda r: list(ActiviteMicro).index(r.activite))
        cotisations = sum((r.cotisations for r in rows), Decimal(0))
        cfp = sum((r.formation_professionnelle for r in rows), Decimal(0))
        return DeclarationChiffreAffaires(
            periode=str(periode),
            date_debut=periode.debut,
            date_fin=periode.fin,
            date_declaration=rows[0].date_declaration,
            date_exigibilite=rows[0].date_exigibilite,
            lignes=[DeclarationMicro.from_row(r) for r in lignes],
            chiffre_affaires=Money(sum((r.chiffre_affaires for r in rows), Decimal(0))),
            total_cotisations=Money(cotisations),
            formation_professionnelle=Money(cfp),
            total=Money(cotisations + cfp),
        )


@strawberry.input(description="Turnover of one activity for the declared period.")
class LigneChiffreAffairesInput:
    activite: ActiviteMicro = strawberry.field(
        description="BIC_VENTE, BIC_SERVICES or BNC; each activity at most once."
    )
    montant: Money = strawberry.field(
        description="Turnover of the period for that activity, in euros, ≥ 0 (0 if none)."
    )


@strawberry.input(description="A micro-entrepreneur's turnover declaration for one period.")
class DeclareChiffreAffairesInput:
    travailleur_id: strawberry.ID = strawberry.field(
        description="Global ID of the micro-entrepreneur."
    )
    periode: str = strawberry.field(
        description=(
            'A month ("2026-03") for monthly declarations, a quarter ("2026-T1") for '
            "quarterly ones, once it is over."
        )
    )
    montants: list[LigneChiffreAffairesInput] = strawberry.field(
        description="Turnover per activity: at least one line, each activity once."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of a turnover declaration.")
class DeclareChiffreAffairesPayload:
    declaration: DeclarationChiffreAffaires | None = strawberry.field(
        description="The declaration with its lines, totals and due date (null when refused)."
    )
    travailleur: TravailleurType | None = strawberry.field(
        description="The micro-entrepreneur, after the declaration."
    )
    user_errors: list[UserError] = strawberry.field(description="Why the declaration was refused.")
