"""Attestations through the API: vigilance, the public check, who may issue and download
(SPEC §6)."""

from __future__ import annotations

from datetime import date

import pytest

from gateway.db import models
from gateway.documents.layout import format_siren, format_siret
from tests.api.client import api_for, error_codes
from tests.api.delais_support import (
    GENERATE,
    OVERDUE,
    TODAY,
    VERIFY,
    Setting,
    attestation_count,
    build_setting,
    french,
    generate,
    on,
    pay,
    pdf_text,
    request_plan,
    siret_of,
)
from tests.conftest import Database
from tests.documents.qr import decode_qr_codes


@pytest.fixture
async def s(db: Database):
    async with api_for(db, today=TODAY) as api:
        yield await build_setting(api, db)


# --- vigilance ---------------------------------------------------------------------------


async def test_vigilance_is_refused_while_something_is_overdue_without_a_plan(s: Setting) -> None:
    data = await generate(s, "VIGILANCE")
    assert data == {
        "attestation": None,
        "userErrors": [
            {
                "field": ["input", "travailleurId"],
                "code": "COTISATIONS_IMPAYEES",
                "message": f"{french(OVERDUE)} € de cotisations restent impayés après leur "
                "échéance (le 05/03/2026, le 05/04/2026, le 05/05/2026, le 05/06/2026) sans "
                "délai de paiement accordé et respecté : réglez-les ou demandez un délai de "
                "paiement.",
            }
        ],
    }
    assert await attestation_count(s) == 0


async def test_vigilance_is_granted_to_a_worker_up_to_date_valid_six_months(s: Setting) -> None:
    await pay(s, OVERDUE, TODAY)
    attestation = (await generate(s, "VIGILANCE"))["attestation"]
    code = attestation.pop("codeVerification")
    assert len(code) == 23 and code.count("-") == 3
    gid = attestation["id"]
    assert attestation == {
        "id": gid,
        "type": "VIGILANCE",
        "annee": None,
        "dateEmission": "2026-06-10",
        "dateFinValidite": "2026-12-09",
        "sousPlanApurement": False,
        "valide": True,
        "url": f"http://127.0.0.1:8000/documents/{gid}.pdf",
        "montants": [],
    }
    text = await pdf_text(s, attestation["url"])
    siret = await siret_of(s)
    assert "Attestation de vigilance" in text
    assert (
        f"Entreprise : Maison Lefebvre Titulaire : Mme Claire LEFEBVRE SIREN : "
        f"{format_siren(siret[:9])} SIRET : {format_siret(siret)} Adresse : 12 rue des Lilas "
        "75011 Paris" in text
    )
    assert (
        f"atteste que l'entreprise Maison Lefebvre (SIREN {format_siren(siret[:9])}), dont le "
        "titulaire est Mme Claire LEFEBVRE, a souscrit toutes ses déclarations de revenus et "
        "est à jour du paiement de ses cotisations et contributions sociales à la date du "
        "10/06/2026." in text
    )
    assert "NIR" not in text and s.worker.nir not in text.replace(" ", "")
    assert "Valable du : 10/06/2026 Jusqu'au : 09/12/2026" in text
    assert f"Code de vérification : {code}" in text
    assert (
        "vérifiée sur http://127.0.0.1:8000/verification avec ce code, ou en scannant le QR "
        "code ci-contre" in text
    )
    response = await s.api.http.get(
        attestation["url"].removeprefix("http://127.0.0.1:8000"),
        headers={"Authorization": f"Bearer {s.token}"},
    )
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["content-disposition"] == (
        f'inline; filename="attestation-vigilance-{siret[:9]}-2026-06-10.pdf"'
    )
    pdf = response.content
    assert decode_qr_codes(pdf) == [f"http://127.0.0.1:8000/verification?code={code}"]


async def test_vigilance_is_granted_once_an_accepted_plan_covers_what_is_overdue(
    s: Setting,
) -> None:
    await request_plan(s)
    attestation = (await generate(s, "VIGILANCE"))["attestation"]
    assert (attestation["sousPlanApurement"], attestation["dateFinValidite"]) == (
        True,
        "2026-12-09",
    )
    text = await pdf_text(s, attestation["url"])
    assert "respecte le plan d'apurement de sa dette accordé par la caisse" in text


async def test_vigilance_is_refused_while_the_plan_is_only_requested(s: Setting) -> None:
    await request_plan(s, nombreEcheances=18)
    data = await generate(s, "VIGILANCE")
    assert [e["code"] for e in data["userErrors"]] == ["COTISATIONS_IMPAYEES"]


async def test_vigilance_is_refused_once_the_plan_is_denounced(s: Setting) -> None:
    # Nothing paid: the plan instalment of 11 June is unmet on 11 July, denounced on the 12th.
    await request_plan(s, premiereEcheance="2026-06-11")
    async with on(s, date(2026, 7, 4)) as day:
        assert (await generate(day, "VIGILANCE"))["attestation"]["sousPlanApurement"] is True
    async with on(s, date(2026, 7, 12)) as day:
        data = await generate(day, "VIGILANCE")
    [error] = data["userErrors"]
    assert error["code"] == "COTISATIONS_IMPAYEES"
    assert (
        "(le 05/03/2026, le 05/04/2026, le 05/05/2026, le 05/06/2026, le 05/07/2026)"
        in (error["message"])
    )


