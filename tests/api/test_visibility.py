"""Each kind of caller sees exactly what it should, and nothing else (SPEC §10)."""

from __future__ import annotations

import pytest

from gateway.schema.relay import encode_global_id
from tests.api.client import Api, api_for, error_codes
from tests.api.world import PASSWORD, WORKER_PASSWORD, World, build_world
from tests.conftest import Database

PORTFOLIO = "{ portfolio(first: 50) { totalCount nodes { nom prenom } } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Travailleur { nom } } }"


# The whole matrix on both executions: attribute fields answered directly, and every
# field through graphql-core.
@pytest.fixture(params=[True, False], ids=["direct", "general"])
async def setting(db: Database, request: pytest.FixtureRequest):
    async with api_for(db, attribute_fields=request.param) as api:
        world = await build_world(api)
        yield api, world


def gid(travailleur) -> str:
    return encode_global_id("Travailleur", travailleur.id)


async def visible_names(api: Api, token: str, world: World) -> set[str]:
    everyone = [world.assigned, world.unassigned, world.revoked, world.unmandated]
    names = set()
    for worker in everyone:
        data = await api.data(NODE, {"id": gid(worker)}, token)
        if data["node"] is not None:
            names.add(data["node"]["nom"])
    return names


async def test_anonymous_callers_are_refused_with_unauthenticated(setting) -> None:
    api, world = setting
    for query, variables in (
        ("{ me { role } }", None),
        (PORTFOLIO, None),
        (NODE, {"id": gid(world.assigned)}),
    ):
        body = await api.post(query, variables)
        assert error_codes(body) == ["UNAUTHENTICATED"]
        assert body["data"] is None or not any(body["data"].values())


async def test_a_bad_or_forged_token_is_refused_with_unauthenticated(setting) -> None:
    api, _ = setting
    for token in ("not-a-jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyOjEifQ.forged"):
        body = await api.post("{ me { role } }", token=token)
        assert error_codes(body) == ["UNAUTHENTICATED"]
        assert body["errors"][0]["message"] == "Jeton invalide : reconnectez-vous."


async def test_a_worker_sees_only_their_own_account(setting) -> None:
    api, world = setting
    token = await api.login(world.assigned.nir, WORKER_PASSWORD)
    me = await api.data("{ me { role travailleur { nom nir } } }", token=token)
    assert me["me"] == {
        "role": "TRAVAILLEUR",
        "travailleur": {"nom": "Bernard", "nir": world.assigned.nir},
    }
    assert await visible_names(api, token, world) == {"Bernard"}


async def test_a_worker_may_not_list_a_portfolio(setting) -> None:
    api, world = setting
    token = await api.login(world.assigned.nir, WORKER_PASSWORD)
    body = await api.post(PORTFOLIO, token=token)
    assert error_codes(body) == ["FORBIDDEN"]


async def test_a_cabinet_admin_sees_every_client_with_an_active_mandate(setting) -> None:
    api, world = setting
    token = await api.login("admin@alpha.fr", PASSWORD)
    data = await api.data(PORTFOLIO, token=token)
    assert data["portfolio"] == {
        "totalCount": 2,
        "nodes": [{"nom": "Bernard", "prenom": "Luc"}, {"nom": "Dubois", "prenom": "Anne"}],
    }
    assert await visible_names(api, token, world) == {"Bernard", "Dubois"}


async def test_a_collaborator_sees_only_the_clients_assigned_to_them(setting) -> None:
    api, world = setting
    token = await api.login("collab@alpha.fr", PASSWORD)
    data = await api.data(PORTFOLIO, token=token)
    assert data["portfolio"] == {"totalCount": 1, "nodes": [{"nom": "Bernard", "prenom": "Luc"}]}
    assert await visible_names(api, token, world) == {"Bernard"}


async def test_another_cabinet_sees_none_of_these_clients(setting) -> None:
    api, world = setting
    token = await api.login("admin@beta.fr", PASSWORD)
    data = await api.data(PORTFOLIO, token=token)
    assert data["portfolio"] == {"totalCount": 0, "nodes": []}
    assert await visible_names(api, token, world) == set()


async def test_an_agent_sees_every_account_of_their_caisse_and_no_other(setting) -> None:
    api, world = setting
    token = await api.login("agent@idf.fr", PASSWORD)
    assert await visible_names(api, token, world) == {"Bernard", "Dubois", "Petit"}


async def test_an_invisible_object_answers_exactly_like_a_missing_one(setting) -> None:
    api, world = setting
    token = await api.login("collab@alpha.fr", PASSWORD)
    hidden = await api.post(NODE, {"id": gid(world.unassigned)}, token)
    missing = await api.post(NODE, {"id": encode_global_id("Travailleur", 999999)}, token)
    malformed = await api.post(NODE, {"id": "%%%not-an-id"}, token)
    # Identical bodies (the cost reported in `extensions` included).
    assert hidden == missing == malformed
    assert hidden["data"] == {"node": None}


async def test_child_objects_of_an_invisible_worker_are_invisible_too(setting) -> None:
    api, _ = setting
    admin = await api.login("admin@alpha.fr", PASSWORD)
    query = "{ portfolio { nodes { ... on TravailleurClassique { echeances { nodes { id } } } } } }"
    data = await api.data(query, token=admin)
    echeance_id = data["portfolio"]["nodes"][0]["echeances"]["nodes"][0]["id"]
    other = await api.login("admin@beta.fr", PASSWORD)
    assert await api.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": echeance_id}, other
    ) == {"node": None}
    assert (await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": echeance_id}, admin))[
        "node"
    ] == {"id": echeance_id}


async def test_nodes_takes_at_most_one_hundred_ids(setting) -> None:
    api, world = setting
    token = await api.login("admin@alpha.fr", PASSWORD)
    body = await api.post(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [gid(world.assigned)] * 101},
        token,
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == "ids : au plus 100 identifiants par requête."
    ok = await api.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [gid(world.assigned), gid(world.revoked)]},
        token,
    )
    assert ok == {"nodes": [{"id": gid(world.assigned)}, None]}
