"""generateAttestations: an attestation for each client of a selection, one result per
item, each item authorized, issued and idempotent on its own (issue 15)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from domain.nomenclatures import TypeAttestation
from gateway.db import models
from gateway.services import batch_attestations
from tests import builders
from tests.api.client import error_codes
from tests.api.test_workspace_batch import (  # noqa: F401  (the fixture)
    PASSWORD,
    WORKER_PASSWORD,
    Setting,
    not_found,
    setting,
)

ATTESTATIONS = """mutation($items: [GenerateAttestationItem!]!) {
  generateAttestations(input: {items: $items}) {
    nombreSucces nombreEchecs
    results {
      index travailleurId
      travailleur { nom }
      attestation { type annee dateEmission dateFinValidite }
      userErrors { field message code }
    }
  }
}"""


def item(s: Setting, nom: str, type_: str = "VIGILANCE", **overrides) -> dict:
    return {"travailleurId": s.gid(nom), "type": type_, **overrides}


async def attestations(s: Setting) -> list[tuple]:
    async with s.api.session() as session:
        rows = await session.execute(
            select(models.Attestation.travailleur_id, models.Attestation.type).order_by(
                models.Attestation.id
            )
        )
        return [tuple(r) for r in rows]


async def audit_count(s: Setting) -> int:
    async with s.api.session() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(models.EvenementAudit)
                .where(models.EvenementAudit.operation == "generateAttestation")
            )
        )


@pytest.fixture
async def world(setting: Setting) -> Setting:  # noqa: F811
    """Bernard has declared every past year (vigilance obtainable); Dubois has not 2023."""
    async with setting.api.session() as session:
        await builders.revenu(
            session,
            travailleur_id=setting.workers["Bernard"].id,
            annee=2023,
            montant=Decimal("39000"),
        )
        await session.commit()
    return setting


MISSING_2023 = (
    "Toutes vos déclarations doivent être faites pour obtenir cette attestation "
    "(non déclaré : 2023)."
)


async def test_each_item_is_issued_or_refused_on_its_own(world) -> None:
    s = world
    items = [
        item(s, "Bernard"),
        item(s, "Dubois"),
        item(s, "Petit"),
        item(s, "Bernard", "CSG_CRDS"),
        item(s, "Bernard", "MARCHE_PUBLIC"),
    ]
    data = (await s.api.data(ATTESTATIONS, {"items": items}, s.admin))["generateAttestations"]
    assert (data["nombreSucces"], data["nombreEchecs"]) == (2, 3)
    results = data["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3, 4]
    assert [r["travailleurId"] for r in results] == [i["travailleurId"] for i in items]
    assert results[0] == {
        "index": 0,
        "travailleurId": s.gid("Bernard"),
        "travailleur": {"nom": "Bernard"},
        "attestation": {
            "type": "VIGILANCE",
            "annee": None,
            "dateEmission": "2026-06-10",
            "dateFinValidite": "2026-12-09",
        },
        "userErrors": [],
    }
    assert results[1]["attestation"] is None
    assert results[1]["userErrors"] == [
        {
            "field": ["input", "items", "1", "travailleurId"],
            "message": MISSING_2023,
            "code": "DECLARATIONS_MANQUANTES",
        }
    ]
    assert results[2]["userErrors"] == not_found(2)
    assert results[3]["userErrors"] == [
        {
            "field": ["input", "items", "3", "annee"],
            "message": "Indiquez l'année de l'attestation CSG-CRDS.",
            "code": "ANNEE_REQUISE",
        }
    ]
    assert results[4]["attestation"]["type"] == "MARCHE_PUBLIC"
    bernard = s.workers["Bernard"].id
    assert await attestations(s) == [
        (bernard, TypeAttestation.VIGILANCE),
        (bernard, TypeAttestation.MARCHE_PUBLIC),
    ]
    # One audit event per item, issued or refused.
    assert await audit_count(s) == 5


async def test_a_batch_replayed_with_the_same_item_keys_issues_nothing_more(world) -> None:
    s = world
    items = [
        item(s, "Bernard", idempotencyKey="lot-a-1"),
        item(s, "Dubois", idempotencyKey="lot-a-2"),
    ]
    first = await s.api.data(ATTESTATIONS, {"items": items}, s.admin)
    after_first = await attestations(s)
    again = await s.api.data(ATTESTATIONS, {"items": items}, s.admin)
    assert again == first
    assert await attestations(s) == after_first
    assert len(after_first) == 1


async def test_an_unexpected_failure_of_one_item_leaves_the_others_issued(
    world, monkeypatch
) -> None:
    s = world
    real = batch_attestations.attestations.generate_attestation

    async def flaky(ctx, **kwargs):
        if kwargs["idempotency_key"] == "boom":
            raise RuntimeError("boom")
        return await real(ctx, **kwargs)

    monkeypatch.setattr(batch_attestations.attestations, "generate_attestation", flaky)
    items = [item(s, "Bernard", idempotencyKey="boom"), item(s, "Bernard")]
    data = (await s.api.data(ATTESTATIONS, {"items": items}, s.admin))["generateAttestations"]
    assert [r["userErrors"][0]["code"] if r["userErrors"] else None for r in data["results"]] == [
        "ERREUR_INTERNE",
        None,
    ]
    assert data["results"][0]["userErrors"][0]["field"] == ["input", "items", "0"]
    assert len(await attestations(s)) == 1


async def test_a_collaborator_issues_for_assigned_clients_only(world) -> None:
    s = world
    collab = await s.api.login("collab@alpha.fr", PASSWORD)
    items = [item(s, "Bernard"), item(s, "Dubois")]
    data = (await s.api.data(ATTESTATIONS, {"items": items}, collab))["generateAttestations"]
    assert data["results"][0]["userErrors"] == []
    assert data["results"][1]["userErrors"] == not_found(1)
    assert [r[0] for r in await attestations(s)] == [s.workers["Bernard"].id]


@pytest.mark.parametrize(("who", "nom"), [("admin", "Roux"), ("beta", "Bernard")])
async def test_a_revoked_mandate_or_another_cabinet_is_not_found(world, who, nom) -> None:
    s = world
    token = s.admin if who == "admin" else await s.api.login("admin@beta.fr", PASSWORD)
    data = await s.api.data(ATTESTATIONS, {"items": [item(s, nom)]}, token)
    assert data["generateAttestations"]["results"][0]["userErrors"] == not_found(0)
    assert await attestations(s) == []


@pytest.mark.parametrize(("who", "code"), [("worker", "FORBIDDEN"), ("agent", "FORBIDDEN")])
async def test_only_accountants_issue_batches(world, who, code) -> None:
    s = world
    logins = {
        "worker": (s.workers["Bernard"].nir, WORKER_PASSWORD),
        "agent": ("agent@idf.fr", PASSWORD),
    }
    token = await s.api.login(*logins[who])
    body = await s.api.post(ATTESTATIONS, {"items": [item(s, "Bernard")]}, token)
    assert error_codes(body) == [code]
    assert body["data"] is None
    assert await attestations(s) == []


async def test_more_than_500_items_are_refused_before_anything_is_done(world) -> None:
    s = world
    body = await s.api.post(ATTESTATIONS, {"items": [item(s, "Bernard")] * 501}, s.admin)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == (
        "items : au plus 500 éléments par requête (reçu 501) ; découpez le lot."
    )
    assert await attestations(s) == []


async def test_the_issued_pdf_is_linked_and_downloadable(world) -> None:
    s = world
    query = ATTESTATIONS.replace("dateFinValidite }", "dateFinValidite url }")
    data = await s.api.data(query, {"items": [item(s, "Bernard")]}, s.admin)
    attestation = data["generateAttestations"]["results"][0]["attestation"]
    assert attestation["dateEmission"] == date(2026, 6, 10).isoformat()
    base = s.api.services.settings.public_base_url
    assert attestation["url"].startswith(f"{base}/documents/")
    response = await s.api.http.get(
        attestation["url"].removeprefix(base), headers={"Authorization": f"Bearer {s.admin}"}
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
