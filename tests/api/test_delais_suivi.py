"""A plan over time: settled, denounced, renegotiated — derived from payments and the clock
(SPEC §5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain import compte as compte_rules
from domain.delais import StatutDelai
from domain.echeancier import Instalment
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.api.client import api_for
from tests.api.delais_support import (
    ACCOUNT,
    DECIDE,
    MENSUALITE,
    OVERDUE,
    OVERDUE_DATES,
    RENEGOTIATE,
    TODAY,
    Setting,
    build_setting,
    euros,
    on,
    overdue_ids,
    pay,
    plans,
    request_plan,
    stored,
)
from tests.conftest import Database


@pytest.fixture
async def s(db: Database):
    async with api_for(db, today=TODAY) as api:
        yield await build_setting(api, db)


def paid_parts(plan: dict) -> list[str]:
    return [e["montantPaye"] for e in plan["echeances"]]


async def renegotiate(s: Setting, delai_id: str, **overrides) -> dict:
    variables = {
        "delaiId": delai_id,
        "nombreEcheances": 6,
        "premiereEcheance": "2026-08-01",
        "motif": "Reprise plus lente que prévu",
        **overrides,
    }
    data = await s.api.data(RENEGOTIATE, {"i": variables}, s.token)
    return data["renegotiateDelaiPaiement"]


async def covered_view(s: Setting) -> list[tuple[str, str, bool, dict | None]]:
    nodes = (await s.api.data(ACCOUNT, {"id": s.gid}, s.token))["node"]["echeances"]["nodes"]
    return [
        (e["dateEcheance"], e["majorations"], e["exoneree"], e["delaiPaiement"])
        for e in nodes
        if e["dateEcheance"] in OVERDUE_DATES
    ]


# --- settled -----------------------------------------------------------------------------


async def test_a_plan_is_met_in_order_as_the_covered_instalments_get_paid(s: Setting) -> None:
    await request_plan(s)
    async with on(s, date(2026, 7, 10)) as day:
        await pay(day, MENSUALITE + Decimal("10.00"), date(2026, 7, 10))
        [plan] = await plans(day)
    assert (plan["statut"], plan["montantPaye"]) == ("ACCEPTE", euros(MENSUALITE + 10))
    assert paid_parts(plan) == [euros(MENSUALITE), "10.00", "0.00", "0.00"]


async def test_a_plan_fully_paid_is_settled_on_the_day_of_the_payment(s: Setting) -> None:
    await request_plan(s)
    async with on(s, date(2026, 7, 1)) as day:
        await pay(day, OVERDUE, date(2026, 7, 1))
        [plan] = await plans(day)
    assert (plan["statut"], plan["dateCloture"], plan["montantPaye"]) == (
        "SOLDE",
        "2026-07-01",
        euros(OVERDUE),
    )
    assert paid_parts(plan) == [euros(MENSUALITE)] * 4


async def test_the_state_a_mutation_observes_is_stored_with_its_day(s: Setting) -> None:
    first = (await request_plan(s))["delaiPaiement"]
    async with on(s, date(2026, 7, 1)) as day:
        await pay(day, OVERDUE, date(2026, 7, 1))
    async with on(s, date(2026, 7, 20)) as later:
        # Settled, the plan is no longer in progress: a new one covers 5 July.
        data = await request_plan(later, premiereEcheance="2026-08-01")
        assert data["userErrors"] == []
        assert [p["statut"] for p in await plans(later)] == ["SOLDE", "ACCEPTE"]
    async with s.api.session() as session:
        row = await session.get(models.DelaiPaiement, int(_key(first["id"])))
        instalments = (
            await session.scalars(
                select(models.EcheanceDelai)
                .where(models.EcheanceDelai.delai_id == row.id)
                .order_by(models.EcheanceDelai.numero)
            )
        ).all()
    assert (row.statut, row.date_cloture) == (StatutDelai.SOLDE, date(2026, 7, 1))
    assert [e.montant_paye for e in instalments] == [MENSUALITE] * 4


def _key(global_id: str) -> str:
    from gateway.global_ids import decode_global_id

    decoded = decode_global_id(global_id)
    assert decoded is not None
    return decoded[1]


# --- denounced ---------------------------------------------------------------------------


async def test_a_plan_instalment_paid_within_30_days_keeps_the_plan_respected(
    s: Setting,
) -> None:
    await request_plan(s)
    async with on(s, date(2026, 7, 10)) as day:
        await pay(day, MENSUALITE, date(2026, 7, 10))
    async with on(s, date(2026, 9, 9)) as day:  # 10 August + 30 days
        [plan] = await plans(day)
        assert (plan["statut"], plan["dateCloture"]) == ("ACCEPTE", None)
        assert paid_parts(plan) == [euros(MENSUALITE), "0.00", "0.00", "0.00"]
        view = await covered_view(day)
    assert [(d, m, e) for d, m, e, _ in view] == [(d, "0.00", True) for d in OVERDUE_DATES[1:]]


async def test_a_plan_instalment_unpaid_30_days_after_its_date_denounces_the_plan(
    s: Setting,
) -> None:
    await request_plan(s)
    async with on(s, date(2026, 7, 10)) as day:
        await pay(day, MENSUALITE, date(2026, 7, 10))
    denounced_on = date(2026, 9, 10)
    async with on(s, denounced_on) as day:
        [plan] = await plans(day)
        view = await covered_view(day)
    assert (plan["statut"], plan["dateCloture"]) == ("DENONCE", "2026-09-10")
    assert {e["exoneree"] for e in plan["echeancesCouvertes"]} == {False}
    # The whole remaining balance is due, with majorations from the original due dates.
    assert view == [
        (
            d,
            euros(
                compte_rules.majorations(
                    Instalment(1, date.fromisoformat(d), MENSUALITE), denounced_on
                )
            ),
            False,
            {"statut": "DENONCE"},
        )
        for d in OVERDUE_DATES[1:]
    ]


async def test_no_new_plan_for_24_months_after_a_denunciation(s: Setting) -> None:
    await request_plan(s)  # nothing is ever paid: denounced on 10 August 2026
    async with on(s, date(2026, 8, 10)) as day:
        before = await stored(day.api)
        data = await request_plan(day, premiereEcheance="2026-09-01")
        assert data["userErrors"] == [
            {
                "field": ["input", "travailleurId"],
                "code": "DELAI_DENONCE_RECENT",
                "message": "Un délai de paiement a été dénoncé le 10/08/2026 : aucun nouveau "
                "délai ne peut être accordé avant le 10/08/2028.",
            }
        ]
        assert await stored(day.api) == before
    async with s.api.session() as session:
        for annee in (2026, 2027):
            await builders.revenu(
                session, travailleur_id=s.worker.id, annee=annee, montant=Decimal("43000")
            )
        await session.commit()
    async with on(s, date(2028, 8, 9)) as day:
        refused = await request_plan(day, premiereEcheance="2028-09-01")
        assert [e["code"] for e in refused["userErrors"]] == ["DELAI_DENONCE_RECENT"]
    async with on(s, date(2028, 8, 10)) as day:
        accepted = await request_plan(day, premiereEcheance="2028-09-01")
        assert accepted["delaiPaiement"]["statut"] == "ACCEPTE"


# --- renegotiated ------------------------------------------------------------------------


async def test_a_renegotiation_up_to_12_instalments_replaces_the_plan_at_once(
    s: Setting,
) -> None:
    old = (await request_plan(s))["delaiPaiement"]
    async with on(s, date(2026, 7, 10)) as day:
        await pay(day, MENSUALITE, date(2026, 7, 10))
    async with on(s, date(2026, 7, 15)) as day:
        data = await renegotiate(day, old["id"])
        assert data["userErrors"] == []
        new = data["delaiPaiement"]
        assert {k: new[k] for k in ("statut", "montant", "dateDecision", "nombreEcheances")} == {
            "statut": "ACCEPTE",
            "montant": euros(3 * MENSUALITE),
            "dateDecision": "2026-07-15",
            "nombreEcheances": 6,
        }
        assert [e["dateEcheance"] for e in new["echeancesCouvertes"]] == OVERDUE_DATES[1:]
        assert new["remplace"] == {"id": old["id"], "statut": "RENEGOCIE"}
        listed = await plans(day)
        view = await covered_view(day)
    assert [(p["statut"], p["dateCloture"], p["montantPaye"]) for p in listed] == [
        ("RENEGOCIE", "2026-07-15", euros(MENSUALITE)),
        ("ACCEPTE", None, "0.00"),
    ]
    assert [(m, e, p) for _, m, e, p in view] == [("0.00", True, {"statut": "ACCEPTE"})] * 3


async def test_a_renegotiation_beyond_12_waits_and_the_old_plan_stays_in_force(
    s: Setting,
) -> None:
    old = (await request_plan(s))["delaiPaiement"]
    new = (await renegotiate(s, old["id"], nombreEcheances=18))["delaiPaiement"]
    assert (new["statut"], new["remplace"]) == ("DEMANDE", {"id": old["id"], "statut": "ACCEPTE"})
    assert {e for _, _, e, _ in await covered_view(s)} == {True}
    async with on(s, date(2026, 6, 12)) as day:
        decided = (
            await day.api.data(
                DECIDE, {"i": {"delaiId": new["id"], "decision": "ACCEPTER"}}, day.agent
            )
        )["decideDelaiPaiement"]
        assert decided["delaiPaiement"]["statut"] == "ACCEPTE"
        assert decided["delaiPaiement"]["remplace"] == {"id": old["id"], "statut": "RENEGOCIE"}
        listed = await plans(day)
    assert [(p["statut"], p["dateCloture"]) for p in listed] == [
        ("RENEGOCIE", "2026-06-12"),
        ("ACCEPTE", None),
    ]


async def test_a_refused_renegotiation_leaves_the_old_plan_in_force(s: Setting) -> None:
    old = (await request_plan(s))["delaiPaiement"]
    new = (await renegotiate(s, old["id"], nombreEcheances=20))["delaiPaiement"]
    variables = {"i": {"delaiId": new["id"], "decision": "REFUSER", "motif": "Non justifié"}}
    await s.api.data(DECIDE, variables, s.agent)
    assert [p["statut"] for p in await plans(s)] == ["ACCEPTE", "REFUSE"]
    assert {e for _, _, e, _ in await covered_view(s)} == {True}


async def test_a_second_renegotiation_waits_for_the_first_to_be_decided(s: Setting) -> None:
    old = (await request_plan(s))["delaiPaiement"]
    await renegotiate(s, old["id"], nombreEcheances=18)
    data = await renegotiate(s, old["id"], nombreEcheances=6)
    assert [(e["field"], e["code"]) for e in data["userErrors"]] == [
        (["input", "travailleurId"], "DELAI_EN_COURS")
    ]


async def test_only_an_accepted_plan_in_progress_can_be_renegotiated(s: Setting) -> None:
    pending = (await request_plan(s, nombreEcheances=18))["delaiPaiement"]
    before = await stored(s.api)
    data = await renegotiate(s, pending["id"])
    assert data == {
        "delaiPaiement": None,
        "userErrors": [
            {
                "field": ["input", "delaiId"],
                "code": "DELAI_NON_RENEGOCIABLE",
                "message": "Seul un délai de paiement accepté et en cours peut être renégocié "
                "(ce délai est au statut DEMANDE).",
            }
        ],
    }
    assert await stored(s.api) == before
    for unknown in (encode_global_id("DelaiPaiement", 999999), encode_global_id("Echeance", 1)):
        missing = await renegotiate(s, unknown)
        assert [(e["field"], e["code"]) for e in missing["userErrors"]] == [
            (["input", "delaiId"], "NOT_FOUND")
        ]


async def test_a_denounced_plan_cannot_be_renegotiated(s: Setting) -> None:
    old = (await request_plan(s))["delaiPaiement"]
    async with on(s, date(2026, 8, 10)) as day:
        data = await renegotiate(day, old["id"], premiereEcheance="2026-09-01")
    assert [e["message"] for e in data["userErrors"]] == [
        "Seul un délai de paiement accepté et en cours peut être renégocié (ce délai est au "
        "statut DENONCE)."
    ]


async def test_a_renegotiation_of_a_plan_denounced_meanwhile_cannot_be_accepted(
    s: Setting,
) -> None:
    old = (await request_plan(s))["delaiPaiement"]
    new = (await renegotiate(s, old["id"], nombreEcheances=18))["delaiPaiement"]
    async with on(s, date(2026, 8, 10)) as day:
        before = await stored(day.api)
        variables = {"i": {"delaiId": new["id"], "decision": "ACCEPTER"}}
        decided = (await day.api.data(DECIDE, variables, day.agent))["decideDelaiPaiement"]
        assert decided["userErrors"] == [
            {
                "field": ["input", "delaiId"],
                "code": "DELAI_NON_RENEGOCIABLE",
                "message": "Le délai que cette demande renégocie n'est plus en cours (statut "
                "DENONCE) : refusez la demande.",
            }
        ]
        assert await stored(day.api) == before


async def test_another_worker_cannot_renegotiate_the_plan(s: Setting) -> None:
    old = (await request_plan(s))["delaiPaiement"]
    outsider = await s.api.login(s.other.nir, "secret-travailleur")
    variables = {
        "i": {
            "delaiId": old["id"],
            "nombreEcheances": 6,
            "premiereEcheance": "2026-08-01",
            "motif": "x",
        }
    }
    data = (await s.api.data(RENEGOTIATE, variables, outsider))["renegotiateDelaiPaiement"]
    assert [(e["field"], e["code"]) for e in data["userErrors"]] == [
        (["input", "delaiId"], "NOT_FOUND")
    ]
    assert len(await overdue_ids(s)) == 4
