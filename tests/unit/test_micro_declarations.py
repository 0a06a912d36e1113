"""What a micro-entrepreneur may declare, and how the CFP is split per activity (SPEC §7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.cotisations import NatureActivite
from domain.errors import DomainError
from domain.micro import (
    ActiviteMicro,
    Periode,
    compute_cotisations_micro,
    explication_micro,
    montants_declares,
    repartir_cfp,
    verifier_periode_declarable,
)
from domain.nomenclatures import PeriodiciteDeclaration

D = Decimal
VENTE, SERVICES, BNC = ActiviteMicro.BIC_VENTE, ActiviteMicro.BIC_SERVICES, ActiviteMicro.BNC
MENSUELLE, TRIMESTRIELLE = PeriodiciteDeclaration.MENSUELLE, PeriodiciteDeclaration.TRIMESTRIELLE
TODAY = date(2026, 11, 23)


def verifier(periode: str, **changes: object) -> None:
    arguments: dict[str, object] = {
        "today": TODAY,
        "periodicite": MENSUELLE,
        "debut_activite": date(2020, 1, 6),
        "fin_activite": None,
        "deja_declarees": [],
        **changes,
    }
    verifier_periode_declarable(Periode.parse(periode), **arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("periode", "changes"),
    [
        ("2026-10", {}),
        ("2023-01", {}),
        ("2026-T3", {"periodicite": TRIMESTRIELLE}),
        ("2026-10", {"periodicite": None}),  # no option on file: monthly
        ("2026-10", {"today": date(2026, 11, 1)}),  # over the day before
        ("2026-03", {"debut_activite": date(2026, 3, 31)}),
        ("2026-03", {"fin_activite": date(2026, 3, 1)}),
        ("2026-04", {"deja_declarees": [Periode.parse("2026-03"), Periode.parse("2026-05")]}),
    ],
)
def test_a_period_is_declarable_once_over_in_the_workers_periodicity(
    periode: str, changes: dict[str, object]
) -> None:
    verifier(periode, **changes)


@pytest.mark.parametrize(
    ("periode", "changes", "code"),
    [
        ("2026-12", {}, "PERIODE_FUTURE"),
        ("2026-11", {}, "PERIODE_EN_COURS"),
        ("2026-10", {"today": date(2026, 10, 31)}, "PERIODE_EN_COURS"),
        ("2026-T3", {}, "PERIODICITE_INCORRECTE"),
        ("2026-T3", {"periodicite": None}, "PERIODICITE_INCORRECTE"),
        ("2026-09", {"periodicite": TRIMESTRIELLE}, "PERIODICITE_INCORRECTE"),
        ("2026-02", {"debut_activite": date(2026, 3, 1)}, "AVANT_DEBUT_ACTIVITE"),
        ("2026-04", {"fin_activite": date(2026, 3, 31)}, "APRES_FIN_ACTIVITE"),
        ("2026-04", {"deja_declarees": [Periode.parse("2026-04")]}, "DEJA_DECLAREE"),
        (
            "2026-T1",
            {"periodicite": TRIMESTRIELLE, "deja_declarees": [Periode.parse("2026-02")]},
            "DEJA_DECLAREE",
        ),
    ],
)
def test_a_period_not_declarable_is_refused_with_its_reason(
    periode: str, changes: dict[str, object], code: str
) -> None:
    with pytest.raises(DomainError) as refus:
        verifier(periode, **changes)
    assert (refus.value.field, refus.value.code) == ("periode", code)


def test_the_refusals_say_what_to_do() -> None:
    with pytest.raises(DomainError) as en_cours:
        verifier("2026-11")
    with pytest.raises(DomainError) as trimestre:
        verifier("2026-T3")
    with pytest.raises(DomainError) as recouvre:
        verifier("2026-T1", periodicite=TRIMESTRIELLE, deja_declarees=[Periode.parse("2026-02")])
    assert en_cours.value.message == (
        "La période 2026-11 n'est pas terminée : déclarez-la à partir du 01/12/2026."
    )
    assert trimestre.value.message == (
        "Vos déclarations sont mensuelles : indiquez un mois (AAAA-MM, ex. 2026-03), "
        "pas « 2026-T3 »."
    )
    assert recouvre.value.message == (
        "La période 2026-T1 recouvre 2026-02, déclarée : une période ne se déclare qu'une fois."
    )


def test_the_form_lines_become_turnover_per_activity() -> None:
    assert montants_declares([(BNC, D("0")), (VENTE, D("1200.50"))]) == {
        BNC: D("0"),
        VENTE: D("1200.50"),
    }


@pytest.mark.parametrize(
    ("lignes", "field", "code"),
    [
        ([], "montants", "AUCUNE_ACTIVITE"),
        (
            [(VENTE, D(1)), (SERVICES, D(2)), (VENTE, D(3))],
            "montants.2.activite",
            "ACTIVITE_EN_DOUBLE",
        ),
        ([(VENTE, D(1)), (BNC, D("-0.01"))], "montants.1.montant", "MONTANT_NEGATIF"),
        ([(VENTE, D("10.001"))], "montants.0.montant", "MONTANT_INVALIDE"),
        ([(VENTE, D("100000000.01"))], "montants.0.montant", "MONTANT_INVRAISEMBLABLE"),
    ],
)
def test_bad_form_lines_are_refused_naming_the_line(
    lignes: list[tuple[ActiviteMicro, Decimal]], field: str, code: str
) -> None:
    with pytest.raises(DomainError) as refus:
        montants_declares(lignes)
    assert (refus.value.field, refus.value.code) == (field, code)


def test_the_cfp_shares_add_up_to_the_cfp_rounded_once() -> None:
    # Commerçant: 0.1 % on BIC turnover, 0.2 % on BNC.
    resultat = compute_cotisations_micro(
        "2026-T3",
        NatureActivite.COMMERCIALE,
        {VENTE: D("12000"), SERVICES: D("3333.33"), BNC: D("1234.56")},
    )
    assert resultat.cfp == D("17.80")  # 12 + 3.33333 + 2.46912 = 17.80245
    assert repartir_cfp(resultat) == (D("12.00"), D("3.33"), D("2.47"))


def test_no_cfp_share_goes_negative_on_tiny_turnovers() -> None:
    # Each share alone rounds up (0.005 → 0.01) but the total is only 0.01.
    resultat = compute_cotisations_micro(
        "2026-01", NatureActivite.COMMERCIALE, {VENTE: D("5"), SERVICES: D("5"), BNC: D(0)}
    )
    assert resultat.cfp == D("0.01")
    assert repartir_cfp(resultat) == (D("0.01"), D("0.00"), D("0.00"))


def test_a_stored_line_explains_itself_like_a_computed_one() -> None:
    resultat = compute_cotisations_micro("2024-07", NatureActivite.ARTISANALE, {BNC: D("10000")})
    assert resultat.lignes[0].explication == ("chiffre d'affaires 10 000,00 € × 23,1 % = 2 310 €")
    assert explication_micro(D("10000.00"), D("23.1"), D("2310.00")) == (
        resultat.lignes[0].explication
    )
