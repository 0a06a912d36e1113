"""recordPrelevementRejete: only an unpaid instalment that fell due while the worker's
direct debit was active; the rejected instalment is REJETE with its carried amount."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from domain.echeancier import Periodicite, split_amount
from domain.nomenclatures import Role
from gateway.db import models
from gateway.schema.relay import encode_global_id
from gateway.seed.demo import seed_demo
from gateway.seed.demo_identites import AGENT
from tests import builders
from tests.accounts import classique_account
from tests.api.client import api_for
from tests.builders import password_hash
from tests.conftest import Database

TODAY = date(2026, 6, 10)
REJECT = """mutation($id: ID!) {
  recordPrelevementRejete(input: {echeanceId: $id}) {
    passageTrimestriel reporteSur { dateEcheance montant }
    userErrors { field message code }
  }
}"""
SCHEDULE = """query($id: ID!) { node(id: $id) { ... on TravailleurClassique {
  compte { solde montantEnRetard majorationsDeRetard }
  echeances(first: 50) { nodes { id dateEcheance montant montantPaye montantReporte resteDu
                                 statut majorations } }
} } }"""
BY_STATUS = """query($id: ID!, $s: StatutEcheance!) { node(id: $id) { ... on TravailleurClassique {
  echeances(first: 50, statut: $s) { totalCount nodes { dateEcheance } }
} } }"""


def gid(worker: models.Travailleur) -> str:
    return encode_global_id("Travailleur", worker.id)


@pytest.fixture
async def setting(db: Database):
    """Two workers of one caisse, May and June unpaid: one debited since 2015, one who
    signed a mandate on 20 May 2026, one who pays by transfer."""
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            workers = {}
            for key, with_debit in (("debite", True), ("recent", True), ("virement", False)):
                workers[key] = await classique_account(
                    session,
                    caisse_id=caisse.id,
                    today=TODAY,
                    revenus_declares={2025: Decimal("43000")},
                    paid_until=date(2026, 5, 1),
                    with_debit=with_debit,
                    nom=key.capitalize(),
                )
            await session.execute(
                update(models.CoordonneesBancaires)
                .where(models.CoordonneesBancaires.travailleur_id == workers["recent"].id)
                .values(date_signature=date(2026, 5, 20))
            )
            await builders.user(
                session, identifiant="agent@caisse.fr", role=Role.AGENT, caisse_id=caisse.id
            )
            await session.commit()
        agent = await api.login("agent@caisse.fr", "secret-utilisateur")
        yield api, workers, agent


async def schedule(api, worker, agent) -> list[dict]:
    return (await api.data(SCHEDULE, {"id": gid(worker)}, agent))["node"]["echeances"]["nodes"]


async def refusal(api, worker, agent, echeance_id: str) -> list[dict]:
    """The userErrors of a rejection, checking that nothing changed."""
    before = await api.data(SCHEDULE, {"id": gid(worker)}, agent)
    data = (await api.data(REJECT, {"id": echeance_id}, agent))["recordPrelevementRejete"]
    assert (data["passageTrimestriel"], data["reporteSur"]) == (False, None)
    assert await api.data(SCHEDULE, {"id": gid(worker)}, agent) == before
    errors: list[dict] = data["userErrors"]
    return errors


def refused(message: str) -> list[dict]:
    return [
        {"field": ["input", "echeanceId"], "message": message, "code": "ECHEANCE_NON_REJETABLE"}
    ]


async def test_a_worker_paying_by_transfer_has_no_debit_to_reject(setting) -> None:
    api, workers, agent = setting
    may = (await schedule(api, workers["virement"], agent))[4]
    assert await refusal(api, workers["virement"], agent, may["id"]) == refused(
        "Aucun prélèvement automatique n'était en place le 05/05/2026 : l'échéance n'a pas "
        "été prélevée, son prélèvement ne peut pas avoir été rejeté."
    )


async def test_an_instalment_due_before_the_mandate_was_signed_was_not_debited(setting) -> None:
    api, workers, agent = setting
    rows = await schedule(api, workers["recent"], agent)
    may, june = rows[4], rows[5]
    assert [e["message"] for e in await refusal(api, workers["recent"], agent, may["id"])] == [
        "Aucun prélèvement automatique n'était en place le 05/05/2026 : l'échéance n'a pas "
        "été prélevée, son prélèvement ne peut pas avoir été rejeté."
    ]
    accepted = (await api.data(REJECT, {"id": june["id"]}, agent))["recordPrelevementRejete"]
    assert accepted["userErrors"] == []


async def test_after_removal_of_the_direct_debit_earlier_instalments_stay_rejectable(
    setting,
) -> None:
    api, workers, agent = setting
    worker = workers["debite"]
    async with api.session() as session:
        await session.execute(
            update(models.CoordonneesBancaires)
            .where(models.CoordonneesBancaires.travailleur_id == worker.id)
            .values(actif=False, date_fin=date(2026, 5, 5))
        )
        await session.commit()
    rows = await schedule(api, worker, agent)
    # Stopped on 5 May: the debit of 5 May was never presented; April's was.
    assert [e["code"] for e in await refusal(api, worker, agent, rows[4]["id"])] == [
        "ECHEANCE_NON_REJETABLE"
    ]
    assert [e["message"] for e in await refusal(api, worker, agent, rows[3]["id"])] == [
        "L'échéance du 05/04/2026 est payée : il n'y a pas de prélèvement à rejeter."
    ]


async def test_a_paid_a_cancelled_or_an_already_rejected_instalment_is_refused(setting) -> None:
    api, workers, agent = setting
    worker = workers["debite"]
    rows = await schedule(api, worker, agent)
    april, may = rows[3], rows[4]
    assert await refusal(api, worker, agent, april["id"]) == refused(
        "L'échéance du 05/04/2026 est payée : il n'y a pas de prélèvement à rejeter."
    )
    first = (await api.data(REJECT, {"id": may["id"]}, agent))["recordPrelevementRejete"]
    assert first["userErrors"] == []
    assert await refusal(api, worker, agent, may["id"]) == refused(
        "Le prélèvement de l'échéance du 05/05/2026 a déjà été rejeté : son montant est "
        "reporté sur l'échéance suivante."
    )
    async with api.session() as session:
        await session.execute(
            update(models.Echeance)
            .where(models.Echeance.travailleur_id == worker.id)
            .where(models.Echeance.date_echeance == date(2026, 3, 5))
            .values(annulee=True)
        )
        await session.commit()
    march = encode_global_id(
        "Echeance",
        await _id_on(api, worker, date(2026, 3, 5)),
    )
    assert await refusal(api, worker, agent, march) == refused(
        "L'échéance du 05/03/2026 est annulée : aucun prélèvement n'a été présenté."
    )


async def _id_on(api, worker, jour: date) -> int:
    async with api.session() as session:
        found = await session.scalar(
            select(models.Echeance.id).where(
                models.Echeance.travailleur_id == worker.id,
                models.Echeance.date_echeance == jour,
            )
        )
    assert found is not None
    return found


async def test_a_rejected_instalment_is_listed_as_rejete_with_its_carried_amount(setting) -> None:
    api, workers, agent = setting
    worker = workers["debite"]
    rows = await schedule(api, worker, agent)
    may, june = rows[4], rows[5]
    data = (await api.data(REJECT, {"id": may["id"]}, agent))["recordPrelevementRejete"]
    total = Decimal(may["montant"]) + Decimal(june["montant"])
    assert data == {
        "passageTrimestriel": False,
        "reporteSur": {"dateEcheance": "2026-06-05", "montant": str(total)},
        "userErrors": [],
    }
    after = await api.data(SCHEDULE, {"id": gid(worker)}, agent)
    rejected = after["node"]["echeances"]["nodes"][4]
    assert {k: rejected[k] for k in ("montant", "montantPaye", "montantReporte", "resteDu")} == {
        "montant": may["montant"],
        "montantPaye": "0.00",
        "montantReporte": may["montant"],
        "resteDu": "0.00",
    }
    assert (rejected["statut"], rejected["majorations"]) == ("REJETE", "0.00")
    # The whole unpaid amount is June's now: nothing counted twice in the balance.
    assert after["node"]["compte"]["montantEnRetard"] == str(total)
    for statut, dates in (
        ("REJETE", ["2026-05-05"]),
        ("EN_RETARD", ["2026-06-05"]),
        ("PAYEE", [f"2026-{m:02d}-05" for m in range(1, 5)]),
    ):
        listed = (await api.data(BY_STATUS, {"id": gid(worker), "s": statut}, agent))["node"]
        assert [e["dateEcheance"] for e in listed["echeances"]["nodes"]] == dates, statut
        assert listed["echeances"]["totalCount"] == len(dates)


async def test_the_demo_worker_without_direct_debit_cannot_have_a_debit_rejected(
    db: Database,
) -> None:
    """Leroux Vincent pays by transfer; Benali Émilie's mandate ended with her activity
    (radiée on 18/09/2025): neither 5 November 2026 instalment was debited."""
    today = date(2026, 11, 23)
    async with api_for(db, today=today) as api:
        async with api.session() as session:
            await seed_demo(session, today, password_hash)
            await session.commit()
            found = {}
            for nir in ("181077864653469", "274063155575055"):
                found[nir] = await session.scalar(
                    select(models.Echeance.id)
                    .join(
                        models.Travailleur, models.Travailleur.id == models.Echeance.travailleur_id
                    )
                    .where(
                        models.Travailleur.nir == nir,
                        models.Echeance.date_echeance == date(2026, 11, 5),
                    )
                    .order_by(models.Echeance.id)
                    .limit(1)
                )
        agent = await api.login(AGENT.courriel, AGENT.mot_de_passe)
        for echeance_id in found.values():
            data = (
                await api.data(REJECT, {"id": encode_global_id("Echeance", echeance_id)}, agent)
            )["recordPrelevementRejete"]
            assert data["userErrors"] == refused(
                "Aucun prélèvement automatique n'était en place le 05/11/2026 : l'échéance n'a "
                "pas été prélevée, son prélèvement ne peut pas avoir été rejeté."
            )


async def test_a_carried_amount_moves_whole_with_a_periodicity_change_and_comes_back(
    db: Database,
) -> None:
    """Quarterly, 5 May rejected and carried to 5 August; then monthly on the 20th: the
    carried amount travels whole with 20 July, and a second rejection gives it back."""
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await classique_account(
                session,
                caisse_id=caisse.id,
                today=TODAY,
                revenus_declares={2025: Decimal("43000")},
                paid_until=date(2026, 5, 1),
                periodicite=Periodicite.TRIMESTRIEL,
            )
            await builders.user(
                session, identifiant="agent@caisse.fr", role=Role.AGENT, caisse_id=caisse.id
            )
            await session.commit()
        agent = await api.login("agent@caisse.fr", "secret-utilisateur")
        token = await api.login(worker.nir, "secret-travailleur")
        feb, may, aug, nov = await schedule(api, worker, agent)
        first = (await api.data(REJECT, {"id": may["id"]}, agent))["recordPrelevementRejete"]
        assert first["reporteSur"]["dateEcheance"] == "2026-08-05"
        changed = (
            await api.data(
                """mutation($id: ID!) { setPrelevementPeriodicite(input:
                   {travailleurId: $id, periodicite: MENSUEL_20}) { userErrors { code } } }""",
                {"id": gid(worker)},
                token,
            )
        )["setPrelevementPeriodicite"]
        assert changed["userErrors"] == []
        own = split_amount(Decimal(aug["montant"]) + Decimal(nov["montant"]), 6)
        carried = Decimal(may["montant"])
        rows = await schedule(api, worker, agent)
        assert [(r["dateEcheance"], r["montant"], r["statut"]) for r in rows] == [
            ("2026-02-05", feb["montant"], "PAYEE"),
            ("2026-05-05", may["montant"], "REJETE"),
            ("2026-07-20", str(own[0] + carried), "A_VENIR"),
            *[
                (f"2026-{m:02d}-20", str(part), "A_VENIR")
                for m, part in zip(range(8, 13), own[1:], strict=True)
            ],
        ]
    async with api_for(db, today=date(2026, 7, 27)) as later:
        agent = await later.login("agent@caisse.fr", "secret-utilisateur")
        second = (await later.data(REJECT, {"id": rows[2]["id"]}, agent))["recordPrelevementRejete"]
        assert (second["userErrors"], second["passageTrimestriel"]) == ([], True)
        after = await schedule(later, worker, agent)
        assert [(r["dateEcheance"], r["resteDu"], r["statut"]) for r in after[1:3]] == [
            ("2026-05-05", may["montant"], "REJETE"),
            ("2026-07-20", str(own[0]), "REJETE"),
        ]
