"""The worker's account: payments, balance, per-period detail, majorations — SPEC §4
"Payments" and the rejected direct debits of §4 "Schedule".

Pure functions over plain values: the persistence layer loads instalments and
payments, calls these rules and stores what they return. "Today" is an argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from domain.echeancier import Instalment, add_months
from domain.errors import DomainError
from domain.money import ONE_CENT, ZERO, floor_cent, round_cent
from domain.nomenclatures import StatutEcheance

TAUX_MAJORATION = Decimal("0.05")
TAUX_MAJORATION_MENSUELLE = Decimal("0.002")
#: Consecutive rejections after which the periodicity becomes TRIMESTRIEL.
REJETS_AVANT_TRIMESTRIEL = 2


def statut_echeance(
    montant: Decimal,
    paye: Decimal,
    date_echeance: date,
    today: date,
    *,
    annulee: bool = False,
    rejets: int = 0,
    montant_reporte: Decimal = ZERO,
) -> StatutEcheance:
    """Where an instalment stands on ``today``: cancelled; rejected (its direct debit was
    rejected and it is not settled on its own: its amount was carried to the next
    instalment, or it is still unpaid) — never "paid" (§4); paid; overdue (past its due
    date and not fully paid); or to come."""
    if annulee:
        return StatutEcheance.ANNULEE
    if rejets > 0 and (montant_reporte > ZERO or paye < montant):
        return StatutEcheance.REJETE
    if paye >= montant:
        return StatutEcheance.PAYEE
    return StatutEcheance.EN_RETARD if date_echeance < today else StatutEcheance.A_VENIR


def last_accounting_day(today: date) -> date:
    """Last weekday (Monday–Friday) strictly before ``today`` (§4); a Monday gives the
    previous Friday. Public holidays are not considered (the SPEC says weekday)."""
    jour = today - timedelta(days=1)
    while jour.weekday() >= 5:  # Saturday = 5, Sunday = 6
        jour -= timedelta(days=1)
    return jour


# --- allocation ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Allocation:
    """How one payment is spread: amount per instalment id, and the leftover credit."""

    parts: dict[int, Decimal] = field(default_factory=dict, hash=False)
    reste: Decimal = ZERO


def allocate_payment(montant: Decimal, echeances: Iterable[Instalment]) -> Allocation:
    """Allocate a payment (or a credit) to the oldest unpaid instalments first — due
    date, then id — whether already due or not; what is left is a credit (§4)."""
    if montant <= ZERO or montant != montant.quantize(ONE_CENT):
        raise DomainError(
            f"Le montant du paiement doit être positif et exprimé en centimes (reçu : {montant}).",
            field="montant",
            code="MONTANT_INVALIDE",
        )
    reste = montant
    parts: dict[int, Decimal] = {}
    for echeance in sorted(echeances, key=lambda e: (e.date_echeance, e.id)):
        if reste == ZERO:
            break
        part = min(reste, echeance.reste_du)
        if part > ZERO:
            parts[echeance.id] = part
            reste -= part
    return Allocation(parts=parts, reste=reste)


def attribute_to_lines(montant: Decimal, lignes: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Attribute an amount paid to the contribution lines of its year, pro rata (§4).

    Each line gets its share rounded *down* to the cent, the remainder (less than one
    cent per line) goes to the largest line (first in mapping order on a tie), so the
    parts sum exactly to the amount and none is negative. This is how "RETRAITE_BASE
    paid" or "CFP paid" is known.
    """
    if any(m < ZERO for m in lignes.values()):
        raise ValueError("contribution lines are never negative")
    total = sum(lignes.values(), ZERO)
    if total == ZERO:
        raise ValueError("cannot attribute to lines that sum to zero")
    parts = {code: floor_cent(montant * m / total) for code, m in lignes.items()}
    plus_grande = max(lignes, key=lambda code: lignes[code])
    parts[plus_grande] += montant - sum(parts.values(), ZERO)
    return parts


