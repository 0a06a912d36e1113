"""Rejected direct debits: when one may be recorded, and the status it leaves (SPEC §4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.compte import (
    PeriodeMandat,
    check_rejected_debit_allowed,
    direct_debit_active_on,
    statut_echeance,
)
from domain.echeancier import Instalment
from domain.errors import DomainError
from domain.money import ZERO
from domain.nomenclatures import StatutEcheance

TODAY = date(2026, 6, 10)
MAI = date(2026, 5, 5)
D = Decimal


def test_a_mandate_covers_its_signature_day_until_the_day_before_it_stopped() -> None:
    mandat = [PeriodeMandat(date(2026, 2, 5), date(2026, 5, 5))]
    assert direct_debit_active_on(date(2026, 2, 5), mandat)
    assert direct_debit_active_on(date(2026, 5, 4), mandat)
    assert not direct_debit_active_on(date(2026, 5, 5), mandat)
    assert not direct_debit_active_on(date(2026, 2, 4), mandat)
    assert direct_debit_active_on(date(2030, 1, 1), [PeriodeMandat(date(2026, 2, 5), None)])
    assert not direct_debit_active_on(MAI, [])


@pytest.mark.parametrize(
    ("echeance", "mandats", "annulee", "reporte", "motif"),
    [
        (Instalment(1, MAI, D(100)), [], False, ZERO, "Aucun prélèvement automatique"),
        (
            Instalment(1, date(2026, 7, 5), D(100)),
            [PeriodeMandat(MAI, None)],
            False,
            ZERO,
            "pas encore échue",
        ),
        (Instalment(1, MAI, D(100)), [PeriodeMandat(MAI, None)], True, ZERO, "annulée"),
        (Instalment(1, MAI, ZERO), [PeriodeMandat(MAI, None)], False, D(100), "déjà été rejeté"),
        (Instalment(1, MAI, D(100), D(100)), [PeriodeMandat(MAI, None)], False, ZERO, "payée"),
    ],
)
def test_a_rejection_is_refused_on_echeance_id_saying_why(
    echeance: Instalment,
    mandats: list[PeriodeMandat],
    annulee: bool,
    reporte: Decimal,
    motif: str,
) -> None:
    with pytest.raises(DomainError, match=motif) as refus:
        check_rejected_debit_allowed(
            echeance, TODAY, mandats, annulee=annulee, montant_reporte=reporte
        )
    assert (refus.value.field, refus.value.code) == ("echeanceId", "ECHEANCE_NON_REJETABLE")


def test_an_unpaid_instalment_due_under_a_mandate_may_be_rejected() -> None:
    check_rejected_debit_allowed(
        Instalment(1, MAI, D(100), D(40)),
        TODAY,
        [PeriodeMandat(date(2015, 3, 1), None)],
        annulee=False,
        montant_reporte=ZERO,
    )


@pytest.mark.parametrize(
    ("montant", "paye", "reporte", "statut"),
    [
        (ZERO, ZERO, D(100), StatutEcheance.REJETE),  # carried: never "paid"
        (D(100), ZERO, ZERO, StatutEcheance.REJETE),  # carry undone: still due
        (D(100), D(100), ZERO, StatutEcheance.PAYEE),  # paid since on its own
    ],
)
def test_a_rejected_instalment_is_rejete_until_settled_on_its_own(
    montant: Decimal, paye: Decimal, reporte: Decimal, statut: StatutEcheance
) -> None:
    assert statut_echeance(montant, paye, MAI, TODAY, rejets=1, montant_reporte=reporte) is statut
    assert statut_echeance(montant, paye, MAI, TODAY, annulee=True, rejets=1) is (
        StatutEcheance.ANNULEE
    )
