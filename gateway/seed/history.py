"""A worker's account as it stands on a given day, replayed with the domain rules.

Seeded amounts must be the ones the gateway itself would compute (issue 2: "not
invented numbers"), so nothing here computes a contribution or an instalment: a
profile (incomes, when they were declared, periodicity, radiation, when the worker
stopped paying) is replayed as a timeline of the events of SPEC §4, each handled by
the rule that handles it in production:

* 1 January of each year (or the creation date): provisional basis
  (``provisional_basis``: N-2 until N-1 is declared, the forfait in the first two
  years, taxation d'office when nothing is declared), contributions with the engine,
  ``initial_schedule``;
* a declaration: definitive contributions of that year, the régularisation spread
  over the open due dates (``spread_regularisation``) or a credit, then the current
  year recomputed on the new basis (``recompute_schedule``, 15-day rule);
* a radiation: provisional instalments due after it are cancelled
  (``cancelled_by_radiation``);
* payments: each due date before ``today`` is paid on the day (direct debit or
  transfer) unless the profile stopped paying; every payment and credit is allocated
  oldest first with ``allocate_payment``, exactly as ``domain.compte`` replays it.

The output is plain rows (:class:`gateway.seed.rows.Lignes`), nothing touches a
database, so the generator is tested alone and bulk-inserted fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domain.baremes import bareme
from domain.base_provisionnelle import BaseProvisionnelle, NatureBase, provisional_basis
from domain.compte import allocate_payment, last_accounting_day
from domain.cotisations import (
    ResultatCotisations,
    compute_cotisations,
    compute_forfait_debut_activite,
)
from domain.echeancier import (
    DELAI_ECHEANCE_UNIQUE_JOURS,
    Instalment,
    InstalmentPlan,
    NatureEcheance,
    Periodicite,
    cancelled_by_radiation,
    initial_schedule,
    recompute_schedule,
    spread_regularisation,
)
from domain.money import ZERO, round_cent
from domain.nomenclatures import (
    ModePaiement,
    NatureCotisation,
    NatureRevenu,
    StatutProfessionnel,
)
from gateway.db import models
from gateway.seed.rows import Lignes
from gateway.services.contributions import ligne_detail

#: First year with a barème: earlier years only feed the provisional bases.
PREMIERE_ANNEE = 2023
#: A credit nobody could set against anything is refunded this many days later.
DELAI_REMBOURSEMENT_JOURS = 30
#: How a régularisation credit set against the account is recorded. There is no
#: dedicated mode (a "compensation") in ``ModePaiement`` yet; the reference says what it is.
MODE_CREDIT = ModePaiement.VIREMENT


@dataclass(frozen=True, slots=True)
class ProfilCompte:
    """What happened to a worker of the régime classique, as facts (not amounts).

    ``revenus``: the real income of each year (years before 2023 feed the bases of
    2023–2024). ``declarations``: the date each income was declared; an income
    whose date is not before ``today`` is not declared yet, one without a date never
    is (taxation d'office). ``impayes_depuis``: the worker stopped paying then
    (instalments due on or after it stay unpaid). Without direct debit the
    periodicity is TRIMESTRIEL (SPEC §4).
    """

    statut: StatutProfessionnel
    date_creation: date
    periodicite: Periodicite
    prelevement: bool
    revenus: Mapping[int, Decimal]
    declarations: Mapping[int, date]
    date_radiation: date | None = None
    impayes_depuis: date | None = None

    def __post_init__(self) -> None:
        if not self.prelevement and self.periodicite is not Periodicite.TRIMESTRIEL:
            raise ValueError("without direct debit, payment is quarterly (SPEC §4)")
        if not set(self.declarations) <= set(self.revenus):
            raise ValueError("a declared year needs its income")
        if any(jour.year <= annee for annee, jour in self.declarations.items()):
            raise ValueError("an income is declared after its year has ended")


@dataclass(frozen=True, slots=True)
class ResumeCompte:
    """What the account should show, for checks: balance at the last accounting day
    (SPEC §4) and what is overdue on ``today``."""

    solde: Decimal
    en_retard: Decimal


@dataclass(slots=True)
class _Echeance:
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
class _Calcul:
    """Contributions of a year and what they were computed on, and when."""

    resultat: ResultatCotisations
    base_calcul: str
    date_calcul: date
    base: BaseProvisionnelle | None = None


def add_cotisation_rows(
    lignes: Lignes,
    travailleur_id: int,
    nature: NatureCotisation,
    resultat: ResultatCotisations,
    base_calcul: str,
    date_calcul: date,
) -> None:
    """One ``cotisation`` row per line of an engine result, its slices, floor or ceiling
    kept as the services keep them (``ligne_detail``) so the API explains it.

    The base is stored to the cent: a prorated minimum (invalidité-décès in a creation
    year) has more decimals than a money column holds; the exact floor stays in the
    detail.
    """
    for ligne in resultat.lignes:
        lignes.add(
            models.Cotisation,
            travailleur_id=travailleur_id,
            annee=resultat.annee,
            nature=nature,
            code=ligne.code,
            montant=ligne.montant,
            assiette=round_cent(ligne.assiette),
            detail=ligne_detail(ligne),
            base_calcul=base_calcul,
            date_calcul=date_calcul,
        )


def base_calcul_text(base: BaseProvisionnelle) -> str:
    """Short French label of what provisional contributions were computed on."""
    if base.nature is NatureBase.FORFAIT_DEBUT_ACTIVITE:
        return "forfait de début d'activité"
    if base.nature is NatureBase.TAXATION_OFFICE:
        return "taxation d'office"
    if base.nature is NatureBase.ESTIMATION:
        return f"revenu estimé {base.annee}"
    ecart = 1 if base.nature is NatureBase.REVENU_N_1 else 2
    return f"revenu déclaré {base.annee - ecart}"


def generate_account(
    travailleur_id: int, profil: ProfilCompte, today: date, lignes: Lignes
) -> ResumeCompte:
    """Append the revenus, cotisations, échéances, paiements and allocations of one
    worker of the régime classique, as they stand on ``today``."""
    return _Historique(travailleur_id, profil, today, lignes).run()


class _Historique:
    """The replay of one worker's timeline (see the module docstring)."""

    def __init__(self, travailleur_id: int, profil: ProfilCompte, today: date, lignes: Lignes):
        if profil.date_creation >= today:
            raise ValueError("the activity must have started before today")
        self.id = travailleur_id
        self.profil = profil
        self.nature = profil.statut.nature
        self.today = today
        self.lignes = lignes
        self.echeances: list[_Echeance] = []
        self.provisionnelles: dict[int, _Calcul] = {}
        self.definitives: dict[int, _Calcul] = {}
        self.credits: list[tuple[date, Decimal, int]] = []
        # Non-cancelled instalments by (due date, id) once the timeline is replayed, and
        # the index of the oldest one not fully paid (see _record).
        self._actives: list[_Echeance] = []
        self._premiere_impayee = 0
        radiation = profil.date_radiation
        self.radiation = radiation if radiation is not None and radiation < today else None

    # --- timeline ---------------------------------------------------------------------

    def run(self) -> ResumeCompte:
        creation = self.profil.date_creation
        derniere = self.today.year if self.radiation is None else self.radiation.year
        evenements: list[tuple[date, int, int]] = []  # (date, kind, year)
        for annee in range(max(PREMIERE_ANNEE, creation.year), derniere + 1):
            evenements.append((max(date(annee, 1, 1), creation), 0, annee))
        for annee, jour in self.profil.declarations.items():
            if jour < self.today:
                evenements.append((jour, 1, annee))
        if self.radiation is not None:
            evenements.append((self.radiation, 2, 0))
        radie = False
        for jour, kind, annee in sorted(evenements):
            if kind == 0:
                self._open_year(annee, jour)
            elif kind == 1:
                self._declare(annee, jour, radie)
            else:
                self._radiate(jour)
                radie = True
        resume = self._pay()
        self._emit()
        return resume

    def _declared(self, jour: date) -> dict[int, Decimal]:
        """Incomes declared on or before ``jour``."""
        return {a: self.profil.revenus[a] for a, d in self.profil.declarations.items() if d <= jour}

    def _provisional(self, annee: int, jour: date) -> _Calcul:
        """Provisional contributions of ``annee`` on the basis known on ``jour`` (§4)."""
        creation = self.profil.date_creation
        pass_annuel = bareme(annee).plafond_securite_sociale
        base = provisional_basis(annee, self._declared(jour), None, creation, pass_annuel)
        if base.revenu is None:
            resultat = compute_forfait_debut_activite(annee, self.nature, creation)
        else:
            resultat = compute_cotisations(annee, self.nature, base.revenu, creation)
        return _Calcul(resultat, base_calcul_text(base), jour, base)

    def _add_instalments(self, annee: int, plans: list[InstalmentPlan]) -> None:
        for plan in plans:
            ident = self.lignes.next_id(models.Echeance)
            self.echeances.append(
                _Echeance(ident, annee, plan.nature, plan.date_echeance, plan.montant)
            )

    def _open_year(self, annee: int, jour: date) -> None:
        calcul = self._provisional(annee, jour)
        self.provisionnelles[annee] = calcul
        plans = initial_schedule(
            annee, self.profil.periodicite, calcul.resultat.total, self.profil.date_creation
        )
        self._add_instalments(annee, plans)

    def _provisional_of(self, annee: int) -> list[_Echeance]:
        return [
            e
            for e in self.echeances
            if e.annee == annee and e.nature is NatureEcheance.PROVISIONNELLE and not e.annulee
        ]

    def _declare(self, annee: int, jour: date, radie: bool) -> None:
        if annee in self.provisionnelles:
            self._regularise(annee, jour, radie)
        courante = jour.year
        ancienne = self.provisionnelles.get(courante)
        if radie or ancienne is None or ancienne.base is None:
            return
        nouvelle = self._provisional(courante, jour)
        assert nouvelle.base is not None
        if (nouvelle.base.nature, nouvelle.base.revenu) == (
            ancienne.base.nature,
            ancienne.base.revenu,
        ):
            return
        self.provisionnelles[courante] = nouvelle
        self._recompute(courante, nouvelle.resultat.total, jour)

    def _regularise(self, annee: int, jour: date, radie: bool) -> None:
        """Definitive contributions of ``annee`` and the régularisation against what
        its provisional instalments called (SPEC §4 "Declaring income")."""
        revenu = self.profil.revenus[annee]
        definitive = compute_cotisations(annee, self.nature, revenu, self.profil.date_creation)
        self.definitives[annee] = _Calcul(definitive, f"revenu déclaré {annee}", jour)
        appele = sum((e.montant for e in self._provisional_of(annee)), ZERO)
        ecart = definitive.total - appele
        if ecart < ZERO:
            self.credits.append((jour, -ecart, annee))
        elif ecart > ZERO and radie:
            # No schedule any more: one instalment, as when no due date is open (§4).
            unique = jour + timedelta(days=DELAI_ECHEANCE_UNIQUE_JOURS)
            self._add_instalments(
                annee, [InstalmentPlan(unique, ecart, NatureEcheance.REGULARISATION)]
            )
        elif ecart > ZERO:
            plans = spread_regularisation(ecart, self.profil.periodicite, jour)
            self._add_instalments(annee, plans)

    def _recompute(self, annee: int, montant: Decimal, jour: date) -> None:
        existantes = self._provisional_of(annee)
        change = recompute_schedule(
            annee,
            [e.instalment() for e in existantes],
            montant,
            self.profil.periodicite,
            jour,
            date_creation=self.profil.date_creation,
        )
        par_id = {e.id: e for e in existantes}
        for ident, nouveau in change.update.items():
            par_id[ident].montant = nouveau
        for ident in change.cancel:
            par_id[ident].annulee = True
        self._add_instalments(annee, list(change.create))

    def _radiate(self, jour: date) -> None:
        """Provisional instalments due after the radiation are cancelled; a closed
        year's régularisation still due is a debt, and stays."""
        provisoires = [
            e for e in self.echeances if e.nature is NatureEcheance.PROVISIONNELLE and not e.annulee
        ]
        annulees = set(cancelled_by_radiation([e.instalment() for e in provisoires], jour))
        for e in provisoires:
            if e.id in annulees:
                e.annulee = True

    # --- payments ---------------------------------------------------------------------

    def _pay(self) -> ResumeCompte:
        """Credits on their declaration day, then each due date before ``today`` paid
        on the day (until the worker stopped paying), allocated oldest first."""
        actives = sorted(
            (e for e in self.echeances if not e.annulee), key=lambda e: (e.date_echeance, e.id)
        )
        self._actives, self._premiere_impayee = actives, 0
        arret = self.profil.impayes_depuis
        evenements: list[tuple[date, int, Decimal, int]] = [
            (jour, 0, montant, annee) for jour, montant, annee in self.credits
        ]
        par_date: dict[date, list[_Echeance]] = {}
        for e in actives:
            par_date.setdefault(e.date_echeance, []).append(e)
        for jour in par_date:
            if jour < self.today and (arret is None or jour < arret):
                evenements.append((jour, 1, ZERO, 0))
        mode = ModePaiement.PRELEVEMENT if self.profil.prelevement else ModePaiement.VIREMENT
        verse: list[tuple[date, Decimal]] = []
        for jour, kind, montant, annee in sorted(evenements, key=lambda ev: (ev[0], ev[1])):
            if kind == 0:
                reste = self._record(jour, montant, MODE_CREDIT, f"Crédit régularisation {annee}")
                verse.append((jour, montant))
                remboursement = jour + timedelta(days=DELAI_REMBOURSEMENT_JOURS)
                if reste > ZERO and remboursement < self.today:
                    libelle = f"Remboursement crédit régularisation {annee}"
                    self._record(remboursement, -reste, ModePaiement.VIREMENT, libelle)
                    verse.append((remboursement, -reste))
                continue
            du = sum((e.montant - e.paye for e in par_date[jour]), ZERO)
            if du > ZERO:
                libelle = "Prélèvement SEPA" if self.profil.prelevement else "Virement"
                self._record(jour, du, mode, f"{libelle} échéance du {jour:%d/%m/%Y}")
                verse.append((jour, du))
        arrete = last_accounting_day(self.today)
        appele = sum((e.montant for e in actives if e.date_echeance <= arrete), ZERO)
        recu = sum((m for jour, m in verse if jour <= arrete), ZERO)
        en_retard = sum((e.montant - e.paye for e in actives if e.date_echeance < self.today), ZERO)
        return ResumeCompte(solde=appele - recu, en_retard=en_retard)

    def _record(self, jour: date, montant: Decimal, mode: ModePaiement, reference: str) -> Decimal:
        """Store a payment (a refund when negative) and allocate it; returns what is left."""
        paiement_id = self.lignes.add(
            models.Paiement,
            travailleur_id=self.id,
            date_paiement=jour,
            montant=montant,
            mode=mode,
            reference=reference,
        )
        if montant <= ZERO:
            return ZERO
        # The unpaid instalments are always a suffix (allocation fills the oldest first):
        # hand allocate_payment the prefix of that suffix the payment can reach.
        actives, candidates, couvert = self._actives, [], ZERO
        for e in actives[self._premiere_impayee :]:
            if couvert >= montant:
                break
            if e.montant > e.paye:
                candidates.append(e)
                couvert += e.montant - e.paye
        allocation = allocate_payment(montant, [e.instalment() for e in candidates])
        par_id = {e.id: e for e in candidates}
        for ident, part in allocation.parts.items():
            par_id[ident].paye += part
            self.lignes.add(
                models.AffectationPaiement, paiement_id=paiement_id, echeance_id=ident, montant=part
            )
        while (
            self._premiere_impayee < len(actives)
            and actives[self._premiere_impayee].paye >= actives[self._premiere_impayee].montant
        ):
            self._premiere_impayee += 1
        return allocation.reste

    # --- rows -------------------------------------------------------------------------

    def _emit(self) -> None:
        for annee, jour in sorted(self.profil.declarations.items()):
            if jour < self.today:
                self.lignes.add(
                    models.Revenu,
                    travailleur_id=self.id,
                    annee=annee,
                    nature=NatureRevenu.DECLARE,
                    montant=self.profil.revenus[annee],
                    date_saisie=jour,
                )
        for nature, calculs in (
            (NatureCotisation.PROVISIONNELLE, self.provisionnelles),
            (NatureCotisation.DEFINITIVE, self.definitives),
        ):
            for annee in sorted(calculs):
                c = calculs[annee]
                add_cotisation_rows(
                    self.lignes, self.id, nature, c.resultat, c.base_calcul, c.date_calcul
                )
        rows = self.lignes.rows.setdefault(models.Echeance, [])
        for e in sorted(self.echeances, key=lambda e: e.id):
            rows.append(
                {
                    "id": e.id,
                    "travailleur_id": self.id,
                    "annee": e.annee,
                    "nature": e.nature,
                    "date_echeance": e.date_echeance,
                    "montant": e.montant,
                    "montant_paye": e.paye,
                    "annulee": e.annulee,
                    "rejets": 0,
                    "report_vers_id": None,
                    "montant_reporte": ZERO,
                }
            )
