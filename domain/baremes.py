"""Contribution parameters of artisans and commerçants, as data (SPEC §3).

Two kinds of parameters live here:

* the per-year barème (PASS, SMIC horaire at 1 January, PRCI, indemnités
  journalières rate), one frozen ``Bareme`` per covered year. A year without a
  barème is an error (``BaremeIntrouvable``), never a silent reuse of another year:
  contributions computed with the wrong PASS look plausible and are wrong;
* the rates and shares that did not change over 2023–2026, as named constants.

Rates are in percent (``Decimal("17.75")`` is 17,75 %), as the API shows them.
Sources are the publicodes rules of the official Urssaf simulator, npm package
``modele-social`` 10.0.1, cited by rule name (the ``dirigeant . indépendant``
prefix is written ``ind.``), and the Code de la sécurité sociale (CSS) articles
those rules reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from domain.errors import BaremeIntrouvable

__all__ = [
    "ANNEES_COUVERTES",
    "Bareme",
    "bareme",
]


@dataclass(frozen=True, slots=True)
class Bareme:
    """Parameters of one year (SPEC §3 table).

    ``plafond_securite_sociale`` is the PASS (€/year); ``smic_horaire`` the hourly
    SMIC in force on 1 January (the retirement minimum base uses it); ``prci`` the
    ceiling of the first retraite complémentaire slice (€/year, before prorata);
    ``taux_indemnites_journalieres`` the IJ rate in percent.
    """

    annee: int
    plafond_securite_sociale: Decimal
    smic_horaire: Decimal
    prci: Decimal
    taux_indemnites_journalieres: Decimal


# Sources (modele-social 10.0.1): the PASS is the reference « plafond sécurité
# sociale »; the SMIC the reference « SMIC . horaire . début d'année » of the règle
# « ind. assiette minimale . retraite »; the PRCI the règle « ind. cotisations et
# contributions . retraite complémentaire . plafond »; the IJ rate the règle « ind.
# cotisations et contributions . indemnités journalières maladie . taux ».
_BAREMES: Final[dict[int, Bareme]] = {
    2023: Bareme(2023, Decimal(43992), Decimal("11.27"), Decimal(40784), Decimal("0.85")),
    2024: Bareme(2024, Decimal(46368), Decimal("11.65"), Decimal(42946), Decimal("0.5")),
    2025: Bareme(2025, Decimal(47100), Decimal("11.88"), Decimal(43891), Decimal("0.5")),
    2026: Bareme(2026, Decimal(48060), Decimal("12.02"), Decimal(43891), Decimal("0.5")),
}

ANNEES_COUVERTES: Final[tuple[int, ...]] = tuple(sorted(_BAREMES))


def bareme(annee: int) -> Bareme:
    """The barème of ``annee``; ``BaremeIntrouvable`` (field ``annee``) when uncovered."""
    try:
        return _BAREMES[annee]
    except KeyError:
        raise BaremeIntrouvable(
            f"Aucun barème pour l'année {annee} "
            f"(années couvertes : {ANNEES_COUVERTES[0]} à {ANNEES_COUVERTES[-1]})",
            field="annee",
        ) from None


# --- Prorata and flat bases -------------------------------------------------------

# Days of the year the prorata is divided by, even in a leap year (so that an
# activity created on 1 January of a leap year has p = 366/365). Règle
# « entreprise . prorata temporis » as observed on the reference cases (SPEC §3).
JOURS_PRORATA: Final = 365

# Below 90 days of activity in the creation year there is no retirement minimum
# base. Règle « ind. assiette minimale . retraite » (« durée d'activité cette
# année < 90 jour »).
JOURS_MINIMUM_RETRAITE: Final = 90

# Minimum bases. Règles « ind. assiette minimale . maladie » (40 % of the prorated
# PSS, rounded), « . invalidité et décès » (11,5 % of the PASS, rounded; CSS D632-1)
# and « . retraite » (450 hours of SMIC, rounded).
PART_PASS_MINIMUM_MALADIE: Final = Decimal(40)
PART_PASS_MINIMUM_INVALIDITE_DECES: Final = Decimal("11.5")
HEURES_SMIC_MINIMUM_RETRAITE: Final = Decimal(450)

# Start-of-activity flat base: 19 % of the prorated PSS, rounded; the maladie rate
# is taken at 40 % of the PASS. Règle « ind. cotisations et contributions . début
# activité » (« assiette forfaitaire », « assiette forfaitaire maladie »).
PART_PASS_ASSIETTE_FORFAITAIRE: Final = Decimal(19)
PART_PASS_ASSIETTE_FORFAITAIRE_MALADIE: Final = Decimal(40)

# --- Rates ------------------------------------------------------------------------

# Maladie-maternité: progressive rate over the base as a share of the prorated
# PASS, rounded to 2 decimals, up to 5 PASS; 6,5 % above. Règle « ind. cotisations
# et contributions . maladie » (« taux progressif », « total »); CSS D621-1, D621-2.
BAREME_TAUX_MALADIE: Final[tuple[tuple[Decimal, Decimal], ...]] = (
    (Decimal("0.4"), Decimal("0.00")),
    (Decimal("0.6"), Decimal("4.00")),
    (Decimal("1.1"), Decimal("6.70")),
    (Decimal(5), Decimal("6.70")),
)
PLAFOND_MALADIE_EN_PASS: Final = Decimal(5)
TAUX_MALADIE_AU_DELA_PLAFOND: Final = Decimal("6.5")

# Indemnités journalières: base floored at the maladie minimum, capped at 5 PASS
# (not prorated); in 2022–2023 the amount is capped at the maladie total. Règle
# « ind. cotisations et contributions . indemnités journalières maladie ».
PLAFOND_INDEMNITES_JOURNALIERES_EN_PASS: Final = Decimal(5)
ANNEE_FIN_PLAFOND_IJ_MALADIE_TOTALE: Final = 2023

# Retraite de base: 17,75 % up to the prorated PASS, 0,6 % above. Règle « ind.
# cotisations et contributions . retraite de base ».
TAUX_RETRAITE_BASE_PLAFONNE: Final = Decimal("17.75")
TAUX_RETRAITE_BASE_DEPLAFONNE: Final = Decimal("0.6")

# Retraite complémentaire: 7 % up to the prorated PRCI, 8 % from there up to 4 PASS.
# Règle « ind. cotisations et contributions . retraite complémentaire ».
TAUX_RETRAITE_COMPLEMENTAIRE_TRANCHE_1: Final = Decimal(7)
TAUX_RETRAITE_COMPLEMENTAIRE_TRANCHE_2: Final = Decimal(8)
PLAFOND_RETRAITE_COMPLEMENTAIRE_EN_PASS: Final = Decimal(4)

# Invalidité-décès: 1,3 % of the base floored at the prorated minimum and capped at
# the prorated PASS. Règle « ind. cotisations et contributions . invalidité et
# décès »; CSS L632-1, D632-1, D632-2.
TAUX_INVALIDITE_DECES: Final = Decimal("1.3")

# Allocations familiales: 0 % up to 110 % of the prorated PASS, 3,1 % from 140 %,
# linear in between (rate not rounded). Règle « ind. cotisations et contributions .
# allocations familiales . taux ».
BAREME_TAUX_ALLOCATIONS_FAMILIALES: Final[tuple[tuple[Decimal, Decimal], ...]] = (
    (Decimal("1.1"), Decimal(0)),
    (Decimal("1.4"), Decimal("3.1")),
)

# CSG-CRDS on income plus social contributions: 6,8 % deductible (CGI art. 154
# quinquies), 2,9 % not deductible. Règle « ind. cotisations et contributions .
# CSG-CRDS » (« déductible . taux », « non déductible . taux », « assiette »).
TAUX_CSG_CRDS_DEDUCTIBLE: Final = Decimal("6.8")
TAUX_CSG_CRDS_NON_DEDUCTIBLE: Final = Decimal("2.9")

# Contribution à la formation professionnelle, on the PASS (not prorated): 0,29 %
# for artisans, 0,25 % otherwise. Règle « ind. cotisations et contributions .
# formation professionnelle ».
TAUX_FORMATION_PROFESSIONNELLE_ARTISAN: Final = Decimal("0.29")
TAUX_FORMATION_PROFESSIONNELLE_COMMERCANT: Final = Decimal("0.25")
