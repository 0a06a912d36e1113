"""Properties of the contribution engine that SPEC §3 says hold, and two it says do not.

The two that do not hold are pinned as exact counterexamples, so nobody "fixes"
the engine into asserting them.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.baremes import ANNEES_COUVERTES
from domain.cotisations import (
    CotisationCode,
    NatureActivite,
    compute_cotisations,
    compute_forfait_debut_activite,
)

D = Decimal
ART = NatureActivite.ARTISANALE
PROPRIETE = settings(derandomize=True, deadline=None, max_examples=300)

annees = st.sampled_from(ANNEES_COUVERTES)
natures = st.sampled_from(list(NatureActivite))
# −20 000 € to 400 000 € to the cent: losses, minimum bases, every slice up to 5 PASS and above.
revenus = st.integers(min_value=-2_000_000, max_value=40_000_000).map(lambda c: D(c) / 100)
jours_dans_l_annee = st.integers(min_value=0, max_value=364)


@st.composite
def creations(draw: st.DrawFn, annee: int) -> date | None:
    """No date, a date in the year (prorata), or one the year before (full year)."""
    choix = draw(st.sampled_from(["aucune", "dans l'annee", "annee precedente"]))
    if choix == "aucune":
        return None
    debut = date(annee if choix == "dans l'annee" else annee - 1, 1, 1)
    return debut + timedelta(days=draw(jours_dans_l_annee))


@PROPRIETE
@given(annee=annees, nature=natures, revenu=revenus, data=st.data())
def test_the_total_is_the_sum_of_the_lines_and_no_line_is_negative(
    annee: int, nature: NatureActivite, revenu: Decimal, data: st.DataObject
) -> None:
    resultat = compute_cotisations(annee, nature, revenu, data.draw(creations(annee)))

    montants = resultat.montants()
    assert resultat.total == sum(montants.values())
    assert all(montant >= 0 for montant in montants.values())
    assert all(montant == montant.to_integral_value() for montant in montants.values())


@PROPRIETE
@given(annee=annees, nature=natures, jour=jours_dans_l_annee, premiere_annee=st.booleans())
def test_the_forfait_total_is_the_sum_of_its_lines_and_no_line_is_negative(
    annee: int, nature: NatureActivite, jour: int, premiere_annee: bool
) -> None:
    creation = date(annee if premiere_annee else annee - 1, 1, 1) + timedelta(days=jour)

    forfait = compute_forfait_debut_activite(annee, nature, creation)

    assert forfait.total == sum(forfait.montants().values())
    assert all(montant >= 0 for montant in forfait.montants().values())


@PROPRIETE
@given(annee=annees, nature=natures, revenu=revenus, hausse=revenus.map(abs))
def test_for_a_full_year_the_total_never_decreases_when_the_income_rises(
    annee: int, nature: NatureActivite, revenu: Decimal, hausse: Decimal
) -> None:
    avant = compute_cotisations(annee, nature, revenu)
    apres = compute_cotisations(annee, nature, revenu + hausse)

    assert apres.total >= avant.total


def test_counterexample_a_line_alone_can_drop_by_one_euro_when_the_income_rises() -> None:
    avant = compute_cotisations(2026, ART, D(20499))
    apres = compute_cotisations(2026, ART, D(20500))

    # The IJ rounding moves one euro from MALADIE to IJ; their sum and the total do not drop.
    assert avant.ligne(CotisationCode.MALADIE).montant == D(7)
    assert apres.ligne(CotisationCode.MALADIE).montant == D(6)
    assert apres.total >= avant.total


def test_counterexample_a_part_year_can_owe_more_than_a_full_year_at_the_same_income() -> None:
    annee_pleine = compute_cotisations(2026, ART, D(20000))
    cinq_mois = compute_cotisations(2026, ART, D(20000), date(2026, 8, 1))

    # Prorated ceilings are lower: 20 000 € is 99 % of PASSp (153 days) but 42 % of the PASS.
    assert (cinq_mois.total, annee_pleine.total) == (D(9155), D(7904))