async def test_vigilance_is_refused_while_a_past_income_is_undeclared(s: Setting) -> None:
    await pay(s, OVERDUE, TODAY)
    async with s.api.session() as session:
        await session.execute(
            models.Revenu.__table__.delete().where(
                models.Revenu.travailleur_id == s.worker.id, models.Revenu.annee == 2024
            )
        )
        await session.commit()
    data = await generate(s, "VIGILANCE")
    assert data["userErrors"] == [
        {
            "field": ["input", "travailleurId"],
            "code": "DECLARATIONS_MANQUANTES",
            "message": "Toutes vos déclarations doivent être faites pour obtenir cette "
            "attestation (non déclaré : 2024).",
        }
    ]


async def test_vigilance_is_not_tied_to_another_year(s: Setting) -> None:
    await pay(s, OVERDUE, TODAY)
    data = await generate(s, "VIGILANCE", annee=2025)
    assert data["userErrors"] == [
        {
            "field": ["input", "annee"],
            "code": "ANNEE_INVALIDE",
            "message": "L'attestation de vigilance porte sur l'année 2026 : l'année 2025 ne "
            "peut pas être demandée.",
        }
    ]


# --- public verification -------------------------------------------------------------------


async def test_anyone_checks_a_code_without_logging_in_and_sees_only_the_essentials(
    s: Setting,
) -> None:
    await pay(s, OVERDUE, TODAY)
    code = (await generate(s, "VIGILANCE"))["attestation"]["codeVerification"]
    expected = {
        "type": "VIGILANCE",
        "nom": "Lefebvre",
        "prenom": "Claire",
        "siret": await siret_of(s),
        "entreprise": "Maison Lefebvre",
        "siren": (await siret_of(s))[:9],
        "dateEmission": "2026-06-10",
        "dateFinValidite": "2026-12-09",
        "valide": True,
    }
    assert (await s.api.data(VERIFY, {"code": code}))["verifyAttestation"] == expected
    typed = " " + code.lower().replace("-", " ") + " "
    assert (await s.api.data(VERIFY, {"code": typed}))["verifyAttestation"] == expected
    async with on(s, date(2026, 12, 10)) as later:
        expired = (await later.api.data(VERIFY, {"code": code}))["verifyAttestation"]
    assert expired == {**expected, "valide": False}


@pytest.mark.parametrize("code", ["ABCDE-FGHJK-LMNPQ-RSTUV", "n'importe quoi", ""])
async def test_an_unknown_code_verifies_nothing(s: Setting, code: str) -> None:
    assert (await s.api.data(VERIFY, {"code": code}))["verifyAttestation"] is None


async def test_the_verification_exposes_nothing_else() -> None:
    from gateway.schema.assembly import build_schema

    fields = build_schema()._schema.type_map["VerificationAttestation"].fields
    assert sorted(fields) == [
        "dateEmission",
        "dateFinValidite",
        "entreprise",
        "nom",
        "prenom",
        "siren",
        "siret",
        "type",
        "valide",
    ]


# --- who may ask, who may download ------------------------------------------------------------


async def test_a_mandated_accountant_and_an_agent_may_issue_attestations(s: Setting) -> None:
    for token in (s.accountant, s.agent):
        data = await generate(s, "MARCHE_PUBLIC", token=token)
        assert data["userErrors"] == []
    assert await attestation_count(s) == 2


async def test_another_worker_or_nobody_cannot_issue_one(s: Setting) -> None:
    outsider = await s.api.login(s.other.nir, "secret-travailleur")
    data = await generate(s, "MARCHE_PUBLIC", token=outsider)
    assert [(e["field"], e["code"]) for e in data["userErrors"]] == [
        (["input", "travailleurId"], "NOT_FOUND")
    ]
    body = await s.api.post(GENERATE, {"i": {"travailleurId": s.gid, "type": "MARCHE_PUBLIC"}})
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert await attestation_count(s) == 0


async def test_the_pdf_is_downloaded_by_those_who_may_see_the_worker_only(s: Setting) -> None:
    url = (await generate(s, "MARCHE_PUBLIC"))["attestation"]["url"]
    path = url.removeprefix("http://127.0.0.1:8000")
    outsider = await s.api.login(s.other.nir, "secret-travailleur")

    async def status(token: str | None) -> int:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return (await s.api.http.get(path, headers=headers)).status_code

    assert [await status(t) for t in (s.token, s.accountant, s.agent, outsider, None)] == [
        200,
        200,
        200,
        404,
        401,
    ]


async def test_a_retry_with_the_same_key_returns_the_same_attestation(s: Setting) -> None:
    first = await generate(s, "MARCHE_PUBLIC", idempotencyKey="att-1")
    again = await generate(s, "MARCHE_PUBLIC", idempotencyKey="att-1")
    assert again == first
    assert await attestation_count(s) == 1


async def test_issued_attestations_are_listed_on_the_account(s: Setting) -> None:
    await generate(s, "MARCHE_PUBLIC")
    data = await s.api.data(
        "query($id: ID!) { node(id: $id) { ... on Travailleur { attestations { totalCount "
        "nodes { type annee } } } } }",
        {"id": s.gid},
        s.token,
    )
    assert data["node"]["attestations"] == {
        "totalCount": 1,
        "nodes": [{"type": "MARCHE_PUBLIC", "annee": 2025}],
    }
