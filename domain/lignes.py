"""Data types of the contribution engine (SPEC §3): activity nature, lines, results.

They live apart from the engine (``domain.cotisations``, which re-exports them)
so that the per-year parameters (``domain.parametres_annee``) can build rate
slices and the fixed CFP line without importing the engine: the import graph is
``cotisations → parametres_annee → lignes → explications``, with no cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from domain.explications import BorneAppliquee, OrigineAssiette, PartieExplication, _expliquer
from domain.money import ZERO


class NatureActivite(StrEnum):
    """Nature of the activity: decides the CFP rate (SPEC §3 line 9)."""

    ARTISANALE = "ARTISANALE"
    COMMERCIALE = "COMMERCIALE"


class CotisationCode(StrEnum):
    """Contribution lines, in the order of SPEC §3 (and of ``ResultatCotisations.lignes``)."""

    MALADIE = "MALADIE"
    INDEMNITES_JOURNALIERES = "INDEMNITES_JOURNALIERES"
    RETRAITE_BASE = "RETRAITE_BASE"
    RETRAITE_COMPLEMENTAIRE = "RETRAITE_COMPLEMENTAIRE"
    INVALIDITE_DECES = "INVALIDITE_DECES"
    ALLOCATIONS_FAMILIALES = "ALLOCATIONS_FAMILIALES"
    CSG_CRDS_DEDUCTIBLE = "CSG_CRDS_DEDUCTIBLE"
    CSG_CRDS_NON_DEDUCTIBLE = "CSG_CRDS_NON_DEDUCTIBLE"
    FORMATION_PROFESSIONNELLE = "FORMATION_PROFESSIONNELLE"


LIBELLES: Final[dict[CotisationCode, str]] = {
    CotisationCode.MALADIE: "Maladie-maternité",
    CotisationCode.INDEMNITES_JOURNALIERES: "Indemnités journalières",
    CotisationCode.RETRAITE_BASE: "Retraite de base",
    CotisationCode.RETRAITE_COMPLEMENTAIRE: "Retraite complémentaire",
    CotisationCode.INVALIDITE_DECES: "Invalidité-décès",
    CotisationCode.ALLOCATIONS_FAMILIALES: "Allocations familiales",
    CotisationCode.CSG_CRDS_DEDUCTIBLE: "CSG-CRDS déductible",
    CotisationCode.CSG_CRDS_NON_DEDUCTIBLE: "CSG-CRDS non déductible",
    CotisationCode.FORMATION_PROFESSIONNELLE: "Contribution à la formation professionnelle",
}
_INDEX: Final = {code: i for i, code in enumerate(CotisationCode)}
# Lines whose rate is a taux progressif, which their explanation says.
_PROGRESSIFS: Final = (CotisationCode.MALADIE, CotisationCode.ALLOCATIONS_FAMILIALES)


@dataclass(frozen=True, slots=True)
class TrancheTaux:
    """Rate ``taux`` (percent) on the part of the base from ``de`` to ``a`` (``None``: no end).

    Slices are rate schedules, shared between results of the same year; the amount
    of a slice is derived from the line's base on demand (``montant``).
    """

    de: Decimal
    a: Decimal | None
    taux: Decimal

    def base(self, assiette: Decimal) -> Decimal:
        """The part of ``assiette`` that falls in this slice."""
        haut = assiette if self.a is None or assiette < self.a else self.a
        return haut - self.de if haut > self.de else ZERO

    def montant(self, assiette: Decimal) -> Decimal:
        """This slice's contribution, not rounded (a line is rounded as a whole)."""
        return self.base(assiette) * self.taux / 100


@dataclass(frozen=True, slots=True)
class LigneCotisation:
    """One contribution line: amount (whole euros) and what it was computed from.

    ``assiette`` is the base the rates applied to, after ``plancher`` (a minimum
    base) or ``plafond`` (a ceiling); ``taux`` the rate slices over it; ``deduction``
    what was subtracted (MALADIE: the indemnités journalières, SPEC §3 line 3).
    """

    code: CotisationCode
    montant: Decimal
    assiette: Decimal
    taux: tuple[TrancheTaux, ...]
    plancher: BorneAppliquee | None = None
    plafond: BorneAppliquee | None = None
    deduction: Decimal = ZERO
    origine: OrigineAssiette = OrigineAssiette.REVENU

    @property
    def libelle(self) -> str:
        return LIBELLES[self.code]

    def parties_explication(self) -> tuple[PartieExplication, ...]:
        """The explanation as data: base, floor/ceiling, slices, deduction, result."""
        return _expliquer(self, self.code in _PROGRESSIFS)

    @property
    def explication(self) -> str:
        """The explanation in French.

        E.g. « assiette 19 224 € (minimum 40 % du PASS) × 0,5 % = 96 € ».
        """
        return " ".join(partie.texte for partie in _expliquer(self, self.code in _PROGRESSIFS))


@dataclass(frozen=True, slots=True)
class ResultatCotisations:
    """The contributions of one year (``forfait``: on the flat start-of-activity bases)."""

    annee: int
    nature: NatureActivite
    revenu: Decimal
    prorata: Decimal
    lignes: tuple[LigneCotisation, ...]
    total: Decimal
    forfait: bool = False

    def ligne(self, code: CotisationCode) -> LigneCotisation:
        return self.lignes[_INDEX[code]]

    def montants(self) -> dict[CotisationCode, Decimal]:
        return {ligne.code: ligne.montant for ligne in self.lignes}
