"""Payments of a seeded account: who paid what, when, and where it went.

Each due date before ``today`` is paid on the day, by direct debit or transfer, for
what is still due on it, until the worker stopped paying; credits (régularisation,
recomputation) arrive on their own day. Every amount is allocated oldest first with
``domain.compte.allocate_payment``, in date order, over the instalments that are not
cancelled: exactly the replay ``gateway.services.ledger.reallocate_payments`` does, so
the stored ``montant_paye`` and allocations are what the services would store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.compte import allocate_payment, last_accounting_day
from domain.echeancier import Instalment, NatureEcheance
from domain.money import ZERO
from domain.nomenclatures import ModePaiement
from gateway.db import models
from gateway.seed.rows import Lignes


@dataclass(slots=True)
class EcheanceSimulee:
    """An instalment while the timeline is replayed (amounts change until due)."""

    id: int
    annee: int
    nature: NatureEcheance
    date_echeance: date
    montant: Decimal
    annulee: bool = False
    paye: Decimal = ZERO

    def instalment(self) -> Instalment:
        return Instalment(self.id, self.date_echeance, self.montant, self.paye, self.nature)


@dataclass(frozen=True, slots=True)
class Credit:
    """A credit of the account on a day (a CREDIT payment, SPEC §4)."""

    jour: date
    montant: Decimal
    motif: str
    #: The year whose credit this is (a recomputation credit), None for a régularisation.
    annee_credit: int | None = None


@dataclass(frozen=True, slots=True)
class ResumeCompte:
    """What the account should show, for checks: balance at the last accounting day
    (SPEC §4) and what is overdue on ``today``."""

    solde: Decimal
    en_retard: Decimal


class Encaissements:
    """Records payments and credits of one worker and allocates them (oldest first)."""

    def __init__(
        self, travailleur_id: int, echeances: list[EcheanceSimulee], lignes: Lignes
    ) -> None:
        self.travailleur_id = travailleur_id
        self.lignes = lignes
        self.actives = sorted(
            (e for e in echeances if not e.annulee), key=lambda e: (e.date_echeance, e.id)
        )
        # Allocation fills the oldest first, so the unpaid instalments are always a
        # suffix of ``actives``: this is where it starts.
        self.premiere_impayee = 0
        self.recus: list[tuple[date, Decimal]] = []

    def replay(
        self, credits: list[Credit], today: date, impayes_depuis: date | None, prelevement: bool
    ) -> ResumeCompte:
        """Credits on their day, then every due date before ``today`` paid on the day for
        what is still due on it (none from ``impayes_depuis`` on)."""
        par_date: dict[date, list[EcheanceSimulee]] = {}
        for e in self.actives:
            par_date.setdefault(e.date_echeance, []).append(e)
        evenements: list[tuple[date, int, Credit | None]] = [(c.jour, 0, c) for c in credits]
        evenements += [
            (jour, 1, None)
            for jour in par_date
            if jour < today and (impayes_depuis is None or jour < impayes_depuis)
        ]
        mode = ModePaiement.PRELEVEMENT if prelevement else ModePaiement.VIREMENT
        libelle = "Prélèvement SEPA" if prelevement else "Virement"
        for jour, _, credit in sorted(evenements, key=lambda ev: (ev[0], ev[1])):
            if credit is not None:
                self.record(
                    jour, credit.montant, ModePaiement.CREDIT, credit.motif, credit.annee_credit
                )
                continue
            du = sum((e.montant - e.paye for e in par_date[jour]), ZERO)
            if du > ZERO:
                self.record(jour, du, mode, f"{libelle} échéance du {jour:%d/%m/%Y}")
        arrete = last_accounting_day(today)
        appele = sum((e.montant for e in self.actives if e.date_echeance <= arrete), ZERO)
        recu = sum((m for jour, m in self.recus if jour <= arrete), ZERO)
        en_retard = sum((e.montant - e.paye for e in self.actives if e.date_echeance < today), ZERO)
        return ResumeCompte(solde=appele - recu, en_retard=en_retard)

    def record(
        self,
        jour: date,
        montant: Decimal,
        mode: ModePaiement,
        reference: str,
        annee_credit: int | None = None,
    ) -> None:
        """Store a payment and its allocations; what nothing absorbs stays a credit."""
        paiement_id = self.lignes.add(
            models.Paiement,
            travailleur_id=self.travailleur_id,
            date_paiement=jour,
            montant=montant,
            mode=mode,
            reference=reference[:50],
            annee_credit=annee_credit,
        )
        self.recus.append((jour, montant))
        # Hand allocate_payment the unpaid instalments this amount can reach.
        candidates: list[EcheanceSimulee] = []
        couvert = ZERO
        for e in self.actives[self.premiere_impayee :]:
            if couvert >= montant:
                break
            if e.montant > e.paye:
                candidates.append(e)
                couvert += e.montant - e.paye
        allocation = allocate_payment(montant, [e.instalment() for e in candidates])
        par_id = {e.id: e for e in candidates}
        for echeance_id, part in allocation.parts.items():
            par_id[echeance_id].paye += part
            self.lignes.add(
                models.AffectationPaiement,
                paiement_id=paiement_id,
                echeance_id=echeance_id,
                montant=part,
            )
        actives = self.actives
        while (
            self.premiere_impayee < len(actives)
            and actives[self.premiere_impayee].paye >= actives[self.premiere_impayee].montant
        ):
            self.premiere_impayee += 1
