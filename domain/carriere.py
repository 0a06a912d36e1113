"""Relevé de carrière — SPEC §6 — and what was paid on one contribution line (§4).

Retirement rights follow what was actually paid, not what was called: the income
credited for a year is the RETRAITE_BASE paid divided by its rate (17.75 %), at most
the year's assiette of that line (the line is rounded to the euro, so dividing it back
would credit a few cents more than the income it was computed on) and at most the
PASS, and each slice of 150 hours of SMIC (SMIC horaire at 1 January) of that
income validates a quarter, at most 4 a year. What was paid on a line is known by
attributing each instalment's paid amount to the year's lines pro rata (§4).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from domain.baremes import ANNEES_COUVERTES, bareme
from domain.compte import attribute_to_lines
from domain.money import ZERO, round_cent

#: Rate of the retraite de base up to the PASS (SPEC §3, line 4).
TAUX_RETRAITE_BASE = Decimal("0.1775")
#: Hours of SMIC that validate one quarter.
HEURES_SMIC_PAR_TRIMESTRE = 150
#: Quarters validated in a year at most.
TRIMESTRES_MAX = 4


def paid_on_line(
    montants_payes: Iterable[Decimal], lignes: Mapping[str, Decimal], code: str
) -> Decimal:
    """What was paid on line ``code`` of a year (§4): the instalments' paid amounts
    attributed to the year's lines pro rata (``attribute_to_lines``), the rounding carried
    from one instalment to the next — which is attributing their sum — so a year paid in
    full has paid each line exactly; and never more than the line itself (a year paid
    beyond its lines, before a credit is given back, has paid its line in full, not more)."""
    du = lignes.get(code, ZERO)
    paye = sum((m for m in montants_payes if m > ZERO), ZERO)
    if du <= ZERO or paye == ZERO:
        return ZERO
    return min(attribute_to_lines(paye, lignes)[code], du)


def revenu_cotise(
    retraite_base_payee: Decimal, plafond: Decimal, assiette: Decimal | None = None
) -> Decimal:
    """Income on which retirement contributions were paid: RETRAITE_BASE paid / 17.75 %,
    rounded to the cent (half up), at most the line's ``assiette`` (when known) and the
    PASS ``plafond``."""
    if retraite_base_payee <= ZERO:
        return ZERO
    revenu = min(plafond, round_cent(retraite_base_payee / TAUX_RETRAITE_BASE))
    return revenu if assiette is None else min(revenu, max(assiette, ZERO))


def trimestres_valides(revenu: Decimal, smic_horaire: Decimal) -> int:
    """min(4, floor(revenu / (150 × SMIC horaire))); 0 for no income."""
    if revenu <= ZERO:
        return 0
    seuil = smic_horaire * HEURES_SMIC_PAR_TRIMESTRE
    return min(TRIMESTRES_MAX, int((revenu / seuil).to_integral_value(rounding=ROUND_FLOOR)))


@dataclass(frozen=True, slots=True)
class AnneeCarriere:
    """One year of the relevé, with the figures it comes from; a year without a barème
    (no PASS nor SMIC known) is listed with its figures None: not computed."""

    annee: int
    retraite_base_payee: Decimal
    revenu_cotise: Decimal | None
    seuil_trimestre: Decimal | None  # 150 × SMIC horaire at 1 January
    trimestres: int | None

    @property
    def calcule(self) -> bool:
        return self.trimestres is not None


def annee_carriere(
    annee: int, retraite_base_payee: Decimal, assiette: Decimal | None = None
) -> AnneeCarriere:
    """The relevé's line for ``annee`` from the RETRAITE_BASE paid for it and the
    assiette of that line (the year's PASS and SMIC from its barème); a year without a
    barème is not computed."""
    if annee not in ANNEES_COUVERTES:
        return AnneeCarriere(annee, retraite_base_payee, None, None, None)
    parametres = bareme(annee)
    revenu = revenu_cotise(retraite_base_payee, parametres.plafond_securite_sociale, assiette)
    return AnneeCarriere(
        annee=annee,
        retraite_base_payee=retraite_base_payee,
        revenu_cotise=revenu,
        seuil_trimestre=parametres.smic_horaire * HEURES_SMIC_PAR_TRIMESTRE,
        trimestres=trimestres_valides(revenu, parametres.smic_horaire),
    )
