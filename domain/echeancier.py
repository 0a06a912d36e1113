"""Payment schedules (échéanciers) of the provisional contributions — SPEC §4 "Schedule".

Everything here is a pure rule: it takes dates and amounts and returns what the
schedule should be, or a *plan of changes* (:class:`ScheduleChange`) that the
persistence layer applies as is, so that the rule lives in exactly one place.
"Today" is never read from a clock: the request date is always an argument.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from domain.errors import DomainError
from domain.money import ZERO, floor_cent

#: Delay (days) after which an instalment is still open for an estimate or a declaration.
DELAI_RECALCUL_JOURS = 15
#: Delay (days) after which an instalment is still open for a periodicity change.
DELAI_CHANGEMENT_PERIODICITE_JOURS = 30
#: When no instalment is open, a single one is created this many days after the request.
DELAI_ECHEANCE_UNIQUE_JOURS = 30
#: Creation year: only due dates at least this many days after the creation date.
DELAI_CREATION_JOURS = 60


class Periodicite(StrEnum):
    """Periodicity of the direct debit; without direct debit payment is quarterly."""

    MENSUEL_5 = "MENSUEL_5"
    MENSUEL_20 = "MENSUEL_20"
    TRIMESTRIEL = "TRIMESTRIEL"


class NatureEcheance(StrEnum):
    """What an instalment collects: provisional contributions or a régularisation."""

    PROVISIONNELLE = "PROVISIONNELLE"
    REGULARISATION = "REGULARISATION"


@dataclass(frozen=True, slots=True)
class InstalmentPlan:
    """An instalment to create (no id yet)."""

    date_echeance: date
    montant: Decimal
    nature: NatureEcheance = NatureEcheance.PROVISIONNELLE


@dataclass(frozen=True, slots=True)
class Instalment:
    """An existing instalment, as stored (cancelled instalments are never passed in)."""

    id: int
    date_echeance: date
    montant: Decimal
    montant_paye: Decimal = ZERO
    nature: NatureEcheance = NatureEcheance.PROVISIONNELLE

    @property
    def reste_du(self) -> Decimal:
        """Unpaid part of the instalment (never negative)."""
        return max(ZERO, self.montant - self.montant_paye)


@dataclass(frozen=True, slots=True)
class ScheduleChange:
    """What to do to the stored schedule; every considered id is in exactly one of
    ``keep`` / ``update`` / ``cancel``.

    ``keep``: fixed instalments, left untouched. ``update``: open instalments that stay,
    with their new amount (possibly unchanged or zero). ``cancel``: open instalments that
    disappear (their payments, if any, become unallocated and are re-allocated by the
    account). ``create``: new instalments. ``credit``: credit of the year (≥ 0) when the
    fixed instalments already exceed the new annual amount (SPEC §4).
    """

    keep: tuple[int, ...] = ()
    update: dict[int, Decimal] = field(default_factory=dict, hash=False)
    cancel: tuple[int, ...] = ()
    create: tuple[InstalmentPlan, ...] = ()
    credit: Decimal = ZERO


# --- calendar -----------------------------------------------------------------------


def add_months(jour: date, mois: int) -> date:
    """Same day ``mois`` months later (or earlier), clamped to the end of the month.

    Always computed from the original date, so 31 Jan + 1 = 28/29 Feb and 31 Jan + 2 = 31 Mar.
    """
    index = jour.year * 12 + (jour.month - 1) + mois
    annee, mois0 = divmod(index, 12)
    dernier = calendar.monthrange(annee, mois0 + 1)[1]
    return date(annee, mois0 + 1, min(jour.day, dernier))


def due_dates(annee: int, periodicite: Periodicite) -> list[date]:
    """The due dates of a year: 12 monthly on the 5th or 20th, or 5 Feb/May/Aug/Nov."""
    if periodicite is Periodicite.TRIMESTRIEL:
        return [date(annee, mois, 5) for mois in (2, 5, 8, 11)]
    jour = 5 if periodicite is Periodicite.MENSUEL_5 else 20
    return [date(annee, mois, jour) for mois in range(1, 13)]


def periodicite_effective(choisie: Periodicite, prelevement_actif: bool) -> Periodicite:
    """The periodicity the instalments follow: without an active direct debit payment is
    quarterly, whatever periodicity was chosen before (§4; radiés and retraités too)."""
    return choisie if prelevement_actif else Periodicite.TRIMESTRIEL


def first_effective_due_date(nouvelle: Periodicite, date_demande: date) -> date:
    """First due date of the new periodicity at least 30 days after the request (§4).

    May fall in the next calendar year (a request in December).
    """
    seuil = date_demande + timedelta(days=DELAI_CHANGEMENT_PERIODICITE_JOURS)
    candidates = due_dates(seuil.year, nouvelle) + due_dates(seuil.year + 1, nouvelle)
    return next(d for d in candidates if d >= seuil)


# --- amounts ------------------------------------------------------------------------


def split_amount(total: Decimal, n: int) -> list[Decimal]:
    """Split ``total`` over ``n`` instalments: each gets total / n rounded down to the
    cent, the last gets the rest, so the parts sum exactly to the total (§4).
    """
    if n < 1:
        raise ValueError(f"cannot split over {n} instalments")
    if total != total.quantize(Decimal("0.01")):
        raise ValueError(f"{total} is not an amount in cents")
    part = floor_cent(total / n)
    return [part] * (n - 1) + [total - part * (n - 1)]


def _plans(dates: Sequence[date], montant: Decimal, nature: NatureEcheance) -> list[InstalmentPlan]:
    return [
        InstalmentPlan(d, m, nature)
        for d, m in zip(dates, split_amount(montant, len(dates)), strict=True)
    ]


# --- initial schedule ---------------------------------------------------------------


def initial_schedule(
    annee: int,
    periodicite: Periodicite,
    montant_annuel: Decimal,
    date_creation: date | None,
) -> list[InstalmentPlan]:
    """The provisional schedule of a year (§4).

    In the creation year only the due dates at least 60 days after the creation date are
    kept. When none is left (creation less than ~60 days before the year end), a single
    instalment is due 60 days after the creation date, in the next calendar year — the
    same fallback as "one instalment 30 days after the request" of a recomputation.
    """
    if date_creation is not None and date_creation.year > annee:
        raise ValueError(f"activity created on {date_creation}: no schedule for {annee}")
    dates = _candidate_dates(annee, periodicite, date_creation, seuil=date(annee, 1, 1))
    if not dates:
        assert date_creation is not None  # a full year always has due dates
        dates = [date_creation + timedelta(days=DELAI_CREATION_JOURS)]
    return _plans(dates, montant_annuel, NatureEcheance.PROVISIONNELLE)


def _creation_floor(annee: int, date_creation: date | None) -> date | None:
    """Earliest due date allowed by the 60-day creation rule, in the creation year only."""
    if date_creation is None or date_creation.year != annee:
        return None
    return date_creation + timedelta(days=DELAI_CREATION_JOURS)


def _candidate_dates(
    annee: int, periodicite: Periodicite, date_creation: date | None, seuil: date
) -> list[date]:
    plancher = _creation_floor(annee, date_creation)
    borne = seuil if plancher is None else max(seuil, plancher)
    return [d for d in due_dates(annee, periodicite) if d >= borne]


# --- recomputation ------------------------------------------------------------------


def recompute_schedule(
    annee: int,
    existantes: Iterable[Instalment],
    montant_annuel: Decimal,
    periodicite: Periodicite,
    date_demande: date,
    delai_jours: int = DELAI_RECALCUL_JOURS,
    *,
    nature: NatureEcheance = NatureEcheance.PROVISIONNELLE,
    date_creation: date | None = None,
) -> ScheduleChange:
    """Rebuild the schedule of ``annee`` after an estimate, a declaration (delay 15 days)
    or a periodicity change (delay 30 days) — SPEC §4 "Recomputation".

    Only instalments of ``nature`` are considered (others are untouched and not listed).
    An instalment is open when due at least ``delai_jours`` after the request, fixed
    otherwise. Open amount = new amount − sum of the fixed instalments, paid or not:
    if positive it is split over the open due dates of ``periodicite`` (in the creation
    year, also at least 60 days after creation); with no open due date, one instalment
    30 days after the request (not before the 60-day creation floor). Otherwise every
    open instalment goes to zero and the difference is the year's ``credit``.
    Existing open instalments on a new due date are reused (``update``), the others
    cancelled.
    """
    seuil = date_demande + timedelta(days=delai_jours)
    concernees = sorted(
        (e for e in existantes if e.nature is nature), key=lambda e: (e.date_echeance, e.id)
    )
    fixes = [e for e in concernees if e.date_echeance < seuil]
    ouvertes = [e for e in concernees if e.date_echeance >= seuil]
    montant_ouvert = montant_annuel - sum((e.montant for e in fixes), ZERO)
    keep = tuple(e.id for e in fixes)
    if montant_ouvert <= ZERO:
        return _zero_open(keep, ouvertes, due_dates(annee, periodicite), ZERO - montant_ouvert)
    dates = _candidate_dates(annee, periodicite, date_creation, seuil)
    if not dates:
        unique = date_demande + timedelta(days=DELAI_ECHEANCE_UNIQUE_JOURS)
        plancher = _creation_floor(annee, date_creation)
        dates = [unique if plancher is None else max(unique, plancher)]
    return _match(keep, ouvertes, _plans(dates, montant_ouvert, nature))


def _zero_open(
    keep: tuple[int, ...], ouvertes: Sequence[Instalment], dates: Sequence[date], credit: Decimal
) -> ScheduleChange:
    """Open amount ≤ 0: open instalments on a due date of the periodicity go to zero,
    those of another periodicity are cancelled; nothing is created."""
    update = {e.id: ZERO for e in ouvertes if e.date_echeance in dates}
    cancel = tuple(e.id for e in ouvertes if e.id not in update)
    return ScheduleChange(keep=keep, update=update, cancel=cancel, credit=credit)


def _match(
    keep: tuple[int, ...], ouvertes: Sequence[Instalment], plans: Sequence[InstalmentPlan]
) -> ScheduleChange:
    """Reuse an existing open instalment for each planned date when one exists (the
    oldest id wins when two share a date), cancel the rest, create what is missing."""
    libres: dict[date, Instalment] = {}
    for e in ouvertes:
        libres.setdefault(e.date_echeance, e)
    update: dict[int, Decimal] = {}
    create: list[InstalmentPlan] = []
    for plan in plans:
        existante = libres.pop(plan.date_echeance, None)
        if existante is None:
            create.append(plan)
        else:
            update[existante.id] = plan.montant
    cancel = tuple(e.id for e in ouvertes if e.id not in update)
    return ScheduleChange(keep=keep, update=update, cancel=cancel, create=tuple(create))


# --- régularisation and radiation ---------------------------------------------------


def spread_regularisation(
    montant: Decimal,
    periodicite: Periodicite,
    date_demande: date,
    delai_jours: int = DELAI_RECALCUL_JOURS,
) -> list[InstalmentPlan]:
    """Spread a régularisation to pay over the open due dates of the current year (the
    request's year) as REGULARISATION instalments, with the split rule; with no open due
    date, one instalment 30 days after the request (§4 "Declaring income").

    A credit (negative régularisation) is not spread: it is allocated to the oldest
    unpaid instalments by the account (``domain.compte.allocate_payment``).
    """
    if montant < ZERO:
        raise ValueError("a credit is allocated, not spread")
    if montant == ZERO:
        return []
    change = recompute_schedule(
        date_demande.year,
        (),
        montant,
        periodicite,
        date_demande,
        delai_jours,
        nature=NatureEcheance.REGULARISATION,
    )
    return list(change.create)


# --- periodicity change -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PeriodicityChange:
    """The accepted outcome of a periodicity request (``setPrelevementPeriodicite``).

    ``modifiee``: the periodicity differs, so every open instalment moves onto the new
    dates (:func:`move_to_periodicity`, per year and nature); ``compte``: the change
    counts toward the once-a-year limit (store its date); ``premiere_echeance``: first
    due date of the new periodicity at least 30 days after the request.
    """

    periodicite: Periodicite
    prelevement_actif: bool
    modifiee: bool
    compte: bool
    premiere_echeance: date


def move_to_periodicity(
    annee: int,
    groupe: Sequence[Instalment],
    periodicite: Periodicite,
    date_demande: date,
    *,
    date_creation: date | None = None,
) -> ScheduleChange:
    """Move the instalments of one contribution year and one nature onto the due dates
    of a new periodicity (§4 "Periodicity"): same amounts, new dates.

    The instalments due within 30 days of the request stay as they are; the open amount
    of the group (the sum of its open instalments) is split again over the open due dates
    of ``periodicite`` with the recomputation rule (:func:`recompute_schedule`, 30-day
    delay): the dates of ``annee`` for provisional instalments (60-day creation floor
    included), those of the request's year for a régularisation, which is spread over the
    current year (§4 "Declaring income"). No amount changes, so no credit arises.
    """
    natures = {e.nature for e in groupe}
    if len(natures) != 1:
        raise ValueError("one nature per group")
    nature = natures.pop()
    provisional = nature is NatureEcheance.PROVISIONNELLE
    return recompute_schedule(
        annee if provisional else date_demande.year,
        groupe,
        sum((e.montant for e in groupe), ZERO),
        periodicite,
        date_demande,
        DELAI_CHANGEMENT_PERIODICITE_JOURS,
        nature=nature,
        date_creation=date_creation if provisional else None,
    )


def check_periodicity_change_allowed(
    date_demande: date, changements_comptes: Iterable[date]
) -> None:
    """Refuse a second counted change in the calendar year of the request (§4)."""
    deja = sorted(d for d in changements_comptes if d.year == date_demande.year)
    if deja:
        raise DomainError(
            f"La périodicité de prélèvement ne peut être modifiée qu'une fois par année "
            f"civile ; elle a déjà été modifiée le {deja[-1].strftime('%d/%m/%Y')}.",
            field="periodicite",
            code="PERIODICITE_DEJA_MODIFIEE",
        )


def decide_periodicity_change(
    actuelle: Periodicite,
    demandee: Periodicite | None,
    date_demande: date,
    changements_comptes: Iterable[date],
) -> PeriodicityChange:
    """Decide a periodicity request; ``demandee=None`` removes the direct debit.

    Removing the direct debit forces TRIMESTRIEL and never counts toward the limit;
    asking for the current periodicity changes nothing and does not count either;
    any other change counts and is refused (DomainError ``PERIODICITE_DEJA_MODIFIEE``)
    when a counted change already happened in the same calendar year (§4).
    """
    nouvelle = Periodicite.TRIMESTRIEL if demandee is None else demandee
    modifiee = nouvelle is not actuelle
    compte = demandee is not None and modifiee
    if compte:
        check_periodicity_change_allowed(date_demande, changements_comptes)
    return PeriodicityChange(
        periodicite=nouvelle,
        prelevement_actif=demandee is not None,
        modifiee=modifiee,
        compte=compte,
        premiere_echeance=first_effective_due_date(nouvelle, date_demande),
    )
