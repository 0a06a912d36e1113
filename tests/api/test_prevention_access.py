"""« Ma prévention santé » is the worker's alone: every field and mutation of the
section, asked by every kind of caller, and forged global IDs (GDPR art. 9).

For anyone but the worker the objects do not exist: the queries are refused by role
(the same whatever the ID), node/nodes answer null exactly as for an unknown ID, and
neither the worker's journal nor a cabinet's audit shows or counts these operations.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from gateway.db import models
from gateway.db.models_caisse import Actualite
from gateway.db.models_prevention import ActePrevention, AyantDroit, PreferencePrevention
from gateway.global_ids import encode_global_id
from tests.api.client import Api, api_for, error_codes
from tests.api.prevention_world import (
    ADD,
    DEPISTAGE,
    FILE,
    RAPPELS,
    REMOVE,
    UPDATE,
    VACCINATION,
    Family,
    build_family,
)
from tests.api.test_access_support import client_token, register_client
from tests.api.test_prevention_conseils import CONSEILS, PUBLISH, WITHDRAW
from tests.api.world import PASSWORD, WORKER_PASSWORD
from tests.conftest import Database

SCOPES = ["read", "revenus:write", "prelevement:write", "delais:write", "attestations:write"]
FORBIDDEN_ROLE = "Opération réservée aux rôles : TRAVAILLEUR."
UNKNOWN = encode_global_id("AyantDroit", 987654)


@pytest.fixture
async def setting(db: Database):
    async with api_for(db) as api:
        fam = await build_family(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        tokens = {
            "other worker": await api.login(fam.world.unassigned.nir, WORKER_PASSWORD),
            "cabinet admin": admin,
            "collaborator": await api.login("collab@alpha.fr", PASSWORD),
            "other cabinet": await api.login("admin@beta.fr", PASSWORD),
            "agent": await api.login("agent@idf.fr", PASSWORD),
        }
        for scope in SCOPES:
            client_id, secret = await register_client(api, admin, [scope], nom=f"Outil {scope}")
            tokens[f"oauth {scope}"] = await client_token(api, client_id, secret)
        client_id, secret = await register_client(api, admin, SCOPES, nom="Outil complet")
        tokens["oauth all scopes"] = await client_token(api, client_id, secret)
        yield api, fam, tokens


def mutations(target: str) -> list[tuple[str, dict[str, Any]]]:
    """Every mutation of the section aimed at ``target`` (an ayant droit's global ID)."""
    return [
        (ADD, {"prenom": "Intrus", "dateNaissance": "2000-01-01", "sexe": "M", "lien": "ENFANT"}),
        (UPDATE, {"ayantDroitId": target, "prenom": "Intrus"}),
        (REMOVE, {"ayantDroitId": target}),
        (VACCINATION, {"ayantDroitId": target, "vaccin": "ROR", "date": "2026-11-01"}),
        (VACCINATION, {"vaccin": "RAPPEL_DTP_ADULTE", "date": "2026-11-01"}),
        (
            DEPISTAGE,
            {
                "ayantDroitId": target,
                "depistage": "DEPISTAGE_CANCER_COLORECTAL",
                "date": "2026-11-01",
            },
        ),
        (RAPPELS, {"actifs": True}),
    ]


async def snapshot(api: Api, fam: Family) -> dict[str, Any]:
    """Everything of the worker's file a foreign call must leave unchanged."""
    async with api.session() as session:
        counts = {
            model.__tablename__: await session.scalar(select(func.count()).select_from(model))
            for model in (AyantDroit, ActePrevention, PreferencePrevention, models.Idempotence)
        }
    return {"counts": counts, "file": await api.data(FILE, token=fam.token)}


async def prevention_events(api: Api) -> int:
    async with api.session() as session:
        total = await session.scalar(
            select(func.count())
            .select_from(models.EvenementAudit)
            .where(models.EvenementAudit.operation != "login")
            .where(models.EvenementAudit.operation.not_like("%OAuth%"))
        )
        return int(total or 0)


async def test_no_one_but_the_worker_may_read_the_file(setting) -> None:
    api, _fam, tokens = setting
    for caller, token in tokens.items():
        body = await api.post(FILE, token=token)
        if caller == "other worker":  # their own file, empty: nothing of the other's
            file = body["data"]["maPrevention"]
            assert file["ayantsDroit"] == [], caller
            assert file["titulaire"]["prenom"] == "Anne"
            continue
        assert body["data"] is None, caller
        assert error_codes(body) == ["FORBIDDEN"], caller
    anonymous = await api.post(FILE)
    assert (anonymous["data"], error_codes(anonymous)) == (None, ["UNAUTHENTICATED"])


async def test_no_one_but_the_worker_may_write_and_a_refusal_changes_nothing(setting) -> None:
    api, fam, tokens = setting
    before = await snapshot(api, fam)
    events = await prevention_events(api)
    for target in (
        fam.ids["Hugo"],
        UNKNOWN,
        "not-a-global-id",
        encode_global_id("Travailleur", fam.worker.id),
    ):
        for mutation, fields in mutations(target):
            for caller, token in tokens.items():
                body = await api.post(mutation, {"input": fields}, token)
                payload = next(iter((body.get("data") or {}).values()), None)
                if caller == "other worker":
                    if "ayantDroitId" in fields:  # exactly as for an unknown ID
                        assert payload["userErrors"] == [
                            {
                                "field": ["input", "ayantDroitId"],
                                "code": "NOT_FOUND",
                                "message": "Aucun ayant droit ne correspond à cet identifiant.",
                            }
                        ], (caller, mutation)
                    continue  # adds to and records in their own file
                assert payload is None, (caller, mutation)
                assert error_codes(body) == ["FORBIDDEN"], (caller, mutation)
                assert body["errors"][0]["message"] == FORBIDDEN_ROLE
            anonymous = await api.post(mutation, {"input": fields})
            assert (anonymous["data"], error_codes(anonymous)) == (None, ["UNAUTHENTICATED"])
    after = await snapshot(api, fam)
    assert after["file"] == before["file"]
    # Only the other worker's own writes were kept (one member, one dose, reminders on).
    assert {k: v - before["counts"][k] for k, v in after["counts"].items()} == {
        "ayant_droit": 4,
        "acte_prevention": 4,
        "preference_prevention": 1,
        "idempotence": 0,
    }
    other_writes = 4 * 7  # the other worker's 7 calls per target: 4 done, 3 NOT_FOUND
    assert await prevention_events(api) == events + other_writes


async def test_an_ayant_droit_is_null_through_node_and_nodes_for_everyone_else(setting) -> None:
    api, fam, tokens = setting
    hugo = fam.ids["Hugo"]
    query = """query($id: ID!, $ids: [ID!]!) {
      node(id: $id) { id ... on AyantDroit { prenom dossier { actions { statut } } } }
      nodes(ids: $ids) { id }
    }"""
    variables = {"id": hugo, "ids": [hugo, UNKNOWN]}
    assert (await api.data(query, variables, fam.token))["nodes"] == [{"id": hugo}, None]
    for caller, token in tokens.items():
        body = await api.post(query, variables, token)
        if caller.startswith("oauth") and "read" not in caller and caller != "oauth all scopes":
            assert error_codes(body) == ["FORBIDDEN"], caller  # no read scope: no query at all
            continue
        assert "errors" not in body, caller
        assert body["data"] == {"node": None, "nodes": [None, None]}, caller
        unknown = await api.post(query, {"id": UNKNOWN, "ids": [UNKNOWN, UNKNOWN]}, token)
        assert unknown == body, caller  # the same answer, cost included


JOURNAL = """query($id: ID!) { node(id: $id) { ... on Travailleur {
  journal(first: 100) { totalCount nodes { id operation } }
  prevention: journal(operation: "addAyantDroit") { totalCount } } } }"""
AUDIT = "{ auditCabinet(first: 100) { totalCount nodes { operation } } }"


async def test_the_journal_entries_exist_only_for_the_worker(setting) -> None:
    api, fam, tokens = setting
    worker = encode_global_id("Travailleur", fam.worker.id)
    own = (await api.data(JOURNAL, {"id": worker}, fam.token))["node"]
    assert own["prevention"]["totalCount"] == 5
    private = [n for n in own["journal"]["nodes"] if n["operation"] != "login"]
    assert len(private) == 12
    for caller in ("cabinet admin", "collaborator", "agent", "oauth read", "oauth all scopes"):
        seen = (await api.data(JOURNAL, {"id": worker}, tokens[caller]))["node"]
        assert seen is not None, caller
        operations = {n["operation"] for n in seen["journal"]["nodes"]}
        assert not operations & {"addAyantDroit", "recordVaccination", "recordDepistage"}, caller
        assert seen["prevention"]["totalCount"] == 0, caller
        event = await api.data(
            "query($id: ID!) { node(id: $id) { id } }", {"id": private[0]["id"]}, tokens[caller]
        )
        assert event == {"node": None}, caller
    agent = (await api.data(JOURNAL, {"id": worker}, tokens["agent"]))["node"]["journal"]
    assert agent["totalCount"] == own["journal"]["totalCount"] - 12
    audit = (await api.data(AUDIT, token=tokens["cabinet admin"]))["auditCabinet"]
    assert {n["operation"] for n in audit["nodes"]} == {"login", "createOAuthClient", "oauthToken"}


async def test_advice_is_read_by_workers_and_agents_and_published_by_agents_only(setting) -> None:
    api, fam, tokens = setting
    agent = tokens["agent"]
    published = await api.data(PUBLISH, {"input": {"titre": "Bruit", "contenu": "…"}}, agent)
    conseil = published["publishConseilPrevention"]["conseil"]["id"]
    readers = {"worker": fam.token, "other worker": tokens["other worker"], "agent": agent}
    for caller, token in readers.items():
        seen = await api.data(CONSEILS, token=token)
        assert seen["conseilsPrevention"]["nodes"] == [{"titre": "Bruit"}], caller
    async with api.session() as session:
        before = await session.scalar(select(func.count()).select_from(Actualite))
    writes = [
        (PUBLISH, {"titre": "Intrus", "contenu": "…"}),
        (WITHDRAW, {"conseilId": conseil}),
    ]
    others = {"worker": fam.token} | {k: v for k, v in tokens.items() if k != "agent"}
    for caller, token in others.items():
        if caller not in readers:
            body = await api.post(CONSEILS, token=token)
            assert (body["data"], error_codes(body)) == (None, ["FORBIDDEN"]), caller
        for mutation, fields in writes:
            body = await api.post(mutation, {"input": fields}, token)
            assert (body["data"], error_codes(body)) == (None, ["FORBIDDEN"]), (caller, mutation)
    for query, variables in [(CONSEILS, None), *((m, {"input": f}) for m, f in writes)]:
        anonymous = await api.post(query, variables)
        assert (anonymous["data"], error_codes(anonymous)) == (None, ["UNAUTHENTICATED"])
    async with api.session() as session:
        assert await session.scalar(select(func.count()).select_from(Actualite)) == before
    still = await api.data(CONSEILS, token=fam.token)
    assert still["conseilsPrevention"]["nodes"] == [{"titre": "Bruit"}]