# --- balance and per-period detail --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paiement:
    """A payment received (or a credit set against the account) on a date."""

    id: int
    date_paiement: date
    montant: Decimal


@dataclass(frozen=True, slots=True)
class PeriodeDetail:
    """One month of the account: called = instalments due that month; paid = amounts
    allocated to those instalments; remaining = called − paid."""

    annee: int
    mois: int
    appele: Decimal
    paye: Decimal
    reste: Decimal


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """Balance and detail at the last accounting day (majorations are shown beside)."""

    date_arrete: date
    solde: Decimal
    periodes: tuple[PeriodeDetail, ...]


def replay_allocations(
    echeances: Sequence[Instalment], paiements: Iterable[Paiement]
) -> list[tuple[Paiement, dict[int, Decimal]]]:
    """Every payment received (date, then id; positive amounts only) with the parts it
    pays on each instalment, allocated oldest unpaid first — the §4 rule
    (:func:`allocate_payment`) replayed over the whole account, ignoring any stored
    ``montant_paye``.

    What is paid only grows and always fills the oldest unpaid instalment first, so the
    replay is one sweep over the instalments in due order: linear, not payments ×
    instalments. What no instalment absorbs is the payment's credit.
    """
    ordre = sorted(echeances, key=lambda e: (e.date_echeance, e.id))
    paye = {e.id: ZERO for e in ordre}
    rang = 0
    replay: list[tuple[Paiement, dict[int, Decimal]]] = []
    for paiement in sorted(paiements, key=lambda p: (p.date_paiement, p.id)):
        if paiement.montant <= ZERO:
            continue
        parts: dict[int, Decimal] = {}
        reste = paiement.montant
        while reste > ZERO and rang < len(ordre):
            echeance = ordre[rang]
            part = min(reste, max(ZERO, echeance.montant - paye[echeance.id]))
            if part > ZERO:
                parts[echeance.id] = part
                paye[echeance.id] += part
                reste -= part
            if paye[echeance.id] >= echeance.montant:
                rang += 1
        replay.append((paiement, parts))
    return replay


def paid_by_instalment(
    echeances: Sequence[Instalment], paiements: Iterable[Paiement], as_of: date
) -> dict[int, Decimal]:
    """What the payments received on or before ``as_of`` paid on each instalment
    (:func:`replay_allocations`)."""
    paye = {e.id: ZERO for e in echeances}
    recus = [p for p in paiements if p.date_paiement <= as_of]
    for _paiement, parts in replay_allocations(echeances, recus):
        for echeance_id, part in parts.items():
            paye[echeance_id] += part
    return paye


@dataclass(frozen=True, slots=True)
class DeclarationDue:
    """What one line of a micro-entrepreneur's declaration owes (SPEC §7)."""

    periode: str
    date_exigibilite: date
    cotisations: Decimal
    cfp: Decimal


@dataclass(frozen=True, slots=True)
class DuMicro:
    """One period's dues: its contributions and CFP summed over the activities."""

    periode: str
    cotisations: Decimal
    cfp: Decimal


def micro_dues(
    declarations: Iterable[DeclarationDue], paiements: Iterable[Paiement]
) -> tuple[list[Instalment], dict[int, DuMicro]]:
    """A micro-entrepreneur's dues as instalments — one per period, contributions + CFP,
    due at the end of the following month (§7) — with what the payments, allocated
    oldest first, paid on them; and, per due (negative ids), its period and parts.

    They have no échéancier: their declarations are what they owe, for the balance as
    for the attestations."""
    par_periode: dict[tuple[date, str], tuple[Decimal, Decimal]] = {}
    for d in declarations:
        cotisations, cfp = par_periode.get((d.date_exigibilite, d.periode), (ZERO, ZERO))
        par_periode[(d.date_exigibilite, d.periode)] = (cotisations + d.cotisations, cfp + d.cfp)
    dues: list[Instalment] = []
    detail: dict[int, DuMicro] = {}
    for rang, ((echeance, periode), (cotisations, cfp)) in enumerate(sorted(par_periode.items())):
        dues.append(Instalment(-(rang + 1), echeance, cotisations + cfp))
        detail[-(rang + 1)] = DuMicro(periode, cotisations, cfp)
    paye = paid_by_instalment(dues, paiements, date.max)
    return [Instalment(i.id, i.date_echeance, i.montant, paye[i.id]) for i in dues], detail


