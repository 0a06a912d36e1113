"""Relevé de carrière and what was paid on a line (SPEC §4, §6)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain import cotisations as engine
from domain.carriere import (
    AnneeCarriere,
    annee_carriere,
    paid_on_line,
    revenu_cotise,
    trimestres_valides,
)
from domain.cotisations import NatureActivite

D = Decimal
PASS_2026 = D("48060")
SMIC_2026 = D("12.02")  # 150 h = 1 803,00 €


# --- revenu cotisé ---------------------------------------------------------------------


def test_the_income_credited_is_the_retraite_de_base_paid_divided_by_17_75_percent() -> None:
    assert revenu_cotise(D("7100.00"), PASS_2026) == D("40000.00")


def test_the_income_credited_is_rounded_to_the_cent_half_up() -> None:
    # 1 000 / 0.1775 = 5 633.8028… → 5 633.80
    assert revenu_cotise(D("1000.00"), PASS_2026) == D("5633.80")
    # 0.01 / 0.1775 = 0.05633… → 0.06
    assert revenu_cotise(D("0.01"), PASS_2026) == D("0.06")


def test_the_income_credited_never_exceeds_the_pass() -> None:
    # The full RETRAITE_BASE of a high income: 17.75 % of the PASS + 0.6 % above.
    full = engine.compute_cotisations(2026, NatureActivite.ARTISANALE, D("150000"))
    retraite = next(line.montant for line in full.lignes if line.code.value == "RETRAITE_BASE")
    assert retraite == D("9142")  # round(0.1775 × 48 060 + 0.006 × 101 940)
    assert revenu_cotise(retraite, PASS_2026) == PASS_2026


def test_nothing_paid_credits_nothing() -> None:
    assert revenu_cotise(D("0"), PASS_2026) == D("0")


# --- quarters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("revenu", "trimestres"),
    [
        (D("0"), 0),
        (D("1802.99"), 0),
        (D("1803.00"), 1),  # exactly 150 × 12.02
        (D("3605.99"), 1),
        (D("3606.00"), 2),
        (D("5409.00"), 3),  # the retirement minimum base: 450 × SMIC
        (D("7212.00"), 4),
        (D("48060.00"), 4),  # never more than 4
    ],
)
def test_a_quarter_is_validated_per_150_hours_of_smic_at_most_4(
    revenu: Decimal, trimestres: int
) -> None:
    assert trimestres_valides(revenu, SMIC_2026) == trimestres


def test_a_year_of_the_releve_uses_that_years_pass_and_smic() -> None:
    assert annee_carriere(2023, D("1000.00")) == AnneeCarriere(
        annee=2023,
        retraite_base_payee=D("1000.00"),
        revenu_cotise=D("5633.80"),
        seuil_trimestre=D("1690.50"),  # 150 × 11.27
        trimestres=3,
    )
    assert annee_carriere(2026, D("1000.00")).seuil_trimestre == D("1803.00")
    assert annee_carriere(2026, D("1000.00")).trimestres == 3


def test_a_year_without_a_bareme_is_not_computed_rather_than_guessed() -> None:
    annee = annee_carriere(2022, D("1000.00"))
    assert annee == AnneeCarriere(2022, D("1000.00"), None, None, None)
    assert annee.calcule is False


def test_the_income_credited_never_exceeds_the_assiette_of_the_line() -> None:
    # 38 940 declared: RETRAITE_BASE = round(17.75 % × 38 940 = 6 911.85) = 6 912 €,
    # and 6 912 / 17.75 % = 38 940.85: the rounding must not credit 0.85 € more.
    assert revenu_cotise(D("6912"), PASS_2026) == D("38940.85")
    assert revenu_cotise(D("6912"), PASS_2026, D("38940")) == D("38940.00")
    assert annee_carriere(2025, D("6912"), D("38940")).revenu_cotise == D("38940.00")
    # A partial payment stays below the assiette: unchanged.
    assert revenu_cotise(D("1000.00"), PASS_2026, D("38940")) == D("5633.80")


# --- paid on a line --------------------------------------------------------------------

LINES = {"MALADIE": D("2000"), "RETRAITE_BASE": D("7100"), "FORMATION_PROFESSIONNELLE": D("139")}


def test_the_instalments_paid_are_attributed_pro_rata_to_the_lines() -> None:
    # 1 848.16 × 7100 / 9239 = 1 420.299… → 1 420.29 (400.07 and 27.80 for the others:
    # the floored parts already sum to 1 848.16, nothing is left for the largest line).
    assert paid_on_line([D("924.08"), D("924.08")], LINES, "RETRAITE_BASE") == D("1420.29")
    # 924.08 × 139 / 9239 = 13.902… → 13.90
    assert paid_on_line([D("924.08")], LINES, "FORMATION_PROFESSIONNELLE") == D("13.90")


def test_rounding_is_carried_from_one_instalment_to_the_next() -> None:
    # Twelve monthly instalments of a 9 239 € year: each alone would give 11.58 € of CFP
    # (floored), 138.96 € in all; carried over, the year paid in full pays 139 €.
    instalments = [D("769.91")] * 11 + [D("769.99")]
    assert sum(instalments) == D("9239.00")
    assert paid_on_line(instalments, LINES, "FORMATION_PROFESSIONNELLE") == D("139.00")
    assert paid_on_line(instalments[:6], LINES, "FORMATION_PROFESSIONNELLE") == D("69.49")


def test_a_line_fully_paid_counts_its_amount_exactly() -> None:
    assert paid_on_line([D("9239.00")], LINES, "RETRAITE_BASE") == D("7100.00")


def test_a_line_is_never_paid_beyond_its_amount() -> None:
    # Provisional instalments paid in full on a higher basis than the definitive lines.
    assert paid_on_line([D("12000.00")], LINES, "FORMATION_PROFESSIONNELLE") == D("139")


def test_unpaid_instalments_and_missing_lines_pay_nothing() -> None:
    assert paid_on_line([D("0"), D("0")], LINES, "RETRAITE_BASE") == D("0")
    assert paid_on_line([D("500")], LINES, "ALLOCATIONS_FAMILIALES") == D("0")


def test_the_cent_left_by_the_floored_parts_goes_to_the_largest_line() -> None:
    # 100 over 100:200 → 33.33 and 66.66, the missing cent to the larger line.
    lines = {"A": D("100"), "B": D("200")}
    assert paid_on_line([D("100.00")], lines, "B") == D("66.67")
    assert paid_on_line([D("100.00")], lines, "A") == D("33.33")
