"""The audit trail made visible: a worker's journal, a cabinet's events (SPEC §10)."""

from __future__ import annotations

import pytest

from gateway.schema.relay import encode_global_id
from gateway.services.mandats import CLE_REFUSEE
from tests.api.client import api_for, error_codes
from tests.api.world import PASSWORD, WORKER_PASSWORD, build_world
from tests.conftest import Database

CONTACT = """mutation($id: ID!, $tel: String!) {
  updateContact(input: {travailleurId: $id, telephone: $tel}) { userErrors { code } }
}"""
JOURNAL = """query($op: String, $first: Int, $after: String) { me { travailleur {
  journal(operation: $op, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { acteur role operation issue detail motifRefus cabinet { nom } travailleur { nom } }
  }
} } }"""
NODE_JOURNAL = """query($id: ID!) { node(id: $id) { ... on Travailleur {
  journal(operation: "updateContact") { totalCount nodes { acteur cabinet { nom } } }
} } }"""
AUDIT = """query($c: ID, $op: String, $first: Int, $after: String) {
  auditCabinet(collaborateurId: $c, operation: $op, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { acteur role operation issue motifRefus cabinet { nom } travailleur { nom } }
  }
}"""


@pytest.fixture
async def setting(db: Database):
    """Bernard's phone changed by the cabinet's admin, its collaborator, the caisse's
    agent, then a refused change by the admin (refused before the account was read: not
    on the account's journal). Another cabinet asks for a mandate on Bernard and enters
    a wrong key."""
    async with api_for(db) as api:
        world = await build_world(api)
        tokens = {
            who: await api.login(who, PASSWORD)
            for who in ("admin@alpha.fr", "collab@alpha.fr", "agent@idf.fr", "admin@beta.fr")
        }
        bernard = encode_global_id("Travailleur", world.assigned.id)
        for who, tel in (
            ("admin@alpha.fr", "0601010101"),
            ("collab@alpha.fr", "0602020202"),
            ("agent@idf.fr", "0603030303"),
            ("admin@alpha.fr", "12"),
        ):
            await api.data(CONTACT, {"id": bernard, "tel": tel}, tokens[who])
        # Beta tries Bernard (not its client), requests a mandate, enters a wrong key.
        await api.data(CONTACT, {"id": bernard, "tel": "0604040404"}, tokens["admin@beta.fr"])
        await api.data(
            "mutation($n: String!) { requestMandat(input: {nir: $n}) { message } }",
            {"n": world.assigned.nir},
            tokens["admin@beta.fr"],
        )
        await api.data(
            """mutation($n: String!) {
                 activateMandat(input: {nir: $n, cleActivation: "AAAA-BBBB-CCCC"}) { mandat { id } }
               }""",
            {"n": world.assigned.nir},
            tokens["admin@beta.fr"],
        )
        worker = await api.login(world.assigned.nir, WORKER_PASSWORD)
        yield api, world, tokens, worker


REFUSED_PHONE = (
    "Numéro de téléphone invalide : 10 chiffres commençant par 0, ou +33 suivi de 9 chiffres."
)


async def test_a_worker_sees_who_acted_on_their_account_and_for_whom(setting) -> None:
    api, _, _, worker = setting
    data = await api.data(JOURNAL, {"op": "updateContact"}, worker)
    journal = data["me"]["travailleur"]["journal"]
    assert journal["totalCount"] == 3
    assert journal["nodes"] == [
        {
            "acteur": "agent",
            "role": "AGENT",
            "operation": "updateContact",
            "issue": "SUCCES",
            "detail": None,
            "motifRefus": None,
            "cabinet": None,
            "travailleur": {"nom": "Bernard"},
        },
        {
            "acteur": "collab",
            "role": "EXPERT_COMPTABLE",
            "operation": "updateContact",
            "issue": "SUCCES",
            "detail": None,
            "motifRefus": None,
            "cabinet": {"nom": "Cabinet Alpha"},
            "travailleur": {"nom": "Bernard"},
        },
        {
            "acteur": "admin",
            "role": "EXPERT_COMPTABLE",
            "operation": "updateContact",
            "issue": "SUCCES",
            "detail": None,
            "motifRefus": None,
            "cabinet": {"nom": "Cabinet Alpha"},
            "travailleur": {"nom": "Bernard"},
        },
    ]


async def test_the_journal_shows_another_cabinets_request_and_wrong_key_and_pages(
    setting,
) -> None:
    api, _, _, worker = setting
    data = await api.data(JOURNAL, {"first": 3}, worker)
    page = data["me"]["travailleur"]["journal"]
    assert [(n["operation"], n["acteur"], n["issue"]) for n in page["nodes"]] == [
        ("login", "Luc Bernard", "SUCCES"),
        ("activateMandat", "admin", "REFUS"),
        ("requestMandat", "admin", "SUCCES"),
    ]
    assert page["nodes"][1]["cabinet"] == page["nodes"][2]["cabinet"] == {"nom": "Cabinet Beta"}
    assert page["nodes"][1]["motifRefus"] == CLE_REFUSEE
    assert page["nodes"][2]["detail"] == f"nir={page_nir(setting)}"
    assert page["totalCount"] == 6
    after = page["pageInfo"]["endCursor"]
    rest = await api.data(JOURNAL, {"first": 10, "after": after}, worker)
    assert [n["operation"] for n in rest["me"]["travailleur"]["journal"]["nodes"]] == [
        "updateContact"
    ] * 3
    assert rest["me"]["travailleur"]["journal"]["pageInfo"]["hasNextPage"] is False


