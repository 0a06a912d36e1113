"""Mandates through the API: request by NIR, activation key, revocation (SPEC §10)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from domain.nomenclatures import StatutMandat
from gateway.db import models
from gateway.schema.relay import encode_global_id
from gateway.services.mandats import CLE_REFUSEE, DEMANDE_ENREGISTREE
from tests import builders
from tests.api.client import api_for, error_codes
from tests.api.world import PASSWORD, WORKER_PASSWORD, build_world
from tests.conftest import TODAY, Database

REQUEST = """mutation($nir: String!, $key: String) {
  requestMandat(input: {nir: $nir, idempotencyKey: $key}) {
    message userErrors { field message code }
  }
}"""
ACTIVATE = """mutation($nir: String!, $cle: String!, $key: String) {
  activateMandat(input: {nir: $nir, cleActivation: $cle, idempotencyKey: $key}) {
    mandat { statut dateDemande dateActivation cabinet { nom } travailleur { nom } }
    travailleur { nom prenom }
    userErrors { field message code }
  }
}"""
REVOKE = """mutation($id: ID!) {
  revokeMandat(input: {mandatId: $id}) {
    mandat { statut dateRevocation cabinet { nom } }
    userErrors { field message code }
  }
}"""
MY_MANDATES = """{ me { travailleur { mandats {
  id statut dateDemande dateActivation dateRevocation cabinet { nom } travailleur { nom }
} } } }"""
PORTFOLIO = "{ portfolio { nodes { nom } } }"
UNKNOWN_NIR = builders.valid_nir(1, 70, 1, "13", 999999)


@pytest.fixture
async def setting(db: Database):
    async with api_for(db) as api:
        world = await build_world(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        yield api, world, admin


async def mandates(api, travailleur_id: int) -> list[tuple]:
    async with api.session() as session:
        rows = await session.execute(
            select(
                models.Mandat.cabinet_id,
                models.Mandat.statut,
                models.Mandat.date_demande,
                models.Mandat.tentatives_echouees,
                models.Mandat.cle_activation_hash.is_(None),
            )
            .where(models.Mandat.travailleur_id == travailleur_id)
            .order_by(models.Mandat.id)
        )
        return [tuple(r) for r in rows]


async def outbox(api) -> list[tuple[str, str, str]]:
    async with api.session() as session:
        rows = await session.execute(
            select(
                models.CourrielSortant.destinataire,
                models.CourrielSortant.sujet,
                models.CourrielSortant.corps,
            ).order_by(models.CourrielSortant.id)
        )
        return [tuple(r) for r in rows]


def key_in(body: str) -> str:
    found = re.search(r"clé d'activation : ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", body)
    assert found, body
    return found.group(1)


async def requested_key(api, world, admin) -> str:
    data = await api.data(REQUEST, {"nir": world.unmandated.nir}, admin)
    assert data["requestMandat"]["userErrors"] == []
    return key_in((await outbox(api))[-1][2])


async def test_a_request_creates_a_pending_mandate_and_mails_a_key_to_the_worker(setting) -> None:
    api, world, admin = setting
    data = await api.data(REQUEST, {"nir": world.unmandated.nir}, admin)
    assert data == {"requestMandat": {"message": DEMANDE_ENREGISTREE, "userErrors": []}}
    alpha = (await mandates(api, world.assigned.id))[0][0]
    assert await mandates(api, world.unmandated.id) == [
        (alpha, StatutMandat.EN_ATTENTE, TODAY, 0, False)
    ]
    [(to, subject, body)] = await outbox(api)
    assert to == world.unmandated.courriel
    assert subject == "Cabinet Alpha demande un mandat sur votre compte"
    assert "valable jusqu'au 23/12/2026" in body
    key = key_in(body)
    async with api.session() as session:
        stored = await session.scalar(
            select(models.Mandat.cle_activation_hash).where(
                models.Mandat.travailleur_id == world.unmandated.id
            )
        )
    assert key not in stored and key.replace("-", "") not in stored  # hashed (argon2)
    # Pending: the accountant sees nothing of the worker yet.
    assert await api.data(PORTFOLIO, {}, admin) == {
        "portfolio": {"nodes": [{"nom": "Bernard"}, {"nom": "Dubois"}]}
    }
    gid = encode_global_id("Travailleur", world.unmandated.id)
    assert await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": gid}, admin) == {
        "node": None
    }


async def test_an_unknown_nir_gets_the_same_answer_and_nothing_happens(setting) -> None:
    api, world, admin = setting
    known = await api.post(REQUEST, {"nir": world.unmandated.nir}, admin)
    unknown = await api.post(REQUEST, {"nir": UNKNOWN_NIR}, admin)
    assert unknown["data"] == known["data"]
    async with api.session() as session:
        assert await session.scalar(select(func.count()).select_from(models.Mandat)) == 4
    assert len(await outbox(api)) == 1


async def test_a_malformed_nir_is_refused_and_changes_nothing(setting) -> None:
    api, world, admin = setting
    data = await api.data(REQUEST, {"nir": "1234"}, admin)
    assert data["requestMandat"] == {
        "message": None,
        "userErrors": [
            {
                "field": ["input", "nir"],
                "message": "NIR invalide : le format est incorrect.",
                "code": "NIR_INVALIDE",
            }
        ],
    }
    assert await mandates(api, world.unmandated.id) == []
    assert await outbox(api) == []


async def test_a_cabinet_with_an_active_mandate_cannot_ask_again(setting) -> None:
    api, world, admin = setting
    before = await mandates(api, world.assigned.id)
    data = await api.data(REQUEST, {"nir": world.assigned.nir}, admin)
    assert data["requestMandat"]["userErrors"] == [
        {
            "field": ["input", "nir"],
            "message": "Votre cabinet détient déjà un mandat actif pour ce travailleur.",
            "code": "MANDAT_DEJA_ACTIF",
        }
    ]
    assert await mandates(api, world.assigned.id) == before
    assert await outbox(api) == []


async def test_asking_again_the_same_day_sends_no_second_key_a_later_day_replaces_it(
    db: Database, setting
) -> None:
    api, world, admin = setting
    first_key = await requested_key(api, world, admin)
    await api.data(REQUEST, {"nir": world.unmandated.nir}, admin)
    assert len(await outbox(api)) == 1
    later = TODAY + timedelta(days=3)
    async with api_for(db, today=later) as api_later:
        token = await api_later.login("admin@alpha.fr", PASSWORD)
        await api_later.data(REQUEST, {"nir": world.unmandated.nir}, token)
        second_key = key_in((await outbox(api_later))[-1][2])
        assert second_key != first_key
        old = await api_later.data(ACTIVATE, {"nir": world.unmandated.nir, "cle": first_key}, token)
        assert old["activateMandat"]["userErrors"][0]["code"] == "CLE_INVALIDE"
        new = await api_later.data(
            ACTIVATE, {"nir": world.unmandated.nir, "cle": second_key}, token
        )
        assert new["activateMandat"]["mandat"]["statut"] == "ACTIF"
        assert new["activateMandat"]["mandat"]["dateDemande"] == later.isoformat()


async def test_the_right_key_activates_the_mandate_and_opens_the_account_at_once(setting) -> None:
    api, world, admin = setting
    key = await requested_key(api, world, admin)
    typed = key.lower().replace("-", " ")
    data = await api.data(ACTIVATE, {"nir": world.unmandated.nir, "cle": typed}, admin)
    assert data["activateMandat"] == {
        "mandat": {
            "statut": "ACTIF",
            "dateDemande": TODAY.isoformat(),
            "dateActivation": TODAY.isoformat(),
            "cabinet": {"nom": "Cabinet Alpha"},
            "travailleur": {"nom": "Petit"},
        },
        "travailleur": {"nom": "Petit", "prenom": "Julie"},
        "userErrors": [],
    }
    assert [n["nom"] for n in (await api.data(PORTFOLIO, {}, admin))["portfolio"]["nodes"]] == [
        "Bernard",
        "Dubois",
        "Petit",
    ]
    [(_, statut, _, tries, no_hash)] = await mandates(api, world.unmandated.id)
    assert (statut, tries, no_hash) == (StatutMandat.ACTIF, 0, True)
    to, subject, _ = (await outbox(api))[-1]
    assert (to, subject) == (
        world.unmandated.courriel,
        "Cabinet Alpha a désormais accès à votre compte",
    )


async def test_a_wrong_an_unknown_or_an_expired_key_get_the_same_refusal(
    db: Database, setting
) -> None:
    api, world, admin = setting
    await requested_key(api, world, admin)
    refusal = {
        "mandat": None,
        "travailleur": None,
        "userErrors": [
            {"field": ["input", "cleActivation"], "message": CLE_REFUSEE, "code": "CLE_INVALIDE"}
        ],
    }
    wrong = await api.data(ACTIVATE, {"nir": world.unmandated.nir, "cle": "AAAA-BBBB-CCCC"}, admin)
    unknown = await api.data(ACTIVATE, {"nir": UNKNOWN_NIR, "cle": "AAAA-BBBB-CCCC"}, admin)
    no_request = await api.data(ACTIVATE, {"nir": world.unassigned.nir, "cle": "X"}, admin)
    assert wrong["activateMandat"] == unknown["activateMandat"] == refusal
    # Dubois has an active mandate, no pending one: the same refusal too.
    assert no_request["activateMandat"] == refusal
    key = key_in((await outbox(api))[-1][2])
    async with api_for(db, today=TODAY + timedelta(days=31)) as late:
        token = await late.login("admin@alpha.fr", PASSWORD)
        expired = await late.data(ACTIVATE, {"nir": world.unmandated.nir, "cle": key}, token)
    assert expired["activateMandat"] == refusal
    assert (await mandates(api, world.unmandated.id))[0][1:4] == (
        StatutMandat.EN_ATTENTE,
        TODAY,
        1,
    )


async def test_five_wrong_keys_cancel_the_request_and_the_worker_is_told(setting) -> None:
    api, world, admin = setting
    key = await requested_key(api, world, admin)
    for attempt in range(1, 5):
        await api.data(ACTIVATE, {"nir": world.unmandated.nir, "cle": f"WRONG{attempt}"}, admin)
        assert (await mandates(api, world.unmandated.id))[0][1:4] == (
            StatutMandat.EN_ATTENTE,
            TODAY,
            attempt,
        )
    await api.data(ACTIVATE, {"nir": world.unmandated.nir, "cle": "WRONG5"}, admin)
    [(_, statut, _, tries, no_hash)] = await mandates(api, world.unmandated.id)
    assert (statut, tries, no_hash) == (StatutMandat.ANNULE, 5, True)
    to, subject, _ = (await outbox(api))[-1]
    assert (to, subject) == (world.unmandated.courriel, "Demande de mandat annulée")
    late = await api.data(ACTIVATE, {"nir": world.unmandated.nir, "cle": key}, admin)
    assert late["activateMandat"]["userErrors"][0]["code"] == "CLE_INVALIDE"
    assert "Petit" not in str(await api.data(PORTFOLIO, {}, admin))


async def test_a_retried_wrong_key_with_the_same_idempotency_key_counts_once(setting) -> None:
    api, world, admin = setting
    await requested_key(api, world, admin)
    variables = {"nir": world.unmandated.nir, "cle": "WRONG", "key": "essai-1"}
    first = await api.data(ACTIVATE, variables, admin)
    again = await api.data(ACTIVATE, variables, admin)
    assert first == again
    assert (await mandates(api, world.unmandated.id))[0][3] == 1


async def test_another_cabinet_cannot_use_a_key_sent_for_the_first(setting) -> None:
    api, world, admin = setting
    key = await requested_key(api, world, admin)
    beta = await api.login("admin@beta.fr", PASSWORD)
    data = await api.data(ACTIVATE, {"nir": world.unmandated.nir, "cle": key}, beta)
    assert data["activateMandat"]["userErrors"][0]["code"] == "CLE_INVALIDE"
    assert (await mandates(api, world.unmandated.id))[0][1] == StatutMandat.EN_ATTENTE


async def test_a_collaborator_who_activates_a_mandate_is_assigned_the_client(setting) -> None:
    api, world, _ = setting
    collab = await api.login("collab@alpha.fr", PASSWORD)
    key = await requested_key(api, world, collab)
    await api.data(ACTIVATE, {"nir": world.unmandated.nir, "cle": key}, collab)
    assert await api.data(PORTFOLIO, {}, collab) == {
        "portfolio": {"nodes": [{"nom": "Bernard"}, {"nom": "Petit"}]}
    }


async def test_the_worker_sees_their_mandates_and_an_accountant_only_their_cabinets(
    setting,
) -> None:
    api, world, _ = setting
    roux = await api.login(world.revoked.nir, WORKER_PASSWORD)
    async with api.session() as session:
        beta = await session.scalar(
            select(models.Cabinet).where(models.Cabinet.nom == "Cabinet Beta")
        )
        await builders.mandat(session, cabinet_id=beta.id, travailleur_id=world.revoked.id)
        await session.commit()
    seen = (await api.data(MY_MANDATES, {}, roux))["me"]["travailleur"]["mandats"]
    assert [(m["cabinet"]["nom"], m["statut"], m["travailleur"]) for m in seen] == [
        ("Cabinet Beta", "ACTIF", {"nom": "Roux"}),
        ("Cabinet Alpha", "REVOQUE", {"nom": "Roux"}),
    ]
    beta_admin = await api.login("admin@beta.fr", PASSWORD)
    query = (
        "query($id: ID!) { node(id: $id) { ... on Travailleur { mandats { cabinet { nom } } } } }"
    )
    gid = encode_global_id("Travailleur", world.revoked.id)
    assert await api.data(query, {"id": gid}, beta_admin) == {
        "node": {"mandats": [{"cabinet": {"nom": "Cabinet Beta"}}]}
    }


async def test_a_revoked_mandate_removes_access_at_once(setting) -> None:
    api, world, admin = setting
    worker = await api.login(world.assigned.nir, WORKER_PASSWORD)
    collab = await api.login("collab@alpha.fr", PASSWORD)
    [mandat] = (await api.data(MY_MANDATES, {}, worker))["me"]["travailleur"]["mandats"]
    data = await api.data(REVOKE, {"id": mandat["id"]}, worker)
    assert data["revokeMandat"] == {
        "mandat": {
            "statut": "REVOQUE",
            "dateRevocation": TODAY.isoformat(),
            "cabinet": {"nom": "Cabinet Alpha"},
        },
        "userErrors": [],
    }
    assert await api.data(PORTFOLIO, {}, admin) == {"portfolio": {"nodes": [{"nom": "Dubois"}]}}
    assert await api.data(PORTFOLIO, {}, collab) == {"portfolio": {"nodes": []}}
    async with api.session() as session:
        assigned = await session.scalar(
            select(func.count()).select_from(models.AffectationCollaborateur)
        )
    assert assigned == 0
    [(to, subject, body)] = await outbox(api)
    assert (to, subject) == ("admin@alpha.fr", "Mandat révoqué par votre client")
    assert body == (
        "Luc Bernard a révoqué le mandat de votre cabinet le 23/11/2026 : son compte n'est "
        "plus accessible.\n"
    )


async def test_a_revocation_is_refused_for_a_mandate_that_is_not_the_workers_own(setting) -> None:
    api, world, _ = setting
    other = await api.login(world.unassigned.nir, WORKER_PASSWORD)
    worker = await api.login(world.assigned.nir, WORKER_PASSWORD)
    [mandat] = (await api.data(MY_MANDATES, {}, worker))["me"]["travailleur"]["mandats"]
    for mandat_id in (mandat["id"], "not-an-id", encode_global_id("Mandat", 999)):
        data = await api.data(REVOKE, {"id": mandat_id}, other)
        assert data["revokeMandat"] == {
            "mandat": None,
            "userErrors": [
                {
                    "field": ["input", "mandatId"],
                    "message": "Aucun mandat ne correspond à cet identifiant.",
                    "code": "NOT_FOUND",
                }
            ],
        }
    assert (await mandates(api, world.assigned.id))[0][1] == StatutMandat.ACTIF
    await api.data(REVOKE, {"id": mandat["id"]}, worker)
    again = await api.data(REVOKE, {"id": mandat["id"]}, worker)
    assert again["revokeMandat"]["userErrors"] == [
        {
            "field": ["input", "mandatId"],
            "message": "Ce mandat n'est plus en vigueur : il n'y a rien à révoquer.",
            "code": "MANDAT_INACTIF",
        }
    ]


async def test_a_worker_may_decline_a_pending_request(setting) -> None:
    api, world, admin = setting
    key = await requested_key(api, world, admin)
    worker = await api.login(world.unmandated.nir, WORKER_PASSWORD)
    [pending] = (await api.data(MY_MANDATES, {}, worker))["me"]["travailleur"]["mandats"]
    assert pending["statut"] == "EN_ATTENTE"
    await api.data(REVOKE, {"id": pending["id"]}, worker)
    data = await api.data(ACTIVATE, {"nir": world.unmandated.nir, "cle": key}, admin)
    assert data["activateMandat"]["userErrors"][0]["code"] == "CLE_INVALIDE"


@pytest.mark.parametrize(
    ("who", "mutation", "code"),
    [
        (None, REQUEST, "UNAUTHENTICATED"),
        ("worker", REQUEST, "FORBIDDEN"),
        ("agent", REQUEST, "FORBIDDEN"),
        (None, ACTIVATE, "UNAUTHENTICATED"),
        ("worker", ACTIVATE, "FORBIDDEN"),
        ("agent", ACTIVATE, "FORBIDDEN"),
        (None, REVOKE, "UNAUTHENTICATED"),
        ("admin", REVOKE, "FORBIDDEN"),
        ("collab", REVOKE, "FORBIDDEN"),
        ("agent", REVOKE, "FORBIDDEN"),
    ],
)
async def test_only_accountants_ask_and_activate_and_only_workers_revoke(
    setting, who, mutation, code
) -> None:
    api, world, _ = setting
    logins = {
        "worker": (world.unmandated.nir, WORKER_PASSWORD),
        "agent": ("agent@idf.fr", PASSWORD),
        "admin": ("admin@alpha.fr", PASSWORD),
        "collab": ("collab@alpha.fr", PASSWORD),
    }
    token = None if who is None else await api.login(*logins[who])
    variables = {"nir": world.unmandated.nir, "cle": "X", "id": encode_global_id("Mandat", 1)}
    body = await api.post(mutation, variables, token)
    assert error_codes(body) == [code]
    assert body["data"] is None
    assert await mandates(api, world.unmandated.id) == []
    assert (await mandates(api, world.assigned.id))[0][1] == StatutMandat.ACTIF


def test_keys_are_valid_thirty_days() -> None:
    from gateway.services.mandats import key_expired

    mandat = models.Mandat(date_demande=date(2026, 11, 1))
    assert not key_expired(mandat, date(2026, 12, 1))
    assert key_expired(mandat, date(2026, 12, 2))


async def test_a_mandate_is_a_node_for_the_worker_and_its_cabinet_only(setting) -> None:
    api, world, admin = setting
    worker = await api.login(world.assigned.nir, WORKER_PASSWORD)
    [mandat] = (await api.data(MY_MANDATES, {}, worker))["me"]["travailleur"]["mandats"]
    query = "query($id: ID!) { node(id: $id) { ... on Mandat { statut cabinet { nom } } } }"
    seen = {"node": {"statut": "ACTIF", "cabinet": {"nom": "Cabinet Alpha"}}}
    assert await api.data(query, {"id": mandat["id"]}, worker) == seen
    assert await api.data(query, {"id": mandat["id"]}, admin) == seen
    for who in ("admin@beta.fr",):
        other = await api.login(who, PASSWORD)
        assert await api.data(query, {"id": mandat["id"]}, other) == {"node": None}
    stranger = await api.login(world.unassigned.nir, WORKER_PASSWORD)
    assert await api.data(query, {"id": mandat["id"]}, stranger) == {"node": None}
