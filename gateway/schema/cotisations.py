"""Contribution lines with their explanation, shared by the simulator and the account."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from domain import cotisations as engine
from domain.cotisations import LIBELLES, CotisationCode, NaturePartie, TypeBorne
from domain.money import ZERO
from gateway.db import models
from gateway.db.json_values import money, plain
from gateway.schema.described_enum import described_enum
from gateway.schema.json_lists import stored_fields
from gateway.schema.scalars import Money, Rate
from gateway.services.contributions import ligne_from_row

TypeBorneEnum = described_enum(
    TypeBorne,
    description="A floor (minimum base) or ceiling that replaced the income.",
    values={
        "MINIMUM_MALADIE": "Minimum base of the health line: 40 % of the PASS.",
        "MINIMUM_RETRAITE": "Minimum base of the basic pension: 450 × the hourly SMIC.",
        "MINIMUM_INVALIDITE_DECES": "Minimum base of invalidity-death: 11.5 % of the PASS.",
        "PLAFOND_PASS": "Ceiling of 1 PASS (plafond annuel de la sécurité sociale).",
        "PLAFOND_4_PASS": "Ceiling of 4 PASS.",
        "PLAFOND_5_PASS": "Ceiling of 5 PASS.",
        "PLAFOND_MALADIE_TOTALE": "Capped at the total health contribution.",
    },
)
NaturePartieEnum = described_enum(
    NaturePartie,
    description="Kind of explanation part of a contribution line.",
    values={
        "ASSIETTE": "The base the rate applies to (income, or a floor).",
        "TRANCHE": "A rate applied to one slice of the base.",
        "PLAFOND": "A ceiling that limited the base.",
        "DEDUCTION": "An amount deducted from the line.",
        "RESULTAT": "The resulting contribution.",
    },
)


@strawberry.type(description="A rate applied to one slice of the base.")
class TrancheCotisation:
    de: Money = strawberry.field(description="Start of the slice (euros).")
    a: Money | None = strawberry.field(description="End of the slice (euros); null: no end.")
    taux: Rate = strawberry.field(description="Rate on the slice, in percent.")
    base: Money = strawberry.field(description="Part of the base in the slice.")
    montant: Money = strawberry.field(
        description="Contribution of the slice, to the cent (not rounded to the euro)."
    )


@strawberry.type(description="A floor or ceiling that applied, and its amount.")
class BorneCotisation:
    type: TypeBorne = strawberry.field(description="Which floor or ceiling.")
    libelle: str = strawberry.field(description='French label, e.g. "minimum 40 % du PASS".')
    montant: Money = strawberry.field(description="Its amount in euros.")


@strawberry.type(description="One part of a line's explanation, to render as you like.")
class PartieExplication:
    nature: NaturePartie = strawberry.field(description="Kind of part.")
    texte: str = strawberry.field(description="French text of the part.")
    montant: Money | None = strawberry.field(description="Amount the part mentions.")
    taux: Rate | None = strawberry.field(description="Rate the part mentions.")


@strawberry.type(description="One contribution line: amount, base, rates, and why.")
class LigneCotisation:
    # A page of accounts shows thousands of lines, most often their code, amount and
    # explanation: those are plain values (a stored line keeps its explanation), and the
    # engine's line behind the other fields is built only when one of them is selected.
    code: CotisationCode = strawberry.field(description="Line code.")
    libelle: str = strawberry.field(description="French label of the line.")
    montant: Money = strawberry.field(description="Amount, in whole euros (rounded half up).")
    explication: str = strawberry.field(
        description=(
            'The explanation in French, e.g. "assiette 19 224 € (minimum 40 % du PASS) '
            '× 0,5 % = 96 €".'
        )
    )
    # The engine's line, or the stored row (a read-only record of it) it is built from
    # when first needed.
    source: strawberry.Private[engine.LigneCotisation | models.Cotisation]

    def line(self) -> engine.LigneCotisation:
        if not isinstance(self.source, engine.LigneCotisation):
            self.source = ligne_from_row(self.source)
        return self.source

    @strawberry.field(description="Base the rate(s) applied to, after any floor or ceiling.")
    def assiette(self) -> Money:
        return Money(self.line().assiette)

    @strawberry.field(
        description="The rate when one slice applies; else the effective rate montant / assiette."
    )
    def taux(self) -> Rate:
        return Rate(effective_rate(self.line()).quantize(Decimal("0.0001")).normalize())

    @strawberry.field(description="Rate slices over the base.")
    def tranches(self) -> list[TrancheCotisation]:
        ligne = self.line()
        return [
            TrancheCotisation(
                de=Money(t.de),
                a=None if t.a is None else Money(t.a),
                taux=Rate(t.taux),
                base=Money(t.base(ligne.assiette)),
                montant=Money(t.montant(ligne.assiette)),
            )
            for t in ligne.taux
        ]

    @strawberry.field(description="Minimum base that applied.")
    def plancher(self) -> BorneCotisation | None:
        return _borne(self.line().plancher)

    @strawberry.field(description="Ceiling that applied.")
    def plafond(self) -> BorneCotisation | None:
        return _borne(self.line().plafond)

    @strawberry.field(description="Amount subtracted (MALADIE: the indemnités journalières line).")
    def deduction(self) -> Money:
        return Money(self.line().deduction)

    @strawberry.field(
        description="The explanation as parts: base, slices, ceiling, deduction, result."
    )
    def explication_detaillee(self) -> list[PartieExplication]:
        return [
            PartieExplication(
                nature=p.nature,
                texte=p.texte,
                montant=None if p.montant is None else Money(p.montant),
                taux=None if p.taux is None else Rate(p.taux),
            )
            for p in self.line().parties_explication()
        ]


def _borne(borne: engine.BorneAppliquee | None) -> BorneCotisation | None:
    if borne is None:
        return None
    return BorneCotisation(type=borne.type, libelle=borne.libelle, montant=Money(borne.montant))


def effective_rate(ligne: engine.LigneCotisation) -> Decimal:
    actives = [t for t in ligne.taux if t.base(ligne.assiette) > ZERO]
    if len(actives) <= 1:
        return (actives or list(ligne.taux))[0].taux
    return (ligne.montant + ligne.deduction) * 100 / ligne.assiette


def ligne_type(ligne: engine.LigneCotisation) -> LigneCotisation:
    """A line the engine just computed (a simulation, a saved outcome)."""
    return LigneCotisation(
        code=ligne.code,
        libelle=ligne.libelle,
        montant=Money(ligne.montant),
        explication=ligne.explication,
        source=ligne,
    )


def stored_ligne_type(row: models.Cotisation) -> LigneCotisation:
    """A stored line: its explanation as written with it, its detail decoded (once) only
    for the fields that need the engine's line."""
    return LigneCotisation(
        code=row.code,
        libelle=LIBELLES[row.code],
        montant=Money(row.montant),
        explication=row.explication,
        source=row,
    )


# A page of accounts shows a year's provisional lines by code, amount and explanation:
# values the database holds as they are shown, written as JSON by it.
stored_fields(
    "LigneCotisation",
    {
        "code": plain(models.Cotisation.code),
        "montant": money(models.Cotisation.montant),
        "explication": plain(models.Cotisation.explication),
    },
)