def page_nir(setting) -> str:
    return setting[1].assigned.nir


async def test_an_accountant_sees_only_their_cabinets_part_of_the_journal(setting) -> None:
    api, world, tokens, _ = setting
    gid = encode_global_id("Travailleur", world.assigned.id)
    admin = await api.data(NODE_JOURNAL, {"id": gid}, tokens["admin@alpha.fr"])
    assert admin["node"]["journal"]["totalCount"] == 2
    assert {n["cabinet"]["nom"] for n in admin["node"]["journal"]["nodes"]} == {"Cabinet Alpha"}
    agent = await api.data(NODE_JOURNAL, {"id": gid}, tokens["agent@idf.fr"])
    assert agent["node"]["journal"]["totalCount"] == 3
    # Beta does not see Bernard at all.
    beta = await api.data(NODE_JOURNAL, {"id": gid}, tokens["admin@beta.fr"])
    assert beta == {"node": None}


async def test_a_cabinet_admin_sees_the_cabinets_events_by_collaborator_and_operation(
    setting,
) -> None:
    api, _, tokens, _ = setting
    admin = tokens["admin@alpha.fr"]
    everything = (await api.data(AUDIT, {}, admin))["auditCabinet"]
    # Two logins (admin, collab) and three phone changes.
    assert everything["totalCount"] == 5
    assert [(n["operation"], n["acteur"], n["issue"]) for n in everything["nodes"]] == [
        ("updateContact", "admin", "REFUS"),
        ("updateContact", "collab", "SUCCES"),
        ("updateContact", "admin", "SUCCES"),
        ("login", "collab", "SUCCES"),
        ("login", "admin", "SUCCES"),
    ]
    async with api.session() as session:
        from sqlalchemy import select

        from gateway.db import models

        collab_id = await session.scalar(
            select(models.Utilisateur.id).where(models.Utilisateur.identifiant == "collab@alpha.fr")
        )
    collab = encode_global_id("Collaborateur", collab_id)
    by_collab = (await api.data(AUDIT, {"c": collab}, admin))["auditCabinet"]
    assert [n["operation"] for n in by_collab["nodes"]] == ["updateContact", "login"]
    changes = (await api.data(AUDIT, {"op": "updateContact", "first": 2}, admin))["auditCabinet"]
    assert changes["totalCount"] == 3
    assert changes["pageInfo"]["hasNextPage"] is True
    assert [n["motifRefus"] for n in changes["nodes"]] == [REFUSED_PHONE, None]


async def test_a_cabinets_events_never_reveal_a_worker_it_does_not_see(setting) -> None:
    api, _, tokens, _ = setting
    beta = (await api.data(AUDIT, {}, tokens["admin@beta.fr"]))["auditCabinet"]
    assert [(n["operation"], n["issue"], n["travailleur"]) for n in beta["nodes"]] == [
        ("activateMandat", "REFUS", None),
        ("requestMandat", "SUCCES", None),
        ("updateContact", "REFUS", None),
        ("login", "SUCCES", None),
    ]


async def test_a_malformed_collaborator_id_is_bad_user_input(setting) -> None:
    api, _, tokens, _ = setting
    body = await api.post(AUDIT, {"c": "nope"}, tokens["admin@alpha.fr"])
    assert error_codes(body) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    ("who", "code"),
    [
        (None, "UNAUTHENTICATED"),
        ("collab@alpha.fr", "FORBIDDEN"),
        ("agent@idf.fr", "FORBIDDEN"),
        ("worker", "FORBIDDEN"),
    ],
)
async def test_only_cabinet_admins_see_the_cabinets_events(setting, who, code) -> None:
    api, _, tokens, worker = setting
    token = None if who is None else worker if who == "worker" else tokens[who]
    body = await api.post(AUDIT, {}, token)
    assert error_codes(body) == [code]
    assert body["data"] is None


async def test_an_event_is_a_node_for_those_who_see_it_in_a_journal_or_the_audit(setting) -> None:
    api, _, tokens, worker = setting
    listing = """{ me { travailleur { journal(operation: "updateContact", first: 1) {
      nodes { id } } } } }"""
    [event] = (await api.data(listing, {}, worker))["me"]["travailleur"]["journal"]["nodes"]
    query = "query($id: ID!) { node(id: $id) { ... on EvenementAudit { acteur operation } } }"
    # The agent's change: seen by the worker and the agent, not by the cabinets.
    seen = {"node": {"acteur": "agent", "operation": "updateContact"}}
    assert await api.data(query, {"id": event["id"]}, worker) == seen
    assert await api.data(query, {"id": event["id"]}, tokens["agent@idf.fr"]) == seen
    for who in ("admin@alpha.fr", "collab@alpha.fr", "admin@beta.fr"):
        assert await api.data(query, {"id": event["id"]}, tokens[who]) == {"node": None}
    # The collaborator's login: an event of the cabinet, for its administrator only.
    logins = '{ auditCabinet(operation: "login", first: 1) { nodes { id acteur } } }'
    [login] = (await api.data(logins, {}, tokens["admin@alpha.fr"]))["auditCabinet"]["nodes"]
    assert await api.data(query, {"id": login["id"]}, tokens["admin@alpha.fr"]) == {
        "node": {"acteur": "collab", "operation": "login"}
    }
    for who in ("collab@alpha.fr", "admin@beta.fr", "agent@idf.fr"):
        assert await api.data(query, {"id": login["id"]}, tokens[who]) == {"node": None}
