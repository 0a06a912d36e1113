"""Explanations of contribution lines (SPEC §3): their vocabulary and their French rendering.

The engine (``domain.cotisations``) records on each line which floor or ceiling
applied and what its base is made of; this module turns a line into an
explanation, only when asked (``LigneCotisation.explication``), never on the hot
path. Everything here is re-exported by ``domain.cotisations``.

This module imports nothing from the engine at run time (the line type is only
named for the type checker), so the engine can import it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from domain.money import round_cent

if TYPE_CHECKING:
    from domain.lignes import LigneCotisation


class TypeBorne(StrEnum):
    """A floor or ceiling that replaced the income in a line (SPEC §3 definitions)."""

    MINIMUM_MALADIE = "MINIMUM_MALADIE"
    MINIMUM_RETRAITE = "MINIMUM_RETRAITE"
    MINIMUM_INVALIDITE_DECES = "MINIMUM_INVALIDITE_DECES"
    PLAFOND_PASS = "PLAFOND_PASS"
    PLAFOND_4_PASS = "PLAFOND_4_PASS"
    PLAFOND_5_PASS = "PLAFOND_5_PASS"
    PLAFOND_MALADIE_TOTALE = "PLAFOND_MALADIE_TOTALE"


_LIBELLES_BORNES: Final = {
    TypeBorne.MINIMUM_MALADIE: "minimum 40 % du PASS",
    TypeBorne.MINIMUM_RETRAITE: "minimum 450 × SMIC horaire",
    TypeBorne.MINIMUM_INVALIDITE_DECES: "minimum 11,5 % du PASS",
    TypeBorne.PLAFOND_PASS: "plafond 1 PASS",
    TypeBorne.PLAFOND_4_PASS: "plafond 4 PASS",
    TypeBorne.PLAFOND_5_PASS: "plafond 5 PASS",
    TypeBorne.PLAFOND_MALADIE_TOTALE: "plafonné à la cotisation maladie totale",
}


class OrigineAssiette(StrEnum):
    """What a line's base is made of, for its explanation."""

    REVENU = "REVENU"
    REVENU_ET_COTISATIONS = "REVENU_ET_COTISATIONS"
    FORFAIT = "FORFAIT"
    PASS = "PASS"


_LIBELLES_ORIGINES: Final = {
    OrigineAssiette.REVENU: "",
    OrigineAssiette.REVENU_ET_COTISATIONS: " (revenu + cotisations sociales)",
    OrigineAssiette.FORFAIT: " (forfait de début d'activité, 19 % du PASS)",
    OrigineAssiette.PASS: " (PASS)",
}


@dataclass(frozen=True, slots=True)
class BorneAppliquee:
    """The floor or ceiling that applied, and its amount in euros."""

    type: TypeBorne
    montant: Decimal

    @property
    def libelle(self) -> str:
        return _LIBELLES_BORNES[self.type]


class NaturePartie(StrEnum):
    """Kinds of explanation parts, so that a client can render them its own way."""

    ASSIETTE = "ASSIETTE"
    TRANCHE = "TRANCHE"
    PLAFOND = "PLAFOND"
    DEDUCTION = "DEDUCTION"
    RESULTAT = "RESULTAT"


@dataclass(frozen=True, slots=True)
class PartieExplication:
    """One part of a line's explanation: its French ``texte`` plus the figures in it."""

    nature: NaturePartie
    texte: str
    montant: Decimal | None = None
    taux: Decimal | None = None


def _euros(montant: Decimal) -> str:
    arrondi = round_cent(montant)
    texte = f"{arrondi:,.0f}" if arrondi == arrondi.to_integral_value() else f"{arrondi:,.2f}"
    return texte.replace(",", " ").replace(".", ",") + " €"


def _pourcent(taux: Decimal) -> str:
    exposant = taux.as_tuple().exponent
    if isinstance(exposant, int) and exposant < -4:  # unrounded progressive rate
        taux = taux.quantize(Decimal("0.0001"))
    return f"{taux:f}".replace(".", ",") + " %"


def _expliquer(ligne: LigneCotisation, progressif: bool) -> tuple[PartieExplication, ...]:
    """The parts of ``ligne``'s explanation; ``progressif``: its rate is a taux progressif."""
    assiette, P = ligne.assiette, PartieExplication
    precision = _LIBELLES_ORIGINES[ligne.origine]  # a floor or ceiling says more
    if ligne.plancher:
        precision = f" ({ligne.plancher.libelle})"
    if ligne.plafond and ligne.plafond.type is not TypeBorne.PLAFOND_MALADIE_TOTALE:
        precision = f" ({ligne.plafond.libelle})"
    texte = f"assiette {_euros(assiette)}{precision}"
    parties = [P(NaturePartie.ASSIETTE, texte, montant=assiette)]
    actives = [t for t in ligne.taux if t.base(assiette) > 0] or [ligne.taux[0]]
    if len(actives) == 1:
        suffixe = " (taux progressif)" if progressif else ""
        texte = f"× {_pourcent(actives[0].taux)}{suffixe}"
        parties.append(P(NaturePartie.TRANCHE, texte, taux=actives[0].taux))
    for rang, tranche in enumerate(actives if len(actives) > 1 else ()):
        base = tranche.base(assiette)
        texte = f"{': ' if rang == 0 else '+ '}{_pourcent(tranche.taux)} sur {_euros(base)}"
        parties.append(P(NaturePartie.TRANCHE, texte, montant=base, taux=tranche.taux))
    if ligne.plafond and ligne.plafond.type is TypeBorne.PLAFOND_MALADIE_TOTALE:
        texte = f"{ligne.plafond.libelle} ({_euros(ligne.plafond.montant)})"
        parties.append(P(NaturePartie.PLAFOND, texte, montant=ligne.plafond.montant))
    if ligne.deduction:
        texte = f"− indemnités journalières {_euros(ligne.deduction)}"
        parties.append(P(NaturePartie.DEDUCTION, texte, montant=ligne.deduction))
    parties.append(P(NaturePartie.RESULTAT, f"= {_euros(ligne.montant)}", montant=ligne.montant))
    return tuple(parties)
