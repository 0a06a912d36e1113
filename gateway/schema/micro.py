"""Micro-entrepreneur types: turnover declarations (SPEC §7)."""

from __future__ import annotations

from datetime import date

import strawberry

from domain.micro import ActiviteMicro
from gateway.db import models
from gateway.schema.relay import Node, encode_global_id
from gateway.schema.scalars import Money, Rate


@strawberry.type(description="Turnover declared for one period and activity, and what it costs.")
class DeclarationMicro(Node):
    periode: str = strawberry.field(
        description='Period: a month ("2026-03") or a quarter ("2026-T1").'
    )
    activite: ActiviteMicro = strawberry.field(description="Activity the turnover belongs to.")
    chiffre_affaires: Money = strawberry.field(description="Turnover declared.")
    taux: Rate = strawberry.field(description="Rate in force on the first day of the period.")
    cotisations: Money = strawberry.field(description="Contributions (rounded to the euro).")
    formation_professionnelle: Money = strawberry.field(description="CFP, to the cent.")
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
            chiffre_affaires=Money(row.chiffre_affaires),
            taux=Rate(row.taux),
            cotisations=Money(row.cotisations),
            formation_professionnelle=Money(row.formation_professionnelle),
            date_declaration=row.date_declaration,
            date_exigibilite=row.date_exigibilite,
        )