def balance(echeances: Iterable[Instalment], paiements: Iterable[Paiement], as_of: date) -> Decimal:
    """Instalments due on or before ``as_of`` − payments received on or before it (§4).
    Negative when the worker is in credit (payments in advance)."""
    du = sum((e.montant for e in echeances if e.date_echeance <= as_of), ZERO)
    recu = sum((p.montant for p in paiements if p.date_paiement <= as_of), ZERO)
    return du - recu


def period_detail(
    echeances: Sequence[Instalment], paiements: Iterable[Paiement], as_of: date
) -> list[PeriodeDetail]:
    """Per (year, month) of due date, for instalments due on or before ``as_of``: called,
    paid (allocated from payments received on or before ``as_of``), remaining.

    Payments allocated to instalments due later, and unallocated credit, show only in
    the balance: balance = Σ remaining − those amounts.
    """
    paye = paid_by_instalment(echeances, paiements, as_of)
    mois: dict[tuple[int, int], tuple[Decimal, Decimal]] = {}
    for e in echeances:
        if e.date_echeance > as_of:
            continue
        cle = (e.date_echeance.year, e.date_echeance.month)
        appele, deja = mois.get(cle, (ZERO, ZERO))
        mois[cle] = (appele + e.montant, deja + paye[e.id])
    return [PeriodeDetail(a, m, c, p, c - p) for (a, m), (c, p) in sorted(mois.items())]


def account_summary(
    echeances: Sequence[Instalment], paiements: Sequence[Paiement], today: date
) -> AccountSummary:
    """The account summary at the last accounting day before ``today`` (§4)."""
    arrete = last_accounting_day(today)
    return AccountSummary(
        date_arrete=arrete,
        solde=balance(echeances, paiements, arrete),
        periodes=tuple(period_detail(echeances, paiements, arrete)),
    )


# --- majorations --------------------------------------------------------------------


def months_of_delay(date_echeance: date, today: date) -> int:
    """Months "or part of a month" elapsed since the due date (0 when not overdue).

    Month m ends on the same day m months after the due date (clamped to the month end):
    due 5 March → today 6 March..5 April = 1, 6 April..5 May = 2. Due 31 January →
    1 February..28 February = 1, 1 March..31 March = 2.
    """
    if today <= date_echeance:
        return 0
    mois = (today.year - date_echeance.year) * 12 + today.month - date_echeance.month
    while add_months(date_echeance, mois) >= today:
        mois -= 1
    return mois + 1


def majorations(echeance: Instalment, today: date, *, exoneree: bool = False) -> Decimal:
    """Late-payment surcharges of one instalment (§4), shown beside the balance.

    5 % of the unpaid amount, plus 0.2 % of it per month or part of a month since the due
    date (:func:`months_of_delay`); each of the two parts is rounded to the cent half up.
    Zero when nothing is unpaid, when not yet overdue (today ≤ due date) or when
    ``exoneree``: covered by an accepted and respected payment plan (§5), or a rejected
    debit carried to the next instalment (majorations only after two rejections).
    """
    mois = months_of_delay(echeance.date_echeance, today)
    du = echeance.reste_du
    if exoneree or mois == 0 or du == ZERO:
        return ZERO
    return round_cent(du * TAUX_MAJORATION) + round_cent(du * TAUX_MAJORATION_MENSUELLE * mois)


# --- rejected direct debits ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rejet:
    """A rejected direct debit: the instalment's own amount that was not collected
    (amounts carried into it from an earlier rejection excluded)."""

    echeance_id: int
    date_echeance: date
    montant: Decimal


