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
  year recomputed on the new basis (``recompute_schedule``, 15-day rule, a credit
  when the fixed instalments already exceed the new amount);
* a radiation: provisional instalments due after it are cancelled (``radiate``, the
  rule ``recordRadiation`` applies);
* payments (``gateway.seed.paiements``): each due date before ``today`` is paid on
  the day unless the profile stopped paying; payments and credits are allocated
  oldest first with ``allocate_payment``.

The steps and texts are those of ``gateway.services.revenus`` / ``provisional``, so a
seeded account looks like one the gateway built itself. The output is plain rows
(:class:`gateway.seed.rows.Lignes`); nothing touches a database, so the generator is
tested alone and bulk-inserted fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.appel_provisionnel import (
    CreditAnnee,
    EcheanceAppelee,
    credit_after_recompute,
    provisional_called,
)
from domain.baremes import bareme
from domain.base_provisionnelle import NatureBase, provisional_basis
from domain.calendrier_declarations import PREMIERE_ANNEE_COUVERTE
from domain.cotisations import (
    ResultatCotisations,
    compute_cotisations,
    compute_forfait_debut_activite,
)
from domain.echeancier import (
    InstalmentPlan,
    NatureEcheance,
    Periodicite,
    initial_schedule,
    recompute_schedule,
    spread_regularisation,
)
from domain.money import ZERO, round_cent
from domain.nomenclatures import (
    NatureCotisation,
    NatureRevenu,
    Situation,
    StatutProfessionnel,
)
from domain.radiation import radiate
from gateway.db import models
from gateway.db.cotisation_detail import ligne_detail
from gateway.seed.paiements import Credit, EcheanceSimulee, Encaissements, ResumeCompte
from gateway.seed.rows import Lignes

