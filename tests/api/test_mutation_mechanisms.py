"""Mechanisms every mutation shares: one transaction, audit, idempotency, outbox, refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gateway.db.models import CourrielSortant, EvenementAudit, Travailleur
from gateway.schema.relay import encode_global_id
from tests.api.client import api_for
from tests.api.world import PASSWORD, WORKER_PASSWORD, build_world
from tests.conftest import Database

UPDATE = """mutation($input: UpdateContactInput!) {
  updateContact(input: $input) {
    travailleur { nom courriel telephone }
    userErrors { field message code }
  }
}"""


@pytest.fixture
async def setting(db: Database):
    async with api_for(db) as api:
        world = await build_world(api)
        yield api, world


async def snapshot(api, travailleur_id: int) -> tuple:
    async with api.session() as session:
        row = await session.get(Travailleur, travailleur_id)
        mails = await session.scalar(select(func.count()).select_from(CourrielSortant))
        audits = await session.execute(
            select(
                EvenementAudit.operation,
                EvenementAudit.issue,
                EvenementAudit.travailleur_id,
                EvenementAudit.acteur,
            )
            .where(EvenementAudit.operation != "login")
            .order_by(EvenementAudit.id)
        )
        return (row.courriel, row.telephone), mails, [(o, i.value, t, a) for o, i, t, a in audits]


async def test_a_worker_updates_their_contact_and_both_addresses_are_told(setting) -> None:
    api, world = setting
    token = await api.login(world.assigned.nir, WORKER_PASSWORD)
    variables = {
        "input": {
            "travailleurId": encode_global_id("Travailleur", world.assigned.id),
            "courriel": "luc.bernard@nouveau.fr",
            "telephone": "06 11 22 33 44",
        }
    }
    data = await api.data(UPDATE, variables, token)
    assert data["updateContact"] == {
        "travailleur": {
            "nom": "Bernard",
            "courriel": "luc.bernard@nouveau.fr",
            "telephone": "0611223344",
        },
        "userErrors": [],
    }
    contact, mails, audits = await snapshot(api, world.assigned.id)
    assert contact == ("luc.bernard@nouveau.fr", "0611223344")
    assert mails == 2
    assert audits == [("updateContact", "SUCCES", world.assigned.id, "Luc Bernard")]
    async with api.session() as session:
        recipients = sorted(await session.scalars(select(CourrielSortant.destinataire)))
    assert recipients == sorted([world.assigned.courriel, "luc.bernard@nouveau.fr"])


async def test_a_bad_email_is_refused_naming_the_field_and_changes_nothing(setting) -> None:
    api, world = setting
    token = await api.login(world.assigned.nir, WORKER_PASSWORD)
    before = await snapshot(api, world.assigned.id)
    variables = {
        "input": {
            "travailleurId": encode_global_id("Travailleur", world.assigned.id),
            "courriel": "luc@",
            "telephone": "0611223344",
        }
    }
    data = await api.data(UPDATE, variables, token)
    assert data["updateContact"]["travailleur"] is None
    assert data["updateContact"]["userErrors"] == [
        {
            "field": ["input", "courriel"],
            "message": "Adresse électronique invalide : There must be something after the @-sign.",
            "code": "COURRIEL_INVALIDE",
        }
    ]
    contact, mails, audits = await snapshot(api, world.assigned.id)
    assert (contact, mails) == before[:2]
    assert audits == [("updateContact", "REFUS", None, "Luc Bernard")]


async def test_a_bad_phone_is_refused_naming_the_field(setting) -> None:
    api, world = setting
    token = await api.login(world.assigned.nir, WORKER_PASSWORD)
    variables = {
        "input": {
            "travailleurId": encode_global_id("Travailleur", world.assigned.id),
            "telephone": "12",
        }
    }
    data = await api.data(UPDATE, variables, token)
    assert data["updateContact"]["userErrors"] == [
        {
            "field": ["input", "telephone"],
            "message": "Numéro de téléphone invalide : 10 chiffres commençant par 0, ou +33 suivi de 9 chiffres.",
            "code": "TELEPHONE_INVALIDE",
        }
    ]


async def test_an_invisible_worker_is_not_found_exactly_like_an_unknown_one(setting) -> None:
    api, world = setting
    token = await api.login("collab@alpha.fr", PASSWORD)
    answers = []
    for global_id in (
        encode_global_id("Travailleur", world.unassigned.id),
        encode_global_id("Travailleur", 424242),
        "garbage",
    ):
        data = await api.data(
            UPDATE, {"input": {"travailleurId": global_id, "telephone": "0611223344"}}, token
        )
        answers.append(data["updateContact"])
    expected = {
        "travailleur": None,
        "userErrors": [
            {
                "field": ["input", "travailleurId"],
                "message": "Aucun travailleur ne correspond à cet identifiant.",
                "code": "NOT_FOUND",
            }
        ],
    }
    assert answers == [expected, expected, expected]
    contact, mails, _ = await snapshot(api, world.unassigned.id)
    assert contact[1] == "0601020304" and mails == 0


async def test_a_retry_with_the_same_idempotency_key_returns_the_first_result_and_changes_nothing_more(
    setting,
) -> None:
    api, world = setting
    token = await api.login("admin@alpha.fr", PASSWORD)
    gid = encode_global_id("Travailleur", world.unassigned.id)
    first = await api.data(
        UPDATE,
        {"input": {"travailleurId": gid, "telephone": "0611223344", "idempotencyKey": "k-1"}},
        token,
    )
    retry = await api.data(
        UPDATE,
        {"input": {"travailleurId": gid, "telephone": "0699999999", "idempotencyKey": "k-1"}},
        token,
    )
    assert retry == first
    contact, mails, audits = await snapshot(api, world.unassigned.id)
    assert contact[1] == "0611223344"
    assert mails == 1
    assert len(audits) == 1


async def test_the_same_key_from_another_principal_is_a_different_request(setting) -> None:
    api, world = setting
    gid = encode_global_id("Travailleur", world.assigned.id)
    admin = await api.login("admin@alpha.fr", PASSWORD)
    collab = await api.login("collab@alpha.fr", PASSWORD)
    await api.data(
        UPDATE,
        {"input": {"travailleurId": gid, "telephone": "0611111111", "idempotencyKey": "same"}},
        admin,
    )
    data = await api.data(
        UPDATE,
        {"input": {"travailleurId": gid, "telephone": "0622222222", "idempotencyKey": "same"}},
        collab,
    )
    assert data["updateContact"]["travailleur"]["telephone"] == "0622222222"


async def test_unexpected_errors_are_masked(setting, monkeypatch) -> None:
    from gateway.services import contact

    api, world = setting

    def explode(_value: str) -> str:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(contact, "check_telephone", explode)
    token = await api.login(world.assigned.nir, WORKER_PASSWORD)
    body = await api.post(
        UPDATE,
        {
            "input": {
                "travailleurId": encode_global_id("Travailleur", world.assigned.id),
                "telephone": "0611223344",
            }
        },
        token,
    )
    assert body["errors"][0]["message"] == "Unexpected error."
    assert "secret" not in str(body)