@dataclass(frozen=True, slots=True)
class SuiteRejet:
    """What to change after a rejection (§4): carry ``montant_reporte`` to the next
    instalment ``report_sur`` (collected with its debit), or — after two consecutive
    rejections — force TRIMESTRIEL (not a request: it does not count toward the yearly
    limit) and apply majorations to every rejected amount of the streak."""

    report_sur: int | None
    montant_reporte: Decimal
    passage_trimestriel: bool
    rejets_majores: tuple[Rejet, ...]


def after_rejected_debit(
    rejets_consecutifs: Sequence[Rejet], echeances: Iterable[Instalment]
) -> SuiteRejet:
    """Decide what follows the latest rejection (last of ``rejets_consecutifs``, the
    current streak oldest first; a successful debit resets the streak).

    Below two rejections the amount is carried to the next unpaid instalment due after
    the rejected one (none: it simply stays due, without majorations yet).
    """
    if not rejets_consecutifs:
        raise ValueError("at least one rejection is expected")
    if len(rejets_consecutifs) >= REJETS_AVANT_TRIMESTRIEL:
        return SuiteRejet(None, ZERO, True, tuple(rejets_consecutifs))
    rejet = rejets_consecutifs[-1]
    suivantes = sorted(
        (e for e in echeances if e.date_echeance > rejet.date_echeance and e.reste_du > ZERO),
        key=lambda e: (e.date_echeance, e.id),
    )
    if not suivantes:
        return SuiteRejet(None, ZERO, False, ())
    return SuiteRejet(suivantes[0].id, rejet.montant, False, ())


def rejection_majorations(rejets: Iterable[Rejet], today: date) -> Decimal:
    """Majorations on rejected amounts, each from its own original due date."""
    return sum(
        (majorations(Instalment(r.echeance_id, r.date_echeance, r.montant), today) for r in rejets),
        ZERO,
    )


@dataclass(frozen=True, slots=True)
class PeriodeMandat:
    """When a SEPA mandate was in force: from its signature to ``fin`` (excluded), the
    day it stopped; ``fin`` is None while it is in force."""

    debut: date
    fin: date | None


def direct_debit_active_on(jour: date, mandats: Iterable[PeriodeMandat]) -> bool:
    """True when a mandate was in force on ``jour`` (a debit could be presented)."""
    return any(m.debut <= jour and (m.fin is None or jour < m.fin) for m in mandats)


def check_rejected_debit_allowed(
    echeance: Instalment,
    today: date,
    mandats: Iterable[PeriodeMandat],
    *,
    annulee: bool,
    montant_reporte: Decimal,
) -> None:
    """A rejected debit applies only to an unpaid instalment that fell due while the
    worker's direct debit was active (§4); anything else is refused, naming why."""

    def refuse(message: str) -> DomainError:
        return DomainError(message, field="echeanceId", code="ECHEANCE_NON_REJETABLE")

    jour = echeance.date_echeance.strftime("%d/%m/%Y")
    if annulee:
        raise refuse(f"L'échéance du {jour} est annulée : aucun prélèvement n'a été présenté.")
    if echeance.date_echeance > today:
        raise refuse(
            f"L'échéance du {jour} n'est pas encore échue : aucun prélèvement n'a été présenté."
        )
    if not direct_debit_active_on(echeance.date_echeance, mandats):
        raise refuse(
            f"Aucun prélèvement automatique n'était en place le {jour} : l'échéance n'a pas "
            "été prélevée, son prélèvement ne peut pas avoir été rejeté."
        )
    if montant_reporte > ZERO:
        raise refuse(
            f"Le prélèvement de l'échéance du {jour} a déjà été rejeté : son montant est "
            "reporté sur l'échéance suivante."
        )
    if echeance.reste_du == ZERO:
        raise refuse(f"L'échéance du {jour} est payée : il n'y a pas de prélèvement à rejeter.")