#: First year with a barème: earlier years only feed the provisional bases.
PREMIERE_ANNEE = PREMIERE_ANNEE_COUVERTE


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
class _Calcul:
    """Contributions of a year and what they were computed on, and when."""

    resultat: ResultatCotisations
    base_calcul: str
    date_calcul: date


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
        self.echeances: list[EcheanceSimulee] = []
        self.provisionnelles: dict[int, _Calcul] = {}
        self.definitives: dict[int, _Calcul] = {}
        self.credits: list[Credit] = []
        self.credits_recalcul: dict[int, CreditAnnee] = {}
        radiation = profil.date_radiation
        self.radiation = radiation if radiation is not None and radiation < today else None
        self.radie = False

    def run(self) -> ResumeCompte:
        creation = self.profil.date_creation
        derniere = self.today.year if self.radiation is None else self.radiation.year
        evenements: list[tuple[date, int, int]] = []  # (day, kind, year), kinds in day order
        for annee in range(max(PREMIERE_ANNEE, creation.year), derniere + 1):
            evenements.append((max(date(annee, 1, 1), creation), 0, annee))
        for annee, jour in self.profil.declarations.items():
            if jour < self.today:
                evenements.append((jour, 1, annee))
        if self.radiation is not None:
            evenements.append((self.radiation, 2, 0))
        for jour, kind, annee in sorted(evenements):
            if kind == 0:
                self._open_year(annee, jour)
            elif kind == 1:
                self._declare(annee, jour)
            else:
                self._radiate(jour)
        encaissements = Encaissements(self.id, self.echeances, self.lignes)
        credits = self.credits + [
            Credit(c.date_recalcul, c.montant, f"Crédit recalcul {c.annee}", c.annee)
            for c in self.credits_recalcul.values()
        ]
        resume = encaissements.replay(
            credits, self.today, self.profil.impayes_depuis, self.profil.prelevement
        )
        self._emit()
        return resume

    def _declared(self, jour: date) -> dict[int, Decimal]:
        """Incomes declared on or before ``jour``."""
        return {a: self.profil.revenus[a] for a, d in self.profil.declarations.items() if d <= jour}

    def _provisional(self, annee: int, jour: date) -> _Calcul:
        """Provisional contributions of ``annee`` on the basis known on ``jour`` (§4)."""
        creation = self.profil.date_creation
        pass_annuel = bareme(annee).plafond_securite_sociale
        base = provisional_basis(
            annee, self._declared(jour), None, creation, pass_annuel, jour=jour
        )
        if base.nature is NatureBase.FORFAIT_DEBUT_ACTIVITE or base.revenu is None:
            resultat = compute_forfait_debut_activite(annee, self.nature, creation)
        else:
            resultat = compute_cotisations(annee, self.nature, base.revenu, creation)
        return _Calcul(resultat, base.explication, jour)

    def _add_instalments(self, annee: int, plans: list[InstalmentPlan]) -> None:
        for plan in plans:
            ident = self.lignes.next_id(models.Echeance)
            self.echeances.append(
                EcheanceSimulee(ident, annee, plan.nature, plan.date_echeance, plan.montant)
            )

    def _open_year(self, annee: int, jour: date) -> None:
        calcul = self._provisional(annee, jour)
        self.provisionnelles[annee] = calcul
        plans = initial_schedule(
            annee, self.profil.periodicite, calcul.resultat.total, self.profil.date_creation
        )
        self._add_instalments(annee, plans)

    def _provisional_of(self, annee: int) -> list[EcheanceSimulee]:
        return [
            e
            for e in self.echeances
            if e.annee == annee and e.nature is NatureEcheance.PROVISIONNELLE and not e.annulee
        ]

    def _declare(self, annee: int, jour: date) -> None:
        """A declaration (``declareRevenu``): régularisation of that year, then the
        current year recomputed on the new basis unless the worker is radié."""
        if annee in self.provisionnelles:
            self._regularise(annee, jour)
        courante = jour.year
        if self.radie or courante not in self.provisionnelles:
            return
        nouvelle = self._provisional(courante, jour)
        self.provisionnelles[courante] = nouvelle
        existantes = self._provisional_of(courante)
        change = recompute_schedule(
            courante,
            [e.instalment() for e in existantes],
            nouvelle.resultat.total,
            self.profil.periodicite,
            jour,
            date_creation=self.profil.date_creation,
        )
        par_id = {e.id: e for e in existantes}
        for ident, montant in change.update.items():
            par_id[ident].montant = montant
        for ident in change.cancel:
            par_id[ident].annulee = True
        self._add_instalments(courante, list(change.create))
        # The credit of the year is state: this recomputation replaces it (SPEC §4).
        credit = credit_after_recompute(courante, change, jour)
        if credit is None:
            self.credits_recalcul.pop(courante, None)
        else:
            self.credits_recalcul[courante] = credit

    def _regularise(self, annee: int, jour: date) -> None:
        """Definitive contributions of ``annee`` and the régularisation against what its
        provisional called (SPEC §4)."""
        revenu = self.profil.revenus[annee]
        definitive = compute_cotisations(annee, self.nature, revenu, self.profil.date_creation)
        self.definitives[annee] = _Calcul(definitive, f"Revenu {annee} déclaré : {revenu} €.", jour)
        credit = self.credits_recalcul.get(annee)
        appele = provisional_called(
            annee,
            [EcheanceAppelee(e.annee, e.nature, e.montant) for e in self._provisional_of(annee)],
            ZERO if credit is None else credit.montant,
        )
        ecart = definitive.total - appele
        if ecart < ZERO:
            self.credits.append(Credit(jour, -ecart, f"Régularisation {annee}"))
        elif ecart > ZERO:
            # A radié has no schedule left: the quarterly due dates, as the service does.
            periodicite = Periodicite.TRIMESTRIEL if self.radie else self.profil.periodicite
            self._add_instalments(annee, spread_regularisation(ecart, periodicite, jour))

    def _radiate(self, jour: date) -> None:
        """The radiation as ``recordRadiation`` records it on its day (same domain rule):
        provisional instalments due after it are cancelled; a closed year's
        régularisation still due is a debt, and stays."""
        situation = Situation.RADIE if self.radie else Situation.ACTIF
        restantes = [e for e in self.echeances if not e.annulee]
        annulees = set(
            radiate(
                jour,
                date_debut=self.profil.date_creation,
                today=jour,
                situation=situation,
                echeances=[e.instalment() for e in restantes],
            )
        )
        self.radie = True
        for e in restantes:
            if e.id in annulees:
                e.annulee = True

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
