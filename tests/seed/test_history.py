"""The seeded account is the one the domain rules give (no database involved)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain import compte
from domain.baremes import bareme
from domain.base_provisionnelle import taxation_d_office_income
from domain.cotisations import (
    CotisationCode,
    NatureActivite,
    ResultatCotisations,
    compute_cotisations,
    compute_forfait_debut_activite,
)
from domain.echeancier import DELAI_CREATION_JOURS, Instalment, NatureEcheance, Periodicite
from domain.micro import ActiviteMicro, compute_cotisations_micro
from domain.money import ZERO, round_cent
from domain.nomenclatures import (
    ModePaiement,
    NatureCotisation,
    PeriodiciteDeclaration,
    StatutProfessionnel,
)
from gateway.db import models
from gateway.db.cotisation_detail import ligne_detail
from gateway.seed.history import ProfilCompte, generate_account
from gateway.seed.history_micro import ProfilMicro, generate_micro_account
from gateway.seed.identites import Identifiants
from gateway.seed.paiements import ResumeCompte
from gateway.seed.portfolio import Scenario, add_client, random_client
from gateway.seed.rows import Lignes, Row

D = Decimal
TODAY = date(2026, 11, 23)
LAST_ACCOUNTING_DAY = date(2026, 11, 20)
ARTISAN = StatutProfessionnel.ARTISAN


def profil(**changes: object) -> ProfilCompte:
    """An artisan since 2015, monthly on the 5th, every income declared in May."""
    valeurs: dict[str, object] = {
        "statut": ARTISAN,
        "date_creation": date(2015, 3, 2),
        "periodicite": Periodicite.MENSUEL_5,
        "prelevement": True,
        "revenus": {
            2021: D(30_000),
            2022: D(32_000),
            2023: D(35_000),
            2024: D(36_500),
            2025: D(38_200),
        },
        "declarations": {a: date(a + 1, 5, 15) for a in range(2021, 2026)},
    }
    valeurs.update(changes)
    return ProfilCompte(**valeurs)  # type: ignore[arg-type]


def run(p: ProfilCompte, today: date = TODAY) -> tuple[Lignes, ResumeCompte]:
    lignes = Lignes()
    return lignes, generate_account(1, p, today, lignes)


def echeances(lignes: Lignes, **where: object) -> list[Row]:
    return [e for e in lignes.of(models.Echeance) if all(e[k] == v for k, v in where.items())]


def cotisations(lignes: Lignes, annee: int, nature: NatureCotisation) -> list[Row]:
    return [
        c for c in lignes.of(models.Cotisation) if c["annee"] == annee and c["nature"] is nature
    ]


def assert_rows_are(rows: list[Row], resultat: ResultatCotisations) -> None:
    assert [(r["code"], r["montant"], r["assiette"], r["detail"]) for r in rows] == [
        (ligne.code, ligne.montant, round_cent(ligne.assiette), ligne_detail(ligne))
        for ligne in resultat.lignes
    ]


def assert_consistent(lignes: Lignes, today: date = TODAY) -> None:
    """Per worker: montant_paye = its allocations = the domain's own replay; a payment
    is never over-allocated; the balance is what is overdue less what is paid ahead."""
    allocations: dict[int, Decimal] = defaultdict(Decimal)
    par_paiement: dict[int, Decimal] = defaultdict(Decimal)
    for a in lignes.of(models.AffectationPaiement):
        allocations[a["echeance_id"]] += a["montant"]
        par_paiement[a["paiement_id"]] += a["montant"]
    classiques = {e["travailleur_id"] for e in lignes.of(models.Echeance)}
    paiements_de: dict[int, list[Row]] = defaultdict(list)
    for p in lignes.of(models.Paiement):
        assert par_paiement[p["id"]] <= p["montant"]
        if p["mode"] is not ModePaiement.CREDIT and p["travailleur_id"] in classiques:
            assert par_paiement[p["id"]] == p["montant"], "a payment pays what is due"
        paiements_de[p["travailleur_id"]].append(p)
    echeances_de: dict[int, list[Row]] = defaultdict(list)
    for e in lignes.of(models.Echeance):
        assert e["montant_paye"] == allocations[e["id"]]
        if not e["annulee"]:
            echeances_de[e["travailleur_id"]].append(e)
        else:
            assert e["montant_paye"] == ZERO
    arrete = compte.last_accounting_day(today)
    for travailleur_id, rows in echeances_de.items():
        instalments = [
            Instalment(e["id"], e["date_echeance"], e["montant"], ZERO, e["nature"]) for e in rows
        ]
        recus = [
            compte.Paiement(p["id"], p["date_paiement"], p["montant"])
            for p in paiements_de[travailleur_id]
        ]
        replay = compte.paid_by_instalment(instalments, recus, today)
        assert replay == {e["id"]: e["montant_paye"] for e in rows}
        # Balance at the last accounting day = what is overdue then, less what was paid
        # ahead of time and what no instalment absorbed (a credit).
        paye = compte.paid_by_instalment(instalments, recus, arrete)
        du = sum((e.montant - paye[e.id] for e in instalments if e.date_echeance <= arrete), ZERO)
        avance = sum((paye[e.id] for e in instalments if e.date_echeance > arrete), ZERO)
        recu = sum((p.montant for p in recus if p.date_paiement <= arrete), ZERO)
        non_affecte = recu - sum(paye.values(), ZERO)
        assert compte.balance(instalments, recus, arrete) == du - avance - non_affecte


def test_an_up_to_date_artisan_owes_nothing_and_every_payment_is_allocated() -> None:
    lignes, resume = run(profil())
    assert resume == ResumeCompte(solde=ZERO, en_retard=ZERO)
    due = [e for e in lignes.of(models.Echeance) if e["date_echeance"] < TODAY]
    assert due and all(e["montant_paye"] == e["montant"] for e in due)
    assert {p["mode"] for p in lignes.of(models.Paiement)} == {ModePaiement.PRELEVEMENT}
    assert all(p["date_paiement"] <= LAST_ACCOUNTING_DAY for p in lignes.of(models.Paiement))
    assert_consistent(lignes)


def test_cotisation_rows_are_the_engine_result_for_the_year_basis() -> None:
    lignes, _ = run(profil())
    provisoires = cotisations(lignes, 2025, NatureCotisation.PROVISIONNELLE)
    definitives = cotisations(lignes, 2025, NatureCotisation.DEFINITIVE)
    # 2025 was called on the 2024 income once declared (15 May 2025), then is definitive
    # on the 2025 income declared on 15 May 2026.
    assert_rows_are(provisoires, compute_cotisations(2025, NatureActivite.ARTISANALE, D(36_500)))
    assert_rows_are(definitives, compute_cotisations(2025, NatureActivite.ARTISANALE, D(38_200)))
    assert sum(r["montant"] for r in provisoires) == D(16_087)
    assert sum(r["montant"] for r in definitives) == D(16_913)
    # Checked by hand: retraite de base = 17,75 % × 38 200 € = 6 780,50 € → 6 781 €.
    retraite = next(r for r in definitives if r["code"] is CotisationCode.RETRAITE_BASE)
    assert (retraite["montant"], retraite["assiette"]) == (D(6_781), D(38_200))
    assert {r["base_calcul"] for r in provisoires} == {"Revenu 2024 déclaré : 36 500 €."}
    assert {r["base_calcul"] for r in definitives} == {"Revenu 2025 déclaré : 38200 €."}
    assert {r["date_calcul"] for r in definitives} == {date(2026, 5, 15)}
    assert not cotisations(lignes, 2026, NatureCotisation.DEFINITIVE)


def test_the_regularisation_is_spread_over_the_open_due_dates_of_the_declaration_year() -> None:
    lignes, _ = run(profil())
    regul = echeances(lignes, annee=2025, nature=NatureEcheance.REGULARISATION)
    # Declared 15 May 2026: due dates from 30 May on are open, so June to December.
    assert [e["date_echeance"] for e in regul] == [date(2026, m, 5) for m in range(6, 13)]
    appele = sum(
        e["montant"] for e in echeances(lignes, annee=2025, nature=NatureEcheance.PROVISIONNELLE)
    )
    assert sum(e["montant"] for e in regul) == D(16_913) - appele
    provisoires_2026 = echeances(lignes, annee=2026, nature=NatureEcheance.PROVISIONNELLE)
    recalcul = compute_cotisations(2026, NatureActivite.ARTISANALE, D(38_200))
    assert sum(e["montant"] for e in provisoires_2026) == recalcul.total
    assert len(provisoires_2026) == 12


def test_the_forfait_applies_in_the_creation_year_and_the_next_until_a_declaration() -> None:
    creation = date(2025, 3, 10)
    p = profil(
        date_creation=creation, revenus={2025: D(18_000)}, declarations={2025: date(2026, 5, 20)}
    )
    lignes, resume = run(p)
    forfait = compute_forfait_debut_activite(2025, NatureActivite.ARTISANALE, creation)
    assert_rows_are(cotisations(lignes, 2025, NatureCotisation.PROVISIONNELLE), forfait)
    dates_2025 = [
        e["date_echeance"]
        for e in echeances(lignes, annee=2025, nature=NatureEcheance.PROVISIONNELLE)
    ]
    assert min(dates_2025) >= creation + timedelta(days=DELAI_CREATION_JOURS)
    assert dates_2025[0] == date(2025, 6, 5)
    definitive = compute_cotisations(2025, NatureActivite.ARTISANALE, D(18_000), creation)
    assert_rows_are(cotisations(lignes, 2025, NatureCotisation.DEFINITIVE), definitive)
    provisoires_2026 = cotisations(lignes, 2026, NatureCotisation.PROVISIONNELLE)
    assert_rows_are(
        provisoires_2026, compute_cotisations(2026, NatureActivite.ARTISANALE, D(18_000))
    )
    assert resume.en_retard == ZERO
    assert_consistent(lignes)


def test_undeclared_incomes_put_the_worker_in_taxation_d_office() -> None:
    declarations = {2021: date(2022, 5, 16), 2022: date(2023, 5, 15), 2023: date(2024, 5, 14)}
    lignes, _ = run(profil(declarations=declarations))
    rows = cotisations(lignes, 2026, NatureCotisation.PROVISIONNELLE)
    revenu = taxation_d_office_income(
        {2021: D(30_000), 2022: D(32_000), 2023: D(35_000)},
        2026,
        1,
        bareme(2026).plafond_securite_sociale,
    )
    # Called on 1 January 2026: 2024 is late, 2025 not before 1 June (k = 1); the
    # deadline passing later changes nothing until a recomputation.
    assert revenu == D(33_500)  # (32 000 + 35 000) / 2
    assert_rows_are(rows, compute_cotisations(2026, NatureActivite.ARTISANALE, revenu))
    assert rows[0]["base_calcul"].startswith(
        "Taxation d'office : 1 année consécutive sans revenu déclaré dans les délais jusqu'en 2024"
    )
    assert not cotisations(lignes, 2024, NatureCotisation.DEFINITIVE)
    assert {r["annee"] for r in lignes.of(models.Revenu)} == {2021, 2022, 2023}


def test_radiation_cancels_the_provisional_instalments_due_after_it() -> None:
    p = profil(
        date_radiation=date(2025, 6, 30), periodicite=Periodicite.TRIMESTRIEL, prelevement=False
    )
    lignes, resume = run(p)
    annulees = [e for e in lignes.of(models.Echeance) if e["annulee"]]
    assert [e["date_echeance"] for e in annulees] == [date(2025, 8, 5), date(2025, 11, 5)]
    assert not echeances(lignes, annee=2026)
    # The last year is regularised on its declared income against what was called.
    regul = echeances(lignes, annee=2025, nature=NatureEcheance.REGULARISATION)
    appele = sum(
        e["montant"]
        for e in echeances(lignes, annee=2025, nature=NatureEcheance.PROVISIONNELLE, annulee=False)
    )
    definitive = compute_cotisations(2025, NatureActivite.ARTISANALE, D(38_200))
    assert sum(e["montant"] for e in regul) == definitive.total - appele
    assert {p["mode"] for p in lignes.of(models.Paiement)} == {ModePaiement.VIREMENT}
    assert resume.en_retard == ZERO
    assert_consistent(lignes)


def test_a_worker_who_stopped_paying_owes_exactly_what_fell_due_since() -> None:
    lignes, resume = run(profil(impayes_depuis=date(2026, 9, 1)))
    impayees = [
        e
        for e in lignes.of(models.Echeance)
        if e["montant_paye"] < e["montant"] and e["date_echeance"] < TODAY
    ]
    assert {e["date_echeance"] for e in impayees} == {
        date(2026, 9, 5),
        date(2026, 10, 5),
        date(2026, 11, 5),
    }
    assert all(e["montant_paye"] == ZERO for e in impayees)
    assert resume.en_retard == resume.solde == sum(e["montant"] for e in impayees)
    assert_consistent(lignes)


def test_a_lower_income_gives_a_credit_set_against_the_next_instalments() -> None:
    revenus = {2021: D(30_000), 2022: D(32_000), 2023: D(35_000), 2024: D(36_500), 2025: D(24_000)}
    lignes, resume = run(profil(revenus=revenus))
    credits = [p for p in lignes.of(models.Paiement) if p["mode"] is ModePaiement.CREDIT]
    definitive = compute_cotisations(2025, NatureActivite.ARTISANALE, D(24_000))
    appele = sum(
        e["montant"] for e in echeances(lignes, annee=2025, nature=NatureEcheance.PROVISIONNELLE)
    )
    assert [(p["date_paiement"], p["montant"], p["reference"]) for p in credits] == [
        (date(2026, 5, 15), appele - definitive.total, "Régularisation 2025")
    ]
    assert not echeances(lignes, annee=2025, nature=NatureEcheance.REGULARISATION)
    premiere = min(
        (e for e in lignes.of(models.Echeance) if e["date_echeance"] >= date(2026, 5, 15)),
        key=lambda e: (e["date_echeance"], e["id"]),
    )
    affectee = [
        a for a in lignes.of(models.AffectationPaiement) if a["paiement_id"] == credits[0]["id"]
    ]
    assert affectee[0]["echeance_id"] == premiere["id"]
    assert resume.en_retard == ZERO and resume.solde <= ZERO
    assert_consistent(lignes)


def test_micro_declarations_use_the_micro_rates_and_are_paid_when_due() -> None:
    p = ProfilMicro(
        statut=ARTISAN,
        date_creation=date(2021, 4, 12),
        periodicite=PeriodiciteDeclaration.MENSUELLE,
        chiffre_affaires_mensuel={ActiviteMicro.BIC_SERVICES: D(3_400)},
        graine=7,
        delai_declaration=9,
    )
    lignes = Lignes()
    a_venir = generate_micro_account(1, p, TODAY, lignes)
    declarations = lignes.of(models.DeclarationMicro)
    assert [d["periode"] for d in declarations] == [
        f"{a}-{m:02d}" for a in (2025, 2026) for m in range(1, 13)
    ][:22]
    for d in declarations:
        attendu = compute_cotisations_micro(
            d["periode"],
            NatureActivite.ARTISANALE,
            {ActiviteMicro.BIC_SERVICES: d["chiffre_affaires"]},
        )
        assert (d["taux"], d["cotisations"], d["formation_professionnelle"]) == (
            D("21.2"),
            attendu.total_cotisations,
            attendu.cfp,
        )
        assert d["date_declaration"] < TODAY
    paiements = {p["reference"].rsplit(" ", 1)[1]: p for p in lignes.of(models.Paiement)}
    octobre = next(d for d in declarations if d["periode"] == "2026-10")
    assert "2026-10" not in paiements  # due 30 November
    assert a_venir == octobre["cotisations"] + octobre["formation_professionnelle"]
    septembre = next(d for d in declarations if d["periode"] == "2026-09")
    assert paiements["2026-09"]["date_paiement"] == date(2026, 10, 31)
    assert (
        paiements["2026-09"]["montant"]
        == septembre["cotisations"] + septembre["formation_professionnelle"]
    )


@pytest.mark.parametrize("today", [TODAY, date(2026, 1, 12), date(2025, 6, 2), date(2024, 3, 4)])
def test_random_portfolios_stay_consistent_on_any_date(today: date) -> None:
    ident = Identifiants(random.Random(today.toordinal()))
    lignes = Lignes()
    for rang in range(160):
        client = random_client(ident, today, list(Scenario)[rang % len(Scenario)])
        add_client(lignes, client, caisse_id=1, today=today, mot_de_passe_hash="-", code_caisse="T")
    assert_consistent(lignes, today)
