"""Direct debit, periodicity, payments and rejected debits through the API (SPEC §4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.echeancier import Periodicite
from domain.nomenclatures import Role
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.accounts import classique_account
from tests.api.client import api_for, error_codes
from tests.conftest import Database

TODAY = date(2026, 6, 10)
PASSWORD = "secret-travailleur"
PERIODICITE = """mutation($input: SetPrelevementPeriodiciteInput!) {
  setPrelevementPeriodicite(input: $input) {
    modifiee echeancier { dateEcheance montant nature }
    travailleur { prelevement { periodicite } }
    userErrors { field message code }
  }
}"""
DEBIT = """mutation($input: SetPrelevementAutomatiqueInput!) {
  setPrelevementAutomatique(input: $input) {
    prelevement { actif periodicite coordonneesBancaires { ibanMasque bic titulaire referenceMandatSepa dateSignature } }
    userErrors { field message code }
  }
}"""
REMOVE = """mutation($input: RemovePrelevementAutomatiqueInput!) {
  removePrelevementAutomatique(input: $input) { prelevement { actif periodicite } userErrors { field code } }
}"""
PAY = """mutation($input: RecordPaiementInput!) {
  recordPaiement(input: $input) { paiement { montant mode datePaiement } userErrors { field message code } }
}"""
REJECT = """mutation($input: RecordPrelevementRejeteInput!) {
  recordPrelevementRejete(input: $input) {
    passageTrimestriel reporteSur { dateEcheance montant }
    travailleur { prelevement { periodicite } }
    userErrors { field message code }
  }
}"""
SCHEDULE = """query($id: ID!) { node(id: $id) { ... on TravailleurClassique {
  compte { solde montantEnRetard majorationsDeRetard }
  echeances(first: 50) { nodes { id dateEcheance montant montantPaye montantReporte resteDu
                                 statut majorations } }
} } }"""


@pytest.fixture
async def setting(db: Database):
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await classique_account(
                session,
                caisse_id=caisse.id,
                today=TODAY,
                revenus_declares={2025: Decimal("43000")},
                paid_until=date(2026, 5, 1),
            )
            await builders.user(
                session, identifiant="agent@caisse.fr", role=Role.AGENT, caisse_id=caisse.id
            )
            await session.commit()
        token = await api.login(worker.nir, PASSWORD)
        agent = await api.login("agent@caisse.fr", "secret-utilisateur")
        yield api, worker, token, agent


def gid(worker) -> str:
    return encode_global_id("Travailleur", worker.id)


async def schedule(api, worker, token) -> list[dict]:
    return (await api.data(SCHEDULE, {"id": gid(worker)}, token))["node"]["echeances"]["nodes"]


async def test_a_periodicity_change_applies_from_the_first_due_date_30_days_away(setting) -> None:
    api, worker, token, _ = setting
    before = await schedule(api, worker, token)
    total = sum(Decimal(e["montant"]) for e in before)
    data = (
        await api.data(
            PERIODICITE,
            {"input": {"travailleurId": gid(worker), "periodicite": "TRIMESTRIEL"}},
            token,
        )
    )["setPrelevementPeriodicite"]
    assert data["userErrors"] == [] and data["modifiee"] is True
    assert data["travailleur"]["prelevement"]["periodicite"] == "TRIMESTRIEL"
    dates = [e["dateEcheance"] for e in data["echeancier"]]
    # 10 June + 30 days = 10 July: monthly instalments up to 5 July stay; then 5 Aug and 5 Nov.
    assert dates == [f"2026-{m:02d}-05" for m in range(1, 8)] + ["2026-08-05", "2026-11-05"]
    assert sum(Decimal(e["montant"]) for e in data["echeancier"]) == total
    again = (
        await api.data(
            PERIODICITE,
            {"input": {"travailleurId": gid(worker), "periodicite": "MENSUEL_20"}},
            token,
        )
    )["setPrelevementPeriodicite"]
    assert again["userErrors"] == [
        {
            "field": ["input", "periodicite"],
            "message": "La périodicité de prélèvement ne peut être modifiée qu'une fois par année civile ; elle a déjà été modifiée le 10/06/2026.",
            "code": "PERIODICITE_DEJA_MODIFIEE",
        }
    ]


async def test_asking_for_the_current_periodicity_changes_nothing(setting) -> None:
    api, worker, token, _ = setting
    data = (
        await api.data(
            PERIODICITE,
            {"input": {"travailleurId": gid(worker), "periodicite": "MENSUEL_5"}},
            token,
        )
    )["setPrelevementPeriodicite"]
    assert (data["modifiee"], data["userErrors"]) == (False, [])


async def test_direct_debit_with_a_bad_iban_or_bic_is_refused_naming_the_field(setting) -> None:
    api, worker, token, _ = setting
    bad_iban = (
        await api.data(
            DEBIT,
            {
                "input": {
                    "travailleurId": gid(worker),
                    "iban": "FR7630006000011234567890188",
                    "bic": "AGRIFRPP",
                    "titulaire": "Claire Martin",
                }
            },
            token,
        )
    )["setPrelevementAutomatique"]
    assert bad_iban["userErrors"] == [
        {
            "field": ["input", "iban"],
            "message": "IBAN invalide : la clé de contrôle ne correspond pas.",
            "code": "IBAN_INVALIDE",
        }
    ]
    bad_bic = (
        await api.data(
            DEBIT,
            {
                "input": {
                    "travailleurId": gid(worker),
                    "iban": "FR76 3000 6000 0112 3456 7890 189",
                    "bic": "AGRI",
                    "titulaire": "Claire Martin",
                }
            },
            token,
        )
    )["setPrelevementAutomatique"]
    assert [e["field"] for e in bad_bic["userErrors"]] == [["input", "bic"]]


async def test_removing_the_direct_debit_forces_quarterly_without_using_the_yearly_change(
    setting,
) -> None:
    api, worker, token, _ = setting
    removed = (await api.data(REMOVE, {"input": {"travailleurId": gid(worker)}}, token))[
        "removePrelevementAutomatique"
    ]
    assert removed == {
        "prelevement": {"actif": False, "periodicite": "TRIMESTRIEL"},
        "userErrors": [],
    }
    monthly = (
        await api.data(
            PERIODICITE,
            {"input": {"travailleurId": gid(worker), "periodicite": "MENSUEL_5"}},
            token,
        )
    )["setPrelevementPeriodicite"]
    assert [e["code"] for e in monthly["userErrors"]] == ["PRELEVEMENT_INACTIF"]
    debit = (
        await api.data(
            DEBIT,
            {
                "input": {
                    "travailleurId": gid(worker),
                    "iban": "FR76 3000 6000 0112 3456 7890 189",
                    "bic": "agrifrpp",
                    "titulaire": "Claire Martin",
                }
            },
            token,
        )
    )["setPrelevementAutomatique"]
    assert debit["prelevement"] == {
        "actif": True,
        "periodicite": "TRIMESTRIEL",
        "coordonneesBancaires": {
            "ibanMasque": "FR*********************0189",
            "bic": "AGRIFRPP",
            "titulaire": "Claire Martin",
            "referenceMandatSepa": f"RUM-SSI-{worker.id:08d}-002-20260610",
            "dateSignature": "2026-06-10",
        },
    }
    # The removal did not count: the one change of the year is still available.
    monthly = (
        await api.data(
            PERIODICITE,
            {"input": {"travailleurId": gid(worker), "periodicite": "MENSUEL_5"}},
            token,
        )
    )["setPrelevementPeriodicite"]
    assert (monthly["modifiee"], monthly["userErrors"]) == (True, [])


async def test_an_agent_records_a_payment_allocated_to_the_oldest_unpaid_instalments(
    setting,
) -> None:
    api, worker, token, agent = setting
    before = await schedule(api, worker, token)
    may, june = before[4], before[5]
    assert (may["statut"], june["statut"]) == ("EN_RETARD", "EN_RETARD")
    amount = Decimal(may["montant"]) + Decimal("100.00")
    data = (
        await api.data(
            PAY,
            {
                "input": {
                    "travailleurId": gid(worker),
                    "montant": str(amount),
                    "datePaiement": "2026-06-09",
                    "mode": "VIREMENT",
                    "reference": "VIR-123",
                }
            },
            agent,
        )
    )["recordPaiement"]
    assert data == {
        "paiement": {"montant": str(amount), "mode": "VIREMENT", "datePaiement": "2026-06-09"},
        "userErrors": [],
    }
    after = await schedule(api, worker, token)
    assert (after[4]["statut"], after[4]["montantPaye"]) == ("PAYEE", may["montant"])
    assert (after[5]["statut"], after[5]["montantPaye"]) == ("EN_RETARD", "100.00")


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"montant": "0"}, "montant", "MONTANT_NUL"),
        ({"montant": "-5"}, "montant", "MONTANT_NEGATIF"),
        ({"datePaiement": "2026-06-11"}, "datePaiement", "DATE_FUTURE"),
        ({"mode": "CREDIT"}, "mode", "MODE_INVALIDE"),
    ],
)
async def test_a_bad_payment_is_refused_naming_the_field(setting, overrides, field, code) -> None:
    api, worker, token, agent = setting
    before = await schedule(api, worker, token)
    variables = {
        "input": {
            "travailleurId": gid(worker),
            "montant": "100",
            "datePaiement": "2026-06-09",
            "mode": "CHEQUE",
            **overrides,
        }
    }
    data = (await api.data(PAY, variables, agent))["recordPaiement"]
    assert [(e["field"], e["code"]) for e in data["userErrors"]] == [(["input", field], code)]
    assert await schedule(api, worker, token) == before


async def test_only_agents_record_payments(setting) -> None:
    api, worker, token, _ = setting
    body = await api.post(
        PAY,
        {
            "input": {
                "travailleurId": gid(worker),
                "montant": "100",
                "datePaiement": "2026-06-09",
                "mode": "CHEQUE",
            }
        },
        token,
    )
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["message"] == "Opération réservée aux rôles : AGENT."


async def test_a_first_rejection_is_carried_and_a_second_makes_payment_quarterly(setting) -> None:
    api, worker, token, agent = setting
    before = await schedule(api, worker, token)
    may, june, july = before[4], before[5], before[6]
    first = (await api.data(REJECT, {"input": {"echeanceId": may["id"]}}, agent))[
        "recordPrelevementRejete"
    ]
    assert first["userErrors"] == [] and first["passageTrimestriel"] is False
    # May's amount now travels with June's debit; no majorations yet.
    carried = Decimal(may["montant"]) + Decimal(june["montant"])
    assert first["reporteSur"] == {"dateEcheance": "2026-06-05", "montant": str(carried)}
    middle = await schedule(api, worker, token)
    # May keeps what was called and shows the carried amount: rejected, never "paid".
    assert {k: middle[4][k] for k in ("montant", "montantReporte", "resteDu", "statut")} == {
        "montant": may["montant"],
        "montantReporte": may["montant"],
        "resteDu": "0.00",
        "statut": "REJETE",
    }
    assert (middle[5]["montant"], middle[5]["statut"]) == (str(carried), "EN_RETARD")
    second = (await api.data(REJECT, {"input": {"echeanceId": june["id"]}}, agent))[
        "recordPrelevementRejete"
    ]
    assert second["passageTrimestriel"] is True
    assert second["travailleur"]["prelevement"]["periodicite"] == "TRIMESTRIEL"
    after = await api.data(SCHEDULE, {"id": gid(worker)}, token)
    rows = after["node"]["echeances"]["nodes"]
    # Each amount is overdue again from its own due date, with its majorations; both
    # stay REJETE (nothing carried any more, everything still due).
    assert [
        (r["dateEcheance"], r["montant"], r["montantReporte"], r["resteDu"], r["statut"])
        for r in rows[4:6]
    ] == [
        ("2026-05-05", may["montant"], "0.00", may["montant"], "REJETE"),
        ("2026-06-05", june["montant"], "0.00", june["montant"], "REJETE"),
    ]
    may_amount = Decimal(may["montant"])
    # Due 5 May, today 10 June: 5 % + 0.2 % × 2 months.
    expected = (may_amount * Decimal("0.05")).quantize(Decimal("0.01")) + (
        may_amount * Decimal("0.004")
    ).quantize(Decimal("0.01"))
    assert rows[4]["majorations"] == str(expected)
    assert after["node"]["compte"]["montantEnRetard"] == str(
        Decimal(may["montant"]) + Decimal(june["montant"])
    )
    assert july["dateEcheance"] == "2026-07-05"


async def test_a_rejection_on_an_instalment_not_yet_due_is_refused(setting) -> None:
    api, worker, token, agent = setting
    july = (await schedule(api, worker, token))[6]
    data = (await api.data(REJECT, {"input": {"echeanceId": july["id"]}}, agent))[
        "recordPrelevementRejete"
    ]
    assert [(e["field"], e["code"]) for e in data["userErrors"]] == [
        (["input", "echeanceId"], "ECHEANCE_NON_REJETABLE")
    ]


async def test_the_balance_stays_equal_to_called_minus_paid_across_a_sequence_of_mutations(
    setting,
) -> None:
    api, worker, token, agent = setting

    async def check() -> None:
        data = await api.data(SCHEDULE, {"id": gid(worker)}, token)
        async with api.session() as session:
            due = sum(
                (
                    e.montant
                    for e in await session.scalars(
                        select(models.Echeance).where(
                            models.Echeance.travailleur_id == worker.id,
                            models.Echeance.annulee.is_(False),
                            models.Echeance.date_echeance <= date(2026, 6, 9),
                        )
                    )
                ),
                Decimal(0),
            )
            paid = sum(
                (
                    p.montant
                    for p in await session.scalars(
                        select(models.Paiement).where(
                            models.Paiement.travailleur_id == worker.id,
                            models.Paiement.date_paiement <= date(2026, 6, 9),
                        )
                    )
                ),
                Decimal(0),
            )
            allocated = {
                e.id: e.montant_paye
                for e in await session.scalars(
                    select(models.Echeance).where(models.Echeance.travailleur_id == worker.id)
                )
            }
            for echeance_id, montant_paye in allocated.items():
                parts = sum(
                    (
                        a.montant
                        for a in await session.scalars(
                            select(models.AffectationPaiement).where(
                                models.AffectationPaiement.echeance_id == echeance_id
                            )
                        )
                    ),
                    Decimal(0),
                )
                assert parts == montant_paye
        assert data["node"]["compte"]["solde"] == str(due - paid)

    await check()
    await api.data(
        PAY,
        {
            "input": {
                "travailleurId": gid(worker),
                "montant": "321.45",
                "datePaiement": "2026-06-08",
                "mode": "CHEQUE",
            }
        },
        agent,
    )
    await check()
    await api.data(
        "mutation($i: EstimateRevenueInput!) { estimateRevenue(input: $i) { userErrors { code } } }",
        {
            "i": {
                "travailleurId": gid(worker),
                "annee": 2026,
                "montant": "15000",
                "courriel": "a@b.fr",
                "jaiEteInforme": True,
            }
        },
        token,
    )
    await check()
    await api.data(
        PERIODICITE, {"input": {"travailleurId": gid(worker), "periodicite": "TRIMESTRIEL"}}, token
    )
    await check()
    june = (await schedule(api, worker, token))[5]
    await api.data(REJECT, {"input": {"echeanceId": june["id"]}}, agent)
    await check()
    assert Periodicite.TRIMESTRIEL.value == "TRIMESTRIEL"
