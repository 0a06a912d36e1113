"""A periodicity change moves every open instalment, whatever its nature (SPEC §4)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.echeancier import (
    DELAI_CHANGEMENT_PERIODICITE_JOURS,
    Instalment,
    NatureEcheance,
    Periodicite,
    ScheduleChange,
    due_dates,
    initial_schedule,
    move_to_periodicity,
    periodicite_effective,
    spread_regularisation,
)
from domain.money import ZERO

PROPRIETE = settings(derandomize=True, deadline=None, max_examples=200)
PROV, REGUL = NatureEcheance.PROVISIONNELLE, NatureEcheance.REGULARISATION
periodicites = st.sampled_from(list(Periodicite))
jours_2026 = st.integers(min_value=0, max_value=364).map(lambda n: date(2026, 1, 1) + timedelta(n))
montants = st.integers(min_value=0, max_value=5_000_000).map(lambda c: Decimal(c) / 100)

Schedule = dict[int, tuple[int, Instalment]]  # id → (contribution year, instalment)


def apply(schedule: Schedule, annee: int, change: ScheduleChange, ids: count[int]) -> None:
    """What ``gateway.services.ledger.apply_schedule_change`` does to the stored rows."""
    for echeance_id, montant in change.update.items():
        old = schedule[echeance_id][1]
        schedule[echeance_id] = (
            annee,
            Instalment(old.id, old.date_echeance, montant, ZERO, old.nature),
        )
    for echeance_id in change.cancel:
        del schedule[echeance_id]
    for plan in change.create:
        new_id = next(ids)
        schedule[new_id] = (
            annee,
            Instalment(new_id, plan.date_echeance, plan.montant, ZERO, plan.nature),
        )


def change_periodicity(schedule: Schedule, periodicite: Periodicite, jour: date) -> None:
    groupes: dict[tuple[int, NatureEcheance], list[Instalment]] = {}
    for annee, e in schedule.values():
        groupes.setdefault((annee, e.nature), []).append(e)
    ids = count(max(schedule, default=0) + 1)
    for (annee, _nature), groupe in groupes.items():
        apply(schedule, annee, move_to_periodicity(annee, groupe, periodicite, jour), ids)


def totals(schedule: Schedule) -> dict[tuple[int, NatureEcheance], Decimal]:
    out: dict[tuple[int, NatureEcheance], Decimal] = {}
    for annee, e in schedule.values():
        out[(annee, e.nature)] = out.get((annee, e.nature), ZERO) + e.montant
    return {groupe: total for groupe, total in out.items() if total != ZERO}


@PROPRIETE
@given(
    initiale=periodicites,
    provisionnel=montants,
    regularisation=montants,
    declaration=jours_2026,
    changements=st.lists(st.tuples(periodicites, jours_2026), min_size=1, max_size=3),
)
def test_after_periodicity_changes_every_open_instalment_is_on_the_new_dates(
    initiale: Periodicite,
    provisionnel: Decimal,
    regularisation: Decimal,
    declaration: date,
    changements: list[tuple[Periodicite, date]],
) -> None:
    ids = count(1)
    schedule: Schedule = {}
    for plan in initial_schedule(2026, initiale, provisionnel, None):
        i = next(ids)
        schedule[i] = (2026, Instalment(i, plan.date_echeance, plan.montant, ZERO, PROV))
    for plan in spread_regularisation(regularisation, initiale, declaration):
        i = next(ids)
        schedule[i] = (2025, Instalment(i, plan.date_echeance, plan.montant, ZERO, REGUL))
    before = totals(schedule)
    for periodicite, jour in sorted(changements, key=lambda c: c[1]):
        fixes = {
            i: e
            for i, (_a, e) in schedule.items()
            if e.date_echeance < jour + timedelta(days=DELAI_CHANGEMENT_PERIODICITE_JOURS)
        }
        change_periodicity(schedule, periodicite, jour)
        # Same amounts per year and nature; fixed instalments untouched.
        assert totals(schedule) == before
        assert all(schedule[i][1] == e for i, e in fixes.items())
        seuil = jour + timedelta(days=DELAI_CHANGEMENT_PERIODICITE_JOURS)
        nouvelles = {d for d in due_dates(2026, periodicite) if d >= seuil}
        # No open date of the new periodicity left in the year: one instalment 30 days
        # after the request (the recomputation rule).
        permises = nouvelles or {jour + timedelta(days=DELAI_CHANGEMENT_PERIODICITE_JOURS)}
        for _annee, e in schedule.values():
            if e.date_echeance >= seuil and e.montant > ZERO and e.date_echeance.year == 2026:
                assert e.date_echeance in permises, (e, periodicite, jour)


def test_a_regularisation_moves_onto_the_open_dates_of_the_requests_year() -> None:
    groupe = [
        Instalment(10 + m, date(2026, m, 5), Decimal("152.28"), ZERO, REGUL) for m in range(6, 12)
    ] + [Instalment(22, date(2026, 12, 5), Decimal("152.32"), ZERO, REGUL)]
    change = move_to_periodicity(2025, groupe, Periodicite.TRIMESTRIEL, date(2026, 6, 14))
    assert change.keep == (16, 17)  # 5 June and 5 July: within 30 days
    assert change.update == {18: Decimal("380.72"), 21: Decimal("380.72")}  # 5 Aug, 5 Nov
    assert change.cancel == (19, 20, 22)
    assert (change.create, change.credit) == ((), ZERO)


def test_a_group_mixes_no_natures() -> None:
    with pytest.raises(ValueError, match="one nature"):
        move_to_periodicity(
            2026,
            [
                Instalment(1, date(2026, 8, 5), Decimal(1), ZERO, PROV),
                Instalment(2, date(2026, 8, 5), Decimal(1), ZERO, REGUL),
            ],
            Periodicite.MENSUEL_5,
            date(2026, 6, 1),
        )


@pytest.mark.parametrize("choisie", list(Periodicite))
def test_without_an_active_direct_debit_the_periodicity_is_quarterly(
    choisie: Periodicite,
) -> None:
    assert periodicite_effective(choisie, False) is Periodicite.TRIMESTRIEL
    assert periodicite_effective(choisie, True) is choisie
